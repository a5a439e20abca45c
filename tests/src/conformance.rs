//! The conformance checks. Each takes a fresh, empty store.
// Expected lists read better as literal arrays than as slices built from references.
#![allow(clippy::cloned_ref_to_slice_refs)]

use crate::fixtures::engine;
use casebook::store::{ReadTx, StoreExt, WriteTx};
use casebook::*;
use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;

fn phone(value: &str) -> ContactPointInput {
    ContactPointInput {
        kind: ContactKind::Phone,
        value: value.into(),
        label: None,
        primary: false,
    }
}

fn email(value: &str) -> ContactPointInput {
    ContactPointInput {
        kind: ContactKind::Email,
        value: value.into(),
        label: None,
        primary: false,
    }
}

fn person(given: &str, family: &str) -> ProfileInput {
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

fn support_case(summary: &str, links: Vec<LinkInput>) -> CaseInput {
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

fn requester(profile: &Profile) -> LinkInput {
    LinkInput {
        profile: profile.customer_id.clone(),
        role: LinkRole::Requester,
    }
}

fn no_invariant_problems<S: Store>(cb: &Casebook<S>) {
    let problems = cb.check_invariants().expect("invariant check runs");
    assert!(problems.is_empty(), "invariants broken: {problems:?}");
}

/// Create, read by id and customer ID, update, read again.
pub fn profile_round_trip<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = person("  Ada ", "Lovelace");
    input.contact_points = vec![phone("020 7946 0958"), email("Ada@Example.ORG")];
    input.accounts = vec!["ACC-1".into()];
    input.date_of_birth = Some("1815-12-10".into());
    input.date_of_birth = Some("1985-12-10".into());
    input.identifications = vec![Identification {
        kind: "passport".into(),
        value: "123 456 789".into(),
        issuer: Some("GB".into()),
    }];
    let created = cb.create_profile("agent", input).unwrap();
    assert_eq!(created.given_name, "Ada");
    assert_eq!(created.version, 1);
    assert_eq!(created.contact_points[0].value, "+442079460958");
    assert!(created.contact_points[0].primary);
    assert_eq!(created.contact_points[1].value, "Ada@example.org");
    assert_eq!(
        created.fields["preferred_language"], "en",
        "default applied"
    );
    assert_eq!(created.template.as_ref().unwrap().version, 1);

    assert_eq!(cb.profile(created.id).unwrap(), created);
    assert_eq!(cb.profile(&created.customer_id).unwrap(), created);
    assert_eq!(
        cb.profile(created.id.to_string().as_str()).unwrap(),
        created
    );
    assert_eq!(
        cb.profile("C-999999").unwrap_err().code(),
        ErrorCode::NotFound
    );

    let mut edit = ProfileInput::from(&created);
    edit.family_name = "King".into();
    edit.fields.insert("notes".into(), json!("Prefers e-mail"));
    let updated = cb.update_profile("agent2", created.id, 1, edit).unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.family_name, "King");
    assert_eq!(updated.updated_by, "agent2");
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(cb.profile(created.id).unwrap(), updated);

    // A validation failure reports every field problem and stores nothing.
    let mut bad = person("", "");
    bad.fields.insert("segment".into(), json!("gold"));
    bad.fields.insert("ni_number".into(), json!("12345"));
    bad.contact_points = vec![phone("not a number")];
    let err = cb.create_profile("agent", bad).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ValidationFailed);
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "family_name",
            "contact_points[0].value",
            "segment",
            "ni_number"
        ]
    );
    assert_eq!(cb.store().read_with(|tx| tx.profile_count()).unwrap(), 1);
    no_invariant_problems(&cb);
}

/// Customer IDs follow the configured format, one after the other.
pub fn customer_ids_are_sequential_and_unique<S: Store>(store: S) {
    let cb = engine(store);
    let ids: Vec<String> = (0..5)
        .map(|i| {
            cb.create_profile("agent", person("P", &format!("Person{i}")))
                .unwrap()
                .customer_id
        })
        .collect();
    assert_eq!(
        ids,
        ["C-000001", "C-000002", "C-000003", "C-000004", "C-000005"]
    );
    // A rejected creation does not consume a number.
    assert!(cb.create_profile("agent", person("", "")).is_err());
    assert_eq!(
        cb.create_profile("agent", person("A", "B"))
            .unwrap()
            .customer_id,
        "C-000006"
    );
}

/// An update against a stale version fails and changes nothing.
pub fn stale_version_is_a_conflict_and_overwrites_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let p = cb
        .create_profile("agent", person("Grace", "Hopper"))
        .unwrap();
    let mut first = ProfileInput::from(&p);
    first.given_name = "Grace B.".into();
    cb.update_profile("a1", p.id, 1, first).unwrap();
    let mut second = ProfileInput::from(&p);
    second.family_name = "Murray".into();
    let err = cb.update_profile("a2", p.id, 1, second).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let now = cb.profile(p.id).unwrap();
    assert_eq!(now.given_name, "Grace B.");
    assert_eq!(now.family_name, "Hopper");
    assert_eq!(now.version, 2);

    let case = cb
        .create_case("agent", support_case("Slow line", vec![requester(&p)]))
        .unwrap();
    cb.set_case_status("a1", case.id, 1, CaseStatus::InProgress, None)
        .unwrap();
    let err = cb
        .set_case_status("a2", case.id, 1, CaseStatus::Cancelled, None)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(cb.case(case.id).unwrap().status, CaseStatus::InProgress);
}

