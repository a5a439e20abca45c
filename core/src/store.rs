//! The storage seam: the traits every backend implements, what the engine
//! hands a store to index, and a store's whole content as a [`Snapshot`].
//! The backends themselves are [`MemoryStore`](crate::MemoryStore) and, natively,
//! `SqliteStore`.
//!
//! A store holds records and the secondary indexes the engine looks them up
//! by. It decides nothing: the engine computes every value a store indexes
//! (a profile's lookup keys and name tokens, a case's search tokens) and
//! hands it over with the record. Every engine operation runs inside one
//! [`Store::read`] or [`Store::write`] transaction; a write transaction
//! whose body fails leaves the store exactly as it was.
//!
//! A transaction body may run more than once: a store that loses a
//! serialization conflict (PostgreSQL's SQLSTATE 40001, a deadlock) rolls
//! back and runs the body again. Bodies therefore change nothing outside the
//! transaction they are given.

use crate::error::{Entity, Error, Result};
use crate::model::{AuditEntry, Case, CaseLink, Contact, Profile, Relation, TaskOwner};
use crate::sla::{SlaDue, SlaDueKey};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

mod batch;
mod facts;
mod tasks;
pub use batch::{read_one_by_one, Looked, Lookup};
pub use facts::{
    aggregate, local_seconds, period_of, rank_bounds, CaseFacts, DurationStats, FactColumn,
    FactKey, FactsGroup, FactsQuery, KeyValue, TimeBucket,
};
pub use tasks::{TaskRow, TaskUrgency};

/// Version of the [`Snapshot`] format.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Most records a name-prefix lookup hands back before the engine filters them.
pub const NAME_CANDIDATE_CAP: usize = 10_000;

/// What a store indexes a profile by, derived by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileIndex {
    /// Exact lookup keys (`phone:+44...`, `email:...`, `account:...`, ...),
    /// sorted and unique: [`ReadTx::profiles_by_key`] finds the profile by each.
    pub keys: Vec<String>,
    /// Folded name tokens, sorted and unique: [`ReadTx::profiles_by_name_prefix`]
    /// finds the profile by each token's prefixes.
    pub name_tokens: Vec<String>,
}

/// What a store indexes a case by, derived by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseIndex {
    /// Folded search tokens (lower-case ASCII letters and digits), in text
    /// order: [`ReadTx::search_cases`] matches them.
    pub search_tokens: Vec<String>,
}

/// A stored version of a rule definition (a business calendar, a
/// service-level definition): never replaced once stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StoredDefinition {
    /// What it defines (`calendar`, `sla`).
    pub kind: String,
    /// Id.
    pub id: String,
    /// Version (1, 2, ...).
    pub version: u32,
    /// When it was loaded: cases count by the version in force at the time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub loaded_at: Timestamp,
    /// The definition as JSON.
    pub body: serde_json::Value,
}

impl StoredDefinition {
    /// The entity errors about this definition name.
    pub fn entity(&self) -> Entity {
        match self.kind.as_str() {
            "calendar" => Entity::Calendar,
            "response_template" => Entity::ResponseTemplate,
            "report" => Entity::Report,
            _ => Entity::Sla,
        }
    }
}

