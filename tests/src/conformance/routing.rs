//! Routing over a store: loaded rules route new cases (group, assignee,
//! priority) and are checked and versioned; a priority set by hand
//! overrides the matrix, with every change of the override on the timeline.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use serde_json::json;

const RULES: &str = r#"{"rules": [
  {"name": "complaints-by-phone", "when": {"channels": ["voice"], "fields": {"reason": ["complaint"]}},
   "route": {"support_group": "retention", "assignee": "maria", "priority": 2}},
  {"name": "billing", "when": {"categories": ["Billing", "Refunds"]}, "route": {"support_group": "billing"}},
  {"name": "urgent", "when": {"priorities": [1, 2]}, "route": {"support_group": "major-incidents"}}
]}"#;

fn admin() -> Actor {
    Actor::new("admin")
}

fn complaint(channel: Channel) -> CaseInput {
    CaseInput {
        channel: Some(channel),
        fields: [
            ("reason".to_string(), json!("complaint")),
            ("complaint_summary".to_string(), json!("Engineer was rude")),
        ]
        .into_iter()
        .collect(),
        ..support_case("Rude engineer", vec![])
    }
}

fn priority_entries(case: &Case) -> Vec<&str> {
    case.timeline
        .iter()
        .filter(|e| e.kind == EntryKind::PriorityChange)
        .map(|e| e.text.as_str())
        .collect()
}

/// The first matching rule routes a new case; an explicit group or
/// assignee is never overridden; a case no rule matches stays unrouted.
pub fn routing_rules_route_new_cases<S: Store>(store: S) {
    let cb = engine(store);
    assert_eq!(cb.routing_rules().unwrap().version, None);
    let loaded = cb.load_routing_rules(&admin(), RULES).unwrap();
    assert_eq!(loaded.version, Some(1));

    let routed = open_case(&cb, complaint(Channel::Voice));
    assert_eq!(routed.support_group.as_deref(), Some("retention"));
    assert_eq!(routed.assignee.as_deref(), Some("maria"));
    assert_eq!(
        (routed.priority, routed.priority_override),
        (Priority(2), Some(Priority(2)))
    );
    let by = routed.routed_by.clone().expect("routed");
    assert_eq!((by.rule.as_str(), by.version), ("complaints-by-phone", 1));
    assert_eq!(
        priority_entries(&routed),
        ["Priority P2 set by routing rule `complaints-by-phone` (the matrix gives P5)"]
    );
    // Stored as routed, and the history starts with the routed group.
    let stored = cb.case(routed.id).unwrap();
    assert_eq!(stored, routed);
    assert_eq!(
        stored.history[0].changed.get("support_group"),
        Some(&json!("retention"))
    );

    // The same complaint by e-mail falls to a later rule or none.
    let by_mail = open_case(&cb, complaint(Channel::Email));
    assert_eq!((by_mail.support_group, by_mail.routed_by), (None, None));
    let billing = open_case(
        &cb,
        CaseInput {
            category: Some("refunds".into()),
            ..plain_case("Refund missing", vec![])
        },
    );
    assert_eq!(billing.support_group.as_deref(), Some("billing"));
    assert_eq!(billing.priority_override, None);
    assert!(priority_entries(&billing).is_empty());
    // A priority set by hand is what the priority condition sees, and is kept.
    let urgent = open_case(
        &cb,
        CaseInput {
            priority: Some(Priority(1)),
            ..plain_case("Exchange down", vec![])
        },
    );
    assert_eq!(urgent.support_group.as_deref(), Some("major-incidents"));
    assert_eq!(urgent.priority, Priority(1));
    assert_eq!(
        priority_entries(&urgent),
        ["Priority P1 set by hand (the matrix gives P5)"]
    );

    // An explicit group is never routed.
    let explicit = open_case(
        &cb,
        CaseInput {
            support_group: Some("field".into()),
            ..complaint(Channel::Voice)
        },
    );
    assert_eq!(explicit.support_group.as_deref(), Some("field"));
    assert_eq!((explicit.assignee, explicit.routed_by), (None, None));
    assert_eq!(explicit.priority, Priority(5));

    // The preview answers what creation does, and creates nothing.
    let decision = cb.route_case(&complaint(Channel::Voice)).unwrap().unwrap();
    assert_eq!(decision.rule, "complaints-by-phone");
    assert_eq!(decision.assignee.as_deref(), Some("maria"));
    assert_eq!(cb.route_case(&complaint(Channel::Chat)).unwrap(), None);
    assert!(matches!(
        cb.route_case(&CaseInput::default()),
        Err(Error::Validation(_))
    ));
    assert_eq!(cb.search_cases("rude", 50).unwrap().len(), 3);
}

