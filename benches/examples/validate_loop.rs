//! Validates the benchmark records in a loop (for profilers).
//!
//! `cargo run --release -p casebook-benches --example validate_loop -- 200`
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
    for _ in 0..rounds {
        for record in &data {
            errors += template.check(record, Mode::Create, &ctx).len();
        }
    }
    println!("{errors} errors");
}
