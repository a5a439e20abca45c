//! Tasks over a store: mandatory tasks hold a resolution back, task lists
//! across cases come most urgent first from the store's index, follow-ups
//! show once due, tasks move with case merges, and any sequence of task
//! operations leaves the lists exactly what the cases say.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use jiff::Timestamp;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::sync::Arc;
use uuid::Uuid;

fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

fn task_engine<S: Store>(store: S) -> (Casebook<S>, Arc<ManualClock>) {
    office_engine(store, at("2026-03-09T08:00:00Z"), 23)
}

fn case_for<S: Store>(cb: &Casebook<S>, summary: &str, assignee: &str, impact: Level) -> Case {
    cb.create_case(
        &agent(),
        CaseInput {
            short_description: summary.into(),
            assignee: Some(assignee.into()),
            support_group: Some("network".into()),
            impact: Some(impact),
            urgency: Some(impact),
            ..CaseInput::default()
        },
    )
    .expect("case")
}

fn task(title: &str, due: Option<&str>) -> TaskInput {
    TaskInput {
        title: title.into(),
        due_at: due.map(at),
        ..TaskInput::default()
    }
}

fn titles<S: Store>(cb: &Casebook<S>, owner: TaskOwner) -> Vec<String> {
    cb.task_list(&owner, 100)
        .expect("task list")
        .into_iter()
        .map(|i| i.task.title)
        .collect()
}

fn ana() -> TaskOwner {
    TaskOwner::Assignee("ana".into())
}

fn resolution() -> Option<ResolutionInput> {
    Some(ResolutionInput {
        notes: "Fixed".into(),
        share_with_requester: true,
    })
}

