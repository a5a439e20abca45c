//! Phone normalisation against the metadata: every region's examples, the
//! parser-free shortcuts against the parser, and the equivalence rules.

use super::*;

fn gb() -> PhoneRules {
    PhoneRules::new(Some("GB"), &PhoneEquivalence::defaults()).unwrap()
}

/// Every region in the metadata, with its rules and the same rules
/// without the national shortcut (every national number through the parser).
fn every_region() -> Vec<(String, PhoneRules, PhoneRules)> {
    let mut regions = Vec::new();
    for code in 1..1000u16 {
        for region in phonenumber::metadata::DATABASE
            .region(&code)
            .unwrap_or_default()
        {
            if let Ok(rules) = PhoneRules::new(Some(region), &PhoneEquivalence::defaults()) {
                let parsed = PhoneRules {
                    national: None,
                    ..rules.clone()
                };
                regions.push((region.to_string(), rules, parsed));
            }
        }
    }
    regions
}

fn assert_same_reading(region: &str, rules: &PhoneRules, parsed: &PhoneRules, input: &str) {
    assert_eq!(
        rules.normalize(input),
        parsed.normalize(input),
        "normalize {input:?} in {region}"
    );
    assert_eq!(
        rules.check(input),
        parsed.check(input),
        "check {input:?} in {region}"
    );
    assert_eq!(
        rules.match_key(input),
        parsed.match_key(input),
        "match_key {input:?} in {region}"
    );
}

