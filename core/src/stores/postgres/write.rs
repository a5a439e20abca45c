//! Writes: every change of the storage trait as SQL. Inserts that may meet
//! an existing key use `ON CONFLICT`, never a caught unique violation: in
//! PostgreSQL a failed statement aborts the whole transaction.

use super::codec::{bigint, store_error, Tx};
use crate::error::{Entity, Error, Result, StorageErrorKind};
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    check_key_holder, check_version, CaseIndex, ProfileIndex, ReadTx, StoredDefinition, WriteTx,
};
use crate::stores::sql::instant;
use crate::template::Template;
use uuid::Uuid;

/// Longest lexeme PostgreSQL's `tsvector` holds, in bytes.
const MAX_LEXEME_BYTES: usize = 2046;

/// The lexemes of a case's search vector: its tokens, without empty ones
/// and without any too long for a `tsvector` (such a word stays in the
/// stored tokens but cannot be searched for).
fn lexemes(tokens: &[String]) -> Vec<&str> {
    tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty() && t.len() <= MAX_LEXEME_BYTES)
        .collect()
}

impl Tx<'_> {
    /// Compare-and-set failure: the stored record is not at the expected version.
    fn conflict(
        &self,
        entity: Entity,
        stored: Result<Option<i64>>,
        key: &str,
        expected: u64,
    ) -> Error {
        match stored {
            Ok(actual) => Error::Conflict {
                entity,
                id: key.to_string(),
                expected,
                actual: actual.map_or(0, i64::unsigned_abs),
            },
            Err(e) => e,
        }
    }

    /// A new profile with its index entries, in one statement (in a bulk
    /// write, gathered into a multi-row insert).
    fn insert_profile(&self, profile: &Profile, index: &ProfileIndex) -> Result<()> {
        if self.bulk {
            return self.gather_new_profile(profile, index);
        }
        let inserted: i64 = self
            .value(
                "WITH p AS (
                     INSERT INTO profiles (id, customer_id, version, body) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING RETURNING id),
                 k AS (
                     INSERT INTO profile_keys (key, profile_id)
                     SELECT DISTINCT unnest($5::text[]), p.id FROM p ON CONFLICT DO NOTHING),
                 n AS (
                     INSERT INTO profile_names (token, profile_id)
                     SELECT DISTINCT unnest($6::text[]), p.id FROM p ON CONFLICT DO NOTHING)
                 SELECT count(*) FROM p",
                &[
                    &profile.id,
                    &profile.customer_id,
                    &bigint(profile.version, "record version")?,
                    &self.encode(profile)?,
                    &index.keys,
                    &index.name_tokens,
                ],
            )?
            .unwrap_or(0);
        if inserted == 0 {
            // Its id or its customer ID is taken.
            return Err(Error::AlreadyExists {
                entity: Entity::Profile,
                id: profile.customer_id.clone(),
            });
        }
        Ok(())
    }

    /// A profile replaced at the version it was read at, and its index
    /// entries brought in line (only those that changed), in one statement.
    fn replace_profile(
        &self,
        profile: &Profile,
        index: &ProfileIndex,
        expected: u64,
    ) -> Result<()> {
        let holder = self.profile_id_by_customer_id(&profile.customer_id)?;
        check_key_holder(Entity::Profile, &profile.customer_id, holder, profile.id)?;
        let changed: i64 = self
            .value(
                "WITH u AS (
                     UPDATE profiles SET customer_id = $2, version = $3, body = $4
                     WHERE id = $1 AND version = $5 RETURNING id),
                 dk AS (
                     DELETE FROM profile_keys
                     WHERE profile_id IN (SELECT id FROM u) AND key <> ALL($6::text[])),
                 ik AS (
                     INSERT INTO profile_keys (key, profile_id)
                     SELECT DISTINCT unnest($6::text[]), u.id FROM u ON CONFLICT DO NOTHING),
                 dn AS (
                     DELETE FROM profile_names
                     WHERE profile_id IN (SELECT id FROM u) AND token <> ALL($7::text[])),
                 iname AS (
                     INSERT INTO profile_names (token, profile_id)
                     SELECT DISTINCT unnest($7::text[]), u.id FROM u ON CONFLICT DO NOTHING)
                 SELECT count(*) FROM u",
                &[
                    &profile.id,
                    &profile.customer_id,
                    &bigint(profile.version, "record version")?,
                    &self.encode(profile)?,
                    &bigint(expected, "record version")?,
                    &index.keys,
                    &index.name_tokens,
                ],
            )?
            .unwrap_or(0);
        if changed == 0 {
            let stored = self.value("SELECT version FROM profiles WHERE id = $1", &[&profile.id]);
            return Err(self.conflict(Entity::Profile, stored, &profile.customer_id, expected));
        }
        Ok(())
    }

    /// Writes the sequence values this transaction counted to, sent
    /// without waiting (the commit right after waits for them).
    pub(super) fn write_counted_sequences(&mut self) -> Result<()> {
        let counted: Vec<(String, i64)> = self
            .sequences
            .get_mut()
            .iter_mut()
            .filter(|(_, (_, unwritten))| *unwritten)
            .map(|(name, (value, unwritten))| {
                *unwritten = false;
                Ok((name.clone(), bigint(*value, "sequence value")?))
            })
            .collect::<Result<_>>()?;
        for (name, value) in counted {
            self.exec_deferred(
                "UPDATE sequences SET value = $2 WHERE name = $1",
                vec![Box::new(name), Box::new(value)],
            )?;
        }
        Ok(())
    }

    fn set_sequence(&self, name: &str, value: i64) -> Result<()> {
        self.exec(
            "INSERT INTO sequences (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &[&name, &value],
        )?;
        Ok(())
    }
}

