//! Service-level benchmarks: business-time arithmetic, a case's clocks
//! derived from its history, and the due crossings found by index in
//! SQLite, each beside a floor measured in the same run.
//!
//! ```text
//! cargo bench -p casebook-benches --bench slas              # index at 10k, 100k, 1M cases
//! cargo bench -p casebook-benches --bench slas -- --quick   # 10k only, seconds
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) it takes the
//! smallest sizes with few calls, so the test command keeps it compiling and
//! working. Results are printed and written to `target/bench-results/slas.json`.

use casebook::sla::{derive_clocks, due_crossings, CaseSlaHistory, DefinitionContext, SlaSet};
use casebook::store::StoreExt;
use casebook::*;
use casebook_benches::measure::{median_time, race, Contender, Results, Stats};
use casebook_benches::Rng;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// 2026-01-01T00:00:00Z.
const YEAR_START: i64 = 1_767_225_600;
const YEAR_SECS: i64 = 365 * 86_400;

struct Plan {
    mode: &'static str,
    /// Interleaved rounds of each race.
    rounds: usize,
    /// Random inputs of each arithmetic race.
    spans: usize,
    /// Case histories raced through `derive_clocks`.
    histories: usize,
    /// Cases whose crossings fill the SQLite index, one file per size.
    index_sizes: Vec<usize>,
    /// `sla_due` queries per size.
    queries: usize,
    /// Cases created through the engine with an SLA loaded.
    engine_cases: usize,
    /// `due_sla_events` polls of 100 (and as many floor polls).
    polls: usize,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args().collect();
        if !args.iter().any(|a| a == "--bench") {
            // `cargo test --benches`: an unoptimised build, just proving it works.
            Plan {
                mode: "test",
                rounds: 1,
                spans: 500,
                histories: 20,
                index_sizes: vec![10_000],
                queries: 200,
                engine_cases: 1_000,
                polls: 3,
            }
        } else if args.iter().any(|a| a == "--quick") {
            Plan {
                mode: "quick",
                rounds: 3,
                spans: 5_000,
                histories: 300,
                index_sizes: vec![10_000],
                queries: 2_000,
                engine_cases: 10_000,
                polls: 10,
            }
        } else {
            Plan {
                mode: "full",
                rounds: 5,
                spans: 20_000,
                histories: 1_000,
                index_sizes: vec![10_000, 100_000, 1_000_000],
                queries: 5_000,
                engine_cases: 100_000,
                polls: 30,
            }
        }
    }
}

fn instant(second: i64) -> Timestamp {
    Timestamp::from_second(second).expect("instant")
}

/// A contact centre in London: split weekday windows, Saturday morning,
/// yearly and one-off bank holidays.
fn office_json() -> serde_json::Value {
    let weekday = json!([{"start": "08:00", "end": "12:30"}, {"start": "13:30", "end": "18:00"}]);
    json!({
        "id": "uk-contact-centre", "name": "UK contact centre", "time_zone": "Europe/London",
        "week": {"monday": weekday, "tuesday": weekday, "wednesday": weekday,
                 "thursday": weekday, "friday": weekday,
                 "saturday": [{"start": "09:00", "end": "13:00"}]},
        "holidays": [
            {"date": "2026-01-01", "name": "New Year's Day", "yearly": true},
            {"date": "2026-12-25", "name": "Christmas Day", "yearly": true},
            {"date": "2026-12-26", "name": "Boxing Day", "yearly": true},
            {"date": "2026-04-03", "name": "Good Friday"},
            {"date": "2026-04-06", "name": "Easter Monday"},
            {"date": "2026-05-04", "name": "Early May bank holiday"},
            {"date": "2026-05-25", "name": "Spring bank holiday"},
            {"date": "2026-08-31", "name": "Summer bank holiday"}
        ]
    })
}

fn always_json() -> serde_json::Value {
    json!({"id": "always", "name": "Around the clock", "time_zone": "Europe/London",
           "always_open": true})
}

