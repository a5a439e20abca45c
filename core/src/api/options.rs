//! How JSON hosts describe an engine and a validation: engine options
//! (configuration, a fixed clock, an id seed) and validation options.

use crate::clock::{Clock, IdSource, ManualClock, SeededIds};
use crate::config::Config;
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::template::{Mode, Template, ValidationContext};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// A clock that starts at a fixed instant and moves a fixed step per reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FixedClock {
    /// First reading.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub start: Timestamp,
    /// Milliseconds added per reading (default 1).
    #[serde(default = "one")]
    pub step_ms: i64,
}

fn one() -> i64 {
    1
}

/// How to build an engine from JSON: configuration plus, for deterministic
/// runs (tests, replays, shared vectors), a fixed clock and an id seed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EngineOptions {
    /// Engine configuration.
    pub config: Config,
    /// A deterministic clock instead of the host's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<FixedClock>,
    /// A seed for deterministic ids instead of random ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_seed: Option<u64>,
}

impl EngineOptions {
    /// Parses options (an empty string or `{}` means all defaults).
    pub fn from_json(json: &str) -> Result<EngineOptions> {
        if json.trim().is_empty() {
            return Ok(EngineOptions::default());
        }
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::InvalidInput(format!("engine options are not valid JSON: {e}")))?;
        EngineOptions::from_value(value)
    }

    /// Reads options from a JSON value, which must be an object (`null`
    /// means all defaults); the configuration is checked here, so a bad
    /// region is refused before any engine is built.
    ///
    /// ```
    /// use casebook::api::EngineOptions;
    /// use serde_json::json;
    /// assert!(EngineOptions::from_value(json!({"config": {"default_region": "GB"}})).is_ok());
    /// assert!(EngineOptions::from_value(json!([])).is_err());
    /// assert!(EngineOptions::from_value(json!("GB")).is_err());
    /// assert!(EngineOptions::from_value(json!({"config": {"default_region": "G B"}})).is_err());
    /// ```
    pub fn from_value(value: Value) -> Result<EngineOptions> {
        let options: EngineOptions = match value {
            Value::Null => EngineOptions::default(),
            Value::Object(_) => serde_json::from_value(value)
                .map_err(|e| Error::InvalidInput(format!("engine options: {e}")))?,
            other => {
                return Err(Error::InvalidInput(format!(
                    "engine options must be a JSON object, not {}",
                    json_kind(&other)
                )))
            }
        };
        if let Some(clock) = &options.clock {
            if clock.step_ms < 0 {
                return Err(Error::InvalidInput(format!(
                    "the clock's `step_ms` must not be negative (got {}): a clock never runs backwards",
                    clock.step_ms
                )));
            }
        }
        options.config.check()?;
        Ok(options)
    }

    /// Builds an engine over `store`, using `host_clock` and `host_ids` unless
    /// the options fix them.
    pub fn build<S: Store>(
        self,
        store: S,
        host_clock: Arc<dyn Clock>,
        host_ids: Arc<dyn IdSource>,
    ) -> Result<Casebook<S>> {
        let clock: Arc<dyn Clock> = match self.clock {
            Some(c) => Arc::new(ManualClock::with_step(
                c.start,
                c.step_ms.saturating_mul(1_000_000),
            )),
            None => host_clock,
        };
        let ids: Arc<dyn IdSource> = match self.id_seed {
            Some(seed) => Arc::new(SeededIds::new(seed)),
            None => host_ids,
        };
        Casebook::builder(store)
            .config(self.config)
            .clock(clock)
            .ids(ids)
            .build()
    }
}

/// What kind of JSON value `value` is, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Options of standalone validation, as hosts pass them in JSON: `null` for
/// the defaults, `true`/`false` for the draft flag alone, or an object.
///
/// ```
/// use casebook::api::ValidateOptions;
/// let options = ValidateOptions::from_value(&serde_json::json!({"today": "2026-06-01", "default_region": "GB"}))?;
/// let ctx = options.context("2000-01-01".parse().unwrap())?;
/// assert_eq!(ctx.today.to_string(), "2026-06-01");
/// assert!(ValidateOptions::from_value(&serde_json::json!({"colour": "red"})).is_err());
/// # Ok::<(), casebook::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ValidateOptions {
    /// Validate a draft: missing required fields are listed as missing, not as errors.
    pub draft: bool,
    /// Today's date (`YYYY-MM-DD`) for `not_in_future` rules; default: the host's today.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// Region (ISO 3166 alpha-2, such as `GB`) for phone numbers written without `+`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_region: Option<String>,
}

impl ValidateOptions {
    /// Reads options from JSON (see the type's description).
    pub fn from_value(value: &Value) -> Result<ValidateOptions> {
        match value {
            Value::Null => Ok(ValidateOptions::default()),
            Value::Bool(draft) => Ok(ValidateOptions {
                draft: *draft,
                ..ValidateOptions::default()
            }),
            value => serde_json::from_value(value.clone())
                .map_err(|e| Error::InvalidInput(format!("validation options: {e}"))),
        }
    }

    /// The validation context; `host_today` is used when `today` is not set.
    pub fn context(&self, host_today: jiff::civil::Date) -> Result<ValidationContext> {
        let today = match &self.today {
            Some(text) => text.parse().map_err(|_| {
                Error::InvalidInput(format!(
                    "validation options: `today` is `{text}`, not a date (YYYY-MM-DD)"
                ))
            })?,
            None => host_today,
        };
        if let Some(region) = &self.default_region {
            crate::config::check_region(region)?;
        }
        let phone = crate::PhoneRules::new(self.default_region.as_deref(), &[])?;
        Ok(ValidationContext::with_phone(today, phone))
    }

    /// The validation mode these options ask for.
    pub fn mode(&self) -> Mode<'static> {
        Mode::new_record(self.draft)
    }
}

/// Validates a record against a template given as JSON, without any store
/// (what a browser form does before anything is sent).
pub fn validate_with_template(
    template: &Value,
    record: &Value,
    draft: bool,
    ctx: &ValidationContext,
) -> Result<Value> {
    let template = Template::from_value(template.clone())?;
    serde_json::to_value(template.validate(record, Mode::new_record(draft), ctx)?)
        .map_err(|e| Error::Internal(format!("a validation report cannot be written: {e}")))
}
