//! The thread-local last error behind `casebook_last_error_message` and
//! `casebook_last_error_json`. The status enum itself is generated from the
//! core's error table (`status_codes.rs`).

use crate::args::c_string_lossy;
use casebook::Error;
use std::cell::RefCell;
use std::ffi::{c_char, CString};

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

/// Frees this thread's last error (`casebook_shutdown`).
pub(crate) fn release_last_error() {
    clear_last_error();
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
    use crate::status_codes::casebook_status;
    use crate::status_render::{render_status_codes, STATUS_CODES_PATH};
    use casebook::ErrorCode;

    #[test]
    fn statuses_are_the_core_codes() {
        for code in ErrorCode::ALL {
            assert_eq!(casebook_status::from(code) as u32, code.as_u32(), "{code}");
        }
        assert_eq!(casebook_status::Ok as u32, 0);
    }

    /// `status_codes.rs` is what the core's table renders to;
    /// `CASEBOOK_BLESS=1` rewrites it instead of failing.
    #[test]
    fn status_codes_file_is_generated_from_the_core_table() {
        let expected = render_status_codes();
        let path = format!("{}/{STATUS_CODES_PATH}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("CASEBOOK_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &expected).expect("rewrite status_codes.rs");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{STATUS_CODES_PATH} is stale: run `make -C bindings-c status-codes` \
             (or CASEBOOK_BLESS=1 cargo test -p casebook-c) and commit it"
        );
    }
}
