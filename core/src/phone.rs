//! Phone number normalisation (libphonenumber metadata through the
//! `phonenumber` crate) and declared equivalence rules.

use crate::error::{Error, Result};
use phonenumber::country;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Longest input handed to the phone parser; real numbers with extensions are far shorter.
const MAX_PHONE_INPUT: usize = 64;

/// A declared rule for numbers one country writes two ways (for example a
/// mobile with and without its extra digit, as messaging channels send them).
///
/// The rule rewrites the national significant number of numbers with the
/// given country calling code into one canonical form, so both writings meet
/// the same profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneEquivalence {
    /// Country calling code without `+`, e.g. `52` for Mexico.
    pub country_code: u16,
    /// Regular expression matched against the whole national significant number.
    pub pattern: String,
    /// Replacement (with `$1`, `${2}` groups) giving the canonical national number.
    pub canonical: String,
    /// Why the rule exists.
    #[serde(default)]
    pub description: String,
}

impl PhoneEquivalence {
    /// The default rules: Brazilian mobiles with and without the ninth digit,
    /// Mexican mobiles with and without the old `1` prefix, Argentine mobiles
    /// with and without the `9` prefix.
    pub fn defaults() -> Vec<PhoneEquivalence> {
        vec![
            PhoneEquivalence {
                country_code: 55,
                pattern: r"^(\d{2})([6-9]\d{7})$".into(),
                canonical: "${1}9${2}".into(),
                description: "Brazil: 8-digit mobile without the ninth digit".into(),
            },
            PhoneEquivalence {
                country_code: 52,
                pattern: r"^1(\d{10})$".into(),
                canonical: "${1}".into(),
                description: "Mexico: mobile with the retired 1 prefix".into(),
            },
            PhoneEquivalence {
                country_code: 54,
                pattern: r"^9(\d{10})$".into(),
                canonical: "${1}".into(),
                description: "Argentina: mobile with the 9 prefix".into(),
            },
        ]
    }
}

/// Why a phone number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    /// Not something a phone number parser understands.
    Unparseable,
    /// Parsed, but not a valid number for its country.
    NotValid,
}

/// Phone normalisation settings: default region and equivalence rules.
#[derive(Debug, Clone, Default)]
pub struct PhoneRules {
    default_region: Option<country::Id>,
    region_code: Option<String>,
    equivalences: Vec<(String, Regex, String)>,
}

impl PhoneRules {
    /// Rules with a default region (ISO 3166 code such as `GB`, used for
    /// numbers written without `+`) and equivalence rules.
    pub fn new(default_region: Option<&str>, equivalences: &[PhoneEquivalence]) -> Result<Self> {
        let region = match default_region {
            None => None,
            Some(code) => Some(
                code.trim()
                    .to_ascii_uppercase()
                    .parse::<country::Id>()
                    .map_err(|_| {
                        Error::InvalidInput(format!(
                            "`{code}` is not a region code (expected ISO 3166 alpha-2, such as GB)"
                        ))
                    })?,
            ),
        };
        let mut compiled = Vec::with_capacity(equivalences.len());
        for rule in equivalences {
            let regex = Regex::new(&rule.pattern).map_err(|e| {
                Error::InvalidInput(format!(
                    "phone equivalence for +{}: bad pattern: {e}",
                    rule.country_code
                ))
            })?;
            compiled.push((rule.country_code.to_string(), regex, rule.canonical.clone()));
        }
        Ok(PhoneRules {
            default_region: region,
            region_code: default_region.map(|r| r.trim().to_ascii_uppercase()),
            equivalences: compiled,
        })
    }

    /// The default region, if any.
    pub fn default_region(&self) -> Option<&str> {
        self.region_code.as_deref()
    }

    /// Normalises a phone number for storage: E.164 of a valid number.
    ///
    /// ```
    /// let rules = casebook::PhoneRules::new(Some("GB"), &[]).unwrap();
    /// assert_eq!(rules.normalize("020 7946 0958").unwrap(), "+442079460958");
    /// assert_eq!(rules.normalize("+44 (0)20 7946-0958").unwrap(), "+442079460958");
    /// assert!(rules.normalize("12").is_err());
    /// ```
    pub fn normalize(&self, input: &str) -> Result<String, PhoneProblem> {
        let input = input.trim();
        // International numbers written with plain separators need no parser.
        if let Some(digits) = plain_international(input) {
            if let Some((code, national)) = split_country_code(&digits) {
                if !may_carry_national_prefix(code, national) {
                    return if valid_national(code, national) {
                        Ok(format!("+{digits}"))
                    } else {
                        Err(PhoneProblem::NotValid)
                    };
                }
            }
        }
        let number = self.parse(input).ok_or(PhoneProblem::Unparseable)?;
        let code = number.code().value();
        let national = number.national().to_string();
        if valid_national(code, &national) {
            Ok(format!("+{code}{national}"))
        } else {
            Err(PhoneProblem::NotValid)
        }
    }

    /// The matching key of a phone number as it arrives (any formatting): its
    /// E.164 form with equivalence rules applied, or `None` when it is not a
    /// phone number at all. Numbers already in strict E.164 skip the parser.
    pub fn match_key(&self, input: &str) -> Option<String> {
        let trimmed = input.trim();
        if is_strict_e164(trimmed) {
            return Some(self.canonical(trimmed));
        }
        let number = self.parse(trimmed)?;
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        Some(self.canonical(&e164))
    }

    /// Applies the equivalence rules to an E.164 number.
    pub fn canonical(&self, e164: &str) -> String {
        let digits = e164.strip_prefix('+').unwrap_or(e164);
        for (code, regex, replacement) in &self.equivalences {
            if let Some(national) = digits.strip_prefix(code.as_str()) {
                if regex.is_match(national) {
                    let rewritten = regex.replace(national, replacement.as_str());
                    return format!("+{code}{rewritten}");
                }
            }
        }
        e164.to_string()
    }

