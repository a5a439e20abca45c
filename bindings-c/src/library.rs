//! Library-wide functions: version, status names, the last error, freeing
//! strings, counting live objects, listing operations.

use crate::args::{c_string_lossy, invalid, Out};
use crate::panic::{guard, guard_ptr};
use crate::registry;
use crate::status::{last_error_ptr, release_last_error};
use crate::status_codes::casebook_status;
use casebook::ErrorCode;
use serde_json::json;
use std::ffi::{c_char, CString};
use std::sync::LazyLock;

/// The library version (static string, never freed).
#[no_mangle]
pub extern "C" fn casebook_version() -> *const c_char {
    guard_ptr(|| concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

/// The textual code of a status (`"ok"`, `"not_found"`, ...; `"unknown"` for
/// a number that is not a status). Static string, never freed.
#[no_mangle]
pub extern "C" fn casebook_status_name(status: u32) -> *const c_char {
    // The core's names, made C strings once.
    static NAMES: LazyLock<Vec<(ErrorCode, CString)>> = LazyLock::new(|| {
        ErrorCode::ALL
            .iter()
            .map(|c| (*c, c_string_lossy(c.as_str().to_string())))
            .collect()
    });
    guard_ptr(|| {
        if status == 0 {
            return c"ok".as_ptr();
        }
        NAMES
            .iter()
            .find(|(code, _)| code.as_u32() == status)
            .map_or(c"unknown".as_ptr(), |(_, name)| name.as_ptr())
    })
}

/// The message of the last failed call on this thread, or "" when the last
/// call succeeded. Owned by the library: valid until the next casebook call
/// on this thread; do not free it.
#[no_mangle]
pub extern "C" fn casebook_last_error_message() -> *const c_char {
    guard_ptr(|| last_error_ptr(false))
}

/// The last failed call on this thread as JSON, or "" when the last call
/// succeeded: `{"code": "validation_failed", "status": 2, "message": ...}`
/// plus `field_errors` (every field problem, for validation failures),
/// `candidates` (for suspected duplicates) or `storage_kind` (for storage
/// failures). Owned by the library: valid until the next casebook call on
/// this thread; do not free it.
#[no_mangle]
pub extern "C" fn casebook_last_error_json() -> *const c_char {
    guard_ptr(|| last_error_ptr(true))
}

/// Frees a string handed out by casebook (never `free()`). NULL is fine;
/// a pointer that casebook did not hand out, or already freed, gives
/// `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_string_free(text: *mut c_char) -> casebook_status {
    guard(|| {
        if text.is_null() || registry::remove_text(text as usize) {
            Ok(())
        } else {
            Err(invalid(
                "not a string handed out by casebook (or already freed)",
            ))
        }
    })
}

/// Counts the objects casebook has handed out and not yet seen freed: open
/// handles, recognitions and strings. Tests use it to find leaks. Any
/// out-parameter may be NULL.
#[no_mangle]
pub unsafe extern "C" fn casebook_live_objects(
    out_handles: *mut usize,
    out_recognitions: *mut usize,
    out_strings: *mut usize,
) -> casebook_status {
    guard(|| {
        let (handles, recognitions, strings) = registry::live_counts();
        for (out, value) in [
            (out_handles, handles),
            (out_recognitions, recognitions),
            (out_strings, strings),
        ] {
            if let Some(out) = Out::optional(out) {
                out.write(value);
            }
        }
        Ok(())
    })
}

/// Releases what the library keeps for the life of the process: every
/// handle, recognition and string still live (they are freed; a handle kept
/// across the shutdown is refused like any freed one), the registry that
/// tracks them, and the calling thread's last error (other threads' last
/// errors go when those threads end). Call it last, when no other thread is
/// inside a casebook call; after it, what remains (the phone-number metadata
/// and compiled patterns, built once on first use) is still reachable, so
/// valgrind reports no definite leak (see `valgrind.supp` for the possible
/// ones). The library may be used again afterwards.
#[no_mangle]
pub extern "C" fn casebook_shutdown() {
    // Nothing to report to: the last error is being released too.
    let _ = std::panic::catch_unwind(|| {
        registry::release_all();
        release_last_error();
    });
}

/// The names of every operation `casebook_call` understands, as a JSON array.
#[no_mangle]
pub unsafe extern "C" fn casebook_operations(out_json: *mut *mut c_char) -> casebook_status {
    guard(|| Out::new(out_json, "out_json")?.hand_out_json(&json!(casebook::api::OPERATIONS)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(ptr: *const c_char) -> String {
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn header_version_matches_the_crate() {
        let header = include_str!("../include/casebook.h");
        let define = format!("#define CASEBOOK_VERSION \"{}\"", env!("CARGO_PKG_VERSION"));
        assert!(header.contains(&define), "casebook.h lacks {define}");
        assert_eq!(text(casebook_version()), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn status_names_are_the_core_codes() {
        assert_eq!(text(casebook_status_name(0)), "ok");
        for code in ErrorCode::ALL {
            assert_eq!(text(casebook_status_name(code.as_u32())), code.as_str());
        }
        assert_eq!(text(casebook_status_name(u32::MAX)), "unknown");
    }
}
