//! PostgreSQL store: one database shared by several application servers.
//!
//! Records are stored as JSON text beside indexed columns for every lookup
//! the [`ReadTx`] trait makes; case keyword search runs on a `tsvector`
//! column with a GIN index.
//!
//! Concurrency: a write transaction works on one snapshot (`REPEATABLE
//! READ`) and locks every profile and case it reads (`FOR NO KEY
//! UPDATE`), so no record it read can change before it commits: writers
//! of one record queue behind each other, and one that finds the record
//! changed once it gets the lock fails with a serialization failure
//! (SQLSTATE 40001), as do writers of rows written meanwhile; a deadlock
//! (40P01) fails one side. Either way the store runs the body
//! again on a fresh snapshot, up to [`PostgresOptions::max_retries`]
//! times; those later tries lock the counters (the `sequences` table)
//! before their snapshot, so a transaction that lost on a counter, such as
//! the outbox's event number, wins the next time. Unique constraints guard customer IDs, case numbers and taken
//! service-level crossings. The same loop serves databases that require
//! clients to retry (CockroachDB and other serializable ones). Versioned
//! records are also written by compare-and-set, so a stale edit is a
//! `conflict`, never an overwrite. (Share locks would let writers of one
//! record all lock it and then deadlock on their updates, over and over
//! under load; `SERIALIZABLE` would also fail
//! transactions that merely read the same index pages, and a long merge
//! beside a stream of short writes then rarely commits.) Reads run in
//! `REPEATABLE READ READ ONLY` transactions: one consistent snapshot each.
//!
//! Round trips: a transaction's `BEGIN` goes out with its first
//! statement, and a read's `ROLLBACK` is not waited for, so a lookup of one
//! statement costs one round trip.
//!
//! The store blocks: each connection runs `tokio-postgres` on a small
//! runtime of its own, with no thread of its own. Call it from plain
//! threads; an async host calls it from a blocking thread
//! (`tokio::task::spawn_blocking`). Called from inside a tokio task it
//! refuses with `invalid_input` rather than stall the host's runtime. Connections are plain TCP or a Unix socket;
//! for TLS run a local proxy (such as PgBouncer) or a socket.

mod bulk;
mod checks;
mod codec;
mod facts;
mod pool;
mod queues;
mod read;
mod schema;
mod slas;
mod tasks;
mod wire;
mod write;

use crate::error::{Error, Result, StorageError, StorageErrorKind};
use crate::store::{ReadTx, Store, WriteTx};
use codec::{pg_error, store_error, Tx};
use pool::{describe, Conn, Manager, Pool, PoolError, Pooled};
use schema::{foreign, inspect, migrate, too_new, Found, SCHEMA_VERSION};
use std::time::Duration;
use tokio_postgres::Config;
use wire::ConnectError;

/// Options of [`PostgresStore::open_with`].
///
/// ```
/// use casebook::PostgresOptions;
/// use std::time::Duration;
/// let options = PostgresOptions { pool_size: 16, ..PostgresOptions::default() };
/// assert_eq!(options.connect_timeout, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Most connections open at once (default 8, at least 2: a write may
    /// read on a second connection).
    pub pool_size: u32,
    /// How long connecting, or waiting for a free pooled connection, may
    /// take before a storage error of kind `unavailable` (default 5 s).
    pub connect_timeout: Duration,
    /// How many times a write transaction that lost a serialization
    /// conflict or a deadlock runs again before the error of kind
    /// `retryable` is returned (default 10).
    pub max_retries: u32,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            connect_timeout: Duration::from_secs(5),
            max_retries: 10,
        }
    }
}

/// A store in one PostgreSQL database (the tables of its current schema).
///
/// Any number of handles, in any number of threads, processes and
/// machines, may use the same database.
///
/// ```no_run
/// use casebook::{Actor, Casebook, CreateOptions, PostgresStore, ProfileInput};
/// let store = PostgresStore::open("host=db.internal user=casebook dbname=casebook")?;
/// let cb = Casebook::builder(store).build()?;
/// let ada = cb.create_profile(&Actor::new("agent-7"), ProfileInput {
///     given_name: "Ada".into(),
///     family_name: "Lovelace".into(),
///     ..Default::default()
/// }, CreateOptions::default())?;
/// assert_eq!(cb.profile(ada.customer_id.as_str())?.family_name, "Lovelace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PostgresStore {
    pool: Pool,
    target: String,
    options: PostgresOptions,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.target)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// How one try of a write transaction ended.
enum Attempt {
    Done(Result<()>),
    /// The connection was found broken before anything ran (a server
    /// restart): a fresh connection may succeed.
    Broken(Error),
}

