//! Duplicate detection quality on generated people with realistic
//! corruptions and shared households, against the generator's ground truth.

use casebook::{Casebook, MemoryStore};
use casebook_benches::{quality, DatasetSpec, Generator};
use casebook_tests::fixtures::{engine, engine_with};

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

#[test]
fn trained_matching_holds_quality_and_is_a_valid_config() {
    let spec = DatasetSpec {
        corruption_rate: 0.7,
        ..DatasetSpec::small(3_000)
    };
    let data = Generator::new(13).dataset(&spec);
    let cb = engine(MemoryStore::new());
    let ids = quality::load(&cb, &data).unwrap();
    let hand_set = quality::evaluate(&cb.duplicate_report().unwrap(), &data, &ids);
    let training = cb.train_matching().unwrap();
    assert!(training.converged, "{training:?}");
    assert!(training.pairs >= casebook::MIN_TRAINING_PAIRS as u64);
    assert!(
        training.match_share > 0.0 && training.match_share < 1.0,
        "{}",
        training.match_share
    );
    // Agreeing on a name is evidence for, differing dates of birth against.
    let rule = |field: casebook::MatchField| {
        training
            .rules
            .iter()
            .find(|r| r.field == field && r.learned)
            .unwrap_or_else(|| panic!("{field:?} learned: {training:?}"))
    };
    let bits = |r: &casebook::RuleEstimate, level: casebook::ComparisonLevel| {
        r.levels.iter().find(|l| l.level == level).map(|l| l.bits)
    };
    let name = rule(casebook::MatchField::Name);
    assert!(bits(name, casebook::ComparisonLevel::Agree).unwrap() > 0.0);
    let dob = rule(casebook::MatchField::DateOfBirth);
    assert!(bits(dob, casebook::ComparisonLevel::Disagree).unwrap() < 0.0);

    // The learned configuration is an ordinary one: an engine takes it.
    let mut config = casebook_tests::fixtures::config();
    config.matching = training.config.clone();
    let trained = engine_with(MemoryStore::new(), config);
    let ids = quality::load(&trained, &data).unwrap();
    let learned = quality::evaluate(&trained.duplicate_report().unwrap(), &data, &ids);
    assert!(
        learned.precision >= 0.9,
        "hand-set {hand_set}, learned {learned}"
    );
    assert!(
        learned.recall >= hand_set.recall - 0.05,
        "hand-set {hand_set}, learned {learned}"
    );
}

#[test]
fn training_needs_enough_pairs_and_distinct_rules() {
    let cb = engine(MemoryStore::new());
    let data = Generator::new(14).dataset(&DatasetSpec::small(20));
    quality::load(&cb, &data).unwrap();
    let err = cb.train_matching().unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_state", "{err}");

    let mut config = casebook_tests::fixtures::config();
    let first = config.matching.rules[0].clone();
    config.matching.rules.push(first);
    let cb = engine_with(MemoryStore::new(), config);
    let err = cb.train_matching().unwrap_err();
    assert_eq!(err.code().as_str(), "invalid_input", "{err}");
}
