//! Satisfaction feedback over a store: taken once a case is resolved, from
//! a linked customer, once each, on the configured scale.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;

fn feedback(profile: &Profile, score: i64) -> FeedbackInput {
    FeedbackInput {
        profile: profile.customer_id.clone(),
        score,
        comment: Some("  Quick and kind  ".into()),
        channel: Some(Channel::Email),
        given_at: None,
    }
}

/// Feedback is refused before resolution, from a stranger, off the scale
/// and twice; accepted otherwise, with its event.
pub fn feedback_once_per_customer_after_resolution<S: Store>(store: S) {
    let cb = engine(store);
    let ada = add(&cb, person("Ada", "Lovelace"));
    let bob = add_anyway(&cb, person("Bob", "Lovelace"));
    let stranger = add(&cb, emailed_person("Carol", "Shaw", "carol@example.org"));
    let case = open_case(
        &cb,
        support_case(
            "Modem",
            vec![requester(&ada), linked(&bob, LinkRole::Affected)],
        ),
    );
    let early = cb
        .record_feedback(&agent(), case.id, &feedback(&ada, 5))
        .unwrap_err();
    assert_eq!(early.code(), ErrorCode::InvalidState);
    let resolution = ResolutionInput {
        notes: "Replaced the modem".into(),
        share_with_requester: true,
    };
    let resolved = cb
        .set_case_status(
            &agent(),
            case.id,
            case.version,
            CaseStatus::Resolved,
            Some(resolution),
        )
        .unwrap();
    let low = cb
        .record_feedback(&agent(), case.id, &feedback(&ada, 0))
        .unwrap_err();
    assert_eq!(low.code(), ErrorCode::ValidationFailed);
    let high = cb
        .record_feedback(&agent(), case.id, &feedback(&ada, 6))
        .unwrap_err();
    assert_eq!(high.code(), ErrorCode::ValidationFailed);
    let outsider = cb
        .record_feedback(&agent(), case.id, &feedback(&stranger, 4))
        .unwrap_err();
    assert_eq!(outsider.code(), ErrorCode::InvalidInput);
    let before = cb.event_consumer("probe").unwrap().last;
    let with = cb
        .record_feedback(&Actor::new("survey"), case.id, &feedback(&ada, 4))
        .unwrap();
    assert_eq!(with.version, resolved.version + 1);
    assert_eq!(with.feedback.len(), 1);
    assert_eq!(with.feedback[0].score, 4);
    assert_eq!(with.feedback[0].comment.as_deref(), Some("Quick and kind"));
    assert_eq!(with.feedback[0].scale, FeedbackScale { min: 1, max: 5 });
    assert_eq!(with.feedback[0].recorded_by, "survey");
    let twice = cb
        .record_feedback(&agent(), case.id, &feedback(&ada, 5))
        .unwrap_err();
    assert_eq!(twice.code(), ErrorCode::AlreadyExists);
    cb.record_feedback(&agent(), case.id, &feedback(&bob, 2))
        .unwrap();
    let events = cb.events_after(before, 10).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e.kind == EventKind::CaseFeedbackReceived));
    assert_eq!(events[0].payload["score"], 4);
    assert_eq!(events[0].actor, "survey");
    assert_eq!(cb.case(case.id).unwrap().feedback.len(), 2);
    no_invariant_problems(&cb);
}
