//! Profile and case templates: field definitions loaded from JSON, checked
//! when loaded, and the validation of records against them.
//!
//! ```
//! use casebook::{Template, Mode, ValidationContext};
//! use serde_json::json;
//!
//! let template = Template::from_json(r#"{
//!   "id": "retail", "kind": "profile", "name": "Retail customer",
//!   "fields": [
//!     {"key": "segment", "type": "choice", "required": true,
//!      "options": [{"key": "private", "label": "Private"}, {"key": "business", "label": "Business"}]},
//!     {"key": "ni_number", "label": "NI number", "type": "pattern",
//!      "regex": "[A-Z]{2}[0-9]{6}[A-D]", "hint": "AA999999A"}
//!   ]}"#).unwrap();
//! let ctx = ValidationContext::new("2026-01-01".parse().unwrap());
//! let report = template.validate(&json!({"ni_number": "QQ12345"}), Mode::Create, &ctx)?;
//! assert_eq!(report.errors.len(), 2); // segment is required, ni_number is malformed
//! assert!(report.errors[1].message.contains("AA999999A"));
//! # Ok::<(), casebook::Error>(())
//! ```

use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::phone::PhoneRules;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod definition;
mod kinds;
mod names;
#[cfg(test)]
mod properties;
mod reader;
#[cfg(feature = "schema")]
mod spec_schema;
#[cfg(test)]
mod tests;
mod validate;
mod values;

pub use definition::{FieldSpec, TemplateDef};
pub use kinds::{ChoiceOption, Condition, FieldDef, FieldKind, PatternRegex};
pub(crate) use names::is_identifier;
pub(crate) use values::parse_date;

use validate::KeyTable;

/// Custom field values of a record, keyed by field key (a JSON object).
pub type Fields = serde_json::Map<String, Value>;

/// What a template describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// Customer profiles.
    Profile,
    /// Cases.
    Case,
}

/// The template (id and version) a record was validated against.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TemplateRef {
    /// Template id.
    pub id: String,
    /// Template version (1, 2, ...).
    pub version: u32,
}

/// A checked, compiled template. Load one with [`Template::from_json`].
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Template id.
    pub id: String,
    /// Version, assigned by the engine when loaded (0 for a template not yet loaded).
    pub version: u32,
    /// Profile or case template.
    pub kind: TemplateKind,
    /// Display name.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// Whether a profile of this template needs a given or a family name
    /// (`name_required` in the definition; `true` unless set to `false`).
    pub name_required: bool,
    fields: Vec<FieldDef>,
    keys: KeyTable,
}

/// How a record is being validated.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// A record about to be created: all rules, defaults applied.
    Create,
    /// A partially captured record (IVR or web pre-fill): missing required
    /// fields are reported as incomplete, not as errors; defaults applied.
    Draft,
    /// An edit of an existing record: all rules, no defaults, read-only
    /// fields must keep their previous values.
    Update {
        /// The record's values before the edit.
        previous: &'a Fields,
    },
}

impl Mode<'static> {
    /// A record not stored yet: a draft, or one about to be created.
    pub(crate) fn new_record(draft: bool) -> Self {
        if draft {
            Mode::Draft
        } else {
            Mode::Create
        }
    }
}

/// What validation needs from outside the record.
#[derive(Debug, Clone)]
pub struct ValidationContext {
    /// Today's date, for `not_in_future`.
    pub today: Date,
    /// Phone normalisation rules (default region).
    pub phone: PhoneRules,
}

impl ValidationContext {
    /// A context with no default phone region.
    pub fn new(today: Date) -> Self {
        ValidationContext {
            today,
            phone: PhoneRules::default(),
        }
    }

    /// A context with phone rules.
    pub fn with_phone(today: Date, phone: PhoneRules) -> Self {
        ValidationContext { today, phone }
    }
}

/// A required field that a draft has not captured yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MissingField {
    /// Field key.
    pub field: String,
    /// Field label.
    pub label: String,
}

/// The outcome of validating one record: normalised values and every problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValidationReport {
    /// The values as they would be stored: trimmed, normalised, defaults applied.
    pub values: Fields,
    /// Every field problem, in template order (unknown fields last).
    pub errors: Vec<FieldError>,
    /// Draft mode only: required fields not captured yet.
    pub missing: Vec<MissingField>,
}