impl WriteTx for Tx<'_> {
    fn put_profile(
        &mut self,
        profile: &Profile,
        index: ProfileIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        match expected_version {
            None => self.insert_profile(profile, &index),
            Some(expected) => self.replace_profile(profile, &index, expected),
        }
    }

    fn put_case(
        &mut self,
        case: &Case,
        index: CaseIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let body = self.encode(case)?;
        let version = bigint(case.version, "record version")?;
        let lexemes = lexemes(&index.search_tokens);
        let Some(expected) = expected_version else {
            // Its id or its number is taken when nothing was inserted.
            let inserted = self.exec(
                "INSERT INTO cases (id, number, version, search_tokens, search, body)
                 VALUES ($1, $2, $3, $4, array_to_tsvector($5::text[]), $6)
                 ON CONFLICT DO NOTHING",
                &[
                    &case.id,
                    &case.number,
                    &version,
                    &index.search_tokens,
                    &lexemes,
                    &body,
                ],
            )?;
            if inserted == 0 {
                return Err(Error::AlreadyExists {
                    entity: Entity::Case,
                    id: case.number.clone(),
                });
            }
            return Ok(());
        };
        let holder = self.case_id_by_number(&case.number)?;
        check_key_holder(Entity::Case, &case.number, holder, case.id)?;
        let changed = self.exec(
            "UPDATE cases SET number = $2, version = $3, search_tokens = $4,
                 search = array_to_tsvector($5::text[]), body = $6
             WHERE id = $1 AND version = $7",
            &[
                &case.id,
                &case.number,
                &version,
                &index.search_tokens,
                &lexemes,
                &body,
                &bigint(expected, "record version")?,
            ],
        )?;
        if changed == 0 {
            let stored: Option<i64> =
                self.value("SELECT version FROM cases WHERE id = $1", &[&case.id])?;
            check_version(
                Entity::Case,
                &case.number,
                stored.map(i64::unsigned_abs),
                Some(expected),
            )?;
            return Err(self.conflict(Entity::Case, Ok(stored), &case.number, expected));
        }
        Ok(())
    }

    fn put_link(&mut self, link: &CaseLink) -> Result<()> {
        self.exec(
            "INSERT INTO links (case_id, profile_id, body) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, profile_id) DO UPDATE SET body = excluded.body",
            &[&link.case_id, &link.profile_id, &self.encode(link)?],
        )?;
        Ok(())
    }

    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool> {
        let n = self.exec(
            "DELETE FROM links WHERE case_id = $1 AND profile_id = $2",
            &[&case, &profile],
        )?;
        Ok(n > 0)
    }

    fn put_contact(&mut self, contact: &Contact) -> Result<()> {
        let (s, ns) = instant(contact.started_at);
        // The row and its case entries in one statement: entries of other
        // cases or of another start time go, the others stay.
        self.exec(
            "WITH c AS (
                 INSERT INTO contacts (id, profile_id, started_s, started_ns, body)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id,
                     started_s = excluded.started_s, started_ns = excluded.started_ns,
                     body = excluded.body
                 RETURNING id),
             d AS (
                 DELETE FROM contact_cases WHERE contact_id = $1
                 AND (case_id <> ALL($6::uuid[]) OR started_s <> $3 OR started_ns <> $4)),
             i AS (
                 INSERT INTO contact_cases (case_id, started_s, started_ns, contact_id)
                 SELECT DISTINCT unnest($6::uuid[]), $3::bigint, $4::integer, c.id FROM c
                 ON CONFLICT DO NOTHING)
             SELECT 1",
            &[
                &contact.id,
                &contact.profile_id,
                &s,
                &ns,
                &self.encode(contact)?,
                &contact.case_ids,
            ],
        )?;
        Ok(())
    }

    fn move_contacts(&mut self, ids: &[Uuid], from: Uuid, to: Uuid) -> Result<usize> {
        // One statement: the body takes the new profile in place.
        let moved = self.exec(
            "UPDATE contacts SET profile_id = $2,
                 body = jsonb_set(body::jsonb, '{profile_id}', to_jsonb($3::text))::text
             WHERE profile_id = $1 AND id = ANY($4::uuid[])",
            &[&from, &to, &to.hyphenated().to_string(), &ids],
        )?;
        Ok(usize::try_from(moved).unwrap_or(usize::MAX))
    }

    fn put_relation(&mut self, relation: &Relation) -> Result<()> {
        let (k1, k2) = relation.key();
        self.exec(
            "INSERT INTO relations (k1, k2, body) VALUES ($1, $2, $3)
             ON CONFLICT (k1, k2) DO UPDATE SET body = excluded.body",
            &[&k1, &k2, &self.encode(relation)?],
        )?;
        Ok(())
    }

    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool> {
        let (k1, k2) = relation_key(a, b);
        let n = self.exec(
            "DELETE FROM relations WHERE k1 = $1 AND k2 = $2",
            &[&k1, &k2],
        )?;
        Ok(n > 0)
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        self.template_versions.get_mut().clear();
        let inserted = self.exec(
            "INSERT INTO templates (id, version, body) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[
                &template.id,
                &i64::from(template.version),
                &self.encode(template)?,
            ],
        )?;
        if inserted == 0 {
            return Err(Error::AlreadyExists {
                entity: Entity::Template,
                id: format!("{} v{}", template.id, template.version),
            });
        }
        Ok(())
    }

    fn put_definition(&mut self, definition: &StoredDefinition) -> Result<()> {
        self.insert_definition(definition)
    }

    fn put_task_rows(&mut self, case: Uuid, rows: &[crate::store::TaskRow]) -> Result<()> {
        self.replace_task_rows(case, rows)
    }

    fn put_case_facts(&mut self, facts: &crate::store::CaseFacts) -> Result<()> {
        self.write_case_facts(facts)
    }

    fn put_sla_due(&mut self, case: Uuid, due: &[SlaDue]) -> Result<()> {
        self.replace_due(case, due)
    }

    fn take_sla_due(&mut self, key: &SlaDueKey) -> Result<bool> {
        self.take_due(key)
    }

    fn next_sequence(&mut self, name: &str) -> Result<u64> {
        if let Some((value, unwritten)) = self.sequences.get_mut().get_mut(name) {
            // The row is locked since the first step: count on here.
            *value += 1;
            *unwritten = true;
            return Ok(*value);
        }
        let next: i64 = self
            .value(
                "INSERT INTO sequences (name, value) VALUES ($1, 1)
                 ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
                 RETURNING value",
                &[&name],
            )?
            .ok_or_else(|| Error::Internal("a sequence update returned no row".into()))?;
        let next = u64::try_from(next).map_err(|_| {
            store_error(
                StorageErrorKind::Corrupt,
                format!("{}: sequence `{name}` holds {next}", self.target),
            )
        })?;
        self.sequences
            .get_mut()
            .insert(name.to_string(), (next, false));
        Ok(next)
    }

    fn raise_sequence(&mut self, name: &str, value: u64) -> Result<()> {
        if self.sequence(name)? < value {
            let value = i64::try_from(value).map_err(|_| {
                Error::InvalidInput(format!("sequence `{name}` value {value} is too large"))
            })?;
            self.set_sequence(name, value)?;
            if let Some(known) = self.sequences.get_mut().get_mut(name) {
                *known = (u64::try_from(value).unwrap_or(0), false);
            }
        }
        Ok(())
    }

    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.exec(
            "WITH a AS (INSERT INTO audit (body) VALUES ($1) RETURNING seq)
             INSERT INTO audit_subjects (subject, seq)
             SELECT DISTINCT unnest($2::uuid[]), a.seq FROM a ON CONFLICT DO NOTHING",
            &[&self.encode(entry)?, &entry.subjects],
        )?;
        Ok(())
    }

    fn put_blob(&mut self, kind: &str, id: Uuid, value: &serde_json::Value) -> Result<()> {
        self.exec(
            "INSERT INTO blobs (kind, id, body) VALUES ($1, $2, $3)
             ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            &[&kind, &id, &self.encode(value)?],
        )?;
        Ok(())
    }
}
