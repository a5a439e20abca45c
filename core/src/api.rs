//! A JSON interface to the whole engine: one operation name and one JSON
//! object of named arguments in, one JSON value out.
//!
//! It is how hosts that speak JSON (the C and WebAssembly bindings, tools,
//! the shared test vectors) reach every operation with the same argument
//! names and the same answers.
//!
//! ```
//! use serde_json::json;
//! let cb = casebook::Casebook::in_memory();
//! let profile = cb.call("create_profile", &json!({
//!     "by": "agent-7",
//!     "input": {"given_name": "Ada", "family_name": "Lovelace",
//!               "contact_points": [{"kind": "email", "value": "Ada@Example.org"}]}
//! }))?;
//! assert_eq!(profile["customer_id"], "C-000001");
//! assert_eq!(profile["contact_points"][0]["value"], "Ada@example.org");
//! let err = cb.call("profile", &json!({"ref": "C-000404"})).unwrap_err();
//! assert_eq!(err.code().as_str(), "not_found");
//! # Ok::<(), casebook::Error>(())
//! ```

use crate::clock::{Clock, IdSource, ManualClock, SeededIds};
use crate::config::Config;
use crate::engine::{Casebook, CreateOptions, ProfileQuery, Ref};
use crate::error::{Error, Result};
use crate::identity::MergePlan;
use crate::model::*;
use crate::store::{Snapshot, Store};
use crate::template::{Mode, Template, ValidationContext};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

/// Every operation [`Casebook::call`] understands.
pub const OPERATIONS: &[&str] = &[
    "templates",
    "template",
    "load_template",
    "validate_record",
    "validate_profile",
    "validate_case",
    "create_profile",
    "profile",
    "profile_record",
    "profile_summary",
    "update_profile",
    "find_profiles",
    "relate",
    "unrelate",
    "related_customers",
    "create_case",
    "case",
    "update_case",
    "set_case_status",
    "add_case_entry",
    "link_case",
    "unlink_case",
    "case_links",
    "cases_of_profile",
    "search_cases",
    "log_contact",
    "associate_contact",
    "contact",
    "contact_history",
    "case_contacts",
    "recognize",
    "duplicate_candidates",
    "duplicate_candidates_for_draft",
    "duplicate_report",
    "merge_preview",
    "merge",
    "unmerge",
    "merge_record",
    "audit_log",
    "export_snapshot",
    "import_snapshot",
    "check_invariants",
    "import_profiles",
];

/// A clock that starts at a fixed instant and moves a fixed step per reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedClock {
    /// First reading.
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
        serde_json::from_str(json).map_err(|e| Error::InvalidInput(format!("engine options: {e}")))
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
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
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
        let phone = crate::PhoneRules::new(self.default_region.as_deref(), &[])?;
        Ok(ValidationContext::with_phone(today, phone))
    }

    /// The validation mode these options ask for.
    pub fn mode(&self) -> Mode<'static> {
        if self.draft {
            Mode::Draft
        } else {
            Mode::Create
        }
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
    let mode = if draft { Mode::Draft } else { Mode::Create };
    Ok(to_value(&template.validate(record, mode, ctx)))
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

struct Args<'a>(&'a serde_json::Map<String, Value>);

impl Args<'_> {
    fn get<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let value = self
            .0
            .get(name)
            .ok_or_else(|| Error::InvalidInput(format!("missing argument `{name}`")))?;
        serde_json::from_value(value.clone())
            .map_err(|e| Error::InvalidInput(format!("argument `{name}`: {e}")))
    }

    fn opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.get(name).map(Some),
        }
    }

    fn str(&self, name: &str) -> Result<&str> {
        match self.0.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(Error::InvalidInput(format!(
                "argument `{name}` must be a string"
            ))),
            None => Err(Error::InvalidInput(format!("missing argument `{name}`"))),
        }
    }

    fn opt_str(&self, name: &str) -> Result<Option<&str>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.str(name).map(Some),
        }
    }

    fn limit(&self, default: usize) -> Result<usize> {
        Ok(self.opt::<usize>("limit")?.unwrap_or(default))
    }
}