/// Name search: every word matches the start of a name word, ignoring case and accents.
pub fn name_search_is_prefix_case_and_accent_insensitive<S: Store>(store: S) {
    let cb = engine(store);
    let jose = cb
        .create_profile("agent", person("José", "Álvarez"))
        .unwrap();
    let joseph = cb
        .create_profile("agent", person("Joseph", "Alvarez-Smith"))
        .unwrap();
    cb.create_profile("agent", person("Josephine", "Baker"))
        .unwrap();
    let find = |q: &str| -> Vec<String> {
        cb.find_profiles(&ProfileQuery::Name(q.into()), 50)
            .unwrap()
            .into_iter()
            .map(|s| s.customer_id)
            .collect()
    };
    assert_eq!(
        find("jose alvarez"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(
        find("ALVA"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(
        find("álvarez josé"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(find("smith"), [joseph.customer_id.clone()]);
    assert_eq!(find("josephine").len(), 1);
    assert!(find("zed").is_empty());
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name(" ,, ".into()), 10)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name("jo".into()), 2)
            .unwrap()
            .len(),
        2
    );
}

/// E-mail, phone, account, customer ID and identification lookups.
pub fn exact_searches_find_profiles<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = person("Alan", "Turing");
    input.contact_points = vec![phone("+44 161 496 0000"), email("alan.turing@Example.com")];
    input.accounts = vec!["ACC-77".into()];
    input.identifications = vec![Identification {
        kind: "passport".into(),
        value: "P 1234-5678".into(),
        issuer: None,
    }];
    let alan = cb.create_profile("agent", input).unwrap();
    cb.create_profile("agent", person("Other", "Person"))
        .unwrap();
    let one = |q: ProfileQuery| -> Vec<String> {
        cb.find_profiles(&q, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.customer_id)
            .collect()
    };
    let expected = vec![alan.customer_id.clone()];
    assert_eq!(
        one(ProfileQuery::Email("alan.turing@EXAMPLE.COM".into())),
        expected
    );
    assert!(
        one(ProfileQuery::Email("Alan.Turing@example.com".into())).is_empty(),
        "local part is case-sensitive"
    );
    assert_eq!(one(ProfileQuery::Phone("0161 496 0000".into())), expected);
    assert_eq!(one(ProfileQuery::Phone("+441614960000".into())), expected);
    assert_eq!(one(ProfileQuery::Account(" acc-77 ".into())), expected);
    assert_eq!(
        one(ProfileQuery::CustomerId(alan.customer_id.clone())),
        expected
    );
    assert_eq!(
        one(ProfileQuery::Identification {
            kind: "Passport".into(),
            value: "p12345678".into()
        }),
        expected
    );
    assert!(one(ProfileQuery::CustomerId("C-424242".into())).is_empty());
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Phone("hello".into()), 10)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    let summary = &cb
        .find_profiles(&ProfileQuery::Account("ACC-77".into()), 1)
        .unwrap()[0];
    assert_eq!(summary.phone.as_deref(), Some("+441614960000"));
    assert_eq!(summary.email.as_deref(), Some("alan.turing@example.com"));
}

/// Changing a profile's phone moves it in the index: the old number no longer finds it.
pub fn contact_keys_follow_edits<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = person("Mary", "Shelley");
    input.contact_points = vec![phone("020 7946 0001")];
    let p = cb.create_profile("agent", input).unwrap();
    let mut edit = ProfileInput::from(&p);
    edit.contact_points = vec![phone("020 7946 0002")];
    cb.update_profile("agent", p.id, 1, edit).unwrap();
    assert!(cb
        .find_profiles(&ProfileQuery::Phone("02079460001".into()), 5)
        .unwrap()
        .is_empty());
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Phone("02079460002".into()), 5)
            .unwrap()
            .len(),
        1
    );
}

/// A case with links is created whole or not at all.
pub fn case_with_links_is_all_or_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let a = cb.create_profile("agent", person("A", "One")).unwrap();
    let b = cb.create_profile("agent", person("B", "Two")).unwrap();
    let before = cb.export_snapshot().unwrap();
    let bad = support_case(
        "Outage",
        vec![
            requester(&a),
            LinkInput {
                profile: "C-999999".into(),
                role: LinkRole::Affected,
            },
        ],
    );
    assert_eq!(
        cb.create_case("agent", bad).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(cb.export_snapshot().unwrap(), before, "nothing left behind");

    let case = cb
        .create_case(
            "agent",
            support_case(
                "Outage",
                vec![
                    requester(&a),
                    LinkInput {
                        profile: b.id.to_string(),
                        role: LinkRole::Affected,
                    },
                ],
            ),
        )
        .unwrap();
    assert_eq!(
        case.number, "CS0001001",
        "the failed attempt consumed no number"
    );
    let links = cb.case_links(&case.number).unwrap();
    assert_eq!(links.len(), 2);
    assert!(links
        .iter()
        .any(|l| l.profile_id == b.id && l.role == LinkRole::Affected));
    assert_eq!(cb.profile_summary(a.id).unwrap().open_cases, 1);
    // Re-linking changes the role; unlinking removes it.
    cb.link_case("agent", case.id, b.id, LinkRole::Informed)
        .unwrap();
    assert_eq!(cb.case_links(case.id).unwrap().len(), 2);
    cb.unlink_case("agent", case.id, b.id).unwrap();
    assert_eq!(cb.case_links(case.id).unwrap().len(), 1);
    assert_eq!(
        cb.unlink_case("agent", case.id, b.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
    // Validation of case fields reports all problems.
    let mut invalid = support_case("", vec![]);
    invalid.fields.insert("reason".into(), json!("complaint"));
    invalid
        .fields
        .insert("refund_amount".into(), json!("12.345"));
    let err = cb.create_case("agent", invalid).unwrap_err();
    let codes: Vec<(&str, FieldErrorCode)> = err
        .field_errors()
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("short_description", FieldErrorCode::Required),
            ("complaint_summary", FieldErrorCode::Required),
            ("refund_amount", FieldErrorCode::TooManyDecimals),
        ]
    );
    no_invariant_problems(&cb);
}

