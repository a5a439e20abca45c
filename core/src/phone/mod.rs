//! Phone number normalisation (libphonenumber metadata through the
//! `phonenumber` crate) and declared equivalence rules.

use crate::error::{Error, Result};
use crate::matcher::{both_match, Matcher, MatcherOptions};
use phonenumber::country;
use regex::Regex;
use serde::{Deserialize, Serialize};

mod digits;
mod metadata;
#[cfg(test)]
mod tests;

pub use digits::fold;
use metadata::*;

/// Longest input handed to the phone parser; real numbers with extensions are far shorter.
const MAX_PHONE_INPUT: usize = 64;

/// A declared rule for numbers one country writes two ways (for example a
/// mobile with and without its extra digit, as messaging channels send them).
///
/// The rule rewrites the national significant number of numbers with the
/// given country calling code into one canonical form, so both writings meet
/// the same profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    equivalences: Vec<Equivalence>,
    /// How to read plain national numbers of the default region without the parser.
    national: Option<&'static NationalShortcut>,
}

/// A phone equivalence rule of the configuration, its expression compiled
/// when first needed.
#[derive(Debug, Clone)]
struct Equivalence {
    code: String,
    pattern: String,
    /// `None` when the checked pattern still does not compile (over the
    /// regex crate's size limit): the rule then rewrites nothing.
    regex: std::sync::OnceLock<Option<Regex>>,
    canonical: String,
}

