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

use super::{ReadTx, Snapshot, Store, WriteTx, SNAPSHOT_FORMAT};
use crate::error::{Entity, Error, Result};
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use rusqlite::types::FromSql;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Params};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use uuid::Uuid;

/// The schema version this casebook writes. Opening an older file upgrades
/// it; a newer one is refused.
///
/// ```
/// assert_eq!(casebook::store::sqlite::SCHEMA_VERSION, casebook::SqliteStore::SCHEMA_VERSION);
/// ```
pub const SCHEMA_VERSION: u32 = 4;

/// First schema version with the FTS5 case search index.
const FTS_VERSION: u32 = 2;

/// First schema version with the list of search terms (prefix expansion).
const TERMS_VERSION: u32 = 4;

/// Most terms a prefix is expanded to before FTS5's own prefix query is used.
const MAX_PREFIX_TERMS: usize = 64;

/// Page cache of the writer connection, in KiB. Lookup keys (phone numbers,
/// e-mail addresses) land at random places in their index: 64 MiB instead of
/// SQLite's 2 MiB keeps writes from rereading the same pages.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// Most page cache of the writer during a bulk write ([`Store::write_bulk`]),
/// in KiB. A batch of 10,000 profiles into a million-profile file dirties
/// about 250 MB of index pages; a smaller cache spills them to the WAL before
/// the commit and reads them back. Pages are only allocated as they are
/// read, and the cache shrinks back when the transaction ends.
const BULK_CACHE_KIB: i64 = 1024 * 1024;

/// Migration steps: `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
/// Released steps never change; a new version appends a step.
const MIGRATIONS: &[&str] = &[
    // v1: records and their lookup indexes. Tables holding JSON bodies (about
    // a kilobyte each) are rowid tables: in a WITHOUT ROWID table such rows
    // spill into overflow pages and take several times their size.
    "CREATE TABLE profiles (
        id BLOB PRIMARY KEY NOT NULL,
        customer_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL
    );
    CREATE TABLE profile_keys (
        key TEXT NOT NULL,
        profile_id BLOB NOT NULL REFERENCES profiles(id),
        PRIMARY KEY (key, profile_id)
    ) WITHOUT ROWID;
    CREATE TABLE profile_names (
        token TEXT NOT NULL,
        profile_id BLOB NOT NULL REFERENCES profiles(id),
        PRIMARY KEY (token, profile_id)
    ) WITHOUT ROWID;
    CREATE TABLE cases (
        seq INTEGER PRIMARY KEY,
        id BLOB NOT NULL UNIQUE,
        number TEXT NOT NULL UNIQUE,
        search_tokens TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE links (
        case_id BLOB NOT NULL,
        profile_id BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (case_id, profile_id)
    ) WITHOUT ROWID;
    CREATE INDEX links_by_profile ON links (profile_id, case_id);
    CREATE TABLE contacts (
        id BLOB PRIMARY KEY NOT NULL,
        profile_id BLOB,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX contacts_by_profile ON contacts (profile_id, started_s, started_ns, id);
    CREATE TABLE contact_cases (
        case_id BLOB NOT NULL,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        contact_id BLOB NOT NULL REFERENCES contacts(id),
        PRIMARY KEY (case_id, started_s, started_ns, contact_id)
    ) WITHOUT ROWID;
    CREATE TABLE relations (
        k1 BLOB NOT NULL,
        k2 BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (k1, k2)
    ) WITHOUT ROWID;
    CREATE INDEX relations_by_k2 ON relations (k2, k1);
    CREATE TABLE templates (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (id, version)
    );
    CREATE TABLE sequences (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL
    );
    CREATE TABLE audit_subjects (
        subject BLOB NOT NULL,
        seq INTEGER NOT NULL REFERENCES audit(seq),
        PRIMARY KEY (subject, seq)
    ) WITHOUT ROWID;
    CREATE TABLE blobs (
        kind TEXT NOT NULL,
        id BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );",
    // v2: case keyword search on FTS5 over the stored search tokens.
    "CREATE VIRTUAL TABLE case_search USING fts5 (
        search_tokens, content = 'cases', content_rowid = 'seq',
        tokenize = 'ascii', detail = 'none'
    );
    INSERT INTO case_search (case_search) VALUES ('rebuild');",
    // v3: replacing a profile or contact finds its index rows without a scan.
    "CREATE INDEX profile_keys_by_profile ON profile_keys (profile_id);
    CREATE INDEX profile_names_by_profile ON profile_names (profile_id);
    CREATE INDEX contact_cases_by_contact ON contact_cases (contact_id);",
    // v4: every search term ever indexed, so a prefix is expanded to terms
    // by a range scan: FTS5 merges whole doclists for a prefix query, which
    // costs time in proportion to the store.
    "CREATE TABLE case_terms (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
    CREATE VIRTUAL TABLE temp.case_search_vocab USING fts5vocab(main, 'case_search', 'row');
    INSERT OR IGNORE INTO case_terms (term) SELECT term FROM temp.case_search_vocab;
    DROP TABLE temp.case_search_vocab;",
];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

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
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            busy_timeout: Duration::from_secs(5),
            read_only: false,
            readers: 4,
            durability: Durability::Full,
        }
    }
}

/// A store in one SQLite file.
///
/// Any number of handles, in any number of threads and processes, may use
/// the same file: writes are serialised by SQLite's lock, and the engine's
/// optimistic version checks run inside the write transaction.
///
/// ```
/// use casebook::{Casebook, ProfileInput, SqliteStore};
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("casebook.db");
/// let cb = Casebook::builder(SqliteStore::open(&path)?).build()?;
/// let ada = cb.create_profile("agent-7", ProfileInput {
///     given_name: "Ada".into(),
///     family_name: "Lovelace".into(),
///     ..Default::default()
/// })?;
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
    pool: Mutex<PoolState>,
    freed: Condvar,
}

