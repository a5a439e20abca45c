//! Matching configuration: the rules (field, method, weight, penalty),
//! the thresholds, and the explained score they give a pair.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What a matching rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    /// Phone numbers (E.164 with equivalence rules).
    Phone,
    /// E-mail addresses.
    Email,
    /// Social handles.
    Social,
    /// Identity documents of the same kind.
    Identification,
    /// Account ids.
    Account,
    /// Given and family name.
    Name,
    /// Given and family name written the other way round.
    SwappedName,
    /// Date of birth.
    DateOfBirth,
    /// Postal addresses.
    Address,
}

/// How a rule compares its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Values equal as stored.
    Exact,
    /// Values equal after normalisation (phones in E.164, e-mails and names case- and accent-folded, nicknames resolved).
    Normalized,
    /// Similarity at or above the rule's threshold: Jaro-Winkler for names,
    /// for addresses the better of word overlap (Dice coefficient, a word
    /// one keystroke off counting as shared) and character-trigram overlap.
    Fuzzy,
}

/// One matching rule: a field, a method and the evidence it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Field compared.
    pub field: MatchField,
    /// Comparison method.
    pub method: MatchMethod,
    /// Added to the score when the field agrees (scaled by similarity for fuzzy rules).
    pub weight: f64,
    /// Fuzzy rules: the similarity (0..1) at which the field agrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Subtracted when both profiles have the field and it clearly disagrees.
    #[serde(default)]
    pub penalty: f64,
    /// Fuzzy rules: the similarity below which the field disagrees (default 0.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disagree_below: Option<f64>,
}

impl MatchRule {
    pub(super) fn new(field: MatchField, method: MatchMethod, weight: f64, penalty: f64) -> Self {
        MatchRule {
            field,
            method,
            weight,
            threshold: None,
            penalty,
            disagree_below: None,
        }
    }
}

/// Duplicate-detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MatchingConfig {
    /// The rules, applied together; the score is the clamped sum of their contributions.
    pub rules: Vec<MatchRule>,
    /// Score from which a pair is a probable duplicate (listed as a candidate, clustered in reports).
    pub candidate_threshold: f64,
    /// Score from which creating a profile is refused without the duplicate override.
    pub warn_threshold: f64,
    /// Blocks (profiles sharing a candidate key) larger than this are not compared pairwise
    /// (a call-centre number shared by thousands of records says nothing).
    pub max_block_size: usize,
    /// The whole-store report compares a block of at most twice this many
    /// profiles pairwise, and a larger one by sorted neighbourhood: each
    /// profile against the next `block_window` in name order (then date of
    /// birth), so the work per profile stays flat as the store grows.
    pub block_window: usize,
    /// Most candidates returned for one profile.
    pub max_candidates: usize,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        use MatchField::*;
        use MatchMethod::*;
        MatchingConfig {
            rules: vec![
                MatchRule::new(Identification, Normalized, 0.6, 0.1),
                MatchRule::new(Account, Normalized, 0.5, 0.0),
                MatchRule::new(Email, Normalized, 0.45, 0.0),
                MatchRule::new(Phone, Normalized, 0.35, 0.0),
                MatchRule::new(Social, Normalized, 0.35, 0.0),
                MatchRule {
                    threshold: Some(0.88),
                    disagree_below: Some(0.7),
                    ..MatchRule::new(Name, Fuzzy, 0.4, 0.3)
                },
                MatchRule {
                    threshold: Some(0.9),
                    ..MatchRule::new(SwappedName, Fuzzy, 0.35, 0.0)
                },
                MatchRule::new(DateOfBirth, Exact, 0.25, 0.3),
                MatchRule {
                    threshold: Some(0.6),
                    ..MatchRule::new(Address, Fuzzy, 0.35, 0.0)
                },
            ],
            candidate_threshold: 0.6,
            warn_threshold: 0.8,
            max_block_size: 1_000,
            block_window: 8,
            max_candidates: 20,
        }
    }
}

impl MatchingConfig {
    /// Checks the rules make sense.
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(format!("matching: {m}")));
        for r in &self.rules {
            if !(0.0..=1.0).contains(&r.weight) || !(0.0..=1.0).contains(&r.penalty) {
                return bad(format!(
                    "{:?}: weight and penalty must be between 0 and 1",
                    r.field
                ));
            }
            let fuzzy_field = matches!(
                r.field,
                MatchField::Name | MatchField::SwappedName | MatchField::Address
            );
            match (r.method, fuzzy_field) {
                (MatchMethod::Fuzzy, false) => {
                    return bad(format!(
                        "{:?} has no fuzzy comparison; use exact or normalized",
                        r.field
                    ))
                }
                (MatchMethod::Fuzzy, true) => match r.threshold {
                    Some(t) if (0.0..=1.0).contains(&t) => {}
                    _ => {
                        return bad(format!(
                            "{:?}: a fuzzy rule needs a threshold between 0 and 1",
                            r.field
                        ))
                    }
                },
                _ => {}
            }
            if r.field == MatchField::SwappedName && r.method != MatchMethod::Fuzzy {
                return bad("swapped_name is compared fuzzily".into());
            }
        }
        if !(0.0..=1.0).contains(&self.candidate_threshold)
            || self.warn_threshold < self.candidate_threshold
        {
            return bad(
                "thresholds must satisfy 0 <= candidate_threshold <= warn_threshold".into(),
            );
        }
        if self.max_block_size < 2 || self.max_candidates == 0 || self.block_window == 0 {
            return bad(
                "max_block_size must be at least 2, max_candidates and block_window at least 1"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Why two profiles were matched: one rule's contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MatchReason {
    /// Field compared.
    pub field: MatchField,
    /// Method used.
    pub method: MatchMethod,
    /// Whether the field agreed (`true`) or disagreed (`false`, a penalty).
    pub agrees: bool,
    /// Similarity for fuzzy rules (1 for exact agreement).
    pub similarity: f64,
    /// Contribution to the score (negative for a penalty).
    pub contribution: f64,
    /// In words, e.g. `same phone +447911123456`.
    pub detail: String,
}

/// The score of a pair of profiles and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MatchScore {
    /// 0 (nothing in common) to 1 (certainly the same person).
    pub score: f64,
    /// Every rule that contributed.
    pub reasons: Vec<MatchReason>,
}
