//! The engine: the [`Casebook`] facade and its builder. Every domain
//! operation runs in one storage transaction; the operations live in one
//! file per concept beside this one.

mod addresses;
mod assignment;
mod attachments;
mod case_form;
mod case_hierarchy;
mod case_links;
mod case_merge;
mod cases;
mod clean;
mod contact_points;
mod contacts;
mod customer_card;
mod dashboard;
mod definitions;
mod duplicates;
mod events;
mod external_records;
mod feedback;
mod form;
mod ids;
mod import;
mod intake;
mod intake_plan;
mod key_rules;
mod merge;
mod notify;
mod profile_form;
mod profiles;
mod recognition;
mod rekey;
mod related_records;
mod relations;
mod reports;
mod routing;
mod slas;
mod snapshot;
mod targets;
mod tasks;
mod templates;

pub use attachments::AttachedFile;
pub use case_links::ProfileCase;
pub use case_merge::{CaseMergeOutcome, CaseMergePlan, CaseMergePreview, CaseMergeRecord};
pub use customer_card::{CardRecord, CardSource, CustomerCard};
pub use form::FormValidation;
pub use import::{
    CsvMapping, ImportFormat, ImportOptions, ImportProgress, ImportReport, Rejection,
};
pub use notify::{CaseNotification, NotifiedProfile, NotifyInput, UnreachedProfile};
pub use profiles::{CreateOptions, ProfileQuery};
pub use recognition::Recognition;
pub use related_records::{CaseRelations, RelatedGroup, RelatedInput, RelatedView};

use crate::clock::{Clock, IdSource};
use crate::config::Config;
use crate::error::{Entity, Error, Result};
use crate::integrity::MAX_REDIRECTS;
use crate::model::{Case, Contact, Profile};
use crate::phone::PhoneRules;
use crate::store::{ReadTx, Store};
use crate::stores::MemoryStore;
use crate::template::{Template, ValidationContext};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// A reference to a profile, case or contact: its internal id, or a human
/// key (customer ID, case number, or an id written as text).
///
/// A merged-away profile resolves to the profile it was merged into, except
/// through [`Ref::Stored`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref<'a> {
    /// Internal id.
    Id(Uuid),
    /// Customer ID, case number, or id as text.
    Key(&'a str),
    /// Exactly the record stored under this id: a merged-away profile is
    /// returned as its tombstone instead of its survivor.
    Stored(Uuid),
}

impl From<Uuid> for Ref<'_> {
    fn from(id: Uuid) -> Self {
        Ref::Id(id)
    }
}

impl From<&Uuid> for Ref<'_> {
    fn from(id: &Uuid) -> Self {
        Ref::Id(*id)
    }
}

impl<'a> From<&'a str> for Ref<'a> {
    fn from(key: &'a str) -> Self {
        Ref::Key(key)
    }
}

impl<'a> From<&'a String> for Ref<'a> {
    fn from(key: &'a String) -> Self {
        Ref::Key(key)
    }
}

impl std::fmt::Display for Ref<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Id(id) | Ref::Stored(id) => write!(f, "{id}"),
            Ref::Key(k) => f.write_str(k),
        }
    }
}

/// The engine. Cheap to share between threads (`Arc<Casebook<_>>`).
pub struct Casebook<S: Store = MemoryStore> {
    store: S,
    config: Config,
    phone: PhoneRules,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    templates: RwLock<HashMap<(String, u32), Arc<Template>>>,
    slas: slas::SlaCache,
    intake: intake::IntakeCache,
    routing: routing::RoutingCache,
}

impl<S: Store> std::fmt::Debug for Casebook<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Casebook")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Casebook`].
pub struct CasebookBuilder<S: Store> {
    store: S,
    config: Config,
    clock: Option<Arc<dyn Clock>>,
    ids: Option<Arc<dyn IdSource>>,
}