/// An agent's list across cases: earliest due first, then the case's
/// priority, undated last; a group's queue holds its unassigned tasks; a
/// mandatory task holds the resolution back, naming itself; the tasks of a
/// resolved case leave the list.
pub fn tasks_hold_resolution_and_list_most_urgent_first<S: Store>(store: S) {
    let (cb, _clock) = task_engine(store);
    let low = case_for(&cb, "Slow line", "ana", Level::Low);
    let high = case_for(&cb, "Line down", "ana", Level::High);
    cb.add_task(&agent(), low.id, task("Undated on low", None))
        .unwrap();
    cb.add_task(
        &agent(),
        low.id,
        task("Due Tuesday on low", Some("2026-03-10T12:00:00Z")),
    )
    .unwrap();
    cb.add_task(
        &agent(),
        high.id,
        task("Due Tuesday on high", Some("2026-03-10T12:00:00Z")),
    )
    .unwrap();
    cb.add_task(&agent(), high.id, task("Undated on high", None))
        .unwrap();
    let visit = cb
        .add_task(
            &agent(),
            high.id,
            TaskInput {
                mandatory: true,
                ..task("Engineer visit", Some("2026-03-09T15:00:00Z"))
            },
        )
        .unwrap();
    // No owner given: the case's; a group only: the group's queue.
    assert_eq!(visit.assignee.as_deref(), Some("ana"));
    assert_eq!(visit.support_group.as_deref(), Some("network"));
    cb.add_task(
        &agent(),
        high.id,
        TaskInput {
            support_group: Some("field".into()),
            ..task("Book a van", None)
        },
    )
    .unwrap();
    assert_eq!(
        titles(&cb, ana()),
        [
            "Engineer visit",
            "Due Tuesday on high",
            "Due Tuesday on low",
            "Undated on high",
            "Undated on low"
        ]
    );
    assert_eq!(
        titles(&cb, TaskOwner::SupportGroup("field".into())),
        ["Book a van"]
    );
    assert!(titles(&cb, TaskOwner::Assignee("bob".into())).is_empty());
    let first = &cb.task_list(&ana(), 1).unwrap()[0];
    assert_eq!(
        (first.case_number.as_str(), first.priority, first.overdue),
        (high.number.as_str(), high.priority, false)
    );

    // The mandatory visit holds the resolution back; nothing changes.
    let err = cb
        .set_case_status(
            &agent(),
            high.id,
            cb.case(high.id).unwrap().version,
            CaseStatus::Resolved,
            resolution(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::TasksOpen);
    assert!(err.to_string().contains("Engineer visit"), "{err}");
    assert_eq!(err.to_json()["tasks"][0]["id"], visit.id.to_string());
    assert_eq!(cb.case(high.id).unwrap().status, CaseStatus::New);

    // A stale task version is a conflict, a finished task is not edited.
    let done = cb
        .set_task_status(&agent(), high.id, visit.id, 1, TaskStatus::Done)
        .unwrap();
    assert_eq!((done.version, done.status), (2, TaskStatus::Done));
    assert_eq!(
        cb.set_task_status(&agent(), high.id, visit.id, 1, TaskStatus::Open)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    assert_eq!(
        cb.edit_task(&agent(), high.id, visit.id, 2, task("Again", None))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    let case = cb
        .set_case_status(
            &agent(),
            high.id,
            cb.case(high.id).unwrap().version,
            CaseStatus::Resolved,
            resolution(),
        )
        .unwrap();
    // Work on a resolved case is neither listed nor added.
    assert_eq!(titles(&cb, ana()), ["Due Tuesday on low", "Undated on low"]);
    assert!(titles(&cb, TaskOwner::SupportGroup("field".into())).is_empty());
    assert_eq!(
        cb.add_task(&agent(), case.id, task("Late work", None))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidState
    );
    // Reopening the case brings its open tasks back.
    cb.set_case_status(
        &agent(),
        case.id,
        case.version,
        CaseStatus::InProgress,
        None,
    )
    .unwrap();
    assert_eq!(titles(&cb, ana()).len(), 4);

    // Bad input: every problem at once, nothing stored.
    let err = cb
        .add_task(
            &agent(),
            low.id,
            TaskInput {
                kind: TaskKind::FollowUp,
                mandatory: true,
                ..task("  ", None)
            },
        )
        .unwrap_err();
    let Error::Validation(fields) = &err else {
        panic!("validation expected: {err}");
    };
    let mut named: Vec<&str> = fields.0.iter().map(|f| f.field.as_str()).collect();
    named.sort_unstable();
    assert_eq!(named, ["due_at", "mandatory", "title"]);
    assert_eq!(
        cb.set_task_status(&agent(), low.id, Uuid::nil(), 1, TaskStatus::Done)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        cb.task_list(&TaskOwner::Assignee(" ".into()), 10)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    no_invariant_problems(&cb);
}

/// A follow-up scheduled after closure shows in the agent's list once it
/// is due (overdue after), and leaves it when done.
pub fn follow_ups_show_once_due<S: Store>(store: S) {
    let (cb, clock) = task_engine(store);
    let case = case_for(&cb, "Bill too high", "ana", Level::Medium);
    let resolved = cb
        .set_case_status(
            &agent(),
            case.id,
            case.version,
            CaseStatus::Resolved,
            resolution(),
        )
        .unwrap();
    cb.set_case_status(
        &agent(),
        case.id,
        resolved.version,
        CaseStatus::Closed,
        None,
    )
    .unwrap();
    let call = cb
        .add_task(
            &agent(),
            case.id,
            TaskInput {
                kind: TaskKind::FollowUp,
                channel: Some(Channel::Voice),
                ..task("Call to check the next bill", Some("2026-03-16T09:00:00Z"))
            },
        )
        .unwrap();
    assert!(titles(&cb, ana()).is_empty());
    clock.set(at("2026-03-16T09:00:00Z"));
    let listed = cb.task_list(&ana(), 10).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].task.id, listed[0].case_status, listed[0].overdue),
        (call.id, CaseStatus::Closed, false)
    );
    clock.set(at("2026-03-17T09:00:00Z"));
    assert!(cb.task_list(&ana(), 10).unwrap()[0].overdue);
    cb.set_task_status(&agent(), case.id, call.id, 1, TaskStatus::Done)
        .unwrap();
    assert!(titles(&cb, ana()).is_empty());
    // A follow-up may be reopened on a closed case; a task may not.
    cb.set_task_status(&agent(), case.id, call.id, 2, TaskStatus::Open)
        .unwrap();
    assert_eq!(titles(&cb, ana()), ["Call to check the next bill"]);
    no_invariant_problems(&cb);
}

/// A merged duplicate's tasks move to the survivor and come back with an
/// unmerge; the lists follow.
pub fn tasks_follow_case_merges<S: Store>(store: S) {
    let (cb, _clock) = task_engine(store);
    let survivor = case_for(&cb, "No internet", "ana", Level::Medium);
    let duplicate = case_for(&cb, "Internet down again", "ana", Level::Medium);
    let moved = cb
        .add_task(
            &agent(),
            duplicate.id,
            TaskInput {
                mandatory: true,
                ..task("Test the line", None)
            },
        )
        .unwrap();
    let plan = CaseMergePlan {
        survivor: survivor.number.clone(),
        duplicate: duplicate.number.clone(),
    };
    let outcome = cb.merge_cases(&agent(), &plan).unwrap();
    assert_eq!(outcome.survivor.tasks, [moved.clone()]);
    let listed = cb.task_list(&ana(), 10).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].case_number, survivor.number);
    // The moved task now holds the survivor's resolution back.
    assert_eq!(
        cb.set_case_status(
            &agent(),
            survivor.id,
            outcome.survivor.version,
            CaseStatus::Resolved,
            resolution(),
        )
        .unwrap_err()
        .code(),
        ErrorCode::TasksOpen
    );
    no_invariant_problems(&cb);
    cb.unmerge_cases(&agent(), outcome.merge_id).unwrap();
    let listed = cb.task_list(&ana(), 10).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].case_number, duplicate.number);
    no_invariant_problems(&cb);
}

