//! Reports and KPIs for a supervisor's wallboard or a nightly export:
//! definitions loaded as data, run over a period, tables as CSV.

use crate::args::{arg_str, opt_str, Out};
use crate::casebook_t;
use crate::handle::operation;
use crate::panic::guard;
use crate::status_codes::casebook_status;
use casebook::{Error, ReportTable};
use serde_json::{json, Value};
use std::ffi::c_char;

/// The period arguments: RFC 3339 instants or NULL for an open end.
///
/// # Safety
/// As for [`opt_str`].
unsafe fn with_period(
    mut args: Value,
    from: *const c_char,
    to: *const c_char,
) -> Result<Value, Error> {
    // SAFETY: this function's contract.
    if let Some(from) = unsafe { opt_str(from, "from") }? {
        args["from"] = json!(from);
    }
    // SAFETY: this function's contract.
    if let Some(to) = unsafe { opt_str(to, "to") }? {
        args["to"] = json!(to);
    }
    Ok(args)
}

/// Loads a report definition: `{id, name, filters, group_by, measures,
/// durations, time_zone}` (see the README's reports section). Answers the
/// definition with its `version`; the same definition again keeps its
/// version, a changed one becomes the next. An unknown measure or
/// dimension, a repeated column or an unknown time zone gives
/// `CASEBOOK_STATUS_INVALID_DEFINITION`.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_report(
    handle: *const casebook_t,
    by: *const c_char,
    report_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_report", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "report": arg_str(report_json, "report_json")?}))
    })
}

/// The latest version of every loaded report definition, as a JSON array.
#[no_mangle]
pub unsafe extern "C" fn casebook_report_definitions(
    handle: *const casebook_t,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "report_definitions", out_json, || Ok(json!({})))
}

/// Runs the latest version of a loaded report over the cases created from
/// `from` (inclusive) to `to` (exclusive), RFC 3339 instants, either NULL
/// for an open end. Answers `{report, version, period, columns, rows}`:
/// one row per group, dimensions first. Grouping by day, week or month
/// needs both ends; a reversed period gives `CASEBOOK_STATUS_INVALID_INPUT`,
/// an unknown report `CASEBOOK_STATUS_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn casebook_run_report(
    handle: *const casebook_t,
    report_id: *const c_char,
    from: *const c_char,
    to: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "run_report", out_json, || {
        with_period(json!({"id": arg_str(report_id, "report_id")?}), from, to)
    })
}

/// Runs a report definition without loading it, as `casebook_run_report`.
#[no_mangle]
pub unsafe extern "C" fn casebook_kpi_report(
    handle: *const casebook_t,
    report_json: *const c_char,
    from: *const c_char,
    to: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "kpi_report", out_json, || {
        with_period(
            json!({"report": arg_str(report_json, "report_json")?}),
            from,
            to,
        )
    })
}

/// A report table (as `casebook_run_report` answers it) as CSV text: a
/// header row, CRLF line ends, RFC 4180 quoting, formula-like text
/// prefixed with `'`. `*out_csv` is plain text (not JSON), freed with
/// `casebook_string_free`.
#[no_mangle]
pub unsafe extern "C" fn casebook_report_csv(
    table_json: *const c_char,
    out_csv: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        // SAFETY: this function's contract.
        let out = unsafe { Out::new(out_csv, "out_csv") }?;
        // SAFETY: this function's contract.
        let text = unsafe { arg_str(table_json, "table_json") }?;
        let table: ReportTable = serde_json::from_str(text)
            .map_err(|e| Error::InvalidInput(format!("table_json is not a report table: {e}")))?;
        out.hand_out(table.to_csv())
    })
}
