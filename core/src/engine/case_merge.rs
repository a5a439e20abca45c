//! Case merge: a duplicate case folds into the case that survives. Its
//! timeline entries (marked with their origin), profile links, contacts,
//! related records, attachments, tasks, external records and child cases move;
//! the duplicate is closed as "duplicate of CS..." and points to the
//! survivor. A preview
//! first, one transaction, audited, and undone exactly while nothing moved
//! has been touched since.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::model::{
    AuditEntry, Case, CaseLink, CaseStatus, Contact, EntryKind, Resolution, TimelineEntry,
};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const CASE_MERGE_JOURNAL: &str = "case_merge";

/// Which case survives and which folds into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseMergePlan {
    /// The case that stays: its id or number.
    pub survivor: String,
    /// The duplicate, closed into it: its id or number.
    pub duplicate: String,
}

/// What a case merge would do ([`Casebook::case_merge_preview`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseMergePreview {
    /// The survivor as it would be.
    pub survivor: Case,
    /// The duplicate as it would be (closed, pointing to the survivor).
    pub duplicate: Case,
    /// Timeline entries moving.
    pub timeline_moved: usize,
    /// Profiles newly linked to the survivor (a profile linked to both stays linked once).
    pub links_moved: usize,
    /// Contacts moving.
    pub contacts_moved: usize,
    /// Related records, attachments, tasks and external records moving.
    pub records_moved: usize,
    /// Child cases of the duplicate that become the survivor's children.
    pub children_moved: usize,
}

/// The journal of one case merge, to undo it exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseMergeRecord {
    /// Merge id.
    pub id: Uuid,
    /// Undone already.
    pub undone: bool,
    /// Who merged, and when.
    pub merged_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub merged_at: Timestamp,
    /// Both cases before.
    pub survivor_before: Case,
    /// The duplicate before.
    pub duplicate_before: Case,
    /// Both cases right after.
    pub survivor_after: Case,
    /// The duplicate right after.
    pub duplicate_after: Case,
    /// Links of both cases before, and after.
    pub links_before: Vec<CaseLink>,
    /// After.
    pub links_after: Vec<CaseLink>,
    /// Contacts of the duplicate before, and after.
    pub contacts_before: Vec<Contact>,
    /// After.
    pub contacts_after: Vec<Contact>,
    /// The duplicate's child cases before (journals from before children
    /// moved have none).
    #[serde(default)]
    pub children_before: Vec<Case>,
    /// The same cases right after, children of the survivor.
    #[serde(default)]
    pub children_after: Vec<Case>,
}

/// What a case merge did ([`Casebook::merge_cases`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseMergeOutcome {
    /// Merge id (to undo it).
    pub merge_id: Uuid,
    /// The survivor.
    pub survivor: Case,
    /// The closed duplicate.
    pub duplicate: Case,
}

/// A merge worked out, not yet stored.
struct Work {
    preview: CaseMergePreview,
    survivor_before: Case,
    duplicate_before: Case,
    links_before: Vec<CaseLink>,
    links_after: Vec<CaseLink>,
    contacts_before: Vec<Contact>,
    contacts_after: Vec<Contact>,
    children_before: Vec<Case>,
    children_after: Vec<Case>,
}

/// Parent steps walked looking for a loop before giving up: deeper
/// hierarchies than this are not built by hand.
const MAX_ANCESTORS: usize = 1_000;

impl<S: Store> Casebook<S> {
    /// What merging `plan.duplicate` into `plan.survivor` would do, changing nothing.
    pub fn case_merge_preview(&self, plan: &CaseMergePlan) -> Result<CaseMergePreview> {
        let now = self.now();
        self.store
            .read_with(|tx| Ok(self.plan_case_merge(tx, plan, "preview", now)?.preview))
    }

