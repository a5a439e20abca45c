//! Reporting benchmark: a KPI report over 1,000,000 cases in SQLite
//! (volume, backlog, first response and resolution times with median, mean
//! and 90th percentile, reopen rate and satisfaction, by support group and
//! month over a year), beside the same query written by hand in SQL on a
//! connection to the same file, in interleaved runs.
//!
//! ```text
//! cargo bench -p casebook-benches --bench reports              # 1M cases, 5 runs of each
//! cargo bench -p casebook-benches --bench reports -- --quick   # 100k cases, 3 runs
//! ```
//!
//! Without `--bench` (as `cargo test --benches` runs it) it reports over
//! 2,000 cases once and checks both answers agree. Results go to
//! `target/bench-results/reports*.json`.

use casebook::store::Snapshot;
use casebook::*;
use casebook_benches::measure::{median_time, Results};
use casebook_benches::Rng;
use jiff::Timestamp;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const YEAR_START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const YEAR_SECS: i64 = 365 * 86_400;
const GROUPS: [&str; 8] = [
    "network", "billing", "field", "retail", "business", "mobile", "tv", "web",
];
const CHANNELS: [Channel; 4] = [Channel::Voice, Channel::Email, Channel::Chat, Channel::Web];

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(s).expect("instant")
}

/// `n` cases of a year: a third still open, most answered within hours,
/// the resolved ones after hours to days, one in twenty reopened, one in
/// five scored by the customer.
fn snapshot(n: usize) -> Snapshot {
    let template: Case = serde_json::from_value(json!({
        "id": "00000000-0000-4000-8000-000000000000", "number": "CS0000000", "version": 1,
        "status": "new", "impact": "medium", "urgency": "medium", "priority": 3,
        "short_description": "Line fault", "created_at": "2026-01-01T00:00:00Z", "created_by": "loader",
        "updated_at": "2026-01-01T00:00:00Z", "updated_by": "loader"
    }))
    .expect("case");
    let profile = uuid::Uuid::from_u128(1);
    let mut rng = Rng::new(7);
    let mut cases = Vec::with_capacity(n);
    for i in 0..n {
        let mut case = template.clone();
        case.id = uuid::Uuid::from_u128(0x1000_0000 + i as u128);
        case.number = format!("CS{:07}", 1_000 + i);
        let created = YEAR_START + (i as i64 * YEAR_SECS) / n as i64;
        case.created_at = at(created);
        case.support_group = Some(rng.pick(&GROUPS).to_string());
        case.channel = Some(*rng.pick(&CHANNELS));
        let mut last = created;
        if rng.chance(0.9) {
            last = created + 60 + rng.below(8 * 3600) as i64;
            case.timeline.push(TimelineEntry {
                id: uuid::Uuid::from_u128(0x2000_0000 + i as u128),
                kind: EntryKind::Comment,
                author: "agent".into(),
                at: at(last),
                text: "Looking into it".into(),
                origin: None,
            });
        }
        if rng.chance(0.66) {
            last += 600 + rng.below(5 * 86_400) as i64;
            case.status = CaseStatus::Resolved;
            case.resolution = Some(Resolution {
                notes: "Fixed".into(),
                share_with_requester: true,
                resolved_by: "agent".into(),
                resolved_at: at(last),
            });
            if rng.chance(0.2) {
                case.feedback.push(Feedback {
                    profile,
                    customer_id: "C-000001".into(),
                    score: 1 + rng.below(5) as u8,
                    scale: FeedbackScale::default(),
                    comment: None,
                    channel: None,
                    given_at: at(last),
                    recorded_by: "survey".into(),
                });
            }
        }
        case.updated_at = at(last);
        cases.push(case);
    }
    Snapshot {
        format: casebook::store::SNAPSHOT_FORMAT,
        templates: Vec::new(),
        profiles: Vec::new(),
        cases,
        links: Vec::new(),
        contacts: Vec::new(),
        relations: Vec::new(),
        sequences: [("case_number".to_string(), (1_000 + n) as u64)].into(),
        audit: Vec::new(),
        blobs: Vec::new(),
        definitions: Vec::new(),
        sla_taken: Vec::new(),
    }
}

const REPORT: &str = r#"{"id": "service", "group_by": ["support_group", "month"],
  "measures": ["created", "resolved", "open", "first_response_median", "first_response_mean",
    "first_response_p90", "resolution_median", "resolution_mean", "resolution_p90",
    "reopen_rate", "satisfaction_average", "satisfaction_count"],
  "durations": "wall_clock"}"#;

