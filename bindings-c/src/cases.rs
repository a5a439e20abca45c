//! Cases: create, read, update, link to profiles, keyword search. Status
//! changes and case entries go through `casebook_call`.

use crate::args::{arg_json, arg_str, by_and_input, with_limit};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// Creates a case from `input_json` (short description, template, fields,
/// links to profiles, ...); answers the case with its number.
#[no_mangle]
pub unsafe extern "C" fn casebook_create_case(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "create_case", out_json, || {
        by_and_input(by, input_json)
    })
}

/// Reads a case by number (`CS0001001`) or internal id; answers it as JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_case(
    handle: *const casebook_t,
    case_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "case", out_json, || {
        Ok(json!({"ref": arg_str(case_ref, "case_ref")?}))
    })
}

/// Updates a case from `input_json`, given the `version` the edit was made
/// on; answers the updated case. Impact and urgency left out of the input
/// keep the case's values; a `priority` (1 to 5) overrides the impact ×
/// urgency matrix, and leaving it out gives the priority back to the matrix
/// (each change of the override goes on the timeline).
#[no_mangle]
pub unsafe extern "C" fn casebook_update_case(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    version: u64,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "update_case", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(case_ref, "case_ref")?,
            "version": version,
            "input": arg_json(input_json, "input_json")?,
        }))
    })
}

/// Links a case to a profile with a `role` (`"requester"`, `"affected"`,
/// `"informed"`); answers the link.
#[no_mangle]
pub unsafe extern "C" fn casebook_link_case(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    profile_ref: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "link_case", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "profile": arg_str(profile_ref, "profile_ref")?,
            "role": arg_str(role, "role")?,
        }))
    })
}

/// Keyword search over cases; `limit` 0 for the engine's default. Answers a
/// JSON array of case summaries.
#[no_mangle]
pub unsafe extern "C" fn casebook_search_cases(
    handle: *const casebook_t,
    text: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "search_cases", out_json, || {
        let mut args = Map::new();
        args.insert("text".into(), json!(arg_str(text, "text")?));
        Ok(with_limit(args, limit))
    })
}
