//! Conditions of a service level: predicates over a case's attributes
//! (status, priority, routing, custom fields), written as JSON data.

use crate::model::{CaseStatus, CASE_ATTRIBUTES};
use crate::template::Fields;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Deepest nesting of `all`/`any`/`not` a definition may use.
const MAX_DEPTH: usize = 16;

/// A predicate over a case's attributes.
///
/// ```json
/// {"all": [{"field": "status", "in": ["new", "in_progress"]},
///          {"not": {"field": "priority", "equals": 5}}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum SlaCondition {
    /// Every condition holds (an empty list always holds).
    All {
        /// The conditions.
        all: Vec<SlaCondition>,
    },
    /// At least one condition holds (an empty list never holds).
    Any {
        /// The conditions.
        any: Vec<SlaCondition>,
    },
    /// The condition does not hold.
    Not {
        /// The condition.
        not: Box<SlaCondition>,
    },
    /// A test of one attribute or custom field.
    Field(FieldTest),
}

/// A test of one case attribute or custom field: exactly one of `equals`,
/// `in`, `not_in` or `present`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldTest {
    /// Attribute (`status`, `priority`, `impact`, `urgency`, `category`,
    /// `product`, `asset`, `support_group`, `assignee`, `channel`,
    /// `template`) or custom field key.
    pub field: String,
    /// The value equals this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// The value is one of these.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    /// The value is none of these (an absent value is none of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<Value>>,
    /// The field has a value (`true`) or has none (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
}

impl SlaCondition {
    /// Whether the condition holds for these attributes.
    pub fn holds(&self, state: &Fields) -> bool {
        match self {
            SlaCondition::All { all } => all.iter().all(|c| c.holds(state)),
            SlaCondition::Any { any } => any.iter().any(|c| c.holds(state)),
            SlaCondition::Not { not } => !not.holds(state),
            SlaCondition::Field(test) => test.holds(state.get(&test.field)),
        }
    }

    /// Checks the condition's shape and the values it compares built-in
    /// attributes with; `custom_field` says whether a custom field key exists.
    pub(super) fn check(&self, custom_field: &dyn Fn(&str) -> bool) -> Result<(), String> {
        self.check_at(custom_field, 0)
    }

    fn check_at(&self, custom_field: &dyn Fn(&str) -> bool, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("conditions nest deeper than {MAX_DEPTH} levels"));
        }
        match self {
            SlaCondition::All { all: list } | SlaCondition::Any { any: list } => list
                .iter()
                .try_for_each(|c| c.check_at(custom_field, depth + 1)),
            SlaCondition::Not { not } => not.check_at(custom_field, depth + 1),
            SlaCondition::Field(test) => test.check(custom_field),
        }
    }
}

impl FieldTest {
    fn holds(&self, value: Option<&Value>) -> bool {
        let value = value.filter(|v| !v.is_null());
        if let Some(expected) = &self.equals {
            return value.is_some_and(|v| same(v, expected));
        }
        if let Some(list) = &self.one_of {
            return value.is_some_and(|v| list.iter().any(|e| same(v, e)));
        }
        if let Some(list) = &self.not_in {
            return !value.is_some_and(|v| list.iter().any(|e| same(v, e)));
        }
        match self.present {
            Some(wanted) => value.is_some() == wanted,
            None => false,
        }
    }

    fn check(&self, custom_field: &dyn Fn(&str) -> bool) -> Result<(), String> {
        let name = self.field.as_str();
        let tests = [
            self.equals.is_some(),
            self.one_of.is_some(),
            self.not_in.is_some(),
            self.present.is_some(),
        ];
        if tests.iter().filter(|t| **t).count() != 1 {
            return Err(format!(
                "the condition on `{name}` needs exactly one of `equals`, `in`, `not_in` or `present`"
            ));
        }
        let builtin = CASE_ATTRIBUTES.contains(&name);
        if !builtin && !custom_field(name) {
            return Err(format!(
                "a condition names `{name}`, which is neither a case attribute nor a field of the case template"
            ));
        }
        let values: Vec<&Value> = self
            .equals
            .iter()
            .chain(self.one_of.iter().flatten())
            .chain(self.not_in.iter().flatten())
            .collect();
        if self.one_of.as_ref().is_some_and(Vec::is_empty) {
            return Err(format!("the condition on `{name}` has an empty `in` list"));
        }
        for value in values {
            check_value(name, value)?;
        }
        Ok(())
    }
}

/// Refuses a value a built-in attribute can never take.
fn check_value(field: &str, value: &Value) -> Result<(), String> {
    let ok = match field {
        "status" => value
            .as_str()
            .is_some_and(|s| CaseStatus::ALL.iter().any(|c| c.as_str() == s)),
        "priority" => value.as_u64().is_some_and(|p| (1..=5).contains(&p)),
        "impact" | "urgency" => matches!(value.as_str(), Some("high" | "medium" | "low")),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{value}` is not a possible value of `{field}`"))
    }
}

/// JSON equality with numbers compared by value (`2` equals `2.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(v: Value) -> SlaCondition {
        serde_json::from_value(v).expect("condition")
    }

    #[test]
    fn conditions_test_attributes() {
        let state: Fields = serde_json::from_value(
            json!({"status": "in_progress", "priority": 2, "region": "north"}),
        )
        .unwrap();
        assert!(condition(json!({"field": "status", "in": ["new", "in_progress"]})).holds(&state));
        assert!(condition(json!({"field": "priority", "equals": 2.0})).holds(&state));
        assert!(!condition(json!({"field": "priority", "not_in": [1, 2]})).holds(&state));
        assert!(condition(json!({"field": "assignee", "not_in": ["x"]})).holds(&state));
        assert!(condition(json!({"field": "assignee", "present": false})).holds(&state));
        assert!(condition(json!({"all": [
            {"field": "region", "equals": "north"},
            {"not": {"field": "status", "equals": "new"}}
        ]}))
        .holds(&state));
        assert!(!condition(json!({"any": []})).holds(&state));
        assert!(condition(json!({"all": []})).holds(&state));
    }

    #[test]
    fn bad_conditions_are_named() {
        let none = |_: &str| false;
        let err = |v: Value| condition(v).check(&none).unwrap_err();
        assert!(err(json!({"field": "colour", "equals": "red"})).contains("`colour`"));
        assert!(err(json!({"field": "status", "equals": "open"})).contains("\"open\""));
        assert!(err(json!({"field": "priority", "in": [0]})).contains("priority"));
        assert!(err(json!({"field": "status", "in": []})).contains("empty"));
        assert!(
            err(json!({"field": "status", "equals": "new", "present": true}))
                .contains("exactly one")
        );
        assert!(
            serde_json::from_value::<SlaCondition>(json!({"field": "status", "eq": 1})).is_err()
        );
        let mut deep = json!({"field": "status", "equals": "new"});
        for _ in 0..20 {
            deep = json!({"not": deep});
        }
        assert!(err(deep).contains("deeper"));
    }
}
