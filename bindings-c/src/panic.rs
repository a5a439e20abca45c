//! The panic boundary: every extern function runs its body through
//! [`guard`] or [`guard_ptr`], so no Rust panic unwinds into C.

use crate::status::{clear_last_error, set_last_error};
use crate::status_codes::casebook_status;
use casebook::Error;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// The boundary of every status-returning function: clears the last error,
/// runs `body`, and turns an error or a panic into a status with the last
/// error set.
pub(crate) fn guard<F>(body: F) -> casebook_status
where
    F: FnOnce() -> Result<(), Error>,
{
    clear_last_error();
    // Unwind safety: the engine and its stores keep themselves consistent
    // across a panic (a write rolls back, locks ignore poisoning), and
    // the registry is never locked while a body runs.
    let error = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return casebook_status::Ok,
        Ok(Err(error)) => error,
        Err(payload) => Error::Internal(format!("panic: {}", panic_message(&*payload))),
    };
    // Reporting must not unwind into C either.
    let reported = catch_unwind(AssertUnwindSafe(|| set_last_error(&error)));
    if reported.is_err() {
        return casebook_status::Internal;
    }
    error.code().into()
}

/// The boundary of functions that return a pointer instead of a status:
/// a panic gives "".
pub(crate) fn guard_ptr<F>(body: F) -> *const c_char
where
    F: FnOnce() -> *const c_char,
{
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(c"".as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::last_error_ptr;
    use std::ffi::CStr;

    fn last_error(json: bool) -> String {
        unsafe { CStr::from_ptr(last_error_ptr(json)) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn panics_become_internal_errors() {
        let status = guard(|| panic!("boom"));
        assert_eq!(status, casebook_status::Internal);
        assert!(last_error(false).contains("boom"));
        assert!(last_error(true).contains("\"code\":\"internal\""));
        assert_eq!(guard(|| Ok(())), casebook_status::Ok);
        assert_eq!(last_error(false), "");
    }

    #[test]
    fn errors_become_their_status() {
        let status = guard(|| Err(Error::InvalidInput("no".into())));
        assert_eq!(status, casebook_status::InvalidInput);
        assert!(last_error(true).contains("\"status\":1"));
        let empty = unsafe { CStr::from_ptr(guard_ptr(|| panic!("boom"))) };
        assert_eq!(empty.to_bytes(), b"");
    }
}