impl<S: Store> Casebook<S> {
    /// Runs one operation (see [`OPERATIONS`]) with named JSON arguments.
    pub fn call(&self, op: &str, args: &Value) -> Result<Value> {
        let empty = serde_json::Map::new();
        let args = match args {
            Value::Object(map) => Args(map),
            Value::Null => Args(&empty),
            _ => {
                return Err(Error::InvalidInput(
                    "arguments must be a JSON object".into(),
                ))
            }
        };
        let a = &args;
        Ok(match op {
            "templates" => to_value(&self.templates()?),
            "template" => self.template(a.str("id")?, a.opt("version")?)?.to_json(),
            "load_template" => {
                let template = match a.0.get("template") {
                    Some(Value::String(json)) => Template::from_json(json)?,
                    Some(value) => Template::from_value(value.clone())?,
                    None => return Err(Error::InvalidInput("missing argument `template`".into())),
                };
                crate::engine::check_actor(a.str("by")?)?;
                self.store_template(template)?.to_json()
            }
            "validate_record" => to_value(&self.validate_record(
                a.str("template_id")?,
                a.opt("version")?,
                a.0.get("record").unwrap_or(&Value::Null),
                a.opt("draft")?.unwrap_or(false),
            )?),
            "validate_profile" => to_value(
                &self.validate_profile(&a.get("input")?, a.opt("draft")?.unwrap_or(false))?,
            ),
            "validate_case" => {
                to_value(&self.validate_case(&a.get("input")?, a.opt("draft")?.unwrap_or(false))?)
            }
            "create_profile" => {
                let options = CreateOptions {
                    allow_duplicates: a.opt("allow_duplicates")?.unwrap_or(false),
                };
                to_value(&self.create_profile_with(a.str("by")?, a.get("input")?, options)?)
            }
            "profile" => to_value(&self.profile(a.str("ref")?)?),
            "profile_record" => to_value(&self.profile_record(a.get::<Uuid>("id")?)?),
            "profile_summary" => to_value(&self.profile_summary(a.str("ref")?)?),
            "update_profile" => to_value(&self.update_profile(
                a.str("by")?,
                a.str("ref")?,
                a.get("version")?,
                a.get("input")?,
            )?),
            "find_profiles" => {
                to_value(&self.find_profiles(&a.get::<ProfileQuery>("query")?, a.limit(20)?)?)
            }
            "relate" => to_value(&self.relate(
                a.str("by")?,
                a.str("a")?,
                a.str("b")?,
                a.str("a_to_b")?,
                a.str("b_to_a")?,
            )?),
            "unrelate" => {
                self.unrelate(a.str("by")?, a.str("a")?, a.str("b")?)?;
                json!({})
            }
            "related_customers" => to_value(&self.related_customers(a.str("ref")?)?),
            "create_case" => to_value(&self.create_case(a.str("by")?, a.get("input")?)?),
            "case" => to_value(&self.case(a.str("ref")?)?),
            "update_case" => to_value(&self.update_case(
                a.str("by")?,
                a.str("ref")?,
                a.get("version")?,
                a.get("input")?,
            )?),
            "set_case_status" => to_value(&self.set_case_status(
                a.str("by")?,
                a.str("ref")?,
                a.get("version")?,
                a.get::<CaseStatus>("status")?,
                a.opt::<ResolutionInput>("resolution")?,
            )?),
            "add_case_entry" => to_value(&self.add_case_entry(
                a.str("by")?,
                a.str("ref")?,
                a.get::<EntryKind>("kind")?,
                a.str("text")?,
            )?),
            "link_case" => to_value(&self.link_case(
                a.str("by")?,
                a.str("case")?,
                a.str("profile")?,
                a.get::<LinkRole>("role")?,
            )?),
            "unlink_case" => {
                self.unlink_case(a.str("by")?, a.str("case")?, a.str("profile")?)?;
                json!({})
            }
            "case_links" => to_value(&self.case_links(a.str("case")?)?),
            "cases_of_profile" => to_value(
                &self.cases_of_profile(a.str("profile")?, a.opt("open_only")?.unwrap_or(false))?,
            ),
            "search_cases" => to_value(&self.search_cases(a.str("text")?, a.limit(20)?)?),
            "log_contact" => to_value(&self.log_contact(a.str("by")?, a.get("input")?)?),
            "associate_contact" => to_value(&self.associate_contact(
                a.str("by")?,
                a.str("contact")?,
                a.opt_str("profile")?.map(Ref::Key),
                a.opt_str("case")?.map(Ref::Key),
            )?),
            "contact" => to_value(&self.contact(a.str("id")?)?),
            "contact_history" => to_value(&self.contact_history(
                a.str("profile")?,
                a.opt("from")?,
                a.opt("to")?,
                a.limit(50)?,
            )?),
            "case_contacts" => to_value(&self.case_contacts(a.str("case")?)?),
            "recognize" => {
                to_value(&self.recognize(a.get::<Channel>("channel")?, a.str("address")?)?)
            }
            "duplicate_candidates" => to_value(&self.duplicate_candidates(a.str("ref")?)?),
            "duplicate_candidates_for_draft" => {
                to_value(&self.duplicate_candidates_for_draft(&a.get("draft")?)?)
            }
            "duplicate_report" => to_value(&self.duplicate_report()?),
            "merge_preview" => to_value(&self.merge_preview(&a.get::<MergePlan>("plan")?)?),
            "merge" => to_value(&self.merge(a.str("by")?, &a.get::<MergePlan>("plan")?)?),
            "unmerge" => {
                let (survivor, restored) = self.unmerge(a.str("by")?, a.get("merge_id")?)?;
                json!({"survivor": to_value(&survivor), "restored": to_value(&restored)})
            }
            "merge_record" => to_value(&self.merge_record(a.get("merge_id")?)?),
            "audit_log" => to_value(&self.audit_log(a.opt("subject")?)?),
            "export_snapshot" => to_value(&self.export_snapshot()?),
            "import_snapshot" => {
                self.import_snapshot(&a.get::<Snapshot>("snapshot")?)?;
                json!({})
            }
            "check_invariants" => to_value(&self.check_invariants()?),
            "import_profiles" => {
                let mut options = a
                    .opt::<crate::import::ImportOptions>("options")?
                    .unwrap_or_default();
                options.by = a.str("by")?.to_string();
                to_value(&self.import_profiles(
                    a.str("data")?.as_bytes(),
                    &a.get::<crate::import::ImportFormat>("format")?,
                    &options,
                    None,
                )?)
            }
            other => {
                return Err(Error::InvalidInput(format!(
                    "unknown operation `{other}` (expected one of: {})",
                    OPERATIONS.join(", ")
                )))
            }
        })
    }

