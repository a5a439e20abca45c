//! Crash safety: a child process writing to a SQLite store is killed with
//! SIGKILL at random (seeded) moments, over and over, on the same file.
//! After every kill the file must pass every integrity check and hold every
//! record the child reported committed, and at most one it did not report.

use casebook::{Casebook, SqliteStore};
use casebook_tests::sqlite::{child, kill, record_count, reported_problems};
use std::time::{Duration, Instant};

const SEED: u64 = 0x5EED_CA5E;
const ROUNDS: u64 = 24;

/// SplitMix64, for the kill moments.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn killed_writers_lose_nothing_they_reported() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("crash.db");
    let db = path.to_str().expect("UTF-8 temporary path");
    let mut rng = SEED;
    let mut reported: Vec<String> = Vec::new();
    let mut before = 0;
    let mut unreported = 0;
    for round in 0..ROUNDS {
        // The first rounds die young, inside creating the file and its schema.
        let millis = if round < 3 {
            next(&mut rng) % 15
        } else {
            next(&mut rng) % 400
        };
        let seed = next(&mut rng).to_string();
        let process = child(
            env!("CARGO_BIN_EXE_sqlite_child"),
            &["work", db, &seed, "0"],
        )
        .spawn()
        .expect("child starts");
        std::thread::sleep(Duration::from_millis(millis));
        let lines = kill(process);

        let store = SqliteStore::open(&path)
            .unwrap_or_else(|e| panic!("round {round}: reopening after a kill failed: {e}"));
        let problems = store.integrity_problems().expect("integrity check runs");
        assert!(problems.is_empty(), "round {round}: {problems:?}");
        let cb = Casebook::builder(store).build().expect("engine");
        let invariants = cb.check_invariants().expect("invariant check runs");
        assert!(invariants.is_empty(), "round {round}: {invariants:?}");
        reported.extend(lines.iter().cloned());
        let missing = reported_problems(&cb, &reported);
        assert!(missing.is_empty(), "round {round}: {missing:?}");
        // Only the operation in flight when killed may be in without a report.
        let now = record_count(&cb).expect("records counted");
        let extra = now - before - lines.len();
        assert!(
            extra <= 1,
            "round {round}: {extra} records committed without a report"
        );
        unreported += extra;
        before = now;
    }
    assert!(
        reported.len() >= 100,
        "too few operations ({}) for a meaningful test",
        reported.len()
    );
    eprintln!(
        "{ROUNDS} kills, {} reported commits, {unreported} committed unreported, {:?}",
        reported.len(),
        started.elapsed()
    );
}
