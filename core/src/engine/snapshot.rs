//! The whole store at once: exporting and importing snapshots, the audit
//! log, and the check of every invariant.

use super::key_rules::{KeyRulesState, KEY_RULES};
use super::Casebook;
use crate::error::{Error, Result};
use crate::integrity::{
    case_index_problem, profile_index_problem, record_problems, InvariantProblem, ProblemKind,
};
use crate::model::AuditEntry;
use crate::sla::SlaDue;
use crate::store::{Snapshot, Store, StoreExt, SNAPSHOT_FORMAT};
use serde_json::Value;
use uuid::Uuid;

impl Snapshot {
    /// Reads a snapshot from its JSON form. The format number is judged
    /// first, so a snapshot of another casebook version is refused with
    /// [`Error::IncompatibleVersion`] even when the rest would not parse.
    ///
    /// ```
    /// use casebook::{store::Snapshot, ErrorCode};
    /// let err = Snapshot::from_value(serde_json::json!({"format": 99, "profiles": "?"})).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::IncompatibleVersion);
    /// let err = Snapshot::from_value(serde_json::json!([1, 2])).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidInput);
    /// ```
    pub fn from_value(value: Value) -> Result<Snapshot> {
        let format = match value.get("format") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(_) => None,
            None if value.is_object() => {
                return Err(Error::InvalidInput(
                    "the snapshot has no `format` number".into(),
                ))
            }
            None => return Err(Error::InvalidInput("a snapshot is a JSON object".into())),
        };
        match format {
            Some(f) if f == u64::from(SNAPSHOT_FORMAT) => {}
            Some(f) => {
                return Err(Error::IncompatibleVersion(format!(
                    "the snapshot has format {f}, this casebook reads format {SNAPSHOT_FORMAT}"
                )))
            }
            None => {
                return Err(Error::InvalidInput(
                    "the snapshot's `format` must be a whole number".into(),
                ))
            }
        }
        serde_json::from_value(value).map_err(|e| Error::InvalidInput(format!("snapshot: {e}")))
    }
}

impl<S: Store> Casebook<S> {
    /// Every record (for backup, browser persistence and tests).
    pub fn export_snapshot(&self) -> Result<Snapshot> {
        self.store.read_with(|tx| tx.export())
    }