/// Read access inside a transaction.
pub trait ReadTx {
    /// A profile (tombstones included).
    fn profile(&self, id: Uuid) -> Result<Option<Profile>>;
    /// [`ReadTx::profile`], shared where the store holds profiles in
    /// memory (a screen pop then copies nothing).
    fn shared_profile(&self, id: Uuid) -> Result<Option<Arc<Profile>>> {
        Ok(self.profile(id)?.map(Arc::new))
    }
    /// The profiles with these ids that exist, in the order of `ids`. Read
    /// one by one unless the store reads many at once (a network store).
    fn profiles(&self, ids: &[Uuid]) -> Result<Vec<Profile>> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            found.extend(self.profile(*id)?);
        }
        Ok(found)
    }
    /// The profile holding a customer ID.
    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>>;
    /// Profiles indexed under an exact key, sorted by id.
    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>>;
    /// The profiles indexed under an exact key (tombstones included),
    /// sorted by id: [`ReadTx::profiles_by_key`] then [`ReadTx::profiles`],
    /// unless the store reads both at once (a network store).
    fn profiles_with_key(&self, key: &str) -> Result<Vec<Profile>> {
        self.profiles(&self.profiles_by_key(key)?)
    }
    /// [`ReadTx::profiles_with_key`], shared where the store holds profiles
    /// in memory.
    fn shared_profiles_with_key(&self, key: &str) -> Result<Vec<Arc<Profile>>> {
        Ok(self
            .profiles_with_key(key)?
            .into_iter()
            .map(Arc::new)
            .collect())
    }
    /// The answers to several independent lookups, in their order: one
    /// after the other, unless the store sends them at once (a network
    /// store, one round trip).
    fn read_many(&self, lookups: &[Lookup<'_>]) -> Result<Vec<Looked>> {
        read_one_by_one(self, lookups)
    }
    /// Whether a [`ReadTx::read_many`] batch costs about one lookup (a
    /// network store sends it in one round trip): the engine then asks in
    /// advance for what it will probably need. `false` by default.
    fn batches_reads(&self) -> bool {
        false
    }
    /// Profiles with a name token starting with `prefix`, sorted by id, at most `limit`.
    fn profiles_by_name_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<Uuid>>;
    /// Up to `limit` profile ids greater than `after`, ascending (for paging through all profiles).
    fn profile_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>>;
    /// Up to `limit` whole profiles with ids greater than `after`, ascending by id.
    fn profiles_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Profile>>;
    /// Hands `visit` the page [`profiles_page`](ReadTx::profiles_page)
    /// would return, borrowed where the store holds profiles in memory (no
    /// copies), and returns the last id of the page (`None` when empty).
    fn visit_profiles_page(
        &self,
        after: Option<Uuid>,
        limit: usize,
        visit: &mut dyn FnMut(&[&Profile]),
    ) -> Result<Option<Uuid>> {
        let page = self.profiles_page(after, limit)?;
        visit(&page.iter().collect::<Vec<_>>());
        Ok(page.last().map(|p| p.id))
    }
    /// Number of profiles, tombstones included.
    fn profile_count(&self) -> Result<usize>;
    /// What the store indexes a profile by, as it was handed over (for
    /// consistency checks); `None` for an unknown profile.
    fn profile_index(&self, id: Uuid) -> Result<Option<ProfileIndex>>;

    /// A case.
    fn case(&self, id: Uuid) -> Result<Option<Case>>;
    /// The cases with these ids that exist, in the order of `ids`. Read one
    /// by one unless the store reads many at once (a network store).
    fn cases(&self, ids: &[Uuid]) -> Result<Vec<Case>> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            found.extend(self.case(*id)?);
        }
        Ok(found)
    }
    /// The case with a case number.
    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>>;
    /// Cases whose search tokens hold every token (the last one as a
    /// prefix), newest first, at most `limit`.
    fn search_cases(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>>;
    /// Number of cases.
    fn case_count(&self) -> Result<usize>;
    /// Up to `limit` case ids greater than `after`, ascending (for paging
    /// through all cases).
    fn case_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>>;
    /// What the store indexes a case by; `None` for an unknown case.
    fn case_index(&self, id: Uuid) -> Result<Option<CaseIndex>>;
    /// Links of a case, sorted by profile id.
    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>>;
    /// Links of a profile, sorted by case id.
    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>>;
    /// A profile's links with their cases, sorted by case id (one read for
    /// a profile's cases, instead of one per link). The cases are shared:
    /// a store holding them in memory hands out references, not copies of
    /// their timelines.
    fn linked_cases(&self, profile: Uuid) -> Result<Vec<(CaseLink, Arc<Case>)>>;

    /// A contact.
    fn contact(&self, id: Uuid) -> Result<Option<Contact>>;
    /// Contacts of a profile started in `[from, to)`, most recent first, at
    /// most `limit` (an empty range, `from` at or after `to`, holds none).
    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>>;
    /// A profile's `limit` latest contacts, most recent first, shared where
    /// the store holds contacts in memory.
    fn latest_shared_contacts(&self, profile: Uuid, limit: usize) -> Result<Vec<Arc<Contact>>> {
        Ok(self
            .contacts_of_profile(profile, None, None, limit)?
            .into_iter()
            .map(Arc::new)
            .collect())
    }
    /// Contacts associated with a case, most recent first.
    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>>;
    /// The ids of all contacts of a profile, in no particular order (what a
    /// merge moves, without reading the contacts themselves).
    fn contact_ids_of_profile(&self, profile: Uuid) -> Result<Vec<Uuid>> {
        Ok(self
            .contacts_of_profile(profile, None, None, usize::MAX)?
            .into_iter()
            .map(|c| c.id)
            .collect())
    }

    /// Relations a profile takes part in, sorted by the other profile's id.
    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>>;

    /// A template version.
    fn template(&self, id: &str, version: u32) -> Result<Option<Template>>;
    /// The newest version of a template.
    fn latest_template_version(&self, id: &str) -> Result<Option<u32>>;
    /// Every template version, sorted.
    fn template_refs(&self) -> Result<Vec<TemplateRef>>;

    /// Every stored version of the definitions of a kind, by id then version.
    fn definitions(&self, kind: &str) -> Result<Vec<StoredDefinition>>;
    /// Service-level crossings due at or before `until` and not yet taken,
    /// soonest first (then by case, clock and threshold), at most `limit`.
    fn sla_due_before(&self, until: Timestamp, limit: usize) -> Result<Vec<SlaDue>>;
    /// A case's service-level crossings not yet taken, soonest first.
    fn sla_due_of_case(&self, case: Uuid) -> Result<Vec<SlaDue>>;
    /// The crossings of a case already taken, sorted.
    fn sla_taken_of_case(&self, case: Uuid) -> Result<Vec<SlaDueKey>>;

    /// What reports know of a case, as last handed over.
    fn case_facts(&self, case: Uuid) -> Result<Option<CaseFacts>>;
    /// Reporting aggregates over the cases' facts, one per group, as
    /// [`aggregate`] computes them (in any order).
    fn case_kpis(&self, query: &FactsQuery) -> Result<Vec<FactsGroup>>;

    /// The backlog of a support group: its open cases nobody is assigned
    /// to (by their facts), most urgent first (priority, then the oldest,
    /// then the case id), at most `limit`: an index range, never a scan.
    fn backlog(&self, group: &str, limit: usize) -> Result<Vec<Uuid>>;
    /// How many open cases (by their facts) are assigned to `assignee`,
    /// per channel (`None`: cases without one), sorted by channel.
    fn open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>>;

    /// An owner's task rows listed at `now_s` (their `visible_s` at or
    /// before it), most urgent first ([`TaskRow::urgency`]), at most `limit`:
    /// an index range, never a scan of every task.
    fn open_tasks(&self, owner: &TaskOwner, now_s: i64, limit: usize) -> Result<Vec<TaskRow>>;
    /// The task rows indexed for a case, sorted by task id.
    fn task_rows_of_case(&self, case: Uuid) -> Result<Vec<TaskRow>>;

    /// Current value of a sequence (0 if never used).
    fn sequence(&self, name: &str) -> Result<u64>;
    /// Audit entries about a record (or all, with `None`), oldest first.
    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>>;
    /// A stored blob (merge journals and other engine bookkeeping).
    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>>;

    /// Every record, in a canonical order.
    fn export(&self) -> Result<Snapshot>;
}

