//! The schema: its versions, the migrations that build and upgrade it, and
//! what an existing file is found to hold.

use super::codec::{sql_error, store_error};
use crate::error::{Error, Result, StorageErrorKind};
use rusqlite::Connection;
use std::path::Path;

/// The schema version this casebook writes. Opening an older file upgrades
/// it; a newer one is refused.
///
/// ```
/// assert!(casebook::SqliteStore::SCHEMA_VERSION >= 6);
/// ```
pub(crate) const SCHEMA_VERSION: u32 = 9;

/// First schema version with the FTS5 case search index.
pub(super) const FTS_VERSION: u32 = 2;

/// First schema version with the list of search terms (prefix expansion).
pub(super) const TERMS_VERSION: u32 = 4;

/// First schema version with the record versions in their own column, for
/// compare-and-set writes.
pub(super) const VERSION_COLUMN_VERSION: u32 = 5;

/// First schema version with rule definitions and service-level crossings.
pub(super) const SLA_VERSION: u32 = 6;

/// First schema version with the report facts of every case.
pub(super) const FACTS_VERSION: u32 = 7;

/// First schema version with the task rows of task lists.
pub(super) const TASKS_VERSION: u32 = 8;

/// Migration steps: `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
/// Released steps never change; a new version appends a step.
pub(super) const MIGRATIONS: &[&str] = &[
    // v1: records and their lookup indexes. Tables holding JSON bodies (about
    // a kilobyte each) are rowid tables: in a WITHOUT ROWID table such rows
    // spill into overflow pages and take several times their size.
    "CREATE TABLE profiles (
        id BLOB PRIMARY KEY NOT NULL,
        customer_id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL
    );
    CREATE TABLE profile_keys (
        key TEXT NOT NULL,
        profile_id BLOB NOT NULL REFERENCES profiles(id),
        PRIMARY KEY (key, profile_id)
    ) WITHOUT ROWID;
    CREATE TABLE profile_names (
        token TEXT NOT NULL,
        profile_id BLOB NOT NULL REFERENCES profiles(id),
        PRIMARY KEY (token, profile_id)
    ) WITHOUT ROWID;
    CREATE TABLE cases (
        seq INTEGER PRIMARY KEY,
        id BLOB NOT NULL UNIQUE,
        number TEXT NOT NULL UNIQUE,
        search_tokens TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE links (
        case_id BLOB NOT NULL,
        profile_id BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (case_id, profile_id)
    ) WITHOUT ROWID;
    CREATE INDEX links_by_profile ON links (profile_id, case_id);
    CREATE TABLE contacts (
        id BLOB PRIMARY KEY NOT NULL,
        profile_id BLOB,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX contacts_by_profile ON contacts (profile_id, started_s, started_ns, id);
    CREATE TABLE contact_cases (
        case_id BLOB NOT NULL,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        contact_id BLOB NOT NULL REFERENCES contacts(id),
        PRIMARY KEY (case_id, started_s, started_ns, contact_id)
    ) WITHOUT ROWID;
    CREATE TABLE relations (
        k1 BLOB NOT NULL,
        k2 BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (k1, k2)
    ) WITHOUT ROWID;
    CREATE INDEX relations_by_k2 ON relations (k2, k1);
    CREATE TABLE templates (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (id, version)
    );
    CREATE TABLE sequences (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        body TEXT NOT NULL
    );
    CREATE TABLE audit_subjects (
        subject BLOB NOT NULL,
        seq INTEGER NOT NULL REFERENCES audit(seq),
        PRIMARY KEY (subject, seq)
    ) WITHOUT ROWID;
    CREATE TABLE blobs (
        kind TEXT NOT NULL,
        id BLOB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );",
    // v2: case keyword search on FTS5 over the stored search tokens.
    "CREATE VIRTUAL TABLE case_search USING fts5 (
        search_tokens, content = 'cases', content_rowid = 'seq',
        tokenize = 'ascii', detail = 'none'
    );
    INSERT INTO case_search (case_search) VALUES ('rebuild');",
    // v3: replacing a profile or contact finds its index rows without a scan.
    "CREATE INDEX profile_keys_by_profile ON profile_keys (profile_id);
    CREATE INDEX profile_names_by_profile ON profile_names (profile_id);
    CREATE INDEX contact_cases_by_contact ON contact_cases (contact_id);",
    // v4: every search term ever indexed, so a prefix is expanded to terms
    // by a range scan: FTS5 merges whole doclists for a prefix query, which
    // costs time in proportion to the store.
    "CREATE TABLE case_terms (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
    CREATE VIRTUAL TABLE temp.case_search_vocab USING fts5vocab(main, 'case_search', 'row');
    INSERT OR IGNORE INTO case_terms (term) SELECT term FROM temp.case_search_vocab;
    DROP TABLE temp.case_search_vocab;",
    // v5: record versions beside the bodies, so a write can compare and set
    // them in one statement (`UPDATE ... WHERE id = ? AND version = ?`).
    "ALTER TABLE profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    UPDATE profiles SET version = json_extract(body, '$.version');
    ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    UPDATE cases SET version = json_extract(body, '$.version');",
    // v6: calendar and service-level definition versions, the crossings due
    // (found by due time, soonest first) and the crossings already taken.
    // Instants are (seconds, nanoseconds), which sort as the instants do.
    "CREATE TABLE definitions (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        loaded_s INTEGER NOT NULL,
        loaded_ns INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, id, version)
    );
    CREATE TABLE sla_due (
        case_id BLOB NOT NULL,
        slot TEXT NOT NULL,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        threshold INTEGER NOT NULL,
        due_s INTEGER NOT NULL,
        due_ns INTEGER NOT NULL,
        sla TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (case_id, slot, started_s, started_ns, threshold)
    ) WITHOUT ROWID;
    CREATE INDEX sla_due_by_time
        ON sla_due (due_s, due_ns, case_id, slot, started_s, started_ns, threshold);
    CREATE TABLE sla_taken (
        case_id BLOB NOT NULL,
        slot TEXT NOT NULL,
        started_s INTEGER NOT NULL,
        started_ns INTEGER NOT NULL,
        threshold INTEGER NOT NULL,
        PRIMARY KEY (case_id, slot, started_s, started_ns, threshold)
    ) WITHOUT ROWID;",
    // v7: what reports aggregate, one row per case. The engine fills it in
    // for the cases already stored when it next opens the file (an engine
    // that opened the older file marked none indexed: the mark goes).
    "CREATE TABLE case_facts (
        case_id BLOB PRIMARY KEY NOT NULL,
        created_s INTEGER NOT NULL,
        status TEXT NOT NULL,
        open INTEGER NOT NULL,
        resolved INTEGER NOT NULL,
        support_group TEXT,
        assignee TEXT,
        channel TEXT,
        category TEXT,
        priority TEXT,
        campaign TEXT,
        response_s INTEGER,
        response_business_s INTEGER,
        resolution_s INTEGER,
        resolution_business_s INTEGER,
        resolutions INTEGER NOT NULL,
        reopens INTEGER NOT NULL,
        sla_met INTEGER NOT NULL,
        sla_breached INTEGER NOT NULL,
        feedback_sum INTEGER NOT NULL,
        feedback_count INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX case_facts_by_created ON case_facts (created_s);
    DELETE FROM sequences WHERE name = 'case_facts_version';",
    // v8: task lists, one row per listed task, by owner in list order
    // (older files hold no tasks: nothing to fill in).
    "CREATE TABLE task_rows (
        case_id BLOB NOT NULL,
        task_id BLOB NOT NULL,
        assignee TEXT,
        support_group TEXT,
        owner_kind INTEGER NOT NULL,
        owner TEXT NOT NULL,
        due_s INTEGER NOT NULL,
        priority INTEGER NOT NULL,
        created_s INTEGER NOT NULL,
        visible_s INTEGER NOT NULL,
        PRIMARY KEY (case_id, task_id)
    ) WITHOUT ROWID;
    CREATE INDEX task_rows_by_owner
        ON task_rows (owner_kind, owner, due_s, priority, created_s, task_id, case_id);",
    // v9: work queues over the report facts: each group's backlog in the
    // order it is taken, and each agent's open cases by channel.
    "CREATE INDEX case_facts_backlog
        ON case_facts (support_group, priority, created_s, case_id)
        WHERE open = 1 AND assignee IS NULL;
    CREATE INDEX case_facts_open_by_assignee
        ON case_facts (assignee, channel) WHERE open = 1;",
];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// What an existing file holds.
pub(super) enum Found {
    /// No tables yet (new or empty file).
    Empty,
    /// A casebook schema at this version.
    Casebook(u32),
    /// Tables, but not casebook's.
    Foreign,
}

