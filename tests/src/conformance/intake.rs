//! Case intake: messages joining the case they belong to, opening cases by
//! rules, being only logged, each taken exactly once; and the small profile
//! operations beside it (one contact point at a time, relationship tags).

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use proptest::prelude::*;
use serde_json::json;

/// The rules most checks run under.
const RULES: &str = r#"{
  "rules": [
    {"name": "thanks", "when": {"subject_any": ["thank you", "thanks"], "body_max_words": 12}, "action": "log"},
    {"name": "billing", "when": {"recipients": ["billing@example.com"], "keywords_any": ["invoice", "refund"]},
     "action": "open", "unknown_sender": "create_profile",
     "case": {"template": "support_case", "category": "billing", "urgency": "medium", "fields": {"reason": "billing"}}},
    {"name": "newsletter", "when": {"keywords_any": ["unsubscribe"]}, "action": "join"}
  ]
}"#;

fn gateway() -> Actor {
    Actor::new("mail-gateway")
}

fn mail(from: &str, subject: &str, id: &str) -> Inbound {
    Inbound::new(Channel::Email, from)
        .subject(subject)
        .message_id(id)
}

fn take<S: Store>(cb: &Casebook<S>, inbound: Inbound) -> IntakeOutcome {
    cb.intake(&gateway(), inbound).expect("message taken")
}

/// A reply finds its case by the case number in its subject, by its thread,
/// and by its chat conversation; a message fetched twice is taken once.
pub fn replies_join_their_case<S: Store>(store: S) {
    let cb = engine(store);
    let ada = add(&cb, emailed_person("Ada", "Lovelace", "ada@example.org"));
    let ada_mail = "Ada Lovelace <ada@example.org>";
    cb.load_intake_rules(&Actor::new("admin"), RULES).unwrap();

    let first = mail(ada_mail, "Router keeps dropping", "<m1@example.org>")
        .body("Since Monday the router drops every hour.");
    let opened = take(&cb, first.clone());
    assert_eq!(opened.decision, IntakeDecision::Opened);
    assert_eq!(
        opened.customer_id.as_deref(),
        Some(ada.customer_id.as_str())
    );
    assert_eq!(opened.rule, None, "no rule matched: the default opens");
    let number = opened.case_number.clone().unwrap();
    let case = cb.case(number.as_str()).unwrap();
    assert_eq!(case.short_description, "Router keeps dropping");
    assert_eq!(case.channel, Some(Channel::Email));
    let links = cb.case_links(number.as_str()).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].profile_id, links[0].role),
        (ada.id, LinkRole::Requester)
    );

    // The same message again: the first outcome, nothing stored twice.
    let again = take(&cb, first);
    assert!(again.replayed);
    assert_eq!(again.contact_id, opened.contact_id);
    assert_eq!(cb.case_contacts(number.as_str()).unwrap().len(), 1);

    // By case number in the subject.
    let by_number = take(
        &cb,
        mail(
            ada_mail,
            &format!("Re: [{number}] still down"),
            "<m2@example.org>",
        ),
    );
    assert_eq!(by_number.decision, IntakeDecision::Joined);
    assert_eq!(by_number.found_by, Some(FoundBy::CaseNumber));
    assert_eq!(by_number.case_number.as_deref(), Some(number.as_str()));

    // By thread: answers the first message, no number in the subject.
    let by_thread = take(
        &cb,
        mail(ada_mail, "Re: Router keeps dropping", "<m3@example.org>")
            .in_reply_to("<m1@example.org>"),
    );
    assert_eq!(by_thread.found_by, Some(FoundBy::Thread));
    assert_eq!(by_thread.case_number.as_deref(), Some(number.as_str()));
    let case = cb.case(number.as_str()).unwrap();
    assert_eq!(cb.case_contacts(number.as_str()).unwrap().len(), 3);
    assert!(
        case.timeline
            .iter()
            .any(|e| e.kind == EntryKind::Comment && e.text.contains("Re: Router keeps dropping")),
        "a joined message shows on the case timeline"
    );
    assert_eq!(
        cb.search_cases("still down", 5).unwrap()[0].number,
        number,
        "and keyword search finds the case by it"
    );

    // A chat conversation keeps to its case while the case is open.
    let mut chat = Inbound::new(Channel::Chat, "web:visitor-77").body("my order never came");
    chat.conversation_id = Some("conv-9".into());
    chat.message_id = Some("chat-1".into());
    let chat_case = take(&cb, chat.clone());
    assert_eq!(chat_case.decision, IntakeDecision::Opened);
    chat.message_id = Some("chat-2".into());
    chat.body = "hello?".into();
    let next = take(&cb, chat);
    assert_eq!(next.found_by, Some(FoundBy::Conversation));
    assert_eq!(next.case_id, chat_case.case_id);

    // A batch in one transaction: a reply joins the case its first message
    // opened in the same batch; one bad message stores nothing.
    let first = mail("lin@example.org", "Parcel lost", "<b1@example.org>");
    let reply = mail("lin@example.org", "Re: Parcel lost", "<b2@example.org>")
        .in_reply_to("<b1@example.org>");
    let before = cb.export_snapshot().unwrap().contacts.len();
    let mut caseless = mail("agent@example.com", "Re: ?", "<b0@example.com>");
    caseless.direction = Direction::Outbound;
    let bad = cb
        .intake_many(&gateway(), [first.clone(), caseless])
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
    assert_eq!(cb.export_snapshot().unwrap().contacts.len(), before);
    let batch = cb.intake_many(&gateway(), [first, reply]).unwrap();
    assert_eq!(batch[0].decision, IntakeDecision::Opened);
    assert_eq!(batch[1].decision, IntakeDecision::Joined);
    assert_eq!(batch[1].case_id, batch[0].case_id);

    // A case number that names no case joins nothing.
    let stray = take(
        &cb,
        mail("zed@example.net", "[CS9999999] hi", "<m4@example.org>"),
    );
    assert_eq!(stray.decision, IntakeDecision::Opened);
    assert_ne!(stray.case_number.as_deref(), Some("CS9999999"));
}

