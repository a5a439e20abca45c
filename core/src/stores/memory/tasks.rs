//! The in-memory store's task index: rows by case, and ordered sets by
//! assignee and by group (unassigned rows only) in list order.

use crate::model::TaskOwner;
use crate::store::{TaskRow, TaskUrgency};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// Task rows by case, by assignee and by group.
#[derive(Default)]
pub(super) struct TaskData {
    by_case: HashMap<Uuid, Vec<TaskRow>>,
    by_assignee: BTreeSet<(String, TaskUrgency)>,
    by_group: BTreeSet<(String, TaskUrgency)>,
}

impl TaskData {
    fn owner_key(row: &TaskRow) -> Option<(bool, &str)> {
        match (&row.assignee, &row.support_group) {
            (Some(agent), _) => Some((true, agent)),
            (None, Some(group)) => Some((false, group)),
            (None, None) => None,
        }
    }

    fn set_of(&mut self, assignee: bool) -> &mut BTreeSet<(String, TaskUrgency)> {
        if assignee {
            &mut self.by_assignee
        } else {
            &mut self.by_group
        }
    }

    /// Replaces a case's rows; returns the old ones.
    pub(super) fn set_rows(&mut self, case: Uuid, rows: Vec<TaskRow>) -> Vec<TaskRow> {
        let old = self.by_case.remove(&case).unwrap_or_default();
        for row in &old {
            if let Some((assignee, owner)) = Self::owner_key(row) {
                let key = (owner.to_string(), row.urgency());
                self.set_of(assignee).remove(&key);
            }
        }
        for row in &rows {
            if let Some((assignee, owner)) = Self::owner_key(row) {
                let key = (owner.to_string(), row.urgency());
                self.set_of(assignee).insert(key);
            }
        }
        if !rows.is_empty() {
            self.by_case.insert(case, rows);
        }
        old
    }

    pub(super) fn rows_of_case(&self, case: Uuid) -> Vec<TaskRow> {
        let mut rows = self.by_case.get(&case).cloned().unwrap_or_default();
        rows.sort_by_key(|r| r.task_id);
        rows
    }

    pub(super) fn open_tasks(&self, owner: &TaskOwner, now_s: i64, limit: usize) -> Vec<TaskRow> {
        let (set, name) = match owner {
            TaskOwner::Assignee(a) => (&self.by_assignee, a),
            TaskOwner::SupportGroup(g) => (&self.by_group, g),
        };
        let start = (
            name.clone(),
            (i64::MIN, 0, i64::MIN, Uuid::nil(), Uuid::nil()),
        );
        set.range(start..)
            .take_while(|(o, _)| o == name)
            .filter_map(|(_, (.., task, case))| {
                self.by_case.get(case)?.iter().find(|r| r.task_id == *task)
            })
            .filter(|r| r.visible_s <= now_s)
            .take(limit)
            .cloned()
            .collect()
    }
}
