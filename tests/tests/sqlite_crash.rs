//! Crash safety: a child process writing to a SQLite store is killed with
//! SIGKILL at random (seeded) moments, over and over, on the same file.
//! After every kill the file must pass every integrity check and hold every
//! record the child reported committed, and at most one it did not report.
//! Its events are in the outbox with it; a consumer delivering them, killed
//! alongside, resumes from its last acknowledgement and loses none.

use casebook::{Casebook, SqliteStore};
use casebook_tests::sqlite::{
    child, finish, kill, outbox_problems, record_count, reported_problems,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const CONSUMER: &str = "mailer";

/// What a consumer's lines say: the events delivered (seq to key) and
/// the last acknowledgement it reported committed.
fn deliveries(lines: &[String], delivered: &mut BTreeMap<u64, String>) -> Option<u64> {
    let mut acked = None;
    for line in lines {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["got", seq, key] => {
                let seq: u64 = seq.parse().expect("a sequence number");
                let before = delivered.insert(seq, key.to_string());
                assert!(
                    before.is_none_or(|k| k == key),
                    "event {seq} came back with another key"
                );
            }
            ["acked", seq] => acked = Some(seq.parse().expect("a sequence number")),
            _ => panic!("unexpected consumer line `{line}`"),
        }
    }
    acked
}

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
    let mut delivered = BTreeMap::new();
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
        // Once the file exists, a consumer delivers its events meanwhile.
        let consumer = (round >= 3).then(|| {
            child(
                env!("CARGO_BIN_EXE_sqlite_child"),
                &["consume", db, CONSUMER, "0"],
            )
            .spawn()
            .expect("consumer starts")
        });
        std::thread::sleep(Duration::from_millis(millis));
        let lines = kill(process);
        let acked = consumer.map(|c| deliveries(&kill(c), &mut delivered));

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
        let outbox = outbox_problems(&cb, &reported);
        assert!(outbox.is_empty(), "round {round}: {outbox:?}");
        // A reported acknowledgement is kept; nothing undelivered is acknowledged.
        let stored = cb
            .event_consumer(CONSUMER)
            .expect("consumer read")
            .acknowledged;
        if let Some(Some(acked)) = acked {
            assert!(
                stored >= acked,
                "round {round}: acknowledged {acked}, kept {stored}"
            );
        }
        let highest = delivered.keys().next_back().copied().unwrap_or(0);
        assert!(
            stored <= highest,
            "round {round}: {stored} acknowledged, {highest} delivered"
        );
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
    // A last run delivers the rest: every event, at least once.
    let rest = child(
        env!("CARGO_BIN_EXE_sqlite_child"),
        &["consume", db, CONSUMER, "1"],
    )
    .spawn()
    .expect("consumer starts");
    deliveries(&finish(rest), &mut delivered);
    let cb = Casebook::builder(SqliteStore::open(&path).expect("reopen"))
        .build()
        .expect("engine");
    let last = cb.event_consumer(CONSUMER).expect("consumer read").last;
    let missed: Vec<u64> = (1..=last).filter(|s| !delivered.contains_key(s)).collect();
    assert!(missed.is_empty(), "events never delivered: {missed:?}");
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