/// A regular expression only ever given ASCII digits (national numbers,
/// E.164 digits): `\d` is read as `[0-9]`, which gives a fraction of the
/// Unicode automaton and compiles several times faster (a browser compiles
/// them at start-up) with the same answers on such input. An expression
/// that needs Unicode mode on text (a `.`) keeps it.
pub(crate) fn digits_regex(
    pattern: &str,
    ignore_whitespace: bool,
) -> std::result::Result<Regex, regex::Error> {
    let build = |unicode| {
        regex::RegexBuilder::new(pattern)
            .ignore_whitespace(ignore_whitespace)
            .unicode(unicode)
            .build()
    };
    build(false).or_else(|_| build(true))
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
            // Checked now, compiled on the first number of its country code:
            // most engines never see most codes, and compiling is the slow part.
            regex_syntax::Parser::new()
                .parse(&rule.pattern)
                .map_err(|e| {
                    Error::InvalidInput(format!(
                        "phone equivalence for +{}: bad pattern: {e}",
                        rule.country_code
                    ))
                })?;
            compiled.push(Equivalence {
                code: rule.country_code.to_string(),
                pattern: rule.pattern.clone(),
                regex: std::sync::OnceLock::new(),
                canonical: rule.canonical.clone(),
            });
        }
        Ok(PhoneRules {
            default_region: region,
            region_code: default_region.map(|r| r.trim().to_ascii_uppercase()),
            equivalences: compiled,
            national: region.and_then(national_shortcut),
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
        let folded = fold(input);
        let input = folded.trim();
        let mut buffer = [0u8; DIGITS_READ];
        if let Some(reading) = self.read_without_parser(input, &mut buffer) {
            return reading.map(|(code, national)| format!("+{code}{national}"));
        }
        self.normalize_by_parser(input)
    }

    /// Checks a phone number as [`PhoneRules::normalize`] does, without
    /// building the E.164 text where it can.
    pub fn check(&self, input: &str) -> Result<(), PhoneProblem> {
        let folded = fold(input);
        let input = folded.trim();
        let mut buffer = [0u8; DIGITS_READ];
        if let Some(reading) = self.read_without_parser(input, &mut buffer) {
            return reading.map(drop);
        }
        self.normalize_by_parser(input).map(drop)
    }

    /// The calling code and national number of a number read without the
    /// general parser, or why it is not valid, where that reading is
    /// certain: international input with plain separators, and plain
    /// national input of the default region. `None` leaves it to the parser.
    fn read_without_parser<'b>(
        &self,
        input: &str,
        buffer: &'b mut [u8; DIGITS_READ],
    ) -> Option<Result<(u16, &'b str), PhoneProblem>> {
        let (code, national, valid) = if input.starts_with('+') {
            let (code, patterns, national) = plain_international(input, buffer)?;
            (code, national, valid_in(patterns, national))
        } else {
            let (code, national) = self.plain_national(input, buffer)?;
            (code, national, valid_national(code, national))
        };
        Some(if valid {
            Ok((code, national))
        } else {
            Err(PhoneProblem::NotValid)
        })
    }

    /// [`PhoneRules::normalize`] through the phonenumber parser.
    fn normalize_by_parser(&self, input: &str) -> Result<String, PhoneProblem> {
        let number = self.parse(input).ok_or(PhoneProblem::Unparseable)?;
        let code = number.code().value();
        let national = number.national().to_string();
        if valid_national(code, &national) {
            Ok(format!("+{code}{national}"))
        } else {
            Err(PhoneProblem::NotValid)
        }
    }

    /// A regular expression for the E.164 numbers of a country calling code,
    /// built from the same metadata [`PhoneRules::normalize`] uses (the union
    /// of the number-type patterns): for an HTML `pattern` attribute or a JSON
    /// Schema. It leaves out the metadata's possible-length lists, so it may
    /// accept a rare number of impossible length that `normalize` refuses.
    /// `None` for an unknown code.
    ///
    /// ```
    /// let pattern = casebook::PhoneRules::e164_pattern(44).unwrap();
    /// let regex = regex::Regex::new(&pattern).unwrap();
    /// assert!(regex.is_match("+442079460958"));
    /// assert!(!regex.is_match("+44207946095"));
    /// ```
    pub fn e164_pattern(country_code: u16) -> Option<String> {
        let metadata = phonenumber::metadata::DATABASE.by_code(&country_code)?;
        let mut alternatives: Vec<String> = Vec::new();
        for meta in metadata {
            let d = meta.descriptors();
            for desc in number_types(d) {
                let source: String = desc
                    .national_number()
                    .as_str()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let alternative = format!("(?:{source})");
                if !alternatives.contains(&alternative) {
                    alternatives.push(alternative);
                }
            }
        }
        (!alternatives.is_empty())
            .then(|| format!("^\\+{country_code}(?:{})$", alternatives.join("|")))
    }

    /// The matching key of a phone number as it arrives (any formatting,
    /// Unicode digits, tabs): its E.164 form with equivalence rules applied,
    /// or `None` when it is not a phone number at all. Numbers in strict
    /// E.164, plain national numbers and international numbers with plain
    /// separators skip the parser, so formatting costs next to nothing.
    ///
    /// ```
    /// let rules = casebook::PhoneRules::new(Some("GB"), &[]).unwrap();
    /// let key = rules.match_key("+44 7911 010000");
    /// assert_eq!(key.as_deref(), Some("+447911010000"));
    /// assert_eq!(rules.match_key("\u{ff10}\u{ff17}\u{ff19}\u{ff11}\u{ff11} 010000"), key);
    /// ```
    pub fn match_key(&self, input: &str) -> Option<String> {
        let folded = fold(input);
        let trimmed = folded.trim();
        if is_strict_e164(trimmed) {
            return Some(self.canonical(trimmed));
        }
        let mut buffer = [0u8; DIGITS_READ];
        if let Some((code, national)) = self.plain_national(trimmed, &mut buffer) {
            return Some(self.canonical(&format!("+{code}{national}")));
        }
        // Read as its compact form, which takes the strict E.164 path above:
        // formatting must not change the key (the parser's own reading drops
        // the leading zero of Italian numbers and refuses some trailing marks).
        if let Some((code, _, national)) = plain_international(trimmed, &mut buffer) {
            return Some(self.canonical(&format!("+{code}{national}")));
        }
        self.match_key_by_parser(trimmed)
    }

    /// [`PhoneRules::match_key`] through the phonenumber parser.
    fn match_key_by_parser(&self, input: &str) -> Option<String> {
        let number = self.parse(&fold(input))?;
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        Some(self.canonical(&e164))
    }

    /// Applies the equivalence rules to an E.164 number.
    pub fn canonical(&self, e164: &str) -> String {
        let digits = e164.strip_prefix('+').unwrap_or(e164);
        for rule in &self.equivalences {
            let Some(national) = digits.strip_prefix(rule.code.as_str()) else {
                continue;
            };
            let regex = rule
                .regex
                .get_or_init(|| digits_regex(&rule.pattern, false).ok());
            if let Some(regex) = regex.as_ref().filter(|r| r.is_match(national)) {
                let rewritten = regex.replace(national, rule.canonical.as_str());
                return format!("+{}{rewritten}", rule.code);
            }
        }
        e164.to_string()
    }

    /// The country calling code and national significant number of plain
    /// national input (digits and plain separators), read
    /// exactly as the parser reads it for the default region, where that
    /// reading is certain: no international prefix, not starting with the
    /// country code. `None` leaves the input to the parser, which costs a
    /// microsecond where this costs a few dozen nanoseconds.
    fn plain_national<'b>(
        &self,
        input: &str,
        buffer: &'b mut [u8; DIGITS_READ],
    ) -> Option<(u16, &'b str)> {
        let shortcut = self.national?;
        let mut len = 0;
        for b in input.bytes() {
            match b {
                b'0'..=b'9' => {
                    *buffer.get_mut(len)? = b;
                    len += 1;
                }
                _ if is_plain_separator(b) => {}
                _ => return None,
            }
        }
        // Lengths outside E.164's are left to the parser's own limits.
        if !(3..=15).contains(&len) {
            return None;
        }
        let digits = std::str::from_utf8(&buffer[..len]).ok()?;
        if shortcut
            .idd
            .as_ref()
            .is_some_and(|idd| idd.is_match(digits))
            || digits.starts_with(&shortcut.code_digits)
        {
            return None;
        }
        // The parser strips the national prefix once while reading the
        // national number (by the region's pattern for it, if any) and once
        // more after it.
        let once = match &shortcut.prefix_for_parsing {
            Some(pattern) => pattern.find(digits).map_or(digits, |m| &digits[m.end()..]),
            None => shortcut
                .national_prefix
                .as_deref()
                .and_then(|prefix| digits.strip_prefix(prefix))
                .unwrap_or(digits),
        };
        let national = shortcut
            .national_prefix
            .as_deref()
            .and_then(|prefix| once.strip_prefix(prefix))
            .unwrap_or(once);
        // Leading zeros and very short numbers have their own rules in the parser.
        if national.len() < 2 || national.starts_with('0') {
            return None;
        }
        Some((shortcut.code, national))
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
        // International input with only plain separators between its digits
        // goes to the parser compact: the parser reads some formatted numbers
        // (`+3-010`, `+490-0-0-1)`) otherwise than their compact form.
        let compact: String;
        let input = match input.strip_prefix('+') {
            Some(rest)
                if rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || is_plain_separator(b)) =>
            {
                compact = input
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect();
                compact.as_str()
            }
            _ => input,
        };
        let region = self.default_region;
        // Defence in depth: the parser has panicked on odd input in past releases.
        std::panic::catch_unwind(|| phonenumber::parse(region, input).ok()).ok()?
    }
}
