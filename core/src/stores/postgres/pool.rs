//! Connections: the pool, each connection's prepared statements, and the
//! server named without its password.

use super::wire::{ConnectError, Wire};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio_postgres::config::Host;
use tokio_postgres::{Config, Statement};

/// A pooled connection and the statements prepared on it.
pub(super) struct Conn {
    pub(super) wire: Wire,
    pub(super) statements: HashMap<&'static str, Statement>,
}

/// Opens connections (plain TCP or a Unix socket; see the store's docs
/// for TLS).
#[derive(Debug)]
pub(super) struct Manager {
    pub(super) config: Config,
}

impl Manager {
    pub(super) fn connect(&self) -> Result<Wire, ConnectError> {
        Wire::connect(&self.config)
    }
}

/// The pool: idle connections, and how many are open in all. Connections
/// open on demand up to the limit and close when found broken. No thread
/// of its own: dropping the store closes every connection at once (a host
/// checking for leaks at exit finds none).
pub(super) struct Pool {
    manager: Manager,
    state: Mutex<PoolState>,
    freed: Condvar,
    size: usize,
    wait: Duration,
}

struct PoolState {
    idle: Vec<Conn>,
    open: usize,
}

/// Why no connection could be had.
pub(super) enum PoolError {
    /// Connecting failed.
    Connect(ConnectError),
    /// Every connection stayed in use for the whole wait.
    Exhausted { size: usize, wait: Duration },
}

impl Pool {
    pub(super) fn new(manager: Manager, size: usize, wait: Duration) -> Pool {
        Pool {
            manager,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
            size: size.max(1),
            wait,
        }
    }

    fn state(&self) -> MutexGuard<'_, PoolState> {
        // Ignoring poison: the state is two plain values, never half-updated.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle connection, a new one while under the limit, or the next
    /// one given back within the wait.
    pub(super) fn get(&self) -> Result<Pooled<'_>, PoolError> {
        let deadline = Instant::now() + self.wait;
        let mut state = self.state();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if state.open < self.size {
                state.open += 1;
                drop(state);
                return match self.manager.connect() {
                    Ok(wire) => Ok(Pooled {
                        pool: self,
                        conn: Some(Conn {
                            wire,
                            statements: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        self.state().open -= 1;
                        self.freed.notify_one();
                        Err(PoolError::Connect(e))
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PoolError::Exhausted {
                    size: self.size,
                    wait: self.wait,
                });
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Closes the idle connections: after one was found broken (a server
    /// restart), the others are too.
    pub(super) fn discard_idle(&self) {
        let idle = {
            let mut state = self.state();
            let idle = std::mem::take(&mut state.idle);
            state.open -= idle.len();
            idle
        };
        drop(idle);
        self.freed.notify_all();
    }
}

/// A connection on loan from the pool; given back on drop (closed instead
/// when broken).
pub(super) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
            .as_ref()
            .expect("a pooled connection is held until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a pooled connection is held until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut state = self.pool.state();
            if conn.wire.is_closed() {
                state.open -= 1;
            } else {
                state.idle.push(conn);
            }
            drop(state);
            self.pool.freed.notify_one();
        }
    }
}

/// The server and database a configuration names, for messages: user,
/// hosts, ports and database, never the password.
pub(super) fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let mut out = String::from("PostgreSQL ");
    if let Some(user) = config.get_user() {
        out.push_str(user);
        out.push('@');
    }
    out.push_str(if hosts.is_empty() { "localhost" } else { "" });
    out.push_str(&hosts.join(","));
    if !ports.is_empty() {
        out.push(':');
        out.push_str(&ports.join(","));
    }
    out.push('/');
    out.push_str(config.get_dbname().or(config.get_user()).unwrap_or(""));
    out
}
