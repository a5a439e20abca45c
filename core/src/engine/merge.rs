//! Merge preview, merge and unmerge of two profiles: the engine reads what
//! hangs on both profiles, lets identity compute the merge, and writes it
//! with its journal and audit entry in one transaction.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::identity::{
    plan_merge, MergeOutcome, MergePlan, MergePreview, MergeRecord, MergeSides, MergeStatus,
    MergeWork, MERGE_JOURNAL,
};
use crate::model::{AuditEntry, CaseLink, EventKind, Profile};
use crate::store::{ReadTx, Store, StoreExt};
use jiff::Timestamp;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

fn load_record(tx: &dyn ReadTx, merge_id: Uuid) -> Result<MergeRecord> {
    let mut value = tx
        .blob(MERGE_JOURNAL, merge_id)?
        .ok_or_else(|| Error::not_found(Entity::Merge, merge_id))?;
    upgrade_journal(&mut value);
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("merge journal {merge_id} is unreadable: {e}")))
}

/// Journals written before contacts moved by reference kept each moved
/// contact whole, before and after: their ids are all an unmerge needs.
fn upgrade_journal(value: &mut Value) {
    let Some(record) = value.as_object_mut() else {
        return;
    };
    let before = record.remove("contacts_before");
    record.remove("contacts_after");
    if let (Some(Value::Array(before)), false) = (before, record.contains_key("contacts_moved")) {
        let ids = before.iter().filter_map(|c| c.get("id").cloned()).collect();
        record.insert("contacts_moved".into(), Value::Array(ids));
    }
}

impl<S: Store> Casebook<S> {
    /// Reads both profiles of a plan and what hangs on them, and computes the merge.
    fn merge_work(
        &self,
        tx: &dyn ReadTx,
        plan: &MergePlan,
        by: &str,
        now: Timestamp,
    ) -> Result<MergeWork> {
        let survivor = self.resolve_profile(tx, Ref::Key(&plan.survivor))?;
        let merged = self.resolve_profile(tx, Ref::Key(&plan.merged))?;
        let template = match &survivor.template {
            Some(t) => Some(self.template_in(tx, &t.id, Some(t.version))?),
            None => None,
        };
        let ctx = self.context_at(now);
        let (plan_related, survivor_id, merged_id) = (plan.related, survivor.id, merged.id);
        let sides = MergeSides {
            survivor_links: tx.links_of_profile(survivor_id)?,
            merged_cases: tx.linked_cases(merged_id)?,
            // Sorted so the journal reads the same on every store.
            merged_contacts: {
                let mut ids = tx.contact_ids_of_profile(merged_id)?;
                ids.sort_unstable();
                ids
            },
            survivor_relations: if plan_related {
                tx.relations_of(survivor_id)?
            } else {
                Vec::new()
            },
            merged_relations: if plan_related {
                tx.relations_of(merged_id)?
            } else {
                Vec::new()
            },
            survivor,
            merged,
            template: template.as_deref(),
            ctx: &ctx,
        };
        plan_merge(sides, plan, by, now)
    }

    /// Exactly what a merge would move and what conflicts, without changing anything.
    pub fn merge_preview(&self, plan: &MergePlan) -> Result<MergePreview> {
        let now = self.now();
        self.store
            .read_with(|tx| self.merge_work(tx, plan, "preview", now))
            .map(|w| w.preview)
    }