struct PoolState {
    idle: Vec<Connection>,
    open: usize,
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

/// What an existing file holds.
enum Found {
    /// No tables yet (new or empty file).
    Empty,
    /// A casebook schema at this version.
    Casebook(u32),
    /// Tables, but not casebook's.
    Foreign,
}

impl SqliteStore {
    /// The schema version this casebook writes (same as [`SCHEMA_VERSION`]).
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
    /// a schema newer than [`SCHEMA_VERSION`].
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
            return Err(Error::Storage(format!(
                "{} cannot be written (read-only file or file system); open it with read_only to read it",
                store.path.display()
            )));
        }
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|e| sql_error(&store.path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Storage(format!(
                "{} cannot use write-ahead logging (journal mode stays `{mode}`)",
                store.path.display()
            )));
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

    /// Every problem found in the file: SQLite's `integrity_check` and
    /// `foreign_key_check`, the search index against the cases, the lookup
    /// indexes against the records, and the engine's own invariants
    /// ([`crate::engine::invariant_problems`]). Empty when all is well.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = casebook::SqliteStore::open(dir.path().join("casebook.db"))?;
    /// assert!(store.integrity_problems()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = self.with_reader(|tx| {
            let mut problems = tx.sqlite_problems()?;
            problems.extend(tx.index_problems()?);
            problems.extend(crate::engine::invariant_problems(tx)?);
            Ok(problems)
        })?;
        // The search index check is a write statement: it needs the writer.
        if let (Some(writer), true) = (&self.writer, self.schema >= FTS_VERSION) {
            let conn = lock(writer);
            conn.execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| sql_error(&self.path, e))?;
            let check = conn.execute(
                "INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 1)",
                [],
            );
            let _ = conn.execute_batch("ROLLBACK");
            if let Err(e) = check {
                problems.push(format!("case search index: {e}"));
            }
        }
        Ok(problems)
    }

    fn pool_state(&self) -> MutexGuard<'_, PoolState> {
        lock(&self.pool)
    }

    /// Runs `f` on a pooled reader connection inside one read transaction.
    fn with_reader<R>(&self, f: impl FnOnce(&Tx<'_>) -> Result<R>) -> Result<R> {
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
    fn reader(&self) -> Result<Reader<'_>> {
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
struct Reader<'a> {
    store: &'a SqliteStore,
    conn: Option<Connection>,
}

impl Reader<'_> {
    fn conn(&self) -> Result<&Connection> {
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
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn check_path(path: &Path, read_only: bool) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(Error::InvalidInput("the database path is empty".into()));
    }
    if path.as_os_str() == ":memory:" {
        return Err(Error::InvalidInput(
            "a SQLite store needs a file; use MemoryStore for an in-memory store".into(),
        ));
    }
    // Absolute, so reader connections opened later find the same file.
    let path = std::path::absolute(path)
        .map_err(|e| Error::Storage(format!("cannot open {}: {e}", path.display())))?;
    let shown = path.display();
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Err(Error::Storage(format!(
            "cannot open {shown}: it is a directory, not a database file"
        ))),
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if read_only {
                return Err(Error::Storage(format!(
                    "cannot open {shown}: it does not exist (a read-only store does not create it)"
                )));
            }
            match path.parent() {
                Some(parent) if !parent.is_dir() => Err(Error::Storage(format!(
                    "cannot create {shown}: the directory {} does not exist",
                    parent.display()
                ))),
                _ => Ok(path),
            }
        }
        Err(e) => Err(Error::Storage(format!("cannot open {shown}: {e}"))),
    }
}

/// Opens a connection: the first one of a handle may create the file.
fn connect(path: &Path, options: &SqliteOptions, first: bool) -> Result<Connection> {
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

/// Looks at a file without writing to it.
fn inspect(conn: &Connection, path: &Path) -> Result<Found> {
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| sql_error(path, e))?;
    if objects == 0 {
        return Ok(Found::Empty);
    }
    let ours: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'casebook_schema'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sql_error(path, e))?;
    if ours == 0 {
        return Ok(Found::Foreign);
    }
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM casebook_schema")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| sql_error(path, e))?;
    match versions[..] {
        [v] => u32::try_from(v)
            .map(Found::Casebook)
            .map_err(|_| damaged(path)),
        _ => Err(damaged(path)),
    }
}

fn damaged(path: &Path) -> Error {
    Error::Storage(format!(
        "{} has a damaged casebook_schema table (it must hold exactly one version)",
        path.display()
    ))
}

fn foreign(path: &Path) -> Error {
    Error::Storage(format!(
        "{} is a SQLite database but not a casebook store (no casebook_schema table); it was left untouched",
        path.display()
    ))
}

fn too_new(path: &Path, found: u32, supported: u32) -> Error {
    Error::IncompatibleVersion(format!(
        "{} has casebook schema version {found}, newer than version {supported} this casebook reads; open it with a newer casebook (the file was left untouched)",
        path.display()
    ))
}

