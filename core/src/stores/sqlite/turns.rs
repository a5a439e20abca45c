//! Fair turns at the file's write lock, within a process and between
//! processes.
//!
//! SQLite's own busy handler sleeps longer and longer (up to 100 ms) while
//! the lock is held, and the holder's next transaction starts the moment it
//! commits: a process with many writing threads keeps the lock and another
//! process waits for seconds. Here the threads of a handle queue in order
//! (first come, first served), only the thread whose turn it is competes for
//! the lock, and it polls every few hundred microseconds (jittered) until
//! the busy timeout. A handle that had to wait knows another process is
//! writing: after holding the lock for a slice of [`SLICE`], its next turn
//! leaves the lock free for [`GAP`], longer than a poll, so the other side
//! gets in. Writers keep `BEGIN IMMEDIATE`: nothing about what a
//! transaction sees or commits changes, only who goes next.

use super::codec::{run_cached, sql_error, store_error};
use super::pool::lock;
use super::SqliteStore;
use crate::error::{Result, StorageErrorKind};
use rusqlite::Connection;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Shortest and longest wait between two tries of a busy lock.
const POLL_MIN: Duration = Duration::from_micros(50);
const POLL_MAX: Duration = Duration::from_micros(400);
/// How long a handle leaves the lock free for a waiting process: longer
/// than the longest poll with the scheduler's slack.
pub(super) const GAP: Duration = Duration::from_micros(600);
/// How long a handle keeps taking turns before it leaves a gap, once it
/// knows another process is writing.
pub(super) const SLICE: Duration = Duration::from_millis(4);
/// How long after its last wait a handle still expects another writer.
const CONTENDED_FOR: Duration = Duration::from_millis(50);

/// The writer connection on loan to one thread, with its turn (released
/// after the connection, so the next thread finds it free).
pub(super) struct Writer<'a> {
    pub(super) conn: MutexGuard<'a, Connection>,
    turn: Option<Turn<'a>>,
    store: &'a SqliteStore,
}

impl SqliteStore {
    /// The writer connection, after every thread that asked before (with
    /// fair writers); an error on a read-only handle.
    pub(super) fn writer(&self) -> Result<Writer<'_>> {
        let Some(writer) = &self.writer else {
            return Err(store_error(
                StorageErrorKind::Unavailable,
                format!("{} is open read-only", self.path.display()),
            ));
        };
        let turn = self.options.fair_writers.then(|| self.turns.take());
        Ok(Writer {
            conn: lock(writer),
            turn,
            store: self,
        })
    }
}

impl Writer<'_> {
    /// `BEGIN IMMEDIATE`: the file's write lock, waited for at most the
    /// busy timeout (a storage error of kind `Busy` past it).
    pub(super) fn begin(&self) -> Result<()> {
        let store = self.store;
        match &self.turn {
            Some(turn) => turn.begin(&self.conn, store.options.busy_timeout),
            None => self.conn.execute_batch("BEGIN IMMEDIATE"),
        }
        .map_err(|e| sql_error(&store.path, e))
    }
}

/// The queue of a handle's writing threads and what it knows of others.
#[derive(Debug, Default)]
pub(super) struct Turns {
    state: Mutex<State>,
    next_up: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Tickets handed out, and the ticket whose turn it is.
    issued: u64,
    serving: u64,
    /// When the last turn ended (the lock was released then).
    released: Option<Instant>,
    /// When the current slice began.
    slice_start: Option<Instant>,
    /// Until when another process is expected to be writing.
    contended_until: Option<Instant>,
}

impl Turns {
    /// Waits for this thread's turn, after every thread that came before.
    pub(super) fn take(&self) -> Turn<'_> {
        let mut state = lock(&self.state);
        let ticket = state.issued;
        state.issued += 1;
        while state.serving != ticket {
            state = self
                .next_up
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Turn { turns: self }
    }
}

/// One thread's turn; the next thread's begins when it is dropped (also
/// on a panic).
#[derive(Debug)]
pub(super) struct Turn<'a> {
    turns: &'a Turns,
}

