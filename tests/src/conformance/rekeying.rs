//! Keys that follow the rules: numbers in a template's phone fields
//! identify a profile unless the template says not, and profiles keyed by
//! other rules are re-keyed once when an engine opens the store.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use serde_json::json;
use std::sync::Arc;

/// A profile template with an identifying `mobile` field and a `fax` that
/// does not identify (`mobile_identifies` false turns the mobile off too).
pub fn mobile_template(mobile_identifies: bool) -> String {
    json!({"id": "mobile_customer", "kind": "profile", "name": "Mobile customer", "fields": [
        {"key": "mobile", "type": "phone", "identifies": mobile_identifies},
        {"key": "fax", "type": "phone", "identifies": false}
    ]})
    .to_string()
}

/// A mobile customer with a mobile and a fax number.
pub fn mobile_customer(given: &str, mobile: &str, fax: &str) -> ProfileInput {
    ProfileInput {
        template: Some("mobile_customer".into()),
        given_name: given.into(),
        family_name: "Mobile".into(),
        fields: [
            ("mobile".to_string(), json!(mobile)),
            ("fax".to_string(), json!(fax)),
        ]
        .into_iter()
        .collect(),
        ..ProfileInput::default()
    }
}

/// The profile recognition finds for a number, if exactly one.
pub fn recognised<S: Store>(cb: &Casebook<S>, channel: Channel, address: &str) -> Option<String> {
    match cb.recognize(channel, address).expect("recognition runs") {
        Recognition::Known { profile, .. } => Some(profile.customer_id.clone()),
        Recognition::Unknown { .. } => None,
        other => panic!("{address}: expected one profile or none, got {other:?}"),
    }
}

/// The `rekey` entries of the audit log.
pub fn rekeys<S: Store>(cb: &Casebook<S>) -> Vec<AuditEntry> {
    cb.audit_log(None)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "rekey")
        .collect()
}

fn phone_search<S: Store>(cb: &Casebook<S>, number: &str) -> Vec<String> {
    cb.find_profiles(&ProfileQuery::Phone(number.into()), 10)
        .unwrap()
        .into_iter()
        .map(|s| s.customer_id)
        .collect()
}

/// A number in an identifying phone field is recognised and searched like
/// a phone contact point, in any formatting; an opted-out field is not; a
/// new template version that changes which fields identify re-indexes the
/// template's profiles at once.
pub fn template_phone_fields_identify<S: Store>(store: S) {
    let cb = engine(store);
    let admin = Actor::new("admin");
    cb.load_template(&admin, &mobile_template(true)).unwrap();
    let ada = add(&cb, mobile_customer("Ada", "07911 010000", "020 7946 0959"));
    let mobile = "+447911010000";
    assert_eq!(ada.fields["mobile"], json!(mobile));
    for written in [mobile, "07911 010000", "+44 (0)7911 010-000"] {
        assert_eq!(
            recognised(&cb, Channel::Voice, written),
            Some(ada.customer_id.clone()),
            "{written}"
        );
    }
    assert_eq!(phone_search(&cb, "07911010000"), [ada.customer_id.clone()]);
    assert_eq!(recognised(&cb, Channel::Voice, "020 7946 0959"), None);
    assert!(phone_search(&cb, "020 7946 0959").is_empty());
    // The field key is exactly the key a phone contact point of that number gets.
    let twin = add_anyway(
        &cb,
        ProfileInput {
            contact_points: vec![phone(mobile)],
            ..person("Twin", "Contact")
        },
    );
    assert!(matches!(
        cb.recognize(Channel::Voice, mobile).unwrap(),
        Recognition::Several { candidates, .. } if candidates.len() == 2
    ));
    let edited = cb
        .update_profile(
            &agent(),
            twin.id,
            twin.version,
            ProfileInput {
                contact_points: Vec::new(),
                ..person("Twin", "Contact")
            },
        )
        .unwrap();
    assert!(edited.contact_points.is_empty());
    assert_eq!(
        recognised(&cb, Channel::Voice, mobile),
        Some(ada.customer_id.clone())
    );

    // Version 2 stops the mobile identifying: no longer found, no re-open needed.
    cb.load_template(&admin, &mobile_template(false)).unwrap();
    assert_eq!(recognised(&cb, Channel::Voice, mobile), None);
    assert!(phone_search(&cb, mobile).is_empty());
    let stored = cb.profile(ada.id).unwrap();
    assert_eq!(stored.version, ada.version, "re-indexing is not an edit");
    assert_eq!(stored.updated_at, ada.updated_at);
    assert_eq!(stored.template.as_ref().unwrap().version, 1);
    // And version 3 turns it back on.
    cb.load_template(&admin, &mobile_template(true)).unwrap();
    assert_eq!(
        recognised(&cb, Channel::Voice, mobile),
        Some(ada.customer_id.clone())
    );
    assert_eq!(rekeys(&cb).len(), 2, "one pass per change");
    assert_eq!(rekeys(&cb)[0].details["profiles"], 1);
    assert_eq!(cb.check_invariants().unwrap(), []);
}