/// Write access inside a transaction.
///
/// Versioned records are written by compare-and-set: `expected_version`
/// `None` inserts a record that must not exist yet
/// ([`Error::AlreadyExists`] otherwise), `Some(v)` replaces a record that
/// must be stored at version `v` ([`Error::Conflict`] otherwise, naming the
/// stored version).
pub trait WriteTx: ReadTx {
    /// Inserts or replaces a profile with what it is indexed by.
    fn put_profile(
        &mut self,
        profile: &Profile,
        index: ProfileIndex,
        expected_version: Option<u64>,
    ) -> Result<()>;
    /// Inserts or replaces a case with what keyword search should see.
    fn put_case(
        &mut self,
        case: &Case,
        index: CaseIndex,
        expected_version: Option<u64>,
    ) -> Result<()>;
    /// Inserts or replaces the link of a case and a profile.
    fn put_link(&mut self, link: &CaseLink) -> Result<()>;
    /// Removes the link of a case and a profile; whether it existed.
    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool>;
    /// Inserts or replaces a contact.
    fn put_contact(&mut self, contact: &Contact) -> Result<()>;
    /// Re-associates those of the contacts `ids` that belong to profile
    /// `from` with profile `to`, leaving every other field and every other
    /// contact as it is; how many moved. Stores override it with one batched
    /// write: a merge moves a profile's whole contact history.
    fn move_contacts(&mut self, ids: &[Uuid], from: Uuid, to: Uuid) -> Result<usize> {
        let mut moved = 0;
        for id in ids {
            if let Some(mut contact) = self.contact(*id)? {
                if contact.profile_id == Some(from) {
                    contact.profile_id = Some(to);
                    self.put_contact(&contact)?;
                    moved += 1;
                }
            }
        }
        Ok(moved)
    }
    /// Inserts or replaces the relation between two profiles.
    fn put_relation(&mut self, relation: &Relation) -> Result<()>;
    /// Removes the relation between two profiles; whether it existed.
    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool>;
    /// Stores a template version (never replaced once stored).
    fn put_template(&mut self, template: &Template) -> Result<()>;
    /// Stores a definition version ([`Error::AlreadyExists`] if that
    /// kind, id and version is stored).
    fn put_definition(&mut self, definition: &StoredDefinition) -> Result<()>;
    /// Inserts or replaces what reports know of a case.
    fn put_case_facts(&mut self, facts: &CaseFacts) -> Result<()>;
    /// Replaces the task rows indexed for a case.
    fn put_task_rows(&mut self, case: Uuid, rows: &[TaskRow]) -> Result<()>;
    /// Replaces the service-level crossings indexed for a case.
    fn put_sla_due(&mut self, case: Uuid, due: &[SlaDue]) -> Result<()>;
    /// Takes a crossing: records its key as taken and drops it from the
    /// due index. `false` when it was taken before (by another server).
    fn take_sla_due(&mut self, key: &SlaDueKey) -> Result<bool>;
    /// Increments a sequence and returns its new value.
    fn next_sequence(&mut self, name: &str) -> Result<u64>;
    /// Sets a sequence (import only; never lowers it).
    fn raise_sequence(&mut self, name: &str, value: u64) -> Result<()>;
    /// Appends to the audit log.
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// Stores or replaces a blob.
    fn put_blob(&mut self, kind: &str, id: Uuid, value: &serde_json::Value) -> Result<()>;
}

