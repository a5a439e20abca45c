//! Records to and from rows: encoding, decoding, errors, and the statement
//! helpers every transaction uses (with the connection's prepared
//! statements, so a lookup is one round trip).

use super::bulk::NewProfiles;
pub(super) use super::wire::Param;
use super::wire::{OwnedParam, Wire};
use crate::error::{Error, Result, StorageError, StorageErrorKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::FromSqlOwned;
use tokio_postgres::{Row, Statement};

/// Whether a failure is a lost serialization conflict or a deadlock: the
/// transaction can run again from the start.
pub(super) fn is_retryable(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// A storage error naming the server (never the password), with
/// PostgreSQL's error as its cause.
pub(super) fn pg_error(target: &str, e: tokio_postgres::Error) -> Error {
    let kind = match e.code() {
        Some(_) if is_retryable(&e) => StorageErrorKind::Retryable,
        Some(c)
            if *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::QUERY_CANCELED
                || *c == SqlState::TOO_MANY_CONNECTIONS =>
        {
            StorageErrorKind::Busy
        }
        Some(c)
            if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                || *c == SqlState::INVALID_CATALOG_NAME
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || c.code().starts_with("08") =>
        {
            StorageErrorKind::Unavailable
        }
        Some(c) if *c == SqlState::DISK_FULL || c.code().starts_with("58") => StorageErrorKind::Io,
        Some(c) if *c == SqlState::DATA_CORRUPTED || *c == SqlState::INDEX_CORRUPTED => {
            StorageErrorKind::Corrupt
        }
        Some(_) => StorageErrorKind::Other,
        // No SQLSTATE: the connection failed or was lost.
        None => StorageErrorKind::Unavailable,
    };
    let message = match e.as_db_error() {
        Some(db) => format!("{target}: {}", db.message()),
        None => format!("{target}: {e}"),
    };
    StorageError::new(kind, message).with_source(e).into()
}

/// A storage error of `kind` about the server, without a PostgreSQL cause.
pub(super) fn store_error(kind: StorageErrorKind, message: String) -> Error {
    StorageError::new(kind, message).into()
}

/// A version, count or key as PostgreSQL's `bigint` holds it.
pub(super) fn bigint(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::InvalidInput(format!("{what} {value} is too large")))
}

/// A transaction on one pooled connection (read or write). Lookups take
/// `&self` (the storage trait's reads do), so the connection sits in a
/// cell; no helper holds it across a call to another. Dropped before it
/// committed, it rolls back.
pub(super) struct Tx<'a> {
    pub(super) wire: RefCell<&'a mut Wire>,
    /// The connection's prepared statements, by their text.
    pub(super) statements: RefCell<&'a mut HashMap<&'static str, Statement>>,
    /// The server and database, for messages.
    pub(super) target: &'a str,
    /// A write transaction: profiles and cases it reads are locked.
    pub(super) writing: bool,
    /// Latest template versions looked up in this transaction (an import
    /// asks for each row); forgotten when the transaction stores a template.
    pub(super) template_versions: RefCell<HashMap<String, Option<u32>>>,
    /// A bulk write: new profiles are gathered into multi-row inserts sent
    /// without waiting for answers.
    pub(super) bulk: bool,
    /// A bulk write's new profiles not sent yet: they go before the
    /// transaction's next statement ([`Tx::send_new_profiles`]).
    pub(super) new_profiles: RefCell<NewProfiles>,
    /// Sequences this write transaction has advanced: the first step locks
    /// the row and takes its value, later steps count here, and the value
    /// reached is written just before the commit (`true`: not written yet).
    pub(super) sequences: RefCell<HashMap<String, (u64, bool)>>,
}

impl<'a> Tx<'a> {
    pub(super) fn new(
        wire: &'a mut Wire,
        statements: &'a mut HashMap<&'static str, Statement>,
        target: &'a str,
        writing: bool,
    ) -> Tx<'a> {
        Tx {
            wire: RefCell::new(wire),
            statements: RefCell::new(statements),
            target,
            writing,
            template_versions: RefCell::new(HashMap::new()),
            bulk: false,
            new_profiles: RefCell::new(NewProfiles::default()),
            sequences: RefCell::new(HashMap::new()),
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        self.wire.get_mut().rollback();
    }
}

