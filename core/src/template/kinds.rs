//! Field kinds and the compiled form of one field.

use crate::matcher::Matcher;
use crate::phone::PhoneRules;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stable key stored in records.
    pub key: String,
    /// Label shown to users.
    pub label: String,
}

/// "Required only when another field has a given value".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The other field's key.
    pub field: String,
    /// The value that makes this field required (for a multiple choice: one of its selected keys).
    pub equals: Value,
}

impl Condition {
    pub(super) fn holds_for(&self, value: &Value) -> bool {
        match value {
            Value::Array(items) => items.contains(&self.equals),
            value => *value == self.equals,
        }
    }
}

/// A compiled, anchored regular expression with its source.
#[derive(Debug, Clone)]
pub struct PatternRegex {
    pub(super) source: String,
    pub(super) compiled: Matcher,
}

impl PatternRegex {
    /// The expression as the administrator wrote it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled.is_match(value)
    }
}

impl PartialEq for PatternRegex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Field kinds and their kind-specific settings.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Free text.
    Text {
        /// Minimum length in characters.
        min_length: Option<u32>,
        /// Maximum length in characters.
        max_length: Option<u32>,
        /// Whether line breaks are allowed.
        multiline: bool,
    },
    /// A dropdown: one or several of fixed options.
    Choice {
        /// The options.
        options: Vec<ChoiceOption>,
        /// Whether several options may be selected.
        multiple: bool,
    },
    /// Fixed-format text, such as a national insurance number.
    Pattern {
        /// The expression the whole value must match.
        regex: PatternRegex,
        /// The expected format in human terms, e.g. `AA999999A`.
        hint: String,
    },
    /// An e-mail address.
    Email,
    /// A phone number, stored in E.164.
    Phone {
        /// Region for numbers written without `+` (overrides the engine's default).
        region: Option<String>,
        /// Rules built from `region`.
        rules: Option<PhoneRules>,
        /// In a profile template, whether the number identifies the profile:
        /// recognition and phone search find it by this number, as by a phone
        /// contact point (JSON `identifies`, default `true`).
        identifies: bool,
    },
    /// A whole number.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A decimal number.
    Decimal {
        /// Smallest allowed value.
        min: Option<f64>,
        /// Largest allowed value.
        max: Option<f64>,
        /// Most decimal places allowed.
        decimal_places: Option<u32>,
    },
    /// An ISO 8601 calendar date (`YYYY-MM-DD`).
    Date {
        /// Earliest allowed date.
        min: Option<Date>,
        /// Latest allowed date.
        max: Option<Date>,
        /// Whether dates after today are refused.
        not_in_future: bool,
    },
    /// Yes or no.
    Boolean,
}

impl PartialEq for PhoneRules {
    fn eq(&self, other: &Self) -> bool {
        self.default_region() == other.default_region()
    }
}

impl FieldKind {
    /// The kind's name as written in template JSON.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Choice { .. } => "choice",
            FieldKind::Pattern { .. } => "pattern",
            FieldKind::Email => "email",
            FieldKind::Phone { .. } => "phone",
            FieldKind::Integer { .. } => "integer",
            FieldKind::Decimal { .. } => "decimal",
            FieldKind::Date { .. } => "date",
            FieldKind::Boolean => "boolean",
        }
    }
}

/// One field of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Stable key (lower case, digits, underscores).
    pub key: String,
    /// Label shown to users and used in messages.
    pub label: String,
    /// Kind and kind-specific settings.
    pub kind: FieldKind,
    /// Mandatory (the `*` of a form).
    pub required: bool,
    /// Mandatory only when another field has a given value.
    pub required_when: Option<Condition>,
    /// Value used when a new record leaves the field empty (already normalised).
    pub default: Option<Value>,
    /// Included in keyword search.
    pub searchable: bool,
    /// Personal data (for export and erasure).
    pub pii: bool,
    /// Cannot change once the record is created.
    pub read_only_after_create: bool,
    /// Help text for forms.
    pub help: Option<String>,
}
