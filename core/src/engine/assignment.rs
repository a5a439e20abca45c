//! Agents and assignment: the agents of support groups (capacity per
//! channel, availability), giving a routed new case to one of its group's
//! agents, a group's backlog (open cases nobody holds) and taking it most
//! urgent first, then oldest first, when an agent has room again.
//!
//! Every assignment also writes the chosen agent's record (when it was last
//! given a case), so two servers choosing the same agent at once conflict
//! in the store and one tries again: nobody goes above capacity.

use super::clean::{clean_line, MAX_SHORT};
use super::profiles::MAX_RESULTS;
use super::Casebook;
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{
    choose_agent, Agent, AgentInput, AgentLoad, AgentWorkload, Availability, Case, CaseSummary,
};
use crate::store::{check_version, ReadTx, Store, StoreExt, WriteTx};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

const AGENT_BLOB: &str = "agent";
const ROSTER_BLOB: &str = "agent_group";
const NAMESPACE: Uuid = Uuid::from_u128(0x3a8e_51c7_92d4_4f06_a1b3_6c2e_f5d8_0b79);
/// Most support groups one agent works in.
const MAX_GROUPS: usize = 50;
/// Highest capacity of an agent.
const MAX_CAPACITY: u32 = 1_000;
/// How far into a backlog assignment looks for a case an agent's channel
/// capacity allows (a head of cases on a full channel is passed over).
const BACKLOG_LOOKAHEAD: usize = 200;

fn agent_id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("agent:{name}").as_bytes())
}

fn roster_id(group: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("group:{group}").as_bytes())
}

/// The agents of one support group, by name.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Roster {
    members: BTreeSet<String>,
}

/// Where a case stands in a backlog: most urgent, then oldest, first (the
/// order of the stores' backlog index).
fn backlog_rank(case: &Case) -> (u8, i64, Uuid) {
    (case.priority.0, case.created_at.as_second(), case.id)
}

/// An agent's name and input checked and cleaned, every problem at once.
fn clean_agent(name: &str, input: &AgentInput) -> Result<(String, AgentInput)> {
    let mut errors = Vec::new();
    let name = clean_line(name, "name", "Name", MAX_SHORT, &mut errors);
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            FieldErrorCode::Required,
            "An agent needs a name",
        ));
    }
    let mut groups: Vec<String> = Vec::with_capacity(input.groups.len());
    for group in &input.groups {
        let group = clean_line(group, "groups", "A support group", MAX_SHORT, &mut errors);
        if group.is_empty() {
            errors.push(FieldError::new(
                "groups",
                FieldErrorCode::Required,
                "A support group name is empty",
            ));
        } else if !groups.contains(&group) {
            groups.push(group);
        }
    }
    if groups.len() > MAX_GROUPS {
        errors.push(FieldError::new(
            "groups",
            FieldErrorCode::OutOfRange,
            format!("An agent works in at most {MAX_GROUPS} support groups"),
        ));
    }
    if !(1..=MAX_CAPACITY).contains(&input.capacity) {
        errors.push(FieldError::new(
            "capacity",
            FieldErrorCode::OutOfRange,
            format!("Capacity must be 1 to {MAX_CAPACITY} open cases"),
        ));
    }
    if input.channel_capacity.values().any(|&c| c > MAX_CAPACITY) {
        errors.push(FieldError::new(
            "channel_capacity",
            FieldErrorCode::OutOfRange,
            format!("A channel's capacity must be 0 to {MAX_CAPACITY} open cases"),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors));
    }
    Ok((
        name,
        AgentInput {
            groups,
            ..input.clone()
        },
    ))
}

fn agent_in(tx: &dyn ReadTx, name: &str) -> Result<Option<Agent>> {
    tx.blob(AGENT_BLOB, agent_id(name))?
        .map(serde_json::from_value)
        .transpose()
        .map_err(Error::from)
}

fn roster_in(tx: &dyn ReadTx, group: &str) -> Result<Roster> {
    Ok(match tx.blob(ROSTER_BLOB, roster_id(group))? {
        Some(value) => serde_json::from_value(value)?,
        None => Roster::default(),
    })
}

