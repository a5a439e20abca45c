//! Errors as JS `Error` objects carrying the core's stable codes.

use casebook::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

// The class lives in js/errors.js (shipped beside the glue) so that the
// package can export it: `instanceof CasebookError` holds for every error.
#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = CasebookError)]
    type JsCasebookError;

    #[wasm_bindgen(constructor, js_class = "CasebookError")]
    fn new(message: &str, details: &JsValue) -> JsCasebookError;
}

/// The error every failing call throws: a `CasebookError` (a JS `Error`)
/// whose message is the core's and whose other properties are the keys of
/// the core's error JSON (`Error::to_json`: `code`, `status`,
/// `fieldErrors`, `candidates`, `storageKind`, in camelCase), with `fieldErrors` an
/// empty list when the JSON has none.
pub(crate) fn to_js(error: &Error) -> JsValue {
    let details = plain(&error.to_json());
    JsCasebookError::new(&error.to_string(), &details).into()
}

/// The error of a call on a freed instance, for js/lifecycle.js (not part of
/// the package's API).
#[wasm_bindgen(js_name = __freedError, skip_typescript)]
pub fn freed_error(class: &str) -> JsValue {
    to_js(&Error::InvalidState(format!(
        "this {} has been freed: create a new one",
        casebook::quote(class)
    )))
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
