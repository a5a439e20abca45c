//! Errors as JS `Error` objects carrying the core's stable codes.

use casebook::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR: &str = r#"
/**
 * What every failing call throws: a JS `Error` whose `name` is
 * `"CasebookError"`, carrying the keys of the core's error JSON. `code` and
 * `status` are the core's stable codes; `field_errors` lists every field
 * problem of a `validation_failed` error (empty otherwise); `candidates`
 * comes with `duplicate_suspected` and `storage_kind` with `storage`.
 */
export interface CasebookError extends Error {
    name: "CasebookError";
    code: ErrorCode;
    status: number;
    field_errors: FieldError[];
    candidates?: DuplicateCandidate[];
    storage_kind?: StorageErrorKind;
}
"#;

/// The error every failing call throws: a JS `Error` named `CasebookError`
/// whose message is the core's and whose other properties are the keys of
/// the core's error JSON (`Error::to_json`: `code`, `status`,
/// `field_errors`, `candidates`, `storage_kind`), with `field_errors` an
/// empty list when the JSON has none.
pub(crate) fn to_js(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("CasebookError");
    let target: &JsValue = js.as_ref();
    let set = |key: &str, value: &JsValue| {
        // Setting a property on a fresh Error cannot fail.
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
    };
    set("field_errors", &js_sys::Array::new());
    if let Value::Object(json) = error.to_json() {
        for (key, value) in json.iter().filter(|(key, _)| *key != "message") {
            set(key, &plain(value));
        }
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
