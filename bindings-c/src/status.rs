//! Status codes and the thread-local last error behind
//! `casebook_last_error_message` and `casebook_last_error_json`.

use crate::args::c_string_lossy;
use casebook::{Error, ErrorCode};
use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// Result of every call that can fail. The numbers are the engine's stable
/// error codes: they never change, and a retired number stays reserved.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum casebook_status {
    /// Success.
    Ok = 0,
    /// Malformed input: a NULL or non-UTF-8 argument, bad JSON, a bad id,
    /// an unknown or already freed handle or string.
    InvalidInput = 1,
    /// A record broke template or domain rules; `casebook_last_error_json`
    /// lists every field problem.
    ValidationFailed = 2,
    /// A template definition is inconsistent.
    InvalidTemplate = 3,
    /// The referenced profile, case, contact or template does not exist.
    NotFound = 4,
    /// The record was changed by someone else since the given version.
    Conflict = 5,
    /// The case state machine forbids the requested status change.
    IllegalTransition = 6,
    /// A unique value already exists.
    AlreadyExists = 7,
    /// Creating the profile would probably duplicate existing profiles;
    /// `casebook_last_error_json` lists the candidates.
    DuplicateSuspected = 8,
    /// A merge cannot be undone because merged data changed since.
    UnmergeRefused = 9,
    /// The storage backend failed.
    Storage = 10,
    /// Data written by an incompatible casebook version.
    IncompatibleVersion = 11,
    /// A bug inside casebook (a caught panic, a broken invariant).
    Internal = 12,
    /// The operation is not allowed in the current state.
    InvalidState = 13,
}

impl From<ErrorCode> for casebook_status {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::InvalidInput => casebook_status::InvalidInput,
            ErrorCode::ValidationFailed => casebook_status::ValidationFailed,
            ErrorCode::InvalidTemplate => casebook_status::InvalidTemplate,
            ErrorCode::NotFound => casebook_status::NotFound,
            ErrorCode::Conflict => casebook_status::Conflict,
            ErrorCode::IllegalTransition => casebook_status::IllegalTransition,
            ErrorCode::AlreadyExists => casebook_status::AlreadyExists,
            ErrorCode::DuplicateSuspected => casebook_status::DuplicateSuspected,
            ErrorCode::UnmergeRefused => casebook_status::UnmergeRefused,
            ErrorCode::Storage => casebook_status::Storage,
            ErrorCode::IncompatibleVersion => casebook_status::IncompatibleVersion,
            ErrorCode::Internal => casebook_status::Internal,
            ErrorCode::InvalidState => casebook_status::InvalidState,
        }
    }
}

struct LastError {
    message: CString,
    json: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records `error` as this thread's last error.
pub(crate) fn set_last_error(error: &Error) {
    let last = LastError {
        message: c_string_lossy(error.to_string()),
        // serde_json escapes NUL, so the JSON never holds one.
        json: c_string_lossy(error.to_json().to_string()),
    };
    // Fails only while the thread is being torn down: nothing to report to then.
    let _ = LAST_ERROR.try_with(|cell| *cell.borrow_mut() = Some(last));
}

/// Forgets this thread's last error (every call starts with this).
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = None;
        }
    });
}

/// Pointer to the last error's message or JSON, or to "" when there is none.
pub(crate) fn last_error_ptr(json: bool) -> *const c_char {
    LAST_ERROR
        .try_with(|cell| match &*cell.borrow() {
            Some(last) if json => last.json.as_ptr(),
            Some(last) => last.message.as_ptr(),
            None => c"".as_ptr(),
        })
        .unwrap_or(c"".as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_core_codes() {
        for code in ErrorCode::ALL {
            assert_eq!(casebook_status::from(code) as u32, code.as_u32(), "{code}");
        }
        assert_eq!(casebook_status::Ok as u32, 0);
    }
}
