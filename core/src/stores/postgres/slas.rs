//! Rule definitions and service-level crossings as SQL: the versions of
//! calendars and service-level definitions, the crossings due (indexed by
//! due time, so the poll never scans them all), and the keys already taken.
//! A key is taken by one insert: of two servers taking the same crossing,
//! one inserts it and the other finds it there (or loses a serialization
//! conflict and, run again, finds it there).

use super::codec::{Param, Tx};
use crate::error::{Error, Result};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::StoredDefinition;
use crate::stores::sql::{instant, limit};
use jiff::Timestamp;
use tokio_postgres::Row;
use uuid::Uuid;

impl Tx<'_> {
    fn timestamp(&self, s: i64, ns: i32, what: &str) -> Result<Timestamp> {
        Timestamp::new(s, ns).map_err(|_| self.damaged_value(what))
    }

    /// A key from columns case_id, slot, started_s, started_ns, threshold.
    fn due_key(&self, row: &Row) -> Result<SlaDueKey> {
        let threshold: i32 = self.get(row, 4)?;
        Ok(SlaDueKey {
            case_id: self.get(row, 0)?,
            slot: self.get(row, 1)?,
            started_at: self.timestamp(self.get(row, 2)?, self.get(row, 3)?, "clock start")?,
            threshold: u8::try_from(threshold).map_err(|_| self.damaged_value("threshold"))?,
        })
    }

    /// A crossing from the key's columns, then due_s, due_ns, sla, version.
    fn due_row(&self, row: &Row) -> Result<SlaDue> {
        let key = self.due_key(row)?;
        let version: i64 = self.get(row, 8)?;
        Ok(SlaDue {
            case_id: key.case_id,
            slot: key.slot,
            started_at: key.started_at,
            threshold: key.threshold,
            due_at: self.timestamp(self.get(row, 5)?, self.get(row, 6)?, "due time")?,
            sla: self.get(row, 7)?,
            version: u32::try_from(version)
                .map_err(|_| self.damaged_value("SLA definition version"))?,
        })
    }

    fn due_rows(&self, sql: &'static str, params: &[Param<'_>]) -> Result<Vec<SlaDue>> {
        self.rows(sql, params)?
            .iter()
            .map(|r| self.due_row(r))
            .collect()
    }

    pub(super) fn taken_rows(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<SlaDueKey>> {
        self.rows(sql, params)?
            .iter()
            .map(|r| self.due_key(r))
            .collect()
    }

    /// Definitions from columns kind, id, version, loaded_s, loaded_ns, body.
    fn definition_rows(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<StoredDefinition>> {
        self.rows(sql, params)?
            .iter()
            .map(|row| {
                let kind: String = self.get(row, 0)?;
                let version: i64 = self.get(row, 2)?;
                let body: String = self.get(row, 5)?;
                Ok(StoredDefinition {
                    body: self.decode(&format!("{kind} definition"), &body)?,
                    version: u32::try_from(version)
                        .map_err(|_| self.damaged_value("definition version"))?,
                    loaded_at: self.timestamp(
                        self.get(row, 3)?,
                        self.get(row, 4)?,
                        "definition load time",
                    )?,
                    id: self.get(row, 1)?,
                    kind,
                })
            })
            .collect()
    }

    /// [`ReadTx::definitions`](crate::store::ReadTx::definitions).
    pub(super) fn definitions_of(&self, kind: &str) -> Result<Vec<StoredDefinition>> {
        self.definition_rows(
            "SELECT kind, id, version, loaded_s, loaded_ns, body FROM definitions
             WHERE kind = $1 ORDER BY id, version",
            &[&kind],
        )
    }

    /// Every definition, by kind, id and version (for export).
    pub(super) fn all_definitions(&self) -> Result<Vec<StoredDefinition>> {
        self.definition_rows(
            "SELECT kind, id, version, loaded_s, loaded_ns, body FROM definitions
             ORDER BY kind, id, version",
            &[],
        )
    }

    /// [`ReadTx::sla_due_before`](crate::store::ReadTx::sla_due_before):
    /// a range over `sla_due_by_time` in its order, stopped at the limit.
    pub(super) fn due_before(&self, until: Timestamp, limit_to: usize) -> Result<Vec<SlaDue>> {
        let (s, ns) = instant(until);
        self.due_rows(
            "SELECT case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version
             FROM sla_due WHERE (due_s, due_ns) <= ($1, $2)
             ORDER BY due_s, due_ns, case_id, slot, started_s, started_ns, threshold
             LIMIT $3",
            &[&s, &ns, &limit(limit_to)],
        )
    }

    /// [`ReadTx::sla_due_of_case`](crate::store::ReadTx::sla_due_of_case).
    pub(super) fn due_of_case(&self, case: Uuid) -> Result<Vec<SlaDue>> {
        self.due_rows(
            "SELECT case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version
             FROM sla_due WHERE case_id = $1
             ORDER BY due_s, due_ns, slot, threshold, started_s, started_ns",
            &[&case],
        )
    }

    /// [`ReadTx::sla_taken_of_case`](crate::store::ReadTx::sla_taken_of_case).
    pub(super) fn taken_of_case(&self, case: Uuid) -> Result<Vec<SlaDueKey>> {
        self.taken_rows(
            "SELECT case_id, slot, started_s, started_ns, threshold FROM sla_taken
             WHERE case_id = $1 ORDER BY slot, started_s, started_ns, threshold",
            &[&case],
        )
    }

    /// Every taken key, sorted (for export).
    pub(super) fn all_taken(&self) -> Result<Vec<SlaDueKey>> {
        self.taken_rows(
            "SELECT case_id, slot, started_s, started_ns, threshold FROM sla_taken
             ORDER BY case_id, slot, started_s, started_ns, threshold",
            &[],
        )
    }

    /// [`WriteTx::put_definition`](crate::store::WriteTx::put_definition).
    pub(super) fn insert_definition(&self, d: &StoredDefinition) -> Result<()> {
        let (s, ns) = instant(d.loaded_at);
        let body = self.encode(&d.body)?;
        // DO NOTHING: a unique violation would abort the whole transaction.
        let inserted = self.exec(
            "INSERT INTO definitions (kind, id, version, loaded_s, loaded_ns, body)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[&d.kind, &d.id, &i64::from(d.version), &s, &ns, &body],
        )?;
        if inserted == 0 {
            return Err(Error::AlreadyExists {
                entity: d.entity(),
                id: format!("{} v{}", d.id, d.version),
            });
        }
        Ok(())
    }

    /// [`WriteTx::put_sla_due`](crate::store::WriteTx::put_sla_due).
    pub(super) fn replace_due(&self, case: Uuid, due: &[SlaDue]) -> Result<()> {
        self.exec("DELETE FROM sla_due WHERE case_id = $1", &[&case])?;
        for d in due {
            if d.case_id != case {
                return Err(Error::InvalidInput(format!(
                    "a crossing of case {} was handed over for case {case}",
                    d.case_id
                )));
            }
            let (s, ns) = instant(d.started_at);
            let (due_s, due_ns) = instant(d.due_at);
            // A repeated key replaces the earlier one, as in a map.
            self.exec(
                "INSERT INTO sla_due
                 (case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (case_id, slot, started_s, started_ns, threshold) DO UPDATE SET
                 due_s = excluded.due_s, due_ns = excluded.due_ns, sla = excluded.sla,
                 version = excluded.version",
                &[
                    &case,
                    &d.slot,
                    &s,
                    &ns,
                    &i32::from(d.threshold),
                    &due_s,
                    &due_ns,
                    &d.sla,
                    &i64::from(d.version),
                ],
            )?;
        }
        Ok(())
    }

    /// [`WriteTx::take_sla_due`](crate::store::WriteTx::take_sla_due).
    pub(super) fn take_due(&self, key: &SlaDueKey) -> Result<bool> {
        let (s, ns) = instant(key.started_at);
        let threshold = i32::from(key.threshold);
        let inserted = self.exec(
            "INSERT INTO sla_taken (case_id, slot, started_s, started_ns, threshold)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&key.case_id, &key.slot, &s, &ns, &threshold],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        self.exec(
            "DELETE FROM sla_due WHERE case_id = $1 AND slot = $2 AND started_s = $3
             AND started_ns = $4 AND threshold = $5",
            &[&key.case_id, &key.slot, &s, &ns, &threshold],
        )?;
        Ok(true)
    }

    /// Due rows that cannot be right: of a missing case, or already taken.
    pub(super) fn sla_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let missing: Vec<Uuid> = self.column(
            "SELECT DISTINCT d.case_id FROM sla_due d
             WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = d.case_id)",
            &[],
        )?;
        for case in missing {
            problems.push(format!(
                "service-level crossings are due for missing case {case}"
            ));
        }
        for key in self.taken_rows(
            "SELECT t.case_id, t.slot, t.started_s, t.started_ns, t.threshold FROM sla_taken t
             WHERE EXISTS (
                 SELECT 1 FROM sla_due d WHERE d.case_id = t.case_id AND d.slot = t.slot
                 AND d.started_s = t.started_s AND d.started_ns = t.started_ns
                 AND d.threshold = t.threshold)",
            &[],
        )? {
            problems.push(format!(
                "the {}% crossing of clock {} of case {} is due but already taken",
                key.threshold, key.slot, key.case_id
            ));
        }
        Ok(problems)
    }
}
