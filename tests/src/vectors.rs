//! Runner of the shared vectors in `tests/vectors/` for the Rust engine.
//! The C and JavaScript test drivers implement the same rules.

use casebook::api::EngineOptions;
use casebook::{Casebook, Error, MemoryStore};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Where an expectation failed, and why.
pub type Mismatch = String;

/// Whether `actual` matches the subset `expected` (see the vectors README).
pub fn subset_match(expected: &Value, actual: &Value, path: &str) -> Result<(), Mismatch> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let av = a.get(key).ok_or_else(|| format!("{path}.{key}: missing"))?;
                subset_match(ev, av, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset_match(ev, av, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// Replaces `"${name.path}"` strings by saved values.
pub fn substitute(value: &Value, saved: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) if s.starts_with("${") && s.ends_with('}') => {
            let mut parts = s[2..s.len() - 1].split('.');
            let mut current = parts
                .next()
                .and_then(|name| saved.get(name))
                .cloned()
                .unwrap_or(Value::Null);
            for part in parts {
                current = current.get(part).cloned().unwrap_or(Value::Null);
            }
            current
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, saved)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, saved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn error_json(e: &Error) -> Value {
    e.to_json()
}

/// Runs `validation.json`; returns every mismatch.
pub fn run_validation(vectors: &Value) -> Vec<Mismatch> {
    // The options as the bindings read them: one reading of today and region.
    assert!(
        vectors["today"].is_string(),
        "validation vectors must name today"
    );
    let options = casebook::api::ValidateOptions::from_value(&serde_json::json!({
        "today": vectors["today"], "default_region": vectors["default_region"]
    }))
    .expect("validation options");
    let ctx = options
        .context(jiff::civil::Date::constant(2000, 1, 1))
        .expect("validation context");
    let mut problems = Vec::new();
    for case in vectors["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let outcome = casebook::api::validate_with_template(
            &case["template"],
            &case["record"],
            case["draft"].as_bool().unwrap_or(false),
            &ctx,
        );
        if let Some(code) = case.get("error") {
            match outcome {
                Err(e) if json!(e.code().as_str()) == *code => {}
                other => problems.push(format!("{name}: expected error {code}, got {other:?}")),
            }
            continue;
        }
        let report = match outcome {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{name}: unexpected error {e}"));
                continue;
            }
        };
        let expect = &case["expect"];
        if let Some(errors) = expect.get("errors") {
            if let Err(m) = subset_match(errors, &report["errors"], "errors") {
                problems.push(format!("{name}: {m}"));
            }
        }
        if let Some(missing) = expect.get("missing") {
            let actual: Vec<Value> = report["missing"]
                .as_array()
                .map(|m| m.iter().map(|x| x["field"].clone()).collect())
                .unwrap_or_default();
            if let Err(m) = subset_match(missing, &Value::Array(actual), "missing") {
                problems.push(format!("{name}: {m}"));
            }
        }
        if let Some(values) = expect.get("values") {
            if let Err(m) = subset_match(values, &report["values"], "values") {
                problems.push(format!("{name}: {m}"));
            }
        }
    }
    problems
}

/// Runs `operations.json`; returns every mismatch.
pub fn run_operations(vectors: &Value) -> Vec<Mismatch> {
    let mut problems = Vec::new();
    for scenario in vectors["scenarios"].as_array().expect("scenarios") {
        let name = scenario["name"].as_str().unwrap_or("?");
        let options: EngineOptions =
            serde_json::from_value(vectors["options"].clone()).expect("options");
        let cb: Casebook<MemoryStore> = options
            .build(
                MemoryStore::new(),
                Arc::new(casebook::ManualClock::new(jiff::Timestamp::UNIX_EPOCH)),
                Arc::new(casebook::SeededIds::new(0)),
            )
            .expect("engine");
        for template in vectors["templates"].as_array().into_iter().flatten() {
            casebook::api::call(
                &cb,
                "load_template",
                &json!({"by": "admin", "template": template}),
            )
            .expect("template");
        }
        let mut saved = HashMap::new();
        for (i, step) in scenario["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .enumerate()
        {
            let op = step["op"].as_str().unwrap_or("");
            let args = substitute(&step["args"], &saved);
            let outcome = casebook::api::call(&cb, op, &args);
            let at = format!("{name}, step {i} ({op})");
            match (&outcome, step.get("expect_error")) {
                (Err(e), Some(expected)) => {
                    if let Err(m) = subset_match(expected, &error_json(e), "error") {
                        problems.push(format!("{at}: {m}"));
                    }
                }
                (Err(e), None) => problems.push(format!("{at}: unexpected error {e}")),
                (Ok(v), Some(expected)) => {
                    problems.push(format!("{at}: expected error {expected}, got {v}"))
                }
                (Ok(v), None) => {
                    if let Some(expected) = step.get("expect") {
                        if let Err(m) = subset_match(expected, v, "result") {
                            problems.push(format!("{at}: {m}"));
                        }
                    }
                    if let Some(n) = step.get("expect_length") {
                        if v.as_array().map(|a| a.len() as u64) != n.as_u64() {
                            problems.push(format!("{at}: expected {n} items, got {v}"));
                        }
                    }
                    if let Some(name) = step["save"].as_str() {
                        saved.insert(name.to_string(), v.clone());
                    }
                }
            }
        }
    }
    problems
}

/// The vectors directory.
pub fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}
