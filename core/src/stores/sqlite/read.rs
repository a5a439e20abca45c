//! Reads: every lookup of the storage trait as SQL.

use super::codec::{damaged_value, fts_term, instant, limit, plain_token, prefix_successor, Tx};
use super::schema::{FTS_VERSION, TERMS_VERSION};
use crate::error::Result;
use crate::model::{AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    CaseFacts, CaseIndex, FactsGroup, FactsQuery, ProfileIndex, ReadTx, Snapshot, StoredDefinition,
    SNAPSHOT_FORMAT,
};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use rusqlite::params;
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// Most terms a prefix is expanded to before FTS5's own prefix query is used.
const MAX_PREFIX_TERMS: usize = 64;

impl Tx<'_> {
    /// The indexed terms starting with `prefix`, or `None` when there are
    /// too many to list (or the file predates the term list).
    fn prefix_terms(&self, prefix: &str) -> Result<Option<Vec<String>>> {
        if self.schema < TERMS_VERSION {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT term FROM case_terms WHERE term >= CAST(?1 AS TEXT) AND term < CAST(?2 AS TEXT) ORDER BY term LIMIT CAST(?3 AS INTEGER)",
            )
            .map_err(|e| self.err(e))?;
        // Terms are ASCII letters and digits: the next string after every
        // term with this prefix ends in the last byte plus one.
        let mut end = prefix.as_bytes().to_vec();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        let end = String::from_utf8_lossy(&end).into_owned();
        let terms = stmt
            .query_map(params![prefix, end, MAX_PREFIX_TERMS as i64 + 1], |r| {
                r.get::<_, String>(0)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(|e| self.err(e))?;
        Ok((terms.len() <= MAX_PREFIX_TERMS).then_some(terms))
    }

    /// Case search without the FTS index (schema versions before it).
    fn search_by_scan(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, search_tokens FROM cases ORDER BY seq DESC")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            if out.len() >= limit {
                break;
            }
            let (id, text) = row.map_err(|e| self.err(e))?;
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            if exact.iter().all(|t| words.contains(&t.as_str()))
                && words.iter().any(|w| w.starts_with(last.as_str()))
            {
                out.push(self.uuid(&id)?);
            }
        }
        Ok(out)
    }

    pub(super) fn export_cases(&self) -> Result<Vec<Case>> {
        self.records("case", "SELECT body FROM cases ORDER BY seq", [])
    }
}