/// `create_cases` stores exactly what `create_case` one by one would, and a
/// batch with one bad input stores nothing.
pub fn bulk_cases_match_one_by_one<S: Store>(make: &dyn Fn() -> S) {
    let load = |cb: &Casebook<S>| {
        let a = cb.create_profile("agent", person("A", "One")).unwrap();
        let b = cb.create_profile("agent", person("B", "Two")).unwrap();
        let inputs: Vec<CaseInput> = (0..30)
            .map(|i| {
                let (requested, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
                let mut links = vec![requester(requested)];
                if i % 3 == 0 {
                    links.push(LinkInput {
                        profile: other.customer_id.clone(),
                        role: LinkRole::Affected,
                    });
                }
                let mut input = support_case(&format!("router {i} no signal SN{i:05}"), links);
                if i % 10 == 9 {
                    // A parent created earlier in the same batch.
                    input.parent = Some(format!("CS{:07}", 1000 + i));
                }
                input
            })
            .collect();
        (inputs, a)
    };

    let failing = engine(make());
    let (inputs, _) = load(&failing);
    let before = failing.export_snapshot().unwrap();
    let mut unknown_profile = inputs.clone();
    unknown_profile[17].links.push(LinkInput {
        profile: "C-999999".into(),
        role: LinkRole::Affected,
    });
    assert_eq!(
        failing
            .create_cases("loader", unknown_profile)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let mut invalid = inputs.clone();
    invalid[29].short_description.clear();
    assert_eq!(
        failing.create_cases("loader", invalid).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
    assert!(failing
        .create_cases("loader", Vec::new())
        .unwrap()
        .is_empty());
    assert_eq!(
        failing.export_snapshot().unwrap(),
        before,
        "nothing left behind"
    );

    let one = engine(make());
    let (inputs, _) = load(&one);
    for input in inputs.clone() {
        one.create_case("loader", input).unwrap();
    }
    let bulk = engine(make());
    let (_, a) = load(&bulk);
    let cases = bulk.create_cases("loader", inputs).unwrap();
    assert_eq!(cases.len(), 30);
    assert_eq!(cases[0].number, "CS0001001");
    assert_eq!(cases[29].number, "CS0001030");
    assert_eq!(cases[19].parent, Some(cases[18].id));
    assert_eq!(
        bulk.export_snapshot().unwrap(),
        one.export_snapshot().unwrap()
    );
    assert_eq!(bulk.search_cases("router sn0001", 50).unwrap().len(), 10);
    assert_eq!(bulk.profile_summary(a.id).unwrap().open_cases, 20);
    no_invariant_problems(&bulk);
}

/// Status changes follow the state machine; resolving needs notes; reopening clears them.
pub fn case_status_follows_the_state_machine<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = support_case("No dial tone", vec![]);
    input.impact = Some(Level::High);
    input.urgency = Some(Level::Medium);
    let case = cb.create_case("agent", input).unwrap();
    assert_eq!(case.priority, Priority(2));
    assert_eq!(case.status, CaseStatus::New);

    let err = cb
        .set_case_status("agent", case.id, 1, CaseStatus::Closed, None)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IllegalTransition);
    assert_eq!(
        cb.case(case.id).unwrap(),
        case,
        "an illegal move changes nothing"
    );

    let c = cb
        .set_case_status("agent", case.id, 1, CaseStatus::InProgress, None)
        .unwrap();
    let err = cb
        .set_case_status("agent", c.id, c.version, CaseStatus::Resolved, None)
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "resolution_notes");
    let c = cb
        .set_case_status(
            "agent",
            c.id,
            c.version,
            CaseStatus::Resolved,
            Some(ResolutionInput {
                notes: "Replaced the router".into(),
                share_with_requester: true,
            }),
        )
        .unwrap();
    assert!(c.resolution.as_ref().unwrap().share_with_requester);
    let c = cb
        .set_case_status("agent", c.id, c.version, CaseStatus::InProgress, None)
        .unwrap();
    assert!(c.resolution.is_none(), "reopening clears the resolution");
    let c = cb
        .set_case_status("agent", c.id, c.version, CaseStatus::Cancelled, None)
        .unwrap();
    for to in CaseStatus::ALL {
        assert!(cb
            .set_case_status("agent", c.id, c.version, to, None)
            .is_err());
    }
    let statuses: Vec<&str> = c
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::StatusChange)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "new -> in_progress",
            "in_progress -> resolved",
            "resolved -> in_progress",
            "in_progress -> cancelled"
        ]
    );

    let mut edit = CaseInput::from(&c);
    edit.urgency = Some(Level::High);
    let edited = cb.update_case("agent", c.id, c.version, edit).unwrap();
    assert_eq!(edited.priority, Priority(1));
}