/// The resolution SLA of sections 2 and 3: business time, paused while
/// waiting for the customer, warned at 50 and 75 %, escalated at breach.
fn resolution_json(duration: &str) -> serde_json::Value {
    json!({"id": "resolve", "name": "Resolved in business hours", "target": "resolution",
           "duration": duration, "calendar": "uk-contact-centre", "warnings": [50, 75],
           "pause": {"field": "status", "equals": "awaiting_customer"},
           "escalations": [{"at": "breach", "assign": "duty-manager"}]})
}

/// Each contender's statistics, and its median over the floor's (the first).
fn report(results: &mut Results, bench: &str, size: usize, names: &[&str], stats: &[Stats]) {
    for (name, s) in names.iter().zip(stats) {
        results.add_stats(bench, size, name, *s);
    }
    for i in 1..names.len() {
        results.add(
            bench,
            size,
            &format!("{} / {} (median)", names[i], names[0]),
            stats[i].median / stats[0].median.max(1.0),
            "x",
        );
    }
}

// ---------------------------------------------------------------------------
// 1. Business-time arithmetic, per call.

fn arithmetic_bench(plan: &Plan, results: &mut Results) {
    let mut rng = Rng::new(2026);
    let second = |rng: &mut Rng, range: i64| (rng.next_u64() % range as u64) as i64;
    let spans: Vec<(Timestamp, Timestamp)> = (0..plan.spans)
        .map(|_| {
            let from = YEAR_START + second(&mut rng, YEAR_SECS);
            (
                instant(from),
                instant(from + second(&mut rng, 5 * 86_400 + 1)),
            )
        })
        .collect();
    let adds: Vec<(Timestamp, SignedDuration)> = (0..plan.spans)
        .map(|_| {
            let from = YEAR_START + second(&mut rng, YEAR_SECS);
            let amount = 3_600 + second(&mut rng, 39 * 3_600 + 1);
            (instant(from), SignedDuration::from_secs(amount))
        })
        .collect();
    for (label, json) in [("london", office_json()), ("24x7", always_json())] {
        let calendar = Calendar::from_value(json).expect("calendar");
        let tz = calendar.time_zone().clone();
        let bench = format!("business_time {label}");
        let stats = race(
            &spans,
            plan.rounds,
            &mut [
                Contender::new("to_zoned floor", |(a, _): &(Timestamp, Timestamp)| {
                    a.to_zoned_datetime(tz.clone()).hour() as usize
                }),
                Contender::new("duration_since floor", |(a, b): &(Timestamp, Timestamp)| {
                    b.duration_since(*a).as_secs() as usize
                }),
                Contender::new("business_time", |(a, b): &(Timestamp, Timestamp)| {
                    calendar.business_time(*a, *b).as_secs() as usize
                }),
            ],
        );
        report(
            results,
            &bench,
            spans.len(),
            &["to_zoned floor", "duration_since floor", "business_time"],
            &stats,
        );
        let bench = format!("add_business {label}");
        let stats = race(
            &adds,
            plan.rounds,
            &mut [
                Contender::new("to_zoned floor", |(a, _): &(Timestamp, SignedDuration)| {
                    a.to_zoned_datetime(tz.clone()).hour() as usize
                }),
                Contender::new(
                    "checked_add floor",
                    |(a, d): &(Timestamp, SignedDuration)| {
                        a.checked_add(*d).map(|t| t.as_second()).unwrap_or(0) as usize
                    },
                ),
                Contender::new("add_business", |(a, d): &(Timestamp, SignedDuration)| {
                    calendar
                        .add_business(*a, *d)
                        .map(|t| t.as_second())
                        .unwrap_or(0) as usize
                }),
            ],
        );
        report(
            results,
            &bench,
            adds.len(),
            &["to_zoned floor", "checked_add floor", "add_business"],
            &stats,
        );
    }
}

// ---------------------------------------------------------------------------
// 2. The SLA state of one case with 100 status changes.

