//! A recognition result with its strings prepared for C, so the accessors
//! on the hot path hand out borrowed pointers without allocating.

use crate::status::c_string_lossy;
use casebook::Recognition;
use std::ffi::CString;

/// What recognition found, as `casebook_recognition_kind` reports it (the
/// `outcome` of the JSON form).
#[repr(u32)]
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
}

/// One open case of a known caller, as C reads it.
pub(crate) struct OpenCase {
    pub(crate) number: CString,
    pub(crate) short_description: CString,
}

/// A recognition and its C strings.
pub(crate) struct Recognized {
    pub(crate) recognition: Recognition,
    pub(crate) kind: casebook_recognition_outcome,
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) open_cases: Vec<OpenCase>,
}

impl Recognized {
    pub(crate) fn new(recognition: Recognition) -> Recognized {
        let (kind, candidates, open_cases) = match &recognition {
            Recognition::Unknown { .. } => (casebook_recognition_outcome::Unknown, vec![], vec![]),
            Recognition::Known {
                summary,
                open_cases,
                ..
            } => (
                casebook_recognition_outcome::Known,
                vec![Candidate {
                    customer_id: c_string_lossy(summary.customer_id.clone()),
                    display_name: c_string_lossy(summary.display_name.clone()),
                    // The listed cases, so the count always matches what can be read.
                    open_case_count: open_cases.len(),
                }],
                open_cases
                    .iter()
                    .map(|c| OpenCase {
                        number: c_string_lossy(c.number.clone()),
                        short_description: c_string_lossy(c.short_description.clone()),
                    })
                    .collect(),
            ),
            Recognition::Several { candidates } => (
                casebook_recognition_outcome::Several,
                candidates
                    .iter()
                    .map(|s| Candidate {
                        customer_id: c_string_lossy(s.customer_id.clone()),
                        display_name: c_string_lossy(s.display_name.clone()),
                        open_case_count: s.open_cases,
                    })
                    .collect(),
                vec![],
            ),
        };
        Recognized {
            recognition,
            kind,
            candidates,
            open_cases,
        }
    }
}
