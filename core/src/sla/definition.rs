//! A service-level definition's JSON, and its checks when it is loaded.

use super::condition::SlaCondition;
use crate::error::{Entity, Error, Result};
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest duration a service level may promise.
const MAX_DURATION_SECS: i64 = 10 * 366 * 86_400;
/// Most warning thresholds and escalations of one definition.
const MAX_THRESHOLDS: usize = 20;

/// What a service level measures.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    /// Until the first customer-visible comment.
    FirstResponse,
    /// From each customer message (an inbound contact on the case) until
    /// the next customer-visible comment.
    NextResponse,
    /// Until the case is resolved (or closed).
    Resolution,
    /// Anything else: started and stopped by the definition's conditions.
    #[serde(untagged)]
    Custom(String),
}

/// Whether a service level counts business hours of a calendar or every hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaTime {
    /// Working time of the definition's calendar.
    #[default]
    Business,
    /// Every hour of the day (no calendar needed).
    Calendar,
}

/// Which calendar a business-time service level counts in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum CalendarChoice {
    /// Always this calendar (its id).
    Fixed(String),
    /// The calendar named by a case field, or `default` when the field is empty.
    FromField {
        /// Case attribute or custom field holding a calendar id.
        field: String,
        /// Calendar when the field is empty or names no loaded calendar.
        default: String,
    },
}

/// When an escalation runs: a warning threshold (percent) or the breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EscalationPoint {
    /// A warning threshold, in percent of the duration.
    Percent(u8),
    /// The breach (`"breach"`, 100 %).
    Breach(BreachWord),
}

/// The word `breach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreachWord {
    /// At breach.
    Breach,
}

impl EscalationPoint {
    /// The threshold in percent (breach is 100).
    pub fn percent(self) -> u8 {
        match self {
            EscalationPoint::Percent(p) => p,
            EscalationPoint::Breach(_) => 100,
        }
    }
}

/// What happens to a case when a threshold is crossed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// The threshold that triggers it.
    pub at: EscalationPoint,
    /// Raise the priority one step (urgency up a level, then impact).
    #[serde(default)]
    pub raise_priority: bool,
    /// Move the case to this support group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Assign the case to this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<String>,
    /// Add these users to the informed users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inform: Vec<String>,
    /// Add this work note to the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_note: Option<String>,
}

/// The case timestamp a service level may count from instead of the
/// moment its start condition first held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetroactiveStart {
    /// The case's creation.
    CreatedAt,
}

/// A service-level definition as written in JSON (versioned like templates).
///
/// ```json
/// {"id": "p1-resolution", "name": "P1 resolved in 4 business hours",
///  "target": "resolution", "duration": "4h", "calendar": "uk-office",
///  "start": {"field": "priority", "equals": 1},
///  "pause": {"field": "status", "equals": "awaiting_customer"},
///  "warnings": [50, 75],
///  "escalations": [{"at": "breach", "assign": "duty-manager", "raise_priority": true}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaDef {
    /// Id (a-z, 0-9, `_`, `-`, `.`; at most 64 characters).
    pub id: String,
    /// Version (assigned when stored).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    /// Display name.
    pub name: String,
    /// What is measured.
    pub target: SlaTarget,
    /// The promised time (`4h`, `3 days`, `PT30M`).
    pub duration: String,
    /// Business or calendar time (default business).
    #[serde(default)]
    pub time: SlaTime,
    /// The calendar of business time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarChoice>,
    /// Only cases of this case template; custom-field conditions are checked against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_template: Option<String>,
    /// Of the definitions of one group, the first by `position` whose start
    /// condition holds applies; switching between them keeps the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_group: Option<String>,
    /// Order within the policy group (lowest first).
    #[serde(default)]
    pub position: i32,
    /// When the clock attaches (default: always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<SlaCondition>,
    /// While this holds, the clock is paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<SlaCondition>,
    /// A paused clock runs again when this holds (default: when `pause` stops holding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<SlaCondition>,
    /// Completes the clock (default for resolution: resolved or closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<SlaCondition>,
    /// Cancels the clock (default: the case is cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<SlaCondition>,
    /// Restarts the clock from zero when it turns true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<SlaCondition>,
    /// Count from a case timestamp instead of the start condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retroactive_start: Option<RetroactiveStart>,
    /// Warning thresholds in percent of the duration (1 to 99).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<u8>,
    /// What happens at thresholds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Escalation>,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// What a definition's checks need to know of the store.
