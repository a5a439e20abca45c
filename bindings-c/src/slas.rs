//! Service levels: loading business calendars and SLA definitions, reading
//! a case's SLA clocks, and taking the warnings and breaches that are due.
//! Calendar arithmetic, the definitions' lists and `sla_due` go through
//! `casebook_call` (`calendar_business_time`, `sla_definitions`, ...).

use crate::args::{arg_str, opt_str, with_limit};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// Loads a business calendar (JSON definition: id, name, IANA time zone,
/// weekly windows, holidays) on behalf of `by`; answers the stored
/// definition as JSON, with its `version` (a changed definition of an
/// existing id makes a new version). A definition the engine refuses gives
/// `CASEBOOK_STATUS_INVALID_DEFINITION`, its message naming the calendar.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_calendar(
    handle: *const casebook_t,
    by: *const c_char,
    calendar_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_calendar", out_json, || {
        // Passed as text: the engine parses and checks the definition itself.
        Ok(json!({"by": arg_str(by, "by")?, "calendar": arg_str(calendar_json, "calendar_json")?}))
    })
}

/// Loads an SLA definition (JSON: id, name, target, duration, calendar,
/// conditions, warnings, escalations) on behalf of `by`; answers the stored
/// definition as JSON, with its `version`. A definition the engine refuses
/// (a calendar not loaded, a bad duration or threshold, ...) gives
/// `CASEBOOK_STATUS_INVALID_DEFINITION`, its message naming the definition.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_sla(
    handle: *const casebook_t,
    by: *const c_char,
    sla_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_sla", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "sla": arg_str(sla_json, "sla_json")?}))
    })
}

/// The SLA clocks of a case (number `CS0001001` or internal id) as they
/// stand at `at` (RFC 3339, such as `2026-03-09T09:30:00Z`; NULL: now).
/// Answers a JSON array of clocks (stage, business and actual elapsed
/// seconds, time left, planned breach, crossings, ...).
#[no_mangle]
pub unsafe extern "C" fn casebook_case_slas(
    handle: *const casebook_t,
    case_ref: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "case_slas", out_json, || {
        let mut args = json!({"ref": arg_str(case_ref, "case_ref")?});
        if let Some(at) = opt_str(at, "at")? {
            args["at"] = json!(at);
        }
        Ok(args)
    })
}

/// Takes the SLA warnings and breaches due at `now` (RFC 3339) on behalf
/// of `by`, soonest first, at most `limit` (0: the engine's default), and
/// runs their escalations. Each crossing is taken only once, ever: a second
/// call at the same instant answers `[]`. Answers a JSON array of events
/// (case, definition, threshold, `kind` `"warning"` or `"breach"`, what the
/// escalations did).
#[no_mangle]
pub unsafe extern "C" fn casebook_due_sla_events(
    handle: *const casebook_t,
    by: *const c_char,
    now: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "due_sla_events", out_json, || {
        let mut args = Map::new();
        args.insert("by".into(), json!(arg_str(by, "by")?));
        args.insert("now".into(), json!(arg_str(now, "now")?));
        Ok(with_limit(args, limit))
    })
}
