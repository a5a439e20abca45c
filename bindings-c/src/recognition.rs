//! Recognition of an incoming contact, and the `casebook_recognition_t`
//! it answers: the result with its strings prepared for C, so the accessors
//! on the hot path hand out borrowed pointers without allocating.

use crate::args::{arg_str, c_string_lossy, invalid, Out};
use crate::handle::{engine_of, too_many};
use crate::panic::guard;
use crate::registry;
use crate::status_codes::casebook_status;
use crate::{casebook_recognition_t, casebook_t};
use casebook::{CaseSummary, Channel, Error, Recognition};
use serde_json::Value;
use std::ffi::{c_char, CString};
use std::sync::Arc;

/// What recognition found, as `casebook_recognition_kind` reports it (the
/// `outcome` of the JSON form). A C enum (int-sized).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum casebook_recognition_outcome {
    /// No profile has the address; the JSON holds a pre-filled draft.
    Unknown = 0,
    /// Exactly one profile (index 0), with its open cases.
    Known = 1,
    /// Several profiles share the address (a household landline): the agent chooses.
    Several = 2,
}

/// One recognised profile, as C reads it.
pub(crate) struct Candidate {
    pub(crate) customer_id: CString,
    pub(crate) display_name: CString,
    pub(crate) open_case_count: usize,
    /// Its most urgent open case, if it has one.
    pub(crate) urgent_case: Option<OpenCase>,
}

/// One open case of a known caller, as C reads it.
pub(crate) struct OpenCase {
    pub(crate) number: CString,
    pub(crate) short_description: CString,
    pub(crate) status: CString,
}

/// One recent contact of a known caller, as C reads it.
pub(crate) struct RecentContact {
    pub(crate) id: CString,
    pub(crate) channel: CString,
    pub(crate) started_at: CString,
    pub(crate) summary: CString,
}

/// One external (CRM) record linked to a known caller, as C reads it.
pub(crate) struct LinkedRecord {
    pub(crate) system: CString,
    pub(crate) record_type: CString,
    pub(crate) external_id: CString,
    pub(crate) display_name: CString,
}

/// One contact point of an unknown caller's draft, as C reads it.
pub(crate) struct DraftContact {
    pub(crate) kind: CString,
    pub(crate) value: CString,
}

/// A recognition and its C strings.
pub(crate) struct Recognized {
    pub(crate) recognition: Recognition,
    pub(crate) kind: casebook_recognition_outcome,
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) open_cases: Vec<OpenCase>,
    pub(crate) recent_contacts: Vec<RecentContact>,
    /// The known caller's linked external records.
    pub(crate) external_records: Vec<LinkedRecord>,
    /// The unknown caller's normalised address (matching key), if any.
    pub(crate) key: Option<CString>,
    pub(crate) draft_contacts: Vec<DraftContact>,
    /// The extension the caller dialled from, kept apart from the number.
    pub(crate) extension: Option<CString>,
    /// The caller withheld their identity (outcome UNKNOWN, never matched).
    pub(crate) withheld: bool,
}

/// The serde name of a unit variant (`"voice"`, `"in_progress"`), as C reads it.
fn name_of(value: serde_json::Result<Value>) -> CString {
    let name = value
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    c_string_lossy(name)
}

/// A case summary as C reads it.
fn open_case(case: &CaseSummary) -> OpenCase {
    OpenCase {
        number: text(&case.number),
        short_description: text(&case.short_description),
        status: name_of(serde_json::to_value(case.status)),
    }
}

fn text(s: &str) -> CString {
    c_string_lossy(s.to_string())
}

