//! The error table: every error code with its number, name and meaning,
//! written once. The Rust enum, its names and numbers, and (through a
//! generated file checked by the C binding's tests) the C status enum all
//! come from this list.

/// Builds [`ErrorCode`] and its lookups from one table.
macro_rules! error_table {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $number:literal, $name:literal; )+) => {
        /// Stable machine code of an [`Error`](crate::Error).
        ///
        /// The number is the C status code (0 is success) and the name the
        /// JavaScript and JSON `code`; both are fixed once released, and a
        /// retired code keeps its number reserved.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $variant = $number, )+
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: [ErrorCode; [$($number),+].len()] = [$(ErrorCode::$variant),+];

            /// The textual code (the JavaScript and JSON `code`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// What the code means, as documented.
            pub fn description(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => concat!($($doc),+),)+
                }
            }
        }
    };
}

error_table! {
    /// Input that is malformed before any domain rule applies (bad JSON, bad id, bad argument).
    InvalidInput = 1, "invalid_input";
    /// A record broke template or domain rules; the error lists every field problem.
    ValidationFailed = 2, "validation_failed";
    /// A template definition is inconsistent (bad regex, duplicate keys, ...).
    InvalidTemplate = 3, "invalid_template";
    /// The referenced profile, case, contact or template does not exist.
    NotFound = 4, "not_found";
    /// An update was made against a stale version: someone else changed the record first.
    Conflict = 5, "conflict";
    /// The case state machine forbids the requested status change.
    IllegalTransition = 6, "illegal_transition";
    /// A unique value (customer ID, case number, link) already exists.
    AlreadyExists = 7, "already_exists";
    /// Creating the profile would probably duplicate existing profiles; the error lists them.
    DuplicateSuspected = 8, "duplicate_suspected";
    /// A merge cannot be undone because merged data changed since.
    UnmergeRefused = 9, "unmerge_refused";
    /// The storage backend failed (I/O, locking, SQL); the error says what kind of failure.
    Storage = 10, "storage";
    /// Data written by an incompatible (usually newer) casebook version.
    IncompatibleVersion = 11, "incompatible_version";
    /// A bug inside casebook (a caught panic, a broken invariant).
    Internal = 12, "internal";
    /// The operation is not allowed in the current state (e.g. merging a tombstone).
    InvalidState = 13, "invalid_state";
    /// A calendar, SLA or other rule definition is inconsistent (bad time zone, overlapping windows, unknown field, ...).
    InvalidDefinition = 14, "invalid_definition";
    /// A case cannot be resolved while mandatory tasks are open; the error lists them.
    TasksOpen = 15, "tasks_open";
}

impl ErrorCode {
    /// The numeric code (the C status code; 0 is reserved for success).
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code with the given number, if any.
    pub fn from_u32(value: u32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_u32() == value)
    }

    /// The code with the given name (`"not_found"`), if any.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        ErrorCode::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("`{name}` is not a casebook error code"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut numbers = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(numbers.insert(code.as_u32()), "{code} number used twice");
            assert!(names.insert(code.as_str()), "{code} name used twice");
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(code));
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
            assert!(!code.description().is_empty());
        }
        assert_eq!(ErrorCode::from_u32(0), None);
        assert!(serde_json::from_str::<ErrorCode>("\"nope\"").is_err());
        assert!(
            ErrorCode::ALL.windows(2).all(|w| w[0] < w[1]),
            "numeric order"
        );
    }
}