/// Creates or upgrades the schema to `target` in one transaction.
fn migrate(conn: &Connection, path: &Path, target: u32) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| sql_error(path, e))?;
    let upgrade = || -> Result<()> {
        // Looked at again under the write lock: another process may have
        // created or upgraded the file meanwhile.
        let from = match inspect(conn, path)? {
            Found::Empty => {
                conn.execute_batch(
                    "CREATE TABLE casebook_schema (version INTEGER NOT NULL);
                     INSERT INTO casebook_schema (version) VALUES (0);",
                )
                .map_err(|e| sql_error(path, e))?;
                0
            }
            Found::Foreign => return Err(foreign(path)),
            Found::Casebook(v) if v > target => return Err(too_new(path, v, target)),
            Found::Casebook(v) => v,
        };
        for (step, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(target as usize)
            .skip(from as usize)
        {
            conn.execute_batch(sql).map_err(|e| {
                Error::Storage(format!(
                    "{}: upgrading to schema version {} failed: {e}",
                    path.display(),
                    step + 1
                ))
            })?;
        }
        if from < target {
            conn.execute("UPDATE casebook_schema SET version = ?1", [target])
                .map_err(|e| sql_error(path, e))?;
        }
        Ok(())
    };
    match upgrade() {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| sql_error(path, e)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Maps a SQLite error to a storage error naming the file.
/// Runs a statement without parameters from the connection's statement cache.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as Code;
    let shown = path.display();
    Error::Storage(match e.sqlite_error_code() {
        Some(Code::DatabaseBusy | Code::DatabaseLocked) => {
            format!("{shown} stayed locked by another connection past the busy timeout: {e}")
        }
        Some(Code::NotADatabase) => format!("{shown} is not a SQLite database: {e}"),
        Some(Code::DatabaseCorrupt) => format!("{shown} is corrupt: {e}"),
        Some(Code::ReadOnly) => format!("{shown} cannot be written: {e}"),
        Some(Code::CannotOpen) => format!("cannot open {shown}: {e}"),
        Some(Code::DiskFull) => format!("the disk holding {shown} is full: {e}"),
        _ => format!("{shown}: {e}"),
    })
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A timestamp as sortable (seconds, nanoseconds): both carry its sign.
fn instant(t: Timestamp) -> (i64, i32) {
    (t.as_second(), t.subsec_nanosecond())
}

/// The smallest string greater than every string starting with `prefix`
/// (`None`: no such bound). Compares as SQLite's BINARY collation does.
fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => 0xE000,
            n => n,
        };
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// One FTS5 query term, quoted so it can never be query syntax.
fn fts_term(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// Search tokens as the memory store sees them: folded ASCII alphanumerics.
fn plain_token(token: &str) -> bool {
    token
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A transaction on one connection (read or write).
struct Tx<'a> {
    conn: &'a Connection,
    path: &'a Path,
    schema: u32,
}

impl Tx<'_> {
    fn err(&self, e: rusqlite::Error) -> Error {
        sql_error(self.path, e)
    }

    fn stored_version(&self) -> Result<u32> {
        let v: i64 = self
            .conn
            .prepare_cached("SELECT version FROM casebook_schema")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        u32::try_from(v).map_err(|_| damaged(self.path))
    }

    /// Refuses to work on a file another casebook has upgraded meanwhile.
    fn check_schema(&self) -> Result<()> {
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

    fn decode<T: DeserializeOwned>(&self, what: &str, body: &str) -> Result<T> {
        serde_json::from_str(body).map_err(|e| {
            Error::Storage(format!(
                "{}: a stored {what} cannot be read: {e}",
                self.path.display()
            ))
        })
    }

    fn encode<T: Serialize>(&self, value: &T) -> Result<String> {
        serde_json::to_string(value)
            .map_err(|e| Error::Internal(format!("a record cannot be encoded: {e}")))
    }

    fn uuid(&self, bytes: &[u8]) -> Result<Uuid> {
        Uuid::from_slice(bytes).map_err(|e| {
            Error::Storage(format!(
                "{}: a stored id is malformed: {e}",
                self.path.display()
            ))
        })
    }

    fn column<T: FromSql>(&self, sql: &str, params: impl Params) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| r.get::<_, T>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<T>>>()
            .map_err(|e| self.err(e))
    }

    fn value<T: FromSql>(&self, sql: &str, params: impl Params) -> Result<Option<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.query_row(params, |r| r.get::<_, T>(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The indexed terms starting with `prefix`, or `None` when there are
    /// too many to list (or the file predates the term list).
    fn prefix_terms(&self, prefix: &str) -> Result<Option<Vec<String>>> {
        if self.schema < TERMS_VERSION {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT term FROM case_terms WHERE term >= CAST(?1 AS TEXT) AND term < CAST(?2 AS TEXT) ORDER BY term LIMIT CAST(?3 AS INTEGER)",
            )
            .map_err(|e| self.err(e))?;
        // Terms are ASCII letters and digits: the next string after every
        // term with this prefix ends in the last byte plus one.
        let mut end = prefix.as_bytes().to_vec();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        let end = String::from_utf8_lossy(&end).into_owned();
        let terms = stmt
            .query_map(params![prefix, end, MAX_PREFIX_TERMS as i64 + 1], |r| {
                r.get::<_, String>(0)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(|e| self.err(e))?;
        Ok((terms.len() <= MAX_PREFIX_TERMS).then_some(terms))
    }

    fn exec(&self, sql: &str, params: impl Params) -> Result<usize> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.execute(params).map_err(|e| self.err(e))
    }

    fn ids(&self, sql: &str, params: impl Params) -> Result<Vec<Uuid>> {
        self.column::<Vec<u8>>(sql, params)?
            .iter()
            .map(|b| self.uuid(b))
            .collect()
    }

    fn records<T: DeserializeOwned>(
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

    fn record<T: DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<Option<T>> {
        self.value::<String>(sql, params)?
            .map(|b| self.decode(what, &b))
            .transpose()
    }

    fn count(&self, sql: &str) -> Result<usize> {
        let n = self.value::<i64>(sql, [])?.unwrap_or(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Case search without the FTS index (schema versions before it).
    fn search_by_scan(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, search_tokens FROM cases ORDER BY seq DESC")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            if out.len() >= limit {
                break;
            }
            let (id, text) = row.map_err(|e| self.err(e))?;
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            if exact.iter().all(|t| words.contains(&t.as_str()))
                && words.iter().any(|w| w.starts_with(last.as_str()))
            {
                out.push(self.uuid(&id)?);
            }
        }
        Ok(out)
    }

    /// SQLite's own checks.
    fn sqlite_problems(&self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = self
            .column::<String>("PRAGMA integrity_check", [])?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        let mut stmt = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(2)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (table, parent) = row.map_err(|e| self.err(e))?;
            problems.push(format!("a row of {table} refers to a missing {parent} row"));
        }
        Ok(problems)
    }

    /// The lookup columns and index tables against the records they index.
    fn index_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut after: Option<Uuid> = None;
        loop {
            let page = self.profiles_page(after, 500)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for p in &page {
                let id = &p.id.as_bytes()[..];
                if self.profile_id_by_customer_id(&p.customer_id)? != Some(p.id) {
                    problems.push(format!("customer ID {} is not indexed", p.customer_id));
                }
                let keys: Vec<String> = self.column(
                    "SELECT key FROM profile_keys WHERE profile_id = CAST(?1 AS BLOB) ORDER BY key",
                    [id],
                )?;
                if keys != p.index_keys() {
                    problems.push(format!("profile {} has stale index keys", p.customer_id));
                }
                let mut tokens = p.name_tokens();
                tokens.sort();
                let names: Vec<String> = self.column(
                    "SELECT token FROM profile_names WHERE profile_id = CAST(?1 AS BLOB) ORDER BY token",
                    [id],
                )?;
                if names != tokens {
                    problems.push(format!("profile {} has stale name tokens", p.customer_id));
                }
            }
        }
        for case in self.export_cases()? {
            if self.case_id_by_number(&case.number)? != Some(case.id) {
                problems.push(format!("case number {} is not indexed", case.number));
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, profile_id, started_s, started_ns, body FROM contacts")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i32>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (id, profile, s, ns, body) = row.map_err(|e| self.err(e))?;
            let c: Contact = self.decode("contact", &body)?;
            let profile = profile.map(|b| self.uuid(&b)).transpose()?;
            if self.uuid(&id)? != c.id
                || profile != c.profile_id
                || (s, ns) != instant(c.started_at)
            {
                problems.push(format!("contact {} has stale index columns", c.id));
            }
            let mut cases: Vec<Uuid> = c.case_ids.clone();
            cases.sort();
            cases.dedup();
            let indexed = self.ids(
                "SELECT case_id FROM contact_cases WHERE contact_id = CAST(?1 AS BLOB) ORDER BY case_id",
                [&id[..]],
            )?;
            if indexed != cases {
                problems.push(format!("contact {} has stale case entries", c.id));
            }
        }
        let links: usize = self.count("SELECT count(*) FROM links")?;
        let mut linked = 0;
        for case in self.ids("SELECT DISTINCT case_id FROM links", [])? {
            for link in self.links_of_case(case)? {
                linked += 1;
                if link.case_id != case || !self.links_of_profile(link.profile_id)?.contains(&link)
                {
                    problems.push(format!("the link of case {case} is stale"));
                }
            }
        }
        if linked != links {
            problems.push("links are indexed twice".into());
        }
        for r in self.records::<Relation>("relation", "SELECT body FROM relations", [])? {
            let (k1, k2) = r.key();
            let found: Option<i64> = self.value(
                "SELECT 1 FROM relations WHERE k1 = ?1 AND k2 = ?2",
                [&k1.as_bytes()[..], &k2.as_bytes()[..]],
            )?;
            if found.is_none() {
                problems.push(format!("relation {k1}/{k2} is stored under another key"));
            }
        }
        Ok(problems)
    }

    fn export_cases(&self) -> Result<Vec<Case>> {
        self.records("case", "SELECT body FROM cases ORDER BY seq", [])
    }
}

impl ReadTx for Tx<'_> {
    fn profile(&self, id: Uuid) -> Result<Option<Profile>> {
        self.record(
            "profile",
            "SELECT body FROM profiles WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>> {
        self.value::<Vec<u8>>(
            "SELECT id FROM profiles WHERE customer_id = ?1",
            [customer_id],
        )?
        .map(|b| self.uuid(&b))
        .transpose()
    }

    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>> {
        self.ids(
            "SELECT profile_id FROM profile_keys WHERE key = CAST(?1 AS TEXT) ORDER BY profile_id",
            [key],
        )
    }

    fn profiles_by_name_prefix(&self, prefix: &str, limit_to: usize) -> Result<Vec<Uuid>> {
        // A range over the token index, not LIKE: exact, and uses the index.
        match prefix_successor(prefix) {
            Some(upper) => self.ids(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= CAST(?1 AS TEXT) AND token < CAST(?2 AS TEXT) ORDER BY profile_id LIMIT CAST(?3 AS INTEGER)",
                params![prefix, upper, limit(limit_to)],
            ),
            None => self.ids(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= CAST(?1 AS TEXT) ORDER BY profile_id LIMIT CAST(?2 AS INTEGER)",
                params![prefix, limit(limit_to)],
            ),
        }
    }

    fn profile_ids(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Uuid>> {
        let after = after.map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        self.ids(
            "SELECT id FROM profiles WHERE id > CAST(?1 AS BLOB) ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            params![after, limit(limit_to)],
        )
    }

    fn profiles_page(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Profile>> {
        let after = after.map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        self.records(
            "profile",
            "SELECT body FROM profiles WHERE id > CAST(?1 AS BLOB) ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            params![after, limit(limit_to)],
        )
    }

    fn profile_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM profiles")
    }

    fn case(&self, id: Uuid) -> Result<Option<Case>> {
        self.record(
            "case",
            "SELECT body FROM cases WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>> {
        self.value::<Vec<u8>>("SELECT id FROM cases WHERE number = ?1", [number])?
            .map(|b| self.uuid(&b))
            .transpose()
    }

    fn search_cases(&self, tokens: &[String], limit_to: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        // Stored tokens are folded ASCII alphanumerics: nothing else can match.
        if exact.iter().any(|t| t.is_empty() || !plain_token(t)) || !plain_token(last) {
            return Ok(Vec::new());
        }
        if self.schema < FTS_VERSION {
            return self.search_by_scan(tokens, limit_to);
        }
        if exact.is_empty() && last.is_empty() {
            // An empty prefix matches every case with at least one token.
            return self.ids(
                "SELECT id FROM cases WHERE search_tokens != '' ORDER BY seq DESC LIMIT CAST(?1 AS INTEGER)",
                [limit(limit_to)],
            );
        }
        let mut terms: Vec<String> = exact.iter().map(|t| fts_term(t)).collect();
        if !last.is_empty() {
            match self.prefix_terms(last)? {
                Some(expanded) if expanded.is_empty() => return Ok(Vec::new()),
                // Whole terms let FTS5 walk newest first and stop at the limit.
                Some(expanded) => terms.push(format!(
                    "({})",
                    expanded
                        .iter()
                        .map(|t| fts_term(t))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                )),
                None => terms.push(format!("{}*", fts_term(last))),
            }
        }
        self.ids(
            "SELECT id FROM cases WHERE seq IN (
                 SELECT rowid FROM case_search WHERE case_search MATCH CAST(?1 AS TEXT)
                 ORDER BY rowid DESC LIMIT CAST(?2 AS INTEGER)
             ) ORDER BY seq DESC",
            params![terms.join(" AND "), limit(limit_to)],
        )
    }

    fn case_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM cases")
    }

    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE case_id = CAST(?1 AS BLOB) ORDER BY profile_id",
            [&case.as_bytes()[..]],
        )
    }

    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE profile_id = CAST(?1 AS BLOB) ORDER BY case_id",
            [&profile.as_bytes()[..]],
        )
    }

    fn contact(&self, id: Uuid) -> Result<Option<Contact>> {
        self.record(
            "contact",
            "SELECT body FROM contacts WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit_to: usize,
    ) -> Result<Vec<Contact>> {
        let (from_s, from_ns) = from.map_or((i64::MIN, i32::MIN), instant);
        // No timestamp reaches i64::MAX seconds: an open end excludes nothing.
        let (to_s, to_ns) = to.map_or((i64::MAX, i32::MAX), instant);
        self.records(
            "contact",
            "SELECT body FROM contacts
             WHERE profile_id = CAST(?1 AS BLOB)
               AND (started_s, started_ns) >= (?2, ?3)
               AND (started_s, started_ns) < (?4, ?5)
             ORDER BY started_s DESC, started_ns DESC, id DESC
             LIMIT CAST(?6 AS INTEGER)",
            params![
                &profile.as_bytes()[..],
                from_s,
                from_ns,
                to_s,
                to_ns,
                limit(limit_to)
            ],
        )
    }

    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>> {
        self.records(
            "contact",
            "SELECT c.body FROM contact_cases x JOIN contacts c ON c.id = x.contact_id
             WHERE x.case_id = CAST(?1 AS BLOB)
             ORDER BY x.started_s DESC, x.started_ns DESC, x.contact_id DESC",
            [&case.as_bytes()[..]],
        )
    }

    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>> {
        self.records(
            "relation",
            "SELECT body FROM (
                 SELECT k2 AS other, body FROM relations WHERE k1 = ?1
                 UNION ALL
                 SELECT k1 AS other, body FROM relations WHERE k2 = ?1 AND k1 != ?1
             ) ORDER BY other",
            [&profile.as_bytes()[..]],
        )
    }

    fn template(&self, id: &str, version: u32) -> Result<Option<Template>> {
        self.record(
            "template",
            "SELECT body FROM templates WHERE id = ?1 AND version = ?2",
            params![id, version],
        )
    }

    fn latest_template_version(&self, id: &str) -> Result<Option<u32>> {
        // CAST: with a bare `?1` SQLite re-prepares this statement on every
        // bind (equality plus max on the index), and it runs once per record.
        let v: Option<Option<i64>> = self.value(
            "SELECT max(version) FROM templates WHERE id = CAST(?1 AS TEXT)",
            [id],
        )?;
        v.flatten()
            .map(|v| u32::try_from(v).map_err(|_| damaged_value(self.path, "template version")))
            .transpose()
    }

    fn template_refs(&self) -> Result<Vec<TemplateRef>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, version FROM templates ORDER BY id, version")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(|e| self.err(e))?;
        rows.map(|row| {
            row.map(|(id, version)| TemplateRef { id, version })
                .map_err(|e| self.err(e))
        })
        .collect()
    }

    fn sequence(&self, name: &str) -> Result<u64> {
        let v: Option<i64> = self.value("SELECT value FROM sequences WHERE name = ?1", [name])?;
        u64::try_from(v.unwrap_or(0)).map_err(|_| damaged_value(self.path, "sequence"))
    }

    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        match subject {
            None => self.records("audit entry", "SELECT body FROM audit ORDER BY seq", []),
            Some(s) => self.records(
                "audit entry",
                "SELECT a.body FROM audit_subjects x JOIN audit a ON a.seq = x.seq
                 WHERE x.subject = CAST(?1 AS BLOB) ORDER BY x.seq",
                [&s.as_bytes()[..]],
            ),
        }
    }

    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>> {
        self.record(
            "blob",
            "SELECT body FROM blobs WHERE kind = ?1 AND id = ?2",
            params![kind, &id.as_bytes()[..]],
        )
    }

    fn export(&self) -> Result<Snapshot> {
        let mut sequences = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT name, value FROM sequences ORDER BY name")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (name, value) = row.map_err(|e| self.err(e))?;
                let value =
                    u64::try_from(value).map_err(|_| damaged_value(self.path, "sequence"))?;
                sequences.insert(name, value);
            }
        }
        let mut blobs = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT kind, id, body FROM blobs ORDER BY kind, id")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (kind, id, body) = row.map_err(|e| self.err(e))?;
                blobs.push((kind, self.uuid(&id)?, self.decode("blob", &body)?));
            }
        }
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            templates: self.records(
                "template",
                "SELECT body FROM templates ORDER BY id, version",
                [],
            )?,
            profiles: self.records("profile", "SELECT body FROM profiles ORDER BY id", [])?,
            cases: self.export_cases()?,
            links: self.records(
                "case link",
                "SELECT body FROM links ORDER BY case_id, profile_id",
                [],
            )?,
            contacts: self.records("contact", "SELECT body FROM contacts ORDER BY id", [])?,
            relations: self.records(
                "relation",
                "SELECT body FROM relations ORDER BY k1, k2",
                [],
            )?,
            sequences,
            audit: self.records("audit entry", "SELECT body FROM audit ORDER BY seq", [])?,
            blobs,
        })
    }
}

