//! In-memory store: thread-safe, wasm-compatible, with real secondary indexes.

use super::{ReadTx, Snapshot, Store, WriteTx, SNAPSHOT_FORMAT};
use crate::error::{Error, Result};
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::RwLock;
use uuid::Uuid;

/// The in-memory store (the default, and the store of the browser build).
///
/// Readers share a lock; a writer holds it alone. A write transaction keeps
/// an undo journal and replays it if its body fails or panics, so a failed
/// transaction leaves nothing behind.
#[derive(Default)]
pub struct MemoryStore {
    data: RwLock<Data>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

/// Profiles under one index key. Most keys (a phone, an e-mail) name one
/// profile, so that case takes no allocation of its own.
enum IdSet {
    One(Uuid),
    Many(BTreeSet<Uuid>),
}

impl IdSet {
    fn insert(&mut self, id: Uuid) {
        match self {
            IdSet::One(first) if *first == id => {}
            IdSet::One(first) => *self = IdSet::Many(BTreeSet::from([*first, id])),
            IdSet::Many(set) => {
                set.insert(id);
            }
        }
    }

    /// Removes `id`; whether the set is now empty.
    fn remove(&mut self, id: Uuid) -> bool {
        match self {
            IdSet::One(only) => *only == id,
            IdSet::Many(set) => {
                set.remove(&id);
                match (set.len(), set.first().copied()) {
                    (1, Some(last)) => *self = IdSet::One(last),
                    (0, _) => return true,
                    _ => {}
                }
                false
            }
        }
    }

    fn to_vec(&self) -> Vec<Uuid> {
        match self {
            IdSet::One(id) => vec![*id],
            IdSet::Many(set) => set.iter().copied().collect(),
        }
    }
}

struct StoredCase {
    case: Case,
    text: String,
    seq: u64,
}

#[derive(Default)]
struct Data {
    profiles: HashMap<Uuid, Profile>,
    profile_order: BTreeSet<Uuid>,
    customer_ids: HashMap<String, Uuid>,
    profile_keys: HashMap<String, IdSet>,
    names: BTreeSet<(String, Uuid)>,
    cases: HashMap<Uuid, StoredCase>,
    case_numbers: HashMap<String, Uuid>,
    case_by_seq: HashMap<u64, Uuid>,
    case_tokens: BTreeMap<String, BTreeSet<u64>>,
    next_case_seq: u64,
    links: BTreeMap<(Uuid, Uuid), CaseLink>,
    links_by_profile: BTreeSet<(Uuid, Uuid)>,
    contacts: HashMap<Uuid, Contact>,
    contacts_by_profile: BTreeSet<(Uuid, Timestamp, Uuid)>,
    contacts_by_case: BTreeSet<(Uuid, Timestamp, Uuid)>,
    relations: BTreeMap<(Uuid, Uuid), Relation>,
    relations_by_profile: BTreeSet<(Uuid, Uuid)>,
    templates: BTreeMap<(String, u32), Template>,
    sequences: BTreeMap<String, u64>,
    audit: Vec<AuditEntry>,
    audit_by_subject: BTreeSet<(Uuid, usize)>,
    blobs: BTreeMap<(String, Uuid), serde_json::Value>,
}

/// What to do to undo one write.
enum Undo {
    Profile(Uuid, Option<Profile>),
    Case(Uuid, Option<(Case, String)>),
    Link((Uuid, Uuid), Option<CaseLink>),
    Contact(Uuid, Option<Contact>),
    Relation((Uuid, Uuid), Option<Relation>),
    Template((String, u32)),
    Sequence(String, Option<u64>),
    AuditLen(usize),
    Blob((String, Uuid), Option<serde_json::Value>),
}

impl Data {
    fn set_profile(&mut self, id: Uuid, profile: Option<Profile>) -> Option<Profile> {
        let old = self.profiles.remove(&id);
        if let Some(old) = &old {
            self.customer_ids.remove(&old.customer_id);
            for key in old.index_keys() {
                if let Some(set) = self.profile_keys.get_mut(&key) {
                    if set.remove(id) {
                        self.profile_keys.remove(&key);
                    }
                }
            }
            for token in old.name_tokens() {
                self.names.remove(&(token, id));
            }
        }
        if let Some(new) = profile {
            self.customer_ids.insert(new.customer_id.clone(), id);
            for key in new.index_keys() {
                match self.profile_keys.get_mut(&key) {
                    Some(set) => set.insert(id),
                    None => {
                        self.profile_keys.insert(key, IdSet::One(id));
                    }
                }
            }
            for token in new.name_tokens() {
                self.names.insert((token, id));
            }
            self.profiles.insert(id, new);
            self.profile_order.insert(id);
        } else {
            self.profile_order.remove(&id);
        }
        old
    }

