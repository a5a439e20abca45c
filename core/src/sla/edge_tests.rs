//! Edge cases of service-level clocks: later response cycles, switching
//! definitions, late breaches, retroactive starts, resets at attachment,
//! and a crossing that stopped being due between the poll and the take.

use super::tests::{at, engine, load, load_resolution_group, move_to, open_case};
use crate::model::{
    CaseInput, CaseStatus, Channel, ContactInput, EntryKind, Level, ResolutionInput,
};
use crate::{Actor, Casebook, ManualClock, MemoryStore, SeededIds, SlaStage};
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

/// Logs an inbound e-mail on the case.
fn inbound(cb: &Casebook<MemoryStore>, case: &crate::Case, started: Option<Timestamp>) {
    cb.log_contact(
        &Actor::new("agent"),
        ContactInput {
            cases: vec![case.number.clone()],
            started_at: started,
            ..ContactInput::inbound(Channel::Email, "ada@example.org")
        },
    )
    .unwrap();
}

fn set_levels(cb: &Casebook<MemoryStore>, case: &crate::Case, l: Level) -> crate::Case {
    let input = CaseInput {
        impact: Some(l),
        urgency: Some(l),
        ..CaseInput::from(case)
    };
    cb.update_case(&Actor::new("agent"), case.id, case.version, input)
        .unwrap()
}

/// A customer message that starts another next-response cycle while the
/// pause condition holds starts it paused, like the first.
#[test]
fn a_later_next_response_cycle_keeps_the_conditions() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "next", "name": "Next", "target": "next_response",
        "duration": "2h", "time": "calendar",
        "pause": {"field": "status", "equals": "awaiting_customer"}}),
    );
    let case = open_case(&cb);
    clock.set(at("2026-03-09T09:00:00Z"));
    inbound(&cb, &case, None);
    clock.set(at("2026-03-09T09:30:00Z"));
    cb.add_case_entry(&Actor::new("agent"), case.id, EntryKind::Comment, "Hi")
        .unwrap();
    clock.set(at("2026-03-09T10:00:00Z"));
    let case = cb.case(case.id).unwrap();
    move_to(&cb, &case, CaseStatus::AwaitingCustomer);
    clock.set(at("2026-03-09T11:00:00Z"));
    inbound(&cb, &case, None);
    let clocks = cb
        .case_slas(case.id, Some(at("2026-03-09T12:00:00Z")))
        .unwrap();
    assert_eq!(clocks[0].started_at, at("2026-03-09T11:00:00Z"));
    assert_eq!(clocks[0].stage, SlaStage::Paused, "{:?}", clocks[0]);
    assert_eq!(clocks[0].paused_s, 3600);
}

/// Lowering the priority after the short definition breached: the clock
/// carries on under the long one, which has not breached.
#[test]
fn switching_to_a_longer_definition_drops_crossings_it_has_not_made() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load_resolution_group(&cb);
    let case = open_case(&cb);
    let case = set_levels(&cb, &case, Level::High);
    clock.set(at("2026-03-09T11:00:00Z"));
    let case = set_levels(&cb, &case, Level::Low);
    let events = cb
        .due_sla_events(&Actor::new("poller"), at("2026-03-09T12:00:00Z"), 10)
        .unwrap();
    assert!(events.iter().all(|e| e.threshold != 100), "{events:?}");
    let c = &cb
        .case_slas(case.id, Some(at("2026-03-09T12:00:00Z")))
        .unwrap()[0];
    assert_eq!(c.sla, "p-low");
    assert!(!c.breached);
    assert_eq!(c.time_left_s, 4 * 3600);
    assert_eq!(
        c.planned_breach_at,
        Some(at("2026-03-09T16:00:00Z")),
        "{c:?}"
    );
    // The poller must not report a p-low breach at 12:00.
    let events = cb
        .due_sla_events(&Actor::new("poller"), at("2026-03-09T12:00:00Z"), 10)
        .unwrap();
    assert!(events.iter().all(|e| e.threshold != 100), "{events:?}");
}