fn damaged_value(path: &Path, what: &str) -> Error {
    Error::Storage(format!(
        "{}: a stored {what} is out of range",
        path.display()
    ))
}

impl WriteTx for Tx<'_> {
    fn put_profile(&mut self, profile: &Profile) -> Result<()> {
        if let Some(holder) = self.profile_id_by_customer_id(&profile.customer_id)? {
            if holder != profile.id {
                return Err(Error::AlreadyExists {
                    entity: Entity::Profile,
                    id: profile.customer_id.clone(),
                });
            }
        }
        let id = &profile.id.as_bytes()[..];
        // An upsert, not REPLACE: REPLACE would delete the row first.
        self.exec(
            "INSERT INTO profiles (id, customer_id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, body = excluded.body",
            params![id, profile.customer_id, self.encode(profile)?],
        )?;
        self.exec("DELETE FROM profile_keys WHERE profile_id = ?1", [id])?;
        for key in profile.index_keys() {
            self.exec(
                "INSERT OR IGNORE INTO profile_keys (key, profile_id) VALUES (?1, ?2)",
                params![key, id],
            )?;
        }
        self.exec("DELETE FROM profile_names WHERE profile_id = ?1", [id])?;
        for token in profile.name_tokens() {
            self.exec(
                "INSERT OR IGNORE INTO profile_names (token, profile_id) VALUES (?1, ?2)",
                params![token, id],
            )?;
        }
        Ok(())
    }

    fn put_case(&mut self, case: &Case, search_text: &str) -> Result<()> {
        if let Some(holder) = self.case_id_by_number(&case.number)? {
            if holder != case.id {
                return Err(Error::AlreadyExists {
                    entity: Entity::Case,
                    id: case.number.clone(),
                });
            }
        }
        let id = &case.id.as_bytes()[..];
        let token_list = crate::text::tokens(search_text);
        if self.schema >= TERMS_VERSION {
            for token in &token_list {
                self.exec(
                    "INSERT OR IGNORE INTO case_terms (term) VALUES (?1)",
                    [token],
                )?;
            }
        }
        let tokens = token_list.join(" ");
        let body = self.encode(case)?;
        let fts = self.schema >= FTS_VERSION;
        let existing: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT seq, search_tokens FROM cases WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(|e| self.err(e))?;
        match existing {
            Some((seq, old_tokens)) => {
                let reindex = fts && old_tokens != tokens;
                // An external-content index forgets a row by its old text.
                if reindex {
                    self.exec(
                        "INSERT INTO case_search (case_search, rowid, search_tokens)
                         VALUES ('delete', ?1, ?2)",
                        params![seq, old_tokens],
                    )?;
                }
                self.exec(
                    "UPDATE cases SET number = ?2, search_tokens = ?3, body = ?4 WHERE seq = ?1",
                    params![seq, case.number, tokens, body],
                )?;
                if reindex {
                    self.exec(
                        "INSERT INTO case_search (rowid, search_tokens) VALUES (?1, ?2)",
                        params![seq, tokens],
                    )?;
                }
            }
            None => {
                self.exec(
                    "INSERT INTO cases (id, number, search_tokens, body) VALUES (?1, ?2, ?3, ?4)",
                    params![id, case.number, tokens, body],
                )?;
                if fts {
                    let seq = self.conn.last_insert_rowid();
                    self.exec(
                        "INSERT INTO case_search (rowid, search_tokens) VALUES (?1, ?2)",
                        params![seq, tokens],
                    )?;
                }
            }
        }
        Ok(())
    }

    fn put_link(&mut self, link: &CaseLink) -> Result<()> {
        self.exec(
            "INSERT INTO links (case_id, profile_id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (case_id, profile_id) DO UPDATE SET body = excluded.body",
            params![
                &link.case_id.as_bytes()[..],
                &link.profile_id.as_bytes()[..],
                self.encode(link)?
            ],
        )?;
        Ok(())
    }

    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool> {
        let n = self.exec(
            "DELETE FROM links WHERE case_id = ?1 AND profile_id = ?2",
            [&case.as_bytes()[..], &profile.as_bytes()[..]],
        )?;
        Ok(n > 0)
    }

    fn put_contact(&mut self, contact: &Contact) -> Result<()> {
        let id = &contact.id.as_bytes()[..];
        let (s, ns) = instant(contact.started_at);
        self.exec(
            "INSERT INTO contacts (id, profile_id, started_s, started_ns, body)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id,
                 started_s = excluded.started_s, started_ns = excluded.started_ns,
                 body = excluded.body",
            params![
                id,
                contact.profile_id.map(|p| p.as_bytes().to_vec()),
                s,
                ns,
                self.encode(contact)?
            ],
        )?;
        self.exec("DELETE FROM contact_cases WHERE contact_id = ?1", [id])?;
        for case in &contact.case_ids {
            self.exec(
                "INSERT OR IGNORE INTO contact_cases (case_id, started_s, started_ns, contact_id)
                 VALUES (?1, ?2, ?3, ?4)",
                params![&case.as_bytes()[..], s, ns, id],
            )?;
        }
        Ok(())
    }

    fn put_relation(&mut self, relation: &Relation) -> Result<()> {
        let (k1, k2) = relation.key();
        self.exec(
            "INSERT INTO relations (k1, k2, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (k1, k2) DO UPDATE SET body = excluded.body",
            params![
                &k1.as_bytes()[..],
                &k2.as_bytes()[..],
                self.encode(relation)?
            ],
        )?;
        Ok(())
    }

    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool> {
        let (k1, k2) = relation_key(a, b);
        let n = self.exec(
            "DELETE FROM relations WHERE k1 = ?1 AND k2 = ?2",
            [&k1.as_bytes()[..], &k2.as_bytes()[..]],
        )?;
        Ok(n > 0)
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        if self.template(&template.id, template.version)?.is_some() {
            return Err(Error::AlreadyExists {
                entity: Entity::Template,
                id: format!("{} v{}", template.id, template.version),
            });
        }
        self.exec(
            "INSERT INTO templates (id, version, body) VALUES (?1, ?2, ?3)",
            params![template.id, template.version, self.encode(template)?],
        )?;
        Ok(())
    }

    fn next_sequence(&mut self, name: &str) -> Result<u64> {
        let next = i64::try_from(self.sequence(name)?)
            .ok()
            .and_then(|n| n.checked_add(1))
            .ok_or_else(|| Error::Storage(format!("sequence `{name}` is exhausted")))?;
        self.exec(
            "INSERT INTO sequences (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, next],
        )?;
        Ok(next.unsigned_abs())
    }

    fn raise_sequence(&mut self, name: &str, value: u64) -> Result<()> {
        if self.sequence(name)? < value {
            let value = i64::try_from(value).map_err(|_| {
                Error::InvalidInput(format!("sequence `{name}` value {value} is too large"))
            })?;
            self.exec(
                "INSERT INTO sequences (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )?;
        }
        Ok(())
    }

    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.exec(
            "INSERT INTO audit (body) VALUES (?1)",
            [self.encode(entry)?],
        )?;
        let seq = self.conn.last_insert_rowid();
        for subject in &entry.subjects {
            self.exec(
                "INSERT OR IGNORE INTO audit_subjects (subject, seq) VALUES (?1, ?2)",
                params![&subject.as_bytes()[..], seq],
            )?;
        }
        Ok(())
    }

    fn put_blob(&mut self, kind: &str, id: Uuid, value: &serde_json::Value) -> Result<()> {
        self.exec(
            "INSERT INTO blobs (kind, id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            params![kind, &id.as_bytes()[..], self.encode(value)?],
        )?;
        Ok(())
    }
}

