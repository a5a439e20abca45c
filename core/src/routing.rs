//! Routing rules: data that decides which support group (and optionally
//! which agent, at which priority) a new case goes to. Ordered; the first
//! rule whose conditions all hold decides.

use crate::error::{Entity, Error, Result};
use crate::model::{AssignmentStrategy, Channel, Level, Priority};
use crate::template::Fields;
use crate::text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most rules one definition holds.
const MAX_RULES: usize = 1_000;
/// Most values one condition lists.
const MAX_VALUES: usize = 200;
/// Longest name, group, assignee or condition value, in characters.
const MAX_TEXT: usize = 200;

/// When a routing rule applies: every condition given must hold (a missing
/// condition or an empty list holds always). Each condition lists the
/// values it accepts; text is compared folded (`Billing` matches
/// `billing`, `Facturé` matches `facture`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RoutingCondition {
    /// The case came on one of these channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// Its category is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Its product is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// Its campaign is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<String>,
    /// Its case template is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<String>,
    /// Its impact is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impacts: Vec<Level>,
    /// Its urgency is one of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urgencies: Vec<Level>,
    /// Its priority (from the matrix, or set by hand) is one of these (1 to 5).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<Priority>,
    /// Custom fields: each key's value is one of the listed values (text
    /// folded; numbers and booleans as they are). A case without the field
    /// does not match.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Vec<Value>>,
}

/// Where a matching rule sends the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteTo {
    /// Support group (required).
    pub support_group: String,
    /// Agent to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Priority to set, overriding the impact × urgency matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    /// Name, unique in the definition (decisions name the rule that decided).
    pub name: String,
    /// When it applies.
    #[serde(default)]
    pub when: RoutingCondition,
    /// Where it sends the case.
    pub route: RouteTo,
}

/// The routing rules as loaded, in order: the first that matches decides.
///
/// ```
/// let rules = casebook::RoutingRulesDef::from_json(r#"{
///   "rules": [
///     {"name": "vip", "when": {"fields": {"tier": ["gold"]}}, "route": {"support_group": "vip-desk", "priority": 2}},
///     {"name": "billing", "when": {"categories": ["billing"]}, "route": {"support_group": "billing"}}
///   ]
/// }"#)?;
/// assert_eq!(rules.rules.len(), 2);
/// # Ok::<(), casebook::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoutingRulesDef {
    /// Version, set by the engine when the rules are loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The rules, in order.
    #[serde(default)]
    pub rules: Vec<RoutingRule>,
    /// How each support group gives cases to its agents (a group not
    /// listed: `round_robin`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, GroupPolicy>,
}

/// How a support group works its cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupPolicy {
    /// Which available agent with spare capacity gets the next case.
    pub assignment: AssignmentStrategy,
}

impl RoutingRulesDef {
    /// Reads rules from JSON text (checked when compiled).
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| invalid(e.to_string()))
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidDefinition {
        kind: Entity::RoutingRules,
        id: "rules".into(),
        message: message.into(),
    }
}

/// What a routing decision is made on: a new case's attributes.
#[derive(Debug, Clone, Copy)]
pub struct RoutingFacts<'a> {
    /// Channel.
    pub channel: Option<Channel>,
    /// Category.
    pub category: Option<&'a str>,
    /// Product.
    pub product: Option<&'a str>,
    /// Campaign.
    pub campaign: Option<&'a str>,
    /// Case template id.
    pub template: Option<&'a str>,
    /// Impact.
    pub impact: Level,
    /// Urgency.
    pub urgency: Level,
    /// Priority before routing.
    pub priority: Priority,
    /// Custom fields.
    pub fields: &'a Fields,
}

/// The decision of a routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoutingDecision {
    /// The rule that decided.
    pub rule: String,
    /// The version of the rules it belongs to.
    pub version: u32,
    /// Support group.
    pub support_group: String,
    /// Agent to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Priority to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// A compiled rule: its accepted text values folded once.
#[derive(Debug)]
struct CompiledRule {
    channels: Vec<Channel>,
    categories: HashSet<String>,
    products: HashSet<String>,
    campaigns: HashSet<String>,
    templates: HashSet<String>,
    impacts: Vec<Level>,
    urgencies: Vec<Level>,
    priorities: Vec<Priority>,
    fields: Vec<(String, Vec<Value>)>,
}

/// Checked routing rules, ready to decide.
#[derive(Debug, Default)]
pub struct RoutingRules {
    def: RoutingRulesDef,
    compiled: Vec<CompiledRule>,
}

/// A value as compared: text folded, anything else as it is.
fn comparable(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(text::fold(s.trim())),
        other => other.clone(),
    }
}

