//! Service levels: definitions (data, versioned), and clocks derived from
//! a case's history as a pure function of it, the definitions and "now".
//!
//! Nothing ticks: a clock is recomputed from the case's attribute changes,
//! its customer-visible comments (responses) and the customer messages
//! logged on it. The instants at which each running clock crosses a
//! warning threshold or breaches are handed to the store to index, so the
//! crossings due at an instant are found without looking at every case.

mod clock;
mod condition;
mod definition;
#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod properties;
mod set;
#[cfg(test)]
mod tests;

pub use clock::{derive_clocks, due_crossings, CaseSlaHistory, Crossing, SlaClock, SlaStage};
pub use condition::{FieldTest, SlaCondition};
pub use definition::{
    BreachWord, CalendarChoice, DefinitionContext, Escalation, EscalationPoint, RetroactiveStart,
    SlaDef, SlaDefinition, SlaTarget, SlaTime,
};
pub use set::SlaSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One threshold crossing or breach of a case's service level, as a store
/// indexes it: due at `due_at`, taken at most once (by its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaDue {
    /// The case.
    pub case_id: Uuid,
    /// The clock (policy group or definition id).
    pub slot: String,
    /// When the clock's run started (a reset starts a new run).
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub started_at: Timestamp,
    /// Percent of the duration (100: the breach).
    pub threshold: u8,
    /// When it is crossed.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub due_at: Timestamp,
    /// The definition in force.
    pub sla: String,
    /// Its version.
    pub version: u32,
}

impl SlaDue {
    /// The key that makes a crossing taken once: case, clock, run, threshold.
    pub fn key(&self) -> SlaDueKey {
        SlaDueKey {
            case_id: self.case_id,
            slot: self.slot.clone(),
            started_at: self.started_at,
            threshold: self.threshold,
        }
    }
}

/// Identifies a threshold crossing of one run of one clock of one case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaDueKey {
    /// The case.
    pub case_id: Uuid,
    /// The clock.
    pub slot: String,
    /// The run.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub started_at: Timestamp,
    /// Percent (100: breach).
    pub threshold: u8,
}

/// Whether a crossing is a warning or the breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaEventKind {
    /// A warning threshold was crossed.
    Warning,
    /// The duration was used up.
    Breach,
}

/// A warning or breach taken by [`Casebook::due_sla_events`](crate::Casebook::due_sla_events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaEvent {
    /// The case.
    pub case_id: Uuid,
    /// Its number.
    pub case_number: String,
    /// The definition in force.
    pub sla: String,
    /// Its version.
    pub version: u32,
    /// Its name.
    pub name: String,
    /// The clock (policy group or definition id).
    pub slot: String,
    /// When the clock's run started.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub started_at: Timestamp,
    /// Percent of the duration (100: the breach).
    pub threshold: u8,
    /// Warning or breach.
    pub kind: SlaEventKind,
    /// When it was crossed.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub due_at: Timestamp,
    /// When it was taken.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub taken_at: Timestamp,
    /// What the escalations did to the case (empty: none applied).
    pub escalations: Vec<String>,
}