fn put_agent_blob(tx: &mut dyn WriteTx, agent: &Agent) -> Result<()> {
    tx.put_blob(
        AGENT_BLOB,
        agent_id(&agent.name),
        &serde_json::to_value(agent)?,
    )
}

/// Records that `agent` was given a case at `now`. Writing the agent is
/// also what makes two servers choosing it at once conflict.
fn stamp_assignment(tx: &mut dyn WriteTx, agent: &mut Agent, now: Timestamp) -> Result<()> {
    agent.last_assigned_at = Some(now);
    put_agent_blob(tx, agent)
}

/// A group's agents with their open cases per channel.
fn loads_of_group(tx: &dyn ReadTx, group: &str) -> Result<Vec<AgentLoad>> {
    let mut loads = Vec::new();
    for name in roster_in(tx, group)?.members {
        if let Some(agent) = agent_in(tx, &name)? {
            let load = tx.open_load(&name)?;
            loads.push((agent, load));
        }
    }
    Ok(loads)
}

impl<S: Store> Casebook<S> {
    /// Creates an agent (`expected_version` `None`) or replaces one
    /// (`Some` of its current version; a stale one is a `conflict`): the
    /// support groups it works in, its capacity (open cases at once, 1 to
    /// 1,000, and optionally less per channel) and its availability. An
    /// agent with room takes waiting cases of its groups at once. An agent
    /// with no groups is given no more cases.
    ///
    /// ```
    /// use casebook::{Actor, AgentInput, CaseInput, Casebook};
    /// let cb = Casebook::in_memory();
    /// let admin = Actor::new("admin");
    /// cb.put_agent(&admin, "ann", None, AgentInput {
    ///     groups: vec!["field-service".into()],
    ///     capacity: 5,
    ///     ..AgentInput::default()
    /// })?;
    /// let case = cb.create_case(&admin, CaseInput {
    ///     short_description: "No dial tone".into(),
    ///     support_group: Some("field-service".into()),
    ///     ..CaseInput::default()
    /// })?;
    /// assert_eq!(case.assignee.as_deref(), Some("ann"));
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn put_agent(
        &self,
        actor: &Actor,
        name: &str,
        expected_version: Option<u64>,
        input: AgentInput,
    ) -> Result<Agent> {
        let by = actor.check()?;
        let (name, input) = clean_agent(name, &input)?;
        let now = self.now();
        self.store.write_with(|tx| {
            let current = agent_in(&*tx, &name)?;
            check_version(
                Entity::Agent,
                &name,
                current.as_ref().map(|a| a.version),
                expected_version,
            )?;
            let before: BTreeSet<&String> = current.iter().flat_map(|a| &a.groups).collect();
            let after: BTreeSet<&String> = input.groups.iter().collect();
            for group in before.symmetric_difference(&after) {
                let mut roster = roster_in(&*tx, group)?;
                if after.contains(group) {
                    roster.members.insert(name.clone());
                } else {
                    roster.members.remove(&name);
                }
                tx.put_blob(
                    ROSTER_BLOB,
                    roster_id(group),
                    &serde_json::to_value(&roster)?,
                )?;
            }
            let agent = Agent {
                name: name.clone(),
                version: current.as_ref().map_or(1, |a| a.version + 1),
                groups: input.groups.clone(),
                capacity: input.capacity,
                channel_capacity: input.channel_capacity.clone(),
                availability: input.availability,
                last_assigned_at: current.and_then(|a| a.last_assigned_at),
                updated_at: now,
                updated_by: by.to_string(),
            };
            put_agent_blob(tx, &agent)?;
            self.fill_agent(tx, agent, by, now, &[])
        })
    }

    /// An agent by name.
    pub fn agent(&self, name: &str) -> Result<Agent> {
        let name = name.trim();
        self.store.read_with(|tx| {
            agent_in(tx, name)?.ok_or_else(|| Error::NotFound {
                entity: Entity::Agent,
                id: name.to_string(),
            })
        })
    }

