//! casebook: an embeddable customer-profile and case-management engine.
//!
//! A [`Casebook`] holds customer profiles, cases, the links between them and
//! the contacts (interactions) logged against both, behind a storage trait
//! ([`store::Store`]). Profiles and cases are validated against
//! administrator-defined [`Template`]s, loaded from JSON.
//!
//! ```
//! use casebook::{Casebook, Channel, CaseInput, ContactPointInput, ContactKind, ProfileInput, Recognition, LinkInput, LinkRole};
//!
//! let cb = Casebook::in_memory();
//! let ada = cb.create_profile("agent-7", ProfileInput {
//!     given_name: "Ada".into(),
//!     family_name: "Lovelace".into(),
//!     contact_points: vec![ContactPointInput {
//!         kind: ContactKind::Phone, value: "+44 20 7946 0958".into(), label: Some("home".into()), primary: true,
//!     }],
//!     ..Default::default()
//! })?;
//! assert_eq!(ada.customer_id, "C-000001");
//!
//! let case = cb.create_case("agent-7", CaseInput {
//!     short_description: "Router has no signal".into(),
//!     links: vec![LinkInput { profile: ada.customer_id.clone(), role: LinkRole::Requester }],
//!     ..Default::default()
//! })?;
//! assert_eq!(case.number, "CS0001001");
//!
//! // A call arrives from the same number, written differently.
//! match cb.recognize(Channel::Voice, "+44 (0)20 7946-0958")? {
//!     Recognition::Known { summary, open_cases, .. } => {
//!         assert_eq!(summary.display_name, "Ada Lovelace");
//!         assert_eq!(open_cases[0].number, "CS0001001");
//!     }
//!     other => panic!("expected one profile, got {other:?}"),
//! }
//! # Ok::<(), casebook::Error>(())
//! ```
#![warn(missing_docs)]

pub mod api;
pub mod clock;
pub mod config;
pub mod email;
pub mod engine;
pub mod error;
pub mod identity;
pub mod import;
mod matcher;
pub mod model;
pub mod phone;
pub mod store;
pub mod template;
pub mod text;

pub use clock::{Clock, IdSource, ManualClock, SeededIds};
#[cfg(not(target_arch = "wasm32"))]
pub use clock::{RandomIds, SystemClock};
pub use config::{Config, IdFormat};
pub use engine::{
    Casebook, CasebookBuilder, CreateOptions, FormValidation, ProfileCase, ProfileQuery,
    Recognition, Ref,
};
pub use error::{Entity, Error, ErrorCode, FieldError, FieldErrorCode, FieldErrors, Result};
pub use identity::{
    DuplicateCandidate, DuplicateReport, MatchReason, MatchScore, MatchingConfig, MergeOutcome,
    MergePlan, MergePreview,
};
pub use import::{
    CsvMapping, ImportFormat, ImportOptions, ImportProgress, ImportReport, Rejection,
};
pub use model::*;
pub use phone::{PhoneEquivalence, PhoneRules};
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use store::{Durability, SqliteOptions, SqliteStore};
pub use store::{MemoryStore, Snapshot, Store, StoreExt};
/// The README's examples, compiled and run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub use template::{
    Fields, Mode, Template, TemplateKind, TemplateRef, ValidationContext, ValidationReport,
};
