//! The phone metadata as casebook reads it: the calling codes, each
//! region's patterns compiled once into matchers, and the parser-free
//! readings of plain numbers.

use super::*;

/// Digits of a number the parser-free readings copy out of the input.
pub(super) const DIGITS_READ: usize = MAX_NATIONAL_LENGTH as usize;

/// Whether a byte is punctuation the parser skips between the digits of a
/// number without reading anything into it: space, dot, hyphen, parentheses.
pub(super) fn is_plain_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'(' | b')')
}

/// The calling code, its patterns and the national number of
/// `+44 20 7946-0958`-style input where the parser would read them the same:
/// no national prefix after the country code.
pub(super) fn plain_international<'b>(
    s: &str,
    buffer: &'b mut [u8; DIGITS_READ],
) -> Option<(u16, &'static CodePatterns, &'b str)> {
    let digits = plain_international_into(s, buffer)?;
    let (code, patterns, national) = split_country_code(digits)?;
    if may_carry_national_prefix(patterns, national) {
        return None;
    }
    Some((code, patterns, national))
}

/// The digits of `+44 20 7946-0958`-style input (a `+`, then at most
/// E.164's 15 digits and plain separators), or `None` for anything the full
/// parser must read.
pub(super) fn plain_international_into<'b>(
    s: &str,
    buffer: &'b mut [u8; DIGITS_READ],
) -> Option<&'b str> {
    const E164_DIGITS: usize = 15;
    let rest = s.strip_prefix('+')?;
    let mut len = 0;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' if len < E164_DIGITS => {
                buffer[len] = b;
                len += 1;
            }
            _ if is_plain_separator(b) => {}
            _ => return None,
        }
    }
    if len < 8 {
        return None;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Splits E.164 digits into a known country calling code and the national number.
pub(super) fn split_country_code(digits: &str) -> Option<(u16, &'static CodePatterns, &str)> {
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
pub(super) struct RegionPatterns {
    pub(super) general: Matcher,
    pub(super) general_lengths: Vec<u16>,
    /// For each national-number length, one pattern joining every number type
    /// (fixed line, mobile, toll free, ...) possible at that length.
    pub(super) types_by_length: Vec<Option<LazyMatcher>>,
}

/// A pattern compiled on its first use: a region has one per possible
/// length and a number reads only its own, so start-up (a browser's first
/// number) compiles one instead of them all.
pub(super) struct LazyMatcher {
    source: String,
    compiled: std::sync::OnceLock<Option<Matcher>>,
}

impl LazyMatcher {
    fn new(source: String) -> Self {
        LazyMatcher {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The compiled pattern; `None` when it does not compile (the region then
    /// has no valid number of that length, as when it was compiled eagerly).
    pub(super) fn get(&self) -> Option<&Matcher> {
        self.compiled
            .get_or_init(|| compile(&self.source, true))
            .as_ref()
    }
}

/// The patterns of every region sharing a country calling code.
pub(super) struct CodePatterns {
    pub(super) regions: Vec<RegionPatterns>,
    /// What any region of the code reads as a national prefix written after
    /// the country code (`+44 020 ...`), which libphonenumber strips: one
    /// pattern joining the regions' prefixes. `None` when no region has one.
    /// Numbers it matches go through the full parser.
    pub(super) national_prefixes: Option<Matcher>,
    /// The digits a national prefix of the code can start with: most
    /// numbers are settled by their first digit without the pattern.
    pub(super) prefix_first_digits: [bool; 10],
}

pub(super) fn compile(source: &str, whole: bool) -> Option<Matcher> {
    // The metadata's patterns are laid out with insignificant whitespace.
    let anchored = if whole {
        format!("^(?:{source})$")
    } else {
        format!("^(?:{source})")
    };
    let regex = digits_regex(&anchored, true).ok()?;
    let options = MatcherOptions {
        ignore_whitespace: true,
        // Only national numbers (ASCII digits) are matched.
        ascii_input: true,
    };
    Some(Matcher::new(regex, options, PATTERN_DFA_BYTES))
}

/// Bounds one metadata pattern's DFA; the largest regions stay well within it.
pub(super) const PATTERN_DFA_BYTES: usize = 1 << 20;

/// The descriptors of the number types a valid number may be (fixed line,
/// mobile, toll free, ...), those libphonenumber's validity check reads.
pub(super) fn number_types(
    d: &phonenumber::metadata::Descriptors,
) -> impl Iterator<Item = &phonenumber::metadata::Descriptor> {
    [
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
}

pub(super) fn compile_code(code: u16) -> Option<CodePatterns> {
    let metadata = phonenumber::metadata::DATABASE.by_code(&code)?;
    let mut regions = Vec::new();
    let mut prefixes = Vec::new();
    for meta in metadata {
        let descriptors = meta.descriptors();
        let general = descriptors.general();
        let general_lengths = general.possible_length().to_vec();
        let types: Vec<(&str, Vec<u16>)> = number_types(descriptors)
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
                (!sources.is_empty()).then(|| LazyMatcher::new(sources.join("|")))
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
pub(super) struct NationalShortcut {
    pub(super) code: u16,
    pub(super) code_digits: String,
    pub(super) national_prefix: Option<String>,
    /// The region's pattern for national prefixes, anchored at the start.
    pub(super) prefix_for_parsing: Option<Regex>,
    /// The international dialling prefix, matched at the start.
    pub(super) idd: Option<Matcher>,
}

/// The shortcut of a region, built on first use; `None` where the parser's
/// reading takes rules the shortcut does not follow.
pub(super) fn national_shortcut(region: country::Id) -> Option<&'static NationalShortcut> {
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

pub(super) fn build_national_shortcut(region: country::Id) -> Option<NationalShortcut> {
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
        Some(pattern) => Some(digits_regex(&format!("^(?:{})", pattern.as_str()), true).ok()?),
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
pub(super) const MAX_NATIONAL_LENGTH: u16 = 17;

/// The compiled patterns of a country calling code, built on first use.
/// Indexed by code, so looking one up takes no lock and no hashing.
pub(super) fn code_patterns(code: u16) -> Option<&'static CodePatterns> {
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
pub(super) fn valid_national(code: u16, national: &str) -> bool {
    code_patterns(code).is_some_and(|patterns| valid_in(patterns, national))
}

/// [`valid_national`] with the code's patterns at hand.
pub(super) fn valid_in(patterns: &CodePatterns, national: &str) -> bool {
    let regions = &patterns.regions;
    let length = national.len() as u16;
    regions.iter().any(|r| {
        (r.general_lengths.is_empty() || r.general_lengths.contains(&length))
            && r.types_by_length
                .get(length as usize)
                .and_then(Option::as_ref)
                .and_then(LazyMatcher::get)
                .is_some_and(|types| both_match(types, &r.general, national))
    })
}

/// Whether the national number starts with something a region of the code
/// treats as a national prefix (then only the full parser knows the answer).
pub(super) fn may_carry_national_prefix(patterns: &CodePatterns, national: &str) -> bool {
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

pub(super) fn is_strict_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
}
