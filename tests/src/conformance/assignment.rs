//! Assignment over a store: agents of support groups take new cases by
//! their group's strategy within their capacity, waiting cases form the
//! group's backlog, and the backlog is taken most urgent first, then
//! oldest first, by `assign_next` and by an agent that has room again.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

fn admin() -> Actor {
    Actor::new("admin")
}

/// An engine whose clock moves one second at every reading.
fn stepping_engine<S: Store>(store: S) -> Casebook<S> {
    Casebook::builder(store)
        .config(config())
        .clock(Arc::new(ManualClock::with_step(
            start_time(),
            1_000_000_000,
        )))
        .ids(Arc::new(SeededIds::new(7)))
        .build()
        .expect("engine")
}

fn staff(groups: &[&str], capacity: u32, availability: Availability) -> AgentInput {
    AgentInput {
        groups: groups.iter().map(|g| g.to_string()).collect(),
        capacity,
        availability,
        ..AgentInput::default()
    }
}

fn desk_case(summary: &str, group: &str, priority: u8, channel: Channel) -> CaseInput {
    CaseInput {
        short_description: summary.into(),
        support_group: Some(group.into()),
        priority: Some(Priority(priority)),
        channel: Some(channel),
        ..CaseInput::default()
    }
}

fn assignee_of<S: Store>(cb: &Casebook<S>, case: &Case) -> Option<String> {
    cb.case(case.id).unwrap().assignee
}

