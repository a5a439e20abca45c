//! The rules of one field over one value: what is wrong with it, or its
//! normalised form.

use super::reader::Raw;
use super::{FieldDef, FieldKind, ValidationContext};
use crate::error::{FieldError, FieldErrorCode};
use crate::phone::PhoneProblem;
use jiff::civil::Date;
use serde_json::Value;
use std::fmt::Write as _;

/// Longest text accepted by a single-line text field without `max_length`.
const DEFAULT_MAX_SINGLE_LINE: u32 = 1_000;
/// Longest text accepted by a multi-line text field without `max_length`.
const DEFAULT_MAX_MULTI_LINE: u32 = 100_000;

/// Normalises one present, non-empty value of a field, or says what is wrong with it.
pub(super) fn normalize_value(
    field: &FieldDef,
    raw: &Value,
    ctx: &ValidationContext,
) -> std::result::Result<Value, FieldError> {
    examine(field, Raw::of(raw), ctx, true).map(|v| v.unwrap_or(Value::Null))
}

/// The rules of one field: the normalised value (when `build`) or what is wrong.
pub(super) fn examine(
    field: &FieldDef,
    raw: Raw<'_>,
    ctx: &ValidationContext,
    build: bool,
) -> std::result::Result<Option<Value>, FieldError> {
    let label = field.label.as_str();
    let err = |code: FieldErrorCode, message: String| FieldError::new(&field.key, code, message);
    let wrong_type = |expected: &str| {
        err(
            FieldErrorCode::WrongType,
            [label, " must be ", expected, ", not ", raw.type_name()].concat(),
        )
    };
    match &field.kind {
        FieldKind::Text {
            min_length,
            max_length,
            multiline,
        } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("text"));
            };
            let text = trim(s);
            if !multiline && text.bytes().any(|b| b == b'\n' || b == b'\r') {
                return Err(err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be a single line of text"].concat(),
                ));
            }
            let max = max_length.unwrap_or(if *multiline {
                DEFAULT_MAX_MULTI_LINE
            } else {
                DEFAULT_MAX_SINGLE_LINE
            });
            // A character takes one to four bytes: count characters only
            // when the byte length leaves the answer open, and only as far
            // as needed, so huge inputs stay cheap.
            let max = max as usize;
            if text.len() > max && text.chars().take(max + 1).count() > max {
                return Err(err(
                    FieldErrorCode::TooLong,
                    format!("{label} must be at most {max} characters"),
                ));
            }
            if let Some(min) = min_length {
                let min = *min as usize;
                if text.len() < min.saturating_mul(4) && text.chars().count() < min {
                    return Err(err(
                        FieldErrorCode::TooShort,
                        format!("{label} must be at least {min} characters"),
                    ));
                }
            }
            Ok(build.then(|| Value::String(text.to_string())))
        }
        FieldKind::Choice { options, multiple } => {
            let check = |v: Raw<'_>| -> std::result::Result<usize, FieldError> {
                let Raw::Str(key) = v else {
                    return Err(wrong_type(if *multiple {
                        "a list of option keys"
                    } else {
                        "an option key"
                    }));
                };
                let key = trim(key);
                options
                    .iter()
                    .position(|o| same_key(&o.key, key))
                    .ok_or_else(|| {
                        // Written straight into one string: forms show this often.
                        let mut message = String::with_capacity(
                            64 + label.len()
                                + options
                                    .iter()
                                    .map(|o| o.key.len() + o.label.len() + 5)
                                    .sum::<usize>(),
                        );
                        let _ = write!(
                            message,
                            "{label}: `{}` is not an option; choose one of: ",
                            truncate(key, 40)
                        );
                        for (n, o) in options.iter().enumerate() {
                            let separator = if n == 0 { "" } else { ", " };
                            let _ = write!(message, "{separator}{} ({})", o.key, o.label);
                        }
                        err(FieldErrorCode::NotAnOption, message)
                    })
            };
            if *multiple {
                let Raw::Array(items) = raw else {
                    return Err(wrong_type("a list of option keys"));
                };
                if !build {
                    for item in items.iter() {
                        check(item)?;
                    }
                    return Ok(None);
                }
                let mut chosen = Vec::with_capacity(items.len());
                for item in items.iter() {
                    chosen.push(check(item)?);
                }
                chosen.sort_unstable();
                chosen.dedup();
                Ok(Some(Value::Array(
                    chosen
                        .into_iter()
                        .map(|i| Value::String(options[i].key.clone()))
                        .collect(),
                )))
            } else {
                let i = check(raw)?;
                Ok(build.then(|| Value::String(options[i].key.clone())))
            }
        }
        FieldKind::Pattern { regex, hint } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("text"));
            };
            let text = trim(s);
            if text.len() > DEFAULT_MAX_SINGLE_LINE as usize || !regex.is_match(text) {
                return Err(err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must have the format ", hint.as_str()].concat(),
                ));
            }
            Ok(build.then(|| Value::String(text.to_string())))
        }
        FieldKind::Email => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("an e-mail address"));
            };
            let invalid = || {
                err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be an e-mail address such as name@example.com"].concat(),
                )
            };
            if build {
                crate::email::normalize(s)
                    .map(|v| Some(Value::String(v)))
                    .ok_or_else(invalid)
            } else if crate::email::is_valid(s) {
                Ok(None)
            } else {
                Err(invalid())
            }
        }
        FieldKind::Phone { rules, .. } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("a phone number written as text"));
            };
            let rules = rules.as_ref().unwrap_or(&ctx.phone);
            let outcome = if build {
                rules.normalize(s).map(|v| Some(Value::String(v)))
            } else {
                rules.check(s).map(|()| None)
            };
            outcome.map_err(|problem| {
                let what = match problem {
                    PhoneProblem::Unparseable => " is not a phone number; expected ",
                    PhoneProblem::NotValid => " is not a valid number for its country; expected ",
                };
                let message = match rules.default_region() {
                    Some(region) => [label, what, "an international number such as +44 20 7946 0958, or a national number of ", region].concat(),
                    None => [label, what, "an international number starting with +, such as +44 20 7946 0958"].concat(),
                };
                err(FieldErrorCode::InvalidFormat, message)
            })
        }
        FieldKind::Integer { min, max } => {
            let n = match raw {
                Raw::Number(n) => match n.as_i64() {
                    Some(i) => i,
                    None => return Err(wrong_type("a whole number")),
                },
                Raw::Str(s) => s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| wrong_type("a whole number"))?,
                _ => return Err(wrong_type("a whole number")),
            };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            Ok(build.then(|| Value::from(n)))
        }
        FieldKind::Decimal {
            min,
            max,
            decimal_places,
        } => {
            // The numeral as written, when the value came as text.
            let (n, numeral) = match raw {
                Raw::Number(n) => (n.as_f64().ok_or_else(|| wrong_type("a number"))?, None),
                Raw::Str(s) => {
                    let s = trim(s);
                    if !is_plain_decimal(s) {
                        return Err(wrong_type("a number such as 12.50"));
                    }
                    let f = s
                        .parse::<f64>()
                        .map_err(|_| wrong_type("a number such as 12.50"))?;
                    (f, Some(s))
                }
                _ => return Err(wrong_type("a number")),
            };
            if !n.is_finite() {
                return Err(wrong_type("a finite number"));
            }
            if let Some(allowed) = decimal_places {
                let places_ok = match numeral {
                    Some(s) => decimal_places_of(s) <= *allowed as usize,
                    None => has_at_most_places(n, *allowed),
                };
                if !places_ok {
                    return Err(err(
                        FieldErrorCode::TooManyDecimals,
                        format!("{label} must have at most {allowed} decimal places"),
                    ));
                }
            }
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            if !build {
                return Ok(None);
            }
            serde_json::Number::from_f64(n)
                .map(|n| Some(Value::Number(n)))
                .ok_or_else(|| wrong_type("a finite number"))
        }
        FieldKind::Date {
            min,
            max,
            not_in_future,
        } => {
            let Raw::Str(s) = raw else {
                return Err(wrong_type("a date in the form YYYY-MM-DD"));
            };
            let date = parse_date(trim(s)).ok_or_else(|| {
                err(
                    FieldErrorCode::InvalidFormat,
                    [label, " must be a date in the form YYYY-MM-DD"].concat(),
                )
            })?;
            if min.is_some_and(|m| date < m) || max.is_some_and(|m| date > m) {
                return Err(err(
                    FieldErrorCode::OutOfRange,
                    range_message(label, min, max),
                ));
            }
            if *not_in_future && date > ctx.today {
                return Err(err(
                    FieldErrorCode::InFuture,
                    format!("{label} cannot be in the future (today is {})", ctx.today),
                ));
            }
            Ok(build.then(|| Value::String(date.to_string())))
        }
        FieldKind::Boolean => match raw {
            Raw::Bool(b) => Ok(Some(Value::Bool(b))),
            Raw::Str(s) if trim(s).eq_ignore_ascii_case("true") => Ok(Some(Value::Bool(true))),
            Raw::Str(s) if trim(s).eq_ignore_ascii_case("false") => Ok(Some(Value::Bool(false))),
            _ => Err(wrong_type("true or false")),
        },
    }
}

