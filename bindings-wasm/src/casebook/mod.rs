//! The `Casebook` class: an engine over an in-memory store. Its methods are
//! split by concept, one `#[wasm_bindgen] impl` block per file; this file
//! holds the class, its constructor, `call` and the whole-store methods.

use crate::error::{throw, JsResult};
use crate::{convert, host, js_names, ready};
use casebook::api::EngineOptions;
use casebook::{Error, MemoryStore};
use serde_json::{Map, Value};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// Shorthand: the named arguments of one method.
macro_rules! args {
    ($($name:literal => $value:expr),* $(,)?) => {
        Ok($crate::casebook::Args::new())$(.and_then(|a| a.put($name, &$value)))*
    };
}

/// The named arguments of a method that also takes them as one options
/// object: `relate({ by, a, b, aToB, bToA })` as well as
/// `relate(by, a, b, aToB, bToA)`. The first argument of such a method is a
/// string, so an object there can only be the options.
macro_rules! args_or_options {
    ($first:literal => $first_value:expr $(, $name:literal => $value:expr)* $(,)?) => {{
        let rest_absent = true $(&& $value.is_undefined())*;
        if rest_absent && $crate::casebook::is_options(&$first_value) {
            $crate::casebook::Args::from_options(&$first_value, &[$first $(, $name)*])
        } else {
            args!($first => $first_value $(, $name => $value)*)
        }
    }};
}

mod cases;
mod contacts;
mod dashboard;
mod events;
mod identity;
mod intake;
mod linked;
mod notify;
mod profiles;
mod reports;
mod routing;
mod slas;
mod tasks;
mod templates;

// The options-object forms of the methods with long argument lists, as
// overloads (an interface merges into the class of the same name).
#[wasm_bindgen(typescript_custom_section)]
const TS_OPTIONS: &str = r#"
export interface Casebook {
    /** Relates two profiles: what `b` is to `a` (`aToB`) and what `a` is to `b` (`bToA`). */
    relate(options: { by: string; a: string; b: string; aToB: string | string[]; bToA: string | string[] }): Relation;
    /** Replaces a profile's editable part; `version` is the one edited. */
    updateProfile(options: { by: string; ref: string; version: number; input: ProfileInput }): Profile;
    /** Replaces a case's editable part; `version` is the one edited. */
    updateCase(options: { by: string; ref: string; version: number; input: CaseInput }): Case;
    /** Moves a case to another status. */
    setCaseStatus(options: { by: string; ref: string; version: number; status: CaseStatus; resolution?: ResolutionInput }): Case;
    /** Adds a work note or a comment to a case's timeline. */
    addCaseEntry(options: { by: string; ref: string; kind: EntryKind; text: string }): Case;
    /** Links a profile to a case with a role. */
    linkCase(options: { by: string; case: string; profile: string; role: LinkRole }): CaseLink;
    /** Associates a contact with a profile, a case or both. */
    associateContact(options: { by: string; contact: string; profile?: string; case?: string }): Contact;
    /** A profile's contacts, most recent first, optionally between two instants. */
    contactHistory(options: { profile: string; from?: Timestamp | Date; to?: Timestamp | Date; limit?: number }): Contact[];
    /** A profile's dashboard over a period. */
    profileDashboard(options: { profile: string; from?: Timestamp | Date; to?: Timestamp | Date }): ProfileDashboard;
    /** Adds a task or a follow-up to a case. */
    addTask(options: { by: string; case: string; input: TaskInput }): CaseTask;
    /** Replaces an open task's editable part; `version` is the task's. */
    editTask(options: { by: string; case: string; task: string; version: number; input: TaskInput }): CaseTask;
    /** Marks a task done or cancelled, or reopens it. */
    setTaskStatus(options: { by: string; case: string; task: string; version: number; status: TaskStatus }): CaseTask;
}
"#;

