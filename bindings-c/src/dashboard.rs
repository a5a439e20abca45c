//! A customer's dashboard for a supervisor's or an agent's screen: cases
//! by status, cases and contacts by campaign, contacts by channel.

use crate::args::{arg_str, opt_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// The dashboard of a profile (customer ID or id) over a period: cases
/// created and contacts started from `from` (inclusive) to `to`
/// (exclusive), RFC 3339 instants such as `2026-03-01T00:00:00Z`, either
/// NULL for an open end. Answers `{profile, customer_id, filter, cases,
/// cases_by_status, by_campaign, contacts, contacts_by_channel,
/// preferred_channel, last_successful_channel, last_successful_at}`. A
/// period whose start is after its end gives `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_profile_dashboard(
    handle: *const casebook_t,
    profile_ref: *const c_char,
    from: *const c_char,
    to: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "profile_dashboard", out_json, || {
        let mut args = json!({"profile": arg_str(profile_ref, "profile_ref")?});
        if let Some(from) = opt_str(from, "from")? {
            args["from"] = json!(from);
        }
        if let Some(to) = opt_str(to, "to")? {
            args["to"] = json!(to);
        }
        Ok(args)
    })
}
