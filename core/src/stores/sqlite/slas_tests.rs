//! Tests of the SQLite store's definitions and service-level crossings:
//! round trips, orders, limits, taking once, the due-time index, and
//! files upgraded from before the tables.

use super::pool::lock;
use super::slas::DUE_BEFORE;
use super::SqliteStore;
use crate::error::{Entity, Error, ErrorCode, Result};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{Store, StoreExt, StoredDefinition};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn io(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

fn at(s: i64, ns: i32) -> Timestamp {
    Timestamp::new(s, ns).expect("a valid instant")
}

fn temp() -> Result<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir().map_err(io)?;
    let path = dir.path().join("t.db");
    Ok((dir, path))
}

fn definition(kind: &str, id: &str, version: u32) -> StoredDefinition {
    StoredDefinition {
        kind: kind.into(),
        id: id.into(),
        version,
        loaded_at: at(1_700_000_000 + i64::from(version), 123_456_789),
        body: serde_json::json!({ "id": id, "version": version, "hours": [9, 17] }),
    }
}

fn due(case: u128, slot: &str, threshold: u8, due_at: Timestamp) -> SlaDue {
    SlaDue {
        case_id: Uuid::from_u128(case),
        slot: slot.into(),
        started_at: at(-5, 250),
        threshold,
        due_at,
        sla: format!("{slot}-sla"),
        version: 3,
    }
}

/// The (case, slot, threshold, due) of each row, for comparing orders.
fn shape(rows: &[SlaDue]) -> Vec<(u128, String, u8, Timestamp)> {
    rows.iter()
        .map(|d| (d.case_id.as_u128(), d.slot.clone(), d.threshold, d.due_at))
        .collect()
}

fn tables(path: &Path) -> Result<Vec<String>> {
    let conn = rusqlite::Connection::open(path).map_err(io)?;
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name")
        .map_err(io)?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .map_err(io)?;
    Ok(names)
}

#[test]
fn definitions_round_trip_in_order_and_are_never_replaced() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    let stored = [
        definition("sla", "response", 2),
        definition("calendar", "uk", 1),
        definition("sla", "resolution", 1),
        definition("sla", "response", 1),
        definition("sla", "response", 10),
    ];
    store.write_with(|tx| {
        for d in &stored {
            tx.put_definition(d)?;
        }
        Ok(())
    })?;
    let slas = store.read_with(|tx| tx.definitions("sla"))?;
    let order: Vec<(&str, u32)> = slas.iter().map(|d| (d.id.as_str(), d.version)).collect();
    assert_eq!(
        order,
        [
            ("resolution", 1),
            ("response", 1),
            ("response", 2),
            ("response", 10)
        ]
    );
    assert_eq!(slas[2], stored[0], "every field comes back as stored");
    assert_eq!(
        store.read_with(|tx| tx.definitions("calendar"))?,
        [stored[1].clone()]
    );
    assert!(store.read_with(|tx| tx.definitions("other"))?.is_empty());

    let mut changed = definition("sla", "response", 2);
    changed.body = serde_json::json!({ "replaced": true });
    let err = store
        .write_with(|tx| tx.put_definition(&changed))
        .expect_err("a stored version is never replaced");
    assert_eq!(
        err,
        Error::AlreadyExists {
            entity: Entity::Sla,
            id: "response v2".into()
        }
    );
    let err = store
        .write_with(|tx| tx.put_definition(&definition("calendar", "uk", 1)))
        .expect_err("a stored calendar version is never replaced");
    assert_eq!(
        err,
        Error::AlreadyExists {
            entity: Entity::Calendar,
            id: "uk v1".into()
        }
    );
    assert_eq!(store.read_with(|tx| tx.definitions("sla"))?, slas);

    let snapshot = store.read_with(|tx| tx.export())?;
    let order: Vec<(&str, &str, u32)> = snapshot
        .definitions
        .iter()
        .map(|d| (d.kind.as_str(), d.id.as_str(), d.version))
        .collect();
    assert_eq!(
        order,
        [
            ("calendar", "uk", 1),
            ("sla", "resolution", 1),
            ("sla", "response", 1),
            ("sla", "response", 2),
            ("sla", "response", 10)
        ]
    );
    Ok(())
}

