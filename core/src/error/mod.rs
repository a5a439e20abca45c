//! One error type for the whole engine, with stable machine codes.
//!
//! The C binding returns [`ErrorCode::as_u32`] as its status code and the
//! WebAssembly binding throws errors carrying [`ErrorCode::as_str`]; both come
//! from one table ([`codes`]) and are fixed forever once released.

mod codes;
mod field;
mod quote;
mod storage;

pub use codes::ErrorCode;
pub use field::{FieldError, FieldErrorCode, FieldErrors};
use quote::bound;
pub use quote::quote;
pub use storage::{StorageError, StorageErrorKind};

use crate::identity::DuplicateCandidate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An open mandatory task, as [`Error::TasksOpen`] names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenTask {
    /// Task id.
    pub id: uuid::Uuid,
    /// What it is.
    pub title: String,
}

/// Result type of every fallible casebook operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Kind of record an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// A customer profile.
    Profile,
    /// A case.
    Case,
    /// A contact (interaction).
    Contact,
    /// A profile or case template.
    Template,
    /// A case-to-profile link.
    CaseLink,
    /// A relationship between two profiles.
    Relation,
    /// A merge of two profiles.
    Merge,
    /// A business calendar.
    Calendar,
    /// A service-level (SLA) definition.
    Sla,
    /// The intake rules.
    IntakeRules,
    /// The routing rules.
    RoutingRules,
    /// One contact point of a profile.
    ContactPoint,
    /// A record of another system linked to a profile, case or contact.
    ExternalRecord,
    /// A request for the host to carry out in another system.
    HostRequest,
    /// A file attached to a case or a contact.
    Attachment,
    /// A case's relation to another record.
    RelatedRecord,
    /// A response template (a message sent to customers).
    ResponseTemplate,
    /// A customer's satisfaction feedback on a case.
    Feedback,
    /// A report definition.
    Report,
    /// A task of a case.
    Task,
    /// An agent of support groups.
    Agent,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Profile => "profile",
            Entity::Case => "case",
            Entity::Contact => "contact",
            Entity::Template => "template",
            Entity::CaseLink => "case link",
            Entity::Relation => "relation",
            Entity::Merge => "merge",
            Entity::Calendar => "calendar",
            Entity::Sla => "SLA definition",
            Entity::IntakeRules => "intake rules",
            Entity::RoutingRules => "routing rules",
            Entity::ContactPoint => "contact point",
            Entity::ExternalRecord => "external record",
            Entity::HostRequest => "host request",
            Entity::Attachment => "attachment",
            Entity::RelatedRecord => "related record",
            Entity::ResponseTemplate => "response template",
            Entity::Feedback => "feedback",
            Entity::Report => "report",
            Entity::Task => "task",
            Entity::Agent => "agent",
        })
    }
}

