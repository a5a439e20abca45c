//! Scoring pairs: the rules, nicknames and swaps, and the near-equal
//! values and missing parts real duplicates carry.

use super::*;
use crate::identity::rules::MatchRule;
use crate::identity::test_support::profile;
use crate::model::ContactPoint;

#[test]
fn typo_and_shared_phone_is_a_probable_duplicate_with_reasons() {
    let config = MatchingConfig::default();
    let a = MatchView::of(&profile(
        "Jonathan",
        "Smith",
        Some("+447911123456"),
        Some("1980-02-03"),
    ));
    let b = MatchView::of(&profile("Jonathon", "Smiht", Some("+447911123456"), None));
    let s = score(&config, &a, &b);
    assert!(s.score >= config.candidate_threshold, "{s:?}");
    let fields: Vec<MatchField> = s.reasons.iter().map(|r| r.field).collect();
    assert_eq!(fields, [MatchField::Phone, MatchField::Name]);
    assert!(s.reasons[1].detail.contains("Jaro-Winkler"));
}

#[test]
fn household_members_are_not_duplicates() {
    let config = MatchingConfig::default();
    let a = MatchView::of(&profile(
        "Ann",
        "Okafor",
        Some("+441134960000"),
        Some("1970-01-01"),
    ));
    let b = MatchView::of(&profile(
        "Bob",
        "Okafor",
        Some("+441134960000"),
        Some("1972-05-05"),
    ));
    let s = score(&config, &a, &b);
    assert!(s.score < config.candidate_threshold, "{s:?}");
    assert!(s.reasons.iter().any(|r| !r.agrees));
}

#[test]
fn nicknames_and_swaps_are_recognised() {
    let config = MatchingConfig::default();
    let bob = MatchView::of(&profile("Bob", "Marley", None, Some("1945-02-06")));
    let robert = MatchView::of(&profile("Robert", "Marley", None, Some("1945-02-06")));
    assert!(score(&config, &bob, &robert).score >= config.candidate_threshold);
    assert_eq!(bob.blocking_keys(), robert.blocking_keys());
    let swapped = MatchView::of(&profile("Marley", "Robert", None, Some("1945-02-06")));
    let s = score(&config, &robert, &swapped);
    assert!(
        s.reasons.iter().any(|r| r.field == MatchField::SwappedName),
        "{s:?}"
    );
    assert!(s.score >= config.candidate_threshold);
    assert_eq!(
        robert.blocking_keys()[0],
        swapped.blocking_keys()[0],
        "name key ignores order"
    );
}

#[test]
fn bad_rules_are_refused() {
    let mut config = MatchingConfig::default();
    config.rules.push(MatchRule::new(
        MatchField::Phone,
        MatchMethod::Fuzzy,
        0.5,
        0.0,
    ));
    assert!(config.check().is_err());
    assert!(MatchingConfig::default().check().is_ok());
}

fn febrl_person(
    given: &str,
    family: &str,
    dob: Option<&str>,
    id: Option<&str>,
    address: Option<&str>,
) -> Profile {
    let mut p = profile(given, family, None, dob);
    p.identifications = id
        .map(|v| crate::model::Identification {
            kind: "soc_sec_id".into(),
            value: v.into(),
            issuer: None,
        })
        .into_iter()
        .collect();
    p.contact_points = address
        .map(|v| ContactPoint {
            kind: ContactKind::Address,
            value: v.into(),
            label: None,
            primary: true,
            key: format!("address:{v}"),
        })
        .into_iter()
        .collect();
    p
}

#[test]
fn an_identity_number_one_digit_off_is_weak_evidence_for() {
    let config = MatchingConfig::default();
    let address = Some("42 smith street bondi 2026 nsw");
    let a = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        Some("5304218"),
        address,
    ));
    let typo = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        Some("5304318"),
        address,
    ));
    let swapped = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        Some("5302418"),
        address,
    ));
    let other = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        Some("9911873"),
        address,
    ));
    for near in [&typo, &swapped] {
        let s = score(&config, &a, near);
        assert!(s.score >= config.candidate_threshold, "{s:?}");
        assert!(
            s.reasons
                .iter()
                .any(|r| r.agrees && r.detail.contains("one keystroke apart")),
            "{s:?}"
        );
    }
    let s = score(&config, &a, &other);
    assert!(
        s.reasons
            .iter()
            .any(|r| !r.agrees && r.field == MatchField::Identification),
        "{s:?}"
    );
    assert!(score(&config, &a, &other).score < score(&config, &a, &typo).score);
}

