//! Cleaning the free-text parts of an input: squashed whitespace, length
//! limits and duplicates, each problem reported as a field error.

use crate::error::{FieldError, FieldErrorCode};
use crate::text;

/// Longest given or family name.
pub(super) const MAX_NAME: usize = 200;
/// Longest one-line value (category, product, assignee, ...).
pub(super) const MAX_SHORT: usize = 200;
/// Longest text (description, note, summary).
pub(super) const MAX_LONG: usize = 100_000;

/// One line of text, whitespace squashed, at most `max` characters.
pub(super) fn clean_line(
    value: &str,
    field: &str,
    label: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let cleaned = text::squash_whitespace(value);
    if cleaned.chars().count() > max {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{label} must be at most {max} characters"),
        ));
    }
    cleaned
}

/// An optional one-line value; empty means absent.
pub(super) fn clean_optional(
    value: &Option<String>,
    field: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value
        .as_deref()
        .map(|v| clean_line(v, field, label, MAX_SHORT, errors))
        .filter(|v| !v.is_empty())
}

/// A list of one-line values: empty ones dropped, repeats (ignoring case) refused.
pub(super) fn clean_list(
    values: &[String],
    field: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let cleaned = clean_line(value, &format!("{field}[{i}]"), label, MAX_SHORT, errors);
        if cleaned.is_empty() {
            continue;
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(&cleaned)) {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                FieldErrorCode::Duplicate,
                format!("{label} `{cleaned}` is listed twice"),
            ));
            continue;
        }
        out.push(cleaned);
    }
    out
}

/// A long text, trimmed, at most [`MAX_LONG`] characters.
pub(super) fn clean_long(
    value: &str,
    field: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> String {
    let trimmed = value.trim();
    if trimmed.chars().take(MAX_LONG + 1).count() > MAX_LONG {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{label} must be at most {MAX_LONG} characters"),
        ));
    }
    trimmed.to_string()
}

/// A value as an error message quotes it (see [`crate::error::quote`]).
pub(super) fn truncate(s: &str) -> String {
    crate::error::quote(s).into_owned()
}
