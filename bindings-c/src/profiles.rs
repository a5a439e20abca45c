//! Customer profiles: create, read, update, find.

use crate::args::{arg_json, arg_str, with_limit};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// Creates a profile from `input_json` (a profile input: names, contact
/// points, template, fields, ...) on behalf of `by`; answers the profile.
/// Without `allow_duplicates`, probable duplicates stop the creation with
/// `CASEBOOK_STATUS_DUPLICATE_SUSPECTED` and their list in the error JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_create_profile(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    allow_duplicates: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "create_profile", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "input": arg_json(input_json, "input_json")?,
            "allow_duplicates": allow_duplicates,
        }))
    })
}

/// Reads a profile by customer ID (`C-000001`) or internal id; answers it as JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_profile(
    handle: *const casebook_t,
    profile_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "profile", out_json, || {
        Ok(json!({"ref": arg_str(profile_ref, "profile_ref")?}))
    })
}

/// Replaces a profile's data with `input_json`, given the `version` the edit
/// was made on (a stale version gives `CASEBOOK_STATUS_CONFLICT`); answers
/// the updated profile.
#[no_mangle]
pub unsafe extern "C" fn casebook_update_profile(
    handle: *const casebook_t,
    by: *const c_char,
    profile_ref: *const c_char,
    version: u64,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "update_profile", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(profile_ref, "profile_ref")?,
            "version": version,
            "input": arg_json(input_json, "input_json")?,
        }))
    })
}

/// Finds profiles: `query_json` is one criterion, e.g. `{"name": "ada lov"}`,
/// `{"phone": "020 7946 0958"}`, `{"email": ...}`; `limit` 0 for the
/// engine's default. Answers a JSON array of profile summaries.
#[no_mangle]
pub unsafe extern "C" fn casebook_find_profiles(
    handle: *const casebook_t,
    query_json: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "find_profiles", out_json, || {
        let mut args = Map::new();
        args.insert("query".into(), arg_json(query_json, "query_json")?);
        Ok(with_limit(args, limit))
    })
}

/// Adds one contact point (`point_json`: kind, value, label, primary) to a
/// profile edited at `version`, leaving the rest of it as it is; answers the
/// updated profile. A stale version gives `CASEBOOK_STATUS_CONFLICT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_add_contact_point(
    handle: *const casebook_t,
    by: *const c_char,
    profile_ref: *const c_char,
    version: u64,
    point_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "add_contact_point", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(profile_ref, "profile_ref")?,
            "version": version,
            "point": arg_json(point_json, "point_json")?,
        }))
    })
}

/// Replaces one contact point of a profile, named by `which` (its key such
/// as `phone:+447400123456`, or its value as stored or typed), with
/// `point_json`; answers the updated profile. An unknown point gives
/// `CASEBOOK_STATUS_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn casebook_update_contact_point(
    handle: *const casebook_t,
    by: *const c_char,
    profile_ref: *const c_char,
    version: u64,
    which: *const c_char,
    point_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "update_contact_point", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(profile_ref, "profile_ref")?,
            "version": version,
            "which": arg_str(which, "which")?,
            "point": arg_json(point_json, "point_json")?,
        }))
    })
}

/// Removes one contact point of a profile, named as in
/// `casebook_update_contact_point`; answers the updated profile.
#[no_mangle]
pub unsafe extern "C" fn casebook_remove_contact_point(
    handle: *const casebook_t,
    by: *const c_char,
    profile_ref: *const c_char,
    version: u64,
    which: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "remove_contact_point", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(profile_ref, "profile_ref")?,
            "version": version,
            "which": arg_str(which, "which")?,
        }))
    })
}
