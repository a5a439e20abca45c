//! Service levels over a store: definitions kept by version, due crossings
//! found by index soonest first, each taken exactly once even by engines
//! polling one store from several threads, and nothing taken by a
//! transaction that failed.

use crate::fixtures::*;
use casebook::sla::SlaDueKey;
use casebook::store::{Store, StoreExt};
use casebook::*;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

/// An engine at Monday 2026-03-09 08:00 UTC with a clock the test moves,
/// an office calendar and a 2-hour resolution SLA warned at 50 %.
fn sla_engine<S: Store>(store: S) -> (Casebook<S>, Arc<ManualClock>) {
    let (cb, clock) = office_engine(store, at("2026-03-09T08:00:00Z"), 21);
    let admin = Actor::new("admin");
    cb.load_sla(
        &admin,
        &json!({"id": "resolve", "name": "Resolved in 2 business hours", "target": "resolution",
                "duration": "2h", "calendar": "office", "warnings": [50],
                "pause": {"field": "status", "equals": "awaiting_customer"},
                "escalations": [{"at": "breach", "assign": "duty-manager"}]})
        .to_string(),
    )
    .expect("sla");
    (cb, clock)
}

fn line_down<S: Store>(cb: &Casebook<S>) -> Case {
    open_case(
        cb,
        CaseInput {
            short_description: "Line down".into(),
            ..CaseInput::default()
        },
    )
}

/// Due crossings come back soonest first, limited, from the index.
pub fn due_crossings_soonest_first<S: Store>(store: S) {
    let (cb, clock) = sla_engine(store);
    let mut cases = Vec::new();
    for minute in [40, 0, 20] {
        clock.set(at(&format!("2026-03-09T09:{minute:02}:00Z")));
        cases.push(line_down(&cb));
    }
    let due = cb.sla_due(at("2026-03-09T12:00:00Z"), 100).unwrap();
    let order: Vec<(Timestamp, u8)> = due.iter().map(|d| (d.due_at, d.threshold)).collect();
    assert_eq!(
        order,
        [
            (at("2026-03-09T10:00:00Z"), 50),
            (at("2026-03-09T10:20:00Z"), 50),
            (at("2026-03-09T10:40:00Z"), 50),
            (at("2026-03-09T11:00:00Z"), 100),
            (at("2026-03-09T11:20:00Z"), 100),
            (at("2026-03-09T11:40:00Z"), 100),
        ]
    );
    assert_eq!(due[0].case_id, cases[1].id);
    assert_eq!(cb.sla_due(at("2026-03-09T12:00:00Z"), 2).unwrap().len(), 2);
    assert!(cb
        .sla_due(at("2026-03-09T09:59:59Z"), 10)
        .unwrap()
        .is_empty());
    // Waiting for the customer pauses the clock: its crossings leave the
    // index until it runs again.
    let first = cb.case(cases[1].id).unwrap();
    clock.set(at("2026-03-09T09:30:00Z"));
    let waiting = cb
        .set_case_status(
            &agent(),
            first.id,
            first.version,
            CaseStatus::AwaitingCustomer,
            None,
        )
        .unwrap();
    let due = cb.sla_due(at("2026-03-09T12:00:00Z"), 100).unwrap();
    assert_eq!(due.len(), 4);
    assert!(due.iter().all(|d| d.case_id != waiting.id));
    let clocks = cb
        .case_slas(waiting.id, Some(at("2026-03-09T10:30:00Z")))
        .unwrap();
    assert_eq!(clocks[0].stage, SlaStage::Paused);
    assert_eq!(clocks[0].business_elapsed_s, 1800);
    assert_eq!(clocks[0].paused_s, 3600);
    no_invariant_problems(&cb);
}