/// A storage backend.
pub trait Store: Send + Sync {
    /// Runs `f` in a read transaction (a consistent view). `f` may run more
    /// than once.
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a write transaction: committed if `f` returns `Ok`,
    /// rolled back entirely if it returns `Err` (or panics). `f` may run
    /// more than once: after a serialization failure the store rolls back
    /// and runs it again.
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()>;
    /// [`Store::write`] for a transaction that writes many records (an
    /// import batch): the same guarantees; a store may use more memory for it.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write(f)
    }
    /// Whether write transactions can succeed (`false` for a store opened
    /// read-only): the engine skips bookkeeping writes, such as re-keying
    /// on open, on a store that refuses them.
    fn writable(&self) -> bool {
        true
    }
    /// The store's own consistency checks (its files, its indexes against
    /// its rows), one line per problem; empty when all is well. The
    /// engine's [`check_invariants`](crate::Casebook::check_invariants)
    /// adds these to its checks of the records.
    fn self_check(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// A boxed or shared store is the store it points to.
macro_rules! forward_store {
    ($($pointer:ident)::+) => {
        impl<S: Store + ?Sized> Store for $($pointer)::+<S> {
            fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
                (**self).read(f)
            }
            fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
                (**self).write(f)
            }
            fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
                (**self).write_bulk(f)
            }
            fn writable(&self) -> bool {
                (**self).writable()
            }
            fn self_check(&self) -> Result<Vec<String>> {
                (**self).self_check()
            }
        }
    };
}