/// Keyword search covers descriptions, notes, comments and searchable fields.
pub fn keyword_search_over_cases<S: Store>(store: S) {
    let cb = engine(store);
    let mut first = support_case("Router shows red light", vec![]);
    first.description = "Customer reports intermittent broadband".into();
    first
        .fields
        .insert("device_serial".into(), json!("AB12CD34EF"));
    let first = cb.create_case("agent", first).unwrap();
    let second = cb
        .create_case("agent", support_case("Bill too high", vec![]))
        .unwrap();
    cb.add_case_entry(
        "agent",
        second.id,
        EntryKind::WorkNote,
        "Checked the router tariff",
    )
    .unwrap();
    cb.add_case_entry(
        "agent",
        first.id,
        EntryKind::Comment,
        "Engineer booked for Tuesday",
    )
    .unwrap();

    let numbers = |q: &str| -> Vec<String> {
        cb.search_cases(q, 20)
            .unwrap()
            .into_iter()
            .map(|c| c.number)
            .collect()
    };
    assert_eq!(
        numbers("router"),
        [second.number.clone(), first.number.clone()],
        "newest first"
    );
    assert_eq!(numbers("ROUTER red"), [first.number.clone()]);
    assert_eq!(
        numbers("broadb"),
        [first.number.clone()],
        "last word is a prefix"
    );
    assert_eq!(
        numbers("ab12cd34ef"),
        [first.number.clone()],
        "searchable field"
    );
    assert_eq!(numbers("tuesday"), [first.number.clone()], "comments");
    assert_eq!(numbers("tariff"), [second.number.clone()], "work notes");
    assert_eq!(numbers(&first.number), [first.number.clone()]);
    assert!(numbers("router zebra").is_empty());
    assert_eq!(numbers("router").len(), 2);
    assert_eq!(cb.search_cases("router", 1).unwrap().len(), 1);

    let mut edit = CaseInput::from(&cb.case(first.id).unwrap());
    edit.short_description = "Router fixed".into();
    edit.description = String::new();
    let v = cb.case(first.id).unwrap().version;
    cb.update_case("agent", first.id, v, edit).unwrap();
    assert!(
        numbers("intermittent").is_empty(),
        "old words leave the index"
    );
    assert_eq!(numbers("fixed"), [first.number.clone()]);
    assert_eq!(
        cb.search_cases("  ", 5).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

/// A profile's cases, most urgent first; open only on request.
pub fn cases_of_profile_most_urgent_first<S: Store>(store: S) {
    let cb = engine(store);
    let p = cb.create_profile("agent", person("Lin", "Chen")).unwrap();
    let mk = |summary: &str, impact: Level, urgency: Level| {
        let mut c = support_case(summary, vec![requester(&p)]);
        c.impact = Some(impact);
        c.urgency = Some(urgency);
        cb.create_case("agent", c).unwrap()
    };
    let low = mk("Low", Level::Low, Level::Low);
    let high = mk("High", Level::High, Level::High);
    let mid = mk("Mid", Level::Medium, Level::Medium);
    let order: Vec<String> = cb
        .cases_of_profile(p.id, true)
        .unwrap()
        .into_iter()
        .map(|c| c.case.number)
        .collect();
    assert_eq!(
        order,
        [high.number.clone(), mid.number.clone(), low.number.clone()]
    );
    cb.set_case_status("agent", mid.id, 1, CaseStatus::Cancelled, None)
        .unwrap();
    assert_eq!(cb.cases_of_profile(p.id, true).unwrap().len(), 2);
    assert_eq!(cb.cases_of_profile(p.id, false).unwrap().len(), 3);
}

/// Contact history is most recent first and filters by date range.
pub fn contact_history_order_and_range<S: Store>(store: S) {
    let cb = engine(store);
    let p = cb.create_profile("agent", person("Sam", "Jones")).unwrap();
    let base: Timestamp = "2026-01-01T10:00:00Z".parse().unwrap();
    let mut logged = Vec::new();
    for day in [3i64, 1, 2, 5, 4] {
        let mut input = ContactInput::inbound(Channel::Voice, "020 7946 0958");
        input.started_at = Some(base + jiff::SignedDuration::from_hours(24 * day));
        input.profile = Some(p.customer_id.clone());
        input.summary = format!("day {day}");
        logged.push(cb.log_contact("agent", input).unwrap());
    }
    let days: Vec<String> = cb
        .contact_history(p.id, None, None, 10)
        .unwrap()
        .into_iter()
        .map(|c| c.summary)
        .collect();
    assert_eq!(days, ["day 5", "day 4", "day 3", "day 2", "day 1"]);
    let from = base + jiff::SignedDuration::from_hours(48);
    let to = base + jiff::SignedDuration::from_hours(96);
    let days: Vec<String> = cb
        .contact_history(p.id, Some(from), Some(to), 10)
        .unwrap()
        .into_iter()
        .map(|c| c.summary)
        .collect();
    assert_eq!(days, ["day 3", "day 2"]);
    assert_eq!(cb.contact_history(p.id, None, None, 2).unwrap().len(), 2);
    assert_eq!(
        cb.profile(p.id).unwrap().last_interaction_at,
        Some(base + jiff::SignedDuration::from_hours(120))
    );
    assert_eq!(
        cb.profile(p.id).unwrap().version,
        1,
        "logging a contact is not an edit"
    );
    assert_eq!(
        logged[0].address_key.as_deref(),
        Some("phone:+442079460958")
    );
    let mut bad = ContactInput::inbound(Channel::Voice, "1");
    bad.started_at = Some(base);
    bad.ended_at = Some(base - jiff::SignedDuration::from_hours(1));
    assert_eq!(
        cb.log_contact("agent", bad).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
}

/// By default a contact belongs to at most one case.
pub fn contact_case_association_rule<S: Store>(store: S) {
    let cb = engine(store);
    let p = cb.create_profile("agent", person("Kim", "Lee")).unwrap();
    let c1 = cb
        .create_case("agent", support_case("One", vec![requester(&p)]))
        .unwrap();
    let c2 = cb
        .create_case("agent", support_case("Two", vec![requester(&p)]))
        .unwrap();
    let contact = cb
        .log_contact(
            "agent",
            ContactInput::inbound(Channel::Email, "kim@example.com"),
        )
        .unwrap();
    let contact = cb
        .associate_contact(
            "agent",
            contact.id,
            Some(Ref::Id(p.id)),
            Some(Ref::Key(&c1.number)),
        )
        .unwrap();
    assert_eq!(contact.case_ids, [c1.id]);
    assert_eq!(contact.profile_id, Some(p.id));
    let err = cb
        .associate_contact("agent", contact.id, None, Some(Ref::Id(c2.id)))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidState);
    assert_eq!(
        cb.contact(contact.id).unwrap().case_ids,
        [c1.id],
        "refused association changed nothing"
    );
    assert_eq!(cb.case_contacts(c1.id).unwrap().len(), 1);
    assert!(cb.case_contacts(c2.id).unwrap().is_empty());
    assert_eq!(cb.contact_history(p.id, None, None, 5).unwrap().len(), 1);
    let mut two = ContactInput::inbound(Channel::Voice, "+44 20 7946 0958");
    two.cases = vec![c1.number.clone(), c2.number.clone()];
    assert_eq!(
        cb.log_contact("agent", two).unwrap_err().code(),
        ErrorCode::InvalidState
    );
}

/// Relations are seen from both sides, with each side's tag.
pub fn relations_in_both_directions<S: Store>(store: S) {
    let cb = engine(store);
    let boss = cb.create_profile("agent", person("Pat", "Boss")).unwrap();
    let worker = cb.create_profile("agent", person("Wes", "Worker")).unwrap();
    cb.relate("agent", worker.id, boss.id, "employer", "employee")
        .unwrap();
    let from_worker = cb.related_customers(worker.id).unwrap();
    assert_eq!(from_worker.len(), 1);
    assert_eq!(from_worker[0].profile.id, boss.id);
    assert_eq!(from_worker[0].relationship, "employer");
    let from_boss = cb.related_customers(&boss.customer_id).unwrap();
    assert_eq!(from_boss[0].profile.id, worker.id);
    assert_eq!(from_boss[0].relationship, "employee");
    assert_eq!(
        cb.relate("agent", boss.id, boss.id, "x", "y")
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    cb.unrelate("agent", boss.id, worker.id).unwrap();
    assert!(cb.related_customers(worker.id).unwrap().is_empty());
}

/// A changed template makes a new version; old records stay readable and editable.
pub fn template_versions_keep_old_records_editable<S: Store>(store: S) {
    let cb = engine(store);
    let old = cb.create_profile("agent", person("Old", "Record")).unwrap();
    // Version 2 adds a required field.
    let mut def: serde_json::Value =
        serde_json::from_str(crate::fixtures::RETAIL_CUSTOMER).unwrap();
    def["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "region", "type": "text", "required": true}));
    let v2 = cb.load_template("admin", &def.to_string()).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        cb.load_template("admin", &def.to_string()).unwrap().version,
        2,
        "same definition, same version"
    );
    assert_eq!(cb.templates().unwrap().len(), 3);

    // New profiles use version 2 and need the new field.
    assert_eq!(
        cb.create_profile("agent", person("New", "Record"))
            .unwrap_err()
            .field_errors()[0]
            .field,
        "region"
    );
    // The old record keeps version 1 and stays editable without the new field.
    let mut edit = ProfileInput::from(&old);
    edit.given_name = "Older".into();
    let edited = cb.update_profile("agent", old.id, 1, edit).unwrap();
    assert_eq!(edited.template.as_ref().unwrap().version, 1);
    // Upgrading explicitly applies version 2's rules.
    let mut upgrade = ProfileInput::from(&edited);
    upgrade.template_version = Some(2);
    let err = cb
        .update_profile("agent", old.id, 2, upgrade.clone())
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "region");
    upgrade.fields.insert("region".into(), json!("North"));
    assert_eq!(
        cb.update_profile("agent", old.id, 2, upgrade)
            .unwrap()
            .template
            .unwrap()
            .version,
        2
    );
    // Read-only fields keep their value.
    let mut with_loyalty = person("Loyal", "Customer");
    with_loyalty.fields.insert("region".into(), json!("South"));
    with_loyalty
        .fields
        .insert("loyalty_number".into(), json!("LY12345678"));
    let loyal = cb.create_profile("agent", with_loyalty).unwrap();
    let mut change = ProfileInput::from(&loyal);
    change
        .fields
        .insert("loyalty_number".into(), json!("LY87654321"));
    let err = cb.update_profile("agent", loyal.id, 1, change).unwrap_err();
    assert_eq!(err.field_errors()[0].code, FieldErrorCode::ReadOnly);
    // A case template cannot validate a profile.
    let mut wrong = person("W", "T");
    wrong.template = Some("support_case".into());
    assert_eq!(
        cb.create_profile("agent", wrong).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

/// A write transaction that fails part-way leaves no trace.
pub fn failed_transaction_leaves_store_unchanged<S: Store>(store: S) {
    let cb = engine(store);
    let p = cb.create_profile("agent", person("Keep", "Me")).unwrap();
    let before = cb.export_snapshot().unwrap();
    let err = cb
        .store()
        .write_with(|tx| -> casebook::Result<()> {
            let mut changed = tx.profile(p.id)?.unwrap();
            changed.family_name = "Changed".into();
            tx.put_profile(&changed)?;
            tx.next_sequence("customer_id")?;
            let mut copy = changed.clone();
            copy.id = uuid::Uuid::from_u128(7);
            copy.customer_id = "C-777777".into();
            tx.put_profile(&copy)?;
            Err(Error::InvalidInput("abandon".into()))
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(cb.export_snapshot().unwrap(), before);
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name("changed".into()), 5)
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name("me".into()), 5)
            .unwrap()
            .len(),
        1
    );
}

/// A transaction whose body panics is rolled back and the store stays usable.
pub fn panicking_transaction_leaves_store_unchanged<S: Store>(store: S) {
    let cb = engine(store);
    cb.create_profile("agent", person("Before", "Panic"))
        .unwrap();
    let before = cb.export_snapshot().unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = cb.store().write_with(|tx| -> casebook::Result<()> {
            tx.next_sequence("customer_id")?;
            panic!("bug inside a transaction");
        });
    }));
    assert!(outcome.is_err());
    assert_eq!(cb.export_snapshot().unwrap(), before);
    cb.create_profile("agent", person("After", "Panic"))
        .unwrap();
}

