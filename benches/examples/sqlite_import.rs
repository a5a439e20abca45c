//! Bulk import into a SQLite file, with the rate of every batch: for
//! profiling the import on its own.
//!
//! ```text
//! cargo run --release -p casebook-benches --example sqlite_import -- 1000000 [batch] [file]
//! ```
//!
//! People come from the seeded generator of the scale benchmark (records about
//! 1.12 per person); ids are seeded and time-ordered like the default ones.

use casebook::ImportOptions;
use casebook::*;
use casebook_benches::{DatasetSpec, Generator};
use std::sync::Arc;
use std::time::Instant;

const RETAIL_CUSTOMER: &str = include_str!("../../core/examples/templates/retail_customer.json");

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let people: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let batch_size: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let path = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| format!("sqlite-import-{people}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let mut gen = Generator::new(2026);
    let mut data = gen.dataset(&DatasetSpec::small(people));
    for record in &mut data.records {
        record.template = Some("retail_customer".into());
        record.fields = gen.custom_fields();
    }
    let n = data.records.len();
    let store = SqliteStore::open_with(
        &path,
        SqliteOptions {
            durability: Durability::Normal,
            ..SqliteOptions::default()
        },
    )?;
    let cb = Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .clock(Arc::new(ManualClock::new(
            "2026-06-01T09:00:00Z".parse().expect("timestamp"),
        )))
        .ids(Arc::new(SeededIds::time_ordered(
            11,
            "2026-06-01T09:00:00Z".parse().expect("timestamp"),
        )))
        .build()?;
    cb.load_template(&Actor::new("admin"), RETAIL_CUSTOMER)?;
    let options = ImportOptions {
        batch_size,
        ..ImportOptions::default()
    };
    let start = Instant::now();
    let mut last = (Instant::now(), 0usize);
    let mut progress = |p: &casebook::ImportProgress| {
        if p.rows - last.1 >= 100_000 || p.rows == n {
            let rate = (p.rows - last.1) as f64 / last.0.elapsed().as_secs_f64();
            println!("{:>9} profiles  {:>8.0}/s", p.rows, rate);
            last = (Instant::now(), p.rows);
        }
    };
    let report = cb.import_inputs(
        &Actor::new("loader"),
        data.records,
        &options,
        Some(&mut progress),
    )?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} profiles in {secs:.1} s: {:.0}/s, file {} B/profile",
        report.imported,
        report.imported as f64 / secs,
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) / n as u64
    );
    Ok(())
}