impl Store for SqliteStore {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.with_reader(|tx| f(tx))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(f, false)
    }

    /// A write with a page cache of up to [`BULK_CACHE_KIB`] for its duration.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(f, true)
    }
}

impl SqliteStore {
    fn write_tx(
        &self,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
        bulk: bool,
    ) -> Result<()> {
        let Some(writer) = &self.writer else {
            return Err(Error::Storage(format!(
                "{} is open read-only",
                self.path.display()
            )));
        };
        let conn = lock(writer);
        if !conn.is_autocommit() {
            // Left open by an earlier failure: nothing in it was committed.
            let _ = conn.execute_batch("ROLLBACK");
        }
        let set_cache = |kib: i64| {
            conn.pragma_update(None, "cache_size", -kib)
                .map_err(|e| sql_error(&self.path, e))
        };
        if bulk {
            set_cache(BULK_CACHE_KIB)?;
        }
        let outcome = self.run_write(&conn, f);
        if bulk {
            let restored = set_cache(WRITER_CACHE_KIB);
            if let Ok(Ok(())) = &outcome {
                restored?;
            }
        }
        match outcome {
            Ok(result) => result,
            Err(panic) => {
                // Released before unwinding on, so the lock is not poisoned.
                drop(conn);
                resume_unwind(panic)
            }
        }
    }

