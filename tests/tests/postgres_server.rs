//! PostgreSQL store behaviour beyond the conformance suite, on a real
//! server (`scripts/with-postgres`): refusing what it must not touch,
//! servers migrating at once, serialization conflicts run again, several
//! processes on one database, and clients killed mid-write.
#![cfg(feature = "postgres")]

use casebook::store::{ProfileIndex, StoreExt};
use casebook::*;
use casebook_tests::fixtures::{self, add};
use casebook_tests::postgres::{server, TempDatabase, TempPostgres};
use casebook_tests::sqlite::{child, finish, kill, record_count, reported_problems};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::Duration;

const CHILD: &str = env!("CARGO_BIN_EXE_sqlite_child");

/// The storage error of a refused open, with its kind.
fn storage_error(result: Result<PostgresStore>) -> (StorageErrorKind, String) {
    match result {
        Err(Error::Storage(e)) => (e.kind(), e.message().to_string()),
        Err(e) => panic!("expected a storage error, got {e:?}"),
        Ok(store) => panic!("expected a refusal, opened {store:?}"),
    }
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

#[test]
fn an_unreachable_server_is_unavailable_and_named_without_the_password() {
    let port = closed_port();
    let conninfo = format!(
        "host=127.0.0.1 port={port} user=casebook password=hunter2-secret dbname=nowhere connect_timeout=2"
    );
    let (kind, message) = storage_error(PostgresStore::open(&conninfo));
    assert_eq!(kind, StorageErrorKind::Unavailable, "{message}");
    assert!(
        message.contains(&format!("127.0.0.1:{port}/nowhere")),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_wrong_password_is_refused_without_showing_it() {
    let role = std::env::var("CASEBOOK_TEST_PASSWORD_ROLE").expect(
        "CASEBOOK_TEST_PASSWORD_ROLE names a role that must give its password (scripts/with-postgres sets it)",
    );
    let conninfo = format!("{} user={role} password=wrong-secret-42", server());
    let (kind, message) = storage_error(PostgresStore::open(&conninfo));
    assert_eq!(kind, StorageErrorKind::Unavailable, "{message}");
    assert!(message.contains(&role), "{message}");
    assert!(
        message.contains("password authentication failed"),
        "{message}"
    );
    assert!(!message.contains("wrong-secret-42"), "{message}");
}

#[test]
fn a_missing_database_is_unavailable() {
    let conninfo = format!("{} dbname=casebook_no_such_database", server());
    let (kind, message) = storage_error(PostgresStore::open(&conninfo));
    assert_eq!(kind, StorageErrorKind::Unavailable, "{message}");
    assert!(message.contains("casebook_no_such_database"), "{message}");
}

#[test]
fn a_bad_connection_string_is_invalid_input() {
    let err = PostgresStore::open("host=127.0.0.1 port=not-a-port").unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
}

#[test]
fn another_applications_database_is_refused_and_left_untouched() {
    let db = TempDatabase::new();
    let mut client = db.client();
    client
        .batch_execute("CREATE TABLE profiles (name text); INSERT INTO profiles VALUES ('theirs');")
        .unwrap();
    let (kind, message) = storage_error(PostgresStore::open(&db.conninfo()));
    assert_eq!(kind, StorageErrorKind::Corrupt, "{message}");
    assert!(message.contains(db.name()), "{message}");
    let ours: bool = client
        .query_one("SELECT to_regclass('casebook_schema') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(!ours, "casebook_schema was created");
    let names: Vec<String> = client
        .query("SELECT name FROM profiles", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["theirs"]);
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let db = TempDatabase::new();
    drop(PostgresStore::open(&db.conninfo()).unwrap());
    let mut client = db.client();
    client
        .batch_execute("UPDATE casebook_schema SET version = 99")
        .unwrap();
    let err = PostgresStore::open(&db.conninfo()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::IncompatibleVersion, "{err}");
    let version: i64 = client
        .query_one("SELECT version FROM casebook_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 99);
}

#[test]
fn servers_starting_together_migrate_once() {
    let db = Arc::new(TempDatabase::new());
    let start = Arc::new(Barrier::new(6));
    let opened: Vec<_> = (0..6)
        .map(|_| {
            let (db, start) = (Arc::clone(&db), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                PostgresStore::open(&db.conninfo()).map(|s| s.schema_version())
            })
        })
        .collect();
    for handle in opened {
        let version = handle.join().expect("no panic").expect("opened");
        assert_eq!(version.unwrap(), PostgresStore::SCHEMA_VERSION);
    }
    let rows: i64 = db
        .client()
        .query_one("SELECT count(*) FROM casebook_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

/// Handle `a` reads a sequence, then `b` changes it and commits before `a`
/// writes it: `a`'s first run must lose; how many runs `a`'s body took and
/// what `a` returned.
fn race_on_a_sequence(max_retries: u32) -> (usize, Result<u64>, u64) {
    let t = TempPostgres::new();
    let options = PostgresOptions {
        max_retries,
        ..PostgresOptions::default()
    };
    let a = PostgresStore::open_with(&t.database().conninfo(), options).unwrap();
    let b = PostgresStore::open(&t.database().conninfo()).unwrap();
    a.write_with(|tx| tx.raise_sequence("race", 1)).unwrap();
    let (read_done, b_may_go) = mpsc::channel::<()>();
    let (b_done, a_may_go) = mpsc::channel::<()>();
    let other = std::thread::spawn(move || {
        b_may_go.recv().unwrap();
        let value = b.write_with(|tx| tx.next_sequence("race")).unwrap();
        b_done.send(()).unwrap();
        value
    });
    let runs = AtomicUsize::new(0);
    let outcome = a.write_with(|tx| {
        let run = runs.fetch_add(1, Ordering::SeqCst);
        let seen = tx.sequence("race")?;
        if run == 0 {
            read_done.send(()).unwrap();
            a_may_go.recv().unwrap();
        }
        let next = tx.next_sequence("race")?;
        assert_eq!(next, seen + 1);
        Ok(next)
    });
    assert_eq!(other.join().unwrap(), 2, "the other handle committed first");
    let stored = a.read_with(|tx| tx.sequence("race")).unwrap();
    (runs.into_inner(), outcome, stored)
}

#[test]
fn a_lost_serialization_conflict_runs_the_body_again() {
    let (runs, outcome, stored) = race_on_a_sequence(10);
    assert_eq!(runs, 2, "the losing body ran again");
    assert_eq!(outcome.unwrap(), 3, "the second run saw the other commit");
    assert_eq!(stored, 3);
}

#[test]
fn without_retries_the_conflict_is_a_retryable_storage_error() {
    let (runs, outcome, stored) = race_on_a_sequence(0);
    assert_eq!(runs, 1);
    let err = outcome.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(
        matches!(&err, Error::Storage(e) if e.kind() == StorageErrorKind::Retryable),
        "{err:?}"
    );
    assert_eq!(stored, 2, "only the other handle's change is there");
}

#[test]
fn processes_creating_linking_and_merging_on_one_database() {
    let t = TempPostgres::new();
    let db = format!("postgres:{}", t.database().conninfo());
    let children: Vec<_> = ["11", "22", "33"]
        .iter()
        .map(|seed| child(CHILD, &["work", &db, seed, "30"]).spawn().unwrap())
        .collect();
    let lines: Vec<String> = children.into_iter().flat_map(finish).collect();
    let cb = Casebook::builder(t).build().unwrap();
    assert_eq!(reported_problems(&cb, &lines), Vec::<String>::new());
    assert_eq!(record_count(&cb).unwrap(), lines.len());
    fixtures::no_invariant_problems(&cb);
}

#[test]
fn processes_editing_one_profile_lose_no_update() {
    let t = TempPostgres::new();
    let db = format!("postgres:{}", t.database().conninfo());
    let cb = Casebook::builder(t).build().unwrap();
    let ada = add(
        &cb,
        ProfileInput {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            ..ProfileInput::default()
        },
    );
    let children: Vec<_> = (0..3)
        .map(|_| {
            child(CHILD, &["bump", &db, &ada.customer_id, "10"])
                .spawn()
                .unwrap()
        })
        .collect();
    for lines in children.into_iter().map(finish) {
        assert!(lines[0].starts_with("bumped 10 "), "{lines:?}");
    }
    assert_eq!(cb.profile(ada.id).unwrap().version, ada.version + 30);
}

#[test]
fn clients_killed_mid_merge_leave_nothing_half_done() {
    let t = TempPostgres::new();
    let db = format!("postgres:{}", t.database().conninfo());
    let cb = Casebook::builder(t).build().unwrap();
    let mut reported: Vec<String> = Vec::new();
    let mut before = 0;
    for round in 0..8u64 {
        let seeds = [round * 2 + 1, round * 2 + 2].map(|s| s.to_string());
        let children: Vec<_> = seeds
            .iter()
            .map(|seed| child(CHILD, &["work", &db, seed, "0"]).spawn().unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(300 + 97 * round));
        let lines: Vec<String> = children.into_iter().flat_map(kill).collect();
        let invariants = cb.check_invariants().expect("invariant check runs");
        assert!(invariants.is_empty(), "round {round}: {invariants:?}");
        reported.extend(lines.iter().cloned());
        let missing = reported_problems(&cb, &reported);
        assert!(missing.is_empty(), "round {round}: {missing:?}");
        // Only the operations in flight when killed may be in without a report.
        let now = record_count(&cb).expect("records counted");
        let extra = now - before - lines.len();
        assert!(
            extra <= 2,
            "round {round}: {extra} records committed without a report"
        );
        before = now;
    }
    assert!(
        reported.iter().any(|l| l.starts_with("merge ")),
        "no merge committed: {} lines",
        reported.len()
    );
}

#[test]
fn processes_polling_one_database_take_each_sla_event_once() {
    let t = TempPostgres::new();
    let db = format!("postgres:{}", t.database().conninfo());
    let clock = Arc::new(ManualClock::with_step(
        "2026-03-09T08:00:00Z".parse().unwrap(),
        60_000_000_000,
    ));
    let cb = Casebook::builder(t).clock(clock).build().unwrap();
    let admin = Actor::new("admin");
    cb.load_calendar(
        &admin,
        r#"{"id": "24x7", "name": "Always", "time_zone": "UTC", "always_open": true}"#,
    )
    .unwrap();
    cb.load_sla(
        &admin,
        r#"{"id": "resolve", "name": "R", "target": "resolution", "duration": "2h",
        "calendar": "24x7", "warnings": [25, 50, 75],
        "escalations": [{"at": "breach", "inform": ["duty-manager"]}]}"#,
    )
    .unwrap();
    let cases: Vec<String> = (0..10)
        .map(|i| {
            let input = CaseInput {
                short_description: format!("Fault {i}"),
                ..CaseInput::default()
            };
            cb.create_case(&fixtures::agent(), input).unwrap().number
        })
        .collect();
    let children: Vec<_> = (0..3)
        .map(|_| {
            child(CHILD, &["poll", &db, "2026-03-10T00:00:00Z", "40"])
                .spawn()
                .unwrap()
        })
        .collect();
    let mut taken: Vec<String> = children.into_iter().flat_map(finish).collect();
    taken.sort();
    let mut expected: Vec<String> = cases
        .iter()
        .flat_map(|n| [25, 50, 75, 100].map(|t| format!("taken {n} {t}")))
        .collect();
    expected.sort();
    assert_eq!(
        taken, expected,
        "every warning and breach once, by one process"
    );
    for number in &cases {
        assert_eq!(
            cb.case(number.as_str()).unwrap().informed_users,
            ["duty-manager"]
        );
    }
    fixtures::no_invariant_problems(&cb);
}

/// A bulk write sends new profiles without waiting for each answer: one
/// that fails (a taken customer ID) fails the write, at the next statement
/// or at the commit, and nothing of the write is kept.
#[test]
fn a_failed_unawaited_insert_fails_the_whole_bulk_write() {
    let store = TempPostgres::new();
    let cb = fixtures::engine(store);
    let taken = add(&cb, fixtures::person("Ada", "Lovelace"));
    let fresh = |n: u128| {
        let mut p = taken.clone();
        p.id = uuid::Uuid::from_u128(n);
        p
    };
    let index = |p: &Profile| ProfileIndex {
        keys: vec![format!("test:{}", p.id)],
        name_tokens: vec!["lovelace".into()],
    };
    // The failure is the last statement: the commit reports it.
    let mut ok = fresh(1);
    ok.customer_id = "C-900001".into();
    let clash = fresh(2);
    let at_commit = cb.store().write_bulk_with(|tx| {
        tx.put_profile(&ok, index(&ok), None)?;
        tx.put_profile(&clash, index(&clash), None)
    });
    assert!(
        matches!(&at_commit, Err(Error::Storage(_))),
        "{at_commit:?}"
    );
    // The failure is followed by a read: the read reports it.
    let mut read_after = None;
    let at_read = cb.store().write_bulk_with(|tx| {
        tx.put_profile(&clash, index(&clash), None)?;
        read_after = Some(tx.profile_count());
        tx.put_profile(&ok, index(&ok), None)
    });
    assert!(matches!(&at_read, Err(Error::Storage(_))), "{at_read:?}");
    assert!(
        matches!(read_after, Some(Err(Error::Storage(_)))),
        "{read_after:?}"
    );
    let count = cb.store().read_with(|tx| tx.profile_count()).unwrap();
    assert_eq!(count, 1, "only the profile stored before");
    for p in [&ok, &clash] {
        assert_eq!(cb.store().read_with(|tx| tx.profile(p.id)).unwrap(), None);
    }
    // A bulk write without a clash keeps everything.
    cb.store()
        .write_bulk_with(|tx| tx.put_profile(&ok, index(&ok), None))
        .unwrap();
    assert_eq!(
        cb.store()
            .read_with(|tx| tx.profiles_by_key(&format!("test:{}", ok.id)))
            .unwrap(),
        vec![ok.id]
    );
}

/// The store blocks: inside an async task it refuses with `invalid_input`
/// (instead of stalling the host's runtime or panicking), and works from a
/// blocking thread.
#[test]
fn inside_an_async_task_the_store_refuses_and_says_where_to_call_it() {
    let database = TempDatabase::new();
    let store = PostgresStore::open(&database.conninfo()).expect("open");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let (opened, read) = runtime.block_on(async {
        (
            PostgresStore::open(&database.conninfo()),
            store.read_with(|tx| tx.profile_count()),
        )
    });
    for outcome in [opened.map(|_| 0), read] {
        match outcome {
            Err(Error::InvalidInput(message)) => {
                assert!(message.contains("spawn_blocking"), "{message}")
            }
            other => panic!("expected invalid_input, got {other:?}"),
        }
    }
    assert_eq!(store.read_with(|tx| tx.profile_count()).unwrap(), 0);
}