/// Rules are checked against the loaded templates, versioned, and a bad
/// definition changes nothing.
pub fn routing_rules_are_checked_and_versioned<S: Store>(store: S) {
    let cb = engine(store);
    cb.load_routing_rules(&admin(), RULES).unwrap();
    assert_eq!(
        cb.load_routing_rules(&admin(), RULES).unwrap().version,
        Some(1)
    );
    for (bad, needle) in [
        (
            r#"{"rules": [{"name": "x", "when": {"templates": ["missing"]}, "route": {"support_group": "g"}}]}"#,
            "template `missing`",
        ),
        (
            r#"{"rules": [{"name": "x", "route": {"support_group": "g", "priority": 0}}]}"#,
            "priority 0",
        ),
        (
            r#"{"rules": [{"name": "x", "route": {}}]}"#,
            "support_group",
        ),
        (
            r#"{"rules": [{"name": "x", "when": {"colour": ["red"]}, "route": {"support_group": "g"}}]}"#,
            "colour",
        ),
    ] {
        match cb.load_routing_rules(&admin(), bad) {
            Err(Error::InvalidDefinition { message, .. }) => {
                assert!(message.contains(needle), "{message} lacks {needle}")
            }
            other => panic!("{bad} was not refused: {other:?}"),
        }
    }
    assert_eq!(cb.routing_rules().unwrap().version, Some(1));
    let changed = r#"{"rules": [{"name": "all", "when": {"templates": ["support_case"]}, "route": {"support_group": "desk"}}]}"#;
    assert_eq!(
        cb.load_routing_rules(&admin(), changed).unwrap().version,
        Some(2)
    );
    let case = open_case(&cb, complaint(Channel::Voice));
    assert_eq!(case.support_group.as_deref(), Some("desk"));
    assert_eq!(case.routed_by.map(|r| r.version), Some(2));
}

/// A priority set by hand overrides the matrix until given back; each
/// change of the override is on the timeline, and a bad one is a field error.
pub fn priority_set_by_hand_overrides_the_matrix<S: Store>(store: S) {
    let cb = engine(store);
    let case = open_case(&cb, plain_case("Printer jam", vec![]));
    assert_eq!((case.priority, case.priority_override), (Priority(5), None));

    let raised = cb
        .update_case(
            &agent(),
            case.id,
            case.version,
            CaseInput {
                priority: Some(Priority(2)),
                ..CaseInput::from(&case)
            },
        )
        .unwrap();
    assert_eq!(
        (raised.priority, raised.priority_override),
        (Priority(2), Some(Priority(2)))
    );
    assert_eq!(
        raised.history.last().unwrap().changed.get("priority"),
        Some(&json!(2))
    );
    // An edit that starts from the case keeps the override, with no new entry.
    let edited = cb
        .update_case(
            &agent(),
            case.id,
            raised.version,
            CaseInput {
                description: "Tray 2".into(),
                urgency: Some(Level::High),
                ..CaseInput::from(&raised)
            },
        )
        .unwrap();
    assert_eq!(edited.priority, Priority(2));
    assert_eq!(priority_entries(&edited).len(), 1);
    // Without a priority the matrix decides again (low impact, high urgency: P3).
    let back = cb
        .update_case(
            &agent(),
            case.id,
            edited.version,
            CaseInput {
                priority: None,
                ..CaseInput::from(&edited)
            },
        )
        .unwrap();
    assert_eq!((back.priority, back.priority_override), (Priority(3), None));
    assert_eq!(
        priority_entries(&back),
        [
            "Priority P2 set by hand (the matrix gives P5)",
            "Priority back to the impact × urgency matrix: P3"
        ]
    );
    assert_eq!(cb.case(case.id).unwrap(), back);
    // Priority entries are casebook's own: not added by hand, not searched.
    assert!(cb
        .add_case_entry(&agent(), case.id, EntryKind::PriorityChange, "P1")
        .is_err());
    assert!(cb.search_cases("matrix", 10).unwrap().is_empty());

    match cb.update_case(
        &agent(),
        case.id,
        back.version,
        CaseInput {
            priority: Some(Priority(6)),
            ..CaseInput::from(&back)
        },
    ) {
        Err(e @ Error::Validation(_)) => {
            let errors = e.field_errors();
            assert_eq!(errors[0].field, "priority");
            assert_eq!(errors[0].code, FieldErrorCode::OutOfRange);
        }
        other => panic!("priority 6 was accepted: {other:?}"),
    }
    assert_eq!(cb.case(case.id).unwrap().version, back.version);
}