/// Profiles keyed by other rules (here: e-mail domain rules) are re-keyed
/// when an engine with the new rules opens the store, once: a second
/// engine with the same rules rewrites nothing.
pub fn changed_rules_rekey_on_open_once<S: Store>(store: S) {
    let store = Arc::new(store);
    let plain_rules = Config {
        email_domain_rules: Vec::new(),
        ..config()
    };
    let open = |config: Config, seed: u64| {
        Casebook::builder(store.clone())
            .config(config)
            .clock(Arc::new(ManualClock::new(start_time())))
            .ids(Arc::new(SeededIds::new(seed)))
            .build()
            .expect("engine")
    };
    let old = open(plain_rules.clone(), 1);
    old.load_template(&Actor::new("admin"), RETAIL_CUSTOMER)
        .unwrap();
    let ada = add(
        &old,
        ProfileInput {
            contact_points: vec![email("A.Da+shop@gmail.com")],
            ..person("Ada", "Lovelace")
        },
    );
    let grace = add(
        &old,
        ProfileInput {
            contact_points: vec![email("grace@example.org")],
            ..person("Grace", "Hopper")
        },
    );
    assert_eq!(recognised(&old, Channel::Email, "ada@gmail.com"), None);
    assert!(rekeys(&old).is_empty(), "nothing to re-key in a new store");
    drop(old);

    // The default rules ignore dots and +tags at gmail.com.
    let new = open(config(), 2);
    assert_eq!(
        recognised(&new, Channel::Email, "ada@gmail.com"),
        Some(ada.customer_id.clone())
    );
    let passes = rekeys(&new);
    assert_eq!(passes.len(), 1, "{passes:?}");
    assert_eq!(passes[0].details["profiles"], 1, "only Ada's keys changed");
    let stored = new.profile(ada.id).unwrap();
    assert_eq!(stored.version, ada.version, "a re-key is not an edit");
    assert_eq!(stored.contact_points[0].value, "A.Da+shop@gmail.com");
    assert_ne!(stored.contact_points[0].key, ada.contact_points[0].key);
    assert_eq!(new.profile(grace.id).unwrap(), grace);
    // An agent who read Ada before the re-key can still save an edit.
    new.update_profile(
        &agent(),
        ada.id,
        ada.version,
        ProfileInput {
            contact_points: vec![email("A.Da+shop@gmail.com")],
            ..person("Ada", "King")
        },
    )
    .unwrap();
    assert_eq!(new.check_invariants().unwrap(), []);
    drop(new);

    let again = open(config(), 3);
    assert_eq!(rekeys(&again).len(), 1, "the second open re-keys nothing");
    assert_eq!(
        recognised(&again, Channel::Email, "a.da@gmail.com"),
        Some(ada.customer_id.clone())
    );
    // Back to the old rules: keyed back, so the old engine's view holds again.
    let back = open(plain_rules, 4);
    assert_eq!(recognised(&back, Channel::Email, "ada@gmail.com"), None);
    assert_eq!(rekeys(&back).len(), 2);
}
