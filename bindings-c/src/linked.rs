//! Linked records: external (CRM) records on profiles, cases and
//! interactions, the customer card of an interaction, and the requests the
//! host carries out in those systems. Attachments, related records and the
//! rest go through `casebook_call` (`add_attachment`, `relate_record`,
//! `case_relations`, `request_external_record`, `fail_host_request`,
//! `case_merge_preview`, `unmerge_cases`, ...).

use crate::args::{arg_json, arg_str, opt_str, with_limit};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// Links a record of another system (`external_json`: system, record_type,
/// external_id, display_name, url) to a target (`target_json`:
/// `{"profile": "C-000001"}`, `{"case": "CS0001001"}` or `{"contact":
/// "<id>"}`); answers the link. Linking it again refreshes it.
#[no_mangle]
pub unsafe extern "C" fn casebook_link_external_record(
    handle: *const casebook_t,
    by: *const c_char,
    target_json: *const c_char,
    external_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "link_external_record", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "target": arg_json(target_json, "target_json")?,
            "external": arg_json(external_json, "external_json")?,
        }))
    })
}

/// The customer card of an interaction (contact id): its linked records,
/// the customer's, the household's, the cases', in that order, as JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_customer_card(
    handle: *const casebook_t,
    contact_id: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "customer_card", out_json, || {
        Ok(json!({"contact": arg_str(contact_id, "contact_id")?}))
    })
}

/// Wraps an interaction up: ends it at `ended_at` (RFC 3339; NULL: its end,
/// or now) and asks the host, once per linked record, to pass its details
/// there. Answers the contact.
#[no_mangle]
pub unsafe extern "C" fn casebook_wrap_up_contact(
    handle: *const casebook_t,
    by: *const c_char,
    contact_id: *const c_char,
    ended_at: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "wrap_up_contact", out_json, || {
        let mut args =
            json!({"by": arg_str(by, "by")?, "contact": arg_str(contact_id, "contact_id")?});
        if let Some(at) = opt_str(ended_at, "ended_at")? {
            args["ended_at"] = json!(at);
        }
        Ok(args)
    })
}

/// The host requests after sequence number `after` (0: from the first),
/// at most `limit` (0: the engine's default), in order, as a JSON array:
/// creations to carry out (`create_record`) and details to pass
/// (`pass_details`). Keep the last `seq` handled as the cursor.
#[no_mangle]
pub unsafe extern "C" fn casebook_host_requests(
    handle: *const casebook_t,
    after: u64,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "host_requests", out_json, || {
        let mut args = Map::new();
        args.insert("after".into(), json!(after));
        Ok(with_limit(args, limit))
    })
}

/// Records that the host carried request `seq` out; a creation names the
/// created record (`external_json`, NULL for other requests), which is
/// then linked. Answers the request.
#[no_mangle]
pub unsafe extern "C" fn casebook_complete_host_request(
    handle: *const casebook_t,
    by: *const c_char,
    seq: u64,
    external_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "complete_host_request", out_json, || {
        let mut args = json!({"by": arg_str(by, "by")?, "seq": seq});
        if !external_json.is_null() {
            args["external"] = arg_json(external_json, "external_json")?;
        }
        Ok(args)
    })
}

/// Merges a duplicate case into a survivor (`plan_json`: `{"survivor":
/// "CS0001001", "duplicate": "CS0001002"}`): timeline, links, contacts,
/// related records and attachments move, the duplicate is closed as a
/// duplicate. Answers `{merge_id, survivor, duplicate}`; undo with
/// `casebook_call(cb, "unmerge_cases", {"by", "merge_id"})`.
#[no_mangle]
pub unsafe extern "C" fn casebook_merge_cases(
    handle: *const casebook_t,
    by: *const c_char,
    plan_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "merge_cases", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "plan": arg_json(plan_json, "plan_json")?}))
    })
}
