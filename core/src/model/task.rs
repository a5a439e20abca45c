//! Tasks on a case: work items with an owner and a due date, some of them
//! mandatory before the case may be resolved, and follow-ups (a contact
//! scheduled after closure) that show in an agent's list once due.

use super::{CaseStatus, Channel, Priority};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a task is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Work to do on the case.
    #[default]
    Task,
    /// A contact scheduled with the customer (after closure, often): it
    /// needs a due date and shows in task lists only once due.
    FollowUp,
}

/// Status of a task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// To do.
    #[default]
    Open,
    /// Done.
    Done,
    /// Not to be done.
    Cancelled,
}

impl TaskStatus {
    /// The status's name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

/// A task of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseTask {
    /// Task id.
    pub id: Uuid,
    /// Optimistic-concurrency version of the task (1 when added).
    pub version: u64,
    /// Task or follow-up.
    #[serde(default)]
    pub kind: TaskKind,
    /// What to do.
    pub title: String,
    /// The agent who does it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The group that does it (its queue lists it while nobody is assigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// When it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub due_at: Option<Timestamp>,
    /// A follow-up's channel (how to reach the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Whether the case may not be resolved while it is open.
    #[serde(default)]
    pub mandatory: bool,
    /// Status.
    #[serde(default)]
    pub status: TaskStatus,
    /// Who added it.
    pub created_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who last changed it.
    pub updated_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub updated_at: Timestamp,
    /// When it was done or cancelled (cleared when reopened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub closed_at: Option<Timestamp>,
}

impl CaseTask {
    /// Whether it still has to be done.
    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open
    }

    /// Whether it holds a case's resolution back.
    pub fn blocks_resolution(&self) -> bool {
        self.mandatory && self.is_open()
    }
}

/// The editable part of a task, to add one or replace it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// Task (the default) or follow-up.
    #[serde(default)]
    pub kind: TaskKind,
    /// What to do (required).
    #[serde(default)]
    pub title: String,
    /// The agent who does it. Left out together with `support_group`, a
    /// new task goes to the case's assignee and group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The group that does it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// When it is due (required for a follow-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub due_at: Option<Timestamp>,
    /// A follow-up's channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Whether the case may not be resolved while it is open (never a follow-up).
    #[serde(default)]
    pub mandatory: bool,
}

/// Whose task list to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskOwner {
    /// The tasks assigned to an agent.
    Assignee(String),
    /// A group's tasks that nobody is assigned to yet.
    SupportGroup(String),
}

/// One line of a task list: the task and the case it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TaskListItem {
    /// The case's id.
    pub case_id: Uuid,
    /// The case's number.
    pub case_number: String,
    /// The case's summary.
    pub short_description: String,
    /// The case's status.
    pub case_status: CaseStatus,
    /// The case's priority.
    pub priority: Priority,
    /// The task.
    pub task: CaseTask,
    /// Whether its due time has passed.
    pub overdue: bool,
}
