//! Merge preview, merge and unmerge of two profiles.

use crate::engine::{check_actor, Casebook, Ref};
use crate::error::{Entity, Error, FieldError, Result};
use crate::model::*;
use crate::store::{ReadTx, Snapshot, Store, StoreExt};
use crate::template::{Fields, Mode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

const JOURNAL: &str = "merge";

fn yes() -> bool {
    true
}

/// Whose value a custom field keeps in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum FieldSource {
    /// The survivor's value.
    Survivor,
    /// The merged-away profile's value.
    Merged,
}

/// What a merge does: which profile survives and which of the other
/// profile's elements it takes over. Contact history always moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct MergePlan {
    /// The profile that stays (id or customer ID).
    pub survivor: String,
    /// The profile merged into it, which becomes a tombstone (id or customer ID).
    pub merged: String,
    /// The survivor version the decision was made on (refused if it changed since).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survivor_version: Option<u64>,
    /// The merged profile's version the decision was made on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_version: Option<u64>,
    /// Move the other profile's phones, e-mails, handles and addresses to the survivor.
    /// Those not moved stay on the tombstone, still reachable through its redirect.
    #[serde(default = "yes")]
    pub contact_points: bool,
    /// Move identity documents.
    #[serde(default = "yes")]
    pub identifications: bool,
    /// Move account ids.
    #[serde(default = "yes")]
    pub accounts: bool,
    /// Re-link the other profile's cases to the survivor (a case linked to both ends up linked once).
    #[serde(default = "yes")]
    pub cases: bool,
    /// Re-point the other profile's relationships to the survivor (never to itself).
    #[serde(default = "yes")]
    pub related: bool,
    /// Per custom field, whose value to keep. Fields not listed keep the
    /// survivor's value, or take the other's when the survivor has none.
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, FieldSource>,
}

impl MergePlan {
    /// A plan combining everything, keeping the survivor's field values.
    pub fn new(survivor: impl Into<String>, merged: impl Into<String>) -> Self {
        MergePlan {
            survivor: survivor.into(),
            merged: merged.into(),
            survivor_version: None,
            merged_version: None,
            contact_points: true,
            identifications: true,
            accounts: true,
            cases: true,
            related: true,
            fields: Default::default(),
        }
    }
}

/// A custom field both profiles fill differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct FieldConflict {
    /// Field key.
    pub field: String,
    /// The survivor's value.
    pub survivor_value: Value,
    /// The other profile's value.
    pub merged_value: Value,
    /// The value the plan keeps.
    pub chosen: FieldSource,
}

/// Exactly what a merge would do, computed without changing anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct MergePreview {
    /// The survivor as it is.
    pub survivor: Profile,
    /// The other profile as it is.
    pub merged: Profile,
    /// The survivor as it would be.
    pub result: Profile,
    /// Contact points moving to the survivor.
    pub contact_points_moved: Vec<ContactPoint>,
    /// Contact points the survivor already has (not duplicated).
    pub contact_points_already_held: Vec<ContactPoint>,
    /// Contact points staying on the tombstone (reachable through its redirect).
    pub contact_points_kept_on_tombstone: Vec<ContactPoint>,
    /// Identity documents moving.
    pub identifications_moved: Vec<Identification>,
    /// Accounts moving.
    pub accounts_moved: Vec<String>,
    /// Cases re-linked to the survivor.
    pub cases_moved: Vec<CaseSummary>,
    /// Cases linked to both, which end up linked once.
    pub cases_linked_to_both: Vec<CaseSummary>,
    /// Cases staying linked to the tombstone.
    pub cases_kept_on_tombstone: Vec<CaseSummary>,
    /// Number of contacts (interactions) moving.
    pub contacts_moved: usize,
    /// Relationships re-pointed to the survivor.
    pub relations_moved: Vec<Relation>,
    /// Relationships dropped (between the two profiles, or already held by the survivor).
    pub relations_dropped: Vec<Relation>,
    /// Custom fields filled differently, with the plan's choice.
    pub field_conflicts: Vec<FieldConflict>,
    /// Validation problems of the result (the merge is refused while there are any).
    pub problems: Vec<FieldError>,
}

