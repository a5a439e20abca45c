//! Finding profiles (by name, e-mail, phone, account, customer ID,
//! identification) and cases (by keyword).

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use proptest::prelude::*;
use serde_json::json;

/// Name search: every word matches the start of a name word, ignoring case and accents.
pub fn name_search_is_prefix_case_and_accent_insensitive<S: Store>(store: S) {
    let cb = engine(store);
    let jose = add(&cb, person("José", "Álvarez"));
    let joseph = add(&cb, person("Joseph", "Alvarez-Smith"));
    add(&cb, person("Josephine", "Baker"));
    let find = |q: &str| -> Vec<String> {
        cb.find_profiles(&ProfileQuery::Name(q.into()), 50)
            .unwrap()
            .into_iter()
            .map(|s| s.customer_id)
            .collect()
    };
    assert_eq!(
        find("jose alvarez"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(
        find("ALVA"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(
        find("álvarez josé"),
        [jose.customer_id.clone(), joseph.customer_id.clone()]
    );
    assert_eq!(find("smith"), [joseph.customer_id.clone()]);
    assert_eq!(find("josephine").len(), 1);
    assert!(find("zed").is_empty());
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name(" ,, ".into()), 10)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Name("jo".into()), 2)
            .unwrap()
            .len(),
        2
    );
}

/// E-mail, phone, account, customer ID and identification lookups.
pub fn exact_searches_find_profiles<S: Store>(store: S) {
    let cb = engine(store);
    let mut input = person("Alan", "Turing");
    input.contact_points = vec![phone("+44 161 496 0000"), email("alan.turing@Example.com")];
    input.accounts = vec!["ACC-77".into()];
    input.identifications = vec![Identification {
        kind: "passport".into(),
        value: "P 1234-5678".into(),
        issuer: None,
    }];
    let alan = add(&cb, input);
    add(&cb, person("Other", "Person"));
    let one = |q: ProfileQuery| -> Vec<String> {
        cb.find_profiles(&q, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.customer_id)
            .collect()
    };
    let expected = vec![alan.customer_id.clone()];
    assert_eq!(
        one(ProfileQuery::Email("alan.turing@EXAMPLE.COM".into())),
        expected
    );
    assert_eq!(
        one(ProfileQuery::Email("Alan.Turing@example.com".into())),
        expected,
        "the local part matches in any case"
    );
    assert_eq!(one(ProfileQuery::Phone("0161 496 0000".into())), expected);
    assert_eq!(one(ProfileQuery::Phone("+441614960000".into())), expected);
    assert_eq!(one(ProfileQuery::Account(" acc-77 ".into())), expected);
    assert_eq!(
        one(ProfileQuery::CustomerId(alan.customer_id.clone())),
        expected
    );
    assert_eq!(
        one(ProfileQuery::Identification {
            kind: "Passport".into(),
            value: "p12345678".into()
        }),
        expected
    );
    assert!(one(ProfileQuery::CustomerId("C-424242".into())).is_empty());
    assert_eq!(
        cb.find_profiles(&ProfileQuery::Phone("hello".into()), 10)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    let summary = &cb
        .find_profiles(&ProfileQuery::Account("ACC-77".into()), 1)
        .unwrap()[0];
    assert_eq!(summary.phone.as_deref(), Some("+441614960000"));
    assert_eq!(summary.email.as_deref(), Some("alan.turing@example.com"));
}

/// Property: every formatting of a stored UK number finds the profile.
pub fn phone_formats_find_the_same_profile<S: Store>(store: S) {
    let cb = engine(store);
    let numbers = [
        "+442079460958",
        "+441614960000",
        "+447911123456",
        "+441134960555",
    ];
    let mut ids = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        let mut input = person("Phone", &format!("Owner{i}"));
        input.contact_points = vec![phone(n)];
        ids.push(add(&cb, input).id);
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
    runner
        .run(
            &(0..numbers.len(), 0usize..6, any::<bool>(), "[ .-]{0,1}"),
            |(i, style, parens, sep)| {
                let national = format!("0{}", &numbers[i][3..]);
                let digits = &numbers[i][3..];
                let (area, rest) = digits.split_at(if digits.starts_with('7') {
                    4
                } else {
                    2 + usize::from(digits.starts_with('1'))
                });
                let area = if parens {
                    format!("({area})")
                } else {
                    area.to_string()
                };
                let written = match style {
                    0 => numbers[i].to_string(),
                    1 => national.clone(),
                    2 => format!("+44{sep}{area}{sep}{rest}"),
                    3 => format!("0044{sep}{area}{sep}{rest}"),
                    4 => format!("0{area}{sep}{rest}").replace("0(", "(0"),
                    _ => format!("tel:+44-{}", digits),
                };
                let found: Vec<_> = cb
                    .find_profiles(&ProfileQuery::Phone(written.clone()), 5)
                    .map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                prop_assert_eq!(found, vec![ids[i]], "{}", written);
                Ok(())
            },
        )
        .unwrap();
}

/// Keyword search covers descriptions, notes, comments and searchable fields.
pub fn keyword_search_over_cases<S: Store>(store: S) {
    let cb = engine(store);
    let mut first = support_case("Router shows red light", vec![]);
    first.description = "Customer reports intermittent broadband".into();
    first
        .fields
        .insert("device_serial".into(), json!("AB12CD34EF"));
    let first = open_case(&cb, first);
    let second = open_case(&cb, support_case("Bill too high", vec![]));
    cb.add_case_entry(
        &agent(),
        second.id,
        EntryKind::WorkNote,
        "Checked the router tariff",
    )
    .unwrap();
    cb.add_case_entry(
        &agent(),
        first.id,
        EntryKind::Comment,
        "Engineer booked for Tuesday",
    )
    .unwrap();

    let numbers = |q: &str| -> Vec<String> {
        cb.search_cases(q, 20)
            .unwrap()
            .into_iter()
            .map(|c| c.number)
            .collect()
    };
    assert_eq!(
        numbers("router"),
        [second.number.clone(), first.number.clone()],
        "newest first"
    );
    assert_eq!(numbers("ROUTER red"), [first.number.clone()]);
    assert_eq!(
        numbers("broadb"),
        [first.number.clone()],
        "last word is a prefix"
    );
    assert_eq!(
        numbers("ab12cd34ef"),
        [first.number.clone()],
        "searchable field"
    );
    assert_eq!(numbers("tuesday"), [first.number.clone()], "comments");
    assert_eq!(numbers("tariff"), [second.number.clone()], "work notes");
    assert_eq!(numbers(&first.number), [first.number.clone()]);
    assert!(numbers("router zebra").is_empty());
    assert_eq!(numbers("router").len(), 2);
    assert_eq!(cb.search_cases("router", 1).unwrap().len(), 1);

    let mut edit = CaseInput::from(&cb.case(first.id).unwrap());
    edit.short_description = "Router fixed".into();
    edit.description = String::new();
    let v = cb.case(first.id).unwrap().version;
    cb.update_case(&agent(), first.id, v, edit).unwrap();
    assert!(
        numbers("intermittent").is_empty(),
        "old words leave the index"
    );
    assert_eq!(numbers("fixed"), [first.number.clone()]);
    assert_eq!(
        cb.search_cases("  ", 5).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}
