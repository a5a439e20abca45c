//! The storage conformance suite against the in-memory store.

casebook_tests::conformance_suite!(casebook::MemoryStore::new());
