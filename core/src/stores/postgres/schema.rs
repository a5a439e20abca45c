//! The schema: its versions, the migrations that build and upgrade it, and
//! what an existing database is found to hold.
//!
//! Text that is compared or sorted uses the `C` collation, so ranges and
//! orders are code point orders, as in the other stores.

use super::codec::{pg_error, store_error};
use super::wire::Wire;
use crate::error::{Error, Result, StorageErrorKind};

/// The schema version this casebook writes. Opening an older database
/// upgrades it; a newer one is refused.
pub(crate) const SCHEMA_VERSION: u32 = 4;

/// Key of the advisory lock migrations run under, so servers starting at
/// once upgrade the database once ("casebook" in ASCII).
const MIGRATION_LOCK: i64 = 0x6361_7365_626f_6f6b;

/// Migration steps: `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
/// Released steps never change; a new version appends a step.
pub(super) const MIGRATIONS: &[&str] = &[
    // v1: records as JSON text beside the columns every lookup uses.
    // Instants are (seconds, nanoseconds), which sort as the instants do.
    r#"CREATE TABLE profiles (
        id uuid PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL UNIQUE,
        version bigint NOT NULL,
        body text NOT NULL
    );
    CREATE TABLE profile_keys (
        key text COLLATE "C" NOT NULL,
        profile_id uuid NOT NULL REFERENCES profiles (id),
        PRIMARY KEY (key, profile_id)
    );
    CREATE INDEX profile_keys_by_profile ON profile_keys (profile_id);
    CREATE TABLE profile_names (
        token text COLLATE "C" NOT NULL,
        profile_id uuid NOT NULL REFERENCES profiles (id),
        PRIMARY KEY (token, profile_id)
    );
    CREATE INDEX profile_names_by_profile ON profile_names (profile_id);
    CREATE TABLE cases (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        number text COLLATE "C" NOT NULL UNIQUE,
        version bigint NOT NULL,
        search_tokens text[] NOT NULL,
        search tsvector NOT NULL,
        body text NOT NULL
    );
    CREATE INDEX cases_search ON cases USING gin (search);
    CREATE TABLE links (
        case_id uuid NOT NULL,
        profile_id uuid NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (case_id, profile_id)
    );
    CREATE INDEX links_by_profile ON links (profile_id, case_id);
    CREATE TABLE contacts (
        id uuid PRIMARY KEY,
        profile_id uuid,
        started_s bigint NOT NULL,
        started_ns integer NOT NULL,
        body text NOT NULL
    );
    CREATE INDEX contacts_by_profile ON contacts (profile_id, started_s, started_ns, id);
    CREATE TABLE contact_cases (
        case_id uuid NOT NULL,
        started_s bigint NOT NULL,
        started_ns integer NOT NULL,
        contact_id uuid NOT NULL REFERENCES contacts (id),
        PRIMARY KEY (case_id, started_s, started_ns, contact_id)
    );
    CREATE INDEX contact_cases_by_contact ON contact_cases (contact_id);
    CREATE TABLE relations (
        k1 uuid NOT NULL,
        k2 uuid NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (k1, k2)
    );
    CREATE INDEX relations_by_k2 ON relations (k2, k1);
    CREATE TABLE templates (
        id text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (id, version)
    );
    CREATE TABLE sequences (
        name text COLLATE "C" PRIMARY KEY,
        value bigint NOT NULL
    );
    CREATE TABLE audit (
        seq bigserial PRIMARY KEY,
        body text NOT NULL
    );
    CREATE TABLE audit_subjects (
        subject uuid NOT NULL,
        seq bigint NOT NULL REFERENCES audit (seq),
        PRIMARY KEY (subject, seq)
    );
    CREATE TABLE blobs (
        kind text COLLATE "C" NOT NULL,
        id uuid NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE definitions (
        kind text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        loaded_s bigint NOT NULL,
        loaded_ns integer NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (kind, id, version)
    );
    CREATE TABLE sla_due (
        case_id uuid NOT NULL,
        slot text COLLATE "C" NOT NULL,
        started_s bigint NOT NULL,
        started_ns integer NOT NULL,
        threshold integer NOT NULL,
        due_s bigint NOT NULL,
        due_ns integer NOT NULL,
        sla text NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (case_id, slot, started_s, started_ns, threshold)
    );
    CREATE INDEX sla_due_by_time
        ON sla_due (due_s, due_ns, case_id, slot, started_s, started_ns, threshold);
    CREATE TABLE sla_taken (
        case_id uuid NOT NULL,
        slot text COLLATE "C" NOT NULL,
        started_s bigint NOT NULL,
        started_ns integer NOT NULL,
        threshold integer NOT NULL,
        PRIMARY KEY (case_id, slot, started_s, started_ns, threshold)
    );"#,
    // v2: what reports aggregate, one row per case (the engine fills it in
    // for the cases already stored when it next opens the database).
    r#"CREATE TABLE case_facts (
        case_id uuid PRIMARY KEY,
        created_s bigint NOT NULL,
        status text COLLATE "C" NOT NULL,
        open bigint NOT NULL,
        resolved bigint NOT NULL,
        support_group text COLLATE "C",
        assignee text COLLATE "C",
        channel text COLLATE "C",
        category text COLLATE "C",
        priority text COLLATE "C",
        campaign text COLLATE "C",
        response_s bigint,
        response_business_s bigint,
        resolution_s bigint,
        resolution_business_s bigint,
        resolutions bigint NOT NULL,
        reopens bigint NOT NULL,
        sla_met bigint NOT NULL,
        sla_breached bigint NOT NULL,
        feedback_sum bigint NOT NULL,
        feedback_count bigint NOT NULL
    );
    CREATE INDEX case_facts_by_created ON case_facts (created_s);"#,
    // v3: task lists, one row per listed task, by owner in list order.
    r#"CREATE TABLE task_rows (
        case_id uuid NOT NULL,
        task_id uuid NOT NULL,
        assignee text COLLATE "C",
        support_group text COLLATE "C",
        owner_kind bigint NOT NULL,
        owner text COLLATE "C" NOT NULL,
        due_s bigint NOT NULL,
        priority bigint NOT NULL,
        created_s bigint NOT NULL,
        visible_s bigint NOT NULL,
        PRIMARY KEY (case_id, task_id)
    );
    CREATE INDEX task_rows_by_owner
        ON task_rows (owner_kind, owner, due_s, priority, created_s, task_id, case_id);"#,
    // v4: work queues over the report facts: each group's backlog in the
    // order it is taken, and each agent's open cases by channel.
    r#"CREATE INDEX case_facts_backlog
        ON case_facts (support_group, priority, created_s, case_id)
        WHERE open = 1 AND assignee IS NULL;
    CREATE INDEX case_facts_open_by_assignee
        ON case_facts (assignee, channel) WHERE open = 1;"#,
];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// Tables of the first version: one of them without `casebook_schema`
/// means the database belongs to another application.
const OUR_TABLES: &[&str] = &[
    "profiles",
    "profile_keys",
    "profile_names",
    "cases",
    "links",
    "contacts",
    "relations",
    "templates",
    "sequences",
    "audit",
    "blobs",
];

