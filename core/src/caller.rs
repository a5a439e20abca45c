//! Caller identities as switches deliver them: SIP and SIPS URIs, `tel:`
//! URIs, whole `From` / `P-Asserted-Identity` header values, numbers typed
//! with extensions, e-mail addresses with a display name. Reading one gives
//! the address to match, its kind, the extension and the display name; no
//! phone metadata is needed (the matching key is derived afterwards).

use crate::phone::fold;

/// Longest caller identity read, in bytes (longer input reads as withheld-free `Other`).
pub const MAX_CALLER_INPUT: usize = 1_000;

/// What a caller identity names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerKind {
    /// A telephone number (as written: national, international or local).
    Phone,
    /// An e-mail address, or a SIP address of record written like one
    /// (`sip:ada@example.org` reads as `ada@example.org`).
    Email,
    /// The caller withheld their identity (`anonymous@anonymous.invalid`,
    /// `restricted`, an empty user part): it never matches a profile.
    Withheld,
    /// Something else (a SIP URI whose user is neither a number nor an
    /// address, such as `sip:alice@pbx`): matched as an `other:` contact point.
    Other,
}

/// A caller identity read from what a switch passed.
///
/// ```
/// use casebook::{parse_caller, CallerKind};
/// let caller = parse_caller(r#""Ada L" <sip:+442079460958;ext=12@pbx.example.com>;tag=abc"#);
/// assert_eq!(caller.kind, CallerKind::Phone);
/// assert_eq!(caller.address, "+442079460958");
/// assert_eq!(caller.extension.as_deref(), Some("12"));
/// assert_eq!(caller.display_name.as_deref(), Some("Ada L"));
/// assert_eq!(parse_caller("sip:anonymous@anonymous.invalid").kind, CallerKind::Withheld);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerId {
    /// What it names.
    pub kind: CallerKind,
    /// The address to match: a number with ASCII digits (extension removed),
    /// an e-mail address, or other text; empty when withheld.
    pub address: String,
    /// The extension, ASCII digits, kept apart from the number.
    pub extension: Option<String>,
    /// The display name of a header value, unquoted.
    pub display_name: Option<String>,
}

/// User parts and whole values that stand for a withheld identity
/// (RFC 3323 `anonymous`, and what switches write for a hidden number).
const WITHHELD_WORDS: [&str; 9] = [
    "anonymous",
    "restricted",
    "withheld",
    "unavailable",
    "private",
    "unknown",
    "number withheld",
    "withheld number",
    "anonymous caller",
];

/// The RFC 3323 host of anonymous URIs.
const ANONYMOUS_HOST: &str = "anonymous.invalid";

/// Reads a caller identity. Never fails: what is not recognisable reads as
/// [`CallerKind::Other`], empty or anonymous input as [`CallerKind::Withheld`].
pub fn parse_caller(input: &str) -> CallerId {
    if input.len() > MAX_CALLER_INPUT {
        return caller(CallerKind::Other, String::new(), None, None);
    }
    let folded = fold(input);
    let (display_name, address) = split_name_addr(folded.trim());
    let mut caller = read_address(address.trim());
    caller.display_name = display_name;
    if caller.kind != CallerKind::Withheld
        && caller.address.is_empty()
        && caller.extension.is_none()
    {
        caller.kind = CallerKind::Withheld;
    }
    caller
}

fn caller(
    kind: CallerKind,
    address: String,
    extension: Option<String>,
    display_name: Option<String>,
) -> CallerId {
    CallerId {
        kind,
        address,
        extension,
        display_name,
    }
}

fn withheld() -> CallerId {
    caller(CallerKind::Withheld, String::new(), None, None)
}

/// Splits `"Name" <uri>;params` into the display name and the URI; input
/// without angle brackets is all address.
fn split_name_addr(s: &str) -> (Option<String>, &str) {
    let (name, rest) = match s.strip_prefix('"') {
        Some(quoted) => {
            let (name, rest) = read_quoted(quoted);
            (Some(name), rest)
        }
        None => match s.find('<') {
            Some(open) => (Some(s[..open].to_string()), &s[open..]),
            None => return (None, s),
        },
    };
    let name = name
        .map(|n| crate::text::squash_whitespace(&n))
        .filter(|n| !n.is_empty());
    let rest = rest.trim_start();
    match rest.strip_prefix('<') {
        // Header parameters after `>` (`;tag=...`) belong to the header, not the URI.
        Some(inner) => (name, inner.split('>').next().unwrap_or(inner)),
        None => (name, rest),
    }
}

/// A quoted string's content (with `\` escapes) and what follows its closing quote.
fn read_quoted(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            }
            _ => out.push(c),
        }
    }
    (out, "")
}

fn read_address(s: &str) -> CallerId {
    let lower_scheme = s
        .split_once(':')
        .map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest));
    match lower_scheme {
        Some((scheme, rest)) if scheme == "sip" || scheme == "sips" => read_sip(rest),
        Some((scheme, rest)) if scheme == "tel" => read_tel(rest),
        Some((scheme, rest)) if scheme == "mailto" => {
            read_plain(rest.split('?').next().unwrap_or(""))
        }
        _ => read_plain(s),
    }
}