/// Export then import into a fresh store gives the same data.
pub fn snapshot_round_trip<S: Store>(store: S) {
    let cb = engine(casebook::MemoryStore::new());
    let a = cb.create_profile("agent", person("Exp", "Ort")).unwrap();
    let b = cb.create_profile("agent", person("Imp", "Ort")).unwrap();
    let case = cb
        .create_case("agent", support_case("Snapshot me", vec![requester(&a)]))
        .unwrap();
    cb.add_case_entry("agent", case.id, EntryKind::Comment, "kept in the snapshot")
        .unwrap();
    let mut contact = ContactInput::inbound(Channel::Voice, "+44 20 7946 0958");
    contact.profile = Some(a.customer_id.clone());
    contact.cases = vec![case.number.clone()];
    cb.log_contact("agent", contact).unwrap();
    cb.relate("agent", a.id, b.id, "spouse", "spouse").unwrap();
    let exported = cb.export_snapshot().unwrap();

    let target = casebook::Casebook::builder(store)
        .config(crate::fixtures::config())
        .build()
        .unwrap();
    target.import_snapshot(&exported).unwrap();
    assert_eq!(target.export_snapshot().unwrap(), exported);
    assert_eq!(target.search_cases("snapshot", 5).unwrap().len(), 1);
    assert_eq!(target.search_cases("kept", 5).unwrap().len(), 1);
    // Importing twice is refused; a snapshot of another format too.
    assert_eq!(
        target.import_snapshot(&exported).unwrap_err().code(),
        ErrorCode::InvalidState
    );
    let mut future = exported.clone();
    future.format = 99;
    let empty = casebook::Casebook::builder(casebook::MemoryStore::new())
        .build()
        .unwrap();
    assert_eq!(
        empty.import_snapshot(&future).unwrap_err().code(),
        ErrorCode::IncompatibleVersion
    );
    // New numbers continue after the imported ones.
    let c = target
        .create_profile("agent", person("Next", "One"))
        .unwrap();
    assert_eq!(c.customer_id, "C-000003");
}

