//! Duplicate detection quality on generated people with realistic
//! corruptions and shared households, against the generator's ground truth.

use casebook::{Casebook, MemoryStore};
use casebook_benches::{quality, DatasetSpec, Generator};

#[test]
fn duplicate_report_finds_generated_duplicates() {
    let data = Generator::new(11).dataset(&DatasetSpec::small(3_000));
    let cb = Casebook::builder(MemoryStore::new())
        .config(casebook_tests::fixtures::config())
        .build()
        .unwrap();
    let ids = quality::load(&cb, &data).unwrap();
    let report = cb.duplicate_report().unwrap();
    let q = quality::evaluate(&report, &data, &ids);
    assert!(q.true_pairs > 200, "the dataset holds duplicates: {q}");
    assert!(q.precision >= 0.95, "{q}");
    assert!(q.recall >= 0.95, "{q}");
    // Blocking: far fewer comparisons than all pairs.
    let n = report.profiles_scanned as u64;
    assert!(
        report.comparisons * 100 < n * (n - 1) / 2,
        "{} comparisons for {n} profiles",
        report.comparisons
    );
}

#[test]
fn harder_corruption_still_finds_most_duplicates() {
    let spec = DatasetSpec {
        corruption_rate: 0.7,
        ..DatasetSpec::small(3_000)
    };
    let data = Generator::new(12).dataset(&spec);
    let cb = Casebook::builder(MemoryStore::new())
        .config(casebook_tests::fixtures::config())
        .build()
        .unwrap();
    let ids = quality::load(&cb, &data).unwrap();
    let q = quality::evaluate(&cb.duplicate_report().unwrap(), &data, &ids);
    assert!(q.precision >= 0.9, "{q}");
    assert!(q.recall >= 0.7, "{q}");
}
