//! Text folding for matching and search: Unicode-normalised, accent-folded,
//! case-folded tokens.

use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: NFKC normalisation, transliteration to ASCII
/// (so `Zoë`, `ZOE` and `Zoe` meet) and lower case.
///
/// ```
/// assert_eq!(casebook::text::fold("Ångström Müller"), "angstrom muller");
/// ```
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let composed: String = text.nfkc().collect();
    deunicode::deunicode(&composed).to_lowercase()
}

/// Splits folded text into distinct alphanumeric tokens, in order of first appearance.
///
/// ```
/// assert_eq!(casebook::text::tokens("Router: no signal, NO light!"), ["router", "no", "signal", "light"]);
/// ```
pub fn tokens(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out: Vec<String> = Vec::new();
    for token in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        if !out.iter().any(|t| t == token) {
            out.push(token.to_string());
        }
    }
    out
}

/// Collapses runs of whitespace and trims, keeping the original characters.
pub fn squash_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_compatibility_forms() {
        assert_eq!(fold("José ÁLVAREZ"), "jose alvarez");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁnn"), "finn");
        assert_eq!(fold("Łukasz Żółw"), "lukasz zolw");
    }

    #[test]
    fn tokens_are_distinct_and_folded() {
        assert_eq!(tokens("O'Brien-Smith  o'brien"), ["o", "brien", "smith"]);
        assert!(tokens("  ,;  ").is_empty());
    }
}