/// Replies to resolved cases reopen them, replies to closed ones open a
/// linked follow-up; machines' messages and rule-matched thanks are only
/// logged, never reopening anything.
pub fn replies_reopen_or_follow_up<S: Store>(store: S) {
    let cb = engine(store);
    cb.load_intake_rules(&Actor::new("admin"), RULES).unwrap();
    let opened = take(
        &cb,
        mail("kim@example.org", "Broken screen", "<s1@example.org>"),
    );
    let number = opened.case_number.clone().unwrap();
    let case = cb.case(number.as_str()).unwrap();
    let resolution = ResolutionInput {
        notes: "Replaced".into(),
        share_with_requester: true,
    };
    let case = cb
        .set_case_status(
            &agent(),
            case.id,
            case.version,
            CaseStatus::InProgress,
            None,
        )
        .unwrap();
    let case = cb
        .set_case_status(
            &agent(),
            case.id,
            case.version,
            CaseStatus::Resolved,
            Some(resolution),
        )
        .unwrap();

    // An out-of-office reply: logged on the case, which stays resolved.
    let ooo = take(
        &cb,
        mail(
            "kim@example.org",
            "Automatic reply: Broken screen",
            "<s2@example.org>",
        )
        .in_reply_to("<s1@example.org>")
        .header("auto-submitted", "auto-replied"),
    );
    assert_eq!(ooo.decision, IntakeDecision::Logged);
    assert!(ooo.automatic);
    assert_eq!(ooo.case_number.as_deref(), Some(number.as_str()));
    assert_eq!(cb.case(case.id).unwrap().status, CaseStatus::Resolved);

    // A short thank-you: the rule logs it, no reopening.
    let thanks = take(
        &cb,
        mail(
            "kim@example.org",
            "Re: Broken screen - thank you!",
            "<s3@example.org>",
        )
        .in_reply_to("<s1@example.org>")
        .body("Works now, thanks"),
    );
    assert_eq!(thanks.decision, IntakeDecision::Logged);
    assert_eq!(thanks.rule.as_deref(), Some("thanks"));
    assert_eq!(cb.case(case.id).unwrap().status, CaseStatus::Resolved);

    // A real reply reopens it.
    let reply = take(
        &cb,
        mail("kim@example.org", "Re: Broken screen", "<s4@example.org>")
            .in_reply_to("<s3@example.org>")
            .body("It cracked again this morning, the new screen is faulty too."),
    );
    assert_eq!(reply.decision, IntakeDecision::Joined);
    assert!(reply.reopened);
    assert!(reply
        .text
        .starts_with(&format!("joined and reopened {number}")));
    let case = cb.case(case.id).unwrap();
    assert_eq!(case.status, CaseStatus::InProgress);
    assert_eq!(case.resolution, None);

    // Closed: the next reply opens a follow-up linked to it.
    let resolution = ResolutionInput {
        notes: "Replaced again".into(),
        share_with_requester: false,
    };
    let case = cb
        .set_case_status(
            &agent(),
            case.id,
            case.version,
            CaseStatus::Resolved,
            Some(resolution),
        )
        .unwrap();
    cb.set_case_status(&agent(), case.id, case.version, CaseStatus::Closed, None)
        .unwrap();
    let late = take(
        &cb,
        mail(
            "kim@example.org",
            &format!("Re: [{number}] Broken screen"),
            "<s5@example.org>",
        )
        .body("And now the speaker is broken as well, could someone look at it?"),
    );
    assert_eq!(late.decision, IntakeDecision::Opened);
    assert_eq!(late.follow_up_of.as_deref(), Some(number.as_str()));
    let follow_up = cb.case(late.case_id.unwrap()).unwrap();
    assert_eq!(follow_up.follow_up_of, Some(case.id));
    // Its thread now leads to the follow-up.
    let next = take(
        &cb,
        mail("kim@example.org", "Re: speaker", "<s6@example.org>").in_reply_to("<s5@example.org>"),
    );
    assert_eq!(next.case_id, Some(follow_up.id));

    // A bounce with no thread opens nothing.
    let bounce = take(
        &cb,
        mail(
            "MAILER-DAEMON@example.org",
            "Undelivered Mail Returned to Sender",
            "<b1@example.org>",
        ),
    );
    assert_eq!(bounce.decision, IntakeDecision::Logged);
    assert_eq!(bounce.case_id, None);
}

