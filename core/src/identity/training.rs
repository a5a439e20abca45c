//! Learning the matching weights from the store itself: a Fellegi–Sunter
//! model whose m and u probabilities (how often each rule's comparison
//! level occurs among true duplicates, and among other pairs) are
//! estimated without labels by expectation maximisation over the candidate
//! pairs the report would compare, starting from the hand-set rules. The
//! learned log-likelihood ratios become the weights and penalties of an
//! ordinary [`MatchingConfig`], so scores stay explainable reason by reason.

use super::blocking::candidate_pairs;
use super::matching::{score_explained, MatchView, Pass};
use super::rules::{MatchField, MatchMethod, MatchReason, MatchRule, MatchingConfig};
use crate::error::{Error, Result};
use crate::parallel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What one rule saw when it compared a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComparisonLevel {
    /// The field agrees in full (equal, or similar at the rule's threshold).
    Agree,
    /// It agrees in part: one keystroke apart, one name part missing, the
    /// same given name with another surname.
    Partial,
    /// Both profiles have the field and it clearly differs.
    Disagree,
}

const LEVELS: [ComparisonLevel; 3] = [
    ComparisonLevel::Agree,
    ComparisonLevel::Partial,
    ComparisonLevel::Disagree,
];

/// The pattern slot of a rule with nothing to compare (a side lacks the
/// field, or the values are too close to call). Such a comparison is
/// neutral, as in the usual Fellegi–Sunter treatment of missing values:
/// which fields a profile lacks says how it was entered, not who it is,
/// and letting it count would split the pairs by completeness instead of
/// by identity.
const NO_EVIDENCE: usize = 3;

/// One level's learned probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LevelEstimate {
    /// The level.
    pub level: ComparisonLevel,
    /// Candidate pairs at this level.
    pub pairs: u64,
    /// Its probability among duplicates.
    pub m: f64,
    /// Its probability among other pairs.
    pub u: f64,
    /// The evidence it gives, log2(m / u): positive for, negative against.
    pub bits: f64,
}

/// What was learned for one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleEstimate {
    /// The rule's field.
    pub field: MatchField,
    /// The rule's method.
    pub method: MatchMethod,
    /// Whether anything was learned for it: its weight when agreements were
    /// seen, its penalty when disagreements were; a rule whose field was
    /// never compared (no such data in the store) stays as configured.
    pub learned: bool,
    /// The levels seen in at least one pair.
    pub levels: Vec<LevelEstimate>,
    /// Pairs where the rule had nothing to compare; they count neither way.
    pub no_evidence_pairs: u64,
}

/// The outcome of [`Casebook::train_matching`](crate::Casebook::train_matching):
/// the learned configuration, to review and then pass in
/// [`Config::matching`](crate::Config::matching), and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MatchingTraining {
    /// The configuration with learned weights, penalties and thresholds
    /// (blocking settings as they were).
    pub config: MatchingConfig,
    /// Candidate pairs learned from.
    pub pairs: u64,
    /// Distinct patterns of levels among them.
    pub patterns: usize,
    /// The estimated share of candidate pairs that are duplicates.
    pub match_share: f64,
    /// Bits of evidence one unit of score stands for in `config`.
    pub bits_per_unit: f64,
    /// Expectation-maximisation rounds run.
    pub iterations: u32,
    /// Whether the estimates settled before the round limit.
    pub converged: bool,
    /// Per rule, what was learned.
    pub rules: Vec<RuleEstimate>,
}

/// Fewest candidate pairs to learn from: fewer say nothing reliable.
pub const MIN_TRAINING_PAIRS: usize = 50;

/// Pseudo-pairs the hand-set rules weigh as, per rule and class: enough to
/// keep a level seen a few times from an extreme estimate, few enough that
/// the data decides.
const PRIOR_PAIRS: f64 = 10.0;

/// Bits of evidence a unit of hand-set weight is read as for the prior.
const PRIOR_BITS_PER_UNIT: f64 = 10.0;

const MAX_ITERATIONS: u32 = 500;
const TOLERANCE: f64 = 1e-7;

/// Posterior probability of a duplicate at which a pair becomes a candidate,
/// and at which creating a profile asks for the override.
const CANDIDATE_POSTERIOR: f64 = 0.5;
const WARN_POSTERIOR: f64 = 0.99;

/// The candidate threshold the learned configuration aims for when no
/// weight needs a larger scale.
const TARGET_CANDIDATE_THRESHOLD: f64 = 0.6;

/// The pattern slot a rule's reason (or its absence) stands for.
fn level_of(rule: &MatchRule, reason: Option<&MatchReason>) -> usize {
    let level = match reason {
        None => return NO_EVIDENCE,
        Some(r) if !r.agrees => ComparisonLevel::Disagree,
        Some(r) if rule.weight <= 0.0 || r.contribution >= rule.weight * r.similarity * 0.999 => {
            ComparisonLevel::Agree
        }
        Some(_) => ComparisonLevel::Partial,
    };
    level as usize
}

