//! The event outbox over a store: every change writes its events in its
//! own transaction, numbered without gaps; a refused change writes none;
//! consumers acknowledge independently and resume where they stopped.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;

fn kinds<S: Store>(cb: &Casebook<S>, after: u64) -> Vec<EventKind> {
    cb.events_after(after, 1_000)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn last<S: Store>(cb: &Casebook<S>) -> u64 {
    cb.event_consumer("probe").unwrap().last
}

/// Each operation writes the events of what it changed, in order, with
/// its actor; refused operations write nothing.
pub fn every_change_writes_its_events<S: Store>(store: S) {
    let cb = engine(store);
    let ada = add(&cb, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let bob = add_anyway(&cb, person("Bob", "Lovelace"));
    assert_eq!(
        kinds(&cb, 0),
        [EventKind::ProfileCreated, EventKind::ProfileCreated]
    );
    let mut input = support_case(
        "Router down",
        vec![requester(&ada), linked(&bob, LinkRole::Informed)],
    );
    input.assignee = Some("agent-7".into());
    input.channel = Some(Channel::Email);
    let case = open_case(&cb, input);
    let events = cb.events_after(2, 100).unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [EventKind::CaseCreated, EventKind::CaseAssigned]
    );
    assert_eq!(events[0].subject.key, case.number);
    assert_eq!(events[0].actor, agent().id());
    let recipients = &events[1].payload["recipients"];
    assert_eq!(recipients[0]["user"], "agent-7");
    assert_eq!(recipients[1]["customer_id"], ada.customer_id.as_str());
    assert_eq!(recipients[1]["address"], "ada@example.org");
    // A profile with no contact point is named without an address.
    assert_eq!(recipients[2]["customer_id"], bob.customer_id.as_str());
    assert!(recipients[2].get("address").is_none());

    let before = last(&cb);
    let stale = cb.update_case(
        &agent(),
        case.id,
        case.version + 5,
        support_case("late", vec![]),
    );
    assert_eq!(stale.unwrap_err().code(), ErrorCode::Conflict);
    let refused = cb.set_case_status(&agent(), case.id, case.version, CaseStatus::Resolved, None);
    assert!(refused.is_err());
    assert_eq!(last(&cb), before, "refused changes write no events");

    cb.add_case_entry(&agent(), case.id, EntryKind::WorkNote, "internal only")
        .unwrap();
    assert_eq!(last(&cb), before, "a work note is not for the customer");
    let noted = cb
        .add_case_entry(
            &Actor::new("agent-7"),
            case.id,
            EntryKind::Comment,
            "On our way",
        )
        .unwrap();
    let working = cb
        .set_case_status(
            &agent(),
            case.id,
            noted.version,
            CaseStatus::InProgress,
            None,
        )
        .unwrap();
    let mut edit = CaseInput::from(&working);
    edit.assignee = Some("agent-9".into());
    edit.category = Some("network".into());
    cb.update_case(&agent(), case.id, working.version, edit)
        .unwrap();
    let events = cb.events_after(before, 100).unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [
            EventKind::CaseCommentAdded,
            EventKind::CaseStatusChanged,
            EventKind::CaseAssigned,
            EventKind::CaseUpdated,
        ]
    );
    assert_eq!(events[0].actor, "agent-7");
    assert_eq!(events[0].payload["text"], "On our way");
    assert_eq!(events[1].payload["from"], "new");
    assert_eq!(events[1].payload["to"], "in_progress");
    assert_eq!(events[2].payload["from"], "agent-7");
    assert_eq!(
        events[2].payload["recipients"][1]["reason"],
        "previous_assignee"
    );
    assert_eq!(
        events[3].payload["changed"],
        serde_json::json!(["category"])
    );

    let before = last(&cb);
    let call = cb
        .log_contact(
            &agent(),
            ContactInput {
                profile: Some(ada.customer_id.clone()),
                ..ContactInput::inbound(Channel::Voice, "+44 20 7946 0958")
            },
        )
        .unwrap();
    let mut renamed = ProfileInput::from(&cb.profile(ada.id).unwrap());
    renamed.family_name = "King".into();
    let current = cb.profile(ada.id).unwrap();
    cb.update_profile(&agent(), ada.id, current.version, renamed.clone())
        .unwrap();
    // The same data again changes nothing and says nothing.
    let current = cb.profile(ada.id).unwrap();
    cb.update_profile(&agent(), ada.id, current.version, renamed)
        .unwrap();
    let merged = cb.merge(&agent(), &MergePlan::new(bob.id, ada.id)).unwrap();
    cb.unmerge(&agent(), merged.merge_id).unwrap();
    let events = cb.events_after(before, 100).unwrap();
    let got: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(got[0], EventKind::ContactLogged);
    assert_eq!(events[0].subject.id, call.id);
    assert_eq!(events[0].payload["customer_id"], ada.customer_id.as_str());
    assert_eq!(got[1], EventKind::ProfileUpdated);
    assert_eq!(
        events[1].payload["changed"],
        serde_json::json!(["family_name"])
    );
    assert_eq!(got.last(), Some(&EventKind::ProfileUnmerged));
    assert!(got.contains(&EventKind::ProfileMerged));
    let merge = events
        .iter()
        .find(|e| e.kind == EventKind::ProfileMerged)
        .unwrap();
    assert_eq!(merge.payload["merge_id"], merged.merge_id.to_string());
    assert_eq!(merge.subject.id, bob.id);
    assert_eq!(
        merge.payload["merged"]["customer_id"],
        ada.customer_id.as_str()
    );
    let seqs: Vec<u64> = cb
        .events_after(0, 1_000)
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    no_invariant_problems(&cb);
}

/// Consumers acknowledge on their own; an acknowledged event does not come
/// back, an unacknowledged one comes back with the same key.
pub fn consumers_resume_from_their_acknowledgement<S: Store>(store: S) {
    let cb = engine(store);
    for i in 0..5 {
        add_anyway(&cb, person("Test", &format!("Person{i}")));
    }
    let first = cb.events_for("mailer", 3).unwrap();
    assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    // Crashed before acknowledging: the same events, the same keys.
    assert_eq!(cb.events_for("mailer", 3).unwrap(), first);
    let kept = cb.acknowledge_events("mailer", 2).unwrap();
    assert_eq!((kept.acknowledged, kept.last), (2, 5));
    let next = cb.events_for("mailer", 10).unwrap();
    assert_eq!(next[0], first[2]);
    assert_eq!(next.len(), 3);
    // A late duplicate acknowledgement keeps the later one.
    cb.acknowledge_events("mailer", 5).unwrap();
    assert_eq!(cb.acknowledge_events("mailer", 1).unwrap().acknowledged, 5);
    assert!(cb.events_for("mailer", 10).unwrap().is_empty());
    // Another consumer is where it was: at the start.
    assert_eq!(cb.events_for("crm", 10).unwrap().len(), 5);
    assert_eq!(cb.event_consumer(" crm ").unwrap().acknowledged, 0);
    assert_eq!(
        cb.acknowledge_events("crm", 6).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        cb.events_for("", 10).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        cb.events_for(&"x".repeat(201), 10).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    // Limits are clamped, cursors past the end hold nothing.
    assert_eq!(cb.events_after(0, 0).unwrap().len(), 1);
    assert!(cb.events_after(u64::MAX, 10).unwrap().is_empty());
    add_anyway(&cb, person("Late", "Comer"));
    assert_eq!(cb.events_for("mailer", 10).unwrap()[0].seq, 6);
}
