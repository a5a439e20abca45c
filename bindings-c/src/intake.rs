//! Case intake: loading the intake rules and taking an inbound message or
//! call in (it joins its case, opens one, or is only logged, exactly once
//! per message id). The rules in force and batches of messages in one
//! transaction go through `casebook_call` (`intake_rules`, `intake_many`).

use crate::args::{arg_json, arg_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// Loads the intake rules (JSON: ordered rules with conditions and an
/// action `open`, `join` or `log`, the case each opens, the case-number
/// pattern, what replies to resolved and closed cases do) on behalf of
/// `by`; answers the stored rules with their `version`. Rules the engine
/// refuses give `CASEBOOK_STATUS_INVALID_DEFINITION`, naming what is wrong.
#[no_mangle]
pub unsafe extern "C" fn casebook_load_intake_rules(
    handle: *const casebook_t,
    by: *const c_char,
    rules_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "load_intake_rules", out_json, || {
        // Passed as text: the engine parses and checks the rules itself.
        Ok(json!({"by": arg_str(by, "by")?, "rules": arg_str(rules_json, "rules_json")?}))
    })
}

/// Takes an inbound message or call in (`inbound_json`: channel, from, to,
/// subject, body, message_id, in_reply_to, references, conversation_id,
/// received_at, headers, attachments, form, case) on behalf of `by`.
/// Answers the outcome as JSON: `decision` (`joined`, `opened`, `logged`),
/// `text` (`joined CS0001001 (thread)`), `rule`, `case_number`,
/// `contact_id`, `customer_id` or a `draft`, and `replayed` when the same
/// message id was taken before (nothing is stored twice).
/// `casebook_answer_case_number` reads the case number off the answer.
#[no_mangle]
pub unsafe extern "C" fn casebook_intake(
    handle: *const casebook_t,
    by: *const c_char,
    inbound_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "intake", out_json, || {
        Ok(json!({"by": arg_str(by, "by")?, "inbound": arg_json(inbound_json, "inbound_json")?}))
    })
}
