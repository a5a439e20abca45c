//! Connections: opening them, and the pool of reader connections.

use super::codec::{run_cached, sql_error, store_error, Tx};
use super::{SqliteOptions, SqliteStore};
use crate::error::{Error, Result, StorageErrorKind};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Page cache of the writer connection, in KiB. Lookup keys (phone numbers,
/// e-mail addresses) land at random places in their index: 64 MiB instead of
/// SQLite's 2 MiB keeps writes from rereading the same pages.
pub(super) const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// Most page cache of the writer during a bulk write ([`Store::write_bulk`](crate::store::Store::write_bulk)),
/// in KiB. A batch of 10,000 profiles into a million-profile file dirties
/// about 250 MB of index pages; a smaller cache spills them to the WAL before
/// the commit and reads them back. Pages are only allocated as they are
/// read, and the cache shrinks back when the transaction ends.
pub(super) const BULK_CACHE_KIB: i64 = 1024 * 1024;

/// The reader connections: those idle, and how many are open in all.
pub(super) struct PoolState {
    pub(super) idle: Vec<Connection>,
    pub(super) open: usize,
}

impl SqliteStore {
    pub(super) fn pool_state(&self) -> MutexGuard<'_, PoolState> {
        lock(&self.pool)
    }

    /// Runs `f` on a pooled reader connection inside one read transaction.
    pub(super) fn with_reader<R>(&self, f: impl FnOnce(&Tx<'_>) -> Result<R>) -> Result<R> {
        let reader = self.reader()?;
        let conn = reader.conn()?;
        // Prepared once per connection: parsing BEGIN and ROLLBACK on every
        // read cost about as much as the lookup itself.
        run_cached(conn, "BEGIN").map_err(|e| sql_error(&self.path, e))?;
        let tx = Tx {
            conn,
            path: &self.path,
            schema: self.schema,
        };
        let outcome = tx.check_schema().and_then(|()| f(&tx));
        // Nothing to keep: ending the read releases its snapshot.
        let end = run_cached(conn, "ROLLBACK");
        let value = outcome?;
        end.map_err(|e| sql_error(&self.path, e))?;
        Ok(value)
    }

    /// Takes an idle reader connection, opens a new one while under the
    /// limit, or waits for one to come back.
    pub(super) fn reader(&self) -> Result<Reader<'_>> {
        let mut state = self.pool_state();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Reader {
                    store: self,
                    conn: Some(conn),
                });
            }
            if state.open < self.options.readers.max(1) {
                state.open += 1;
                drop(state);
                return match connect(&self.path, &self.options, false) {
                    Ok(conn) => Ok(Reader {
                        store: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.pool_state().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A reader connection on loan from the pool; rolls back and returns on drop
/// (also when a read panics).
pub(super) struct Reader<'a> {
    store: &'a SqliteStore,
    pub(super) conn: Option<Connection>,
}

impl Reader<'_> {
    pub(super) fn conn(&self) -> Result<&Connection> {
        self.conn
            .as_ref()
            .ok_or_else(|| Error::Internal("reader connection already returned".into()))
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            self.store.pool_state().idle.push(conn);
            self.store.freed.notify_one();
        }
    }
}

/// Locks a mutex, ignoring poison: every holder leaves its connection
/// outside a transaction or rolls it back before use.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn check_path(path: &Path, read_only: bool) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(Error::InvalidInput("the database path is empty".into()));
    }
    if path.as_os_str() == ":memory:" {
        return Err(Error::InvalidInput(
            "a SQLite store needs a file; use MemoryStore for an in-memory store".into(),
        ));
    }
    // Absolute, so reader connections opened later find the same file.
    let path = std::path::absolute(path).map_err(|e| {
        store_error(
            StorageErrorKind::Unavailable,
            format!("cannot open {}: {e}", path.display()),
        )
    })?;
    let shown = path.display();
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Err(store_error(
            StorageErrorKind::Unavailable,
            format!("cannot open {shown}: it is a directory, not a database file"),
        )),
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if read_only {
                return Err(store_error(
                    StorageErrorKind::Unavailable,
                    format!(
                        "cannot open {shown}: it does not exist (a read-only store does not create it)"
                    ),
                ));
            }
            match path.parent() {
                Some(parent) if !parent.is_dir() => Err(store_error(
                    StorageErrorKind::Unavailable,
                    format!(
                        "cannot create {shown}: the directory {} does not exist",
                        parent.display()
                    ),
                )),
                _ => Ok(path),
            }
        }
        Err(e) => Err(crate::error::StorageError::new(
            StorageErrorKind::Unavailable,
            format!("cannot open {shown}: {e}"),
        )
        .with_source(e)
        .into()),
    }
}

/// Opens a connection: the first one of a handle may create the file.
pub(super) fn connect(path: &Path, options: &SqliteOptions, first: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if options.read_only {
        flags |= OpenFlags::SQLITE_OPEN_READ_ONLY;
    } else {
        flags |= OpenFlags::SQLITE_OPEN_READ_WRITE;
        if first {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
    conn.busy_timeout(options.busy_timeout)
        .map_err(|e| sql_error(path, e))?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(|e| sql_error(path, e))?;
    if first {
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)
            .map_err(|e| sql_error(path, e))?;
    } else {
        conn.pragma_update(None, "query_only", true)
            .map_err(|e| sql_error(path, e))?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}