    /// Sets whether an agent is taking work (what a telephony agent's log
    /// in, break and log out set). An agent becoming available takes
    /// waiting cases of its groups at once; its open cases stay its own
    /// whatever it is set to.
    pub fn set_agent_availability(
        &self,
        actor: &Actor,
        name: &str,
        availability: Availability,
    ) -> Result<Agent> {
        let by = actor.check()?;
        let name = name.trim();
        let now = self.now();
        self.store.write_with(|tx| {
            let mut agent = agent_in(&*tx, name)?.ok_or_else(|| Error::NotFound {
                entity: Entity::Agent,
                id: name.to_string(),
            })?;
            if agent.availability != availability {
                agent.availability = availability;
                agent.version += 1;
                agent.updated_at = now;
                agent.updated_by = by.to_string();
                put_agent_blob(tx, &agent)?;
            }
            self.fill_agent(tx, agent, by, now, &[])
        })
    }

    /// A support group's agents with their open cases, by name.
    pub fn group_agents(&self, group: &str) -> Result<Vec<AgentWorkload>> {
        let group = group.trim();
        self.store.read_with(|tx| {
            Ok(loads_of_group(tx, group)?
                .into_iter()
                .map(|(agent, load)| AgentWorkload {
                    agent,
                    open_cases: load.iter().map(|(_, n)| n).sum(),
                })
                .collect())
        })
    }

    /// A support group's backlog: its open cases nobody is assigned to,
    /// most urgent first, then oldest first (at most `limit`, up to 500),
    /// read from the store's backlog index.
    pub fn backlog(&self, group: &str, limit: usize) -> Result<Vec<CaseSummary>> {
        let group = group.trim();
        self.store.read_with(|tx| {
            let mut out = Vec::new();
            for id in tx.backlog(group, limit.min(MAX_RESULTS))? {
                out.extend(tx.case(id)?.as_ref().map(CaseSummary::from));
            }
            Ok(out)
        })
    }

    /// Assigns the first case of a group's backlog (most urgent, then
    /// oldest) that one of the group's available agents has room for, to
    /// the agent the group's strategy chooses (see
    /// [`crate::GroupPolicy`]). `None`: the backlog is empty or nobody
    /// can take a case from it. New cases are given out as they are
    /// created; what waits is what nobody had room for then, and cases
    /// moved into the group or let go by hand.
    ///
    /// ```
    /// use casebook::{Actor, AgentInput, Availability, CaseInput, Casebook};
    /// let cb = Casebook::in_memory();
    /// let admin = Actor::new("admin");
    /// cb.put_agent(&admin, "ann", None, AgentInput {
    ///     groups: vec!["desk".into()],
    ///     capacity: 2,
    ///     availability: Availability::Away,
    ///     ..AgentInput::default()
    /// })?;
    /// let waiting = cb.create_case(&admin, CaseInput {
    ///     short_description: "Router down".into(),
    ///     support_group: Some("desk".into()),
    ///     ..CaseInput::default()
    /// })?;
    /// assert_eq!(waiting.assignee, None);
    /// assert_eq!(cb.backlog("desk", 10)?.len(), 1);
    /// assert!(cb.assign_next(&admin, "desk")?.is_none()); // ann is away
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn assign_next(&self, actor: &Actor, group: &str) -> Result<Option<Case>> {
        let by = actor.check()?;
        let group = group.trim();
        let now = self.now();
        self.store.write_with(|tx| {
            let strategy = self.routing_in(&*tx)?.assignment(group);
            let mut loads = loads_of_group(&*tx, group)?;
            for id in tx.backlog(group, BACKLOG_LOOKAHEAD)? {
                let Some(case) = tx.case(id)? else {
                    continue;
                };
                if let Some(at) = choose_agent(strategy, &loads, case.channel) {
                    let (agent, _) = &mut loads[at];
                    return self.give_case(tx, case, agent, by, now).map(Some);
                }
            }
            Ok(None)
        })
    }