/// Unknown caller, one profile, a shared household number.
pub fn recognition_outcomes<S: Store>(store: S) {
    let cb = engine(store);
    match cb.recognize(Channel::Voice, "0113 496 0123").unwrap() {
        Recognition::Unknown { draft, key } => {
            assert_eq!(key.as_deref(), Some("phone:+441134960123"));
            assert_eq!(draft.contact_points.len(), 1);
            assert_eq!(draft.contact_points[0].value, "+441134960123");
            assert_eq!(draft.contact_points[0].kind, ContactKind::Phone);
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    let mut one = person("Solo", "Caller");
    one.contact_points = vec![phone("+44 113 496 0123")];
    let solo = cb.create_profile("agent", one).unwrap();
    let case = cb
        .create_case("agent", support_case("Open issue", vec![requester(&solo)]))
        .unwrap();
    match cb.recognize(Channel::Voice, "+441134960123").unwrap() {
        Recognition::Known {
            profile,
            open_cases,
            ..
        } => {
            assert_eq!(profile.id, solo.id);
            assert_eq!(open_cases[0].id, case.id);
        }
        other => panic!("expected one profile, got {other:?}"),
    }
    let mut household = Vec::new();
    for given in ["Ann", "Bob"] {
        let mut input = person(given, "Household");
        input.contact_points = vec![phone("0113 496 0999")];
        household.push(cb.create_profile("agent", input).unwrap());
    }
    match cb.recognize(Channel::Voice, "(0113) 496-0999").unwrap() {
        Recognition::Several { candidates } => {
            let mut ids: Vec<_> = candidates.iter().map(|c| c.id).collect();
            ids.sort();
            let mut expected: Vec<_> = household.iter().map(|p| p.id).collect();
            expected.sort();
            assert_eq!(ids, expected);
        }
        other => panic!("expected several, got {other:?}"),
    }
    match cb.recognize(Channel::Email, "someone@example.org").unwrap() {
        Recognition::Unknown { draft, .. } => {
            assert_eq!(draft.contact_points[0].kind, ContactKind::Email)
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    assert!(matches!(
        cb.recognize(Channel::Voice, "anonymous").unwrap(),
        Recognition::Unknown { key: None, .. }
    ));
}

/// Two threads editing the same version: exactly one wins.
pub fn concurrent_edits_conflict<S: Store + 'static>(store: S) {
    let cb = Arc::new(engine(store));
    let p = cb
        .create_profile("agent", person("Race", "Condition"))
        .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let cb = cb.clone();
            let p = p.clone();
            std::thread::spawn(move || {
                let mut edit = ProfileInput::from(&p);
                edit.given_name = format!("Writer{i}");
                cb.update_profile(&format!("agent{i}"), p.id, 1, edit)
            })
        })
        .collect();
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(wins, 1);
    assert!(outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .all(|e| e.code() == ErrorCode::Conflict));
    let winner = outcomes.into_iter().find_map(|o| o.ok()).unwrap();
    assert_eq!(cb.profile(p.id).unwrap(), winner);
}

/// Property: every formatting of a stored UK number finds the profile.
pub fn phone_formats_find_the_same_profile<S: Store>(store: S) {
    let cb = engine(store);
    let numbers = [
        "+442079460958",
        "+441614960000",
        "+447911123456",
        "+441134960555",
    ];
    let mut ids = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        let mut input = person("Phone", &format!("Owner{i}"));
        input.contact_points = vec![phone(n)];
        ids.push(cb.create_profile("agent", input).unwrap().id);
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
    runner
        .run(
            &(0..numbers.len(), 0usize..6, any::<bool>(), "[ .-]{0,1}"),
            |(i, style, parens, sep)| {
                let national = format!("0{}", &numbers[i][3..]);
                let digits = &numbers[i][3..];
                let (area, rest) = digits.split_at(if digits.starts_with('7') {
                    4
                } else {
                    2 + usize::from(digits.starts_with('1'))
                });
                let area = if parens {
                    format!("({area})")
                } else {
                    area.to_string()
                };
                let written = match style {
                    0 => numbers[i].to_string(),
                    1 => national.clone(),
                    2 => format!("+44{sep}{area}{sep}{rest}"),
                    3 => format!("0044{sep}{area}{sep}{rest}"),
                    4 => format!("0{area}{sep}{rest}").replace("0(", "(0"),
                    _ => format!("tel:+44-{}", digits),
                };
                let found: Vec<_> = cb
                    .find_profiles(&ProfileQuery::Phone(written.clone()), 5)
                    .map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                prop_assert_eq!(found, vec![ids[i]], "{}", written);
                Ok(())
            },
        )
        .unwrap();
}

#[derive(Debug, Clone)]
enum Step {
    NewProfile(u8),
    EditProfile(u8),
    Sequence,
    NewCase(u8),
    Link(u8, u8),
    Unlink(u8, u8),
    Relate(u8, u8),
    Contact(u8),
    Audit,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<u8>().prop_map(Step::NewProfile),
        any::<u8>().prop_map(Step::EditProfile),
        Just(Step::Sequence),
        any::<u8>().prop_map(Step::NewCase),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::Link(a, b)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::Unlink(a, b)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::Relate(a, b)),
        any::<u8>().prop_map(Step::Contact),
        Just(Step::Audit),
    ]
}

