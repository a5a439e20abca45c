//! Profile and case templates: field definitions loaded from JSON, checked
//! when loaded, and the validation of records against them.
//!
//! ```
//! use casebook::template::{Template, Mode, ValidationContext};
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
//! let report = template.validate(&json!({"ni_number": "QQ12345"}), Mode::Create, &ctx);
//! assert_eq!(report.errors.len(), 2); // segment is required, ni_number is malformed
//! assert!(report.errors[1].message.contains("AA999999A"));
//! ```

use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::matcher::{Matcher, MatcherOptions};
use crate::phone::{PhoneProblem, PhoneRules};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write as _;

/// Custom field values of a record, keyed by field key (a JSON object).
pub type Fields = serde_json::Map<String, Value>;

/// Longest text accepted by a single-line text field without `max_length`.
pub const DEFAULT_MAX_SINGLE_LINE: u32 = 1_000;
/// Longest text accepted by a multi-line text field without `max_length`.
pub const DEFAULT_MAX_MULTI_LINE: u32 = 100_000;
const MAX_FIELDS: usize = 500;
const MAX_REGEX_SIZE: usize = 1 << 20;
/// Bounds the DFA of a pattern field; fixed formats need a few KiB.
const PATTERN_DFA_BYTES: usize = 1 << 16;

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
    fn holds_for(&self, value: &Value) -> bool {
        match value {
            Value::Array(items) => items.contains(&self.equals),
            value => *value == self.equals,
        }
    }
}

/// The template's field keys in an open-addressing table. A record is
/// checked on every keystroke of a form and finding each key's field is the
/// hottest step, so a slot keeps the key's length and its first and last
/// eight bytes: a lookup hashes two words and compares them, without a call
/// to `memcmp` for keys of up to 16 bytes.
#[derive(Debug, Clone, PartialEq)]
struct KeyTable {
    slots: Vec<KeySlot>,
    mask: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct KeySlot {
    /// Field index + 1; 0 is an empty slot.
    field: u16,
    len: u16,
    head: u64,
    tail: u64,
}

/// Length, first eight and last eight bytes of a key (overlapping or
/// zero-padded when it is shorter than 16 bytes).
fn key_words(key: &[u8]) -> (usize, u64, u64) {
    match key.len() {
        len @ 8.. => {
            let word = |at: usize| {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(&key[at..at + 8]);
                u64::from_le_bytes(bytes)
            };
            (len, word(0), word(len - 8))
        }
        len => {
            let word = key
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
            (len, word, word)
        }
    }
}

impl KeyTable {
    fn new(fields: &[FieldDef]) -> KeyTable {
        // At most half full, so probe runs stay short.
        let size = (fields.len() * 2).next_power_of_two().max(8);
        let mut table = KeyTable {
            slots: vec![KeySlot::default(); size],
            mask: size - 1,
        };
        for (i, field) in fields.iter().enumerate() {
            let (len, head, tail) = key_words(field.key.as_bytes());
            let mut at = table.home(len, head, tail);
            while table.slots[at].field != 0 {
                at = (at + 1) & table.mask;
            }
            // MAX_FIELDS and the key length limit keep both within u16.
            table.slots[at] = KeySlot {
                field: (i + 1) as u16,
                len: len as u16,
                head,
                tail,
            };
        }
        table
    }

    fn home(&self, len: usize, head: u64, tail: u64) -> usize {
        const MIX: u64 = 0x9E37_79B9_7F4A_7C15;
        let hash = ((head ^ len as u64).wrapping_mul(MIX) ^ tail).wrapping_mul(MIX);
        (hash >> 40) as usize & self.mask
    }

