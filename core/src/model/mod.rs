//! Records: profiles, cases, contacts, links and relations, with the case
//! state machine and the priority matrix.

mod agent;
mod audit;
mod case;
mod case_history;
mod contact;
mod dashboard;
mod event;
mod feedback;
mod linked;
mod profile;
mod relation;
mod task;
mod workflow;

pub use agent::{
    choose_agent, Agent, AgentInput, AgentLoad, AgentWorkload, AssignmentStrategy, Availability,
};
pub use audit::AuditEntry;
pub use case::{
    Case, CaseInput, CaseLink, CaseSummary, EntryKind, LinkInput, LinkRole, Resolution,
    ResolutionInput, RoutedBy, TimelineEntry,
};
pub(crate) use case_history::case_attributes;
pub use case_history::{apply_change, CaseChange, CASE_ATTRIBUTES};
pub use contact::{Channel, Contact, ContactInput, ContactOutcome, Direction};
pub use dashboard::{CampaignCount, ChannelCount, DashboardFilter, ProfileDashboard, StatusCount};
pub use event::{Event, EventConsumer, EventKind, EventSubject, Recipient, SubjectKind};
pub use feedback::{Feedback, FeedbackInput, FeedbackScale};
pub use linked::{
    Attachment, AttachmentInput, ExternalLink, ExternalRef, HostRequest, HostRequestKind,
    HostRequestStatus, LinkStatus, RelatedKind, RelatedRecord, Target,
};
pub use profile::{
    ContactKind, ContactPoint, ContactPointInput, Identification, Profile, ProfileInput,
    ProfileSummary,
};
pub(crate) use relation::one_or_many;
pub use relation::{relation_key, RelatedCustomer, Relation, RelationInput};
pub use task::{CaseTask, TaskInput, TaskKind, TaskListItem, TaskOwner, TaskStatus};
pub use workflow::{CaseStatus, Level, Priority, PriorityMatrix};