/// Whether a merge is in force or was undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum MergeStatus {
    /// The merge is in force.
    Merged,
    /// The merge was undone.
    Unmerged,
}

/// The journal of one merge: what moved, so that it can be undone exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct MergeRecord {
    /// Merge id.
    pub id: Uuid,
    /// Status.
    pub status: MergeStatus,
    /// Who merged.
    pub merged_by: String,
    /// When.
    pub merged_at: Timestamp,
    /// The plan.
    pub plan: MergePlan,
    /// Survivor before the merge.
    pub survivor_before: Profile,
    /// Survivor right after the merge.
    pub survivor_after: Profile,
    /// Other profile before the merge.
    pub merged_before: Profile,
    /// The tombstone right after the merge.
    pub tombstone_after: Profile,
    /// Case links of either profile touched by the merge, before.
    pub links_before: Vec<CaseLink>,
    /// The same cases' links after.
    pub links_after: Vec<CaseLink>,
    /// Contacts moved, before.
    pub contacts_before: Vec<Contact>,
    /// Contacts moved, after.
    pub contacts_after: Vec<Contact>,
    /// Relations touched, before.
    pub relations_before: Vec<Relation>,
    /// Relations touched, after.
    pub relations_after: Vec<Relation>,
    /// Who undid it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmerged_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmerged_at: Option<Timestamp>,
}

/// The result of a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct MergeOutcome {
    /// Merge id (to undo it).
    pub merge_id: Uuid,
    /// The survivor after the merge.
    pub survivor: Profile,
    /// The tombstone.
    pub tombstone: Profile,
}

/// Everything a merge changes, computed in one place for preview and merge.
struct Work {
    preview: MergePreview,
    tombstone: Profile,
    links_before: Vec<CaseLink>,
    links_after: Vec<CaseLink>,
    contacts_before: Vec<Contact>,
    contacts_after: Vec<Contact>,
    relations_delete: Vec<(Uuid, Uuid)>,
    relations_before: Vec<Relation>,
    relations_after: Vec<Relation>,
}

fn role_rank(role: LinkRole) -> u8 {
    match role {
        LinkRole::Requester => 0,
        LinkRole::Affected => 1,
        LinkRole::Informed => 2,
    }
}

impl<S: Store> Casebook<S> {
    fn merge_work(
        &self,
        tx: &dyn ReadTx,
        plan: &MergePlan,
        by: &str,
        now: Timestamp,
    ) -> Result<Work> {
        let survivor = self.resolve_profile(tx, Ref::Key(&plan.survivor))?;
        let merged = self.resolve_profile(tx, Ref::Key(&plan.merged))?;
        if survivor.id == merged.id {
            return Err(Error::InvalidState(format!(
                "{} and {} are already one profile",
                plan.survivor, plan.merged
            )));
        }
        for (profile, expected) in [
            (&survivor, plan.survivor_version),
            (&merged, plan.merged_version),
        ] {
            if let Some(expected) = expected {
                if profile.version != expected {
                    return Err(Error::Conflict {
                        entity: Entity::Profile,
                        id: profile.customer_id.clone(),
                        expected,
                        actual: profile.version,
                    });
                }
            }
        }

        let mut result = survivor.clone();
        let mut tombstone = merged.clone();
        let mut moved_points = Vec::new();
        let mut held_points = Vec::new();
        let mut kept_points = Vec::new();
        if plan.contact_points {
            for point in &merged.contact_points {
                if result.contact_points.iter().any(|p| p.key == point.key) {
                    held_points.push(point.clone());
                } else {
                    let mut moved = point.clone();
                    moved.primary = !result.contact_points.iter().any(|p| p.kind == point.kind);
                    result.contact_points.push(moved);
                    moved_points.push(point.clone());
                }
            }
            tombstone.contact_points.clear();
        } else {
            kept_points = merged.contact_points.clone();
        }
        let mut moved_idents = Vec::new();
        if plan.identifications {
            for ident in &merged.identifications {
                let key = crate::store::identification_key(&ident.kind, &ident.value);
                if !result
                    .identifications
                    .iter()
                    .any(|i| crate::store::identification_key(&i.kind, &i.value) == key)
                {
                    result.identifications.push(ident.clone());
                    moved_idents.push(ident.clone());
                }
            }
            tombstone.identifications.clear();
        }
        let mut moved_accounts = Vec::new();
        if plan.accounts {
            for account in &merged.accounts {
                if !result
                    .accounts
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(account))
                {
                    result.accounts.push(account.clone());
                    moved_accounts.push(account.clone());
                }
            }
            tombstone.accounts.clear();
        }
        if result.date_of_birth.is_none() {
            result.date_of_birth = merged.date_of_birth;
        }
        if result.assigned_to.is_none() {
            result.assigned_to = merged.assigned_to.clone();
        }
        result.last_interaction_at = result.last_interaction_at.max(merged.last_interaction_at);