const STATUS_CHANGES: usize = 100;

fn sla_set() -> SlaSet {
    let calendar = Calendar::from_value(office_json()).expect("calendar");
    let ctx = DefinitionContext {
        calendar_exists: &|id| id == "uk-contact-centre",
        template_fields: &|_| None,
    };
    let definition = sla::SlaDefinition::from_value(resolution_json("40h"), &ctx).expect("sla");
    let mut set = SlaSet::default();
    let loaded = instant(YEAR_START - 86_400);
    set.add_calendar(loaded, calendar);
    set.add_definition(loaded, definition);
    set
}

fn change(at: Timestamp, changed: Fields) -> CaseChange {
    CaseChange {
        at,
        by: "agent".into(),
        changed,
    }
}

/// Created as new (with its other attributes), then 100 status changes
/// alternating in progress / awaiting the customer, 5 minutes to 6 hours
/// apart, from a random instant in 2026. Never resolved.
fn history(rng: &mut Rng, case: usize) -> CaseSlaHistory<'static> {
    let mut at = YEAR_START + (rng.next_u64() % (YEAR_SECS as u64 / 2)) as i64;
    let created = instant(at);
    let mut first = Fields::new();
    for (key, value) in [
        ("status", json!("new")),
        ("priority", json!(3)),
        ("impact", json!("medium")),
        ("urgency", json!("medium")),
        ("channel", json!("voice")),
        ("support_group", json!("first-line")),
    ] {
        first.insert(key.into(), value);
    }
    let mut changes = vec![change(created, first)];
    for i in 0..STATUS_CHANGES {
        at += 300 + (rng.next_u64() % (6 * 3_600 - 300)) as i64;
        let status = if i % 2 == 0 {
            "in_progress"
        } else {
            "awaiting_customer"
        };
        let mut changed = Fields::new();
        changed.insert("status".into(), json!(status));
        changes.push(change(instant(at), changed));
    }
    CaseSlaHistory {
        case_id: Uuid::from_u128(case as u128 + 1),
        created_at: created,
        changes: changes.into(),
        ..CaseSlaHistory::default()
    }
}

/// What `casebook::model`'s (private) apply does with each change.
fn replay_attributes(history: &CaseSlaHistory<'_>) -> usize {
    let mut state = Fields::new();
    for change in history.changes.iter() {
        for (key, value) in &change.changed {
            if value.is_null() {
                state.remove(key);
            } else {
                state.insert(key.clone(), value.clone());
            }
        }
    }
    state.len()
}

fn clocks_bench(plan: &Plan, results: &mut Results) {
    let set = sla_set();
    let mut rng = Rng::new(100);
    let cases: Vec<(CaseSlaHistory<'static>, Timestamp)> = (0..plan.histories)
        .map(|i| {
            let h = history(&mut rng, i);
            let last = h.changes.last().map(|c| c.at).expect("changes");
            let now = last
                .checked_add(SignedDuration::from_hours(1))
                .expect("now");
            (h, now)
        })
        .collect();
    let breached = cases
        .iter()
        .filter(|(h, now)| derive_clocks(h, &set, *now).iter().any(|c| c.breached))
        .count();
    let names = ["attribute replay floor", "derive_clocks", "due_crossings"];
    let stats = race(
        &cases,
        plan.rounds,
        &mut [
            Contender::new(names[0], |(h, _): &(CaseSlaHistory<'static>, Timestamp)| {
                replay_attributes(h)
            }),
            Contender::new(
                names[1],
                |(h, now): &(CaseSlaHistory<'static>, Timestamp)| {
                    derive_clocks(h, &set, *now).len()
                },
            ),
            Contender::new(names[2], |(h, _): &(CaseSlaHistory<'static>, Timestamp)| {
                due_crossings(h, &set).len()
            }),
        ],
    );
    report(results, "case_clocks", STATUS_CHANGES, &names, &stats);
    results.add(
        "case_clocks",
        STATUS_CHANGES,
        "share of histories breached",
        breached as f64 / cases.len().max(1) as f64,
        "",
    );
}

// ---------------------------------------------------------------------------
// 3. Due crossings in SQLite, by index.

/// The hand-written poll: the range over `sla_due_by_time`, soonest first.
const HAND_WRITTEN_DUE: &str =
    "SELECT case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version
     FROM sla_due WHERE (due_s, due_ns) <= (?1, ?2)
     ORDER BY due_s, due_ns, case_id, slot, started_s, started_ns, threshold LIMIT ?3";

type DueRow = (Vec<u8>, String, i64, i32, i64, i64, i32, String, i64);

fn due_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DueRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

/// The rows a poll statement (until, limit 100) reads, decoded as the store decodes them.
fn due_rows(stmt: &mut rusqlite::Statement<'_>, until: Timestamp) -> Vec<DueRow> {
    stmt.query_map(
        rusqlite::params![until.as_second(), until.subsec_nanosecond(), 100i64],
        due_row,
    )
    .and_then(|rows| rows.collect())
    .expect("due rows")
}

/// A fresh SQLite file under the build directory.
fn sqlite_path(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}.db"));
    remove_db(&path);
    path
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.to_path_buf().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

fn file_bytes(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| {
            let mut file = path.to_path_buf().into_os_string();
            file.push(suffix);
            std::fs::metadata(file).map(|m| m.len()).unwrap_or(0)
        })
        .sum()
}

