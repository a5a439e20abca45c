//! Near-equal values, the weak evidence real duplicates carry: an identity
//! number or a date of birth one keystroke apart, an address with a typo in
//! one word, and the postcode a free-text address is blocked on.

use jiff::civil::Date;

/// Whether two values differ by exactly one keystroke: one character
/// substituted, inserted or deleted, or two adjacent characters swapped.
/// Equal values are not "one apart".
pub(crate) fn one_edit_apart(a: &str, b: &str) -> bool {
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    // One edit leaves the first or the last character in place.
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len() >= 3 && y.len() >= 3 && x[0] != y[0] && x[x.len() - 1] != y[y.len() - 1] {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_apart_in(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit_apart_in(&a, &b)
}

fn one_edit_apart_in<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (rest_a, rest_b) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    match (rest_a, rest_b) {
        // One substitution, one insertion or one deletion.
        (1, 1) | (0, 1) | (1, 0) => true,
        // Adjacent transposition.
        (2, 2) => a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix],
        _ => false,
    }
}

/// Whether two different dates of birth look like one date mistyped: day
/// and month swapped, or one digit of `YYYYMMDD` wrong or two swapped.
pub(crate) fn dates_close(a: Date, b: Date) -> bool {
    if a == b {
        return false;
    }
    let swapped = a.year() == b.year() && a.month() == b.day() && a.day() == b.month();
    swapped || one_edit_apart_in(&digits(a), &digits(b))
}

/// A date's `YYYYMMDD` digits (a year before 0, which no birth date has,
/// counts as 0).
fn digits(d: Date) -> [u8; 8] {
    let year = d.year().clamp(0, 9999) as u32;
    let (month, day) = (d.month() as u32, d.day() as u32);
    let mut out = [0u8; 8];
    for (slot, value) in out.iter_mut().zip([
        year / 1000,
        year / 100,
        year / 10,
        year,
        month / 10,
        month,
        day / 10,
        day,
    ]) {
        *slot = b'0' + (value % 10) as u8;
    }
    out
}

/// An address as matching compares it: its folded words, and the
/// character trigrams of those words written without spaces.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AddressView {
    /// Sorted, unique.
    words: Vec<String>,
    trigrams: Vec<[u8; 3]>,
}

impl AddressView {
    /// The view of an address's folded tokens, in order.
    pub(crate) fn of(tokens: &[String]) -> AddressView {
        let joined: Vec<u8> = tokens.iter().flat_map(|t| t.bytes()).collect();
        let mut trigrams: Vec<[u8; 3]> = joined.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
        trigrams.sort_unstable();
        let mut words = tokens.to_vec();
        words.sort_unstable();
        words.dedup();
        AddressView { words, trigrams }
    }
}

/// Similarity of two addresses: the better of their word overlap and their
/// character-trigram overlap, so that a word split or joined
/// (`sumnerplace` / `sumner place`) or two typos in one word still count.
pub(crate) fn address_similarity(a: &AddressView, b: &AddressView) -> f64 {
    word_overlap(&a.words, &b.words).max(trigram_overlap(&a.trigrams, &b.trigrams))
}

/// Dice coefficient of two sorted trigram lists (as multisets), 0 when
/// either is empty.
fn trigram_overlap(a: &[[u8; 3]], b: &[[u8; 3]]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// Word overlap of two addresses, forgiving a typo in a word: a token
/// counts as shared when the other address holds it or, for words of four
/// letters or more, a token one keystroke from it. Dice coefficient over
/// those shared tokens, 0 when either address is empty.
fn word_overlap(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let holds = |set: &[String], token: &String| {
        set.binary_search(token).is_ok()
            || (token.len() >= 4
                && !token.bytes().all(|c| c.is_ascii_digit())
                && set.iter().any(|t| one_edit_apart(t, token)))
    };
    let shared_a = a.iter().filter(|t| holds(b, t)).count();
    let shared_b = b.iter().filter(|t| holds(a, t)).count();
    (shared_a + shared_b) as f64 / (a.len() + b.len()) as f64
}

/// The postcode of a free-text address, folded: a British postcode
/// (`SW1A 1AA`, either spacing) or the last all-digit token of four to six
/// digits after the first token (`2026` in `42 smith street bondi 2026 nsw`,
/// `10115` in `Hauptstr. 5, 10115 Berlin`). `tokens` are the address's
/// folded tokens in order.
pub(crate) fn postcode(tokens: &[String]) -> Option<String> {
    for pair in tokens.windows(2) {
        if is_uk_outward(&pair[0]) && is_uk_inward(&pair[1]) {
            return Some(format!("{}{}", pair[0], pair[1]));
        }
    }
    if let Some(joined) = tokens.iter().find(|t| {
        t.len() > 3 && is_uk_outward(&t[..t.len() - 3]) && is_uk_inward(&t[t.len() - 3..])
    }) {
        return Some(joined.clone());
    }
    tokens
        .iter()
        .skip(1)
        .rev()
        .find(|t| (4..=6).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit()))
        .cloned()
}

