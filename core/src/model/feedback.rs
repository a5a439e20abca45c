//! Satisfaction feedback on a case: a score on the configured scale and
//! an optional comment, at most one per customer per case, once the case
//! is resolved.

use super::Channel;
use crate::error::{Error, Result};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The scale satisfaction scores are given on (default 1 to 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackScale {
    /// Lowest score (the least satisfied).
    pub min: u8,
    /// Highest score (the most satisfied).
    pub max: u8,
}

impl Default for FeedbackScale {
    fn default() -> Self {
        FeedbackScale { min: 1, max: 5 }
    }
}

impl FeedbackScale {
    /// Refuses a scale without at least two scores.
    pub fn check(&self) -> Result<()> {
        if self.min >= self.max {
            return Err(Error::InvalidInput(format!(
                "feedback_scale: min ({}) must be below max ({})",
                self.min, self.max
            )));
        }
        Ok(())
    }

    /// Whether a score is on the scale.
    pub fn holds(&self, score: i64) -> bool {
        (i64::from(self.min)..=i64::from(self.max)).contains(&score)
    }
}

/// A customer's satisfaction feedback on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Feedback {
    /// The profile who gave it (linked to the case).
    pub profile: Uuid,
    /// Its customer ID.
    pub customer_id: String,
    /// The score, on the scale configured when it was given.
    pub score: u8,
    /// The scale's lowest and highest scores then.
    pub scale: FeedbackScale,
    /// What the customer wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The channel it came through (a survey e-mail, an IVR, a web form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When it was given.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub given_at: Timestamp,
    /// Who recorded it (an agent, the survey system).
    pub recorded_by: String,
}

/// Feedback as it is recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// The profile (customer ID or id), linked to the case.
    pub profile: String,
    /// The score on the configured scale.
    pub score: i64,
    /// What the customer wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The channel it came through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When it was given (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub given_at: Option<Timestamp>,
}
