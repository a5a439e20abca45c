//! Domain events: what changed, written to the outbox in the same
//! transaction as the change, for the host to deliver (a mailer, a CRM
//! connector, a dashboard).

use super::{ContactKind, LinkRole};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EventKind {
    /// A profile was created (by hand, by import or by intake).
    #[serde(rename = "profile.created")]
    ProfileCreated,
    /// A profile's data changed; the payload names the changed fields.
    #[serde(rename = "profile.updated")]
    ProfileUpdated,
    /// Profiles were merged into the subject (the survivor).
    #[serde(rename = "profile.merged")]
    ProfileMerged,
    /// A merge into the subject was undone.
    #[serde(rename = "profile.unmerged")]
    ProfileUnmerged,
    /// A case was opened.
    #[serde(rename = "case.created")]
    CaseCreated,
    /// A case's attributes changed other than its status and assignee
    /// (those have their own events); the payload names them.
    #[serde(rename = "case.updated")]
    CaseUpdated,
    /// A case moved to another status.
    #[serde(rename = "case.status_changed")]
    CaseStatusChanged,
    /// A case's assignee changed (or was cleared); the payload names who
    /// to notify.
    #[serde(rename = "case.assigned")]
    CaseAssigned,
    /// A comment the customer may see was added to a case.
    #[serde(rename = "case.comment_added")]
    CaseCommentAdded,
    /// A customer's satisfaction feedback was recorded on a case.
    #[serde(rename = "case.feedback_received")]
    CaseFeedbackReceived,
    /// An interaction was logged.
    #[serde(rename = "contact.logged")]
    ContactLogged,
    /// A message for the host to deliver (from `notify_case`): the
    /// address, the rendered subject and body.
    #[serde(rename = "message.requested")]
    MessageRequested,
    /// A service level reached a warning threshold.
    #[serde(rename = "sla.warning")]
    SlaWarning,
    /// A service level was breached.
    #[serde(rename = "sla.breached")]
    SlaBreached,
}

impl EventKind {
    /// The kind as written in events (`case.assigned`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ProfileCreated => "profile.created",
            EventKind::ProfileUpdated => "profile.updated",
            EventKind::ProfileMerged => "profile.merged",
            EventKind::ProfileUnmerged => "profile.unmerged",
            EventKind::CaseCreated => "case.created",
            EventKind::CaseUpdated => "case.updated",
            EventKind::CaseStatusChanged => "case.status_changed",
            EventKind::CaseAssigned => "case.assigned",
            EventKind::CaseCommentAdded => "case.comment_added",
            EventKind::CaseFeedbackReceived => "case.feedback_received",
            EventKind::ContactLogged => "contact.logged",
            EventKind::MessageRequested => "message.requested",
            EventKind::SlaWarning => "sla.warning",
            EventKind::SlaBreached => "sla.breached",
        }
    }
}

/// The kind of record an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A profile.
    Profile,
    /// A case.
    Case,
    /// A contact (an interaction).
    Contact,
}

/// The record an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventSubject {
    /// Kind of record.
    pub kind: SubjectKind,
    /// Its id.
    pub id: Uuid,
    /// Its human key: a customer ID, a case number, or a contact's id.
    pub key: String,
}

/// One event of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Event {
    /// Position in the outbox: 1, 2, 3, ... without gaps, in commit order.
    pub seq: u64,
    /// Idempotency key: the same event read twice (after a consumer
    /// crashed before acknowledging it) has the same key.
    pub key: Uuid,
    /// What happened.
    pub kind: EventKind,
    /// What it happened to.
    pub subject: EventSubject,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub at: Timestamp,
    /// Who did it.
    pub actor: String,
    /// Details, by kind (see the README's outbox section).
    pub payload: serde_json::Value,
}

/// Someone to notify of a case event, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recipient {
    /// Why they are told: `assignee`, `previous_assignee`, `informed_user`,
    /// or the role of a linked profile (`requester`, `affected`, `informed`).
    pub reason: String,
    /// A user (an agent), for the host's own directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A linked profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Uuid>,
    /// The linked profile's customer ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The linked profile's role on the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<LinkRole>,
    /// The profile's preferred contact point: its primary one of the kind
    /// the case's channel uses, else its primary one of any kind, else its
    /// first one. `None` when the profile has none: the host has no way to
    /// reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_kind: Option<ContactKind>,
    /// The contact point's value (an E.164 number, an e-mail address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Where a consumer of the outbox stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventConsumer {
    /// The consumer's name (`mailer`, `crm`).
    pub name: String,
    /// The last event it acknowledged (0: none yet).
    pub acknowledged: u64,
    /// The last event in the outbox.
    pub last: u64,
}
