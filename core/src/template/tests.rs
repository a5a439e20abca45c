//! Unit tests of loading templates and validating records.

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
    let report = t
        .validate(
            &json!({"name": "Alexander", "seg": "b", "ni": "Q1", "mail": "x@", "tel": "12",
                "age": 7, "amount": "1.234", "born": "2030-01-01", "vip": "maybe", "extra": 1}),
            Mode::Create,
            &ctx(),
        )
        .unwrap();
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
            t.check_json(text, Mode::Create, &ctx)
                .map_err(|e| e.to_string()),
            t.check(&parsed, Mode::Create, &ctx)
                .map_err(|e| e.to_string()),
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
    let report = t
        .validate(
            &json!({"name": "  Ada  ", "mail": "Ada@EXAMPLE.org", "tel": "020 7946 0958",
                "tags": ["b", "a", "b"], "n": "42", "flag": "TRUE"}),
            Mode::Create,
            &ctx(),
        )
        .unwrap();
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
    let draft = t
        .validate(&json!({"tel": "+44 20 7946 0958"}), Mode::Draft, &ctx())
        .unwrap();
    assert!(draft.errors.is_empty());
    assert_eq!(draft.missing.len(), 1);
    assert_eq!(draft.missing[0].field, "name");
    assert!(!draft.is_valid());
    let full = t
        .validate(&json!({"tel": "+44 20 7946 0958"}), Mode::Create, &ctx())
        .unwrap();
    assert_eq!(codes(&full), vec![("name".into(), "required")]);
    // A malformed value is still an error in a draft.
    let bad = t
        .validate(&json!({"tel": "nope"}), Mode::Draft, &ctx())
        .unwrap();
    assert_eq!(codes(&bad), vec![("tel".into(), "invalid_format")]);
}

#[test]
fn required_when_follows_the_other_field() {
    let t = template(json!([
        {"key": "category", "type": "choice",
         "options": [{"key": "complaint", "label": "Complaint"}, {"key": "question", "label": "Question"}]},
        {"key": "reason", "type": "text", "required_when": {"field": "category", "equals": "complaint"}}
    ]));
    let report = t
        .validate(&json!({"category": "complaint"}), Mode::Create, &ctx())
        .unwrap();
    assert_eq!(codes(&report), vec![("reason".into(), "required")]);
    assert!(
        report.errors[0].message.contains("Complaint")
            || report.errors[0].message.contains("complaint")
    );
    assert!(t
        .validate(&json!({"category": "question"}), Mode::Create, &ctx())
        .unwrap()
        .is_valid());
}

#[test]
fn defaults_and_read_only() {
    let t = template(json!([
        {"key": "source", "type": "choice", "default": "ivr", "read_only_after_create": true,
         "options": [{"key": "ivr", "label": "IVR"}, {"key": "web", "label": "Web"}]}
    ]));
    let created = t.validate(&json!({}), Mode::Create, &ctx()).unwrap();
    assert_eq!(created.values["source"], "ivr");
    let previous = created.values.clone();
    let update = t
        .validate(
            &json!({"source": "web"}),
            Mode::Update {
                previous: &previous,
            },
            &ctx(),
        )
        .unwrap();
    assert_eq!(codes(&update), vec![("source".into(), "read_only")]);
    let same = t.validate(
        &json!({"source": "ivr"}),
        Mode::Update {
            previous: &previous,
        },
        &ctx(),
    );
    assert!(same.unwrap().is_valid());
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
fn a_record_that_is_not_an_object_is_invalid_input() {
    let t = template(json!([]));
    for record in [json!([1, 2]), json!("text"), json!(7), json!(true)] {
        let err = t.validate(&record, Mode::Create, &ctx()).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{record}");
        assert!(err.to_string().contains("must be a JSON object"), "{err}");
        assert_eq!(
            t.check(&record, Mode::Create, &ctx()).unwrap_err().code(),
            err.code()
        );
        let text = t
            .check_json(&record.to_string(), Mode::Create, &ctx())
            .unwrap_err();
        assert_eq!(text.to_string(), err.to_string());
        let report = t
            .validate_json(&record.to_string(), Mode::Create, &ctx())
            .unwrap_err();
        assert_eq!(report.to_string(), err.to_string());
    }
    // null is an empty record.
    assert!(t
        .validate(&json!(null), Mode::Create, &ctx())
        .unwrap()
        .errors
        .is_empty());
}

#[test]
fn phone_fields_identify_unless_told_not_to() {
    let t = template(json!([
        {"key": "mobile", "type": "phone"},
        {"key": "fax", "type": "phone", "identifies": false},
        {"key": "home", "type": "phone", "identifies": true, "region": "US"},
        {"key": "name", "type": "text"}
    ]));
    assert_eq!(
        t.identifying_phone_fields().collect::<Vec<_>>(),
        ["mobile", "home"]
    );
    // Only the opt-out is written back; it survives a round trip.
    let json = t.to_json();
    assert_eq!(json["fields"][1]["identifies"], json!(false));
    assert!(json["fields"][0].get("identifies").is_none());
    let again = Template::from_value(json).unwrap();
    assert!(t.same_definition(&again));
    let changed = template(json!([
        {"key": "mobile", "type": "phone", "identifies": false},
        {"key": "fax", "type": "phone", "identifies": false},
        {"key": "home", "type": "phone", "identifies": true, "region": "US"},
        {"key": "name", "type": "text"}
    ]));
    assert!(
        !t.same_definition(&changed),
        "the opt-out makes a new version"
    );
}

#[test]
fn identifies_is_refused_where_it_means_nothing() {
    let on_text = template_err(json!([{"key": "name", "type": "text", "identifies": true}]));
    assert!(
        on_text.to_string().contains("`identifies` does not apply"),
        "{on_text}"
    );
    let not_bool = template_err(json!([{"key": "tel", "type": "phone", "identifies": "no"}]));
    assert_eq!(not_bool.code(), crate::ErrorCode::InvalidTemplate);
    let on_case = Template::from_value(json!({"id": "c", "kind": "case", "name": "C",
        "fields": [{"key": "callback", "type": "phone", "identifies": false}]}))
    .unwrap_err();
    assert!(
        on_case.to_string().contains("profile template"),
        "{on_case}"
    );
    let case = Template::from_value(json!({"id": "c", "kind": "case", "name": "C",
        "fields": [{"key": "callback", "type": "phone"}]}))
    .unwrap();
    assert_eq!(case.identifying_phone_fields().count(), 0);
}

#[test]
fn name_required_defaults_to_true_round_trips_and_is_for_profiles_only() {
    let default = template(json!([]));
    assert!(default.name_required);
    assert!(serde_json::to_value(&default)
        .unwrap()
        .get("name_required")
        .is_none());
    let open = Template::from_value(
        json!({"id": "t", "kind": "profile", "name": "T", "name_required": false, "fields": []}),
    )
    .unwrap();
    assert!(!open.name_required);
    assert!(!open.same_definition(&default));
    let again: Template = serde_json::from_value(serde_json::to_value(&open).unwrap()).unwrap();
    assert!(!again.name_required);
    let case = Template::from_value(
        json!({"id": "c", "kind": "case", "name": "C", "name_required": false, "fields": []}),
    );
    assert!(case.is_err());
}
