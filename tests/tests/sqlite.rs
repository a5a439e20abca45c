//! SQLite store behaviour beyond the conformance suite: schema upgrades,
//! refusing files it must not touch, several handles, threads and processes,
//! and the same answers as the memory store.

use casebook::store::{Store, StoreExt};
use casebook::*;
use casebook_tests::fixtures::{
    self, add, case_numbers, emailed_person, engine, open_case, plain_case, requester_id,
};
use casebook_tests::sqlite::{child, finish, record_count, reported_problems, TempSqlite};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const CHILD: &str = env!("CARGO_BIN_EXE_sqlite_child");

fn temp() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("casebook.db");
    (dir, path)
}

/// An engine like the fixture's but without loading templates again, with
/// its own id seed so reopening never reuses ids.
fn reopen<S: Store>(store: S, seed: u64) -> Casebook<S> {
    Casebook::builder(store)
        .config(fixtures::config())
        .clock(Arc::new(ManualClock::new(fixtures::start_time())))
        .ids(Arc::new(SeededIds::new(seed)))
        .build()
        .expect("engine")
}

/// Some of every kind of record: profiles, cases, a contact, a relation, a merge.
fn populate<S: Store>(cb: &Casebook<S>) {
    let ada = add(cb, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let grace = add(cb, emailed_person("Grace", "Hopper", "grace@example.org"));
    let alan = add(cb, emailed_person("Alan", "Turing", "alan@example.org"));
    let case = open_case(
        cb,
        plain_case("Router has no signal", vec![requester_id(&ada.customer_id)]),
    );
    open_case(
        cb,
        plain_case("Invoice questions", vec![requester_id(&alan.customer_id)]),
    );
    cb.add_case_entry(
        &Actor::new("agent"),
        case.id,
        EntryKind::Comment,
        "fibre technician booked",
    )
    .unwrap();
    cb.log_contact(
        &Actor::new("agent"),
        ContactInput {
            profile: Some(grace.customer_id.clone()),
            cases: vec![case.number.clone()],
            summary: "called about the router".into(),
            ..ContactInput::inbound(Channel::Email, "grace@example.org")
        },
    )
    .unwrap();
    cb.relate(
        &Actor::new("agent"),
        RelationInput::new(
            ada.id.to_string(),
            grace.id.to_string(),
            "colleague",
            "colleague",
        ),
    )
    .unwrap();
    cb.merge(
        &Actor::new("agent"),
        &MergePlan::new(ada.customer_id.as_str(), alan.customer_id.as_str()),
    )
    .unwrap();
}

/// Opens a file without casebook, for setting up odd files.
fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw SQLite connection")
}

fn assert_names_path(err: &Error, path: &Path) {
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the error does not name {}: {message}",
        path.display()
    );
}

