//! Identity checks every store must pass: duplicate warnings, candidates,
//! reports, merge, unmerge, redirects, and properties over random merges.

use crate::fixtures::engine;
use casebook::identity::{FieldSource, MatchField};
use casebook::store::StoreExt;
use casebook::*;
use proptest::prelude::*;
use serde_json::json;

fn point(kind: ContactKind, value: &str) -> ContactPointInput {
    ContactPointInput {
        kind,
        value: value.into(),
        label: None,
        primary: false,
    }
}

fn person(given: &str, family: &str, phone: &str, dob: &str) -> ProfileInput {
    ProfileInput {
        template: Some("retail_customer".into()),
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: Some(dob.into()),
        contact_points: vec![point(ContactKind::Phone, phone)],
        fields: [("segment".to_string(), json!("private"))]
            .into_iter()
            .collect(),
        ..ProfileInput::default()
    }
}

const ALLOW: CreateOptions = CreateOptions {
    allow_duplicates: true,
};

fn no_invariant_problems<S: Store>(cb: &Casebook<S>) {
    let problems = cb.check_invariants().expect("invariant check runs");
    assert!(problems.is_empty(), "invariants broken: {problems:?}");
}

/// A strong match is refused with the candidates listed, unless overridden.
pub fn duplicate_warning_on_create<S: Store>(store: S) {
    let cb = engine(store);
    let mut first = person("Jonathan", "Smith", "07123 456789", "1980-02-03");
    first
        .contact_points
        .push(point(ContactKind::Email, "jon.smith@example.com"));
    let original = cb.create_profile("agent", first).unwrap();
    let mut again = person("Jonathon", "Smith", "+44 7123 456789", "1980-02-03");
    again
        .contact_points
        .push(point(ContactKind::Email, "JON.SMITH@example.com"));
    let err = cb.create_profile("agent", again.clone()).unwrap_err();
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
    let forced = cb.create_profile_with("agent", again, ALLOW).unwrap();
    assert_ne!(forced.customer_id, original.customer_id);
    // A household member sharing the landline is not a duplicate.
    cb.create_profile(
        "agent",
        person("Mary", "Smith", "07123 456789", "1982-07-01"),
    )
    .unwrap();
}

