//! casebook for JavaScript: the engine compiled to WebAssembly, for the
//! browser and Node.
//!
//! The binding translates and decides nothing: every method builds the
//! named arguments of one [`casebook::api`] operation, runs it through
//! [`casebook::Casebook::call`] and hands the JSON answer back as plain JS
//! objects. Failures are thrown as JS `Error`s named `CasebookError` that
//! carry the core's stable code (see [`casebook::ErrorCode`]).

#![warn(missing_docs)]

mod convert;
mod error;
mod host;

use casebook::api::EngineOptions;
use casebook::store::SNAPSHOT_FORMAT;
use casebook::{Error, MemoryStore, PhoneRules, Snapshot, ValidationContext};
use error::{throw, JsResult};
use serde_json::{Map, Value};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SHARED: &str = r#"
/** A UUID, as hyphenated lower-case text. */
export type Uuid = string;
/** An instant: RFC 3339 text in UTC, such as `2026-03-02T09:00:00Z`. */
export type Timestamp = string;
/** Any JSON value. */
export type Value = any;
/** Custom field values of a record, keyed by field key. */
export type Fields = Record<string, any>;

/**
 * How to build an engine: configuration plus, for deterministic runs (tests,
 * replays), a fixed clock and an id seed. `config` takes the keys of the
 * Rust `casebook::Config` (`default_region`, `customer_id_format`,
 * `case_number_format`, `priority_matrix`, `matching`, ...).
 */
export interface EngineOptions {
    config?: Record<string, any>;
    clock?: { start: Timestamp; step_ms?: number };
    id_seed?: number;
}

/**
 * What every failing call throws: a JS `Error` whose `name` is
 * `"CasebookError"`. `code` and `status` are the core's stable codes;
 * `fields` lists every field problem of a `validation_failed` error (empty
 * otherwise); `candidates` comes with `duplicate_suspected`.
 */
export interface CasebookError extends Error {
    name: "CasebookError";
    code: ErrorCode;
    status: number;
    fields: FieldError[];
    candidates?: DuplicateCandidate[];
}
"#;

pub use casebook::api::ValidateOptions;

/// Installs the panic hook once, at the first entry into the module.
fn ready() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(error::install_panic_hook);
}

/// The casebook version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every operation name [`Casebook::call`] understands.
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn operations() -> Vec<String> {
    casebook::api::OPERATIONS
        .iter()
        .map(|op| op.to_string())
        .collect()
}

/// Loads the phone-number metadata and the Unicode tables now rather than on
/// the first call that needs them (in a browser the first phone number costs
/// hundreds of milliseconds). Returns the milliseconds it took.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> f64 {
    ready();
    let start = js_sys::Date::now();
    if let Ok(rules) = PhoneRules::new(Some("GB"), &[]) {
        // A national number goes through the full parser and its metadata.
        let _ = rules.normalize("020 7946 0958");
        let _ = rules.normalize("+1 202 555 0143");
    }
    let _ = casebook::text::tokens("Zoë Ångström-Łukasz ﬁnn");
    js_sys::Date::now() - start
}

/// A regular expression for the E.164 numbers of a country calling code
/// (such as 44), from the phone metadata casebook validates with: for an
/// HTML `pattern` attribute or a JSON Schema. `undefined` for an unknown code.
#[wasm_bindgen(js_name = e164Pattern, unchecked_return_type = "string | undefined")]
pub fn e164_pattern(
    #[wasm_bindgen(js_name = callingCode, unchecked_param_type = "number")] calling_code: JsValue,
) -> JsResult {
    ready();
    let code = calling_code
        .as_f64()
        .filter(|c| c.fract() == 0.0 && (0.0..=999.0).contains(c))
        .ok_or_else(|| {
            error::to_js(&Error::InvalidInput(
                "the calling code must be a whole number from 0 to 999".into(),
            ))
        })?;
    Ok(PhoneRules::e164_pattern(code as u16)
        .map(JsValue::from)
        .unwrap_or(JsValue::UNDEFINED))
}

