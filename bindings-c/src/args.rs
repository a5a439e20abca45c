//! Argument translation, written once: string and JSON arguments checked
//! for NULL and UTF-8, out-parameters checked before any work is done and
//! written only on success, and strings handed out through the registry.

use crate::answer::Answer;
use crate::registry;
use casebook::Error;
use serde_json::{json, Map, Value};
use std::ffi::{c_char, CStr, CString};

/// An `invalid_input` error: the caller passed something unusable.
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

/// A required string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(invalid(format!("`{name}` is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated, by this function's contract.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| invalid(format!("`{name}` is not valid UTF-8")))
}

/// An optional string argument (NULL: absent).
///
/// # Safety
/// As for [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: same contract.
        unsafe { arg_str(ptr, name) }.map(Some)
    }
}

/// A required JSON argument, parsed.
///
/// # Safety
/// As for [`arg_str`].
pub(crate) unsafe fn arg_json(ptr: *const c_char, name: &str) -> Result<Value, Error> {
    // SAFETY: same contract.
    let text = unsafe { arg_str(ptr, name) }?;
    parse_json(text, name)
}

/// An optional JSON argument: NULL or blank text is `null`.
///
/// # Safety
/// As for [`arg_str`].
pub(crate) unsafe fn opt_json(ptr: *const c_char, name: &str) -> Result<Value, Error> {
    // SAFETY: same contract.
    match unsafe { opt_str(ptr, name) }? {
        Some(text) if !text.trim().is_empty() => parse_json(text, name),
        _ => Ok(Value::Null),
    }
}

fn parse_json(text: &str, name: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| invalid(format!("`{name}` is not valid JSON: {e}")))
}

/// The `by` and `input` arguments of a create operation.
///
/// # Safety
/// As for [`arg_str`], for both pointers.
pub(crate) unsafe fn by_and_input(
    by: *const c_char,
    input_json: *const c_char,
) -> Result<Value, Error> {
    // SAFETY: same contract.
    unsafe { Ok(json!({"by": arg_str(by, "by")?, "input": arg_json(input_json, "input_json")?})) }
}

/// Named arguments with `limit` added unless it is 0 (the engine's default).
pub(crate) fn with_limit(mut args: Map<String, Value>, limit: usize) -> Value {
    if limit > 0 {
        args.insert("limit".into(), json!(limit));
    }
    Value::Object(args)
}

/// A checked out-parameter: not NULL, written at most once, on success.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Checks a required out-parameter (NULL is an `invalid_input` error
    /// naming it).
    ///
    /// # Safety
    /// `ptr` is NULL or points to writable memory for a `T`.
    pub(crate) unsafe fn new(ptr: *mut T, name: &str) -> Result<Out<T>, Error> {
        if ptr.is_null() {
            Err(invalid(format!("out-parameter `{name}` is NULL")))
        } else {
            Ok(Out { ptr })
        }
    }

    /// An optional out-parameter: `None` when the caller passed NULL.
    ///
    /// # Safety
    /// As for [`Out::new`].
    pub(crate) unsafe fn optional(ptr: *mut T) -> Option<Out<T>> {
        (!ptr.is_null()).then_some(Out { ptr })
    }

    /// Writes the result.
    pub(crate) fn write(self, value: T) {
        // SAFETY: not NULL, and writable by the contract of `new`.
        unsafe { self.ptr.write(value) }
    }
}

impl Out<*mut c_char> {
    /// Hands `text` to C, to be freed with `casebook_string_free`.
    pub(crate) fn hand_out(self, text: String) -> Result<(), Error> {
        let text =
            CString::new(text).map_err(|_| Error::Internal("an answer holds a NUL byte".into()))?;
        self.write(registry::add_text(Answer::text(text)));
        Ok(())
    }

    /// Hands `value` to C as JSON text, its key values readable with the
    /// `casebook_answer_*` accessors.
    pub(crate) fn hand_out_json(self, value: &Value) -> Result<(), Error> {
        self.write(registry::add_text(Answer::json(value)?));
        Ok(())
    }
}

/// A C string from text that may hold NUL bytes (they cannot cross).
pub(crate) fn c_string_lossy(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let cleaned: Vec<u8> = e
            .into_vec()
            .into_iter()
            .map(|b| if b == 0 { b'?' } else { b })
            .collect();
        CString::new(cleaned).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_do_not_cut_messages() {
        let s = c_string_lossy("a\0b".into());
        assert_eq!(s.to_bytes(), b"a?b");
    }

    #[test]
    fn arguments_are_checked() {
        unsafe {
            assert!(arg_str(std::ptr::null(), "x").is_err());
            assert!(arg_str(c"\xff".as_ptr(), "x").is_err());
            assert_eq!(opt_str(std::ptr::null(), "x").ok(), Some(None));
            assert_eq!(opt_json(c"  ".as_ptr(), "x").ok(), Some(Value::Null));
            assert!(arg_json(c"{".as_ptr(), "x").is_err());
            let error = Out::<u32>::new(std::ptr::null_mut(), "out_count").err();
            assert!(error.is_some_and(|e| e.to_string().contains("out_count")));
        }
    }
}