    fn find(&self, fields: &[FieldDef], key: &str) -> Option<usize> {
        let key = key.as_bytes();
        let (len, head, tail) = key_words(key);
        let mut at = self.home(len, head, tail);
        loop {
            let slot = self.slots[at];
            let i = usize::from(slot.field).checked_sub(1)?;
            if usize::from(slot.len) == len
                && slot.head == head
                && slot.tail == tail
                && (len <= 16 || fields[i].key.as_bytes() == key)
            {
                return Some(i);
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// Runs `f` over `n` slots set to `empty`, on the stack for templates of
/// ordinary size: validation then allocates nothing for a valid record.
fn with_slots<T: Copy, R>(n: usize, empty: T, f: impl FnOnce(&mut [T]) -> R) -> R {
    const ON_STACK: usize = 32;
    if n <= ON_STACK {
        f(&mut [empty; ON_STACK][..n])
    } else {
        f(&mut vec![empty; n])
    }
}

/// The record's object, or the error of a record that is not one.
fn as_record(record: &Value) -> std::result::Result<&Fields, FieldError> {
    static EMPTY: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    match record {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(EMPTY.get_or_init(Fields::new)),
        other => Err(FieldError::new(
            "",
            FieldErrorCode::WrongType,
            format!("a record must be a JSON object, not {}", json_type(other)),
        )),
    }
}

/// A compiled, anchored regular expression with its source.
#[derive(Debug, Clone)]
pub struct PatternRegex {
    source: String,
    compiled: Matcher,
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
    /// Parses and checks a template from JSON.
    pub fn from_json(json: &str) -> Result<Template> {
        let def: TemplateDef = serde_json::from_str(json).map_err(|e| Error::InvalidTemplate {
            template: template_id_hint(json),
            field: None,
            message: format!("not a valid template definition: {e}"),
        })?;
        Template::from_def(def)
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

    /// Whether two templates define the same thing, ignoring the version.
    pub fn same_definition(&self, other: &Template) -> bool {
        self.id == other.id
            && self.kind == other.kind
            && self.name == other.name
            && self.description == other.description
            && self.fields == other.fields
    }

    /// Validates a record (a JSON object of field values), reporting every
    /// problem at once, with the values as they would be stored.
    pub fn validate(
        &self,
        record: &Value,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> ValidationReport {
        match as_record(record) {
            Ok(fields) => self.validate_fields(fields, mode, ctx),
            Err(error) => ValidationReport {
                values: Fields::new(),
                errors: vec![error],
                missing: Vec::new(),
            },
        }
    }

    /// Validates a record given as a map of field values.
    pub fn validate_fields(
        &self,
        record: &Fields,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> ValidationReport {
        let mut values = Fields::new();
        let (errors, missing) = self.run(record, mode, ctx, Some(&mut values));
        ValidationReport {
            values,
            errors,
            missing,
        }
    }

    /// Checks a record and returns only its problems (what a form shows),
    /// without building the normalised values: the fast path for live form
    /// validation. In draft mode missing required fields are not problems.
    pub fn check(
        &self,
        record: &Value,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Vec<FieldError> {
        match as_record(record) {
            Ok(fields) => self.run(fields, mode, ctx, None).0,
            Err(error) => vec![error],
        }
    }

    /// Checks a record given as JSON text in one pass, without building a
    /// JSON tree: the same problems, in the same order, as [`Template::check`]
    /// on the parsed record. This is the fast path for forms posted as JSON
    /// (from a browser or a C host). Malformed JSON is an
    /// [`Error::InvalidInput`].
    ///
    /// ```
    /// use casebook::template::{Mode, Template, ValidationContext};
    /// let t = Template::from_json(r#"{"id": "t", "kind": "profile", "name": "T",
    ///   "fields": [{"key": "age", "type": "integer", "min": 18}]}"#)?;
    /// let ctx = ValidationContext::new("2026-01-01".parse().unwrap());
    /// let errors = t.check_json(r#"{"age": 7, "colour": "red"}"#, Mode::Create, &ctx)?;
    /// let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    /// assert_eq!(codes, ["out_of_range", "unknown_field"]);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn check_json(
        &self,
        json: &str,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Result<Vec<FieldError>> {
        // Field values borrow from the text; ordinary templates keep them on the stack.
        const ON_STACK: usize = 32;
        let n = self.fields.len();
        let mut stack: [Option<Slot<'_>>; ON_STACK] = Default::default();
        let mut heap: Vec<Option<Slot<'_>>> = Vec::new();
        let slots = if n <= ON_STACK {
            &mut stack[..n]
        } else {
            heap.resize_with(n, || None);
            &mut heap[..]
        };
        self.check_json_into(json, slots, mode, ctx)
    }

    fn check_json_into<'de>(
        &self,
        json: &'de str,
        slots: &mut [Option<Slot<'de>>],
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Result<Vec<FieldError>> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(json);
        let read = RecordSeed {
            template: self,
            slots: &mut *slots,
        }
        .deserialize(&mut de)
        .and_then(|record| de.end().map(|()| record))
        .map_err(|e| Error::InvalidInput(format!("the record is not valid JSON: {e}")))?;
        let mut unknown = match read {
            TextRecord::Fields { unknown } => unknown,
            TextRecord::NotAnObject(kind) => {
                return Ok(vec![FieldError::new(
                    "",
                    FieldErrorCode::WrongType,
                    format!("a record must be a JSON object, not {kind}"),
                )])
            }
        };
        // As in a parsed object: keys in order, a repeated key once.
        unknown.sort_unstable();
        unknown.dedup();
        let unknown = unknown.iter().map(|k| self.unknown_field(k)).collect();
        Ok(with_slots(slots.len(), None, |raws| {
            for (raw, slot) in raws.iter_mut().zip(slots.iter()) {
                *raw = slot.as_ref().map(Slot::raw);
            }
            self.finish(raws, unknown, mode, ctx, None).0
        }))
    }

    fn field_index(&self, key: &str) -> Option<usize> {
        self.keys.find(&self.fields, key)
    }

    /// The shared validation walk. With `values`, normalised values are
    /// collected into it; without, fields are only checked.
    fn run(
        &self,
        record: &Fields,
        mode: Mode<'_>,
        ctx: &ValidationContext,
        values: Option<&mut Fields>,
    ) -> (Vec<FieldError>, Vec<MissingField>) {
        let mut unknown = Vec::new();
        with_slots(self.fields.len(), None, |raws| {
            for (key, value) in record {
                match self.field_index(key) {
                    Some(i) => raws[i] = Some(Raw::of(value)),
                    None => unknown.push(self.unknown_field(key)),
                }
            }
            self.finish(raws, unknown, mode, ctx, values)
        })
    }

    fn unknown_field(&self, key: &str) -> FieldError {
        FieldError::new(
            key,
            FieldErrorCode::UnknownField,
            format!("`{key}` is not a field of template `{}`", self.id),
        )
    }

    /// Every rule over the values found for each field (`raws`, in field
    /// order) and the unknown keys already reported.
    fn finish(
        &self,
        raws: &[Option<Raw<'_>>],
        unknown: Vec<FieldError>,
        mode: Mode<'_>,
        ctx: &ValidationContext,
        mut values: Option<&mut Fields>,
    ) -> (Vec<FieldError>, Vec<MissingField>) {
        const ABSENT: u8 = 0;
        const PRESENT: u8 = 1;
        const FAILED: u8 = 2;
        const DEFAULTED: u8 = 3;
        let apply_defaults = matches!(mode, Mode::Create | Mode::Draft);
        // Errors of present values, in field order; then the rarer errors of
        // absent or unchanged fields, merged in by field at the end.
        let mut errors: Vec<FieldError> = Vec::new();
        let mut later: Vec<(usize, FieldError)> = Vec::new();
        with_slots(self.fields.len(), ABSENT, |state| {
            for (i, field) in self.fields.iter().enumerate() {
                match raws[i] {
                    Some(raw) if !raw.is_missing() => {
                        let outcome = match values.as_deref_mut() {
                            Some(values) => examine(field, raw, ctx, true).map(|v| {
                                values.insert(field.key.clone(), v.unwrap_or(Value::Null));
                            }),
                            None => examine(field, raw, ctx, false).map(drop),
                        };
                        match outcome {
                            Ok(()) => state[i] = PRESENT,
                            Err(error) => {
                                state[i] = FAILED;
                                errors.push(error);
                            }
                        }
                    }
                    _ => {
                        if let (true, Some(default)) = (apply_defaults, &field.default) {
                            state[i] = DEFAULTED;
                            if let Some(values) = values.as_deref_mut() {
                                values.insert(field.key.clone(), default.clone());
                            }
                        }
                    }
                }
            }

            // The normalised value of a field, computed again only where a rule needs it.
            let value_of = |i: usize| -> Option<Value> {
                let field = &self.fields[i];
                match state[i] {
                    PRESENT => {
                        raws[i].and_then(|raw| examine(field, raw, ctx, true).ok().flatten())
                    }
                    DEFAULTED => field.default.clone(),
                    _ => None,
                }
            };

            let mut missing = Vec::new();
            for (i, field) in self.fields.iter().enumerate() {
                if state[i] != ABSENT {
                    continue;
                }
                let required = field.required
                    || field.required_when.as_ref().is_some_and(|c| {
                        self.field_index(&c.field)
                            .and_then(value_of)
                            .is_some_and(|v| c.holds_for(&v))
                    });
                if !required {
                    continue;
                }
                if matches!(mode, Mode::Draft) {
                    missing.push(MissingField {
                        field: field.key.clone(),
                        label: field.label.clone(),
                    });
                } else {
                    let message = match &field.required_when {
                        Some(c) if !field.required => format!(
                            "{} is required when {} is {}",
                            field.label,
                            self.field(&c.field)
                                .map_or(c.field.as_str(), |f| f.label.as_str()),
                            display_value(&c.equals)
                        ),
                        _ => format!("{} is required", field.label),
                    };
                    later.push((
                        i,
                        FieldError::new(&field.key, FieldErrorCode::Required, message),
                    ));
                }
            }

            if let Mode::Update { previous } = mode {
                for (i, field) in self.fields.iter().enumerate() {
                    if !field.read_only_after_create || state[i] == FAILED {
                        continue;
                    }
                    if let Some(before) = previous.get(&field.key) {
                        if value_of(i).as_ref() != Some(before) {
                            later.push((
                                i,
                                FieldError::new(
                                    &field.key,
                                    FieldErrorCode::ReadOnly,
                                    format!(
                                        "{} cannot be changed once the record is created",
                                        field.label
                                    ),
                                ),
                            ));
                        }
                    }
                }
            }

            if !later.is_empty() {
                // Stable: a field's required error stays before its read-only one.
                later.sort_by_key(|(i, _)| *i);
                let failed = (0..state.len()).filter(|&i| state[i] == FAILED);
                errors = merge_by_field(failed.zip(errors), later);
            }
            // Keys the template does not know come last, in record order.
            if errors.is_empty() {
                errors = unknown;
            } else {
                errors.extend(unknown);
            }
            (errors, missing)
        })
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

    /// Checks a parsed definition and compiles it.
    pub fn from_def(def: TemplateDef) -> Result<Template> {
        let template_id = def.id.clone();
        let fail = |field: Option<&str>, message: String| Error::InvalidTemplate {
            template: template_id.clone(),
            field: field.map(str::to_string),
            message,
        };
        if !is_identifier(&def.id, true) {
            return Err(fail(
                None,
                "the id must be 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`".into(),
            ));
        }
        if def.name.trim().is_empty() {
            return Err(fail(None, "the template needs a name".into()));
        }
        if def.fields.len() > MAX_FIELDS {
            return Err(fail(
                None,
                format!("at most {MAX_FIELDS} fields are allowed"),
            ));
        }
        let reserved = reserved_keys(def.kind);
        let mut seen = HashSet::new();
        let mut fields = Vec::with_capacity(def.fields.len());
        for raw in &def.fields {
            if !is_identifier(&raw.key, false) {
                return Err(fail(
                    Some(&raw.key),
                    "a field key must start with a-z and hold only a-z, 0-9 and `_` (at most 64 characters)"
                        .into(),
                ));
            }
            if reserved.contains(&raw.key.as_str()) {
                return Err(fail(
                    Some(&raw.key),
                    format!(
                        "`{}` is a built-in property of a {:?} record; choose another key",
                        raw.key, def.kind
                    )
                    .to_lowercase(),
                ));
            }
            if !seen.insert(raw.key.as_str()) {
                return Err(fail(Some(&raw.key), "the field key is used twice".into()));
            }
            let field = raw
                .compile()
                .map_err(|message| fail(Some(&raw.key), message))?;
            fields.push(field);
        }
        let keys = KeyTable::new(&fields);
        let mut template = Template {
            id: def.id,
            version: def.version.unwrap_or(0),
            kind: def.kind,
            name: def.name.trim().to_string(),
            description: def.description,
            fields,
            keys,
        };
        template.check_cross_field(&fail)?;
        Ok(template)
    }

    fn check_cross_field(&mut self, fail: &dyn Fn(Option<&str>, String) -> Error) -> Result<()> {
        // Defaults must pass their own field; conditions must name another field
        // and a value that field accepts. Checked with a fixed date and no
        // region so a default cannot depend on when it is loaded.
        let ctx = ValidationContext::new(Date::constant(9999, 12, 31));
        for i in 0..self.fields.len() {
            let field = &self.fields[i];
            if let Some(condition) = &field.required_when {
                if condition.field == field.key {
                    return Err(fail(
                        Some(&field.key),
                        "`required_when` cannot name the field itself".into(),
                    ));
                }
                let Some(other) = self.field(&condition.field) else {
                    return Err(fail(
                        Some(&field.key),
                        format!(
                            "`required_when` names `{}`, which is not a field of this template",
                            condition.field
                        ),
                    ));
                };
                let probe = match (&other.kind, &condition.equals) {
                    (FieldKind::Choice { multiple: true, .. }, v @ Value::String(_)) => {
                        Value::Array(vec![v.clone()])
                    }
                    (_, v) => v.clone(),
                };
                if let Err(e) = normalize_value(other, &probe, &ctx) {
                    return Err(fail(
                        Some(&field.key),
                        format!(
                            "`required_when` value is not a valid value of `{}`: {}",
                            other.key, e.message
                        ),
                    ));
                }
            }
            if let Some(default) = field.default.clone() {
                let date_ctx = match &field.kind {
                    FieldKind::Date {
                        not_in_future: true,
                        ..
                    } => ValidationContext::new(Date::constant(1, 1, 1)),
                    _ => ctx.clone(),
                };
                match normalize_value(field, &default, &date_ctx) {
                    Ok(value) => self.fields[i].default = Some(value),
                    Err(e) => {
                        let key = field.key.clone();
                        return Err(fail(
                            Some(&key),
                            format!(
                                "the default value fails the field's own rules: {}",
                                e.message
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Template {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        TemplateDef::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let def = TemplateDef::deserialize(deserializer)?;
        Template::from_def(def).map_err(serde::de::Error::custom)
    }
}

/// The JSON shape of a template, as an administrator writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateDef {
    /// Template id.
    pub id: String,
    /// Version; leave it out when loading (the engine assigns it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// `profile` or `case`.
    pub kind: TemplateKind,
    /// Display name.
    pub name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The fields.
    pub fields: Vec<FieldSpec>,
}

impl From<&Template> for TemplateDef {
    fn from(t: &Template) -> Self {
        TemplateDef {
            id: t.id.clone(),
            version: (t.version > 0).then_some(t.version),
            kind: t.kind,
            name: t.name.clone(),
            description: t.description.clone(),
            fields: t.fields.iter().map(FieldSpec::from).collect(),
        }
    }
}

/// The JSON shape of one field (flat: common flags plus kind-specific settings).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FieldSpec {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub searchable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub pii: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only_after_create: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_places: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in_future: Option<bool>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl FieldSpec {
    fn compile(&self) -> std::result::Result<FieldDef, String> {
        let allowed: &[&str] = match self.kind.as_str() {
            "text" => &["min_length", "max_length", "multiline"],
            "choice" => &["options", "multiple"],
            "pattern" => &["regex", "hint"],
            "email" | "boolean" => &[],
            "phone" => &["region"],
            "integer" => &["min", "max"],
            "decimal" => &["min", "max", "decimal_places"],
            "date" => &["min", "max", "not_in_future"],
            other => {
                return Err(format!(
                    "unknown field type `{other}` (expected text, choice, pattern, email, phone, integer, decimal, date or boolean)"
                ))
            }
        };
        let present = [
            ("min_length", self.min_length.is_some()),
            ("max_length", self.max_length.is_some()),
            ("multiline", self.multiline.is_some()),
            ("options", self.options.is_some()),
            ("multiple", self.multiple.is_some()),
            ("regex", self.regex.is_some()),
            ("hint", self.hint.is_some()),
            ("region", self.region.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("decimal_places", self.decimal_places.is_some()),
            ("not_in_future", self.not_in_future.is_some()),
        ];
        for (name, is_set) in present {
            if is_set && !allowed.contains(&name) {
                return Err(format!("`{name}` does not apply to a {} field", self.kind));
            }
        }
        let kind = match self.kind.as_str() {
            "text" => {
                let multiline = self.multiline.unwrap_or(false);
                if let (Some(min), Some(max)) = (self.min_length, self.max_length) {
                    if min > max {
                        return Err(format!("min_length {min} is greater than max_length {max}"));
                    }
                }
                if self.max_length == Some(0) {
                    return Err("max_length must be at least 1".into());
                }
                FieldKind::Text {
                    min_length: self.min_length,
                    max_length: self.max_length,
                    multiline,
                }
            }
            "choice" => {
                let options = self.options.clone().unwrap_or_default();
                if options.is_empty() {
                    return Err("a choice field needs at least one option".into());
                }
                let mut keys = HashSet::new();
                for option in &options {
                    if option.key.trim().is_empty() || option.key.trim() != option.key {
                        return Err(
                            "option keys must be non-empty and have no surrounding spaces".into(),
                        );
                    }
                    if !keys.insert(option.key.as_str()) {
                        return Err(format!("option `{}` is listed twice", option.key));
                    }
                }
                FieldKind::Choice {
                    options,
                    multiple: self.multiple.unwrap_or(false),
                }
            }
            "pattern" => {
                let source = self
                    .regex
                    .clone()
                    .ok_or("a pattern field needs a `regex`")?;
                let hint = self.hint.clone().filter(|h| !h.trim().is_empty()).ok_or(
                    "a pattern field needs a `hint` naming the expected format, e.g. AA999999A",
                )?;
                let compiled = regex::RegexBuilder::new(&format!("^(?:{source})$"))
                    .size_limit(MAX_REGEX_SIZE)
                    .build()
                    .map_err(|e| format!("the regex does not compile: {e}"))?;
                let compiled = Matcher::new(compiled, MatcherOptions::default(), PATTERN_DFA_BYTES);
                FieldKind::Pattern {
                    regex: PatternRegex { source, compiled },
                    hint,
                }
            }
            "email" => FieldKind::Email,
            "phone" => {
                let rules = match &self.region {
                    Some(region) => Some(PhoneRules::new(Some(region), &[]).map_err(|_| {
                        format!("`{region}` is not a region code (expected e.g. GB, US, DE)")
                    })?),
                    None => None,
                };
                FieldKind::Phone {
                    region: self.region.clone(),
                    rules,
                }
            }
            "integer" => {
                let bound =
                    |v: &Option<Value>, name: &str| -> std::result::Result<Option<i64>, String> {
                        match v {
                            None => Ok(None),
                            Some(v) => v
                                .as_i64()
                                .map(Some)
                                .ok_or(format!("`{name}` must be a whole number")),
                        }
                    };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is greater than max {b}"));
                    }
                }
                FieldKind::Integer { min, max }
            }
            "decimal" => {
                let bound =
                    |v: &Option<Value>, name: &str| -> std::result::Result<Option<f64>, String> {
                        match v {
                            None => Ok(None),
                            Some(v) => v
                                .as_f64()
                                .map(Some)
                                .ok_or(format!("`{name}` must be a number")),
                        }
                    };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is greater than max {b}"));
                    }
                }
                if self.decimal_places.is_some_and(|p| p > 12) {
                    return Err("decimal_places must be at most 12".into());
                }
                FieldKind::Decimal {
                    min,
                    max,
                    decimal_places: self.decimal_places,
                }
            }
            "date" => {
                let bound = |v: &Option<Value>,
                             name: &str|
                 -> std::result::Result<Option<Date>, String> {
                    match v {
                        None => Ok(None),
                        Some(Value::String(s)) => parse_date(s)
                            .map(Some)
                            .ok_or(format!("`{name}` must be a date in the form YYYY-MM-DD")),
                        Some(_) => Err(format!("`{name}` must be a date in the form YYYY-MM-DD")),
                    }
                };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is after max {b}"));
                    }
                }
                FieldKind::Date {
                    min,
                    max,
                    not_in_future: self.not_in_future.unwrap_or(false),
                }
            }
            _ => FieldKind::Boolean,
        };
        if self.required && self.required_when.is_some() {
            return Err("use either `required` or `required_when`, not both".into());
        }
        let label = self
            .label
            .clone()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| humanize(&self.key));
        Ok(FieldDef {
            key: self.key.clone(),
            label,
            kind,
            required: self.required,
            required_when: self.required_when.clone(),
            default: self.default.clone(),
            searchable: self.searchable,
            pii: self.pii,
            read_only_after_create: self.read_only_after_create,
            help: self.help.clone(),
        })
    }
}

impl From<&FieldDef> for FieldSpec {
    fn from(f: &FieldDef) -> Self {
        let mut spec = FieldSpec {
            key: f.key.clone(),
            label: Some(f.label.clone()),
            kind: f.kind.name().to_string(),
            required: f.required,
            required_when: f.required_when.clone(),
            default: f.default.clone(),
            searchable: f.searchable,
            pii: f.pii,
            read_only_after_create: f.read_only_after_create,
            help: f.help.clone(),
            ..FieldSpec::default()
        };
        match &f.kind {
            FieldKind::Text {
                min_length,
                max_length,
                multiline,
            } => {
                spec.min_length = *min_length;
                spec.max_length = *max_length;
                spec.multiline = multiline.then_some(true);
            }
            FieldKind::Choice { options, multiple } => {
                spec.options = Some(options.clone());
                spec.multiple = multiple.then_some(true);
            }
            FieldKind::Pattern { regex, hint } => {
                spec.regex = Some(regex.source.clone());
                spec.hint = Some(hint.clone());
            }
            FieldKind::Email | FieldKind::Boolean => {}
            FieldKind::Phone { region, .. } => spec.region = region.clone(),
            FieldKind::Integer { min, max } => {
                spec.min = min.map(Value::from);
                spec.max = max.map(Value::from);
            }
            FieldKind::Decimal {
                min,
                max,
                decimal_places,
            } => {
                spec.min = min.map(Value::from);
                spec.max = max.map(Value::from);
                spec.decimal_places = *decimal_places;
            }
            FieldKind::Date {
                min,
                max,
                not_in_future,
            } => {
                spec.min = min.map(|d| Value::String(d.to_string()));
                spec.max = max.map(|d| Value::String(d.to_string()));
                spec.not_in_future = not_in_future.then_some(true);
            }
        }
        spec
    }
}

/// Normalises one present, non-empty value of a field, or says what is wrong with it.
pub fn normalize_value(
    field: &FieldDef,
    raw: &Value,
    ctx: &ValidationContext,
) -> std::result::Result<Value, FieldError> {
    examine(field, Raw::of(raw), ctx, true).map(|v| v.unwrap_or(Value::Null))
}

/// Checks one present, non-empty value of a field without building its normalised form.
pub fn check_value(
    field: &FieldDef,
    raw: &Value,
    ctx: &ValidationContext,
) -> std::result::Result<(), FieldError> {
    examine(field, Raw::of(raw), ctx, false).map(drop)
}

/// The rules of one field: the normalised value (when `build`) or what is wrong.
fn examine(
    field: &FieldDef,
    raw: Raw<'_>,
    ctx: &ValidationContext,
    build: bool,
) -> std::result::Result<Option<Value>, FieldError> {
    let label = field.label.as_str();
    let err = |code: FieldErrorCode, message: String| FieldError::new(&field.key, code, message);
    let wrong_type = |expected: &str| {
        err(
            FieldErrorCode::WrongType,
            [label, " must be ", expected, ", not ", raw.type_name()].concat(),
        )
    };
    match &field.kind {
        FieldKind::Text {
            min_length,
            max_length,
            multiline,
        } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("text"));
            };
            let text = trim(s);
            if !multiline && text.bytes().any(|b| b == b'\n' || b == b'\r') {
                return Err(err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be a single line of text"].concat(),
                ));
            }
            let max = max_length.unwrap_or(if *multiline {
                DEFAULT_MAX_MULTI_LINE
            } else {
                DEFAULT_MAX_SINGLE_LINE
            });
            // A character takes one to four bytes: count characters only
            // when the byte length leaves the answer open, and only as far
            // as needed, so huge inputs stay cheap.
            let max = max as usize;
            if text.len() > max && text.chars().take(max + 1).count() > max {
                return Err(err(
                    FieldErrorCode::TooLong,
                    format!("{label} must be at most {max} characters"),
                ));
            }
            if let Some(min) = min_length {
                let min = *min as usize;
                if text.len() < min.saturating_mul(4) && text.chars().count() < min {
                    return Err(err(
                        FieldErrorCode::TooShort,
                        format!("{label} must be at least {min} characters"),
                    ));
                }
            }
            Ok(build.then(|| Value::String(text.to_string())))
        }
        FieldKind::Choice { options, multiple } => {
            let check = |v: Raw<'_>| -> std::result::Result<usize, FieldError> {
                let Raw::Str(key) = v else {
                    return Err(wrong_type(if *multiple {
                        "a list of option keys"
                    } else {
                        "an option key"
                    }));
                };
                let key = trim(key);
                options
                    .iter()
                    .position(|o| same_key(&o.key, key))
                    .ok_or_else(|| {
                        // Written straight into one string: forms show this often.
                        let mut message = String::with_capacity(
                            64 + label.len()
                                + options
                                    .iter()
                                    .map(|o| o.key.len() + o.label.len() + 5)
                                    .sum::<usize>(),
                        );
                        let _ = write!(
                            message,
                            "{label}: `{}` is not an option; choose one of: ",
                            truncate(key, 40)
                        );
                        for (n, o) in options.iter().enumerate() {
                            let separator = if n == 0 { "" } else { ", " };
                            let _ = write!(message, "{separator}{} ({})", o.key, o.label);
                        }
                        err(FieldErrorCode::NotAnOption, message)
                    })
            };
            if *multiple {
                let Raw::Array(items) = raw else {
                    return Err(wrong_type("a list of option keys"));
                };
                if !build {
                    for item in items.iter() {
                        check(item)?;
                    }
                    return Ok(None);
                }
                let mut chosen = Vec::with_capacity(items.len());
                for item in items.iter() {
                    chosen.push(check(item)?);
                }
                chosen.sort_unstable();
                chosen.dedup();
                Ok(Some(Value::Array(
                    chosen
                        .into_iter()
                        .map(|i| Value::String(options[i].key.clone()))
                        .collect(),
                )))
            } else {
                let i = check(raw)?;
                Ok(build.then(|| Value::String(options[i].key.clone())))
            }
        }
        FieldKind::Pattern { regex, hint } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("text"));
            };
            let text = trim(s);
            if text.len() > DEFAULT_MAX_SINGLE_LINE as usize || !regex.is_match(text) {
                return Err(err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must have the format ", hint.as_str()].concat(),
                ));
            }
            Ok(build.then(|| Value::String(text.to_string())))
        }
        FieldKind::Email => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("an e-mail address"));
            };
            let invalid = || {
                err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be an e-mail address such as name@example.com"].concat(),
                )
            };
            if build {
                crate::email::normalize(s)
                    .map(|v| Some(Value::String(v)))
                    .ok_or_else(invalid)
            } else if crate::email::is_valid(s) {
                Ok(None)
            } else {
                Err(invalid())
            }
        }
        FieldKind::Phone { rules, .. } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("a phone number written as text"));
            };
            let rules = rules.as_ref().unwrap_or(&ctx.phone);
            let outcome = if build {
                rules.normalize(s).map(|v| Some(Value::String(v)))
            } else {
                rules.check(s).map(|()| None)
            };
            outcome.map_err(|problem| {
                let what = match problem {
                    PhoneProblem::Unparseable => " is not a phone number; expected ",
                    PhoneProblem::NotValid => " is not a valid number for its country; expected ",
                };
                let message = match rules.default_region() {
                    Some(region) => [label, what, "an international number such as +44 20 7946 0958, or a national number of ", region].concat(),
                    None => [label, what, "an international number starting with +, such as +44 20 7946 0958"].concat(),
                };
                err(FieldErrorCode::InvalidFormat, message)
            })
        }
        FieldKind::Integer { min, max } => {
            let n = match raw {
                Raw::Number(n) => match n.as_i64() {
                    Some(i) => i,
                    None => return Err(wrong_type("a whole number")),
                },
                Raw::Str(s) => s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| wrong_type("a whole number"))?,
                _ => return Err(wrong_type("a whole number")),
            };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            Ok(build.then(|| Value::from(n)))
        }
        FieldKind::Decimal {
            min,
            max,
            decimal_places,
        } => {
            // The numeral as written, when the value came as text.
            let (n, numeral) = match raw {
                Raw::Number(n) => (n.as_f64().ok_or_else(|| wrong_type("a number"))?, None),
                Raw::Str(s) => {
                    let s = trim(s);
                    if !is_plain_decimal(s) {
                        return Err(wrong_type("a number such as 12.50"));
                    }
                    let f = s
                        .parse::<f64>()
                        .map_err(|_| wrong_type("a number such as 12.50"))?;
                    (f, Some(s))
                }
                _ => return Err(wrong_type("a number")),
            };
            if !n.is_finite() {
                return Err(wrong_type("a finite number"));
            }
            if let Some(allowed) = decimal_places {
                let places_ok = match numeral {
                    Some(s) => decimal_places_of(s) <= *allowed as usize,
                    None => has_at_most_places(n, *allowed),
                };
                if !places_ok {
                    return Err(err(
                        FieldErrorCode::TooManyDecimals,
                        format!("{label} must have at most {allowed} decimal places"),
                    ));
                }
            }
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            if !build {
                return Ok(None);
            }
            serde_json::Number::from_f64(n)
                .map(|n| Some(Value::Number(n)))
                .ok_or_else(|| wrong_type("a finite number"))
        }
        FieldKind::Date {
            min,
            max,
            not_in_future,
        } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("a date in the form YYYY-MM-DD"));
            };
            let date = parse_date(trim(s)).ok_or_else(|| {
                err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be a date in the form YYYY-MM-DD"].concat(),
                )
            })?;
            if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            if *not_in_future && date > ctx.today {
                return Err(err(
                    FieldErrorCode::InFuture,
                    format!("{label} cannot be in the future (today is {})", ctx.today),
                ));
            }
            Ok(build.then(|| Value::String(date.to_string())))
        }
        FieldKind::Boolean => match raw {
            Raw::Bool(b) => Ok(Some(Value::Bool(b))),
            Raw::Str(s) if trim(s).eq_ignore_ascii_case("true") => Ok(Some(Value::Bool(true))),
            Raw::Str(s) if trim(s).eq_ignore_ascii_case("false") => Ok(Some(Value::Bool(false))),
            _ => Err(wrong_type("true or false")),
        },
    }
}

