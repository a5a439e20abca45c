//! The storage conformance suite and the differential checks against the
//! SQLite store, each test on a new file in a fresh temporary directory.

casebook_tests::conformance_suite!(casebook_tests::sqlite::TempSqlite::new());
casebook_tests::differential_suite!(casebook_tests::sqlite::TempSqlite::new());