/// Candidates are ranked, with explainable reasons; drafts can be checked before creation.
pub fn duplicate_candidates_explain_themselves<S: Store>(store: S) {
    let cb = engine(store);
    let a = cb
        .create_profile(
            "agent",
            person("Robert", "Marley", "07111 222333", "1945-02-06"),
        )
        .unwrap();
    let b = cb
        .create_profile_with(
            "agent",
            person("Bob", "Marley", "07999 000111", "1945-02-06"),
            ALLOW,
        )
        .unwrap();
    let c = cb
        .create_profile_with(
            "agent",
            person("Marley", "Robert", "07111 222333", "1945-02-06"),
            ALLOW,
        )
        .unwrap();
    cb.create_profile(
        "agent",
        person("Unrelated", "Person", "07555 666777", "1990-01-01"),
    )
    .unwrap();
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
        ids.push(
            cb.create_profile_with("agent", person(given, family, phone, dob), ALLOW)
                .unwrap()
                .customer_id,
        );
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

fn merge_fixture<S: Store>(cb: &Casebook<S>) -> (Profile, Profile, Case, Case, Case) {
    let mut a_input = person("Ada", "Lovelace", "020 7946 0001", "1985-12-10");
    a_input.accounts = vec!["ACC-A".into()];
    a_input
        .fields
        .insert("notes".into(), json!("survivor notes"));
    let a = cb.create_profile("agent", a_input).unwrap();
    let mut b_input = person("Ada", "Lovelace", "020 7946 0002", "1985-12-10");
    b_input
        .contact_points
        .push(point(ContactKind::Email, "ada@example.org"));
    b_input
        .contact_points
        .push(point(ContactKind::Phone, "020 7946 0001"));
    b_input.accounts = vec!["ACC-B".into()];
    b_input.fields.insert("notes".into(), json!("other notes"));
    b_input.fields.insert("segment".into(), json!("vip"));
    b_input
        .fields
        .insert("loyalty_number".into(), json!("LY12345678"));
    let b = cb.create_profile_with("agent", b_input, ALLOW).unwrap();
    let friend = cb
        .create_profile(
            "agent",
            person("Charles", "Babbage", "020 7946 0003", "1971-12-26"),
        )
        .unwrap();
    cb.relate("agent", b.id, friend.id, "colleague", "colleague")
        .unwrap();
    cb.relate("agent", a.id, b.id, "twin", "twin").unwrap();
    let case = |summary: &str, links: Vec<LinkInput>| {
        cb.create_case(
            "agent",
            CaseInput {
                template: Some("support_case".into()),
                short_description: summary.into(),
                fields: [("reason".to_string(), json!("fault"))]
                    .into_iter()
                    .collect(),
                links,
                ..CaseInput::default()
            },
        )
        .unwrap()
    };
    let link = |p: &Profile, role| LinkInput {
        profile: p.customer_id.clone(),
        role,
    };
    let only_a = case("Only A", vec![link(&a, LinkRole::Requester)]);
    let only_b = case("Only B", vec![link(&b, LinkRole::Requester)]);
    let both = case(
        "Both",
        vec![link(&a, LinkRole::Informed), link(&b, LinkRole::Requester)],
    );
    for (p, n) in [(&a, 2), (&b, 3)] {
        for i in 0..n {
            let mut c = ContactInput::inbound(Channel::Voice, "020 7946 0001");
            c.profile = Some(p.customer_id.clone());
            c.summary = format!("call {i}");
            if i == 0 && p.id == b.id {
                c.cases = vec![only_b.number.clone()];
            }
            cb.log_contact("agent", c).unwrap();
        }
    }
    (
        cb.profile(a.id).unwrap(),
        cb.profile(b.id).unwrap(),
        only_a,
        only_b,
        both,
    )
}

/// Preview changes nothing; merge moves what the plan says, in one transaction.
pub fn merge_moves_everything_the_plan_says<S: Store>(store: S) {
    let cb = engine(store);
    let (a, b, _only_a, only_b, both) = merge_fixture(&cb);
    let before = cb.export_snapshot().unwrap();
    let mut plan = MergePlan::new(a.customer_id.clone(), b.customer_id.clone());
    plan.fields.insert("segment".into(), FieldSource::Merged);
    plan.survivor_version = Some(a.version);
    plan.merged_version = Some(b.version);
    let preview = cb.merge_preview(&plan).unwrap();
    assert_eq!(
        cb.export_snapshot().unwrap(),
        before,
        "preview changes nothing"
    );
    assert_eq!(preview.contacts_moved, 3);
    assert_eq!(preview.cases_moved.len(), 1);
    assert_eq!(preview.cases_linked_to_both.len(), 1);
    assert_eq!(preview.contact_points_moved.len(), 2);
    assert_eq!(preview.contact_points_already_held.len(), 1);
    assert_eq!(preview.accounts_moved, ["ACC-B"]);
    assert_eq!(preview.relations_moved.len(), 1);
    assert_eq!(
        preview.relations_dropped.len(),
        1,
        "the twin relation would become a self-relation"
    );
    let conflicts: Vec<(&str, FieldSource)> = preview
        .field_conflicts
        .iter()
        .map(|c| (c.field.as_str(), c.chosen))
        .collect();
    assert_eq!(
        conflicts,
        [
            ("notes", FieldSource::Survivor),
            ("segment", FieldSource::Merged)
        ]
    );
    assert!(preview.problems.is_empty());

    let outcome = cb.merge("supervisor", &plan).unwrap();
    assert_eq!(
        outcome.survivor.contact_points, preview.result.contact_points,
        "merge does what the preview said"
    );
    assert_eq!(outcome.survivor.fields, preview.result.fields);
    assert_eq!(outcome.survivor.accounts, preview.result.accounts);
    let survivor = cb.profile(a.id).unwrap();
    assert_eq!(survivor.fields["segment"], "vip");
    assert_eq!(survivor.fields["notes"], "survivor notes");
    assert_eq!(
        survivor.fields["loyalty_number"], "LY12345678",
        "gaps are filled from the other profile"
    );
    assert_eq!(survivor.accounts, ["ACC-A", "ACC-B"]);
    assert_eq!(survivor.contact_points.len(), 3);
    // The tombstone redirects; its customer ID resolves to the survivor.
    assert_eq!(cb.profile(&b.customer_id).unwrap().id, a.id);
    let tombstone = cb.profile_record(b.id).unwrap();
    assert_eq!(tombstone.merged_into, Some(a.id));
    // Cases: linked once, with the stronger role.
    let links = cb.case_links(both.id).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].profile_id, links[0].role),
        (a.id, LinkRole::Requester)
    );
    assert_eq!(cb.case_links(only_b.id).unwrap()[0].profile_id, a.id);
    assert_eq!(cb.cases_of_profile(a.id, false).unwrap().len(), 3);
    // History moved.
    assert_eq!(cb.contact_history(a.id, None, None, 50).unwrap().len(), 5);
    // Relations re-pointed, no self-relation.
    let related = cb.related_customers(a.id).unwrap();
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].profile.display_name, "Charles Babbage");
    // Every channel identity of both stays reachable, and the tombstone never shows.
    for number in ["020 7946 0001", "020 7946 0002"] {
        match cb.recognize(Channel::Voice, number).unwrap() {
            Recognition::Known { profile, .. } => assert_eq!(profile.id, a.id),
            other => panic!("{number}: {other:?}"),
        }
    }
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Email("ada@example.org".into()), 5)
            .unwrap()[0]
            .id,
        a.id
    );
    assert!(cb
        .find_profiles(&ProfileQuery::Name("ada lovelace".into()), 5)
        .unwrap()
        .iter()
        .all(|s| s.id == a.id));
    // Audit.
    let audit = cb.audit_log(Some(b.id)).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "merge");
    assert_eq!(audit[0].actor, "supervisor");
    no_invariant_problems(&cb);
    // Merging into itself or a stale decision is refused.
    assert_eq!(
        cb.merge(
            "s",
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone())
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidState
    );
}