pub struct DefinitionContext<'a> {
    /// Whether a calendar id is loaded.
    pub calendar_exists: &'a dyn Fn(&str) -> bool,
    /// The custom field keys of a case template, `None` if it is not loaded.
    pub template_fields: &'a dyn Fn(&str) -> Option<Vec<String>>,
}

/// A checked service-level definition.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaDefinition {
    def: SlaDef,
    duration_secs: i64,
    thresholds: Vec<u8>,
}

impl SlaDefinition {
    /// Parses and checks a definition.
    pub fn from_json(json: &str, ctx: &DefinitionContext<'_>) -> Result<SlaDefinition> {
        let value: Value = serde_json::from_str(json).map_err(|e| fail("", e.to_string()))?;
        Self::from_value(value, ctx)
    }

    /// Parses and checks a definition given as a JSON value.
    pub fn from_value(value: Value, ctx: &DefinitionContext<'_>) -> Result<SlaDefinition> {
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let def: SlaDef = serde_json::from_value(value).map_err(|e| fail(&id, e.to_string()))?;
        Self::from_def(def, ctx)
    }

    /// Checks a parsed definition.
    pub fn from_def(def: SlaDef, ctx: &DefinitionContext<'_>) -> Result<SlaDefinition> {
        let checked = Self::unchecked(def)?;
        checked.check_references(ctx)?;
        Ok(checked)
    }

