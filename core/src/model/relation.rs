//! Relationships between profiles (household, employer, ...).

use super::ProfileSummary;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A relationship between two profiles, with its tags in each direction
/// (`spouse`, `account holder`, `carer`): one or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Relation {
    /// One profile.
    pub a: Uuid,
    /// The other profile.
    pub b: Uuid,
    /// What `b` is to `a` (e.g. `spouse`, `carer`), in the order given.
    #[serde(deserialize_with = "one_or_many")]
    pub a_to_b: Vec<String>,
    /// What `a` is to `b` (e.g. `spouse`, `account holder`), in the order given.
    #[serde(deserialize_with = "one_or_many")]
    pub b_to_a: Vec<String>,
    /// When created.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: String,
}

impl Relation {
    /// The other profile and what it is to `me`, if `me` takes part.
    pub fn seen_from(&self, me: Uuid) -> Option<(Uuid, &[String])> {
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

/// Two profiles to relate, with what each is to the other: one tag or
/// several each way (in JSON a string or a list of strings).
///
/// ```
/// use casebook::RelationInput;
/// let spouses = RelationInput::new("C-000001", "C-000002", "spouse", "spouse");
/// assert_eq!(spouses.a_to_b, ["spouse"]);
/// let carer: RelationInput = serde_json::from_str(
///     r#"{"a": "C-000001", "b": "C-000002", "a_to_b": ["spouse", "carer"], "b_to_a": "spouse"}"#,
/// ).unwrap();
/// assert_eq!(carer.a_to_b, ["spouse", "carer"]);
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
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "schema", schemars(with = "Tags"))]
    pub a_to_b: Vec<String>,
    /// What `a` is to `b` (e.g. `spouse`, `employee`).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "schema", schemars(with = "Tags"))]
    pub b_to_a: Vec<String>,
}

/// One tag or several (what relations were written with before they took several).
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
enum Tags {
    /// One tag.
    One(String),
    /// Several tags.
    Many(Vec<String>),
}

pub(crate) fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Tags::deserialize(d)? {
        Tags::One(tag) => vec![tag],
        Tags::Many(tags) => tags,
    })
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
            a_to_b: vec![a_to_b.into()],
            b_to_a: vec![b_to_a.into()],
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
    /// What it is to the profile asked about: its tags joined by `, `.
    pub relationship: String,
    /// The same tags, one by one.
    pub tags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_stored_with_one_tag_each_way_still_read() {
        // The body older files and snapshots hold.
        let stored = r#"{"a": "00000000-0000-0000-0000-000000000001",
            "b": "00000000-0000-0000-0000-000000000002", "a_to_b": "employer",
            "b_to_a": "employee", "created_at": "2026-01-01T00:00:00Z", "created_by": "agent"}"#;
        let relation: Relation = serde_json::from_str(stored).unwrap();
        assert_eq!(relation.a_to_b, ["employer"]);
        assert_eq!(relation.b_to_a, ["employee"]);
        let written = serde_json::to_value(&relation).unwrap();
        assert_eq!(written["a_to_b"], serde_json::json!(["employer"]));
        let again: Relation = serde_json::from_value(written).unwrap();
        assert_eq!(again, relation);
        assert!(serde_json::from_str::<RelationInput>(
            r#"{"a": "x", "b": "y", "a_to_b": 3, "b_to_a": "z"}"#
        )
        .is_err());
    }
}
