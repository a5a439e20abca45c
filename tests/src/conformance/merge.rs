//! Merge and unmerge: what moves, what stays reachable, exact undo, and a
//! property over random merges.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use proptest::prelude::*;
use serde_json::json;

fn merge_fixture<S: Store>(cb: &Casebook<S>) -> (Profile, Profile, Case, Case, Case) {
    let mut a_input = caller("Ada", "Lovelace", "020 7946 0001", "1985-12-10");
    a_input.accounts = vec!["ACC-A".into()];
    a_input
        .fields
        .insert("notes".into(), json!("survivor notes"));
    let a = add(cb, a_input);
    let mut b_input = caller("Ada", "Lovelace", "020 7946 0002", "1985-12-10");
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
    let b = add_anyway(cb, b_input);
    let friend = add(
        cb,
        caller("Charles", "Babbage", "020 7946 0003", "1971-12-26"),
    );
    cb.relate(
        &agent(),
        RelationInput::new(
            b.id.to_string(),
            friend.id.to_string(),
            "colleague",
            "colleague",
        ),
    )
    .unwrap();
    cb.relate(
        &agent(),
        RelationInput::new(a.id.to_string(), b.id.to_string(), "twin", "twin"),
    )
    .unwrap();
    let case = |summary: &str, links: Vec<LinkInput>| open_case(cb, support_case(summary, links));
    let only_a = case("Only A", vec![requester(&a)]);
    let only_b = case("Only B", vec![requester(&b)]);
    let both = case("Both", vec![linked(&a, LinkRole::Informed), requester(&b)]);
    for (p, n) in [(&a, 2), (&b, 3)] {
        for i in 0..n {
            let mut c = ContactInput::inbound(Channel::Voice, "020 7946 0001");
            c.profile = Some(p.customer_id.clone());
            c.summary = format!("call {i}");
            if i == 0 && p.id == b.id {
                c.cases = vec![only_b.number.clone()];
            }
            cb.log_contact(&agent(), c).unwrap();
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

    let outcome = cb.merge(&Actor::new("supervisor"), &plan).unwrap();
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
    let tombstone = cb.profile(Ref::Stored(b.id)).unwrap();
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
            &Actor::new("s"),
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
    cb.merge(&Actor::new("supervisor"), &plan).unwrap();
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
            &Actor::new("supervisor"),
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let (survivor, restored) = cb
        .unmerge(&Actor::new("supervisor"), outcome.merge_id)
        .unwrap();
    assert_eq!(restored.id, b.id);
    assert_eq!(
        survivor.version,
        outcome.survivor.version + 1,
        "versions never go back"
    );
    let after = cb.export_snapshot().unwrap();
    let strip = |s: &casebook::store::Snapshot| {
        let mut s = s.clone();
        for p in &mut s.profiles {
            p.version = 0;
        }
        s.audit.clear();
        s.blobs.clear();
        // The outbox holds the merge and the unmerge.
        s.sequences.remove("events");
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
        cb.unmerge(&Actor::new("supervisor"), outcome.merge_id)
            .unwrap_err()
            .code(),
        ErrorCode::UnmergeRefused
    );
    no_invariant_problems(&cb);

    // Merge again, then edit the survivor: unmerge is refused with a report.
    let a = cb.profile(a.id).unwrap();
    let outcome = cb
        .merge(
            &Actor::new("supervisor"),
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let mut edit = ProfileInput::from(&outcome.survivor);
    edit.given_name = "Augusta Ada".into();
    cb.update_profile(&agent(), a.id, outcome.survivor.version, edit)
        .unwrap();
    let snapshot = cb.export_snapshot().unwrap();
    let err = cb
        .unmerge(&Actor::new("supervisor"), outcome.merge_id)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnmergeRefused);
    assert!(err.to_string().contains(&a.customer_id), "{err}");
    assert_eq!(
        cb.export_snapshot().unwrap(),
        snapshot,
        "a refused unmerge changes nothing"
    );
    assert_eq!(
        cb.unmerge(&Actor::new("s"), uuid::Uuid::nil())
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

/// An unmerge moves contacts back with what was added to them since the
/// merge, and refuses while a moved contact belongs to another profile.
pub fn unmerge_moves_contacts_back_by_reference<S: Store>(store: S) {
    let cb = engine(store);
    let (a, b, only_a, ..) = merge_fixture(&cb);
    let moved: Vec<Contact> = cb.contact_history(b.id, None, None, 50).unwrap();
    let plan = || MergePlan::new(a.customer_id.clone(), b.customer_id.clone());
    let outcome = cb.merge(&Actor::new("supervisor"), &plan()).unwrap();
    let mut ids: Vec<uuid::Uuid> = moved.iter().map(|c| c.id).collect();
    let mut journal = cb.merge_record(outcome.merge_id).unwrap().contacts_moved;
    ids.sort();
    journal.sort();
    assert_eq!(journal, ids, "the journal names the moved contacts");

    // Added to a case after the merge: the contact goes back with it.
    let later = cb
        .associate_contact(
            &agent(),
            moved[1].id.to_string().as_str(),
            None,
            Some(only_a.number.as_str().into()),
        )
        .unwrap();
    assert_eq!(later.profile_id, Some(a.id));
    cb.unmerge(&Actor::new("supervisor"), outcome.merge_id)
        .unwrap();
    let back = cb.contact(moved[1].id).unwrap();
    assert_eq!(back.profile_id, Some(b.id));
    assert_eq!(back.case_ids, later.case_ids);
    assert_eq!(
        cb.contact_history(b.id, None, None, 50).unwrap().len(),
        moved.len()
    );

    // Given to another profile after the merge: the unmerge is refused.
    let a = cb.profile(a.id).unwrap();
    let b = cb.profile(b.id).unwrap();
    let outcome = cb
        .merge(
            &Actor::new("supervisor"),
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let third = add(
        &cb,
        caller("Mary", "Somerville", "020 7946 0009", "1980-12-26"),
    );
    cb.associate_contact(
        &agent(),
        moved[0].id.to_string().as_str(),
        Some(third.customer_id.as_str().into()),
        None,
    )
    .unwrap();
    let snapshot = cb.export_snapshot().unwrap();
    let err = cb
        .unmerge(&Actor::new("supervisor"), outcome.merge_id)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnmergeRefused);
    assert!(err.to_string().contains("another profile"), "{err}");
    assert_eq!(
        cb.export_snapshot().unwrap(),
        snapshot,
        "a refused unmerge changes nothing"
    );
    no_invariant_problems(&cb);
}

/// A journal written when merges kept the moved contacts whole (before and
/// after) still unmerges exactly.
pub fn journals_of_whole_contacts_still_unmerge<S: Store>(store: S) {
    use casebook::store::StoreExt;
    let cb = engine(store);
    let (a, b, ..) = merge_fixture(&cb);
    let before = cb.export_snapshot().unwrap();
    let moved = cb.contact_history(b.id, None, None, 50).unwrap();
    let outcome = cb
        .merge(
            &Actor::new("supervisor"),
            &MergePlan::new(a.customer_id.clone(), b.customer_id.clone()),
        )
        .unwrap();
    let mut old = serde_json::to_value(cb.merge_record(outcome.merge_id).unwrap()).unwrap();
    let record = old.as_object_mut().unwrap();
    record.remove("contacts_moved");
    let after: Vec<Contact> = moved
        .iter()
        .map(|c| Contact {
            profile_id: Some(a.id),
            ..c.clone()
        })
        .collect();
    record.insert(
        "contacts_before".into(),
        serde_json::to_value(&moved).unwrap(),
    );
    record.insert(
        "contacts_after".into(),
        serde_json::to_value(&after).unwrap(),
    );
    cb.store()
        .write_with(|tx| tx.put_blob("merge", outcome.merge_id, &old))
        .unwrap();
    assert_eq!(
        cb.merge_record(outcome.merge_id)
            .unwrap()
            .contacts_moved
            .len(),
        moved.len()
    );
    cb.unmerge(&Actor::new("supervisor"), outcome.merge_id)
        .unwrap();
    let mut after = cb.export_snapshot().unwrap();
    let mut before = before;
    for s in [&mut after, &mut before] {
        for p in &mut s.profiles {
            p.version = 0;
        }
        s.audit.clear();
        s.blobs.clear();
        s.sequences.remove("events");
    }
    assert_eq!(after, before, "everything is back as it was");
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
        let mut input = caller(
            &format!("P{i}"),
            &format!("Family{i}"),
            &format!("020 7946 10{i:02}"),
            "1980-01-01",
        );
        input
            .contact_points
            .push(point(ContactKind::Email, &format!("p{i}@example.com")));
        let p = add_anyway(&cb, input);
        let mut c = ContactInput::inbound(Channel::Voice, "x");
        c.profile = Some(p.customer_id.clone());
        cb.log_contact(&agent(), c).unwrap();
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
                    match cb.merge(&Actor::new("prop"), &plan) {
                        Ok(o) => merges.push(o.merge_id),
                        Err(e) => prop_assert_eq!(e.code(), ErrorCode::InvalidState),
                    }
                    if undo {
                        if let Some(id) = merges.last() {
                            // Refusals are fine (a later merge touched it); success must restore.
                            if cb.unmerge(&Actor::new("prop"), *id).is_ok() {
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
                    cb.unmerge(&Actor::new("prop"), id)
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