impl ValidationReport {
    /// No errors and nothing missing.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.missing.is_empty()
    }

    /// The report as a result: the values, or a validation error listing every problem
    /// (missing required fields included, with code `required`).
    pub fn into_result(self) -> Result<Fields> {
        if self.is_valid() {
            return Ok(self.values);
        }
        let mut errors = self.errors;
        errors.extend(self.missing.into_iter().map(|m| {
            FieldError::new(
                m.field,
                FieldErrorCode::Required,
                format!("{} is required", m.label),
            )
        }));
        Err(Error::validation(errors))
    }
}

impl Template {
    /// Parses and checks a template from JSON. Text that is not JSON at all
    /// is invalid input; a JSON document that is not a valid template
    /// definition is an invalid template.
    ///
    /// ```
    /// use casebook::{ErrorCode, Template};
    /// let not_json = Template::from_json("{\"id\": ").unwrap_err();
    /// assert_eq!(not_json.code(), ErrorCode::InvalidInput);
    /// let not_a_template = Template::from_json(r#"{"id": "t"}"#).unwrap_err();
    /// assert_eq!(not_a_template.code(), ErrorCode::InvalidTemplate);
    /// ```
    pub fn from_json(json: &str) -> Result<Template> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            Error::InvalidInput(format!("the template definition is not valid JSON: {e}"))
        })?;
        Template::from_value(value)
    }

    /// Parses and checks a template from a JSON value.
    pub fn from_value(value: Value) -> Result<Template> {
        let hint = value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let def: TemplateDef =
            serde_json::from_value(value).map_err(|e| Error::InvalidTemplate {
                template: hint,
                field: None,
                message: format!("not a valid template definition: {e}"),
            })?;
        Template::from_def(def)
    }

    /// The template's JSON definition.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(TemplateDef::from(self)).unwrap_or(Value::Null)
    }

    /// Id and version.
    pub fn reference(&self) -> TemplateRef {
        TemplateRef {
            id: self.id.clone(),
            version: self.version,
        }
    }

    /// The fields, in form order.
    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    /// The field with the given key.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.keys.find(&self.fields, key).map(|i| &self.fields[i])
    }

    /// The keys of the phone fields whose numbers identify a profile (see
    /// [`FieldKind::Phone`]), in form order; none for a case template.
    ///
    /// ```
    /// let t = casebook::Template::from_json(r#"{"id": "t", "kind": "profile", "name": "T", "fields": [
    ///   {"key": "mobile", "type": "phone"},
    ///   {"key": "fax", "type": "phone", "identifies": false}]}"#)?;
    /// assert_eq!(t.identifying_phone_fields().collect::<Vec<_>>(), ["mobile"]);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn identifying_phone_fields(&self) -> impl Iterator<Item = &str> {
        let profile = self.kind == TemplateKind::Profile;
        self.fields.iter().filter_map(move |f| match f.kind {
            FieldKind::Phone {
                identifies: true, ..
            } if profile => Some(f.key.as_str()),
            _ => None,
        })
    }

    /// Whether two templates define the same thing, ignoring the version.
    pub fn same_definition(&self, other: &Template) -> bool {
        self.id == other.id
            && self.kind == other.kind
            && self.name == other.name
            && self.description == other.description
            && self.name_required == other.name_required
            && self.fields == other.fields
    }

    /// The text of the record's searchable fields, for keyword search.
    pub fn searchable_text(&self, values: &Fields) -> String {
        let mut out = String::new();
        for field in self.fields.iter().filter(|f| f.searchable) {
            match values.get(&field.key) {
                Some(Value::String(s)) => {
                    out.push_str(s);
                    out.push(' ');
                }
                Some(Value::Array(items)) => {
                    for item in items.iter().filter_map(Value::as_str) {
                        out.push_str(item);
                        out.push(' ');
                    }
                }
                Some(Value::Number(n)) => {
                    out.push_str(&n.to_string());
                    out.push(' ');
                }
                _ => {}
            }
        }
        out
    }
}