    /// Merges two profiles in one transaction: the survivor takes what the
    /// plan says, contact history moves, the other profile becomes a tombstone
    /// redirecting to the survivor, a journal makes it reversible and an audit
    /// entry records it.
    pub fn merge(&self, actor: &Actor, plan: &MergePlan) -> Result<MergeOutcome> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let work = self.merge_work(tx, plan, by, now)?;
            if !work.preview.problems.is_empty() {
                return Err(Error::validation(work.preview.problems.clone()));
            }
            let survivor = work.preview.result.clone();
            self.save_profile(tx, &survivor, Some(work.preview.survivor.version))?;
            self.save_profile(tx, &work.tombstone, Some(work.preview.merged.version))?;
            for link in &work.links_before {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &work.links_after {
                tx.put_link(link)?;
            }
            let (survivor_id, merged_id) = (survivor.id, work.tombstone.id);
            let moved = tx.move_contacts(&work.contacts_moved, merged_id, survivor_id)?;
            if moved != work.contacts_moved.len() {
                return Err(Error::Internal(format!(
                    "{} of the {} contacts of {} did not move",
                    work.contacts_moved.len() - moved,
                    work.contacts_moved.len(),
                    work.tombstone.customer_id
                )));
            }
            for (a, b) in &work.relations_delete {
                tx.delete_relation(*a, *b)?;
            }
            for relation in &work.relations_after {
                tx.put_relation(relation)?;
            }
            let record = MergeRecord {
                id: ids.next(),
                status: MergeStatus::Merged,
                merged_by: by.to_string(),
                merged_at: now,
                plan: plan.clone(),
                survivor_before: work.preview.survivor.clone(),
                survivor_after: survivor.clone(),
                merged_before: work.preview.merged.clone(),
                tombstone_after: work.tombstone.clone(),
                links_before: work.links_before,
                links_after: work.links_after,
                contacts_moved: work.contacts_moved,
                relations_before: work.relations_before,
                relations_after: work.relations_after,
                unmerged_by: None,
                unmerged_at: None,
            };
            tx.put_blob(MERGE_JOURNAL, record.id, &serde_json::to_value(&record)?)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "merge".into(),
                subjects: vec![survivor.id, work.tombstone.id],
                details: serde_json::json!({
                    "merge_id": record.id,
                    "survivor": survivor.customer_id,
                    "merged": work.tombstone.customer_id,
                    "contact_points_moved": work.preview.contact_points_moved.len(),
                    "cases_moved": work.preview.cases_moved.len() + work.preview.cases_linked_to_both.len(),
                    "contacts_moved": work.preview.contacts_moved,
                }),
            })?;
            self.emit_merge_event(
                tx,
                EventKind::ProfileMerged,
                &survivor,
                &work.tombstone,
                record.id,
                by,
                now,
            )?;
            Ok(MergeOutcome {
                merge_id: record.id,
                survivor,
                tombstone: work.tombstone,
            })
        })
    }

    /// The journal of a merge.
    pub fn merge_record(&self, merge_id: Uuid) -> Result<MergeRecord> {
        self.store.read_with(|tx| load_record(tx, merge_id))
    }

    /// Undoes a merge: restores the merged-away profile and everything that
    /// moved, exactly, provided the profiles, links and relations it changed
    /// are untouched since. Otherwise it refuses with
    /// [`Error::UnmergeRefused`] listing what changed. Moved contacts go
    /// back with what was added to them since (a case, an attachment);
    /// one associated with another profile since refuses the unmerge.
    /// Restored profiles keep their content and get a new version number.
    pub fn unmerge(&self, actor: &Actor, merge_id: Uuid) -> Result<(Profile, Profile)> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let mut record = load_record(tx, merge_id)?;
            if record.status == MergeStatus::Unmerged {
                return Err(Error::UnmergeRefused(format!(
                    "merge {merge_id} was already undone"
                )));
            }
            let mut changed = Vec::new();
            // Content decides, not the version: a merge undone in between leaves
            // the same content under a newer version.
            let same = |now: &Option<Profile>, then: &Profile| {
                now.as_ref().map(|p| p.clone().with_version(0))
                    == Some(then.clone().with_version(0))
            };
            let survivor_now = tx.profile(record.survivor_after.id)?;
            if !same(&survivor_now, &record.survivor_after) {
                changed.push(format!(
                    "survivor {} changed since the merge (version {} then, {} now)",
                    record.survivor_after.customer_id,
                    record.survivor_after.version,
                    survivor_now.as_ref().map_or(0, |p| p.version)
                ));
            }
            let tombstone_now = tx.profile(record.tombstone_after.id)?;
            if !same(&tombstone_now, &record.tombstone_after) {
                changed.push(format!(
                    "tombstone {} changed since the merge",
                    record.tombstone_after.customer_id
                ));
            }
            // The links and relations a merge leaves are the survivor's: one
            // read each holds them all.
            let survivor_id = record.survivor_after.id;
            let survivor_links: HashMap<Uuid, CaseLink> = tx
                .links_of_profile(survivor_id)?
                .into_iter()
                .map(|l| (l.case_id, l))
                .collect();
            for link in &record.links_after {
                let kept = if link.profile_id == survivor_id {
                    survivor_links.get(&link.case_id) == Some(link)
                } else {
                    tx.links_of_case(link.case_id)?.contains(link)
                };
                if !kept {
                    changed.push(format!("the link of case {} changed", link.case_id));
                }
            }
            let survivor_relations = match record.relations_after.is_empty() {
                true => Vec::new(),
                false => tx.relations_of(survivor_id)?,
            };
            for relation in &record.relations_after {
                let kept = if relation.a == survivor_id || relation.b == survivor_id {
                    survivor_relations.contains(relation)
                } else {
                    tx.relations_of(relation.a)?.contains(relation)
                };
                if !kept {
                    changed.push(format!(
                        "a relationship of {} changed",
                        record.survivor_after.customer_id
                    ));
                }
            }
            if !changed.is_empty() {
                return Err(Error::UnmergeRefused(changed.join("; ")));
            }
            let version_of = |now: &Option<Profile>| now.as_ref().map(|p| p.version);
            let survivor = record
                .survivor_before
                .clone()
                .with_version(version_of(&survivor_now).unwrap_or(0) + 1);
            let restored = record
                .merged_before
                .clone()
                .with_version(version_of(&tombstone_now).unwrap_or(0) + 1);
            // The unmerge event says what happened; the restored versions
            // carry the stamps they had before the merge.
            self.store_profile(tx, &survivor, version_of(&survivor_now))?;
            self.store_profile(tx, &restored, version_of(&tombstone_now))?;
            for link in &record.links_after {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &record.links_before {
                tx.put_link(link)?;
            }
            // Contacts move back by reference, with whatever was added to
            // them since; one associated with another profile since refuses.
            let back = tx.move_contacts(&record.contacts_moved, survivor.id, restored.id)?;
            if back != record.contacts_moved.len() {
                return Err(Error::UnmergeRefused(format!(
                    "{} of the {} contacts the merge moved to {} were associated with another profile since",
                    record.contacts_moved.len() - back,
                    record.contacts_moved.len(),
                    survivor.customer_id
                )));
            }
            for relation in &record.relations_after {
                tx.delete_relation(relation.a, relation.b)?;
            }
            for relation in &record.relations_before {
                tx.put_relation(relation)?;
            }
            record.status = MergeStatus::Unmerged;
            record.unmerged_by = Some(by.to_string());
            record.unmerged_at = Some(now);
            tx.put_blob(MERGE_JOURNAL, record.id, &serde_json::to_value(&record)?)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "unmerge".into(),
                subjects: vec![survivor.id, restored.id],
                details: serde_json::json!({
                    "merge_id": record.id,
                    "survivor": survivor.customer_id,
                    "restored": restored.customer_id,
                }),
            })?;
            self.emit_merge_event(
                tx,
                EventKind::ProfileUnmerged,
                &survivor,
                &restored,
                record.id,
                by,
                now,
            )?;
            Ok((survivor, restored))
        })
    }
}