        // Custom fields.
        let mut conflicts = Vec::new();
        let mut fields: Fields = survivor.fields.clone();
        for key in plan.fields.keys() {
            if !survivor.fields.contains_key(key) && !merged.fields.contains_key(key) {
                return Err(Error::InvalidInput(format!(
                    "the plan names field `{key}`, which neither profile has"
                )));
            }
        }
        for (key, other) in &merged.fields {
            let choice = plan.fields.get(key).copied();
            match survivor.fields.get(key) {
                Some(mine) if mine != other => {
                    let chosen = choice.unwrap_or(FieldSource::Survivor);
                    if chosen == FieldSource::Merged {
                        fields.insert(key.clone(), other.clone());
                    }
                    conflicts.push(FieldConflict {
                        field: key.clone(),
                        survivor_value: mine.clone(),
                        merged_value: other.clone(),
                        chosen,
                    });
                }
                Some(_) => {}
                None => {
                    if choice != Some(FieldSource::Survivor) {
                        fields.insert(key.clone(), other.clone());
                    }
                }
            }
        }
        let mut problems = Vec::new();
        if let Some(t) = &survivor.template {
            let template = self.template_in(tx, &t.id, Some(t.version))?;
            let report = template.validate_fields(
                &fields,
                Mode::Update { previous: &fields },
                &self.validation_context(),
            );
            problems = report.errors;
            fields = report.values;
        } else if !fields.is_empty() && fields != survivor.fields {
            problems.extend(
                fields
                    .keys()
                    .filter(|k| !survivor.fields.contains_key(*k))
                    .map(|k| {
                        FieldError::new(
                            k,
                            crate::FieldErrorCode::UnknownField,
                            format!("`{k}` cannot move: the survivor has no template"),
                        )
                    }),
            );
        }
        result.fields = fields;
        result.version = survivor.version + 1;
        result.updated_at = now;
        result.updated_by = by.to_string();
        tombstone.merged_into = Some(survivor.id);
        tombstone.version = merged.version + 1;
        tombstone.updated_at = now;
        tombstone.updated_by = by.to_string();

        // Case links.
        let survivor_links = tx.links_of_profile(survivor.id)?;
        let mut links_before = Vec::new();
        let mut links_after = Vec::new();
        let mut cases_moved = Vec::new();
        let mut cases_both = Vec::new();
        let mut cases_kept = Vec::new();
        for link in tx.links_of_profile(merged.id)? {
            let case = tx
                .case(link.case_id)?
                .ok_or_else(|| Error::Internal(format!("link to missing case {}", link.case_id)))?;
            if !plan.cases {
                cases_kept.push(CaseSummary::from(&case));
                continue;
            }
            links_before.push(link.clone());
            match survivor_links.iter().find(|l| l.case_id == link.case_id) {
                Some(existing) => {
                    links_before.push(existing.clone());
                    let mut kept = existing.clone();
                    if role_rank(link.role) < role_rank(existing.role) {
                        kept.role = link.role;
                    }
                    links_after.push(kept);
                    cases_both.push(CaseSummary::from(&case));
                }
                None => {
                    links_after.push(CaseLink {
                        profile_id: survivor.id,
                        ..link.clone()
                    });
                    cases_moved.push(CaseSummary::from(&case));
                }
            }
        }

