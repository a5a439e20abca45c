//! C binding of casebook (`libcasebook.a`, `libcasebook.so`, `casebook.h`).
//!
//! The binding only translates: C strings and JSON in, the engine's JSON
//! answers and stable status codes out. Every domain rule stays in the core.
//!
//! Conventions (written once in `casebook.h`):
//! - every function that can fail returns a [`casebook_status`]; results go
//!   through out-parameters (last), written only on success;
//! - strings are NUL-terminated UTF-8; rich records cross as JSON text;
//! - every `char *` handed to C is freed with [`casebook_string_free`];
//! - handles are freed with their own `_free` function; freeing NULL is fine;
//! - pointers from C are used as lookup keys, never dereferenced, so a NULL,
//!   unknown, freed or wrong-type handle, and a double free, give
//!   `CASEBOOK_STATUS_INVALID_INPUT` instead of a crash;
//! - no panic crosses into C: it becomes `CASEBOOK_STATUS_INTERNAL`.
//!
//! # Safety
//!
//! The extern functions are `unsafe` because C cannot prove what they need:
//! string arguments must be NULL or point to NUL-terminated memory, and
//! out-parameters must be NULL or point to writable memory of their type.
//! Handle and string pointers need no validity: they are looked up, not read.
#![warn(missing_docs)]
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

mod recognition;
mod registry;
mod status;

pub use recognition::casebook_recognition_outcome;
pub use status::casebook_status;

use casebook::api::{self, validate_with_template, EngineOptions};
use casebook::store::Store;
use casebook::{
    Casebook, Channel, Clock, Error, MemoryStore, RandomIds, SystemClock, ValidationContext,
};
use recognition::Recognized;
use serde_json::{json, Map, Value};
use status::{guard, guard_ptr, last_error_ptr};
use std::ffi::{c_char, CStr, CString};
use std::sync::Arc;

/// The engine behind a handle: any store, so every store opens into the same handle type.
pub(crate) type Engine = Casebook<Box<dyn Store>>;

// The header promises that handles may be shared between threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<Recognized>();
};

/// An engine over one store. Create it with `casebook_open_memory`, free it
/// with `casebook_free`.
///
/// Thread safety: a handle may be used from any number of threads at once.
/// Freeing it while other threads are inside calls on it is safe: the engine
/// is destroyed when the last of those calls returns, and later calls fail
/// with `CASEBOOK_STATUS_INVALID_INPUT`.
pub struct casebook_t {
    _private: [u8; 0],
}

/// The outcome of `casebook_recognize`, read through the
/// `casebook_recognition_*` accessors and freed with `casebook_recognition_free`.
///
/// Thread safety: immutable, so it may be read from several threads, but it
/// must not be freed while another thread still reads it or uses a string
/// borrowed from it.
pub struct casebook_recognition_t {
    _private: [u8; 0],
}

// ----- argument translation -----

fn invalid(message: String) -> Error {
    Error::InvalidInput(message)
}

/// A required string argument.
unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(invalid(format!("`{name}` is NULL")));
    }
    // SAFETY: the caller passes a NUL-terminated string (see the crate docs).
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| invalid(format!("`{name}` is not valid UTF-8")))
}

/// An optional string argument (NULL: absent).
unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: same contract as `arg_str`.
        unsafe { arg_str(ptr, name) }.map(Some)
    }
}

/// A required JSON argument, parsed.
unsafe fn arg_json(ptr: *const c_char, name: &str) -> Result<Value, Error> {
    // SAFETY: same contract as `arg_str`.
    let text = unsafe { arg_str(ptr, name) }?;
    serde_json::from_str(text).map_err(|e| invalid(format!("`{name}` is not valid JSON: {e}")))
}

/// An out-parameter, checked before any work is done.
fn out_param<T>(ptr: *mut T, name: &str) -> Result<*mut T, Error> {
    if ptr.is_null() {
        Err(invalid(format!("out-parameter `{name}` is NULL")))
    } else {
        Ok(ptr)
    }
}

/// Writes a checked out-parameter.
unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: `out` passed `out_param` and the caller gives writable memory.
    unsafe { out.write(value) }
}

fn engine_of(handle: *const casebook_t) -> Result<Arc<Engine>, Error> {
    if handle.is_null() {
        return Err(invalid("the casebook handle is NULL".into()));
    }
    registry::engine(handle as usize).ok_or_else(|| {
        invalid("not a live casebook handle (never opened, or already freed)".into())
    })
}

