//! SQLite test helpers: stores in fresh temporary directories.

use casebook::store::Store;
use casebook::store::{ReadTx, WriteTx};
use casebook::{Casebook, Result, SqliteStore};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;
use uuid::Uuid;

/// A [`SqliteStore`] in its own temporary directory, removed on drop.
pub struct TempSqlite {
    // Declared first so it closes before the directory goes.
    store: SqliteStore,
    dir: TempDir,
}

impl TempSqlite {
    /// A new, empty store in a fresh temporary directory.
    pub fn new() -> TempSqlite {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(dir.path().join("casebook.db")).expect("new SQLite store");
        TempSqlite { store, dir }
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }
}

impl Default for TempSqlite {
    fn default() -> Self {
        TempSqlite::new()
    }
}

impl Store for TempSqlite {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.store.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.store.write(f)
    }

    // Forwarded, so the suite runs the store's own bulk writes and checks.
    fn write_bulk(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.store.write_bulk(f)
    }

    fn self_check(&self) -> Result<Vec<String>> {
        self.store.self_check()
    }
}

/// What the `sqlite_child` binary reported committing, checked against a
/// store: every problem found (empty when everything reported is there).
/// Merged-away profiles are followed through their tombstones.
pub fn reported_problems<S: Store>(cb: &Casebook<S>, lines: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for line in lines {
        if let Err(problem) = check_line(cb, line) {
            problems.push(format!("`{line}`: {problem}"));
        }
    }
    problems
}

fn check_line<S: Store>(cb: &Casebook<S>, line: &str) -> std::result::Result<(), String> {
    let id = |text: &str| Uuid::parse_str(text).map_err(|e| e.to_string());
    let live = |customer_id: &str| {
        cb.profile(customer_id)
            .map(|p| p.id)
            .map_err(|e| e.to_string())
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    match words[..] {
        ["profile", customer_id, profile_id] => {
            let stored = cb
                .profile(casebook::Ref::Stored(id(profile_id)?))
                .map_err(|e| e.to_string())?;
            if stored.customer_id != customer_id {
                return Err(format!("stored with customer ID {}", stored.customer_id));
            }
            live(customer_id).map(|_| ())
        }
        ["case", number, case_id, linked] => {
            let case = cb.case(number).map_err(|e| e.to_string())?;
            if case.id != id(case_id)? {
                return Err(format!("case number now names case {}", case.id));
            }
            let links = cb.case_links(number).map_err(|e| e.to_string())?;
            let mut holders = Vec::new();
            for link in &links {
                holders.push(live(&link.profile_id.to_string())?);
            }
            for customer_id in linked.split(',') {
                if !holders.contains(&live(customer_id)?) {
                    return Err(format!("{customer_id} is no longer linked"));
                }
            }
            Ok(())
        }
        ["contact", contact_id, customer_id] => {
            let contact = cb.contact(id(contact_id)?).map_err(|e| e.to_string())?;
            let holder = contact.profile_id.ok_or("the contact lost its profile")?;
            if live(&holder.to_string())? != live(customer_id)? {
                return Err("the contact moved to another customer".into());
            }
            Ok(())
        }
        ["merge", merge_id, survivor, merged] => {
            cb.merge_record(id(merge_id)?).map_err(|e| e.to_string())?;
            if live(survivor)? != live(merged)? {
                return Err("the merged profile does not lead to the survivor".into());
            }
            Ok(())
        }
        _ => Err("unknown line".into()),
    }
}

/// The outbox of a store checked against its records and against what the
/// `sqlite_child` binary reported committing: events numbered 1, 2, 3, ...
/// without gaps; one creation event per profile and case, one per contact
/// logged and one per merge, each about a record that is there (written in
/// the same transaction as the record); an event for every reported commit.
pub fn outbox_problems<S: Store>(cb: &Casebook<S>, lines: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut events = Vec::new();
    loop {
        let cursor = events.last().map_or(0, |e: &casebook::Event| e.seq);
        match cb.events_after(cursor, 1_000) {
            Ok(page) if page.is_empty() => break,
            Ok(page) => events.extend(page),
            Err(e) => {
                problems.push(format!("reading events after {cursor}: {e}"));
                return problems;
            }
        }
    }
    for (at, event) in events.iter().enumerate() {
        if event.seq != at as u64 + 1 {
            problems.push(format!("event {} where {} belongs", event.seq, at + 1));
        }
    }
    let of = |kind: casebook::EventKind| -> std::collections::HashSet<String> {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| match kind {
                casebook::EventKind::ProfileMerged => e.payload["merge_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                _ => e.subject.id.to_string(),
            })
            .collect()
    };
    let profiles = of(casebook::EventKind::ProfileCreated);
    let cases = of(casebook::EventKind::CaseCreated);
    let contacts = of(casebook::EventKind::ContactLogged);
    let merges = of(casebook::EventKind::ProfileMerged);
    let snapshot = match cb.export_snapshot() {
        Ok(s) => s,
        Err(e) => return vec![format!("export: {e}")],
    };
    let merge_records: std::collections::HashSet<String> = match cb.audit_log(None) {
        Ok(log) => log
            .iter()
            .filter(|e| e.action == "merge")
            .filter_map(|e| e.details["merge_id"].as_str().map(str::to_string))
            .collect(),
        Err(e) => return vec![format!("audit: {e}")],
    };
    let stored =
        |ids: Vec<String>| -> std::collections::HashSet<String> { ids.into_iter().collect() };
    for (what, events, records) in [
        (
            "profile.created",
            &profiles,
            stored(snapshot.profiles.iter().map(|p| p.id.to_string()).collect()),
        ),
        (
            "case.created",
            &cases,
            stored(snapshot.cases.iter().map(|c| c.id.to_string()).collect()),
        ),
        (
            "contact.logged",
            &contacts,
            stored(snapshot.contacts.iter().map(|c| c.id.to_string()).collect()),
        ),
        ("profile.merged", &merges, merge_records),
    ] {
        for missing in records.difference(events) {
            problems.push(format!("{missing} was committed without its {what} event"));
        }
        for orphan in events.difference(&records) {
            problems.push(format!(
                "a {what} event names {orphan}, which was not committed"
            ));
        }
    }
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (set, id) = match words[..] {
            ["profile", _, id] => (&profiles, id),
            ["case", _, id, _] => (&cases, id),
            ["contact", id, _] => (&contacts, id),
            ["merge", id, _, _] => (&merges, id),
            _ => continue,
        };
        if !set.contains(id) {
            problems.push(format!("`{line}` was reported committed but has no event"));
        }
    }
    problems
}

