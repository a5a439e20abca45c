//! Handles through the C functions: lookups instead of trust.

use super::*;
use crate::library::{casebook_last_error_message, casebook_string_free};
use std::ffi::CStr;

fn text(ptr: *const c_char) -> String {
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn handles_and_strings_are_checked_not_trusted() {
    unsafe {
        let mut cb: *mut casebook_t = std::ptr::null_mut();
        assert_eq!(
            casebook_open_memory(c"{}".as_ptr(), &mut cb),
            casebook_status::Ok
        );
        let mut out: *mut c_char = std::ptr::null_mut();
        assert_eq!(
            casebook_call(cb, c"templates".as_ptr(), std::ptr::null(), &mut out),
            casebook_status::Ok
        );
        assert_eq!(text(out), "[]");
        assert_eq!(casebook_string_free(out), casebook_status::Ok);
        assert_eq!(casebook_string_free(out), casebook_status::InvalidInput);
        // A handle passed where a string is expected, and the other way round.
        assert_eq!(
            casebook_string_free(cb.cast()),
            casebook_status::InvalidInput
        );
        assert_eq!(casebook_free(cb), casebook_status::Ok);
        assert_eq!(casebook_free(cb), casebook_status::InvalidInput);
        assert!(text(casebook_last_error_message()).contains("already freed"));
        assert_eq!(
            casebook_call(cb, c"templates".as_ptr(), std::ptr::null(), &mut out),
            casebook_status::InvalidInput
        );
    }
}