    fn case_text_has_prefix(&self, seq: u64, prefix: &str) -> bool {
        self.case_by_seq
            .get(&seq)
            .and_then(|id| self.cases.get(id))
            .is_some_and(|c| {
                crate::text::tokens(&c.text)
                    .iter()
                    .any(|t| t.starts_with(prefix))
            })
    }

    fn set_case(&mut self, id: Uuid, case: Option<(Case, String)>) -> Option<(Case, String)> {
        let old = self.cases.remove(&id);
        let mut seq = None;
        if let Some(old) = &old {
            self.case_numbers.remove(&old.case.number);
            for token in crate::text::tokens(&old.text) {
                if let Some(set) = self.case_tokens.get_mut(&token) {
                    set.remove(&old.seq);
                    if set.is_empty() {
                        self.case_tokens.remove(&token);
                    }
                }
            }
            seq = Some(old.seq);
        }
        match case {
            Some((case, text)) => {
                let seq = seq.unwrap_or_else(|| {
                    self.next_case_seq += 1;
                    self.next_case_seq
                });
                self.case_numbers.insert(case.number.clone(), id);
                self.case_by_seq.insert(seq, id);
                for token in crate::text::tokens(&text) {
                    self.case_tokens.entry(token).or_default().insert(seq);
                }
                self.cases.insert(id, StoredCase { case, text, seq });
            }
            None => {
                if let Some(seq) = seq {
                    self.case_by_seq.remove(&seq);
                }
            }
        }
        old.map(|s| (s.case, s.text))
    }

    fn set_link(&mut self, key: (Uuid, Uuid), link: Option<CaseLink>) -> Option<CaseLink> {
        let old = self.links.remove(&key);
        self.links_by_profile.remove(&(key.1, key.0));
        if let Some(link) = link {
            self.links_by_profile.insert((key.1, key.0));
            self.links.insert(key, link);
        }
        old
    }

    fn set_contact(&mut self, id: Uuid, contact: Option<Contact>) -> Option<Contact> {
        let old = self.contacts.remove(&id);
        if let Some(old) = &old {
            if let Some(p) = old.profile_id {
                self.contacts_by_profile.remove(&(p, old.started_at, id));
            }
            for c in &old.case_ids {
                self.contacts_by_case.remove(&(*c, old.started_at, id));
            }
        }
        if let Some(new) = contact {
            if let Some(p) = new.profile_id {
                self.contacts_by_profile.insert((p, new.started_at, id));
            }
            for c in &new.case_ids {
                self.contacts_by_case.insert((*c, new.started_at, id));
            }
            self.contacts.insert(id, new);
        }
        old
    }

    fn set_relation(&mut self, key: (Uuid, Uuid), relation: Option<Relation>) -> Option<Relation> {
        let old = self.relations.remove(&key);
        self.relations_by_profile.remove(&(key.0, key.1));
        self.relations_by_profile.remove(&(key.1, key.0));
        if let Some(r) = relation {
            self.relations_by_profile.insert((key.0, key.1));
            self.relations_by_profile.insert((key.1, key.0));
            self.relations.insert(key, r);
        }
        old
    }