/// Plain national numbers read through the shortcut exactly as through
/// the parser: every region's example numbers, with national and
/// international prefixes, country codes, separators, a digit more or less.
#[test]
fn national_shortcut_reads_as_the_parser() {
    let regions = every_region();
    assert!(regions.len() > 200, "{} regions", regions.len());
    let shortcuts = regions
        .iter()
        .filter(|(_, r, _)| r.national.is_some())
        .count();
    assert!(
        shortcuts > 100,
        "only {shortcuts} regions have the shortcut"
    );
    let mut taken = 0;
    for (region, rules, parsed) in &regions {
        let meta = phonenumber::metadata::DATABASE
            .by_id(region.as_str())
            .unwrap();
        let d = meta.descriptors();
        let prefix = meta.national_prefix().unwrap_or("");
        let code = meta.country_code().to_string();
        for example in [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.voip(),
            d.uan(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|desc| desc.example())
        {
            let (head, tail) = example.split_at(example.len() / 2);
            for input in [
                example.to_string(),
                format!("{prefix}{example}"),
                format!("{prefix}{prefix}{example}"),
                format!("{code}{example}"),
                format!("00{example}"),
                format!("{head} {tail}"),
                format!("{prefix}{head}-{tail}"),
                format!("{head}  {tail}"),
                example[1..].to_string(),
                format!("{example}7"),
                head.to_string(),
                format!("{prefix}{head}"),
                format!("{prefix}{}", &example[..3]),
            ] {
                // Input the shortcut leaves takes the same path either way.
                let mut buffer = [0u8; DIGITS_READ];
                if rules.plain_national(&input, &mut buffer).is_some() {
                    taken += 1;
                    assert_same_reading(region, rules, parsed, &input);
                }
            }
        }
    }
    assert!(taken > 1000, "the shortcut read only {taken} inputs");
}

proptest::proptest! {
    /// Any digits, in any region, read as the parser reads them.
    #[test]
    fn national_shortcut_agrees_on_any_digits(
        region in proptest::sample::select(vec!["GB", "US", "DE", "FR", "IT", "ES", "NL", "IE", "AU", "NZ", "IN", "JP", "CN", "BR", "MX", "AR", "RU", "ZA", "NG", "SE", "CH", "AT", "BE", "PL", "KR", "SG", "AE", "IL", "TR", "CA", "JE", "GG", "IM"]),
        input in "[0-9]{1,4}([ -]?[0-9]{1,5}){0,4}",
    ) {
        let rules = PhoneRules::new(Some(region), &PhoneEquivalence::defaults()).unwrap();
        let parsed = PhoneRules { national: None, ..rules.clone() };
        // Input the shortcut leaves takes the same path either way.
        let mut buffer = [0u8; DIGITS_READ];
        if rules.plain_national(&input, &mut buffer).is_none() {
            return Ok(());
        }
        proptest::prop_assert_eq!(rules.normalize(&input), parsed.normalize(&input), "normalize in {}", region);
        proptest::prop_assert_eq!(rules.check(&input), parsed.check(&input), "check in {}", region);
        proptest::prop_assert_eq!(rules.match_key(&input), parsed.match_key(&input), "match_key in {}", region);
    }
}

#[test]
fn no_calling_code_starts_with_zero() {
    let rules = gb();
    assert_eq!(
        rules.check("+0447804949032"),
        Err(PhoneProblem::Unparseable)
    );
    assert!(rules.normalize("+044 7804 949032").is_err());
    assert_eq!(rules.check("+447804949032"), Ok(()));
}

#[test]
fn formats_of_one_number_share_a_key() {
    let rules = gb();
    let forms = [
        "020 7946 0958",
        "02079460958",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "0044 20 7946 0958",
        "(020) 7946-0958",
        "+442079460958",
        "tel:+44-20-7946-0958",
    ];
    for form in forms {
        assert_eq!(
            rules.match_key(form).as_deref(),
            Some("+442079460958"),
            "{form}"
        );
    }
}

#[test]
fn rejects_non_numbers() {
    let rules = gb();
    for bad in ["", "abc", "++", "12", "call me maybe", "  2 22#:"] {
        assert!(rules.normalize(bad).is_err(), "{bad}");
    }
    assert!(rules.match_key("hello").is_none());
}

#[test]
fn equivalences_meet() {
    let rules = gb();
    // Mexico: with and without the retired mobile 1.
    assert_eq!(rules.canonical("+5215512345678"), "+525512345678");
    // Brazil: with and without the ninth digit.
    assert_eq!(
        rules.match_key("+55 11 8765 4321"),
        rules.match_key("+55 11 98765 4321")
    );
    // Argentina: with and without the 9.
    assert_eq!(rules.canonical("+5491123456789"), "+541123456789");
    // Other countries untouched.
    assert_eq!(rules.canonical("+442079460958"), "+442079460958");
}

#[test]
fn fast_validity_agrees_with_the_parser() {
    let rules = gb();
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let prefixes = [
        "+4420", "+447", "+4411", "+1201", "+1800", "+4930", "+3906", "+33", "+5511", "+5215",
        "+8613", "+61",
    ];
    let (mut valid, mut prefix_only) = (0, 0);
    for i in 0..3000 {
        let prefix = prefixes[i % prefixes.len()];
        let tail: String = (0..(6 + next() % 5))
            .map(|_| char::from(b'0' + (next() % 10) as u8))
            .collect();
        let number = format!("{prefix}{tail}");
        let crate_valid = phonenumber::parse(None, &number)
            .map(|n| phonenumber::is_valid(&n))
            .unwrap_or(false);
        let ours = rules.normalize(&number).is_ok();
        valid += usize::from(ours);
        if crate_valid == ours {
            continue;
        }
        // The crate accepts a number when a pattern matches a prefix of it;
        // libphonenumber (and this) require the whole number to match. That
        // is the only disagreement allowed.
        assert!(
            crate_valid && !ours,
            "{number}: crate {crate_valid}, ours {ours}"
        );
        let shorter_is_valid = (8..number.len()).any(|k| rules.normalize(&number[..k]).is_ok());
        assert!(
            shorter_is_valid,
            "{number}: rejected, and no prefix of it is valid"
        );
        prefix_only += 1;
    }
    assert!(valid > 500, "the sample holds valid numbers: {valid}");
    assert!(prefix_only < 150, "{prefix_only} prefix-only matches");
}

#[test]
fn bad_region_is_an_error() {
    assert!(PhoneRules::new(Some("XX1"), &[]).is_err());
}

/// A number written the way people and switches write it: the digits with
/// separators, tabs and full-width digits in random places.
fn formatted(digits: &str, separators: &[u8], wide: &[bool]) -> String {
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if wide.get(i).copied().unwrap_or(false) {
            out.push(char::from_u32(0xFF10 + d.to_digit(10).unwrap()).unwrap());
        } else {
            out.push(d);
        }
        match separators.get(i).copied().unwrap_or(0) % 9 {
            1 | 2 => out.push(' '),
            3 => out.push('-'),
            4 => out.push('.'),
            5 => out.push_str(") "),
            6 => out.push('\t'),
            7 => out.push_str(" ("),
            _ => {}
        }
    }
    out
}

