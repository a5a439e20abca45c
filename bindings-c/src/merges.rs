//! Duplicates and merges: candidates of a profile, previewing, merging and
//! undoing a merge.

use crate::args::{arg_json, arg_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// Probable duplicates of a profile, best first, with explainable scores; answers a JSON array.
#[no_mangle]
pub unsafe extern "C" fn casebook_duplicate_candidates(
    handle: *const casebook_t,
    profile_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "duplicate_candidates", out_json, || {
        Ok(json!({"ref": arg_str(profile_ref, "profile_ref")?}))
    })
}

/// What merging would do, without changing anything. `plan_json`:
/// `{"survivor": "C-000001", "merged": "C-000002", ...}`; answers the preview.
#[no_mangle]
pub unsafe extern "C" fn casebook_merge_preview(
    handle: *const casebook_t,
    plan_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "merge_preview", out_json, || {
        Ok(json!({"plan": arg_json(plan_json, "plan_json")?}))
    })
}

/// Merges two profiles by a plan (see `casebook_merge_preview`); the merged
/// one becomes a tombstone. Answers the outcome, with the `merge_id` that
/// `casebook_unmerge` takes.
#[no_mangle]
pub unsafe extern "C" fn casebook_merge(
    handle: *const casebook_t,
    by: *const c_char,
    plan_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "merge", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "plan": arg_json(plan_json, "plan_json")?}))
    })
}

/// Undoes a merge; answers `{"survivor": ..., "restored": ...}`.
#[no_mangle]
pub unsafe extern "C" fn casebook_unmerge(
    handle: *const casebook_t,
    by: *const c_char,
    merge_id: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "unmerge", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "merge_id": arg_str(merge_id, "merge_id")?}))
    })
}
