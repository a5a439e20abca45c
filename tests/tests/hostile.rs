//! Every public operation driven with hostile arguments, over both stores:
//! reversed ranges, zero and huge limits, negative and fractional numbers,
//! empty and 10 MB strings, deep JSON, wrong types, references to nothing.
//! The engine must answer each with a result or a clear error, never a
//! panic (on wasm32 a panic aborts the instance) and never `internal`.

use casebook::store::Store;
use casebook::{api, Casebook, ErrorCode, MemoryStore};
use casebook_tests::fixtures::{engine, Rng};
use casebook_tests::sqlite::TempSqlite;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Every argument name some operation takes.
const NAMES: &[&str] = &[
    "by",
    "ref",
    "id",
    "input",
    "version",
    "query",
    "limit",
    "from",
    "to",
    "text",
    "channel",
    "address",
    "plan",
    "merge_id",
    "template",
    "template_id",
    "record",
    "draft",
    "status",
    "resolution",
    "kind",
    "case",
    "profile",
    "contact",
    "a",
    "b",
    "a_to_b",
    "b_to_a",
    "snapshot",
    "subject",
    "format",
    "data",
    "options",
    "open_only",
    "allow_duplicates",
    "calendar",
    "sla",
    "at",
    "until",
    "now",
    "duration",
];

/// JSON nested `depth` levels deep, as text (hosts hand JSON over as text).
fn deep(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// A hostile or plausible value for the argument `name`: mostly one of
/// its own kind (times for a range, numbers for a limit, references for a
/// record), sometimes anything.
fn value(rng: &mut Rng, name: &str, known: &[Value]) -> Value {
    if rng.chance(0.7) {
        let own: &[Value] = match name {
            "from" | "to" => &[
                json!("2020-01-01T00:00:00Z"),
                json!("2026-03-02T09:00:00Z"),
                json!("2030-01-01T00:00:00Z"),
                json!("-009999-01-01T00:00:00Z"),
            ],
            "at" | "until" | "now" => &[
                json!("2026-03-02T09:00:00Z"),
                json!("2030-01-01T00:00:00Z"),
                json!("-009999-01-01T00:00:00Z"),
                json!("9999-12-31T23:59:59Z"),
            ],
            "duration" => &[
                json!("4h"),
                json!(-60),
                json!(i64::MAX),
                json!("0s"),
                json!(1e20),
            ],
            "calendar" => &[
                json!("office"),
                json!({"id": "always", "name": "Always", "time_zone": "Pacific/Chatham",
                       "always_open": true, "holidays": [{"date": "2026-03-02", "yearly": true}]}),
                json!({"id": "late", "name": "Late", "time_zone": "America/New_York",
                       "week": {"sunday": [{"start": "22:00", "end": "06:00", "overnight": true}]}}),
                json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "week": {"monday": [{"start": "25:00", "end": "26:00"}]}}),
            ],
            "sla" => &[
                json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "2h",
                       "calendar": "office", "warnings": [50],
                       "escalations": [{"at": "breach", "raise_priority": true, "assign": "lead"}]}),
                json!({"id": "first", "name": "F", "target": "first_response", "duration": "1s",
                       "time": "calendar", "reset": {"field": "status", "equals": "in_progress"}}),
                json!({"id": "x", "name": "X", "target": "resolution", "duration": "99999999h",
                       "time": "calendar"}),
            ],
            "limit" | "version" => &[json!(0), json!(1), json!(u64::MAX), json!(-1), json!(2.5)],
            "ref" | "profile" | "case" | "a" | "b" | "survivor" | "merged" => &[
                json!("C-000001"),
                json!("C-000002"),
                json!("CS0001001"),
                json!(" C-000001 "),
            ],
            _ => &[],
        };
        if !own.is_empty() {
            return rng.pick(own).clone();
        }
    }
    match rng.below(24) {
        0 => Value::Null,
        1 => json!(""),
        2 => json!("x".repeat(10 << 20)),
        3 => json!(0),
        4 => json!(-1),
        5 => json!(u64::MAX),
        6 => json!(i64::MIN),
        7 => json!(1e308),
        8 => json!(0.5),
        9 => json!(true),
        10 => json!([]),
        11 => json!({}),
        12 => json!("2030-01-01T00:00:00Z"),
        13 => json!("2020-01-01T00:00:00Z"),
        14 => json!("not a time"),
        15 => json!("\u{0}\u{202e}\u{10FFFF}ﬁ"),
        16 => json!({"given_name": "Ada", "family_name": "Lovelace",
                     "contact_points": [{"kind": "phone", "value": "+44 20 7946 0958"}]}),
        17 => json!({"short_description": "Router", "impact": "high", "parent": "CS0001001"}),
        18 => json!({"survivor": "C-000001", "merged": "C-000002"}),
        19 => json!({"name": "ada"}),
        20 => json!({"format": 1, "profiles": [{"id": 7}]}),
        21 => serde_json::from_str(&deep(120)).unwrap_or(Value::Null),
        _ => rng.pick(known).clone(),
    }
}

