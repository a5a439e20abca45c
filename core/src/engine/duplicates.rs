//! Duplicate candidates for a profile or a draft, and the whole-store
//! duplicate report: the engine reads the profiles, identity scores them.

use super::profiles::build_profile;
use super::{Casebook, Ref};
use crate::error::Result;
use crate::identity::{
    rank_candidates, score_candidate, DuplicateCandidate, DuplicateReport, MatchView,
    MatchingTraining, ReportBuilder,
};
use crate::model::{Profile, ProfileInput};
use crate::store::{ReadTx, Store, StoreExt};
use crate::template::Mode;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Profiles read per page while building the whole-store report.
const REPORT_PAGE: usize = 5_000;

impl<S: Store> Casebook<S> {
    /// Probable duplicates of `profile`: the profiles sharing a candidate
    /// key with it (keys shared by too many profiles are skipped), scored.
    pub(super) fn duplicate_candidates_in(
        &self,
        tx: &dyn ReadTx,
        profile: &Profile,
    ) -> Result<Vec<DuplicateCandidate>> {
        let config = &self.config.matching;
        let mut ids: BTreeSet<Uuid> = BTreeSet::new();
        for key in MatchView::of(profile).lookup_keys() {
            let found = tx.profiles_by_key(&key)?;
            if found.len() <= config.max_block_size {
                ids.extend(found);
            }
        }
        // Scored as they are read: only the strong ones are kept.
        let view = MatchView::of(profile);
        let mut scored = Vec::new();
        for id in ids {
            if let Some(other) = tx.profile(id)? {
                scored.extend(score_candidate(config, &view, profile, other));
            }
        }
        rank_candidates(config, scored)
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
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, r)?;
            self.duplicate_candidates_in(tx, &p)
        })
    }

    /// Probable duplicates of a draft (a profile not created yet).
    pub fn duplicate_candidates_for_draft(
        &self,
        draft: &ProfileInput,
    ) -> Result<Vec<DuplicateCandidate>> {
        let now = self.now();
        self.store.read_with(|tx| {
            // Invalid parts of a draft are simply not compared.
            let prepared = self
                .prepare_profile(tx, draft, Mode::Draft, None, now)?
                .prepared;
            let profile = build_profile(prepared, "draft", now);
            self.duplicate_candidates_in(tx, &profile)
        })
    }

    /// Clusters of probable duplicates across the whole store. Profiles are
    /// compared only when they share a candidate key (a contact point, an
    /// account, an identification, the phonetic name key, the birth key),
    /// never all pairs; a large block by sorted neighbourhood (see
    /// [`MatchingConfig::block_window`](crate::MatchingConfig::block_window)).
    /// Views are built and pairs scored on all cores on native targets.
    pub fn duplicate_report(&self) -> Result<DuplicateReport> {
        Ok(self.every_live_profile()?.finish(&self.config.matching))
    }

    /// Learns the matching weights from this store's own profiles, without
    /// labels: the candidate pairs the duplicate report compares are fitted
    /// to a two-class Fellegi–Sunter model by expectation maximisation,
    /// starting from the configured rules. Nothing changes: the learned
    /// configuration comes back to be reviewed and passed in
    /// [`Config::matching`](crate::Config::matching). A store with fewer
    /// than [`MIN_TRAINING_PAIRS`](crate::MIN_TRAINING_PAIRS) candidate
    /// pairs gives `invalid_state`.
    ///
    /// ```
    /// # use casebook::Casebook;
    /// let cb = Casebook::in_memory();
    /// // ... profiles imported ...
    /// match cb.train_matching() {
    ///     Ok(training) => println!("learned from {} pairs: {:?}", training.pairs, training.config),
    ///     Err(e) => println!("not enough data yet: {e}"),
    /// }
    /// ```
    pub fn train_matching(&self) -> Result<MatchingTraining> {
        self.every_live_profile()?.train(&self.config.matching)
    }

    /// The live profiles' views and keys, read a page at a time.
    fn every_live_profile(&self) -> Result<ReportBuilder> {
        let mut report = ReportBuilder::default();
        let mut after = None;
        loop {
            // A store may run a read again (a retry): each run builds its own part.
            let (last, part) = self.store.read_with(|tx| {
                let mut part = ReportBuilder::default();
                let last =
                    tx.visit_profiles_page(after, REPORT_PAGE, &mut |page| part.add_page(page))?;
                Ok((last, part))
            })?;
            report.append(part);
            let Some(last) = last else { break };
            after = Some(last);
        }
        Ok(report)
    }
}
