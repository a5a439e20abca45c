//! What a store indexes of the tasks of cases, for task lists: one row per
//! task that belongs in a list, derived by the engine each time it stores
//! the case, read back most urgent first by owner.

use uuid::Uuid;

/// A task as task lists see it, derived by the engine.
///
/// Lists are read in [`TaskRow::urgency`] order: earliest due first
/// (undated last), then the case's priority, then the oldest task, then
/// the task id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskRow {
    /// The case.
    pub case_id: Uuid,
    /// The task.
    pub task_id: Uuid,
    /// The agent it is assigned to.
    pub assignee: Option<String>,
    /// Its group (listed in the group's queue while `assignee` is `None`).
    pub support_group: Option<String>,
    /// Due time in Unix seconds; [`i64::MAX`] when undated.
    pub due_s: i64,
    /// The case's priority (1 most urgent).
    pub priority: u8,
    /// When the task was added, in Unix seconds.
    pub created_s: i64,
    /// Listed from this instant on, in Unix seconds ([`i64::MIN`]: always;
    /// a follow-up: once due).
    pub visible_s: i64,
}

/// A row's place in a list: what [`TaskRow`]s are sorted by.
pub type TaskUrgency = (i64, u8, i64, Uuid, Uuid);

impl TaskRow {
    /// The sort key of task lists (due, priority, created, task, case).
    pub fn urgency(&self) -> TaskUrgency {
        (
            self.due_s,
            self.priority,
            self.created_s,
            self.task_id,
            self.case_id,
        )
    }
}