fn backlog_ids<S: Store>(cb: &Casebook<S>, group: &str) -> Vec<Uuid> {
    cb.backlog(group, 100)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

fn resolve<S: Store>(cb: &Casebook<S>, id: Uuid) -> Case {
    let case = cb.case(id).unwrap();
    let notes = ResolutionInput {
        notes: "Fixed".into(),
        share_with_requester: false,
    };
    cb.set_case_status(
        &admin(),
        id,
        case.version,
        CaseStatus::Resolved,
        Some(notes),
    )
    .unwrap()
}

/// New cases of a group go round-robin (longest idle first) or to the
/// least loaded agent; agents away or full are passed over, and a case
/// nobody can take waits in the backlog.
pub fn agents_take_new_cases_by_their_groups_strategy<S: Store>(store: S) {
    let cb = stepping_engine(store);
    for (name, capacity, availability) in [
        ("ann", 2, Availability::Available),
        ("bob", 2, Availability::Available),
        ("cal", 5, Availability::Away),
    ] {
        cb.put_agent(
            &admin(),
            name,
            None,
            staff(&["desk"], capacity, availability),
        )
        .unwrap();
    }
    let cases: Vec<Case> = (0..5)
        .map(|i| {
            open_case(
                &cb,
                desk_case(&format!("Fault {i}"), "desk", 3, Channel::Voice),
            )
        })
        .collect();
    let assigned: Vec<Option<&str>> = cases.iter().map(|c| c.assignee.as_deref()).collect();
    assert_eq!(
        assigned,
        [Some("ann"), Some("bob"), Some("ann"), Some("bob"), None]
    );
    assert_eq!(backlog_ids(&cb, "desk"), [cases[4].id]);
    let roster: Vec<(String, u32)> = cb
        .group_agents("desk")
        .unwrap()
        .into_iter()
        .map(|w| (w.agent.name, w.open_cases))
        .collect();
    assert_eq!(
        roster,
        [("ann".into(), 2), ("bob".into(), 2), ("cal".into(), 0)]
    );
    // The creation's history entry names the agent it was given to.
    assert!(cases[0].effective_history()[0]
        .changed
        .contains_key("assignee"));

    cb.load_routing_rules(
        &admin(),
        r#"{"rules": [], "groups": {"sales": {"assignment": "least_loaded"}}}"#,
    )
    .unwrap();
    cb.put_agent(
        &admin(),
        "dee",
        None,
        staff(&["sales"], 3, Availability::Available),
    )
    .unwrap();
    cb.put_agent(
        &admin(),
        "eve",
        None,
        staff(&["sales"], 2, Availability::Available),
    )
    .unwrap();
    let sales: Vec<Option<String>> = (0..4)
        .map(|i| {
            open_case(
                &cb,
                desk_case(&format!("Offer {i}"), "sales", 3, Channel::Email),
            )
            .assignee
        })
        .collect();
    // Spare 3:2 -> dee; 2:2, eve idle longer -> eve; 2:1 -> dee; 1:1, eve idle longer.
    assert_eq!(
        sales,
        ["dee", "eve", "dee", "eve"].map(|n| Some(n.to_string()))
    );
    // An explicit assignee is never replaced.
    let chosen = open_case(
        &cb,
        CaseInput {
            assignee: Some("zed".into()),
            ..desk_case("Chosen", "desk", 3, Channel::Voice)
        },
    );
    assert_eq!(chosen.assignee.as_deref(), Some("zed"));
}

/// Agents are versioned, checked, and found by name.
pub fn agents_are_checked_and_versioned<S: Store>(store: S) {
    let cb = stepping_engine(store);
    let ann = cb
        .put_agent(
            &admin(),
            " ann ",
            None,
            staff(&["desk", "desk"], 3, Availability::Available),
        )
        .unwrap();
    assert_eq!((ann.name.as_str(), ann.version), ("ann", 1));
    assert_eq!(ann.groups, ["desk"]);
    assert!(matches!(
        cb.put_agent(
            &admin(),
            "ann",
            None,
            staff(&["desk"], 3, Availability::Available)
        ),
        Err(Error::AlreadyExists {
            entity: Entity::Agent,
            ..
        })
    ));
    let moved = cb
        .put_agent(
            &admin(),
            "ann",
            Some(1),
            staff(&["sales"], 4, Availability::Away),
        )
        .unwrap();
    assert_eq!(moved.version, 2);
    assert!(matches!(
        cb.put_agent(
            &admin(),
            "ann",
            Some(1),
            staff(&["desk"], 3, Availability::Available)
        ),
        Err(Error::Conflict {
            entity: Entity::Agent,
            expected: 1,
            actual: 2,
            ..
        })
    ));
    // Leaving a group takes the agent off its roster.
    assert!(cb.group_agents("desk").unwrap().is_empty());
    assert_eq!(cb.group_agents("sales").unwrap()[0].agent.name, "ann");
    let back = cb
        .set_agent_availability(&admin(), "ann", Availability::Available)
        .unwrap();
    assert_eq!(
        (back.availability, back.version),
        (Availability::Available, 3)
    );

    let Err(Error::Validation(errors)) = cb.put_agent(
        &admin(),
        "",
        None,
        AgentInput {
            groups: vec![" ".into()],
            capacity: 0,
            ..AgentInput::default()
        },
    ) else {
        panic!("an empty agent is refused");
    };
    let mut fields: Vec<(&str, &str)> = errors
        .0
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("capacity", "out_of_range"),
            ("groups", "required"),
            ("name", "required")
        ]
    );
    assert!(matches!(
        cb.agent("nobody"),
        Err(Error::NotFound {
            entity: Entity::Agent,
            ..
        })
    ));
    assert!(matches!(
        cb.set_agent_availability(&admin(), "nobody", Availability::Away),
        Err(Error::NotFound {
            entity: Entity::Agent,
            ..
        })
    ));
}