fn open_sqlite(path: &Path) -> SqliteStore {
    // Skip the fsync per commit, as the scale benchmark's loads do (a
    // killed process still loses nothing; see Durability::Normal).
    let options = SqliteOptions {
        durability: Durability::Normal,
        ..SqliteOptions::default()
    };
    SqliteStore::open_with(path, options).expect("sqlite file")
}

fn read_only(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("floor connection")
}

/// Three crossings (50, 75 and 100 % of an 8-hour clock) of each of `n`
/// synthetic open cases, started at random instants over 2026.
fn synthetic_due(rng: &mut Rng, case: usize) -> Vec<SlaDue> {
    // Time-ordered ids, like the engine's default (version 7) ones.
    let id = Uuid::from_u128(((case as u128) << 64) | u128::from(rng.next_u64()));
    let started = YEAR_START + (rng.next_u64() % YEAR_SECS as u64) as i64;
    [50u8, 75, 100]
        .into_iter()
        .map(|threshold| SlaDue {
            case_id: id,
            slot: "resolve".into(),
            started_at: instant(started),
            threshold,
            due_at: instant(started + 8 * 3_600 * i64::from(threshold) / 100),
            sla: "resolve".into(),
            version: 1,
        })
        .collect()
}

/// What SQLite plans for a query of three parameters (until, limit).
fn query_plan(conn: &rusqlite::Connection, sql: &str) -> String {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("plan");
    let lines: Vec<String> = stmt
        .query_map(rusqlite::params![0i64, 0i32, 100i64], |r| {
            r.get::<_, String>(3)
        })
        .expect("plan rows")
        .collect::<rusqlite::Result<_>>()
        .expect("plan rows");
    lines.join("; ")
}

/// Median `sla_due` time per size, for the growth figure.
struct IndexFigures {
    size: usize,
    floor: f64,
    engine: f64,
}

