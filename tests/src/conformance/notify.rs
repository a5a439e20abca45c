//! Notifying a case's customers over a store: one rendered message, one
//! outbound contact and one outbox event per reachable customer, the
//! unreachable reported, all in one transaction; response templates kept
//! by version.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use serde_json::json;

const UPDATE: &str = r#"{"id": "case_update", "name": "Case update", "channel": "email",
  "subject": "Case {{ case.number }}: {{ case.status }}",
  "body": "<p>Dear {{ profile.given_name }},</p><p>{{ case.short_description }} is {{ case.status }}.{% if profile.fields.segment %} ({{ profile.fields.segment }}){% endif %}</p>"}"#;

fn last_event<S: Store>(cb: &Casebook<S>) -> u64 {
    cb.event_consumer("probe").unwrap().last
}

/// Every reachable customer gets their own message, contact and event;
/// the rest are reported; a role filter narrows who.
pub fn notify_case_messages_every_reachable_customer<S: Store>(store: S) {
    let cb = engine(store);
    let admin = Actor::new("admin");
    let template = cb.load_response_template(&admin, UPDATE).unwrap();
    assert_eq!(template.version, 1);
    let mut ada = person("Ada", "Lovelace");
    ada.contact_points = vec![email("ada@example.org")];
    let ada = add(&cb, ada);
    let bob = add_anyway(&cb, person("Bob", "<b>Lovelace</b>"));
    let carol = add(&cb, emailed_person("Carol", "Shaw", "carol@example.org"));
    let case = open_case(
        &cb,
        support_case(
            "Router <fault>",
            vec![
                requester(&ada),
                linked(&bob, LinkRole::Affected),
                linked(&carol, LinkRole::Informed),
            ],
        ),
    );
    let before = last_event(&cb);
    let sent = cb
        .notify_case(
            &Actor::new("agent-7"),
            &case.number,
            &NotifyInput {
                template: "case_update".into(),
                roles: vec![],
            },
        )
        .unwrap();
    assert_eq!(sent.version, 1);
    assert_eq!(sent.channel, Channel::Email);
    let who: Vec<_> = sent.sent.iter().map(|m| m.customer_id.as_str()).collect();
    assert_eq!(who, [ada.customer_id.as_str(), carol.customer_id.as_str()]);
    assert_eq!(sent.unreached.len(), 1);
    assert_eq!(sent.unreached[0].customer_id, bob.customer_id);
    assert_eq!(sent.unreached[0].reason, "no email contact point");
    let first = &sent.sent[0];
    assert_eq!(first.address, "ada@example.org");
    assert_eq!(
        first.message.subject.as_deref(),
        Some(format!("Case {}: new", case.number).as_str())
    );
    assert_eq!(
        first.message.body,
        "<p>Dear Ada,</p><p>Router &lt;fault&gt; is new. (private)</p>"
    );
    // In the customer's contact history, outbound, on the case.
    let history = cb.contact_history(ada.id, None, None, 10).unwrap();
    assert_eq!(history[0].id, first.contact);
    assert_eq!(history[0].direction, Direction::Outbound);
    assert_eq!(history[0].case_ids, [case.id]);
    assert_eq!(history[0].address.as_deref(), Some("ada@example.org"));
    // And in the outbox, for the host to deliver.
    let events = cb.events_after(before, 100).unwrap();
    let requested: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::MessageRequested)
        .collect();
    assert_eq!(requested.len(), 2);
    assert_eq!(requested[0].seq, first.event);
    assert_eq!(requested[0].payload["address"], "ada@example.org");
    assert_eq!(requested[0].payload["body"], json!(first.message.body));
    assert_eq!(requested[0].actor, "agent-7");
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == EventKind::ContactLogged)
            .count(),
        2
    );

    let requesters = cb
        .notify_case(
            &agent(),
            case.id,
            &NotifyInput {
                template: "case_update".into(),
                roles: vec![LinkRole::Requester],
            },
        )
        .unwrap();
    assert_eq!(requesters.sent.len(), 1);
    assert!(requesters.unreached.is_empty());
    no_invariant_problems(&cb);
}

/// A message that cannot be rendered for one customer sends none.
pub fn notify_case_is_all_or_nothing<S: Store>(store: S) {
    let cb = engine(store);
    let admin = Actor::new("admin");
    cb.load_response_template(
        &admin,
        r#"{"id": "trap", "name": "Trap", "channel": "email", "subject": "Hi",
            "body": "{% if profile.given_name == 'Carol' %}{% set xs = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% for d in xs %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endif %}Hello"}"#,
    )
    .unwrap();
    let ada = add(&cb, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let carol = add(&cb, emailed_person("Carol", "Shaw", "carol@example.org"));
    let case = open_case(
        &cb,
        support_case(
            "Line down",
            vec![requester(&ada), linked(&carol, LinkRole::Affected)],
        ),
    );
    let before = last_event(&cb);
    let err = cb
        .notify_case(
            &agent(),
            case.id,
            &NotifyInput {
                template: "trap".into(),
                roles: vec![],
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidDefinition);
    assert_eq!(last_event(&cb), before);
    assert!(cb
        .contact_history(ada.id, None, None, 10)
        .unwrap()
        .is_empty());
    let missing = NotifyInput {
        template: "nope".into(),
        roles: vec![],
    };
    assert_eq!(
        cb.notify_case(&agent(), case.id, &missing)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(last_event(&cb), before);
}

/// Templates load by version, refuse unknown placeholders, and render a
/// preview without storing anything.
pub fn response_templates_by_version<S: Store>(store: S) {
    let cb = engine(store);
    let admin = Actor::new("admin");
    let v1 = cb.load_response_template(&admin, UPDATE).unwrap();
    assert_eq!(cb.load_response_template(&admin, UPDATE).unwrap(), v1);
    let changed = UPDATE.replace("Dear", "Hello");
    let v2 = cb.load_response_template(&admin, &changed).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(cb.response_template("case_update", Some(1)).unwrap(), v1);
    assert_eq!(cb.response_templates().unwrap(), [v2.clone()]);
    let unknown = UPDATE.replace("profile.fields.segment", "profile.fields.shoe_size");
    let err = cb.load_response_template(&admin, &unknown).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidDefinition);
    assert!(
        err.to_string().contains("profile.fields.shoe_size"),
        "{err}"
    );
    assert_eq!(
        cb.load_response_template(&admin, "{\"id\": 5}")
            .unwrap_err()
            .code(),
        ErrorCode::InvalidDefinition
    );
    let ada = add(&cb, person("Ada", "Lovelace"));
    let case = open_case(&cb, support_case("Modem", vec![requester(&ada)]));
    let before = last_event(&cb);
    let preview = cb
        .render_response(
            &agent(),
            "case_update",
            &ada.customer_id,
            Some(Ref::Key(&case.number)),
        )
        .unwrap();
    assert!(
        preview.body.starts_with("<p>Hello Ada,</p>"),
        "{}",
        preview.body
    );
    assert_eq!(last_event(&cb), before);
    assert_eq!(
        cb.response_template("case_update", Some(9))
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}
