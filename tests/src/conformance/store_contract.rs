//! The store contract, checked through the storage traits themselves:
//! a failed or panicking write leaves nothing behind, whatever it wrote.

use crate::fixtures::*;
use casebook::store::{CaseIndex, ProfileIndex, ReadTx, Snapshot, Store, StoreExt, WriteTx};
use casebook::*;
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

/// A write transaction that fails part-way leaves no trace.
pub fn failed_transaction_leaves_store_unchanged<S: Store>(store: S) {
    let cb = engine(store);
    let p = add(&cb, person("Keep", "Me"));
    let before = cb.export_snapshot().unwrap();
    let err = cb
        .store()
        .write_with(|tx| -> casebook::Result<()> {
            let mut changed = tx.profile(p.id)?.unwrap();
            changed.family_name = "Changed".into();
            tx.put_profile(&changed, index_of(&changed), Some(changed.version))?;
            tx.next_sequence("customer_id")?;
            let mut copy = changed.clone();
            copy.id = Uuid::from_u128(7);
            copy.customer_id = "C-777777".into();
            tx.put_profile(&copy, index_of(&copy), None)?;
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
    add(&cb, person("Before", "Panic"));
    let before = cb.export_snapshot().unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = cb.store().write_with(|tx| -> casebook::Result<()> {
            tx.next_sequence("customer_id")?;
            panic!("bug inside a transaction");
        });
    }));
    assert!(outcome.is_err());
    assert_eq!(cb.export_snapshot().unwrap(), before);
    add(&cb, person("After", "Panic"));
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

