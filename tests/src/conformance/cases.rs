//! Cases: links created whole or not at all, bulk creation, the state
//! machine, and a profile's cases most urgent first.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use serde_json::json;

/// A case with links is created whole or not at all.
pub fn case_with_links_is_all_or_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let a = add(&cb, person("A", "One"));
    let b = add(&cb, person("B", "Two"));
    let before = cb.export_snapshot().unwrap();
    let bad = support_case(
        "Outage",
        vec![
            requester(&a),
            LinkInput {
                profile: "C-999999".into(),
                role: LinkRole::Affected,
            },
        ],
    );
    assert_eq!(
        cb.create_case(&agent(), bad).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(cb.export_snapshot().unwrap(), before, "nothing left behind");

    let case = open_case(
        &cb,
        support_case(
            "Outage",
            vec![
                requester(&a),
                LinkInput {
                    profile: b.id.to_string(),
                    role: LinkRole::Affected,
                },
            ],
        ),
    );
    assert_eq!(
        case.number, "CS0001001",
        "the failed attempt consumed no number"
    );
    let links = cb.case_links(&case.number).unwrap();
    assert_eq!(links.len(), 2);
    assert!(links
        .iter()
        .any(|l| l.profile_id == b.id && l.role == LinkRole::Affected));
    assert_eq!(cb.profile_summary(a.id).unwrap().open_cases, 1);
    // Re-linking changes the role; unlinking removes it.
    cb.link_case(&agent(), case.id, b.id, LinkRole::Informed)
        .unwrap();
    assert_eq!(cb.case_links(case.id).unwrap().len(), 2);
    cb.unlink_case(&agent(), case.id, b.id).unwrap();
    assert_eq!(cb.case_links(case.id).unwrap().len(), 1);
    assert_eq!(
        cb.unlink_case(&agent(), case.id, b.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
    // Validation of case fields reports all problems.
    let mut invalid = support_case("", vec![]);
    invalid.fields.insert("reason".into(), json!("complaint"));
    invalid
        .fields
        .insert("refund_amount".into(), json!("12.345"));
    let err = cb.create_case(&agent(), invalid).unwrap_err();
    let codes: Vec<(&str, FieldErrorCode)> = err
        .field_errors()
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("short_description", FieldErrorCode::Required),
            ("complaint_summary", FieldErrorCode::Required),
            ("refund_amount", FieldErrorCode::TooManyDecimals),
        ]
    );
    no_invariant_problems(&cb);
}

