//! The TypeScript declarations of the records the JS API names, generated
//! from the JSON Schemas the core derives (its `schema` feature) and checked
//! in as `src/records.d.ts`, which the module's `.d.ts` includes. Like a
//! header freshness check, the test fails when the file is stale;
//! `CASEBOOK_BLESS=1 cargo test -p casebook-wasm` rewrites it.

mod typescript;

use casebook::api::{EngineOptions, ValidateOptions};
use casebook::*;
use schemars::generate::{Contract, SchemaGenerator, SchemaSettings};
use schemars::{json_schema, JsonSchema, Schema};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const HEADER: &str = "\
// The records of the casebook API, generated from the core's JSON Schemas
// (bindings-wasm/tests/declarations); do not edit.

/** A UUID, as hyphenated lower-case text. */
export type Uuid = string;

/** Any JSON value. */
export type Value = any;
";

/// Stands for the type parameter `T` of a generic declaration.
struct TypeParameter;

impl JsonSchema for TypeParameter {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "T".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"x-type-parameter": "T"})
    }
}

/// Whether JS passes a record in, or only gets it back.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    In,
    Out,
}

/// The records to declare, as both contracts describe them: what the core
/// reads (a key with a default may be left out) and what it writes (such a
/// key is always there).
struct Records {
    read: SchemaGenerator,
    written: SchemaGenerator,
    roots: Vec<(String, String, Way)>,
}

impl Records {
    fn new() -> Self {
        let settings = |contract| {
            SchemaSettings::draft2020_12()
                .with(|s| s.contract = contract)
                .into_generator()
        };
        Records {
            read: settings(Contract::Deserialize),
            written: settings(Contract::Serialize),
            roots: Vec::new(),
        }
    }

    /// Declares `T` as `header` (its schema name, with type parameters if any).
    fn add<T: JsonSchema>(&mut self, header: &str, way: Way) -> &mut Self {
        let reference = self.read.subschema_for::<T>();
        self.written.subschema_for::<T>();
        let name = reference
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .unwrap_or_else(|| panic!("{header} has no schema of its own"));
        let base = header.split('<').next().unwrap_or(header);
        assert_eq!(name, base, "the schema name of {header}");
        self.roots.push((name.to_string(), header.to_string(), way));
        self
    }

    /// The declarations file.
    fn declarations(mut self) -> String {
        let mut read = self.read.take_definitions(true);
        let mut written = self.written.take_definitions(true);
        for defs in [&mut read, &mut written] {
            defs.insert("ErrorCode".into(), error_code_schema());
        }
        self.roots
            .push(("ErrorCode".into(), "ErrorCode".into(), Way::Out));
        for name in read.keys().chain(written.keys()) {
            // schemars numbers a second type of the same name (`Name2`).
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                base == name || !read.contains_key(base),
                "two records are named {base}"
            );
        }

        // A record JS may pass in is declared as the core reads it (a key
        // with a default may be left out); one it only gets back, as the
        // core writes it.
        let inputs = closure(
            self.roots
                .iter()
                .filter(|(_, _, way)| *way == Way::In)
                .map(|(name, _, _)| name.clone()),
            &read,
        );
        let mut chosen = Map::new();
        for (name, schema) in &written {
            if !inputs.contains(name) {
                chosen.insert(name.clone(), schema.clone());
            }
        }
        for (name, schema) in read {
            chosen.entry(name).or_insert(schema);
        }

        let all = closure(self.roots.iter().map(|(name, _, _)| name.clone()), &chosen);
        let mut out = String::from(HEADER);
        for name in &all {
            let header = self
                .roots
                .iter()
                .find(|(root, _, _)| root == name)
                .map_or(name.as_str(), |(_, header, _)| header.as_str());
            out.push('\n');
            out.push_str(&typescript::declaration(header, &chosen[name]));
        }
        out
    }
}

/// Every definition reachable from `roots`.
fn closure(roots: impl Iterator<Item = String>, defs: &Map<String, Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            let schema = defs
                .get(&name)
                .unwrap_or_else(|| panic!("no schema named {name}"));
            let mut found = BTreeSet::new();
            typescript::refs(schema, &mut found);
            todo.extend(found);
        }
    }
    seen
}

/// `ErrorCode` has no serde form (its text is `as_str`): its schema comes
/// from the core's table of codes.
fn error_code_schema() -> Value {
    let codes: Vec<Value> = ErrorCode::ALL
        .iter()
        .map(|code| {
            serde_json::json!({
                "type": "string",
                "const": code.as_str(),
                "description": code.description().trim(),
            })
        })
        .collect();
    serde_json::json!({
        "description": "Stable machine code of an error: the `code` of a `CasebookError` and of\n\
                        the error JSON. A code's text and its number (`status`) are fixed once\n\
                        released.",
        "oneOf": codes,
    })
}