/// `user[:password]@host[:port][;uri-params][?headers]`, the user part
/// possibly a telephone subscriber with its own parameters (`;ext=12`).
fn read_sip(rest: &str) -> CallerId {
    let Some((user, host_part)) = rest.split_once('@') else {
        // No user part: nobody identified.
        return withheld();
    };
    let host_end = host_part.find([';', '?', ':']).unwrap_or(host_part.len());
    let host = host_part[..host_end].to_ascii_lowercase();
    let uri_params = &host_part[host_end..];
    let user_is_phone = uri_params
        .split(';')
        .any(|p| p.trim().eq_ignore_ascii_case("user=phone"));
    let user = user.split(':').next().unwrap_or("");
    let user = percent_decode(user);
    let (number, params) = split_params(&user);
    let number = number.trim();
    if host == ANONYMOUS_HOST || number.is_empty() || is_withheld_word(number) {
        return withheld();
    }
    if user_is_phone || looks_like_number(number) {
        return phone_with_params(number, &params);
    }
    let address = format!("{number}@{host}");
    if crate::email::is_valid(&address) {
        caller(CallerKind::Email, address, None, None)
    } else {
        caller(CallerKind::Other, format!("sip:{address}"), None, None)
    }
}

/// `number[;ext=..][;isub=..][;phone-context=..]` (RFC 3966).
fn read_tel(rest: &str) -> CallerId {
    let decoded = percent_decode(rest);
    let (number, params) = split_params(&decoded);
    let number = number.trim();
    if number.is_empty() || is_withheld_word(number) {
        return withheld();
    }
    phone_with_params(number, &params)
}

/// A telephone subscriber with its parameters: the extension kept apart, a
/// local number placed in a global `phone-context`.
fn phone_with_params(number: &str, params: &[(String, String)]) -> CallerId {
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let extension = param("ext").map(only_digits).filter(|e| !e.is_empty());
    let mut address = number.to_string();
    if !number.starts_with('+') {
        if let Some(context) = param("phone-context").filter(|c| c.starts_with('+')) {
            address = format!("{}{}", context, only_digits(number));
        }
    }
    // A typed extension inside the user part (`0201234;x12` is rare, `0201234x12` less so).
    if extension.is_none() {
        if let Some((head, ext)) = split_typed_extension(&address) {
            return caller(CallerKind::Phone, head, Some(ext), None);
        }
    }
    caller(CallerKind::Phone, address, extension, None)
}

/// Plain input: an e-mail address, a number (perhaps with a typed
/// extension), a withheld marker, or other text.
fn read_plain(s: &str) -> CallerId {
    let s = s.trim();
    if s.is_empty() || is_withheld_word(s) {
        return withheld();
    }
    if let Some((local, domain)) = s.rsplit_once('@') {
        if domain.trim().eq_ignore_ascii_case(ANONYMOUS_HOST) || is_withheld_word(local.trim()) {
            return withheld();
        }
        return caller(CallerKind::Email, s.to_string(), None, None);
    }
    if let Some((head, ext)) = split_typed_extension(s) {
        return caller(CallerKind::Phone, head, Some(ext), None);
    }
    let kind = if looks_like_number(s) {
        CallerKind::Phone
    } else {
        CallerKind::Other
    };
    caller(kind, s.to_string(), None, None)
}

/// Splits `;name=value` parameters off a URI part (names lower-cased).
fn split_params(s: &str) -> (&str, Vec<(String, String)>) {
    let mut parts = s.split(';');
    let head = parts.next().unwrap_or("");
    let params = parts
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    (head, params)
}

/// Whether text is a number as written: an optional `+`, digits and visual
/// separators only, with at least one digit.
fn looks_like_number(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'/'))
}

/// `020 7946 0958 ext. 12`, `+44 20 7946 0958 x12`, `02079460958#12`,
/// `...;ext=12`: the number and the extension digits, when the text before
/// the marker is a number and after it only digits.
fn split_typed_extension(s: &str) -> Option<(String, String)> {
    let lower = s.to_ascii_lowercase();
    const MARKERS: [&str; 7] = [";ext=", "extension", "ext.", "ext", "x", "#", ","];
    let (at, marker) = MARKERS
        .iter()
        .filter_map(|m| lower.find(m).map(|at| (at, *m)))
        .min_by_key(|(at, m)| (*at, std::cmp::Reverse(m.len())))?;
    let head = s[..at].trim_end_matches([' ', ',', '-']).trim();
    let tail = s[at + marker.len()..].trim_start_matches([' ', '.', ':', '=']);
    let tail = tail.trim();
    if !looks_like_number(head)
        || tail.is_empty()
        || tail.len() > 10
        || !tail.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((head.to_string(), tail.to_string()))
}

fn only_digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn is_withheld_word(s: &str) -> bool {
    let squashed = crate::text::squash_whitespace(s).to_lowercase();
    WITHHELD_WORDS.contains(&squashed.as_str())
}

/// `%2B` and friends decoded; a malformed escape stays as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