    /// Gives a routed new case (not stored yet) that has a support group
    /// and no assignee to the agent its group's strategy chooses, if any
    /// has room; otherwise it waits in the group's backlog.
    pub(super) fn assign_new_case(
        &self,
        tx: &mut dyn WriteTx,
        case: &mut Case,
        now: Timestamp,
    ) -> Result<()> {
        let Some(group) = case.support_group.as_deref() else {
            return Ok(());
        };
        if case.assignee.is_some() || !case.status.is_open() {
            return Ok(());
        }
        let strategy = self.routing_in(&*tx)?.assignment(group);
        let mut loads = loads_of_group(&*tx, group)?;
        if let Some(at) = choose_agent(strategy, &loads, case.channel) {
            let (agent, _) = &mut loads[at];
            case.assignee = Some(agent.name.clone());
            stamp_assignment(tx, agent, now)?;
        }
        Ok(())
    }

    /// After a stored case changed from `before` to `after`: when its
    /// agent lost it (closed, resolved, cancelled or given to someone
    /// else), the agent takes waiting cases into the room it got back.
    /// `untouched`: cases the calling operation still writes.
    pub(super) fn release_agent_of(
        &self,
        tx: &mut dyn WriteTx,
        before: &Case,
        after: &Case,
        untouched: &[Uuid],
    ) -> Result<()> {
        let Some(name) = before.assignee.as_deref() else {
            return Ok(());
        };
        let kept = after.status.is_open() && after.assignee.as_deref() == Some(name);
        if !before.status.is_open() || kept {
            return Ok(());
        }
        let Some(agent) = agent_in(&*tx, name)? else {
            return Ok(());
        };
        let mut skip = untouched.to_vec();
        // A case its agent let go is not handed straight back.
        skip.push(after.id);
        let (by, now) = (after.updated_by.clone(), after.updated_at);
        self.fill_agent(tx, agent, &by, now, &skip).map(|_| ())
    }

    /// Gives `agent` waiting cases of its groups while it is available and
    /// has room: each time the most urgent, then oldest, case over all its
    /// groups that its channel capacity allows. Answers the agent as stored.
    fn fill_agent(
        &self,
        tx: &mut dyn WriteTx,
        mut agent: Agent,
        by: &str,
        now: Timestamp,
        skip: &[Uuid],
    ) -> Result<Agent> {
        let mut load = tx.open_load(&agent.name)?;
        // Each round assigns one case, so capacity bounds the rounds.
        for _ in 0..agent.capacity {
            if agent.availability != Availability::Available || agent.spare_for(None, &load) == 0 {
                break;
            }
            let mut best: Option<Case> = None;
            for group in &agent.groups {
                for id in tx.backlog(group, BACKLOG_LOOKAHEAD)? {
                    if skip.contains(&id) {
                        continue;
                    }
                    let Some(case) = tx.case(id)? else {
                        continue;
                    };
                    if agent.spare_for(case.channel, &load) == 0 {
                        continue;
                    }
                    if best
                        .as_ref()
                        .is_none_or(|b| backlog_rank(&case) < backlog_rank(b))
                    {
                        best = Some(case);
                    }
                    // Later cases of this group rank lower.
                    break;
                }
            }
            let Some(case) = best else {
                break;
            };
            self.give_case(tx, case, &mut agent, by, now)?;
            load = tx.open_load(&agent.name)?;
        }
        Ok(agent)
    }

    /// Assigns a stored case to `agent` as its next version, recorded in
    /// the case's history, and stamps the agent's last assignment.
    fn give_case(
        &self,
        tx: &mut dyn WriteTx,
        mut case: Case,
        agent: &mut Agent,
        by: &str,
        now: Timestamp,
    ) -> Result<Case> {
        let before = case.clone();
        case.assignee = Some(agent.name.clone());
        case.record_change_from(&before, by, now);
        self.save_case_edit(tx, &mut case, by, now)?;
        stamp_assignment(tx, agent, now)?;
        Ok(case)
    }
}