/// Each due crossing is taken once, with its escalation, by whichever
/// poller gets there first.
pub fn due_events_are_taken_once<S: Store + 'static>(store: S) {
    let (cb, clock) = sla_engine(store);
    for minute in 0..6 {
        clock.set(at(&format!("2026-03-09T09:{minute:02}:00Z")));
        line_down(&cb);
    }
    let cb = Arc::new(cb);
    let pollers: Vec<_> = (0..4)
        .map(|i| {
            let cb = cb.clone();
            std::thread::spawn(move || {
                let poller = Actor::new(format!("poller-{i}"));
                let mut taken = Vec::new();
                for _ in 0..3 {
                    taken.extend(
                        cb.due_sla_events(&poller, at("2026-03-09T12:00:00Z"), 4)
                            .expect("poll"),
                    );
                }
                taken
            })
        })
        .collect();
    let mut keys: Vec<(String, u8)> = pollers
        .into_iter()
        .flat_map(|p| p.join().expect("poller"))
        .map(|e| (e.case_number, e.threshold))
        .collect();
    keys.sort();
    assert_eq!(
        keys.len(),
        12,
        "6 warnings and 6 breaches, each once: {keys:?}"
    );
    keys.dedup();
    assert_eq!(keys.len(), 12);
    assert!(cb
        .due_sla_events(&Actor::new("late"), at("2026-03-10T00:00:00Z"), 100)
        .unwrap()
        .is_empty());
    let escalated = cb.search_cases("line", 10).unwrap();
    assert!(escalated
        .iter()
        .all(|c| c.assignee.as_deref() == Some("duty-manager")));
    let audit = cb.audit_log(None).unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action.starts_with("sla_"))
            .count(),
        12
    );
    // The outbox holds each crossing once, and the escalation's assignment.
    let events = cb.events_after(0, 1_000).unwrap();
    let count = |kind: EventKind| events.iter().filter(|e| e.kind == kind).count();
    assert_eq!(count(EventKind::SlaWarning), 6);
    assert_eq!(count(EventKind::SlaBreached), 6);
    assert_eq!(count(EventKind::CaseAssigned), 6);
    let breach = events
        .iter()
        .find(|e| e.kind == EventKind::SlaBreached)
        .unwrap();
    assert_eq!(breach.payload["threshold"], 100);
    assert_eq!(breach.payload["recipients"][0]["user"], "duty-manager");
    no_invariant_problems(&cb);
}

/// Taking a crossing in a transaction that fails takes nothing; a
/// definition version is stored once.
pub fn failed_takes_take_nothing<S: Store>(store: S) {
    let (cb, _) = sla_engine(store);
    let case = line_down(&cb);
    let due = cb.sla_due(at("2026-03-10T00:00:00Z"), 10).unwrap();
    assert_eq!(due.len(), 2);
    let key: SlaDueKey = due[0].key();
    let err = cb
        .store()
        .write_with(|tx| -> casebook::Result<()> {
            assert!(tx.take_sla_due(&key)?);
            assert!(!tx.take_sla_due(&key)?);
            tx.put_sla_due(case.id, &[])?;
            Err(Error::InvalidInput("abandon".into()))
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(cb.sla_due(at("2026-03-10T00:00:00Z"), 10).unwrap(), due);
    assert!(cb
        .store()
        .read_with(|tx| tx.sla_taken_of_case(case.id))
        .unwrap()
        .is_empty());
    let stored = cb.store().read_with(|tx| tx.definitions("sla")).unwrap();
    assert_eq!(stored.len(), 1);
    let again = cb
        .store()
        .write_with(|tx| tx.put_definition(&stored[0]))
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::AlreadyExists);
    // The same definition loaded again is the same version; a changed one is the next.
    let admin = Actor::new("admin");
    let same = cb.load_sla(
        &admin,
        &cb.sla_definition("resolve", None)
            .unwrap()
            .to_json()
            .to_string(),
    );
    assert_eq!(same.unwrap().version(), 1);
    let mut changed = cb.sla_definition("resolve", None).unwrap().to_json();
    changed["duration"] = json!("3h");
    changed.as_object_mut().map(|m| m.remove("version"));
    assert_eq!(
        cb.load_sla(&admin, &changed.to_string()).unwrap().version(),
        2
    );
}
