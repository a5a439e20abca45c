//! casebook: an embeddable customer-profile and case-management engine.
//!
//! A [`Casebook`] holds customer profiles, cases, the links between them and
//! the contacts (interactions) logged against both, behind a storage trait
//! ([`store::Store`]). Profiles and cases are validated against
//! administrator-defined [`Template`]s, loaded from JSON. Every change runs
//! as an [`Actor`].
//!
//! ```
//! use casebook::{Actor, Casebook, Channel, CaseInput, ContactPointInput, ContactKind, CreateOptions, ProfileInput, Recognition, LinkInput, LinkRole};
//!
//! let cb = Casebook::in_memory();
//! let agent = Actor::new("agent-7");
//! let ada = cb.create_profile(&agent, ProfileInput {
//!     given_name: "Ada".into(),
//!     family_name: "Lovelace".into(),
//!     contact_points: vec![ContactPointInput {
//!         kind: ContactKind::Phone, value: "+44 20 7946 0958".into(), label: Some("home".into()), primary: true,
//!     }],
//!     ..Default::default()
//! }, CreateOptions::default())?;
//! assert_eq!(ada.customer_id, "C-000001");
//!
//! let case = cb.create_case(&agent, CaseInput {
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
//!
//! Layers point one way: the [`Casebook`] engine (one file per concept)
//! uses the domain (records, templates, identity matching and merge plans,
//! integrity checks), which uses the storage seam ([`store`]); the backends
//! ([`MemoryStore`], `SqliteStore`) implement the seam and call nothing
//! above it. [`api`] is the JSON operation table the C and WebAssembly
//! bindings are built on.
#![warn(missing_docs)]

mod actor;
pub mod api;
mod calendar;
mod caller;
mod clock;
mod config;
mod email;
mod engine;
mod error;
mod identity;
mod intake;
mod integrity;
mod matcher;
mod model;
mod parallel;
mod phone;
mod report;
mod response_template;
mod routing;
#[cfg(feature = "schema")]
mod schema;
pub mod sla;
pub mod store;
mod stores;
mod template;
pub mod text;

pub use actor::Actor;
pub use calendar::{Calendar, CalendarDef, CalendarRef, DayWindows, ExtraDay, Holiday, WorkWindow};
pub use caller::{parse_caller, CallerId, CallerKind, MAX_CALLER_INPUT};
pub use clock::{Clock, IdSource, ManualClock, SeededIds};
#[cfg(not(target_arch = "wasm32"))]
pub use clock::{RandomIds, SystemClock};
pub use config::{CaseHierarchy, Config, IdFormat};
pub use email::EmailDomainRule;
pub use engine::{
    AttachedFile, CardRecord, CardSource, CaseMergeOutcome, CaseMergePlan, CaseMergePreview,
    CaseMergeRecord, CaseNotification, CaseRelations, Casebook, CasebookBuilder, CreateOptions,
    CsvMapping, CustomerCard, FormValidation, ImportFormat, ImportOptions, ImportProgress,
    ImportReport, NotifiedProfile, NotifyInput, ProfileCase, ProfileQuery, Recognition, Ref,
    Rejection, RelatedGroup, RelatedInput, RelatedView, UnreachedProfile,
};
pub use error::{
    quote, Entity, Error, ErrorCode, FieldError, FieldErrorCode, FieldErrors, OpenTask, Result,
    StorageError, StorageErrorKind,
};
pub use identity::{
    ComparisonLevel, DuplicateCandidate, DuplicateCluster, DuplicateMember, DuplicatePair,
    DuplicateReport, FieldConflict, FieldSource, LevelEstimate, MatchField, MatchMethod,
    MatchReason, MatchRule, MatchScore, MatchingConfig, MatchingTraining, MergeOutcome, MergePlan,
    MergePreview, MergeRecord, MergeStatus, RuleEstimate, SkippedBlock, MIN_TRAINING_PAIRS,
};
pub use intake::{
    AttachmentMeta, CaseSpec, FormPost, FoundBy, Inbound, IntakeAction, IntakeDecision,
    IntakeOutcome, IntakeRule, IntakeRules, IntakeRulesDef, MessageFacts, OnClosed, OnResolved,
    RuleCondition, SenderCondition, UnknownSender,
};
pub use integrity::{InvariantProblem, ProblemKind};
pub use model::{
    Agent, AgentInput, AgentWorkload, AssignmentStrategy, Attachment, AttachmentInput, AuditEntry,
    Availability, CampaignCount, Case, CaseChange, CaseInput, CaseLink, CaseStatus, CaseSummary,
    CaseTask, Channel, ChannelCount, Contact, ContactInput, ContactKind, ContactOutcome,
    ContactPoint, ContactPointInput, DashboardFilter, Direction, EntryKind, Event, EventConsumer,
    EventKind, EventSubject, ExternalLink, ExternalRef, Feedback, FeedbackInput, FeedbackScale,
    HostRequest, HostRequestKind, HostRequestStatus, Identification, Level, LinkInput, LinkRole,
    LinkStatus, Priority, PriorityMatrix, Profile, ProfileDashboard, ProfileInput, ProfileSummary,
    Recipient, RelatedCustomer, RelatedKind, RelatedRecord, Relation, RelationInput, Resolution,
    ResolutionInput, RoutedBy, StatusCount, SubjectKind, Target, TaskInput, TaskKind, TaskListItem,
    TaskOwner, TaskStatus, TimelineEntry,
};
pub use phone::{PhoneEquivalence, PhoneProblem, PhoneRules};
pub use report::{
    Dimension, DurationTime, Measure, ReportDefinition, ReportFilters, ReportPeriod, ReportTable,
};
pub use response_template::{
    KnownFields, RenderedMessage, Renderer, ResponseTemplate, ResponseTemplateDef, PLACEHOLDERS,
};
pub use routing::{
    GroupPolicy, RouteTo, RoutingCondition, RoutingDecision, RoutingFacts, RoutingRule,
    RoutingRules, RoutingRulesDef,
};
pub use sla::{
    CalendarChoice, Escalation, SlaClock, SlaCondition, SlaDef, SlaDefinition, SlaDue, SlaDueKey,
    SlaEvent, SlaEventKind, SlaStage, SlaTarget, SlaTime,
};
pub use stores::MemoryStore;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use stores::{Durability, SqliteOptions, SqliteStore};
#[cfg(all(feature = "postgres", not(target_arch = "wasm32")))]
pub use stores::{PostgresOptions, PostgresStore};
pub use template::{
    ChoiceOption, Condition, FieldDef, FieldKind, FieldSpec, Fields, MissingField, Mode,
    PatternRegex, Template, TemplateDef, TemplateKind, TemplateRef, ValidationContext,
    ValidationReport,
};

/// The README's examples, compiled and run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
