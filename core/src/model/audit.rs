//! The audit log.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An entry in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    /// Entry id.
    pub id: Uuid,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
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
