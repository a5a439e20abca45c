//! Routing: loading the routing rules (ordered, the first match choosing a
//! new case's support group, assignee and priority) and asking where a case
//! would go. The rules in force go through `casebook_call` (`routing_rules`).

use crate::args::{arg_json, arg_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// Loads the routing rules (JSON: `{"rules": [{"name", "when": {channels,
/// categories, products, campaigns, templates, impacts, urgencies,
/// priorities, fields}, "route": {support_group, assignee, priority}}]}`)
/// on behalf of `by`; answers the stored rules with their `version`. From
/// then on a new case naming neither a support group nor an assignee is
/// routed by the first rule that matches (its `routed_by` names the rule).
/// Rules the engine refuses give `CASEBOOK_STATUS_INVALID_DEFINITION`,
/// naming what is wrong.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_routing_rules(
    handle: *const casebook_t,
    by: *const c_char,
    rules_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_routing_rules", out_json, || {
        // Passed as text: the engine parses and checks the rules itself.
        Ok(json!({"by": arg_str(by, "by")?, "rules": arg_str(rules_json, "rules_json")?}))
    })
}

/// Where the routing rules would send a new case made of `input_json` (a
/// case input, as for `casebook_create_case`), without creating it.
/// Answers the decision as JSON (`rule`, `version`, `support_group`,
/// `assignee`, `priority`), or `null` when no rule matches or the input
/// names a support group or an assignee itself.
#[no_mangle]
pub unsafe extern "C" fn casebook_route_case(
    handle: *const casebook_t,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "route_case", out_json, || {
        Ok(json!({"input": arg_json(input_json, "input_json")?}))
    })
}
