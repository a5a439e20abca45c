//! Rule definitions and service-level crossings as SQL: the versions of
//! calendars and service-level definitions, the crossings due (indexed by
//! due time, so the poll never scans them all), and the keys already taken.
//!
//! Files before [`SLA_VERSION`] have none of these tables: reads find
//! nothing there, and writes that would store something are refused.

use super::codec::{damaged_value, instant, limit, Tx};
use super::schema::SLA_VERSION;
use crate::error::{Error, Result};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::StoredDefinition;
use jiff::Timestamp;
use rusqlite::{params, Row};
use uuid::Uuid;

/// Columns of a due row, in the order [`Tx::due_rows`] reads them.
const DUE_COLUMNS: &str =
    "case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version";

/// Columns of a taken key, in the order [`Tx::taken_rows`] reads them.
const TAKEN_COLUMNS: &str = "case_id, slot, started_s, started_ns, threshold";

/// The crossings due by an instant: a range over `sla_due_by_time` in
/// its order, so it reads no more than `limit` rows (and never sorts).
pub(super) const DUE_BEFORE: &str =
    "SELECT case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version
     FROM sla_due
     WHERE (due_s, due_ns) <= (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER))
     ORDER BY due_s, due_ns, case_id, slot, started_s, started_ns, threshold
     LIMIT CAST(?3 AS INTEGER)";

/// A due row as read, before its values are checked.
type RawDue = (Vec<u8>, String, i64, i32, i64, i64, i32, String, i64);

/// A taken key as read, before its values are checked.
type RawKey = (Vec<u8>, String, i64, i32, i64);

fn raw_due(r: &Row<'_>) -> rusqlite::Result<RawDue> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn raw_key(r: &Row<'_>) -> rusqlite::Result<RawKey> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

