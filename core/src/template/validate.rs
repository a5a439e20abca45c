//! Validating a record: finding each key's field, every rule over the
//! values found, and the order problems are reported in.

use super::reader::{Raw, RecordSeed, Slot, TextRecord};
use super::values::examine;
use super::{FieldDef, Fields, MissingField, Mode, Template, ValidationContext, ValidationReport};
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use serde_json::Value;

/// The template's field keys in an open-addressing table. A record is
/// checked on every keystroke of a form and finding each key's field is the
/// hottest step, so a slot keeps the key's length and its first and last
/// eight bytes: a lookup hashes two words and compares them, without a call
/// to `memcmp` for keys of up to 16 bytes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct KeyTable {
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
    pub(super) fn new(fields: &[FieldDef]) -> KeyTable {
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

    pub(super) fn find(&self, fields: &[FieldDef], key: &str) -> Option<usize> {
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

/// The record's object (`null` is an empty record); anything else is
/// malformed input, not a field problem: no field could be named.
fn as_record(record: &Value) -> Result<&Fields> {
    static EMPTY: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
    match record {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(EMPTY.get_or_init(Fields::new)),
        other => Err(not_a_record(json_type(other))),
    }
}

fn not_json(e: serde_json::Error) -> Error {
    Error::InvalidInput(format!("the record is not valid JSON: {e}"))
}

fn not_a_record(kind: &str) -> Error {
    Error::InvalidInput(format!("a record must be a JSON object, not {kind}"))
}

impl Template {
    /// Validates a record (a JSON object of field values), reporting every
    /// problem at once, with the values as they would be stored. A record
    /// that is not an object (nor `null`) is an [`Error::InvalidInput`].
    pub fn validate(
        &self,
        record: &Value,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Result<ValidationReport> {
        Ok(self.validate_fields(as_record(record)?, mode, ctx))
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
    /// A record that is not an object is an [`Error::InvalidInput`].
    pub fn check(
        &self,
        record: &Value,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Result<Vec<FieldError>> {
        Ok(self.run(as_record(record)?, mode, ctx, None).0)
    }

    /// Checks a record given as JSON text in one pass, without building a
    /// JSON tree: the same problems, in the same order, as [`Template::check`]
    /// on the parsed record. This is the fast path for forms posted as JSON
    /// (from a browser or a C host). Malformed JSON is an
    /// [`Error::InvalidInput`].
    ///
    /// ```
    /// use casebook::{Mode, Template, ValidationContext};
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

    /// [`Template::validate`] of a record given as JSON text (a posted
    /// form), with the values as they would be stored. Malformed JSON is an
    /// [`Error::InvalidInput`], as in [`Template::check_json`].
    pub fn validate_json(
        &self,
        json: &str,
        mode: Mode<'_>,
        ctx: &ValidationContext,
    ) -> Result<ValidationReport> {
        let record: Value = serde_json::from_str(json).map_err(not_json)?;
        self.validate(&record, mode, ctx)
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
        .map_err(not_json)?;
        let mut unknown = match read {
            TextRecord::Fields { unknown } => unknown,
            TextRecord::NotAnObject(kind) => return Err(not_a_record(kind)),
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

    pub(super) fn field_index(&self, key: &str) -> Option<usize> {
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
