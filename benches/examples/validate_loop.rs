//! Validates the benchmark records in a loop (for profilers).
//!
//! `cargo run --release -p casebook-benches --example validate_loop -- 200 [jsonschema|text|jsonschema-text]`
use casebook::PhoneRules;
use casebook::{Mode, Template, ValidationContext};
use casebook_benches::records;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let template = Template::from_json(records::TEMPLATE).expect("template");
    let ctx = ValidationContext::with_phone(
        "2026-06-01".parse().expect("date"),
        PhoneRules::new(Some("GB"), &[]).expect("rules"),
    );
    let data = records::mix(7, 1_000, 0.7);
    // `validate_loop 200 jsonschema` runs the peer on the same records;
    // `text` and `jsonschema-text` start from the records' JSON text.
    let texts: Vec<String> = data.iter().map(|r| r.to_string()).collect();
    let peer = jsonschema::options()
        .should_validate_formats(true)
        .build(&records::schema())
        .expect("schema compiles");
    let parse = |i: usize| -> serde_json::Value { serde_json::from_str(&texts[i]).expect("json") };
    let mode = std::env::args().nth(2).unwrap_or_default();
    let check: Box<dyn Fn(usize) -> usize> = match mode.as_str() {
        "text" => Box::new(|i| {
            template
                .check_json(&texts[i], Mode::Create, &ctx)
                .expect("json")
                .len()
        }),
        "jsonschema-text" => Box::new(|i| peer.iter_errors(&parse(i)).count()),
        "jsonschema" => Box::new(|i| peer.iter_errors(&data[i]).count()),
        _ => Box::new(|i| {
            template
                .check(&data[i], Mode::Create, &ctx)
                .map_or(1, |e| e.len())
        }),
    };
    let mut errors = 0;
    for _ in 0..rounds {
        for i in 0..data.len() {
            errors += check(i);
        }
    }
    println!("{errors} errors");
}
