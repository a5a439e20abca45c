//! Service levels end to end on the in-memory engine: clocks derived from
//! history, pauses, policy groups, responses, due crossings taken once.

use crate::model::{
    CaseInput, CaseStatus, Channel, ContactInput, EntryKind, Level, ResolutionInput,
};
use crate::{Actor, Casebook, ErrorCode, ManualClock, MemoryStore, SeededIds, SlaStage};
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

pub(super) fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

pub(super) fn engine(start: &str) -> (Casebook<MemoryStore>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::with_step(at(start), 0));
    let cb = Casebook::builder(MemoryStore::new())
        .clock(clock.clone())
        .ids(Arc::new(SeededIds::new(3)))
        .build()
        .expect("engine");
    let admin = Actor::new("admin");
    cb.load_calendar(
        &admin,
        &json!({"id": "office", "name": "Office", "time_zone": "UTC",
                "week": {"monday": [{"start": "08:00", "end": "17:00"}],
                         "tuesday": [{"start": "08:00", "end": "17:00"}],
                         "wednesday": [{"start": "08:00", "end": "17:00"}],
                         "thursday": [{"start": "08:00", "end": "17:00"}],
                         "friday": [{"start": "08:00", "end": "17:00"}]}})
        .to_string(),
    )
    .expect("calendar");
    (cb, clock)
}

pub(super) fn load(cb: &Casebook<MemoryStore>, def: serde_json::Value) {
    cb.load_sla(&Actor::new("admin"), &def.to_string())
        .expect("sla");
}

/// A policy group: resolution in 2 business hours at priority 1 or 2, in 8 otherwise.
pub(super) fn load_resolution_group(cb: &Casebook<MemoryStore>) {
    load(
        cb,
        json!({"id": "p-low", "name": "Low", "target": "resolution", "duration": "8h",
        "calendar": "office", "policy_group": "resolution", "position": 2}),
    );
    load(
        cb,
        json!({"id": "p-high", "name": "High", "target": "resolution", "duration": "2h",
        "calendar": "office", "policy_group": "resolution", "position": 1,
        "start": {"field": "priority", "in": [1, 2]}}),
    );
}

/// Moves a case to another status as the agent.
pub(super) fn move_to(
    cb: &Casebook<MemoryStore>,
    case: &crate::Case,
    status: CaseStatus,
) -> crate::Case {
    cb.set_case_status(&Actor::new("agent"), case.id, case.version, status, None)
        .expect("status change")
}

pub(super) fn open_case(cb: &Casebook<MemoryStore>) -> crate::Case {
    cb.create_case(
        &Actor::new("agent"),
        CaseInput {
            short_description: "No dial tone".into(),
            ..CaseInput::default()
        },
    )
    .expect("case")
}

#[test]
fn business_and_actual_elapsed_from_friday_night_to_monday_morning() {
    let (cb, _) = engine("2026-03-06T21:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "Resolve in 9 business hours",
        "target": "resolution", "duration": "9h", "calendar": "office", "warnings": [50, 75]}),
    );
    let case = open_case(&cb);
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T09:30:00Z")))
        .unwrap();
    assert_eq!(clocks.len(), 1);
    let c = &clocks[0];
    assert_eq!(c.stage, SlaStage::InProgress);
    assert_eq!(c.business_elapsed_s, 5400);
    assert_eq!(c.actual_elapsed_s, 60 * 3600 + 1800);
    assert_eq!(c.time_left_s, 9 * 3600 - 5400);
    assert!(!c.breached);
    assert_eq!(c.planned_breach_at, Some(at("2026-03-09T17:00:00Z")));
    assert_eq!(c.crossings.len(), 3);
    assert_eq!(c.crossings[0].at, at("2026-03-09T12:30:00Z"));
    assert!((c.percentage - 16.67).abs() < 1e-9);
}

