//! Records for the validation benchmark: the 20-field template, its JSON
//! Schema equivalent, and a seeded mix of valid and invalid records that
//! both accept or reject alike.

use crate::{names, Rng};
use serde_json::{json, Value};

/// The 20-field profile template.
pub const TEMPLATE: &str = include_str!("../data/profile20_template.json");
/// The same rules as a JSON Schema; the phone patterns are filled in by [`schema`].
pub const SCHEMA: &str = include_str!("../data/profile20_schema.json");

/// The JSON Schema with the phone fields' patterns set to the UK numbering
/// plan from the same metadata casebook uses, so both check the same rule.
pub fn schema() -> Value {
    let mut schema: Value = serde_json::from_str(SCHEMA).expect("schema JSON");
    let pattern = casebook::PhoneRules::e164_pattern(44).expect("UK numbering plan");
    for field in ["mobile", "landline"] {
        schema["properties"][field]["pattern"] = json!(pattern);
    }
    schema
}

/// A valid record with every field filled.
pub fn valid(rng: &mut Rng) -> Value {
    let given = names::GIVEN[rng.below(names::GIVEN.len())];
    let family = names::FAMILY[rng.below(names::FAMILY.len())];
    let first = casebook::text::fold(given);
    let last = casebook::text::fold(family).replace(['\'', ' '], "");
    json!({
        "first_name": rng.pick(names::GIVEN),
        "last_name": rng.pick(names::FAMILY),
        "middle_name": rng.pick(names::GIVEN),
        "notes": "Prefers calls after 5pm.\nAsk for the account holder.",
        "segment": rng.pick(&["private", "business", "vip"]),
        "language": rng.pick(&["en", "cy", "fr", "de"]),
        "channels": [rng.pick(&["phone", "email"]), rng.pick(&["sms", "post"])],
        "region": rng.pick(&["north", "south", "east", "west"]),
        "ni_number": format!("{}{}{}{}", rng.pick(&['A', 'B', 'C', 'E']), rng.pick(&['A', 'B', 'H', 'K']), rng.digits(6), rng.pick(&['A', 'B', 'C', 'D'])),
        "postcode": format!("{}{} {}{}{}", rng.pick(&["SW", "N", "LS", "M"]), 1 + rng.below(9), rng.below(10), rng.pick(&['A', 'B', 'D']), rng.pick(&['X', 'Y', 'Z'])),
        "email": format!("{first}.{last}@example.com"),
        "work_email": format!("{first}@work.example.org"),
        "mobile": format!("+447{}{}", rng.pick(&['1', '2', '3', '4', '5', '8']), rng.digits(8)),
        "landline": format!("+44207{}", rng.digits(7)),
        "age": 18 + rng.below(80),
        "household_size": 1 + rng.below(6),
        "credit_limit": (rng.below(1_000_000) as f64) / 100.0,
        "discount": (rng.below(5_000) as f64) / 100.0,
        "birth_date": format!("{}-{:02}-{:02}", 1940 + rng.below(60), 1 + rng.below(12), 1 + rng.below(28)),
        "vip": rng.chance(0.1),
    })
}

/// A record with one to three fields broken in ways both validators catch.
pub fn invalid(rng: &mut Rng) -> Value {
    let mut record = valid(rng);
    let breaks = 1 + rng.below(3);
    for _ in 0..breaks {
        match rng.below(10) {
            0 => record["segment"] = json!("gold"),
            1 => record["ni_number"] = json!("QQ12345"),
            2 => record["email"] = json!("not an address"),
            3 => record["mobile"] = json!("12345"),
            4 => record["age"] = json!(7),
            5 => record["discount"] = json!(12.345),
            6 => record["birth_date"] = json!("1980-02-30"),
            7 => record["first_name"] = json!(""),
            8 => record["unknown"] = json!(true),
            _ => record["vip"] = json!("yes"),
        }
    }
    record
}

/// A seeded mix: `valid_share` of the records valid, the rest invalid.
pub fn mix(seed: u64, n: usize, valid_share: f64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            if rng.chance(valid_share) {
                valid(&mut rng)
            } else {
                invalid(&mut rng)
            }
        })
        .collect()
}