    /// Loads a snapshot into an empty store, in one transaction. What every
    /// record is indexed by is derived again from the records, and a
    /// snapshot keyed by other rules than this engine's (another default
    /// region, other e-mail domain rules, none recorded) has its profiles'
    /// contact keys derived again too; a snapshot
    /// whose records break an invariant (a dangling link, a half-done
    /// merge, a custom field value its template refuses) is refused with
    /// the problems named.
    pub fn import_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(Error::IncompatibleVersion(format!(
                "the snapshot has format {}, this casebook reads format {SNAPSHOT_FORMAT}",
                snapshot.format
            )));
        }
        refuse_inconsistent(&record_problems(snapshot))?;
        let imported = self.store.write_with(|tx| {
            let has_definitions =
                !tx.definitions("calendar")?.is_empty() || !tx.definitions("sla")?.is_empty();
            if tx.profile_count()? > 0
                || tx.case_count()? > 0
                || !tx.template_refs()?.is_empty()
                || has_definitions
            {
                return Err(Error::InvalidState(
                    "a snapshot can only be imported into an empty store".into(),
                ));
            }
            for t in &snapshot.templates {
                tx.put_template(t)?;
            }
            for d in &snapshot.definitions {
                tx.put_definition(d)?;
            }
            for key in &snapshot.sla_taken {
                tx.take_sla_due(key)?;
            }
            let target = self.key_rules_fingerprint(tx)?;
            let stale = KeyRulesState::of_blobs(&snapshot.blobs)
                .fingerprint
                .as_ref()
                != Some(&target);
            // Custom field values must be ones their templates accept.
            let ctx = self.context_at(self.now());
            refuse_inconsistent(&self.snapshot_field_problems(tx, snapshot, &ctx)?)?;
            // Keys made by the same rules must be the ones the values give:
            // a mismatch is a tampered record, refused by name.
            if !stale {
                let tampered: Vec<InvariantProblem> = snapshot
                    .profiles
                    .iter()
                    .flat_map(|p| self.contact_point_problems(p))
                    .collect();
                refuse_inconsistent(&tampered)?;
            }
            for p in &snapshot.profiles {
                let mut p = p.clone();
                if stale {
                    self.rederive_contact_keys(&mut p);
                }
                let index = self.profile_index_in(tx, &p)?;
                tx.put_profile(&p, index, None)?;
            }
            for c in &snapshot.cases {
                self.store_case(tx, c, None)?;
            }
            for l in &snapshot.links {
                tx.put_link(l)?;
            }
            for c in &snapshot.contacts {
                tx.put_contact(c)?;
            }
            for r in &snapshot.relations {
                tx.put_relation(r)?;
            }
            for (name, value) in &snapshot.sequences {
                tx.raise_sequence(name, *value)?;
            }
            for a in &snapshot.audit {
                tx.append_audit(a)?;
            }
            for (kind, id, value) in &snapshot.blobs {
                if kind != KEY_RULES {
                    tx.put_blob(kind, *id, value)?;
                }
            }
            // A snapshot from before the children index: built from its cases.
            for c in &snapshot.cases {
                self.reparent_in(tx, c.id, None, c.parent)?;
            }
            self.children_indexed_in(tx)?;
            KeyRulesState {
                fingerprint: Some(target),
                pass: None,
            }
            .write(tx)?;
            // Now that contacts are in, customer messages count too.
            for c in &snapshot.cases {
                self.refresh_derived(tx, c)?;
            }
            Ok(())
        });
        // The set read inside the transaction may describe loads that were
        // rolled back: read it again next time.
        self.forget_sla_set();
        imported
    }

    /// The audit log, about one record or all.
    pub fn audit_log(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        self.store.read_with(|tx| tx.audit(subject))
    }

    /// Checks every invariant, returning every problem found: no dangling
    /// link, association or relation; redirects lead to live profiles;
    /// unique customer IDs and case numbers; every record indexed by
    /// exactly what it should be found by; and the store's own checks
    /// ([`Store::self_check`]). Empty when all is well.
    pub fn check_invariants(&self) -> Result<Vec<InvariantProblem>> {
        let mut problems = self.store.read_with(|tx| {
            let snapshot = tx.export()?;
            let mut problems = record_problems(&snapshot);
            let slas = self.sla_set(tx)?;
            let ctx = self.context_at(self.now());
            problems.extend(self.snapshot_field_problems(tx, &snapshot, &ctx)?);
            for p in &snapshot.profiles {
                problems.extend(self.contact_point_problems(p));
                let stored = tx.profile_index(p.id)?;
                let derived = self.profile_index_in(tx, p)?;
                problems.extend(profile_index_problem(p, &derived, stored.as_ref()));
            }
            for c in &snapshot.cases {
                let stored = tx.case_index(c.id)?;
                let derived = self.case_index(tx, c)?;
                problems.extend(case_index_problem(&c.number, &derived, stored.as_ref()));
                let mut indexed = tx.sla_due_of_case(c.id)?;
                indexed.sort_by_key(SlaDue::key);
                if indexed != self.sla_due_rows(tx, &slas, c)? {
                    problems.push(InvariantProblem::new(
                        ProblemKind::StaleIndex,
                        &c.number,
                        format!("case {} has stale service-level crossings", c.number),
                    ));
                }
                if tx.task_rows_of_case(c.id)? != super::tasks::task_rows(c) {
                    problems.push(InvariantProblem::new(
                        ProblemKind::StaleIndex,
                        &c.number,
                        format!("case {} has stale task list rows", c.number),
                    ));
                }
                if tx.case_facts(c.id)? != Some(self.case_facts_in(tx, &slas, c)?) {
                    problems.push(InvariantProblem::new(
                        ProblemKind::StaleIndex,
                        &c.number,
                        format!("case {} has stale report facts", c.number),
                    ));
                }
            }
            Ok(problems)
        })?;
        problems.extend(
            self.store
                .self_check()?
                .into_iter()
                .map(InvariantProblem::store),
        );
        Ok(problems)
    }
}

/// Refuses a snapshot whose records have problems, naming each.
fn refuse_inconsistent(problems: &[InvariantProblem]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the snapshot is inconsistent: {}",
        problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    )))
}