#[derive(Debug, Clone)]
enum Step {
    Add {
        case: usize,
        owner: usize,
        due_hours: Option<i64>,
        follow_up: bool,
    },
    Status {
        case: usize,
        task: usize,
        to: TaskStatus,
    },
    CaseStatus {
        case: usize,
        to: CaseStatus,
    },
    Impact {
        case: usize,
        level: Level,
    },
    Wait(i64),
}

const OWNERS: [Option<&str>; 3] = [Some("ana"), Some("bob"), None];

fn step() -> impl Strategy<Value = Step> {
    let status = prop_oneof![
        Just(TaskStatus::Open),
        Just(TaskStatus::Done),
        Just(TaskStatus::Cancelled)
    ];
    let level = prop_oneof![Just(Level::High), Just(Level::Medium), Just(Level::Low)];
    let case_status = prop_oneof![
        Just(CaseStatus::InProgress),
        Just(CaseStatus::Resolved),
        Just(CaseStatus::Closed),
        Just(CaseStatus::Cancelled)
    ];
    prop_oneof![
        4 => (0..3usize, 0..3usize, proptest::option::of(-48i64..96), any::<bool>()).prop_map(
            |(case, owner, due_hours, follow_up)| Step::Add { case, owner, due_hours, follow_up }
        ),
        3 => (0..3usize, 0..8usize, status).prop_map(|(case, task, to)| Step::Status { case, task, to }),
        1 => (0..3usize, case_status).prop_map(|(case, to)| Step::CaseStatus { case, to }),
        1 => (0..3usize, level).prop_map(|(case, level)| Step::Impact { case, level }),
        1 => (1i64..72).prop_map(Step::Wait),
    ]
}

