//! The storage backends: in memory (the default, and the browser's) and,
//! natively with the `sqlite` feature, SQLite. Both pass one conformance suite.

mod memory;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use sqlite::{Durability, SqliteOptions, SqliteStore};