/// The levels of every rule for one pair, two bits per rule.
fn pattern(config: &MatchingConfig, a: &MatchView, b: &MatchView) -> u64 {
    let reasons = score_explained(config, a, b, Pass::Levels).reasons;
    config.rules.iter().enumerate().fold(0, |acc, (k, rule)| {
        let reason = reasons
            .iter()
            .find(|r| r.field == rule.field && r.method == rule.method);
        acc | ((level_of(rule, reason) as u64) << (2 * k))
    })
}

fn level_at(pattern: u64, rule: usize) -> usize {
    ((pattern >> (2 * rule)) & 3) as usize
}

/// Probabilities of the three comparable levels, per rule, for one class.
type Distribution = Vec<[f64; 3]>;

/// The hand-set rules read as m and u probabilities: a weight of `w` makes
/// agreement `w * PRIOR_BITS_PER_UNIT` bits likelier among duplicates, a
/// penalty likewise for disagreement.
fn prior(config: &MatchingConfig) -> (Distribution, Distribution) {
    let normalised = |mut p: [f64; 3]| {
        let sum: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= sum);
        p
    };
    let m = config
        .rules
        .iter()
        .map(|_| normalised([0.8, 0.1, 0.1]))
        .collect();
    let u = config
        .rules
        .iter()
        .map(|r| {
            let agree = 0.8 * (-r.weight * PRIOR_BITS_PER_UNIT).exp2();
            let partial = 0.1 * (-r.weight * PRIOR_BITS_PER_UNIT / 2.0).exp2();
            let disagree = (0.1 * (r.penalty * PRIOR_BITS_PER_UNIT).exp2()).min(0.9);
            normalised([agree, partial, disagree])
        })
        .collect();
    (m, u)
}

/// Learns a matching configuration from the candidate pairs among `views`
/// (found as the whole-store report finds them, by the keys in `keys_of`),
/// starting from `config`'s rules.
pub(crate) fn train(
    config: &MatchingConfig,
    keys_of: &[Vec<u64>],
    views: &[MatchView],
) -> Result<MatchingTraining> {
    config.check()?;
    let rules = &config.rules;
    if rules.len() > 32 {
        return Err(Error::InvalidInput(
            "train_matching: at most 32 rules can be learned".into(),
        ));
    }
    for (k, rule) in rules.iter().enumerate() {
        if rules[..k]
            .iter()
            .any(|r| r.field == rule.field && r.method == rule.method)
        {
            return Err(Error::InvalidInput(format!(
                "train_matching: two rules compare {:?} by {:?}; keep one to learn its weight",
                rule.field, rule.method
            )));
        }
    }
    let candidates = candidate_pairs(keys_of, views, config);
    if candidates.pairs.len() < MIN_TRAINING_PAIRS {
        return Err(Error::InvalidState(format!(
            "train_matching: {} candidate pairs in the store, at least {MIN_TRAINING_PAIRS} are needed to learn from",
            candidates.pairs.len()
        )));
    }
    let seen = parallel::map(&candidates.pairs, |&(i, j)| {
        let (a, b) = (&views[i as usize], &views[j as usize]);
        let hand_set = score_explained(config, a, b, Pass::Quick).score;
        (
            pattern(config, a, b),
            hand_set >= config.candidate_threshold,
        )
    });
    // The hand-set rules' own verdicts give the starting share of duplicates.
    let hand_set_share = seen.iter().filter(|(_, dup)| *dup).count() as f64 / seen.len() as f64;
    let mut counted: HashMap<u64, u64> = HashMap::new();
    for (p, _) in seen {
        *counted.entry(p).or_default() += 1;
    }
    let mut patterns: Vec<(u64, u64)> = counted.into_iter().collect();
    patterns.sort_unstable();
    let fit = expectation_maximisation(config, &patterns, hand_set_share.clamp(0.01, 0.9));
    Ok(learned_config(config, &patterns, fit))
}

/// The fitted two-class model.
struct Fit {
    share: f64,
    m: Distribution,
    u: Distribution,
    iterations: u32,
    converged: bool,
}