fn index_bench(plan: &Plan, n: usize, results: &mut Results) -> IndexFigures {
    let bench = "sla_due_index";
    let path = sqlite_path(&format!("slas-index-{n}"));
    let cb = Casebook::builder(open_sqlite(&path))
        .build()
        .expect("engine");
    let mut rng = Rng::new(n as u64);
    let mut due_times: Vec<Timestamp> = Vec::with_capacity(3 * n);
    let start = Instant::now();
    let batch = 10_000;
    for first in (0..n).step_by(batch) {
        let rows: Vec<Vec<SlaDue>> = (first..n.min(first + batch))
            .map(|case| synthetic_due(&mut rng, case))
            .collect();
        due_times.extend(rows.iter().flatten().map(|d| d.due_at));
        cb.store()
            .write_bulk_with(|tx| {
                for due in &rows {
                    tx.put_sla_due(due[0].case_id, due)?;
                }
                Ok(())
            })
            .expect("fill");
    }
    results.add(
        bench,
        n,
        "fill by put_sla_due rows/s",
        due_times.len() as f64 / start.elapsed().as_secs_f64(),
        "1/s",
    );
    results.add(
        bench,
        n,
        "sqlite file bytes/case",
        file_bytes(&path) as f64 / n as f64,
        "B",
    );
    due_times.sort_unstable();
    // Each query's instant lets 1 to 100 rows through: the same small
    // results at every size.
    let queries: Vec<Timestamp> = (0..plan.queries)
        .map(|_| due_times[rng.below(100.min(due_times.len()))])
        .collect();
    let floor = read_only(&path);
    let plan_text = query_plan(&floor, HAND_WRITTEN_DUE);
    assert!(
        plan_text.contains("sla_due_by_time") && !plan_text.contains("TEMP B-TREE"),
        "the poll must read the due-time index in order: {plan_text}"
    );
    if n == plan.index_sizes[0] {
        println!("query plan: {plan_text}");
    }
    let mut query = floor.prepare(HAND_WRITTEN_DUE).expect("floor query");
    let names = [
        "hand-written query",
        "store sla_due_before",
        "engine sla_due",
    ];
    let stats = race(
        &queries,
        plan.rounds,
        &mut [
            Contender::new(names[0], |until: &Timestamp| {
                due_rows(&mut query, *until).len()
            }),
            Contender::new(names[1], |until: &Timestamp| {
                cb.store()
                    .read_with(|tx| tx.sla_due_before(*until, 100))
                    .expect("due")
                    .len()
            }),
            Contender::new(names[2], |until: &Timestamp| {
                cb.sla_due(*until, 100).expect("due").len()
            }),
        ],
    );
    // The three read the same rows.
    for until in queries.iter().take(20) {
        let hand = due_rows(&mut query, *until);
        let engine = cb.sla_due(*until, 100).expect("due");
        assert_eq!(hand.len(), engine.len());
        assert!(hand
            .iter()
            .zip(&engine)
            .all(|(h, e)| h.0 == e.case_id.as_bytes() && h.4 == i64::from(e.threshold)));
    }
    report(results, bench, n, &names, &stats);
    // What a scan would cost: the same poll with the index ruled out
    // (unary `+` keeps SQLite from using it), so every row is read and sorted.
    let scan_sql =
        "SELECT case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version
         FROM sla_due WHERE (+due_s, +due_ns) <= (?1, ?2)
         ORDER BY +due_s, +due_ns, case_id, slot, started_s, started_ns, threshold LIMIT ?3";
    let scan_plan = query_plan(&floor, scan_sql);
    assert!(scan_plan.starts_with("SCAN"), "{scan_plan}");
    let mut scan_query = floor.prepare(scan_sql).expect("scan query");
    let scan = median_time(5, || {
        std::hint::black_box(due_rows(&mut scan_query, queries[0]).len());
    });
    results.add(
        bench,
        n,
        "reference: same poll by full scan",
        scan.as_nanos() as f64,
        "ns",
    );
    drop(scan_query);
    drop(query);
    drop(floor);
    drop(cb);
    remove_db(&path);
    IndexFigures {
        size: n,
        floor: stats[0].median,
        engine: stats[2].median,
    }
}

const DESCRIPTIONS: &[&str] = &[
    "Router keeps rebooting",
    "Broadband slow in the evening",
    "Invoice charged twice",
    "Landline no dial tone",
    "TV box not delivered",
    "Cannot log in to the account",
];

