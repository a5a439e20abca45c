//! Report facts as rows of `case_facts`, and the reporting aggregation
//! run on them.

use super::codec::Tx;
use super::schema::FACTS_VERSION;
use crate::error::{Error, Result};
use crate::store::{CaseFacts, FactKey, FactsGroup, FactsQuery, KeyValue};
use crate::stores::sql_kpis::{group_from, kpi_statement, Dialect, FACT_COLUMNS, MEASURE_COLUMNS};
use rusqlite::{params, params_from_iter, OptionalExtension};
use uuid::Uuid;

fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl Tx<'_> {
    pub(super) fn write_case_facts(&self, f: &CaseFacts) -> Result<()> {
        if self.schema < FACTS_VERSION {
            // A file opened without upgrading: the facts are indexed when
            // an engine next opens it upgraded.
            return Ok(());
        }
        let sql = format!(
            "INSERT OR REPLACE INTO case_facts ({FACT_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
        );
        self.exec(
            &sql,
            params![
                &f.case_id.as_bytes()[..],
                f.created_s,
                f.status,
                flag(f.open),
                flag(f.resolved),
                f.support_group,
                f.assignee,
                f.channel,
                f.category,
                f.priority,
                f.campaign,
                f.response_s,
                f.response_business_s,
                f.resolution_s,
                f.resolution_business_s,
                f.resolutions,
                f.reopens,
                f.sla_met,
                f.sla_breached,
                f.feedback_sum,
                f.feedback_count,
            ],
        )?;
        Ok(())
    }

    pub(super) fn read_case_facts(&self, case: Uuid) -> Result<Option<CaseFacts>> {
        if self.schema < FACTS_VERSION {
            return Ok(None);
        }
        let sql = format!("SELECT {FACT_COLUMNS} FROM case_facts WHERE case_id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        stmt.query_row([&case.as_bytes()[..]], |r| {
            let count = |i: usize| -> rusqlite::Result<u32> {
                Ok(u32::try_from(r.get::<_, i64>(i)?).unwrap_or(u32::MAX))
            };
            Ok(CaseFacts {
                case_id: case,
                created_s: r.get(1)?,
                status: r.get(2)?,
                open: r.get::<_, i64>(3)? != 0,
                resolved: r.get::<_, i64>(4)? != 0,
                support_group: r.get(5)?,
                assignee: r.get(6)?,
                channel: r.get(7)?,
                category: r.get(8)?,
                priority: r.get(9)?,
                campaign: r.get(10)?,
                response_s: r.get(11)?,
                response_business_s: r.get(12)?,
                resolution_s: r.get(13)?,
                resolution_business_s: r.get(14)?,
                resolutions: count(15)?,
                reopens: count(16)?,
                sla_met: count(17)?,
                sla_breached: count(18)?,
                feedback_sum: count(19)?,
                feedback_count: count(20)?,
            })
        })
        .optional()
        .map_err(|e| self.err(e))
    }

    pub(super) fn aggregate_facts(&self, query: &FactsQuery) -> Result<Vec<FactsGroup>> {
        if self.schema < FACTS_VERSION {
            return Err(Error::IncompatibleVersion(format!(
                "{} has casebook schema version {}, before reports: open it read-write once to upgrade it",
                self.path.display(),
                self.schema
            )));
        }
        let (sql, texts) = kpi_statement(query, Dialect::Sqlite);
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let keys = query.group_by.len();
        let rows = stmt
            .query_map(params_from_iter(texts.iter()), |r| {
                let mut key = Vec::with_capacity(keys);
                for (i, k) in query.group_by.iter().enumerate() {
                    key.push(match k {
                        FactKey::Column(_) => KeyValue::Text(r.get(i)?),
                        FactKey::Time(_) => KeyValue::Period(r.get(i)?),
                    });
                }
                let mut values = [0i64; MEASURE_COLUMNS];
                for (j, v) in values.iter_mut().enumerate() {
                    *v = r.get::<_, Option<i64>>(keys + j)?.unwrap_or(0);
                }
                Ok(group_from(key, &values))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        Ok(rows.into_iter().filter(|g| g.cases > 0).collect())
    }
}
