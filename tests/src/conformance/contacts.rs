//! Contacts and recognition: history, the one-case rule, and the three
//! outcomes of a screen pop.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use jiff::Timestamp;

/// Contact history is most recent first and filters by date range.
pub fn contact_history_order_and_range<S: Store>(store: S) {
    let cb = engine(store);
    let p = add(&cb, person("Sam", "Jones"));
    let base: Timestamp = "2026-01-01T10:00:00Z".parse().unwrap();
    let mut logged = Vec::new();
    for day in [3i64, 1, 2, 5, 4] {
        let mut input = ContactInput::inbound(Channel::Voice, "020 7946 0958");
        input.started_at = Some(base + jiff::SignedDuration::from_hours(24 * day));
        input.profile = Some(p.customer_id.clone());
        input.summary = format!("day {day}");
        logged.push(cb.log_contact(&agent(), input).unwrap());
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
        cb.log_contact(&agent(), bad).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
}

/// By default a contact belongs to at most one case.
pub fn contact_case_association_rule<S: Store>(store: S) {
    let cb = engine(store);
    let p = add(&cb, person("Kim", "Lee"));
    let c1 = open_case(&cb, support_case("One", vec![requester(&p)]));
    let c2 = open_case(&cb, support_case("Two", vec![requester(&p)]));
    let contact = cb
        .log_contact(
            &agent(),
            ContactInput::inbound(Channel::Email, "kim@example.com"),
        )
        .unwrap();
    let contact = cb
        .associate_contact(
            &agent(),
            contact.id,
            Some(Ref::Id(p.id)),
            Some(Ref::Key(&c1.number)),
        )
        .unwrap();
    assert_eq!(contact.case_ids, [c1.id]);
    assert_eq!(contact.profile_id, Some(p.id));
    let err = cb
        .associate_contact(&agent(), contact.id, None, Some(Ref::Id(c2.id)))
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
        cb.log_contact(&agent(), two).unwrap_err().code(),
        ErrorCode::InvalidState
    );
}

/// Unknown caller, one profile, a shared household number.
pub fn recognition_outcomes<S: Store>(store: S) {
    let cb = engine(store);
    match cb.recognize(Channel::Voice, "0113 496 0123").unwrap() {
        Recognition::Unknown { draft, key, .. } => {
            assert_eq!(key.as_deref(), Some("phone:+441134960123"));
            assert_eq!(draft.contact_points.len(), 1);
            assert_eq!(draft.contact_points[0].value, "+441134960123");
            assert_eq!(draft.contact_points[0].kind, ContactKind::Phone);
        }
        other => panic!("expected unknown, got {other:?}"),
    }
    let mut one = person("Solo", "Caller");
    one.contact_points = vec![phone("+44 113 496 0123")];
    let solo = add(&cb, one);
    let case = open_case(&cb, support_case("Open issue", vec![requester(&solo)]));
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
        household.push(add(&cb, input));
    }
    match cb.recognize(Channel::Voice, "(0113) 496-0999").unwrap() {
        Recognition::Several { candidates, .. } => {
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
