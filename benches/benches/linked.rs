//! Customer-card benchmark: the card of an interaction for a customer in a
//! household of 5, each with 50 linked CRM records (and a case with 50 of
//! its own), beside its floor measured in the same interleaved rounds:
//! reading the same records (the contact, the 5 profiles and the case) one
//! by one, which is what the card cannot do without. In memory and SQLite.
//!
//! ```text
//! cargo bench -p casebook-benches --bench linked              # 5 rounds of 2,000 cards
//! cargo bench -p casebook-benches --bench linked -- --quick
//! ```
//!
//! Without `--bench` (as `cargo test --benches` runs it) it takes a few
//! calls. Results go to `target/bench-results/linked*.json`.

use casebook::store::Store;
use casebook::*;
use casebook_benches::measure::{race, Contender, Results};
use std::path::Path;
use std::sync::Arc;

const HOUSEHOLD: usize = 5;
const RECORDS: usize = 50;

fn engine<S: Store>(store: S) -> Casebook<S> {
    Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .clock(Arc::new(ManualClock::new(
            "2026-03-02T09:00:00Z".parse().expect("instant"),
        )))
        .ids(Arc::new(SeededIds::new(5)))
        .build()
        .expect("engine")
}

/// A household of 5 with 50 records each, a case with 50, a call: the ids to read.
fn seed<S: Store>(cb: &Casebook<S>) -> (String, Vec<uuid::Uuid>, uuid::Uuid) {
    let agent = Actor::new("agent");
    let members: Vec<Profile> = (0..HOUSEHOLD)
        .map(|i| {
            let input = ProfileInput {
                given_name: format!("Member{i}"),
                family_name: "Okafor".into(),
                contact_points: vec![ContactPointInput {
                    kind: ContactKind::Phone,
                    value: format!("+44 20 7946 01{i:02}"),
                    label: None,
                    primary: true,
                }],
                ..ProfileInput::default()
            };
            cb.create_profile(
                &agent,
                input,
                CreateOptions {
                    allow_duplicates: true,
                },
            )
            .expect("profile")
        })
        .collect();
    for other in &members[1..] {
        let relation = RelationInput::new(
            &members[0].customer_id,
            &other.customer_id,
            "household",
            "household",
        );
        cb.relate(&agent, relation).expect("relation");
    }
    let record = |kind: &str, i: usize, owner: usize| ExternalRef {
        system: "salesforce".into(),
        record_type: kind.into(),
        external_id: format!("{owner:02}{i:04}"),
        display_name: Some(format!("{kind} {i} of member {owner}")),
        url: Some(format!("https://crm.example.com/{owner:02}{i:04}")),
        synced_at: None,
    };
    for (owner, member) in members.iter().enumerate() {
        let target = Target::Profile(member.customer_id.clone());
        for i in 0..RECORDS {
            let kind = ["contact", "lead", "opportunity", "account", "task"][i % 5];
            cb.link_external_record(&agent, &target, record(kind, i, owner))
                .expect("link");
        }
    }
    let case = cb
        .create_case(
            &agent,
            CaseInput {
                short_description: "Line down".into(),
                links: vec![LinkInput {
                    profile: members[0].customer_id.clone(),
                    role: LinkRole::Requester,
                }],
                ..CaseInput::default()
            },
        )
        .expect("case");
    for i in 0..RECORDS {
        cb.link_external_record(
            &agent,
            &Target::Case(case.number.clone()),
            record("case", i, 9),
        )
        .expect("case link");
    }
    let mut call = ContactInput::inbound(Channel::Voice, "+44 20 7946 0100");
    call.profile = Some(members[0].customer_id.clone());
    call.cases = vec![case.number.clone()];
    let contact = cb.log_contact(&agent, call).expect("contact");
    (
        contact.id.to_string(),
        members.iter().map(|m| m.id).collect(),
        case.id,
    )
}

fn bench<S: Store>(
    name: &str,
    cb: &Casebook<S>,
    rounds: usize,
    calls: usize,
    results: &mut Results,
) {
    let (contact, members, case) = seed(cb);
    let card = cb.customer_card(&contact).expect("card");
    assert_eq!(card.records.len(), HOUSEHOLD * RECORDS + RECORDS);
    let inputs: Vec<usize> = (0..calls).collect();
    let mut contenders = vec![
        Contender::new("customer card", |_: &usize| {
            cb.customer_card(&contact).expect("card").records.len()
        }),
        Contender::new(
            "floor: contact, 5 profiles and the case read",
            |_: &usize| {
                let mut n = cb
                    .contact(contact.as_str())
                    .expect("contact")
                    .external_records
                    .len();
                for id in &members {
                    n += cb.profile(*id).expect("profile").external_records.len();
                }
                n + cb.case(case).expect("case").external_records.len()
            },
        ),
    ];
    let stats = race(&inputs, rounds, &mut contenders);
    drop(contenders);
    let records = (HOUSEHOLD * RECORDS + RECORDS) as f64;
    results.add_stats(name, HOUSEHOLD, "customer card (300 records)", stats[0]);
    results.add_stats(name, HOUSEHOLD, "floor (the records read by id)", stats[1]);
    results.add(
        name,
        HOUSEHOLD,
        "card / floor",
        stats[0].median / stats[1].median.max(1.0),
        "x",
    );
    results.add(
        name,
        HOUSEHOLD,
        "ns per record on the card",
        stats[0].median / records,
        "ns",
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, rounds, calls) = if !args.iter().any(|a| a == "--bench") {
        ("test", 1, 20)
    } else if args.iter().any(|a| a == "--quick") {
        ("quick", 3, 500)
    } else {
        ("full", 5, 2_000)
    };
    println!("casebook customer-card benchmark ({mode} mode): household of {HOUSEHOLD}, {RECORDS} records each\n");
    let mut results = Results::default();
    bench(
        "card_memory",
        &engine(MemoryStore::new()),
        rounds,
        calls,
        &mut results,
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-linked");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join("card.db");
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
    bench("card_sqlite", &engine(sqlite), rounds, calls, &mut results);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&out).is_ok() {
        let name = match mode {
            "full" => "linked.json",
            "quick" => "linked-quick.json",
            _ => "linked-test.json",
        };
        let _ = std::fs::write(
            out.join(name),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
