//! The details of a recognition a telephony host shows without JSON
//! parsing: the extension and whether the caller withheld their identity,
//! the unknown caller's normalised address and draft contact points, the
//! known caller's recent contacts and linked CRM records, and each
//! profile's most urgent open case. Strings belong to the recognition: valid until
//! `casebook_recognition_free`; do not free them. Out-parameters marked
//! optional may be NULL.

use crate::args::{invalid, Out};
use crate::casebook_recognition_t;
use crate::panic::guard;
use crate::recognition::{casebook_recognition_outcome, recognition_of, Recognized};
use crate::status_codes::casebook_status;
use casebook::Error;
use std::ffi::{c_char, CString};

/// Item `index` of `items`, or an out-of-range error naming `what`.
fn at<'a, T>(items: &'a [T], index: usize, what: &str) -> Result<&'a T, Error> {
    items.get(index).ok_or_else(|| {
        invalid(format!(
            "{what} index {index} is out of range (there are {})",
            items.len()
        ))
    })
}

/// Writes `value` to an optional out-parameter.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn put(out: *mut *const c_char, value: &CString) {
    // SAFETY: this function's contract.
    if let Some(out) = unsafe { Out::optional(out) } {
        out.write(value.as_ptr());
    }
}

/// Checks the outcome is `want`, naming what needs it.
fn require(rec: &Recognized, want: casebook_recognition_outcome, what: &str) -> Result<(), Error> {
    if rec.kind == want {
        Ok(())
    } else {
        Err(invalid(format!("{what} (the outcome is {:?})", rec.kind)))
    }
}

/// The unknown caller's normalised address, the matching key recognition
/// looked up (`phone:+447400123456`, `email:ada@example.org`). Only for
/// outcome UNKNOWN; an address that could not be normalised has no key and
/// gives `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_key(
    rec: *const casebook_recognition_t,
    out: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out, "out")?;
        let rec = recognition_of(rec)?;
        require(
            &rec,
            casebook_recognition_outcome::Unknown,
            "the key is given only for an unknown caller",
        )?;
        let key = rec
            .key
            .as_ref()
            .ok_or_else(|| invalid("the address could not be normalised, so it has no key"))?;
        out.write(key.as_ptr());
        Ok(())
    })
}

/// The extension the caller dialled from (`tel:...;ext=12`,
/// `020 7946 0958 x12`), kept apart from the number, for any outcome; NULL
/// when the identity carried none.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_extension(
    rec: *const casebook_recognition_t,
    out: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out, "out")?;
        let rec = recognition_of(rec)?;
        out.write(
            rec.extension
                .as_ref()
                .map_or(std::ptr::null(), |e| e.as_ptr()),
        );
        Ok(())
    })
}

/// Whether the caller withheld their identity (`anonymous@anonymous.invalid`,
/// `sip:anonymous@...`, `restricted`): the outcome is then UNKNOWN with an
/// empty draft, and such a caller is never matched to a profile.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_withheld(
    rec: *const casebook_recognition_t,
    out_withheld: *mut bool,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_withheld, "out_withheld")?;
        out.write(recognition_of(rec)?.withheld);
        Ok(())
    })
}

/// Number of contact points in the unknown caller's pre-filled draft (0 for
/// other outcomes).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_draft_contact_count(
    rec: *const casebook_recognition_t,
    out_count: *mut usize,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_count, "out_count")?;
        out.write(recognition_of(rec)?.draft_contacts.len());
        Ok(())
    })
}

/// Contact point `index` of the unknown caller's draft: its kind (`"phone"`,
/// `"email"`, ...) and value as received (optional out-parameters).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_draft_contact(
    rec: *const casebook_recognition_t,
    index: usize,
    out_kind: *mut *const c_char,
    out_value: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let rec = recognition_of(rec)?;
        let point = at(&rec.draft_contacts, index, "draft contact")?;
        put(out_kind, &point.kind);
        put(out_value, &point.value);
        Ok(())
    })
}

/// Number of recent contacts listed for a known caller (0 for other outcomes).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_recent_contact_count(
    rec: *const casebook_recognition_t,
    out_count: *mut usize,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_count, "out_count")?;
        out.write(recognition_of(rec)?.recent_contacts.len());
        Ok(())
    })
}

/// Recent contact `index` of a known caller (most recent first): its id,
/// channel (`"voice"`, ...), start (RFC 3339, UTC) and summary (optional
/// out-parameters).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_recent_contact(
    rec: *const casebook_recognition_t,
    index: usize,
    out_id: *mut *const c_char,
    out_channel: *mut *const c_char,
    out_started_at: *mut *const c_char,
    out_summary: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let rec = recognition_of(rec)?;
        let contact = at(&rec.recent_contacts, index, "recent contact")?;
        put(out_id, &contact.id);
        put(out_channel, &contact.channel);
        put(out_started_at, &contact.started_at);
        put(out_summary, &contact.summary);
        Ok(())
    })
}

/// Status (`"new"`, `"in_progress"`, ...) of open case `case_index` of a
/// known caller, beside `casebook_recognition_open_case`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_open_case_status(
    rec: *const casebook_recognition_t,
    case_index: usize,
    out_status: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_status, "out_status")?;
        let rec = recognition_of(rec)?;
        require(
            &rec,
            casebook_recognition_outcome::Known,
            "open cases are listed only for a known caller",
        )?;
        out.write(at(&rec.open_cases, case_index, "case")?.status.as_ptr());
        Ok(())
    })
}

/// The most urgent open case of profile `index`: number, title (one-line
/// description) and status (optional out-parameters), for a known caller
/// and for each profile of outcome SEVERAL (a household choosing who is
/// calling). A profile without open cases gives `CASEBOOK_STATUS_NOT_FOUND`;
/// an UNKNOWN outcome has no profiles (`CASEBOOK_STATUS_INVALID_INPUT`).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_urgent_case(
    rec: *const casebook_recognition_t,
    index: usize,
    out_number: *mut *const c_char,
    out_title: *mut *const c_char,
    out_status: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let rec = recognition_of(rec)?;
        let profile = at(&rec.candidates, index, "profile")?;
        let case = profile
            .urgent_case
            .as_ref()
            .ok_or_else(|| Error::NotFound {
                entity: casebook::Entity::Case,
                id: format!("open case of {}", profile.customer_id.to_string_lossy()),
            })?;
        put(out_number, &case.number);
        put(out_title, &case.short_description);
        put(out_status, &case.status);
        Ok(())
    })
}

/// Number of external (CRM) records linked to a known caller (0 for the
/// other outcomes): what the agent's CRM pane opens.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_external_record_count(
    rec: *const casebook_recognition_t,
    out_count: *mut usize,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_count, "out_count")?;
        out.write(recognition_of(rec)?.external_records.len());
        Ok(())
    })
}

/// External record `index` linked to a known caller, in the order linked:
/// its system (`"salesforce"`), record type (`"contact"`), id there and
/// display name (empty when it has none); optional out-parameters.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_external_record(
    rec: *const casebook_recognition_t,
    index: usize,
    out_system: *mut *const c_char,
    out_record_type: *mut *const c_char,
    out_external_id: *mut *const c_char,
    out_display_name: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let rec = recognition_of(rec)?;
        let record = at(&rec.external_records, index, "external record")?;
        put(out_system, &record.system);
        put(out_record_type, &record.record_type);
        put(out_external_id, &record.external_id);
        put(out_display_name, &record.display_name);
        Ok(())
    })
}
