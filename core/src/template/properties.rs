//! Properties of validation and of its shortcuts, over generated input.

use super::names::reserved_keys;
use super::values::{date_of_digits, decimal_places_of_f64, has_at_most_places, normalize_value};
use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

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
        let mode = Mode::new_record(draft);
        let Ok(report) = template.validate(&record, mode, &ctx) else {
            // Only a record that is not an object is refused outright.
            prop_assert!(!record.is_object() && !record.is_null());
            prop_assert!(template.check(&record, mode, &ctx).is_err());
            return Ok(());
        };
        // The fast errors-only path finds exactly the same problems.
        prop_assert_eq!(&template.check(&record, mode, &ctx).unwrap(), &report.errors);
        for e in &report.errors {
            prop_assert!(e.field.is_empty() || template.field(&e.field).is_some() || record.get(&e.field).is_some());
            prop_assert!(!e.message.is_empty());
        }
        // Normalised values validate again to themselves.
        if report.errors.is_empty() {
            let again = template.validate(&Value::Object(report.values.clone().into_iter().collect()), mode, &ctx).unwrap();
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
        let errors = template.check(&record, mode, &ctx).unwrap();
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
        let mode = Mode::new_record(draft);
        let record = Value::Object(entries.into_iter().collect());
        let from_text = template.check_json(&record.to_string(), mode, &ctx).map_err(|e| e.to_string());
        prop_assert_eq!(from_text, template.check(&record, mode, &ctx).map_err(|e| e.to_string()));
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
