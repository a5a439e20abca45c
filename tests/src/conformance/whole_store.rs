//! The whole store at once: snapshots and bulk import.

use crate::fixtures::*;
use casebook::store::{Store, StoreExt};
use casebook::*;

/// Export then import into a fresh store gives the same data.
pub fn snapshot_round_trip<S: Store>(store: S) {
    let cb = engine(casebook::MemoryStore::new());
    let a = add(&cb, person("Exp", "Ort"));
    let b = add(&cb, person("Imp", "Ort"));
    let case = open_case(&cb, support_case("Snapshot me", vec![requester(&a)]));
    cb.add_case_entry(
        &agent(),
        case.id,
        EntryKind::Comment,
        "kept in the snapshot",
    )
    .unwrap();
    let mut contact = ContactInput::inbound(Channel::Voice, "+44 20 7946 0958");
    contact.profile = Some(a.customer_id.clone());
    contact.cases = vec![case.number.clone()];
    cb.log_contact(&agent(), contact).unwrap();
    cb.relate(
        &agent(),
        RelationInput::new(a.id.to_string(), b.id.to_string(), "spouse", "spouse"),
    )
    .unwrap();
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
    let c = add(&target, person("Next", "One"));
    assert_eq!(c.customer_id, "C-000003");
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
        ..ImportOptions::default()
    };
    let mut batches = Vec::new();
    let report = cb
        .import_profiles(
            &Actor::new("migration"),
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
    no_invariant_problems(&cb);
}

/// An import batch larger than a store sends in one statement keeps every
/// row findable, and a later row of a batch sees the earlier ones: the
/// same person twice in one batch is refused as a suspected duplicate.
pub fn large_import_batches_see_their_own_rows<S: Store>(store: S) {
    let cb = engine(store);
    let rows = 2_345u32;
    let inputs: Vec<ProfileInput> = (0..rows)
        .map(|i| ProfileInput {
            contact_points: vec![phone(&format!("+44 7911 {:06}", 100_000 + i))],
            ..person(&format!("Bulk{i}"), "Loaded")
        })
        .collect();
    let options = ImportOptions {
        batch_size: 5_000,
        ..ImportOptions::default()
    };
    let report = cb
        .import_inputs(&Actor::new("migration"), inputs, &options, None)
        .expect("import runs");
    assert_eq!(
        (report.imported, report.rejected, report.batches),
        (2_345, 0, 1),
        "{:?}",
        report.rejections.first()
    );
    assert_eq!(
        cb.store().read_with(|tx| tx.profile_count()).unwrap(),
        2_345
    );
    for i in [0, 999, 1_000, 1_999, 2_000, 2_344] {
        match cb
            .recognize(Channel::Voice, &format!("07911 {:06}", 100_000 + i))
            .unwrap()
        {
            Recognition::Known { summary, .. } => {
                assert_eq!(summary.display_name, format!("Bulk{i} Loaded"));
                assert_eq!(summary.customer_id, format!("C-{:06}", i + 1));
            }
            other => panic!("row {i}: expected one profile, got {other:?}"),
        }
    }
    let found = cb
        .find_profiles(&ProfileQuery::Name("bulk2344".into()), 5)
        .unwrap();
    assert_eq!(found.len(), 1);

    let twin = ProfileInput {
        contact_points: vec![phone("+44 7911 800001")],
        date_of_birth: Some("1980-02-03".into()),
        ..person("Twin", "Twice")
    };
    let careful = ImportOptions {
        reject_duplicates: true,
        ..options
    };
    let report = cb
        .import_inputs(
            &Actor::new("migration"),
            vec![twin.clone(), twin],
            &careful,
            None,
        )
        .expect("import runs");
    assert_eq!((report.imported, report.rejected), (1, 1));
    assert_eq!(report.rejections[0].row, 2);
    assert_eq!(
        report.rejections[0].code,
        ErrorCode::DuplicateSuspected.as_str()
    );
    no_invariant_problems(&cb);
}

/// A snapshot whose records were rewritten by hand is refused, naming the
/// record, and nothing of it is imported: a contact point whose value is
/// garbage or whose key is not the one its value gives (recognition would
/// miss it silently), a custom field no template can define (`__proto__`),
/// a custom field value its template refuses, a template that is not there.
pub fn tampered_snapshots_are_refused_by_name<S: Store>(store: S) {
    let source = engine(casebook::MemoryStore::new());
    let p = add(
        &source,
        ProfileInput {
            contact_points: vec![phone("020 7946 0958")],
            ..person("Tam", "Pered")
        },
    );
    let exported = source.export_snapshot().unwrap();
    let target = casebook::Casebook::builder(store)
        .config(crate::fixtures::config())
        .build()
        .unwrap();

    let mut garbage = exported.clone();
    garbage.profiles[0].contact_points[0].value = "not a number at all".into();
    let mut rekeyed = exported.clone();
    rekeyed.profiles[0].contact_points[0].key = "phone:+441632960000".into();
    let mut proto = exported.clone();
    proto.profiles[0]
        .fields
        .insert("__proto__".into(), serde_json::json!({"is_admin": true}));
    let mut off_template = exported.clone();
    off_template.profiles[0]
        .fields
        .insert("household_size".into(), serde_json::json!("a great many"));
    let mut unknown_version = exported.clone();
    if let Some(t) = unknown_version.profiles[0].template.as_mut() {
        t.version = 99;
    }
    for (what, snapshot, names) in [
        ("garbage value", &garbage, "not a valid phone"),
        ("foreign key", &rekeyed, "its value gives"),
        ("__proto__ field", &proto, "__proto__"),
        (
            "value its template refuses",
            &off_template,
            "household_size",
        ),
        (
            "template not stored",
            &unknown_version,
            "v99, which is not stored",
        ),
    ] {
        let e = target.import_snapshot(snapshot).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{what}: {e}");
        let message = e.to_string();
        assert!(message.contains(&p.customer_id), "{what}: {message}");
        assert!(message.contains(names), "{what}: {message}");
        assert_eq!(
            target.store().read_with(|tx| tx.profile_count()).unwrap(),
            0,
            "{what}: something was imported"
        );
    }
    target.import_snapshot(&exported).unwrap();
    assert!(target.check_invariants().unwrap().is_empty());
    let found = target
        .recognize(Channel::Voice, "+44 20 7946 0958")
        .unwrap();
    assert!(matches!(found, Recognition::Known { .. }), "{found:?}");
}
