//! Several processes writing one SQLite file: two processes with eight
//! threads each create profiles through [`Casebook`] for a fixed time; the
//! benchmark reports the create latencies (p50, p99, max), each process's
//! share of the writes, and checks that the file holds every create that
//! returned.
//!
//! ```text
//! cargo bench -p casebook-benches --bench writers              # 3 s per run
//! cargo bench -p casebook-benches --bench writers -- --quick   # 1 s per run
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) each run lasts
//! half a second, so the test command keeps it compiling and working. The
//! writing processes are this binary again, started with
//! `CASEBOOK_WRITERS_CHILD` set. Each run is made twice in turn: with
//! SQLite's own busy handler (the peer, `fair_writers: false`) and with
//! fair writers (the default). Results are printed and written to
//! `target/bench-results/writers.json`.

use casebook::*;
use casebook_benches::measure::Results;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Set in the writing processes this benchmark starts.
const CHILD_ENV: &str = "CASEBOOK_WRITERS_CHILD";
const PROCESSES: usize = 2;
const THREADS: usize = 8;

struct Plan {
    mode: &'static str,
    /// How long each process keeps creating.
    duration: Duration,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args().collect();
        let (mode, millis) = if !args.iter().any(|a| a == "--bench") {
            // `cargo test --benches`: an unoptimised build, just proving it works.
            ("test", 500)
        } else if args.iter().any(|a| a == "--quick") {
            ("quick", 1_000)
        } else {
            ("full", 3_000)
        };
        Plan {
            mode,
            duration: Duration::from_millis(millis),
        }
    }
}

/// What one writing process reports.
struct Report {
    creates: usize,
    /// Creates that failed, with the first error seen.
    failures: usize,
    first_failure: Option<String>,
    /// Latency of every create that returned, in microseconds.
    latencies_us: Vec<u64>,
}

