//! Duplicate-report quality and speed on generated data.
//!
//! `cargo run --release -p casebook-benches --example quality -- 20000`

use casebook::{Casebook, Config, MemoryStore};
use casebook_benches::{quality, DatasetSpec, Generator};
use std::time::Instant;

fn main() -> casebook::Result<()> {
    let people: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let data = Generator::new(2026).dataset(&DatasetSpec::small(people));
    let cb = Casebook::builder(MemoryStore::new())
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .build()?;
    let t = Instant::now();
    let ids = quality::load(&cb, &data)?;
    println!(
        "loaded {} records of {} people in {:.1?}",
        ids.len(),
        people,
        t.elapsed()
    );
    let t = Instant::now();
    let report = cb.duplicate_report()?;
    println!(
        "report: {} clusters, {} comparisons, {} skipped blocks in {:.1?}",
        report.clusters.len(),
        report.comparisons,
        report.skipped_blocks.len(),
        t.elapsed()
    );
    println!("{}", quality::evaluate(&report, &data, &ids));
    // `CASEBOOK_FALSE_PAIRS=<n>` prints up to n scored pairs of different people, with reasons.
    let shown: usize = std::env::var("CASEBOOK_FALSE_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let person: std::collections::HashMap<&str, usize> = ids
        .iter()
        .map(String::as_str)
        .zip(data.person_of.iter().copied())
        .collect();
    let false_pairs = report
        .clusters
        .iter()
        .flat_map(|c| &c.pairs)
        .filter(|p| person.get(p.a.as_str()) != person.get(p.b.as_str()));
    for pair in false_pairs.take(shown) {
        println!("{} ~ {} score {:.3}", pair.a, pair.b, pair.score);
        for r in &pair.reasons {
            println!("    {:+.3} {}", r.contribution, r.detail);
        }
    }
    Ok(())
}