impl ReadTx for Tx<'_> {
    fn profile(&self, id: Uuid) -> Result<Option<Profile>> {
        self.record(
            "profile",
            "SELECT body FROM profiles WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>> {
        self.value::<Vec<u8>>(
            "SELECT id FROM profiles WHERE customer_id = ?1",
            [customer_id],
        )?
        .map(|b| self.uuid(&b))
        .transpose()
    }

    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>> {
        self.ids(
            "SELECT profile_id FROM profile_keys WHERE key = CAST(?1 AS TEXT) ORDER BY profile_id",
            [key],
        )
    }

    fn profiles_by_name_prefix(&self, prefix: &str, limit_to: usize) -> Result<Vec<Uuid>> {
        // A range over the token index, not LIKE: exact, and uses the index.
        match prefix_successor(prefix) {
            Some(upper) => self.ids(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= CAST(?1 AS TEXT) AND token < CAST(?2 AS TEXT) ORDER BY profile_id LIMIT CAST(?3 AS INTEGER)",
                params![prefix, upper, limit(limit_to)],
            ),
            None => self.ids(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= CAST(?1 AS TEXT) ORDER BY profile_id LIMIT CAST(?2 AS INTEGER)",
                params![prefix, limit(limit_to)],
            ),
        }
    }

    fn profile_ids(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Uuid>> {
        let after = after.map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        self.ids(
            "SELECT id FROM profiles WHERE id > CAST(?1 AS BLOB) ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            params![after, limit(limit_to)],
        )
    }

    fn profiles_page(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Profile>> {
        let after = after.map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        self.records(
            "profile",
            "SELECT body FROM profiles WHERE id > CAST(?1 AS BLOB) ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            params![after, limit(limit_to)],
        )
    }

    fn profile_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM profiles")
    }

    fn profile_index(&self, id: Uuid) -> Result<Option<ProfileIndex>> {
        let exists: Option<i64> =
            self.value("SELECT 1 FROM profiles WHERE id = ?1", [&id.as_bytes()[..]])?;
        if exists.is_none() {
            return Ok(None);
        }
        let id = &id.as_bytes()[..];
        Ok(Some(ProfileIndex {
            keys: self.column(
                "SELECT key FROM profile_keys WHERE profile_id = CAST(?1 AS BLOB) ORDER BY key",
                [id],
            )?,
            name_tokens: self.column(
                "SELECT token FROM profile_names WHERE profile_id = CAST(?1 AS BLOB) ORDER BY token",
                [id],
            )?,
        }))
    }

    fn case(&self, id: Uuid) -> Result<Option<Case>> {
        self.record(
            "case",
            "SELECT body FROM cases WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>> {
        self.value::<Vec<u8>>("SELECT id FROM cases WHERE number = ?1", [number])?
            .map(|b| self.uuid(&b))
            .transpose()
    }

    fn search_cases(&self, tokens: &[String], limit_to: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        // Stored tokens are folded ASCII alphanumerics: nothing else can match.
        if exact.iter().any(|t| t.is_empty() || !plain_token(t)) || !plain_token(last) {
            return Ok(Vec::new());
        }
        if self.schema < FTS_VERSION {
            return self.search_by_scan(tokens, limit_to);
        }
        if exact.is_empty() && last.is_empty() {
            // An empty prefix matches every case with at least one token.
            return self.ids(
                "SELECT id FROM cases WHERE search_tokens != '' ORDER BY seq DESC LIMIT CAST(?1 AS INTEGER)",
                [limit(limit_to)],
            );
        }
        let mut terms: Vec<String> = exact.iter().map(|t| fts_term(t)).collect();
        if !last.is_empty() {
            match self.prefix_terms(last)? {
                Some(expanded) if expanded.is_empty() => return Ok(Vec::new()),
                // Whole terms let FTS5 walk newest first and stop at the limit.
                Some(expanded) => terms.push(format!(
                    "({})",
                    expanded
                        .iter()
                        .map(|t| fts_term(t))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                )),
                None => terms.push(format!("{}*", fts_term(last))),
            }
        }
        self.ids(
            "SELECT id FROM cases WHERE seq IN (
                 SELECT rowid FROM case_search WHERE case_search MATCH CAST(?1 AS TEXT)
                 ORDER BY rowid DESC LIMIT CAST(?2 AS INTEGER)
             ) ORDER BY seq DESC",
            params![terms.join(" AND "), limit(limit_to)],
        )
    }

    fn case_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM cases")
    }

    fn case_ids(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Uuid>> {
        let after = after.map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        self.ids(
            "SELECT id FROM cases WHERE id > CAST(?1 AS BLOB) ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            params![after, limit(limit_to)],
        )
    }

    fn case_facts(&self, case: Uuid) -> Result<Option<CaseFacts>> {
        self.read_case_facts(case)
    }

    fn case_kpis(&self, query: &FactsQuery) -> Result<Vec<FactsGroup>> {
        self.aggregate_facts(query)
    }

    fn backlog(&self, group: &str, limit: usize) -> Result<Vec<Uuid>> {
        self.read_backlog(group, limit)
    }

    fn open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>> {
        self.read_open_load(assignee)
    }

    fn open_tasks(
        &self,
        owner: &crate::model::TaskOwner,
        now_s: i64,
        limit: usize,
    ) -> Result<Vec<crate::store::TaskRow>> {
        self.read_open_tasks(owner, now_s, limit)
    }

    fn task_rows_of_case(&self, case: Uuid) -> Result<Vec<crate::store::TaskRow>> {
        self.read_task_rows_of_case(case)
    }

    fn case_index(&self, id: Uuid) -> Result<Option<CaseIndex>> {
        let tokens: Option<String> = self.value(
            "SELECT search_tokens FROM cases WHERE id = ?1",
            [&id.as_bytes()[..]],
        )?;
        Ok(tokens.map(|t| CaseIndex {
            search_tokens: t
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect(),
        }))
    }

    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE case_id = CAST(?1 AS BLOB) ORDER BY profile_id",
            [&case.as_bytes()[..]],
        )
    }

    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE profile_id = CAST(?1 AS BLOB) ORDER BY case_id",
            [&profile.as_bytes()[..]],
        )
    }

    fn linked_cases(&self, profile: Uuid) -> Result<Vec<(CaseLink, Arc<Case>)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT l.body, c.body FROM links l JOIN cases c ON c.id = l.case_id
                 WHERE l.profile_id = CAST(?1 AS BLOB) ORDER BY l.case_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([&profile.as_bytes()[..]], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (link, case) = row.map_err(|e| self.err(e))?;
            out.push((
                self.decode("case link", &link)?,
                Arc::new(self.decode("case", &case)?),
            ));
        }
        Ok(out)
    }

    fn contact(&self, id: Uuid) -> Result<Option<Contact>> {
        self.record(
            "contact",
            "SELECT body FROM contacts WHERE id = ?1",
            [&id.as_bytes()[..]],
        )
    }

    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit_to: usize,
    ) -> Result<Vec<Contact>> {
        let (from_s, from_ns) = from.map_or((i64::MIN, i32::MIN), instant);
        // No timestamp reaches i64::MAX seconds: an open end excludes nothing.
        let (to_s, to_ns) = to.map_or((i64::MAX, i32::MAX), instant);
        self.records(
            "contact",
            "SELECT body FROM contacts
             WHERE profile_id = CAST(?1 AS BLOB)
               AND (started_s, started_ns) >= (?2, ?3)
               AND (started_s, started_ns) < (?4, ?5)
             ORDER BY started_s DESC, started_ns DESC, id DESC
             LIMIT CAST(?6 AS INTEGER)",
            params![
                &profile.as_bytes()[..],
                from_s,
                from_ns,
                to_s,
                to_ns,
                limit(limit_to)
            ],
        )
    }

    fn contact_ids_of_profile(&self, profile: Uuid) -> Result<Vec<Uuid>> {
        self.ids(
            "SELECT id FROM contacts WHERE profile_id = CAST(?1 AS BLOB)",
            [&profile.as_bytes()[..]],
        )
    }

    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>> {
        self.records(
            "contact",
            "SELECT c.body FROM contact_cases x JOIN contacts c ON c.id = x.contact_id
             WHERE x.case_id = CAST(?1 AS BLOB)
             ORDER BY x.started_s DESC, x.started_ns DESC, x.contact_id DESC",
            [&case.as_bytes()[..]],
        )
    }

    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>> {
        self.records(
            "relation",
            "SELECT body FROM (
                 SELECT k2 AS other, body FROM relations WHERE k1 = ?1
                 UNION ALL
                 SELECT k1 AS other, body FROM relations WHERE k2 = ?1 AND k1 != ?1
             ) ORDER BY other",
            [&profile.as_bytes()[..]],
        )
    }

    fn template(&self, id: &str, version: u32) -> Result<Option<Template>> {
        self.record(
            "template",
            "SELECT body FROM templates WHERE id = ?1 AND version = ?2",
            params![id, version],
        )
    }

    fn latest_template_version(&self, id: &str) -> Result<Option<u32>> {
        // CAST: with a bare `?1` SQLite re-prepares this statement on every
        // bind (equality plus max on the index), and it runs once per record.
        let v: Option<Option<i64>> = self.value(
            "SELECT max(version) FROM templates WHERE id = CAST(?1 AS TEXT)",
            [id],
        )?;
        v.flatten()
            .map(|v| u32::try_from(v).map_err(|_| damaged_value(self.path, "template version")))
            .transpose()
    }

    fn template_refs(&self) -> Result<Vec<TemplateRef>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, version FROM templates ORDER BY id, version")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(|e| self.err(e))?;
        rows.map(|row| {
            row.map(|(id, version)| TemplateRef { id, version })
                .map_err(|e| self.err(e))
        })
        .collect()
    }

    fn definitions(&self, kind: &str) -> Result<Vec<StoredDefinition>> {
        self.definitions_of(kind)
    }

    fn sla_due_before(&self, until: Timestamp, limit_to: usize) -> Result<Vec<SlaDue>> {
        self.due_before(until, limit_to)
    }

    fn sla_due_of_case(&self, case: Uuid) -> Result<Vec<SlaDue>> {
        self.due_of_case(case)
    }

    fn sla_taken_of_case(&self, case: Uuid) -> Result<Vec<SlaDueKey>> {
        self.taken_of_case(case)
    }

    fn sequence(&self, name: &str) -> Result<u64> {
        let v: Option<i64> = self.value("SELECT value FROM sequences WHERE name = ?1", [name])?;
        u64::try_from(v.unwrap_or(0)).map_err(|_| damaged_value(self.path, "sequence"))
    }

    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        match subject {
            None => self.records("audit entry", "SELECT body FROM audit ORDER BY seq", []),
            Some(s) => self.records(
                "audit entry",
                "SELECT a.body FROM audit_subjects x JOIN audit a ON a.seq = x.seq
                 WHERE x.subject = CAST(?1 AS BLOB) ORDER BY x.seq",
                [&s.as_bytes()[..]],
            ),
        }
    }

    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>> {
        self.record(
            "blob",
            "SELECT body FROM blobs WHERE kind = ?1 AND id = ?2",
            params![kind, &id.as_bytes()[..]],
        )
    }

    fn export(&self) -> Result<Snapshot> {
        let mut sequences = BTreeMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT name, value FROM sequences ORDER BY name")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (name, value) = row.map_err(|e| self.err(e))?;
                let value =
                    u64::try_from(value).map_err(|_| damaged_value(self.path, "sequence"))?;
                sequences.insert(name, value);
            }
        }
        let mut blobs = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT kind, id, body FROM blobs ORDER BY kind, id")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (kind, id, body) = row.map_err(|e| self.err(e))?;
                blobs.push((kind, self.uuid(&id)?, self.decode("blob", &body)?));
            }
        }
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            templates: self.records(
                "template",
                "SELECT body FROM templates ORDER BY id, version",
                [],
            )?,
            profiles: self.records("profile", "SELECT body FROM profiles ORDER BY id", [])?,
            cases: self.export_cases()?,
            links: self.records(
                "case link",
                "SELECT body FROM links ORDER BY case_id, profile_id",
                [],
            )?,
            contacts: self.records("contact", "SELECT body FROM contacts ORDER BY id", [])?,
            relations: self.records(
                "relation",
                "SELECT body FROM relations ORDER BY k1, k2",
                [],
            )?,
            sequences,
            audit: self.records("audit entry", "SELECT body FROM audit ORDER BY seq", [])?,
            blobs,
            definitions: self.all_definitions()?,
            sla_taken: self.all_taken()?,
        })
    }
}