/// The same report as one would write it by hand over `case_facts`
/// (months in UTC, percentiles interpolated as PostgreSQL's percentile_cont).
const HAND_WRITTEN: &str = "
WITH f AS (
  SELECT support_group AS g,
         CAST(strftime('%Y', created_s, 'unixepoch') AS INTEGER) * 12
           + CAST(strftime('%m', created_s, 'unixepoch') AS INTEGER) - 1 AS m,
         open, resolved, response_s AS resp, resolution_s AS res, reopens, resolutions,
         feedback_sum, feedback_count
  FROM case_facts WHERE created_s >= ?1 AND created_s < ?2
), w AS (
  SELECT f.*,
    ROW_NUMBER() OVER (PARTITION BY g, m, resp IS NULL ORDER BY resp) - 1 AS ri,
    COUNT(resp) OVER (PARTITION BY g, m) AS rn,
    ROW_NUMBER() OVER (PARTITION BY g, m, res IS NULL ORDER BY res) - 1 AS si,
    COUNT(res) OVER (PARTITION BY g, m) AS sn
  FROM f
), r AS (
  SELECT g, m, COUNT(*) AS created, SUM(resolved) AS resolved, SUM(open) AS open,
    COUNT(resp) AS rc, SUM(resp) AS rs,
    MAX(CASE WHEN ri = (rn - 1) / 2 THEN resp END) AS r_m0, MAX(CASE WHEN ri = rn / 2 THEN resp END) AS r_m1,
    MAX(CASE WHEN ri = (rn - 1) * 9 / 10 THEN resp END) AS r_p0,
    MAX(CASE WHEN ri = ((rn - 1) * 9 + 9) / 10 THEN resp END) AS r_p1,
    MAX(rn) AS rn,
    COUNT(res) AS sc, SUM(res) AS ss,
    MAX(CASE WHEN si = (sn - 1) / 2 THEN res END) AS s_m0, MAX(CASE WHEN si = sn / 2 THEN res END) AS s_m1,
    MAX(CASE WHEN si = (sn - 1) * 9 / 10 THEN res END) AS s_p0,
    MAX(CASE WHEN si = ((sn - 1) * 9 + 9) / 10 THEN res END) AS s_p1,
    MAX(sn) AS sn,
    SUM(reopens > 0) AS reopened, SUM(resolutions > 0) AS ever, SUM(feedback_sum) AS fs, SUM(feedback_count) AS fc
  FROM w GROUP BY g, m
)
SELECT g, m, created, resolved, open,
  r_m0 + (r_m1 - r_m0) * 0.5 * ((rn - 1) % 2), CAST(rs AS REAL) / rc,
  r_p0 + (r_p1 - r_p0) * (((rn - 1) * 9) % 10) / 10.0,
  s_m0 + (s_m1 - s_m0) * 0.5 * ((sn - 1) % 2), CAST(ss AS REAL) / sc,
  s_p0 + (s_p1 - s_p0) * (((sn - 1) * 9) % 10) / 10.0,
  CAST(reopened AS REAL) / ever, CAST(fs AS REAL) / fc, fc
FROM r ORDER BY g, m";

fn hand_written(conn: &rusqlite::Connection) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn.prepare_cached(HAND_WRITTEN).expect("statement");
    let columns = stmt.column_count();
    stmt.query_map([YEAR_START, YEAR_START + YEAR_SECS], |r| {
        (0..columns).map(|i| r.get(i)).collect()
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, n, runs) = if !args.iter().any(|a| a == "--bench") {
        ("test", 2_000, 1)
    } else if args.iter().any(|a| a == "--quick") {
        ("quick", 100_000, 3)
    } else {
        ("full", 1_000_000, 5)
    };
    println!("casebook reporting benchmark ({mode} mode): {n} cases in SQLite\n");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-reports");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join(format!("reports-{n}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = SqliteStore::open_with(
        &path,
        SqliteOptions {
            durability: Durability::Normal,
            ..SqliteOptions::default()
        },
    )
    .expect("sqlite file");
    let cb = Casebook::builder(store)
        .clock(Arc::new(ManualClock::new(at(YEAR_START + YEAR_SECS))))
        .ids(Arc::new(SeededIds::new(5)))
        .build()
        .expect("engine");
    let started = Instant::now();
    cb.import_snapshot(&snapshot(n)).expect("import");
    println!(
        "imported {n} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let def = ReportDefinition::from_json(REPORT).expect("report");
    let year = ReportPeriod {
        from: Some(at(YEAR_START)),
        to: Some(at(YEAR_START + YEAR_SECS)),
    };
    let conn = rusqlite::Connection::open(&path).expect("second connection");
    // Both give the same rows (the hand-written one has no table labels).
    let table = cb.kpi_report(&def, year).expect("report");
    let by_hand = hand_written(&conn);
    assert_eq!(table.rows.len(), by_hand.len());
    assert_eq!(table.rows.len(), GROUPS.len() * 12);
    let number = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Integer(i) => Some(*i as f64),
        rusqlite::types::Value::Real(x) => Some(*x),
        _ => None,
    };
    for (row, hand) in table.rows.iter().zip(&by_hand) {
        for (i, (ours, theirs)) in row.iter().zip(hand).enumerate().skip(2) {
            match (ours.as_f64(), number(theirs)) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "column {i}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "column {i}"),
            }
        }
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(median_time(1, || {
            std::hint::black_box(cb.kpi_report(&def, year).expect("report").rows.len());
        }));
        theirs.push(median_time(1, || {
            std::hint::black_box(hand_written(&conn).len());
        }));
    }
    ours.sort();
    theirs.sort();
    let ours = ours[ours.len() / 2].as_secs_f64() * 1e3;
    let theirs = theirs[theirs.len() / 2].as_secs_f64() * 1e3;
    let mut results = Results::default();
    results.add("kpi_report_sqlite", n, "kpi_report median", ours, "ms");
    results.add(
        "kpi_report_sqlite",
        n,
        "hand-written SQL median",
        theirs,
        "ms",
    );
    results.add(
        "kpi_report_sqlite",
        n,
        "kpi_report / hand-written",
        ours / theirs.max(1e-9),
        "x",
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&out).is_ok() {
        let name = match mode {
            "full" => "reports.json".to_string(),
            other => format!("reports-{other}.json"),
        };
        let _ = std::fs::write(
            out.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
    drop(conn);
    drop(cb);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