/// A casebook over an in-memory store: customer profiles, cases, the links
/// between them and the contacts logged against both.
///
/// Methods with long argument lists (`relate`, `updateProfile`,
/// `updateCase`, `setCaseStatus`, `addCaseEntry`, `linkCase`,
/// `associateContact`, `contactHistory`, `addTask`, `editTask`,
/// `setTaskStatus`) also take them as one options
/// object: `relate({ by, a, b, aToB, bToA })`.
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
pub(crate) struct Args(Map<String, Value>);

impl Args {
    pub(crate) fn new() -> Self {
        Args(Map::new())
    }

    pub(crate) fn put(mut self, name: &str, value: &JsValue) -> casebook::Result<Self> {
        // `JSON.stringify` writes NaN and the infinities as null, which would
        // read as "absent": a number slot holding one is refused instead.
        if let Some(number) = value.as_f64() {
            if !number.is_finite() {
                return Err(Error::InvalidInput(format!(
                    "argument `{name}` must be a finite number, not {number}"
                )));
            }
        }
        let what = format!("argument `{name}`");
        let mut value = convert::from_js_data(value, &what)?;
        if !js_names::is_data(name, &value) {
            js_names::to_wire_names(&mut value, &what)?;
        }
        if !value.is_null() {
            self.0.insert(name.to_string(), value);
        }
        Ok(self)
    }
}

/// Whether a method's first argument is its options object.
pub(crate) fn is_options(value: &JsValue) -> bool {
    value.is_object() && !js_sys::Array::is_array(value)
}

impl Args {
    /// The named arguments of an options object, its properties in
    /// camelCase or snake_case; a property the method does not take (a
    /// typo) is refused rather than ignored.
    pub(crate) fn from_options(options: &JsValue, names: &[&str]) -> casebook::Result<Self> {
        let mut args = Args::new();
        for entry in js_sys::Object::entries(options.unchecked_ref()).iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let name = js_names::wire_name(&key).into_owned();
            if !names.contains(&name.as_str()) {
                let known: Vec<String> = names
                    .iter()
                    .map(|n| js_names::js_name(n).into_owned())
                    .collect();
                return Err(Error::InvalidInput(format!(
                    "options: unknown property `{key}` (this method takes {})",
                    known.join(", ")
                )));
            }
            if args.0.contains_key(&name) {
                return Err(Error::InvalidInput(format!(
                    "options: property `{key}` is given twice (as camelCase and as snake_case)"
                )));
            }
            args = args.put(&name, &entry.get(1))?;
        }
        Ok(args)
    }
}

impl Casebook {
    /// Runs operation `op` of the core's table with `args`.
    fn run(&self, op: &str, args: casebook::Result<Args>) -> JsResult {
        throw(
            args.and_then(|args| casebook::api::call(&self.inner, op, &Value::Object(args.0)))
                .and_then(|out| convert::to_js(&out)),
        )
    }

    fn build(options: &JsValue) -> casebook::Result<Casebook> {
        // The core decides what options are acceptable (an object, a real region).
        let options = EngineOptions::from_value(convert::from_js(options, "engine options")?)?;
        let inner = options.build(
            MemoryStore::new(),
            Arc::new(host::JsClock),
            Arc::new(host::JsIds::new()),
        )?;
        Ok(Casebook { inner })
    }
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

    /// Runs any operation by name (see `operations()`) with its named
    /// arguments, as the Rust `casebook::api::call` does. Names may be
    /// written in camelCase (`createProfile`, `allowDuplicates`) or as the
    /// wire writes them (`create_profile`, `allow_duplicates`).
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
                casebook::api::call(&self.inner, &js_names::wire_name(&op), &args)
            })
            .and_then(|out| convert::to_js(&out)),
        )
    }

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
        // The core judges the snapshot, its format number first.
        throw(value.and_then(|snapshot| {
            let mut args = Map::new();
            args.insert("snapshot".into(), snapshot);
            casebook::api::call(&self.inner, "import_snapshot", &Value::Object(args)).map(drop)
        }))
    }

    /// Broken store invariants, if any (an empty list when all is well).
    #[wasm_bindgen(js_name = checkInvariants, unchecked_return_type = "InvariantProblem[]")]
    pub fn check_invariants(&self) -> JsResult {
        self.run("check_invariants", args!())
    }
}