    fn undo(&mut self, op: Undo) {
        match op {
            Undo::Profile(id, p) => {
                self.set_profile(id, p);
            }
            Undo::Case(id, c) => {
                self.set_case(id, c);
            }
            Undo::Link(key, l) => {
                self.set_link(key, l);
            }
            Undo::Contact(id, c) => {
                self.set_contact(id, c);
            }
            Undo::Relation(key, r) => {
                self.set_relation(key, r);
            }
            Undo::Template(key) => {
                self.templates.remove(&key);
            }
            Undo::Sequence(name, value) => match value {
                Some(v) => {
                    self.sequences.insert(name, v);
                }
                None => {
                    self.sequences.remove(&name);
                }
            },
            Undo::AuditLen(len) => {
                let removed: Vec<AuditEntry> = self.audit.drain(len..).collect();
                for (offset, entry) in removed.into_iter().enumerate() {
                    for subject in entry.subjects {
                        self.audit_by_subject.remove(&(subject, len + offset));
                    }
                }
            }
            Undo::Blob(key, value) => match value {
                Some(v) => {
                    self.blobs.insert(key, v);
                }
                None => {
                    self.blobs.remove(&key);
                }
            },
        }
    }
}

fn contacts_in_range(
    index: &BTreeSet<(Uuid, Timestamp, Uuid)>,
    contacts: &HashMap<Uuid, Contact>,
    owner: Uuid,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
    limit: usize,
) -> Vec<Contact> {
    let lower = (owner, from.unwrap_or(Timestamp::MIN), Uuid::nil());
    let upper = match to {
        Some(to) => Bound::Excluded((owner, to, Uuid::nil())),
        None => Bound::Included((owner, Timestamp::MAX, Uuid::max())),
    };
    index
        .range((Bound::Included(lower), upper))
        .rev()
        .take(limit)
        .filter_map(|(_, _, id)| contacts.get(id).cloned())
        .collect()
}

impl ReadTx for Data {
    fn profile(&self, id: Uuid) -> Result<Option<Profile>> {
        Ok(self.profiles.get(&id).cloned())
    }

    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>> {
        Ok(self.customer_ids.get(customer_id).copied())
    }

    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>> {
        Ok(self
            .profile_keys
            .get(key)
            .map(IdSet::to_vec)
            .unwrap_or_default())
    }

    fn profiles_by_name_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<Uuid>> {
        let mut ids: Vec<Uuid> = self
            .names
            .range((prefix.to_string(), Uuid::nil())..)
            .take_while(|(token, _)| token.starts_with(prefix))
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.truncate(limit);
        Ok(ids)
    }

    fn profile_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>> {
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        Ok(self
            .profile_order
            .range((lower, Bound::Unbounded))
            .take(limit)
            .copied()
            .collect())
    }

    fn profiles_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Profile>> {
        Ok(self
            .profile_ids(after, limit)?
            .into_iter()
            .filter_map(|id| self.profiles.get(&id).cloned())
            .collect())
    }

    fn profile_count(&self) -> Result<usize> {
        Ok(self.profiles.len())
    }

    fn case(&self, id: Uuid) -> Result<Option<Case>> {
        Ok(self.cases.get(&id).map(|s| s.case.clone()))
    }

    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>> {
        Ok(self.case_numbers.get(number).copied())
    }

    fn search_cases(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        let mut exact_sets = Vec::with_capacity(exact.len());
        for token in exact {
            match self.case_tokens.get(token) {
                Some(set) => exact_sets.push(set),
                None => return Ok(Vec::new()),
            }
        }
        exact_sets.sort_by_key(|s| s.len());
        let prefixed: Vec<&BTreeSet<u64>> = self
            .case_tokens
            .range(last.clone()..)
            .take_while(|(t, _)| t.starts_with(last.as_str()))
            .map(|(_, set)| set)
            .collect();
        let in_exact = |seq: &u64| exact_sets.iter().all(|s| s.contains(seq));
        let prefix_postings: usize = prefixed.iter().map(|s| s.len()).sum();
        // Cost stays bounded by the rarer side instead of growing with the store.
        let seqs: Vec<u64> = match exact_sets.first() {
            Some(rarest) if rarest.len() < prefix_postings => rarest
                .iter()
                .rev()
                .filter(|seq| in_exact(seq) && self.case_text_has_prefix(**seq, last))
                .take(limit)
                .copied()
                .collect(),
            Some(_) => {
                let mut all: Vec<u64> = prefixed.iter().flat_map(|s| s.iter().copied()).collect();
                all.sort_unstable_by(|a, b| b.cmp(a));
                all.dedup();
                all.into_iter()
                    .filter(|seq| in_exact(seq))
                    .take(limit)
                    .collect()
            }
            None => newest_of_union(&prefixed, limit),
        };
        Ok(seqs
            .iter()
            .filter_map(|seq| self.case_by_seq.get(seq).copied())
            .collect())
    }