fn engine(path: &Path, fair_writers: bool) -> Casebook<SqliteStore> {
    let options = SqliteOptions {
        fair_writers,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(path, options).expect("sqlite file");
    Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .build()
        .expect("casebook")
}

/// A profile no other thread or process creates: its own name and mobile.
fn input(process: usize, thread: usize, n: usize) -> ProfileInput {
    ProfileInput {
        given_name: format!("Writer{process}"),
        family_name: format!("Thread{thread} Number{n}"),
        contact_points: vec![ContactPointInput {
            kind: ContactKind::Phone,
            value: format!("+447{}{thread}{n:07}", 7 + process),
            label: Some("mobile".into()),
            primary: true,
        }],
        ..ProfileInput::default()
    }
}

/// The writing process: opens the file, says it is ready, waits for `go`
/// on its input, creates profiles from eight threads for the time given,
/// and prints its report as one JSON line.
fn child(args: &[String]) {
    let [path, process, millis, fair] = args else {
        panic!("child arguments: PATH PROCESS MILLIS FAIR");
    };
    let process: usize = process.parse().expect("process number");
    let duration = Duration::from_millis(millis.parse().expect("milliseconds"));
    let cb = Arc::new(engine(Path::new(path), fair == "fair"));
    // Loads the phone metadata before the clock starts.
    cb.recognize(Channel::Voice, "+447700900123")
        .expect("warm-up");
    println!("ready");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).expect("go");
    let start = Instant::now();
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let cb = Arc::clone(&cb);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let actor = Actor::new(format!("writer-{process}-{thread}"));
                let options = CreateOptions {
                    allow_duplicates: true,
                };
                let mut latencies = Vec::new();
                let mut failures = (0, None);
                barrier.wait();
                let mut n = 0;
                while start.elapsed() < duration {
                    let began = Instant::now();
                    let created = cb.create_profile(&actor, input(process, thread, n), options);
                    n += 1;
                    match created {
                        Ok(_) => latencies.push(began.elapsed().as_micros() as u64),
                        Err(e) => {
                            failures.0 += 1;
                            failures
                                .1
                                .get_or_insert_with(|| format!("{}: {e}", e.code()));
                        }
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies_us = Vec::new();
    let mut failures = 0;
    let mut first_failure = None;
    for thread in threads {
        let (mut l, (f, first)) = thread.join().expect("writer thread");
        latencies_us.append(&mut l);
        failures += f;
        first_failure = first_failure.or(first);
    }
    let report = json!({
        "creates": latencies_us.len(),
        "failures": failures,
        "first_failure": first_failure,
        "latencies_us": latencies_us,
    });
    println!("{report}");
}

fn parse_report(text: &str) -> Report {
    let value: Value = serde_json::from_str(text.trim()).expect("child report");
    let latencies_us: Vec<u64> = value["latencies_us"]
        .as_array()
        .expect("latencies")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    Report {
        creates: value["creates"].as_u64().unwrap_or(0) as usize,
        failures: value["failures"].as_u64().unwrap_or(0) as usize,
        first_failure: value["first_failure"].as_str().map(str::to_string),
        latencies_us,
    }
}

fn fresh_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("writers-{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    // Created (and migrated) here, so the writers only ever write.
    drop(engine(&path, true));
    path
}

/// Starts the writing processes together and gathers their reports.
fn run_processes(path: &Path, plan: &Plan, fair: bool) -> Vec<Report> {
    let exe = std::env::current_exe().expect("benchmark binary");
    let mut children: Vec<_> = (0..PROCESSES)
        .map(|process| {
            Command::new(&exe)
                .env(CHILD_ENV, "1")
                .arg(path)
                .arg(process.to_string())
                .arg(plan.duration.as_millis().to_string())
                .arg(if fair { "fair" } else { "sqlite" })
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("writing process")
        })
        .collect();
    let mut outputs: Vec<_> = children
        .iter_mut()
        .map(|c| BufReader::new(c.stdout.take().expect("child output")))
        .collect();
    for out in &mut outputs {
        let mut line = String::new();
        out.read_line(&mut line).expect("ready line");
        assert_eq!(line.trim(), "ready", "a writing process did not start");
    }
    for child in &mut children {
        let mut input = child.stdin.take().expect("child input");
        input.write_all(b"go\n").expect("go");
    }
    let reports = outputs
        .iter_mut()
        .map(|out| {
            let mut line = String::new();
            out.read_line(&mut line).expect("report line");
            parse_report(&line)
        })
        .collect();
    for mut child in children {
        let status = child.wait().expect("writing process");
        assert!(status.success(), "a writing process failed: {status}");
    }
    reports
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).copied().unwrap_or(0) as f64 / 1000.0
}

fn stored_profiles(path: &Path) -> usize {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("count connection");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM profiles", [], |r| r.get(0))
        .expect("count");
    n as usize
}

/// One run: reports latencies and shares, and checks nothing was lost.
fn writers_bench(plan: &Plan, dir: &Path, label: &str, fair: bool, results: &mut Results) {
    let path = fresh_file(dir, label);
    let reports = run_processes(&path, plan, fair);
    let bench = format!("two_processes_{label}");
    let total: usize = reports.iter().map(|r| r.creates).sum();
    let mut all: Vec<u64> = reports
        .iter()
        .flat_map(|r| r.latencies_us.clone())
        .collect();
    all.sort_unstable();
    results.add(&bench, total, "creates", total as f64, "");
    results.add(
        &bench,
        total,
        "creates/s",
        total as f64 / plan.duration.as_secs_f64(),
        "1/s",
    );
    results.add(&bench, total, "create p50", percentile(&all, 0.5), "ms");
    results.add(&bench, total, "create p99", percentile(&all, 0.99), "ms");
    results.add(&bench, total, "create max", percentile(&all, 1.0), "ms");
    let mut smallest_share = 1.0f64;
    for (process, report) in reports.iter().enumerate() {
        let share = report.creates as f64 / total.max(1) as f64;
        smallest_share = smallest_share.min(share);
        results.add(
            &bench,
            total,
            &format!("process {process} share of creates"),
            100.0 * share,
            "%",
        );
        // A starved process's waits hide among the other's fast creates.
        let mut own = report.latencies_us.clone();
        own.sort_unstable();
        results.add(
            &bench,
            total,
            &format!("process {process} create p99"),
            percentile(&own, 0.99),
            "ms",
        );
        if report.failures > 0 {
            results.add(
                &bench,
                total,
                &format!("process {process} failed creates"),
                report.failures as f64,
                "",
            );
            println!(
                "  first failure: {}",
                report.first_failure.as_deref().unwrap_or("?")
            );
        }
    }
    let stored = stored_profiles(&path);
    assert_eq!(
        stored, total,
        "{label}: the file holds {stored} profiles, the writers created {total}"
    );
    assert!(total > 0, "{label}: no create returned");
    let p99 = percentile(&all, 0.99);
    println!(
        "  {label}: p99 {p99:.1} ms (target <= 250), smallest share {:.1}% (target >= 33.3%), nothing lost",
        100.0 * smallest_share
    );
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        child(&args);
        return;
    }
    let plan = Plan::from_args();
    println!(
        "casebook SQLite writers ({} mode): {PROCESSES} processes x {THREADS} threads creating profiles for {:?}\n",
        plan.mode, plan.duration
    );
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let dir = target.join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench data directory");
    let mut results = Results::default();
    // The peer first: SQLite's own busy handler (`fair_writers: false`),
    // as every handle waited before fair writers.
    writers_bench(&plan, &dir, "sqlite_busy_handler", false, &mut results);
    writers_bench(&plan, &dir, "fair_writers", true, &mut results);
    let out = target.join("bench-results");
    if std::fs::create_dir_all(&out).is_ok() {
        let name = match plan.mode {
            "full" => "writers.json",
            "quick" => "writers-quick.json",
            _ => "writers-test.json",
        };
        let _ = std::fs::write(
            out.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
}
