//! Property names as JavaScript writes them. The core, the C binding and
//! the shared vectors speak snake_case JSON; JavaScript gets camelCase
//! (`givenName`, `contactPoints`). This is the one place that converts,
//! mechanically: every key going out becomes its camelCase name, and every
//! key coming in the wire's name (a snake_case key already is one and
//! passes as it is, so both shapes are accepted).
//!
//! Keys that are data rather than names are never touched: the custom
//! field names of a record, a case change or a validation report, the
//! column headers of a CSV mapping, and whatever a value slot (a default,
//! a condition's value, an audit entry's details) holds.

use casebook::Error;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Wire properties whose value is data: its keys (and everything below)
/// pass unchanged. `fields` is data when it holds an object (a record's
/// custom fields), not when it holds a list (a template's definitions).
const DATA_SLOTS: &[&str] = &[
    "changed",
    "channel_capacity",
    "columns",
    "default",
    "details",
    "equals",
    "formats",
    "headers",
    "in",
    "join",
    "merged_value",
    "not_in",
    "record",
    "sequences",
    "survivor_value",
    "values",
];

/// Whether the value of wire property `slot` is data (its keys unchanged).
pub fn is_data(slot: &str, value: &Value) -> bool {
    match slot {
        // Custom fields, and the routing rules' policies by group name;
        // lists under those names (report groups) are records.
        "fields" | "groups" => value.is_object(),
        _ => DATA_SLOTS.contains(&slot),
    }
}

/// `givenName` → `given_name`: each capital becomes `_` and its small letter.
pub fn wire_name(name: &str) -> Cow<'_, str> {
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `given_name` → `givenName`: an `_` between an ASCII letter or digit and a small
/// letter goes, and that letter is capitalised. Other underscores
/// (`__proto__`, `line_1`) stay, so [`wire_name`] always gives the name back.
pub fn js_name(name: &str) -> Cow<'_, str> {
    if !name.contains('_') {
        return Cow::Borrowed(name);
    }
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let joins = b == b'_'
            && i > 0
            && bytes[i - 1].is_ascii_alphanumeric()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if joins {
            out.push(char::from(bytes[i + 1].to_ascii_uppercase()));
            i += 2;
        } else {
            // Copy up to the next underscore whole (it may be UTF-8).
            let next = name[i + 1..].find('_').map_or(bytes.len(), |n| i + 1 + n);
            out.push_str(&name[i..next]);
            i = next;
        }
    }
    Cow::Owned(out)
}

/// Turns the keys of a result going out to JavaScript into camelCase,
/// leaving data (see [`is_data`]) as it is.
pub(crate) fn to_js_names(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (key, mut child) in old {
                if !is_data(&key, &child) {
                    to_js_names(&mut child);
                }
                match js_name(&key) {
                    Cow::Borrowed(_) => map.insert(key, child),
                    Cow::Owned(name) => map.insert(name, child),
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_js_names),
        _ => {}
    }
}

/// Turns the keys of a value coming in from JavaScript into the wire's
/// snake_case. Two keys naming one property (`givenName` and `given_name`)
/// are refused rather than one silently winning.
pub(crate) fn to_wire_names(value: &mut Value, what: &str) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if !map
                .keys()
                .any(|k| k.bytes().any(|b| b.is_ascii_uppercase()))
            {
                // Already the wire's names: only the children may need work.
                for (key, child) in map.iter_mut() {
                    if !is_data(key, child) {
                        to_wire_names(child, what)?;
                    }
                }
                return Ok(());
            }
            let old = std::mem::take(map);
            let mut renamed = Map::new();
            for (key, mut child) in old {
                let wire = wire_name(&key).into_owned();
                if !is_data(&wire, &child) {
                    to_wire_names(&mut child, what)?;
                }
                if renamed.contains_key(&wire) {
                    return Err(Error::InvalidInput(format!(
                        "{what}: property `{key}` is given twice (as camelCase and as snake_case)"
                    )));
                }
                renamed.insert(wire, child);
            }
            *map = renamed;
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|v| to_wire_names(v, what)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_return_to_the_wire() {
        for (js, wire) in [
            ("givenName", "given_name"),
            ("contactPoints", "contact_points"),
            ("aToB", "a_to_b"),
            ("given_name", "given_name"),
            ("id", "id"),
            ("__proto__", "__proto__"),
        ] {
            assert_eq!(wire_name(js), wire, "{js}");
        }
    }

    #[test]
    fn names_go_out_in_camel_case_and_come_back() {
        for (wire, js) in [
            ("given_name", "givenName"),
            ("contact_points", "contactPoints"),
            ("a_to_b", "aToB"),
            ("e164", "e164"),
            ("line_1", "line_1"),
            ("__proto__", "__proto__"),
            ("trailing_", "trailing_"),
            ("x__y", "x__y"),
            ("zoë_name", "zoë_name"),
        ] {
            assert_eq!(js_name(wire), js, "{wire}");
            assert_eq!(wire_name(js_name(wire).as_ref()), wire, "{wire} back");
        }
    }

    #[test]
    fn outgoing_keys_become_camel_case_but_data_keeps_its_keys() {
        let mut out = json!({
            "given_name": "Ann",
            "fields": { "loyalty_tier": 1 },
            "contact_points": [{ "kind": "phone", "is_primary": true }],
            "values": { "work_email": "a@example.com" },
        });
        to_js_names(&mut out);
        assert_eq!(
            out,
            json!({
                "givenName": "Ann",
                "fields": { "loyalty_tier": 1 },
                "contactPoints": [{ "kind": "phone", "isPrimary": true }],
                "values": { "work_email": "a@example.com" },
            })
        );
    }

    #[test]
    fn incoming_names_return_to_the_wire_and_snake_case_passes() {
        let mut js =
            json!({ "givenName": "Ann", "fields": { "loyaltyTier": 1 }, "contact_points": [] });
        to_wire_names(&mut js, "input").unwrap();
        assert_eq!(
            js,
            json!({ "given_name": "Ann", "fields": { "loyaltyTier": 1 }, "contact_points": [] })
        );
        let mut twice = json!({ "givenName": "Ann", "given_name": "Bea" });
        let error = to_wire_names(&mut twice, "input").unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    }
}
