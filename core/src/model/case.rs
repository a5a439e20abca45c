//! Cases, their timelines and resolutions, and their links to profiles.

use super::{CaseStatus, Channel, Level, Priority};
use crate::template::{Fields, TemplateRef};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Kind of a timeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Internal note, never shown to the customer.
    WorkNote,
    /// Comment visible to the customer.
    Comment,
    /// Recorded by casebook on a status change.
    StatusChange,
    /// Recorded by casebook when the priority is set by hand or by a
    /// routing rule instead of the impact × urgency matrix, or given back
    /// to the matrix.
    PriorityChange,
}

impl EntryKind {
    /// Whether casebook records entries of this kind itself (they are not
    /// added by hand and not searched).
    pub fn is_recorded_by_casebook(self) -> bool {
        matches!(self, EntryKind::StatusChange | EntryKind::PriorityChange)
    }
}

/// One entry of a case timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    /// Entry id.
    pub id: Uuid,
    /// Kind.
    pub kind: EntryKind,
    /// Author.
    pub author: String,
    /// Time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub at: Timestamp,
    /// Text.
    pub text: String,
    /// The case it came from, when it moved here in a case merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// How a case was resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Resolution {
    /// Resolution notes.
    pub notes: String,
    /// Whether the notes are shared with the requester.
    pub share_with_requester: bool,
    /// Who resolved it.
    pub resolved_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub resolved_at: Timestamp,
}

/// Resolution details supplied when moving a case to `resolved`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolutionInput {
    /// Resolution notes (required).
    pub notes: String,
    /// Share the notes with the requester.
    #[serde(default)]
    pub share_with_requester: bool,
}

/// A case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Case {
    /// Internal id.
    pub id: Uuid,
    /// Human case number (`CS0001001`), unique.
    pub number: String,
    /// Optimistic-concurrency version.
    pub version: u64,
    /// Template the custom fields were validated against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Custom fields.
    #[serde(default)]
    pub fields: Fields,
    /// Channel the case came in on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Status.
    pub status: CaseStatus,
    /// Impact.
    pub impact: Level,
    /// Urgency.
    pub urgency: Level,
    /// Priority: the override when there is one, otherwise from impact
    /// and urgency.
    pub priority: Priority,
    /// The priority set by hand or by a routing rule, overriding the matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_override: Option<Priority>,
    /// The routing rule that chose its support group when it was opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routed_by: Option<RoutedBy>,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Asset (device, contract, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The campaign it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Support group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Parent case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Uuid>,
    /// The closed case this one follows up (a customer wrote again after it closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<Uuid>,
    /// The case this one was merged into, as its duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<Uuid>,
    /// One-line summary.
    pub short_description: String,
    /// Full description.
    #[serde(default)]
    pub description: String,
    /// Work notes, comments and status changes, oldest first.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Users kept informed.
    #[serde(default)]
    pub informed_users: Vec<String>,
    /// Every change of the case's attributes, oldest first (what service
    /// levels are derived from).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<super::CaseChange>,
    /// Records in other systems linked to it (a CRM's case, an incident elsewhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_records: Vec<super::ExternalLink>,
    /// Other records it relates to (incidents, problems, changes, requests, knowledge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<super::RelatedRecord>,
    /// Files attached to it (metadata; the bytes stay with the host).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<super::Attachment>,
    /// Resolution, while resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Satisfaction feedback, one per customer, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<super::Feedback>,
    /// Tasks and follow-ups, in the order they were added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<super::CaseTask>,
    /// Creation time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Creator.
    pub created_by: String,
    /// Last change.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
    /// Last editor.
    pub updated_by: String,
}

/// The routing rule that routed a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoutedBy {
    /// Rule name.
    pub rule: String,
    /// Version of the routing rules.
    pub version: u32,
}

/// Editable part of a case, for creation and (whole) replacement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// Template id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Explicit template version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<u32>,
    /// Custom field values.
    #[serde(default)]
    pub fields: Fields,
    /// Channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Impact (default low).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Level>,
    /// Urgency (default low).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Level>,
    /// Priority set by hand (1 to 5), overriding the impact × urgency
    /// matrix; absent: the matrix decides (or a routing rule, on creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The campaign it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Support group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Assignee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Parent case: its id or case number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// One-line summary (required).
    #[serde(default)]
    pub short_description: String,
    /// Full description.
    #[serde(default)]
    pub description: String,
    /// Users kept informed.
    #[serde(default)]
    pub informed_users: Vec<String>,
    /// Creation only: profiles to link, each by id or customer ID, with a role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkInput>,
}

impl From<&Case> for CaseInput {
    fn from(c: &Case) -> Self {
        CaseInput {
            template: c.template.as_ref().map(|t| t.id.clone()),
            template_version: None,
            fields: c.fields.clone(),
            channel: c.channel,
            impact: Some(c.impact),
            urgency: Some(c.urgency),
            priority: c.priority_override,
            category: c.category.clone(),
            product: c.product.clone(),
            asset: c.asset.clone(),
            campaign: c.campaign.clone(),
            support_group: c.support_group.clone(),
            assignee: c.assignee.clone(),
            parent: c.parent.map(|p| p.to_string()),
            short_description: c.short_description.clone(),
            description: c.description.clone(),
            informed_users: c.informed_users.clone(),
            links: Vec::new(),
        }
    }
}

/// A profile to link to a new case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// Profile id or customer ID.
    pub profile: String,
    /// Role of the profile on the case.
    pub role: LinkRole,
}

/// A short view of a case for lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseSummary {
    /// Internal id.
    pub id: Uuid,
    /// Case number.
    pub number: String,
    /// One-line summary.
    pub short_description: String,
    /// Status.
    pub status: CaseStatus,
    /// Priority.
    pub priority: Priority,
    /// Assignee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Support group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Creation time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Last change.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
    /// Its service levels, where a screen pop shows them (open cases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slas: Vec<crate::sla::SlaClock>,
}

impl From<&Case> for CaseSummary {
    fn from(c: &Case) -> Self {
        CaseSummary {
            id: c.id,
            number: c.number.clone(),
            short_description: c.short_description.clone(),
            status: c.status,
            priority: c.priority,
            assignee: c.assignee.clone(),
            support_group: c.support_group.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            slas: Vec::new(),
        }
    }
}

/// Role of a profile on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkRole {
    /// The customer who asked.
    Requester,
    /// A customer affected by the case.
    Affected,
    /// A customer kept informed.
    Informed,
}

/// A link between a case and a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseLink {
    /// Case.
    pub case_id: Uuid,
    /// Profile.
    pub profile_id: Uuid,
    /// Role.
    pub role: LinkRole,
    /// When linked.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub linked_at: Timestamp,
    /// Who linked.
    pub linked_by: String,
}