/// `str::trim`, with a shortcut for the usual value that starts and ends with
/// a visible ASCII character (then there is nothing to trim).
pub(super) fn trim(s: &str) -> &str {
    let visible = |b: &u8| (b'!'..0x80).contains(b);
    match s.as_bytes() {
        [first, .., last] if visible(first) && visible(last) => s,
        [only] if visible(only) => s,
        _ => s.trim(),
    }
}

/// Parses a strict `YYYY-MM-DD` date.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    match date_of_digits(b) {
        Some(date) => date,
        None => s.parse::<Date>().ok(),
    }
}

/// Eight digits in place (`YYYY-MM-DD`): the date is exactly the calendar
/// check of its parts, without the general parser (a third of a field's
/// cost). `None` when some place holds something else.
pub(super) fn date_of_digits(b: &[u8]) -> Option<Option<Date>> {
    let number = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0i16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    Some(Date::new(year, month as i8, day as i8).ok())
}

fn is_plain_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a float's shortest round-trip form has at most `allowed` decimal
/// places. Usually settled without formatting: if some numeral with
/// `allowed` places reads back as `f`, the shortest form has no more.
pub(super) fn has_at_most_places(f: f64, allowed: u32) -> bool {
    // Within these bounds the scale, the integer and the division are exact
    // or correctly rounded, just as reading the numeral would be.
    if allowed <= 15 {
        let scale = 10f64.powi(allowed as i32);
        let scaled = (f * scale).round();
        if scaled.abs() < 9e15 && scaled / scale == f {
            return true;
        }
    }
    decimal_places_of_f64(f) <= allowed as usize
}