fn check_text(rule: &str, what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(format!("rule `{rule}`: {what} is empty")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(invalid(format!(
            "rule `{rule}`: {what} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

fn folded_set(rule: &str, what: &str, values: &[String]) -> Result<HashSet<String>> {
    if values.len() > MAX_VALUES {
        return Err(invalid(format!(
            "rule `{rule}`: {what} lists more than {MAX_VALUES} values"
        )));
    }
    values
        .iter()
        .map(|v| {
            check_text(rule, what, v)?;
            Ok(text::fold(v.trim()))
        })
        .collect()
}

fn check_priority(rule: &str, p: Priority) -> Result<()> {
    if (1..=5).contains(&p.0) {
        Ok(())
    } else {
        Err(invalid(format!(
            "rule `{rule}`: priority {} is not 1 to 5",
            p.0
        )))
    }
}

impl CompiledRule {
    fn new(rule: &RoutingRule) -> Result<Self> {
        let name = rule.name.as_str();
        let when = &rule.when;
        check_text(name, "support_group", &rule.route.support_group)?;
        if let Some(assignee) = &rule.route.assignee {
            check_text(name, "assignee", assignee)?;
        }
        if let Some(p) = rule.route.priority {
            check_priority(name, p)?;
        }
        for &p in &when.priorities {
            check_priority(name, p)?;
        }
        if when.fields.len() > MAX_VALUES {
            return Err(invalid(format!(
                "rule `{name}`: fields names more than {MAX_VALUES} fields"
            )));
        }
        let mut fields = Vec::with_capacity(when.fields.len());
        for (key, values) in &when.fields {
            check_text(name, "a field key", key)?;
            if values.is_empty() || values.len() > MAX_VALUES {
                return Err(invalid(format!(
                    "rule `{name}`: field `{key}` lists no values or more than {MAX_VALUES}"
                )));
            }
            if let Some(bad) = values.iter().find(|v| v.is_array() || v.is_object()) {
                return Err(invalid(format!(
                    "rule `{name}`: field `{key}` lists {bad}, not a text, number or boolean"
                )));
            }
            fields.push((key.clone(), values.iter().map(comparable).collect()));
        }
        Ok(CompiledRule {
            channels: when.channels.clone(),
            categories: folded_set(name, "categories", &when.categories)?,
            products: folded_set(name, "products", &when.products)?,
            campaigns: folded_set(name, "campaigns", &when.campaigns)?,
            templates: when
                .templates
                .iter()
                .map(|t| t.trim().to_string())
                .collect(),
            impacts: when.impacts.clone(),
            urgencies: when.urgencies.clone(),
            priorities: when.priorities.clone(),
            fields,
        })
    }

    fn matches(&self, facts: &RoutingFacts<'_>, folded: &FoldedFacts<'_>) -> bool {
        fn any_text(set: &HashSet<String>, value: &Option<String>) -> bool {
            set.is_empty() || value.as_ref().is_some_and(|v| set.contains(v))
        }
        fn any_of<T: PartialEq>(list: &[T], value: &T) -> bool {
            list.is_empty() || list.contains(value)
        }
        (self.channels.is_empty() || facts.channel.is_some_and(|c| self.channels.contains(&c)))
            && any_text(&self.categories, &folded.category)
            && any_text(&self.products, &folded.product)
            && any_text(&self.campaigns, &folded.campaign)
            && (self.templates.is_empty()
                || facts.template.is_some_and(|t| self.templates.contains(t)))
            && any_of(&self.impacts, &facts.impact)
            && any_of(&self.urgencies, &facts.urgency)
            && any_of(&self.priorities, &facts.priority)
            && self.fields.iter().all(|(key, accepted)| {
                folded
                    .fields
                    .get(key.as_str())
                    .is_some_and(|v| accepted.contains(v))
            })
    }
}

/// A case's text facts folded once for all the rules.
struct FoldedFacts<'a> {
    category: Option<String>,
    product: Option<String>,
    campaign: Option<String>,
    fields: HashMap<&'a str, Value>,
}

impl<'a> FoldedFacts<'a> {
    fn new(facts: &RoutingFacts<'a>) -> Self {
        let fold = |v: Option<&str>| v.map(|v| text::fold(v.trim()));
        FoldedFacts {
            category: fold(facts.category),
            product: fold(facts.product),
            campaign: fold(facts.campaign),
            fields: facts
                .fields
                .iter()
                .map(|(k, v)| (k.as_str(), comparable(v)))
                .collect(),
        }
    }
}

impl RoutingRules {
    /// Checks and compiles a definition: names unique and non-empty, a
    /// support group on every rule, priorities 1 to 5, bounded lists, and
    /// case templates that `template_exists`.
    pub fn new(def: RoutingRulesDef, template_exists: &dyn Fn(&str) -> bool) -> Result<Self> {
        if def.rules.len() > MAX_RULES {
            return Err(invalid(format!("more than {MAX_RULES} rules")));
        }
        if def.groups.len() > MAX_RULES {
            return Err(invalid(format!("more than {MAX_RULES} groups")));
        }
        if let Some(group) = def.groups.keys().find(|g| check_text("", "", g).is_err()) {
            return Err(invalid(format!(
                "the group `{group}` needs a name of 1 to {MAX_TEXT} characters"
            )));
        }
        let mut names = HashSet::new();
        let mut compiled = Vec::with_capacity(def.rules.len());
        for rule in &def.rules {
            check_text("", "a rule name", &rule.name)
                .map_err(|_| invalid("every rule needs a name of at most 200 characters"))?;
            if !names.insert(rule.name.as_str()) {
                return Err(invalid(format!("two rules are named `{}`", rule.name)));
            }
            if let Some(t) = rule
                .when
                .templates
                .iter()
                .find(|t| !template_exists(t.trim()))
            {
                return Err(invalid(format!(
                    "rule `{}`: the case template `{t}` is not loaded",
                    rule.name
                )));
            }
            compiled.push(CompiledRule::new(rule)?);
        }
        Ok(RoutingRules { def, compiled })
    }

    /// The definition these rules were compiled from.
    pub fn def(&self) -> &RoutingRulesDef {
        &self.def
    }

    /// How `group` gives cases to its agents.
    pub fn assignment(&self, group: &str) -> AssignmentStrategy {
        self.def
            .groups
            .get(group)
            .map_or(AssignmentStrategy::RoundRobin, |p| p.assignment)
    }

    /// The decision of the first rule that matches, if any.
    pub fn decide(&self, facts: &RoutingFacts<'_>) -> Option<RoutingDecision> {
        let folded = FoldedFacts::new(facts);
        let at = self
            .compiled
            .iter()
            .position(|r| r.matches(facts, &folded))?;
        let rule = &self.def.rules[at];
        Some(RoutingDecision {
            rule: rule.name.clone(),
            version: self.def.version.unwrap_or(0),
            support_group: rule.route.support_group.trim().to_string(),
            assignee: rule.route.assignee.as_ref().map(|a| a.trim().to_string()),
            priority: rule.route.priority,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(json: Value) -> Result<RoutingRules> {
        RoutingRules::new(serde_json::from_value(json).unwrap(), &|t| t == "incident")
    }

    fn facts(fields: &Fields) -> RoutingFacts<'_> {
        RoutingFacts {
            channel: Some(Channel::Voice),
            category: Some("Billing"),
            product: None,
            campaign: None,
            template: Some("incident"),
            impact: Level::Medium,
            urgency: Level::High,
            priority: Priority(2),
            fields,
        }
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let r = rules(json!({"rules": [
            {"name": "email", "when": {"channels": ["email"]}, "route": {"support_group": "mail"}},
            {"name": "gold", "when": {"fields": {"tier": ["GOLD", 3]}, "categories": ["billing"]},
             "route": {"support_group": "vip", "assignee": "ann", "priority": 1}},
            {"name": "rest", "route": {"support_group": "desk"}}
        ]}))
        .unwrap();
        let mut fields = Fields::new();
        fields.insert("tier".into(), json!("Gold"));
        let d = r.decide(&facts(&fields)).unwrap();
        assert_eq!(
            (
                d.rule.as_str(),
                d.support_group.as_str(),
                d.assignee.as_deref(),
                d.priority
            ),
            ("gold", "vip", Some("ann"), Some(Priority(1)))
        );
        fields.insert("tier".into(), json!(3));
        assert_eq!(r.decide(&facts(&fields)).unwrap().rule, "gold");
        fields.insert("tier".into(), json!("3"));
        assert_eq!(r.decide(&facts(&fields)).unwrap().rule, "rest");
        assert_eq!(r.decide(&facts(&Fields::new())).unwrap().rule, "rest");
    }

    #[test]
    fn no_rule_no_decision() {
        let r = rules(json!({"rules": [
            {"name": "p1", "when": {"priorities": [1]}, "route": {"support_group": "major"}}
        ]}))
        .unwrap();
        assert_eq!(r.decide(&facts(&Fields::new())), None);
    }

    #[test]
    fn bad_definitions_are_refused_with_their_reason() {
        let refused = |json: Value, needle: &str| match rules(json) {
            Err(Error::InvalidDefinition { message, .. }) => {
                assert!(message.contains(needle), "{message} lacks {needle}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        };
        refused(
            json!({"rules": [{"name": "a", "route": {"support_group": " "}}]}),
            "support_group is empty",
        );
        refused(
            json!({"rules": [{"name": "a", "route": {"support_group": "g"}},
                             {"name": "a", "route": {"support_group": "h"}}]}),
            "two rules are named `a`",
        );
        refused(
            json!({"rules": [{"name": "a", "route": {"support_group": "g", "priority": 9}}]}),
            "priority 9",
        );
        refused(
            json!({"rules": [{"name": "a", "when": {"templates": ["nope"]}, "route": {"support_group": "g"}}]}),
            "template `nope`",
        );
        refused(
            json!({"rules": [{"name": "a", "when": {"fields": {"x": [[1]]}}, "route": {"support_group": "g"}}]}),
            "not a text",
        );
        assert!(RoutingRulesDef::from_json(r#"{"rules": [{"name": "a", "route": {}}]}"#).is_err());
        assert!(RoutingRulesDef::from_json(r#"{"rulez": []}"#).is_err());
    }
}
