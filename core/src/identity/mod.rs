//! Identity: what profiles are found by, duplicate detection with
//! explainable scores, whole-store duplicate reports with blocking, and
//! the plans and journals of reversible merges. Everything here is pure:
//! the engine reads and writes the store.
//!
//! Nothing here merges on its own: detection suggests, a person (or the
//! calling product) decides.

mod blocking;
mod duplicates;
mod evidence;
mod keys;
mod matching;
mod merge;
mod merge_plan;
mod nicknames;
mod rules;
#[cfg(test)]
mod test_support;
mod training;

pub(crate) use duplicates::{rank_candidates, score_candidate, ReportBuilder};
pub use duplicates::{
    DuplicateCandidate, DuplicateCluster, DuplicateMember, DuplicatePair, DuplicateReport,
    SkippedBlock,
};
pub(crate) use keys::{
    account_key, identification_key, name_tokens, profile_index, KEY_RULES_VERSION,
};
pub(crate) use matching::MatchView;
pub(crate) use merge::MERGE_JOURNAL;
pub use merge::{
    FieldConflict, FieldSource, MergeOutcome, MergePlan, MergePreview, MergeRecord, MergeStatus,
};
pub(crate) use merge_plan::{plan_merge, MergeSides, MergeWork};
pub use rules::{MatchField, MatchMethod, MatchReason, MatchRule, MatchScore, MatchingConfig};
pub use training::{
    ComparisonLevel, LevelEstimate, MatchingTraining, RuleEstimate, MIN_TRAINING_PAIRS,
};