/// Looks at a file without writing to it.
pub(super) fn inspect(conn: &Connection, path: &Path) -> Result<Found> {
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| sql_error(path, e))?;
    if objects == 0 {
        return Ok(Found::Empty);
    }
    let ours: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'casebook_schema'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sql_error(path, e))?;
    if ours == 0 {
        return Ok(Found::Foreign);
    }
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM casebook_schema")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| sql_error(path, e))?;
    match versions[..] {
        [v] => u32::try_from(v)
            .map(Found::Casebook)
            .map_err(|_| damaged(path)),
        _ => Err(damaged(path)),
    }
}

pub(super) fn damaged(path: &Path) -> Error {
    store_error(
        StorageErrorKind::Corrupt,
        format!(
            "{} has a damaged casebook_schema table (it must hold exactly one version)",
            path.display()
        ),
    )
}

pub(super) fn foreign(path: &Path) -> Error {
    store_error(
        StorageErrorKind::Corrupt,
        format!(
            "{} is a SQLite database but not a casebook store (no casebook_schema table); it was left untouched",
            path.display()
        ),
    )
}

pub(super) fn too_new(path: &Path, found: u32, supported: u32) -> Error {
    Error::IncompatibleVersion(format!(
        "{} has casebook schema version {found}, newer than version {supported} this casebook reads; open it with a newer casebook (the file was left untouched)",
        path.display()
    ))
}