fn recognition_of(rec: *const casebook_recognition_t) -> Result<Arc<Recognized>, Error> {
    if rec.is_null() {
        return Err(invalid("the recognition handle is NULL".into()));
    }
    registry::recognition(rec as usize).ok_or_else(|| {
        invalid("not a live recognition handle (never created, or already freed)".into())
    })
}

/// Hands a string to C (freed with `casebook_string_free`).
fn hand_out(text: String) -> Result<*mut c_char, Error> {
    let text =
        CString::new(text).map_err(|_| Error::Internal("an answer holds a NUL byte".into()))?;
    Ok(registry::add_text(text))
}

fn to_json_text(value: &Value) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

/// Runs one JSON operation with named arguments and hands the answer out.
unsafe fn run(
    handle: *const casebook_t,
    op: &str,
    args: Value,
    out_json: *mut *mut c_char,
) -> Result<(), Error> {
    let engine = engine_of(handle)?;
    let answer = api::call(&engine, op, &args)?;
    let text = hand_out(to_json_text(&answer)?)?;
    // SAFETY: callers checked `out_json` with `out_param` first.
    unsafe { put(out_json, text) };
    Ok(())
}

/// `limit` as a named argument: 0 leaves it to the engine's default.
/// The `by` and `input` arguments of a create operation.
unsafe fn by_and_input(by: *const c_char, input_json: *const c_char) -> Result<Value, Error> {
    Ok(json!({"by": arg_str(by, "by")?, "input": arg_json(input_json, "input_json")?}))
}

fn limit_arg(args: &mut Map<String, Value>, limit: usize) {
    if limit > 0 {
        args.insert("limit".into(), json!(limit));
    }
}

// ----- library-wide -----

/// The library version (static string, never freed).
#[no_mangle]
pub extern "C" fn casebook_version() -> *const c_char {
    guard_ptr(|| concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

/// The textual code of a status (`"ok"`, `"not_found"`, ...; `"unknown"` for
/// a number that is not a status). Static string, never freed.
#[no_mangle]
pub extern "C" fn casebook_status_name(status: u32) -> *const c_char {
    guard_ptr(|| {
        if status == 0 {
            return c"ok".as_ptr();
        }
        match casebook::ErrorCode::from_u32(status) {
            Some(code) => status_names()
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, name)| name.as_ptr())
                .unwrap_or(c"unknown".as_ptr()),
            None => c"unknown".as_ptr(),
        }
    })
}

fn status_names() -> &'static [(casebook::ErrorCode, CString)] {
    static NAMES: std::sync::LazyLock<Vec<(casebook::ErrorCode, CString)>> =
        std::sync::LazyLock::new(|| {
            casebook::ErrorCode::ALL
                .iter()
                .map(|c| (*c, status::c_string_lossy(c.as_str().to_string())))
                .collect()
        });
    &NAMES
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
/// plus `field_errors` (every field problem, for validation failures) or
/// `candidates` (for suspected duplicates). Owned by the library: valid until
/// the next casebook call on this thread; do not free it.
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
        if text.is_null() || registry::remove(text as usize, registry::Kind::Text) {
            Ok(())
        } else {
            Err(invalid(
                "not a string handed out by casebook (or already freed)".into(),
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
            if !out.is_null() {
                // SAFETY: non-NULL out-parameters point to writable memory.
                unsafe { put(out, value) };
            }
        }
        Ok(())
    })
}

/// The names of every operation `casebook_call` understands, as a JSON array.
#[no_mangle]
pub unsafe extern "C" fn casebook_operations(out_json: *mut *mut c_char) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let text = hand_out(to_json_text(&json!(casebook::api::OPERATIONS))?)?;
        unsafe { put(out, text) };
        Ok(())
    })
}

// ----- handles -----

