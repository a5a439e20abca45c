//! Identity: duplicate detection with explainable scores, whole-store
//! duplicate reports with blocking, and reversible merges.
//!
//! Nothing here merges on its own: detection suggests, a person (or the
//! calling product) decides.

mod duplicates;
mod matching;
mod merge;

pub use duplicates::{
    DuplicateCandidate, DuplicateCluster, DuplicateMember, DuplicatePair, DuplicateReport,
    SkippedBlock,
};
pub use matching::{
    canonical_given, score, MatchField, MatchMethod, MatchReason, MatchRule, MatchScore, MatchView,
    MatchingConfig, NICKNAMES,
};
pub(crate) use merge::merge_problems;
pub use merge::{
    FieldConflict, FieldSource, MergeOutcome, MergePlan, MergePreview, MergeRecord, MergeStatus,
};
