//! Shared fixtures: a deterministic engine over any store, the example
//! templates, the inputs the checks build on, and the one seeded random
//! generator every test uses.

use casebook::store::Store;
use casebook::{
    Actor, Case, CaseInput, Casebook, Config, ContactKind, ContactPointInput, CreateOptions,
    LinkInput, LinkRole, ManualClock, Profile, ProfileInput, SeededIds,
};
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

pub use casebook_benches::Rng;

/// The example profile template.
pub const RETAIL_CUSTOMER: &str =
    include_str!("../../core/examples/templates/retail_customer.json");
/// The example case template.
pub const SUPPORT_CASE: &str = include_str!("../../core/examples/templates/support_case.json");

/// Create a profile even if it looks like a duplicate.
pub const ALLOW: CreateOptions = CreateOptions {
    allow_duplicates: true,
};

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
    engine_with(store, config())
}

/// [`engine`] with another configuration.
pub fn engine_with<S: Store>(store: S, config: Config) -> Casebook<S> {
    let cb = Casebook::builder(store)
        .config(config)
        .clock(Arc::new(ManualClock::new(start_time())))
        .ids(Arc::new(SeededIds::new(42)))
        .build()
        .expect("fixture engine");
    cb.load_template(&Actor::new("admin"), RETAIL_CUSTOMER)
        .expect("profile template");
    cb.load_template(&Actor::new("admin"), SUPPORT_CASE)
        .expect("case template");
    cb
}

/// The actor of most fixture operations.
pub fn agent() -> Actor {
    Actor::new("agent")
}

/// Creates a profile as the fixture agent, refusing a probable duplicate.
pub fn add<S: Store>(cb: &Casebook<S>, input: ProfileInput) -> Profile {
    cb.create_profile(&agent(), input, CreateOptions::default())
        .expect("profile created")
}

/// Creates a profile as the fixture agent even if it looks like a duplicate.
pub fn add_anyway<S: Store>(cb: &Casebook<S>, input: ProfileInput) -> Profile {
    cb.create_profile(&agent(), input, ALLOW)
        .expect("profile created")
}

/// Opens a case as the fixture agent.
pub fn open_case<S: Store>(cb: &Casebook<S>, input: CaseInput) -> Case {
    cb.create_case(&agent(), input).expect("case created")
}

/// A contact point of `kind`.
pub fn point(kind: ContactKind, value: &str) -> ContactPointInput {
    ContactPointInput {
        kind,
        value: value.into(),
        label: None,
        primary: false,
    }
}

/// A phone contact point.
pub fn phone(value: &str) -> ContactPointInput {
    point(ContactKind::Phone, value)
}

/// An e-mail contact point.
pub fn email(value: &str) -> ContactPointInput {
    point(ContactKind::Email, value)
}

/// A retail customer with a name.
pub fn person(given: &str, family: &str) -> ProfileInput {
    ProfileInput {
        template: Some("retail_customer".into()),
        given_name: given.into(),
        family_name: family.into(),
        fields: [("segment".to_string(), json!("private"))]
            .into_iter()
            .collect(),
        ..ProfileInput::default()
    }
}

/// A profile on the default template with a name and one e-mail address.
pub fn emailed_person(given: &str, family: &str, email: &str) -> ProfileInput {
    ProfileInput {
        given_name: given.into(),
        family_name: family.into(),
        contact_points: vec![ContactPointInput {
            kind: ContactKind::Email,
            value: email.into(),
            label: None,
            primary: true,
        }],
        ..ProfileInput::default()
    }
}

/// A retail customer with a name, a phone and a date of birth (for identity checks).
pub fn caller(given: &str, family: &str, phone_number: &str, dob: &str) -> ProfileInput {
    ProfileInput {
        date_of_birth: Some(dob.into()),
        contact_points: vec![phone(phone_number)],
        ..person(given, family)
    }
}

/// A support case about `summary`, linked to `links`.
pub fn support_case(summary: &str, links: Vec<LinkInput>) -> CaseInput {
    CaseInput {
        template: Some("support_case".into()),
        short_description: summary.into(),
        fields: [("reason".to_string(), json!("fault"))]
            .into_iter()
            .collect(),
        links,
        ..CaseInput::default()
    }
}

/// A case on the default template about `summary`, linked to `links`.
pub fn plain_case(summary: &str, links: Vec<LinkInput>) -> CaseInput {
    CaseInput {
        short_description: summary.into(),
        links,
        ..CaseInput::default()
    }
}

/// The profile with `customer_id` as the requester of a case.
pub fn requester_id(customer_id: &str) -> LinkInput {
    LinkInput {
        profile: customer_id.into(),
        role: LinkRole::Requester,
    }
}

/// The numbers of the cases a keyword search finds (at most 50).
pub fn case_numbers<S: Store>(cb: &Casebook<S>, words: &str) -> Vec<String> {
    cb.search_cases(words, 50)
        .unwrap()
        .into_iter()
        .map(|c| c.number)
        .collect()
}

/// `profile` as the requester of a case.
pub fn requester(profile: &Profile) -> LinkInput {
    linked(profile, LinkRole::Requester)
}

/// `profile` linked to a case in `role`.
pub fn linked(profile: &Profile, role: LinkRole) -> LinkInput {
    LinkInput {
        profile: profile.customer_id.clone(),
        role,
    }
}

/// Fails the test if the engine finds any broken invariant (its own checks
/// of the records and their indexes, and the store's).
pub fn no_invariant_problems<S: Store>(cb: &Casebook<S>) {
    let problems = cb.check_invariants().expect("invariant check runs");
    assert!(problems.is_empty(), "invariants broken: {problems:?}");
}

/// An engine with a clock the test moves (starting at `start`, not
/// stepping), seeded ids and an office calendar loaded: weekdays 08:00 to
/// 17:00 UTC, id `office`.
pub fn office_engine<S: Store>(
    store: S,
    start: Timestamp,
    seed: u64,
) -> (Casebook<S>, std::sync::Arc<ManualClock>) {
    let clock = std::sync::Arc::new(ManualClock::with_step(start, 0));
    let cb = Casebook::builder(store)
        .config(config())
        .clock(clock.clone())
        .ids(std::sync::Arc::new(SeededIds::new(seed)))
        .build()
        .expect("engine");
    let weekday = json!([{"start": "08:00", "end": "17:00"}]);
    cb.load_calendar(
        &Actor::new("admin"),
        &json!({"id": "office", "name": "Office", "time_zone": "UTC",
                "week": {"monday": weekday, "tuesday": weekday, "wednesday": weekday,
                         "thursday": weekday, "friday": weekday}})
        .to_string(),
    )
    .expect("calendar");
    (cb, clock)
}
