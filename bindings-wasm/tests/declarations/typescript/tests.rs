//! The conversion, one schema feature at a time.

use super::*;
use serde_json::json;

fn ts(schema: Value) -> String {
    declaration("T", &schema)
}

#[test]
fn objects_have_required_and_optional_properties() {
    let schema = json!({
        "description": "A thing.",
        "type": "object",
        "properties": {
            "b": {"type": ["string", "null"], "description": "Maybe text."},
            "a": {"type": "integer", "format": "uint32"},
            "id": {"type": "string", "format": "uuid"},
            "when": {"$ref": "#/$defs/Timestamp"},
            "odd-name": {"type": "boolean"}
        },
        "required": ["when", "id", "a"]
    });
    assert_eq!(
        ts(schema),
        "/** A thing. */\nexport interface T {\n    when: Timestamp;\n    id: Uuid;\n    \
         a: number;\n    /** Maybe text. */\n    b?: string;\n    \"odd-name\"?: boolean;\n}\n"
    );
}

#[test]
fn a_required_nullable_property_keeps_null() {
    let schema = json!({"type": "object", "properties": {
        "key": {"type": ["string", "null"]},
        "channel": {"anyOf": [{"$ref": "#/$defs/Channel"}, {"type": "null"}]}
    }, "required": ["key", "channel"]});
    assert_eq!(
        ts(schema),
        "export interface T {\n    key: string | null;\n    channel: Channel | null;\n}\n"
    );
}

#[test]
fn string_enums_list_their_meanings() {
    let schema = json!({"description": "Level.", "oneOf": [
        {"type": "string", "const": "high", "description": "Urgent."},
        {"type": "string", "const": "low", "description": "Can wait."}
    ]});
    assert_eq!(
        ts(schema),
        "/**\n * Level.\n *\n * - `high`: Urgent.\n * - `low`: Can wait.\n */\n\
         export type T = \"high\" | \"low\";\n"
    );
    assert_eq!(
        ts(json!({"type": "string", "enum": ["a", "b"]})),
        "export type T = \"a\" | \"b\";\n"
    );
}

#[test]
fn internally_tagged_unions_are_unions_of_objects() {
    let schema = json!({"oneOf": [
        {"description": "None.", "type": "object",
         "properties": {"outcome": {"const": "none", "type": "string"}}, "required": ["outcome"]},
        {"description": "One.", "type": "object",
         "properties": {"outcome": {"const": "one", "type": "string"},
                        "id": {"description": "Its id.", "type": "string"}},
         "required": ["outcome", "id"]}
    ]});
    assert_eq!(
        ts(schema),
        "export type T =\n    /** None. */\n    | { outcome: \"none\" }\n    /** One. */\n    | {\n        \
         outcome: \"one\";\n        /** Its id. */\n        id: string;\n    };\n"
    );
}

#[test]
fn externally_tagged_unions_are_single_key_objects() {
    let schema = json!({"oneOf": [
        {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"],
         "additionalProperties": false},
        {"type": "object", "properties": {"pair": {"type": "object",
            "properties": {"kind": {"type": "string"}}, "required": ["kind"]}},
         "required": ["pair"]}
    ]});
    assert_eq!(
        ts(schema),
        "export type T = { name: string; pair?: never } | { pair: { kind: string }; name?: never };\n"
    );
}

#[test]
fn arrays_maps_and_tuples() {
    let schema = json!({"type": "object", "properties": {
        "list": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "map": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Source"}},
        "any_map": {"type": "object", "additionalProperties": true},
        "tuple": {"type": "array", "prefixItems": [{"type": "string"}, true], "minItems": 2, "maxItems": 2},
        "open_tuple": {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "number"}},
        "grid": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        "anything": {"description": "Any JSON."}
    }, "required": ["list", "map", "any_map", "tuple", "open_tuple", "grid", "anything"]});
    assert_eq!(
        ts(schema),
        "export interface T {\n    list: (string | number)[];\n    map: Record<string, Source>;\n    \
         anyMap: Record<string, Value>;\n    tuple: [string, Value];\n    \
         openTuple: [string, ...number[]];\n    grid: [number, number];\n    \
         /** Any JSON. */\n    anything: Value;\n}\n"
    );
}

#[test]
fn maps_with_properties_and_type_parameters() {
    let schema = json!({"type": "object",
        "properties": {"n": {"type": "number"}, "value": {"x-type-parameter": "T"}},
        "required": ["n", "value"],
        "additionalProperties": {"type": "number"}});
    assert_eq!(
        declaration("M<T>", &schema),
        "export type M<T> = { n: number; value: T } & Record<string, number>;\n"
    );
    assert_eq!(ts(json!(true)), "export type T = Value;\n");
    assert_eq!(
        ts(json!({"type": "integer", "minimum": 0})),
        "export type T = number;\n"
    );
}

#[test]
fn references_are_collected() {
    let mut found = BTreeSet::new();
    refs(
        &json!({"properties": {"a": {"$ref": "#/$defs/A"}, "b": {"items": {"$ref": "#/$defs/B~1C"}}}}),
        &mut found,
    );
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["A", "B/C"]);
}

#[test]
fn docs_drop_rust_examples_and_link_syntax() {
    let doc = "Options of [`Casebook::create_profile`], see [the table](crate::api) and\n\
               [`Error`](crate::Error) or [docs](https://example.org) [x].\n\n\n\
               ```\nlet a = 1;\n```\nEnd */";
    assert_eq!(
        clean_doc(doc),
        "Options of `Casebook::create_profile`, see the table and\n`Error` or \
         [docs](https://example.org) [x].\n\nEnd *\\/"
    );
    assert_eq!(
        clean_doc("By `cells[impact][urgency]`, [`A`][b] and [`c[0]`] [1]"),
        "By `cells[impact][urgency]`, `A` and `c[0]` [1]"
    );
}
