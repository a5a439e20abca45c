//! Shared fixtures: a deterministic engine over any store, and the example templates.

use casebook::{Casebook, Config, ManualClock, SeededIds, Store};
use jiff::Timestamp;
use std::sync::Arc;

/// The example profile template.
pub const RETAIL_CUSTOMER: &str =
    include_str!("../../core/examples/templates/retail_customer.json");
/// The example case template.
pub const SUPPORT_CASE: &str = include_str!("../../core/examples/templates/support_case.json");

/// The instant every fixture clock starts at.
pub fn start_time() -> Timestamp {
    "2026-03-02T09:00:00Z".parse().expect("valid timestamp")
}

/// A configuration with default region GB.
pub fn config() -> Config {
    Config {
        default_region: Some("GB".into()),
        ..Config::default()
    }
}

/// A deterministic engine (manual clock, seeded ids, region GB) over `store`,
/// with the example templates loaded.
pub fn engine<S: Store>(store: S) -> Casebook<S> {
    let cb = Casebook::builder(store)
        .config(config())
        .clock(Arc::new(ManualClock::new(start_time())))
        .ids(Arc::new(SeededIds::new(42)))
        .build()
        .expect("fixture engine");
    cb.load_template("admin", RETAIL_CUSTOMER)
        .expect("profile template");
    cb.load_template("admin", SUPPORT_CASE)
        .expect("case template");
    cb
}
