//! Records linked to profiles, cases and contacts: references to records in
//! other systems (a CRM's contacts, leads, accounts, cases), cases' typed
//! relations to other records, attachments' metadata, and the requests the
//! host carries out in those systems.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A record in another system: a Salesforce contact, a Dynamics lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExternalRef {
    /// The system (`salesforce`, `dynamics`, any name).
    pub system: String,
    /// The record type there (`contact`, `lead`, `account`, `case`, `opportunity`, ...).
    pub record_type: String,
    /// Its id there (empty while a creation is pending).
    #[serde(default)]
    pub external_id: String,
    /// What to show for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Where to open it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was last synchronised with the other system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub synced_at: Option<Timestamp>,
}

impl ExternalRef {
    /// Whether two references name the same record (system, type and id).
    pub fn same_record(&self, other: &ExternalRef) -> bool {
        self.system == other.system
            && self.record_type == other.record_type
            && self.external_id == other.external_id
    }

    /// Person-level records (contacts, leads, accounts, persons) come
    /// first on a customer card.
    pub fn is_person_level(&self) -> bool {
        ["contact", "lead", "account", "person"]
            .iter()
            .any(|t| self.record_type.eq_ignore_ascii_case(t))
    }
}

/// Where a linked external record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Linked: the record exists in the other system.
    #[default]
    Linked,
    /// Its creation was asked of the host and is not confirmed yet.
    Pending,
    /// The host reported that creating it failed.
    Failed,
}

/// An external record linked to a profile, a case or a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExternalLink {
    /// The record.
    pub reference: ExternalRef,
    /// Linked, or its creation pending or failed.
    #[serde(default)]
    pub status: LinkStatus,
    /// The host request creating it (while pending, and once failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<u64>,
    /// Why its creation failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When linked (or asked for).
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub linked_at: Timestamp,
    /// Who linked it.
    pub linked_by: String,
}

impl ExternalLink {
    /// Whether two links name the same record, or the same pending creation.
    pub fn same_link(&self, other: &ExternalLink) -> bool {
        self.reference.same_record(&other.reference) && self.request == other.request
    }
}

/// The record an external record, a relation or an attachment is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// A profile: its id or customer ID.
    Profile(String),
    /// A case: its id or case number.
    Case(String),
    /// A contact (an interaction): its id.
    Contact(String),
}

/// The kind of a case's relation to another record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RelatedKind {
    /// An incident.
    Incident,
    /// A problem (the cause behind incidents).
    Problem,
    /// A change.
    Change,
    /// A service request.
    Request,
    /// A knowledge article.
    Knowledge,
}

/// A case's relation to another case or to an external record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelatedRecord {
    /// How it relates.
    pub kind: RelatedKind,
    /// The related case, when it is one of ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Uuid>,
    /// The related record, when it lives in another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalRef>,
    /// When related.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub linked_at: Timestamp,
    /// Who related it.
    pub linked_by: String,
}

/// A file attached to a case or a contact: its metadata only (the bytes
/// stay in the host's storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Attachment {
    /// Id.
    pub id: Uuid,
    /// File name.
    pub file_name: String,
    /// Media type (`application/pdf`).
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, 64 lower-case hex digits.
    pub sha256: String,
    /// Where the host keeps the bytes (`s3://...`, `https://...`).
    pub uri: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub uploaded_at: Timestamp,
}

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    /// File name.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Where the host keeps the bytes.
    pub uri: String,
}

/// What a host request asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostRequestKind {
    /// Create a record in another system, then confirm it with its id.
    CreateRecord,
    /// Pass a wrapped-up interaction's details to a linked record.
    PassDetails,
}

/// Where a host request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostRequestStatus {
    /// Not carried out yet.
    Pending,
    /// Carried out.
    Done,
    /// The host could not carry it out.
    Failed,
}

/// Something the host is asked to do in another system, in order
/// ([`Casebook::host_requests`](crate::Casebook::host_requests)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostRequest {
    /// Sequence number, from 1: the cursor a host keeps.
    pub seq: u64,
    /// What it asks.
    pub kind: HostRequestKind,
    /// Where it stands.
    pub status: HostRequestStatus,
    /// The record it concerns in the other system (no id yet for a creation).
    pub reference: ExternalRef,
    /// The casebook record it is for.
    pub target: Target,
    /// The details to write there: the profile's and the interaction's.
    pub fields: serde_json::Value,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When asked.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who asked.
    pub created_by: String,
    /// When last changed.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
}
