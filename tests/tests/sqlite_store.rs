//! The storage conformance suite against the SQLite store, each test on a
//! new file in a fresh temporary directory.

casebook_tests::conformance_suite!(casebook_tests::sqlite::TempSqlite::new());