/// Rules open cases from templates with fields filled; an unknown sender
/// gets a profile when the rule says so, never a silent duplicate; a web
/// form post is validated exactly as the browser validates it.
pub fn rules_open_cases_with_fields<S: Store>(store: S) {
    // A same-name profile counts as a strong duplicate here.
    let config = Config {
        matching: MatchingConfig {
            candidate_threshold: 0.3,
            warn_threshold: 0.35,
            ..MatchingConfig::default()
        },
        ..config()
    };
    let cb = engine_with(store, config);
    cb.load_intake_rules(&Actor::new("admin"), RULES).unwrap();
    let mut invoice = mail(
        "Grace Hopper <grace@example.org>",
        "Invoice 42 is wrong",
        "<i1@x.org>",
    );
    invoice.to = Some("Billing <billing@example.com>".into());
    let opened = take(&cb, invoice);
    assert_eq!(opened.rule.as_deref(), Some("billing"));
    assert!(opened.profile_created);
    let grace = cb.profile(opened.customer_id.as_deref().unwrap()).unwrap();
    assert_eq!(
        (grace.given_name.as_str(), grace.family_name.as_str()),
        ("Grace", "Hopper")
    );
    let case = cb.case(opened.case_id.unwrap()).unwrap();
    assert_eq!(case.category.as_deref(), Some("billing"));
    assert_eq!(case.urgency, Level::Medium);
    assert_eq!(case.fields["reason"], json!("billing"));
    assert_eq!(
        case.template.as_ref().map(|t| t.id.as_str()),
        Some("support_case")
    );

    // The same person from another address: a strong duplicate is named,
    // not created.
    let mut lookalike = add(&cb, person("Alan", "Turing"));
    lookalike = cb
        .add_contact_point(
            &agent(),
            lookalike.id,
            lookalike.version,
            point(ContactKind::Email, "alan.turing@old.example.org"),
        )
        .unwrap();
    let mut refund = mail(
        "Alan Turing <alan.turing@new.example.org>",
        "Refund please",
        "<i2@x.org>",
    );
    refund.to = Some("billing@example.com".into());
    let refund = take(&cb, refund);
    assert!(!refund.profile_created, "{refund:?}");
    assert!(
        refund.candidates.contains(&lookalike.customer_id),
        "{refund:?}"
    );
    assert!(refund.draft.is_some());
    assert_eq!(refund.decision, IntakeDecision::Opened);

    // A web form: every field error at once, nothing stored.
    let contacts_before = cb.export_snapshot().unwrap().contacts.len();
    let mut post = Inbound::new(Channel::Web, "grace@example.org").subject("Complaint");
    post.form = Some(FormPost {
        template: Some("support_case".into()),
        fields: serde_json::from_value(json!({"reason": "complaint", "device_serial": "short"}))
            .unwrap(),
    });
    let refused = cb.intake(&gateway(), post.clone()).unwrap_err();
    let Error::Validation(errors) = &refused else {
        panic!("{refused:?}")
    };
    let browser = cb
        .validate_record(
            "support_case",
            None,
            &json!({"reason": "complaint", "device_serial": "short"}),
            false,
        )
        .unwrap();
    let fields = |list: Vec<&str>| {
        let mut list: Vec<String> = list.into_iter().map(str::to_string).collect();
        list.sort();
        list
    };
    assert_eq!(
        fields(errors.0.iter().map(|e| e.field.as_str()).collect()),
        fields(browser.errors.iter().map(|e| e.field.as_str()).collect()),
        "the same field errors as the browser's validation"
    );
    assert_eq!(
        cb.export_snapshot().unwrap().contacts.len(),
        contacts_before
    );
    post.form = Some(FormPost {
        template: Some("support_case".into()),
        fields: serde_json::from_value(
            json!({"reason": "complaint", "complaint_summary": "Rude engineer"}),
        )
        .unwrap(),
    });
    let filed = take(&cb, post);
    assert_eq!(filed.decision, IntakeDecision::Opened);
    let case = cb.case(filed.case_id.unwrap()).unwrap();
    assert_eq!(case.fields["complaint_summary"], json!("Rude engineer"));
}

