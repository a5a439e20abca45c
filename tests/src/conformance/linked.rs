//! Linked records: external (CRM) records on profiles, cases and
//! interactions, the customer card, records created through the host, the
//! wrap-up requests, attachments and a case's typed relations.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use proptest::prelude::*;

fn crm(record_type: &str, id: &str) -> ExternalRef {
    ExternalRef {
        system: "salesforce".into(),
        record_type: record_type.into(),
        external_id: id.into(),
        display_name: Some(format!("{record_type} {id}")),
        url: Some(format!("https://crm.example.com/{id}")),
        synced_at: None,
    }
}

fn call<S: Store>(cb: &Casebook<S>, phone_number: &str, profile: &Profile) -> Contact {
    let mut input = ContactInput::inbound(Channel::Voice, phone_number);
    input.profile = Some(profile.customer_id.clone());
    cb.log_contact(&agent(), input).unwrap()
}

fn photo(name: &str) -> AttachmentInput {
    AttachmentInput {
        file_name: name.into(),
        media_type: "image/jpeg".into(),
        size: 1_024,
        sha256: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08".into(),
        uri: format!("s3://evidence/{name}"),
    }
}

/// The customer card lists the interaction's records, then the customer's
/// (person-level first), then the household's, then the cases'.
pub fn customer_card_orders_linked_records<S: Store>(store: S) {
    let cb = engine(store);
    let ann = add(&cb, caller("Ann", "Okafor", "020 7946 0958", "1980-01-01"));
    let bob = add(&cb, person("Bob", "Okafor"));
    cb.relate(
        &agent(),
        RelationInput::new(&ann.customer_id, &bob.customer_id, "spouse", "spouse"),
    )
    .unwrap();
    let ann_target = Target::Profile(ann.customer_id.clone());
    cb.link_external_record(&agent(), &ann_target, crm("opportunity", "006A1"))
        .unwrap();
    cb.link_external_record(&agent(), &ann_target, crm("contact", "003A1"))
        .unwrap();
    // Linking the same record again refreshes it, never duplicates it.
    let mut renamed = crm("contact", "003A1");
    renamed.display_name = Some("Ann Okafor (CRM)".into());
    cb.link_external_record(&agent(), &ann_target, renamed)
        .unwrap();
    cb.link_external_record(
        &agent(),
        &Target::Profile(bob.customer_id.clone()),
        crm("lead", "00QB1"),
    )
    .unwrap();
    let case = open_case(&cb, support_case("Line down", vec![requester(&ann)]));
    cb.link_external_record(
        &agent(),
        &Target::Case(case.number.clone()),
        crm("case", "500C1"),
    )
    .unwrap();
    let contact = call(&cb, "020 7946 0958", &ann);
    cb.link_external_record(
        &agent(),
        &Target::Contact(contact.id.to_string()),
        crm("task", "00TC1"),
    )
    .unwrap();

    let card = cb.customer_card(&contact.id.to_string()).unwrap();
    let order: Vec<(CardSource, &str)> = card
        .records
        .iter()
        .map(|r| (r.source, r.link.reference.external_id.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (CardSource::Interaction, "00TC1"),
            (CardSource::Customer, "003A1"),
            (CardSource::Customer, "006A1"),
            (CardSource::Household, "00QB1"),
            (CardSource::Case, "500C1"),
        ]
    );
    assert_eq!(
        card.records[1].link.reference.display_name.as_deref(),
        Some("Ann Okafor (CRM)")
    );
    assert_eq!(card.records[3].relationship.as_deref(), Some("spouse"));
    assert_eq!(card.profile.as_ref().map(|p| p.open_cases), Some(1));

    cb.unlink_external_record(&agent(), &ann_target, "salesforce", "opportunity", "006A1")
        .unwrap();
    let missing = cb
        .unlink_external_record(&agent(), &ann_target, "salesforce", "opportunity", "006A1")
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let bad = cb
        .link_external_record(&agent(), &ann_target, crm("contact", " "))
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::ValidationFailed);
    assert_eq!(cb.external_records(&ann_target).unwrap().len(), 1);
}

