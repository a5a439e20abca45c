//! Engine handles: opening one over a memory, SQLite or PostgreSQL store, freeing it,
//! and running operations on it, by name (`casebook_call`) or through the
//! typed functions of the other files.

use crate::args::{arg_str, invalid, opt_str, Out};
use crate::panic::guard;
use crate::registry;
use crate::status_codes::casebook_status;
use crate::{casebook_t, Engine};
use casebook::api::{self, EngineOptions};
use casebook::store::Store;
use casebook::{Error, MemoryStore, PostgresStore, RandomIds, SqliteStore, SystemClock};
use serde_json::Value;
use std::ffi::c_char;
use std::sync::Arc;

/// The live engine behind a handle.
pub(crate) fn engine_of(handle: *const casebook_t) -> Result<Arc<Engine>, Error> {
    if handle.is_null() {
        return Err(invalid("the casebook handle is NULL"));
    }
    registry::engine(handle as usize)
        .ok_or_else(|| invalid("not a live casebook handle (never opened, or already freed)"))
}

/// The shape of most functions: checks `out_json`, builds the named
/// arguments, runs operation `op` of the JSON table on the handle's engine
/// and hands the answer out as JSON.
///
/// # Safety
/// `out_json` is NULL or writable; `args` reads only arguments that keep the
/// crate's contract.
pub(crate) unsafe fn operation(
    handle: *const casebook_t,
    op: &str,
    out_json: *mut *mut c_char,
    args: impl FnOnce() -> Result<Value, Error>,
) -> casebook_status {
    guard(|| {
        // SAFETY: this function's contract.
        let out = unsafe { Out::new(out_json, "out_json") }?;
        let args = args()?;
        let engine = engine_of(handle)?;
        out.hand_out_json(&api::call(&engine, op, &args)?)
    })
}

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
        let out = Out::new(out, "out")?;
        let options = options(options_json)?;
        open(options, Box::new(MemoryStore::new()), out)
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
        let out = Out::new(out, "out")?;
        let path = arg_str(path, "path")?;
        let options = options(options_json)?;
        open(options, Box::new(SqliteStore::open(path)?), out)
    })
}

/// Opens an engine over a PostgreSQL database, creating the schema in it
/// (or upgrading an older one) if needed. Any number of handles, processes
/// and machines may share the database: this is the store for several
/// telephony nodes and application servers seeing the same customers.
///
/// `conninfo`: a libpq connection string (`host=db port=5432 user=casebook
/// password=... dbname=casebook`) or a `postgresql://` URL.
/// `options_json`: as for `casebook_open_memory`. An unreachable server, a
/// refused login, a missing database or one that is not casebook's gives
/// `CASEBOOK_STATUS_STORAGE` with a message naming the server and database
/// (never the password); a newer casebook's database gives
/// `CASEBOOK_STATUS_INCOMPATIBLE_VERSION`. Nothing is written then.
///
/// The handle keeps a pool of connections; a call waits for a free one at
/// most 5 s. After a lost connection (a server restart) the next calls
/// reconnect by themselves.
#[no_mangle]
pub unsafe extern "C" fn casebook_open_postgres(
    conninfo: *const c_char,
    options_json: *const c_char,
    out: *mut *mut casebook_t,
) -> casebook_status {
    guard(|| {
        let out = Out::new(out, "out")?;
        let conninfo = arg_str(conninfo, "conninfo")?;
        let options = options(options_json)?;
        open(options, Box::new(PostgresStore::open(conninfo)?), out)
    })
}

/// Engine options from C (NULL or "": the defaults).
///
/// # Safety
/// As for [`arg_str`].
unsafe fn options(options_json: *const c_char) -> Result<EngineOptions, Error> {
    // SAFETY: this function's contract.
    EngineOptions::from_json(unsafe { opt_str(options_json, "options_json") }?.unwrap_or(""))
}

/// The registry cannot take another object.
pub(crate) fn too_many() -> Error {
    Error::InvalidState("too many live casebook objects: free some first".into())
}

/// Builds an engine over `store` and hands its handle out.
fn open(
    options: EngineOptions,
    store: Box<dyn Store>,
    out: Out<*mut casebook_t>,
) -> Result<(), Error> {
    let engine = options.build(store, Arc::new(SystemClock), Arc::new(RandomIds))?;
    let token = registry::add_engine(Arc::new(engine)).ok_or_else(too_many)?;
    out.write(token as *mut casebook_t);
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
                "not a live casebook handle (never opened, or already freed)",
            ))
        }
    })
}

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
        let out = Out::new(out_json, "out_json")?;
        let op = arg_str(op, "op")?;
        let args = opt_str(args_json, "args_json")?.unwrap_or("");
        let engine = engine_of(handle)?;
        // Parsed as the core's `call_json` does, so its messages apply; the
        // answer keeps its key values for the `casebook_answer_*` accessors.
        let args: Value = if args.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(args).map_err(Error::from)?
        };
        out.hand_out_json(&api::call(&engine, op, &args)?)
    })
}

#[cfg(test)]
mod tests;
