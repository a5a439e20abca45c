//! Unit tests of the SQLite store's internals: bounds, instants, and
//! statements that must stay prepared.

use super::codec::{fts_term, instant, plain_token, prefix_successor};
use super::pool::{lock, WRITER_CACHE_KIB};
use super::SqliteStore;
use crate::error::{Error, Result};
use crate::store::{ReadTx, Store};
use jiff::Timestamp;
use uuid::Uuid;

fn io(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

#[test]
fn prefix_successor_bounds_every_extension() {
    assert_eq!(prefix_successor("ab").as_deref(), Some("ac"));
    assert_eq!(prefix_successor(""), None);
    assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
    assert_eq!(prefix_successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
    for ext in ["", "a", "zzz", "\u{10FFFF}"] {
        assert!(format!("ab{ext}").as_str() < "ac");
    }
}

#[test]
fn instants_sort_like_timestamps() {
    let mut times: Vec<Timestamp> = [-90_000_000_001i64, -1_500_000_000, -1, 0, 1, 1_500_000_000]
        .iter()
        .map(|n| Timestamp::from_nanosecond(i128::from(*n)))
        .collect::<std::result::Result<_, _>>()
        .unwrap_or_default();
    times.push(Timestamp::MIN);
    times.push(Timestamp::MAX);
    times.sort();
    let mut keys: Vec<(i64, i32)> = times.iter().map(|t| instant(*t)).collect();
    let sorted = keys.clone();
    keys.sort();
    assert_eq!(keys, sorted);
    assert_eq!(times.len(), 8);
}

#[test]
fn per_record_lookups_are_not_reprepared() -> Result<()> {
    let dir = tempfile::tempdir().map_err(io)?;
    let store = SqliteStore::open(dir.path().join("t.db"))?;
    store.write_bulk(&mut |tx| {
        for id in ["a", "b", "a", "c"] {
            assert_eq!(tx.latest_template_version(id)?, None);
        }
        Ok(())
    })?;
    let writer = lock(store.writer.as_ref().expect("writer"));
    let stmt = writer
        .prepare_cached("SELECT max(version) FROM templates WHERE id = CAST(?1 AS TEXT)")
        .map_err(io)?;
    assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    let cache: i64 = writer
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .map_err(io)?;
    assert_eq!(cache, -WRITER_CACHE_KIB, "the bulk cache is given back");
    Ok(())
}

/// The reads a screen pop, a search or a history runs per call keep
/// their prepared statements: the statement cache clears bindings when a
/// statement comes back, and SQLite re-prepares a statement whose plan
/// looked at a bare parameter (a sort after an equality, a range, a
/// LIMIT) on that. Casting the parameters keeps plans and statements.
/// SQLite's authorizer runs whenever a statement is prepared, so once
/// the connection is warm it must not run at all.
#[test]
fn per_call_reads_are_not_reprepared() -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().map_err(io)?;
    let store = SqliteStore::open(dir.path().join("t.db"))?;
    let prepared = Arc::new(AtomicUsize::new(0));
    {
        let mut reader = store.reader()?;
        let conn = reader
            .conn
            .as_mut()
            .ok_or_else(|| Error::Internal("no reader".into()))?;
        let counter = Arc::clone(&prepared);
        conn.authorizer(Some(move |_: rusqlite::hooks::AuthContext<'_>| {
            counter.fetch_add(1, Ordering::Relaxed);
            rusqlite::hooks::Authorization::Allow
        }))
        .map_err(io)?;
    }
    let ids: Vec<Uuid> = (1..=5).map(Uuid::from_u128).collect();
    let tokens = |t: &[&str]| t.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    for round in 0..5 {
        let id = ids[round];
        let before = prepared.load(Ordering::Relaxed);
        store.read(&mut |tx| {
            tx.profiles_by_key(&format!("phone:+4420794609{round}"))?;
            tx.profiles_by_name_prefix(["ad", "zz", "m", "q", "r"][round], 10 + round)?;
            tx.profiles_by_name_prefix("\u{10FFFF}", 5 + round)?;
            tx.profile_ids(Some(id), 10 + round)?;
            tx.profiles_page(Some(id), 10 + round)?;
            tx.links_of_profile(id)?;
            tx.linked_cases(id)?;
            tx.links_of_case(id)?;
            tx.contacts_of_profile(id, None, None, 10 + round)?;
            tx.contacts_of_case(id)?;
            tx.audit(Some(id))?;
            tx.search_cases(&tokens(&[""]), 10 + round)?;
            tx.search_cases(&tokens(&["boiler", "lea"]), 10 + round)?;
            tx.sla_due_before(
                Timestamp::from_second(round as i64).unwrap_or_default(),
                10 + round,
            )?;
            tx.sla_due_of_case(id)?;
            tx.sla_taken_of_case(id)?;
            tx.definitions(["sla", "calendar", "sla", "x", "y"][round])?;
            Ok(())
        })?;
        let during = prepared.load(Ordering::Relaxed) - before;
        match round {
            // The hook is in place and sees the first preparation.
            0 => assert!(during > 0, "the authorizer saw no statement prepared"),
            // `BEGIN`, prepared before the connection had read the
            // schema, is prepared once more after it has.
            1 => {}
            _ => assert_eq!(during, 0, "round {round} prepared statements again"),
        }
    }
    Ok(())
}

