//! Re-keying SQLite files: a file written before its keys followed the
//! current rules (no recorded fingerprint, keys missing) is re-keyed on its
//! first open and never again, and two handles opening it at once share one
//! pass.

use casebook::*;
use casebook_tests::conformance::rekeying::{mobile_customer, mobile_template, recognised, rekeys};
use casebook_tests::fixtures::{self, start_time, ALLOW};
use std::path::Path;
use std::sync::{Arc, Barrier};

fn open(path: &Path, seed: u64) -> Casebook<SqliteStore> {
    Casebook::builder(SqliteStore::open(path).expect("store"))
        .config(fixtures::config())
        .clock(Arc::new(ManualClock::new(start_time())))
        .ids(Arc::new(SeededIds::new(seed)))
        .build()
        .expect("engine")
}

fn mobile(i: usize) -> String {
    format!("+4479110{i:05}")
}

/// Makes the file look like one written before template phone fields were
/// indexed and before fingerprints were recorded: no fingerprint, no field keys.
fn make_legacy(path: &Path, numbers: &[String]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let gone = conn
        .execute("DELETE FROM blobs WHERE kind = 'key_rules'", [])
        .unwrap();
    assert_eq!(gone, 1, "the fingerprint was recorded");
    for number in numbers {
        let gone = conn
            .execute(
                "DELETE FROM profile_keys WHERE key = ?1",
                [format!("phone:{number}")],
            )
            .unwrap();
        assert_eq!(gone, 1, "{number} was indexed");
    }
}

#[test]
fn a_legacy_file_is_rekeyed_on_first_open_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let cb = open(&path, 1);
    cb.load_template(&Actor::new("admin"), &mobile_template(true))
        .unwrap();
    let profiles: Vec<Profile> = (0..3)
        .map(|i| {
            cb.create_profile(
                &fixtures::agent(),
                mobile_customer(&format!("P{i}"), &mobile(i), "020 7946 0959"),
                ALLOW,
            )
            .unwrap()
        })
        .collect();
    drop(cb);
    let numbers: Vec<String> = (0..3).map(mobile).collect();
    make_legacy(&path, &numbers);

    // The stale file really misses them: a read-only handle serves keys as stored.
    let reader = Casebook::builder(
        SqliteStore::open_with(
            &path,
            SqliteOptions {
                read_only: true,
                ..SqliteOptions::default()
            },
        )
        .unwrap(),
    )
    .config(fixtures::config())
    .build()
    .unwrap();
    assert_eq!(recognised(&reader, Channel::Voice, &numbers[0]), None);
    drop(reader);

    let cb = open(&path, 2);
    for (p, number) in profiles.iter().zip(&numbers) {
        assert_eq!(
            recognised(&cb, Channel::Voice, number),
            Some(p.customer_id.clone())
        );
        assert_eq!(cb.profile(p.id).unwrap(), *p, "records unchanged");
    }
    let passes = rekeys(&cb);
    assert_eq!(passes.len(), 1);
    assert_eq!(passes[0].details["profiles"], 3);
    assert_eq!(passes[0].details["from"], serde_json::Value::Null);
    assert_eq!(cb.check_invariants().unwrap(), []);
    drop(cb);

    let cb = open(&path, 3);
    assert_eq!(rekeys(&cb).len(), 1, "the second open re-keys nothing");
}

#[test]
fn two_handles_opening_at_once_share_one_pass() {
    const PROFILES: usize = 1_200; // more than two batches
    let memory = fixtures::engine(MemoryStore::new());
    memory
        .load_template(&Actor::new("admin"), &mobile_template(true))
        .unwrap();
    for i in 0..PROFILES {
        memory
            .create_profile(
                &fixtures::agent(),
                mobile_customer(&format!("P{i}"), &mobile(i), "020 7946 0959"),
                ALLOW,
            )
            .unwrap();
    }
    let snapshot = memory.export_snapshot().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    open(&path, 1).import_snapshot(&snapshot).unwrap();
    let numbers: Vec<String> = (0..PROFILES).map(mobile).collect();
    make_legacy(&path, &numbers);

    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2u64)
        .map(|seed| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                open(&path, 10 + seed).rekey().unwrap()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 0, "opening finished the pass already");
    }
    let cb = open(&path, 20);
    let passes = rekeys(&cb);
    assert_eq!(passes.len(), 1, "{passes:?}");
    assert_eq!(passes[0].details["profiles"], PROFILES);
    for (i, number) in numbers.iter().enumerate().step_by(97) {
        assert_eq!(
            recognised(&cb, Channel::Voice, number),
            Some(IdFormat::format(
                &fixtures::config().customer_id_format,
                i as u64 + 1
            )),
            "{number}"
        );
    }
    assert_eq!(cb.check_invariants().unwrap(), []);
}

/// A file from before e-mail addresses matched in any case: its keys hold
/// the local part as typed. The first open folds them, so the caller is
/// found however the switch or the agent writes the address.
#[test]
fn a_file_keyed_by_case_sensitive_email_is_rekeyed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let cb = open(&path, 1);
    let mut input = ProfileInput {
        given_name: "Grace".into(),
        family_name: "Hopper".into(),
        ..ProfileInput::default()
    };
    input.contact_points.push(ContactPointInput {
        kind: ContactKind::Email,
        value: "Grace.Hopper@Example.com".into(),
        label: None,
        primary: true,
    });
    let grace = cb.create_profile(&fixtures::agent(), input, ALLOW).unwrap();
    drop(cb);

    let (folded, as_typed) = (
        "email:grace.hopper@example.com",
        "email:Grace.Hopper@example.com",
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM blobs WHERE kind = 'key_rules'", [])
        .unwrap();
    let keys = conn
        .execute(
            "UPDATE profile_keys SET key = ?2 WHERE key = ?1",
            [folded, as_typed],
        )
        .unwrap();
    let bodies = conn
        .execute(
            "UPDATE profiles SET body = replace(body, ?1, ?2) WHERE instr(body, ?1) > 0",
            [folded, as_typed],
        )
        .unwrap();
    assert_eq!((keys, bodies), (1, 1), "the old keys are in place");
    drop(conn);

    let cb = open(&path, 2);
    for written in [
        "GRACE.HOPPER@example.COM",
        "Grace Hopper <grace.hopper@example.com>",
    ] {
        assert_eq!(
            recognised(&cb, Channel::Email, written),
            Some(grace.customer_id.clone()),
            "{written}"
        );
    }
    let stored = cb.profile(grace.id).unwrap();
    assert_eq!(stored.contact_points[0].value, "Grace.Hopper@example.com");
    assert_eq!(stored.contact_points[0].key, folded);
    assert_eq!(stored.version, grace.version);
    assert_eq!(cb.check_invariants().unwrap(), []);
}
