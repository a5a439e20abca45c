//! Routing benchmark: the decision of 200 routing rules for a new case (the
//! last rule matching, so every rule is tried), and opening a case with
//! those rules loaded beside opening the same case with no rules, both on
//! an in-memory store in the same rounds (what routing adds to
//! `create_case`).
//!
//! ```text
//! cargo bench -p casebook-benches --bench routing             # 20,000 calls x 5 rounds
//! cargo bench -p casebook-benches --bench routing -- --quick  # 2,000 calls x 3 rounds
//! ```
//!
//! Run without `--bench` (as `cargo test --benches` does) it makes few
//! calls. Results go to `target/bench-results/routing*.json`.

use casebook::*;
use casebook_benches::measure::{race, Contender, Results};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// Rules loaded: 199 that the benchmark's cases do not match, then one that does.
const RULES: usize = 200;

/// 200 rules as a contact centre writes them: a queue per product and
/// channel, some by custom field, the last by category.
fn rules_json() -> String {
    let mut rules: Vec<serde_json::Value> = (0..RULES - 1)
        .map(|i| {
            let mut when = json!({"products": [format!("product-{i}"), format!("model {i}")]});
            if i % 2 == 0 {
                when["channels"] = json!(["voice", "chat"]);
            }
            if i % 3 == 0 {
                when["fields"] = json!({"tier": ["gold", "platinum"]});
            }
            json!({"name": format!("product-{i}"), "when": when,
                   "route": {"support_group": format!("queue-{i}")}})
        })
        .collect();
    rules.push(
        json!({"name": "broadband", "when": {"categories": ["broadband"], "priorities": [3, 4, 5]},
                      "route": {"support_group": "network", "priority": 3}}),
    );
    json!({ "rules": rules }).to_string()
}

fn engine() -> Casebook<MemoryStore> {
    Casebook::builder(MemoryStore::new())
        .clock(Arc::new(ManualClock::new(
            "2026-03-02T09:00:00Z".parse().expect("instant"),
        )))
        .ids(Arc::new(SeededIds::new(5)))
        .build()
        .expect("engine")
}

fn input(i: usize) -> CaseInput {
    CaseInput {
        short_description: format!("Broadband {i} drops every hour"),
        category: Some("Broadband".into()),
        product: Some("fibre-500".into()),
        channel: Some(Channel::Voice),
        ..CaseInput::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, calls, rounds) = if !args.iter().any(|a| a == "--bench") {
        ("test", 200, 1)
    } else if args.iter().any(|a| a == "--quick") {
        ("quick", 2_000, 3)
    } else {
        ("full", 20_000, 5)
    };
    println!("casebook routing benchmark ({mode} mode), {RULES} rules\n");
    let admin = Actor::new("admin");
    let routed = engine();
    routed
        .load_routing_rules(&admin, &rules_json())
        .expect("rules load");
    let unrouted = engine();
    let def = RoutingRulesDef::from_json(&rules_json()).expect("rules");
    let compiled = RoutingRules::new(def, &|_| true).expect("rules compile");
    let fields: Fields = [("tier".to_string(), json!("basic"))].into_iter().collect();

    let inputs: Vec<usize> = (0..calls).collect();
    let mut contenders = vec![
        Contender::new("routing decision (200 rules)", |&i: &usize| {
            let facts = RoutingFacts {
                channel: Some(Channel::Voice),
                category: Some("Broadband"),
                product: Some(if i % 2 == 0 { "fibre-500" } else { "Fibre-500" }),
                campaign: None,
                template: None,
                impact: Level::Low,
                urgency: Level::Low,
                priority: Priority(5),
                fields: &fields,
            };
            let decision = compiled.decide(&facts).expect("the last rule matches");
            decision.support_group.len()
        }),
        Contender::new("create_case, no rules (floor)", |&i: &usize| {
            let case = unrouted.create_case(&admin, input(i)).expect("case");
            case.number.len()
        }),
        Contender::new("create_case, routed by 200 rules", |&i: &usize| {
            let case = routed.create_case(&admin, input(i)).expect("case");
            assert_eq!(case.support_group.as_deref(), Some("network"));
            case.number.len()
        }),
    ];
    let stats = race(&inputs, rounds, &mut contenders);
    drop(contenders);
    let mut results = Results::default();
    for (name, s) in [
        "routing decision (200 rules)",
        "create_case, no rules (floor)",
        "create_case, routed by 200 rules",
    ]
    .iter()
    .zip(&stats)
    {
        results.add_stats("routing", RULES, name, *s);
    }
    let floor = stats[1].median.max(1.0);
    results.add(
        "routing",
        RULES,
        "routed create_case / create_case",
        stats[2].median / floor,
        "x",
    );
    results.add(
        "routing",
        RULES,
        "decision / create_case",
        stats[0].median / floor,
        "x",
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&dir).is_ok() {
        let name = match mode {
            "full" => "routing.json",
            "quick" => "routing-quick.json",
            _ => "routing-test.json",
        };
        let _ = std::fs::write(
            dir.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
}