fn apply(tx: &mut dyn WriteTx, steps: &[Step], base: &casebook::Snapshot) -> casebook::Result<()> {
    let at = crate::fixtures::start_time();
    let pick_profile = |tx: &dyn ReadTx, n: u8| -> casebook::Result<Option<Profile>> {
        let ids = tx.profile_ids(None, 1000)?;
        if ids.is_empty() {
            return Ok(None);
        }
        tx.profile(ids[n as usize % ids.len()])
    };
    let pick_case = |n: u8| {
        base.cases
            .get(n as usize % base.cases.len().max(1))
            .cloned()
    };
    for (i, s) in steps.iter().enumerate() {
        let fresh = uuid::Uuid::from_u128(0xF000_0000 + i as u128);
        match s {
            Step::NewProfile(n) => {
                let mut p = base.profiles[0].clone();
                p.id = fresh;
                p.customer_id = format!("X-{i}-{n}");
                p.family_name = format!("Fam{n}");
                p.contact_points.clear();
                tx.put_profile(&p)?;
            }
            Step::EditProfile(n) => {
                if let Some(mut p) = pick_profile(tx, *n)? {
                    p.given_name = format!("Edited{n}");
                    p.accounts = vec![format!("ACC{n}")];
                    p.version += 1;
                    tx.put_profile(&p)?;
                }
            }
            Step::Sequence => {
                tx.next_sequence("customer_id")?;
            }
            Step::NewCase(n) => {
                if let Some(mut c) = pick_case(*n) {
                    c.id = fresh;
                    c.number = format!("Y{i}");
                    tx.put_case(&c, &format!("random words {n}"))?;
                }
            }
            Step::Link(a, b) => {
                if let (Some(p), Some(c)) = (pick_profile(tx, *a)?, pick_case(*b)) {
                    tx.put_link(&CaseLink {
                        case_id: c.id,
                        profile_id: p.id,
                        role: LinkRole::Affected,
                        linked_at: at,
                        linked_by: "prop".into(),
                    })?;
                }
            }
            Step::Unlink(a, b) => {
                if let (Some(p), Some(c)) = (pick_profile(tx, *a)?, pick_case(*b)) {
                    tx.delete_link(c.id, p.id)?;
                }
            }
            Step::Relate(a, b) => {
                if let (Some(x), Some(y)) = (pick_profile(tx, *a)?, pick_profile(tx, *b)?) {
                    if x.id != y.id {
                        tx.put_relation(&Relation {
                            a: x.id,
                            b: y.id,
                            a_to_b: "x".into(),
                            b_to_a: "y".into(),
                            created_at: at,
                            created_by: "prop".into(),
                        })?;
                    }
                }
            }
            Step::Contact(n) => {
                let mut c = base.contacts[0].clone();
                c.id = fresh;
                c.summary = format!("c{n}");
                tx.put_contact(&c)?;
            }
            Step::Audit => tx.append_audit(&AuditEntry {
                id: fresh,
                at,
                actor: "prop".into(),
                action: "test".into(),
                subjects: vec![],
                details: json!({}),
            })?,
        }
    }
    Ok(())
}

