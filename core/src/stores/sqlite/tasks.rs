//! Task rows as SQL: `task_rows`, indexed by owner in list order, so an
//! agent's list reads no more rows than it shows (plus follow-ups not due).
//!
//! Files before [`TASKS_VERSION`] have no such table: reads find nothing,
//! and storing a task is refused.

use super::codec::{damaged_value, limit, Tx};
use super::schema::TASKS_VERSION;
use crate::error::{Error, Result};
use crate::model::TaskOwner;
use crate::store::TaskRow;
use crate::stores::sql::{owner_key, owner_of};
use rusqlite::{params, Row};
use uuid::Uuid;

const ROW_COLUMNS: &str =
    "case_id, task_id, assignee, support_group, due_s, priority, created_s, visible_s";

/// A row as read, before its ids are checked.
type RawRow = (
    Vec<u8>,
    Vec<u8>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
);

fn raw_row(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

impl Tx<'_> {
    fn task_rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<TaskRow>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let raw = stmt
            .query_map(params, raw_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        raw.into_iter()
            .map(
                |(case, task, assignee, support_group, due_s, priority, created_s, visible_s)| {
                    Ok(TaskRow {
                        case_id: self.uuid(&case)?,
                        task_id: self.uuid(&task)?,
                        assignee,
                        support_group,
                        due_s,
                        priority: u8::try_from(priority)
                            .map_err(|_| damaged_value(self.path, "task priority"))?,
                        created_s,
                        visible_s,
                    })
                },
            )
            .collect()
    }

    pub(super) fn read_open_tasks(
        &self,
        owner: &TaskOwner,
        now_s: i64,
        limit_to: usize,
    ) -> Result<Vec<TaskRow>> {
        if self.schema < TASKS_VERSION {
            return Ok(Vec::new());
        }
        let (kind, name) = owner_key(owner);
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM task_rows
             WHERE owner_kind = ?1 AND owner = ?2 AND visible_s <= ?3
             ORDER BY due_s, priority, created_s, task_id, case_id
             LIMIT CAST(?4 AS INTEGER)"
        );
        self.task_rows(&sql, params![kind, name, now_s, limit(limit_to)])
    }

    pub(super) fn read_task_rows_of_case(&self, case: Uuid) -> Result<Vec<TaskRow>> {
        if self.schema < TASKS_VERSION {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM task_rows WHERE case_id = CAST(?1 AS BLOB) ORDER BY task_id"
        );
        self.task_rows(&sql, [&case.as_bytes()[..]])
    }

    pub(super) fn replace_task_rows(&self, case: Uuid, rows: &[TaskRow]) -> Result<()> {
        if self.schema < TASKS_VERSION {
            if rows.is_empty() {
                return Ok(());
            }
            return Err(Error::IncompatibleVersion(format!(
                "{} is at casebook schema version {}, which cannot store tasks (version {TASKS_VERSION} can)",
                self.path.display(),
                self.schema
            )));
        }
        let id = &case.as_bytes()[..];
        self.exec(
            "DELETE FROM task_rows WHERE case_id = CAST(?1 AS BLOB)",
            [id],
        )?;
        for row in rows {
            if row.case_id != case {
                return Err(Error::InvalidInput(format!(
                    "a task of case {} was handed over for case {case}",
                    row.case_id
                )));
            }
            let (kind, owner) = owner_of(row);
            self.exec(
                "INSERT OR REPLACE INTO task_rows
                 (case_id, task_id, assignee, support_group, owner_kind, owner,
                  due_s, priority, created_s, visible_s)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    &row.task_id.as_bytes()[..],
                    row.assignee,
                    row.support_group,
                    kind,
                    owner,
                    row.due_s,
                    i64::from(row.priority),
                    row.created_s,
                    row.visible_s,
                ],
            )?;
        }
        Ok(())
    }
}
