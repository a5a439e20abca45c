//! Reads: every lookup of the storage trait as SQL.

use super::codec::{Param, Tx};
use crate::error::Result;
use crate::model::{AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    read_one_by_one, CaseIndex, Looked, Lookup, ProfileIndex, ReadTx, Snapshot, StoredDefinition,
    SNAPSHOT_FORMAT,
};
use crate::stores::sql::{instant, limit, plain_token, prefix_successor};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio_postgres::Row;
use uuid::Uuid;

/// A full-text query matching every token exactly and the last one as a
/// prefix. Tokens are folded ASCII letters and digits (checked by the
/// caller), so quoting them makes each one lexeme, never query syntax.
fn text_query(exact: &[String], prefix: &str) -> String {
    let mut terms: Vec<String> = exact.iter().map(|t| format!("'{t}'")).collect();
    if !prefix.is_empty() {
        terms.push(format!("'{prefix}':*"));
    }
    terms.join(" & ")
}

/// `found` in the order of `ids` (a record asked for twice comes twice).
fn in_order_of<T: Clone>(ids: &[Uuid], found: Vec<T>, id_of: impl Fn(&T) -> Uuid) -> Vec<T> {
    let by_id: std::collections::HashMap<Uuid, T> =
        found.into_iter().map(|r| (id_of(&r), r)).collect();
    ids.iter().filter_map(|id| by_id.get(id).cloned()).collect()
}

const SEQUENCE: &str = "SELECT value FROM sequences WHERE name = $1";
const PROFILES_WITH_KEY: &str =
    "SELECT p.body FROM profile_keys k JOIN profiles p ON p.id = k.profile_id
     WHERE k.key = $1 ORDER BY p.id";
const LINKED_CASES: &str = "SELECT l.body, c.body FROM links l JOIN cases c ON c.id = l.case_id
     WHERE l.profile_id = $1 ORDER BY l.case_id";
const CONTACTS_OF_PROFILE: &str = "SELECT body FROM contacts
     WHERE profile_id = $1
       AND (started_s, started_ns) >= ($2, $3)
       AND (started_s, started_ns) < ($4, $5)
     ORDER BY started_s DESC, started_ns DESC, id DESC
     LIMIT $6";
/// Open ends of a contact range: no timestamp reaches i64::MAX seconds.
const SOLE_PROFILE_CASES: &str = "SELECT l.body, c.body FROM profile_keys k
     JOIN links l ON l.profile_id = k.profile_id JOIN cases c ON c.id = l.case_id
     WHERE k.key = $1
       AND NOT EXISTS (SELECT 1 FROM profile_keys o WHERE o.key = $1 AND o.profile_id <> k.profile_id)
     ORDER BY l.case_id";
const SOLE_PROFILE_CONTACTS: &str = "SELECT c.body FROM profile_keys k
     JOIN contacts c ON c.profile_id = k.profile_id
     WHERE k.key = $1
       AND NOT EXISTS (SELECT 1 FROM profile_keys o WHERE o.key = $1 AND o.profile_id <> k.profile_id)
     ORDER BY c.started_s DESC, c.started_ns DESC, c.id DESC
     LIMIT $2";
const EARLIEST: (i64, i32) = (i64::MIN, i32::MIN);
const LATEST: (i64, i32) = (i64::MAX, i32::MAX);

