//! Loading a generated dataset into an engine and scoring a duplicate report
//! against the ground truth.

use crate::Dataset;
use casebook::store::Store;
use casebook::{Actor, Casebook, CreateOptions, DuplicateReport, Result};
use std::collections::HashMap;

/// Precision, recall and F1 of a duplicate report over record pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Record pairs describing one person.
    pub true_pairs: u64,
    /// Record pairs the report puts in one cluster.
    pub predicted_pairs: u64,
    /// Predicted pairs that describe one person.
    pub correct_pairs: u64,
    /// correct / predicted.
    pub precision: f64,
    /// correct / true.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Quality {
    /// Precision, recall and F1 from pair counts (1 where nothing was to find or predicted).
    pub fn from_counts(true_pairs: u64, predicted_pairs: u64, correct_pairs: u64) -> Quality {
        let ratio = |part: u64, whole: u64| {
            if whole == 0 {
                1.0
            } else {
                part as f64 / whole as f64
            }
        };
        let precision = ratio(correct_pairs, predicted_pairs);
        let recall = ratio(correct_pairs, true_pairs);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Quality {
            true_pairs,
            predicted_pairs,
            correct_pairs,
            precision,
            recall,
            f1,
        }
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "precision {:.3}, recall {:.3}, F1 {:.3} ({} of {} predicted pairs correct, {} true pairs)",
            self.precision, self.recall, self.f1, self.correct_pairs, self.predicted_pairs, self.true_pairs
        )
    }
}

/// Creates every record of the dataset (duplicates allowed) and returns the
/// customer ID given to each record, in record order.
pub fn load<S: Store>(cb: &Casebook<S>, data: &Dataset) -> Result<Vec<String>> {
    let options = CreateOptions {
        allow_duplicates: true,
    };
    data.records
        .iter()
        .map(|r| {
            cb.create_profile(&Actor::new("loader"), r.clone(), options)
                .map(|p| p.customer_id)
        })
        .collect()
}

/// Scores a report: every pair of records in one cluster is a predicted duplicate.
pub fn evaluate(report: &DuplicateReport, data: &Dataset, customer_ids: &[String]) -> Quality {
    let person_of: HashMap<&str, usize> = customer_ids
        .iter()
        .zip(&data.person_of)
        .map(|(c, p)| (c.as_str(), *p))
        .collect();
    let mut predicted = 0u64;
    let mut correct = 0u64;
    for cluster in &report.clusters {
        let people: Vec<Option<usize>> = cluster
            .members
            .iter()
            .map(|m| person_of.get(m.customer_id.as_str()).copied())
            .collect();
        for (i, a) in people.iter().enumerate() {
            for b in &people[i + 1..] {
                predicted += 1;
                if a.is_some() && a == b {
                    correct += 1;
                }
            }
        }
    }
    Quality::from_counts(data.true_pairs() as u64, predicted, correct)
}