/// Creates or upgrades the schema to `target` in one transaction.
pub(super) fn migrate(conn: &Connection, path: &Path, target: u32) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| sql_error(path, e))?;
    let upgrade = || -> Result<()> {
        // Looked at again under the write lock: another process may have
        // created or upgraded the file meanwhile.
        let from = match inspect(conn, path)? {
            Found::Empty => {
                conn.execute_batch(
                    "CREATE TABLE casebook_schema (version INTEGER NOT NULL);
                     INSERT INTO casebook_schema (version) VALUES (0);",
                )
                .map_err(|e| sql_error(path, e))?;
                0
            }
            Found::Foreign => return Err(foreign(path)),
            Found::Casebook(v) if v > target => return Err(too_new(path, v, target)),
            Found::Casebook(v) => v,
        };
        for (step, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(target as usize)
            .skip(from as usize)
        {
            conn.execute_batch(sql).map_err(|e| {
                crate::error::StorageError::new(
                    StorageErrorKind::Other,
                    format!(
                        "{}: upgrading to schema version {} failed: {e}",
                        path.display(),
                        step + 1
                    ),
                )
                .with_source(e)
            })?;
        }
        if from < target {
            conn.execute("UPDATE casebook_schema SET version = ?1", [target])
                .map_err(|e| sql_error(path, e))?;
        }
        Ok(())
    };
    match upgrade() {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| sql_error(path, e)),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