/// Profiles, cases, contacts and merges in a store: the records the
/// `sqlite_child` binary reports, one line each.
pub fn record_count<S: Store>(cb: &Casebook<S>) -> Result<usize> {
    let merges = cb
        .audit_log(None)?
        .iter()
        .filter(|e| e.action == "merge")
        .count();
    let snapshot = cb.export_snapshot()?;
    Ok(snapshot.profiles.len() + snapshot.cases.len() + snapshot.contacts.len() + merges)
}

/// Runs `sqlite_child` (path given by the caller, from `CARGO_BIN_EXE_sqlite_child`).
pub fn child(binary: &str, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The complete lines of a child's output (a line cut short by a kill is dropped).
pub fn complete_lines(output: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(output);
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    complete
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Waits for a child to finish and returns its complete output lines;
/// fails the test if it failed.
pub fn finish(process: std::process::Child) -> Vec<String> {
    let output = process.wait_with_output().expect("child reaped");
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    complete_lines(&output.stdout)
}

/// Kills the child and returns its complete output lines; fails the test if
/// it had stopped on its own (an error in the child).
pub fn kill(mut process: std::process::Child) -> Vec<String> {
    use std::io::Read;
    let _ = process.kill();
    let status = process.wait().expect("child reaped");
    let mut out = Vec::new();
    let mut err = String::new();
    if let Some(mut stdout) = process.stdout.take() {
        stdout.read_to_end(&mut out).expect("child output");
    }
    if let Some(mut stderr) = process.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    assert!(
        status.code().is_none(),
        "the child stopped on its own ({status}): {err}"
    );
    complete_lines(&out)
}
