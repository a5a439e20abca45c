//! The invariants of a store's data, checked over a snapshot of its records
//! and against what the store indexes them by. Below the engine: the engine
//! runs these checks, stores never call them.

use crate::identity::{MergeRecord, MergeStatus, MERGE_JOURNAL};
use crate::model::Profile;
use crate::store::{CaseIndex, ProfileIndex, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use uuid::Uuid;

/// Most redirects followed from a merged-away profile before it counts as a loop.
pub(crate) const MAX_REDIRECTS: usize = 64;

/// Which invariant a problem breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Two records hold the same customer ID or case number.
    DuplicateKey,
    /// A merged-away profile redirects to a profile that does not exist, or in a loop.
    BrokenRedirect,
    /// A case's parent does not exist.
    MissingParent,
    /// A link, contact or relation points to a record that does not exist.
    DanglingReference,
    /// A contact is held by a merged-away profile (contacts always move).
    ContactOnTombstone,
    /// A profile is related to itself.
    SelfRelation,
    /// A merge journal cannot be read, or a merge in force is half done.
    BrokenMerge,
    /// A merged-away profile has no merge journal.
    TombstoneWithoutJournal,
    /// A record is not indexed by exactly what it should be found by.
    StaleIndex,
    /// The store's own check of its files and indexes found a problem.
    Store,
    /// A record holds what no operation stores: a custom field key that is
    /// not an identifier (such as `__proto__`), a contact point whose value
    /// does not read as its kind or whose key is not the one its value gives.
    InvalidRecord,
}

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvariantProblem {
    /// Which invariant.
    pub kind: ProblemKind,
    /// The record concerned: a customer ID, a case number or an id.
    pub subject: String,
    /// What is wrong, in words.
    pub message: String,
}

impl InvariantProblem {
    pub(crate) fn new(kind: ProblemKind, subject: impl fmt::Display, message: String) -> Self {
        InvariantProblem {
            kind,
            subject: subject.to_string(),
            message,
        }
    }

    /// A problem the store's own check reported.
    pub(crate) fn store(message: String) -> Self {
        InvariantProblem::new(ProblemKind::Store, "store", message)
    }
}

impl fmt::Display for InvariantProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every broken invariant of the records themselves.
/// Custom field keys no template can define: every key a template may use is
/// an identifier, so `__proto__`, `constructor` or an empty key only enter
/// through a tampered snapshot (and would set a prototype in JavaScript).
fn field_key_problems(subject: &str, fields: &crate::template::Fields) -> Vec<InvariantProblem> {
    fields
        .keys()
        .filter(|key| !crate::template::is_identifier(key, false))
        .map(|key| {
            InvariantProblem::new(
                ProblemKind::InvalidRecord,
                subject,
                format!(
                    "{subject} has a field `{}` that no template can define",
                    key.chars().take(40).collect::<String>()
                ),
            )
        })
        .collect()
}

pub(crate) fn record_problems(snapshot: &Snapshot) -> Vec<InvariantProblem> {
    use ProblemKind::*;
    let mut problems = Vec::new();
    let profiles: HashMap<Uuid, &Profile> = snapshot.profiles.iter().map(|p| (p.id, p)).collect();
    let cases: HashSet<Uuid> = snapshot.cases.iter().map(|c| c.id).collect();
    let mut customer_ids = HashSet::new();
    for p in &snapshot.profiles {
        if !customer_ids.insert(p.customer_id.as_str()) {
            problems.push(InvariantProblem::new(
                DuplicateKey,
                &p.customer_id,
                format!("customer ID {} is used twice", p.customer_id),
            ));
        }
        problems.extend(field_key_problems(&p.customer_id, &p.fields));
        if let Some(target) = p.merged_into {
            let mut cursor = Some(target);
            let mut hops = 0;
            while let Some(id) = cursor {
                match profiles.get(&id) {
                    None => {
                        problems.push(InvariantProblem::new(
                            BrokenRedirect,
                            &p.customer_id,
                            format!("profile {} redirects to missing {id}", p.customer_id),
                        ));
                        break;
                    }
                    Some(next) => cursor = next.merged_into,
                }
                hops += 1;
                if hops > MAX_REDIRECTS {
                    problems.push(InvariantProblem::new(
                        BrokenRedirect,
                        &p.customer_id,
                        format!("profile {} is in a redirect loop", p.customer_id),
                    ));
                    break;
                }
            }
        }
    }
    let mut numbers = HashSet::new();
    for c in &snapshot.cases {
        problems.extend(field_key_problems(&c.number, &c.fields));
        if !numbers.insert(c.number.as_str()) {
            problems.push(InvariantProblem::new(
                DuplicateKey,
                &c.number,
                format!("case number {} is used twice", c.number),
            ));
        }
        if let Some(parent) = c.parent {
            if !cases.contains(&parent) {
                problems.push(InvariantProblem::new(
                    MissingParent,
                    &c.number,
                    format!("case {} has a missing parent", c.number),
                ));
            }
        }
    }
    // Links and relations may stay with a tombstone (a merge that did not
    // combine them): its redirect keeps them reachable. Contacts always move.
    for l in &snapshot.links {
        if !profiles.contains_key(&l.profile_id) {
            problems.push(InvariantProblem::new(
                DanglingReference,
                l.case_id,
                format!("a link points to missing profile {}", l.profile_id),
            ));
        }
        if !cases.contains(&l.case_id) {
            problems.push(InvariantProblem::new(
                DanglingReference,
                l.case_id,
                format!("a link points to missing case {}", l.case_id),
            ));
        }
    }
    for c in &snapshot.contacts {
        if let Some(p) = c.profile_id {
            match profiles.get(&p) {
                None => problems.push(InvariantProblem::new(
                    DanglingReference,
                    c.id,
                    format!("contact {} points to missing profile", c.id),
                )),
                Some(p) if p.is_tombstone() => problems.push(InvariantProblem::new(
                    ContactOnTombstone,
                    c.id,
                    format!("contact {} points to tombstone {}", c.id, p.customer_id),
                )),
                _ => {}
            }
        }
        for k in &c.case_ids {
            if !cases.contains(k) {
                problems.push(InvariantProblem::new(
                    DanglingReference,
                    c.id,
                    format!("contact {} points to missing case {k}", c.id),
                ));
            }
        }
    }
    for r in &snapshot.relations {
        if r.a == r.b {
            problems.push(InvariantProblem::new(
                SelfRelation,
                r.a,
                format!("profile {} is related to itself", r.a),
            ));
        }
        for id in [r.a, r.b] {
            if !profiles.contains_key(&id) {
                problems.push(InvariantProblem::new(
                    DanglingReference,
                    id,
                    format!("a relation points to missing profile {id}"),
                ));
            }
        }
    }
    problems.extend(merge_problems(snapshot));
    problems
}