/// Real cases through the engine with the SLA loaded, then `due_sla_events`
/// taking 100 at a time, beside a hand-written take of the same rows.
fn engine_bench(plan: &Plan, results: &mut Results) {
    let bench = "due_sla_events";
    let n = plan.engine_cases;
    let path = sqlite_path(&format!("slas-engine-{n}"));
    // From Monday 2026-03-02 08:00 UTC, 30 s per clock reading: the cases
    // open over days (100k: about a month), their crossings spread out.
    let opened = instant(1_772_438_400);
    let clock = Arc::new(ManualClock::with_step(opened, 30_000_000_000));
    let engine = |seed: u64| {
        Casebook::builder(open_sqlite(&path))
            .config(Config {
                default_region: Some("GB".into()),
                ..Config::default()
            })
            .clock(clock.clone())
            .ids(Arc::new(SeededIds::time_ordered(seed, opened)))
            .build()
            .expect("engine")
    };
    let cb = engine(5);
    let admin = Actor::new("admin");
    cb.load_calendar(&admin, &office_json().to_string())
        .expect("calendar");
    cb.load_sla(&admin, &resolution_json("8h").to_string())
        .expect("sla");
    let mut rng = Rng::new(3);
    let start = Instant::now();
    let batch = 5_000;
    let mut made = 0;
    while made < n {
        let inputs: Vec<CaseInput> = (made..n.min(made + batch))
            .map(|i| CaseInput {
                short_description: format!("{} #{i}", rng.pick(DESCRIPTIONS)),
                ..CaseInput::default()
            })
            .collect();
        made += cb
            .create_cases(&Actor::new("loader"), inputs)
            .expect("cases")
            .len();
    }
    results.add(
        bench,
        n,
        "create_cases with the SLA cases/s",
        n as f64 / start.elapsed().as_secs_f64(),
        "1/s",
    );
    // Everything is due a year on; each poll takes the soonest 100.
    let now = instant(YEAR_START + YEAR_SECS);
    let indexed = cb.sla_due(now, 1000).expect("due").len();
    assert_eq!(indexed, 1000.min(3 * n), "three crossings per open case");
    // The floor: the hand-written poll, then one transaction per row that
    // marks it taken and drops it from the index (what taking it exactly
    // once needs at least), on a connection of the same durability.
    // It works on a byte copy of the file, so that neither pays for the
    // other's WAL checkpoints.
    drop(cb);
    let floor_path = sqlite_path(&format!("slas-engine-{n}-floor"));
    for suffix in ["", "-wal"] {
        let with = |p: &Path| {
            let mut file = p.to_path_buf().into_os_string();
            file.push(suffix);
            PathBuf::from(file)
        };
        if with(&path).exists() {
            std::fs::copy(with(&path), with(&floor_path)).expect("copy");
        }
    }
    let cb = engine(6);
    let floor = rusqlite::Connection::open(&floor_path).expect("floor connection");
    // The engine's writer: synchronous=NORMAL (Durability::Normal), 64 MiB of page cache.
    floor
        .pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    floor
        .pragma_update(None, "cache_size", -64 * 1024)
        .expect("pragma");
    floor
        .busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    let floor_poll = || -> usize {
        let rows = due_rows(
            &mut floor.prepare_cached(HAND_WRITTEN_DUE).expect("floor query"),
            now,
        );
        let mut taken = 0;
        for (case, slot, s, ns, threshold, ..) in &rows {
            floor.execute_batch("BEGIN IMMEDIATE").expect("begin");
            let inserted = floor
                .prepare_cached(
                    "INSERT OR IGNORE INTO sla_taken (case_id, slot, started_s, started_ns, threshold)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut st| st.execute(rusqlite::params![case, slot, s, ns, threshold]))
                .expect("take");
            if inserted == 1 {
                floor
                    .prepare_cached(
                        "DELETE FROM sla_due WHERE case_id = ?1 AND slot = ?2 AND started_s = ?3
                         AND started_ns = ?4 AND threshold = ?5",
                    )
                    .and_then(|mut st| st.execute(rusqlite::params![case, slot, s, ns, threshold]))
                    .expect("drop");
                taken += 1;
            }
            floor.execute_batch("COMMIT").expect("commit");
        }
        taken
    };
    // Per event of each poll: its time over the events it took. A poll
    // that also runs a WAL checkpoint (every thousand or so pages written,
    // by whichever commit crosses it) costs a few times the others, so the
    // mean over all polls is shown beside the median.
    let poller = Actor::new("sla-poller");
    let mut per_event: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut total_ns = [0f64; 2];
    let mut events = [0usize; 2];
    let mut breaches = 0;
    // One untimed poll each first (the pages into each connection's cache).
    assert_eq!(floor_poll(), 100);
    assert_eq!(
        cb.due_sla_events(&poller, now, 100).expect("events").len(),
        100
    );
    for _ in 0..plan.polls {
        let start = Instant::now();
        let taken = floor_poll();
        let elapsed = start.elapsed().as_nanos() as f64;
        per_event[0].push(elapsed / taken.max(1) as f64);
        total_ns[0] += elapsed;
        events[0] += taken;

        let start = Instant::now();
        let taken = cb.due_sla_events(&poller, now, 100).expect("events");
        let elapsed = start.elapsed().as_nanos() as f64;
        per_event[1].push(elapsed / taken.len().max(1) as f64);
        total_ns[1] += elapsed;
        events[1] += taken.len();
        breaches += taken
            .iter()
            .filter(|e| e.kind == SlaEventKind::Breach)
            .count();
    }
    assert_eq!(events, [100 * plan.polls; 2], "every poll takes 100 events");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let medians = [median(&mut per_event[0]), median(&mut per_event[1])];
    let means = [0, 1].map(|i| total_ns[i] / events[i] as f64);
    for (i, name) in ["hand-written take", "due_sla_events"].iter().enumerate() {
        results.add(
            bench,
            n,
            &format!("{name} per event (median)"),
            medians[i],
            "ns",
        );
        results.add(
            bench,
            n,
            &format!("{name} per event (mean)"),
            means[i],
            "ns",
        );
    }
    results.add(
        bench,
        n,
        "due_sla_events / hand-written (median)",
        medians[1] / medians[0].max(1.0),
        "x",
    );
    results.add(
        bench,
        n,
        "due_sla_events / hand-written (mean)",
        means[1] / means[0].max(1.0),
        "x",
    );
    results.add(bench, n, "events timed per side", events[1] as f64, "");
    results.add(
        bench,
        n,
        "of which breaches (escalated)",
        breaches as f64,
        "",
    );
    drop(cb);
    drop(floor);
    remove_db(&path);
    remove_db(&floor_path);
}

fn main() {
    let plan = Plan::from_args();
    println!(
        "casebook SLA benchmarks ({} mode); medians over interleaved rounds\n",
        plan.mode
    );
    let mut results = Results::default();
    let total = Instant::now();
    arithmetic_bench(&plan, &mut results);
    clocks_bench(&plan, &mut results);
    let figures: Vec<IndexFigures> = plan
        .index_sizes
        .iter()
        .map(|&n| index_bench(&plan, n, &mut results))
        .collect();
    if let (Some(first), Some(last)) = (figures.first(), figures.last()) {
        if last.size > first.size {
            let what = format!("{}k -> {}k growth", first.size / 1000, last.size / 1000);
            results.add(
                "sla_due_index",
                last.size,
                &format!("engine sla_due {what}"),
                last.engine / first.engine,
                "x",
            );
            results.add(
                "sla_due_index",
                last.size,
                &format!("hand-written query {what}"),
                last.floor / first.floor,
                "x",
            );
        }
    }
    engine_bench(&plan, &mut results);
    println!("\ntotal {:.1?}", total.elapsed());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&dir).is_ok() {
        let name = match plan.mode {
            "full" => "slas.json",
            "quick" => "slas-quick.json",
            _ => "slas-test.json",
        };
        let _ = std::fs::write(
            dir.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
}
