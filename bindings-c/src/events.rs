//! The event outbox: what changed, in commit order, for the host to
//! deliver (a mailer, a CRM connector). Each event has a `seq` (the cursor)
//! and a `key` (for idempotent delivery); consumers acknowledge by name.

use crate::args::{arg_str, with_limit};
use crate::casebook_t;
use crate::handle::operation;
use crate::status_codes::casebook_status;
use serde_json::{json, Map};
use std::ffi::c_char;

/// The events after sequence number `cursor` (0: from the first), at most
/// `limit` (0: 100; at most 1,000), in order, as a JSON array of `{seq,
/// key, kind, subject, at, actor, payload}`. Keep the last `seq` handled
/// as the cursor, or let the library keep it per consumer
/// (`casebook_events_for`, `casebook_acknowledge_events`).
#[no_mangle]
pub unsafe extern "C" fn casebook_events_after(
    handle: *const casebook_t,
    cursor: u64,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "events_after", out_json, || {
        let mut args = Map::new();
        args.insert("cursor".into(), json!(cursor));
        Ok(with_limit(args, limit))
    })
}

/// The events `consumer` has not acknowledged yet, in order, at most
/// `limit` (0: 100), as a JSON array. After a crash the same events (with
/// the same keys) come back until they are acknowledged.
#[no_mangle]
pub unsafe extern "C" fn casebook_events_for(
    handle: *const casebook_t,
    consumer: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "events_for", out_json, || {
        let mut args = Map::new();
        args.insert("consumer".into(), json!(arg_str(consumer, "consumer")?));
        Ok(with_limit(args, limit))
    })
}

/// Records that `consumer` has handled every event up to `seq`; answers
/// `{name, acknowledged, last}`. A lower `seq` than already acknowledged
/// changes nothing; one beyond the last event is `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_acknowledge_events(
    handle: *const casebook_t,
    consumer: *const c_char,
    seq: u64,
    out_json: *mut *mut c_char,
) -> casebook_status {
    operation(handle, "acknowledge_events", out_json, || {
        Ok(json!({"consumer": arg_str(consumer, "consumer")?, "seq": seq}))
    })
}
