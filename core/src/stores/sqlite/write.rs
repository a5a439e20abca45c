//! Writes: every change of the storage trait as SQL, and the write
//! transaction that commits them whole or not at all.

use super::codec::{instant, sql_error, store_error, Tx};
use super::pool::{BULK_CACHE_KIB, WRITER_CACHE_KIB};
use super::schema::{FTS_VERSION, TERMS_VERSION, VERSION_COLUMN_VERSION};
use super::turns::Writer;
use super::SqliteStore;
use crate::error::{Entity, Error, Result, StorageErrorKind};
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    check_key_holder, check_version, CaseFacts, CaseIndex, ProfileIndex, ReadTx, StoredDefinition,
    WriteTx,
};
use crate::template::Template;
use rusqlite::{params, Connection, OptionalExtension};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use uuid::Uuid;

/// Contacts re-associated per statement by [`WriteTx::move_contacts`].
const MOVE_BATCH: usize = 10_000;

/// A record version as SQLite stores it.
fn version_param(version: u64) -> Result<i64> {
    i64::try_from(version)
        .map_err(|_| Error::InvalidInput(format!("record version {version} is too large")))
}

/// Whether a statement failed on a uniqueness or key constraint.
fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}

impl Tx<'_> {
    /// The version of a stored record (`table` is `profiles` or `cases`).
    fn stored_version_of(&self, table: &str, id: &[u8]) -> Result<Option<u64>> {
        let sql = if self.schema >= VERSION_COLUMN_VERSION {
            format!("SELECT version FROM {table} WHERE id = ?1")
        } else {
            format!("SELECT json_extract(body, '$.version') FROM {table} WHERE id = ?1")
        };
        let v: Option<i64> = self.value(&sql, [id])?;
        Ok(v.map(|v| v.unsigned_abs()))
    }

    /// Compare-and-set failure: the stored record is not at the expected version.
    fn conflict(&self, entity: Entity, table: &str, id: &[u8], key: &str, expected: u64) -> Error {
        match self.stored_version_of(table, id) {
            Ok(actual) => Error::Conflict {
                entity,
                id: key.to_string(),
                expected,
                actual: actual.unwrap_or(0),
            },
            Err(e) => e,
        }
    }

    fn write_profile_row(
        &self,
        profile: &Profile,
        body: &str,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let id = &profile.id.as_bytes()[..];
        let version = version_param(profile.version)?;
        let versioned = self.schema >= VERSION_COLUMN_VERSION;
        match expected_version {
            None => {
                let inserted = if versioned {
                    self.conn
                        .prepare_cached(
                            "INSERT INTO profiles (id, customer_id, version, body) VALUES (?1, ?2, ?3, ?4)",
                        )
                        .and_then(|mut s| s.execute(params![id, profile.customer_id, version, body]))
                } else {
                    self.conn
                        .prepare_cached(
                            "INSERT INTO profiles (id, customer_id, body) VALUES (?1, ?2, ?3)",
                        )
                        .and_then(|mut s| s.execute(params![id, profile.customer_id, body]))
                };
                match inserted {
                    Err(e) if is_constraint(&e) => Err(Error::AlreadyExists {
                        entity: Entity::Profile,
                        id: profile.customer_id.clone(),
                    }),
                    other => other.map(drop).map_err(|e| self.err(e)),
                }
            }
            Some(expected) => {
                let expected_param = version_param(expected)?;
                let changed = if versioned {
                    self.exec(
                        "UPDATE profiles SET customer_id = ?2, version = ?3, body = ?4
                         WHERE id = ?1 AND version = ?5",
                        params![id, profile.customer_id, version, body, expected_param],
                    )?
                } else {
                    self.exec(
                        "UPDATE profiles SET customer_id = ?2, body = ?3
                         WHERE id = ?1 AND json_extract(body, '$.version') = ?4",
                        params![id, profile.customer_id, body, expected_param],
                    )?
                };
                if changed == 0 {
                    return Err(self.conflict(
                        Entity::Profile,
                        "profiles",
                        id,
                        &profile.customer_id,
                        expected,
                    ));
                }
                Ok(())
            }
        }
    }
}

