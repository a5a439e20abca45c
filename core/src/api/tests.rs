//! The JSON interface: every operation is dispatched, bad arguments are
//! invalid input, and fixed options give fixed answers.

use super::*;
use crate::clock::{ManualClock, SeededIds};
use crate::error::ErrorCode;
use jiff::Timestamp;
use std::sync::Arc;

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
        if let Err(e) = call(&cb, op, &json!({})) {
            assert!(!e.to_string().contains("unknown operation"), "{op}: {e}");
        }
    }
    assert!(call(&cb, "nope", &json!({}))
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
            call(&cb, op, &args).unwrap_err().code(),
            ErrorCode::InvalidInput,
            "{op} {args}"
        );
    }
    assert_eq!(
        call_json(&cb, "profile", "{not json").unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn deterministic_options_give_deterministic_answers() {
    let run = || {
        let cb = engine();
        call(
            &cb,
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

#[test]
fn a_zero_limit_is_invalid_input_for_every_operation_that_takes_one() {
    let cb = engine();
    for (op, args) in [
        ("find_profiles", json!({"query": {"name": "a"}, "limit": 0})),
        ("search_cases", json!({"text": "printer", "limit": 0})),
        (
            "sla_due",
            json!({"until": "2026-01-02T00:00:00Z", "limit": 0}),
        ),
        (
            "due_sla_events",
            json!({"by": "a", "now": "2026-01-02T00:00:00Z", "limit": 0}),
        ),
    ] {
        let e = call(&cb, op, &args).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{op}: {e}");
        assert!(e.to_string().contains("limit"), "{op}: {e}");
    }
    // One is the smallest limit, and it is kept.
    let found = call(
        &cb,
        "find_profiles",
        &json!({"query": {"name": "a"}, "limit": 1}),
    )
    .unwrap();
    assert!(found.as_array().is_some_and(|a| a.is_empty()));
}

#[test]
fn a_clock_running_backwards_is_refused() {
    let e =
        EngineOptions::from_json(r#"{"clock": {"start": "2026-01-01T00:00:00Z", "step_ms": -5}}"#)
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("step_ms"), "{e}");
    EngineOptions::from_json(r#"{"clock": {"start": "2026-01-01T00:00:00Z", "step_ms": 0}}"#)
        .expect("a frozen clock is fine");
}
