//! The Rust side of the recognition benchmark: the same generated data as
//! `bench/bench_recognize.c`, the same lookups, timed on the engine directly.
//!
//! `cargo run --release -p casebook-c --example recognize_baseline -- <profiles> <lookups>`

use casebook::api::{self, EngineOptions};
use casebook::store::Store;
use casebook::{Casebook, Channel, ManualClock, MemoryStore, Recognition, SeededIds};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

const OPTIONS: &str = r#"{"config": {"default_region": "GB"}, "clock": {"start": "2026-01-01T00:00:00Z"}, "id_seed": 1}"#;

fn build<S: Store>(store: S) -> Casebook<S> {
    let host_clock = Arc::new(ManualClock::new(jiff::Timestamp::UNIX_EPOCH));
    EngineOptions::from_json(OPTIONS)
        .and_then(|o| o.build(store, host_clock, Arc::new(SeededIds::new(0))))
        .expect("engine options")
}

fn generate<S: Store>(cb: &Casebook<S>, profiles: u64) {
    let start = Instant::now();
    for i in 0..profiles {
        let input = json!({"given_name": "Caller", "family_name": format!("Number {i}"),
            "contact_points": [{"kind": "phone", "value": format!("+44 71{i:08}")}]});
        api::call(
            cb,
            "create_profile",
            &json!({"by": "bench", "allow_duplicates": true, "input": input}),
        )
        .expect("create_profile");
        if i % 10 == 0 {
            let input = json!({"short_description": format!("Case of caller {i}"),
                "links": [{"profile": format!("C-{:06}", i + 1), "role": "requester"}]});
            api::call(cb, "create_case", &json!({"by": "bench", "input": input}))
                .expect("create_case");
        }
    }
    println!(
        "generated {profiles} profiles through casebook::api::call in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn report(what: &str, mut ns: Vec<f64>) {
    ns.sort_by(f64::total_cmp);
    let at = |q: usize| ns[ns.len() * q / 100] / 1e3;
    println!(
        "{what:<44} median {:7.2} us   p90 {:7.2} us   p99 {:7.2} us",
        at(50),
        at(90),
        at(99)
    );
}

fn time_lookups<S: Store>(what: &str, cb: &Casebook<S>, profiles: u64, lookups: u64) {
    let mut ns = Vec::with_capacity(lookups as usize);
    for i in 0..lookups {
        let number = format!("071{:08}", (i * 7919) % profiles);
        let t0 = Instant::now();
        let recognition = cb.recognize(Channel::Voice, &number).expect("recognize");
        ns.push(t0.elapsed().as_nanos() as f64);
        assert!(matches!(recognition, Recognition::Known { .. }), "{number}");
    }
    report(what, ns);
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let (profiles, lookups) = match args[..] {
        [p, l] if (1..=1_000_000).contains(&p) && l > 0 => (p, l),
        _ => {
            eprintln!("usage: recognize_baseline <profiles (1..1000000)> <lookups>");
            std::process::exit(2);
        }
    };
    let cb = build(MemoryStore::new());
    generate(&cb, profiles);
    println!("{lookups} lookups over {profiles} profiles:");
    time_lookups("Casebook<MemoryStore>::recognize", &cb, profiles, lookups);
    drop(cb);
    // The store type the C handle holds.
    let boxed: Box<dyn Store> = Box::new(MemoryStore::new());
    let cb = build(boxed);
    generate(&cb, profiles);
    time_lookups(
        "Casebook<Box<dyn Store>>::recognize",
        &cb,
        profiles,
        lookups,
    );
}
