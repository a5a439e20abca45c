//! Duplicate detection over many profiles: candidates for one profile, and
//! the whole-store report that clusters probable duplicates, comparing only
//! profiles that share a blocking key.

use super::blocking::{candidate_pairs, key_hash};
use super::matching::{score, score_explained, MatchView, Pass};
use super::rules::{MatchReason, MatchScore, MatchingConfig};
use super::training::MatchingTraining;
use crate::model::{Profile, ProfileSummary};
use crate::parallel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A probable duplicate of a profile, with its score and the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateCandidate {
    /// The candidate.
    pub profile: ProfileSummary,
    /// Score in 0..1.
    pub score: f64,
    /// Why it matched.
    pub reasons: Vec<MatchReason>,
}

/// A profile in a duplicate report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateMember {
    /// Internal id.
    pub id: Uuid,
    /// Customer ID.
    pub customer_id: String,
    /// Display name.
    pub display_name: String,
}

/// A scored pair inside a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicatePair {
    /// One profile (customer ID).
    pub a: String,
    /// The other profile (customer ID).
    pub b: String,
    /// Score in 0..1.
    pub score: f64,
    /// Why they matched.
    pub reasons: Vec<MatchReason>,
}

/// Profiles that probably describe one person (connected by probable-duplicate pairs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateCluster {
    /// The profiles, by customer ID.
    pub members: Vec<DuplicateMember>,
    /// The pairs that scored at or above the candidate threshold.
    pub pairs: Vec<DuplicatePair>,
}

/// A candidate key shared by too many profiles to compare them pairwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedBlock {
    /// The key (e.g. a phone number shared by a call centre).
    pub key: String,
    /// How many profiles share it.
    pub size: usize,
}

/// Probable duplicates across the whole store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateReport {
    /// Clusters, strongest first.
    pub clusters: Vec<DuplicateCluster>,
    /// Live profiles examined.
    pub profiles_scanned: usize,
    /// Pairs scored (the work blocking left; all-pairs would be n(n-1)/2).
    pub comparisons: u64,
    /// Keys too common to compare on.
    pub skipped_blocks: Vec<SkippedBlock>,
}

struct UnionFind(Vec<u32>);

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb) as usize] = ra.min(rb);
        }
    }
}

/// The score of `other` as a duplicate of the profile seen as `view`, when
/// it is a live profile other than `profile` scoring at or above the
/// candidate threshold.
pub(crate) fn score_candidate(
    config: &MatchingConfig,
    view: &MatchView,
    profile: &Profile,
    other: Profile,
) -> Option<(Profile, MatchScore)> {
    if other.id == profile.id || other.is_tombstone() {
        return None;
    }
    let other_view = MatchView::of(&other);
    strong_score(config, view, &other_view).map(|s| (other, s))
}

/// The explained score of a pair scoring at or above the candidate
/// threshold: most pairs do not, and are scored without words.
fn strong_score(config: &MatchingConfig, a: &MatchView, b: &MatchView) -> Option<MatchScore> {
    let quick = score_explained(config, a, b, Pass::Quick);
    (quick.score >= config.candidate_threshold).then(|| score(config, a, b))
}

/// Candidates best first (ties by customer ID), at most `max_candidates`.
pub(crate) fn rank_candidates(
    config: &MatchingConfig,
    mut scored: Vec<(Profile, MatchScore)>,
) -> Vec<(Profile, MatchScore)> {
    scored.sort_by(|a, b| {
        b.1.score
            .total_cmp(&a.1.score)
            .then(a.0.customer_id.cmp(&b.0.customer_id))
    });
    scored.truncate(config.max_candidates);
    scored
}

/// The whole-store report, built from the live profiles a page at a time.
#[derive(Default)]
pub(crate) struct ReportBuilder {
    members: Vec<DuplicateMember>,
    views: Vec<MatchView>,
    /// Each profile's candidate keys, hashed, sorted and unique.
    keys_of: Vec<Vec<u64>>,
}