/// The backlog is taken most urgent first, then oldest first: by an agent
/// becoming available, by one whose case is resolved, by a new agent, and
/// by `assign_next`; a channel's own capacity is kept.
pub fn backlog_is_taken_most_urgent_then_oldest<S: Store>(store: S) {
    let cb = stepping_engine(store);
    cb.put_agent(
        &admin(),
        "ann",
        None,
        staff(&["desk"], 1, Availability::Away),
    )
    .unwrap();
    let low = open_case(&cb, desk_case("Low old", "desk", 4, Channel::Email));
    let high = open_case(&cb, desk_case("High old", "desk", 2, Channel::Email));
    let high_new = open_case(&cb, desk_case("High new", "desk", 2, Channel::Email));
    let low_new = open_case(&cb, desk_case("Low new", "desk", 4, Channel::Voice));
    assert_eq!(
        backlog_ids(&cb, "desk"),
        [high.id, high_new.id, low.id, low_new.id]
    );
    assert_eq!(cb.assign_next(&admin(), "desk").unwrap(), None);

    cb.set_agent_availability(&admin(), "ann", Availability::Available)
        .unwrap();
    assert_eq!(assignee_of(&cb, &high).as_deref(), Some("ann"));
    resolve(&cb, high.id);
    assert_eq!(assignee_of(&cb, &high_new).as_deref(), Some("ann"));

    // Let go by hand: not handed straight back; ann takes the next instead.
    let current = cb.case(high_new.id).unwrap();
    let unassigned = CaseInput {
        assignee: None,
        ..CaseInput::from(&current)
    };
    cb.update_case(&admin(), high_new.id, current.version, unassigned)
        .unwrap();
    assert_eq!(assignee_of(&cb, &high_new), None);
    assert_eq!(assignee_of(&cb, &low).as_deref(), Some("ann"));
    assert_eq!(backlog_ids(&cb, "desk"), [high_new.id, low_new.id]);

    // A new agent with room takes the head at once.
    cb.put_agent(
        &admin(),
        "bob",
        None,
        staff(&["desk"], 1, Availability::Available),
    )
    .unwrap();
    assert_eq!(assignee_of(&cb, &high_new).as_deref(), Some("bob"));
    assert_eq!(cb.assign_next(&admin(), "desk").unwrap(), None);

    // Room for e-mail only: the voice case at the head is passed over.
    let voice_full = AgentInput {
        channel_capacity: BTreeMap::from([(Channel::Voice, 0)]),
        ..staff(&["desk"], 5, Availability::Away)
    };
    cb.put_agent(&admin(), "cal", None, voice_full).unwrap();
    let mail = open_case(&cb, desk_case("Mail", "desk", 5, Channel::Email));
    assert_eq!(backlog_ids(&cb, "desk"), [low_new.id, mail.id]);
    cb.set_agent_availability(&admin(), "cal", Availability::Available)
        .unwrap();
    assert_eq!(assignee_of(&cb, &mail).as_deref(), Some("cal"));
    assert_eq!(backlog_ids(&cb, "desk"), [low_new.id]);
    resolve(&cb, low.id);
    let taken = cb.case(low_new.id).unwrap();
    assert_eq!(taken.assignee.as_deref(), Some("ann"));
    no_invariant_problems(&cb);
}

#[derive(Debug, Clone)]
enum Step {
    Create {
        priority: u8,
        voice: bool,
    },
    Availability {
        agent: usize,
        availability: Availability,
    },
    Resolve {
        case: usize,
    },
    Unassign {
        case: usize,
    },
    AssignNext,
}

fn step() -> impl Strategy<Value = Step> {
    let availability = prop_oneof![
        Just(Availability::Available),
        Just(Availability::Away),
        Just(Availability::Offline)
    ];
    prop_oneof![
        4 => (1u8..=5, any::<bool>()).prop_map(|(priority, voice)| Step::Create { priority, voice }),
        2 => (0usize..3, availability).prop_map(|(agent, availability)| Step::Availability { agent, availability }),
        2 => (0usize..32).prop_map(|case| Step::Resolve { case }),
        1 => (0usize..32).prop_map(|case| Step::Unassign { case }),
        2 => Just(Step::AssignNext),
    ]
}

const AGENTS: [(&str, u32, Option<u32>); 3] =
    [("ann", 2, Some(1)), ("bob", 1, None), ("cal", 3, Some(0))];

/// Open cases per agent and channel, counted from the cases themselves.
fn loads(cases: &[Case]) -> BTreeMap<(String, bool), u32> {
    let mut out = BTreeMap::new();
    for case in cases.iter().filter(|c| c.status.is_open()) {
        if let Some(agent) = &case.assignee {
            let voice = case.channel == Some(Channel::Voice);
            *out.entry((agent.clone(), voice)).or_insert(0) += 1;
        }
    }
    out
}

/// Whether some available agent has room for a case on `voice` or not.
fn someone_can_take(
    loads: &BTreeMap<(String, bool), u32>,
    available: &[bool; 3],
    voice: bool,
) -> bool {
    AGENTS
        .iter()
        .zip(available)
        .any(|((name, capacity, voice_cap), up)| {
            let of = |v: bool| loads.get(&(name.to_string(), v)).copied().unwrap_or(0);
            let room = of(true) + of(false) < *capacity;
            let voice_room = !voice || voice_cap.is_none_or(|limit| of(true) < limit);
            *up && room && voice_room
        })
}