    /// [`Casebook::call`] over JSON text.
    pub fn call_json(&self, op: &str, args_json: &str) -> Result<String> {
        let args: Value = if args_json.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(args_json)?
        };
        let out = self.call(op, &args)?;
        serde_json::to_string(&out).map_err(|e| Error::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Casebook<crate::MemoryStore> {
        EngineOptions::from_json(r#"{"config": {"default_region": "GB"}, "clock": {"start": "2026-01-01T00:00:00Z"}, "id_seed": 1}"#)
            .unwrap()
            .build(crate::MemoryStore::new(), Arc::new(ManualClock::new(Timestamp::UNIX_EPOCH)), Arc::new(SeededIds::new(0)))
            .unwrap()
    }

    #[test]
    fn every_listed_operation_is_dispatched() {
        let cb = engine();
        for op in OPERATIONS {
            // Empty arguments: either a result or an argument error, never "unknown operation".
            if let Err(e) = cb.call(op, &json!({})) {
                assert!(!e.to_string().contains("unknown operation"), "{op}: {e}");
            }
        }
        assert!(cb
            .call("nope", &json!({}))
            .unwrap_err()
            .to_string()
            .contains("unknown operation"));
    }

    #[test]
    fn bad_arguments_are_invalid_input() {
        let cb = engine();
        for (op, args) in [
            ("profile", json!({"ref": 5})),
            (
                "create_profile",
                json!({"by": "a", "input": {"given_name": 1}}),
            ),
            (
                "create_profile",
                json!({"by": "a", "input": {"unknown": 1}}),
            ),
            (
                "set_case_status",
                json!({"by": "a", "ref": "CS1", "version": 1, "status": "flying"}),
            ),
            ("recognize", json!({"channel": "pigeon", "address": "x"})),
            ("profile", json!([1])),
        ] {
            assert_eq!(
                cb.call(op, &args).unwrap_err().code(),
                crate::ErrorCode::InvalidInput,
                "{op} {args}"
            );
        }
        assert_eq!(
            cb.call_json("profile", "{not json").unwrap_err().code(),
            crate::ErrorCode::InvalidInput
        );
    }

    #[test]
    fn deterministic_options_give_deterministic_answers() {
        let run = || {
            let cb = engine();
            cb.call(
                "create_profile",
                &json!({"by": "a", "input": {"family_name": "Lovelace"}}),
            )
            .unwrap()
        };
        assert_eq!(run(), run());
        assert!(run()["created_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-01T00:00:00"));
    }
}
