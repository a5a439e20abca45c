//! SQLite store: one database file, shared safely by threads and processes.
//!
//! Records are stored as JSON beside indexed columns for every lookup the
//! [`ReadTx`] trait makes. Case keyword search runs on an FTS5 index kept in
//! step inside the same transaction as the case it indexes. The file is in
//! WAL mode: one writer at a time (`BEGIN IMMEDIATE`), and readers, served
//! from a pool of connections, are never blocked by it.
//!
//! Durability: commits use `synchronous=FULL` by default, so a commit that
//! returned survives a killed process and a power loss alike. With WAL,
//! [`Durability::Normal`] also survives a killed process, but a power loss
//! may undo the last commits; it saves one `fsync` per commit.

mod checks;
mod codec;
mod facts;
mod pool;
mod queues;
mod read;
mod schema;
mod slas;
#[cfg(test)]
mod slas_tests;
mod tasks;
#[cfg(test)]
mod tests;
mod turns;
mod write;

use crate::error::{Error, Result, StorageErrorKind};
use crate::store::{ReadTx, Store, WriteTx};
use codec::{sql_error, store_error};
use pool::{check_path, connect, PoolState};
use rusqlite::Connection;
use schema::{foreign, inspect, migrate, too_new, Found, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How hard a commit works to survive a power loss (see the module docs).
///
/// ```
/// use casebook::{Durability, SqliteOptions};
/// let options = SqliteOptions { durability: Durability::Normal, ..SqliteOptions::default() };
/// assert_eq!(options.durability, Durability::Normal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: a commit that returned survives a power loss.
    #[default]
    Full,
    /// `synchronous=NORMAL`: survives a killed process; a power loss may undo
    /// the last commits (never corrupts the file).
    Normal,
}

/// Options of [`SqliteStore::open_with`].
///
/// ```
/// use casebook::SqliteOptions;
/// use std::time::Duration;
/// let options = SqliteOptions { busy_timeout: Duration::from_secs(30), readers: 8, ..SqliteOptions::default() };
/// assert!(!options.read_only);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// How long a transaction waits for another connection's lock before
    /// failing with a storage error (default 5 s).
    pub busy_timeout: Duration,
    /// Open without writing anything: the file must exist at the current
    /// schema version, and every write transaction fails (default `false`).
    pub read_only: bool,
    /// Most reader connections kept open at once (default 4, at least 1).
    pub readers: usize,
    /// Commit durability (default [`Durability::Full`]).
    pub durability: Durability,
    /// Share the write lock fairly between processes (default `true`):
    /// a handle's writing threads take turns in order, wait for the lock
    /// with short polls, and leave it free now and then while another
    /// process writes, so no process waits long while another keeps
    /// writing. `false` leaves waiting to SQLite's busy handler, which
    /// lets a busy process keep the lock while the other's writers wait,
    /// sometimes for seconds (`benches/writers` races the two).
    pub fair_writers: bool,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            busy_timeout: Duration::from_secs(5),
            read_only: false,
            readers: 4,
            durability: Durability::Full,
            fair_writers: true,
        }
    }
}