/// After any sequence of new cases, availability changes, resolutions,
/// hand unassignments and `assign_next`, no agent holds more than its
/// capacity (nor its channel's), the backlog lists exactly the open
/// unassigned cases in order, and `assign_next` takes the first case of it
/// that anybody has room for.
pub fn no_agent_above_capacity_after_any_sequence<S: Store>(make: &dyn Fn() -> S) {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(&proptest::collection::vec(step(), 1..40), |steps| {
            let cb = stepping_engine(make());
            for (name, capacity, voice) in AGENTS {
                let input = AgentInput {
                    channel_capacity: voice.map(|v| (Channel::Voice, v)).into_iter().collect(),
                    ..staff(&["desk"], capacity, Availability::Available)
                };
                cb.put_agent(&admin(), name, None, input).map_err(fail)?;
            }
            let mut available = [true; 3];
            let mut ids: Vec<Uuid> = Vec::new();
            for step in &steps {
                match step {
                    Step::Create { priority, voice } => {
                        let channel = if *voice {
                            Channel::Voice
                        } else {
                            Channel::Email
                        };
                        let case = cb
                            .create_case(&admin(), desk_case("Work", "desk", *priority, channel))
                            .map_err(fail)?;
                        ids.push(case.id);
                    }
                    Step::Availability {
                        agent,
                        availability,
                    } => {
                        cb.set_agent_availability(&admin(), AGENTS[*agent].0, *availability)
                            .map_err(fail)?;
                        available[*agent] = *availability == Availability::Available;
                    }
                    Step::Resolve { case } => {
                        if let Some(id) = ids.get(*case) {
                            if cb.case(*id).map_err(fail)?.status.is_open() {
                                resolve(&cb, *id);
                            }
                        }
                    }
                    Step::Unassign { case } => {
                        if let Some(id) = ids.get(*case) {
                            let current = cb.case(*id).map_err(fail)?;
                            if current.status.is_open() && current.assignee.is_some() {
                                let input = CaseInput {
                                    assignee: None,
                                    ..CaseInput::from(&current)
                                };
                                cb.update_case(&admin(), *id, current.version, input)
                                    .map_err(fail)?;
                            }
                        }
                    }
                    Step::AssignNext => {
                        let before: Vec<Case> = ids
                            .iter()
                            .map(|id| cb.case(*id))
                            .collect::<Result<_>>()
                            .map_err(fail)?;
                        let load = loads(&before);
                        let first_takeable = cb
                            .backlog("desk", 100)
                            .map_err(fail)?
                            .into_iter()
                            .map(|c| c.id)
                            .find(|id| {
                                let voice = before
                                    .iter()
                                    .any(|c| c.id == *id && c.channel == Some(Channel::Voice));
                                someone_can_take(&load, &available, voice)
                            });
                        let taken = cb.assign_next(&admin(), "desk").map_err(fail)?;
                        prop_assert_eq!(taken.map(|c| c.id), first_takeable);
                    }
                }
                let cases: Vec<Case> = ids
                    .iter()
                    .map(|id| cb.case(*id))
                    .collect::<Result<_>>()
                    .map_err(fail)?;
                let load = loads(&cases);
                for (name, capacity, voice) in AGENTS {
                    let of = |v: bool| load.get(&(name.to_string(), v)).copied().unwrap_or(0);
                    prop_assert!(of(true) + of(false) <= capacity, "{} above capacity", name);
                    if let Some(limit) = voice {
                        prop_assert!(of(true) <= limit, "{} above voice capacity", name);
                    }
                }
                let mut waiting: Vec<&Case> = cases
                    .iter()
                    .filter(|c| c.status.is_open() && c.assignee.is_none())
                    .collect();
                waiting.sort_by_key(|c| (c.priority.0, c.created_at.as_second(), c.id));
                let expected: Vec<Uuid> = waiting.iter().map(|c| c.id).collect();
                prop_assert_eq!(backlog_ids(&cb, "desk"), expected);
            }
            Ok(())
        })
        .unwrap();
}

fn fail(e: Error) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}