impl Tx<'_> {
    fn sequence_of(&self, rows: &[Row]) -> Result<u64> {
        let v: i64 = match rows.first() {
            Some(row) => self.get(row, 0)?,
            None => 0,
        };
        u64::try_from(v).map_err(|_| self.damaged_value("sequence"))
    }

    fn bodies_of<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        rows: &[Row],
    ) -> Result<Vec<T>> {
        rows.iter()
            .map(|row| self.decode(what, &self.get::<String>(row, 0)?))
            .collect()
    }

    /// A page of ids in id order, from after the cursor on: `first` reads
    /// the first page (`$1` the limit), `next` the pages after (`$1` the
    /// cursor, `$2` the limit). Static so their statements stay cached.
    fn ids_after(
        &self,
        (first, next): (&'static str, &'static str),
        after: Option<Uuid>,
        limit_to: usize,
    ) -> Result<Vec<Uuid>> {
        match after {
            Some(after) => self.column(next, &[&after, &limit(limit_to)]),
            None => self.column(first, &[&limit(limit_to)]),
        }
    }

    fn linked_of(&self, rows: &[Row]) -> Result<Vec<(CaseLink, Arc<Case>)>> {
        rows.iter()
            .map(|row| {
                let link: String = self.get(row, 0)?;
                let case: String = self.get(row, 1)?;
                Ok((
                    self.decode("case link", &link)?,
                    Arc::new(self.decode("case", &case)?),
                ))
            })
            .collect()
    }
}