#[test]
fn pauses_move_the_deadline_and_stop_completes() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "4h",
        "calendar": "office", "pause": {"field": "status", "equals": "awaiting_customer"}}),
    );
    let agent = Actor::new("agent");
    let case = open_case(&cb);
    clock.set(at("2026-03-09T09:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::AwaitingCustomer);
    let paused = cb
        .case_slas(case.id, Some(at("2026-03-09T11:00:00Z")))
        .unwrap();
    assert_eq!(paused[0].stage, SlaStage::Paused);
    assert_eq!(paused[0].business_elapsed_s, 3600);
    assert_eq!(paused[0].paused_s, 7200);
    assert_eq!(
        paused[0].original_breach_at,
        Some(at("2026-03-09T12:00:00Z"))
    );
    assert_eq!(
        paused[0].planned_breach_at,
        Some(at("2026-03-09T14:00:00Z"))
    );
    clock.set(at("2026-03-09T11:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::InProgress);
    let running = cb
        .case_slas(case.id, Some(at("2026-03-09T12:00:00Z")))
        .unwrap();
    assert_eq!(
        running[0].planned_breach_at,
        Some(at("2026-03-09T14:00:00Z"))
    );
    clock.set(at("2026-03-09T15:00:00Z"));
    let resolution = ResolutionInput {
        notes: "Line reset".into(),
        share_with_requester: false,
    };
    cb.set_case_status(
        &agent,
        case.id,
        case.version,
        CaseStatus::Resolved,
        Some(resolution),
    )
    .unwrap();
    let done = cb
        .case_slas(case.id, Some(at("2026-03-10T15:00:00Z")))
        .unwrap();
    assert_eq!(done[0].stage, SlaStage::Completed);
    assert!(done[0].breached);
    assert_eq!(done[0].business_elapsed_s, 5 * 3600);
    assert_eq!(done[0].completed_at, Some(at("2026-03-09T15:00:00Z")));
    // The breach before the resolution is due until taken.
    let late = cb.sla_due(at("2030-01-01T00:00:00Z"), 10).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(
        (late[0].threshold, late[0].due_at),
        (100, at("2026-03-09T14:00:00Z"))
    );
}

#[test]
fn a_priority_change_switches_the_definition_and_keeps_the_elapsed_time() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load_resolution_group(&cb);
    let case = open_case(&cb);
    clock.set(at("2026-03-09T09:00:00Z"));
    let input = CaseInput {
        impact: Some(Level::High),
        urgency: Some(Level::High),
        ..CaseInput::from(&case)
    };
    let case = cb
        .update_case(&Actor::new("agent"), case.id, case.version, input)
        .unwrap();
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T09:30:00Z")))
        .unwrap();
    assert_eq!(clocks.len(), 1);
    assert_eq!(clocks[0].sla, "p-high");
    assert_eq!(clocks[0].started_at, at("2026-03-09T08:00:00Z"));
    assert_eq!(clocks[0].business_elapsed_s, 5400);
    assert_eq!(
        clocks[0].planned_breach_at,
        Some(at("2026-03-09T10:00:00Z"))
    );
}

#[test]
fn response_clocks_stop_on_comments_and_restart_on_customer_messages() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "first", "name": "First", "target": "first_response",
        "duration": "1h", "time": "calendar"}),
    );
    load(
        &cb,
        json!({"id": "next", "name": "Next", "target": "next_response",
        "duration": "2h", "time": "calendar"}),
    );
    let agent = Actor::new("agent");
    let case = open_case(&cb);
    clock.set(at("2026-03-09T08:20:00Z"));
    cb.add_case_entry(&agent, case.id, EntryKind::Comment, "We are on it")
        .unwrap();
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T09:00:00Z")))
        .unwrap();
    assert_eq!(
        clocks.len(),
        1,
        "next response waits for a customer message"
    );
    assert_eq!(clocks[0].stage, SlaStage::Completed);
    assert_eq!(clocks[0].actual_elapsed_s, 1200);
    clock.set(at("2026-03-09T10:00:00Z"));
    cb.log_contact(
        &agent,
        ContactInput {
            cases: vec![case.number.clone()],
            ..ContactInput::inbound(Channel::Email, "ada@example.org")
        },
    )
    .unwrap();
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T11:00:00Z")))
        .unwrap();
    let next = clocks
        .iter()
        .find(|c| c.sla == "next")
        .expect("next response");
    assert_eq!(next.stage, SlaStage::InProgress);
    assert_eq!(next.started_at, at("2026-03-09T10:00:00Z"));
    let due = cb.sla_due(at("2026-03-09T12:00:00Z"), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].due_at, at("2026-03-09T12:00:00Z"));
    clock.set(at("2026-03-09T10:30:00Z"));
    cb.add_case_entry(&agent, case.id, EntryKind::Comment, "Replied")
        .unwrap();
    assert!(cb
        .sla_due(at("2030-01-01T00:00:00Z"), 10)
        .unwrap()
        .is_empty());
}