    fn case_count(&self) -> Result<usize> {
        Ok(self.cases.len())
    }

    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>> {
        Ok(self
            .links
            .range((case, Uuid::nil())..=(case, Uuid::max()))
            .map(|(_, l)| l.clone())
            .collect())
    }

    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>> {
        Ok(self
            .links_by_profile
            .range((profile, Uuid::nil())..=(profile, Uuid::max()))
            .filter_map(|(p, c)| self.links.get(&(*c, *p)).cloned())
            .collect())
    }

    fn contact(&self, id: Uuid) -> Result<Option<Contact>> {
        Ok(self.contacts.get(&id).cloned())
    }

    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>> {
        Ok(contacts_in_range(
            &self.contacts_by_profile,
            &self.contacts,
            profile,
            from,
            to,
            limit,
        ))
    }

    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>> {
        Ok(contacts_in_range(
            &self.contacts_by_case,
            &self.contacts,
            case,
            None,
            None,
            usize::MAX,
        ))
    }

    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>> {
        Ok(self
            .relations_by_profile
            .range((profile, Uuid::nil())..=(profile, Uuid::max()))
            .filter_map(|(p, other)| self.relations.get(&relation_key(*p, *other)).cloned())
            .collect())
    }

    fn template(&self, id: &str, version: u32) -> Result<Option<Template>> {
        Ok(self.templates.get(&(id.to_string(), version)).cloned())
    }

    fn latest_template_version(&self, id: &str) -> Result<Option<u32>> {
        Ok(self
            .templates
            .range((id.to_string(), 0)..=(id.to_string(), u32::MAX))
            .next_back()
            .map(|((_, v), _)| *v))
    }

    fn template_refs(&self) -> Result<Vec<TemplateRef>> {
        Ok(self
            .templates
            .keys()
            .map(|(id, version)| TemplateRef {
                id: id.clone(),
                version: *version,
            })
            .collect())
    }

    fn sequence(&self, name: &str) -> Result<u64> {
        Ok(self.sequences.get(name).copied().unwrap_or(0))
    }

    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        Ok(match subject {
            None => self.audit.clone(),
            Some(s) => self
                .audit_by_subject
                .range((s, 0)..=(s, usize::MAX))
                .filter_map(|(_, i)| self.audit.get(*i).cloned())
                .collect(),
        })
    }

    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>> {
        Ok(self.blobs.get(&(kind.to_string(), id)).cloned())
    }

    fn export(&self) -> Result<Snapshot> {
        let mut profiles: Vec<Profile> = self.profiles.values().cloned().collect();
        profiles.sort_by_key(|p| p.id);
        let mut cases: Vec<&StoredCase> = self.cases.values().collect();
        cases.sort_by_key(|s| s.seq);
        let mut contacts: Vec<Contact> = self.contacts.values().cloned().collect();
        contacts.sort_by_key(|c| c.id);
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            templates: self.templates.values().cloned().collect(),
            profiles,
            cases: cases.into_iter().map(|s| s.case.clone()).collect(),
            links: self.links.values().cloned().collect(),
            contacts,
            relations: self.relations.values().cloned().collect(),
            sequences: self.sequences.clone(),
            audit: self.audit.clone(),
            blobs: self
                .blobs
                .iter()
                .map(|((kind, id), v)| (kind.clone(), *id, v.clone()))
                .collect(),
        })
    }
}

/// A write transaction: the data under the exclusive lock plus an undo journal.
struct MemoryWrite<'a> {
    data: &'a mut Data,
    undo: Vec<Undo>,
    committed: bool,
}

impl Drop for MemoryWrite<'_> {
    fn drop(&mut self) {
        if !self.committed {
            while let Some(op) = self.undo.pop() {
                self.data.undo(op);
            }
        }
    }
}

macro_rules! delegate_reads {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> Result<$ret> { self.data.$name($($arg),*) })*
    };
}

