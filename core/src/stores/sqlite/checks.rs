//! The store's own consistency checks: the file, and the lookup columns
//! and index tables against the rows they index. Whether the indexed values
//! are the right ones for each record is the engine's check (it derives them).

use super::codec::{instant, Tx};
use super::schema::{FTS_VERSION, VERSION_COLUMN_VERSION};
use super::SqliteStore;
use crate::error::Result;
use crate::model::{Case, Contact, Profile, Relation};
use crate::store::ReadTx;
use uuid::Uuid;

impl SqliteStore {
    /// Every problem found in the file: SQLite's `integrity_check` and
    /// `foreign_key_check`, the search index against the cases, and the
    /// lookup columns and index tables against the rows. Empty when all is
    /// well. [`Casebook::check_invariants`](crate::Casebook::check_invariants)
    /// runs these and also checks the records and what they are indexed by.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = casebook::SqliteStore::open(dir.path().join("casebook.db"))?;
    /// assert!(store.integrity_problems()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = self.with_reader(|tx| {
            let mut problems = tx.sqlite_problems()?;
            problems.extend(tx.index_problems()?);
            problems.extend(tx.sla_problems()?);
            Ok(problems)
        })?;
        // The search index check is a write statement: it needs the writer.
        if self.writer.is_some() && self.schema >= FTS_VERSION {
            let writer = self.writer()?;
            writer.begin()?;
            let conn = &writer.conn;
            let check = conn.execute(
                "INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 1)",
                [],
            );
            let _ = conn.execute_batch("ROLLBACK");
            if let Err(e) = check {
                problems.push(format!("case search index: {e}"));
            }
        }
        Ok(problems)
    }
}

impl Tx<'_> {
    /// SQLite's own checks.
    fn sqlite_problems(&self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = self
            .column::<String>("PRAGMA integrity_check", [])?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        let mut stmt = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(2)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (table, parent) = row.map_err(|e| self.err(e))?;
            problems.push(format!("a row of {table} refers to a missing {parent} row"));
        }
        Ok(problems)
    }

    /// The lookup columns and index tables against the records they index.
    fn index_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut after: Option<Uuid> = None;
        loop {
            let page = self.profiles_page(after, 500)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for p in &page {
                if self.profile_id_by_customer_id(&p.customer_id)? != Some(p.id) {
                    problems.push(format!("customer ID {} is not indexed", p.customer_id));
                }
                if self.stored_profile_version(p)? != p.version {
                    problems.push(format!(
                        "profile {} has a stale version column",
                        p.customer_id
                    ));
                }
            }
        }
        for case in self.export_cases()? {
            if self.case_id_by_number(&case.number)? != Some(case.id) {
                problems.push(format!("case number {} is not indexed", case.number));
            }
            if self.stored_case_version(&case)? != case.version {
                problems.push(format!("case {} has a stale version column", case.number));
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, profile_id, started_s, started_ns, body FROM contacts")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Option<Vec<u8>>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i32>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (id, profile, s, ns, body) = row.map_err(|e| self.err(e))?;
            let c: Contact = self.decode("contact", &body)?;
            let profile = profile.map(|b| self.uuid(&b)).transpose()?;
            if self.uuid(&id)? != c.id
                || profile != c.profile_id
                || (s, ns) != instant(c.started_at)
            {
                problems.push(format!("contact {} has stale index columns", c.id));
            }
            let mut cases: Vec<Uuid> = c.case_ids.clone();
            cases.sort();
            cases.dedup();
            let indexed = self.ids(
                "SELECT case_id FROM contact_cases WHERE contact_id = CAST(?1 AS BLOB) ORDER BY case_id",
                [&id[..]],
            )?;
            if indexed != cases {
                problems.push(format!("contact {} has stale case entries", c.id));
            }
        }
        let links: usize = self.count("SELECT count(*) FROM links")?;
        let mut linked = 0;
        for case in self.ids("SELECT DISTINCT case_id FROM links", [])? {
            for link in self.links_of_case(case)? {
                linked += 1;
                if link.case_id != case || !self.links_of_profile(link.profile_id)?.contains(&link)
                {
                    problems.push(format!("the link of case {case} is stale"));
                }
            }
        }
        if linked != links {
            problems.push("links are indexed twice".into());
        }
        for r in self.records::<Relation>("relation", "SELECT body FROM relations", [])? {
            let (k1, k2) = r.key();
            let found: Option<i64> = self.value(
                "SELECT 1 FROM relations WHERE k1 = ?1 AND k2 = ?2",
                [&k1.as_bytes()[..], &k2.as_bytes()[..]],
            )?;
            if found.is_none() {
                problems.push(format!("relation {k1}/{k2} is stored under another key"));
            }
        }
        Ok(problems)
    }

    /// The version column of a stored profile (its body's on files before the column).
    fn stored_profile_version(&self, p: &Profile) -> Result<u64> {
        if self.schema < VERSION_COLUMN_VERSION {
            return Ok(p.version);
        }
        let v: Option<i64> = self.value(
            "SELECT version FROM profiles WHERE id = ?1",
            [&p.id.as_bytes()[..]],
        )?;
        Ok(v.and_then(|v| u64::try_from(v).ok()).unwrap_or(u64::MAX))
    }

    /// The version column of a stored case.
    fn stored_case_version(&self, c: &Case) -> Result<u64> {
        if self.schema < VERSION_COLUMN_VERSION {
            return Ok(c.version);
        }
        let v: Option<i64> = self.value(
            "SELECT version FROM cases WHERE id = ?1",
            [&c.id.as_bytes()[..]],
        )?;
        Ok(v.and_then(|v| u64::try_from(v).ok()).unwrap_or(u64::MAX))
    }
}
