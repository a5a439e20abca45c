//! Notification benchmark: `notify_case` of one case with 1,000 linked
//! customers (1,000 e-mails rendered, 1,000 outbound contacts logged, 2,000
//! outbox events, in one transaction), beside its floor measured in the
//! same interleaved runs: logging the same 1,000 outbound contacts with
//! `log_contact`, one call each (what a host does without it, before
//! rendering or queueing anything). In memory and SQLite.
//!
//! ```text
//! cargo bench -p casebook-benches --bench notify              # 7 runs of each
//! cargo bench -p casebook-benches --bench notify -- --quick   # 3 runs
//! ```
//!
//! Without `--bench` (as `cargo test --benches` runs it) it notifies 20
//! customers once. Results go to `target/bench-results/notify*.json`.

use casebook::store::Store;
use casebook::*;
use casebook_benches::measure::{median_time, Results};
use std::path::Path;
use std::sync::Arc;

const TEMPLATE: &str = r#"{"id": "case_update", "name": "Case update", "channel": "email",
  "subject": "Your case {{ case.number }}: {{ case.short_description }}",
  "body": "<p>Dear {{ profile.display_name }},</p><p>Your case {{ case.number }} is now {{ case.status }}.</p><p>Kind regards, {{ agent }}</p>"}"#;

fn engine<S: Store>(store: S) -> Casebook<S> {
    Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .clock(Arc::new(ManualClock::new(
            "2026-03-02T09:00:00Z".parse().expect("instant"),
        )))
        .ids(Arc::new(SeededIds::new(11)))
        .build()
        .expect("engine")
}

/// `customers` profiles with an e-mail address, all linked to one case.
fn seed<S: Store>(cb: &Casebook<S>, customers: usize) -> (String, Vec<(String, String)>) {
    let agent = Actor::new("agent");
    cb.load_response_template(&Actor::new("admin"), TEMPLATE)
        .expect("template");
    let mut links = Vec::with_capacity(customers);
    let mut people = Vec::with_capacity(customers);
    for i in 0..customers {
        let address = format!("customer{i}@example.org");
        let input = ProfileInput {
            given_name: format!("Customer{i}"),
            family_name: "Okafor".into(),
            contact_points: vec![ContactPointInput {
                kind: ContactKind::Email,
                value: address.clone(),
                label: None,
                primary: true,
            }],
            ..ProfileInput::default()
        };
        let p = cb
            .create_profile(
                &agent,
                input,
                CreateOptions {
                    allow_duplicates: true,
                },
            )
            .expect("profile");
        links.push(LinkInput {
            profile: p.customer_id.clone(),
            role: LinkRole::Affected,
        });
        people.push((p.customer_id, address));
    }
    let case = cb
        .create_case(
            &agent,
            CaseInput {
                short_description: "Outage in the north".into(),
                links,
                ..CaseInput::default()
            },
        )
        .expect("case");
    (case.number, people)
}

fn bench<S: Store>(
    name: &str,
    cb: &Casebook<S>,
    customers: usize,
    runs: usize,
    results: &mut Results,
) {
    let (case, people) = seed(cb, customers);
    let agent = Actor::new("agent-7");
    let input = NotifyInput {
        template: "case_update".into(),
        roles: vec![],
    };
    let first = cb.notify_case(&agent, &case, &input).expect("notify");
    assert_eq!(first.sent.len(), customers);
    assert!(first
        .sent
        .iter()
        .any(|m| m.message.body.contains("Dear Customer0 Okafor")));
    // Interleaved: notify, floor, notify, floor, ...
    let mut notify = Vec::new();
    let mut floor = Vec::new();
    for _ in 0..runs {
        notify.push(median_time(1, || {
            let sent = cb.notify_case(&agent, &case, &input).expect("notify");
            std::hint::black_box(sent.sent.len());
        }));
        floor.push(median_time(1, || {
            for (customer_id, address) in &people {
                let contact = ContactInput {
                    profile: Some(customer_id.clone()),
                    cases: vec![case.clone()],
                    summary: "Your case".into(),
                    direction: Direction::Outbound,
                    ..ContactInput::inbound(Channel::Email, address.clone())
                };
                std::hint::black_box(cb.log_contact(&agent, contact).expect("contact"));
            }
        }));
    }
    notify.sort();
    floor.sort();
    let notify = notify[notify.len() / 2].as_secs_f64() * 1e3;
    let floor = floor[floor.len() / 2].as_secs_f64() * 1e3;
    results.add(name, customers, "notify_case median", notify, "ms");
    results.add(
        name,
        customers,
        "floor: log_contact each, median",
        floor,
        "ms",
    );
    results.add(
        name,
        customers,
        "notify / floor",
        notify / floor.max(1e-9),
        "x",
    );
    results.add(
        name,
        customers,
        "µs per message",
        notify * 1e3 / customers as f64,
        "µs",
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, customers, runs) = if !args.iter().any(|a| a == "--bench") {
        ("test", 20, 1)
    } else if args.iter().any(|a| a == "--quick") {
        ("quick", 1_000, 3)
    } else {
        ("full", 1_000, 7)
    };
    println!(
        "casebook notification benchmark ({mode} mode): one case, {customers} linked customers\n"
    );
    let mut results = Results::default();
    bench(
        "notify_memory",
        &engine(MemoryStore::new()),
        customers,
        runs,
        &mut results,
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-notify");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join("notify.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let sqlite = SqliteStore::open_with(
        &path,
        SqliteOptions {
            durability: Durability::Normal,
            ..SqliteOptions::default()
        },
    )
    .expect("sqlite file");
    bench(
        "notify_sqlite",
        &engine(sqlite),
        customers,
        runs,
        &mut results,
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&out).is_ok() {
        let name = match mode {
            "full" => "notify.json",
            "quick" => "notify-quick.json",
            _ => "notify-test.json",
        };
        let _ = std::fs::write(
            out.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