/// A record created in-call is pending until the host confirms it; a
/// failure stays visible; wrapping up an interaction asks for its details
/// to be passed to each linked record exactly once.
pub fn host_requests_create_records_and_pass_details<S: Store>(store: S) {
    let cb = engine(store);
    let kim = add(&cb, caller("Kim", "Lee", "020 7946 0111", "1990-02-02"));
    let contact = call(&cb, "020 7946 0111", &kim);
    let on_call = Target::Contact(contact.id.to_string());
    let lead = cb
        .request_external_record(&agent(), &on_call, "dynamics", "lead")
        .unwrap();
    assert_eq!(lead.kind, HostRequestKind::CreateRecord);
    assert_eq!(
        lead.fields["profile"]["customer_id"],
        serde_json::json!(kim.customer_id)
    );
    assert_eq!(
        lead.fields["interaction"]["channel"],
        serde_json::json!("voice")
    );
    let pending = cb.external_records(&on_call).unwrap();
    assert_eq!(pending[0].status, LinkStatus::Pending);
    let other = cb
        .request_external_record(
            &agent(),
            &Target::Profile(kim.customer_id.clone()),
            "dynamics",
            "contact",
        )
        .unwrap();
    cb.fail_host_request(&agent(), other.seq, "dynamics: 503 Service Unavailable")
        .unwrap();
    let failed = cb
        .external_records(&Target::Profile(kim.customer_id.clone()))
        .unwrap();
    assert_eq!(failed[0].status, LinkStatus::Failed);
    assert_eq!(
        failed[0].error.as_deref(),
        Some("dynamics: 503 Service Unavailable")
    );

    // The host drains the list in order from its cursor.
    let all = cb.host_requests(0, 10).unwrap();
    assert_eq!(
        all.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [lead.seq, other.seq]
    );
    assert_eq!(all[1].status, HostRequestStatus::Failed);
    assert!(cb.host_requests(other.seq, 10).unwrap().is_empty());

    let mut created = crm("lead", "00Q99");
    created.system = "dynamics".into();
    let done = cb
        .complete_host_request(&agent(), lead.seq, Some(created.clone()))
        .unwrap();
    assert_eq!(done.status, HostRequestStatus::Done);
    let linked = cb.external_records(&on_call).unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(
        (linked[0].status, linked[0].reference.external_id.as_str()),
        (LinkStatus::Linked, "00Q99")
    );
    // The same confirmation again changes nothing; another id is refused.
    cb.complete_host_request(&agent(), lead.seq, Some(created))
        .unwrap();
    let mut another = crm("lead", "00Q98");
    another.system = "dynamics".into();
    assert_eq!(
        cb.complete_host_request(&agent(), lead.seq, Some(another))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    assert_eq!(
        cb.complete_host_request(&agent(), lead.seq, None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        cb.complete_host_request(&agent(), 999, None)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );

    // Wrap-up: one pass-details request per record, however often.
    cb.link_external_record(&agent(), &on_call, crm("contact", "003K1"))
        .unwrap();
    let wrapped = cb
        .wrap_up_contact(&agent(), &contact.id.to_string(), None)
        .unwrap();
    assert!(wrapped.ended_at.is_some());
    cb.wrap_up_contact(&agent(), &contact.id.to_string(), None)
        .unwrap();
    let passes: Vec<HostRequest> = cb
        .host_requests(other.seq, 10)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == HostRequestKind::PassDetails)
        .collect();
    assert_eq!(passes.len(), 2, "{passes:?}");
    assert!(passes.iter().all(|r| r.target == on_call));
    // A record linked after the wrap-up is passed the details at once.
    cb.link_external_record(&agent(), &on_call, crm("account", "001K1"))
        .unwrap();
    assert_eq!(cb.host_requests(other.seq, 10).unwrap().len(), 3);
    let early = cb
        .wrap_up_contact(
            &agent(),
            &contact.id.to_string(),
            Some(contact.started_at - jiff::SignedDuration::from_hours(1)),
        )
        .unwrap_err();
    assert_eq!(early.code(), ErrorCode::ValidationFailed);
}

/// Attachments on cases and contacts, listed per customer newest first,
/// removal audited; a case's typed relations grouped by kind.
pub fn attachments_and_case_relations<S: Store>(store: S) {
    let cb = engine(store);
    let ann = add(&cb, caller("Ann", "Okafor", "020 7946 0958", "1980-01-01"));
    let case = open_case(&cb, support_case("Cracked screen", vec![requester(&ann)]));
    let on_case = Target::Case(case.number.clone());
    let first = cb
        .add_attachment(&agent(), &on_case, photo("front.jpg"))
        .unwrap();
    assert_eq!(first.sha256, first.sha256.to_lowercase());
    let contact = call(&cb, "020 7946 0958", &ann);
    let second = cb
        .add_attachment(
            &agent(),
            &Target::Contact(contact.id.to_string()),
            photo("back.jpg"),
        )
        .unwrap();
    let listed: Vec<String> = cb
        .profile_attachments(ann.id)
        .unwrap()
        .into_iter()
        .map(|a| a.attachment.file_name)
        .collect();
    assert_eq!(listed, ["back.jpg", "front.jpg"]);
    let mut bad = photo("x.jpg");
    bad.sha256 = "abc".into();
    bad.media_type = "jpeg".into();
    let Error::Validation(errors) = cb.add_attachment(&agent(), &on_case, bad).unwrap_err() else {
        panic!("a validation error")
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["media_type", "sha256"]);
    assert_eq!(
        cb.add_attachment(
            &agent(),
            &Target::Profile(ann.customer_id.clone()),
            photo("p.jpg")
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidInput
    );
    cb.remove_attachment(&agent(), &on_case, first.id).unwrap();
    assert_eq!(
        cb.remove_attachment(&agent(), &on_case, first.id)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        cb.profile_attachments(ann.id).unwrap()[0].attachment.id,
        second.id
    );
    let audit: Vec<String> = cb
        .audit_log(Some(case.id))
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(audit, ["attachment_added", "attachment_removed"]);

    // Typed relations: a problem case and a knowledge article elsewhere.
    let problem = open_case(&cb, support_case("Batch of faulty screens", vec![]));
    let as_problem = RelatedInput {
        kind: RelatedKind::Problem,
        case: Some(problem.number.clone()),
        external: None,
    };
    cb.relate_record(&agent(), case.id, as_problem.clone())
        .unwrap();
    cb.relate_record(&agent(), case.id, as_problem.clone())
        .unwrap();
    let article = RelatedInput {
        kind: RelatedKind::Knowledge,
        case: None,
        external: Some(ExternalRef {
            system: "kb".into(),
            record_type: "article".into(),
            external_id: "KB0012".into(),
            display_name: Some("Replacing a screen".into()),
            url: None,
            synced_at: None,
        }),
    };
    cb.relate_record(&agent(), case.id, article.clone())
        .unwrap();
    let relations = cb.case_relations(case.id).unwrap();
    let kinds: Vec<RelatedKind> = relations.related.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, [RelatedKind::Problem, RelatedKind::Knowledge]);
    let problems = &relations.related[0].records;
    assert_eq!(problems.len(), 1, "related once");
    assert_eq!(
        problems[0].case.as_ref().map(|c| c.number.as_str()),
        Some(problem.number.as_str())
    );
    assert_eq!(
        relations.related[1].records[0]
            .relation
            .external
            .as_ref()
            .unwrap()
            .external_id,
        "KB0012"
    );
    let both = RelatedInput {
        external: article.external.clone(),
        ..as_problem.clone()
    };
    assert_eq!(
        cb.relate_record(&agent(), case.id, both)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    let itself = RelatedInput {
        case: Some(case.number.clone()),
        ..as_problem.clone()
    };
    assert_eq!(
        cb.relate_record(&agent(), case.id, itself)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    cb.unrelate_record(&agent(), case.id, as_problem.clone())
        .unwrap();
    assert_eq!(
        cb.unrelate_record(&agent(), case.id, as_problem)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(cb.case_relations(case.id).unwrap().related.len(), 1);
}

#[derive(Debug, Clone)]
enum Step {
    Link { profile: usize, record: usize },
    Unlink { profile: usize, record: usize },
    Merge { survivor: usize, merged: usize },
    Unmerge,
    LinkCase { case: usize, record: usize },
    MergeCases { survivor: usize, duplicate: usize },
    UnmergeCases,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        4 => (0usize..4, 0usize..4).prop_map(|(profile, record)| Step::Link { profile, record }),
        2 => (0usize..4, 0usize..4).prop_map(|(profile, record)| Step::Unlink { profile, record }),
        2 => (0usize..4, 0usize..4).prop_map(|(survivor, merged)| Step::Merge { survivor, merged }),
        1 => Just(Step::Unmerge),
        2 => (0usize..3, 0usize..4).prop_map(|(case, record)| Step::LinkCase { case, record }),
        2 => (0usize..3, 0usize..3).prop_map(|(survivor, duplicate)| Step::MergeCases { survivor, duplicate }),
        1 => Just(Step::UnmergeCases),
    ];
    proptest::collection::vec(step, 1..25)
}

/// After any sequence of links, unlinks, merges and unmerges no external
/// record is linked twice to one profile, none sits on a merged-away
/// profile, and every one linked is reachable from a live profile.
pub fn links_survive_merges_without_duplicates<S: Store>(make: &dyn Fn() -> S) {
    let config = ProptestConfig {
        cases: 16,
        ..ProptestConfig::default()
    };
    proptest!(config, |(steps in steps())| {
        let cb = engine(make());
        let profiles: Vec<Profile> = (0..4)
            .map(|i| add_anyway(&cb, person(&format!("P{i}"), "Same")))
            .collect();
        let cases: Vec<Case> = (0..3)
            .map(|i| open_case(&cb, support_case(&format!("Case {i}"), vec![requester(&profiles[i])])))
            .collect();
        let mut merges: Vec<uuid::Uuid> = Vec::new();
        let mut case_merges: Vec<uuid::Uuid> = Vec::new();
        for step in &steps {
            match *step {
                Step::Link { profile, record } => {
                    let target = Target::Profile(profiles[profile].customer_id.clone());
                    cb.link_external_record(&agent(), &target, crm("contact", &format!("R{record}"))).unwrap();
                }
                Step::Unlink { profile, record } => {
                    let target = Target::Profile(profiles[profile].customer_id.clone());
                    let _ = cb.unlink_external_record(&agent(), &target, "salesforce", "contact", &format!("R{record}"));
                }
                Step::Merge { survivor, merged } => {
                    let (s, m) = (cb.profile(profiles[survivor].id).unwrap(), cb.profile(profiles[merged].id).unwrap());
                    if s.id != m.id {
                        if let Ok(outcome) = cb.merge(&agent(), &MergePlan::new(s.id.to_string(), m.id.to_string())) {
                            merges.push(outcome.merge_id);
                        }
                    }
                }
                Step::Unmerge => {
                    if let Some(id) = merges.pop() {
                        let _ = cb.unmerge(&agent(), id);
                    }
                }
                Step::LinkCase { case, record } => {
                    let target = Target::Case(cases[case].number.clone());
                    cb.link_external_record(&agent(), &target, crm("case", &format!("K{record}"))).unwrap();
                }
                Step::MergeCases { survivor, duplicate } => {
                    let plan = CaseMergePlan {
                        survivor: cases[survivor].number.clone(),
                        duplicate: cases[duplicate].number.clone(),
                    };
                    if let Ok(outcome) = cb.merge_cases(&agent(), &plan) {
                        case_merges.push(outcome.merge_id);
                    }
                }
                Step::UnmergeCases => {
                    if let Some(id) = case_merges.pop() {
                        let _ = cb.unmerge_cases(&agent(), id);
                    }
                }
            }
        }
        for case in &cases {
            let stored = cb.case(case.id).unwrap();
            let mut ids: Vec<&str> = stored.external_records.iter().map(|l| l.reference.external_id.as_str()).collect();
            let before = ids.len();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), before, "a record linked twice to {}", stored.number);
            if let Some(survivor) = stored.duplicate_of {
                prop_assert!(cb.case(survivor).is_ok(), "a duplicate points to nothing");
                prop_assert!(cb.case_links(case.id).unwrap().is_empty(), "a duplicate keeps links");
                prop_assert!(cb.case_contacts(case.id).unwrap().is_empty(), "a duplicate keeps contacts");
            }
            for link in cb.case_links(case.id).unwrap() {
                prop_assert!(cb.profile(link.profile_id).is_ok(), "a link to no profile");
            }
        }
        for p in &profiles {
            let stored = cb.profile(Ref::Stored(p.id)).unwrap();
            if stored.merged_into.is_some() {
                prop_assert!(stored.external_records.is_empty(), "a tombstone holds links");
            }
            let mut ids: Vec<&str> = stored.external_records.iter().map(|l| l.reference.external_id.as_str()).collect();
            let before = ids.len();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), before, "a record linked twice to {}", stored.customer_id);
        }
        prop_assert!(cb.check_invariants().unwrap().is_empty());
    });
}