/// Every record the API names (the `unchecked_*_type` attributes and the
/// hand-written TypeScript), and the ones the package has always declared.
fn generate() -> String {
    let mut records = Records::new();
    records
        // Passed in.
        .add::<EngineOptions>("EngineOptions", Way::In)
        .add::<ValidateOptions>("ValidateOptions", Way::In)
        .add::<TemplateDef>("TemplateDef", Way::In)
        .add::<ProfileInput>("ProfileInput", Way::In)
        .add::<CreateOptions>("CreateOptions", Way::In)
        .add::<ProfileQuery>("ProfileQuery", Way::In)
        .add::<CaseInput>("CaseInput", Way::In)
        .add::<CaseStatus>("CaseStatus", Way::In)
        .add::<ResolutionInput>("ResolutionInput", Way::In)
        .add::<EntryKind>("EntryKind", Way::In)
        .add::<LinkRole>("LinkRole", Way::In)
        .add::<ContactInput>("ContactInput", Way::In)
        .add::<Channel>("Channel", Way::In)
        .add::<MergePlan>("MergePlan", Way::In)
        .add::<CalendarDef>("CalendarDef", Way::In)
        .add::<SlaDef>("SlaDef", Way::In)
        .add::<Inbound>("Inbound", Way::In)
        .add::<IntakeRulesDef>("IntakeRulesDef", Way::In)
        .add::<RoutingRulesDef>("RoutingRulesDef", Way::In)
        .add::<ContactPointInput>("ContactPointInput", Way::In)
        .add::<Target>("Target", Way::In)
        .add::<ExternalRef>("ExternalRef", Way::In)
        .add::<AttachmentInput>("AttachmentInput", Way::In)
        .add::<RelatedInput>("RelatedInput", Way::In)
        .add::<CaseMergePlan>("CaseMergePlan", Way::In)
        // Returned.
        .add::<TemplateRef>("TemplateRef", Way::Out)
        .add::<ValidationReport>("ValidationReport", Way::Out)
        .add::<FormValidation<TypeParameter>>("FormValidation<T>", Way::Out)
        .add::<FieldError>("FieldError", Way::Out)
        .add::<Profile>("Profile", Way::Out)
        .add::<ProfileSummary>("ProfileSummary", Way::Out)
        .add::<Relation>("Relation", Way::Out)
        .add::<RelatedCustomer>("RelatedCustomer", Way::Out)
        .add::<Case>("Case", Way::Out)
        .add::<CaseSummary>("CaseSummary", Way::Out)
        .add::<CaseLink>("CaseLink", Way::Out)
        .add::<ProfileCase>("ProfileCase", Way::Out)
        .add::<Contact>("Contact", Way::Out)
        .add::<Recognition>("Recognition", Way::Out)
        .add::<DuplicateCandidate>("DuplicateCandidate", Way::Out)
        .add::<DuplicateReport>("DuplicateReport", Way::Out)
        .add::<MatchingTraining>("MatchingTraining", Way::Out)
        .add::<MatchScore>("MatchScore", Way::Out)
        .add::<MergePreview>("MergePreview", Way::Out)
        .add::<MergeOutcome>("MergeOutcome", Way::Out)
        .add::<MergeRecord>("MergeRecord", Way::Out)
        .add::<AuditEntry>("AuditEntry", Way::Out)
        .add::<InvariantProblem>("InvariantProblem", Way::Out)
        .add::<StorageErrorKind>("StorageErrorKind", Way::Out)
        .add::<CalendarRef>("CalendarRef", Way::Out)
        .add::<SlaClock>("SlaClock", Way::Out)
        .add::<SlaDue>("SlaDue", Way::Out)
        .add::<SlaEvent>("SlaEvent", Way::Out)
        .add::<IntakeOutcome>("IntakeOutcome", Way::Out)
        .add::<RoutingDecision>("RoutingDecision", Way::Out)
        .add::<ExternalLink>("ExternalLink", Way::Out)
        .add::<HostRequest>("HostRequest", Way::Out)
        .add::<Event>("Event", Way::Out)
        .add::<EventConsumer>("EventConsumer", Way::Out)
        .add::<ResponseTemplateDef>("ResponseTemplateDef", Way::In)
        .add::<ResponseTemplate>("ResponseTemplate", Way::Out)
        .add::<RenderedMessage>("RenderedMessage", Way::Out)
        .add::<CaseNotification>("CaseNotification", Way::Out)
        .add::<FeedbackInput>("FeedbackInput", Way::In)
        .add::<ProfileDashboard>("ProfileDashboard", Way::Out)
        .add::<ReportDefinition>("ReportDefinition", Way::In)
        .add::<ReportTable>("ReportTable", Way::Out)
        .add::<TaskInput>("TaskInput", Way::In)
        .add::<TaskOwner>("TaskOwner", Way::In)
        .add::<TaskStatus>("TaskStatus", Way::In)
        .add::<CaseTask>("CaseTask", Way::Out)
        .add::<TaskListItem>("TaskListItem", Way::Out)
        .add::<CustomerCard>("CustomerCard", Way::Out)
        .add::<Attachment>("Attachment", Way::Out)
        .add::<AttachedFile>("AttachedFile", Way::Out)
        .add::<RelatedRecord>("RelatedRecord", Way::Out)
        .add::<RelatedGroup>("RelatedGroup", Way::Out)
        .add::<CaseRelations>("CaseRelations", Way::Out)
        .add::<CaseMergePreview>("CaseMergePreview", Way::Out)
        .add::<CaseMergeOutcome>("CaseMergeOutcome", Way::Out);
    records.declarations()
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn records_path() -> PathBuf {
    crate_dir().join("src/records.d.ts")
}

#[test]
fn the_checked_in_declarations_are_fresh() {
    let fresh = generate();
    let path = records_path();
    if std::env::var_os("CASEBOOK_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("writing src/records.d.ts");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "src/records.d.ts is not what the core's schemas give: regenerate it with \
         `CASEBOOK_BLESS=1 cargo test -p casebook-wasm --test declarations` and review the diff"
    );
}

/// The binding turns every key into camelCase except inside data: each
/// property holding a map (keyed by field keys, CSV headers, ...) must be
/// one of its data slots, or those keys would be renamed too.
#[test]
fn every_map_keyed_by_data_keeps_its_keys() {
    use casebook_wasm::js_names::{is_data, wire_name};
    let declarations = generate();
    let mut maps = 0;
    for line in declarations.lines() {
        let line = line.trim();
        let Some((name, ty)) = line.split_once(':') else {
            continue;
        };
        if !ty.trim_start().starts_with("Record<") {
            continue;
        }
        let name = name.trim_end_matches('?');
        maps += 1;
        assert!(
            is_data(&wire_name(name), &Value::Object(Map::new())),
            "`{name}` holds a map keyed by data: add it to js_names::DATA_SLOTS"
        );
    }
    assert!(maps > 0, "the declarations hold no map at all");
}

/// The names the binding's TypeScript uses: in `unchecked_*_type`
/// attributes and in the hand-written custom sections.
fn names_used(source: &str) -> BTreeSet<String> {
    let mut texts: Vec<&str> = Vec::new();
    for (at, _) in source.match_indices("_type = \"") {
        let rest = &source[at + "_type = \"".len()..];
        texts.push(&rest[..rest.find('"').unwrap_or(rest.len())]);
    }
    for (at, _) in source.match_indices("r#\"") {
        let rest = &source[at + 3..];
        texts.push(&rest[..rest.find("\"#").unwrap_or(rest.len())]);
    }
    let mut names = BTreeSet::new();
    for text in texts {
        let text = text
            .lines()
            .filter(|line| !line.trim_start().starts_with('*') && !line.contains("/**"))
            .collect::<Vec<_>>()
            .join("\n");
        for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                names.insert(word.to_string());
            }
        }
    }
    names
}