/// Half-done merges: a journal in force whose tombstone does not redirect
/// to its survivor, or a tombstone without a journal.
fn merge_problems(snapshot: &Snapshot) -> Vec<InvariantProblem> {
    let mut problems = Vec::new();
    let profile = |id: Uuid| snapshot.profiles.iter().find(|p| p.id == id);
    let mut journaled = HashSet::new();
    for (kind, id, value) in &snapshot.blobs {
        if kind != MERGE_JOURNAL {
            continue;
        }
        let Ok(record) = serde_json::from_value::<MergeRecord>(value.clone()) else {
            problems.push(InvariantProblem::new(
                ProblemKind::BrokenMerge,
                id,
                format!("merge journal {id} is unreadable"),
            ));
            continue;
        };
        if record.status == MergeStatus::Merged {
            journaled.insert(record.tombstone_after.id);
            if profile(record.tombstone_after.id).and_then(|p| p.merged_into)
                != Some(record.survivor_after.id)
            {
                problems.push(InvariantProblem::new(
                    ProblemKind::BrokenMerge,
                    id,
                    format!(
                        "merge {id}: {} does not redirect to {}",
                        record.tombstone_after.customer_id, record.survivor_after.customer_id
                    ),
                ));
            }
        }
    }
    for p in &snapshot.profiles {
        if p.is_tombstone() && !journaled.contains(&p.id) {
            problems.push(InvariantProblem::new(
                ProblemKind::TombstoneWithoutJournal,
                &p.customer_id,
                format!("tombstone {} has no merge journal", p.customer_id),
            ));
        }
    }
    problems
}

/// A profile indexed by other values than those derived from it.
pub(crate) fn profile_index_problem(
    profile: &Profile,
    derived: &ProfileIndex,
    stored: Option<&ProfileIndex>,
) -> Option<InvariantProblem> {
    let same = stored.is_some_and(|s| {
        sorted_set(&s.keys) == sorted_set(&derived.keys)
            && sorted_set(&s.name_tokens) == sorted_set(&derived.name_tokens)
    });
    (!same).then(|| {
        InvariantProblem::new(
            ProblemKind::StaleIndex,
            &profile.customer_id,
            format!("profile {} has stale index keys", profile.customer_id),
        )
    })
}

/// A case indexed by other search tokens than those derived from it.
pub(crate) fn case_index_problem(
    number: &str,
    derived: &CaseIndex,
    stored: Option<&CaseIndex>,
) -> Option<InvariantProblem> {
    let same =
        stored.is_some_and(|s| sorted_set(&s.search_tokens) == sorted_set(&derived.search_tokens));
    (!same).then(|| {
        InvariantProblem::new(
            ProblemKind::StaleIndex,
            number,
            format!("case {number} has stale search tokens"),
        )
    })
}

fn sorted_set(values: &[String]) -> BTreeSet<&str> {
    values.iter().map(String::as_str).collect()
}
