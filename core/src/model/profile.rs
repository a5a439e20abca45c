//! Customer profiles: names, identity documents, contact points, accounts
//! and custom fields.

use crate::template::{Fields, TemplateRef};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Kind of a contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::CivilDate>")
    )]
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
    /// The channel the customer prefers to be contacted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<super::Channel>,
    /// Creation time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: String,
    /// Last edit time.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
    /// Who edited it last.
    pub updated_by: String,
    /// Start of the latest contact logged against the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub last_interaction_at: Option<Timestamp>,
    /// Set when the profile was merged into another one (a tombstone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
    /// Records in other systems linked to it (CRM contacts, leads, accounts, cases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_records: Vec<super::ExternalLink>,
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

    /// The same profile with another version number (for comparing content).
    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }
}

/// Editable part of a profile, for creation and (whole) replacement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The channel the customer prefers to be contacted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<super::Channel>,
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
            preferred_channel: p.preferred_channel,
        }
    }
}

/// A short view of a profile for lists (search results, household pop-ups).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub last_interaction_at: Option<Timestamp>,
    /// The most urgent open case, given where recognition lists the profiles
    /// sharing an address for the agent to choose from; absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_urgent_case: Option<Box<super::CaseSummary>>,
}