#[test]
fn due_crossings_come_soonest_first_up_to_the_limit() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    let one = vec![
        due(1, "response", 100, at(100, 0)),
        due(1, "response", 80, at(80, 5)),
        due(1, "resolution", 50, at(80, 5)),
    ];
    let two = vec![
        due(2, "response", 80, at(80, 4)),
        // Before the epoch: seconds and nanoseconds both carry the sign.
        due(2, "response", 50, at(-1, -1)),
        due(2, "response", 100, at(200, 0)),
    ];
    store.write_with(|tx| {
        tx.put_sla_due(Uuid::from_u128(1), &one)?;
        tx.put_sla_due(Uuid::from_u128(2), &two)
    })?;
    let all = store.read_with(|tx| tx.sla_due_before(Timestamp::MAX, 100))?;
    let expected = vec![
        two[1].clone(),
        two[0].clone(),
        one[2].clone(),
        one[1].clone(),
        one[0].clone(),
        two[2].clone(),
    ];
    assert_eq!(all, expected, "{:?}", shape(&all));
    // The bound is inclusive, to the nanosecond.
    let by = |t: Timestamp, n: usize| store.read_with(|tx| tx.sla_due_before(t, n));
    assert_eq!(by(at(80, 5), 100)?, expected[..4]);
    assert_eq!(by(at(80, 4), 100)?, expected[..2]);
    assert_eq!(by(at(100, 0), 3)?, expected[..3]);
    assert_eq!(by(Timestamp::MAX, 0)?, []);
    assert_eq!(by(Timestamp::MIN, 10)?, []);

    let of_one = store.read_with(|tx| tx.sla_due_of_case(Uuid::from_u128(1)))?;
    assert_eq!(of_one, [one[2].clone(), one[1].clone(), one[0].clone()]);
    let of_two = store.read_with(|tx| tx.sla_due_of_case(Uuid::from_u128(2)))?;
    assert_eq!(of_two, [two[1].clone(), two[0].clone(), two[2].clone()]);
    assert!(store
        .read_with(|tx| tx.sla_due_of_case(Uuid::from_u128(3)))?
        .is_empty());
    Ok(())
}

#[test]
fn putting_a_cases_crossings_replaces_them_all() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    let case = Uuid::from_u128(7);
    let other = vec![due(8, "response", 100, at(50, 0))];
    store.write_with(|tx| {
        tx.put_sla_due(
            case,
            &[
                due(7, "response", 80, at(10, 0)),
                due(7, "response", 100, at(20, 0)),
            ],
        )?;
        tx.put_sla_due(Uuid::from_u128(8), &other)
    })?;
    let later = vec![due(7, "resolution", 100, at(30, 0))];
    store.write_with(|tx| tx.put_sla_due(case, &later))?;
    assert_eq!(store.read_with(|tx| tx.sla_due_of_case(case))?, later);
    let all = store.read_with(|tx| tx.sla_due_before(Timestamp::MAX, 10))?;
    assert_eq!(all, [later[0].clone(), other[0].clone()]);
    store.write_with(|tx| tx.put_sla_due(case, &[]))?;
    assert!(store.read_with(|tx| tx.sla_due_of_case(case))?.is_empty());
    assert_eq!(
        store.read_with(|tx| tx.sla_due_of_case(Uuid::from_u128(8)))?,
        other
    );

    let err = store
        .write_with(|tx| tx.put_sla_due(case, &other))
        .expect_err("another case's crossing is refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    Ok(())
}

#[test]
fn a_crossing_is_taken_once() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    let case = Uuid::from_u128(9);
    let rows = vec![
        due(9, "response", 80, at(10, 0)),
        due(9, "response", 100, at(20, 0)),
    ];
    store.write_with(|tx| tx.put_sla_due(case, &rows))?;
    assert!(store.write_with(|tx| tx.take_sla_due(&rows[0].key()))?);
    assert!(!store.write_with(|tx| tx.take_sla_due(&rows[0].key()))?);
    assert_eq!(
        store.read_with(|tx| tx.sla_due_of_case(case))?,
        [rows[1].clone()]
    );
    assert_eq!(
        store.read_with(|tx| tx.sla_due_before(Timestamp::MAX, 10))?,
        [rows[1].clone()]
    );
    // A key without a due row (imported, or due elsewhere) is taken too.
    let mut keys = vec![
        SlaDueKey {
            case_id: case,
            slot: "response".into(),
            started_at: at(-5, 250),
            threshold: 50,
        },
        SlaDueKey {
            case_id: case,
            slot: "a-first".into(),
            started_at: at(900, 1),
            threshold: 100,
        },
        SlaDueKey {
            case_id: Uuid::from_u128(1),
            slot: "response".into(),
            started_at: at(0, 0),
            threshold: 100,
        },
    ];
    store.write_with(|tx| {
        for key in &keys {
            assert!(tx.take_sla_due(key)?);
        }
        Ok(())
    })?;
    keys.push(rows[0].key());
    keys.sort();
    let of_case: Vec<SlaDueKey> = keys.iter().filter(|k| k.case_id == case).cloned().collect();
    assert_eq!(store.read_with(|tx| tx.sla_taken_of_case(case))?, of_case);
    assert_eq!(store.read_with(|tx| tx.export())?.sla_taken, keys);
    Ok(())
}