/// A duplicate case folds into the survivor: timeline entries marked with
/// their origin, each profile linked once, contacts, records and
/// attachments moved; the duplicate closed and pointing to the survivor;
/// undone exactly, and refused once something moved has changed.
pub fn case_merge_moves_and_unmerges<S: Store>(store: S) {
    let cb = engine(store);
    let ann = add(&cb, caller("Ann", "Okafor", "020 7946 0958", "1980-01-01"));
    let bob = add(&cb, caller("Bob", "Okafor", "020 7946 0111", "1981-01-01"));
    let survivor = open_case(&cb, support_case("No broadband", vec![requester(&ann)]));
    let duplicate = open_case(
        &cb,
        support_case("Internet down", vec![requester(&ann), requester(&bob)]),
    );
    cb.add_case_entry(
        &agent(),
        duplicate.id,
        EntryKind::WorkNote,
        "Checked the line",
    )
    .unwrap();
    cb.add_attachment(
        &agent(),
        &Target::Case(duplicate.number.clone()),
        photo("router.jpg"),
    )
    .unwrap();
    cb.link_external_record(
        &agent(),
        &Target::Case(duplicate.number.clone()),
        crm("case", "500D1"),
    )
    .unwrap();
    let mut input = ContactInput::inbound(Channel::Voice, "020 7946 0958");
    input.cases = vec![duplicate.number.clone()];
    let contact = cb.log_contact(&agent(), input).unwrap();
    let before = (
        cb.case(survivor.id).unwrap(),
        cb.case(duplicate.id).unwrap(),
    );
    let links_before = (
        cb.case_links(survivor.id).unwrap(),
        cb.case_links(duplicate.id).unwrap(),
    );

    let plan = CaseMergePlan {
        survivor: survivor.number.clone(),
        duplicate: duplicate.number.clone(),
    };
    let preview = cb.case_merge_preview(&plan).unwrap();
    assert_eq!(
        (
            preview.links_moved,
            preview.contacts_moved,
            preview.records_moved
        ),
        (1, 1, 2)
    );
    assert_eq!(
        cb.case(duplicate.id).unwrap(),
        before.1,
        "a preview changes nothing"
    );
    let merged = cb.merge_cases(&agent(), &plan).unwrap();
    let s = cb.case(survivor.id).unwrap();
    let d = cb.case(duplicate.id).unwrap();
    assert!(s
        .timeline
        .iter()
        .any(|e| e.text == "Checked the line"
            && e.origin.as_deref() == Some(duplicate.number.as_str())));
    assert_eq!(s.attachments.len(), 1);
    assert_eq!(s.external_records.len(), 1);
    assert_eq!(
        (d.status, d.duplicate_of),
        (CaseStatus::Closed, Some(survivor.id))
    );
    assert_eq!(
        d.resolution.as_ref().map(|r| r.notes.as_str()),
        Some(&*format!("Duplicate of {}", survivor.number))
    );
    let profiles: Vec<uuid::Uuid> = cb
        .case_links(survivor.id)
        .unwrap()
        .into_iter()
        .map(|l| l.profile_id)
        .collect();
    assert_eq!(profiles.len(), 2, "each profile linked once");
    assert!(cb.case_links(duplicate.id).unwrap().is_empty());
    assert_eq!(cb.contact(contact.id).unwrap().case_ids, [survivor.id]);
    assert!(cb
        .audit_log(Some(survivor.id))
        .unwrap()
        .iter()
        .any(|a| a.action == "case_merge"));
    assert_eq!(
        cb.merge_cases(&agent(), &plan).unwrap_err().code(),
        ErrorCode::InvalidState
    );
    assert!(cb.check_invariants().unwrap().is_empty());

    // Undone exactly (each case one version on).
    let (s, d) = cb.unmerge_cases(&agent(), merged.merge_id).unwrap();
    let at_version = |mut case: Case, of: &Case| {
        assert!(case.version > of.version);
        case.version = of.version;
        case
    };
    assert_eq!(at_version(s, &before.0), before.0);
    assert_eq!(at_version(d, &before.1), before.1);
    assert_eq!(cb.case_links(survivor.id).unwrap(), links_before.0);
    assert_eq!(cb.case_links(duplicate.id).unwrap(), links_before.1);
    assert_eq!(cb.contact(contact.id).unwrap().case_ids, [duplicate.id]);
    assert_eq!(
        cb.unmerge_cases(&agent(), merged.merge_id)
            .unwrap_err()
            .code(),
        ErrorCode::UnmergeRefused
    );

    // Touched after the merge: refused, nothing changed.
    let again = cb.merge_cases(&agent(), &plan).unwrap();
    cb.add_case_entry(&agent(), survivor.id, EntryKind::Comment, "Engineer booked")
        .unwrap();
    assert_eq!(
        cb.unmerge_cases(&agent(), again.merge_id)
            .unwrap_err()
            .code(),
        ErrorCode::UnmergeRefused
    );
    assert_eq!(
        cb.case(duplicate.id).unwrap().duplicate_of,
        Some(survivor.id)
    );
    let itself = CaseMergePlan {
        survivor: survivor.number.clone(),
        duplicate: survivor.number.clone(),
    };
    assert_eq!(
        cb.merge_cases(&agent(), &itself).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

/// Parent and child cases: children listed with their parent, a child that
/// waits for its parent, a parent's resolution resolving its children; and
/// a store holding parents and children from before the children index
/// gets it built when an engine opens it.
pub fn parent_and_child_cases_move_together<S: Store>(store: S) {
    // Cases stored as an older casebook left them: no children index.
    let old = casebook::store::StoreExt::write_with(&store, |tx| {
        let at: jiff::Timestamp = "2026-01-05T10:00:00Z".parse().unwrap();
        let mut stored = Vec::new();
        for (i, parent) in [(0u128, None), (1, Some(uuid::Uuid::from_u128(0)))] {
            let case: Case = serde_json::from_value(serde_json::json!({
                "id": uuid::Uuid::from_u128(i), "number": format!("CS000090{i}"), "version": 1,
                "status": "new", "impact": "low", "urgency": "low", "priority": 5,
                "short_description": format!("Stored case {i}"), "parent": parent,
                "created_at": at, "created_by": "old", "updated_at": at, "updated_by": "old",
            }))
            .unwrap();
            let index = casebook::store::CaseIndex {
                search_tokens: casebook::text::tokens(&format!(
                    "{} {}",
                    case.number, case.short_description
                )),
            };
            tx.put_case(&case, index, None)?;
            stored.push(case);
        }
        Ok(stored)
    })
    .unwrap();
    let config = Config {
        hierarchy: CaseHierarchy {
            children_wait_for_parent: true,
            resolve_children_with_parent: true,
        },
        ..config()
    };
    let cb = engine_with(store, config);
    let relations = cb.case_relations(old[0].id).unwrap();
    assert_eq!(relations.children.len(), 1, "built on open");
    assert_eq!(relations.children[0].number, old[1].number);

    let parent = open_case(&cb, support_case("Area outage", vec![]));
    let mut child_input = support_case("No broadband at number 12", vec![]);
    child_input.parent = Some(parent.number.clone());
    let child = open_case(&cb, child_input.clone());
    child_input.short_description = "No broadband at number 14".into();
    let other = open_case(&cb, child_input);
    let relations = cb.case_relations(parent.id).unwrap();
    let numbers: Vec<&str> = relations
        .children
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(numbers, [child.number.as_str(), other.number.as_str()]);
    assert_eq!(
        cb.case_relations(child.id)
            .unwrap()
            .parent
            .map(|p| p.number),
        Some(parent.number.clone())
    );

    // The child waits for its parent.
    let notes = || ResolutionInput {
        notes: "Fixed".into(),
        share_with_requester: true,
    };
    let refused = cb
        .set_case_status(
            &agent(),
            child.id,
            child.version,
            CaseStatus::Resolved,
            Some(notes()),
        )
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidState);
    cb.set_case_status(
        &agent(),
        child.id,
        child.version,
        CaseStatus::InProgress,
        None,
    )
    .unwrap();

    // Re-parenting moves the child between indexes.
    let mut moved = CaseInput::from(&cb.case(other.id).unwrap());
    moved.parent = None;
    cb.update_case(&agent(), other.id, other.version, moved)
        .unwrap();
    assert_eq!(cb.case_relations(parent.id).unwrap().children.len(), 1);

    // Resolving the parent resolves its open child.
    cb.set_case_status(
        &agent(),
        parent.id,
        parent.version,
        CaseStatus::Resolved,
        Some(notes()),
    )
    .unwrap();
    let child = cb.case(child.id).unwrap();
    assert_eq!(child.status, CaseStatus::Resolved);
    assert_eq!(
        child.resolution.as_ref().map(|r| r.notes.as_str()),
        Some(&*format!("Resolved with its parent {}", parent.number))
    );
    assert_eq!(
        cb.case(other.id).unwrap().status,
        CaseStatus::New,
        "no longer its child"
    );
    let problems = cb.check_invariants().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

/// A merged duplicate's child cases become the survivor's, and go back on
/// unmerge; a survivor under the duplicate is refused (it would be its own
/// ancestor).
pub fn case_merge_moves_child_cases<S: Store>(store: S) {
    let cb = engine(store);
    let survivor = open_case(&cb, support_case("Area outage", vec![]));
    let duplicate = open_case(&cb, support_case("Outage in the area", vec![]));
    let mut child_input = support_case("No broadband at number 12", vec![]);
    child_input.parent = Some(duplicate.number.clone());
    let child = open_case(&cb, child_input);
    let children_of = |id| -> Vec<String> {
        cb.case_relations(id)
            .unwrap()
            .children
            .into_iter()
            .map(|c| c.number)
            .collect()
    };

    let plan = CaseMergePlan {
        survivor: survivor.number.clone(),
        duplicate: duplicate.number.clone(),
    };
    assert_eq!(cb.case_merge_preview(&plan).unwrap().children_moved, 1);
    assert_eq!(cb.case(child.id).unwrap().parent, Some(duplicate.id));
    let merged = cb.merge_cases(&agent(), &plan).unwrap();
    assert_eq!(cb.case(child.id).unwrap().parent, Some(survivor.id));
    assert_eq!(children_of(survivor.id), [child.number.clone()]);
    assert!(children_of(duplicate.id).is_empty());
    assert!(cb.check_invariants().unwrap().is_empty());

    cb.unmerge_cases(&agent(), merged.merge_id).unwrap();
    assert_eq!(cb.case(child.id).unwrap().parent, Some(duplicate.id));
    assert_eq!(children_of(duplicate.id), [child.number.clone()]);
    assert!(children_of(survivor.id).is_empty());

    // Merging the parent into its own child would make a loop.
    let upward = CaseMergePlan {
        survivor: child.number.clone(),
        duplicate: duplicate.number.clone(),
    };
    assert_eq!(
        cb.merge_cases(&agent(), &upward).unwrap_err().code(),
        ErrorCode::InvalidState
    );
    assert_eq!(cb.case(child.id).unwrap().parent, Some(duplicate.id));
}