#[test]
fn a_missing_name_part_is_no_evidence_against() {
    let config = MatchingConfig::default();
    let a = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        None,
        None,
    ));
    let no_given = MatchView::of(&febrl_person("", "brown", Some("1954-09-27"), None, None));
    let s = score(&config, &a, &no_given);
    assert!(s.reasons.iter().all(|r| r.agrees), "{s:?}");
    let name = s
        .reasons
        .iter()
        .find(|r| r.field == MatchField::Name)
        .expect("name reason");
    assert!(name.detail.contains("one part missing"), "{s:?}");
    assert!(
        name.contribution < 0.4,
        "a surname alone is weaker than a whole name: {s:?}"
    );
}

#[test]
fn a_mistyped_date_of_birth_is_not_a_disagreement() {
    let config = MatchingConfig::default();
    let a = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        None,
        None,
    ));
    let b = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-28"),
        None,
        None,
    ));
    let far = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1972-03-11"),
        None,
        None,
    ));
    assert!(score(&config, &a, &b).reasons.iter().all(|r| r.agrees));
    assert!(score(&config, &a, &far).reasons.iter().any(|r| !r.agrees));
}

#[test]
fn misspelt_names_and_an_altered_date_still_share_a_block() {
    let a = MatchView::of(&febrl_person(
        "joshua",
        "brown",
        Some("1954-09-27"),
        Some("5304218"),
        Some("42 smith street bondi 2026 nsw"),
    ));
    let b = MatchView::of(&febrl_person(
        "jsohua",
        "bornw",
        Some("1945-09-27"),
        Some("5304318"),
        Some("42 smiht street bondi 2026 nsw"),
    ));
    let keys_a = a.blocking_keys();
    let shared: Vec<String> = b
        .blocking_keys()
        .into_iter()
        .filter(|k| keys_a.contains(k))
        .collect();
    assert!(
        shared.iter().any(|k| k.starts_with("bk:p:2026:")),
        "{shared:?}"
    );
    assert!(
        shared.iter().any(|k| k.starts_with("bk:i:soc_sec_id:530")),
        "{shared:?}"
    );
    let config = MatchingConfig::default();
    assert!(
        score(&config, &a, &b).score >= config.candidate_threshold,
        "{:?}",
        score(&config, &a, &b)
    );
}

#[test]
fn a_shared_landline_and_address_are_one_households_evidence() {
    let config = MatchingConfig::default();
    let home = |given: &str| {
        let mut p = febrl_person(given, "lewis", None, None, Some("180 Church Road, Hull"));
        p.contact_points.push(ContactPoint {
            kind: ContactKind::Phone,
            value: "+441132480351".into(),
            label: None,
            primary: false,
            key: "phone:+441132480351".into(),
        });
        p
    };
    let (shirley, thomas) = (
        MatchView::of(&home("shirley")),
        MatchView::of(&home("thomas")),
    );
    let s = score(&config, &shirley, &thomas);
    assert!(s.score < config.candidate_threshold, "{s:?}");
    let address = s
        .reasons
        .iter()
        .find(|r| r.field == MatchField::Address)
        .expect("address reason");
    let address_weight = config
        .rules
        .iter()
        .find(|r| r.field == MatchField::Address)
        .expect("address rule")
        .weight;
    assert!(
        address.detail.contains("household") && address.contribution < address_weight / 2.0,
        "{s:?}"
    );
}

#[test]
fn a_changed_surname_keeps_the_person() {
    let config = MatchingConfig::default();
    let address = Some("4 dinnison circuit vila 178 clovelly 4123 wa");
    let before = MatchView::of(&febrl_person(
        "thomas",
        "shepherd",
        Some("1912-09-11"),
        Some("6706820"),
        address,
    ));
    let after = MatchView::of(&febrl_person(
        "thomas",
        "graue",
        Some("1912-09-11"),
        Some("5760570"),
        Some("4 dinnison gcircuit vila 178 clovelly 4123 wa"),
    ));
    let s = score(&config, &before, &after);
    assert!(s.score >= config.candidate_threshold, "{s:?}");
    assert!(
        s.reasons
            .iter()
            .any(|r| r.agrees && r.detail.starts_with("same given name, another surname")),
        "{s:?}"
    );
}

#[test]
fn twins_at_one_address_are_not_one_person() {
    let config = MatchingConfig::default();
    let twin = |given: &str| {
        let mut p = febrl_person(
            given,
            "ryan",
            Some("1923-03-01"),
            None,
            Some("35 sidaway street avalon 3184 nsw"),
        );
        p.contact_points.push(ContactPoint {
            kind: ContactKind::Phone,
            value: "+441132480351".into(),
            label: None,
            primary: false,
            key: "phone:+441132480351".into(),
        });
        p
    };
    let s = score(
        &config,
        &MatchView::of(&twin("amelia")),
        &MatchView::of(&twin("edward")),
    );
    assert!(s.score < config.candidate_threshold, "{s:?}");
    assert!(
        s.reasons
            .iter()
            .any(|r| !r.agrees && r.detail.starts_with("same surname, another given name")),
        "{s:?}"
    );
}