#[test]
fn due_events_are_taken_once_with_their_escalations() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "2h",
        "calendar": "office", "warnings": [50],
        "escalations": [
            {"at": 50, "inform": ["team-lead"]},
            {"at": "breach", "raise_priority": true, "assign": "duty-manager",
             "support_group": "tier-2", "work_note": "SLA breached: escalated"}]}),
    );
    let case = open_case(&cb);
    let poller = Actor::new("sla-poller");
    assert!(cb
        .due_sla_events(&poller, at("2026-03-09T08:59:00Z"), 10)
        .unwrap()
        .is_empty());
    let warnings = cb
        .due_sla_events(&poller, at("2026-03-09T09:00:00Z"), 10)
        .unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].threshold, 50);
    assert_eq!(
        warnings[0].escalations,
        vec!["informed team-lead".to_string()]
    );
    assert!(cb
        .due_sla_events(&poller, at("2026-03-09T09:30:00Z"), 10)
        .unwrap()
        .is_empty());
    clock.set(at("2026-03-09T11:00:00Z"));
    let breaches = cb
        .due_sla_events(&poller, at("2026-03-09T11:00:00Z"), 10)
        .unwrap();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].kind, crate::SlaEventKind::Breach);
    assert_eq!(breaches[0].due_at, at("2026-03-09T10:00:00Z"));
    let escalated = cb.case(case.id).unwrap();
    assert_eq!(escalated.assignee.as_deref(), Some("duty-manager"));
    assert_eq!(escalated.support_group.as_deref(), Some("tier-2"));
    assert_eq!(escalated.urgency, Level::Medium);
    assert_eq!(escalated.informed_users, vec!["team-lead".to_string()]);
    assert_eq!(
        escalated.timeline.last().map(|e| e.kind),
        Some(EntryKind::WorkNote)
    );
    // The escalation changed the case: its crossings are derived again,
    // and what was taken stays taken.
    assert!(cb
        .due_sla_events(&poller, at("2031-01-01T00:00:00Z"), 10)
        .unwrap()
        .is_empty());
    let audit = cb.audit_log(Some(case.id)).unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["sla_warning", "sla_breach"]);
    assert!(cb.check_invariants().unwrap().is_empty());
}

#[test]
fn a_running_case_keeps_the_definition_version_it_started_under() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "2h",
        "calendar": "office"}),
    );
    let case = open_case(&cb);
    clock.set(at("2026-03-09T08:30:00Z"));
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "4h",
        "calendar": "office"}),
    );
    let later = open_case(&cb);
    let old = cb
        .case_slas(case.id, Some(at("2026-03-09T09:00:00Z")))
        .unwrap();
    assert_eq!((old[0].version, old[0].duration_s), (1, 7200));
    let new = cb
        .case_slas(later.id, Some(at("2026-03-09T09:00:00Z")))
        .unwrap();
    assert_eq!((new[0].version, new[0].duration_s), (2, 14400));
}

#[test]
fn bad_definitions_are_refused_and_store_nothing() {
    let (cb, _) = engine("2026-03-09T08:00:00Z");
    let admin = Actor::new("admin");
    let refused = |def: serde_json::Value, needle: &str| {
        let err = cb.load_sla(&admin, &def.to_string()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDefinition, "{def}");
        assert!(err.to_string().contains(needle), "{err} lacks {needle}");
    };
    let base = json!({"id": "x", "name": "X", "target": "resolution", "duration": "4h",
        "calendar": "office"});
    let with = |key: &str, value: serde_json::Value| {
        let mut d = base.clone();
        d[key] = value;
        d
    };
    refused(
        with("calendar", json!("nowhere")),
        "`nowhere` is not loaded",
    );
    refused(with("duration", json!("0s")), "positive");
    refused(with("duration", json!("soon")), "not a duration");
    refused(with("warnings", json!([120])), "120");
    refused(with("colour", json!("red")), "colour");
    refused(
        with("start", json!({"field": "region", "equals": "north"})),
        "`region`",
    );
    refused(
        with("case_template", json!("missing")),
        "`missing` is not loaded",
    );
    refused(
        with("escalations", json!([{"at": 80, "assign": "x"}])),
        "80",
    );
    refused(with("target", json!("Weird Name")), "not a target");
    assert!(cb.sla_definitions().unwrap().is_empty());
    let err = cb
        .load_calendar(
            &admin,
            &json!({"id": "c", "name": "C", "time_zone": "Mars/Olympus",
            "always_open": true})
            .to_string(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidDefinition);
    assert_eq!(cb.calendars().unwrap().len(), 1);
}

#[test]
fn a_snapshot_keeps_definitions_and_taken_crossings() {
    let (cb, _) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "2h",
        "calendar": "office", "warnings": [50]}),
    );
    let case = open_case(&cb);
    let poller = Actor::new("poller");
    assert_eq!(
        cb.due_sla_events(&poller, at("2026-03-09T09:00:00Z"), 10)
            .unwrap()
            .len(),
        1
    );
    let snapshot = cb.export_snapshot().unwrap();
    let (copy, _) = engine("2026-03-09T08:00:00Z");
    let fresh = Casebook::builder(MemoryStore::new())
        .clock(Arc::new(ManualClock::new(at("2026-03-09T08:00:00Z"))))
        .ids(Arc::new(SeededIds::new(4)))
        .build()
        .unwrap();
    drop(copy);
    fresh.import_snapshot(&snapshot).unwrap();
    assert_eq!(fresh.sla_definitions().unwrap().len(), 1);
    let due = fresh.sla_due(at("2030-01-01T00:00:00Z"), 10).unwrap();
    assert_eq!(due.len(), 1, "the warning taken before stays taken");
    assert_eq!((due[0].case_id, due[0].threshold), (case.id, 100));
    assert!(fresh.check_invariants().unwrap().is_empty());
}