/// `str::trim`, with a shortcut for the usual value that starts and ends with
/// a visible ASCII character (then there is nothing to trim).
fn trim(s: &str) -> &str {
    let visible = |b: &u8| (b'!'..0x80).contains(b);
    match s.as_bytes() {
        [first, .., last] if visible(first) && visible(last) => s,
        [only] if visible(only) => s,
        _ => s.trim(),
    }
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    match date_of_digits(b) {
        Some(date) => date,
        None => s.parse::<Date>().ok(),
    }
}

/// Eight digits in place (`YYYY-MM-DD`): the date is exactly the calendar
/// check of its parts, without the general parser (a third of a field's
/// cost). `None` when some place holds something else.
fn date_of_digits(b: &[u8]) -> Option<Option<Date>> {
    let number = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0i16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    Some(Date::new(year, month as i8, day as i8).ok())
}

/// Whether a value counts as "not captured": absent, null, blank text or an empty list.
pub fn is_missing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn is_plain_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a float's shortest round-trip form has at most `allowed` decimal
/// places. Usually settled without formatting: if some numeral with
/// `allowed` places reads back as `f`, the shortest form has no more.
fn has_at_most_places(f: f64, allowed: u32) -> bool {
    // Within these bounds the scale, the integer and the division are exact
    // or correctly rounded, just as reading the numeral would be.
    if allowed <= 15 {
        let scale = 10f64.powi(allowed as i32);
        let scaled = (f * scale).round();
        if scaled.abs() < 9e15 && scaled / scale == f {
            return true;
        }
    }
    decimal_places_of_f64(f) <= allowed as usize
}