impl ReportBuilder {
    /// Adds the live profiles of a page (their views are built on all cores).
    pub(crate) fn add_page(&mut self, page: &[&Profile]) {
        let live: Vec<&Profile> = page.iter().copied().filter(|p| !p.is_tombstone()).collect();
        let built = parallel::map(&live, |p| {
            let view = MatchView::of(p);
            let mut keys: Vec<u64> = Vec::new();
            view.lookup_keys_into(&mut keys);
            keys.sort_unstable();
            keys.dedup();
            let member = DuplicateMember {
                id: p.id,
                customer_id: p.customer_id.clone(),
                display_name: p.display_name(),
            };
            (member, view, keys)
        });
        for (member, view, keys) in built {
            self.members.push(member);
            self.views.push(view);
            self.keys_of.push(keys);
        }
    }

    /// Adds the profiles another builder holds.
    pub(crate) fn append(&mut self, other: ReportBuilder) {
        self.members.extend(other.members);
        self.views.extend(other.views);
        self.keys_of.extend(other.keys_of);
    }

    /// Learns matching weights from the candidate pairs among the profiles added.
    pub(crate) fn train(&self, config: &MatchingConfig) -> crate::Result<MatchingTraining> {
        super::training::train(config, &self.keys_of, &self.views)
    }

    /// Compares the candidate pairs (on all cores) and clusters the probable duplicates.
    pub(crate) fn finish(self, config: &MatchingConfig) -> DuplicateReport {
        let ReportBuilder {
            members,
            views,
            keys_of,
        } = self;
        let candidates = candidate_pairs(&keys_of, &views, config);
        let comparisons = candidates.pairs.len() as u64;
        let pairs: Vec<(u32, u32, MatchScore)> =
            parallel::filter_map(&candidates.pairs, |&(i, j)| {
                strong_score(config, &views[i as usize], &views[j as usize]).map(|s| (i, j, s))
            });
        let mut skipped: Vec<SkippedBlock> = candidates
            .oversized
            .iter()
            .map(|block| SkippedBlock {
                key: views[block.member as usize]
                    .lookup_keys()
                    .into_iter()
                    .find(|k| key_hash(k) == block.key)
                    .unwrap_or_default(),
                size: block.size,
            })
            .collect();
        let mut sets = UnionFind((0..views.len() as u32).collect());
        for (i, j, _) in &pairs {
            sets.union(*i, *j);
        }
        let mut by_root: HashMap<u32, (Vec<u32>, Vec<DuplicatePair>)> = HashMap::new();
        for (i, j, s) in pairs {
            let root = sets.find(i);
            let entry = by_root.entry(root).or_default();
            entry.1.push(DuplicatePair {
                a: members[i as usize].customer_id.clone(),
                b: members[j as usize].customer_id.clone(),
                score: s.score,
                reasons: s.reasons,
            });
            for x in [i, j] {
                if !entry.0.contains(&x) {
                    entry.0.push(x);
                }
            }
        }
        let mut clusters: Vec<DuplicateCluster> = by_root
            .into_values()
            .map(|(mut idx, mut pairs)| {
                idx.sort_unstable_by(|a, b| {
                    members[*a as usize]
                        .customer_id
                        .cmp(&members[*b as usize].customer_id)
                });
                pairs.sort_by(|a, b| {
                    b.score
                        .total_cmp(&a.score)
                        .then(a.a.cmp(&b.a))
                        .then(a.b.cmp(&b.b))
                });
                DuplicateCluster {
                    members: idx
                        .into_iter()
                        .map(|i| members[i as usize].clone())
                        .collect(),
                    pairs,
                }
            })
            .collect();
        let best = |c: &DuplicateCluster| c.pairs.first().map_or(0.0, |p| p.score);
        clusters.sort_by(|a, b| {
            best(b)
                .total_cmp(&best(a))
                .then(a.members[0].customer_id.cmp(&b.members[0].customer_id))
        });
        skipped.sort_by(|a, b| b.size.cmp(&a.size).then(a.key.cmp(&b.key)));
        DuplicateReport {
            clusters,
            profiles_scanned: members.len(),
            comparisons,
            skipped_blocks: skipped,
        }
    }
}