fn declared(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for keyword in [
        "export type ",
        "export interface ",
        "export declare class ",
        "export declare function ",
    ] {
        for (at, _) in text.match_indices(keyword) {
            let rest = &text[at + keyword.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            names.insert(rest[..end].to_string());
        }
    }
    names
}

fn sources(dir: &Path, out: &mut String) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("reading src/")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("reading a source file"));
        }
    }
}

#[test]
fn every_type_the_api_names_is_declared() {
    let mut source = String::new();
    sources(&crate_dir().join("src"), &mut source);
    let mut known = declared(&generate());
    known.extend(declared(&source));
    // The hand-written entry points and the error class (js/*.d.ts).
    for entry in std::fs::read_dir(crate_dir().join("js")).expect("reading js/") {
        let path = entry.expect("a directory entry").path();
        if path.to_string_lossy().ends_with(".d.ts") {
            known.extend(declared(
                &std::fs::read_to_string(&path).expect("reading a declaration file"),
            ));
        }
    }
    // TypeScript's own.
    known.extend(["Record", "Date", "Uint8Array", "Error"].map(String::from));
    let missing: Vec<String> = names_used(&source).difference(&known).cloned().collect();
    assert!(
        missing.is_empty(),
        "undeclared in the TypeScript: {missing:?}"
    );
    for name in [
        "Profile",
        "ErrorCode",
        "FormValidation",
        "Fields",
        "CasebookError",
    ] {
        assert!(known.contains(name), "{name} is not declared");
    }
}