fn apply(tx: &mut dyn WriteTx, steps: &[Step], base: &Snapshot) -> casebook::Result<()> {
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
        let fresh = Uuid::from_u128(0xF000_0000 + i as u128);
        match s {
            Step::NewProfile(n) => {
                let mut p = base.profiles[0].clone();
                p.id = fresh;
                p.customer_id = format!("X-{i}-{n}");
                p.family_name = format!("Fam{n}");
                p.contact_points.clear();
                tx.put_profile(&p, index_of(&p), None)?;
            }
            Step::EditProfile(n) => {
                if let Some(mut p) = pick_profile(tx, *n)? {
                    p.given_name = format!("Edited{n}");
                    p.accounts = vec![format!("ACC{n}")];
                    p.version += 1;
                    tx.put_profile(&p, index_of(&p), Some(p.version - 1))?;
                }
            }
            Step::Sequence => {
                tx.next_sequence("customer_id")?;
            }
            Step::NewCase(n) => {
                if let Some(mut c) = pick_case(*n) {
                    c.id = fresh;
                    c.number = format!("Y{i}");
                    let index = CaseIndex {
                        search_tokens: text::tokens(&format!("random words {n}")),
                    };
                    tx.put_case(&c, index, None)?;
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
                            a_to_b: vec!["x".into()],
                            b_to_a: vec!["y".into()],
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
    let a = add(&cb, person("Base", "One"));
    let b = add(&cb, person("Base", "Two"));
    let case = open_case(&cb, support_case("Base case", vec![requester(&a)]));
    cb.relate(
        &agent(),
        RelationInput::new(a.id.to_string(), b.id.to_string(), "friend", "friend"),
    )
    .unwrap();
    let mut contact = ContactInput::inbound(Channel::Voice, "+442079460958");
    contact.profile = Some(a.customer_id.clone());
    contact.cases = vec![case.number.clone()];
    cb.log_contact(&agent(), contact).unwrap();
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

/// What a test hands a store for a profile it writes through the storage
/// traits: its contact keys and account keys, and its folded name tokens.
fn index_of(p: &Profile) -> ProfileIndex {
    let mut keys: Vec<String> = p.contact_points.iter().map(|c| c.key.clone()).collect();
    keys.extend(
        p.accounts
            .iter()
            .map(|a| format!("account:{}", a.to_lowercase())),
    );
    keys.sort();
    keys.dedup();
    let mut name_tokens = text::tokens(&format!("{} {}", p.given_name, p.family_name));
    name_tokens.sort();
    name_tokens.dedup();
    ProfileIndex { keys, name_tokens }
}

/// Versioned records are written by compare-and-set: an insert must not
/// find the record, a replacement must find it at the expected version, and
/// a refused write changes nothing.
pub fn versions_are_compare_and_set<S: Store>(store: S) {
    let cb = engine(store);
    let p = add_anyway(&cb, person("Version", "Check"));
    let write = |profile: &Profile, expected: Option<u64>| {
        cb.store()
            .write_with(|tx| tx.put_profile(profile, index_of(profile), expected))
    };
    assert_eq!(
        write(&p, None).unwrap_err().code(),
        ErrorCode::AlreadyExists
    );
    let second = Profile {
        given_name: "Second".into(),
        ..p.clone().with_version(2)
    };
    write(&second, Some(1)).unwrap();
    let stale = Profile {
        given_name: "Stale".into(),
        ..p.clone().with_version(2)
    };
    match write(&stale, Some(1)).unwrap_err() {
        Error::Conflict {
            expected, actual, ..
        } => assert_eq!((expected, actual), (1, 2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(cb.profile(p.id).unwrap(), second);
    let ghost = Profile {
        id: Uuid::from_u128(99),
        customer_id: "C-999990".into(),
        ..p.clone()
    };
    assert_eq!(
        write(&ghost, Some(1)).unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert_eq!(
        cb.profile("C-999990").unwrap_err().code(),
        ErrorCode::NotFound
    );

    let case = open_case(&cb, support_case("Versioned case", vec![]));
    let index = CaseIndex {
        search_tokens: text::tokens("versioned case"),
    };
    let write_case = |case: &Case, expected: Option<u64>| {
        cb.store()
            .write_with(|tx| tx.put_case(case, index.clone(), expected))
    };
    assert_eq!(
        write_case(&case, None).unwrap_err().code(),
        ErrorCode::AlreadyExists
    );
    let second_case = Case {
        version: 2,
        description: "second".into(),
        ..case.clone()
    };
    write_case(&second_case, Some(1)).unwrap();
    let stale_case = Case {
        version: 2,
        description: "stale".into(),
        ..case.clone()
    };
    assert_eq!(
        write_case(&stale_case, Some(1)).unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert_eq!(cb.case(case.id).unwrap(), second_case);

    // Through the engine, which derives what they are indexed by again.
    cb.update_profile(&agent(), p.id, 2, ProfileInput::from(&second))
        .unwrap();
    cb.update_case(&agent(), case.id, 2, CaseInput::from(&second_case))
        .unwrap();
    no_invariant_problems(&cb);
}

/// A store finds a record by exactly what it was handed to index it by,
/// and forgets the old values when the record is replaced.
pub fn stores_index_what_they_are_handed<S: Store>(store: S) {
    let cb = engine(store);
    let p = add_anyway(&cb, person("Indexed", "Record"));
    let case = open_case(&cb, support_case("Indexed case", vec![]));
    let handed = |keys: &[&str], tokens: &[&str]| ProfileIndex {
        keys: keys.iter().map(|k| k.to_string()).collect(),
        name_tokens: tokens.iter().map(|t| t.to_string()).collect(),
    };
    let first = handed(&["k:alpha", "k:beta"], &["yak", "zebra"]);
    let p2 = p.clone().with_version(2);
    cb.store()
        .write_with(|tx| tx.put_profile(&p2, first.clone(), Some(1)))
        .unwrap();
    let read = |f: &dyn Fn(&dyn ReadTx) -> casebook::Result<Vec<Uuid>>| {
        cb.store().read_with(|tx| f(tx)).unwrap()
    };
    assert_eq!(read(&|tx| tx.profiles_by_key("k:alpha")), [p.id]);
    assert_eq!(read(&|tx| tx.profiles_by_name_prefix("ze", 10)), [p.id]);
    assert!(read(&|tx| tx.profiles_by_key("phone:+441134960000")).is_empty());
    assert_eq!(
        cb.store().read_with(|tx| tx.profile_index(p.id)).unwrap(),
        Some(first)
    );
    let second = handed(&["k:beta", "k:gamma"], &["yak"]);
    let p3 = p.clone().with_version(3);
    cb.store()
        .write_with(|tx| tx.put_profile(&p3, second.clone(), Some(2)))
        .unwrap();
    assert!(read(&|tx| tx.profiles_by_key("k:alpha")).is_empty());
    assert_eq!(read(&|tx| tx.profiles_by_key("k:gamma")), [p.id]);
    assert!(read(&|tx| tx.profiles_by_name_prefix("ze", 10)).is_empty());
    assert_eq!(
        cb.store().read_with(|tx| tx.profile_index(p.id)).unwrap(),
        Some(second)
    );
    assert_eq!(
        cb.store()
            .read_with(|tx| tx.profile_index(Uuid::from_u128(5)))
            .unwrap(),
        None
    );

    let tokens = |t: &[&str]| CaseIndex {
        search_tokens: t.iter().map(|t| t.to_string()).collect(),
    };
    let c2 = Case {
        version: 2,
        ..case.clone()
    };
    cb.store()
        .write_with(|tx| tx.put_case(&c2, tokens(&["quux", "quuxly"]), Some(1)))
        .unwrap();
    let search = |t: &[&str]| {
        let t: Vec<String> = t.iter().map(|t| t.to_string()).collect();
        cb.store().read_with(|tx| tx.search_cases(&t, 10)).unwrap()
    };
    assert_eq!(search(&["quu"]), [case.id]);
    assert!(
        search(&["indexed"]).is_empty(),
        "only the handed tokens count"
    );
    let c3 = Case {
        version: 3,
        ..case.clone()
    };
    cb.store()
        .write_with(|tx| tx.put_case(&c3, tokens(&["other"]), Some(2)))
        .unwrap();
    assert!(search(&["quu"]).is_empty());
    assert_eq!(search(&["oth"]), [case.id]);
    let stored = cb.store().read_with(|tx| tx.case_index(case.id)).unwrap();
    assert_eq!(
        stored.map(|i| i.search_tokens),
        Some(vec!["other".to_string()])
    );
}

/// A contact range that is empty or runs backwards holds no contact (a
/// store never panics on it), and the engine refuses a reversed one.
pub fn empty_and_reversed_ranges_hold_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let p = add_anyway(&cb, person("Range", "Check"));
    let at = start_time();
    let mut input = ContactInput::inbound(Channel::Voice, "+44 20 7946 0958");
    input.profile = Some(p.customer_id.clone());
    input.started_at = Some(at);
    cb.log_contact(&agent(), input).unwrap();
    let later = at + jiff::SignedDuration::from_hours(1);
    let count = |from: Option<jiff::Timestamp>, to: Option<jiff::Timestamp>, limit: usize| {
        cb.store()
            .read_with(|tx| tx.contacts_of_profile(p.id, from, to, limit))
            .unwrap()
            .len()
    };
    assert_eq!(count(Some(at), Some(later), 10), 1);
    assert_eq!(count(Some(later), Some(at), 10), 0);
    assert_eq!(count(Some(at), Some(at), 10), 0);
    assert_eq!(count(Some(jiff::Timestamp::MAX), None, 10), 0);
    assert_eq!(count(None, Some(jiff::Timestamp::MIN), 10), 0);
    assert_eq!(count(None, None, 0), 0);
    let err = cb
        .contact_history(p.id, Some(later), Some(at), 10)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(
        cb.contact_history(p.id, Some(at), Some(at), 10).unwrap(),
        []
    );
    assert_eq!(cb.contact_history(p.id, None, None, 10).unwrap().len(), 1);
}

/// Lookups sent together answer exactly as one after the other, and the
/// sole-profile lookups answer only for a key that one profile holds.
pub fn batched_lookups_answer_as_one_by_one<S: Store>(store: S) {
    use casebook::store::{read_one_by_one, Looked, Lookup};
    let cb = engine(store);
    let sole = add_anyway(&cb, caller("Sole", "Holder", "020 7946 0001", "1980-01-01"));
    let first = add_anyway(&cb, caller("Anne", "House", "020 7946 0002", "1970-01-01"));
    let second = add_anyway(&cb, caller("Bert", "House", "020 7946 0002", "1971-01-01"));
    for p in [&sole, &first, &second] {
        open_case(
            &cb,
            support_case(&format!("Case of {}", p.family_name), vec![requester(p)]),
        );
    }
    let base: jiff::Timestamp = "2026-01-01T10:00:00Z".parse().unwrap();
    for hour in [1i64, 3, 2] {
        let mut input = ContactInput::inbound(Channel::Voice, "020 7946 0001");
        input.started_at = Some(base + jiff::SignedDuration::from_hours(hour));
        input.profile = Some(sole.customer_id.clone());
        cb.log_contact(&agent(), input).unwrap();
    }
    let key = |number: &str| cb.address_key(Channel::Voice, number).unwrap();
    let (sole_key, shared_key, unknown_key) = (
        key("020 7946 0001"),
        key("020 7946 0002"),
        key("020 7946 0999"),
    );
    let lookups = [
        Lookup::Sequence("case_number"),
        Lookup::ProfilesWithKey(&shared_key),
        Lookup::SoleProfileCases(&sole_key),
        Lookup::SoleProfileContacts {
            key: &sole_key,
            limit: 2,
        },
        Lookup::SoleProfileCases(&shared_key),
        Lookup::SoleProfileContacts {
            key: &shared_key,
            limit: 2,
        },
        Lookup::SoleProfileCases(&unknown_key),
        Lookup::LinkedCases(sole.id),
        Lookup::LatestContacts {
            profile: sole.id,
            limit: 2,
        },
    ];
    let (together, one_by_one) = cb
        .store()
        .read_with(|tx| Ok((tx.read_many(&lookups)?, read_one_by_one(tx, &lookups)?)))
        .unwrap();
    assert_eq!(together, one_by_one);
    let mut answers = together.into_iter();
    let mut next = || Looked::next_of(&mut answers).unwrap();
    next();
    let shared: Vec<Uuid> = next()
        .into_profiles()
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    let mut household = vec![first.id, second.id];
    household.sort();
    assert_eq!(shared, household);
    let sole_cases = next().into_linked_cases().unwrap();
    assert_eq!(sole_cases.len(), 1);
    assert_eq!(sole_cases[0].0.profile_id, sole.id);
    let hours: Vec<jiff::Timestamp> = next()
        .into_contacts()
        .unwrap()
        .iter()
        .map(|c| c.started_at)
        .collect();
    assert_eq!(
        hours,
        [
            base + jiff::SignedDuration::from_hours(3),
            base + jiff::SignedDuration::from_hours(2)
        ]
    );
    assert!(
        next().into_linked_cases().unwrap().is_empty(),
        "two profiles hold the key"
    );
    assert!(
        next().into_contacts().unwrap().is_empty(),
        "two profiles hold the key"
    );
    assert!(
        next().into_linked_cases().unwrap().is_empty(),
        "no profile holds the key"
    );
    assert_eq!(next().into_linked_cases().unwrap(), sole_cases);
    assert_eq!(next().into_contacts().unwrap().len(), 2);

    // The shared reads answer what the copying reads do.
    cb.store()
        .read_with(|tx| {
            let copy = |p: std::sync::Arc<Profile>| Profile::clone(&p);
            assert_eq!(tx.shared_profile(sole.id)?.map(copy), tx.profile(sole.id)?);
            assert_eq!(tx.shared_profile(Uuid::nil())?, None);
            let profiles: Vec<Profile> = tx
                .shared_profiles_with_key(&shared_key)?
                .into_iter()
                .map(copy)
                .collect();
            assert_eq!(profiles.len(), 2);
            assert_eq!(profiles, tx.profiles_with_key(&shared_key)?);
            assert!(tx.shared_profiles_with_key(&unknown_key)?.is_empty());
            let latest: Vec<Contact> = tx
                .latest_shared_contacts(sole.id, 2)?
                .iter()
                .map(|c| Contact::clone(c))
                .collect();
            assert_eq!(latest.len(), 2);
            assert_eq!(latest, tx.contacts_of_profile(sole.id, None, None, 2)?);
            Ok(())
        })
        .unwrap();
}

/// Contacts move between profiles by reference: only those of the named
/// profile move, nothing else about them changes, the profile indexes
/// follow, and a failed transaction moves nothing.
pub fn contacts_move_by_reference<S: Store>(store: S) {
    let cb = engine(store);
    let from = add(&cb, person("Moving", "From"));
    let other = add(&cb, person("Staying", "Other"));
    let to = add(&cb, person("Moving", "To"));
    let case = open_case(&cb, support_case("Moved call", vec![requester(&from)]));
    let log = |p: &Profile, summary: &str, cases: Vec<String>| {
        let mut input = ContactInput::inbound(Channel::Voice, "020 7946 0001");
        input.profile = Some(p.customer_id.clone());
        input.summary = summary.into();
        input.cases = cases;
        cb.log_contact(&agent(), input).unwrap()
    };
    let moving = [
        log(&from, "first", vec![case.number.clone()]),
        log(&from, "second", Vec::new()),
    ];
    let staying = log(&other, "other's", Vec::new());
    let left_behind = log(&from, "not named", Vec::new());
    let sorted = |mut ids: Vec<Uuid>| {
        ids.sort();
        ids
    };
    let ids_of = |p: &Profile| {
        cb.store()
            .read_with(|tx| tx.contact_ids_of_profile(p.id))
            .unwrap()
    };
    assert_eq!(
        sorted(ids_of(&from)),
        sorted(vec![moving[0].id, moving[1].id, left_behind.id])
    );
    let named = [moving[0].id, moving[1].id, staying.id, Uuid::from_u128(99)];

    let before = cb.export_snapshot().unwrap();
    let err = cb
        .store()
        .write_with(|tx| -> casebook::Result<()> {
            assert_eq!(tx.move_contacts(&named, from.id, to.id)?, 2);
            Err(Error::InvalidInput("abandon".into()))
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(
        cb.export_snapshot().unwrap(),
        before,
        "a failed move moves nothing"
    );

    let moved = cb
        .store()
        .write_with(|tx| tx.move_contacts(&named, from.id, to.id))
        .unwrap();
    assert_eq!(moved, 2, "only contacts of the named profile move");
    for contact in &moving {
        let now = cb.contact(contact.id).unwrap();
        assert_eq!(
            now,
            Contact {
                profile_id: Some(to.id),
                ..contact.clone()
            }
        );
    }
    assert_eq!(cb.contact(staying.id).unwrap(), staying);
    assert_eq!(
        sorted(ids_of(&to)),
        sorted(vec![moving[0].id, moving[1].id])
    );
    assert_eq!(ids_of(&from), vec![left_behind.id]);
    let history: Vec<Uuid> = cb
        .contact_history(to.id, None, None, 10)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(sorted(history), sorted(vec![moving[0].id, moving[1].id]));
    assert_eq!(
        cb.case_contacts(case.id).unwrap()[0].profile_id,
        Some(to.id)
    );
    assert_eq!(
        cb.store()
            .write_with(|tx| tx.move_contacts(&named, from.id, to.id))
            .unwrap(),
        0,
        "moved contacts are no longer the old profile's"
    );
    assert_eq!(cb.check_invariants().unwrap(), Vec::new());
}

/// The store's reporting aggregation answers as the reference one over
/// the same facts: random facts from 2000 BC to AD 3000 (some created in
/// a second before 1970), every key, filters, London's offsets, ranks.
pub fn kpi_aggregation_matches_the_reference<S: Store>(store: S) {
    use casebook::store::{aggregate, CaseFacts, FactColumn, FactKey, FactsQuery, TimeBucket};
    let mut seed = 0x5eed_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let pick =
        |i: u64, items: &[&str]| (i > 0).then(|| items[(i as usize - 1) % items.len()].to_string());
    let mut facts = Vec::new();
    for i in 0..400u128 {
        let created_s = match next(4) {
            0 => -125_000_000_000 + next(250_000_000_000) as i64,
            1 => -(next(86_400 * 40) as i64),
            _ => 1_767_225_600 + next(86_400 * 400) as i64,
        };
        let response = (next(3) > 0).then(|| next(100_000) as i64);
        facts.push(CaseFacts {
            case_id: Uuid::from_u128(i + 1),
            created_s,
            status: ["new", "in_progress", "resolved"][next(3) as usize].into(),
            open: next(2) == 0,
            resolved: next(2) == 0,
            support_group: pick(next(4), &["network", "billing", "field"]),
            assignee: pick(next(3), &["ann", "bob"]),
            channel: pick(next(3), &["voice", "email"]),
            category: pick(next(2), &["fault"]),
            priority: pick(next(4), &["P1", "P2", "P3"]),
            campaign: pick(next(2), &["spring"]),
            response_s: response,
            response_business_s: response.map(|r| r / 2),
            resolution_s: (next(2) == 0).then(|| next(1_000_000) as i64),
            resolution_business_s: (next(2) == 0).then(|| next(500_000) as i64),
            resolutions: next(3) as u32,
            reopens: next(2) as u32,
            sla_met: next(3) as u32,
            sla_breached: next(2) as u32,
            feedback_sum: next(6) as u32,
            feedback_count: next(2) as u32,
        });
    }
    store
        .write_with(|tx| {
            for f in &facts {
                tx.put_case_facts(f)?;
            }
            Ok(())
        })
        .unwrap();
    let london = vec![(i64::MIN, 0), (1_774_746_000, 3_600), (1_792_890_000, 0)];
    let queries = [
        FactsQuery::default(),
        FactsQuery {
            group_by: vec![
                FactKey::Time(TimeBucket::Month),
                FactKey::Column(FactColumn::SupportGroup),
            ],
            offsets: london.clone(),
            ranks: true,
            ..FactsQuery::default()
        },
        FactsQuery {
            group_by: vec![
                FactKey::Time(TimeBucket::Week),
                FactKey::Column(FactColumn::Channel),
            ],
            offsets: london.clone(),
            business: true,
            ranks: true,
            ..FactsQuery::default()
        },
        FactsQuery {
            from_s: Some(-86_400 * 20),
            to_s: Some(1_767_225_600 + 86_400 * 200),
            filters: vec![(FactColumn::Priority, vec!["P1".into(), "P3".into()])],
            group_by: vec![
                FactKey::Time(TimeBucket::Day),
                FactKey::Column(FactColumn::Assignee),
            ],
            offsets: london,
            ranks: true,
            ..FactsQuery::default()
        },
    ];
    for query in &queries {
        let mut expected = aggregate(&facts, query);
        let mut got = store.read_with(|tx| tx.case_kpis(query)).unwrap();
        expected.sort_by(|a, b| a.key.cmp(&b.key));
        got.sort_by(|a, b| a.key.cmp(&b.key));
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "{query:?}");
    }
    assert_eq!(
        store
            .read_with(|tx| tx.case_facts(Uuid::from_u128(1)))
            .unwrap()
            .as_ref(),
        Some(&facts[0])
    );
}
