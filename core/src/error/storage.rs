//! Storage failures: what kind of failure, a message naming the store, and
//! the backend's own error kept as the cause.

use std::fmt;
use std::sync::Arc;

/// What kind of storage failure happened: tells a host whether to retry,
/// repair or give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StorageErrorKind {
    /// Another connection held a lock past the store's wait: trying again
    /// later may succeed.
    Busy,
    /// The transaction lost a conflict with a concurrent one (a
    /// serialization failure, a deadlock): the store may run it again
    /// itself, and a host may retry it.
    Retryable,
    /// The stored data is damaged or is not a casebook store.
    Corrupt,
    /// Reading or writing failed (disk full, read-only file, I/O error).
    Io,
    /// The store cannot be reached or opened (missing path, server down,
    /// opened read-only).
    Unavailable,
    /// Any other backend failure.
    Other,
}

impl StorageErrorKind {
    /// The kind's name, as in the error JSON's `storage_kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageErrorKind::Busy => "busy",
            StorageErrorKind::Retryable => "retryable",
            StorageErrorKind::Corrupt => "corrupt",
            StorageErrorKind::Io => "io",
            StorageErrorKind::Unavailable => "unavailable",
            StorageErrorKind::Other => "other",
        }
    }
}

/// A storage failure.
///
/// ```
/// use casebook::{Error, StorageError, StorageErrorKind};
/// let err: Error = StorageError::new(StorageErrorKind::Busy, "x.db stayed locked").into();
/// assert!(err.is_retryable());
/// ```
#[derive(Clone)]
pub struct StorageError {
    kind: StorageErrorKind,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StorageError {
    /// A storage failure of `kind`; the message should name the store.
    pub fn new(kind: StorageErrorKind, message: impl Into<String>) -> Self {
        StorageError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same failure, keeping the backend's error as its cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> StorageErrorKind {
        self.kind
    }

    /// The message, without the `storage error:` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage error: {}", self.message)
    }
}

impl std::error::Error for StorageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Two failures are the same when their kind and message are: causes are
/// compared by neither.
impl PartialEq for StorageError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}
