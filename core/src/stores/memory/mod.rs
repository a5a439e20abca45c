//! In-memory store: thread-safe, wasm-compatible, with real secondary indexes.

mod data;
mod facts;
mod read;
mod search;
mod slas;
mod tasks;

use crate::error::{Entity, Error, Result};
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    check_key_holder, check_version, CaseFacts, CaseIndex, FactsGroup, FactsQuery, ProfileIndex,
    ReadTx, Snapshot, Store, StoredDefinition, WriteTx,
};
use crate::template::{Template, TemplateRef};
use data::{Data, Undo};
use jiff::Timestamp;
use std::sync::{Arc, RwLock};
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
        shared_profile(id: Uuid) -> Option<Arc<Profile>>;
        shared_profiles_with_key(key: &str) -> Vec<Arc<Profile>>;
        latest_shared_contacts(profile: Uuid, limit: usize) -> Vec<Arc<Contact>>;
        profiles(ids: &[Uuid]) -> Vec<Profile>;
        profile_id_by_customer_id(customer_id: &str) -> Option<Uuid>;
        profiles_by_key(key: &str) -> Vec<Uuid>;
        profiles_by_name_prefix(prefix: &str, limit: usize) -> Vec<Uuid>;
        profile_ids(after: Option<Uuid>, limit: usize) -> Vec<Uuid>;
        profiles_page(after: Option<Uuid>, limit: usize) -> Vec<Profile>;
        visit_profiles_page(after: Option<Uuid>, limit: usize, visit: &mut dyn FnMut(&[&Profile])) -> Option<Uuid>;
        profile_count() -> usize;
        profile_index(id: Uuid) -> Option<ProfileIndex>;
        case(id: Uuid) -> Option<Case>;
        cases(ids: &[Uuid]) -> Vec<Case>;
        case_id_by_number(number: &str) -> Option<Uuid>;
        search_cases(tokens: &[String], limit: usize) -> Vec<Uuid>;
        case_count() -> usize;
        case_ids(after: Option<Uuid>, limit: usize) -> Vec<Uuid>;
        case_index(id: Uuid) -> Option<CaseIndex>;
        links_of_case(case: Uuid) -> Vec<CaseLink>;
        links_of_profile(profile: Uuid) -> Vec<CaseLink>;
        linked_cases(profile: Uuid) -> Vec<(CaseLink, Arc<Case>)>;
        contact(id: Uuid) -> Option<Contact>;
        contacts_of_profile(profile: Uuid, from: Option<Timestamp>, to: Option<Timestamp>, limit: usize) -> Vec<Contact>;
        contacts_of_case(case: Uuid) -> Vec<Contact>;
        contact_ids_of_profile(profile: Uuid) -> Vec<Uuid>;
        relations_of(profile: Uuid) -> Vec<Relation>;
        template(id: &str, version: u32) -> Option<Template>;
        latest_template_version(id: &str) -> Option<u32>;
        template_refs() -> Vec<TemplateRef>;
        sequence(name: &str) -> u64;
        audit(subject: Option<Uuid>) -> Vec<AuditEntry>;
        blob(kind: &str, id: Uuid) -> Option<serde_json::Value>;
        definitions(kind: &str) -> Vec<StoredDefinition>;
        sla_due_before(until: Timestamp, limit: usize) -> Vec<SlaDue>;
        sla_due_of_case(case: Uuid) -> Vec<SlaDue>;
        sla_taken_of_case(case: Uuid) -> Vec<SlaDueKey>;
        case_facts(case: Uuid) -> Option<CaseFacts>;
        case_kpis(query: &FactsQuery) -> Vec<FactsGroup>;
        backlog(group: &str, limit: usize) -> Vec<Uuid>;
        open_load(assignee: &str) -> Vec<(Option<String>, u32)>;
        open_tasks(owner: &crate::model::TaskOwner, now_s: i64, limit: usize) -> Vec<crate::store::TaskRow>;
        task_rows_of_case(case: Uuid) -> Vec<crate::store::TaskRow>;
        export() -> Snapshot;
    }
}

impl WriteTx for MemoryWrite<'_> {
    fn put_profile(
        &mut self,
        profile: &Profile,
        index: ProfileIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let stored = self
            .data
            .profiles
            .get(&profile.id)
            .map(|s| s.profile.version);
        check_version(
            Entity::Profile,
            &profile.customer_id,
            stored,
            expected_version,
        )?;
        let holder = self.data.customer_ids.get(&profile.customer_id).copied();
        check_key_holder(Entity::Profile, &profile.customer_id, holder, profile.id)?;
        let old = self
            .data
            .set_profile(profile.id, Some((profile.clone(), index)));
        self.undo.push(Undo::Profile(profile.id, old));
        Ok(())
    }

    fn put_case(
        &mut self,
        case: &Case,
        index: CaseIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let stored = self.data.cases.get(&case.id).map(|s| s.case.version);
        check_version(Entity::Case, &case.number, stored, expected_version)?;
        let holder = self.data.case_numbers.get(&case.number).copied();
        check_key_holder(Entity::Case, &case.number, holder, case.id)?;
        let old = self.data.set_case(case.id, Some((case.clone(), index)));
        self.undo.push(Undo::Case(case.id, old.map(Box::new)));
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

    fn move_contacts(&mut self, ids: &[Uuid], from: Uuid, to: Uuid) -> Result<usize> {
        let mut moved = 0;
        for id in ids {
            if self.data.move_contact(*id, from, to) {
                self.undo.push(Undo::ContactMoved(*id, from));
                moved += 1;
            }
        }
        Ok(moved)
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
                entity: Entity::Template,
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

    fn put_definition(&mut self, definition: &StoredDefinition) -> Result<()> {
        let key = (
            definition.kind.clone(),
            definition.id.clone(),
            definition.version,
        );
        if self.data.slas.definitions.contains_key(&key) {
            return Err(Error::AlreadyExists {
                entity: definition.entity(),
                id: format!("{} v{}", definition.id, definition.version),
            });
        }
        self.data
            .slas
            .definitions
            .insert(key.clone(), definition.clone());
        self.undo.push(Undo::Definition(key));
        Ok(())
    }

    fn put_case_facts(&mut self, facts: &CaseFacts) -> Result<()> {
        let old = self.data.facts.set(facts.case_id, Some(facts.clone()));
        self.undo
            .push(Undo::Facts(facts.case_id, old.map(Box::new)));
        Ok(())
    }

    fn put_task_rows(&mut self, case: Uuid, rows: &[crate::store::TaskRow]) -> Result<()> {
        let old = self.data.tasks.set_rows(case, rows.to_vec());
        self.undo.push(Undo::TaskRows(case, old));
        Ok(())
    }

    fn put_sla_due(&mut self, case: Uuid, due: &[SlaDue]) -> Result<()> {
        let old = self.data.slas.set_due(case, due.to_vec());
        self.undo.push(Undo::SlaDue(case, old));
        Ok(())
    }

    fn take_sla_due(&mut self, key: &SlaDueKey) -> Result<bool> {
        if self.data.slas.taken.contains(key) {
            return Ok(false);
        }
        let row = self.data.slas.set_taken(key, true);
        self.undo.push(Undo::SlaTaken(key.clone(), row));
        Ok(true)
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
