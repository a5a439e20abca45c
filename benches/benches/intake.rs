//! Case intake benchmark: inbound messages taken in with 200 intake rules
//! loaded, over a SQLite store holding 10k, 100k and 1M cases opened by
//! intake (so their threads are indexed), beside floors measured in the
//! same run: the rules' decision alone, and logging the same message by hand
//! against a case the host already knows (`log_contact`), which is what
//! intake adds its thread lookup, rule decision and case update to.
//!
//! ```text
//! cargo bench -p casebook-benches --bench intake              # 10k, 100k, 1M cases
//! cargo bench -p casebook-benches --bench intake -- --quick   # 10k only
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) it takes 2,000
//! cases and few calls. Results go to `target/bench-results/intake*.json`.

use casebook::*;
use casebook_benches::measure::{race, Contender, Results};
use casebook_benches::Rng;
use serde_json::json;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Rules loaded: 199 that a typical message does not match, then a catch-all.
const RULES: usize = 200;
/// Messages per `intake_many` transaction while loading.
const LOAD_BATCH: usize = 5_000;

struct Plan {
    mode: &'static str,
    sizes: Vec<usize>,
    calls: usize,
    rounds: usize,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args().collect();
        if !args.iter().any(|a| a == "--bench") {
            Plan {
                mode: "test",
                sizes: vec![2_000],
                calls: 50,
                rounds: 1,
            }
        } else if args.iter().any(|a| a == "--quick") {
            Plan {
                mode: "quick",
                sizes: vec![10_000],
                calls: 1_000,
                rounds: 3,
            }
        } else {
            Plan {
                mode: "full",
                sizes: vec![10_000, 100_000, 1_000_000],
                calls: 2_000,
                rounds: 5,
            }
        }
    }
}

/// 200 rules in the shape a contact centre writes them: queues by
/// recipient, products by keyword, then a catch-all that opens a case.
fn rules_json() -> String {
    let mut rules: Vec<serde_json::Value> = (0..RULES - 1)
        .map(|i| {
            let mut when =
                json!({"keywords_any": [format!("widget{i}"), format!("model {i} gadget")]});
            if i % 2 == 0 {
                when["recipients"] = json!([format!("queue{i}@example.com")]);
            }
            json!({"name": format!("product-{i}"), "when": when, "action": "open",
                   "case": {"category": format!("product-{i}"), "urgency": "medium"}})
        })
        .collect();
    rules.push(
        json!({"name": "catch-all", "when": {"channels": ["email", "web"]}, "action": "open"}),
    );
    json!({ "rules": rules }).to_string()
}

fn seed_message(i: usize) -> Inbound {
    let mut message = Inbound::new(
        Channel::Email,
        format!("Customer {i} <sender{}@example.org>", i % 50_000),
    )
    .subject(format!("Router {i} keeps dropping the line"))
    .body("Since Monday the broadband drops every hour; the light turns red.")
    .message_id(format!("<seed-{i}@mail.example.org>"));
    message.to = Some("support@example.com".into());
    message
}