/// The validation context and options of `validate` and `Validator`.
fn validation_context(options: &JsValue) -> casebook::Result<(ValidationContext, ValidateOptions)> {
    let options = ValidateOptions::from_value(&convert::from_js(options, "options")?)?;
    Ok((options.context(host::today_utc())?, options))
}

/// A template compiled once, for checking a form on every keystroke: only
/// the field errors, read straight from the record's JSON text (the core's
/// `Template::check_json`), with exactly the rules of `validate`.
#[wasm_bindgen]
pub struct Validator {
    template: casebook::Template,
    ctx: ValidationContext,
    options: ValidateOptions,
}

#[wasm_bindgen]
impl Validator {
    /// Compiles `template` (a template definition) with the options of `validate`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TemplateDef")] template: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions | boolean")]
        options: JsValue,
    ) -> JsResult<Validator> {
        ready();
        throw((|| {
            let template =
                casebook::Template::from_value(convert::from_js(&template, "template")?)?;
            let (ctx, options) = validation_context(&options)?;
            Ok(Validator {
                template,
                ctx,
                options,
            })
        })())
    }

    /// Every field error of `record` (an empty list when it is valid).
    #[wasm_bindgen(unchecked_return_type = "FieldError[]")]
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
    ) -> JsResult {
        ready();
        throw((|| {
            let text = convert::json_text(&record, "record")?;
            let errors = self
                .template
                .check_json(&text, self.options.mode(), &self.ctx)
                .map_err(|e| convert::refine_parse_error(e, "record"))?;
            convert::to_js(&serde_json::to_value(&errors)?)
        })())
    }
}

/// Validates a record against a template definition without any store (what
/// a form does while the user types). Returns the normalised values, every
/// field error and, for a draft, the required fields still missing. The
/// third argument is the options, or just the draft flag.
#[wasm_bindgen(unchecked_return_type = "ValidationReport")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "TemplateDef")] template: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions | boolean")] options: JsValue,
) -> JsResult {
    ready();
    throw(validate_inner(&template, &record, &options))
}

fn validate_inner(
    template: &JsValue,
    record: &JsValue,
    options: &JsValue,
) -> casebook::Result<JsValue> {
    let template = convert::from_js(template, "template")?;
    let record = convert::from_js(record, "record")?;
    let (ctx, options) = validation_context(options)?;
    let report = casebook::api::validate_with_template(&template, &record, options.draft, &ctx)?;
    convert::to_js(&report)
}

/// A casebook over an in-memory store: customer profiles, cases, the links
/// between them and the contacts logged against both.
///
/// Every method takes and returns plain JS objects and throws a
/// `CasebookError` on failure; a failed call leaves the instance usable.
/// Call `free()` when done with an instance, or let the garbage collector
/// release it.
#[wasm_bindgen]
pub struct Casebook {
    inner: casebook::Casebook<MemoryStore>,
}

/// Named arguments of one operation; `undefined` and `null` ones are left
/// out, so the core reports a missing required argument by its name.
struct Args(Map<String, Value>);

impl Args {
    fn new() -> Self {
        Args(Map::new())
    }

    fn put(mut self, name: &str, value: &JsValue) -> casebook::Result<Self> {
        match convert::from_js(value, &format!("argument `{name}`"))? {
            Value::Null => {}
            value => {
                self.0.insert(name.to_string(), value);
            }
        }
        Ok(self)
    }
}

impl Casebook {
    fn run(&self, op: &str, args: casebook::Result<Args>) -> JsResult {
        throw(
            args.and_then(|args| self.inner.call(op, &Value::Object(args.0)))
                .and_then(|out| convert::to_js(&out)),
        )
    }

