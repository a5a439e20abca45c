//! Profiles: creating, reading and updating them, their customer IDs,
//! optimistic versions, relations and template versions.

use crate::fixtures::*;
use casebook::store::{Store, StoreExt};
use casebook::*;
use serde_json::json;
use std::sync::Arc;

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
    let created = add(&cb, input);
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
    let updated = cb
        .update_profile(&Actor::new("agent2"), created.id, 1, edit)
        .unwrap();
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
    let err = cb
        .create_profile(&agent(), bad, CreateOptions::default())
        .unwrap_err();
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
        .map(|i| add(&cb, person("P", &format!("Person{i}"))).customer_id)
        .collect();
    assert_eq!(
        ids,
        ["C-000001", "C-000002", "C-000003", "C-000004", "C-000005"]
    );
    // A rejected creation does not consume a number.
    assert!(cb
        .create_profile(&agent(), person("", ""), CreateOptions::default())
        .is_err());
    assert_eq!(add(&cb, person("A", "B")).customer_id, "C-000006");
}

/// An update against a stale version fails and changes nothing.
pub fn stale_version_is_a_conflict_and_overwrites_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let p = add(&cb, person("Grace", "Hopper"));
    let mut first = ProfileInput::from(&p);
    first.given_name = "Grace B.".into();
    cb.update_profile(&Actor::new("a1"), p.id, 1, first)
        .unwrap();
    let mut second = ProfileInput::from(&p);
    second.family_name = "Murray".into();
    let err = cb
        .update_profile(&Actor::new("a2"), p.id, 1, second)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let now = cb.profile(p.id).unwrap();
    assert_eq!(now.given_name, "Grace B.");
    assert_eq!(now.family_name, "Hopper");
    assert_eq!(now.version, 2);

    let case = open_case(&cb, support_case("Slow line", vec![requester(&p)]));
    cb.set_case_status(&Actor::new("a1"), case.id, 1, CaseStatus::InProgress, None)
        .unwrap();
    let err = cb
        .set_case_status(&Actor::new("a2"), case.id, 1, CaseStatus::Cancelled, None)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(cb.case(case.id).unwrap().status, CaseStatus::InProgress);
}

/// Changing a profile's phone moves it in the index: the old number no longer finds it.
pub fn contact_keys_follow_edits<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = person("Mary", "Shelley");
    input.contact_points = vec![phone("020 7946 0001")];
    let p = add(&cb, input);
    let mut edit = ProfileInput::from(&p);
    edit.contact_points = vec![phone("020 7946 0002")];
    cb.update_profile(&agent(), p.id, 1, edit).unwrap();
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

/// Two threads editing the same version: exactly one wins.
pub fn concurrent_edits_conflict<S: Store + 'static>(store: S) {
    let cb = Arc::new(engine(store));
    let p = add(&cb, person("Race", "Condition"));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let cb = cb.clone();
            let p = p.clone();
            std::thread::spawn(move || {
                let mut edit = ProfileInput::from(&p);
                edit.given_name = format!("Writer{i}");
                cb.update_profile(&Actor::new(format!("agent{i}")), p.id, 1, edit)
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

/// Relations are seen from both sides, with each side's tag.
pub fn relations_in_both_directions<S: Store>(store: S) {
    let cb = engine(store);
    let boss = add(&cb, person("Pat", "Boss"));
    let worker = add(&cb, person("Wes", "Worker"));
    cb.relate(
        &agent(),
        RelationInput::new(
            worker.id.to_string(),
            boss.id.to_string(),
            "employer",
            "employee",
        ),
    )
    .unwrap();
    let from_worker = cb.related_customers(worker.id).unwrap();
    assert_eq!(from_worker.len(), 1);
    assert_eq!(from_worker[0].profile.id, boss.id);
    assert_eq!(from_worker[0].relationship, "employer");
    let from_boss = cb.related_customers(&boss.customer_id).unwrap();
    assert_eq!(from_boss[0].profile.id, worker.id);
    assert_eq!(from_boss[0].relationship, "employee");
    assert_eq!(
        cb.relate(
            &agent(),
            RelationInput::new(boss.id.to_string(), boss.id.to_string(), "x", "y")
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidInput
    );
    cb.unrelate(&agent(), boss.id, worker.id).unwrap();
    assert!(cb.related_customers(worker.id).unwrap().is_empty());
}

/// A changed template makes a new version; old records stay readable and editable.
pub fn template_versions_keep_old_records_editable<S: Store>(store: S) {
    let cb = engine(store);
    let old = add(&cb, person("Old", "Record"));
    // Version 2 adds a required field.
    let mut def: serde_json::Value =
        serde_json::from_str(crate::fixtures::RETAIL_CUSTOMER).unwrap();
    def["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "region", "type": "text", "required": true}));
    let v2 = cb
        .load_template(&Actor::new("admin"), &def.to_string())
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        cb.load_template(&Actor::new("admin"), &def.to_string())
            .unwrap()
            .version,
        2,
        "same definition, same version"
    );
    assert_eq!(cb.templates().unwrap().len(), 3);

    // New profiles use version 2 and need the new field.
    assert_eq!(
        cb.create_profile(&agent(), person("New", "Record"), CreateOptions::default())
            .unwrap_err()
            .field_errors()[0]
            .field,
        "region"
    );
    // The old record keeps version 1 and stays editable without the new field.
    let mut edit = ProfileInput::from(&old);
    edit.given_name = "Older".into();
    let edited = cb.update_profile(&agent(), old.id, 1, edit).unwrap();
    assert_eq!(edited.template.as_ref().unwrap().version, 1);
    // Upgrading explicitly applies version 2's rules.
    let mut upgrade = ProfileInput::from(&edited);
    upgrade.template_version = Some(2);
    let err = cb
        .update_profile(&agent(), old.id, 2, upgrade.clone())
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "region");
    upgrade.fields.insert("region".into(), json!("North"));
    assert_eq!(
        cb.update_profile(&agent(), old.id, 2, upgrade)
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
    let loyal = add(&cb, with_loyalty);
    let mut change = ProfileInput::from(&loyal);
    change
        .fields
        .insert("loyalty_number".into(), json!("LY87654321"));
    let err = cb
        .update_profile(&agent(), loyal.id, 1, change)
        .unwrap_err();
    assert_eq!(err.field_errors()[0].code, FieldErrorCode::ReadOnly);
    // A case template cannot validate a profile.
    let mut wrong = person("W", "T");
    wrong.template = Some("support_case".into());
    assert_eq!(
        cb.create_profile(&agent(), wrong, CreateOptions::default())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
}
