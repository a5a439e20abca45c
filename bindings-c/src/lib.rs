//! C binding of casebook (`libcasebook.a`, `libcasebook.so`, `casebook.h`).
//!
//! The binding only translates: C strings and JSON in, the engine's JSON
//! answers and stable status codes out. Every domain rule stays in the core.
//!
//! Conventions (written once in `casebook.h`):
//! - every function that can fail returns a [`casebook_status`]; results go
//!   through out-parameters (last), written only on success;
//! - strings are NUL-terminated UTF-8; rich records cross as JSON text;
//! - every `char *` handed to C is freed with `casebook_string_free`;
//! - handles are freed with their own `_free` function; freeing NULL is fine;
//! - pointers from C are used as lookup keys, never dereferenced, so a NULL,
//!   unknown, freed or wrong-type handle, and a double free, give
//!   `CASEBOOK_STATUS_INVALID_INPUT` instead of a crash;
//! - no panic crosses into C: it becomes `CASEBOOK_STATUS_INTERNAL`.
//!
//! One file per C concept: [`library`] (version, status names, last error,
//! strings, live objects), [`handle`] (open, free, `casebook_call`),
//! [`templates`], [`profiles`], [`cases`], [`contacts`], [`recognition`],
//! [`merges`], [`slas`]. They share the argument helpers of [`args`] and the panic
//! boundary of [`panic`]; [`registry`] owns every object handed to C; the
//! status enum ([`status_codes`]) is generated from the core's error table.
//!
//! # Safety
//!
//! The extern functions are `unsafe` because C cannot prove what they need:
//! string arguments must be NULL or point to NUL-terminated memory, and
//! out-parameters must be NULL or point to writable memory of their type.
//! Handle and string pointers need no validity: they are looked up, not read.
//! The argument helpers rely on exactly this contract.
#![warn(missing_docs)]
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

// The C concepts, in the order the header presents them: cbindgen keeps
// the order of these declarations (blank lines keep rustfmt from sorting).
mod library;

mod handle;

mod templates;

mod profiles;

mod cases;

mod contacts;

mod recognition;

mod recognition_details;

mod merges;

mod slas;

mod intake;
mod routing;

mod linked;

mod events;

mod notify;

mod dashboard;

mod reports;

mod tasks;

mod answer;

// What they share.
mod args;
mod panic;
mod registry;
mod status;
mod status_codes;
#[cfg(test)]
mod status_render;

pub use recognition::casebook_recognition_outcome;
pub use status_codes::casebook_status;

use casebook::store::Store;
use casebook::Casebook;

/// The engine behind a handle: any store, so every store opens into the same handle type.
pub(crate) type Engine = Casebook<Box<dyn Store>>;

// The header promises that handles may be shared between threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<recognition::Recognized>();
};

/// An engine over one store. Create it with `casebook_open_memory` or
/// `casebook_open_sqlite`, free it with `casebook_free`.
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
