//! Errors as JS `Error` objects carrying the core's stable codes.

use casebook::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// The error every failing call throws: a JS `Error` named `CasebookError`
/// with `code`, `status`, `message`, `fields` (field errors, empty unless
/// `code` is `validation_failed`) and, for `duplicate_suspected`, `candidates`.
pub(crate) fn to_js(error: &Error) -> JsValue {
    let json = error.to_json();
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("CasebookError");
    let target: &JsValue = js.as_ref();
    let set = |key: &str, value: &JsValue| {
        // Setting a property on a fresh Error cannot fail.
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
    };
    set("code", &JsValue::from_str(error.code().as_str()));
    set("status", &JsValue::from(error.code().as_u32()));
    let fields = json
        .get("field_errors")
        .cloned()
        .unwrap_or_else(|| Value::Array(Vec::new()));
    set("fields", &plain(&fields));
    if let Some(candidates) = json.get("candidates") {
        set("candidates", &plain(candidates));
    }
    js.into()
}

fn plain(value: &Value) -> JsValue {
    crate::convert::to_js(value).unwrap_or(JsValue::NULL)
}

/// Shorthand for the binding's fallible exports.
pub(crate) type JsResult<T = JsValue> = Result<T, JsValue>;

/// Turns a core result into a thrown `CasebookError`.
pub(crate) fn throw<T>(result: casebook::Result<T>) -> JsResult<T> {
    result.map_err(|e| to_js(&e))
}

/// Makes a panic (a bug) throw a `CasebookError` with code `internal`
/// instead of a bare `unreachable` trap. On wasm32 a panic cannot unwind,
/// so the call that panicked is abandoned where it stood.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let error = Error::Internal(format!("a bug in casebook stopped this call: {info}"));
        wasm_bindgen::throw_val(to_js(&error));
    }));
}