impl ReadTx for Tx<'_> {
    /// Sent at once, in one round trip (one by one inside a write, whose
    /// reads lock what they read).
    fn read_many(&self, lookups: &[Lookup<'_>]) -> Result<Vec<Looked>> {
        if self.writing || lookups.len() < 2 {
            return read_one_by_one(self, lookups);
        }
        let limits: Vec<i64> = lookups
            .iter()
            .map(|l| match l {
                Lookup::LatestContacts { limit: n, .. }
                | Lookup::SoleProfileContacts { limit: n, .. } => limit(*n),
                _ => 0,
            })
            .collect();
        let queries: Vec<(&'static str, Vec<Param<'_>>)> = lookups
            .iter()
            .zip(&limits)
            .map(|(lookup, n)| -> (&'static str, Vec<Param<'_>>) {
                match lookup {
                    Lookup::Sequence(name) => (SEQUENCE, vec![name]),
                    Lookup::ProfilesWithKey(key) => (PROFILES_WITH_KEY, vec![key]),
                    Lookup::LinkedCases(profile) => (LINKED_CASES, vec![profile]),
                    Lookup::LatestContacts { profile, .. } => (
                        CONTACTS_OF_PROFILE,
                        vec![profile, &EARLIEST.0, &EARLIEST.1, &LATEST.0, &LATEST.1, n],
                    ),
                    Lookup::SoleProfileCases(key) => (SOLE_PROFILE_CASES, vec![key]),
                    Lookup::SoleProfileContacts { key, .. } => {
                        (SOLE_PROFILE_CONTACTS, vec![key, n])
                    }
                }
            })
            .collect();
        let answers = self.rows_many(&queries)?;
        lookups
            .iter()
            .zip(&answers)
            .map(|(lookup, rows)| match lookup {
                Lookup::Sequence(_) => self.sequence_of(rows).map(Looked::Sequence),
                Lookup::ProfilesWithKey(_) => self
                    .bodies_of("profile", rows)
                    .map(|p: Vec<Profile>| Looked::Profiles(p.into_iter().map(Arc::new).collect())),
                Lookup::LinkedCases(_) | Lookup::SoleProfileCases(_) => {
                    self.linked_of(rows).map(Looked::LinkedCases)
                }
                Lookup::LatestContacts { .. } | Lookup::SoleProfileContacts { .. } => self
                    .bodies_of("contact", rows)
                    .map(|c: Vec<Contact>| Looked::Contacts(c.into_iter().map(Arc::new).collect())),
            })
            .collect()
    }

    fn batches_reads(&self) -> bool {
        !self.writing
    }

    fn profile(&self, id: Uuid) -> Result<Option<Profile>> {
        if self.writing {
            return self.record(
                "profile",
                "SELECT body FROM profiles WHERE id = $1 FOR NO KEY UPDATE",
                &[&id],
            );
        }
        self.record("profile", "SELECT body FROM profiles WHERE id = $1", &[&id])
    }

    fn profiles(&self, ids: &[Uuid]) -> Result<Vec<Profile>> {
        let sql = if self.writing {
            "SELECT body FROM profiles WHERE id = ANY($1) FOR NO KEY UPDATE"
        } else {
            "SELECT body FROM profiles WHERE id = ANY($1)"
        };
        let found: Vec<Profile> = self.records("profile", sql, &[&ids])?;
        Ok(in_order_of(ids, found, |p| p.id))
    }

    fn profiles_with_key(&self, key: &str) -> Result<Vec<Profile>> {
        if self.writing {
            return self.records(
                "profile",
                "SELECT p.body FROM profile_keys k JOIN profiles p ON p.id = k.profile_id
                 WHERE k.key = $1 ORDER BY p.id FOR NO KEY UPDATE OF p",
                &[&key],
            );
        }
        self.records("profile", PROFILES_WITH_KEY, &[&key])
    }

    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>> {
        self.value(
            "SELECT id FROM profiles WHERE customer_id = $1",
            &[&customer_id],
        )
    }

    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>> {
        self.column(
            "SELECT profile_id FROM profile_keys WHERE key = $1 ORDER BY profile_id",
            &[&key],
        )
    }

    fn profiles_by_name_prefix(&self, prefix: &str, limit_to: usize) -> Result<Vec<Uuid>> {
        // A range over the token index (C collation: code point order).
        match prefix_successor(prefix) {
            Some(upper) => self.column(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= $1 AND token < $2 ORDER BY profile_id LIMIT $3",
                &[&prefix, &upper, &limit(limit_to)],
            ),
            None => self.column(
                "SELECT DISTINCT profile_id FROM profile_names
                 WHERE token >= $1 ORDER BY profile_id LIMIT $2",
                &[&prefix, &limit(limit_to)],
            ),
        }
    }

    fn profile_ids(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Uuid>> {
        self.ids_after(
            (
                "SELECT id FROM profiles ORDER BY id LIMIT $1",
                "SELECT id FROM profiles WHERE id > $1 ORDER BY id LIMIT $2",
            ),
            after,
            limit_to,
        )
    }

    fn profiles_page(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Profile>> {
        match after {
            Some(after) => self.records(
                "profile",
                "SELECT body FROM profiles WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &limit(limit_to)],
            ),
            None => self.records(
                "profile",
                "SELECT body FROM profiles ORDER BY id LIMIT $1",
                &[&limit(limit_to)],
            ),
        }
    }

    fn profile_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM profiles")
    }

    fn profile_index(&self, id: Uuid) -> Result<Option<ProfileIndex>> {
        let exists: Option<i32> = self.value("SELECT 1 FROM profiles WHERE id = $1", &[&id])?;
        if exists.is_none() {
            return Ok(None);
        }
        Ok(Some(ProfileIndex {
            keys: self.column(
                "SELECT key FROM profile_keys WHERE profile_id = $1 ORDER BY key",
                &[&id],
            )?,
            name_tokens: self.column(
                "SELECT token FROM profile_names WHERE profile_id = $1 ORDER BY token",
                &[&id],
            )?,
        }))
    }

    fn case(&self, id: Uuid) -> Result<Option<Case>> {
        if self.writing {
            return self.record(
                "case",
                "SELECT body FROM cases WHERE id = $1 FOR NO KEY UPDATE",
                &[&id],
            );
        }
        self.record("case", "SELECT body FROM cases WHERE id = $1", &[&id])
    }

    fn cases(&self, ids: &[Uuid]) -> Result<Vec<Case>> {
        let sql = if self.writing {
            "SELECT body FROM cases WHERE id = ANY($1) FOR NO KEY UPDATE"
        } else {
            "SELECT body FROM cases WHERE id = ANY($1)"
        };
        let found: Vec<Case> = self.records("case", sql, &[&ids])?;
        Ok(in_order_of(ids, found, |c| c.id))
    }

    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>> {
        self.value("SELECT id FROM cases WHERE number = $1", &[&number])
    }

    fn search_cases(&self, tokens: &[String], limit_to: usize) -> Result<Vec<Uuid>> {
        let Some((last, exact)) = tokens.split_last() else {
            return Ok(Vec::new());
        };
        // Stored tokens are folded ASCII alphanumerics: nothing else can match.
        if exact.iter().any(|t| t.is_empty() || !plain_token(t)) || !plain_token(last) {
            return Ok(Vec::new());
        }
        if exact.is_empty() && last.is_empty() {
            // An empty prefix matches every case with at least one token.
            return self.column(
                "SELECT id FROM cases WHERE cardinality(search_tokens) > 0
                 ORDER BY seq DESC LIMIT $1",
                &[&limit(limit_to)],
            );
        }
        self.column(
            "SELECT id FROM cases WHERE search @@ $1::text::tsquery ORDER BY seq DESC LIMIT $2",
            &[&text_query(exact, last), &limit(limit_to)],
        )
    }

    fn case_count(&self) -> Result<usize> {
        self.count("SELECT count(*) FROM cases")
    }

    fn case_ids(&self, after: Option<Uuid>, limit_to: usize) -> Result<Vec<Uuid>> {
        self.ids_after(
            (
                "SELECT id FROM cases ORDER BY id LIMIT $1",
                "SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
            ),
            after,
            limit_to,
        )
    }

    fn case_index(&self, id: Uuid) -> Result<Option<CaseIndex>> {
        let tokens: Option<Vec<String>> =
            self.value("SELECT search_tokens FROM cases WHERE id = $1", &[&id])?;
        Ok(tokens.map(|search_tokens| CaseIndex { search_tokens }))
    }

    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE case_id = $1 ORDER BY profile_id",
            &[&case],
        )
    }

    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>> {
        self.records(
            "case link",
            "SELECT body FROM links WHERE profile_id = $1 ORDER BY case_id",
            &[&profile],
        )
    }

    fn linked_cases(&self, profile: Uuid) -> Result<Vec<(CaseLink, Arc<Case>)>> {
        let rows = self.rows(LINKED_CASES, &[&profile])?;
        self.linked_of(&rows)
    }

    fn contact(&self, id: Uuid) -> Result<Option<Contact>> {
        self.record("contact", "SELECT body FROM contacts WHERE id = $1", &[&id])
    }

    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit_to: usize,
    ) -> Result<Vec<Contact>> {
        let (from_s, from_ns) = from.map_or(EARLIEST, instant);
        let (to_s, to_ns) = to.map_or(LATEST, instant);
        self.records(
            "contact",
            CONTACTS_OF_PROFILE,
            &[&profile, &from_s, &from_ns, &to_s, &to_ns, &limit(limit_to)],
        )
    }

    fn contact_ids_of_profile(&self, profile: Uuid) -> Result<Vec<Uuid>> {
        self.column("SELECT id FROM contacts WHERE profile_id = $1", &[&profile])
    }

    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>> {
        self.records(
            "contact",
            "SELECT c.body FROM contact_cases x JOIN contacts c ON c.id = x.contact_id
             WHERE x.case_id = $1
             ORDER BY x.started_s DESC, x.started_ns DESC, x.contact_id DESC",
            &[&case],
        )
    }

    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>> {
        self.records(
            "relation",
            "SELECT body FROM (
                 SELECT k2 AS other, body FROM relations WHERE k1 = $1
                 UNION ALL
                 SELECT k1 AS other, body FROM relations WHERE k2 = $1 AND k1 <> $1
             ) r ORDER BY other",
            &[&profile],
        )
    }

    fn template(&self, id: &str, version: u32) -> Result<Option<Template>> {
        self.record(
            "template",
            "SELECT body FROM templates WHERE id = $1 AND version = $2",
            &[&id, &i64::from(version)],
        )
    }

    fn latest_template_version(&self, id: &str) -> Result<Option<u32>> {
        if let Some(known) = self.template_versions.borrow().get(id) {
            return Ok(*known);
        }
        let v: Option<Option<i64>> =
            self.value("SELECT max(version) FROM templates WHERE id = $1", &[&id])?;
        let latest = v
            .flatten()
            .map(|v| u32::try_from(v).map_err(|_| self.damaged_value("template version")))
            .transpose()?;
        self.template_versions
            .borrow_mut()
            .insert(id.to_string(), latest);
        Ok(latest)
    }

    fn template_refs(&self) -> Result<Vec<TemplateRef>> {
        let rows = self.rows(
            "SELECT id, version FROM templates ORDER BY id, version",
            &[],
        )?;
        rows.iter()
            .map(|row| {
                let version: i64 = self.get(row, 1)?;
                Ok(TemplateRef {
                    id: self.get(row, 0)?,
                    version: u32::try_from(version)
                        .map_err(|_| self.damaged_value("template version"))?,
                })
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

    fn backlog(&self, group: &str, limit: usize) -> Result<Vec<Uuid>> {
        self.read_backlog(group, limit)
    }

    fn open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>> {
        self.read_open_load(assignee)
    }

    fn case_facts(&self, case: Uuid) -> Result<Option<crate::store::CaseFacts>> {
        self.read_case_facts(case)
    }

    fn case_kpis(&self, query: &crate::store::FactsQuery) -> Result<Vec<crate::store::FactsGroup>> {
        self.aggregate_facts(query)
    }

    fn sequence(&self, name: &str) -> Result<u64> {
        if let Some((value, _)) = self.sequences.borrow().get(name) {
            return Ok(*value);
        }
        let rows = self.rows(SEQUENCE, &[&name])?;
        self.sequence_of(&rows)
    }

    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        match subject {
            None => self.records("audit entry", "SELECT body FROM audit ORDER BY seq", &[]),
            Some(s) => self.records(
                "audit entry",
                "SELECT a.body FROM audit_subjects x JOIN audit a ON a.seq = x.seq
                 WHERE x.subject = $1 ORDER BY x.seq",
                &[&s],
            ),
        }
    }

    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>> {
        self.record(
            "blob",
            "SELECT body FROM blobs WHERE kind = $1 AND id = $2",
            &[&kind, &id],
        )
    }

    fn export(&self) -> Result<Snapshot> {
        let mut sequences = BTreeMap::new();
        for row in self.rows("SELECT name, value FROM sequences ORDER BY name", &[])? {
            let value: i64 = self.get(&row, 1)?;
            let value = u64::try_from(value).map_err(|_| self.damaged_value("sequence"))?;
            sequences.insert(self.get(&row, 0)?, value);
        }
        let mut blobs = Vec::new();
        for row in self.rows("SELECT kind, id, body FROM blobs ORDER BY kind, id", &[])? {
            let body: String = self.get(&row, 2)?;
            blobs.push((
                self.get(&row, 0)?,
                self.get(&row, 1)?,
                self.decode("blob", &body)?,
            ));
        }
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            templates: self.records(
                "template",
                "SELECT body FROM templates ORDER BY id, version",
                &[],
            )?,
            profiles: self.records("profile", "SELECT body FROM profiles ORDER BY id", &[])?,
            cases: self.records("case", "SELECT body FROM cases ORDER BY seq", &[])?,
            links: self.records(
                "case link",
                "SELECT body FROM links ORDER BY case_id, profile_id",
                &[],
            )?,
            contacts: self.records("contact", "SELECT body FROM contacts ORDER BY id", &[])?,
            relations: self.records(
                "relation",
                "SELECT body FROM relations ORDER BY k1, k2",
                &[],
            )?,
            sequences,
            audit: self.records("audit entry", "SELECT body FROM audit ORDER BY seq", &[])?,
            blobs,
            definitions: self.all_definitions()?,
            sla_taken: self.all_taken()?,
        })
    }
}
