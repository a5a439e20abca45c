//! SQLite test helpers: stores in fresh temporary directories.

use casebook::store::{ReadTx, WriteTx};
use casebook::{Result, SqliteStore, Store};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A [`SqliteStore`] in its own temporary directory, removed on drop.
pub struct TempSqlite {
    // Declared first so it closes before the directory goes.
    store: SqliteStore,
    dir: TempDir,
}

impl TempSqlite {
    /// A new, empty store in a fresh temporary directory.
    pub fn new() -> TempSqlite {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(dir.path().join("casebook.db")).expect("new SQLite store");
        TempSqlite { store, dir }
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }
}

impl Default for TempSqlite {
    fn default() -> Self {
        TempSqlite::new()
    }
}

impl Store for TempSqlite {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.store.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.store.write(f)
    }
}
