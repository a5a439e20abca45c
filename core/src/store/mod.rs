//! The storage trait every backend implements, the in-memory backend and
//! (natively, with the `sqlite` feature) the SQLite backend.
//!
//! A store holds records and the secondary indexes the engine looks them up
//! by. It decides nothing: domain rules live in the engine. Every engine
//! operation runs inside one [`Store::read`] or [`Store::write`] transaction;
//! a write transaction whose closure fails leaves the store exactly as it was.

mod memory;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub mod sqlite;

pub use memory::MemoryStore;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use sqlite::{Durability, SqliteOptions, SqliteStore};

use crate::error::Result;
use crate::model::{AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Version of the [`Snapshot`] format.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Most records a name-prefix lookup hands back before the engine filters them.
pub const NAME_CANDIDATE_CAP: usize = 10_000;

/// Read access inside a transaction.
pub trait ReadTx {
    /// A profile (tombstones included).
    fn profile(&self, id: Uuid) -> Result<Option<Profile>>;
    /// The profile holding a customer ID.
    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>>;
    /// Profiles carrying an exact index key (see [`Profile::index_keys`]), sorted by id.
    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>>;
    /// Profiles with a folded name token starting with `prefix`, sorted by id, at most `limit`.
    fn profiles_by_name_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<Uuid>>;
    /// Up to `limit` profile ids greater than `after`, ascending (for paging through all profiles).
    fn profile_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>>;
    /// Up to `limit` whole profiles with ids greater than `after`, ascending by id.
    fn profiles_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Profile>>;
    /// Number of profiles, tombstones included.
    fn profile_count(&self) -> Result<usize>;

    /// A case.
    fn case(&self, id: Uuid) -> Result<Option<Case>>;
    /// The case with a case number.
    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>>;
    /// Cases whose search text holds every token (the last one as a prefix),
    /// newest first, at most `limit`.
    fn search_cases(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>>;
    /// Number of cases.
    fn case_count(&self) -> Result<usize>;
    /// Links of a case, sorted by profile id.
    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>>;
    /// Links of a profile, sorted by case id.
    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>>;

    /// A contact.
    fn contact(&self, id: Uuid) -> Result<Option<Contact>>;
    /// Contacts of a profile started in `[from, to)`, most recent first, at most `limit`.
    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>>;
    /// Contacts associated with a case, most recent first.
    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>>;

    /// Relations a profile takes part in, sorted by the other profile's id.
    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>>;

    /// A template version.
    fn template(&self, id: &str, version: u32) -> Result<Option<Template>>;
    /// The newest version of a template.
    fn latest_template_version(&self, id: &str) -> Result<Option<u32>>;
    /// Every template version, sorted.
    fn template_refs(&self) -> Result<Vec<TemplateRef>>;

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
pub trait WriteTx: ReadTx {
    /// Inserts or replaces a profile and its index entries.
    fn put_profile(&mut self, profile: &Profile) -> Result<()>;
    /// Inserts or replaces a case with the text keyword search should see.
    fn put_case(&mut self, case: &Case, search_text: &str) -> Result<()>;
    /// Inserts or replaces the link of a case and a profile.
    fn put_link(&mut self, link: &CaseLink) -> Result<()>;
    /// Removes the link of a case and a profile; whether it existed.
    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool>;
    /// Inserts or replaces a contact.
    fn put_contact(&mut self, contact: &Contact) -> Result<()>;
    /// Inserts or replaces the relation between two profiles.
    fn put_relation(&mut self, relation: &Relation) -> Result<()>;
    /// Removes the relation between two profiles; whether it existed.
    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool>;
    /// Stores a template version (never replaced once stored).
    fn put_template(&mut self, template: &Template) -> Result<()>;
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
    /// Runs `f` in a read transaction (a consistent view).
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a write transaction: committed if `f` returns `Ok`,
    /// rolled back entirely if it returns `Err` (or panics).
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()>;
    /// [`Store::write`] for a transaction that writes many records (an
    /// import batch): the same guarantees; a store may use more memory for it.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write(f)
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        (**self).read(f)
    }
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        (**self).write(f)
    }
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        (**self).write_bulk(f)
    }
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        (**self).read(f)
    }
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        (**self).write(f)
    }
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        (**self).write_bulk(f)
    }
}

/// Typed helpers over [`Store`].
pub trait StoreExt: Store {
    /// Runs `f` in a read transaction and returns its result.
    fn read_with<R>(&self, f: impl FnOnce(&dyn ReadTx) -> Result<R>) -> Result<R> {
        let mut body = Once::new(f);
        self.read(&mut |tx| body.run(tx))?;
        body.result()
    }

    /// Runs `f` in a write transaction and returns its result.
    fn write_with<R>(&self, f: impl FnOnce(&mut dyn WriteTx) -> Result<R>) -> Result<R> {
        let mut body = Once::new(f);
        self.write(&mut |tx| body.run(tx))?;
        body.result()
    }

    /// Runs `f` in a bulk write transaction ([`Store::write_bulk`]) and
    /// returns its result.
    fn write_bulk_with<R>(&self, f: impl FnOnce(&mut dyn WriteTx) -> Result<R>) -> Result<R> {
        let mut body = Once::new(f);
        self.write_bulk(&mut |tx| body.run(tx))?;
        body.result()
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

/// A transaction body that runs once, as the `FnMut` a store takes, keeping
/// its result.
struct Once<F, R> {
    body: Option<F>,
    out: Option<R>,
}

impl<F, R> Once<F, R> {
    fn new(body: F) -> Self {
        Once {
            body: Some(body),
            out: None,
        }
    }

    fn run<T>(&mut self, tx: T) -> Result<()>
    where
        F: FnOnce(T) -> Result<R>,
    {
        let body = self
            .body
            .take()
            .ok_or_else(|| crate::Error::Internal("transaction body run twice".into()))?;
        self.out = Some(body(tx)?);
        Ok(())
    }

    fn result(self) -> Result<R> {
        self.out
            .ok_or_else(|| crate::Error::Internal("transaction body did not run".into()))
    }
}

/// Every record of a store, for export, import and comparison.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version ([`SNAPSHOT_FORMAT`]).
    pub format: u32,
    /// Template versions, by id and version.
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
}

impl Profile {
    /// Exact index keys of a profile: its contact keys, `account:<id>`,
    /// `ident:<kind>:<value>` (folded) and the duplicate-detection blocking
    /// keys (`bk:...`, see [`crate::identity::MatchView::blocking_keys`]).
    pub fn index_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.contact_points.iter().map(|p| p.key.clone()).collect();
        if !self.is_tombstone() {
            keys.extend(crate::identity::MatchView::of(self).blocking_keys());
        }
        keys.extend(self.accounts.iter().map(|a| account_key(a)));
        keys.extend(
            self.identifications
                .iter()
                .map(|i| identification_key(&i.kind, &i.value)),
        );
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Index key of an account id.
pub fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

/// Index key of an identification.
pub fn identification_key(kind: &str, value: &str) -> String {
    let compact: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    format!("ident:{}:{compact}", kind.trim().to_lowercase())
}
