use super::*;
use crate::{Actor, CaseInput, Casebook, CreateOptions, ErrorCode, ProfileInput};

fn def(channel: Channel, subject: Option<&str>, body: &str) -> ResponseTemplateDef {
    ResponseTemplateDef {
        id: "update".into(),
        name: "Update".into(),
        channel,
        subject: subject.map(str::to_string),
        body: body.into(),
    }
}

fn loaded(d: ResponseTemplateDef) -> Result<ResponseTemplate> {
    let fields = KnownFields {
        profile: ["segment".to_string()].into(),
        case: ["serial".to_string()].into(),
    };
    ResponseTemplate::from_def(d, &fields)
}

fn records(family: &str) -> (Profile, Case) {
    let cb = Casebook::in_memory();
    let agent = Actor::new("agent");
    let profile = cb
        .create_profile(
            &agent,
            ProfileInput {
                given_name: "Ann".into(),
                family_name: family.into(),
                ..Default::default()
            },
            CreateOptions::default(),
        )
        .unwrap();
    let case = cb
        .create_case(
            &agent,
            CaseInput {
                short_description: "Line down\nsince Monday".into(),
                ..Default::default()
            },
        )
        .unwrap();
    (profile, case)
}

#[test]
fn placeholders_are_checked_when_loaded() {
    let ok = loaded(def(
        Channel::Email,
        Some("Case {{ case.number }}"),
        "{% if profile.fields.segment %}{{ case.fields.serial }}{% endif %}{{ profile.given_name }}",
    ))
    .unwrap();
    assert_eq!(
        ok.placeholders,
        [
            "case.fields.serial",
            "case.number",
            "profile.fields.segment",
            "profile.given_name"
        ]
    );
    for body in [
        "{{ case.numbr }}",
        "{{ profile.fields.shoe_size }}",
        "{{ password }}",
        "{{ case.fields.segment }}",
    ] {
        let err = loaded(def(Channel::Sms, None, body)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDefinition, "{body}");
        assert!(err.to_string().contains("is not a value"), "{err}");
    }
    // Loop variables are the template's own.
    loaded(def(
        Channel::Chat,
        None,
        "{% for k in case.fields %}{{ k }}{% endfor %}",
    ))
    .unwrap();
}

#[test]
fn bad_definitions_are_refused_with_a_reason() {
    let cases = [
        (def(Channel::Email, None, "x"), "needs a subject"),
        (
            def(Channel::Sms, Some("Hi"), "x"),
            "only e-mail has a subject",
        ),
        (def(Channel::Sms, None, "  "), "needs a body"),
        (
            def(Channel::Sms, None, "{{ case.number "),
            "does not compile",
        ),
        (def(Channel::Email, Some("a\nb"), "x"), "one line"),
        (
            ResponseTemplateDef {
                id: "Bad Id".into(),
                ..def(Channel::Sms, None, "x")
            },
            "the id",
        ),
    ];
    for (d, expected) in cases {
        let err = loaded(d.clone()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDefinition, "{d:?}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn e_mail_bodies_escape_html_and_texts_do_not() {
    let (profile, case) = records("<b>O'Brien</b>");
    let email = loaded(def(
        Channel::Email,
        Some("{{ case.short_description }} for {{ profile.family_name }}"),
        "<p>Dear {{ profile.given_name }} {{ profile.family_name }}</p>",
    ))
    .unwrap();
    let message = email
        .renderer()
        .unwrap()
        .render(&profile, Some(&case), "agent-7")
        .unwrap();
    assert!(
        message
            .body
            .starts_with("<p>Dear Ann &lt;b&gt;O&#x27;Brien&lt;"),
        "{}",
        message.body
    );
    assert!(!message.body.contains("<b>"));
    // A subject is one line, whatever the values hold.
    assert_eq!(
        message.subject.as_deref(),
        Some("Line down since Monday for <b>O'Brien</b>")
    );
    let sms = loaded(def(
        Channel::Sms,
        None,
        "{{ profile.family_name }}: {{ case.number }} by {{ agent }}",
    ))
    .unwrap();
    let text = sms
        .renderer()
        .unwrap()
        .render(&profile, Some(&case), "agent-7")
        .unwrap();
    assert_eq!(
        text.body,
        format!("<b>O'Brien</b>: {} by agent-7", case.number)
    );
    assert_eq!(text.subject, None);
}

#[test]
fn a_runaway_template_runs_out_of_fuel() {
    let (profile, case) = records("Okafor");
    let endless = loaded(def(
        Channel::Chat,
        None,
        "{% set xs = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' %}\
         {% for a in xs %}{% for b in xs %}{% for c in xs %}{% for d in xs %}\
         x{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    ))
    .unwrap();
    let err = endless
        .renderer()
        .unwrap()
        .render(&profile, Some(&case), "agent")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidDefinition);
}

#[test]
fn messages_have_the_common_filters() {
    let (mut profile, case) = records("okafor");
    profile.given_name = String::new();
    let text = loaded(def(
        Channel::Sms,
        None,
        "Dear {{ profile.given_name | default('customer') }} {{ profile.family_name | capitalize }}, \
         {{ case.status | upper }} {{ ' x ' | trim }} {{ 'ABC' | lower }}",
    ))
    .unwrap()
    .renderer()
    .unwrap()
    .render(&profile, Some(&case), "agent")
    .unwrap();
    assert_eq!(text.body, "Dear customer Okafor, NEW x abc");
}