/// Opens an engine over a new in-memory store.
///
/// `options_json`: engine options, e.g. `{"config": {"default_region": "GB"}}`;
/// NULL or "" for defaults. For reproducible runs it may also fix the clock
/// (`"clock": {"start": "2026-01-01T00:00:00Z", "step_ms": 1}`) and the id
/// seed (`"id_seed": 7`). On success `*out` is a handle to free with `casebook_free`.
#[no_mangle]
pub unsafe extern "C" fn casebook_open_memory(
    options_json: *const c_char,
    out: *mut *mut casebook_t,
) -> casebook_status {
    guard(|| {
        let out = out_param(out, "out")?;
        let options =
            EngineOptions::from_json(opt_str(options_json, "options_json")?.unwrap_or(""))?;
        let store: Box<dyn Store> = Box::new(MemoryStore::new());
        open(options, store, out)
    })
}

/// Opens an engine over a SQLite file, creating it (or upgrading an older
/// casebook file) if needed. The file may be shared by several handles,
/// threads and processes.
///
/// `path`: UTF-8 file path. `options_json`: as for `casebook_open_memory`.
/// A path that is not a casebook database, a corrupt, read-only or missing
/// location, or a file from a newer casebook gives an error naming the path
/// (`CASEBOOK_STATUS_STORAGE` or `CASEBOOK_STATUS_INCOMPATIBLE_VERSION`) and
/// leaves the file untouched.
#[no_mangle]
pub unsafe extern "C" fn casebook_open_sqlite(
    path: *const c_char,
    options_json: *const c_char,
    out: *mut *mut casebook_t,
) -> casebook_status {
    guard(|| {
        let out = out_param(out, "out")?;
        let path = unsafe { arg_str(path, "path")? };
        let options = EngineOptions::from_json(
            unsafe { opt_str(options_json, "options_json")? }.unwrap_or(""),
        )?;
        let store: Box<dyn Store> = Box::new(casebook::SqliteStore::open(path)?);
        unsafe { open(options, store, out) }
    })
}

/// Builds an engine over `store` and hands its handle out.
unsafe fn open(
    options: EngineOptions,
    store: Box<dyn Store>,
    out: *mut *mut casebook_t,
) -> Result<(), Error> {
    let engine = options.build(store, Arc::new(SystemClock), Arc::new(RandomIds))?;
    let key = registry::add_engine(Arc::new(engine));
    // SAFETY: callers checked `out` with `out_param` first.
    unsafe { put(out, key as *mut casebook_t) };
    Ok(())
}

/// Frees a handle. NULL is fine; an unknown or already freed handle gives
/// `CASEBOOK_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn casebook_free(handle: *mut casebook_t) -> casebook_status {
    guard(|| {
        if handle.is_null() || registry::remove(handle as usize, registry::Kind::Engine) {
            Ok(())
        } else {
            Err(invalid(
                "not a live casebook handle (never opened, or already freed)".into(),
            ))
        }
    })
}

// ----- the generic operation -----

/// Runs any engine operation by name (see `casebook_operations`) with named
/// arguments as a JSON object (NULL or "": no arguments); the answer is JSON.
/// This reaches everything the engine offers, with the argument names of the
/// shared test vectors.
#[no_mangle]
pub unsafe extern "C" fn casebook_call(
    handle: *const casebook_t,
    op: *const c_char,
    args_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let op = arg_str(op, "op")?;
        let args = opt_str(args_json, "args_json")?.unwrap_or("");
        let engine = engine_of(handle)?;
        let text = hand_out(api::call_json(&engine, op, args)?)?;
        unsafe { put(out, text) };
        Ok(())
    })
}

// ----- templates and validation -----

/// Loads a template (JSON definition) on behalf of `by`; answers the stored
/// template as JSON (a changed definition of an existing id makes a new version).
#[no_mangle]
pub unsafe extern "C" fn casebook_load_template(
    handle: *const casebook_t,
    by: *const c_char,
    template_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        // Passed as text: the engine parses and checks the definition itself.
        let args =
            json!({"by": arg_str(by, "by")?, "template": arg_str(template_json, "template_json")?});
        run(handle, "load_template", args, out)
    })
}

/// Validates a record against a template given as JSON, without any engine
/// (what a form does before anything is sent). `draft`: missing required
/// fields are listed as missing, not as errors. Today's date is the system's
/// (UTC) and phones have no default region; see
/// `casebook_validate_with_context` to set them. Answers the report as JSON
/// (`values`, `errors`, `missing`); an invalid record is a successful call
/// with errors in the report.
#[no_mangle]
pub unsafe extern "C" fn casebook_validate(
    template_json: *const c_char,
    record_json: *const c_char,
    draft: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let template = arg_json(template_json, "template_json")?;
        let record = arg_json(record_json, "record_json")?;
        let today = SystemClock
            .now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        validate_into(
            &template,
            &record,
            draft,
            &ValidationContext::new(today),
            out,
        )
    })
}