proptest::proptest! {
    /// Formatted numbers read as their compact forms, and the parser-free
    /// paths as the parser wherever the parser finds the number valid. (The
    /// parser's E.164 drops the leading zero of Italian numbers, `+39 06 ...`,
    /// which the metadata checks keep: there only the compact form is the reference.)
    #[test]
    fn formatted_numbers_read_as_the_parser(
        region in proptest::sample::select(vec!["GB", "US", "DE", "FR", "IT", "BR", "MX", "AR", "IN", "JP", "AU", "CH"]),
        plus in proptest::bool::ANY,
        head in proptest::sample::select(vec!["44", "447", "4420", "1201", "49", "39", "3906", "5511", "5215", "549", "33", "91", "81", "61", "0", "07", "020", "1", ""]),
        tail in "[0-9]{4,11}",
        separators in proptest::collection::vec(proptest::num::u8::ANY, 16),
        wide in proptest::collection::vec(proptest::bool::weighted(0.1), 16),
        opening in proptest::sample::select(vec!["", " ", "(", "\t"]),
    ) {
        let rules = PhoneRules::new(Some(region), &PhoneEquivalence::defaults()).unwrap();
        let digits = format!("{head}{tail}");
        // A mark before the `+` sends the number to the parser, whose reading of Italian numbers differs.
        let opening = if plus { opening.trim_start_matches('(') } else { opening };
        let input = format!("{opening}{}{}", if plus { "+" } else { "" }, formatted(&digits, &separators, &wide));
        let folded = fold(&input);
        let folded = folded.trim();
        let compact = format!("{}{digits}", if plus { "+" } else { "" });
        // Where the parser reads a valid number as typed, the parser-free paths
        // read it alike. (The parser may drop a digit of an international
        // number, `+1 0201200000 0` or `+4 9 1 3 4 (46 (1 (1)`, where every
        // digit is kept here.)
        let digits_typed: String = folded.chars().filter(char::is_ascii_digit).collect();
        let read_as_typed = rules
            .normalize_by_parser(folded)
            .is_ok_and(|e164| !plus || e164[1..] == digits_typed);
        if !is_strict_e164(folded) && read_as_typed {
            proptest::prop_assert_eq!(rules.match_key(&input), rules.match_key_by_parser(folded), "match_key {:?} in {}", input, region);
        }
        // A formatted number reads as its compact form.
        proptest::prop_assert_eq!(rules.normalize(&input), rules.normalize(&compact), "normalize {:?} in {}", input, region);
        proptest::prop_assert_eq!(rules.check(&input), rules.check(&compact), "check {:?} in {}", input, region);
        // An international number without a national prefix keys as its compact form.
        let mut buffer = [0u8; DIGITS_READ];
        if is_strict_e164(&compact) && plain_international(&compact, &mut buffer).is_some() {
            proptest::prop_assert_eq!(rules.match_key(&input), rules.match_key(&compact), "match_key {:?} in {}", input, region);
        }
        // A valid number's key is the key of its stored form.
        if let Ok(e164) = rules.normalize(&input) {
            proptest::prop_assert_eq!(rules.match_key(&input), Some(rules.canonical(&e164)), "match_key {:?} in {}", input, region);
        }
    }
}

#[test]
fn formatted_and_compact_numbers_share_a_key() {
    let rules = gb();
    for form in [
        "+44 7911 010000",
        "+44\t7911\t010000",
        "+44 (7911) 010-000",
        "+44.7911.010.000",
        "０７９１１ ０１００００",
        "07911\t010000",
        "(07911) 010000",
    ] {
        assert_eq!(
            rules.match_key(form).as_deref(),
            Some("+447911010000"),
            "{form:?}"
        );
        assert_eq!(
            rules.normalize(form).as_deref(),
            Ok("+447911010000"),
            "{form:?}"
        );
    }
}

/// The metadata's patterns are compiled on first use, not checked when it
/// loads (see the vendored regex-cache): a pattern that did not compile
/// would fail a call on a number of its region. Every one compiles, as the
/// metadata reads them (insignificant whitespace).
#[test]
fn every_metadata_pattern_compiles() {
    use phonenumber::metadata::DATABASE;
    let mut checked = 0;
    let mut check = |what: &str, source: &str| {
        regex::RegexBuilder::new(source)
            .ignore_whitespace(true)
            .build()
            .unwrap_or_else(|e| panic!("{what}: {source:?}: {e}"));
        checked += 1;
    };
    for code in 1..1000u16 {
        for meta in DATABASE.by_code(&code).unwrap_or_default() {
            let region = meta.id().to_string();
            let d = meta.descriptors();
            // Beside the number types, the descriptors the parser alone reads.
            let others = [
                Some(d.general()),
                d.emergency(),
                d.short_code(),
                d.standard_rate(),
                d.carrier(),
                d.no_international(),
            ];
            let descriptors = number_types(d).chain(others.into_iter().flatten());
            for descriptor in descriptors {
                check(&region, descriptor.national_number().as_str());
            }
            for pattern in [
                meta.international_prefix(),
                meta.national_prefix_for_parsing(),
                meta.leading_digits(),
            ]
            .into_iter()
            .flatten()
            {
                check(&region, pattern.as_str());
            }
            for format in meta.formats().iter().chain(meta.international_formats()) {
                check(&region, format.pattern().as_str());
                for leading in format.leading_digits() {
                    check(&region, leading.as_str());
                }
            }
        }
    }
    assert!(checked > 4_000, "only {checked} patterns checked");
}
