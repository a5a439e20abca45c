//! Tasks on cases: adding, editing and finishing them, the rule that
//! mandatory tasks hold a resolution back, and task lists across cases
//! (an agent's, a group's queue), most urgent first, served by the store's
//! task index.

use super::clean::{clean_line, clean_optional, MAX_SHORT};
use super::ids::Ids;
use super::profiles::MAX_RESULTS;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, OpenTask, Result};
use crate::model::{
    AuditEntry, Case, CaseTask, TaskInput, TaskKind, TaskListItem, TaskOwner, TaskStatus,
};
use crate::store::{check_version, Store, StoreExt, TaskRow, WriteTx};
use jiff::Timestamp;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Most tasks one case holds.
const MAX_TASKS: usize = 500;

/// The rows a store indexes for a case's task lists: its open tasks while
/// the case is open, and its open follow-ups whatever the case's status,
/// each listed once due.
pub(super) fn task_rows(case: &Case) -> Vec<TaskRow> {
    let mut rows: Vec<TaskRow> = case
        .tasks
        .iter()
        .filter(|t| t.is_open() && (t.kind == TaskKind::FollowUp || case.status.is_open()))
        .map(|t| {
            let due_s = t.due_at.map_or(i64::MAX, |d| d.as_second());
            TaskRow {
                case_id: case.id,
                task_id: t.id,
                assignee: t.assignee.clone(),
                support_group: t.support_group.clone(),
                due_s,
                priority: case.priority.0,
                created_s: t.created_at.as_second(),
                visible_s: match t.kind {
                    TaskKind::Task => i64::MIN,
                    TaskKind::FollowUp => due_s,
                },
            }
        })
        .collect();
    rows.sort_by_key(|r| r.task_id);
    rows
}

/// Refuses to resolve a case while a mandatory task is open, naming them.
pub(super) fn check_tasks_allow_resolution(case: &Case) -> Result<()> {
    let open: Vec<OpenTask> = case
        .tasks
        .iter()
        .filter(|t| t.blocks_resolution())
        .map(|t| OpenTask {
            id: t.id,
            title: t.title.clone(),
        })
        .collect();
    if open.is_empty() {
        Ok(())
    } else {
        Err(Error::TasksOpen {
            case: case.number.clone(),
            tasks: open,
        })
    }
}