    fn import_value(&self, snapshot: Value) -> casebook::Result<()> {
        let format = snapshot.get("format").and_then(Value::as_u64);
        let mut args = Map::new();
        args.insert("snapshot".into(), snapshot);
        match self.inner.call("import_snapshot", &Value::Object(args)) {
            Ok(_) => Ok(()),
            // A snapshot of another format may not even parse as this
            // format: let the core judge its format number first.
            Err(e @ Error::InvalidInput(_)) => match format.map(u32::try_from) {
                Some(Ok(format)) if format != SNAPSHOT_FORMAT => {
                    self.inner.import_snapshot(&Snapshot {
                        format,
                        ..Snapshot::default()
                    })?;
                    Err(e)
                }
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

/// Shorthand: the named arguments of one method.
macro_rules! args {
    ($($name:literal => $value:expr),* $(,)?) => {
        Ok(Args::new())$(.and_then(|a| a.put($name, &$value)))*
    };
}

#[wasm_bindgen]
impl Casebook {
    /// A new, empty casebook. `options` fix the configuration and, for
    /// deterministic runs, the clock and the id seed; by default the clock is
    /// `Date.now()` and ids come from `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "EngineOptions")] options: JsValue,
    ) -> JsResult<Casebook> {
        ready();
        throw(Self::build(&options))
    }

    fn build(options: &JsValue) -> casebook::Result<Casebook> {
        let options: EngineOptions = match convert::from_js(options, "engine options")? {
            Value::Null => EngineOptions::default(),
            value => serde_json::from_value(value)
                .map_err(|e| Error::InvalidInput(format!("engine options: {e}")))?,
        };
        let inner = options.build(
            MemoryStore::new(),
            Arc::new(host::JsClock),
            Arc::new(host::JsIds::new()),
        )?;
        Ok(Casebook { inner })
    }

    /// Runs any operation by name (see `operations()`) with its named
    /// arguments, as the Rust `Casebook::call` does.
    pub fn call(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] op: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, any>")] args: JsValue,
    ) -> JsResult {
        let op = op
            .as_string()
            .ok_or_else(|| Error::InvalidInput("the operation name must be a string".into()));
        throw(
            op.and_then(|op| {
                let args = convert::from_js(&args, "arguments")?;
                self.inner.call(&op, &args)
            })
            .and_then(|out| convert::to_js(&out)),
        )
    }

    // ----- templates -----

    /// Every stored template version.
    #[wasm_bindgen(unchecked_return_type = "TemplateRef[]")]
    pub fn templates(&self) -> JsResult {
        self.run("templates", args!())
    }

    /// A template's definition (`version` left out: the latest).
    #[wasm_bindgen(unchecked_return_type = "TemplateDef")]
    pub fn template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("template", args!("id" => id, "version" => version))
    }

    /// Loads a template (a definition object or its JSON text). A changed
    /// definition of an existing id becomes a new version.
    #[wasm_bindgen(js_name = loadTemplate, unchecked_return_type = "TemplateDef")]
    pub fn load_template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TemplateDef | string")] template: JsValue,
    ) -> JsResult {
        self.run("load_template", args!("by" => by, "template" => template))
    }