/// Loading rules is versioned and checked; bad messages are refused by code.
pub fn intake_rules_are_checked_and_versioned<S: Store>(store: S) {
    let cb = engine(store);
    let admin = Actor::new("admin");
    assert_eq!(cb.intake_rules().unwrap().version, None);
    assert_eq!(
        cb.load_intake_rules(&admin, RULES).unwrap().version,
        Some(1)
    );
    assert_eq!(
        cb.load_intake_rules(&admin, RULES).unwrap().version,
        Some(1)
    );
    let changed = RULES.replace("\"log\"", "\"join\"");
    assert_eq!(
        cb.load_intake_rules(&admin, &changed).unwrap().version,
        Some(2)
    );
    assert_eq!(cb.intake_rules().unwrap().version, Some(2));
    for bad in [
        r#"{"rules": [{"name": "x", "action": "open", "case": {"template": "nope"}}]}"#,
        r#"{"rules": [{"name": "x", "action": "open"}, {"name": "x", "action": "log"}]}"#,
        r#"{"case_number_pattern": "([", "rules": []}"#,
        r#"{"rules": [{"name": "x", "action": "teleport"}]}"#,
        r#"{"rules": [{"name": "x", "when": {"subject_any": ["!!"]}, "action": "log"}]}"#,
        "not json",
    ] {
        let err = cb.load_intake_rules(&admin, bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDefinition, "{bad}: {err}");
    }
    assert_eq!(cb.intake_rules().unwrap().version, Some(2));

    let empty = Inbound::new(Channel::Email, "  ");
    assert_eq!(
        cb.intake(&gateway(), empty).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
    let long_id = mail("a@example.org", "x", &"i".repeat(5_000));
    assert_eq!(
        cb.intake(&gateway(), long_id).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
    let mut outbound = mail("agent@example.com", "Re: x", "<o1@example.com>");
    outbound.direction = Direction::Outbound;
    assert_eq!(
        cb.intake(&gateway(), outbound.clone()).unwrap_err().code(),
        ErrorCode::InvalidInput,
        "an outbound message needs its case"
    );
    let mut missing = outbound.clone();
    missing.case = Some("CS0000404".into());
    assert_eq!(
        cb.intake(&gateway(), missing).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(cb.export_snapshot().unwrap().contacts.len(), 0);

    // The acknowledgement the host sends is logged on its case, and the
    // customer's answer to it finds the case by its thread.
    let opened = take(
        &cb,
        mail("lin@example.org", "Parcel lost", "<p1@example.org>"),
    );
    outbound.case = opened.case_number.clone();
    let ack = take(&cb, outbound);
    assert_eq!(ack.decision, IntakeDecision::Logged);
    assert_eq!(
        cb.contact(ack.contact_id).unwrap().direction,
        Direction::Outbound
    );
    let answer = take(
        &cb,
        mail("lin@example.org", "Re: Re: x", "<p2@example.org>").in_reply_to("<o1@example.com>"),
    );
    assert_eq!(answer.case_id, opened.case_id);
}

/// One contact point at a time, with a version check and an audit entry;
/// relationships with several tags.
pub fn contact_points_one_at_a_time<S: Store>(store: S) {
    let cb = engine(store);
    let ada = add(&cb, person("Ada", "Lovelace"));
    let before = ada.contact_points.clone();
    let mobile = point(ContactKind::Phone, "07400 123456");
    let ada2 = cb
        .add_contact_point(&agent(), ada.id, ada.version, mobile.clone())
        .unwrap();
    assert_eq!(ada2.version, ada.version + 1);
    assert_eq!(ada2.contact_points.len(), before.len() + 1);
    assert_eq!(
        &ada2.contact_points[..before.len()],
        &before[..],
        "nothing else touched"
    );
    assert_eq!(ada2.given_name, ada.given_name);
    let found = cb.recognize(Channel::Voice, "+44 7400 123456").unwrap();
    assert!(matches!(found, Recognition::Known { .. }), "{found:?}");

    // A stale version changes nothing.
    let stale = cb
        .add_contact_point(
            &agent(),
            ada.id,
            ada.version,
            point(ContactKind::Email, "x@y.org"),
        )
        .unwrap_err();
    assert_eq!(stale.code(), ErrorCode::Conflict);

    // Edit by the number as typed; remove by key.
    let ada3 = cb
        .update_contact_point(
            &agent(),
            ada.id,
            ada2.version,
            "07400 123456",
            point(ContactKind::Phone, "07400 123457"),
        )
        .unwrap();
    assert!(ada3
        .contact_points
        .iter()
        .any(|p| p.value == "+447400123457"));
    assert!(!ada3
        .contact_points
        .iter()
        .any(|p| p.value == "+447400123456"));
    assert!(matches!(
        cb.recognize(Channel::Voice, "07400 123456").unwrap(),
        Recognition::Unknown { .. }
    ));
    let ada4 = cb
        .remove_contact_point(&agent(), ada.id, ada3.version, "phone:+447400123457")
        .unwrap();
    assert_eq!(ada4.contact_points, before);
    let missing = cb
        .remove_contact_point(&agent(), ada.id, ada4.version, "+447400123457")
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let bad = cb
        .add_contact_point(
            &agent(),
            ada.id,
            ada4.version,
            point(ContactKind::Email, "not an address"),
        )
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::ValidationFailed);
    let actions: Vec<String> = cb
        .audit_log(Some(ada.id))
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "contact_point_added",
            "contact_point_changed",
            "contact_point_removed"
        ]
    );

    // Several tags each way.
    let bob = add(&cb, person("Bob", "Okafor"));
    let mut carer = RelationInput::new(&ada.customer_id, &bob.customer_id, "spouse", "spouse");
    carer.a_to_b.push("carer".into());
    carer.b_to_a.push("account holder".into());
    carer.b_to_a.push("spouse".into());
    let relation = cb.relate(&agent(), carer).unwrap();
    assert_eq!(
        relation.b_to_a,
        ["spouse", "account holder"],
        "each tag once"
    );
    let seen = cb.related_customers(ada.id).unwrap();
    assert_eq!(seen[0].tags, ["spouse", "carer"]);
    assert_eq!(seen[0].relationship, "spouse, carer");
    let none = RelationInput {
        a_to_b: vec![],
        ..RelationInput::new(&ada.customer_id, &bob.customer_id, "x", "y")
    };
    assert_eq!(
        cb.relate(&agent(), none).unwrap_err().code(),
        ErrorCode::ValidationFailed
    );
}