impl PostgresStore {
    /// The schema version this casebook writes (the newest migration).
    ///
    /// ```
    /// assert!(casebook::PostgresStore::SCHEMA_VERSION >= 1);
    /// ```
    pub const SCHEMA_VERSION: u32 = SCHEMA_VERSION;

    /// Opens the store in the database a libpq connection string names
    /// (`host=... port=... user=... password=... dbname=...` or a
    /// `postgresql://` URL) with default options, creating the schema if
    /// the database has none and upgrading an older one. Servers starting
    /// at once migrate once (under an advisory lock).
    ///
    /// Refused, with a storage error naming the server and database (never
    /// the password) and nothing written: an unreachable server, a refused
    /// login, a missing database, a database holding tables named like
    /// casebook's that are not casebook's, and a schema newer than
    /// [`PostgresStore::SCHEMA_VERSION`] (`incompatible_version`).
    pub fn open(conninfo: &str) -> Result<PostgresStore> {
        Self::open_with(conninfo, PostgresOptions::default())
    }

    /// Opens the store with `options` (see [`PostgresStore::open`]).
    pub fn open_with(conninfo: &str, options: PostgresOptions) -> Result<PostgresStore> {
        let mut config: Config = conninfo.parse().map_err(|e| {
            Error::InvalidInput(format!(
                "the PostgreSQL connection string cannot be read: {e}"
            ))
        })?;
        if options.connect_timeout.is_zero() {
            return Err(Error::InvalidInput(
                "connect_timeout must be more than zero".into(),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.connect_timeout);
        }
        if config.get_application_name().is_none() {
            config.application_name("casebook");
        }
        let target = describe(&config);
        refuse_inside_async_task()?;
        let manager = Manager { config };
        let mut client = manager.connect().map_err(|e| connect_error(&target, e))?;
        match inspect(&mut client, &target)? {
            Found::Foreign => return Err(foreign(&target)),
            Found::Casebook(v) if v > SCHEMA_VERSION => {
                return Err(too_new(&target, v, SCHEMA_VERSION))
            }
            Found::Casebook(v) if v == SCHEMA_VERSION => {}
            _ => migrate(&mut client, &target, SCHEMA_VERSION)?,
        }
        drop(client);
        let size = usize::try_from(options.pool_size.max(2)).unwrap_or(usize::MAX);
        let pool = Pool::new(manager, size, options.connect_timeout);
        Ok(PostgresStore {
            pool,
            target,
            options,
        })
    }

    /// The server and database, as error messages name them (user, hosts,
    /// ports, database; never the password).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The schema version recorded in the database now.
    pub fn schema_version(&self) -> Result<u32> {
        let mut version = 0;
        self.read_tx(&mut |tx| {
            version = tx.stored_version()?;
            Ok(())
        })?;
        Ok(version)
    }

    fn connection(&self) -> Result<Pooled<'_>> {
        refuse_inside_async_task()?;
        self.pool.get().map_err(|e| match e {
            PoolError::Connect(e) => connect_error(&self.target, e),
            PoolError::Exhausted { size, wait } => store_error(
                StorageErrorKind::Busy,
                format!(
                    "{}: all {size} connections of this handle stayed in use for {wait:?}",
                    self.target
                ),
            ),
        })
    }

