// Generated from the core's error table (casebook::ErrorCode) by
// src/status_render.rs: do not edit by hand. Regenerate with
// `make -C bindings-c status-codes`; `cargo test -p casebook-c` fails while
// this file is stale.

//! The C status enum: success and one variant per core error code, with
//! the core's numbers and descriptions.

use casebook::ErrorCode;

/// Result of every call that can fail: `CASEBOOK_STATUS_OK` (0) or one of
/// the engine's stable error codes. The numbers never change, and a retired
/// number stays reserved; `casebook_status_name` gives the textual code.
///
/// `CASEBOOK_STATUS_INVALID_INPUT` also reports a NULL or non-UTF-8
/// argument, a NULL out-parameter, and an unknown, freed or wrong-type
/// handle or string. After `CASEBOOK_STATUS_VALIDATION_FAILED`,
/// `CASEBOOK_STATUS_DUPLICATE_SUSPECTED` and `CASEBOOK_STATUS_TASKS_OPEN`,
/// `casebook_last_error_json` lists every field problem, the candidates
/// or the open tasks.
///
/// A C enum (int-sized), so a `switch` over it can warn about a missing case.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum casebook_status {
    /// Success.
    Ok = 0,
    /// Input that is malformed before any domain rule applies (bad JSON, bad id, bad argument).
    InvalidInput = 1,
    /// A record broke template or domain rules; the error lists every field problem.
    ValidationFailed = 2,
    /// A template definition is inconsistent (bad regex, duplicate keys, ...).
    InvalidTemplate = 3,
    /// The referenced profile, case, contact or template does not exist.
    NotFound = 4,
    /// An update was made against a stale version: someone else changed the record first.
    Conflict = 5,
    /// The case state machine forbids the requested status change.
    IllegalTransition = 6,
    /// A unique value (customer ID, case number, link) already exists.
    AlreadyExists = 7,
    /// Creating the profile would probably duplicate existing profiles; the error lists them.
    DuplicateSuspected = 8,
    /// A merge cannot be undone because merged data changed since.
    UnmergeRefused = 9,
    /// The storage backend failed (I/O, locking, SQL); the error says what kind of failure.
    Storage = 10,
    /// Data written by an incompatible (usually newer) casebook version.
    IncompatibleVersion = 11,
    /// A bug inside casebook (a caught panic, a broken invariant).
    Internal = 12,
    /// The operation is not allowed in the current state (e.g. merging a tombstone).
    InvalidState = 13,
    /// A calendar, SLA or other rule definition is inconsistent (bad time zone, overlapping
    /// windows, unknown field, ...).
    InvalidDefinition = 14,
    /// A case cannot be resolved while mandatory tasks are open; the error lists them.
    TasksOpen = 15,
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
            ErrorCode::InvalidDefinition => casebook_status::InvalidDefinition,
            ErrorCode::TasksOpen => casebook_status::TasksOpen,
        }
    }
}