/// The poll reads a range of the due-time index in its order: no scan of
/// the table and no sort, however many rows there are.
#[test]
fn the_due_query_searches_the_due_time_index() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    store.write_bulk_with(|tx| {
        for case in 0..300u128 {
            let rows: Vec<SlaDue> = (0..3u8)
                .map(|i| {
                    due(
                        case,
                        "response",
                        50 * i,
                        at(i64::try_from(case).unwrap_or(0), 0),
                    )
                })
                .collect();
            tx.put_sla_due(Uuid::from_u128(case), &rows)?;
        }
        Ok(())
    })?;
    let writer = lock(store.writer.as_ref().expect("writer"));
    for analyzed in [false, true] {
        if analyzed {
            writer.execute_batch("ANALYZE").map_err(io)?;
        }
        let mut stmt = writer
            .prepare(&format!("EXPLAIN QUERY PLAN {DUE_BEFORE}"))
            .map_err(io)?;
        let plan = stmt
            .query_map(rusqlite::params![100, 0, 10], |r| r.get::<_, String>(3))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(io)?
            .join("\n");
        assert!(
            plan.contains("SEARCH sla_due USING INDEX sla_due_by_time"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
    Ok(())
}

#[test]
fn a_version_5_file_gets_the_new_tables() -> Result<()> {
    let (_dir, path) = temp()?;
    let old = SqliteStore::create_at_schema_version(&path, 5)?;
    let names = tables(&path)?;
    assert!(!names
        .iter()
        .any(|n| n.starts_with("sla_") || n == "definitions"));
    // A handle at version 5 finds nothing and stores nothing of them.
    old.read(&mut |tx| {
        assert!(tx.definitions("sla")?.is_empty());
        assert!(tx.sla_due_before(Timestamp::MAX, 10)?.is_empty());
        assert!(tx.sla_due_of_case(Uuid::from_u128(1))?.is_empty());
        assert!(tx.sla_taken_of_case(Uuid::from_u128(1))?.is_empty());
        let snapshot = tx.export()?;
        assert!(snapshot.definitions.is_empty() && snapshot.sla_taken.is_empty());
        Ok(())
    })?;
    old.write_with(|tx| tx.put_sla_due(Uuid::from_u128(1), &[]))?;
    let refused = old
        .write_with(|tx| tx.put_definition(&definition("sla", "response", 1)))
        .expect_err("a version 5 file cannot hold definitions");
    assert_eq!(refused.code(), ErrorCode::IncompatibleVersion);
    drop(old);

    let store = SqliteStore::open(&path)?;
    assert_eq!(store.schema_version()?, SqliteStore::SCHEMA_VERSION);
    let names = tables(&path)?;
    for name in ["definitions", "sla_due", "sla_due_by_time", "sla_taken"] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} is missing: {names:?}"
        );
    }
    let row = due(1, "response", 100, at(10, 0));
    store.write_with(|tx| {
        tx.put_definition(&definition("sla", "response", 1))?;
        tx.put_sla_due(row.case_id, std::slice::from_ref(&row))
    })?;
    assert_eq!(
        store.read_with(|tx| tx.sla_due_before(at(10, 0), 5))?,
        [row]
    );
    Ok(())
}

#[test]
fn self_check_finds_due_rows_that_cannot_be_right() -> Result<()> {
    let (_dir, path) = temp()?;
    let store = SqliteStore::open(&path)?;
    let row = due(4, "response", 100, at(10, 0));
    store.write_with(|tx| tx.put_sla_due(row.case_id, std::slice::from_ref(&row)))?;
    let problems = store.integrity_problems()?;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("missing case"), "{problems:?}");
    store.write_with(|tx| {
        assert!(tx.take_sla_due(&row.key())?);
        // Due again after it was taken: the engine never hands this over.
        tx.put_sla_due(row.case_id, std::slice::from_ref(&row))
    })?;
    let problems = store.integrity_problems()?;
    assert!(
        problems.iter().any(|p| p.contains("already taken")),
        "{problems:?}"
    );
    store.write_with(|tx| tx.put_sla_due(row.case_id, &[]))?;
    assert_eq!(store.integrity_problems()?, Vec::<String>::new());
    Ok(())
}
