//! Work queues as SQL over `case_facts`: a group's backlog read from a
//! partial index in the order it is taken, and an agent's open cases per
//! channel counted from another, so neither reads more rows than it needs.
//!
//! Files before [`FACTS_VERSION`] hold no facts: their backlogs are empty.

use super::codec::{limit, Tx};
use super::schema::FACTS_VERSION;
use crate::error::Result;
use rusqlite::params;
use uuid::Uuid;

impl Tx<'_> {
    pub(super) fn read_backlog(&self, group: &str, limit_to: usize) -> Result<Vec<Uuid>> {
        if self.schema < FACTS_VERSION {
            return Ok(Vec::new());
        }
        // The WHERE clause repeats the partial index's, so the index serves it.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT case_id FROM case_facts
                 WHERE open = 1 AND assignee IS NULL AND support_group = ?1
                 ORDER BY priority, created_s, case_id
                 LIMIT CAST(?2 AS INTEGER)",
            )
            .map_err(|e| self.err(e))?;
        let raw = stmt
            .query_map(params![group, limit(limit_to)], |r| r.get::<_, Vec<u8>>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        raw.iter().map(|id| self.uuid(id)).collect()
    }

    pub(super) fn read_open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>> {
        if self.schema < FACTS_VERSION {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT channel, count(*) FROM case_facts
                 WHERE open = 1 AND assignee = ?1
                 GROUP BY channel ORDER BY channel",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([assignee], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(|(channel, n)| (channel, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }
}