fn engine(path: &Path) -> Casebook<SqliteStore> {
    let options = SqliteOptions {
        durability: Durability::Normal,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(path, options).expect("sqlite file");
    Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .clock(Arc::new(ManualClock::new(
            "2026-03-02T09:00:00Z".parse().expect("instant"),
        )))
        .ids(Arc::new(SeededIds::new(3)))
        .build()
        .expect("engine")
}

fn bench_size(plan: &Plan, n: usize, results: &mut Results) -> f64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-intake");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path: PathBuf = dir.join(format!("intake-{n}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let cb = engine(&path);
    let admin = Actor::new("admin");
    let gateway = Actor::new("mail-gateway");
    cb.load_intake_rules(&admin, &rules_json())
        .expect("rules load");

    let start = Instant::now();
    let mut numbers = Vec::with_capacity(n);
    for batch in (0..n).collect::<Vec<_>>().chunks(LOAD_BATCH) {
        let outcomes = cb
            .intake_many(&gateway, batch.iter().map(|&i| seed_message(i)))
            .expect("load batch");
        numbers.extend(outcomes.into_iter().map(|o| o.case_number.expect("opened")));
    }
    let load = start.elapsed().as_secs_f64();
    results.add(
        "intake_load",
        n,
        "messages/s (intake_many)",
        n as f64 / load,
        "/s",
    );

    let mut rng = Rng::new(n as u64);
    let inputs: Vec<usize> = (0..plan.calls)
        .map(|_| (rng.next_u64() % n as u64) as usize)
        .collect();
    let serial = Cell::new(0usize);
    let next = || {
        serial.set(serial.get() + 1);
        serial.get()
    };
    let def = IntakeRulesDef::from_json(&rules_json()).expect("rules");
    let compiled = IntakeRules::new(def, "CS", &|_| true).expect("rules compile");
    let subject = MessageFacts::words("Re: Router keeps dropping the line");
    let body = MessageFacts::words("Still broken this morning, the light is red again.");
    let mut contenders = vec![
        Contender::new("rules decide (200 rules)", |_: &usize| {
            let facts = MessageFacts {
                channel: Some(Channel::Email),
                recipient: Some("support@example.com".into()),
                subject: subject.clone(),
                body: body.clone(),
                ..MessageFacts::default()
            };
            compiled.decide(&facts).map_or(0, |r| r.name.len())
        }),
        Contender::new("log_contact on a known case (floor)", |&i: &usize| {
            let mut input =
                ContactInput::inbound(Channel::Email, format!("sender{}@example.org", i % 50_000));
            input.summary = "Re: Router keeps dropping the line".into();
            input.cases = vec![numbers[i].clone()];
            cb.log_contact(&gateway, input)
                .expect("logged")
                .summary
                .len()
        }),
        Contender::new("intake reply by thread", |&i: &usize| {
            let reply = Inbound::new(Channel::Email, format!("sender{}@example.org", i % 50_000))
                .subject("Re: Router keeps dropping the line")
                .body("Still broken this morning, the light is red again.")
                .message_id(format!("<thread-{}@mail.example.org>", next()))
                .in_reply_to(format!("<seed-{i}@mail.example.org>"));
            let outcome = cb.intake(&gateway, reply).expect("taken");
            assert_eq!(outcome.decision, IntakeDecision::Joined);
            outcome.text.len()
        }),
        Contender::new("intake reply by case number", |&i: &usize| {
            let reply = Inbound::new(Channel::Email, format!("sender{}@example.org", i % 50_000))
                .subject(format!(
                    "Re: [{}] Router keeps dropping the line",
                    numbers[i]
                ))
                .message_id(format!("<number-{}@mail.example.org>", next()));
            cb.intake(&gateway, reply).expect("taken").text.len()
        }),
        Contender::new("intake new message (opens a case)", |_: &usize| {
            let fresh = Inbound::new(Channel::Email, format!("new{}@example.net", next()))
                .subject("Broadband down since the storm")
                .message_id(format!("<new-{}@mail.example.org>", serial.get()));
            let outcome = cb.intake(&gateway, fresh).expect("taken");
            assert_eq!(outcome.decision, IntakeDecision::Opened);
            outcome.text.len()
        }),
        Contender::new("intake redelivery (replayed)", |&i: &usize| {
            let outcome = cb.intake(&gateway, seed_message(i)).expect("taken");
            assert!(outcome.replayed);
            outcome.text.len()
        }),
    ];
    let stats = race(&inputs, plan.rounds, &mut contenders);
    drop(contenders);
    for (name, s) in [
        "rules decide (200 rules)",
        "log_contact on a known case (floor)",
        "intake reply by thread",
        "intake reply by case number",
        "intake new message (opens a case)",
        "intake redelivery (replayed)",
    ]
    .iter()
    .zip(&stats)
    {
        results.add_stats("intake", n, name, *s);
        results.add(
            "intake",
            n,
            &format!("{name} per second"),
            1e9 / s.median.max(1.0),
            "/s",
        );
    }
    let floor = stats[1].median.max(1.0);
    results.add(
        "intake",
        n,
        "reply by thread / log_contact",
        stats[2].median / floor,
        "x",
    );
    results.add(
        "intake",
        n,
        "new message / log_contact",
        stats[4].median / floor,
        "x",
    );
    stats[2].median
}

fn main() {
    let plan = Plan::from_args();
    println!(
        "casebook intake benchmark ({} mode), SQLite store, {RULES} rules\n",
        plan.mode
    );
    let mut results = Results::default();
    let total = Instant::now();
    let threads: Vec<(usize, f64)> = plan
        .sizes
        .iter()
        .map(|&n| (n, bench_size(&plan, n, &mut results)))
        .collect();
    if let (Some(first), Some(last)) = (threads.first(), threads.last()) {
        if last.0 > first.0 {
            results.add(
                "intake",
                last.0,
                &format!(
                    "reply by thread {}k -> {}k growth",
                    first.0 / 1000,
                    last.0 / 1000
                ),
                last.1 / first.1,
                "x",
            );
        }
    }
    println!("\ntotal {:.1?}", total.elapsed());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&dir).is_ok() {
        let name = match plan.mode {
            "full" => "intake.json",
            "quick" => "intake-quick.json",
            _ => "intake-test.json",
        };
        let _ = std::fs::write(
            dir.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
    let _ = std::fs::remove_dir_all(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-intake"),
    );
}