/// A task input checked and cleaned, every problem reported at once.
fn clean_task(input: &TaskInput) -> Result<TaskInput> {
    let mut errors = Vec::new();
    let title = clean_line(&input.title, "title", "Title", MAX_SHORT, &mut errors);
    if title.is_empty() {
        errors.push(FieldError::new(
            "title",
            FieldErrorCode::Required,
            "A task needs a title",
        ));
    }
    let assignee = clean_optional(&input.assignee, "assignee", "Assignee", &mut errors);
    let support_group = clean_optional(
        &input.support_group,
        "support_group",
        "Support group",
        &mut errors,
    );
    if input.kind == TaskKind::FollowUp {
        if input.due_at.is_none() {
            errors.push(FieldError::new(
                "due_at",
                FieldErrorCode::Required,
                "A follow-up needs a due date",
            ));
        }
        if input.mandatory {
            errors.push(FieldError::new(
                "mandatory",
                FieldErrorCode::InvalidFormat,
                "A follow-up comes after the resolution: it cannot be mandatory",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors));
    }
    Ok(TaskInput {
        title,
        assignee,
        support_group,
        ..input.clone()
    })
}

/// Work on a case that is no longer open is refused; a follow-up is
/// scheduled after closure.
fn check_case_takes(case: &Case, kind: TaskKind) -> Result<()> {
    if kind == TaskKind::Task && !case.status.is_open() {
        return Err(Error::InvalidState(format!(
            "{} is {}: only follow-ups are scheduled on it",
            case.number, case.status
        )));
    }
    Ok(())
}

impl<S: Store> Casebook<S> {
    /// Adds a task (or a follow-up) to a case. Without an assignee and a
    /// group it goes to the case's. Work is added to open cases only; a
    /// follow-up, which needs a due date, to a case in any status.
    ///
    /// ```
    /// use casebook::{Actor, CaseInput, CaseStatus, Casebook, ResolutionInput, TaskInput, TaskOwner, TaskStatus};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let case = cb.create_case(&agent, CaseInput {
    ///     short_description: "Router down".into(), assignee: Some("agent-7".into()), ..Default::default()
    /// })?;
    /// let task = cb.add_task(&agent, case.id, TaskInput {
    ///     title: "Ship a new router".into(), mandatory: true, ..Default::default()
    /// })?;
    /// assert_eq!(cb.task_list(&TaskOwner::Assignee("agent-7".into()), 10)?[0].task.id, task.id);
    ///
    /// // Resolving waits for the mandatory task.
    /// let notes = ResolutionInput { notes: "Replaced".into(), share_with_requester: true };
    /// let err = cb.set_case_status(&agent, case.id, 2, CaseStatus::Resolved, Some(notes.clone())).unwrap_err();
    /// assert_eq!(err.code().as_str(), "tasks_open");
    /// cb.set_task_status(&agent, case.id, task.id, task.version, TaskStatus::Done)?;
    /// cb.set_case_status(&agent, case.id, 3, CaseStatus::Resolved, Some(notes))?;
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn add_task<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        input: TaskInput,
    ) -> Result<CaseTask> {
        let by = actor.check()?;
        let case = case.into();
        let input = clean_task(&input)?;
        let now = self.now();
        self.write(|tx, ids| {
            let mut c = self.resolve_case(&*tx, case)?;
            check_case_takes(&c, input.kind)?;
            if c.tasks.len() >= MAX_TASKS {
                return Err(Error::InvalidState(format!(
                    "a case holds at most {MAX_TASKS} tasks"
                )));
            }
            let unowned = input.assignee.is_none() && input.support_group.is_none();
            let task = CaseTask {
                id: ids.next(),
                version: 1,
                kind: input.kind,
                title: input.title.clone(),
                assignee: if unowned {
                    c.assignee.clone()
                } else {
                    input.assignee.clone()
                },
                support_group: if unowned {
                    c.support_group.clone()
                } else {
                    input.support_group.clone()
                },
                due_at: input.due_at,
                channel: input.channel,
                mandatory: input.mandatory,
                status: TaskStatus::Open,
                created_by: by.to_string(),
                created_at: now,
                updated_by: by.to_string(),
                updated_at: now,
                closed_at: None,
            };
            c.tasks.push(task.clone());
            self.save_task_change(tx, ids, &mut c, &task, "task_added", by, now)?;
            Ok(task)
        })
    }

    /// Replaces the editable part of an open task (`expected_version`: the
    /// task's version as the caller saw it; a stale one is a conflict).
    pub fn edit_task<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        task: Uuid,
        expected_version: u64,
        input: TaskInput,
    ) -> Result<CaseTask> {
        let input = clean_task(&input)?;
        self.change_task(
            actor,
            case.into(),
            task,
            expected_version,
            "task_edited",
            |c, t, _| {
                check_case_takes(c, input.kind)?;
                let t = &mut c.tasks[t];
                if !t.is_open() {
                    return Err(Error::InvalidState(format!(
                        "task `{}` is {}: reopen it to change it",
                        t.title,
                        t.status.as_str()
                    )));
                }
                t.kind = input.kind;
                t.title = input.title.clone();
                t.assignee = input.assignee.clone();
                t.support_group = input.support_group.clone();
                t.due_at = input.due_at;
                t.channel = input.channel;
                t.mandatory = input.mandatory;
                Ok(())
            },
        )
    }

    /// Marks a task done or cancelled, or reopens it (`expected_version`:
    /// the task's version as the caller saw it).
    pub fn set_task_status<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        task: Uuid,
        expected_version: u64,
        status: TaskStatus,
    ) -> Result<CaseTask> {
        self.change_task(
            actor,
            case.into(),
            task,
            expected_version,
            "task_status",
            |c, t, now| {
                let open_case = c.status.is_open();
                let number = c.number.clone();
                let t = &mut c.tasks[t];
                if t.status == status {
                    return Err(Error::InvalidState(format!(
                        "task `{}` is {} already",
                        t.title,
                        status.as_str()
                    )));
                }
                if status == TaskStatus::Open && t.kind == TaskKind::Task && !open_case {
                    return Err(Error::InvalidState(format!(
                        "{number} is not open: its tasks stay as they are"
                    )));
                }
                t.status = status;
                t.closed_at = (status != TaskStatus::Open).then_some(now);
                Ok(())
            },
        )
    }

    /// Changes one task of a case by `change` (given the case, the task's
    /// position and the instant), after the task's version check; the task's next
    /// version is saved with its case, audited as `action`.
    fn change_task(
        &self,
        actor: &Actor,
        case: Ref<'_>,
        task: Uuid,
        expected_version: u64,
        action: &str,
        change: impl Fn(&mut Case, usize, Timestamp) -> Result<()>,
    ) -> Result<CaseTask> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let mut c = self.resolve_case(&*tx, case)?;
            let at = c
                .tasks
                .iter()
                .position(|t| t.id == task)
                .ok_or_else(|| Error::not_found(Entity::Task, task))?;
            check_version(
                Entity::Task,
                &task.to_string(),
                Some(c.tasks[at].version),
                Some(expected_version),
            )?;
            change(&mut c, at, now)?;
            let t = &mut c.tasks[at];
            t.version += 1;
            t.updated_by = by.to_string();
            t.updated_at = now;
            let changed = t.clone();
            self.save_task_change(tx, ids, &mut c, &changed, action, by, now)?;
            Ok(changed)
        })
    }

    /// A task list across cases, most urgent first: earliest due (undated
    /// last), then the case's priority, then the oldest. An agent's list
    /// holds the tasks assigned to them, a group's the group's tasks nobody
    /// is assigned to; either holds the open tasks of open cases and the
    /// open follow-ups that are due. At most `limit` (1 to 1,000).
    pub fn task_list(&self, owner: &TaskOwner, limit: usize) -> Result<Vec<TaskListItem>> {
        let name = match owner {
            TaskOwner::Assignee(n) | TaskOwner::SupportGroup(n) => n,
        };
        if name.trim().is_empty() {
            return Err(Error::InvalidInput(
                "a task list needs an assignee or a support group".into(),
            ));
        }
        let limit = limit.clamp(1, MAX_RESULTS);
        let now = self.now();
        self.store.read_with(|tx| {
            let rows = tx.open_tasks(owner, now.as_second(), limit)?;
            // One batched read of the cases, each once.
            let mut ids: Vec<Uuid> = rows.iter().map(|r| r.case_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let cases: HashMap<Uuid, Case> =
                tx.cases(&ids)?.into_iter().map(|c| (c.id, c)).collect();
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let Some(case) = cases.get(&row.case_id) else {
                    continue;
                };
                let Some(task) = case.tasks.iter().find(|t| t.id == row.task_id) else {
                    continue;
                };
                out.push(TaskListItem {
                    case_id: case.id,
                    case_number: case.number.clone(),
                    short_description: case.short_description.clone(),
                    case_status: case.status,
                    priority: case.priority,
                    overdue: task.due_at.is_some_and(|d| d < now),
                    task: task.clone(),
                });
            }
            Ok(out)
        })
    }

    /// Saves a case whose task changed, with an audit entry.
    #[allow(clippy::too_many_arguments)]
    fn save_task_change(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        case: &mut Case,
        task: &CaseTask,
        action: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.save_case_edit(tx, case, by, now)?;
        tx.append_audit(&AuditEntry {
            id: ids.next(),
            at: now,
            actor: by.to_string(),
            action: action.into(),
            subjects: vec![case.id],
            details: json!({"task": task.id, "title": task.title, "status": task.status.as_str(),
                            "version": task.version}),
        })
    }
}