    /// Validates custom field values against a stored template.
    #[wasm_bindgen(js_name = validateRecord, unchecked_return_type = "ValidationReport")]
    pub fn validate_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] template_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run(
            "validate_record",
            args!("template_id" => template_id, "record" => record, "draft" => draft, "version" => version),
        )
    }

    /// Validates a whole new-customer form: the normalised input and every problem.
    #[wasm_bindgen(js_name = validateProfile, unchecked_return_type = "FormValidation<ProfileInput>")]
    pub fn validate_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
    ) -> JsResult {
        self.run(
            "validate_profile",
            args!("input" => input, "draft" => draft),
        )
    }

    /// Validates a whole case form: the normalised input and every problem.
    #[wasm_bindgen(js_name = validateCase, unchecked_return_type = "FormValidation<CaseInput>")]
    pub fn validate_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
    ) -> JsResult {
        self.run("validate_case", args!("input" => input, "draft" => draft))
    }

    // ----- profiles -----

    /// Creates a profile. Refused with `duplicate_suspected` when it strongly
    /// matches existing profiles, unless `allowDuplicates` is true.
    #[wasm_bindgen(js_name = createProfile, unchecked_return_type = "Profile")]
    pub fn create_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
        #[wasm_bindgen(js_name = allowDuplicates, unchecked_optional_param_type = "boolean")]
        allow_duplicates: JsValue,
    ) -> JsResult {
        self.run(
            "create_profile",
            args!("by" => by, "input" => input, "allow_duplicates" => allow_duplicates),
        )
    }

    /// A profile by id or customer ID (a merged-away one redirects to its survivor).
    #[wasm_bindgen(unchecked_return_type = "Profile")]
    pub fn profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("profile", args!("ref" => r#ref))
    }

    /// A profile record by internal id, tombstones included (no redirect).
    #[wasm_bindgen(js_name = profileRecord, unchecked_return_type = "Profile")]
    pub fn profile_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uuid")] id: JsValue,
    ) -> JsResult {
        self.run("profile_record", args!("id" => id))
    }

    /// A profile's summary (for lists and pop-ups).
    #[wasm_bindgen(js_name = profileSummary, unchecked_return_type = "ProfileSummary")]
    pub fn profile_summary(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("profile_summary", args!("ref" => r#ref))
    }

    /// Replaces a profile's editable part; `version` is the one edited
    /// (`conflict` if someone changed it since).
    #[wasm_bindgen(js_name = updateProfile, unchecked_return_type = "Profile")]
    pub fn update_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "update_profile",
            args!("by" => by, "ref" => r#ref, "version" => version, "input" => input),
        )
    }

    /// Looks profiles up by name, e-mail, phone, account, customer ID or identification.
    #[wasm_bindgen(js_name = findProfiles, unchecked_return_type = "ProfileSummary[]")]
    pub fn find_profiles(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("find_profiles", args!("query" => query, "limit" => limit))
    }

    /// Relates two profiles, with what `b` is to `a` and what `a` is to `b`.
    #[wasm_bindgen(unchecked_return_type = "Relation")]
    pub fn relate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] b: JsValue,
        #[wasm_bindgen(js_name = aToB, unchecked_param_type = "string")] a_to_b: JsValue,
        #[wasm_bindgen(js_name = bToA, unchecked_param_type = "string")] b_to_a: JsValue,
    ) -> JsResult {
        self.run(
            "relate",
            args!("by" => by, "a" => a, "b" => b, "a_to_b" => a_to_b, "b_to_a" => b_to_a),
        )
    }

    /// Removes the relation between two profiles.
    #[wasm_bindgen]
    pub fn unrelate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] b: JsValue,
    ) -> JsResult<()> {
        self.run("unrelate", args!("by" => by, "a" => a, "b" => b))
            .map(drop)
    }

    /// The customers related to a profile (household, employer, ...).
    #[wasm_bindgen(js_name = relatedCustomers, unchecked_return_type = "RelatedCustomer[]")]
    pub fn related_customers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("related_customers", args!("ref" => r#ref))
    }

    // ----- cases -----

    /// Opens a case, optionally linked to profiles.
    #[wasm_bindgen(js_name = createCase, unchecked_return_type = "Case")]
    pub fn create_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
    ) -> JsResult {
        self.run("create_case", args!("by" => by, "input" => input))
    }

    /// A case by id or case number.
    #[wasm_bindgen(js_name = "case", unchecked_return_type = "Case")]
    pub fn case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("case", args!("ref" => r#ref))
    }

    /// Replaces a case's editable part; `version` is the one edited.
    #[wasm_bindgen(js_name = updateCase, unchecked_return_type = "Case")]
    pub fn update_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "update_case",
            args!("by" => by, "ref" => r#ref, "version" => version, "input" => input),
        )
    }

    /// Moves a case to another status (the state machine decides what is allowed).
    #[wasm_bindgen(js_name = setCaseStatus, unchecked_return_type = "Case")]
    pub fn set_case_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseStatus")] status: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ResolutionInput")] resolution: JsValue,
    ) -> JsResult {
        self.run(
            "set_case_status",
            args!("by" => by, "ref" => r#ref, "version" => version, "status" => status, "resolution" => resolution),
        )
    }

    /// Adds a work note or a comment to a case's timeline.
    #[wasm_bindgen(js_name = addCaseEntry, unchecked_return_type = "Case")]
    pub fn add_case_entry(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EntryKind")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> JsResult {
        self.run(
            "add_case_entry",
            args!("by" => by, "ref" => r#ref, "kind" => kind, "text" => text),
        )
    }

    /// Links a profile to a case with a role.
    #[wasm_bindgen(js_name = linkCase, unchecked_return_type = "CaseLink")]
    pub fn link_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LinkRole")] role: JsValue,
    ) -> JsResult {
        self.run(
            "link_case",
            args!("by" => by, "case" => case_ref, "profile" => profile, "role" => role),
        )
    }

    /// Removes a profile's link to a case.
    #[wasm_bindgen(js_name = unlinkCase)]
    pub fn unlink_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
    ) -> JsResult<()> {
        self.run(
            "unlink_case",
            args!("by" => by, "case" => case_ref, "profile" => profile),
        )
        .map(drop)
    }

    /// The profiles linked to a case.
    #[wasm_bindgen(js_name = caseLinks, unchecked_return_type = "CaseLink[]")]
    pub fn case_links(
        &self,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
    ) -> JsResult {
        self.run("case_links", args!("case" => case_ref))
    }

    /// The cases linked to a profile, with its role on each.
    #[wasm_bindgen(js_name = casesOfProfile, unchecked_return_type = "ProfileCase[]")]
    pub fn cases_of_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(js_name = openOnly, unchecked_optional_param_type = "boolean")]
        open_only: JsValue,
    ) -> JsResult {
        self.run(
            "cases_of_profile",
            args!("profile" => profile, "open_only" => open_only),
        )
    }

    /// Keyword search over cases.
    #[wasm_bindgen(js_name = searchCases, unchecked_return_type = "CaseSummary[]")]
    pub fn search_cases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("search_cases", args!("text" => text, "limit" => limit))
    }

    // ----- contacts -----

    /// Logs a contact (a call, an e-mail, a chat).
    #[wasm_bindgen(js_name = logContact, unchecked_return_type = "Contact")]
    pub fn log_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ContactInput")] input: JsValue,
    ) -> JsResult {
        self.run("log_contact", args!("by" => by, "input" => input))
    }

    /// Associates a logged contact with a profile and/or a case.
    #[wasm_bindgen(js_name = associateContact, unchecked_return_type = "Contact")]
    pub fn associate_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] contact: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_optional_param_type = "string")]
        case_ref: JsValue,
    ) -> JsResult {
        self.run(
            "associate_contact",
            args!("by" => by, "contact" => contact, "profile" => profile, "case" => case_ref),
        )
    }

    /// A contact by id.
    #[wasm_bindgen(unchecked_return_type = "Contact")]
    pub fn contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> JsResult {
        self.run("contact", args!("id" => id))
    }

    /// A profile's contacts, most recent first, optionally between two instants.
    #[wasm_bindgen(js_name = contactHistory, unchecked_return_type = "Contact[]")]
    pub fn contact_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run(
            "contact_history",
            args!("profile" => profile, "from" => from, "to" => to, "limit" => limit),
        )
    }

    /// The contacts associated with a case.
    #[wasm_bindgen(js_name = caseContacts, unchecked_return_type = "Contact[]")]
    pub fn case_contacts(
        &self,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
    ) -> JsResult {
        self.run("case_contacts", args!("case" => case_ref))
    }

    /// Who is calling: one profile with its open cases, several (a shared
    /// address: the agent chooses), or none with a pre-filled new-customer draft.
    #[wasm_bindgen(unchecked_return_type = "Recognition")]
    pub fn recognize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Channel")] channel: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] address: JsValue,
    ) -> JsResult {
        self.run(
            "recognize",
            args!("channel" => channel, "address" => address),
        )
    }

    // ----- identity -----

    /// Probable duplicates of a profile, with explained scores.
    #[wasm_bindgen(js_name = duplicateCandidates, unchecked_return_type = "DuplicateCandidate[]")]
    pub fn duplicate_candidates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("duplicate_candidates", args!("ref" => r#ref))
    }

    /// Probable duplicates of a profile not created yet (while a form is filled in).
    #[wasm_bindgen(js_name = duplicateCandidatesForDraft, unchecked_return_type = "DuplicateCandidate[]")]
    pub fn duplicate_candidates_for_draft(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] draft: JsValue,
    ) -> JsResult {
        self.run("duplicate_candidates_for_draft", args!("draft" => draft))
    }

    /// Probable duplicates across the whole store, in clusters.
    #[wasm_bindgen(js_name = duplicateReport, unchecked_return_type = "DuplicateReport")]
    pub fn duplicate_report(&self) -> JsResult {
        self.run("duplicate_report", args!())
    }

    /// Exactly what a merge would do, without doing it.
    #[wasm_bindgen(js_name = mergePreview, unchecked_return_type = "MergePreview")]
    pub fn merge_preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("merge_preview", args!("plan" => plan))
    }

    /// Merges one profile into another (undo with `unmerge`).
    #[wasm_bindgen(unchecked_return_type = "MergeOutcome")]
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("merge", args!("by" => by, "plan" => plan))
    }

    /// Undoes a merge, restoring both profiles.
    #[wasm_bindgen(unchecked_return_type = "{ survivor: Profile; restored: Profile }")]
    pub fn unmerge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = mergeId, unchecked_param_type = "Uuid")] merge_id: JsValue,
    ) -> JsResult {
        self.run("unmerge", args!("by" => by, "merge_id" => merge_id))
    }

    /// The journal of one merge.
    #[wasm_bindgen(js_name = mergeRecord, unchecked_return_type = "MergeRecord")]
    pub fn merge_record(
        &self,
        #[wasm_bindgen(js_name = mergeId, unchecked_param_type = "Uuid")] merge_id: JsValue,
    ) -> JsResult {
        self.run("merge_record", args!("merge_id" => merge_id))
    }

    /// The audit log, about one record (by internal id) or all.
    #[wasm_bindgen(js_name = auditLog, unchecked_return_type = "AuditEntry[]")]
    pub fn audit_log(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Uuid")] subject: JsValue,
    ) -> JsResult {
        self.run("audit_log", args!("subject" => subject))
    }

    // ----- whole store -----

    /// Every record, as the UTF-8 bytes of a JSON snapshot (to keep in
    /// IndexedDB, a file, ...).
    #[wasm_bindgen(js_name = exportSnapshot)]
    pub fn export_snapshot(&self) -> JsResult<Vec<u8>> {
        throw(
            self.inner
                .export_snapshot()
                .and_then(|s| serde_json::to_vec(&s).map_err(|e| Error::Internal(e.to_string()))),
        )
    }

    /// Loads a snapshot (bytes, JSON text or the parsed object) into this
    /// casebook, which must be empty. A snapshot of another format version
    /// is refused with `incompatible_version`.
    #[wasm_bindgen(js_name = importSnapshot)]
    pub fn import_snapshot(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | object")] snapshot: JsValue,
    ) -> JsResult<()> {
        let value = if let Some(bytes) = snapshot.dyn_ref::<js_sys::Uint8Array>() {
            serde_json::from_slice(&bytes.to_vec())
                .map_err(|e| Error::InvalidInput(format!("snapshot: not JSON: {e}")))
        } else if let Some(text) = snapshot.as_string() {
            serde_json::from_str(&text)
                .map_err(|e| Error::InvalidInput(format!("snapshot: not JSON: {e}")))
        } else {
            convert::from_js(&snapshot, "snapshot")
        };
        throw(value.and_then(|v| self.import_value(v)))
    }

    /// Broken store invariants, if any (an empty list when all is well).
    #[wasm_bindgen(js_name = checkInvariants, unchecked_return_type = "string[]")]
    pub fn check_invariants(&self) -> JsResult {
        self.run("check_invariants", args!())
    }
}
