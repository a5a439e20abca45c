//! Merges of two profiles: the plan a person decides on, the preview of what
//! it would do, and the journal that makes it reversible.

use crate::error::FieldError;
use crate::model::{CaseLink, CaseSummary, ContactPoint, Identification, Profile, Relation};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The blob kind merge journals are stored under.
pub(crate) const MERGE_JOURNAL: &str = "merge";

fn yes() -> bool {
    true
}

/// Whose value a custom field keeps in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MergeStatus {
    /// The merge is in force.
    Merged,
    /// The merge was undone.
    Unmerged,
}

/// The journal of one merge: what moved, so that it can be undone exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MergeRecord {
    /// Merge id.
    pub id: Uuid,
    /// Status.
    pub status: MergeStatus,
    /// Who merged.
    pub merged_by: String,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
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
    /// The contacts moved from the other profile to the survivor (their ids:
    /// contacts move by reference, an unmerge moves them back).
    #[serde(default)]
    pub contacts_moved: Vec<Uuid>,
    /// Relations touched, before.
    pub relations_before: Vec<Relation>,
    /// Relations touched, after.
    pub relations_after: Vec<Relation>,
    /// Who undid it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmerged_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub unmerged_at: Option<Timestamp>,
}

/// The result of a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MergeOutcome {
    /// Merge id (to undo it).
    pub merge_id: Uuid,
    /// The survivor after the merge.
    pub survivor: Profile,
    /// The tombstone.
    pub tombstone: Profile,
}
