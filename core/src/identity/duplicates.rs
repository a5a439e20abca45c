//! Duplicate candidates for one profile and the whole-store duplicate report.

use super::matching::{score, MatchScore, MatchView};
use crate::engine::{Casebook, Ref};
use crate::error::Result;
use crate::model::{Profile, ProfileInput, ProfileSummary};
use crate::store::{ReadTx, Store, StoreExt};
use crate::template::Mode;
use crate::MatchReason;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// A probable duplicate of a profile, with its score and the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct DuplicateCluster {
    /// The profiles, by customer ID.
    pub members: Vec<DuplicateMember>,
    /// The pairs that scored at or above the candidate threshold.
    pub pairs: Vec<DuplicatePair>,
}

/// A candidate key shared by too many profiles to compare them pairwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct SkippedBlock {
    /// The key (e.g. a phone number shared by a call centre).
    pub key: String,
    /// How many profiles share it.
    pub size: usize,
}

/// Probable duplicates across the whole store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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

const REPORT_PAGE: usize = 5_000;

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

impl<S: Store> Casebook<S> {
    pub(crate) fn duplicate_candidates_in(
        &self,
        tx: &dyn ReadTx,
        profile: &Profile,
    ) -> Result<Vec<DuplicateCandidate>> {
        let config = &self.config().matching;
        let view = MatchView::of(profile);
        let mut ids: BTreeSet<Uuid> = BTreeSet::new();
        for key in view.lookup_keys() {
            let found = tx.profiles_by_key(&key)?;
            if found.len() <= config.max_block_size {
                ids.extend(found);
            }
        }
        let mut scored: Vec<(Profile, MatchScore)> = Vec::new();
        for id in ids {
            let Some(other) = tx.profile(id)? else {
                continue;
            };
            if other.id == profile.id || other.is_tombstone() {
                continue;
            }
            let s = score(config, &view, &MatchView::of(&other));
            if s.score >= config.candidate_threshold {
                scored.push((other, s));
            }
        }
        scored.sort_by(|a, b| {
            b.1.score
                .total_cmp(&a.1.score)
                .then(a.0.customer_id.cmp(&b.0.customer_id))
        });
        scored.truncate(config.max_candidates);
        scored
            .into_iter()
            .map(|(p, s)| {
                Ok(DuplicateCandidate {
                    profile: self.summary_in(tx, &p)?,
                    score: s.score,
                    reasons: s.reasons,
                })
            })
            .collect()
    }

    /// Probable duplicates of an existing profile, best first, with scores and reasons.
    pub fn duplicate_candidates<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
    ) -> Result<Vec<DuplicateCandidate>> {
        let r = profile.into();
        self.store().read_with(|tx| {
            let p = self.resolve_profile(tx, r)?;
            self.duplicate_candidates_in(tx, &p)
        })
    }

    /// Probable duplicates of a draft (a profile not created yet).
    pub fn duplicate_candidates_for_draft(
        &self,
        draft: &ProfileInput,
    ) -> Result<Vec<DuplicateCandidate>> {
        self.store().read_with(|tx| {
            // Invalid parts of a draft are simply not compared.
            let (prepared, _, _) = self.prepare_profile(tx, draft, Mode::Draft, None)?;
            let profile = self.build_profile(prepared, Uuid::nil(), String::new(), "draft");
            self.duplicate_candidates_in(tx, &profile)
        })
    }

    /// Clusters of probable duplicates across the whole store. Profiles are
    /// compared only when they share a candidate key (a contact point, an
    /// account, an identification, the phonetic name key, the birth key),
    /// never all pairs.
    pub fn duplicate_report(&self) -> Result<DuplicateReport> {
        let config = &self.config().matching;
        let mut members: Vec<DuplicateMember> = Vec::new();
        let mut views: Vec<MatchView> = Vec::new();
        let mut keys_of: Vec<Vec<String>> = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store()
                .read_with(|tx| tx.profiles_page(after, REPORT_PAGE))?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for p in page.iter().filter(|p| !p.is_tombstone()) {
                let view = MatchView::of(p);
                let mut keys = view.lookup_keys();
                keys.sort();
                keys.dedup();
                keys_of.push(keys);
                views.push(view);
                members.push(DuplicateMember {
                    id: p.id,
                    customer_id: p.customer_id.clone(),
                    display_name: p.display_name(),
                });
            }
        }
        let mut blocks: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, keys) in keys_of.iter().enumerate() {
            for k in keys {
                blocks.entry(k.as_str()).or_default().push(i as u32);
            }
        }
        let mut skipped = Vec::new();
        let mut comparisons = 0u64;
        let mut pairs: Vec<(u32, u32, MatchScore)> = Vec::new();
        let mut sorted_blocks: Vec<(&str, Vec<u32>)> = blocks.into_iter().collect();
        sorted_blocks.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (key, block) in &sorted_blocks {
            if block.len() < 2 {
                continue;
            }
            if block.len() > config.max_block_size {
                skipped.push(SkippedBlock {
                    key: key.to_string(),
                    size: block.len(),
                });
                continue;
            }
            for (x, &i) in block.iter().enumerate() {
                for &j in &block[x + 1..] {
                    // Score each pair once: in the first key (in sort order) the two share.
                    let first_shared = keys_of[i as usize]
                        .iter()
                        .find(|k| keys_of[j as usize].binary_search(k).is_ok())
                        .map(String::as_str);
                    if first_shared != Some(*key) {
                        continue;
                    }
                    comparisons += 1;
                    let s = score(config, &views[i as usize], &views[j as usize]);
                    if s.score >= config.candidate_threshold {
                        pairs.push((i.min(j), i.max(j), s));
                    }
                }
            }
        }
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
        Ok(DuplicateReport {
            clusters,
            profiles_scanned: members.len(),
            comparisons,
            skipped_blocks: skipped,
        })
    }
}
