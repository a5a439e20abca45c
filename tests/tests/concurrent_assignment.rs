//! Several servers assigning at once over one SQLite file: threads on two
//! handles take a backlog, resolve what they took and change agents'
//! availability meanwhile. No case is given twice and no agent ever holds
//! more open cases than its capacity.

use casebook::*;
use casebook_tests::sqlite::TempSqlite;
use std::collections::BTreeSet;
use std::sync::Mutex;
use uuid::Uuid;

const AGENTS: [&str; 3] = ["ann", "bob", "cal"];
const CAPACITY: u32 = 2;

fn engine(path: std::path::PathBuf) -> Casebook<SqliteStore> {
    Casebook::builder(SqliteStore::open(path).expect("open the shared file"))
        .build()
        .expect("engine")
}

fn check_capacity(cb: &Casebook<SqliteStore>) {
    for w in cb.group_agents("desk").expect("roster") {
        assert!(
            w.open_cases <= CAPACITY,
            "{} holds {} open cases",
            w.agent.name,
            w.open_cases
        );
    }
}

fn resolve_if_held(cb: &Casebook<SqliteStore>, me: &Actor, id: Uuid) {
    let case = cb.case(id).unwrap();
    if !case.status.is_open() || case.assignee.is_none() {
        return;
    }
    let notes = ResolutionInput {
        notes: "Done".into(),
        share_with_requester: false,
    };
    let resolved = cb.set_case_status(me, id, case.version, CaseStatus::Resolved, Some(notes));
    // Another server may have moved it on meanwhile.
    if let Err(e) = resolved {
        assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
    }
}

fn move_to_desk(cb: &Casebook<SqliteStore>, me: &Actor, id: Uuid) {
    let case = cb.case(id).unwrap();
    let input = CaseInput {
        support_group: Some("desk".into()),
        ..CaseInput::from(&case)
    };
    cb.update_case(me, id, case.version, input).unwrap();
}

#[test]
fn two_handles_assigning_at_once_never_give_a_case_twice_nor_exceed_capacity() {
    let t = TempSqlite::new();
    let engines = [engine(t.path()), engine(t.path())];
    let admin = Actor::new("admin");
    for name in AGENTS {
        let input = AgentInput {
            groups: vec!["desk".into()],
            capacity: CAPACITY,
            ..AgentInput::default()
        };
        engines[0].put_agent(&admin, name, None, input).unwrap();
    }
    // Created outside any group, then moved in by hand: they wait for
    // `assign_next`.
    let inputs = (0..60).map(|i| CaseInput {
        short_description: format!("Fault {i}"),
        priority: Some(Priority(1 + (i % 5) as u8)),
        ..CaseInput::default()
    });
    let ids: Vec<Uuid> = engines[1]
        .create_cases(&admin, inputs)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();

    let taken = Mutex::new(Vec::<(Uuid, u64)>::new());
    std::thread::scope(|s| {
        for thread in 0..4 {
            let cb = &engines[thread % 2];
            let (taken, ids) = (&taken, &ids);
            s.spawn(move || {
                let me = Actor::new(format!("worker{thread}"));
                for round in 0..30 {
                    match thread {
                        0 | 1 => {
                            move_to_desk(cb, &me, ids[round * 2 + thread]);
                            if let Some(case) = cb.assign_next(&me, "desk").unwrap() {
                                taken.lock().unwrap().push((case.id, case.version));
                            }
                        }
                        2 => resolve_if_held(cb, &me, ids[(round * 7) % ids.len()]),
                        _ => {
                            let availability = if round % 3 == 2 {
                                Availability::Away
                            } else {
                                Availability::Available
                            };
                            let agent = AGENTS[round % AGENTS.len()];
                            cb.set_agent_availability(&me, agent, availability).unwrap();
                        }
                    }
                    check_capacity(cb);
                }
            });
        }
    });
    let taken = taken.into_inner().unwrap();
    assert!(!taken.is_empty(), "assign_next never took a case");
    let distinct: BTreeSet<&(Uuid, u64)> = taken.iter().collect();
    assert_eq!(distinct.len(), taken.len(), "assign_next gave a case twice");
    check_capacity(&engines[1]);
    // Each case was given to an agent at most once (none was let go).
    for case in engines[0].export_snapshot().unwrap().cases {
        let given = case
            .effective_history()
            .iter()
            .filter(|c| c.changed.get("assignee").is_some_and(|a| !a.is_null()))
            .count();
        assert!(given <= 1, "{} was assigned {given} times", case.number);
    }
    assert!(engines[0].check_invariants().unwrap().is_empty());
}