/// Decimal places of a float in its shortest round-trip form (the digits
/// the JSON text carried).
pub(super) fn decimal_places_of_f64(f: f64) -> usize {
    if !f.is_finite() {
        return usize::MAX;
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return 0;
    }
    decimal_places_of(zmij::Buffer::new().format_finite(f))
}

/// Decimal places of a decimal numeral, exponent included (`1.5e-3` has 4).
fn decimal_places_of(s: &str) -> usize {
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let fraction = mantissa
        .split_once('.')
        .map_or(0, |(_, f)| f.trim_end_matches('0').len()) as i64;
    (fraction - exponent).max(0) as usize
}

/// `a == b` for short keys: the length and the first byte settle most
/// mismatches without a call to `memcmp`.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// "{label} must be between {min} and {max}", and the one-sided forms.
fn range_message<T: std::fmt::Display>(label: &str, min: &Option<T>, max: &Option<T>) -> String {
    let mut message = String::with_capacity(label.len() + 40);
    let _ = match (min, max) {
        (Some(a), Some(b)) => write!(message, "{label} must be between {a} and {b}"),
        (Some(a), None) => write!(message, "{label} must be at least {a}"),
        (None, Some(b)) => write!(message, "{label} must be at most {b}"),
        (None, None) => write!(message, "{label} must be in range"),
    };
    message
}

fn truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((end, _)) => format!("{}…", &s[..end]).into(),
    }
}
