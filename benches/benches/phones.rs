//! Formatted phone numbers beside compact ones: the matching key of
//! `+447911010000` and of the same numbers written `+44 7911 010000`,
//! `+44\t(7911) 010-000`, nationally and in full-width digits, and a whole
//! SIP header read by the caller parser, raced per call in the same run.
//!
//! ```text
//! cargo bench -p casebook-benches --bench phones              # 20k numbers
//! cargo bench -p casebook-benches --bench phones -- --quick   # 2k numbers
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) it takes a few
//! hundred numbers, so the test command keeps it compiling and working.
//! Results are printed and written to `target/bench-results/phones.json`.

use casebook::{parse_caller, PhoneRules};
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
    // UK mobiles 07911 000000 to 07911 999999: all valid.
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