        // Contacts always move.
        let contacts_before = tx.contacts_of_profile(merged.id, None, None, usize::MAX)?;
        let contacts_after: Vec<Contact> = contacts_before
            .iter()
            .map(|c| Contact {
                profile_id: Some(survivor.id),
                ..c.clone()
            })
            .collect();

        // Relations.
        let mut relations_moved = Vec::new();
        let mut relations_dropped = Vec::new();
        let mut relations_delete = Vec::new();
        let mut relations_before = Vec::new();
        let mut relations_after = Vec::new();
        if plan.related {
            let survivor_relations = tx.relations_of(survivor.id)?;
            for relation in tx.relations_of(merged.id)? {
                let Some((other, tag)) = relation.seen_from(merged.id) else {
                    continue;
                };
                let reverse = relation
                    .seen_from(other)
                    .map(|(_, t)| t.to_string())
                    .unwrap_or_default();
                relations_before.push(relation.clone());
                relations_delete.push((relation.a, relation.b));
                let already = survivor_relations
                    .iter()
                    .any(|r| r.seen_from(survivor.id).is_some_and(|(o, _)| o == other));
                if other == survivor.id || already {
                    relations_dropped.push(relation.clone());
                    continue;
                }
                let moved = Relation {
                    a: survivor.id,
                    b: other,
                    a_to_b: tag.to_string(),
                    b_to_a: reverse,
                    created_at: relation.created_at,
                    created_by: relation.created_by.clone(),
                };
                relations_after.push(moved.clone());
                relations_moved.push(moved);
            }
        }