fn fail(e: Error) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Runs a step; refusals by the rules (a closed case, a task already
/// done, open mandatory work) are part of the sequence.
fn run_step<S: Store>(
    cb: &Casebook<S>,
    clock: &ManualClock,
    cases: &[Uuid],
    step: &Step,
) -> std::result::Result<(), TestCaseError> {
    let refused = |e: &Error| {
        matches!(
            e.code(),
            ErrorCode::InvalidState | ErrorCode::IllegalTransition | ErrorCode::TasksOpen
        )
    };
    let outcome = match step {
        Step::Add {
            case,
            owner,
            due_hours,
            follow_up,
        } => {
            let due = due_hours
                .map(|h| clock.now().checked_add(jiff::SignedDuration::from_hours(h)))
                .transpose()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let kind = if *follow_up && due.is_some() {
                TaskKind::FollowUp
            } else {
                TaskKind::Task
            };
            cb.add_task(
                &agent(),
                cases[*case],
                TaskInput {
                    kind,
                    title: "step".into(),
                    assignee: OWNERS[*owner].map(String::from),
                    support_group: Some("network".into()),
                    due_at: due,
                    mandatory: kind == TaskKind::Task && *owner == 0,
                    ..TaskInput::default()
                },
            )
            .map(|_| ())
        }
        Step::Status { case, task, to } => {
            let c = cb.case(cases[*case]).map_err(fail)?;
            match c.tasks.get(*task) {
                Some(t) => cb
                    .set_task_status(&agent(), c.id, t.id, t.version, *to)
                    .map(|_| ()),
                None => Ok(()),
            }
        }
        Step::CaseStatus { case, to } => {
            let c = cb.case(cases[*case]).map_err(fail)?;
            let notes = (*to == CaseStatus::Resolved).then(resolution).flatten();
            cb.set_case_status(&agent(), c.id, c.version, *to, notes)
                .map(|_| ())
        }
        Step::Impact { case, level } => {
            let c = cb.case(cases[*case]).map_err(fail)?;
            let mut input = CaseInput::from(&c);
            input.impact = Some(*level);
            cb.update_case(&agent(), c.id, c.version, input).map(|_| ())
        }
        Step::Wait(hours) => {
            clock.advance_seconds(hours * 3600);
            Ok(())
        }
    };
    match outcome {
        Err(e) if !refused(&e) => Err(fail(e)),
        _ => Ok(()),
    }
}

/// What an owner's list must hold, worked out from the cases themselves.
fn expected_list(cases: &[Case], owner: &TaskOwner, now: Timestamp) -> Vec<Uuid> {
    let mut rows: Vec<(casebook::store::TaskUrgency, Uuid)> = Vec::new();
    for case in cases {
        for t in &case.tasks {
            let listed_kind = t.kind == TaskKind::FollowUp || case.status.is_open();
            let due = t.due_at.map_or(i64::MAX, |d| d.as_second());
            let visible = t.kind == TaskKind::Task || due <= now.as_second();
            let owned = match owner {
                TaskOwner::Assignee(a) => t.assignee.as_deref() == Some(a),
                TaskOwner::SupportGroup(g) => {
                    t.assignee.is_none() && t.support_group.as_deref() == Some(g)
                }
            };
            if t.is_open() && listed_kind && visible && owned {
                let key = (
                    due,
                    case.priority.0,
                    t.created_at.as_second(),
                    t.id,
                    case.id,
                );
                rows.push((key, t.id));
            }
        }
    }
    rows.sort();
    rows.into_iter().map(|(_, id)| id).collect()
}

/// Property: after any sequence of task and case operations, every list
/// is exactly what the cases say, in order, no resolved case keeps an open
/// mandatory task, and the invariants hold.
pub fn task_lists_match_the_cases_after_any_sequence<S: Store>(make: &dyn Fn() -> S) {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(&proptest::collection::vec(step(), 1..24), |steps| {
            let (cb, clock) = task_engine(make());
            let cases: Vec<Uuid> = ["One", "Two", "Three"]
                .iter()
                .map(|s| case_for(&cb, s, "ana", Level::Medium).id)
                .collect();
            for step in &steps {
                run_step(&cb, &clock, &cases, step)?;
            }
            let all: Vec<Case> = cases
                .iter()
                .map(|id| cb.case(*id))
                .collect::<Result<_>>()
                .map_err(fail)?;
            for case in &all {
                if matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
                    prop_assert!(!case.tasks.iter().any(CaseTask::blocks_resolution));
                }
            }
            for owner in [
                TaskOwner::Assignee("ana".into()),
                TaskOwner::Assignee("bob".into()),
                TaskOwner::SupportGroup("network".into()),
            ] {
                let listed: Vec<Uuid> = cb
                    .task_list(&owner, 1000)
                    .map_err(fail)?
                    .into_iter()
                    .map(|i| i.task.id)
                    .collect();
                prop_assert_eq!(listed, expected_list(&all, &owner, clock.now()));
            }
            let problems = cb.check_invariants().map_err(fail)?;
            prop_assert!(problems.is_empty(), "{:?}", problems);
            Ok(())
        })
        .unwrap();
}
