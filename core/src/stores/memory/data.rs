//! The in-memory store's records and secondary indexes, and the one place
//! that keeps them in step: every write goes through a `set_*` function
//! that removes the old record's index entries and adds the new one's.

use crate::model::{AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::store::{CaseIndex, ProfileIndex};
use crate::template::Template;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use uuid::Uuid;

/// Profiles under one index key. Most keys (a phone, an e-mail) name one
/// profile, so that case takes no allocation of its own.
pub(super) enum IdSet {
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

    pub(super) fn to_vec(&self) -> Vec<Uuid> {
        match self {
            IdSet::One(id) => vec![*id],
            IdSet::Many(set) => set.iter().copied().collect(),
        }
    }
}

/// A profile with what it was handed over to be indexed by. The keys are
/// shared with the key index, so remembering them costs a pointer each.
pub(super) struct StoredProfile {
    /// Shared, so a screen pop hands the profile out without copying it.
    pub(super) profile: Arc<Profile>,
    pub(super) keys: Box<[Arc<str>]>,
    pub(super) name_tokens: Packed,
}

impl StoredProfile {
    pub(super) fn index(&self) -> ProfileIndex {
        ProfileIndex {
            keys: self.keys.iter().map(|k| k.to_string()).collect(),
            name_tokens: self.name_tokens.to_vec(),
        }
    }
}

/// Strings kept end to end in one allocation: a case's search tokens are
/// many and short, and one allocation each would cost more than the text.
pub(super) struct Packed {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Packed {
    /// The strings, sorted and unique.
    fn new(items: &[String]) -> Packed {
        let mut sorted: Vec<&str> = items.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut text = String::with_capacity(sorted.iter().map(|s| s.len()).sum());
        let mut ends = Vec::with_capacity(sorted.len());
        for item in sorted {
            text.push_str(item);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Packed {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let end = end as usize;
            let item = self.text.get(start..end).unwrap_or("");
            start = end;
            item
        })
    }

    pub(super) fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

/// A case with its search tokens and its insertion number, which orders
/// search results newest first.
pub(super) struct StoredCase {
    /// Shared, so a profile's cases are read without copying their timelines.
    pub(super) case: Arc<Case>,
    pub(super) tokens: Packed,
    pub(super) seq: u64,
}

#[derive(Default)]
pub(super) struct Data {
    pub(super) profiles: HashMap<Uuid, StoredProfile>,
    pub(super) profile_order: BTreeSet<Uuid>,
    pub(super) customer_ids: HashMap<String, Uuid>,
    pub(super) profile_keys: HashMap<Arc<str>, IdSet>,
    pub(super) names: BTreeSet<(Box<str>, Uuid)>,
    pub(super) cases: HashMap<Uuid, StoredCase>,
    pub(super) case_numbers: HashMap<String, Uuid>,
    pub(super) case_by_seq: HashMap<u64, Uuid>,
    pub(super) case_tokens: BTreeMap<Box<str>, BTreeSet<u64>>,
    pub(super) next_case_seq: u64,
    pub(super) links: BTreeMap<(Uuid, Uuid), CaseLink>,
    pub(super) links_by_profile: BTreeSet<(Uuid, Uuid)>,
    /// Shared, so a screen pop hands out the latest contacts without copies.
    pub(super) contacts: HashMap<Uuid, Arc<Contact>>,
    pub(super) contacts_by_profile: BTreeSet<(Uuid, Timestamp, Uuid)>,
    pub(super) contacts_by_case: BTreeSet<(Uuid, Timestamp, Uuid)>,
    pub(super) relations: BTreeMap<(Uuid, Uuid), Relation>,
    pub(super) relations_by_profile: BTreeSet<(Uuid, Uuid)>,
    pub(super) templates: BTreeMap<(String, u32), Template>,
    pub(super) sequences: BTreeMap<String, u64>,
    pub(super) audit: Vec<AuditEntry>,
    pub(super) audit_by_subject: BTreeSet<(Uuid, usize)>,
    pub(super) blobs: BTreeMap<(String, Uuid), serde_json::Value>,
    pub(super) slas: super::slas::SlaData,
    /// What reports know of each case.
    pub(super) facts: super::facts::FactsData,
    /// What task lists read.
    pub(super) tasks: super::tasks::TaskData,
}

/// A profile as the undo journal keeps it.
pub(super) type ProfileEntry = (Profile, ProfileIndex);

/// What to do to undo one write.
pub(super) enum Undo {
    Profile(Uuid, Option<ProfileEntry>),
    // Boxed: a case is the largest record, and most undo entries are not cases.
    Case(Uuid, Option<Box<(Case, CaseIndex)>>),
    Link((Uuid, Uuid), Option<CaseLink>),
    Contact(Uuid, Option<Contact>),
    /// A contact moved from the profile it names, by [`Data::move_contact`].
    ContactMoved(Uuid, Uuid),
    Relation((Uuid, Uuid), Option<Relation>),
    Template((String, u32)),
    Sequence(String, Option<u64>),
    AuditLen(usize),
    Blob((String, Uuid), Option<serde_json::Value>),
    Definition((String, String, u32)),
    SlaDue(Uuid, Vec<crate::sla::SlaDue>),
    SlaTaken(crate::sla::SlaDueKey, Option<crate::sla::SlaDue>),
    Facts(Uuid, Option<Box<crate::store::CaseFacts>>),
    TaskRows(Uuid, Vec<crate::store::TaskRow>),
}

impl Data {
    /// The shared copy of an index key, made on first use.
    fn shared_key(&self, key: &str) -> Arc<str> {
        match self.profile_keys.get_key_value(key) {
            Some((shared, _)) => Arc::clone(shared),
            None => Arc::from(key),
        }
    }

    pub(super) fn set_profile(
        &mut self,
        id: Uuid,
        entry: Option<ProfileEntry>,
    ) -> Option<ProfileEntry> {
        let old = self.profiles.remove(&id);
        if let Some(old) = &old {
            self.customer_ids.remove(&old.profile.customer_id);
            for key in old.keys.iter() {
                if let Some(set) = self.profile_keys.get_mut(&**key) {
                    if set.remove(id) {
                        self.profile_keys.remove(&**key);
                    }
                }
            }
            for token in old.name_tokens.iter() {
                self.names.remove(&(Box::from(token), id));
            }
        }
        match entry {
            Some((profile, index)) => {
                let keys: Box<[Arc<str>]> = index.keys.iter().map(|k| self.shared_key(k)).collect();
                for key in keys.iter() {
                    match self.profile_keys.get_mut(&**key) {
                        Some(set) => set.insert(id),
                        None => {
                            self.profile_keys.insert(Arc::clone(key), IdSet::One(id));
                        }
                    }
                }
                let name_tokens = Packed::new(&index.name_tokens);
                for token in name_tokens.iter() {
                    self.names.insert((Box::from(token), id));
                }
                self.customer_ids.insert(profile.customer_id.clone(), id);
                self.profile_order.insert(id);
                self.profiles.insert(
                    id,
                    StoredProfile {
                        profile: Arc::new(profile),
                        keys,
                        name_tokens,
                    },
                );
            }
            None => {
                self.profile_order.remove(&id);
            }
        }
        old.map(|s| {
            let index = s.index();
            (Arc::unwrap_or_clone(s.profile), index)
        })
    }

    pub(super) fn set_case(
        &mut self,
        id: Uuid,
        entry: Option<(Case, CaseIndex)>,
    ) -> Option<(Case, CaseIndex)> {
        let old = self.cases.remove(&id);
        let mut seq = None;
        if let Some(old) = &old {
            self.case_numbers.remove(&old.case.number);
            for token in old.tokens.iter() {
                if let Some(set) = self.case_tokens.get_mut(token) {
                    set.remove(&old.seq);
                    if set.is_empty() {
                        self.case_tokens.remove(token);
                    }
                }
            }
            seq = Some(old.seq);
        }
        match entry {
            Some((case, index)) => {
                let seq = seq.unwrap_or_else(|| {
                    self.next_case_seq += 1;
                    self.next_case_seq
                });
                let tokens = Packed::new(&index.search_tokens);
                for token in tokens.iter() {
                    match self.case_tokens.get_mut(token) {
                        Some(set) => {
                            set.insert(seq);
                        }
                        None => {
                            self.case_tokens.insert(token.into(), BTreeSet::from([seq]));
                        }
                    }
                }
                self.case_numbers.insert(case.number.clone(), id);
                self.case_by_seq.insert(seq, id);
                self.cases.insert(
                    id,
                    StoredCase {
                        case: Arc::new(case),
                        tokens,
                        seq,
                    },
                );
            }
            None => {
                if let Some(seq) = seq {
                    self.case_by_seq.remove(&seq);
                }
            }
        }
        old.map(|s| {
            let index = CaseIndex {
                search_tokens: s.tokens.to_vec(),
            };
            (Arc::unwrap_or_clone(s.case), index)
        })
    }

    pub(super) fn set_link(
        &mut self,
        key: (Uuid, Uuid),
        link: Option<CaseLink>,
    ) -> Option<CaseLink> {
        let old = self.links.remove(&key);
        self.links_by_profile.remove(&(key.1, key.0));
        if let Some(link) = link {
            self.links_by_profile.insert((key.1, key.0));
            self.links.insert(key, link);
        }
        old
    }

    pub(super) fn set_contact(&mut self, id: Uuid, contact: Option<Contact>) -> Option<Contact> {
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
            self.contacts.insert(id, Arc::new(new));
        }
        old.map(Arc::unwrap_or_clone)
    }

    /// Re-associates a contact of profile `from` with `to`; whether it was `from`'s.
    pub(super) fn move_contact(&mut self, id: Uuid, from: Uuid, to: Uuid) -> bool {
        let Some(contact) = self.contacts.get_mut(&id) else {
            return false;
        };
        if contact.profile_id != Some(from) {
            return false;
        }
        Arc::make_mut(contact).profile_id = Some(to);
        let started_at = contact.started_at;
        self.contacts_by_profile.remove(&(from, started_at, id));
        self.contacts_by_profile.insert((to, started_at, id));
        true
    }

    pub(super) fn set_relation(
        &mut self,
        key: (Uuid, Uuid),
        relation: Option<Relation>,
    ) -> Option<Relation> {
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

    pub(super) fn undo(&mut self, op: Undo) {
        match op {
            Undo::Profile(id, p) => {
                self.set_profile(id, p);
            }
            Undo::Case(id, c) => {
                self.set_case(id, c.map(|c| *c));
            }
            Undo::Link(key, l) => {
                self.set_link(key, l);
            }
            Undo::Contact(id, c) => {
                self.set_contact(id, c);
            }
            Undo::ContactMoved(id, from) => {
                if let Some(to) = self.contacts.get(&id).and_then(|c| c.profile_id) {
                    self.move_contact(id, to, from);
                }
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
            Undo::Definition(key) => {
                self.slas.definitions.remove(&key);
            }
            Undo::SlaDue(case, rows) => {
                self.slas.set_due(case, rows);
            }
            Undo::Facts(case, facts) => {
                self.facts.set(case, facts.map(|f| *f));
            }
            Undo::TaskRows(case, rows) => {
                self.tasks.set_rows(case, rows);
            }
            Undo::SlaTaken(key, row) => {
                self.slas.set_taken(&key, false);
                if let Some(row) = row {
                    self.slas.restore_due(row);
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
