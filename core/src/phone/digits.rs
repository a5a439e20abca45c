//! Digits as callers and switches send them: any Unicode decimal digit
//! (full-width `０２０`, Arabic-Indic `٠٢٠`, ...) reads as its ASCII digit,
//! and any whitespace (tabs, no-break spaces) as a plain space.

use std::borrow::Cow;

/// The zero of every run of ten Unicode decimal digits (general category
/// `Nd`, Unicode 15): each run holds the digits 0 to 9 in order.
const DIGIT_ZEROS: [u32; 68] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60,
    0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0,
    0x1E950, 0x1FBF0,
];

/// The value of a Unicode decimal digit, or `None` for any other character.
pub fn decimal_digit(c: char) -> Option<u8> {
    let c = u32::from(c);
    if c < 0x80 {
        return (0x30..=0x39).contains(&c).then(|| (c - 0x30) as u8);
    }
    // The zeros are sorted: the run holding `c`, if any, starts at the last zero not above it.
    let run = DIGIT_ZEROS
        .partition_point(|&zero| zero <= c)
        .checked_sub(1)?;
    let offset = c - DIGIT_ZEROS[run];
    (offset < 10).then_some(offset as u8)
}

/// The input with every Unicode decimal digit as ASCII and every whitespace
/// character as a space; borrowed when there is nothing to fold (plain ASCII
/// without tabs or line breaks, the usual case).
pub fn fold(input: &str) -> Cow<'_, str> {
    let plain = input
        .bytes()
        .all(|b| b.is_ascii() && (b == b' ' || !b.is_ascii_whitespace()));
    if plain {
        return Cow::Borrowed(input);
    }
    Cow::Owned(
        input
            .chars()
            .map(|c| match decimal_digit(c) {
                Some(d) => char::from(b'0' + d),
                None if c.is_whitespace() => ' ',
                None => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_run_is_ten_numeric_characters() {
        for zero in DIGIT_ZEROS {
            for d in 0..10u32 {
                let c = char::from_u32(zero + d).unwrap();
                assert!(c.is_numeric(), "{c:?}");
                assert_eq!(decimal_digit(c), Some(d as u8), "{c:?}");
            }
        }
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
    }

    #[test]
    fn folds_digits_and_whitespace_only() {
        assert_eq!(fold("０２０ ７９４６ ０９５８"), "020 7946 0958");
        assert_eq!(fold("٠٢٠\t٧٩٤٦\u{a0}٠٩٥٨"), "020 7946 0958");
        assert_eq!(fold("+44 (0)20"), "+44 (0)20");
        assert!(matches!(fold("+44 20 7946"), Cow::Borrowed(_)));
        // Numeric but not decimal digits stay as they are.
        assert_eq!(fold("½ Ⅻ ²"), "½ Ⅻ ²");
        assert_eq!(decimal_digit('a'), None);
        assert_eq!(decimal_digit('\u{1D7D8}'), Some(0));
    }
}
