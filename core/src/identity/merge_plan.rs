//! What a merge changes, computed from the two profiles and what hangs on
//! them, without reading or writing anything: the same computation serves
//! the preview and the merge itself.

use super::keys::identification_key;
use super::merge::{FieldConflict, FieldSource, MergePlan, MergePreview};
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{Case, CaseLink, CaseSummary, LinkRole, Profile, Relation};
use crate::template::{Fields, Mode, Template, ValidationContext};
use jiff::Timestamp;
use std::sync::Arc;
use uuid::Uuid;

/// The two profiles of a merge and everything attached to them, as read
/// by the engine.
pub(crate) struct MergeSides<'a> {
    /// The profile that stays.
    pub survivor: Profile,
    /// The profile merged into it.
    pub merged: Profile,
    /// The survivor's case links.
    pub survivor_links: Vec<CaseLink>,
    /// The other profile's case links, with their cases.
    pub merged_cases: Vec<(CaseLink, Arc<Case>)>,
    /// The ids of the other profile's contacts.
    pub merged_contacts: Vec<Uuid>,
    /// The survivor's relations.
    pub survivor_relations: Vec<Relation>,
    /// The other profile's relations.
    pub merged_relations: Vec<Relation>,
    /// The survivor's template, validating the merged custom fields.
    pub template: Option<&'a Template>,
    /// The context the fields are validated in.
    pub ctx: &'a ValidationContext,
}

/// Everything a merge changes.
pub(crate) struct MergeWork {
    pub preview: MergePreview,
    pub tombstone: Profile,
    pub links_before: Vec<CaseLink>,
    pub links_after: Vec<CaseLink>,
    pub contacts_moved: Vec<Uuid>,
    pub relations_delete: Vec<(Uuid, Uuid)>,
    pub relations_before: Vec<Relation>,
    pub relations_after: Vec<Relation>,
}

fn role_rank(role: LinkRole) -> u8 {
    match role {
        LinkRole::Requester => 0,
        LinkRole::Affected => 1,
        LinkRole::Informed => 2,
    }
}

/// Computes a merge as `plan` asks, made by `by` at `now`.
pub(crate) fn plan_merge(
    sides: MergeSides<'_>,
    plan: &MergePlan,
    by: &str,
    now: Timestamp,
) -> Result<MergeWork> {
    let MergeSides {
        survivor,
        merged,
        survivor_links,
        merged_cases,
        merged_contacts,
        survivor_relations,
        merged_relations,
        template,
        ctx,
    } = sides;
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
            let key = identification_key(&ident.kind, &ident.value);
            if !result
                .identifications
                .iter()
                .any(|i| identification_key(&i.kind, &i.value) == key)
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
    // External records always come along: they name the same person elsewhere.
    for link in &merged.external_records {
        if !result.external_records.iter().any(|l| l.same_link(link)) {
            result.external_records.push(link.clone());
        }
    }
    tombstone.external_records.clear();
    if result.date_of_birth.is_none() {
        result.date_of_birth = merged.date_of_birth;
    }
    if result.assigned_to.is_none() {
        result.assigned_to = merged.assigned_to.clone();
    }
    if result.preferred_channel.is_none() {
        result.preferred_channel = merged.preferred_channel;
    }
    result.last_interaction_at = result.last_interaction_at.max(merged.last_interaction_at);

    let (fields, conflicts, problems) = merge_fields(&survivor, &merged, plan, template, ctx)?;
    result.fields = fields;
    result.version = survivor.version + 1;
    result.updated_at = now;
    result.updated_by = by.to_string();
    tombstone.merged_into = Some(survivor.id);
    tombstone.version = merged.version + 1;
    tombstone.updated_at = now;
    tombstone.updated_by = by.to_string();

    // Case links.
    let mut links_before = Vec::new();
    let mut links_after = Vec::new();
    let mut cases_moved = Vec::new();
    let mut cases_both = Vec::new();
    let mut cases_kept = Vec::new();
    for (link, case) in &merged_cases {
        if !plan.cases {
            cases_kept.push(CaseSummary::from(&**case));
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
                cases_both.push(CaseSummary::from(&**case));
            }
            None => {
                links_after.push(CaseLink {
                    profile_id: survivor.id,
                    ..link.clone()
                });
                cases_moved.push(CaseSummary::from(&**case));
            }
        }
    }

    // Relations.
    let mut relations_moved = Vec::new();
    let mut relations_dropped = Vec::new();
    let mut relations_delete = Vec::new();
    let mut relations_before = Vec::new();
    let mut relations_after = Vec::new();
    if plan.related {
        for relation in merged_relations {
            let Some((other, tag)) = relation.seen_from(merged.id) else {
                continue;
            };
            let reverse = relation
                .seen_from(other)
                .map(|(_, t)| t.to_vec())
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
                a_to_b: tag.to_vec(),
                b_to_a: reverse,
                created_at: relation.created_at,
                created_by: relation.created_by.clone(),
            };
            relations_after.push(moved.clone());
            relations_moved.push(moved);
        }
    }

    Ok(MergeWork {
        preview: MergePreview {
            contacts_moved: merged_contacts.len(),
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
            relations_moved,
            relations_dropped,
            field_conflicts: conflicts,
            problems,
        },
        tombstone,
        links_before,
        links_after,
        contacts_moved: merged_contacts,
        relations_delete,
        relations_before,
        relations_after,
    })
}

/// The survivor's custom fields after the merge, the conflicts the plan
/// decided, and the validation problems of the result.
fn merge_fields(
    survivor: &Profile,
    merged: &Profile,
    plan: &MergePlan,
    template: Option<&Template>,
    ctx: &ValidationContext,
) -> Result<(Fields, Vec<FieldConflict>, Vec<FieldError>)> {
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
    if let Some(template) = template {
        let report = template.validate_fields(&fields, Mode::Update { previous: &fields }, ctx);
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
                        FieldErrorCode::UnknownField,
                        format!("`{k}` cannot move: the survivor has no template"),
                    )
                }),
        );
    }
    Ok((fields, conflicts, problems))
}