/// A breach that happened before the case was resolved is still due,
/// reported once and escalated no more.
#[test]
fn a_breach_before_resolution_is_still_taken() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution",
        "duration": "1h", "time": "calendar"}),
    );
    let case = open_case(&cb);
    clock.set(at("2026-03-09T10:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::InProgress);
    cb.set_case_status(
        &Actor::new("agent"),
        case.id,
        case.version,
        CaseStatus::Resolved,
        Some(ResolutionInput {
            notes: "done".into(),
            share_with_requester: false,
        }),
    )
    .unwrap();
    let events = cb
        .due_sla_events(&Actor::new("poller"), at("2026-03-09T10:05:00Z"), 10)
        .unwrap();
    assert_eq!(
        events.len(),
        1,
        "the 09:00 breach happened and was never taken"
    );
    assert_eq!(events[0].due_at, at("2026-03-09T09:00:00Z"));
    assert!(events[0].escalations.is_empty());
    assert!(cb
        .due_sla_events(&Actor::new("poller"), at("2026-03-10T00:00:00Z"), 10)
        .unwrap()
        .is_empty());
}

/// A retroactive start counts the case's pauses before the clock attached as pauses.
#[test]
fn a_retroactive_start_counts_earlier_pauses() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "p1", "name": "P1", "target": "resolution", "duration": "8h",
        "time": "calendar", "retroactive_start": "created_at",
        "start": {"field": "priority", "in": [1, 2]},
        "pause": {"field": "status", "equals": "awaiting_customer"}}),
    );
    let case = open_case(&cb);
    clock.set(at("2026-03-09T09:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::AwaitingCustomer);
    clock.set(at("2026-03-09T11:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::InProgress);
    clock.set(at("2026-03-09T12:00:00Z"));
    let case = set_levels(&cb, &case, Level::High);
    let c = &cb
        .case_slas(case.id, Some(at("2026-03-09T12:00:00Z")))
        .unwrap()[0];
    assert_eq!(c.started_at, at("2026-03-09T08:00:00Z"));
    assert_eq!(
        (c.actual_elapsed_s, c.paused_s),
        (2 * 3600, 2 * 3600),
        "{c:?}"
    );
}

/// A call that started before the case opened from it does not start
/// clocks before the case existed.
#[test]
fn nothing_counts_before_the_case_exists() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "resolve", "name": "R", "target": "resolution",
        "duration": "4h", "time": "calendar"}),
    );
    clock.set(at("2026-03-09T09:00:00Z"));
    let case = open_case(&cb);
    inbound(&cb, &case, Some(at("2026-03-09T08:30:00Z")));
    let c = &cb
        .case_slas(case.id, Some(at("2026-03-09T10:00:00Z")))
        .unwrap()[0];
    assert_eq!(c.started_at, case.created_at, "{c:?}");
}

/// Attaching is not a reset: a reset condition holding at attachment keeps
/// the retroactive start.
#[test]
fn attaching_is_not_a_reset() {
    let (cb, clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "t", "name": "T", "target": "resolution", "duration": "8h",
        "time": "calendar", "retroactive_start": "created_at",
        "start": {"field": "status", "equals": "in_progress"},
        "reset": {"field": "status", "equals": "in_progress"}}),
    );
    let case = open_case(&cb);
    clock.set(at("2026-03-09T10:00:00Z"));
    let case = move_to(&cb, &case, CaseStatus::InProgress);
    let c = &cb
        .case_slas(case.id, Some(at("2026-03-09T11:00:00Z")))
        .unwrap()[0];
    assert_eq!(c.started_at, at("2026-03-09T08:00:00Z"), "{c:?}");
}