/// Every way a casebook operation can fail.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed input (see [`ErrorCode::InvalidInput`]).
    #[error("invalid input: {}", bound(.0))]
    InvalidInput(String),
    /// Field problems, all of them (see [`ErrorCode::ValidationFailed`]).
    #[error("{0}")]
    Validation(FieldErrors),
    /// A template definition is inconsistent.
    #[error("template `{}`{}: {}", quote(template), field.as_ref().map(|f| format!(", field `{}`", quote(f))).unwrap_or_default(), bound(message))]
    InvalidTemplate {
        /// Template id.
        template: String,
        /// Offending field, if the problem is in one field.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A calendar or SLA definition is inconsistent.
    #[error("{kind} `{}`: {}", quote(id), bound(message))]
    InvalidDefinition {
        /// What is defined (`calendar`, `SLA definition`).
        kind: Entity,
        /// The definition's id (empty when it has none yet).
        id: String,
        /// What is wrong.
        message: String,
    },
    /// The referenced record does not exist.
    #[error("{entity} `{}` not found", quote(id))]
    NotFound {
        /// Kind of record.
        entity: Entity,
        /// The id, customer ID or case number that was looked up.
        id: String,
    },
    /// Optimistic concurrency failure.
    #[error("{entity} `{}` was changed by someone else: you edited version {expected}, it is now at version {actual}", quote(id))]
    Conflict {
        /// Kind of record.
        entity: Entity,
        /// Record id.
        id: String,
        /// The version the caller edited.
        expected: u64,
        /// The version currently stored.
        actual: u64,
    },
    /// Forbidden case status change.
    #[error("case status cannot change from {} to {}", quote(from), quote(to))]
    IllegalTransition {
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// A unique value is taken.
    #[error("{entity} `{}` already exists", quote(id))]
    AlreadyExists {
        /// Kind of record.
        entity: Entity,
        /// The clashing value.
        id: String,
    },
    /// Probable duplicates of a new profile, best first.
    #[error("the new profile probably duplicates {} existing profile(s); create it with the duplicate override to proceed", candidates.len())]
    DuplicateSuspected {
        /// The existing profiles it probably duplicates, with scores and reasons.
        candidates: Vec<DuplicateCandidate>,
    },
    /// The merge cannot be reverted.
    #[error("unmerge refused: {}", bound(.0))]
    UnmergeRefused(String),
    /// The operation does not fit the record's current state.
    #[error("{}", bound(.0))]
    InvalidState(String),
    /// Mandatory tasks hold a case's resolution back.
    #[error("case `{}` has {} open mandatory task(s): {}; finish or cancel them first", quote(case), tasks.len(), tasks.iter().map(|t| format!("`{}`", quote(&t.title))).collect::<Vec<_>>().join(", "))]
    TasksOpen {
        /// The case number.
        case: String,
        /// The open mandatory tasks, in the order they were added.
        tasks: Vec<OpenTask>,
    },
    /// Storage failure, with its kind and cause.
    #[error(transparent)]
    Storage(StorageError),
    /// Data of an incompatible version.
    #[error("incompatible version: {}", bound(.0))]
    IncompatibleVersion(String),
    /// A bug.
    #[error("internal error: {}", bound(.0))]
    Internal(String),
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Validation(_) => ErrorCode::ValidationFailed,
            Error::InvalidTemplate { .. } => ErrorCode::InvalidTemplate,
            Error::InvalidDefinition { .. } => ErrorCode::InvalidDefinition,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::DuplicateSuspected { .. } => ErrorCode::DuplicateSuspected,
            Error::UnmergeRefused(_) => ErrorCode::UnmergeRefused,
            Error::InvalidState(_) => ErrorCode::InvalidState,
            Error::TasksOpen { .. } => ErrorCode::TasksOpen,
            Error::Storage(_) => ErrorCode::Storage,
            Error::IncompatibleVersion(_) => ErrorCode::IncompatibleVersion,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The field errors of a validation failure (empty for other errors).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(list) => &list.0,
            _ => &[],
        }
    }

    /// Whether running the same operation again may succeed: a store that
    /// reports a serialization conflict or a lock held too long.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Storage(e) if matches!(e.kind(), StorageErrorKind::Retryable | StorageErrorKind::Busy))
    }

    /// A structured, JSON-ready description of the error: `code`, `status`
    /// and `message`, plus `field_errors` (validation), `candidates`
    /// (suspected duplicates), `tasks` (open mandatory tasks) or
    /// `storage_kind` (storage failures).
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::json!({
            "code": self.code().as_str(),
            "status": self.code().as_u32(),
            "message": self.to_string(),
        });
        match self {
            Error::Validation(list) => {
                out["field_errors"] = serde_json::to_value(list).unwrap_or_default();
            }
            Error::DuplicateSuspected { candidates } => {
                out["candidates"] = serde_json::to_value(candidates).unwrap_or_default();
            }
            Error::TasksOpen { tasks, .. } => {
                out["tasks"] = serde_json::to_value(tasks).unwrap_or_default();
            }
            Error::Storage(e) => {
                out["storage_kind"] = serde_json::Value::from(e.kind().as_str());
            }
            _ => {}
        }
        out
    }

    pub(crate) fn not_found(entity: Entity, id: impl fmt::Display) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub(crate) fn validation(errors: Vec<FieldError>) -> Self {
        Error::Validation(FieldErrors(errors))
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Self {
        Error::Storage(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::InvalidInput(format!("malformed JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_lists_every_field() {
        let err = Error::validation(vec![
            FieldError::new("a", FieldErrorCode::Required, "A is required"),
            FieldError::new("b", FieldErrorCode::TooLong, "B is too long"),
        ]);
        assert_eq!(err.code(), ErrorCode::ValidationFailed);
        assert_eq!(err.field_errors().len(), 2);
        let json = err.to_json();
        assert_eq!(json["code"], "validation_failed");
        assert_eq!(json["field_errors"][1]["code"], "too_long");
    }

    #[test]
    fn storage_errors_keep_their_kind_and_cause() {
        let cause = std::io::Error::other("disk on fire");
        let err: Error = StorageError::new(StorageErrorKind::Io, "cannot write x.db")
            .with_source(cause)
            .into();
        assert_eq!(err.code(), ErrorCode::Storage);
        assert_eq!(err.to_string(), "storage error: cannot write x.db");
        let source = std::error::Error::source(&err).map(|s| s.to_string());
        assert_eq!(source.as_deref(), Some("disk on fire"));
        assert_eq!(err.to_json()["storage_kind"], "io");
        assert!(!err.is_retryable());
        let retry: Error = StorageError::new(StorageErrorKind::Retryable, "conflict").into();
        assert!(retry.is_retryable());
    }
}
