//! One error type for the whole engine, with stable machine codes.
//!
//! The C binding returns [`ErrorCode::as_u32`] as its status code and the
//! WebAssembly binding throws errors carrying [`ErrorCode::as_str`]; both are
//! fixed forever once released (a retired code keeps its number reserved).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Result type of every fallible casebook operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable machine code of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
pub enum ErrorCode {
    /// Input that is malformed before any domain rule applies (bad JSON, bad id, bad argument).
    InvalidInput = 1,
    /// A record broke template or domain rules; the error lists every field problem.
    ValidationFailed = 2,
    /// A template definition is inconsistent (bad regex, duplicate keys, ...).
    InvalidTemplate = 3,
    /// The referenced profile, case, contact or template does not exist.
    NotFound = 4,
    /// An update was made against a stale version: someone else changed the record first.
    Conflict = 5,
    /// The case state machine forbids the requested status change.
    IllegalTransition = 6,
    /// A unique value (customer ID, case number, link) already exists.
    AlreadyExists = 7,
    /// Creating the profile would probably duplicate existing profiles.
    DuplicateSuspected = 8,
    /// A merge cannot be undone because merged data changed since.
    UnmergeRefused = 9,
    /// The storage backend failed (I/O, locking, SQL).
    Storage = 10,
    /// Data written by an incompatible (usually newer) casebook version.
    IncompatibleVersion = 11,
    /// A bug inside casebook (a caught panic, a broken invariant).
    Internal = 12,
    /// The operation is not allowed in the current state (e.g. merging a tombstone).
    InvalidState = 13,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::InvalidInput,
        ErrorCode::ValidationFailed,
        ErrorCode::InvalidTemplate,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::IllegalTransition,
        ErrorCode::AlreadyExists,
        ErrorCode::DuplicateSuspected,
        ErrorCode::UnmergeRefused,
        ErrorCode::Storage,
        ErrorCode::IncompatibleVersion,
        ErrorCode::Internal,
        ErrorCode::InvalidState,
    ];

    /// The numeric code (used as the C status code; 0 is reserved for success).
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// The textual code (used as the JavaScript error code).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidTemplate => "invalid_template",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::IllegalTransition => "illegal_transition",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::DuplicateSuspected => "duplicate_suspected",
            ErrorCode::UnmergeRefused => "unmerge_refused",
            ErrorCode::Storage => "storage",
            ErrorCode::IncompatibleVersion => "incompatible_version",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidState => "invalid_state",
        }
    }

    /// The code with the given number, if any.
    pub fn from_u32(value: u32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_u32() == value)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Kind of record an error refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
        })
    }
}

/// Stable machine code of one field problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// A mandatory field has no value.
    Required,
    /// Text shorter than the minimum length.
    TooShort,
    /// Text longer than the maximum length.
    TooLong,
    /// The value does not have the expected format (pattern, e-mail, phone, date, single line).
    InvalidFormat,
    /// The value is not one of the choice's options.
    NotAnOption,
    /// A number or date outside its minimum or maximum.
    OutOfRange,
    /// The value has the wrong JSON type (a list where a text is expected, ...).
    WrongType,
    /// The record names a field the template does not define.
    UnknownField,
    /// A decimal with more decimal places than allowed.
    TooManyDecimals,
    /// A date after today where the field forbids future dates.
    InFuture,
    /// A field that is read-only after creation was changed.
    ReadOnly,
    /// A value given twice where it must be unique (e.g. two primary phones).
    Duplicate,
}

impl FieldErrorCode {
    /// The textual code.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::InvalidFormat => "invalid_format",
            FieldErrorCode::NotAnOption => "not_an_option",
            FieldErrorCode::OutOfRange => "out_of_range",
            FieldErrorCode::WrongType => "wrong_type",
            FieldErrorCode::UnknownField => "unknown_field",
            FieldErrorCode::TooManyDecimals => "too_many_decimals",
            FieldErrorCode::InFuture => "in_future",
            FieldErrorCode::ReadOnly => "read_only",
            FieldErrorCode::Duplicate => "duplicate",
        }
    }
}

impl fmt::Display for FieldErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct FieldError {
    /// Field key (custom fields) or property path (`contact_points[1].value`).
    pub field: String,
    /// Stable machine code.
    pub code: FieldErrorCode,
    /// Human message naming the expected format.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, code: FieldErrorCode, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.field, self.code, self.message)
    }
}

/// Every field problem of a rejected record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "validation failed: ")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Every way a casebook operation can fail.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed input (see [`ErrorCode::InvalidInput`]).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Field problems, all of them (see [`ErrorCode::ValidationFailed`]).
    #[error("{0}")]
    Validation(FieldErrors),
    /// A template definition is inconsistent.
    #[error("template `{template}`{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    InvalidTemplate {
        /// Template id.
        template: String,
        /// Offending field, if the problem is in one field.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The referenced record does not exist.
    #[error("{entity} `{id}` not found")]
    NotFound {
        /// Kind of record.
        entity: Entity,
        /// The id, customer ID or case number that was looked up.
        id: String,
    },
    /// Optimistic concurrency failure.
    #[error("{entity} `{id}` was changed by someone else: you edited version {expected}, it is now at version {actual}")]
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
    #[error("case status cannot change from {from} to {to}")]
    IllegalTransition {
        /// Current status.
        from: String,
        /// Requested status.
        to: String,
    },
    /// A unique value is taken.
    #[error("{entity} `{id}` already exists")]
    AlreadyExists {
        /// Kind of record.
        entity: Entity,
        /// The clashing value.
        id: String,
    },
    /// Probable duplicates found; the JSON list of candidates is in `candidates`.
    #[error("the new profile probably duplicates {count} existing profile(s); create it with the duplicate override to proceed")]
    DuplicateSuspected {
        /// Number of candidates.
        count: usize,
        /// Candidate summaries, as JSON.
        candidates: serde_json::Value,
    },
    /// The merge cannot be reverted.
    #[error("unmerge refused: {0}")]
    UnmergeRefused(String),
    /// The operation does not fit the record's current state.
    #[error("{0}")]
    InvalidState(String),
    /// Storage failure.
    #[error("storage error: {0}")]
    Storage(String),
    /// Data of an incompatible version.
    #[error("incompatible version: {0}")]
    IncompatibleVersion(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Validation(_) => ErrorCode::ValidationFailed,
            Error::InvalidTemplate { .. } => ErrorCode::InvalidTemplate,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::DuplicateSuspected { .. } => ErrorCode::DuplicateSuspected,
            Error::UnmergeRefused(_) => ErrorCode::UnmergeRefused,
            Error::InvalidState(_) => ErrorCode::InvalidState,
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

    /// A structured, JSON-ready description of the error: code, message and,
    /// where present, field errors or duplicate candidates.
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
            Error::DuplicateSuspected { candidates, .. } => {
                out["candidates"] = candidates.clone();
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

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::InvalidInput(format!("malformed JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_u32()));
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(ErrorCode::from_u32(0), None);
    }

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
}