/// What an existing database holds.
pub(super) enum Found {
    /// None of casebook's tables.
    Empty,
    /// A casebook schema at this version.
    Casebook(u32),
    /// Tables named like casebook's, but not casebook's.
    Foreign,
}

/// Looks at the database (its current schema) without writing to it.
pub(super) fn inspect(client: &mut Wire, target: &str) -> Result<Found> {
    let rows = client
        .query(
            "SELECT current_schema(),
                    to_regclass('casebook_schema') IS NOT NULL,
                    (SELECT count(*) FROM pg_catalog.pg_tables
                     WHERE schemaname = current_schema() AND tablename = ANY($1))",
            &[&OUR_TABLES],
        )
        .map_err(|e| pg_error(target, e))?;
    let Some(row) = rows.first() else {
        return Err(damaged(target));
    };
    let schema: Option<String> = row.get(0);
    if schema.is_none() {
        return Err(store_error(
            StorageErrorKind::Unavailable,
            format!("{target}: the search_path names no schema that exists"),
        ));
    }
    let ours: bool = row.get(1);
    let named_like_ours: i64 = row.get(2);
    if !ours {
        return Ok(if named_like_ours == 0 {
            Found::Empty
        } else {
            Found::Foreign
        });
    }
    let versions: Vec<i64> = client
        .query("SELECT version FROM casebook_schema", &[])
        .map_err(|e| pg_error(target, e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    match versions[..] {
        [v] => u32::try_from(v)
            .map(Found::Casebook)
            .map_err(|_| damaged(target)),
        _ => Err(damaged(target)),
    }
}

pub(super) fn damaged(target: &str) -> Error {
    store_error(
        StorageErrorKind::Corrupt,
        format!("{target} has a damaged casebook_schema table (it must hold exactly one version)"),
    )
}

pub(super) fn foreign(target: &str) -> Error {
    store_error(
        StorageErrorKind::Corrupt,
        format!(
            "{target} holds tables named like casebook's but is not a casebook store (no casebook_schema table); it was left untouched"
        ),
    )
}

pub(super) fn too_new(target: &str, found: u32, supported: u32) -> Error {
    Error::IncompatibleVersion(format!(
        "{target} has casebook schema version {found}, newer than version {supported} this casebook reads; open it with a newer casebook (the database was left untouched)"
    ))
}

/// Creates or upgrades the schema to `target_version` in one transaction,
/// under the advisory lock.
pub(super) fn migrate(client: &mut Wire, target: &str, target_version: u32) -> Result<()> {
    client.begin("BEGIN");
    let outcome = migrate_in(client, target, target_version)
        .and_then(|()| client.commit().map_err(|e| pg_error(target, e)));
    if outcome.is_err() {
        client.rollback();
    }
    outcome
}

fn migrate_in(tx: &mut Wire, target: &str, target_version: u32) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| pg_error(target, e))?;
    // Looked at again under the lock: another server may have created or
    // upgraded the schema meanwhile.
    let from = match inspect(tx, target)? {
        Found::Empty => {
            tx.batch_execute(
                "CREATE TABLE casebook_schema (version bigint NOT NULL);
                 INSERT INTO casebook_schema (version) VALUES (0);",
            )
            .map_err(|e| pg_error(target, e))?;
            0
        }
        Found::Foreign => return Err(foreign(target)),
        Found::Casebook(v) if v > target_version => return Err(too_new(target, v, target_version)),
        Found::Casebook(v) => v,
    };
    for (step, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target_version as usize)
        .skip(from as usize)
    {
        tx.batch_execute(sql).map_err(|e| {
            crate::error::StorageError::new(
                StorageErrorKind::Other,
                format!(
                    "{target}: upgrading to schema version {} failed: {e}",
                    step + 1
                ),
            )
            .with_source(e)
        })?;
    }
    if from < target_version {
        tx.execute(
            "UPDATE casebook_schema SET version = $1",
            &[&i64::from(target_version)],
        )
        .map_err(|e| pg_error(target, e))?;
    }
    Ok(())
}