    fn parse(&self, input: &str) -> Option<phonenumber::PhoneNumber> {
        let input = input.trim();
        if input.is_empty()
            || input.len() > MAX_PHONE_INPUT
            || !input.chars().any(|c| c.is_ascii_digit())
            || !input.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        ' ' | '+' | '-' | '(' | ')' | '.' | '/' | '#' | ';' | '=' | ':'
                    )
            })
        {
            return None;
        }
        let region = self.default_region;
        // Defence in depth: the parser has panicked on odd input in past releases.
        std::panic::catch_unwind(|| phonenumber::parse(region, input).ok()).ok()?
    }
}

/// The digits of `+44 20 7946-0958`-style input (a `+`, then digits and
/// plain separators), or `None` for anything the full parser must read.
fn plain_international(s: &str) -> Option<String> {
    let rest = s.strip_prefix('+')?;
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' => {}
            _ => return None,
        }
    }
    (8..=15).contains(&digits.len()).then_some(digits)
}

/// Splits E.164 digits into a known country calling code and the national number.
fn split_country_code(digits: &str) -> Option<(u16, &str)> {
    // Country calling codes are prefix-free, so the first known prefix is the one.
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        phonenumber::metadata::DATABASE
            .by_code(&code)
            .map(|_| (code, &digits[len..]))
    })
}

/// Valid-number patterns of one region, compiled from libphonenumber's metadata.
struct RegionPatterns {
    national_prefix: Option<Regex>,
    general: Regex,
    general_lengths: Vec<u16>,
    types: Vec<(Regex, Vec<u16>)>,
}

type PatternCache =
    std::sync::RwLock<std::collections::HashMap<u16, Option<std::sync::Arc<Vec<RegionPatterns>>>>>;

fn anchored(source: &str) -> Option<Regex> {
    // The metadata's patterns are laid out with insignificant whitespace.
    regex::RegexBuilder::new(&format!("^(?:{source})$"))
        .ignore_whitespace(true)
        .build()
        .ok()
}

fn compile_code(code: u16) -> Option<std::sync::Arc<Vec<RegionPatterns>>> {
    let metadata = phonenumber::metadata::DATABASE.by_code(&code)?;
    let mut regions = Vec::new();
    for meta in metadata {
        let descriptors = meta.descriptors();
        let general = descriptors.general();
        let general_lengths = general.possible_length().to_vec();
        let mut types = Vec::new();
        for desc in [
            descriptors.fixed_line(),
            descriptors.mobile(),
            descriptors.toll_free(),
            descriptors.premium_rate(),
            descriptors.shared_cost(),
            descriptors.personal_number(),
            descriptors.voip(),
            descriptors.pager(),
            descriptors.uan(),
            descriptors.voicemail(),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(regex) = anchored(desc.national_number().as_str()) {
                let lengths = if desc.possible_length().is_empty() {
                    general_lengths.clone()
                } else {
                    desc.possible_length().to_vec()
                };
                types.push((regex, lengths));
            }
        }
        // libphonenumber strips a national prefix written after the country
        // code (`+44 020 ...`); such numbers go through the full parser.
        let national_prefix = meta
            .national_prefix_for_parsing()
            .map(|r| r.as_str().to_string())
            .or_else(|| meta.national_prefix().map(regex::escape))
            .and_then(|source| {
                regex::RegexBuilder::new(&format!("^(?:{source})"))
                    .ignore_whitespace(true)
                    .build()
                    .ok()
            });
        if let Some(general) = anchored(general.national_number().as_str()) {
            regions.push(RegionPatterns {
                national_prefix,
                general,
                general_lengths,
                types,
            });
        }
    }
    Some(std::sync::Arc::new(regions))
}

/// Whether a national number is a valid number of the country calling code
/// (libphonenumber's rule: it matches the general pattern and the pattern of
/// at least one number type, at a possible length, in one of the code's regions).
/// The phonenumber crate's own check goes through a small shared regex cache
/// behind a lock and costs microseconds; these patterns are compiled once.
fn valid_national(code: u16, national: &str) -> bool {
    let Some(regions) = patterns(code) else {
        return false;
    };
    let length = national.len() as u16;
    let fits = |lengths: &[u16]| lengths.is_empty() || lengths.contains(&length);
    regions.iter().any(|r| {
        fits(&r.general_lengths)
            && r.general.is_match(national)
            && r.types
                .iter()
                .any(|(regex, lengths)| fits(lengths) && regex.is_match(national))
    })
}

/// Whether the national number starts with something a region of the code
/// treats as a national prefix (then only the full parser knows the answer).
fn may_carry_national_prefix(code: u16, national: &str) -> bool {
    patterns(code).is_some_and(|regions| {
        regions.iter().any(|r| {
            r.national_prefix
                .as_ref()
                .is_some_and(|p| p.is_match(national))
        })
    })
}

fn patterns(code: u16) -> Option<std::sync::Arc<Vec<RegionPatterns>>> {
    static CACHE: std::sync::OnceLock<PatternCache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let cached = cache.read().ok().and_then(|c| c.get(&code).cloned());
    match cached {
        Some(p) => p,
        None => {
            let compiled = compile_code(code);
            if let Ok(mut c) = cache.write() {
                c.insert(code, compiled.clone());
            }
            compiled
        }
    }
}

fn is_strict_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> PhoneRules {
        PhoneRules::new(Some("GB"), &PhoneEquivalence::defaults()).unwrap()
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
}