impl Recognized {
    /// Prepares the strings C reads.
    pub(crate) fn new(recognition: Recognition) -> Recognized {
        let mut rec = Recognized {
            kind: casebook_recognition_outcome::Unknown,
            candidates: vec![],
            open_cases: vec![],
            recent_contacts: vec![],
            external_records: vec![],
            key: None,
            draft_contacts: vec![],
            extension: None,
            withheld: false,
            recognition: Recognition::Several {
                candidates: vec![],
                extension: None,
            },
        };
        let (Recognition::Unknown { extension, .. }
        | Recognition::Known { extension, .. }
        | Recognition::Several { extension, .. }) = &recognition;
        rec.extension = extension.as_deref().map(text);
        match &recognition {
            Recognition::Unknown {
                key,
                draft,
                withheld,
                ..
            } => {
                rec.withheld = *withheld;
                rec.key = key.as_deref().map(text);
                rec.draft_contacts = draft
                    .contact_points
                    .iter()
                    .map(|p| DraftContact {
                        kind: name_of(serde_json::to_value(p.kind)),
                        value: text(&p.value),
                    })
                    .collect();
            }
            Recognition::Known {
                profile,
                summary,
                open_cases,
                recent_contacts,
                ..
            } => {
                rec.external_records = profile
                    .external_records
                    .iter()
                    .filter(|l| l.status == casebook::LinkStatus::Linked)
                    .map(|l| LinkedRecord {
                        system: text(&l.reference.system),
                        record_type: text(&l.reference.record_type),
                        external_id: text(&l.reference.external_id),
                        display_name: text(l.reference.display_name.as_deref().unwrap_or_default()),
                    })
                    .collect();
                rec.kind = casebook_recognition_outcome::Known;
                rec.candidates = vec![Candidate {
                    customer_id: text(&summary.customer_id),
                    display_name: text(&summary.display_name),
                    // The listed cases, so the count always matches what can be read.
                    open_case_count: open_cases.len(),
                    urgent_case: open_cases.first().map(open_case),
                }];
                rec.open_cases = open_cases.iter().map(open_case).collect();
                rec.recent_contacts = recent_contacts
                    .iter()
                    .map(|c| RecentContact {
                        id: text(&c.id.to_string()),
                        channel: name_of(serde_json::to_value(c.channel)),
                        started_at: text(&c.started_at.to_string()),
                        summary: text(&c.summary),
                    })
                    .collect();
            }
            Recognition::Several { candidates, .. } => {
                rec.kind = casebook_recognition_outcome::Several;
                rec.candidates = candidates
                    .iter()
                    .map(|s| Candidate {
                        customer_id: text(&s.customer_id),
                        display_name: text(&s.display_name),
                        open_case_count: s.open_cases,
                        urgent_case: s.most_urgent_case.as_deref().map(open_case),
                    })
                    .collect();
            }
        }
        rec.recognition = recognition;
        rec
    }
}

/// The live recognition behind a pointer.
pub(crate) fn recognition_of(rec: *const casebook_recognition_t) -> Result<Arc<Recognized>, Error> {
    if rec.is_null() {
        return Err(invalid("the recognition handle is NULL"));
    }
    registry::recognition(rec as usize)
        .ok_or_else(|| invalid("not a live recognition handle (never created, or already freed)"))
}

/// Profile `index` of a recognition.
fn candidate_at(rec: &Recognized, index: usize) -> Result<&Candidate, Error> {
    rec.candidates.get(index).ok_or_else(|| {
        invalid(format!(
            "profile index {index} is out of range (the recognition found {})",
            rec.candidates.len()
        ))
    })
}

/// Writes to `out` what `read` takes from profile `index` of a recognition.
///
/// # Safety
/// `out` is NULL or points to writable memory for a `T`.
unsafe fn read_candidate<T>(
    rec: *const casebook_recognition_t,
    index: usize,
    out: *mut T,
    out_name: &str,
    read: impl FnOnce(&Candidate) -> T,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out, out_name)?;
        let rec = recognition_of(rec)?;
        out.write(read(candidate_at(&rec, index)?));
        Ok(())
    })
}

/// Recognises an incoming contact: `channel` is `"voice"`, `"sms"`,
/// `"email"`, `"chat"`, `"social"` or `"web"`, `address` the caller's number,
/// e-mail address or handle as received. On success `*out` is a recognition
/// to read with the `casebook_recognition_*` accessors and free with
/// `casebook_recognition_free`. The full answer is also available as JSON
/// (`casebook_recognition_json`, or `casebook_call` with `"recognize"`).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognize(
    handle: *const casebook_t,
    channel: *const c_char,
    address: *const c_char,
    out: *mut *mut casebook_recognition_t,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out, "out")?;
        let channel = arg_str(channel, "channel")?;
        let address = arg_str(address, "address")?;
        // The engine's own names for channels, through its serde definitions.
        let channel: Channel = serde_json::from_value(Value::String(channel.to_string()))
            .map_err(|e| invalid(format!("`channel`: {e}")))?;
        let engine = engine_of(handle)?;
        let recognized = Recognized::new(engine.recognize(channel, address)?);
        let key = registry::add_recognition(Arc::new(recognized)).ok_or_else(too_many)?;
        out.write(key as *mut casebook_recognition_t);
        Ok(())
    })
}