/// Decimal places of a float in its shortest round-trip form (the digits
/// the JSON text carried).
fn decimal_places_of_f64(f: f64) -> usize {
    if !f.is_finite() {
        return usize::MAX;
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return 0;
    }
    decimal_places_of(zmij::Buffer::new().format_finite(f))
}

/// Decimal places of a decimal numeral, exponent included (`1.5e-3` has 4).
fn decimal_places_of(s: &str) -> usize {
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let fraction = mantissa
        .split_once('.')
        .map_or(0, |(_, f)| f.trim_end_matches('0').len()) as i64;
    (fraction - exponent).max(0) as usize
}

/// `a == b` for short keys: the length and the first byte settle most
/// mismatches without a call to `memcmp`.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Two lists of errors, each in field order, as one in field order (the
/// first list's error first for a field in both).
fn merge_by_field(
    first: impl Iterator<Item = (usize, FieldError)>,
    second: Vec<(usize, FieldError)>,
) -> Vec<FieldError> {
    let mut merged = Vec::with_capacity(second.len() + 4);
    let mut second = second.into_iter().peekable();
    for (i, error) in first {
        while let Some((_, later)) = second.next_if(|(j, _)| *j < i) {
            merged.push(later);
        }
        merged.push(error);
    }
    merged.extend(second.map(|(_, error)| error));
    merged
}