/// `casebook_validate` with an explicit context:
/// `{"today": "2026-06-01", "default_region": "GB"}` (both optional; NULL or
/// "" for the defaults of `casebook_validate`).
#[no_mangle]
pub unsafe extern "C" fn casebook_validate_with_context(
    template_json: *const c_char,
    record_json: *const c_char,
    draft: bool,
    context_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let template = arg_json(template_json, "template_json")?;
        let record = arg_json(record_json, "record_json")?;
        let context = match opt_str(context_json, "context_json")? {
            Some(text) if !text.trim().is_empty() => serde_json::from_str(text)
                .map_err(|e| invalid(format!("`context_json` is not valid JSON: {e}")))?,
            _ => Value::Null,
        };
        let ctx = validation_context(&context)?;
        validate_into(&template, &record, draft, &ctx, out)
    })
}

/// Reads `{"today": ..., "default_region": ...}` into a validation context
/// (the core's `ValidateOptions`, the draft flag given apart).
fn validation_context(context: &Value) -> Result<ValidationContext, Error> {
    if !matches!(context, Value::Null | Value::Object(_)) {
        return Err(invalid("`context_json` must be a JSON object".into()));
    }
    let options = casebook::api::ValidateOptions::from_value(context)?;
    let today = SystemClock
        .now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    options.context(today)
}

unsafe fn validate_into(
    template: &Value,
    record: &Value,
    draft: bool,
    ctx: &ValidationContext,
    out: *mut *mut c_char,
) -> Result<(), Error> {
    let report = validate_with_template(template, record, draft, ctx)?;
    let text = hand_out(to_json_text(&report)?)?;
    // SAFETY: callers checked `out` with `out_param` first.
    unsafe { put(out, text) };
    Ok(())
}

/// Validates custom field values against a stored template (`version` 0:
/// the latest). Answers the report as JSON, like `casebook_validate`.
#[no_mangle]
pub unsafe extern "C" fn casebook_validate_record(
    handle: *const casebook_t,
    template_id: *const c_char,
    version: u32,
    record_json: *const c_char,
    draft: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let mut args = json!({
            "template_id": arg_str(template_id, "template_id")?,
            "record": arg_json(record_json, "record_json")?,
            "draft": draft,
        });
        if version > 0 {
            args["version"] = json!(version);
        }
        run(handle, "validate_record", args, out)
    })
}

// ----- profiles -----

/// Creates a profile from `input_json` (a profile input: names, contact
/// points, template, fields, ...) on behalf of `by`; answers the profile.
/// Without `allow_duplicates`, probable duplicates stop the creation with
/// `CASEBOOK_STATUS_DUPLICATE_SUSPECTED` and their list in the error JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_create_profile(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    allow_duplicates: bool,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({
            "by": arg_str(by, "by")?,
            "input": arg_json(input_json, "input_json")?,
            "allow_duplicates": allow_duplicates,
        });
        run(handle, "create_profile", args, out)
    })
}

/// Reads a profile by customer ID (`C-000001`) or internal id; answers it as JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_profile(
    handle: *const casebook_t,
    profile_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"ref": arg_str(profile_ref, "profile_ref")?});
        run(handle, "profile", args, out)
    })
}

/// Replaces a profile's data with `input_json`, given the `version` the edit
/// was made on (a stale version gives `CASEBOOK_STATUS_CONFLICT`); answers
/// the updated profile.
#[no_mangle]
pub unsafe extern "C" fn casebook_update_profile(
    handle: *const casebook_t,
    by: *const c_char,
    profile_ref: *const c_char,
    version: u64,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(profile_ref, "profile_ref")?,
            "version": version,
            "input": arg_json(input_json, "input_json")?,
        });
        run(handle, "update_profile", args, out)
    })
}

/// Finds profiles: `query_json` is one criterion, e.g. `{"name": "ada lov"}`,
/// `{"phone": "020 7946 0958"}`, `{"email": ...}`; `limit` 0 for the
/// engine's default. Answers a JSON array of profile summaries.
#[no_mangle]
pub unsafe extern "C" fn casebook_find_profiles(
    handle: *const casebook_t,
    query_json: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let mut args = Map::new();
        args.insert("query".into(), arg_json(query_json, "query_json")?);
        limit_arg(&mut args, limit);
        run(handle, "find_profiles", Value::Object(args), out)
    })
}