#[test]
fn upgrades_from_every_earlier_version() {
    for version in 1..SqliteStore::SCHEMA_VERSION {
        let (_dir, path) = temp();
        let old = SqliteStore::create_at_schema_version(&path, version).unwrap();
        assert_eq!(old.schema_version().unwrap(), version);
        let cb = engine(old);
        populate(&cb);
        let before = cb.export_snapshot().unwrap();
        let found = case_numbers(&cb, "rout");
        assert_eq!(found.len(), 1, "version {version}");
        drop(cb);

        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
        assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
        let cb = reopen(store, 1000 + u64::from(version));
        assert_eq!(cb.export_snapshot().unwrap(), before, "version {version}");
        // Search finds what was written before the upgrade, and after it.
        assert_eq!(case_numbers(&cb, "rout"), found);
        assert_eq!(case_numbers(&cb, "fibre tech"), found);
        let later = open_case(&cb, plain_case("Router again", vec![]));
        assert_eq!(case_numbers(&cb, "router")[0], later.number);
        // Reports count the cases from before the upgrade too.
        let volume =
            ReportDefinition::from_json(r#"{"id": "v", "measures": ["created", "open"]}"#).unwrap();
        let table = cb.kpi_report(&volume, ReportPeriod::default()).unwrap();
        assert_eq!(
            table.rows,
            vec![vec![serde_json::json!(3), serde_json::json!(3)]],
            "version {version}"
        );
        fixtures::no_invariant_problems(&cb);
    }
}

#[test]
fn an_old_handle_is_refused_after_another_upgraded_the_file() {
    let (_dir, path) = temp();
    let old = engine(SqliteStore::create_at_schema_version(&path, 1).unwrap());
    populate(&old);
    let current = SqliteStore::open(&path).unwrap();
    assert_eq!(
        current.schema_version().unwrap(),
        SqliteStore::SCHEMA_VERSION
    );
    let err = old
        .create_profile(
            &Actor::new("agent"),
            emailed_person("Late", "Writer", "late@example.org"),
            CreateOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IncompatibleVersion);
    assert_names_path(&err, &path);
    assert_eq!(
        old.search_cases("router", 5).unwrap_err().code(),
        ErrorCode::IncompatibleVersion
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let (_dir, path) = temp();
    populate(&engine(SqliteStore::open(&path).unwrap()));
    let newer = SqliteStore::SCHEMA_VERSION + 1;
    raw(&path)
        .execute("UPDATE casebook_schema SET version = ?1", [newer])
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for options in [
        SqliteOptions::default(),
        SqliteOptions {
            read_only: true,
            ..SqliteOptions::default()
        },
    ] {
        let err = SqliteStore::open_with(&path, options).unwrap_err();
        assert_eq!(err.code(), ErrorCode::IncompatibleVersion);
        assert_names_path(&err, &path);
        let message = err.to_string();
        assert!(message.contains(&format!("version {newer}")), "{message}");
        assert!(
            message.contains(&format!("version {}", SqliteStore::SCHEMA_VERSION)),
            "{message}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}

#[test]
fn a_handle_is_refused_after_a_newer_casebook_upgraded_the_file() {
    let t = TempSqlite::new();
    let path = t.path();
    let cb = engine(t);
    raw(&path)
        .execute(
            "UPDATE casebook_schema SET version = ?1",
            [SqliteStore::SCHEMA_VERSION + 1],
        )
        .unwrap();
    let err = cb
        .create_profile(
            &Actor::new("agent"),
            emailed_person("Ada", "Lovelace", "ada@example.org"),
            CreateOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IncompatibleVersion);
    assert_eq!(
        cb.templates().unwrap_err().code(),
        ErrorCode::IncompatibleVersion
    );
}

/// Opening `path` fails with a storage error naming it, and changes no byte.
fn refused_untouched(path: &Path, expect: &str) {
    let bytes = std::fs::read(path).unwrap();
    for read_only in [false, true] {
        let err = SqliteStore::open_with(
            path,
            SqliteOptions {
                read_only,
                ..SqliteOptions::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage, "{err}");
        assert_names_path(&err, path);
        assert!(err.to_string().contains(expect), "{err}");
        assert_eq!(
            std::fs::read(path).unwrap(),
            bytes,
            "{} changed",
            path.display()
        );
    }
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let (_dir, path) = temp();
    std::fs::write(&path, "name,phone\nAda,020 7946 0958\n".repeat(200)).unwrap();
    refused_untouched(&path, "not a SQLite database");
}

#[test]
fn a_corrupt_database_is_refused() {
    let (_dir, path) = temp();
    populate(&engine(SqliteStore::open(&path).unwrap()));
    let mut bytes = std::fs::read(&path).unwrap();
    // Page 1's b-tree header, just after the 100-byte file header.
    for b in &mut bytes[100..140] {
        *b = 0xEE;
    }
    std::fs::write(&path, &bytes).unwrap();
    refused_untouched(&path, "corrupt");
}

#[test]
fn another_applications_database_is_refused() {
    let (_dir, path) = temp();
    {
        let conn = raw(&path);
        conn.execute_batch("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada');")
            .unwrap();
    }
    refused_untouched(&path, "not a casebook store");
}

#[test]
fn an_empty_file_becomes_a_store() {
    let (_dir, path) = temp();
    std::fs::write(&path, b"").unwrap();
    let cb = engine(SqliteStore::open(&path).unwrap());
    populate(&cb);
    fixtures::no_invariant_problems(&cb);
}

#[test]
fn a_directory_or_missing_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert_names_path(&err, dir.path());
    assert!(err.to_string().contains("directory"), "{err}");

    let missing = dir.path().join("missing").join("casebook.db");
    let err = SqliteStore::open(&missing).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert_names_path(&err, &missing);
    assert!(!dir.path().join("missing").exists());

    let absent = dir.path().join("absent.db");
    let err = SqliteStore::open_with(
        &absent,
        SqliteOptions {
            read_only: true,
            ..SqliteOptions::default()
        },
    )
    .unwrap_err();
    assert_names_path(&err, &absent);
    assert!(!absent.exists(), "a read-only open created the file");
}

#[test]
fn read_only_files_and_handles_are_never_written() {
    let (_dir, path) = temp();
    populate(&engine(SqliteStore::open(&path).unwrap()));
    let bytes = std::fs::read(&path).unwrap();

    let reader = reopen(
        SqliteStore::open_with(
            &path,
            SqliteOptions {
                read_only: true,
                ..SqliteOptions::default()
            },
        )
        .unwrap(),
        7,
    );
    assert_eq!(reader.export_snapshot().unwrap().profiles.len(), 3);
    let err = reader
        .create_profile(
            &Actor::new("agent"),
            emailed_person("Ann", "Other", "ann@example.org"),
            CreateOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert_names_path(&err, &path);
    assert!(reader.store().integrity_problems().unwrap().is_empty());
    drop(reader);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // A file the operating system will not let us write.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let privileged = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
    if privileged {
        eprintln!("running with the right to write read-only files: their refusal is not checked");
    } else {
        let err = SqliteStore::open(&path).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage);
        assert_names_path(&err, &path);
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn readers_are_not_blocked_by_an_open_write_transaction() {
    let t = TempSqlite::new();
    let other = SqliteStore::open(t.path()).unwrap();
    t.store()
        .write_with(|tx| tx.next_sequence("ticks").map(drop))
        .unwrap();
    std::thread::scope(|s| {
        // Made inside the scope: a failing check drops `release`, so the
        // writer stops waiting and the test fails instead of hanging.
        let (started_tx, started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let store = t.store();
        let writer = s.spawn(move || {
            store.write_with(|tx| {
                tx.next_sequence("ticks")?;
                started_tx.send(()).unwrap();
                released.recv().unwrap();
                Ok(())
            })
        });
        started.recv().unwrap();
        let readers: Vec<_> = (0..4)
            .map(|i| {
                let store: &SqliteStore = if i % 2 == 0 { t.store() } else { &other };
                s.spawn(move || {
                    let at = Instant::now();
                    let seen = store.read_with(|tx| tx.sequence("ticks")).unwrap();
                    (seen, at.elapsed())
                })
            })
            .collect();
        for reader in readers {
            let (seen, took) = reader.join().unwrap();
            assert_eq!(seen, 1, "a reader saw uncommitted data");
            assert!(took < Duration::from_secs(2), "a reader waited {took:?}");
        }
        // A writer on another handle gives up after its busy timeout, clearly.
        let impatient = SqliteStore::open_with(
            t.path(),
            SqliteOptions {
                busy_timeout: Duration::from_millis(100),
                ..SqliteOptions::default()
            },
        )
        .unwrap();
        let err = impatient
            .write_with(|tx| tx.next_sequence("ticks").map(drop))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Storage);
        assert!(err.to_string().contains("locked"), "{err}");
        assert_names_path(&err, &t.path());
        // A patient one waits for the lock and goes on.
        let patient = s.spawn(|| other.write_with(|tx| tx.next_sequence("ticks")).unwrap());
        std::thread::sleep(Duration::from_millis(100));
        release.send(()).unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(patient.join().unwrap(), 3);
    });
    assert_eq!(other.read_with(|tx| tx.sequence("ticks")).unwrap(), 3);
}

#[test]
fn handles_in_many_threads_write_the_same_file() {
    let t = TempSqlite::new();
    let engines: Vec<Casebook<SqliteStore>> = (0..3)
        .map(|_| {
            Casebook::builder(SqliteStore::open(t.path()).unwrap())
                .build()
                .unwrap()
        })
        .collect();
    std::thread::scope(|s| {
        for thread in 0..6 {
            let cb = &engines[thread % engines.len()];
            s.spawn(move || {
                for i in 0..8 {
                    let name = format!("Thread{thread}x{i}");
                    let p = cb
                        .create_profile(
                            &Actor::new("agent"),
                            emailed_person(
                                "Ann",
                                &name,
                                &format!("{}@example.org", name.to_lowercase()),
                            ),
                            CreateOptions {
                                allow_duplicates: true,
                            },
                        )
                        .unwrap();
                    open_case(cb, plain_case(&name, vec![requester_id(&p.customer_id)]));
                    let _ = cb
                        .find_profiles(&ProfileQuery::Name("ann".into()), 5)
                        .unwrap();
                }
            });
        }
    });
    let snapshot = engines[0].export_snapshot().unwrap();
    assert_eq!(snapshot.profiles.len(), 48);
    assert_eq!(snapshot.cases.len(), 48);
    let mut ids: Vec<&str> = snapshot
        .profiles
        .iter()
        .map(|p| p.customer_id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 48, "customer IDs were handed out twice");
    fixtures::no_invariant_problems(&engines[1]);
}

#[test]
fn stale_versions_conflict_across_handles() {
    let t = TempSqlite::new();
    let first = Casebook::builder(SqliteStore::open(t.path()).unwrap())
        .build()
        .unwrap();
    let second = Casebook::builder(SqliteStore::open(t.path()).unwrap())
        .build()
        .unwrap();
    let ada = add(&first, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let seen = second.profile(ada.id).unwrap();
    let mut edit = ProfileInput::from(&ada);
    edit.accounts = vec!["ACC-1".into()];
    let updated = first
        .update_profile(&Actor::new("agent"), ada.id, ada.version, edit)
        .unwrap();
    let mut stale = ProfileInput::from(&seen);
    stale.accounts = vec!["ACC-2".into()];
    let err = second
        .update_profile(&Actor::new("agent"), seen.id, seen.version, stale)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(second.profile(ada.id).unwrap(), updated);
}

#[test]
fn two_processes_write_the_same_file() {
    let t = TempSqlite::new();
    let db = t.path();
    let db = db.to_str().unwrap();
    let children: Vec<_> = ["11", "22"]
        .iter()
        .map(|seed| child(CHILD, &["work", db, seed, "40"]).spawn().unwrap())
        .collect();
    let lines: Vec<String> = children.into_iter().flat_map(finish).collect();
    let cb = Casebook::builder(SqliteStore::open(db).unwrap())
        .build()
        .unwrap();
    assert_eq!(reported_problems(&cb, &lines), Vec::<String>::new());
    assert_eq!(record_count(&cb).unwrap(), lines.len());
    fixtures::no_invariant_problems(&cb);
}

#[test]
fn processes_editing_one_profile_lose_no_update() {
    let t = TempSqlite::new();
    let db = t.path();
    let db = db.to_str().unwrap();
    let cb = Casebook::builder(t).build().unwrap();
    let ada = add(&cb, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let children: Vec<_> = (0..2)
        .map(|_| {
            child(CHILD, &["bump", db, &ada.customer_id, "15"])
                .spawn()
                .unwrap()
        })
        .collect();
    for lines in children.into_iter().map(finish) {
        assert!(lines[0].starts_with("bumped 15 "), "{lines:?}");
    }
    assert_eq!(cb.profile(ada.id).unwrap().version, ada.version + 30);
}

#[test]
fn processes_polling_one_file_take_each_sla_event_once() {
    let t = TempSqlite::new();
    let db = t.path();
    let db = db.to_str().unwrap();
    let clock = std::sync::Arc::new(casebook::ManualClock::with_step(
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
    // Enough polls for all 40 events even when the processes take turns
    // and most polls find their candidates already taken by another.
    let children: Vec<_> = (0..3)
        .map(|_| {
            child(CHILD, &["poll", db, "2026-03-10T00:00:00Z", "40"])
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
    let audit = cb.audit_log(None).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action.starts_with("sla_"))
            .count(),
        40
    );
    fixtures::no_invariant_problems(&cb);
}