/// The arguments an operation requires, learnt from its own errors.
fn required(cb: &Casebook<impl Store>, op: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut args = serde_json::Map::new();
    for _ in 0..8 {
        let Err(e) = api::call(cb, op, &Value::Object(args.clone())) else {
            break;
        };
        let message = e.to_string();
        let Some(name) = message
            .split("missing argument `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
        else {
            break;
        };
        names.push(name.to_string());
        args.insert(name.to_string(), json!("?"));
    }
    names
}

fn drive<S: Store>(cb: &Casebook<S>, seed: u64, calls: usize) {
    let mut rng = Rng::new(seed);
    let known = [
        json!("C-000001"),
        json!("C-000002"),
        json!("CS0001001"),
        json!("agent"),
        json!("voice"),
        json!("email"),
        json!(1),
        json!(2),
        json!("resolved"),
        json!("comment"),
        json!("requester"),
        json!("retail_customer"),
        json!({"format": "json_lines"}),
        json!("00000000-0000-0000-0000-000000000000"),
    ];
    for call in 0..calls {
        let op = *rng.pick(api::OPERATIONS);
        let mut args = serde_json::Map::new();
        // Mostly the operation's own arguments, so the calls get past parsing.
        for name in required(cb, op) {
            if !rng.chance(0.1) {
                let v = value(&mut rng, &name, &known);
                args.insert(name, v);
            }
        }
        // The optional arguments that take ranges, limits and flags.
        for name in ["from", "to", "limit", "draft", "open_only", "version"] {
            if rng.chance(0.4) {
                args.insert(name.to_string(), value(&mut rng, name, &known));
            }
        }
        for _ in 0..rng.below(4) {
            let name = *rng.pick(NAMES);
            args.insert(name.to_string(), value(&mut rng, name, &known));
        }
        let args = Value::Object(args);
        let shown = {
            let text = args.to_string();
            text.chars().take(300).collect::<String>()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| api::call(cb, op, &args)));
        match outcome {
            Err(_) => panic!("call {call}: `{op}` panicked with {shown}"),
            Ok(Err(e)) if e.code() == ErrorCode::Internal => {
                panic!("call {call}: `{op}` failed inside casebook with {shown}: {e}")
            }
            Ok(_) => {}
        }
    }
    // Arguments as text too: deep nesting and broken JSON are refused.
    for text in [
        deep(1_000),
        "{\"by\": ".to_string(),
        "\u{feff}{}".to_string(),
    ] {
        let outcome = catch_unwind(AssertUnwindSafe(|| api::call_json(cb, "profile", &text)));
        assert!(
            matches!(outcome, Ok(Err(_))),
            "{}",
            &text[..text.len().min(40)]
        );
    }
    let problems = cb.check_invariants().expect("invariant check runs");
    assert!(problems.is_empty(), "{problems:?}");
}

/// A store with two profiles, a case and a contact to aim at.
fn seeded<S: Store>(store: S) -> Casebook<S> {
    let cb = engine(store);
    for (op, args) in [
        (
            "load_calendar",
            json!({"by": "admin", "calendar": {"id": "office", "name": "Office", "time_zone": "Europe/London",
            "week": {"monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]},
            "holidays": [{"date": "2026-12-25", "yearly": true}]}}),
        ),
        (
            "load_sla",
            json!({"by": "admin", "sla": {"id": "resolve", "name": "R", "target": "resolution",
            "duration": "4h", "calendar": "office", "warnings": [50, 75],
            "pause": {"field": "status", "equals": "awaiting_customer"},
            "escalations": [{"at": 75, "raise_priority": true, "work_note": "late"}]}}),
        ),
        (
            "create_profile",
            json!({"by": "agent", "input": {"given_name": "Ann", "family_name": "One",
            "contact_points": [{"kind": "phone", "value": "+44 113 496 0000"}]}}),
        ),
        (
            "create_profile",
            json!({"by": "agent", "input": {"given_name": "Bob", "family_name": "Two"}}),
        ),
        (
            "create_case",
            json!({"by": "agent", "input": {"short_description": "Router",
            "links": [{"profile": "C-000001", "role": "requester"}]}}),
        ),
        (
            "log_contact",
            json!({"by": "agent", "input": {"channel": "voice", "profile": "C-000001"}}),
        ),
    ] {
        api::call(&cb, op, &args).expect(op);
    }
    cb
}

#[test]
fn hostile_calls_never_panic_in_memory() {
    for seed in 0..4 {
        drive(&seeded(MemoryStore::new()), seed, 400);
    }
}

#[test]
fn hostile_calls_never_panic_on_sqlite() {
    for seed in 10..12 {
        drive(&seeded(TempSqlite::new()), seed, 300);
    }
}