forward_store!(Box);
forward_store!(std::sync::Arc);

/// Typed helpers over [`Store`]: a body that returns a value. The body may
/// run more than once (see [`Store::write`]); the value of the run that
/// committed is returned.
pub trait StoreExt: Store {
    /// Runs `f` in a read transaction and returns its result.
    fn read_with<R>(&self, mut f: impl FnMut(&dyn ReadTx) -> Result<R>) -> Result<R> {
        let mut out = Kept(None);
        self.read(&mut |tx| out.keep(f(tx)))?;
        out.value()
    }

    /// Runs `f` in a write transaction and returns its result.
    fn write_with<R>(&self, mut f: impl FnMut(&mut dyn WriteTx) -> Result<R>) -> Result<R> {
        let mut out = Kept(None);
        self.write(&mut |tx| out.keep(f(tx)))?;
        out.value()
    }

    /// Runs `f` in a bulk write transaction ([`Store::write_bulk`]) and
    /// returns its result.
    fn write_bulk_with<R>(&self, mut f: impl FnMut(&mut dyn WriteTx) -> Result<R>) -> Result<R> {
        let mut out = Kept(None);
        self.write_bulk(&mut |tx| out.keep(f(tx)))?;
        out.value()
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

/// The value of a transaction body's last run.
struct Kept<R>(Option<R>);

impl<R> Kept<R> {
    fn keep(&mut self, run: Result<R>) -> Result<()> {
        self.0 = Some(run?);
        Ok(())
    }

    fn value(self) -> Result<R> {
        self.0.ok_or_else(|| {
            Error::Internal("the store committed without running the transaction body".into())
        })
    }
}

/// Compare-and-set on a record's version: `expected` `None` stores a new
/// record (refused if one is `stored`), `Some(v)` replaces the record at
/// version `v` (refused with a conflict naming the stored version otherwise).
pub fn check_version(
    entity: Entity,
    key: &str,
    stored: Option<u64>,
    expected: Option<u64>,
) -> Result<()> {
    match (stored, expected) {
        (Some(_), None) => Err(Error::AlreadyExists {
            entity,
            id: key.to_string(),
        }),
        (stored, Some(expected)) if stored != Some(expected) => Err(Error::Conflict {
            entity,
            id: key.to_string(),
            expected,
            actual: stored.unwrap_or(0),
        }),
        _ => Ok(()),
    }
}

/// Refuses a unique key (a customer ID, a case number) to a record other
/// than the one that holds it: what a store checks before storing a record
/// under its key.
pub fn check_key_holder(entity: Entity, key: &str, holder: Option<Uuid>, id: Uuid) -> Result<()> {
    match holder {
        Some(holder) if holder != id => Err(Error::AlreadyExists {
            entity,
            id: key.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Every record of a store, for export, import and comparison.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Snapshot {
    /// Format version ([`SNAPSHOT_FORMAT`]).
    pub format: u32,
    /// Template versions, by id and version.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::template::TemplateDef>")
    )]
    pub templates: Vec<Template>,
    /// Profiles, by id.
    pub profiles: Vec<Profile>,
    /// Cases, oldest first.
    pub cases: Vec<Case>,
    /// Case links, by case then profile.
    pub links: Vec<CaseLink>,
    /// Contacts, by id.
    pub contacts: Vec<Contact>,
    /// Relations, by key.
    pub relations: Vec<Relation>,
    /// Sequences (customer IDs, case numbers).
    pub sequences: BTreeMap<String, u64>,
    /// Audit log, oldest first.
    pub audit: Vec<AuditEntry>,
    /// Engine bookkeeping (merge journals), by kind then id.
    pub blobs: Vec<(String, Uuid, serde_json::Value)>,
    /// Calendar and service-level definition versions, by kind, id and version.
    #[serde(default)]
    pub definitions: Vec<StoredDefinition>,
    /// Service-level crossings already taken, sorted.
    #[serde(default)]
    pub sla_taken: Vec<SlaDueKey>,
}
