//! Records to and from rows: encoding, decoding, ids, instants, errors,
//! and the statement helpers every transaction uses.

use super::schema::damaged;
use crate::error::{Error, Result, StorageError, StorageErrorKind};
use rusqlite::types::FromSql;
use rusqlite::{Connection, OptionalExtension, Params};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use uuid::Uuid;

pub(super) use crate::stores::sql::{instant, limit, plain_token, prefix_successor};

/// Runs a statement without parameters from the connection's statement cache.
pub(super) fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// A storage error naming the file, with SQLite's error as its cause.
pub(super) fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as Code;
    let shown = path.display();
    let (kind, message) = match e.sqlite_error_code() {
        Some(Code::DatabaseBusy | Code::DatabaseLocked) => (
            StorageErrorKind::Busy,
            format!("{shown} stayed locked by another connection past the busy timeout: {e}"),
        ),
        Some(Code::NotADatabase) => (
            StorageErrorKind::Corrupt,
            format!("{shown} is not a SQLite database: {e}"),
        ),
        Some(Code::DatabaseCorrupt) => (
            StorageErrorKind::Corrupt,
            format!("{shown} is corrupt: {e}"),
        ),
        Some(Code::ReadOnly) => (
            StorageErrorKind::Io,
            format!("{shown} cannot be written: {e}"),
        ),
        Some(Code::CannotOpen) => (
            StorageErrorKind::Unavailable,
            format!("cannot open {shown}: {e}"),
        ),
        Some(Code::DiskFull) => (
            StorageErrorKind::Io,
            format!("the disk holding {shown} is full: {e}"),
        ),
        Some(Code::SystemIoFailure) => (StorageErrorKind::Io, format!("{shown}: {e}")),
        _ => (StorageErrorKind::Other, format!("{shown}: {e}")),
    };
    StorageError::new(kind, message).with_source(e).into()
}

/// A storage error of `kind` about the file, without a SQLite cause.
pub(super) fn store_error(kind: StorageErrorKind, message: String) -> Error {
    StorageError::new(kind, message).into()
}

/// A stored value that does not fit its type.
pub(super) fn damaged_value(path: &Path, what: &str) -> Error {
    store_error(
        StorageErrorKind::Corrupt,
        format!("{}: a stored {what} is out of range", path.display()),
    )
}

/// One FTS5 query term, quoted so it can never be query syntax.
pub(super) fn fts_term(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// A transaction on one connection (read or write).
pub(super) struct Tx<'a> {
    pub(super) conn: &'a Connection,
    pub(super) path: &'a Path,
    /// The schema version this handle reads and writes.
    pub(super) schema: u32,
}

impl Tx<'_> {
    pub(super) fn err(&self, e: rusqlite::Error) -> Error {
        sql_error(self.path, e)
    }

    pub(super) fn stored_version(&self) -> Result<u32> {
        let v: i64 = self
            .conn
            .prepare_cached("SELECT version FROM casebook_schema")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        u32::try_from(v).map_err(|_| damaged(self.path))
    }

    /// Refuses to work on a file another casebook has upgraded meanwhile.
    pub(super) fn check_schema(&self) -> Result<()> {
        let stored = self.stored_version()?;
        if stored != self.schema {
            return Err(Error::IncompatibleVersion(format!(
                "{} is now at casebook schema version {stored}, this handle works with version {}: reopen it with a casebook that reads version {stored}",
                self.path.display(),
                self.schema
            )));
        }
        Ok(())
    }

    pub(super) fn decode<T: DeserializeOwned>(&self, what: &str, body: &str) -> Result<T> {
        serde_json::from_str(body).map_err(|e| {
            StorageError::new(
                StorageErrorKind::Corrupt,
                format!(
                    "{}: a stored {what} cannot be read: {e}",
                    self.path.display()
                ),
            )
            .with_source(e)
            .into()
        })
    }

    pub(super) fn encode<T: Serialize>(&self, value: &T) -> Result<String> {
        serde_json::to_string(value)
            .map_err(|e| Error::Internal(format!("a record cannot be encoded: {e}")))
    }

    pub(super) fn uuid(&self, bytes: &[u8]) -> Result<Uuid> {
        Uuid::from_slice(bytes).map_err(|e| {
            StorageError::new(
                StorageErrorKind::Corrupt,
                format!("{}: a stored id is malformed: {e}", self.path.display()),
            )
            .with_source(e)
            .into()
        })
    }

    pub(super) fn column<T: FromSql>(&self, sql: &str, params: impl Params) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| r.get::<_, T>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<T>>>()
            .map_err(|e| self.err(e))
    }

    pub(super) fn value<T: FromSql>(&self, sql: &str, params: impl Params) -> Result<Option<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.query_row(params, |r| r.get::<_, T>(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub(super) fn exec(&self, sql: &str, params: impl Params) -> Result<usize> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.execute(params).map_err(|e| self.err(e))
    }

    pub(super) fn ids(&self, sql: &str, params: impl Params) -> Result<Vec<Uuid>> {
        self.column::<Vec<u8>>(sql, params)?
            .iter()
            .map(|b| self.uuid(b))
            .collect()
    }

    pub(super) fn records<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<Vec<T>> {
        self.column::<String>(sql, params)?
            .iter()
            .map(|b| self.decode(what, b))
            .collect()
    }

    pub(super) fn record<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<Option<T>> {
        self.value::<String>(sql, params)?
            .map(|b| self.decode(what, &b))
            .transpose()
    }

    pub(super) fn count(&self, sql: &str) -> Result<usize> {
        let n = self.value::<i64>(sql, [])?.unwrap_or(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