/// A warning threshold under one second of the duration is refused at load.
#[test]
fn a_threshold_under_a_second_is_refused() {
    let (cb, _) = engine("2026-03-09T08:00:00Z");
    let err = cb
        .load_sla(
            &Actor::new("admin"),
            &json!({"id": "r", "name": "R", "target": "resolution",
            "duration": "60s", "calendar": "office", "warnings": [1]})
            .to_string(),
        )
        .unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::InvalidDefinition);
}

/// A clock read at the end of the representable range answers (a breached
/// clock), not an error or a panic.
#[test]
fn reading_far_in_the_future() {
    let (cb, _clock) = engine("2026-03-09T08:00:00Z");
    load(
        &cb,
        json!({"id": "r", "name": "R", "target": "resolution", "duration": "8h",
        "calendar": "office"}),
    );
    let case = open_case(&cb);
    let clocks = cb
        .case_slas(case.id, Some(at("9999-12-30T00:00:00Z")))
        .unwrap();
    assert_eq!(clocks.len(), 1);
    assert!(clocks[0].breached, "{:?}", clocks[0]);
}

/// A store that runs a hook before its next write transaction.
struct HookStore {
    inner: Arc<MemoryStore>,
    hook: std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl crate::store::Store for HookStore {
    fn read(
        &self,
        f: &mut dyn FnMut(&dyn crate::store::ReadTx) -> crate::Result<()>,
    ) -> crate::Result<()> {
        self.inner.read(f)
    }
    fn write(
        &self,
        f: &mut dyn FnMut(&mut dyn crate::store::WriteTx) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let hook = self.hook.lock().unwrap().take();
        if let Some(h) = hook {
            h();
        }
        self.inner.write(f)
    }
}

/// Another server pauses the case between the poller's read of the due
/// rows and its write: the poller takes nothing that is no longer due.
#[test]
fn a_crossing_no_longer_due_is_not_taken() {
    let inner = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::with_step(at("2026-03-09T08:00:00Z"), 0));
    let poller_engine = Arc::new(
        Casebook::builder(HookStore {
            inner: inner.clone(),
            hook: std::sync::Mutex::new(None),
        })
        .clock(clock.clone())
        .ids(Arc::new(SeededIds::new(3)))
        .build()
        .unwrap(),
    );
    let clock2 = Arc::new(ManualClock::with_step(at("2026-03-09T08:00:00Z"), 0));
    let agent_engine = Arc::new(
        Casebook::builder(inner.clone())
            .clock(clock2.clone())
            .ids(Arc::new(SeededIds::new(4)))
            .build()
            .unwrap(),
    );
    let admin = Actor::new("admin");
    agent_engine
        .load_sla(
            &admin,
            &json!({"id": "resolve", "name": "R", "target": "resolution",
        "duration": "1h", "time": "calendar",
        "pause": {"field": "status", "equals": "awaiting_customer"}})
            .to_string(),
        )
        .unwrap();
    let case = agent_engine
        .create_case(
            &Actor::new("agent"),
            CaseInput {
                short_description: "x".into(),
                ..CaseInput::default()
            },
        )
        .unwrap();
    clock2.set(at("2026-03-09T08:50:00Z"));
    let a = agent_engine.clone();
    let id = case.id;
    let version = case.version;
    *poller_engine.store().hook.lock().unwrap() = Some(Box::new(move || {
        a.set_case_status(
            &Actor::new("agent"),
            id,
            version,
            CaseStatus::AwaitingCustomer,
            None,
        )
        .unwrap();
    }));
    let events = poller_engine
        .due_sla_events(&Actor::new("poller"), at("2026-03-09T09:00:00Z"), 10)
        .unwrap();
    let clocks = agent_engine
        .case_slas(case.id, Some(at("2026-03-09T09:00:00Z")))
        .unwrap();
    assert_eq!(clocks[0].stage, SlaStage::Paused);
    assert!(!clocks[0].breached);
    assert!(
        events.is_empty(),
        "a breach taken for a paused, unbreached clock: {events:?}"
    );
}