    /// One write transaction on the writer connection: committed if `f`
    /// succeeds, rolled back otherwise (the panic, if `f` panicked).
    fn run_write(
        &self,
        conn: &Connection,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
    ) -> std::thread::Result<Result<()>> {
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            return Ok(Err(sql_error(&self.path, e)));
        }
        let mut tx = Tx {
            conn,
            path: &self.path,
            schema: self.schema,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            tx.check_schema()?;
            f(&mut tx)
        }));
        let rollback = || {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(conn.execute_batch("COMMIT").map_err(|e| {
                rollback();
                sql_error(&self.path, e)
            })),
            Ok(Err(e)) => {
                rollback();
                Ok(Err(e))
            }
            Err(panic) => {
                rollback();
                Err(panic)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_successor_bounds_every_extension() {
        assert_eq!(prefix_successor("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_successor(""), None);
        assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
        for ext in ["", "a", "zzz", "\u{10FFFF}"] {
            assert!(format!("ab{ext}").as_str() < "ac");
        }
    }

    #[test]
    fn instants_sort_like_timestamps() {
        let mut times: Vec<Timestamp> =
            [-90_000_000_001i64, -1_500_000_000, -1, 0, 1, 1_500_000_000]
                .iter()
                .map(|n| Timestamp::from_nanosecond(i128::from(*n)))
                .collect::<std::result::Result<_, _>>()
                .unwrap_or_default();
        times.push(Timestamp::MIN);
        times.push(Timestamp::MAX);
        times.sort();
        let mut keys: Vec<(i64, i32)> = times.iter().map(|t| instant(*t)).collect();
        let sorted = keys.clone();
        keys.sort();
        assert_eq!(keys, sorted);
        assert_eq!(times.len(), 8);
    }

    #[test]
    fn per_record_lookups_are_not_reprepared() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Storage(e.to_string()))?;
        let store = SqliteStore::open(dir.path().join("t.db"))?;
        store.write_bulk(&mut |tx| {
            for id in ["a", "b", "a", "c"] {
                assert_eq!(tx.latest_template_version(id)?, None);
            }
            Ok(())
        })?;
        let writer = lock(store.writer.as_ref().expect("writer"));
        let stmt = writer
            .prepare_cached("SELECT max(version) FROM templates WHERE id = CAST(?1 AS TEXT)")
            .map_err(|e| Error::Storage(e.to_string()))?;
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
        let cache: i64 = writer
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(|e| Error::Storage(e.to_string()))?;
        assert_eq!(cache, -WRITER_CACHE_KIB, "the bulk cache is given back");
        Ok(())
    }

    /// The reads a screen pop, a search or a history runs per call keep
    /// their prepared statements: the statement cache clears bindings when a
    /// statement comes back, and SQLite re-prepares a statement whose plan
    /// looked at a bare parameter (a sort after an equality, a range, a
    /// LIMIT) on that. Casting the parameters keeps plans and statements.
    /// SQLite's authorizer runs whenever a statement is prepared, so once
    /// the connection is warm it must not run at all.
    #[test]
    fn per_call_reads_are_not_reprepared() -> Result<()> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let dir = tempfile::tempdir().map_err(|e| Error::Storage(e.to_string()))?;
        let store = SqliteStore::open(dir.path().join("t.db"))?;
        let prepared = Arc::new(AtomicUsize::new(0));
        {
            let mut reader = store.reader()?;
            let conn = reader
                .conn
                .as_mut()
                .ok_or_else(|| Error::Internal("no reader".into()))?;
            let counter = Arc::clone(&prepared);
            conn.authorizer(Some(move |_: rusqlite::hooks::AuthContext<'_>| {
                counter.fetch_add(1, Ordering::Relaxed);
                rusqlite::hooks::Authorization::Allow
            }))
            .map_err(|e| Error::Storage(e.to_string()))?;
        }
        let ids: Vec<Uuid> = (1..=5).map(Uuid::from_u128).collect();
        let tokens = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        for round in 0..5 {
            let id = ids[round];
            let before = prepared.load(Ordering::Relaxed);
            store.read(&mut |tx| {
                tx.profiles_by_key(&format!("phone:+4420794609{round}"))?;
                tx.profiles_by_name_prefix(["ad", "zz", "m", "q", "r"][round], 10 + round)?;
                tx.profiles_by_name_prefix("\u{10FFFF}", 5 + round)?;
                tx.profile_ids(Some(id), 10 + round)?;
                tx.profiles_page(Some(id), 10 + round)?;
                tx.links_of_profile(id)?;
                tx.links_of_case(id)?;
                tx.contacts_of_profile(id, None, None, 10 + round)?;
                tx.contacts_of_case(id)?;
                tx.audit(Some(id))?;
                tx.search_cases(&tokens(&[""]), 10 + round)?;
                tx.search_cases(&tokens(&["boiler", "lea"]), 10 + round)?;
                Ok(())
            })?;
            let during = prepared.load(Ordering::Relaxed) - before;
            match round {
                // The hook is in place and sees the first preparation.
                0 => assert!(during > 0, "the authorizer saw no statement prepared"),
                // `BEGIN`, prepared before the connection had read the
                // schema, is prepared once more after it has.
                1 => {}
                _ => assert_eq!(during, 0, "round {round} prepared statements again"),
            }
        }
        Ok(())
    }

    #[test]
    fn fts_terms_are_quoted() {
        assert_eq!(fts_term("a\"b"), "\"a\"\"b\"");
        assert!(plain_token("abc123"));
        assert!(!plain_token("AND("));
    }
}