fn expectation_maximisation(
    config: &MatchingConfig,
    patterns: &[(u64, u64)],
    starting_share: f64,
) -> Fit {
    let rules = config.rules.len();
    let (prior_m, prior_u) = prior(config);
    let (mut m, mut u) = (prior_m.clone(), prior_u.clone());
    let total: f64 = patterns.iter().map(|(_, n)| *n as f64).sum();
    let mut share = starting_share;
    let (mut iterations, mut converged) = (0, false);
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let mut dup_counts = vec![[0.0; 3]; rules];
        let mut other_counts = vec![[0.0; 3]; rules];
        let mut dup_total = 0.0;
        for &(p, n) in patterns {
            let (mut lm, mut lu) = (share.ln(), (1.0 - share).ln());
            for k in 0..rules {
                let l = level_at(p, k);
                if l != NO_EVIDENCE {
                    lm += m[k][l].ln();
                    lu += u[k][l].ln();
                }
            }
            let posterior = 1.0 / (1.0 + (lu - lm).exp());
            let (dup, other) = (posterior * n as f64, (1.0 - posterior) * n as f64);
            dup_total += dup;
            for k in 0..rules {
                let l = level_at(p, k);
                if l != NO_EVIDENCE {
                    dup_counts[k][l] += dup;
                    other_counts[k][l] += other;
                }
            }
        }
        let estimate = |counts: &[[f64; 3]], prior: &Distribution| {
            counts
                .iter()
                .zip(prior)
                .map(|(c, p)| {
                    let compared: f64 = c.iter().sum();
                    let mut row = [0.0; 3];
                    for l in 0..3 {
                        row[l] = (c[l] + PRIOR_PAIRS * p[l]) / (compared + PRIOR_PAIRS);
                    }
                    row
                })
                .collect::<Distribution>()
        };
        let next_m = estimate(&dup_counts, &prior_m);
        let next_u = estimate(&other_counts, &prior_u);
        let next_share = (dup_total / total).clamp(1e-6, 1.0 - 1e-6);
        let change = m
            .iter()
            .flatten()
            .zip(next_m.iter().flatten())
            .chain(u.iter().flatten().zip(next_u.iter().flatten()))
            .map(|(a, b)| (a - b).abs())
            .fold((share - next_share).abs(), f64::max);
        (m, u, share) = (next_m, next_u, next_share);
        if change < TOLERANCE {
            converged = true;
            break;
        }
    }
    // The two classes are found unlabelled: duplicates are the class whose
    // fields agree more often.
    let agreement = |d: &Distribution| d.iter().map(|row| row[0] - row[2]).sum::<f64>();
    if agreement(&m) < agreement(&u) {
        (m, u, share) = (u, m, 1.0 - share);
    }
    Fit {
        share,
        m,
        u,
        iterations,
        converged,
    }
}

fn learned_config(config: &MatchingConfig, patterns: &[(u64, u64)], fit: Fit) -> MatchingTraining {
    let rules = config.rules.len();
    let mut pairs_at = vec![[0u64; 4]; rules];
    for &(p, n) in patterns {
        for (k, counts) in pairs_at.iter_mut().enumerate() {
            counts[level_at(p, k)] += n;
        }
    }
    let bits = |k: usize, l: usize| (fit.m[k][l] / fit.u[k][l]).log2();
    let (agreed, disagreed) = (|k: usize| pairs_at[k][0] > 0, |k: usize| pairs_at[k][2] > 0);
    let learned: Vec<bool> = (0..rules).map(|k| agreed(k) || disagreed(k)).collect();
    // Per rule, the evidence of agreeing and of disagreeing; a pair with
    // nothing to compare scores 0 and keeps the prior odds.
    let constant = (fit.share / (1.0 - fit.share)).log2();
    let for_against: Vec<(f64, f64)> = (0..rules)
        .map(|k| {
            let agree = if agreed(k) { bits(k, 0).max(0.0) } else { 0.0 };
            let against = if disagreed(k) {
                (-bits(k, 2)).max(0.0)
            } else {
                0.0
            };
            (agree, against)
        })
        .collect();
    let odds = |posterior: f64| (posterior / (1.0 - posterior)).log2();
    let candidate_bits = (odds(CANDIDATE_POSTERIOR) - constant).max(0.0);
    let warn_bits = (odds(WARN_POSTERIOR) - constant).max(candidate_bits);
    let largest = for_against
        .iter()
        .map(|(a, d)| a.max(*d))
        .fold(0.0, f64::max);
    let bits_per_unit = (candidate_bits / TARGET_CANDIDATE_THRESHOLD)
        .max(warn_bits)
        .max(largest)
        .max(f64::MIN_POSITIVE);
    let round = |x: f64| (x.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
    let mut learned_rules = config.rules.clone();
    for (k, rule) in learned_rules.iter_mut().enumerate() {
        if agreed(k) {
            rule.weight = round(for_against[k].0 / bits_per_unit);
        }
        if disagreed(k) {
            rule.penalty = round(for_against[k].1 / bits_per_unit);
        }
    }
    // A threshold of 0 would make every pair in a block a candidate.
    let candidate_threshold = round(candidate_bits / bits_per_unit).max(0.05);
    let estimates = config
        .rules
        .iter()
        .enumerate()
        .map(|(k, rule)| RuleEstimate {
            field: rule.field,
            method: rule.method,
            learned: learned[k],
            no_evidence_pairs: pairs_at[k][NO_EVIDENCE],
            levels: (0..3)
                .filter(|l| pairs_at[k][*l] > 0)
                .map(|l| LevelEstimate {
                    level: LEVELS[l],
                    pairs: pairs_at[k][l],
                    m: fit.m[k][l],
                    u: fit.u[k][l],
                    bits: bits(k, l),
                })
                .collect(),
        })
        .collect();
    MatchingTraining {
        config: MatchingConfig {
            rules: learned_rules,
            candidate_threshold,
            warn_threshold: round(warn_bits / bits_per_unit).max(candidate_threshold),
            ..config.clone()
        },
        pairs: patterns.iter().map(|(_, n)| n).sum(),
        patterns: patterns.len(),
        match_share: fit.share,
        bits_per_unit,
        iterations: fit.iterations,
        converged: fit.converged,
        rules: estimates,
    }
}