// ----- cases -----

/// Creates a case from `input_json` (short description, template, fields,
/// links to profiles, ...); answers the case with its number.
#[no_mangle]
pub unsafe extern "C" fn casebook_create_case(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = by_and_input(by, input_json)?;
        run(handle, "create_case", args, out)
    })
}

/// Reads a case by number (`CS0001001`) or internal id; answers it as JSON.
#[no_mangle]
pub unsafe extern "C" fn casebook_case(
    handle: *const casebook_t,
    case_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"ref": arg_str(case_ref, "case_ref")?});
        run(handle, "case", args, out)
    })
}

/// Updates a case from `input_json`, given the `version` the edit was made
/// on; answers the updated case.
#[no_mangle]
pub unsafe extern "C" fn casebook_update_case(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    version: u64,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({
            "by": arg_str(by, "by")?,
            "ref": arg_str(case_ref, "case_ref")?,
            "version": version,
            "input": arg_json(input_json, "input_json")?,
        });
        run(handle, "update_case", args, out)
    })
}

/// Links a case to a profile with a `role` (`"requester"`, `"affected"`,
/// `"informed"`); answers the link.
#[no_mangle]
pub unsafe extern "C" fn casebook_link_case(
    handle: *const casebook_t,
    by: *const c_char,
    case_ref: *const c_char,
    profile_ref: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({
            "by": arg_str(by, "by")?,
            "case": arg_str(case_ref, "case_ref")?,
            "profile": arg_str(profile_ref, "profile_ref")?,
            "role": arg_str(role, "role")?,
        });
        run(handle, "link_case", args, out)
    })
}

/// Keyword search over cases; `limit` 0 for the engine's default. Answers a
/// JSON array of case summaries.
#[no_mangle]
pub unsafe extern "C" fn casebook_search_cases(
    handle: *const casebook_t,
    text: *const c_char,
    limit: usize,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let mut args = Map::new();
        args.insert("text".into(), json!(arg_str(text, "text")?));
        limit_arg(&mut args, limit);
        run(handle, "search_cases", Value::Object(args), out)
    })
}

// ----- contacts -----

/// Logs a contact (a call, an e-mail, a chat) from `input_json`; answers the contact.
#[no_mangle]
pub unsafe extern "C" fn casebook_log_contact(
    handle: *const casebook_t,
    by: *const c_char,
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = by_and_input(by, input_json)?;
        run(handle, "log_contact", args, out)
    })
}

/// Associates a logged contact with a profile and/or a case (either may be
/// NULL); answers the contact.
#[no_mangle]
pub unsafe extern "C" fn casebook_associate_contact(
    handle: *const casebook_t,
    by: *const c_char,
    contact_id: *const c_char,
    profile_ref: *const c_char,
    case_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({
            "by": arg_str(by, "by")?,
            "contact": arg_str(contact_id, "contact_id")?,
            "profile": opt_str(profile_ref, "profile_ref")?,
            "case": opt_str(case_ref, "case_ref")?,
        });
        run(handle, "associate_contact", args, out)
    })
}

// ----- recognition -----

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
        let out = out_param(out, "out")?;
        let channel = arg_str(channel, "channel")?;
        let address = arg_str(address, "address")?;
        // The engine's own names for channels, through its serde definitions.
        let channel: Channel = serde_json::from_value(Value::String(channel.to_string()))
            .map_err(|e| invalid(format!("`channel`: {e}")))?;
        let engine = engine_of(handle)?;
        let recognized = Recognized::new(engine.recognize(channel, address)?);
        let key = registry::add_recognition(Arc::new(recognized));
        unsafe { put(out, key as *mut casebook_recognition_t) };
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
        let out = out_param(out_kind, "out_kind")?;
        let kind = recognition_of(rec)?.kind;
        unsafe { put(out, kind) };
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
        let out = out_param(out_count, "out_count")?;
        let count = recognition_of(rec)?.candidates.len();
        unsafe { put(out, count) };
        Ok(())
    })
}