    /// A stored definition, checked on its own (its calendar and template
    /// were checked when it was loaded).
    pub(crate) fn unchecked(def: SlaDef) -> Result<SlaDefinition> {
        let id = def.id.clone();
        let bad = |message: String| fail(&id, message);
        if !crate::template::is_identifier(&def.id, true) {
            return Err(bad(
                "the id must be 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`".into(),
            ));
        }
        if def.name.trim().is_empty() {
            return Err(bad("the definition needs a name".into()));
        }
        if let SlaTarget::Custom(name) = &def.target {
            if !crate::template::is_identifier(name, false) {
                return Err(bad(format!(
                    "`{name}` is not a target: use first_response, next_response, resolution or a custom name of a-z, 0-9 and `_`"
                )));
            }
            if def.stop.is_none() {
                return Err(bad(format!(
                    "the custom target `{name}` needs a stop condition"
                )));
            }
        }
        let duration: SignedDuration = def
            .duration
            .trim()
            .parse()
            .map_err(|e| bad(format!("`{}` is not a duration ({e})", def.duration)))?;
        let duration_secs = duration.as_secs();
        if duration_secs <= 0 || duration.subsec_nanos() != 0 {
            return Err(bad(format!(
                "the duration `{}` must be a positive whole number of seconds",
                def.duration
            )));
        }
        if duration_secs > MAX_DURATION_SECS {
            return Err(bad(format!(
                "the duration `{}` is over ten years",
                def.duration
            )));
        }
        match (&def.time, &def.calendar) {
            (SlaTime::Business, None) => return Err(bad(
                "a business-time service level needs a `calendar` (or `\"time\": \"calendar\"`)"
                    .into(),
            )),
            (SlaTime::Calendar, Some(_)) => {
                return Err(bad(
                    "a calendar-time service level counts every hour: remove `calendar`".into(),
                ))
            }
            _ => {}
        }
        if def.warnings.len() > MAX_THRESHOLDS || def.escalations.len() > MAX_THRESHOLDS {
            return Err(bad(format!(
                "at most {MAX_THRESHOLDS} warnings and {MAX_THRESHOLDS} escalations"
            )));
        }
        let mut thresholds = def.warnings.clone();
        thresholds.sort_unstable();
        if thresholds.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad("a warning threshold is listed twice".into()));
        }
        if let Some(p) = thresholds.iter().find(|p| !(1..=99).contains(*p)) {
            return Err(bad(format!(
                "the warning threshold {p} % is not between 1 and 99 (the breach is 100 %)"
            )));
        }
        if let Some(p) = thresholds
            .iter()
            .find(|p| duration_secs * i64::from(**p) / 100 < 1)
        {
            return Err(bad(format!(
                "the warning threshold {p} % of `{}` is less than a second",
                def.duration
            )));
        }
        thresholds.push(100);
        for escalation in &def.escalations {
            let at = escalation.at.percent();
            if !thresholds.contains(&at) {
                return Err(bad(format!(
                    "an escalation at {at} % needs that warning threshold (or `\"breach\"`)"
                )));
            }
            let nothing = !escalation.raise_priority
                && escalation.support_group.is_none()
                && escalation.assign.is_none()
                && escalation.inform.is_empty()
                && escalation.work_note.is_none();
            if nothing {
                return Err(bad(format!("the escalation at {at} % does nothing")));
            }
            let texts = escalation
                .support_group
                .iter()
                .chain(&escalation.assign)
                .chain(&escalation.inform);
            for text in texts {
                if text.trim().is_empty() || text.len() > 200 {
                    return Err(bad(format!(
                        "the escalation at {at} % names an empty or over-long user or group"
                    )));
                }
            }
            if escalation
                .work_note
                .as_ref()
                .is_some_and(|n| n.trim().is_empty() || n.len() > 4000)
            {
                return Err(bad(format!(
                    "the escalation at {at} % has an empty or over-long work note"
                )));
            }
        }
        Ok(SlaDefinition {
            def,
            duration_secs,
            thresholds,
        })
    }

    fn check_references(&self, ctx: &DefinitionContext<'_>) -> Result<()> {
        let bad = |message: String| fail(&self.def.id, message);
        let custom: Vec<String> = match &self.def.case_template {
            Some(template) => (ctx.template_fields)(template)
                .ok_or_else(|| bad(format!("the case template `{template}` is not loaded")))?,
            None => Vec::new(),
        };
        let known = |key: &str| custom.iter().any(|k| k == key);
        for condition in self.conditions() {
            condition.check(&known).map_err(|message| {
                let message = if self.def.case_template.is_none() && message.contains("neither") {
                    format!("{message} (name a `case_template` to use custom fields)")
                } else {
                    message
                };
                bad(message)
            })?;
        }
        let calendars: Vec<&str> = match &self.def.calendar {
            None => Vec::new(),
            Some(CalendarChoice::Fixed(id)) => vec![id.as_str()],
            Some(CalendarChoice::FromField { field, default }) => {
                if !crate::model::CASE_ATTRIBUTES.contains(&field.as_str()) && !known(field) {
                    return Err(bad(format!(
                        "the calendar field `{field}` is neither a case attribute nor a field of the case template"
                    )));
                }
                vec![default.as_str()]
            }
        };
        for id in calendars {
            if !(ctx.calendar_exists)(id) {
                return Err(bad(format!("the calendar `{id}` is not loaded")));
            }
        }
        Ok(())
    }

    /// Every condition the definition states.
    fn conditions(&self) -> impl Iterator<Item = &SlaCondition> {
        let d = &self.def;
        [&d.start, &d.pause, &d.resume, &d.stop, &d.cancel, &d.reset]
            .into_iter()
            .flatten()
    }

    /// The definition as written.
    pub fn def(&self) -> &SlaDef {
        &self.def
    }

    /// Id.
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// Version.
    pub fn version(&self) -> u32 {
        self.def.version
    }

    /// Sets the version (the engine does, when storing).
    pub fn set_version(&mut self, version: u32) {
        self.def.version = version;
    }

    /// The promised time in seconds.
    pub fn duration_secs(&self) -> i64 {
        self.duration_secs
    }

    /// Warning thresholds then 100 (the breach), ascending.
    pub fn thresholds(&self) -> &[u8] {
        &self.thresholds
    }

    /// The clock this definition runs: its policy group, or its own id.
    pub fn slot(&self) -> &str {
        self.def.policy_group.as_deref().unwrap_or(&self.def.id)
    }

    /// The definition as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.def).unwrap_or(Value::Null)
    }

    /// Whether two definitions say the same (ignoring versions).
    pub fn same_definition(&self, other: &SlaDefinition) -> bool {
        let mut a = self.def.clone();
        a.version = 0;
        let mut b = other.def.clone();
        b.version = 0;
        a == b
    }
}

fn fail(id: &str, message: String) -> Error {
    Error::InvalidDefinition {
        kind: Entity::Sla,
        id: id.to_string(),
        message,
    }
}
