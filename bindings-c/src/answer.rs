//! Answers handed to C as JSON text, and the accessors that read their key
//! values without any JSON parsing on the host's side: a created or updated
//! profile's customer ID and id, a case's number and status, a contact's
//! id, a merge's id, a record's version, an intake's decision. The values are taken from the
//! answer when it is handed out and belong to the answer string: they stay
//! valid until `casebook_string_free` frees it.

use crate::args::{c_string_lossy, invalid};
use crate::panic::guard;
use crate::registry;
use crate::status_codes::casebook_status;
use casebook::Error;
use serde_json::Value;
use std::ffi::{c_char, CString};

/// The top-level answer keys C may read, in [`Answer::fields`] order.
const KEYS: [&str; 6] = [
    "id",
    "customer_id",
    "number",
    "status",
    "merge_id",
    "decision",
];

/// An answer string and the key values read from it.
pub(crate) struct Answer {
    text: CString,
    fields: [Option<CString>; KEYS.len()],
    version: Option<u64>,
}

impl Answer {
    /// Plain text (no key values).
    pub(crate) fn text(text: CString) -> Answer {
        Answer {
            text,
            fields: Default::default(),
            version: None,
        }
    }

    /// The answer `value` as text, with its key values.
    pub(crate) fn json(value: &Value) -> Result<Answer, Error> {
        let text = serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))?;
        let text =
            CString::new(text).map_err(|_| Error::Internal("an answer holds a NUL byte".into()))?;
        let string = |key: &str| {
            let found = match key {
                // An intake outcome names its case as `case_number`.
                "number" => value.get("number").or_else(|| value.get("case_number")),
                _ => value.get(key),
            };
            found
                .and_then(Value::as_str)
                .map(|s| c_string_lossy(s.to_string()))
        };
        Ok(Answer {
            text,
            fields: KEYS.map(string),
            version: value.get("version").and_then(Value::as_u64),
        })
    }

    /// The text's first byte.
    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.text.as_ptr()
    }
}

/// Writes key `key` (an index into [`KEYS`]) of `answer` to `out`.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn read_field(
    answer: *const c_char,
    key: usize,
    what: &str,
    out: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        // SAFETY: this function's contract.
        let out = unsafe { crate::args::Out::new(out, "out") }?;
        let found = registry::with_text(answer as usize, |a| {
            a.fields[key].as_ref().map(|s| s.as_ptr())
        })
        .ok_or_else(not_an_answer)?;
        out.write(found.ok_or_else(|| invalid(format!("this answer has no {what}")))?);
        Ok(())
    })
}

fn not_an_answer() -> Error {
    invalid("not a string handed out by casebook (or already freed)")
}

/// The internal `id` of the profile, case or contact in `answer` (a string
/// handed out by `casebook_create_profile`, `casebook_update_profile`,
/// `casebook_create_case`, `casebook_log_contact`, ...). `*out` belongs to
/// the answer: valid until `casebook_string_free(answer)`; do not free it.
/// An answer without an id gives `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_id(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 0, "id", out)
}

/// The customer ID (`C-000001`) of the profile in `answer`; borrowed like
/// `casebook_answer_id`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_customer_id(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 1, "customer ID (it is not a profile)", out)
}

/// The case number (`CS0001001`) of the case in `answer` (a case, or the
/// case an intake outcome joined or opened); borrowed like `casebook_answer_id`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_case_number(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 2, "case number (it is not a case)", out)
}

/// The status (`"new"`, `"in_progress"`, ...) of the case in `answer`;
/// borrowed like `casebook_answer_id`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_case_status(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 3, "status (it is not a case)", out)
}

/// The merge id of the merge outcome in `answer` (what `casebook_unmerge`
/// takes); borrowed like `casebook_answer_id`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_merge_id(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 4, "merge id (it is not a merge outcome)", out)
}

/// The `version` of the profile or case in `answer` (what the update
/// functions take).
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_version(
    answer: *const c_char,
    out_version: *mut u64,
) -> casebook_status {
    guard(|| {
        let out = crate::args::Out::new(out_version, "out_version")?;
        let version = registry::with_text(answer as usize, |a| a.version)
            .ok_or_else(not_an_answer)?
            .ok_or_else(|| invalid("this answer has no version"))?;
        out.write(version);
        Ok(())
    })
}

/// The decision of an intake outcome (`"joined"`, `"opened"` or
/// `"logged"`) in `answer` (from `casebook_intake`); borrowed like
/// `casebook_answer_id`.
#[no_mangle]
pub unsafe extern "C" fn casebook_answer_decision(
    answer: *const c_char,
    out: *mut *const c_char,
) -> casebook_status {
    read_field(answer, 5, "decision (it is not an intake outcome)", out)
}
