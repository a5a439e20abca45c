//! The store's own consistency checks: the lookup columns and index
//! tables against the rows they index. Whether the indexed values are the
//! right ones for each record is the engine's check (it derives them).

use super::codec::Tx;
use super::PostgresStore;
use crate::error::Result;
use crate::model::{Case, Contact, Profile};
use crate::stores::sql::instant;
use uuid::Uuid;

impl PostgresStore {
    /// Every problem found in the database: the version and lookup columns
    /// against the records, contacts' case entries, links, and the
    /// service-level crossings. Empty when all is well.
    /// [`Casebook::check_invariants`](crate::Casebook::check_invariants)
    /// runs these and also checks the records and what they are indexed by.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        self.read_tx(&mut |tx| {
            problems = tx.index_problems()?;
            problems.extend(tx.sla_problems()?);
            Ok(())
        })?;
        Ok(problems)
    }
}

impl Tx<'_> {
    fn index_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        for row in self.rows("SELECT id, customer_id, version, body FROM profiles", &[])? {
            let body: String = self.get(&row, 3)?;
            let p: Profile = self.decode("profile", &body)?;
            let id: Uuid = self.get(&row, 0)?;
            let customer_id: String = self.get(&row, 1)?;
            let version: i64 = self.get(&row, 2)?;
            if id != p.id || customer_id != p.customer_id {
                problems.push(format!("profile {} has stale key columns", p.customer_id));
            }
            if u64::try_from(version).ok() != Some(p.version) {
                problems.push(format!(
                    "profile {} has a stale version column",
                    p.customer_id
                ));
            }
        }
        for row in self.rows("SELECT id, number, version, body FROM cases", &[])? {
            let body: String = self.get(&row, 3)?;
            let c: Case = self.decode("case", &body)?;
            let id: Uuid = self.get(&row, 0)?;
            let number: String = self.get(&row, 1)?;
            let version: i64 = self.get(&row, 2)?;
            if id != c.id || number != c.number {
                problems.push(format!("case {} has stale key columns", c.number));
            }
            if u64::try_from(version).ok() != Some(c.version) {
                problems.push(format!("case {} has a stale version column", c.number));
            }
        }
        for row in self.rows(
            "SELECT id, profile_id, started_s, started_ns, body,
                    ARRAY(SELECT case_id FROM contact_cases x WHERE x.contact_id = c.id ORDER BY case_id)
             FROM contacts c",
            &[],
        )? {
            let body: String = self.get(&row, 4)?;
            let c: Contact = self.decode("contact", &body)?;
            let id: Uuid = self.get(&row, 0)?;
            let profile: Option<Uuid> = self.get(&row, 1)?;
            let started: (i64, i32) = (self.get(&row, 2)?, self.get(&row, 3)?);
            if id != c.id || profile != c.profile_id || started != instant(c.started_at) {
                problems.push(format!("contact {} has stale index columns", c.id));
            }
            let mut cases = c.case_ids.clone();
            cases.sort();
            cases.dedup();
            let indexed: Vec<Uuid> = self.get(&row, 5)?;
            if indexed != cases {
                problems.push(format!("contact {} has stale case entries", c.id));
            }
        }
        for row in self.rows(
            "SELECT case_id, profile_id, body FROM links l
             WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = l.case_id)",
            &[],
        )? {
            let case: Uuid = self.get(&row, 0)?;
            problems.push(format!("a link refers to missing case {case}"));
        }
        for row in self.rows("SELECT case_id, profile_id, body FROM links", &[])? {
            let body: String = self.get(&row, 2)?;
            let link: crate::model::CaseLink = self.decode("case link", &body)?;
            let (case, profile): (Uuid, Uuid) = (self.get(&row, 0)?, self.get(&row, 1)?);
            if link.case_id != case || link.profile_id != profile {
                problems.push(format!(
                    "the link of case {case} is stored under another key"
                ));
            }
        }
        for row in self.rows("SELECT k1, k2, body FROM relations", &[])? {
            let body: String = self.get(&row, 2)?;
            let r: crate::model::Relation = self.decode("relation", &body)?;
            let (k1, k2): (Uuid, Uuid) = (self.get(&row, 0)?, self.get(&row, 1)?);
            if r.key() != (k1, k2) {
                problems.push(format!("relation {k1}/{k2} is stored under another key"));
            }
        }
        Ok(problems)
    }
}