/// `create_cases` stores exactly what `create_case` one by one would, and a
/// batch with one bad input stores nothing.
pub fn bulk_cases_match_one_by_one<S: Store>(make: &dyn Fn() -> S) {
    let load = |cb: &Casebook<S>| {
        let a = add(cb, person("A", "One"));
        let b = add(cb, person("B", "Two"));
        let inputs: Vec<CaseInput> = (0..30)
            .map(|i| {
                let (requested, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
                let mut links = vec![requester(requested)];
                if i % 3 == 0 {
                    links.push(linked(other, LinkRole::Affected));
                }
                let mut input = support_case(&format!("router {i} no signal SN{i:05}"), links);
                if i % 10 == 9 {
                    // A parent created earlier in the same batch.
                    input.parent = Some(format!("CS{:07}", 1000 + i));
                }
                input
            })
            .collect();
        (inputs, a)
    };

    let failing = engine(make());
    let (inputs, _) = load(&failing);
    let before = failing.export_snapshot().unwrap();
    let mut unknown_profile = inputs.clone();
    unknown_profile[17].links.push(LinkInput {
        profile: "C-999999".into(),
        role: LinkRole::Affected,
    });
    assert_eq!(
        failing
            .create_cases(&Actor::new("loader"), unknown_profile)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let mut invalid = inputs.clone();
    invalid[29].short_description.clear();
    assert_eq!(
        failing
            .create_cases(&Actor::new("loader"), invalid)
            .unwrap_err()
            .code(),
        ErrorCode::ValidationFailed
    );
    assert!(failing
        .create_cases(&Actor::new("loader"), Vec::new())
        .unwrap()
        .is_empty());
    assert_eq!(
        failing.export_snapshot().unwrap(),
        before,
        "nothing left behind"
    );

    let one = engine(make());
    let (inputs, _) = load(&one);
    for input in inputs.clone() {
        one.create_case(&Actor::new("loader"), input).unwrap();
    }
    let bulk = engine(make());
    let (_, a) = load(&bulk);
    let cases = bulk.create_cases(&Actor::new("loader"), inputs).unwrap();
    assert_eq!(cases.len(), 30);
    assert_eq!(cases[0].number, "CS0001001");
    assert_eq!(cases[29].number, "CS0001030");
    assert_eq!(cases[19].parent, Some(cases[18].id));
    assert_eq!(
        bulk.export_snapshot().unwrap(),
        one.export_snapshot().unwrap()
    );
    assert_eq!(bulk.search_cases("router sn0001", 50).unwrap().len(), 10);
    assert_eq!(bulk.profile_summary(a.id).unwrap().open_cases, 20);
    no_invariant_problems(&bulk);
}

/// A case of high impact and medium urgency, so priority 2.
fn no_dial_tone<S: Store>(cb: &Casebook<S>) -> Case {
    let mut input = support_case("No dial tone", vec![]);
    input.impact = Some(Level::High);
    input.urgency = Some(Level::Medium);
    let case = open_case(cb, input);
    assert_eq!(case.priority, Priority(2));
    case
}

/// Status changes follow the state machine; resolving needs notes; reopening clears them.
pub fn case_status_follows_the_state_machine<S: Store>(store: S) {
    let cb = engine(store);
    let case = no_dial_tone(&cb);
    assert_eq!(case.status, CaseStatus::New);

    let err = cb
        .set_case_status(&agent(), case.id, 1, CaseStatus::Closed, None)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IllegalTransition);
    assert_eq!(
        cb.case(case.id).unwrap(),
        case,
        "an illegal move changes nothing"
    );

    let c = cb
        .set_case_status(&agent(), case.id, 1, CaseStatus::InProgress, None)
        .unwrap();
    let err = cb
        .set_case_status(&agent(), c.id, c.version, CaseStatus::Resolved, None)
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "resolution_notes");
    let c = cb
        .set_case_status(
            &agent(),
            c.id,
            c.version,
            CaseStatus::Resolved,
            Some(ResolutionInput {
                notes: "Replaced the router".into(),
                share_with_requester: true,
            }),
        )
        .unwrap();
    assert!(c.resolution.as_ref().unwrap().share_with_requester);
    let c = cb
        .set_case_status(&agent(), c.id, c.version, CaseStatus::InProgress, None)
        .unwrap();
    assert!(c.resolution.is_none(), "reopening clears the resolution");
    let c = cb
        .set_case_status(&agent(), c.id, c.version, CaseStatus::Cancelled, None)
        .unwrap();
    for to in CaseStatus::ALL {
        assert!(cb
            .set_case_status(&agent(), c.id, c.version, to, None)
            .is_err());
    }
    let statuses: Vec<&str> = c
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::StatusChange)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "new -> in_progress",
            "in_progress -> resolved",
            "resolved -> in_progress",
            "in_progress -> cancelled"
        ]
    );

    let mut edit = CaseInput::from(&c);
    edit.urgency = Some(Level::High);
    let edited = cb.update_case(&agent(), c.id, c.version, edit).unwrap();
    assert_eq!(edited.priority, Priority(1));
}

/// A profile's cases, most urgent first; open only on request.
pub fn cases_of_profile_most_urgent_first<S: Store>(store: S) {
    let cb = engine(store);
    let p = add(&cb, person("Lin", "Chen"));
    let mk = |summary: &str, impact: Level, urgency: Level| {
        let mut c = support_case(summary, vec![requester(&p)]);
        c.impact = Some(impact);
        c.urgency = Some(urgency);
        open_case(&cb, c)
    };
    let low = mk("Low", Level::Low, Level::Low);
    let high = mk("High", Level::High, Level::High);
    let mid = mk("Mid", Level::Medium, Level::Medium);
    let order: Vec<String> = cb
        .cases_of_profile(p.id, true)
        .unwrap()
        .into_iter()
        .map(|c| c.case.number)
        .collect();
    assert_eq!(
        order,
        [high.number.clone(), mid.number.clone(), low.number.clone()]
    );
    cb.set_case_status(&agent(), mid.id, 1, CaseStatus::Cancelled, None)
        .unwrap();
    assert_eq!(cb.cases_of_profile(p.id, true).unwrap().len(), 2);
    assert_eq!(cb.cases_of_profile(p.id, false).unwrap().len(), 3);
}

/// Updating a case without impact or urgency keeps the case's own, and
/// its priority; naming one changes only that one.
pub fn update_without_impact_or_urgency_keeps_them<S: Store>(store: S) {
    let cb = engine(store);
    let case = no_dial_tone(&cb);
    let mut edit = CaseInput::from(&case);
    edit.impact = None;
    edit.urgency = None;
    edit.description = "Since Monday".into();
    let edited = cb.update_case(&agent(), case.id, 1, edit).unwrap();
    assert_eq!(
        (edited.impact, edited.urgency, edited.priority),
        (Level::High, Level::Medium, Priority(2))
    );
    let mut urgent = CaseInput::from(&edited);
    urgent.impact = None;
    urgent.urgency = Some(Level::High);
    let urgent = cb.update_case(&agent(), case.id, 2, urgent).unwrap();
    assert_eq!(
        (urgent.impact, urgent.urgency, urgent.priority),
        (Level::High, Level::High, Priority(1))
    );
    assert_eq!(cb.case(case.id).unwrap(), urgent);
}
