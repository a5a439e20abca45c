//! Contacts (interactions): logging one and associating it with a profile
//! or a case. Histories go through `casebook_call` (`contact_history`,
//! `case_contacts`).

use crate::args::{arg_str, by_and_input, opt_str};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::json;
use std::ffi::c_char;

/// Logs a contact (a call, an e-mail, a chat) from `input_json`; answers the contact.
#[no_mangle]
pub unsafe extern "C" fn casebook_log_contact(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "log_contact", out_json, || {
        by_and_input(by, input_json)
    })
}

/// Associates a logged contact with a profile and/or a case (either may be
/// NULL); answers the contact.
#[no_mangle]
pub unsafe extern "C" fn casebook_associate_contact(
    handle: *const casebook_t,
    by: *const c_char,
    contact_id: *const c_char,
    profile_ref: *const c_char,
    case_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "associate_contact", out_json, || {
        Ok(json!({
            "by": arg_str(by, "by")?,
            "contact": arg_str(contact_id, "contact_id")?,
            "profile": opt_str(profile_ref, "profile_ref")?,
            "case": opt_str(case_ref, "case_ref")?,
        }))
    })
}