/// One delivery of a generated message: which thread, which message of it.
#[derive(Debug, Clone, Copy)]
struct Delivery {
    thread: usize,
    message: usize,
}

fn deliveries() -> impl Strategy<Value = (usize, Vec<Delivery>)> {
    (1usize..4, 1usize..4).prop_flat_map(|(threads, per_thread)| {
        let every: Vec<Delivery> = (0..threads)
            .flat_map(|thread| (0..per_thread).map(move |message| Delivery { thread, message }))
            .collect();
        let extra = proptest::collection::vec(
            (0..threads, 0..per_thread).prop_map(|(thread, message)| Delivery { thread, message }),
            0..6,
        );
        (Just(per_thread), Just(every), extra).prop_flat_map(|(per_thread, every, extra)| {
            let all: Vec<Delivery> = every.into_iter().chain(extra).collect();
            (Just(per_thread), Just(all).prop_shuffle())
        })
    })
}

/// Any interleaving of duplicated, reordered and retried messages takes
/// each message once and keeps each thread on one case.
pub fn interleaved_deliveries_take_each_message_once<S: Store>(make: &dyn Fn() -> S) {
    let config = ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    };
    proptest!(config, |((per_thread, order) in deliveries())| {
        let cb = engine(make());
        let mut case_of_thread = std::collections::HashMap::new();
        for d in &order {
            let id = |m: usize| format!("<t{}m{}@example.org>", d.thread, m);
            let mut inbound = mail(
                &format!("sender{}@example.org", d.thread),
                &format!("Thread {} part {}", d.thread, d.message),
                &id(d.message),
            );
            if d.message > 0 {
                inbound.in_reply_to = Some(id(d.message - 1));
                inbound.references = vec![(0..d.message).map(id).collect::<Vec<_>>().join(" ")];
            }
            let outcome = take(&cb, inbound);
            let case = outcome.case_id.expect("every message is on a case");
            let first = *case_of_thread.entry(d.thread).or_insert(case);
            prop_assert_eq!(first, case, "thread {} split over cases", d.thread);
        }
        let snapshot = cb.export_snapshot().unwrap();
        let distinct: std::collections::HashSet<(usize, usize)> =
            order.iter().map(|d| (d.thread, d.message)).collect();
        prop_assert_eq!(snapshot.contacts.len(), distinct.len());
        prop_assert_eq!(snapshot.cases.len(), case_of_thread.len());
        prop_assert!(distinct.len() <= case_of_thread.len() * per_thread);
        prop_assert!(cb.check_invariants().unwrap().is_empty());
    });
}

