//! The storage backends: in memory (the default, and the browser's) and,
//! natively, SQLite (feature `sqlite`, on by default) and PostgreSQL
//! (feature `postgres`). All pass one conformance suite.

mod memory;
#[cfg(all(feature = "postgres", not(target_arch = "wasm32")))]
mod postgres;
#[cfg(all(
    any(feature = "sqlite", feature = "postgres"),
    not(target_arch = "wasm32")
))]
mod sql;
#[cfg(all(
    any(feature = "sqlite", feature = "postgres"),
    not(target_arch = "wasm32")
))]
mod sql_kpis;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(all(feature = "postgres", not(target_arch = "wasm32")))]
pub use postgres::{PostgresOptions, PostgresStore};
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use sqlite::{Durability, SqliteOptions, SqliteStore};