impl<S: Store> CasebookBuilder<S> {
    /// Sets the configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the clock (default: the system clock; required on wasm32).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the id source (default: random UUIDs; required on wasm32).
    pub fn ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = Some(ids);
        self
    }

    /// Checks the configuration and builds the engine. If the rules that
    /// derive profile keys changed since the store's profiles were keyed
    /// (or were never recorded), every profile is re-keyed first (see
    /// [`Casebook::rekey`]).
    pub fn build(self) -> Result<Casebook<S>> {
        self.config.check()?;
        let phone = PhoneRules::new(
            self.config.default_region.as_deref(),
            &self.config.phone_equivalences,
        )?;
        #[cfg(not(target_arch = "wasm32"))]
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::new(crate::clock::SystemClock));
        #[cfg(not(target_arch = "wasm32"))]
        let ids = self
            .ids
            .unwrap_or_else(|| Arc::new(crate::clock::RandomIds));
        #[cfg(target_arch = "wasm32")]
        let clock = self
            .clock
            .ok_or_else(|| Error::InvalidInput("a clock is required on this platform".into()))?;
        #[cfg(target_arch = "wasm32")]
        let ids = self.ids.ok_or_else(|| {
            Error::InvalidInput("an id source is required on this platform".into())
        })?;
        let engine = Casebook {
            store: self.store,
            config: self.config,
            phone,
            clock,
            ids,
            templates: RwLock::new(HashMap::new()),
            slas: RwLock::new(None),
            intake: RwLock::new(None),
            routing: RwLock::new(None),
        };
        engine.rekey_on_open()?;
        engine.index_children_on_open()?;
        engine.index_facts_on_open()?;
        Ok(engine)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Casebook<MemoryStore> {
    /// An engine over a new in-memory store with the default configuration.
    pub fn in_memory() -> Self {
        Casebook::builder(MemoryStore::new())
            .build()
            .expect("the default configuration is valid")
    }
}

impl<S: Store> Casebook<S> {
    /// Starts building an engine over a store.
    pub fn builder(store: S) -> CasebookBuilder<S> {
        CasebookBuilder {
            store,
            config: Config::default(),
            clock: None,
            ids: None,
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The phone rules built from the configuration.
    pub fn phone_rules(&self) -> &PhoneRules {
        &self.phone
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The context record validation runs in (today's date, phone rules).
    pub fn validation_context(&self) -> ValidationContext {
        self.context_at(self.now())
    }

    /// The validation context of an operation running at `now`.
    fn context_at(&self, now: Timestamp) -> ValidationContext {
        let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        ValidationContext::with_phone(today, self.phone.clone())
    }

    // ----- references -----

    /// The live profile a reference names (through merges unless `Ref::Stored`).
    fn resolve_profile(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Profile> {
        let id = match r {
            Ref::Id(id) => id,
            Ref::Stored(id) => {
                return tx
                    .profile(id)?
                    .ok_or_else(|| Error::not_found(Entity::Profile, id))
            }
            Ref::Key(key) => {
                let key = key.trim();
                match Uuid::parse_str(key) {
                    Ok(id) => id,
                    Err(_) => tx
                        .profile_id_by_customer_id(key)?
                        .ok_or_else(|| Error::not_found(Entity::Profile, key))?,
                }
            }
        };
        let profile = tx
            .profile(id)?
            .ok_or_else(|| Error::not_found(Entity::Profile, r))?;
        follow_redirects(tx, profile)
    }

    fn resolve_case(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Case> {
        let id = match r {
            Ref::Id(id) | Ref::Stored(id) => id,
            Ref::Key(key) => {
                let key = key.trim();
                match Uuid::parse_str(key) {
                    Ok(id) => id,
                    Err(_) => tx
                        .case_id_by_number(key)?
                        .ok_or_else(|| Error::not_found(Entity::Case, key))?,
                }
            }
        };
        tx.case(id)?
            .ok_or_else(|| Error::not_found(Entity::Case, r))
    }

    fn resolve_contact(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Contact> {
        let id = match r {
            Ref::Id(id) | Ref::Stored(id) => id,
            Ref::Key(key) => Uuid::parse_str(key.trim())
                .map_err(|_| Error::InvalidInput(format!("`{key}` is not a contact id")))?,
        };
        tx.contact(id)?
            .ok_or_else(|| Error::not_found(Entity::Contact, r))
    }
}

/// The live profile a stored one leads to: itself, or the survivor of the
/// merges it was part of.
fn follow_redirects(tx: &dyn ReadTx, profile: Profile) -> Result<Profile> {
    if profile.merged_into.is_none() {
        return Ok(profile);
    }
    follow_shared_redirects(tx, Arc::new(profile)).map(Arc::unwrap_or_clone)
}

/// [`follow_redirects`] on shared profiles (nothing is copied).
fn follow_shared_redirects(tx: &dyn ReadTx, mut profile: Arc<Profile>) -> Result<Arc<Profile>> {
    let start = profile.id;
    for _ in 0..MAX_REDIRECTS {
        match profile.merged_into {
            None => return Ok(profile),
            Some(next) => {
                profile = tx.shared_profile(next)?.ok_or_else(|| {
                    Error::Internal(format!(
                        "profile {} redirects to missing {next}",
                        profile.id
                    ))
                })?;
            }
        }
    }
    Err(Error::Internal(format!("redirect loop at profile {start}")))
}