/// A store in one SQLite file.
///
/// Any number of handles, in any number of threads and processes, may use
/// the same file: writes are serialised by SQLite's lock, and versioned
/// records are written by compare-and-set inside the write transaction.
///
/// ```
/// use casebook::{Actor, Casebook, CreateOptions, ProfileInput, SqliteStore};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("casebook.db");
/// let cb = Casebook::builder(SqliteStore::open(&path)?).build()?;
/// let ada = cb.create_profile(&Actor::new("agent-7"), ProfileInput {
///     given_name: "Ada".into(),
///     family_name: "Lovelace".into(),
///     ..Default::default()
/// }, CreateOptions::default())?;
/// drop(cb);
///
/// // Reopened, the profile is still there.
/// let cb = Casebook::builder(SqliteStore::open(&path)?).build()?;
/// assert_eq!(cb.profile(ada.customer_id.as_str())?.family_name, "Lovelace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SqliteStore {
    path: PathBuf,
    options: SqliteOptions,
    /// Schema version this handle reads and writes (older only in tests).
    schema: u32,
    /// `None` when opened read-only.
    writer: Option<Mutex<Connection>>,
    /// The writing threads' queue for the writer connection.
    turns: turns::Turns,
    pool: Mutex<PoolState>,
    freed: Condvar,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("schema", &self.schema)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// The schema version this casebook writes (the newest migration).
    ///
    /// ```
    /// assert!(casebook::SqliteStore::SCHEMA_VERSION >= 1);
    /// ```
    pub const SCHEMA_VERSION: u32 = SCHEMA_VERSION;

    /// Opens the store at `path` with default options, creating the file if
    /// it does not exist and upgrading an older schema.
    ///
    /// Refused, with an error naming the path and leaving the file as it was:
    /// a directory, a missing parent directory, a file that is not a SQLite
    /// database or is corrupt, a SQLite database that is not casebook's, and
    /// a schema newer than [`SqliteStore::SCHEMA_VERSION`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = casebook::SqliteStore::open(dir.path().join("casebook.db"))?;
    /// assert_eq!(store.schema_version()?, casebook::SqliteStore::SCHEMA_VERSION);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens the store at `path` with `options` (see [`SqliteStore::open`]).
    ///
    /// ```
    /// use casebook::{SqliteOptions, SqliteStore};
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("casebook.db");
    /// SqliteStore::open(&path)?;
    /// let reader = SqliteStore::open_with(&path, SqliteOptions { read_only: true, ..SqliteOptions::default() })?;
    /// assert_eq!(reader.schema_version()?, SqliteStore::SCHEMA_VERSION);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<SqliteStore> {
        Self::open_at(path.as_ref(), options, SCHEMA_VERSION)
    }

    /// Creates (or opens) a store at an older schema version, for upgrade
    /// tests: the handle keeps writing that version's layout. Never use it
    /// beside handles of the current version.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("old.db");
    /// let old = casebook::SqliteStore::create_at_schema_version(&path, 1)?;
    /// assert_eq!(old.schema_version()?, 1);
    /// drop(old);
    /// let store = casebook::SqliteStore::open(&path)?;
    /// assert_eq!(store.schema_version()?, casebook::SqliteStore::SCHEMA_VERSION);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(hidden)]
    pub fn create_at_schema_version(path: impl AsRef<Path>, version: u32) -> Result<SqliteStore> {
        if version == 0 || version > SCHEMA_VERSION {
            return Err(Error::InvalidInput(format!(
                "schema version {version} does not exist (1 to {SCHEMA_VERSION})"
            )));
        }
        Self::open_at(path.as_ref(), SqliteOptions::default(), version)
    }

    fn open_at(path: &Path, options: SqliteOptions, target: u32) -> Result<SqliteStore> {
        let path = check_path(path, options.read_only)?;
        let conn = connect(&path, &options, true)?;
        let found = inspect(&conn, &path)?;
        let found_version = match found {
            Found::Foreign => return Err(foreign(&path)),
            Found::Casebook(v) if v > target => return Err(too_new(&path, v, target)),
            Found::Casebook(v) => Some(v),
            Found::Empty => None,
        };
        let mut store = SqliteStore {
            path,
            options,
            schema: target,
            writer: None,
            turns: turns::Turns::default(),
            pool: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        };
        if store.options.read_only {
            if found_version != Some(target) {
                return Err(Error::IncompatibleVersion(format!(
                    "{} is at casebook schema version {}, this casebook needs version {target}: open it once without read_only to upgrade it",
                    store.path.display(),
                    found_version.map_or_else(|| "none".to_string(), |v| v.to_string())
                )));
            }
            conn.pragma_update(None, "query_only", true)
                .map_err(|e| sql_error(&store.path, e))?;
            store.pool_state().idle.push(conn);
            store.pool_state().open = 1;
            return Ok(store);
        }
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(store_error(
                StorageErrorKind::Io,
                format!(
                    "{} cannot be written (read-only file or file system); open it with read_only to read it",
                    store.path.display()
                ),
            ));
        }
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|e| sql_error(&store.path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(store_error(
                StorageErrorKind::Other,
                format!(
                    "{} cannot use write-ahead logging (journal mode stays `{mode}`)",
                    store.path.display()
                ),
            ));
        }
        let sync = match store.options.durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", sync)
            .map_err(|e| sql_error(&store.path, e))?;
        // Up to date: no need to wait for the write lock (another handle may hold it).
        if found_version != Some(target) {
            migrate(&conn, &store.path, target)?;
        }
        store.writer = Some(Mutex::new(conn));
        Ok(store)
    }

    /// The database file (made absolute when opened).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = casebook::SqliteStore::open(dir.path().join("casebook.db"))?;
    /// assert!(store.path().ends_with("casebook.db"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file now.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = casebook::SqliteStore::open(dir.path().join("casebook.db"))?;
    /// assert_eq!(store.schema_version()?, casebook::SqliteStore::SCHEMA_VERSION);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schema_version(&self) -> Result<u32> {
        self.with_reader(|tx| tx.stored_version())
    }
}

impl Store for SqliteStore {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.with_reader(|tx| f(tx))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(f, false)
    }

    /// A write with a larger page cache for its duration.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(f, true)
    }

    /// `false` when opened read-only.
    fn writable(&self) -> bool {
        self.writer.is_some()
    }

    /// [`SqliteStore::integrity_problems`].
    fn self_check(&self) -> Result<Vec<String>> {
        self.integrity_problems()
    }
}