fn candidate_at(rec: &Recognized, index: usize) -> Result<&recognition::Candidate, Error> {
    rec.candidates.get(index).ok_or_else(|| {
        invalid(format!(
            "profile index {index} is out of range (the recognition found {})",
            rec.candidates.len()
        ))
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
    guard(|| {
        let out = out_param(out, "out")?;
        let rec = recognition_of(rec)?;
        let ptr = candidate_at(&rec, index)?.customer_id.as_ptr();
        unsafe { put(out, ptr) };
        Ok(())
    })
}

/// Display name of profile `index`. The string belongs to the recognition:
/// valid until `casebook_recognition_free`; do not free it.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_display_name(
    rec: *const casebook_recognition_t,
    index: usize,
    out: *mut *const c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out, "out")?;
        let rec = recognition_of(rec)?;
        let ptr = candidate_at(&rec, index)?.display_name.as_ptr();
        unsafe { put(out, ptr) };
        Ok(())
    })
}

/// Number of open cases of profile `index`.
#[no_mangle]
pub unsafe extern "C" fn casebook_recognition_open_case_count(
    rec: *const casebook_recognition_t,
    index: usize,
    out_count: *mut usize,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_count, "out_count")?;
        let rec = recognition_of(rec)?;
        let count = candidate_at(&rec, index)?.open_case_count;
        unsafe { put(out, count) };
        Ok(())
    })
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
                "open cases are listed only for a known caller (outcome KNOWN)".into(),
            ));
        }
        let case = rec.open_cases.get(case_index).ok_or_else(|| {
            invalid(format!(
                "case index {case_index} is out of range (the caller has {} open case(s))",
                rec.open_cases.len()
            ))
        })?;
        if !out_number.is_null() {
            unsafe { put(out_number, case.number.as_ptr()) };
        }
        if !out_short_description.is_null() {
            unsafe { put(out_short_description, case.short_description.as_ptr()) };
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
        let out = out_param(out_json, "out_json")?;
        let rec = recognition_of(rec)?;
        let text =
            serde_json::to_string(&rec.recognition).map_err(|e| Error::Internal(e.to_string()))?;
        let text = hand_out(text)?;
        unsafe { put(out, text) };
        Ok(())
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
                "not a live recognition handle (never created, or already freed)".into(),
            ))
        }
    })
}

// ----- duplicates and merges -----

/// Probable duplicates of a profile, best first, with explainable scores; answers a JSON array.
#[no_mangle]
pub unsafe extern "C" fn casebook_duplicate_candidates(
    handle: *const casebook_t,
    profile_ref: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"ref": arg_str(profile_ref, "profile_ref")?});
        run(handle, "duplicate_candidates", args, out)
    })
}

/// What merging would do, without changing anything. `plan_json`:
/// `{"survivor": "C-000001", "merged": "C-000002", ...}`; answers the preview.
#[no_mangle]
pub unsafe extern "C" fn casebook_merge_preview(
    handle: *const casebook_t,
    plan_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"plan": arg_json(plan_json, "plan_json")?});
        run(handle, "merge_preview", args, out)
    })
}

/// Merges two profiles by a plan (see `casebook_merge_preview`); the merged
/// one becomes a tombstone. Answers the outcome, with the `merge_id` that
/// `casebook_unmerge` takes.
#[no_mangle]
pub unsafe extern "C" fn casebook_merge(
    handle: *const casebook_t,
    by: *const c_char,
    plan_json: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"by": arg_str(by, "by")?, "plan": arg_json(plan_json, "plan_json")?});
        run(handle, "merge", args, out)
    })
}

/// Undoes a merge; answers `{"survivor": ..., "restored": ...}`.
#[no_mangle]
pub unsafe extern "C" fn casebook_unmerge(
    handle: *const casebook_t,
    by: *const c_char,
    merge_id: *const c_char,
    out_json: *mut *mut c_char,
) -> casebook_status {
    guard(|| {
        let out = out_param(out_json, "out_json")?;
        let args = json!({"by": arg_str(by, "by")?, "merge_id": arg_str(merge_id, "merge_id")?});
        run(handle, "unmerge", args, out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn status_names_are_the_core_codes() {
        assert_eq!(text(casebook_status_name(0)), "ok");
        for code in casebook::ErrorCode::ALL {
            assert_eq!(text(casebook_status_name(code.as_u32())), code.as_str());
        }
        assert_eq!(text(casebook_status_name(14)), "unknown");
    }
}