/// "{label} must be between {min} and {max}", and the one-sided forms.
fn range_message<T: std::fmt::Display>(label: &str, min: &Option<T>, max: &Option<T>) -> String {
    let mut message = String::with_capacity(label.len() + 40);
    let _ = match (min, max) {
        (Some(a), Some(b)) => write!(message, "{label} must be between {a} and {b}"),
        (Some(a), None) => write!(message, "{label} must be at least {a}"),
        (None, Some(b)) => write!(message, "{label} must be at most {b}"),
        (None, None) => write!(message, "{label} must be in range"),
    };
    message
}

/// One field's value read from JSON text; strings borrow from the text
/// unless they hold escapes.
#[derive(Debug)]
enum Slot<'de> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(std::borrow::Cow<'de, str>),
    Array(Vec<Slot<'de>>),
    Object,
}

impl Slot<'_> {
    fn raw(&self) -> Raw<'_> {
        match self {
            Slot::Null => Raw::Null,
            Slot::Bool(b) => Raw::Bool(*b),
            Slot::Number(n) => Raw::Number(n),
            Slot::Str(s) => Raw::Str(s),
            Slot::Array(items) => Raw::Array(List::Slots(items)),
            Slot::Object => Raw::Object,
        }
    }
}

struct SlotVisitor;

