//! Templates and validation: loading a template into an engine, validating
//! a record against a stored template, and validating standalone, against
//! a template given as JSON, without any engine.

use crate::args::{arg_json, arg_str, invalid, opt_json, Out};
use crate::casebook_t;
use crate::handle::operation;
use crate::panic::guard;
use crate::status_codes::casebook_status;
use casebook::api::{validate_with_template, ValidateOptions};
use casebook::{Clock, Error, SystemClock, ValidationContext};
use serde_json::{json, Value};
use std::ffi::c_char;

/// Loads a template (JSON definition) on behalf of `by`; answers the stored
/// template as JSON (a changed definition of an existing id makes a new version).
#[no_mangle]
pub unsafe extern "C" fn casebook_load_template(
    handle: *const casebook_t,
    by: *const c_char,
    template_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_template", out_json, || {
        // Passed as text: the engine parses and checks the definition itself.
        Ok(json!({"by": arg_str(by, "by")?, "template": arg_str(template_json, "template_json")?}))
    })
}

/// Validates a record against a template given as JSON, without any engine
/// (what a form does before anything is sent). `draft`: missing required
/// fields are listed as missing, not as errors. Today's date is the system's
/// (UTC) and phones have no default region; see
/// `casebook_validate_with_context` to set them. Answers the report as JSON
/// (`values`, `errors`, `missing`); an invalid record is a successful call
/// with errors in the report.
#[no_mangle]
pub unsafe extern "C" fn casebook_validate(
    template_json: *const c_char,
    record_json: *const c_char,
    draft: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    // The defaults are those of an absent context.
    casebook_validate_with_context(
        template_json,
        record_json,
        draft,
        std::ptr::null(),
        out_json,
    )
}

/// `casebook_validate` with an explicit context:
/// `{"today": "2026-06-01", "default_region": "GB"}` (both optional; NULL or
/// "" for the defaults of `casebook_validate`).
#[no_mangle]
pub unsafe extern "C" fn casebook_validate_with_context(
    template_json: *const c_char,
    record_json: *const c_char,
    draft: bool,
    context_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_json, "out_json")?;
        let template = arg_json(template_json, "template_json")?;
        let record = arg_json(record_json, "record_json")?;
        let ctx = validation_context(&opt_json(context_json, "context_json")?)?;
        out.hand_out_json(&validate_with_template(&template, &record, draft, &ctx)?)
    })
}

/// Today in UTC, by the system clock.
fn system_today() -> jiff::civil::Date {
    SystemClock
        .now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// Reads `{"today": ..., "default_region": ...}` into a validation context
/// (the core's `ValidateOptions`, the draft flag given apart).
fn validation_context(context: &Value) -> Result<ValidationContext, Error> {
    if !matches!(context, Value::Null | Value::Object(_)) {
        return Err(invalid("`context_json` must be a JSON object"));
    }
    ValidateOptions::from_value(context)?.context(system_today())
}

/// Validates custom field values against a stored template (`version` 0:
/// the latest). Answers the report as JSON, like `casebook_validate`.
#[no_mangle]
pub unsafe extern "C" fn casebook_validate_record(
    handle: *const casebook_t,
    template_id: *const c_char,
    version: u32,
    record_json: *const c_char,
    draft: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "validate_record", out_json, || {
        let mut args = json!({
            "template_id": arg_str(template_id, "template_id")?,
            "record": arg_json(record_json, "record_json")?,
            "draft": draft,
        });
        if version > 0 {
            args["version"] = json!(version);
        }
        Ok(args)
    })
}
