//! What the profile and case forms share: the problems a form collects, the
//! custom fields checked against the record's template, and the answer of
//! validating a form without storing it.

use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::template::{Fields, MissingField, Mode, Template, ValidationContext};
use serde::{Deserialize, Serialize};

/// Result of validating a form: the normalised input and every problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormValidation<T> {
    /// The input as it would be stored (trimmed, normalised, defaults applied).
    pub normalized: T,
    /// Every problem.
    pub errors: Vec<FieldError>,
    /// Draft mode: required values not captured yet.
    pub missing: Vec<MissingField>,
}

impl<T> FormValidation<T> {
    /// No errors and nothing missing.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.missing.is_empty()
    }
}

/// The problems a form collects: field errors and, in a draft, the
/// required values still missing.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) errors: Vec<FieldError>,
    pub(super) missing: Vec<MissingField>,
}

impl Problems {
    /// A required value is absent: missing in a draft, an error otherwise.
    pub(super) fn required(&mut self, mode: &Mode<'_>, field: &str, label: &str, message: &str) {
        if matches!(mode, Mode::Draft) {
            self.missing.push(MissingField {
                field: field.into(),
                label: label.into(),
            });
        } else {
            self.errors
                .push(FieldError::new(field, FieldErrorCode::Required, message));
        }
    }

    /// Custom field values as stored, with their problems; without a
    /// template, every field is unknown.
    pub(super) fn check_fields(
        &mut self,
        template: Option<&Template>,
        fields: &Fields,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Fields {
        let Some(template) = template else {
            for key in fields.keys() {
                self.errors.push(FieldError::new(
                    key,
                    FieldErrorCode::UnknownField,
                    format!("`{key}` is not a field: the record has no template"),
                ));
            }
            return Fields::new();
        };
        let report = template.validate_fields(fields, mode, ctx);
        self.errors.extend(report.errors);
        self.missing.extend(report.missing);
        report.values
    }
}

/// A form cleaned and validated: what it would store, and its problems.
pub(super) struct Form<P> {
    pub(super) prepared: P,
    pub(super) problems: Problems,
}

impl<P> Form<P> {
    /// What the form prepared, if it has no error; otherwise the validation
    /// error listing every one.
    pub(super) fn accepted(self) -> Result<P> {
        if self.problems.errors.is_empty() {
            Ok(self.prepared)
        } else {
            Err(Error::validation(self.problems.errors))
        }
    }

    /// The answer of validating the form without storing it.
    pub(super) fn validation<T>(self, input: impl FnOnce(P) -> T) -> FormValidation<T> {
        FormValidation {
            normalized: input(self.prepared),
            errors: self.problems.errors,
            missing: self.problems.missing,
        }
    }
}
