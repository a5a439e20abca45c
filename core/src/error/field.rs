//! Field problems: what validation reports about one field of a record.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable machine code of one field problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The textual code (as serialised).
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_names() {
        for code in [
            FieldErrorCode::Required,
            FieldErrorCode::TooManyDecimals,
            FieldErrorCode::InFuture,
            FieldErrorCode::Duplicate,
        ] {
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
    }
}
