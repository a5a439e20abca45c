//! The shared vectors, run through the Rust engine.

use casebook_tests::vectors::{run_operations, run_validation, subset_match, vectors_dir};
use serde_json::{json, Value};

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(vectors_dir().join(name)).expect("vector file");
    serde_json::from_str(&text).expect("vector JSON")
}

#[test]
fn validation_vectors() {
    let problems = run_validation(&load("validation.json"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn operation_vectors() {
    let problems = run_operations(&load("operations.json"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn subset_match_can_fail() {
    assert!(subset_match(&json!({"a": 1}), &json!({"a": 1, "b": 2}), "").is_ok());
    assert!(subset_match(&json!({"a": 2}), &json!({"a": 1}), "").is_err());
    assert!(subset_match(&json!([1]), &json!([1, 2]), "").is_err());
    assert!(subset_match(&json!({"c": 1}), &json!({"a": 1}), "").is_err());
    assert!(subset_match(&json!(1.0), &json!(1), "").is_ok());
}

#[test]
fn service_level_vectors() {
    let vectors = load("sla.json");
    let steps: usize = vectors["scenarios"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|s| s["steps"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    assert!(steps > 20, "the service-level vectors hold {steps} steps");
    let problems = run_operations(&vectors);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn caller_vectors() {
    let vectors = load("callers.json");
    let recognitions = vectors["scenarios"][0]["steps"]
        .as_array()
        .map_or(0, |s| s.iter().filter(|s| s["op"] == "recognize").count());
    assert!(
        recognitions > 50,
        "the caller vectors hold {recognitions} recognitions"
    );
    let problems = run_operations(&vectors);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn linked_record_vectors() {
    let vectors = load("linked.json");
    let steps = vectors["scenarios"][0]["steps"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(steps > 30, "the linked-record vectors hold {steps} steps");
    let problems = run_operations(&vectors);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn intake_vectors() {
    let vectors = load("intake.json");
    let intakes = vectors["scenarios"][0]["steps"]
        .as_array()
        .map_or(0, |s| s.iter().filter(|s| s["op"] == "intake").count());
    assert!(intakes > 15, "the intake vectors hold {intakes} messages");
    let problems = run_operations(&vectors);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
