//! The JSON Schema of a field definition: one object per field type, each
//! with the settings that type takes (the TypeScript declarations become a
//! union discriminated by `type`). The rules themselves are
//! `FieldSpec::compile`'s; this describes them for hosts.

use super::definition::FieldSpec;
use super::kinds::{ChoiceOption, Condition};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// A referenced schema with a description of its use here.
fn described(mut schema: Value, description: &str) -> Value {
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), json!(description));
    }
    schema
}

/// Settings every field type takes.
fn common(generator: &mut SchemaGenerator) -> Map<String, Value> {
    let condition = generator.subschema_for::<Condition>().to_value();
    let any = generator.subschema_for::<Value>().to_value();
    let text = |description: &str| json!({"type": "string", "description": description});
    let flag = |description: &str| json!({"type": "boolean", "description": description});
    let entries = [
        ("key", text("Stable key of the field in records.")),
        ("label", text("Label shown to users.")),
        (
            "required",
            flag("The field must have a value (default `false`)."),
        ),
        (
            "required_when",
            described(
                condition,
                "Required only when another field has a given value.",
            ),
        ),
        (
            "default",
            described(any, "Value a new record gets when it leaves the field out."),
        ),
        (
            "searchable",
            flag("Case templates: keyword search finds cases by this field."),
        ),
        (
            "pii",
            flag("The field holds personal data (marked for export and erasure)."),
        ),
        (
            "read_only_after_create",
            flag("The value cannot change once the record exists."),
        ),
        ("help", text("Help text shown beside the input.")),
    ];
    entries
        .into_iter()
        .map(|(name, schema)| (name.to_string(), schema))
        .collect()
}

/// One field type: its `type`, the common settings and its own.
fn kind(
    generator: &mut SchemaGenerator,
    name: &str,
    description: &str,
    own: Value,
    required: &[&str],
) -> Value {
    let mut properties = Map::new();
    properties.insert("type".into(), json!({"type": "string", "const": name}));
    properties.extend(common(generator));
    if let Value::Object(own) = own {
        properties.extend(own);
    }
    let mut needed = vec!["key", "type"];
    needed.extend_from_slice(required);
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": needed,
        "additionalProperties": false,
    })
}

impl JsonSchema for FieldSpec {
    fn schema_name() -> Cow<'static, str> {
        "FieldSpec".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator
            .subschema_for::<crate::schema::CivilDate>()
            .to_value();
        let options = generator.subschema_for::<Vec<ChoiceOption>>().to_value();
        let count = |description: &str| json!({"type": "integer", "minimum": 0, "format": "uint32", "description": description});
        let flag = |description: &str| json!({"type": "boolean", "description": description});
        let kinds = vec![
            kind(
                generator,
                "text",
                "Free text.",
                json!({
                    "min_length": count("Minimum length in characters."),
                    "max_length": count("Maximum length in characters (at least 1)."),
                    "multiline": flag("Line breaks are allowed."),
                }),
                &[],
            ),
            kind(
                generator,
                "choice",
                "One (or with `multiple`, several) of fixed options.",
                json!({
                    "options": options,
                    "multiple": flag("Several options may be chosen (the value is a list)."),
                }),
                &["options"],
            ),
            kind(
                generator,
                "pattern",
                "Text matching a regular expression (anchored at both ends).",
                json!({
                    "regex": {"type": "string", "description": "The regular expression."},
                    "hint": {"type": "string", "description": "The expected format as users read it (`AA999999A`), quoted in errors."},
                }),
                &["regex", "hint"],
            ),
            kind(generator, "email", "An e-mail address.", json!({}), &[]),
            kind(
                generator,
                "phone",
                "A phone number, stored in E.164.",
                json!({
                    "region": {"type": "string", "description": "Region of national numbers (ISO 3166 code, such as GB); the engine's default region otherwise."},
                    "identifies": flag("Profile templates: recognition and phone search find the profile by this number (default `true`)."),
                }),
                &[],
            ),
            kind(
                generator,
                "integer",
                "A whole number.",
                json!({
                    "min": {"type": "integer", "description": "Smallest value allowed."},
                    "max": {"type": "integer", "description": "Largest value allowed."},
                }),
                &[],
            ),
            kind(
                generator,
                "decimal",
                "A decimal number.",
                json!({
                    "min": {"type": "number", "description": "Smallest value allowed."},
                    "max": {"type": "number", "description": "Largest value allowed."},
                    "decimal_places": count("Most digits after the point (at most 12)."),
                }),
                &[],
            ),
            kind(
                generator,
                "date",
                "A calendar date.",
                json!({
                    "min": date.clone(),
                    "max": date,
                    "not_in_future": flag("The date may not be after today."),
                }),
                &[],
            ),
            kind(generator, "boolean", "Yes or no.", json!({}), &[]),
        ];
        json_schema!({
            "description": "One field of a template, by its `type`: the settings every field takes and those of its type.",
            "oneOf": kinds,
        })
    }
}