#[test]
fn fts_terms_are_quoted() {
    assert_eq!(fts_term("a\"b"), "\"a\"\"b\"");
    assert!(plain_token("abc123"));
    assert!(!plain_token("AND("));
}

/// Set in the process [`handles_and_a_child_process_lose_no_write`] starts.
const CHILD_DB: &str = "CASEBOOK_TEST_SEQUENCE_DB";
const WRITES: u64 = 150;

/// Takes `WRITES` numbers of one sequence, a write transaction each.
fn take_numbers(store: &SqliteStore) -> Result<Vec<u64>> {
    let mut taken = Vec::new();
    for _ in 0..WRITES {
        store.write(&mut |tx| {
            taken.push(tx.next_sequence("writes")?);
            Ok(())
        })?;
    }
    Ok(taken)
}

/// The writing side of the test below: in the child process, takes numbers
/// from the file it is given and prints them; run alone, from a file of its
/// own, and checks them.
#[test]
fn sequence_writer() -> Result<()> {
    let Some(path) = std::env::var_os(CHILD_DB) else {
        let dir = tempfile::tempdir().map_err(io)?;
        let taken = take_numbers(&SqliteStore::open(dir.path().join("t.db"))?)?;
        assert_eq!(taken, (1..=WRITES).collect::<Vec<_>>());
        return Ok(());
    };
    for n in take_numbers(&SqliteStore::open(path)?)? {
        println!("taken {n}");
    }
    Ok(())
}

/// Two handles in this process and one in another take numbers from one
/// sequence at once: every number is taken exactly once, none is lost.
#[test]
fn handles_and_a_child_process_lose_no_write() -> Result<()> {
    let dir = tempfile::tempdir().map_err(io)?;
    let path = dir.path().join("t.db");
    let here = [SqliteStore::open(&path)?, SqliteStore::open(&path)?];
    let exe = std::env::current_exe().map_err(io)?;
    let child = std::process::Command::new(exe)
        .args([
            "--exact",
            "stores::sqlite::tests::sequence_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, &path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(io)?;
    let mut taken = std::thread::scope(|s| {
        let threads: Vec<_> = here
            .iter()
            .map(|store| s.spawn(|| take_numbers(store)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Result<Vec<_>>>()
    })?
    .concat();
    let output = child.wait_with_output().map_err(io)?;
    assert!(
        output.status.success(),
        "the child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let from_child: Vec<u64> = text
        .lines()
        // The first number follows the test harness's own words on its line.
        .filter_map(|l| l.rsplit_once("taken "))
        .map(|(_, n)| n.parse().map_err(io))
        .collect::<Result<_>>()?;
    assert_eq!(
        from_child.len() as u64,
        WRITES,
        "the child's output: {text}"
    );
    taken.extend(from_child);
    taken.sort_unstable();
    assert_eq!(taken, (1..=3 * WRITES).collect::<Vec<_>>());
    here[0].write(&mut |tx| tx.next_sequence("writes").map(drop))?;
    let stored = here[1].with_reader(|tx| tx.sequence("writes"))?;
    assert_eq!(stored, 3 * WRITES + 1, "a committed write is missing");
    Ok(())
}