    /// Runs `f` in one read-only snapshot transaction; once more on a fresh
    /// connection if the pooled one was found broken.
    fn read_tx(&self, f: &mut dyn FnMut(&Tx<'_>) -> Result<()>) -> Result<()> {
        let mut retried = false;
        loop {
            let mut conn = self.connection()?;
            let Conn { wire, statements } = &mut *conn;
            wire.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            let tx = Tx::new(wire, statements, &self.target, false);
            // The schema was checked at open, and every write checks it: a
            // read stays one round trip per lookup.
            let outcome = f(&tx);
            let broken = outcome.is_err() && tx.wire.borrow().broken_at_start();
            // Nothing to keep: dropping the transaction rolls it back.
            drop(tx);
            if broken && !retried {
                // The pooled connection had died (a server restart): nothing
                // ran, so run again on a fresh one.
                retried = true;
                drop(conn);
                self.pool.discard_idle();
                continue;
            }
            return outcome;
        }
    }

    /// Runs `f` in a write transaction, again after a lost
    /// serialization conflict or a deadlock (at most `max_retries` times),
    /// with a growing, jittered pause between tries.
    fn write_tx(
        &self,
        bulk: bool,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
    ) -> Result<()> {
        let mut tries: u32 = 0;
        loop {
            // A try after a lost conflict takes the counters first (see below).
            let error = match self.write_once(bulk, tries > 0, f) {
                Attempt::Done(Ok(())) => return Ok(()),
                Attempt::Done(Err(e)) if is_retryable_error(&e) => e,
                Attempt::Done(Err(e)) => return Err(e),
                Attempt::Broken(e) => e,
            };
            if tries >= self.options.max_retries {
                return Err(error);
            }
            tries += 1;
            std::thread::sleep(backoff(tries));
        }
    }

    /// One try of a write transaction. With `counters_first` it locks the
    /// sequences table before its snapshot is taken (`LOCK TABLE` takes
    /// none), so it cannot lose on a counter again: nearly every change
    /// numbers an outbox event, and an optimistic try of a long transaction
    /// (a merge) beside a stream of short ones would otherwise lose on the
    /// event counter every time.
    fn write_once(
        &self,
        bulk: bool,
        counters_first: bool,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
    ) -> Attempt {
        let mut conn = match self.connection() {
            Ok(conn) => conn,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let Conn { wire, statements } = &mut *conn;
        wire.begin(if counters_first {
            "BEGIN ISOLATION LEVEL REPEATABLE READ; LOCK TABLE sequences IN SHARE ROW EXCLUSIVE MODE"
        } else {
            "BEGIN ISOLATION LEVEL REPEATABLE READ"
        });
        let mut tx = Tx::new(wire, statements, &self.target, true);
        tx.bulk = bulk;
        // A panic in `f` unwinds through `tx`, whose drop rolls back.
        let run = self
            .check_schema(&tx)
            .and_then(|()| f(&mut tx))
            .and_then(|()| tx.send_new_profiles())
            .and_then(|()| tx.write_counted_sequences());
        if let Err(e) = run {
            let broken = tx.wire.borrow().broken_at_start();
            drop(tx);
            if broken {
                // The connection failed before anything ran.
                drop(conn);
                self.pool.discard_idle();
                return Attempt::Broken(e);
            }
            return Attempt::Done(Err(e));
        }
        let committed = tx.wire.borrow_mut().commit();
        drop(tx);
        Attempt::Done(committed.map_err(|e| {
            let error = pg_error(&self.target, e);
            if let Error::Storage(s) = &error {
                if s.kind() == StorageErrorKind::Unavailable {
                    // The commit may or may not have happened: say so.
                    return StorageError::new(
                        StorageErrorKind::Unavailable,
                        format!(
                            "{}: the connection was lost while committing; the change may or may not have been committed: {}",
                            self.target,
                            s.message()
                        ),
                    )
                    .into();
                }
            }
            error
        }))
    }

    /// Refuses to work on a database another casebook has upgraded meanwhile.
    fn check_schema(&self, tx: &Tx<'_>) -> Result<()> {
        let stored = tx.stored_version()?;
        if stored != SCHEMA_VERSION {
            return Err(Error::IncompatibleVersion(format!(
                "{} is now at casebook schema version {stored}, this casebook works with version {SCHEMA_VERSION}: use a casebook that reads version {stored}",
                self.target
            )));
        }
        Ok(())
    }
}

/// The blocking client cannot run inside a tokio task: it would stall the
/// host's runtime (and tokio refuses to nest runtimes with a panic).
fn refuse_inside_async_task() -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::InvalidInput(
            "the PostgreSQL store blocks: call it from a blocking thread (such as tokio::task::spawn_blocking), not from inside an async task".into(),
        ));
    }
    Ok(())
}

/// A storage error for a connection that could not be opened.
fn connect_error(target: &str, e: ConnectError) -> Error {
    match e {
        ConnectError::Postgres(e) => pg_error(target, e),
        ConnectError::Runtime(e) => StorageError::new(
            StorageErrorKind::Io,
            format!("{target}: no connection could be set up: {e}"),
        )
        .with_source(e)
        .into(),
    }
}

/// A lost serialization conflict or deadlock (the only failures run again).
fn is_retryable_error(e: &Error) -> bool {
    matches!(e, Error::Storage(s) if s.kind() == StorageErrorKind::Retryable)
}

/// The pause before try `n + 1`: about 1 ms doubling to at most 64 ms,
/// jittered so two losers of one conflict do not collide again.
fn backoff(n: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let ceiling_us = 1_000u64 << n.min(6);
    let jitter = RandomState::new().hash_one(std::time::Instant::now()) % ceiling_us;
    Duration::from_micros(ceiling_us / 2 + jitter / 2)
}

impl Store for PostgresStore {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.read_tx(&mut |tx| f(tx))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(false, f)
    }

    /// A write whose new profiles go as multi-row inserts sent without
    /// waiting for their answers (an import; see `bulk.rs`): a failure
    /// surfaces at the next statement or the commit and rolls back the
    /// whole transaction.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_tx(true, f)
    }

    /// [`PostgresStore::integrity_problems`].
    fn self_check(&self) -> Result<Vec<String>> {
        self.integrity_problems()
    }
}