#[test]
fn retroactive_start_reset_and_a_calendar_from_a_case_field() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    let admin = Actor::new("admin");
    cb.load_calendar(
        &admin,
        &json!({"id": "nights", "name": "Nights", "time_zone": "UTC",
                "week": {"monday": [{"start": "20:00", "end": "08:00", "overnight": true}]}})
        .to_string(),
    )
    .unwrap();
    cb.load_template(
        &admin,
        &json!({"id": "fault", "name": "Fault", "kind": "case",
                "fields": [{"key": "shift", "label": "Shift", "type": "text"}]})
        .to_string(),
    )
    .unwrap();
    load(
        &cb,
        json!({"id": "triage", "name": "Triage", "target": "triage_done",
        "duration": "1h", "calendar": {"field": "shift", "default": "office"},
        "case_template": "fault", "retroactive_start": "created_at",
        "start": {"field": "status", "equals": "in_progress"},
        "stop": {"field": "category", "present": true},
        "reset": {"field": "status", "equals": "awaiting_customer"}}),
    );
    let agent = Actor::new("agent");
    let case = cb
        .create_case(
            &agent,
            CaseInput {
                template: Some("fault".into()),
                short_description: "Noise on the line".into(),
                fields: [("shift".to_string(), json!("nights"))]
                    .into_iter()
                    .collect(),
                ..CaseInput::default()
            },
        )
        .unwrap();
    assert!(
        cb.case_slas(case.id, None).unwrap().is_empty(),
        "not started yet"
    );
    clock.set(at("2026-03-09T21:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::InProgress);
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T21:30:00Z")))
        .unwrap();
    assert_eq!(
        clocks[0].started_at,
        at("2026-03-09T08:00:00Z"),
        "counted from creation"
    );
    assert_eq!(clocks[0].calendar.as_deref(), Some("nights"));
    assert_eq!(
        clocks[0].business_elapsed_s, 5400,
        "the night shift since 20:00"
    );
    assert!(clocks[0].breached);
    clock.set(at("2026-03-09T22:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::AwaitingCustomer);
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T22:15:00Z")))
        .unwrap();
    assert_eq!(clocks[0].started_at, at("2026-03-09T22:00:00Z"), "reset");
    assert_eq!(
        (clocks[0].business_elapsed_s, clocks[0].breached),
        (900, false)
    );
    clock.set(at("2026-03-09T22:30:00Z"));
    let input = CaseInput {
        category: Some("line".into()),
        ..CaseInput::from(&case)
    };
    let case = cb
        .update_case(&agent, case.id, case.version, input)
        .unwrap();
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-10T06:00:00Z")))
        .unwrap();
    assert_eq!(clocks[0].stage, SlaStage::Completed);
    assert_eq!(clocks[0].business_elapsed_s, 1800);
    // A condition on a field the template lacks is refused at load.
    let err = cb
        .load_sla(
            &admin,
            &json!({"id": "bad", "name": "B", "target": "resolution",
            "duration": "1h", "time": "calendar", "case_template": "fault",
            "start": {"field": "region", "equals": "north"}})
            .to_string(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidDefinition);
    assert!(err.to_string().contains("`region`"), "{err}");
}
