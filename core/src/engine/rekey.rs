//! Re-keying: when the rules that derive profile keys change (the key
//! rules version in code, the configured default region, phone
//! equivalences or e-mail domain rules, the identifying phone fields of a
//! template), every stored profile's contact keys and index keys are
//! derived again and rewritten, and the store records the rules' fingerprint.
//!
//! A pass runs in batches, one write transaction each. Each batch reads the
//! recorded state inside its transaction and continues from the pass's
//! cursor, so engines opening the same store at once share one pass instead
//! of repeating it. A re-key is bookkeeping, not an edit: a profile keeps
//! its version, `updated_at` and `updated_by` (an agent editing it meanwhile
//! is not refused), and the log gets one `rekey` entry per pass that
//! rewrote something.

use super::key_rules::{KeyRulesState, Pass};
use super::Casebook;
use crate::error::Result;
use crate::model::{AuditEntry, Profile};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use serde_json::json;

/// Profiles per re-keying transaction.
const BATCH: usize = 500;

/// What one re-keying batch found.
enum Step {
    /// The keys follow the rules (perhaps another engine's pass finished them).
    Current,
    /// This batch finished the pass, which rewrote that many profiles.
    Done(u64),
    /// More profiles to go.
    More,
}

/// Who the audit log names for a re-key.
const REKEY_ACTOR: &str = "casebook";

/// A pass limited to one template's profiles: valid only while every other
/// key follows `before`, the fingerprint of the rules before the template changed.
pub(super) struct TemplateScope {
    pub(super) id: String,
    pub(super) before: String,
}

impl<S: Store> Casebook<S> {
    /// Derives every profile's keys again if the rules changed since they
    /// were stored (or were never recorded), and records the rules; the
    /// number of profiles rewritten. Opening an engine does this already;
    /// a host calls it only after changing the store behind the engine's back.
    pub fn rekey(&self) -> Result<u64> {
        self.rekey_scoped(None)
    }

    /// What opening an engine runs: a read to see whether the keys are
    /// current, and a pass only when they are not. A store opened read-only
    /// serves its keys as stored; the next read-write open re-keys it.
    pub(super) fn rekey_on_open(&self) -> Result<()> {
        if !self.store.writable() {
            return Ok(());
        }
        let current = self.store.read_with(|tx| {
            Ok(KeyRulesState::read(tx)?.fingerprint == Some(self.key_rules_fingerprint(tx)?))
        })?;
        if !current {
            self.rekey_scoped(None)?;
        }
        Ok(())
    }

    /// Runs batches until the store's keys follow the current rules.
    pub(super) fn rekey_scoped(&self, scope: Option<&TemplateScope>) -> Result<u64> {
        loop {
            let now = self.now();
            let step = self.write_bulk(|tx, ids| {
                let Some(mut pass) = self.pass_in(tx, scope)? else {
                    return Ok(Step::Current);
                };
                let page = tx.profiles_page(pass.after, BATCH)?;
                for profile in &page {
                    let in_scope = pass
                        .template
                        .as_ref()
                        .is_none_or(|id| profile.template.as_ref().is_some_and(|t| &t.id == id));
                    if in_scope && self.rekey_profile(tx, profile.clone())? {
                        pass.rekeyed += 1;
                    }
                }
                pass.after = page.last().map(|p| p.id);
                let mut state = KeyRulesState::read(tx)?;
                if page.len() < BATCH {
                    if pass.rekeyed > 0 {
                        tx.append_audit(&AuditEntry {
                            id: ids.next(),
                            at: now,
                            actor: REKEY_ACTOR.into(),
                            action: "rekey".into(),
                            subjects: Vec::new(),
                            details: json!({
                                "profiles": pass.rekeyed,
                                "from": state.fingerprint,
                                "to": pass.target,
                                "template": pass.template,
                            }),
                        })?;
                    }
                    state.fingerprint = Some(pass.target.clone());
                    state.pass = None;
                    state.write(tx)?;
                    return Ok(Step::Done(pass.rekeyed));
                }
                state.pass = Some(pass);
                state.write(tx)?;
                Ok(Step::More)
            })?;
            match step {
                Step::Current => return Ok(0),
                Step::Done(rekeyed) => return Ok(rekeyed),
                Step::More => continue,
            }
        }
    }

    /// Records the current rules in place of `before` when nothing stored
    /// depends on the difference (a new template no profile uses yet).
    pub(super) fn advance_key_rules(&self, tx: &mut dyn WriteTx, before: &str) -> Result<()> {
        let mut state = KeyRulesState::read(tx)?;
        if state.fingerprint.as_deref() == Some(before) && state.pass.is_none() {
            state.fingerprint = Some(self.key_rules_fingerprint(tx)?);
            state.write(tx)?;
        }
        Ok(())
    }

    /// The pass a batch continues, read inside its transaction; `None`
    /// when the stored keys follow the current rules.
    fn pass_in(&self, tx: &dyn ReadTx, scope: Option<&TemplateScope>) -> Result<Option<Pass>> {
        let target = self.key_rules_fingerprint(tx)?;
        let state = KeyRulesState::read(tx)?;
        if state.fingerprint.as_deref() == Some(target.as_str()) {
            return Ok(None);
        }
        if let Some(pass) = state.pass.filter(|p| p.target == target) {
            return Ok(Some(pass));
        }
        // A narrower pass only if everything else follows the rules before the change.
        let template = scope
            .filter(|s| state.fingerprint.as_deref() == Some(s.before.as_str()))
            .map(|s| s.id.clone());
        Ok(Some(Pass {
            target,
            template,
            after: None,
            rekeyed: 0,
        }))
    }

    /// Rewrites one profile if its keys or index changed under the current
    /// rules, keeping its version; whether it was rewritten.
    fn rekey_profile(&self, tx: &mut dyn WriteTx, mut profile: Profile) -> Result<bool> {
        let points_changed = self.rederive_contact_keys(&mut profile);
        let index = self.profile_index_in(tx, &profile)?;
        if !points_changed && tx.profile_index(profile.id)?.as_ref() == Some(&index) {
            return Ok(false);
        }
        let version = profile.version;
        tx.put_profile(&profile, index, Some(version))?;
        Ok(true)
    }
}
