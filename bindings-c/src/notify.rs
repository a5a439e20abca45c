//! Response templates, notifying a case's customers and their feedback:
//! the host loads its message templates, a notification renders, logs and
//! queues one message per linked customer (delivered through the event
//! outbox), and a customer's satisfaction feedback is recorded once the
//! case is resolved. Listing templates and previews go through
//! `casebook_call` (`response_template`, `response_templates`,
//! `render_response`).

use crate::args::{arg_json, arg_str, opt_json};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// Loads a response template (JSON: id, name, channel, subject for e-mail,
/// body with placeholders such as `{{ profile.given_name }}` and `{{
/// case.number }}`) on behalf of `by`; answers the stored template with its
/// `version`. An unknown placeholder or a syntax error gives
/// `CASEBOOK_STATUS_INVALID_DEFINITION`, its message naming the problem.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_response_template(
    handle: *const casebook_t,
    by: *const c_char,
    template_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_response_template", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "template": arg_str(template_json, "template_json")?}))
    })
}

/// Notifies the customers linked to a case (number or id) with a response
/// template: `roles_json` is a JSON array of roles (`["requester"]`), or
/// NULL for every linked customer. Each reachable customer gets a rendered
/// message, an outbound contact in their history and a `message.requested`
/// event; answers `{case, template, version, channel, sent, unreached}`,
/// `unreached` naming the customers with no contact point for the channel.
#[no_mangle]
pub unsafe extern "C" fn casebook_notify_case(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    template_id: *const c_char,
    roles_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "notify_case", out_json, || {
        let mut args = json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "template": arg_str(template_id, "template_id")?,
        });
        let roles = opt_json(roles_json, "roles_json")?;
        if !roles.is_null() {
            args["roles"] = roles;
        }
        Ok(args)
    })
}

/// Records a customer's satisfaction feedback on a resolved case
/// (`feedback_json`: `{"profile": "C-000001", "score": 4, "comment": ...,
/// "channel": "email"}`); answers the case. Before resolution it is
/// `CASEBOOK_STATUS_INVALID_STATE`, a second time for the same customer
/// `CASEBOOK_STATUS_ALREADY_EXISTS`, a score off the configured scale
/// `CASEBOOK_STATUS_VALIDATION_FAILED`.
#[no_mangle]
pub unsafe extern "C" fn casebook_record_feedback(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    feedback_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "record_feedback", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "feedback": arg_json(feedback_json, "feedback_json")?,
        }))
    })
}