/// `sw1a`, `m1`, `b33`, `ec1v`: one or two letters, a digit, then an optional letter or digit.
fn is_uk_outward(t: &str) -> bool {
    let b = t.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_lowercase()).count();
    if !(1..=2).contains(&letters) || b.len() < letters + 1 || b.len() > letters + 2 {
        return false;
    }
    b[letters].is_ascii_digit() && b[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric())
}

/// `1aa`: a digit and two letters.
fn is_uk_inward(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1..].iter().all(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text;

    #[test]
    fn one_keystroke_is_one_edit() {
        assert!(one_edit_apart("1234567", "1234667"));
        assert!(one_edit_apart("1234567", "1243567"));
        assert!(one_edit_apart("1234567", "123567"));
        assert!(one_edit_apart("123567", "1234567"));
        assert!(!one_edit_apart("1234567", "1234567"));
        assert!(!one_edit_apart("1234567", "1235467x"));
        assert!(!one_edit_apart("1234567", "7654321"));
        assert!(!one_edit_apart("12", "21x"));
    }

    #[test]
    fn mistyped_dates_are_close() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(dates_close(d("1954-09-07"), d("1954-07-09")));
        assert!(dates_close(d("1954-09-27"), d("1954-09-28")));
        assert!(dates_close(d("1954-09-27"), d("1945-09-27")));
        assert!(!dates_close(d("1954-09-27"), d("1954-09-27")));
        assert!(!dates_close(d("1954-09-27"), d("1972-03-11")));
    }

    #[test]
    fn an_address_typo_still_overlaps() {
        let view = |s: &str| AddressView::of(&text::tokens(s));
        let a = view("42 Smith Street Bondi 2026 NSW");
        let typo = view("42 Smiht Street Bondi 2026 NSW");
        let other = view("7 Jones Road Manly 2095 NSW");
        assert!(address_similarity(&a, &typo) >= 0.99);
        assert!(address_similarity(&a, &other) < 0.3);
        assert_eq!(address_similarity(&a, &view("")), 0.0);
    }

    #[test]
    fn split_and_joined_words_still_overlap() {
        let view = |s: &str| AddressView::of(&text::tokens(s));
        let a = view("10 sumner place arlington kingsford 6152 nsw");
        let b = view("10 sumnerplace arlin tgon kingsford 6155 nsw");
        let other = view("21 brewster place summerdale frankston 4570 vic");
        assert!(word_overlap(&a.words, &b.words) < 0.6);
        assert!(
            address_similarity(&a, &b) >= 0.75,
            "{}",
            address_similarity(&a, &b)
        );
        assert!(
            address_similarity(&a, &other) < 0.35,
            "{}",
            address_similarity(&a, &other)
        );
    }

    #[test]
    fn postcodes_are_found_in_free_text() {
        let pc = |s: &str| postcode(&text::tokens(s));
        assert_eq!(
            pc("42 smith street bondi 2026 nsw").as_deref(),
            Some("2026")
        );
        assert_eq!(pc("Hauptstr. 5, 10115 Berlin").as_deref(), Some("10115"));
        assert_eq!(
            pc("10 Downing Street, London SW1A 2AA").as_deref(),
            Some("sw1a2aa")
        );
        assert_eq!(
            pc("1 Deansgate, Manchester M34BA").as_deref(),
            Some("m34ba")
        );
        assert_eq!(pc("1234 main street"), None);
    }
}
