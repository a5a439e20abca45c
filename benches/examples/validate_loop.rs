//! Validates the benchmark records in a loop (for profilers).
//!
//! `cargo run --release -p casebook-benches --example validate_loop -- 200 [jsonschema|text|jsonschema-text]`
use casebook::template::{Mode, Template, ValidationContext};
use casebook::PhoneRules;
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
    let mut errors = 0;
    // `validate_loop 200 jsonschema` runs the peer on the same records;
    // `text` and `jsonschema-text` start from the records' JSON text.
    let texts: Vec<String> = data.iter().map(|r| r.to_string()).collect();
    let mode = std::env::args().nth(2).unwrap_or_default();
    if mode == "text" {
        for _ in 0..rounds {
            for text in &texts {
                errors += template
                    .check_json(text, Mode::Create, &ctx)
                    .expect("json")
                    .len();
            }
        }
    } else if mode == "jsonschema-text" {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&records::schema())
            .expect("schema compiles");
        for _ in 0..rounds {
            for text in &texts {
                let value: serde_json::Value = serde_json::from_str(text).expect("json");
                errors += validator.iter_errors(&value).count();
            }
        }
    } else if mode == "jsonschema" {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&records::schema())
            .expect("schema compiles");
        for _ in 0..rounds {
            for record in &data {
                errors += validator.iter_errors(record).count();
            }
        }
    } else {
        for _ in 0..rounds {
            for record in &data {
                errors += template.check(record, Mode::Create, &ctx).len();
            }
        }
    }
    println!("{errors} errors");
}