impl ReadTx for MemoryWrite<'_> {
    delegate_reads! {
        profile(id: Uuid) -> Option<Profile>;
        profile_id_by_customer_id(customer_id: &str) -> Option<Uuid>;
        profiles_by_key(key: &str) -> Vec<Uuid>;
        profiles_by_name_prefix(prefix: &str, limit: usize) -> Vec<Uuid>;
        profile_ids(after: Option<Uuid>, limit: usize) -> Vec<Uuid>;
        profiles_page(after: Option<Uuid>, limit: usize) -> Vec<Profile>;
        profile_count() -> usize;
        case(id: Uuid) -> Option<Case>;
        case_id_by_number(number: &str) -> Option<Uuid>;
        search_cases(tokens: &[String], limit: usize) -> Vec<Uuid>;
        case_count() -> usize;
        links_of_case(case: Uuid) -> Vec<CaseLink>;
        links_of_profile(profile: Uuid) -> Vec<CaseLink>;
        contact(id: Uuid) -> Option<Contact>;
        contacts_of_profile(profile: Uuid, from: Option<Timestamp>, to: Option<Timestamp>, limit: usize) -> Vec<Contact>;
        contacts_of_case(case: Uuid) -> Vec<Contact>;
        relations_of(profile: Uuid) -> Vec<Relation>;
        template(id: &str, version: u32) -> Option<Template>;
        latest_template_version(id: &str) -> Option<u32>;
        template_refs() -> Vec<TemplateRef>;
        sequence(name: &str) -> u64;
        audit(subject: Option<Uuid>) -> Vec<AuditEntry>;
        blob(kind: &str, id: Uuid) -> Option<serde_json::Value>;
        export() -> Snapshot;
    }
}

impl WriteTx for MemoryWrite<'_> {
    fn put_profile(&mut self, profile: &Profile) -> Result<()> {
        if let Some(holder) = self.data.customer_ids.get(&profile.customer_id) {
            if *holder != profile.id {
                return Err(Error::AlreadyExists {
                    entity: crate::Entity::Profile,
                    id: profile.customer_id.clone(),
                });
            }
        }
        let old = self.data.set_profile(profile.id, Some(profile.clone()));
        self.undo.push(Undo::Profile(profile.id, old));
        Ok(())
    }

    fn put_case(&mut self, case: &Case, search_text: &str) -> Result<()> {
        if let Some(holder) = self.data.case_numbers.get(&case.number) {
            if *holder != case.id {
                return Err(Error::AlreadyExists {
                    entity: crate::Entity::Case,
                    id: case.number.clone(),
                });
            }
        }
        let old = self
            .data
            .set_case(case.id, Some((case.clone(), search_text.to_string())));
        self.undo.push(Undo::Case(case.id, old));
        Ok(())
    }

    fn put_link(&mut self, link: &CaseLink) -> Result<()> {
        let key = (link.case_id, link.profile_id);
        let old = self.data.set_link(key, Some(link.clone()));
        self.undo.push(Undo::Link(key, old));
        Ok(())
    }

    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool> {
        let key = (case, profile);
        let old = self.data.set_link(key, None);
        let existed = old.is_some();
        self.undo.push(Undo::Link(key, old));
        Ok(existed)
    }

    fn put_contact(&mut self, contact: &Contact) -> Result<()> {
        let old = self.data.set_contact(contact.id, Some(contact.clone()));
        self.undo.push(Undo::Contact(contact.id, old));
        Ok(())
    }

    fn put_relation(&mut self, relation: &Relation) -> Result<()> {
        let key = relation.key();
        let old = self.data.set_relation(key, Some(relation.clone()));
        self.undo.push(Undo::Relation(key, old));
        Ok(())
    }

    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool> {
        let key = relation_key(a, b);
        let old = self.data.set_relation(key, None);
        let existed = old.is_some();
        self.undo.push(Undo::Relation(key, old));
        Ok(existed)
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        let key = (template.id.clone(), template.version);
        if self.data.templates.contains_key(&key) {
            return Err(Error::AlreadyExists {
                entity: crate::Entity::Template,
                id: format!("{} v{}", template.id, template.version),
            });
        }
        self.data.templates.insert(key.clone(), template.clone());
        self.undo.push(Undo::Template(key));
        Ok(())
    }

    fn next_sequence(&mut self, name: &str) -> Result<u64> {
        let old = self.data.sequences.get(name).copied();
        let next = old.unwrap_or(0) + 1;
        self.data.sequences.insert(name.to_string(), next);
        self.undo.push(Undo::Sequence(name.to_string(), old));
        Ok(next)
    }

    fn raise_sequence(&mut self, name: &str, value: u64) -> Result<()> {
        let old = self.data.sequences.get(name).copied();
        if old.unwrap_or(0) < value {
            self.data.sequences.insert(name.to_string(), value);
            self.undo.push(Undo::Sequence(name.to_string(), old));
        }
        Ok(())
    }

    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        let index = self.data.audit.len();
        self.undo.push(Undo::AuditLen(index));
        for subject in &entry.subjects {
            self.data.audit_by_subject.insert((*subject, index));
        }
        self.data.audit.push(entry.clone());
        Ok(())
    }

    fn put_blob(&mut self, kind: &str, id: Uuid, value: &serde_json::Value) -> Result<()> {
        let key = (kind.to_string(), id);
        let old = self.data.blobs.insert(key.clone(), value.clone());
        self.undo.push(Undo::Blob(key, old));
        Ok(())
    }
}