impl WriteTx for Tx<'_> {
    fn put_profile(
        &mut self,
        profile: &Profile,
        index: ProfileIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let holder = self.profile_id_by_customer_id(&profile.customer_id)?;
        check_key_holder(Entity::Profile, &profile.customer_id, holder, profile.id)?;
        let id = &profile.id.as_bytes()[..];
        self.write_profile_row(profile, &self.encode(profile)?, expected_version)?;
        self.exec("DELETE FROM profile_keys WHERE profile_id = ?1", [id])?;
        for key in &index.keys {
            self.exec(
                "INSERT OR IGNORE INTO profile_keys (key, profile_id) VALUES (?1, ?2)",
                params![key, id],
            )?;
        }
        self.exec("DELETE FROM profile_names WHERE profile_id = ?1", [id])?;
        for token in &index.name_tokens {
            self.exec(
                "INSERT OR IGNORE INTO profile_names (token, profile_id) VALUES (?1, ?2)",
                params![token, id],
            )?;
        }
        Ok(())
    }

    fn put_case(
        &mut self,
        case: &Case,
        index: CaseIndex,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let holder = self.case_id_by_number(&case.number)?;
        check_key_holder(Entity::Case, &case.number, holder, case.id)?;
        let id = &case.id.as_bytes()[..];
        let versioned = self.schema >= VERSION_COLUMN_VERSION;
        let sql = if versioned {
            "SELECT seq, search_tokens, version FROM cases WHERE id = ?1"
        } else {
            "SELECT seq, search_tokens, json_extract(body, '$.version') FROM cases WHERE id = ?1"
        };
        let existing: Option<(i64, String, i64)> = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut s| {
                s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(|e| self.err(e))?;
        let stored = existing.as_ref().map(|(_, _, v)| v.unsigned_abs());
        check_version(Entity::Case, &case.number, stored, expected_version)?;
        if self.schema >= TERMS_VERSION {
            for token in &index.search_tokens {
                self.exec(
                    "INSERT OR IGNORE INTO case_terms (term) VALUES (?1)",
                    [token],
                )?;
            }
        }
        let tokens = index.search_tokens.join(" ");
        let body = self.encode(case)?;
        let version = version_param(case.version)?;
        let fts = self.schema >= FTS_VERSION;
        match existing {
            Some((seq, old_tokens, _)) => {
                let reindex = fts && old_tokens != tokens;
                // An external-content index forgets a row by its old text.
                if reindex {
                    self.exec(
                        "INSERT INTO case_search (case_search, rowid, search_tokens)
                         VALUES ('delete', ?1, ?2)",
                        params![seq, old_tokens],
                    )?;
                }
                if versioned {
                    self.exec(
                        "UPDATE cases SET number = ?2, search_tokens = ?3, body = ?4, version = ?5 WHERE seq = ?1",
                        params![seq, case.number, tokens, body, version],
                    )?;
                } else {
                    self.exec(
                        "UPDATE cases SET number = ?2, search_tokens = ?3, body = ?4 WHERE seq = ?1",
                        params![seq, case.number, tokens, body],
                    )?;
                }
                if reindex {
                    self.exec(
                        "INSERT INTO case_search (rowid, search_tokens) VALUES (?1, ?2)",
                        params![seq, tokens],
                    )?;
                }
            }
            None => {
                if versioned {
                    self.exec(
                        "INSERT INTO cases (id, number, search_tokens, body, version) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, case.number, tokens, body, version],
                    )?;
                } else {
                    self.exec(
                        "INSERT INTO cases (id, number, search_tokens, body) VALUES (?1, ?2, ?3, ?4)",
                        params![id, case.number, tokens, body],
                    )?;
                }
                if fts {
                    let seq = self.conn.last_insert_rowid();
                    self.exec(
                        "INSERT INTO case_search (rowid, search_tokens) VALUES (?1, ?2)",
                        params![seq, tokens],
                    )?;
                }
            }
        }
        Ok(())
    }

    fn put_link(&mut self, link: &CaseLink) -> Result<()> {
        self.exec(
            "INSERT INTO links (case_id, profile_id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (case_id, profile_id) DO UPDATE SET body = excluded.body",
            params![
                &link.case_id.as_bytes()[..],
                &link.profile_id.as_bytes()[..],
                self.encode(link)?
            ],
        )?;
        Ok(())
    }

    fn delete_link(&mut self, case: Uuid, profile: Uuid) -> Result<bool> {
        let n = self.exec(
            "DELETE FROM links WHERE case_id = ?1 AND profile_id = ?2",
            [&case.as_bytes()[..], &profile.as_bytes()[..]],
        )?;
        Ok(n > 0)
    }

    fn put_contact(&mut self, contact: &Contact) -> Result<()> {
        let id = &contact.id.as_bytes()[..];
        let (s, ns) = instant(contact.started_at);
        self.exec(
            "INSERT INTO contacts (id, profile_id, started_s, started_ns, body)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id,
                 started_s = excluded.started_s, started_ns = excluded.started_ns,
                 body = excluded.body",
            params![
                id,
                contact.profile_id.map(|p| p.as_bytes().to_vec()),
                s,
                ns,
                self.encode(contact)?
            ],
        )?;
        self.exec("DELETE FROM contact_cases WHERE contact_id = ?1", [id])?;
        for case in &contact.case_ids {
            self.exec(
                "INSERT OR IGNORE INTO contact_cases (case_id, started_s, started_ns, contact_id)
                 VALUES (?1, ?2, ?3, ?4)",
                params![&case.as_bytes()[..], s, ns, id],
            )?;
        }
        Ok(())
    }

    fn move_contacts(&mut self, ids: &[Uuid], from: Uuid, to: Uuid) -> Result<usize> {
        // One statement per batch: the ids travel as a JSON array of hex
        // strings, each row's body takes the new profile in place.
        let mut moved = 0;
        for batch in ids.chunks(MOVE_BATCH) {
            let hex: Vec<String> = batch.iter().map(|id| id.simple().to_string()).collect();
            moved += self.exec(
                "UPDATE contacts SET profile_id = ?2, body = json_set(body, '$.profile_id', ?3)
                 WHERE profile_id = CAST(?1 AS BLOB)
                   AND id IN (SELECT unhex(value) FROM json_each(?4))",
                params![
                    &from.as_bytes()[..],
                    &to.as_bytes()[..],
                    to.hyphenated().to_string(),
                    serde_json::to_string(&hex)?
                ],
            )?;
        }
        Ok(moved)
    }

    fn put_relation(&mut self, relation: &Relation) -> Result<()> {
        let (k1, k2) = relation.key();
        self.exec(
            "INSERT INTO relations (k1, k2, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (k1, k2) DO UPDATE SET body = excluded.body",
            params![
                &k1.as_bytes()[..],
                &k2.as_bytes()[..],
                self.encode(relation)?
            ],
        )?;
        Ok(())
    }

    fn delete_relation(&mut self, a: Uuid, b: Uuid) -> Result<bool> {
        let (k1, k2) = relation_key(a, b);
        let n = self.exec(
            "DELETE FROM relations WHERE k1 = ?1 AND k2 = ?2",
            [&k1.as_bytes()[..], &k2.as_bytes()[..]],
        )?;
        Ok(n > 0)
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        if self.template(&template.id, template.version)?.is_some() {
            return Err(Error::AlreadyExists {
                entity: Entity::Template,
                id: format!("{} v{}", template.id, template.version),
            });
        }
        self.exec(
            "INSERT INTO templates (id, version, body) VALUES (?1, ?2, ?3)",
            params![template.id, template.version, self.encode(template)?],
        )?;
        Ok(())
    }

    fn put_definition(&mut self, definition: &StoredDefinition) -> Result<()> {
        self.insert_definition(definition)
    }

    fn put_case_facts(&mut self, facts: &CaseFacts) -> Result<()> {
        self.write_case_facts(facts)
    }

    fn put_task_rows(&mut self, case: Uuid, rows: &[crate::store::TaskRow]) -> Result<()> {
        self.replace_task_rows(case, rows)
    }

    fn put_sla_due(&mut self, case: Uuid, due: &[SlaDue]) -> Result<()> {
        self.replace_due(case, due)
    }

    fn take_sla_due(&mut self, key: &SlaDueKey) -> Result<bool> {
        self.take_due(key)
    }

    fn next_sequence(&mut self, name: &str) -> Result<u64> {
        let next = i64::try_from(self.sequence(name)?)
            .ok()
            .and_then(|n| n.checked_add(1))
            .ok_or_else(|| {
                store_error(
                    StorageErrorKind::Other,
                    format!("sequence `{name}` is exhausted"),
                )
            })?;
        self.exec(
            "INSERT INTO sequences (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, next],
        )?;
        Ok(next.unsigned_abs())
    }

    fn raise_sequence(&mut self, name: &str, value: u64) -> Result<()> {
        if self.sequence(name)? < value {
            let value = i64::try_from(value).map_err(|_| {
                Error::InvalidInput(format!("sequence `{name}` value {value} is too large"))
            })?;
            self.exec(
                "INSERT INTO sequences (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )?;
        }
        Ok(())
    }

    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.exec(
            "INSERT INTO audit (body) VALUES (?1)",
            [self.encode(entry)?],
        )?;
        let seq = self.conn.last_insert_rowid();
        for subject in &entry.subjects {
            self.exec(
                "INSERT OR IGNORE INTO audit_subjects (subject, seq) VALUES (?1, ?2)",
                params![&subject.as_bytes()[..], seq],
            )?;
        }
        Ok(())
    }

    fn put_blob(&mut self, kind: &str, id: Uuid, value: &serde_json::Value) -> Result<()> {
        self.exec(
            "INSERT INTO blobs (kind, id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            params![kind, &id.as_bytes()[..], self.encode(value)?],
        )?;
        Ok(())
    }
}