    /// Merges a duplicate case into the survivor, in one transaction:
    /// timeline entries (marked with their origin), profile links (each
    /// profile linked once), contacts, related records, attachments, tasks
    /// and external records move; the duplicate is closed as a duplicate of the
    /// survivor. Audited; [`Casebook::unmerge_cases`] undoes it.
    pub fn merge_cases(&self, actor: &Actor, plan: &CaseMergePlan) -> Result<CaseMergeOutcome> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let work = self.plan_case_merge(&*tx, plan, by, now)?;
            let mut survivor = work.preview.survivor.clone();
            let mut duplicate = work.preview.duplicate.clone();
            self.save_case_edit(tx, &mut survivor, by, now)?;
            self.save_case_edit(tx, &mut duplicate, by, now)?;
            for link in &work.links_before {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &work.links_after {
                tx.put_link(link)?;
            }
            for contact in &work.contacts_after {
                tx.put_contact(contact)?;
            }
            // The moved contacts are customer messages of their new case:
            // what is derived from the histories follows them.
            self.refresh_derived(tx, &survivor)?;
            self.refresh_derived(tx, &duplicate)?;
            let mut children_after = Vec::with_capacity(work.children_after.len());
            for mut child in work.children_after {
                self.save_case_edit(tx, &mut child, by, now)?;
                self.reparent_in(tx, child.id, Some(duplicate.id), Some(survivor.id))?;
                children_after.push(child);
            }
            let record = CaseMergeRecord {
                id: ids.next(),
                undone: false,
                merged_by: by.to_string(),
                merged_at: now,
                survivor_before: work.survivor_before,
                duplicate_before: work.duplicate_before,
                survivor_after: survivor.clone(),
                duplicate_after: duplicate.clone(),
                links_before: work.links_before,
                links_after: work.links_after,
                contacts_before: work.contacts_before,
                contacts_after: work.contacts_after,
                children_before: work.children_before,
                children_after,
            };
            tx.put_blob(
                CASE_MERGE_JOURNAL,
                record.id,
                &serde_json::to_value(&record)?,
            )?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "case_merge".into(),
                subjects: vec![survivor.id, duplicate.id],
                details: json!({"merge_id": record.id, "survivor": survivor.number,
                                "duplicate": duplicate.number}),
            })?;
            let untouched = [survivor.id, duplicate.id];
            self.release_agent_of(tx, &record.duplicate_before, &duplicate, &untouched)?;
            Ok(CaseMergeOutcome {
                merge_id: record.id,
                survivor,
                duplicate,
            })
        })
    }

    /// Undoes a case merge: both cases, their links and the moved contacts
    /// as they were before it. Refused with [`Error::UnmergeRefused`] when
    /// either case or a moved contact changed since, or it was undone.
    pub fn unmerge_cases(&self, actor: &Actor, merge_id: Uuid) -> Result<(Case, Case)> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let stored = tx
                .blob(CASE_MERGE_JOURNAL, merge_id)?
                .ok_or_else(|| Error::not_found(Entity::Merge, merge_id.to_string()))?;
            let mut record: CaseMergeRecord = serde_json::from_value(stored)?;
            if record.undone {
                return Err(Error::UnmergeRefused(format!(
                    "case merge {merge_id} was undone already"
                )));
            }
            for after in [&record.survivor_after, &record.duplicate_after] {
                if tx.case(after.id)?.as_ref() != Some(after) {
                    return Err(Error::UnmergeRefused(format!(
                        "{} changed after the merge",
                        after.number
                    )));
                }
            }
            for after in &record.children_after {
                if tx.case(after.id)?.as_ref() != Some(after) {
                    return Err(Error::UnmergeRefused(format!(
                        "{} changed after the merge",
                        after.number
                    )));
                }
            }
            for after in &record.contacts_after {
                if tx.contact(after.id)?.as_ref() != Some(after) {
                    return Err(Error::UnmergeRefused(format!(
                        "contact {} changed after the merge",
                        after.id
                    )));
                }
            }
            let survivor = self.restore(tx, &record.survivor_before, &record.survivor_after)?;
            let duplicate = self.restore(tx, &record.duplicate_before, &record.duplicate_after)?;
            for link in &record.links_after {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &record.links_before {
                tx.put_link(link)?;
            }
            for contact in &record.contacts_before {
                tx.put_contact(contact)?;
            }
            self.refresh_derived(tx, &survivor)?;
            self.refresh_derived(tx, &duplicate)?;
            for (before, after) in record.children_before.iter().zip(&record.children_after) {
                self.restore(tx, before, after)?;
                self.reparent_in(tx, before.id, after.parent, before.parent)?;
            }
            record.undone = true;
            tx.put_blob(
                CASE_MERGE_JOURNAL,
                record.id,
                &serde_json::to_value(&record)?,
            )?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "case_unmerge".into(),
                subjects: vec![survivor.id, duplicate.id],
                details: json!({"merge_id": record.id}),
            })?;
            Ok((survivor, duplicate))
        })
    }

    /// A case as it was before a merge, stored as its next version.
    fn restore(&self, tx: &mut dyn WriteTx, before: &Case, after: &Case) -> Result<Case> {
        let mut restored = before.clone();
        restored.version = after.version + 1;
        self.save_case(tx, &restored, Some(after.version))?;
        Ok(restored)
    }

    fn plan_case_merge(
        &self,
        tx: &dyn ReadTx,
        plan: &CaseMergePlan,
        by: &str,
        now: Timestamp,
    ) -> Result<Work> {
        let survivor = self.resolve_case(tx, Ref::Key(&plan.survivor))?;
        let duplicate = self.resolve_case(tx, Ref::Key(&plan.duplicate))?;
        if survivor.id == duplicate.id {
            return Err(Error::InvalidInput(
                "a case is not merged into itself".into(),
            ));
        }
        for case in [&survivor, &duplicate] {
            if case.duplicate_of.is_some() {
                return Err(Error::InvalidState(format!(
                    "{} was merged into another case already",
                    case.number
                )));
            }
        }
        if !survivor.status.is_open() {
            return Err(Error::InvalidState(format!(
                "{} is {}: merge into an open case",
                survivor.number, survivor.status
            )));
        }
        // The duplicate's children become the survivor's: refused when the
        // survivor sits under the duplicate, which would make a loop.
        let mut above = survivor.parent;
        for _ in 0..MAX_ANCESTORS {
            let Some(parent) = above else { break };
            if parent == duplicate.id {
                return Err(Error::InvalidState(format!(
                    "{} is under {}: merge the other way round, or move it out first",
                    survivor.number, duplicate.number
                )));
            }
            above = tx.case(parent)?.and_then(|c| c.parent);
        }
        let mut children_before = Vec::new();
        for id in self.children_of(tx, duplicate.id)? {
            if let Some(child) = tx.case(id)? {
                children_before.push(child);
            }
        }
        let children_after: Vec<Case> = children_before
            .iter()
            .map(|child| {
                let mut moved = child.clone();
                moved.parent = Some(survivor.id);
                moved.record_change_from(child, by, now);
                moved
            })
            .collect();
        let mut merged = survivor.clone();
        let mut closed = duplicate.clone();
        let timeline_moved = closed.timeline.len();
        for entry in std::mem::take(&mut closed.timeline) {
            merged.timeline.push(TimelineEntry {
                origin: entry
                    .origin
                    .clone()
                    .or_else(|| Some(duplicate.number.clone())),
                ..entry
            });
        }
        merged.timeline.sort_by_key(|e| e.at);
        let mut records_moved = 0;
        for related in std::mem::take(&mut closed.related) {
            if related.case != Some(survivor.id) && !merged.related.contains(&related) {
                merged.related.push(related);
                records_moved += 1;
            }
        }
        for attachment in std::mem::take(&mut closed.attachments) {
            merged.attachments.push(attachment);
            records_moved += 1;
        }
        for task in std::mem::take(&mut closed.tasks) {
            merged.tasks.push(task);
            records_moved += 1;
        }
        for link in std::mem::take(&mut closed.external_records) {
            if !merged.external_records.iter().any(|l| l.same_link(&link)) {
                merged.external_records.push(link);
                records_moved += 1;
            }
        }
        // The duplicate: closed as a duplicate, whatever its status was.
        let from = closed.status;
        closed.status = CaseStatus::Closed;
        closed.duplicate_of = Some(survivor.id);
        closed.resolution = Some(Resolution {
            notes: format!("Duplicate of {}", survivor.number),
            share_with_requester: false,
            resolved_by: by.to_string(),
            resolved_at: now,
        });
        closed.timeline.push(TimelineEntry {
            id: Uuid::new_v5(&duplicate.id, b"duplicate-of"),
            kind: EntryKind::StatusChange,
            author: by.to_string(),
            at: now,
            text: format!("{from} -> closed: duplicate of {}", survivor.number),
            origin: None,
        });
        closed.record_change_from(&duplicate, by, now);

        let survivor_links = tx.links_of_case(survivor.id)?;
        let duplicate_links = tx.links_of_case(duplicate.id)?;
        let mut links_after = survivor_links.clone();
        let mut links_moved = 0;
        for link in &duplicate_links {
            if !links_after.iter().any(|l| l.profile_id == link.profile_id) {
                links_after.push(CaseLink {
                    case_id: survivor.id,
                    ..link.clone()
                });
                links_moved += 1;
            }
        }
        let links_before: Vec<CaseLink> =
            survivor_links.into_iter().chain(duplicate_links).collect();
        let contacts_before = tx.contacts_of_case(duplicate.id)?;
        let contacts_after: Vec<Contact> = contacts_before
            .iter()
            .map(|c| {
                let mut moved = c.clone();
                moved.case_ids.retain(|id| *id != duplicate.id);
                if !moved.case_ids.contains(&survivor.id) {
                    moved.case_ids.push(survivor.id);
                }
                moved
            })
            .collect();
        Ok(Work {
            preview: CaseMergePreview {
                survivor: merged,
                duplicate: closed,
                timeline_moved,
                links_moved,
                contacts_moved: contacts_after.len(),
                records_moved,
                children_moved: children_after.len(),
            },
            survivor_before: survivor,
            duplicate_before: duplicate,
            links_before,
            links_after,
            contacts_before,
            contacts_after,
            children_before,
            children_after,
        })
    }
}