impl Tx<'_> {
    /// Whether the file has the definition and crossing tables.
    fn has_slas(&self) -> bool {
        self.schema >= SLA_VERSION
    }

    /// Refuses to store what a file before the tables cannot hold.
    fn require_slas(&self, what: &str) -> Result<()> {
        if self.has_slas() {
            return Ok(());
        }
        Err(Error::IncompatibleVersion(format!(
            "{} is at casebook schema version {}, which cannot store {what} (version {SLA_VERSION} can)",
            self.path.display(),
            self.schema
        )))
    }

    fn timestamp(&self, s: i64, ns: i32, what: &str) -> Result<Timestamp> {
        Timestamp::new(s, ns).map_err(|_| damaged_value(self.path, what))
    }

    fn due_key(&self, (id, slot, s, ns, threshold): RawKey) -> Result<SlaDueKey> {
        Ok(SlaDueKey {
            case_id: self.uuid(&id)?,
            slot,
            started_at: self.timestamp(s, ns, "clock start")?,
            threshold: u8::try_from(threshold)
                .map_err(|_| damaged_value(self.path, "threshold"))?,
        })
    }

    fn due_row(&self, raw: RawDue) -> Result<SlaDue> {
        let (id, slot, s, ns, threshold, due_s, due_ns, sla, version) = raw;
        let key = self.due_key((id, slot, s, ns, threshold))?;
        Ok(SlaDue {
            case_id: key.case_id,
            slot: key.slot,
            started_at: key.started_at,
            threshold: key.threshold,
            due_at: self.timestamp(due_s, due_ns, "due time")?,
            sla,
            version: u32::try_from(version)
                .map_err(|_| damaged_value(self.path, "SLA definition version"))?,
        })
    }

    /// The due rows a query selects (its columns: [`DUE_COLUMNS`]).
    fn due_rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<SlaDue>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, raw_due)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        rows.into_iter().map(|raw| self.due_row(raw)).collect()
    }

    /// The taken keys a query selects (its columns: [`TAKEN_COLUMNS`]).
    fn taken_rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<SlaDueKey>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, raw_key)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        rows.into_iter().map(|raw| self.due_key(raw)).collect()
    }

    /// The definitions a query selects (columns: kind, id, version, loaded_s, loaded_ns, body).
    fn definition_rows(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredDefinition>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i32>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(kind, id, version, s, ns, body)| {
                Ok(StoredDefinition {
                    body: self.decode(&format!("{kind} definition"), &body)?,
                    version: u32::try_from(version)
                        .map_err(|_| damaged_value(self.path, "definition version"))?,
                    loaded_at: self.timestamp(s, ns, "definition load time")?,
                    kind,
                    id,
                })
            })
            .collect()
    }

    /// [`ReadTx::definitions`](crate::store::ReadTx::definitions).
    pub(super) fn definitions_of(&self, kind: &str) -> Result<Vec<StoredDefinition>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        self.definition_rows(
            "SELECT kind, id, version, loaded_s, loaded_ns, body FROM definitions
             WHERE kind = CAST(?1 AS TEXT) ORDER BY id, version",
            [kind],
        )
    }

    /// Every definition, by kind, id and version (for export).
    pub(super) fn all_definitions(&self) -> Result<Vec<StoredDefinition>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        self.definition_rows(
            "SELECT kind, id, version, loaded_s, loaded_ns, body FROM definitions
             ORDER BY kind, id, version",
            [],
        )
    }

    /// [`ReadTx::sla_due_before`](crate::store::ReadTx::sla_due_before):
    /// a range over `sla_due_by_time`, stopped at the limit.
    pub(super) fn due_before(&self, until: Timestamp, limit_to: usize) -> Result<Vec<SlaDue>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        let (s, ns) = instant(until);
        self.due_rows(DUE_BEFORE, params![s, ns, limit(limit_to)])
    }

    /// [`ReadTx::sla_due_of_case`](crate::store::ReadTx::sla_due_of_case).
    pub(super) fn due_of_case(&self, case: Uuid) -> Result<Vec<SlaDue>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        self.due_rows(
            &format!(
                "SELECT {DUE_COLUMNS} FROM sla_due WHERE case_id = CAST(?1 AS BLOB)
                 ORDER BY due_s, due_ns, slot, threshold, started_s, started_ns"
            ),
            [&case.as_bytes()[..]],
        )
    }

    /// [`ReadTx::sla_taken_of_case`](crate::store::ReadTx::sla_taken_of_case).
    pub(super) fn taken_of_case(&self, case: Uuid) -> Result<Vec<SlaDueKey>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        self.taken_rows(
            &format!(
                "SELECT {TAKEN_COLUMNS} FROM sla_taken WHERE case_id = CAST(?1 AS BLOB)
                 ORDER BY slot, started_s, started_ns, threshold"
            ),
            [&case.as_bytes()[..]],
        )
    }

    /// Every taken key, sorted (for export).
    pub(super) fn all_taken(&self) -> Result<Vec<SlaDueKey>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        self.taken_rows(
            &format!(
                "SELECT {TAKEN_COLUMNS} FROM sla_taken
                 ORDER BY case_id, slot, started_s, started_ns, threshold"
            ),
            [],
        )
    }

    /// [`WriteTx::put_definition`](crate::store::WriteTx::put_definition).
    pub(super) fn insert_definition(&self, d: &StoredDefinition) -> Result<()> {
        self.require_slas("definitions")?;
        let (s, ns) = instant(d.loaded_at);
        let body = self.encode(&d.body)?;
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO definitions (kind, id, version, loaded_s, loaded_ns, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut stmt| stmt.execute(params![d.kind, d.id, d.version, s, ns, body]));
        match inserted {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Err(Error::AlreadyExists {
                    entity: d.entity(),
                    id: format!("{} v{}", d.id, d.version),
                })
            }
            other => other.map(drop).map_err(|e| self.err(e)),
        }
    }

    /// [`WriteTx::put_sla_due`](crate::store::WriteTx::put_sla_due).
    pub(super) fn replace_due(&self, case: Uuid, due: &[SlaDue]) -> Result<()> {
        if !self.has_slas() && due.is_empty() {
            return Ok(());
        }
        self.require_slas("service-level crossings")?;
        let id = &case.as_bytes()[..];
        self.exec("DELETE FROM sla_due WHERE case_id = CAST(?1 AS BLOB)", [id])?;
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
                "INSERT OR REPLACE INTO sla_due
                 (case_id, slot, started_s, started_ns, threshold, due_s, due_ns, sla, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    d.slot,
                    s,
                    ns,
                    d.threshold,
                    due_s,
                    due_ns,
                    d.sla,
                    d.version
                ],
            )?;
        }
        Ok(())
    }

    /// [`WriteTx::take_sla_due`](crate::store::WriteTx::take_sla_due).
    pub(super) fn take_due(&self, key: &SlaDueKey) -> Result<bool> {
        self.require_slas("taken service-level crossings")?;
        let id = &key.case_id.as_bytes()[..];
        let (s, ns) = instant(key.started_at);
        let inserted = self.exec(
            "INSERT OR IGNORE INTO sla_taken (case_id, slot, started_s, started_ns, threshold)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, key.slot, s, ns, key.threshold],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        self.exec(
            "DELETE FROM sla_due WHERE case_id = ?1 AND slot = ?2 AND started_s = ?3
             AND started_ns = ?4 AND threshold = ?5",
            params![id, key.slot, s, ns, key.threshold],
        )?;
        Ok(true)
    }

    /// Due rows that cannot be right: of a missing case, or already taken.
    pub(super) fn sla_problems(&self) -> Result<Vec<String>> {
        if !self.has_slas() {
            return Ok(Vec::new());
        }
        let mut problems = Vec::new();
        for case in self.ids(
            "SELECT DISTINCT d.case_id FROM sla_due d
             WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = d.case_id)",
            [],
        )? {
            problems.push(format!(
                "service-level crossings are due for missing case {case}"
            ));
        }
        for key in self.taken_rows(
            &format!(
                "SELECT {TAKEN_COLUMNS} FROM sla_taken t WHERE EXISTS (
                     SELECT 1 FROM sla_due d WHERE d.case_id = t.case_id AND d.slot = t.slot
                     AND d.started_s = t.started_s AND d.started_ns = t.started_ns
                     AND d.threshold = t.threshold)"
            ),
            [],
        )? {
            problems.push(format!(
                "the {}% crossing of clock {} of case {} is due but already taken",
                key.threshold, key.slot, key.case_id
            ));
        }
        Ok(problems)
    }
}