/// Several threads delivering the same messages at once (a gateway retrying
/// while another one fetches): each message is taken once, each thread of
/// replies stays on its case.
pub fn concurrent_deliveries_take_each_message_once<S: Store + 'static>(store: S) {
    let cb = std::sync::Arc::new(engine(store));
    let messages: Vec<Inbound> = (0..12)
        .map(|i| {
            let mut m = mail(
                &format!("c{}@example.org", i % 3),
                &format!("Question {i}"),
                &format!("<q{i}@example.org>"),
            );
            if i >= 3 {
                m.in_reply_to = Some(format!("<q{}@example.org>", i % 3));
            }
            m
        })
        .collect();
    // The first message of each thread lands first, so the replies have a case to join.
    for m in &messages[..3] {
        take(&cb, m.clone());
    }
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let cb = cb.clone();
            let mut mine = messages.clone();
            mine.rotate_left(w * 3);
            std::thread::spawn(move || {
                mine.into_iter()
                    .map(|m| cb.intake(&Actor::new(format!("gateway-{w}")), m))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut fresh = 0;
    for worker in workers {
        for outcome in worker.join().expect("worker") {
            let outcome = outcome.expect("taken");
            if !outcome.replayed {
                fresh += 1;
            }
        }
    }
    assert_eq!(fresh, 9, "each reply taken once, by one of the workers");
    let snapshot = cb.export_snapshot().unwrap();
    assert_eq!(snapshot.contacts.len(), 12);
    assert_eq!(snapshot.cases.len(), 3);
    for case in &snapshot.cases {
        assert_eq!(
            cb.case_contacts(case.id).unwrap().len(),
            4,
            "{}",
            case.number
        );
    }
}
