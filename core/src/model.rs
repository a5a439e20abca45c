//! Records: profiles, cases, contacts, links and relations, with the case
//! state machine and the priority matrix.

use crate::error::{Error, Result};
use crate::template::{Fields, TemplateRef};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Kind of a contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Phone number (E.164).
    Phone,
    /// E-mail address.
    Email,
    /// Social or messaging handle, written `network:handle`.
    Social,
    /// Postal address.
    Address,
    /// Anything else.
    Other,
}

impl ContactKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Email => "email",
            ContactKind::Social => "social",
            ContactKind::Address => "address",
            ContactKind::Other => "other",
        }
    }
}

/// One way to reach a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct ContactPoint {
    /// Kind.
    pub kind: ContactKind,
    /// Normalised value (E.164 phone, e-mail with lower-case domain, ...).
    pub value: String,
    /// Label such as `home`, `work`, `mobile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The preferred point of its kind.
    #[serde(default)]
    pub primary: bool,
    /// Matching key (`phone:+442079460958`), used by recognition and search.
    pub key: String,
}

/// A contact point as captured (before normalisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ContactPointInput {
    /// Kind.
    pub kind: ContactKind,
    /// The value as typed.
    pub value: String,
    /// Label such as `home`, `work`, `mobile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Preferred point of its kind (the first of a kind is primary if none is marked).
    #[serde(default)]
    pub primary: bool,
}

impl From<&ContactPoint> for ContactPointInput {
    fn from(p: &ContactPoint) -> Self {
        ContactPointInput {
            kind: p.kind,
            value: p.value.clone(),
            label: p.label.clone(),
            primary: p.primary,
        }
    }
}

/// An identity document or number (passport, national insurance, tax id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Identification {
    /// Kind of document, e.g. `passport`, `ni_number`.
    pub kind: String,
    /// The number as written (trimmed).
    pub value: String,
    /// Issuing country or authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// A customer profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Profile {
    /// Internal id.
    pub id: Uuid,
    /// Human customer ID (`C-000001`), unique and never reused.
    pub customer_id: String,
    /// Optimistic-concurrency version, bumped on every edit.
    pub version: u64,
    /// Template the custom fields were validated against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateRef>,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Identity documents.
    #[serde(default)]
    pub identifications: Vec<Identification>,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "string"))]
    pub date_of_birth: Option<Date>,
    /// Phones, e-mails, handles, addresses.
    #[serde(default)]
    pub contact_points: Vec<ContactPoint>,
    /// Account ids held by the customer.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Custom fields from the template.
    #[serde(default)]
    pub fields: Fields,
    /// Agent or team owning the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: String,
    /// Last edit time.
    pub updated_at: Timestamp,
    /// Who edited it last.
    pub updated_by: String,
    /// Start of the latest contact logged against the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_interaction_at: Option<Timestamp>,
    /// Set when the profile was merged into another one (a tombstone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

impl Profile {
    /// `Given Family`, or whichever part exists.
    pub fn display_name(&self) -> String {
        match (self.given_name.is_empty(), self.family_name.is_empty()) {
            (false, false) => format!("{} {}", self.given_name, self.family_name),
            (false, true) => self.given_name.clone(),
            (true, false) => self.family_name.clone(),
            (true, true) => String::new(),
        }
    }

    /// The primary contact point of a kind, if any.
    pub fn primary(&self, kind: ContactKind) -> Option<&ContactPoint> {
        self.contact_points
            .iter()
            .find(|p| p.kind == kind && p.primary)
            .or_else(|| self.contact_points.iter().find(|p| p.kind == kind))
    }

    /// Whether the profile is a merged-away tombstone.
    pub fn is_tombstone(&self) -> bool {
        self.merged_into.is_some()
    }

    /// Folded name tokens, for name search.
    pub fn name_tokens(&self) -> Vec<String> {
        crate::text::tokens(&format!("{} {}", self.given_name, self.family_name))
    }
}

