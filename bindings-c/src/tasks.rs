//! Tasks on cases and task lists across cases: what an agent's phone or
//! desktop shows as "my work", most urgent first.

use crate::args::{arg_json, arg_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// Adds a task to a case (`case_ref`: number or id) from `input_json`:
/// `{title, kind, assignee, support_group, due_at, channel, mandatory}`
/// (`kind` `"task"` or `"follow_up"`; a follow-up needs `due_at`).
/// Answers the task with its `id` and `version`. Only follow-ups are added
/// to a case that is no longer open (`CASEBOOK_STATUS_INVALID_STATE`).
#[no_mangle]
pub unsafe extern "C" fn casebook_add_task(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "add_task", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "input": arg_json(input_json, "input_json")?,
        }))
    })
}

/// Replaces an open task's editable part, given the task `version` the edit
/// was made on (a stale one is `CASEBOOK_STATUS_CONFLICT`); answers the task.
#[no_mangle]
pub unsafe extern "C" fn casebook_edit_task(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    task_id: *const c_char,
    version: u64,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "edit_task", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "task": arg_str(task_id, "task_id")?,
            "version": version,
            "input": arg_json(input_json, "input_json")?,
        }))
    })
}

/// Moves a task to `status` (`"open"`, `"done"`, `"cancelled"`), given its
/// `version`; answers the task. Resolving a case while a mandatory task is
/// open fails with `CASEBOOK_STATUS_TASKS_OPEN`, whose error JSON lists them.
#[no_mangle]
pub unsafe extern "C" fn casebook_set_task_status(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    task_id: *const c_char,
    version: u64,
    status: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "set_task_status", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "task": arg_str(task_id, "task_id")?,
            "version": version,
            "status": arg_str(status, "status")?,
        }))
    })
}

/// A task list across cases, most urgent first (earliest due, then the
/// case's priority, then the oldest): the tasks assigned to `assignee`, or
/// when `assignee` is NULL the unassigned tasks of `support_group`. Open
/// tasks of open cases and follow-ups once due; at most `limit` (0: 100).
/// Answers `[{case_id, case_number, short_description, case_status,
/// priority, task, overdue}]`.
#[no_mangle]
pub unsafe extern "C" fn casebook_task_list(
    handle: *const casebook_t,
    assignee: *const c_char,
    support_group: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "task_list", out_json, || {
        // SAFETY: this function's contract.
        let owner = match unsafe { crate::args::opt_str(assignee, "assignee") }? {
            Some(agent) => json!({"assignee": agent}),
            None => json!({"support_group": arg_str(support_group, "support_group")?}),
        };
        let mut args = Map::new();
        args.insert("owner".into(), owner);
        Ok(crate::args::with_limit(args, limit))
    })
}
