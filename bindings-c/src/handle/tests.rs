//! Handles through the C functions: lookups instead of trust, and no
//! poisoned handle after a panic inside a store transaction.

use super::*;
use crate::library::{casebook_last_error_message, casebook_string_free};
use crate::panic::guard;
use crate::profiles::{casebook_create_profile, casebook_profile};
use std::ffi::CStr;

fn text(ptr: *const c_char) -> String {
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// Runs `op` with `args` and answers the JSON, failing the test on an error.
fn call(cb: *const casebook_t, op: &CStr, args: &CStr) -> String {
    let mut out: *mut c_char = std::ptr::null_mut();
    let status = unsafe { casebook_call(cb, op.as_ptr(), args.as_ptr(), &mut out) };
    assert_eq!(
        status,
        casebook_status::Ok,
        "{op:?}: {}",
        text(casebook_last_error_message())
    );
    let answer = text(out);
    assert_eq!(unsafe { casebook_string_free(out) }, casebook_status::Ok);
    answer
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

/// A panic inside a read and inside a write transaction of the handle's
/// store, caught by the boundary: `CASEBOOK_STATUS_INTERNAL`, the write
/// rolled back, and the same handle reads and writes afterwards.
fn survives_a_panic_in_a_transaction(cb: *mut casebook_t) {
    let engine = engine_of(cb).expect("a live handle");
    let status = guard(|| {
        engine.store().write(&mut |tx| {
            // Written, then lost with the panic: the customer IDs go on at C-000001.
            tx.next_sequence("customer_id")?;
            panic!("boom inside a write transaction")
        })
    });
    assert_eq!(status, casebook_status::Internal);
    assert!(text(casebook_last_error_message()).contains("boom inside a write"));
    let status = guard(|| {
        engine
            .store()
            .read(&mut |_| panic!("boom inside a read transaction"))
    });
    assert_eq!(status, casebook_status::Internal);
    drop(engine);

    let mut out: *mut c_char = std::ptr::null_mut();
    let input = c"{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\"}";
    let status =
        unsafe { casebook_create_profile(cb, c"ivr".as_ptr(), input.as_ptr(), false, &mut out) };
    assert_eq!(
        status,
        casebook_status::Ok,
        "{}",
        text(casebook_last_error_message())
    );
    assert!(text(out).contains("\"customer_id\":\"C-000001\""));
    assert_eq!(unsafe { casebook_string_free(out) }, casebook_status::Ok);
    let status = unsafe { casebook_profile(cb, c"C-000001".as_ptr(), &mut out) };
    assert_eq!(status, casebook_status::Ok);
    assert!(text(out).contains("Lovelace"));
    assert_eq!(unsafe { casebook_string_free(out) }, casebook_status::Ok);
    assert_eq!(call(cb, c"check_invariants", c""), "[]");

    // Again, now that the store holds data, and from another thread.
    let key = cb as usize;
    std::thread::spawn(move || {
        let engine = engine_of(key as *const casebook_t).expect("a live handle");
        let status = guard(|| {
            engine
                .store()
                .write(&mut |_| panic!("boom on another thread"))
        });
        assert_eq!(status, casebook_status::Internal);
    })
    .join()
    .expect("the panic stays inside the boundary");
    let found = call(cb, c"find_profiles", c"{\"query\": {\"name\": \"ada\"}}");
    assert!(found.contains("C-000001"), "{found}");
}

#[test]
fn a_memory_handle_survives_a_panic_in_a_transaction() {
    let mut cb: *mut casebook_t = std::ptr::null_mut();
    let status = unsafe { casebook_open_memory(std::ptr::null(), &mut cb) };
    assert_eq!(status, casebook_status::Ok);
    survives_a_panic_in_a_transaction(cb);
    assert_eq!(unsafe { casebook_free(cb) }, casebook_status::Ok);
}

#[test]
fn a_sqlite_handle_survives_a_panic_in_a_transaction() {
    let dir = std::env::temp_dir().join(format!("casebook-c-panic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = std::ffi::CString::new(dir.join("panic.db").to_string_lossy().into_owned())
        .expect("a path without NUL");
    let mut cb: *mut casebook_t = std::ptr::null_mut();
    let status = unsafe { casebook_open_sqlite(path.as_ptr(), std::ptr::null(), &mut cb) };
    assert_eq!(
        status,
        casebook_status::Ok,
        "{}",
        text(casebook_last_error_message())
    );
    survives_a_panic_in_a_transaction(cb);
    assert_eq!(unsafe { casebook_free(cb) }, casebook_status::Ok);
    // The file holds what was committed, and nothing of the panicked writes.
    let status = unsafe { casebook_open_sqlite(path.as_ptr(), std::ptr::null(), &mut cb) };
    assert_eq!(status, casebook_status::Ok);
    assert!(call(cb, c"profile", c"{\"ref\": \"C-000001\"}").contains("Lovelace"));
    assert_eq!(unsafe { casebook_free(cb) }, casebook_status::Ok);
    let _ = std::fs::remove_dir_all(&dir);
}