/// Editable part of a profile, for creation and (whole) replacement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Template id (creation: latest version; update: kept unless changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Explicit template version (to validate against or upgrade to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<u32>,
    /// Given name(s).
    #[serde(default)]
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Identity documents.
    #[serde(default)]
    pub identifications: Vec<Identification>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// Contact points.
    #[serde(default)]
    pub contact_points: Vec<ContactPointInput>,
    /// Account ids.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Custom field values.
    #[serde(default)]
    pub fields: Fields,
    /// Owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
}

impl From<&Profile> for ProfileInput {
    fn from(p: &Profile) -> Self {
        ProfileInput {
            template: p.template.as_ref().map(|t| t.id.clone()),
            template_version: None,
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            identifications: p.identifications.clone(),
            date_of_birth: p.date_of_birth.map(|d| d.to_string()),
            contact_points: p
                .contact_points
                .iter()
                .map(ContactPointInput::from)
                .collect(),
            accounts: p.accounts.clone(),
            fields: p.fields.clone(),
            assigned_to: p.assigned_to.clone(),
        }
    }
}

/// A short view of a profile for lists (search results, household pop-ups).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct ProfileSummary {
    /// Internal id.
    pub id: Uuid,
    /// Customer ID.
    pub customer_id: String,
    /// Display name.
    pub display_name: String,
    /// Primary phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Primary e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Number of open cases linked to the profile.
    pub open_cases: usize,
    /// Latest contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_interaction_at: Option<Timestamp>,
}

/// Status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Just opened.
    New,
    /// Being worked on.
    InProgress,
    /// Waiting for the customer.
    AwaitingCustomer,
    /// Solved; can be reopened or closed.
    Resolved,
    /// Final.
    Closed,
    /// Withdrawn; final.
    Cancelled,
}

impl CaseStatus {
    /// Every status.
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::New,
        CaseStatus::InProgress,
        CaseStatus::AwaitingCustomer,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Cancelled,
    ];

    /// The status's name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::AwaitingCustomer => "awaiting_customer",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
            CaseStatus::Cancelled => "cancelled",
        }
    }

    /// Whether work on the case is still open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::New | CaseStatus::InProgress | CaseStatus::AwaitingCustomer
        )
    }

    /// Whether the state machine allows moving from `self` to `to`.
    /// Reopening is `Resolved -> InProgress`; `Closed` and `Cancelled` are final.
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (New, InProgress | AwaitingCustomer | Resolved | Cancelled)
                | (InProgress, AwaitingCustomer | Resolved | Cancelled)
                | (AwaitingCustomer, InProgress | Resolved | Cancelled)
                | (Resolved, InProgress | Closed)
        )
    }

    /// Checks a transition.
    pub fn transition(self, to: CaseStatus) -> Result<CaseStatus> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(Error::IllegalTransition {
                from: self.as_str().into(),
                to: to.as_str().into(),
            })
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Impact or urgency level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 1 - High.
    High,
    /// 2 - Medium.
    Medium,
    /// 3 - Low.
    Low,
}

impl Level {
    fn index(self) -> usize {
        match self {
            Level::High => 0,
            Level::Medium => 1,
            Level::Low => 2,
        }
    }
}

/// Priority 1 (critical) to 5 (planning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(transparent)]
pub struct Priority(pub u8);

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// Priority from impact and urgency: `cells[impact][urgency]`, High first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriorityMatrix {
    /// Rows by impact (high, medium, low), columns by urgency (high, medium, low).
    pub cells: [[u8; 3]; 3],
}

impl Default for PriorityMatrix {
    /// The usual 3x3 matrix: P1 for high/high down to P5 for low/low.
    fn default() -> Self {
        PriorityMatrix {
            cells: [[1, 2, 3], [2, 3, 4], [3, 4, 5]],
        }
    }
}

impl PriorityMatrix {
    /// The priority for an impact and an urgency.
    pub fn priority(&self, impact: Level, urgency: Level) -> Priority {
        Priority(self.cells[impact.index()][urgency.index()])
    }

