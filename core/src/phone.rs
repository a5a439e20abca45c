//! Phone number normalisation (libphonenumber metadata through the
//! `phonenumber` crate) and declared equivalence rules.

use crate::error::{Error, Result};
use crate::matcher::{both_match, Matcher, MatcherOptions};
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
    equivalences: Vec<(String, Regex, String)>,
    /// How to read plain national numbers of the default region without the parser.
    national: Option<&'static NationalShortcut>,
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
        let input = input.trim();
        let mut buffer = [0u8; DIGITS_READ];
        if let Some(reading) = self.read_without_parser(input, &mut buffer) {
            return reading.map(|(code, national)| format!("+{code}{national}"));
        }
        self.normalize_by_parser(input)
    }

    /// Checks a phone number as [`PhoneRules::normalize`] does, without
    /// building the E.164 text where it can.
    pub fn check(&self, input: &str) -> Result<(), PhoneProblem> {
        let input = input.trim();
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
            let digits = plain_international_into(input, buffer)?;
            let (code, patterns, national) = split_country_code(digits)?;
            if may_carry_national_prefix(patterns, national) {
                return None;
            }
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
            for desc in [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .into_iter()
            .flatten()
            {
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

    /// The matching key of a phone number as it arrives (any formatting): its
    /// E.164 form with equivalence rules applied, or `None` when it is not a
    /// phone number at all. Numbers already in strict E.164 skip the parser.
    pub fn match_key(&self, input: &str) -> Option<String> {
        let trimmed = input.trim();
        if is_strict_e164(trimmed) {
            return Some(self.canonical(trimmed));
        }
        let mut buffer = [0u8; DIGITS_READ];
        if let Some((code, national)) = self.plain_national(trimmed, &mut buffer) {
            return Some(self.canonical(&format!("+{code}{national}")));
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

    /// The country calling code and national significant number of plain
    /// national input (digits, single spaces or dashes between them), read
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
        let mut after_digit = false;
        for b in input.bytes() {
            match b {
                b'0'..=b'9' => {
                    *buffer.get_mut(len)? = b;
                    len += 1;
                    after_digit = true;
                }
                b' ' | b'-' if after_digit => after_digit = false,
                _ => return None,
            }
        }
        // Lengths outside E.164's are left to the parser's own limits.
        if !after_digit || !(3..=15).contains(&len) {
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
        let region = self.default_region;
        // Defence in depth: the parser has panicked on odd input in past releases.
        std::panic::catch_unwind(|| phonenumber::parse(region, input).ok()).ok()?
    }
}

/// Digits of a number the parser-free readings copy out of the input.
const DIGITS_READ: usize = MAX_NATIONAL_LENGTH as usize;

/// The digits of `+44 20 7946-0958`-style input (a `+`, then at most
/// E.164's 15 digits and plain separators), or `None` for anything the full
/// parser must read.
fn plain_international_into<'b>(s: &str, buffer: &'b mut [u8; DIGITS_READ]) -> Option<&'b str> {
    const E164_DIGITS: usize = 15;
    let rest = s.strip_prefix('+')?;
    let mut len = 0;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' if len < E164_DIGITS => {
                buffer[len] = b;
                len += 1;
            }
            b' ' | b'-' | b'.' => {}
            _ => return None,
        }
    }
    if len < 8 {
        return None;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Splits E.164 digits into a known country calling code and the national number.
fn split_country_code(digits: &str) -> Option<(u16, &'static CodePatterns, &str)> {
    // No calling code starts with 0 (the parser refuses such numbers).
    if digits.starts_with('0') {
        return None;
    }
    // Country calling codes are prefix-free, so the first known prefix is the one.
    let mut code = 0u16;
    for (len, digit) in digits.bytes().take(3).enumerate() {
        code = code * 10 + u16::from(digit.checked_sub(b'0').filter(|d| *d <= 9)?);
        if let Some(patterns) = code_patterns(code) {
            return Some((code, patterns, &digits[len + 1..]));
        }
    }
    None
}

/// Valid-number patterns of one region, compiled from libphonenumber's metadata.
struct RegionPatterns {
    general: Matcher,
    general_lengths: Vec<u16>,
    /// For each national-number length, one pattern joining every number type
    /// (fixed line, mobile, toll free, ...) possible at that length.
    types_by_length: Vec<Option<Matcher>>,
}

/// The patterns of every region sharing a country calling code.
struct CodePatterns {
    regions: Vec<RegionPatterns>,
    /// What any region of the code reads as a national prefix written after
    /// the country code (`+44 020 ...`), which libphonenumber strips: one
    /// pattern joining the regions' prefixes. `None` when no region has one.
    /// Numbers it matches go through the full parser.
    national_prefixes: Option<Matcher>,
    /// The digits a national prefix of the code can start with: most
    /// numbers are settled by their first digit without the pattern.
    prefix_first_digits: [bool; 10],
}

fn compile(source: &str, whole: bool) -> Option<Matcher> {
    // The metadata's patterns are laid out with insignificant whitespace.
    let anchored = if whole {
        format!("^(?:{source})$")
    } else {
        format!("^(?:{source})")
    };
    let regex = regex::RegexBuilder::new(&anchored)
        .ignore_whitespace(true)
        .build()
        .ok()?;
    let options = MatcherOptions {
        ignore_whitespace: true,
        // Only national numbers (ASCII digits) are matched.
        ascii_input: true,
    };
    Some(Matcher::new(regex, options, PATTERN_DFA_BYTES))
}

/// Bounds one metadata pattern's DFA; the largest regions stay well within it.
const PATTERN_DFA_BYTES: usize = 1 << 20;

fn compile_code(code: u16) -> Option<CodePatterns> {
    let metadata = phonenumber::metadata::DATABASE.by_code(&code)?;
    let mut regions = Vec::new();
    let mut prefixes = Vec::new();
    for meta in metadata {
        let descriptors = meta.descriptors();
        let general = descriptors.general();
        let general_lengths = general.possible_length().to_vec();
        let types: Vec<(&str, Vec<u16>)> = [
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
        .map(|d| {
            let lengths = if d.possible_length().is_empty() {
                general_lengths.clone()
            } else {
                d.possible_length().to_vec()
            };
            (d.national_number().as_str(), lengths)
        })
        .collect();
        let types_by_length = (0..=MAX_NATIONAL_LENGTH)
            .map(|length| {
                let sources: Vec<String> = types
                    .iter()
                    .filter(|(_, lengths)| lengths.is_empty() || lengths.contains(&length))
                    .map(|(source, _)| format!("(?:{source})"))
                    .collect();
                (!sources.is_empty())
                    .then(|| compile(&sources.join("|"), true))
                    .flatten()
            })
            .collect();
        if let Some(general) = compile(general.national_number().as_str(), true) {
            if let Some(prefix) = meta
                .national_prefix_for_parsing()
                .map(|r| r.as_str().to_string())
                .or_else(|| meta.national_prefix().map(regex::escape))
            {
                prefixes.push(format!("(?:{prefix})"));
            }
            regions.push(RegionPatterns {
                general,
                general_lengths,
                types_by_length,
            });
        }
    }
    let national_prefixes = if prefixes.is_empty() {
        None
    } else {
        // A prefix the matcher cannot read sends every number of the code to
        // the full parser: slower, never wrong.
        Some(
            compile(&prefixes.join("|"), false)
                .unwrap_or_else(|| compile("", false).expect("the empty pattern compiles")),
        )
    };
    let prefix_first_digits = std::array::from_fn(|digit| {
        national_prefixes
            .as_ref()
            .is_some_and(|prefixes| prefixes.may_start_with(b'0' + digit as u8))
    });
    Some(CodePatterns {
        regions,
        national_prefixes,
        prefix_first_digits,
    })
}

/// What reading a default region's plain national numbers needs from its
/// metadata (see [`PhoneRules::plain_national`]).
#[derive(Debug)]
struct NationalShortcut {
    code: u16,
    code_digits: String,
    national_prefix: Option<String>,
    /// The region's pattern for national prefixes, anchored at the start.
    prefix_for_parsing: Option<Regex>,
    /// The international dialling prefix, matched at the start.
    idd: Option<Matcher>,
}

/// The shortcut of a region, built on first use; `None` where the parser's
/// reading takes rules the shortcut does not follow.
fn national_shortcut(region: country::Id) -> Option<&'static NationalShortcut> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock, PoisonError};
    static BUILT: OnceLock<Mutex<HashMap<country::Id, Option<&'static NationalShortcut>>>> =
        OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    // Leaked once per region at most (a few hundred exist): they live as long as the metadata.
    *built.entry(region).or_insert_with(|| {
        build_national_shortcut(region).map(|shortcut| &*Box::leak(Box::new(shortcut)))
    })
}

fn build_national_shortcut(region: country::Id) -> Option<NationalShortcut> {
    let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref())?;
    // Rewrite rules (Argentina's mobiles, for one) stay with the parser, and
    // so do regions with general possible lengths: the parser then keeps the
    // national prefix on numbers too short without it (no region has such
    // lengths in the metadata now).
    if meta.national_prefix_transform_rule().is_some()
        || !meta.descriptors().general().possible_length().is_empty()
    {
        return None;
    }
    // Anchored, the first match is the parser's when that one starts at the
    // beginning, and there is none when it does not.
    let prefix_for_parsing = match meta.national_prefix_for_parsing() {
        Some(pattern) => Some(
            regex::RegexBuilder::new(&format!("^(?:{})", pattern.as_str()))
                .ignore_whitespace(true)
                .build()
                .ok()?,
        ),
        None => None,
    };
    let idd = match meta.international_prefix() {
        Some(pattern) => Some(compile(pattern.as_str(), false)?),
        None => None,
    };
    Some(NationalShortcut {
        code: meta.country_code(),
        code_digits: meta.country_code().to_string(),
        national_prefix: meta.national_prefix().map(str::to_string),
        prefix_for_parsing,
        idd,
    })
}

