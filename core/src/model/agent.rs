//! Agents of support groups: how many open cases each can hold, whether
//! each is taking work, and when each was last given a case (what
//! assignment within a group goes by).

use super::Channel;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// Whether an agent is taking work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Taking new cases.
    #[default]
    Available,
    /// Present, not taking new cases.
    Away,
    /// Not working.
    Offline,
}

/// How a support group gives its new and waiting cases to its agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStrategy {
    /// The agent who has waited longest since their last assignment.
    RoundRobin,
    /// The agent with the most spare capacity (ties: the longest idle).
    LeastLoaded,
}

/// An agent as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Agent {
    /// The agent's user name (what cases are assigned to).
    pub name: String,
    /// Optimistic-concurrency version.
    pub version: u64,
    /// Support groups the agent works in.
    pub groups: Vec<String>,
    /// Most open cases at once, over all channels.
    pub capacity: u32,
    /// Most open cases at once on a channel, where lower than `capacity`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channel_capacity: BTreeMap<Channel, u32>,
    /// Whether the agent is taking work.
    pub availability: Availability,
    /// When the agent was last given a case by assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub last_assigned_at: Option<Timestamp>,
    /// Last change.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
    /// Last editor.
    pub updated_by: String,
}

/// The editable part of an agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    /// Support groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Most open cases at once, over all channels (1 to 1,000).
    pub capacity: u32,
    /// Most open cases at once per channel.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channel_capacity: BTreeMap<Channel, u32>,
    /// Whether the agent is taking work (default available).
    #[serde(default)]
    pub availability: Availability,
}

impl Agent {
    /// How many more cases on `channel` the agent can take, given its open
    /// cases per channel (`None`: cases without a channel).
    pub fn spare_for(&self, channel: Option<Channel>, load: &[(Option<String>, u32)]) -> u32 {
        let total: u32 = load.iter().map(|(_, n)| n).sum();
        let mut spare = self.capacity.saturating_sub(total);
        if let Some(c) = channel {
            if let Some(limit) = self.channel_capacity.get(&c) {
                let on_channel = load
                    .iter()
                    .filter(|(ch, _)| ch.as_deref() == Some(c.as_str()))
                    .map(|(_, n)| n)
                    .sum();
                spare = spare.min(limit.saturating_sub(on_channel));
            }
        }
        spare
    }
}

/// An agent with the open cases it holds, as a group's roster shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgentWorkload {
    /// The agent.
    pub agent: Agent,
    /// Open cases assigned to the agent, over all channels.
    pub open_cases: u32,
}

/// An agent and its open cases per channel, as assignment weighs it.
pub type AgentLoad = (Agent, Vec<(Option<String>, u32)>);

/// Which of `agents` gets a new case on `channel` under `strategy`: one
/// available with spare capacity for that channel, `round_robin` the one
/// idle longest (never assigned first), `least_loaded` the one with the
/// most spare capacity (ties: idle longest); ties after that by name.
/// `None`: nobody can take it.
pub fn choose_agent(
    strategy: AssignmentStrategy,
    agents: &[AgentLoad],
    channel: Option<Channel>,
) -> Option<usize> {
    let able = agents.iter().enumerate().filter_map(|(at, (agent, load))| {
        let spare = agent.spare_for(channel, load);
        (agent.availability == Availability::Available && spare > 0).then_some((at, agent, spare))
    });
    // Round-robin weighs every agent with room alike; then the longest idle
    // (never assigned first), then by name.
    able.min_by_key(|&(_, agent, spare)| {
        let room = match strategy {
            AssignmentStrategy::LeastLoaded => spare,
            AssignmentStrategy::RoundRobin => 0,
        };
        (Reverse(room), agent.last_assigned_at, agent.name.as_str())
    })
    .map(|(at, ..)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(name: &str, capacity: u32, last_s: Option<i64>) -> Agent {
        Agent {
            name: name.into(),
            version: 1,
            groups: vec!["desk".into()],
            capacity,
            channel_capacity: BTreeMap::from([(Channel::Voice, 1)]),
            availability: Availability::Available,
            last_assigned_at: last_s.map(|s| Timestamp::from_second(s).unwrap()),
            updated_at: Timestamp::UNIX_EPOCH,
            updated_by: "admin".into(),
        }
    }

    fn voice(n: u32) -> Vec<(Option<String>, u32)> {
        vec![(Some("voice".into()), n)]
    }

    #[test]
    fn round_robin_takes_the_longest_idle_and_skips_the_full_and_away() {
        let mut away = agent("ann", 5, None);
        away.availability = Availability::Away;
        let agents = vec![
            away,
            agent("bob", 5, Some(20)),
            agent("cat", 5, Some(10)),
            agent("dan", 1, None),
        ];
        let loads: Vec<AgentLoad> = agents
            .into_iter()
            .zip([vec![], vec![], vec![], voice(1)])
            .collect();
        assert_eq!(
            choose_agent(AssignmentStrategy::RoundRobin, &loads, None),
            Some(2)
        );
    }

    #[test]
    fn a_channel_limit_holds_below_the_total() {
        let loads = vec![(agent("ann", 5, None), voice(1))];
        assert_eq!(loads[0].0.spare_for(Some(Channel::Voice), &loads[0].1), 0);
        assert_eq!(loads[0].0.spare_for(Some(Channel::Email), &loads[0].1), 4);
        let pick = |c| choose_agent(AssignmentStrategy::RoundRobin, &loads, c);
        assert_eq!(
            (pick(Some(Channel::Voice)), pick(Some(Channel::Email))),
            (None, Some(0))
        );
    }

    #[test]
    fn least_loaded_takes_the_most_spare_then_the_longest_idle() {
        let loads = vec![
            (agent("ann", 5, None), vec![(None, 3)]),
            (agent("bob", 5, Some(30)), vec![(None, 1)]),
            (agent("cat", 5, Some(10)), vec![(None, 1)]),
        ];
        assert_eq!(
            choose_agent(AssignmentStrategy::LeastLoaded, &loads, None),
            Some(2)
        );
    }
}
