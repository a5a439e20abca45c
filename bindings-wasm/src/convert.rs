//! Values across the boundary: JS in through `JSON.stringify`, JSON out
//! through `JSON.parse`, as plain objects; property names go out in
//! JavaScript's camelCase and may come in in it (`js_names`).

use crate::js_names;
use casebook::Error;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A JS argument as wire JSON (snake_case names). `undefined` and `null`
/// are JSON null.
///
/// Going through `JSON.stringify` turns what JSON cannot carry into clear
/// errors instead of crashes or silent damage: cycles and BigInts throw, a
/// lone surrogate is escaped and then refused by the parser (a direct
/// conversion would replace it with U+FFFD), and nesting deeper than
/// serde_json's limit is refused rather than overflowing the stack.
pub(crate) fn from_js(value: &JsValue, what: &str) -> Result<Value, Error> {
    let mut value = from_js_data(value, what)?;
    js_names::to_wire_names(&mut value, what)?;
    Ok(value)
}

/// A JS argument that is data (a record's fields) as JSON, its keys as given.
pub(crate) fn from_js_data(value: &JsValue, what: &str) -> Result<Value, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let text = json_text(value, what)?;
    serde_json::from_str(&text).map_err(|e| {
        // `JSON.stringify` escapes a lone surrogate; every other escape it writes is valid.
        if e.to_string().contains("hex escape") {
            lone_surrogate(what)
        } else {
            Error::InvalidInput(format!("{what}: {e}"))
        }
    })
}

/// The same refinement for an error from parsing `JSON.stringify` output in the core.
pub(crate) fn refine_parse_error(error: Error, what: &str) -> Error {
    match &error {
        Error::InvalidInput(message) if message.contains("hex escape") => lone_surrogate(what),
        _ => error,
    }
}

/// A JS argument as JSON text (`null` for `undefined` and `null`), with the
/// errors of [`from_js`].
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok("null".into());
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        let reason = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "it cannot be written as JSON".into());
        Error::InvalidInput(format!("{what} is not JSON data: {reason}"))
    })?;
    // `JSON.stringify` gives `undefined` for functions and symbols.
    let text = text.as_string().ok_or_else(|| {
        Error::InvalidInput(format!(
            "{what} must be JSON data, not a {}",
            value.js_typeof().as_string().unwrap_or_default()
        ))
    })?;
    Ok(text)
}

fn lone_surrogate(what: &str) -> Error {
    Error::InvalidInput(format!(
        "{what} contains a lone surrogate (text that is not valid Unicode)"
    ))
}

/// A result as plain JS values with camelCase property names, built by
/// `JSON.parse` from its JSON text: every key becomes an own data property,
/// so no key (not even `__proto__`) can set an object's prototype, and one
/// string crosses the boundary instead of one call per property.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    let failed = |e: serde_json::Error| {
        Error::Internal(format!("converting the result for JavaScript: {e}"))
    };
    let mut value = serde_json::to_value(value).map_err(failed)?;
    js_names::to_js_names(&mut value);
    let text = serde_json::to_string(&value).map_err(failed)?;
    js_sys::JSON::parse(&text)
        .map_err(|_| Error::Internal("converting the result for JavaScript failed".into()))
}
