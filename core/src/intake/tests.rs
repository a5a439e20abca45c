use super::*;
use crate::model::Channel;

fn rules(json: &str) -> IntakeRules {
    let def = IntakeRulesDef::from_json(json).expect("rules parse");
    IntakeRules::new(def, "CS", &|id| id == "support_case").expect("rules check")
}

fn facts<'a>(subject: &str, body: &str) -> MessageFacts<'a> {
    MessageFacts {
        channel: Some(Channel::Email),
        subject: MessageFacts::words(subject),
        body: MessageFacts::words(body),
        ..MessageFacts::default()
    }
}

#[test]
fn thread_keys_read_headers_as_mail_clients_write_them() {
    let mut mail = Inbound::new(Channel::Email, "a@example.org")
        .message_id(" <m3@example.org> ")
        .in_reply_to("<m2@example.org>");
    mail.references = vec!["<m1@example.org>  <m2@example.org>".into()];
    assert_eq!(
        mail.idempotency_key().as_deref(),
        Some("email:m3@example.org")
    );
    assert_eq!(
        mail.reference_keys(),
        ["email:m2@example.org", "email:m1@example.org"],
        "closest first, each once"
    );
    assert_eq!(
        Inbound::new(Channel::Sms, "x")
            .message_id("<>")
            .idempotency_key(),
        None
    );
    assert_eq!(
        sender_address("Ada Lovelace <ada@example.org>"),
        "ada@example.org"
    );
    assert_eq!(
        sender_name("\"Ada Lovelace\" <ada@example.org>"),
        Some("Ada Lovelace")
    );
    assert_eq!(sender_name("ada@example.org"), None);
}

#[test]
fn machines_messages_are_told_from_people() {
    let person = Inbound::new(Channel::Email, "ada@example.org");
    assert!(!person.is_automatic());
    assert!(!person.clone().header("Auto-Submitted", "no").is_automatic());
    for (name, value) in [
        ("auto-submitted", "auto-replied"),
        ("Precedence", "bulk"),
        ("X-Autoreply", "yes"),
        (
            "Content-Type",
            "multipart/report; report-type=delivery-status; boundary=x",
        ),
    ] {
        assert!(
            person.clone().header(name, value).is_automatic(),
            "{name}: {value}"
        );
    }
    assert!(Inbound::new(
        Channel::Email,
        "Mail Delivery <MAILER-DAEMON@mx.example.org>"
    )
    .is_automatic());
    assert!(!Inbound::new(Channel::Sms, "postmaster@example.org").is_automatic());
}

#[test]
fn the_first_matching_rule_decides() {
    let rules = rules(
        r#"{"rules": [
            {"name": "thanks", "when": {"subject_any": ["thank you"], "body_max_words": 5}, "action": "log"},
            {"name": "refunds", "when": {"keywords_any": ["refund"], "keywords_none": ["spam"]}, "action": "open"},
            {"name": "sales", "when": {"recipients": ["*@sales.example.com"]}, "action": "join"}
        ]}"#,
    );
    let name = |f: &MessageFacts<'_>| rules.decide(f).map(|r| r.name.clone());
    assert_eq!(
        name(&facts("Re: Thank You!", "great")),
        Some("thanks".into())
    );
    assert_eq!(
        name(&facts(
            "Re: Thank You!",
            "but I still want my refund for the broken kettle"
        )),
        Some("refunds".into()),
        "a long reply is not a thank-you"
    );
    assert_eq!(
        name(&facts("you, thank", "")),
        None,
        "a phrase is its words in order"
    );
    assert_eq!(name(&facts("REFUND", "spam spam")), None);
    let mut to_sales = facts("hello", "");
    to_sales.recipient = Some("eu@sales.example.com".into());
    assert_eq!(name(&to_sales), Some("sales".into()));
}

#[test]
fn case_numbers_are_found_by_the_pattern() {
    let default = rules("{}");
    assert_eq!(
        default.case_number_in("Re: [CS0001001] down"),
        Some("CS0001001")
    );
    assert_eq!(default.case_number_in("Re: [ CS12 ]"), Some("CS12"));
    assert_eq!(default.case_number_in("CS0001001 without brackets"), None);
    let own = rules(r#"{"case_number_pattern": "(?i)ticket #?(CS\\d+)"}"#);
    assert_eq!(
        own.case_number_in("About ticket #CS0001002"),
        Some("CS0001002")
    );
}

#[test]
fn bad_rules_are_refused_by_name() {
    for (json, says) in [
        (r#"{"rules": [{"name": " ", "action": "log"}]}"#, "name"),
        (
            r#"{"rules": [{"name": "a", "action": "open", "case": {"template": "other"}}]}"#,
            "other",
        ),
        (
            r#"{"rules": [{"name": "a", "when": {"body_any": ["..."]}, "action": "log"}]}"#,
            "body_any",
        ),
        (
            r#"{"case_number_pattern": "(unclosed"}"#,
            "case_number_pattern",
        ),
    ] {
        let def = IntakeRulesDef::from_json(json).unwrap();
        let err = IntakeRules::new(def, "CS", &|id| id == "support_case").unwrap_err();
        assert!(err.to_string().contains(says), "{json}: {err}");
    }
}