    /// Checks every cell is a priority 1..=5.
    pub fn check(&self) -> Result<()> {
        if self.cells.iter().flatten().all(|p| (1..=5).contains(p)) {
            Ok(())
        } else {
            Err(Error::InvalidInput(
                "every cell of the priority matrix must be a priority from 1 to 5".into(),
            ))
        }
    }
}

/// Channel of a case or contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Phone call.
    Voice,
    /// E-mail.
    Email,
    /// Web or in-app chat.
    Chat,
    /// Text message.
    Sms,
    /// Social network or messaging app.
    Social,
    /// Web form or portal.
    Web,
}

impl Channel {
    /// The kind of contact point an address on this channel is.
    pub fn contact_kind(self) -> ContactKind {
        match self {
            Channel::Voice | Channel::Sms => ContactKind::Phone,
            Channel::Email => ContactKind::Email,
            Channel::Social | Channel::Chat => ContactKind::Social,
            Channel::Web => ContactKind::Other,
        }
    }
}

/// Kind of a timeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Internal note, never shown to the customer.
    WorkNote,
    /// Comment visible to the customer.
    Comment,
    /// Recorded by casebook on a status change.
    StatusChange,
}

/// One entry of a case timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct TimelineEntry {
    /// Entry id.
    pub id: Uuid,
    /// Kind.
    pub kind: EntryKind,
    /// Author.
    pub author: String,
    /// Time.
    pub at: Timestamp,
    /// Text.
    pub text: String,
}

/// How a case was resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Resolution {
    /// Resolution notes.
    pub notes: String,
    /// Whether the notes are shared with the requester.
    pub share_with_requester: bool,
    /// Who resolved it.
    pub resolved_by: String,
    /// When.
    pub resolved_at: Timestamp,
}

/// Resolution details supplied when moving a case to `resolved`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
    /// Priority from impact and urgency.
    pub priority: Priority,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Asset (device, contract, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// Support group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Assigned agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Parent case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Uuid>,
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
    /// Resolution, while resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Creator.
    pub created_by: String,
    /// Last change.
    pub updated_at: Timestamp,
    /// Last editor.
    pub updated_by: String,
}

/// Editable part of a case, for creation and (whole) replacement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Asset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
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
            category: c.category.clone(),
            product: c.product.clone(),
            asset: c.asset.clone(),
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// Profile id or customer ID.
    pub profile: String,
    /// Role of the profile on the case.
    pub role: LinkRole,
}

/// A short view of a case for lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
    /// Last change.
    pub updated_at: Timestamp,
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
            updated_at: c.updated_at,
        }
    }
}

/// Role of a profile on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct CaseLink {
    /// Case.
    pub case_id: Uuid,
    /// Profile.
    pub profile_id: Uuid,
    /// Role.
    pub role: LinkRole,
    /// When linked.
    pub linked_at: Timestamp,
    /// Who linked.
    pub linked_by: String,
}

/// Direction of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The customer reached out.
    Inbound,
    /// The agent reached out.
    Outbound,
}

/// One interaction with a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Contact {
    /// Internal id.
    pub id: Uuid,
    /// Channel.
    pub channel: Channel,
    /// Direction.
    pub direction: Direction,
    /// Address as received (caller number, e-mail address, handle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Matching key of the address, when it could be normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_key: Option<String>,
    /// Start.
    pub started_at: Timestamp,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Agent who handled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Associated profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<Uuid>,
    /// Associated cases (at most one unless configured otherwise).
    #[serde(default)]
    pub case_ids: Vec<Uuid>,
    /// When it was logged.
    pub created_at: Timestamp,
    /// Who logged it.
    pub created_by: String,
}

/// A contact to log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Channel.
    pub channel: Channel,
    /// Direction (default inbound).
    #[serde(default = "inbound")]
    pub direction: Direction,
    /// Address (caller number, e-mail address, handle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Start (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Profile (id or customer ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Cases (id or case number).
    #[serde(default)]
    pub cases: Vec<String>,
}

fn inbound() -> Direction {
    Direction::Inbound
}