impl SqliteStore {
    /// Runs `f` in a write transaction on the writer connection (a bulk one
    /// with a larger page cache).
    pub(super) fn write_tx(
        &self,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
        bulk: bool,
    ) -> Result<()> {
        let writer = self.writer()?;
        let conn = &writer.conn;
        if !conn.is_autocommit() {
            // Left open by an earlier failure: nothing in it was committed.
            let _ = conn.execute_batch("ROLLBACK");
        }
        let set_cache = |kib: i64| {
            conn.pragma_update(None, "cache_size", -kib)
                .map_err(|e| sql_error(&self.path, e))
        };
        if bulk {
            set_cache(BULK_CACHE_KIB)?;
        }
        let outcome = self.run_write(&writer, f);
        if bulk {
            let restored = set_cache(WRITER_CACHE_KIB);
            if let Ok(Ok(())) = &outcome {
                restored?;
            }
        }
        match outcome {
            Ok(result) => result,
            Err(panic) => {
                // Released before unwinding on, so the lock is not poisoned.
                drop(writer);
                resume_unwind(panic)
            }
        }
    }

    /// One write transaction on the writer connection: committed if `f`
    /// succeeds, rolled back otherwise (the panic, if `f` panicked).
    fn run_write(
        &self,
        writer: &Writer<'_>,
        f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
    ) -> std::thread::Result<Result<()>> {
        if let Err(e) = writer.begin() {
            return Ok(Err(e));
        }
        let conn: &Connection = &writer.conn;
        let mut tx = Tx {
            conn,
            path: &self.path,
            schema: self.schema,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            tx.check_schema()?;
            f(&mut tx)
        }));
        let rollback = || {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(conn.execute_batch("COMMIT").map_err(|e| {
                rollback();
                sql_error(&self.path, e)
            })),
            Ok(Err(e)) => {
                rollback();
                Ok(Err(e))
            }
            Err(panic) => {
                rollback();
                Err(panic)
            }
        }
    }
}
