//! Report facts as rows of `case_facts`, and the reporting aggregation
//! run on them.

use super::codec::{Param, Tx};
use crate::error::Result;
use crate::store::{CaseFacts, FactKey, FactsGroup, FactsQuery, KeyValue};
use crate::stores::sql_kpis::{group_from, kpi_statement, Dialect, MEASURE_COLUMNS};
use uuid::Uuid;

const PUT_FACTS: &str = "INSERT INTO case_facts (case_id, created_s, status, open, resolved, \
    support_group, assignee, channel, category, priority, campaign, \
    response_s, response_business_s, resolution_s, resolution_business_s, \
    resolutions, reopens, sla_met, sla_breached, feedback_sum, feedback_count) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
    ON CONFLICT (case_id) DO UPDATE SET created_s = EXCLUDED.created_s, status = EXCLUDED.status, \
    open = EXCLUDED.open, resolved = EXCLUDED.resolved, support_group = EXCLUDED.support_group, \
    assignee = EXCLUDED.assignee, channel = EXCLUDED.channel, category = EXCLUDED.category, \
    priority = EXCLUDED.priority, campaign = EXCLUDED.campaign, response_s = EXCLUDED.response_s, \
    response_business_s = EXCLUDED.response_business_s, resolution_s = EXCLUDED.resolution_s, \
    resolution_business_s = EXCLUDED.resolution_business_s, resolutions = EXCLUDED.resolutions, \
    reopens = EXCLUDED.reopens, sla_met = EXCLUDED.sla_met, sla_breached = EXCLUDED.sla_breached, \
    feedback_sum = EXCLUDED.feedback_sum, feedback_count = EXCLUDED.feedback_count";

const GET_FACTS: &str = "SELECT created_s, status, open, resolved, \
    support_group, assignee, channel, category, priority, campaign, \
    response_s, response_business_s, resolution_s, resolution_business_s, \
    resolutions, reopens, sla_met, sla_breached, feedback_sum, feedback_count \
    FROM case_facts WHERE case_id = $1";

impl Tx<'_> {
    pub(super) fn write_case_facts(&self, f: &CaseFacts) -> Result<()> {
        let n = |b: bool| i64::from(b);
        let counts = [
            i64::from(f.resolutions),
            i64::from(f.reopens),
            i64::from(f.sla_met),
            i64::from(f.sla_breached),
            i64::from(f.feedback_sum),
            i64::from(f.feedback_count),
        ];
        let (open, resolved) = (n(f.open), n(f.resolved));
        let params: [Param<'_>; 21] = [
            &f.case_id,
            &f.created_s,
            &f.status,
            &open,
            &resolved,
            &f.support_group,
            &f.assignee,
            &f.channel,
            &f.category,
            &f.priority,
            &f.campaign,
            &f.response_s,
            &f.response_business_s,
            &f.resolution_s,
            &f.resolution_business_s,
            &counts[0],
            &counts[1],
            &counts[2],
            &counts[3],
            &counts[4],
            &counts[5],
        ];
        self.exec(PUT_FACTS, &params)?;
        Ok(())
    }

    pub(super) fn read_case_facts(&self, case: Uuid) -> Result<Option<CaseFacts>> {
        let Some(row) = self.row(GET_FACTS, &[&case])? else {
            return Ok(None);
        };
        let count = |i: usize| -> Result<u32> {
            let v: i64 = self.get(&row, i)?;
            u32::try_from(v).map_err(|_| self.damaged_value("report fact count"))
        };
        Ok(Some(CaseFacts {
            case_id: case,
            created_s: self.get(&row, 0)?,
            status: self.get(&row, 1)?,
            open: self.get::<i64>(&row, 2)? != 0,
            resolved: self.get::<i64>(&row, 3)? != 0,
            support_group: self.get(&row, 4)?,
            assignee: self.get(&row, 5)?,
            channel: self.get(&row, 6)?,
            category: self.get(&row, 7)?,
            priority: self.get(&row, 8)?,
            campaign: self.get(&row, 9)?,
            response_s: self.get(&row, 10)?,
            response_business_s: self.get(&row, 11)?,
            resolution_s: self.get(&row, 12)?,
            resolution_business_s: self.get(&row, 13)?,
            resolutions: count(14)?,
            reopens: count(15)?,
            sla_met: count(16)?,
            sla_breached: count(17)?,
            feedback_sum: count(18)?,
            feedback_count: count(19)?,
        }))
    }

    pub(super) fn aggregate_facts(&self, query: &FactsQuery) -> Result<Vec<FactsGroup>> {
        let (sql, texts) = kpi_statement(query, Dialect::Postgres);
        let params: Vec<Param<'_>> = texts.iter().map(|t| t as Param<'_>).collect();
        let keys = query.group_by.len();
        let mut out = Vec::new();
        for row in self.rows_built(&sql, &params)? {
            let mut key = Vec::with_capacity(keys);
            for (i, k) in query.group_by.iter().enumerate() {
                key.push(match k {
                    FactKey::Column(_) => KeyValue::Text(self.get(&row, i)?),
                    FactKey::Time(_) => KeyValue::Period(self.get(&row, i)?),
                });
            }
            let mut values = [0i64; MEASURE_COLUMNS];
            for (j, v) in values.iter_mut().enumerate() {
                *v = self.get::<Option<i64>>(&row, keys + j)?.unwrap_or(0);
            }
            let group = group_from(key, &values);
            if group.cases > 0 {
                out.push(group);
            }
        }
        Ok(out)
    }
}