impl ContactInput {
    /// An inbound contact on a channel from an address, starting now.
    pub fn inbound(channel: Channel, address: impl Into<String>) -> Self {
        ContactInput {
            channel,
            direction: Direction::Inbound,
            address: Some(address.into()),
            started_at: None,
            ended_at: None,
            agent: None,
            summary: String::new(),
            profile: None,
            cases: Vec::new(),
        }
    }
}

/// A relationship between two profiles, with a tag for each direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct Relation {
    /// One profile.
    pub a: Uuid,
    /// The other profile.
    pub b: Uuid,
    /// What `b` is to `a` (e.g. `spouse`, `employer`).
    pub a_to_b: String,
    /// What `a` is to `b` (e.g. `spouse`, `employee`).
    pub b_to_a: String,
    /// When created.
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: String,
}

impl Relation {
    /// The other profile and what it is to `me`, if `me` takes part.
    pub fn seen_from(&self, me: Uuid) -> Option<(Uuid, &str)> {
        if self.a == me {
            Some((self.b, &self.a_to_b))
        } else if self.b == me {
            Some((self.a, &self.b_to_a))
        } else {
            None
        }
    }

    /// The relation's key: its two profiles, smaller id first.
    pub fn key(&self) -> (Uuid, Uuid) {
        relation_key(self.a, self.b)
    }
}

/// The storage key of the relation between two profiles.
pub fn relation_key(x: Uuid, y: Uuid) -> (Uuid, Uuid) {
    if x <= y {
        (x, y)
    } else {
        (y, x)
    }
}

/// A related customer as seen from one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct RelatedCustomer {
    /// The related profile.
    pub profile: ProfileSummary,
    /// What it is to the profile asked about.
    pub relationship: String,
}

/// An entry in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct AuditEntry {
    /// Entry id.
    pub id: Uuid,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What (`merge`, `unmerge`, ...).
    pub action: String,
    /// Records concerned.
    pub subjects: Vec<Uuid>,
    /// Details.
    pub details: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine_allows_only_listed_moves() {
        use CaseStatus::*;
        assert!(New.can_move_to(InProgress));
        assert!(Resolved.can_move_to(InProgress));
        assert!(Resolved.can_move_to(Closed));
        assert!(!Closed.can_move_to(InProgress));
        assert!(!Cancelled.can_move_to(New));
        assert!(!New.can_move_to(Closed));
        assert!(!InProgress.can_move_to(InProgress));
        let err = Closed.transition(New).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::IllegalTransition);
        for s in CaseStatus::ALL {
            assert!(!s.can_move_to(New), "{s} -> new");
        }
    }

    #[test]
    fn default_matrix_is_the_usual_one() {
        let m = PriorityMatrix::default();
        assert_eq!(m.priority(Level::High, Level::High), Priority(1));
        assert_eq!(m.priority(Level::High, Level::Low), Priority(3));
        assert_eq!(m.priority(Level::Medium, Level::Medium), Priority(3));
        assert_eq!(m.priority(Level::Low, Level::Low), Priority(5));
        assert!(m.check().is_ok());
        assert!(PriorityMatrix {
            cells: [[0, 1, 1], [1, 1, 1], [1, 1, 6]]
        }
        .check()
        .is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No sequence of requested status changes reaches a state the machine forbids:
        /// every accepted move is a listed one, and nothing leaves closed or cancelled.
        #[test]
        fn state_machine_holds(requests in proptest::collection::vec(0usize..6, 0..40)) {
            let mut status = CaseStatus::New;
            for r in requests {
                let to = CaseStatus::ALL[r];
                let before = status;
                match status.transition(to) {
                    Ok(next) => {
                        prop_assert!(before.can_move_to(next));
                        prop_assert!(!matches!(before, CaseStatus::Closed | CaseStatus::Cancelled));
                        status = next;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.code(), crate::ErrorCode::IllegalTransition);
                        prop_assert_eq!(status, before);
                    }
                }
            }
        }
    }
}

impl Profile {
    /// The same profile with another version number (for comparing content).
    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }
}
