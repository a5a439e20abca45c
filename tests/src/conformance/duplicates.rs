//! Duplicate detection: the warning on create, explained candidates, and
//! the whole-store report.

use crate::fixtures::*;
use casebook::store::{Store, StoreExt};
use casebook::*;

/// A strong match is refused with the candidates listed, unless overridden.
pub fn duplicate_warning_on_create<S: Store>(store: S) {
    let cb = engine(store);
    let mut first = caller("Jonathan", "Smith", "07123 456789", "1980-02-03");
    first
        .contact_points
        .push(point(ContactKind::Email, "jon.smith@example.com"));
    let original = add(&cb, first);
    let mut again = caller("Jonathon", "Smith", "+44 7123 456789", "1980-02-03");
    again
        .contact_points
        .push(point(ContactKind::Email, "JON.SMITH@example.com"));
    let err = cb
        .create_profile(&agent(), again.clone(), CreateOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::DuplicateSuspected);
    let json = err.to_json();
    assert_eq!(
        json["candidates"][0]["profile"]["customer_id"],
        original.customer_id.as_str()
    );
    assert!(json["candidates"][0]["score"].as_f64().unwrap() >= 0.8);
    assert_eq!(
        cb.store().read_with(|tx| tx.profile_count()).unwrap(),
        1,
        "nothing created"
    );
    let forced = add_anyway(&cb, again);
    assert_ne!(forced.customer_id, original.customer_id);
    // A household member sharing the landline is not a duplicate.
    add(&cb, caller("Mary", "Smith", "07123 456789", "1982-07-01"));
}

/// Candidates are ranked, with explainable reasons; drafts can be checked before creation.
pub fn duplicate_candidates_explain_themselves<S: Store>(store: S) {
    let cb = engine(store);
    let a = add(
        &cb,
        caller("Robert", "Marley", "07111 222333", "1945-02-06"),
    );
    let b = add_anyway(&cb, caller("Bob", "Marley", "07999 000111", "1945-02-06"));
    let c = add_anyway(
        &cb,
        caller("Marley", "Robert", "07111 222333", "1945-02-06"),
    );
    add(
        &cb,
        caller("Unrelated", "Person", "07555 666777", "1990-01-01"),
    );
    let candidates = cb.duplicate_candidates(a.id).unwrap();
    let ids: Vec<_> = candidates.iter().map(|c| c.profile.id).collect();
    assert!(
        ids.contains(&b.id) && ids.contains(&c.id),
        "{candidates:#?}"
    );
    assert!(candidates.windows(2).all(|w| w[0].score >= w[1].score));
    let nickname = candidates.iter().find(|x| x.profile.id == b.id).unwrap();
    assert!(nickname
        .reasons
        .iter()
        .any(|r| r.field == MatchField::Name && r.agrees));
    assert!(nickname
        .reasons
        .iter()
        .any(|r| r.field == MatchField::DateOfBirth && r.agrees));
    let swapped = candidates.iter().find(|x| x.profile.id == c.id).unwrap();
    assert!(swapped
        .reasons
        .iter()
        .any(|r| r.field == MatchField::SwappedName));
    assert!(swapped
        .reasons
        .iter()
        .any(|r| r.field == MatchField::Phone && r.agrees));
    assert!(swapped.reasons.iter().all(|r| !r.detail.is_empty()));

    let draft = ProfileInput {
        given_name: "Rob".into(),
        family_name: "Marley".into(),
        contact_points: vec![point(ContactKind::Phone, "07111222333")],
        ..ProfileInput::default()
    };
    let for_draft = cb.duplicate_candidates_for_draft(&draft).unwrap();
    assert_eq!(for_draft[0].profile.id, a.id);
}

/// The whole-store report clusters duplicates and leaves others alone.
pub fn duplicate_report_clusters<S: Store>(store: S) {
    let cb = engine(store);
    let mut ids = Vec::new();
    for (given, family, phone, dob) in [
        ("Alice", "Walker", "07123 000001", "1970-01-01"),
        ("Alicia", "Walker", "07123 000001", "1970-01-01"),
        ("Walker", "Alice", "07123 000001", "1970-01-01"),
        ("Brian", "Cox", "07123 000002", "1968-03-03"),
        ("Brian", "Cox", "07123 000003", "1968-03-03"),
        ("Carla", "Diaz", "07123 000004", "1990-04-04"),
    ] {
        ids.push(add_anyway(&cb, caller(given, family, phone, dob)).customer_id);
    }
    let report = cb.duplicate_report().unwrap();
    assert_eq!(report.profiles_scanned, 6);
    let clusters: Vec<Vec<String>> = report
        .clusters
        .iter()
        .map(|c| c.members.iter().map(|m| m.customer_id.clone()).collect())
        .collect();
    assert_eq!(clusters.len(), 2, "{clusters:?}");
    assert!(clusters.contains(&ids[0..3].to_vec()));
    assert!(clusters.contains(&ids[3..5].to_vec()));
    assert!(
        report.comparisons < 15,
        "blocking compares fewer than all {} pairs",
        15
    );
    assert!(report.clusters[0]
        .pairs
        .iter()
        .all(|p| p.score >= 0.6 && !p.reasons.is_empty()));
}
