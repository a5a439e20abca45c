//! PostgreSQL test helpers: each store in a fresh database of the server
//! `CASEBOOK_TEST_POSTGRES` names (a key=value connection string of a role
//! that may create databases; `scripts/with-postgres` starts a throwaway
//! server and sets it).

use casebook::store::{ReadTx, Store, WriteTx};
use casebook::{PostgresStore, Result};
use postgres::{Client, NoTls};

/// The connection string of the test server (panics, telling how to get
/// one, when it is not set: these tests never pass without a server).
pub fn server() -> String {
    std::env::var("CASEBOOK_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "CASEBOOK_TEST_POSTGRES is not set: run the PostgreSQL tests through scripts/with-postgres, \
             or set it to a key=value connection string of a role that may create databases"
        )
    })
}

/// An administrative connection to the test server.
pub fn admin() -> Client {
    Client::connect(&server(), NoTls).expect("connect to the test server")
}

/// A new, empty database on the test server, dropped (with whatever is
/// still connected to it) on drop.
pub struct TempDatabase {
    name: String,
}

impl TempDatabase {
    /// Creates the database.
    pub fn new() -> TempDatabase {
        let name = format!("casebook_test_{}", uuid::Uuid::new_v4().simple());
        admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        TempDatabase { name }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A connection string for it.
    pub fn conninfo(&self) -> String {
        format!("{} dbname={}", server(), self.name)
    }

    /// A direct connection to it.
    pub fn client(&self) -> Client {
        Client::connect(&self.conninfo(), NoTls).expect("connect to the test database")
    }
}

impl Default for TempDatabase {
    fn default() -> Self {
        TempDatabase::new()
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&server(), NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A [`PostgresStore`] in its own fresh database, dropped with it.
pub struct TempPostgres {
    // Declared first so its connections close before the database goes.
    store: PostgresStore,
    database: TempDatabase,
}

impl TempPostgres {
    /// A new, empty store in a fresh database.
    pub fn new() -> TempPostgres {
        let database = TempDatabase::new();
        let store = PostgresStore::open(&database.conninfo()).expect("new PostgreSQL store");
        TempPostgres { store, database }
    }

    /// The store.
    pub fn store(&self) -> &PostgresStore {
        &self.store
    }

    /// The database holding it.
    pub fn database(&self) -> &TempDatabase {
        &self.database
    }
}

impl Default for TempPostgres {
    fn default() -> Self {
        TempPostgres::new()
    }
}

impl Store for TempPostgres {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.store.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.store.write(f)
    }

    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.store.write_bulk(f)
    }

    fn self_check(&self) -> Result<Vec<String>> {
        self.store.self_check()
    }
}