impl<'de> serde::de::Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Null)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Slot<'de>, E> {
        serde_json::Number::from_f64(v)
            .map(Slot::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Str(std::borrow::Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Str(std::borrow::Cow::Owned(v.to_string())))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Slot<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Slot<'de>>()? {
            items.push(item);
        }
        Ok(Slot::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Slot<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Slot::Object)
    }
}

impl<'de> serde::Deserialize<'de> for Slot<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(SlotVisitor)
    }
}

/// A record read from JSON text: the keys the template does not know (each
/// field's value went into the seed's slots).
enum TextRecord<'de> {
    Fields {
        unknown: Vec<std::borrow::Cow<'de, str>>,
    },
    NotAnObject(&'static str),
}

/// Reads a record's fields into `slots`, one per template field.
struct RecordSeed<'t, 's, 'de> {
    template: &'t Template,
    slots: &'s mut [Option<Slot<'de>>],
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_, '_, 'de> {
    type Value = TextRecord<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<TextRecord<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_, '_, 'de> {
    type Value = TextRecord<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<TextRecord<'de>, A::Error> {
        let slots = self.slots;
        let mut unknown = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match self.template.field_index(&key.0) {
                // A repeated key keeps its last value, as in a parsed object.
                Some(i) => slots[i] = Some(map.next_value::<Slot<'de>>()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    unknown.push(key.0);
                }
            }
        }
        Ok(TextRecord::Fields { unknown })
    }
    fn visit_unit<E>(self) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::Fields {
            unknown: Vec::new(),
        })
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("text"))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<TextRecord<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(TextRecord::NotAnObject("a list"))
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A borrowed view of a JSON value: what validation reads, whether the
/// record was parsed into a [`Value`] or is read straight from JSON text.
#[derive(Debug, Clone, Copy)]
enum Raw<'a> {
    Null,
    Bool(bool),
    Number(&'a serde_json::Number),
    Str(&'a str),
    Array(List<'a>),
    Object,
}

/// The items of a list, parsed or read from JSON text.
#[derive(Debug, Clone, Copy)]
enum List<'a> {
    Values(&'a [Value]),
    Slots(&'a [Slot<'a>]),
}

impl<'a> List<'a> {
    fn len(self) -> usize {
        match self {
            List::Values(items) => items.len(),
            List::Slots(items) => items.len(),
        }
    }

    fn get(self, i: usize) -> Option<Raw<'a>> {
        match self {
            List::Values(items) => items.get(i).map(Raw::of),
            List::Slots(items) => items.get(i).map(Slot::raw),
        }
    }

    fn iter(self) -> impl Iterator<Item = Raw<'a>> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

impl<'a> Raw<'a> {
    fn of(value: &'a Value) -> Raw<'a> {
        match value {
            Value::Null => Raw::Null,
            Value::Bool(b) => Raw::Bool(*b),
            Value::Number(n) => Raw::Number(n),
            Value::String(s) => Raw::Str(s),
            Value::Array(items) => Raw::Array(List::Values(items)),
            Value::Object(_) => Raw::Object,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "a boolean",
            Raw::Number(_) => "a number",
            Raw::Str(_) => "text",
            Raw::Array(_) => "a list",
            Raw::Object => "an object",
        }
    }

    /// Not captured: null, blank text or an empty list (see [`is_missing`]).
    fn is_missing(self) -> bool {
        match self {
            Raw::Null => true,
            Raw::Str(s) => trim(s).is_empty(),
            Raw::Array(items) => items.len() == 0,
            _ => false,
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    }
}

fn truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((end, _)) => format!("{}…", &s[..end]).into(),
    }
}

fn humanize(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_identifier(s: &str, template_id: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    s.len() <= 64
        && first.is_ascii_lowercase()
        && s.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || (template_id && (c == '-' || c == '.'))
        })
}

fn reserved_keys(kind: TemplateKind) -> &'static [&'static str] {
    match kind {
        TemplateKind::Profile => &[
            "id",
            "customer_id",
            "version",
            "template",
            "given_name",
            "family_name",
            "identifications",
            "date_of_birth",
            "contact_points",
            "accounts",
            "assigned_to",
            "fields",
        ],
        TemplateKind::Case => &[
            "id",
            "number",
            "version",
            "template",
            "status",
            "priority",
            "impact",
            "urgency",
            "channel",
            "category",
            "product",
            "asset",
            "support_group",
            "assignee",
            "parent",
            "short_description",
            "description",
            "informed_users",
            "links",
            "fields",
            "resolution_notes",
        ],
    }
}

