//! Task rows as SQL: `task_rows`, indexed by owner in list order, so an
//! agent's list reads no more rows than it shows (plus follow-ups not due).

use super::codec::Tx;
use crate::error::{Error, Result};
use crate::model::TaskOwner;
use crate::store::TaskRow;
use crate::stores::sql::{limit, owner_key, owner_of};
use tokio_postgres::Row;
use uuid::Uuid;

const OPEN_TASKS: &str =
    "SELECT case_id, task_id, assignee, support_group, due_s, priority, created_s, visible_s
     FROM task_rows
     WHERE owner_kind = $1 AND owner = $2 AND visible_s <= $3
     ORDER BY due_s, priority, created_s, task_id, case_id
     LIMIT $4";

const ROWS_OF_CASE: &str =
    "SELECT case_id, task_id, assignee, support_group, due_s, priority, created_s, visible_s
     FROM task_rows WHERE case_id = $1 ORDER BY task_id";

impl Tx<'_> {
    fn task_row(&self, row: &Row) -> Result<TaskRow> {
        let priority: i64 = self.get(row, 5)?;
        Ok(TaskRow {
            case_id: self.get(row, 0)?,
            task_id: self.get(row, 1)?,
            assignee: self.get(row, 2)?,
            support_group: self.get(row, 3)?,
            due_s: self.get(row, 4)?,
            priority: u8::try_from(priority).map_err(|_| self.damaged_value("task priority"))?,
            created_s: self.get(row, 6)?,
            visible_s: self.get(row, 7)?,
        })
    }

    pub(super) fn read_open_tasks(
        &self,
        owner: &TaskOwner,
        now_s: i64,
        limit_to: usize,
    ) -> Result<Vec<TaskRow>> {
        let (kind, name) = owner_key(owner);
        let name = name.to_string();
        let rows = self.rows(OPEN_TASKS, &[&kind, &name, &now_s, &limit(limit_to)])?;
        rows.iter().map(|r| self.task_row(r)).collect()
    }

    pub(super) fn read_task_rows_of_case(&self, case: Uuid) -> Result<Vec<TaskRow>> {
        let rows = self.rows(ROWS_OF_CASE, &[&case])?;
        rows.iter().map(|r| self.task_row(r)).collect()
    }

    /// Sent without waiting for the answers (the commit waits for them):
    /// every case save replaces its rows, and a round trip each would
    /// slow every save down.
    pub(super) fn replace_task_rows(&self, case: Uuid, rows: &[TaskRow]) -> Result<()> {
        self.exec_deferred(
            "DELETE FROM task_rows WHERE case_id = $1",
            vec![Box::new(case)],
        )?;
        for row in rows {
            if row.case_id != case {
                return Err(Error::InvalidInput(format!(
                    "a task of case {} was handed over for case {case}",
                    row.case_id
                )));
            }
            let (kind, owner) = owner_of(row);
            self.exec_deferred(
                "INSERT INTO task_rows
                 (case_id, task_id, assignee, support_group, owner_kind, owner,
                  due_s, priority, created_s, visible_s)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (case_id, task_id) DO UPDATE SET
                 assignee = excluded.assignee, support_group = excluded.support_group,
                 owner_kind = excluded.owner_kind, owner = excluded.owner,
                 due_s = excluded.due_s, priority = excluded.priority,
                 created_s = excluded.created_s, visible_s = excluded.visible_s",
                vec![
                    Box::new(case),
                    Box::new(row.task_id),
                    Box::new(row.assignee.clone()),
                    Box::new(row.support_group.clone()),
                    Box::new(kind),
                    Box::new(owner.to_string()),
                    Box::new(row.due_s),
                    Box::new(i64::from(row.priority)),
                    Box::new(row.created_s),
                    Box::new(row.visible_s),
                ],
            )?;
        }
        Ok(())
    }
}
