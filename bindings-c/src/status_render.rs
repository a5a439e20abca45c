//! Renders `src/status_codes.rs`, the C status enum, from the core's error
//! table: cbindgen cannot expand the core's macro, so the enum is written
//! out as plain Rust. Shared by the freshness test in `status.rs` and by
//! `examples/status_codes.rs` (`make -C bindings-c status-codes`), which
//! does not build the library and so still works when a new core code
//! keeps the old file from compiling.

use casebook::ErrorCode;

/// Where the rendered file lives, from the crate's directory.
pub(crate) const STATUS_CODES_PATH: &str = "src/status_codes.rs";

const PREAMBLE: &str = "\
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
";

/// `text` as `///` lines indented by four spaces, wrapped before column 100.
fn doc_lines(text: &str) -> String {
    const WIDTH: usize = 100 - "    /// ".len();
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > WIDTH {
            out.push_str(&format!("    /// {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("    /// {line}\n"));
    }
    out
}

/// The text of `status_codes.rs`.
pub(crate) fn render_status_codes() -> String {
    let mut out = String::from(PREAMBLE);
    for code in ErrorCode::ALL {
        out.push_str(&doc_lines(code.description()));
        // The core's variant names, which cbindgen turns into CASEBOOK_STATUS_*.
        out.push_str(&format!("    {code:?} = {},\n", code.as_u32()));
    }
    out.push_str(
        "}\n\nimpl From<ErrorCode> for casebook_status {\n    \
         fn from(code: ErrorCode) -> Self {\n        match code {\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!(
            "            ErrorCode::{code:?} => casebook_status::{code:?},\n"
        ));
    }
    out.push_str("        }\n    }\n}\n");
    out
}