impl Turn<'_> {
    /// `BEGIN IMMEDIATE` on `conn`, waiting for the file's write lock with
    /// short jittered polls, for at most `timeout`; SQLite's busy error
    /// once it has passed. `conn`'s busy handler is `timeout` again after.
    pub(super) fn begin(&self, conn: &Connection, timeout: Duration) -> rusqlite::Result<()> {
        let paused = self.leave_gap();
        conn.busy_timeout(Duration::ZERO)?;
        let outcome = poll_begin(conn, timeout);
        let restored = conn.busy_timeout(timeout);
        let waited = outcome?;
        let now = Instant::now();
        let mut state = lock(&self.turns.state);
        if waited {
            state.contended_until = Some(now + CONTENDED_FOR);
            state.slice_start = Some(now);
        } else if paused {
            // Nobody took the gap: a new slice, with no gap before it ends.
            state.slice_start = Some(now);
        }
        drop(state);
        if let Err(e) = restored {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
        Ok(())
    }

    /// Sleeps out the gap if another process is writing and this handle's
    /// slice is over; whether it did.
    fn leave_gap(&self) -> bool {
        let now = Instant::now();
        let until = {
            let state = lock(&self.turns.state);
            let contended = state.contended_until.is_some_and(|t| now < t);
            let slice_over = state.slice_start.is_none_or(|t| now >= t + SLICE);
            match state.released {
                Some(released) if contended && slice_over => released + GAP,
                _ => return false,
            }
        };
        if until > now {
            std::thread::sleep(until - now);
        }
        true
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.turns.state);
        state.released = Some(Instant::now());
        state.serving += 1;
        drop(state);
        // Every waiter checks whether it is next; few threads wait at once.
        self.turns.next_up.notify_all();
    }
}

/// Tries `BEGIN IMMEDIATE` until it succeeds or `timeout` has passed;
/// whether it had to wait.
fn poll_begin(conn: &Connection, timeout: Duration) -> rusqlite::Result<bool> {
    let start = Instant::now();
    let mut jitter = Jitter::new();
    let mut waited = false;
    loop {
        match run_cached(conn, "BEGIN IMMEDIATE") {
            Ok(()) => return Ok(waited),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                let left = timeout.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Err(e);
                }
                waited = true;
                std::thread::sleep(jitter.poll().min(left));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Wait times spread evenly between [`POLL_MIN`] and [`POLL_MAX`], so
/// pollers in different processes do not keep colliding.
struct Jitter(u64);

impl Jitter {
    fn new() -> Jitter {
        // Seeded differently per call and per process; never zero.
        Jitter(RandomState::new().hash_one(Instant::now()) | 1)
    }

    fn poll(&mut self) -> Duration {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let span = (POLL_MAX - POLL_MIN).as_nanos() as u64;
        POLL_MIN + Duration::from_nanos(self.0 % (span + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_stay_within_bounds_and_vary() {
        let mut jitter = Jitter::new();
        let waits: Vec<Duration> = (0..1000).map(|_| jitter.poll()).collect();
        assert!(waits.iter().all(|w| (POLL_MIN..=POLL_MAX).contains(w)));
        let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
        assert!(
            distinct.len() > 900,
            "only {} distinct waits",
            distinct.len()
        );
        assert!(GAP > POLL_MAX, "a gap must outlast a poll");
    }

    #[test]
    fn turns_are_taken_in_order() {
        use std::sync::Arc;
        let turns = Arc::new(Turns::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = turns.take();
        let mut threads = Vec::new();
        for n in 0..6 {
            let (mine, order) = (Arc::clone(&turns), Arc::clone(&order));
            threads.push(std::thread::spawn(move || {
                let _turn = mine.take();
                lock(&order).push(n);
            }));
            // Each thread holds its ticket before the next one starts.
            while lock(&turns.state).issued < n + 2 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for t in threads {
            assert!(t.join().is_ok(), "a thread panicked");
        }
        assert_eq!(*lock(&order), vec![0, 1, 2, 3, 4, 5]);
    }
}
