//! Formatted phone numbers beside compact ones: the matching key of
//! `+447911010000` and of the same numbers written `+44 7911 010000`,
//! `+44\t(7911) 010-000`, nationally and in full-width digits, and a whole
//! SIP header read by the caller parser, raced per call in the same run;
//! then the whole screen pop (`recognize` over a memory store holding those
//! callers) for the compact, spaced and SIP-header forms.
//!
//! ```text
//! cargo bench -p casebook-benches --bench phones              # 20k numbers
//! cargo bench -p casebook-benches --bench phones -- --quick   # 2k numbers
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) it takes a few
//! hundred numbers, so the test command keeps it compiling and working.
//! Results are printed and written to `target/bench-results/phones.json`.

use casebook::{
    parse_caller, Actor, Casebook, Channel, Config, ContactKind, ContactPointInput, CreateOptions,
    MemoryStore, PhoneRules, ProfileInput, Recognition,
};
use casebook_benches::measure::{race, Contender, Results};
use casebook_benches::Rng;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, numbers, rounds) = if !args.iter().any(|a| a == "--bench") {
        ("test", 300, 1)
    } else if args.iter().any(|a| a == "--quick") {
        ("quick", 2_000, 3)
    } else {
        ("full", 20_000, 5)
    };
    println!("casebook phone benchmarks ({mode} mode); medians over interleaved rounds\n");
    let rules = PhoneRules::new(Some("GB"), &[]).expect("rules");
    let mut rng = Rng::new(21);
    // UK mobile-shaped numbers 07911 000000 to 07911 999999 (not all are
    // allocated; the recognize race keeps those a profile accepts).
    let tails: Vec<String> = (0..numbers)
        .map(|_| format!("{:06}", rng.next_u64() % 1_000_000))
        .collect();
    let wide = |s: &str| -> String {
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    };
    let forms: Vec<(&str, Vec<String>)> = vec![
        (
            "compact",
            tails.iter().map(|t| format!("+447911{t}")).collect(),
        ),
        (
            "spaces",
            tails.iter().map(|t| format!("+44 7911 {t}")).collect(),
        ),
        (
            "tabs, parentheses, hyphen",
            tails
                .iter()
                .map(|t| format!("+44\t(7911) {}-{}", &t[..3], &t[3..]))
                .collect(),
        ),
        (
            "national",
            tails.iter().map(|t| format!("07911 {t}")).collect(),
        ),
        (
            "full-width",
            tails.iter().map(|t| wide(&format!("07911 {t}"))).collect(),
        ),
    ];
    // Every form must give the compact form's key, or the race means nothing.
    for (name, inputs) in &forms {
        for (input, compact) in inputs.iter().zip(&forms[0].1) {
            assert_eq!(
                rules.match_key(input),
                rules.match_key(compact),
                "{name}: {input:?}"
            );
        }
    }
    let headers: Vec<String> = tails
        .iter()
        .map(|t| {
            format!("\"Caller {t}\" <sip:+447911{t};ext=12@pbx.example.com;user=phone>;tag=a{t}")
        })
        .collect();
    let mut results = Results::default();
    let indices: Vec<usize> = (0..numbers).collect();
    let mut contenders: Vec<Contender<'_, usize>> = forms
        .iter()
        .map(|(name, inputs)| {
            let rules = &rules;
            Contender::new(name, move |&i: &usize| {
                rules.match_key(&inputs[i]).map_or(0, |k| k.len())
            })
        })
        .collect();
    contenders.push(Contender::new(
        "SIP header, parsed and keyed",
        |&i: &usize| {
            let caller = parse_caller(&headers[i]);
            rules.match_key(&caller.address).map_or(0, |k| k.len())
        },
    ));
    let names: Vec<&str> = contenders.iter().map(|c| c.name).collect();
    let stats = race(&indices, rounds, &mut contenders);
    for (name, s) in names.iter().zip(&stats) {
        results.add_stats("phone_match_key", numbers, name, *s);
    }
    for i in 1..names.len() {
        results.add(
            "phone_match_key",
            numbers,
            &format!("{} / {} (median)", names[i], names[0]),
            stats[i].median / stats[0].median.max(1.0),
            "x",
        );
    }
    recognize_race(&tails, rounds, &mut results);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&dir).is_ok() {
        let name = match mode {
            "full" => "phones.json",
            "quick" => "phones-quick.json",
            _ => "phones-test.json",
        };
        let _ = std::fs::write(
            dir.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
}

/// The whole screen pop for one caller written compactly, with spaces, and
/// as a SIP header: every form must find the same profile.
fn recognize_race(tails: &[String], rounds: usize, results: &mut Results) {
    let callers = tails.len().min(5_000);
    let config = Config {
        default_region: Some("GB".into()),
        ..Config::default()
    };
    let cb = Casebook::builder(MemoryStore::new())
        .config(config)
        .build()
        .expect("engine");
    let actor = Actor::new("bench");
    let options = CreateOptions {
        allow_duplicates: true,
    };
    // Callers whose number the metadata knows as valid (a profile refuses others).
    let mut seen = std::collections::HashSet::new();
    let mut stored = Vec::new();
    for t in &tails[..callers] {
        if !seen.insert(t.as_str()) {
            continue;
        }
        let input = ProfileInput {
            given_name: format!("Caller{}", stored.len()),
            family_name: "Bench".into(),
            contact_points: vec![ContactPointInput {
                kind: ContactKind::Phone,
                value: format!("+447911{t}"),
                label: None,
                primary: true,
            }],
            ..ProfileInput::default()
        };
        if cb.create_profile(&actor, input, options).is_ok() {
            stored.push(t);
        }
    }
    assert!(!stored.is_empty(), "no valid caller number");
    let tails = stored;
    let forms: Vec<(&str, Vec<String>)> = vec![
        (
            "compact",
            tails.iter().map(|t| format!("+447911{t}")).collect(),
        ),
        (
            "spaces",
            tails.iter().map(|t| format!("+44 7911 {t}")).collect(),
        ),
        (
            "SIP header",
            tails
                .iter()
                .map(|t| format!("\"Caller\" <sip:+447911{t}@pbx.example.com;user=phone>;tag=a{t}"))
                .collect(),
        ),
    ];
    let known = |address: &str| match cb.recognize(Channel::Voice, address) {
        Ok(Recognition::Known { profile, .. }) => profile.customer_id.len(),
        other => panic!("{address:?} was not recognised: {other:?}"),
    };
    let indices: Vec<usize> = (0..tails.len()).collect();
    let mut contenders: Vec<Contender<'_, usize>> = forms
        .iter()
        .map(|(name, inputs)| {
            let known = &known;
            Contender::new(name, move |&i: &usize| known(&inputs[i]))
        })
        .collect();
    let names: Vec<&str> = contenders.iter().map(|c| c.name).collect();
    let stats = race(&indices, rounds, &mut contenders);
    for (name, s) in names.iter().zip(&stats) {
        results.add_stats("recognize", tails.len(), name, *s);
    }
    for i in 1..names.len() {
        results.add(
            "recognize",
            tails.len(),
            &format!("{} / {} (median)", names[i], names[0]),
            stats[i].median / stats[0].median.max(1.0),
            "x",
        );
    }
}
