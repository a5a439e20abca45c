//! Relationships between profiles (household, employer, ...).

use super::ProfileSummary;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A relationship between two profiles, with a tag for each direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Relation {
    /// One profile.
    pub a: Uuid,
    /// The other profile.
    pub b: Uuid,
    /// What `b` is to `a` (e.g. `spouse`, `employer`).
    pub a_to_b: String,
    /// What `a` is to `b` (e.g. `spouse`, `employee`).
    pub b_to_a: String,
    /// When created.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: String,
}

impl Relation {
    /// The other profile and what it is to `me`, if `me` takes part.
    pub fn seen_from(&self, me: Uuid) -> Option<(Uuid, &str)> {
        if self.a == me {
            Some((self.b, &self.a_to_b))
        } else if self.b == me {
            Some((self.a, &self.b_to_a))
        } else {
            None
        }
    }

    /// The relation's key: its two profiles, smaller id first.
    pub fn key(&self) -> (Uuid, Uuid) {
        relation_key(self.a, self.b)
    }
}

/// Two profiles to relate, with what each is to the other.
///
/// ```
/// use casebook::RelationInput;
/// let spouses = RelationInput::new("C-000001", "C-000002", "spouse", "spouse");
/// assert_eq!(spouses.a_to_b, "spouse");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelationInput {
    /// One profile: its id or customer ID.
    pub a: String,
    /// The other profile: its id or customer ID.
    pub b: String,
    /// What `b` is to `a` (e.g. `spouse`, `employer`).
    pub a_to_b: String,
    /// What `a` is to `b` (e.g. `spouse`, `employee`).
    pub b_to_a: String,
}

impl RelationInput {
    /// `b` is `a_to_b` to `a`, and `a` is `b_to_a` to `b`.
    pub fn new(
        a: impl Into<String>,
        b: impl Into<String>,
        a_to_b: impl Into<String>,
        b_to_a: impl Into<String>,
    ) -> Self {
        RelationInput {
            a: a.into(),
            b: b.into(),
            a_to_b: a_to_b.into(),
            b_to_a: b_to_a.into(),
        }
    }
}

/// The storage key of the relation between two profiles.
pub fn relation_key(x: Uuid, y: Uuid) -> (Uuid, Uuid) {
    if x <= y {
        (x, y)
    } else {
        (y, x)
    }
}

/// A related customer as seen from one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelatedCustomer {
    /// The related profile.
    pub profile: ProfileSummary,
    /// What it is to the profile asked about.
    pub relationship: String,
}
