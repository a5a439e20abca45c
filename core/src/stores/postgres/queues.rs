//! Work queues as SQL over `case_facts`: a group's backlog read from a
//! partial index in the order it is taken, and an agent's open cases per
//! channel counted from another, so neither reads more rows than it needs.

use super::codec::Tx;
use crate::error::Result;
use crate::stores::sql::limit;
use uuid::Uuid;

const BACKLOG: &str = "SELECT case_id FROM case_facts
     WHERE open = 1 AND assignee IS NULL AND support_group = $1
     ORDER BY priority, created_s, case_id
     LIMIT $2";

const OPEN_LOAD: &str = "SELECT channel, count(*) FROM case_facts
     WHERE open = 1 AND assignee = $1
     GROUP BY channel ORDER BY channel";

impl Tx<'_> {
    pub(super) fn read_backlog(&self, group: &str, limit_to: usize) -> Result<Vec<Uuid>> {
        let group = group.to_string();
        let rows = self.rows(BACKLOG, &[&group, &limit(limit_to)])?;
        rows.iter().map(|r| self.get(r, 0)).collect()
    }

    pub(super) fn read_open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>> {
        let assignee = assignee.to_string();
        let rows = self.rows(OPEN_LOAD, &[&assignee])?;
        rows.iter()
            .map(|r| {
                let n: i64 = self.get(r, 1)?;
                Ok((self.get(r, 0)?, u32::try_from(n).unwrap_or(u32::MAX)))
            })
            .collect()
    }
}
