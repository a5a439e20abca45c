//! The storage conformance suite and the differential checks against the
//! PostgreSQL store, each test in a fresh database of the test server (`scripts/with-postgres`).
#![cfg(feature = "postgres")]

casebook_tests::conformance_suite!(casebook_tests::postgres::TempPostgres::new());
casebook_tests::differential_suite!(casebook_tests::postgres::TempPostgres::new());