/// Longest national significant number in the numbering plan (ITU-T E.164 allows 15 digits in all).
const MAX_NATIONAL_LENGTH: u16 = 17;

/// The compiled patterns of a country calling code, built on first use.
/// Indexed by code, so looking one up takes no lock and no hashing.
fn code_patterns(code: u16) -> Option<&'static CodePatterns> {
    // A const is the way to fill a static array with `OnceLock`s; each element is its own lock.
    #[allow(clippy::declare_interior_mutable_const)]
    const NO_CODE: std::sync::OnceLock<Option<CodePatterns>> = std::sync::OnceLock::new();
    static TABLE: [std::sync::OnceLock<Option<CodePatterns>>; 1000] = [NO_CODE; 1000];
    TABLE
        .get(code as usize)?
        .get_or_init(|| compile_code(code))
        .as_ref()
}

/// Whether a national number is a valid number of the country calling code
/// (libphonenumber's rule: it matches the general pattern and the pattern of
/// at least one number type, at a possible length, in one of the code's regions).
/// The phonenumber crate's own check goes through a small shared regex cache
/// behind a lock and costs microseconds; these patterns are compiled once.
fn valid_national(code: u16, national: &str) -> bool {
    code_patterns(code).is_some_and(|patterns| valid_in(patterns, national))
}

/// [`valid_national`] with the code's patterns at hand.
fn valid_in(patterns: &CodePatterns, national: &str) -> bool {
    let regions = &patterns.regions;
    let length = national.len() as u16;
    regions.iter().any(|r| {
        (r.general_lengths.is_empty() || r.general_lengths.contains(&length))
            && r.types_by_length
                .get(length as usize)
                .and_then(Option::as_ref)
                .is_some_and(|types| both_match(types, &r.general, national))
    })
}

/// Whether the national number starts with something a region of the code
/// treats as a national prefix (then only the full parser knows the answer).
fn may_carry_national_prefix(patterns: &CodePatterns, national: &str) -> bool {
    let first_digit_may_start_one = national
        .bytes()
        .next()
        .and_then(|first| first.checked_sub(b'0'))
        .and_then(|digit| patterns.prefix_first_digits.get(usize::from(digit)))
        .copied()
        // Not a digit (never for these numbers): the pattern decides.
        .unwrap_or(true);
    first_digit_may_start_one
        && patterns
            .national_prefixes
            .as_ref()
            .is_some_and(|prefixes| prefixes.is_match(national))
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
}