fn template_id_hint(json: &str) -> String {
    serde_json::from_str::<Value>(json)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> ValidationContext {
        ValidationContext::with_phone(
            Date::constant(2026, 6, 1),
            PhoneRules::new(Some("GB"), &[]).unwrap(),
        )
    }

    fn template(fields: Value) -> Template {
        Template::from_value(json!({"id": "t", "kind": "profile", "name": "T", "fields": fields}))
            .unwrap()
    }

    fn template_err(fields: Value) -> Error {
        Template::from_value(json!({"id": "t", "kind": "profile", "name": "T", "fields": fields}))
            .unwrap_err()
    }

    fn codes(report: &ValidationReport) -> Vec<(String, &'static str)> {
        report
            .errors
            .iter()
            .map(|e| (e.field.clone(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let t = template(json!([
            {"key": "name", "type": "text", "required": true, "min_length": 2, "max_length": 5},
            {"key": "seg", "type": "choice", "options": [{"key": "a", "label": "A"}]},
            {"key": "ni", "type": "pattern", "regex": "[A-Z]{2}[0-9]{6}[A-D]", "hint": "AA999999A"},
            {"key": "mail", "type": "email"},
            {"key": "tel", "type": "phone"},
            {"key": "age", "type": "integer", "min": 18, "max": 120},
            {"key": "amount", "type": "decimal", "decimal_places": 2},
            {"key": "born", "type": "date", "not_in_future": true},
            {"key": "vip", "type": "boolean"}
        ]));
        let report = t.validate(
            &json!({"name": "Alexander", "seg": "b", "ni": "Q1", "mail": "x@", "tel": "12",
                    "age": 7, "amount": "1.234", "born": "2030-01-01", "vip": "maybe", "extra": 1}),
            Mode::Create,
            &ctx(),
        );
        assert_eq!(
            codes(&report),
            vec![
                ("name".into(), "too_long"),
                ("seg".into(), "not_an_option"),
                ("ni".into(), "invalid_format"),
                ("mail".into(), "invalid_format"),
                ("tel".into(), "invalid_format"),
                ("age".into(), "out_of_range"),
                ("amount".into(), "too_many_decimals"),
                ("born".into(), "in_future"),
                ("vip".into(), "wrong_type"),
                ("extra".into(), "unknown_field"),
            ]
        );
        assert!(report.errors[2].message.contains("AA999999A"));
    }

    #[test]
    fn json_text_with_escapes_repeats_and_non_objects() {
        let t = super::properties::every_kind();
        let ctx = ctx();
        let same = |text: &str| {
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                t.check_json(text, Mode::Create, &ctx).unwrap(),
                t.check(&parsed, Mode::Create, &ctx),
                "{text}"
            );
        };
        same(r#"{"\u0074ext": "a\u00e9\n", "text": "ok", "zz": 1, "zz": 2, "a\"b": null}"#);
        same(r#"{"choice": "\u0061", "many": ["a", "b", "a"], "integer": -5, "decimal": 1e2}"#);
        same(r#"{"date": {"nested": [1, {"x": 2}]}, "boolean": [true]}"#);
        for text in ["null", "[1, 2]", "\"x\"", "7", "true", "{}"] {
            same(text);
        }
        for bad in [
            "",
            "{",
            r#"{"text": "a"} x"#,
            r#"{"text": }"#,
            "[1,",
            "1e999",
        ] {
            let err = t.check_json(bad, Mode::Create, &ctx).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn values_are_normalised() {
        let t = template(json!([
            {"key": "name", "type": "text"},
            {"key": "mail", "type": "email"},
            {"key": "tel", "type": "phone"},
            {"key": "tags", "type": "choice", "multiple": true,
             "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]},
            {"key": "n", "type": "integer"},
            {"key": "flag", "type": "boolean"}
        ]));
        let report = t.validate(
            &json!({"name": "  Ada  ", "mail": "Ada@EXAMPLE.org", "tel": "020 7946 0958",
                    "tags": ["b", "a", "b"], "n": "42", "flag": "TRUE"}),
            Mode::Create,
            &ctx(),
        );
        assert!(report.is_valid(), "{:?}", report.errors);
        assert_eq!(report.values["name"], "Ada");
        assert_eq!(report.values["mail"], "Ada@example.org");
        assert_eq!(report.values["tel"], "+442079460958");
        assert_eq!(report.values["tags"], json!(["a", "b"]));
        assert_eq!(report.values["n"], 42);
        assert_eq!(report.values["flag"], true);
    }

    #[test]
    fn draft_reports_missing_not_invalid() {
        let t = template(json!([
            {"key": "name", "type": "text", "required": true},
            {"key": "tel", "type": "phone", "required": true}
        ]));
        let draft = t.validate(&json!({"tel": "+44 20 7946 0958"}), Mode::Draft, &ctx());
        assert!(draft.errors.is_empty());
        assert_eq!(draft.missing.len(), 1);
        assert_eq!(draft.missing[0].field, "name");
        assert!(!draft.is_valid());
        let full = t.validate(&json!({"tel": "+44 20 7946 0958"}), Mode::Create, &ctx());
        assert_eq!(codes(&full), vec![("name".into(), "required")]);
        // A malformed value is still an error in a draft.
        let bad = t.validate(&json!({"tel": "nope"}), Mode::Draft, &ctx());
        assert_eq!(codes(&bad), vec![("tel".into(), "invalid_format")]);
    }

    #[test]
    fn required_when_follows_the_other_field() {
        let t = template(json!([
            {"key": "category", "type": "choice",
             "options": [{"key": "complaint", "label": "Complaint"}, {"key": "question", "label": "Question"}]},
            {"key": "reason", "type": "text", "required_when": {"field": "category", "equals": "complaint"}}
        ]));
        let report = t.validate(&json!({"category": "complaint"}), Mode::Create, &ctx());
        assert_eq!(codes(&report), vec![("reason".into(), "required")]);
        assert!(
            report.errors[0].message.contains("Complaint")
                || report.errors[0].message.contains("complaint")
        );
        assert!(t
            .validate(&json!({"category": "question"}), Mode::Create, &ctx())
            .is_valid());
    }

    #[test]
    fn defaults_and_read_only() {
        let t = template(json!([
            {"key": "source", "type": "choice", "default": "ivr", "read_only_after_create": true,
             "options": [{"key": "ivr", "label": "IVR"}, {"key": "web", "label": "Web"}]}
        ]));
        let created = t.validate(&json!({}), Mode::Create, &ctx());
        assert_eq!(created.values["source"], "ivr");
        let previous = created.values.clone();
        let update = t.validate(
            &json!({"source": "web"}),
            Mode::Update {
                previous: &previous,
            },
            &ctx(),
        );
        assert_eq!(codes(&update), vec![("source".into(), "read_only")]);
        let same = t.validate(
            &json!({"source": "ivr"}),
            Mode::Update {
                previous: &previous,
            },
            &ctx(),
        );
        assert!(same.is_valid());
    }

    #[test]
    fn bad_templates_are_refused_with_the_field_named() {
        let cases = [
            json!([{"key": "a", "type": "pattern", "regex": "([", "hint": "x"}]),
            json!([{"key": "a", "type": "text"}, {"key": "a", "type": "text"}]),
            json!([{"key": "a", "type": "choice", "options": []}]),
            json!([{"key": "a", "type": "integer", "min": 5, "default": 1}]),
            json!([{"key": "a", "type": "text", "regex": "x"}]),
            json!([{"key": "a", "type": "colour"}]),
            json!([{"key": "a", "type": "text", "required_when": {"field": "zzz", "equals": "x"}}]),
            json!([{"key": "A b", "type": "text"}]),
            json!([{"key": "given_name", "type": "text"}]),
            json!([{"key": "a", "type": "text", "min_length": 5, "max_length": 2}]),
        ];
        for fields in cases {
            let err = template_err(fields.clone());
            assert_eq!(err.code(), crate::ErrorCode::InvalidTemplate, "{fields}");
            let Error::InvalidTemplate {
                template, field, ..
            } = &err
            else {
                unreachable!()
            };
            assert_eq!(template, "t");
            assert!(field.is_some(), "{fields}: {err}");
        }
        let typo = Template::from_value(json!({"id": "t", "kind": "profile", "name": "T",
            "fields": [{"key": "a", "type": "text", "requried": true}]}));
        assert!(typo.unwrap_err().to_string().contains("requried"));
    }

    #[test]
    fn template_round_trips_through_json() {
        let t = template(json!([
            {"key": "seg", "label": "Segment", "type": "choice", "multiple": true, "required": true,
             "options": [{"key": "a", "label": "A"}]},
            {"key": "born", "type": "date", "min": "1900-01-01", "not_in_future": true, "pii": true},
            {"key": "amount", "type": "decimal", "min": 0, "decimal_places": 2, "default": "10.5"}
        ]));
        let again = Template::from_value(t.to_json()).unwrap();
        assert!(t.same_definition(&again));
        assert_eq!(again.field("amount").unwrap().default, Some(json!(10.5)));
    }

    #[test]
    fn non_object_record_is_wrong_type() {
        let t = template(json!([]));
        let report = t.validate(&json!([1, 2]), Mode::Create, &ctx());
        assert_eq!(codes(&report), vec![("".into(), "wrong_type")]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,40}".prop_map(Value::String),
            "[-+ 0-9().A-Za-z@:]{0,30}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    pub(super) fn every_kind() -> Template {
        Template::from_value(serde_json::json!({"id": "all", "kind": "case", "name": "All", "fields": [
            {"key": "text", "type": "text", "min_length": 2, "max_length": 10},
            {"key": "multi", "type": "text", "multiline": true},
            {"key": "choice", "type": "choice", "options": [{"key": "a", "label": "A"}]},
            {"key": "many", "type": "choice", "multiple": true, "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]},
            {"key": "pattern", "type": "pattern", "regex": "[A-Z]{2}[0-9]{6}[A-D]", "hint": "AA999999A"},
            {"key": "email", "type": "email", "required": true},
            {"key": "phone", "type": "phone", "region": "US"},
            {"key": "integer", "type": "integer", "min": -5, "max": 5},
            {"key": "decimal", "type": "decimal", "decimal_places": 2, "min": 0},
            {"key": "date", "type": "date", "not_in_future": true, "min": "1900-01-01"},
            {"key": "boolean", "type": "boolean"},
            {"key": "reason", "type": "text", "required_when": {"field": "choice", "equals": "a"}}
        ]}))
        .unwrap()
    }

    proptest! {
        /// The shortcut for decimal places agrees with counting them in the
        /// float's shortest form, for numerals as forms send them and for any float.
        #[test]
        fn decimal_places_shortcut_agrees(
            whole in 0u64..10_000_000_000,
            fraction in 0u64..1_000_000,
            digits in 0usize..7,
            bits in any::<u64>(),
            allowed in 0u32..18,
        ) {
            let numeral = format!("{whole}.{:0width$}", fraction % 10u64.pow(digits as u32), width = digits);
            let written: f64 = numeral.trim_end_matches('.').parse().unwrap();
            for f in [written, -written, f64::from_bits(bits)] {
                if f.is_finite() {
                    prop_assert_eq!(
                        has_at_most_places(f, allowed),
                        decimal_places_of_f64(f) <= allowed as usize,
                        "{} with {} places", f, allowed
                    );
                }
            }
        }

        /// Dates of eight digits read as the general parser reads them.
        #[test]
        fn date_shortcut_agrees(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9+ -]{10}", year in 0i16..10000, month in 0i8..14, day in 0i8..33) {
            let written = format!("{year:04}-{month:02}-{day:02}");
            for s in [text.as_str(), written.as_str()] {
                if let Some(date) = date_of_digits(s.as_bytes()) {
                    prop_assert_eq!(date, s.parse::<Date>().ok(), "{}", s);
                }
            }
        }

        /// The key table finds every field and nothing else.
        #[test]
        fn key_table_finds_exactly_the_fields(
            keys in proptest::collection::hash_set("[a-z][a-z0-9_]{0,30}", 1..60),
            probe in "[a-z][a-z0-9_]{0,30}",
        ) {
            let reserved = reserved_keys(TemplateKind::Case);
            let keys: HashSet<String> = keys.into_iter().filter(|k| !reserved.contains(&k.as_str())).collect();
            let fields: Vec<Value> = keys.iter().map(|k| serde_json::json!({"key": k, "type": "text"})).collect();
            let template = Template::from_value(serde_json::json!({"id": "t", "kind": "case", "name": "T", "fields": fields})).unwrap();
            for (i, field) in template.fields().iter().enumerate() {
                prop_assert_eq!(template.field_index(&field.key), Some(i));
            }
            prop_assert_eq!(template.field_index(&probe).is_some(), keys.contains(&probe));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Validation never panics, and every error names a field of the record or template.
        #[test]
        fn validation_never_panics(record in any_json(), draft in any::<bool>()) {
            let template = every_kind();
            let ctx = ValidationContext::with_phone(Date::constant(2026, 1, 1), PhoneRules::new(Some("GB"), &[]).unwrap());
            let mode = if draft { Mode::Draft } else { Mode::Create };
            let report = template.validate(&record, mode, &ctx);
            // The fast errors-only path finds exactly the same problems.
            prop_assert_eq!(&template.check(&record, mode, &ctx), &report.errors);
            for e in &report.errors {
                prop_assert!(e.field.is_empty() || template.field(&e.field).is_some() || record.get(&e.field).is_some());
                prop_assert!(!e.message.is_empty());
            }
            // Normalised values validate again to themselves.
            if report.errors.is_empty() {
                let again = template.validate(&Value::Object(report.values.clone().into_iter().collect()), mode, &ctx);
                prop_assert_eq!(again.values, report.values);
            }
        }

        /// Problems come in template order, a field's required problem before
        /// its read-only one, and unknown keys last in record order.
        #[test]
        fn problems_come_in_field_order(
            record in proptest::collection::btree_map(
                prop_oneof![Just("a".to_string()), Just("b".to_string()), Just("c".to_string()), Just("d".to_string()), "[a-z_]{1,3}"],
                prop_oneof![Just(Value::Null), Just(serde_json::json!(5)), Just(serde_json::json!(50)), Just(serde_json::json!("x"))],
                0..6,
            ),
            previous in proptest::collection::btree_map(
                prop_oneof![Just("a".to_string()), Just("b".to_string()), Just("c".to_string()), Just("d".to_string())],
                prop_oneof![Just(serde_json::json!(5)), Just(serde_json::json!(7))],
                0..4,
            ),
            update in any::<bool>(),
        ) {
            let template = Template::from_value(serde_json::json!({"id": "o", "kind": "case", "name": "O", "fields": [
                {"key": "a", "type": "integer", "max": 10, "required": true, "read_only_after_create": true},
                {"key": "b", "type": "integer", "max": 10},
                {"key": "c", "type": "integer", "max": 10, "required": true, "read_only_after_create": true},
                {"key": "d", "type": "integer", "max": 10, "required_when": {"field": "b", "equals": 5}}
            ]})).unwrap();
            let ctx = ValidationContext::new(Date::constant(2026, 1, 1));
            let previous: Fields = previous.into_iter().collect();
            let mode = if update { Mode::Update { previous: &previous } } else { Mode::Create };
            let record = Value::Object(record.into_iter().collect());
            let errors = template.check(&record, mode, &ctx);
            let rank = |e: &FieldError| {
                let code = match e.code { FieldErrorCode::Required => 0, FieldErrorCode::ReadOnly => 2, _ => 1 };
                (template.field_index(&e.field).unwrap_or(usize::MAX), code)
            };
            for pair in errors.windows(2) {
                prop_assert!(rank(&pair[0]) <= rank(&pair[1]), "{:?}", errors);
            }
            let unknown: Vec<&str> = errors.iter().filter(|e| e.code == FieldErrorCode::UnknownField).map(|e| e.field.as_str()).collect();
            let expected: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).filter(|k| template.field_index(k).is_none()).collect();
            prop_assert_eq!(unknown, expected);
        }

        /// Records read from JSON text get exactly the problems of the parsed record.
        #[test]
        fn text_and_parsed_records_agree(
            entries in proptest::collection::btree_map(
                prop_oneof![
                    Just("text".to_string()), Just("multi".to_string()), Just("choice".to_string()),
                    Just("many".to_string()), Just("pattern".to_string()), Just("email".to_string()),
                    Just("phone".to_string()), Just("integer".to_string()), Just("decimal".to_string()),
                    Just("date".to_string()), Just("boolean".to_string()), Just("reason".to_string()),
                    "[a-z_]{1,8}",
                ],
                prop_oneof![
                    any_json(),
                    Just(serde_json::json!("a")), Just(serde_json::json!(["a", "b"])), Just(serde_json::json!("AB123456C")),
                    Just(serde_json::json!("ada@example.org")), Just(serde_json::json!("+44 20 7946 0958")),
                    Just(serde_json::json!("12.5")), Just(serde_json::json!(12.25)), Just(serde_json::json!("2020-02-29")), Just(serde_json::json!("true")),
                ],
                0..10,
            ),
            draft in any::<bool>(),
        ) {
            let template = every_kind();
            let ctx = ValidationContext::with_phone(Date::constant(2026, 1, 1), PhoneRules::new(Some("GB"), &[]).unwrap());
            let mode = if draft { Mode::Draft } else { Mode::Create };
            let record = Value::Object(entries.into_iter().collect());
            let from_text = template.check_json(&record.to_string(), mode, &ctx).unwrap();
            prop_assert_eq!(from_text, template.check(&record, mode, &ctx));
        }

        /// Each field alone, with arbitrary values, never panics.
        #[test]
        fn field_values_never_panic(value in any_json()) {
            let template = every_kind();
            let ctx = ValidationContext::new(Date::constant(2026, 1, 1));
            for field in template.fields() {
                let _ = normalize_value(field, &value, &ctx);
            }
        }

        /// Template loading never panics on arbitrary definitions.
        #[test]
        fn template_loading_never_panics(fields in proptest::collection::vec(any_json(), 0..4)) {
            let _ = Template::from_value(serde_json::json!({"id": "x", "kind": "profile", "name": "X", "fields": fields}));
        }
    }
}
