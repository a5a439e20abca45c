//! casebook for JavaScript: the engine compiled to WebAssembly, for the
//! browser and Node.
//!
//! The binding translates and decides nothing: every method builds the
//! named arguments of one [`casebook::api`] operation, runs it through
//! [`casebook::api::call`] and hands the JSON answer back as plain JS
//! objects. Failures are thrown as JS `Error`s named `CasebookError` that
//! carry the core's stable code (see [`casebook::ErrorCode`]).
//!
//! One file per JS class: [`Casebook`] (a folder, one file per concept) and
//! [`Validator`]; this file holds the free functions. `convert` carries
//! values across the boundary, `error` builds the thrown errors and `host`
//! supplies the clock and the random ids.

#![warn(missing_docs)]

mod casebook;
mod convert;
mod error;
mod host;
#[doc(hidden)]
pub mod js_names;
mod validator;

pub use crate::casebook::Casebook;
pub use ::casebook::api::ValidateOptions;
pub use validator::Validator;

use ::casebook::{Error, PhoneRules};
use error::{throw, JsResult};
use wasm_bindgen::prelude::*;

// The records crossing the boundary, generated from the core's JSON Schemas
// (tests/declarations: `cargo test` fails while the file is stale).
#[wasm_bindgen(typescript_custom_section)]
const TS_RECORDS: &str = include_str!("records.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TS_FIELDS: &str = r#"
/** Custom field values of a record, keyed by field key. */
export type Fields = Record<string, Value>;
"#;

/// Installs the panic hook once, at the first entry into the module.
pub(crate) fn ready() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(error::install_panic_hook);
}

/// The casebook version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every operation name [`Casebook::call`] understands.
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn operations() -> Vec<String> {
    ::casebook::api::OPERATIONS
        .iter()
        .map(|op| op.to_string())
        .collect()
}

/// Loads the phone-number metadata and the Unicode tables now rather than on
/// the first call that needs them (in a browser the first phone number costs
/// hundreds of milliseconds). Returns the milliseconds it took.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> f64 {
    ready();
    let start = js_sys::Date::now();
    if let Ok(rules) = PhoneRules::new(Some("GB"), &[]) {
        // A national number goes through the full parser and its metadata.
        let _ = rules.normalize("020 7946 0958");
        let _ = rules.normalize("+1 202 555 0143");
    }
    let _ = ::casebook::text::tokens("Zoë Ångström-Łukasz ﬁnn");
    js_sys::Date::now() - start
}

/// A regular expression for the E.164 numbers of a country calling code
/// (such as 44), from the phone metadata casebook validates with: for an
/// HTML `pattern` attribute or a JSON Schema. `undefined` for an unknown code.
#[wasm_bindgen(js_name = e164Pattern, unchecked_return_type = "string | undefined")]
pub fn e164_pattern(
    #[wasm_bindgen(js_name = callingCode, unchecked_param_type = "number")] calling_code: JsValue,
) -> JsResult {
    ready();
    let code = calling_code
        .as_f64()
        .filter(|c| c.fract() == 0.0 && (0.0..=999.0).contains(c))
        .ok_or_else(|| {
            error::to_js(&Error::InvalidInput(
                "the calling code must be a whole number from 0 to 999".into(),
            ))
        })?;
    Ok(PhoneRules::e164_pattern(code as u16)
        .map(JsValue::from)
        .unwrap_or(JsValue::UNDEFINED))
}

/// Validates a record against a template definition without any store (what
/// a form does while the user types). Returns the normalised values, every
/// field error and, for a draft, the required fields still missing. The
/// third argument is the options, or just the draft flag.
#[wasm_bindgen(unchecked_return_type = "ValidationReport")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "TemplateDef")] template: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions | boolean")] options: JsValue,
) -> JsResult {
    ready();
    throw(validate_inner(&template, &record, &options))
}

fn validate_inner(
    template: &JsValue,
    record: &JsValue,
    options: &JsValue,
) -> ::casebook::Result<JsValue> {
    let template = convert::from_js(template, "template")?;
    let record = convert::from_js_data(record, "record")?;
    let (ctx, options) = validator::validation_context(options)?;
    let report = ::casebook::api::validate_with_template(&template, &record, options.draft, &ctx)?;
    convert::to_js(&report)
}
