//! The in-memory store's report facts, with the two indexes work queues
//! read: each group's backlog (open, unassigned cases) in the order it is
//! taken, and each agent's open cases per channel.

use crate::store::CaseFacts;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// A backlog entry's place: group, priority, creation, case.
type BacklogKey = (String, Option<String>, i64, Uuid);

/// Facts by case, and the indexes derived from them.
#[derive(Default)]
pub(super) struct FactsData {
    by_case: HashMap<Uuid, CaseFacts>,
    backlog: BTreeSet<BacklogKey>,
    load: HashMap<String, BTreeMap<Option<String>, u32>>,
}

fn backlog_key(f: &CaseFacts) -> Option<BacklogKey> {
    let group = f.support_group.as_ref()?;
    (f.open && f.assignee.is_none())
        .then(|| (group.clone(), f.priority.clone(), f.created_s, f.case_id))
}

impl FactsData {
    /// Replaces (or with `None` removes) a case's facts; returns the old ones.
    pub(super) fn set(&mut self, case: Uuid, facts: Option<CaseFacts>) -> Option<CaseFacts> {
        let old = self.by_case.remove(&case);
        if let Some(old) = &old {
            self.index(old, false);
        }
        if let Some(new) = facts {
            self.index(&new, true);
            self.by_case.insert(case, new);
        }
        old
    }

    fn index(&mut self, f: &CaseFacts, add: bool) {
        if let Some(key) = backlog_key(f) {
            if add {
                self.backlog.insert(key);
            } else {
                self.backlog.remove(&key);
            }
        }
        if let (true, Some(agent)) = (f.open, &f.assignee) {
            let counts = self.load.entry(agent.clone()).or_default();
            let count = counts.entry(f.channel.clone()).or_default();
            if add {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
        }
    }

    pub(super) fn get(&self, case: Uuid) -> Option<&CaseFacts> {
        self.by_case.get(&case)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &CaseFacts> {
        self.by_case.values()
    }

    pub(super) fn backlog(&self, group: &str, limit: usize) -> Vec<Uuid> {
        let start = (group.to_string(), None, i64::MIN, Uuid::nil());
        self.backlog
            .range(start..)
            .take_while(|(g, ..)| g == group)
            .take(limit)
            .map(|(.., case)| *case)
            .collect()
    }

    pub(super) fn open_load(&self, assignee: &str) -> Vec<(Option<String>, u32)> {
        self.load
            .get(assignee)
            .into_iter()
            .flatten()
            .filter(|(_, n)| **n > 0)
            .map(|(channel, n)| (channel.clone(), *n))
            .collect()
    }
}