        Ok(Work {
            preview: MergePreview {
                survivor,
                merged,
                result,
                contact_points_moved: moved_points,
                contact_points_already_held: held_points,
                contact_points_kept_on_tombstone: kept_points,
                identifications_moved: moved_idents,
                accounts_moved: moved_accounts,
                cases_moved,
                cases_linked_to_both: cases_both,
                cases_kept_on_tombstone: cases_kept,
                contacts_moved: contacts_before.len(),
                relations_moved,
                relations_dropped,
                field_conflicts: conflicts,
                problems,
            },
            tombstone,
            links_before,
            links_after,
            contacts_before,
            contacts_after,
            relations_delete,
            relations_before,
            relations_after,
        })
    }

    /// Exactly what a merge would move and what conflicts, without changing anything.
    pub fn merge_preview(&self, plan: &MergePlan) -> Result<MergePreview> {
        let now = self.now();
        self.store()
            .read_with(|tx| self.merge_work(tx, plan, "preview", now))
            .map(|w| w.preview)
    }

    /// Merges two profiles in one transaction: the survivor takes what the
    /// plan says, contact history moves, the other profile becomes a tombstone
    /// redirecting to the survivor, a journal makes it reversible and an audit
    /// entry records it.
    pub fn merge(&self, by: &str, plan: &MergePlan) -> Result<MergeOutcome> {
        let by = check_actor(by)?;
        self.store().write_with(|tx| {
            let now = self.now();
            let work = self.merge_work(tx, plan, by, now)?;
            if !work.preview.problems.is_empty() {
                return Err(Error::validation(work.preview.problems.clone()));
            }
            let survivor = work.preview.result.clone();
            tx.put_profile(&survivor)?;
            tx.put_profile(&work.tombstone)?;
            for link in &work.links_before {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &work.links_after {
                tx.put_link(link)?;
            }
            for contact in &work.contacts_after {
                tx.put_contact(contact)?;
            }
            for (a, b) in &work.relations_delete {
                tx.delete_relation(*a, *b)?;
            }
            for relation in &work.relations_after {
                tx.put_relation(relation)?;
            }
            let record = MergeRecord {
                id: self.new_id(),
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
                contacts_before: work.contacts_before,
                contacts_after: work.contacts_after,
                relations_before: work.relations_before,
                relations_after: work.relations_after,
                unmerged_by: None,
                unmerged_at: None,
            };
            tx.put_blob(JOURNAL, record.id, &serde_json::to_value(&record)?)?;
            tx.append_audit(&AuditEntry {
                id: self.new_id(),
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
            Ok(MergeOutcome {
                merge_id: record.id,
                survivor,
                tombstone: work.tombstone,
            })
        })
    }

    /// The journal of a merge.
    pub fn merge_record(&self, merge_id: Uuid) -> Result<MergeRecord> {
        self.store().read_with(|tx| load_record(tx, merge_id))
    }

    /// Undoes a merge: restores the merged-away profile and everything that
    /// moved, exactly, provided nothing touched them since. Otherwise it
    /// refuses with [`Error::UnmergeRefused`] listing what changed. Restored
    /// profiles keep their content and get a new version number.
    pub fn unmerge(&self, by: &str, merge_id: Uuid) -> Result<(Profile, Profile)> {
        let by = check_actor(by)?;
        self.store().write_with(|tx| {
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
            for link in &record.links_after {
                let now: Vec<CaseLink> = tx.links_of_case(link.case_id)?;
                if !now.contains(link) {
                    changed.push(format!("the link of case {} changed", link.case_id));
                }
            }
            for contact in &record.contacts_after {
                if tx.contact(contact.id)?.as_ref() != Some(contact) {
                    changed.push(format!("contact {} changed", contact.id));
                }
            }
            for relation in &record.relations_after {
                let now = tx.relations_of(relation.a)?;
                if !now.contains(relation) {
                    changed.push(format!(
                        "a relationship of {} changed",
                        record.survivor_after.customer_id
                    ));
                }
            }
            if !changed.is_empty() {
                return Err(Error::UnmergeRefused(changed.join("; ")));
            }
            let now = self.now();
            let version_of = |now: &Option<Profile>| now.as_ref().map_or(0, |p| p.version);
            let survivor = record
                .survivor_before
                .clone()
                .with_version(version_of(&survivor_now) + 1);
            let restored = record
                .merged_before
                .clone()
                .with_version(version_of(&tombstone_now) + 1);
            tx.put_profile(&survivor)?;
            tx.put_profile(&restored)?;
            for link in &record.links_after {
                tx.delete_link(link.case_id, link.profile_id)?;
            }
            for link in &record.links_before {
                tx.put_link(link)?;
            }
            for contact in &record.contacts_before {
                tx.put_contact(contact)?;
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
            tx.put_blob(JOURNAL, record.id, &serde_json::to_value(&record)?)?;
            tx.append_audit(&AuditEntry {
                id: self.new_id(),
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
            Ok((survivor, restored))
        })
    }
}

fn load_record(tx: &dyn ReadTx, merge_id: Uuid) -> Result<MergeRecord> {
    let value = tx
        .blob(JOURNAL, merge_id)?
        .ok_or_else(|| Error::not_found(Entity::Merge, merge_id))?;
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("merge journal {merge_id} is unreadable: {e}")))
}

/// Half-done merges in a snapshot: a journal in force whose tombstone does
/// not redirect to its survivor, or a tombstone without a journal.
pub(crate) fn merge_problems(snapshot: &Snapshot) -> Vec<String> {
    let mut problems = Vec::new();
    let profile = |id: Uuid| snapshot.profiles.iter().find(|p| p.id == id);
    let mut journaled = std::collections::HashSet::new();
    for (kind, id, value) in &snapshot.blobs {
        if kind != JOURNAL {
            continue;
        }
        let Ok(record) = serde_json::from_value::<MergeRecord>(value.clone()) else {
            problems.push(format!("merge journal {id} is unreadable"));
            continue;
        };
        if record.status == MergeStatus::Merged {
            journaled.insert(record.tombstone_after.id);
            if profile(record.tombstone_after.id).and_then(|p| p.merged_into)
                != Some(record.survivor_after.id)
            {
                problems.push(format!(
                    "merge {id}: {} does not redirect to {}",
                    record.tombstone_after.customer_id, record.survivor_after.customer_id
                ));
            }
        }
    }
    for p in &snapshot.profiles {
        if p.is_tombstone() && !journaled.contains(&p.id) {
            problems.push(format!("tombstone {} has no merge journal", p.customer_id));
        }
    }
    problems
}