/// Property: any sequence of writes followed by a failure leaves the store unchanged.
pub fn random_failed_transactions_change_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let a = cb.create_profile("agent", person("Base", "One")).unwrap();
    let b = cb.create_profile("agent", person("Base", "Two")).unwrap();
    let case = cb
        .create_case("agent", support_case("Base case", vec![requester(&a)]))
        .unwrap();
    cb.relate("agent", a.id, b.id, "friend", "friend").unwrap();
    let mut contact = ContactInput::inbound(Channel::Voice, "+442079460958");
    contact.profile = Some(a.customer_id.clone());
    contact.cases = vec![case.number.clone()];
    cb.log_contact("agent", contact).unwrap();
    let base = cb.export_snapshot().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(&proptest::collection::vec(step(), 1..12), |steps| {
            let err = cb
                .store()
                .write_with(|tx| {
                    apply(tx, &steps, &base)?;
                    Err::<(), _>(Error::InvalidInput("roll back".into()))
                })
                .unwrap_err();
            prop_assert_eq!(err.code(), ErrorCode::InvalidInput);
            let after = cb
                .export_snapshot()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&after, &base);
            // Indexes were rolled back too, not only the records.
            prop_assert_eq!(
                cb.search_cases("random", 10)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?
                    .len(),
                0
            );
            prop_assert_eq!(
                cb.find_profiles(&ProfileQuery::Name("edited".into()), 10)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?
                    .len(),
                0
            );
            Ok(())
        })
        .unwrap();
}

/// A bulk import commits in batches, reports rejected rows, and leaves
/// every imported profile findable through the store's indexes.
pub fn bulk_import_in_batches<S: Store>(store: S) {
    let cb = engine(store);
    let mut lines = String::new();
    for i in 0..250u32 {
        if i % 50 == 7 {
            lines.push_str("{\"given_name\": \"Bad\", \"family_name\": \"Row\", \"fields\": {\"segment\": \"vip\"}}\n");
            continue;
        }
        let input = ProfileInput {
            contact_points: vec![phone(&format!("+44 7911 {:06}", 100_000 + i))],
            ..person(&format!("Given{i}"), "Imported")
        };
        lines.push_str(&serde_json::to_string(&input).expect("serializable"));
        lines.push('\n');
    }
    let options = ImportOptions {
        batch_size: 100,
        ..ImportOptions::new("migration")
    };
    let mut batches = Vec::new();
    let report = cb
        .import_profiles(
            lines.as_bytes(),
            &ImportFormat::JsonLines,
            &options,
            Some(&mut |p: &ImportProgress| batches.push(p.rows)),
        )
        .expect("import runs");
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (250, 245, 5)
    );
    assert_eq!(batches, [100, 200, 250]);
    assert_eq!(
        report.rejections.iter().map(|r| r.row).collect::<Vec<_>>(),
        [8, 58, 108, 158, 208]
    );
    assert_eq!(cb.store().read_with(|tx| tx.profile_count()).unwrap(), 245);
    match cb.recognize(Channel::Voice, "07911 100249").unwrap() {
        Recognition::Known { summary, .. } => {
            assert_eq!(summary.display_name, "Given249 Imported");
            assert_eq!(summary.customer_id, "C-000245");
        }
        other => panic!("expected one profile, got {other:?}"),
    }
    let found = cb
        .find_profiles(&ProfileQuery::Name("given24".into()), 50)
        .unwrap();
    assert_eq!(found.len(), 11);
    assert_eq!(cb.check_invariants().unwrap(), Vec::<String>::new());
}