/// Elements the plan does not combine stay on the tombstone, still reachable.
pub fn merge_keeps_uncombined_elements_reachable<S: Store>(store: S) {
    let cb = engine(store);
    let (a, b, _, only_b, _) = merge_fixture(&cb);
    let mut plan = MergePlan::new(a.id.to_string(), b.id.to_string());
    plan.contact_points = false;
    plan.cases = false;
    plan.related = false;
    let preview = cb.merge_preview(&plan).unwrap();
    assert_eq!(preview.contact_points_kept_on_tombstone.len(), 3);
    assert_eq!(preview.cases_kept_on_tombstone.len(), 2);
    cb.merge("supervisor", &plan).unwrap();
    match cb.recognize(Channel::Voice, "020 7946 0002").unwrap() {
        Recognition::Known { profile, .. } => assert_eq!(
            profile.id, a.id,
            "the tombstone's number reaches the survivor"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(cb.case_links(only_b.id).unwrap()[0].profile_id, b.id);
    assert_eq!(
        cb.contact_history(a.id, None, None, 50).unwrap().len(),
        5,
        "history always moves"
    );
    no_invariant_problems(&cb);
}

/// Unmerge restores exactly, and refuses once something was touched.
pub fn unmerge_restores_exactly_or_refuses<S: Store>(store: S) {
    let cb = engine(store);
    let (a, b, ..) = merge_fixture(&cb);
    let before = cb.export_snapshot().unwrap();
    let outcome = cb
        .merge(
            "supervisor",
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let (survivor, restored) = cb.unmerge("supervisor", outcome.merge_id).unwrap();
    assert_eq!(restored.id, b.id);
    assert_eq!(
        survivor.version,
        outcome.survivor.version + 1,
        "versions never go back"
    );
    let after = cb.export_snapshot().unwrap();
    let strip = |s: &Snapshot| {
        let mut s = s.clone();
        for p in &mut s.profiles {
            p.version = 0;
        }
        s.audit.clear();
        s.blobs.clear();
        s
    };
    assert_eq!(
        strip(&after),
        strip(&before),
        "everything is back as it was"
    );
    assert_eq!(
        cb.audit_log(Some(a.id))
            .unwrap()
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["merge", "unmerge"]
    );
    assert_eq!(
        cb.unmerge("supervisor", outcome.merge_id)
            .unwrap_err()
            .code(),
        ErrorCode::UnmergeRefused
    );
    no_invariant_problems(&cb);

    // Merge again, then edit the survivor: unmerge is refused with a report.
    let a = cb.profile(a.id).unwrap();
    let outcome = cb
        .merge(
            "supervisor",
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let mut edit = ProfileInput::from(&outcome.survivor);
    edit.given_name = "Augusta Ada".into();
    cb.update_profile("agent", a.id, outcome.survivor.version, edit)
        .unwrap();
    let snapshot = cb.export_snapshot().unwrap();
    let err = cb.unmerge("supervisor", outcome.merge_id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnmergeRefused);
    assert!(err.to_string().contains(&a.customer_id), "{err}");
    assert_eq!(
        cb.export_snapshot().unwrap(),
        snapshot,
        "a refused unmerge changes nothing"
    );
    assert_eq!(
        cb.unmerge("s", uuid::Uuid::nil()).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// Property: any sequence of merges (and some unmerges) keeps every channel
/// identity reachable, never loses a contact, and keeps the invariants.
pub fn random_merges_keep_identities_reachable<S: Store>(make: &dyn Fn() -> S) {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(
            &proptest::collection::vec((0usize..6, 0usize..6, any::<bool>(), any::<bool>()), 1..8),
            |steps| merges_keep_identities_reachable(engine(make()), steps),
        )
        .unwrap();
}

fn merges_keep_identities_reachable<S: Store>(
    cb: Casebook<S>,
    steps: Vec<(usize, usize, bool, bool)>,
) -> Result<(), TestCaseError> {
    let mut profiles = Vec::new();
    for i in 0..6 {
        let mut input = person(
            &format!("P{i}"),
            &format!("Family{i}"),
            &format!("020 7946 10{i:02}"),
            "1980-01-01",
        );
        input
            .contact_points
            .push(point(ContactKind::Email, &format!("p{i}@example.com")));
        let p = cb.create_profile_with("agent", input, ALLOW).unwrap();
        let mut c = ContactInput::inbound(Channel::Voice, "x");
        c.profile = Some(p.customer_id.clone());
        cb.log_contact("agent", c).unwrap();
        profiles.push(p);
    }
    let base = cb.export_snapshot().unwrap();
    let contacts = base.contacts.len();
    {
        {
            {
                let mut merges = Vec::new();
                for (x, y, combine, undo) in steps {
                    let mut plan =
                        MergePlan::new(profiles[x].id.to_string(), profiles[y].id.to_string());
                    plan.contact_points = combine;
                    plan.cases = combine;
                    match cb.merge("prop", &plan) {
                        Ok(o) => merges.push(o.merge_id),
                        Err(e) => prop_assert_eq!(e.code(), ErrorCode::InvalidState),
                    }
                    if undo {
                        if let Some(id) = merges.last() {
                            // Refusals are fine (a later merge touched it); success must restore.
                            if cb.unmerge("prop", *id).is_ok() {
                                merges.pop();
                            }
                        }
                    }
                    let problems = cb
                        .check_invariants()
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(problems.is_empty(), "{:?}", problems);
                    let snapshot = cb
                        .export_snapshot()
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(snapshot.contacts.len(), contacts);
                    for p in &profiles {
                        let live = cb
                            .profile(p.id)
                            .map_err(|e| TestCaseError::fail(e.to_string()))?;
                        prop_assert!(!live.is_tombstone());
                        for key in ["phone", "email"] {
                            let address = &p
                                .contact_points
                                .iter()
                                .find(|c| c.kind.as_str() == key)
                                .unwrap()
                                .value;
                            let channel = if key == "phone" {
                                Channel::Voice
                            } else {
                                Channel::Email
                            };
                            match cb
                                .recognize(channel, address)
                                .map_err(|e| TestCaseError::fail(e.to_string()))?
                            {
                                Recognition::Known { profile, .. } => {
                                    prop_assert_eq!(profile.id, live.id)
                                }
                                other => {
                                    prop_assert!(false, "{} unreachable: {:?}", address, other)
                                }
                            }
                        }
                    }
                }
                // Undo everything still in force, newest first: back to the start.
                while let Some(id) = merges.pop() {
                    cb.unmerge("prop", id)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
                let mut end = cb
                    .export_snapshot()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                for p in &mut end.profiles {
                    p.version = base
                        .profiles
                        .iter()
                        .find(|b| b.id == p.id)
                        .map_or(0, |b| b.version);
                }
                prop_assert_eq!(&end.profiles, &base.profiles);
                prop_assert_eq!(&end.contacts, &base.contacts);
                Ok(())
            }
        }
    }
}