impl Store for MemoryStore {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        let guard = self
            .data
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&*guard)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        // A panic inside a writer is rolled back by `MemoryWrite::drop`, so a
        // poisoned lock still guards consistent data.
        let mut guard = self.data.write().unwrap_or_else(|poisoned| {
            self.data.clear_poison();
            poisoned.into_inner()
        });
        let mut tx = MemoryWrite {
            data: &mut guard,
            undo: Vec::new(),
            committed: false,
        };
        let outcome = f(&mut tx);
        tx.committed = outcome.is_ok();
        outcome
    }
}

/// The `limit` largest values of a union of sets, largest first, by a k-way
/// merge that reads only as far as it needs.
fn newest_of_union(sets: &[&BTreeSet<u64>], limit: usize) -> Vec<u64> {
    let mut iters: Vec<_> = sets.iter().map(|s| s.iter().rev()).collect();
    let mut heap: std::collections::BinaryHeap<(u64, usize)> = iters
        .iter_mut()
        .enumerate()
        .filter_map(|(i, it)| it.next().map(|v| (*v, i)))
        .collect();
    let mut out: Vec<u64> = Vec::with_capacity(limit.min(64));
    while out.len() < limit {
        let Some((value, i)) = heap.pop() else { break };
        if out.last() != Some(&value) {
            out.push(value);
        }
        if let Some(next) = iters[i].next() {
            heap.push((*next, i));
        }
    }
    out
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "router", "route", "rout", "modem", "mode", "slow", "signal", "sig",
    ];

    fn oracle(texts: &[String], tokens: &[String], limit: usize) -> Vec<u64> {
        let Some((last, exact)) = tokens.split_last() else {
            return Vec::new();
        };
        (1..=texts.len() as u64)
            .rev()
            .filter(|seq| {
                let have = crate::text::tokens(&texts[*seq as usize - 1]);
                exact.iter().all(|t| have.contains(t))
                    && have.iter().any(|t| t.starts_with(last.as_str()))
            })
            .take(limit)
            .collect()
    }

    proptest! {
        #[test]
        fn search_matches_a_brute_force_scan(
            texts in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 1..4), 1..60),
            query in proptest::collection::vec((0..WORDS.len(), 1..7usize), 1..4),
            limit in 1..30usize,
        ) {
            let texts: Vec<String> = texts.iter().map(|t| t.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")).collect();
            let template = crate::Casebook::in_memory()
                .create_case("t", crate::CaseInput { short_description: "x".into(), ..Default::default() })
                .expect("a case");
            let mut data = Data::default();
            let mut ids = Vec::new();
            for (i, text) in texts.iter().enumerate() {
                let id = Uuid::from_u128(i as u128 + 1);
                ids.push(id);
                let mut case = template.clone();
                case.id = id;
                case.number = format!("CS{i}");
                data.set_case(id, Some((case, text.clone())));
            }
            // Every token whole, the last one cut to a prefix.
            let mut tokens: Vec<String> = query.iter().map(|(w, _)| WORDS[*w].to_string()).collect();
            if let (Some(last), Some((_, cut))) = (tokens.last_mut(), query.last()) {
                last.truncate((*cut).min(last.len()));
            }
            let expected: Vec<Uuid> = oracle(&texts, &tokens, limit).iter().map(|s| ids[*s as usize - 1]).collect();
            prop_assert_eq!(data.search_cases(&tokens, limit).expect("search"), expected);
        }
    }
}