/// What the recognition found: unknown caller, one profile, or several.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_kind(
    rec: *const casebook_recognition_t,
    out_kind: *mut casebook_recognition_outcome,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_kind, "out_kind")?;
        out.write(recognition_of(rec)?.kind);
        Ok(())
    })
}

/// Number of profiles found: 0 (unknown), 1 (known) or more (several).
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_count(
    rec: *const casebook_recognition_t,
    out_count: *mut usize,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_count, "out_count")?;
        out.write(recognition_of(rec)?.candidates.len());
        Ok(())
    })
}

/// Customer ID of profile `index` (0-based, below the count). The string
/// belongs to the recognition: valid until `casebook_recognition_free`; do
/// not free it.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_customer_id(
    rec: *const casebook_recognition_t,
    index: usize,
    out: *mut *const c_char,
) -> casebook_status {
    // The recognition owns the string; C borrows it until the free.
    read_candidate(rec, index, out, "out", |c| c.customer_id.as_ptr())
}

/// Display name of profile `index`. The string belongs to the recognition:
/// valid until `casebook_recognition_free`; do not free it.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_display_name(
    rec: *const casebook_recognition_t,
    index: usize,
    out: *mut *const c_char,
) -> casebook_status {
    read_candidate(rec, index, out, "out", |c| c.display_name.as_ptr())
}

/// Number of open cases of profile `index`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_open_case_count(
    rec: *const casebook_recognition_t,
    index: usize,
    out_count: *mut usize,
) -> casebook_status {
    read_candidate(rec, index, out_count, "out_count", |c| c.open_case_count)
}

/// Number and one-line description of open case `case_index` of a known
/// caller (most urgent first; below `casebook_recognition_open_case_count(rec, 0)`).
/// Only a known caller's cases are listed: for other outcomes this gives
/// `CASEBOOK_STATUS_INVALID_INPUT`. Either out-parameter may be NULL. The
/// strings belong to the recognition: valid until `casebook_recognition_free`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_open_case(
    rec: *const casebook_recognition_t,
    case_index: usize,
    out_number: *mut *const c_char,
    out_short_description: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let rec = recognition_of(rec)?;
        if rec.kind != casebook_recognition_outcome::Known {
            return Err(invalid(
                "open cases are listed only for a known caller (outcome KNOWN)",
            ));
        }
        let case = rec.open_cases.get(case_index).ok_or_else(|| {
            invalid(format!(
                "case index {case_index} is out of range (the caller has {} open case(s))",
                rec.open_cases.len()
            ))
        })?;
        if let Some(out) = Out::optional(out_number) {
            out.write(case.number.as_ptr());
        }
        if let Some(out) = Out::optional(out_short_description) {
            out.write(case.short_description.as_ptr());
        }
        Ok(())
    })
}

/// The whole recognition as JSON (`outcome` `"unknown"` with a pre-filled
/// draft, `"known"` with profile, summary, open cases and recent contacts, or
/// `"several"` with candidates). Free it with `casebook_string_free`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_json(
    rec: *const casebook_recognition_t,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out_json, "out_json")?;
        let rec = recognition_of(rec)?;
        let text =
            serde_json::to_string(&rec.recognition).map_err(|e| Error::Internal(e.to_string()))?;
        out.hand_out(text)
    })
}

/// Frees a recognition. NULL is fine; an unknown or already freed one gives
/// `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_free(
    rec: *mut casebook_recognition_t,
) -> casebook_status {
    guard(|| {
        if rec.is_null() || registry::remove(rec as usize, registry::Kind::Recognition) {
            Ok(())
        } else {
            Err(invalid(
                "not a live recognition handle (never created, or already freed)",
            ))
        }
    })
}