impl Tx<'_> {
    pub(super) fn err(&self, e: tokio_postgres::Error) -> Error {
        pg_error(self.target, e)
    }

    /// A stored value that does not fit its type.
    pub(super) fn damaged_value(&self, what: &str) -> Error {
        store_error(
            StorageErrorKind::Corrupt,
            format!("{}: a stored {what} is out of range", self.target),
        )
    }

    /// The prepared statement for `sql`, prepared on first use (statements
    /// that read or write data send the gathered new profiles first, so
    /// they see them).
    fn statement(&self, sql: &'static str) -> Result<Statement> {
        if let Some(stmt) = self.statements.borrow().get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self
            .wire
            .borrow_mut()
            .prepare(sql)
            .map_err(|e| self.err(e))?;
        self.statements.borrow_mut().insert(sql, stmt.clone());
        Ok(stmt)
    }

    pub(super) fn rows(&self, sql: &'static str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        self.send_new_profiles()?;
        let stmt = self.statement(sql)?;
        self.wire
            .borrow_mut()
            .query(&stmt, params)
            .map_err(|e| self.err(e))
    }

    /// The rows of several queries, sent at once (one round trip).
    pub(super) fn rows_many(
        &self,
        queries: &[(&'static str, Vec<Param<'_>>)],
    ) -> Result<Vec<Vec<Row>>> {
        self.send_new_profiles()?;
        let statements = queries
            .iter()
            .map(|(sql, _)| self.statement(sql))
            .collect::<Result<Vec<_>>>()?;
        let requests: Vec<(&Statement, &[Param<'_>])> = statements
            .iter()
            .zip(queries)
            .map(|(stmt, (_, params))| (stmt, params.as_slice()))
            .collect();
        self.wire
            .borrow_mut()
            .query_all(&requests)
            .map_err(|e| self.err(e))
    }

    /// The rows of a statement built for this query (prepared once, not kept).
    pub(super) fn rows_built(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        self.send_new_profiles()?;
        self.wire
            .borrow_mut()
            .query(sql, params)
            .map_err(|e| self.err(e))
    }

    pub(super) fn row(&self, sql: &'static str, params: &[Param<'_>]) -> Result<Option<Row>> {
        let mut rows = self.rows(sql, params)?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            n => Err(store_error(
                StorageErrorKind::Corrupt,
                format!("{}: a lookup of one row found {n}", self.target),
            )),
        }
    }

    pub(super) fn exec(&self, sql: &'static str, params: &[Param<'_>]) -> Result<u64> {
        self.send_new_profiles()?;
        let stmt = self.statement(sql)?;
        self.wire
            .borrow_mut()
            .execute(&stmt, params)
            .map_err(|e| self.err(e))
    }

    /// Sends a write without waiting for its answer (see
    /// [`Wire::execute_deferred`]).
    pub(super) fn exec_deferred(&self, sql: &'static str, params: Vec<OwnedParam>) -> Result<()> {
        self.send_new_profiles()?;
        let stmt = self.statement(sql)?;
        self.wire.borrow_mut().execute_deferred(&stmt, params);
        Ok(())
    }

    /// Column `i` of a row, as `T`.
    pub(super) fn get<T: FromSqlOwned>(&self, row: &Row, i: usize) -> Result<T> {
        row.try_get(i).map_err(|e| {
            StorageError::new(
                StorageErrorKind::Corrupt,
                format!("{}: a stored value cannot be read: {e}", self.target),
            )
            .with_source(e)
            .into()
        })
    }

    /// The first column of every row.
    pub(super) fn column<T: FromSqlOwned>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<T>> {
        self.rows(sql, params)?
            .iter()
            .map(|r| self.get(r, 0))
            .collect()
    }

    /// The first column of the row, if there is one.
    pub(super) fn value<T: FromSqlOwned>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Option<T>> {
        self.row(sql, params)?.map(|r| self.get(&r, 0)).transpose()
    }

    pub(super) fn decode<T: DeserializeOwned>(&self, what: &str, body: &str) -> Result<T> {
        serde_json::from_str(body).map_err(|e| {
            StorageError::new(
                StorageErrorKind::Corrupt,
                format!("{}: a stored {what} cannot be read: {e}", self.target),
            )
            .with_source(e)
            .into()
        })
    }

    pub(super) fn encode<T: Serialize>(&self, value: &T) -> Result<String> {
        serde_json::to_string(value)
            .map_err(|e| Error::Internal(format!("a record cannot be encoded: {e}")))
    }

    /// The records whose JSON bodies a query selects (first column).
    pub(super) fn records<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<T>> {
        self.column::<String>(sql, params)?
            .iter()
            .map(|b| self.decode(what, b))
            .collect()
    }

    /// The record whose JSON body a query selects, if any.
    pub(super) fn record<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Option<T>> {
        self.value::<String>(sql, params)?
            .map(|b| self.decode(what, &b))
            .transpose()
    }

    pub(super) fn count(&self, sql: &'static str) -> Result<usize> {
        let n = self.value::<i64>(sql, &[])?.unwrap_or(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The schema version recorded in the database.
    pub(super) fn stored_version(&self) -> Result<u32> {
        let v: i64 = self
            .value("SELECT version FROM casebook_schema", &[])?
            .ok_or_else(|| super::schema::damaged(self.target))?;
        u32::try_from(v).map_err(|_| super::schema::damaged(self.target))
    }
}
