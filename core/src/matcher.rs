//! Whole-input matching of short texts (phone numbers, fixed-format fields)
//! against an anchored regular expression.

use regex::Regex;

/// How the expression was built and what it will be given.
#[derive(Debug, Clone, Copy, Default)]
// Only the native DFA reads them.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) struct MatcherOptions {
    /// The regex was built with `ignore_whitespace`.
    pub ignore_whitespace: bool,
    /// Inputs are only ever ASCII (phone digits): the DFA may then read
    /// classes such as `\d` as ASCII, which keeps its table a few KiB,
    /// and still answers as the Unicode regex does on such input.
    pub ascii_input: bool,
}

/// A compiled expression, anchored at the start, for `is_match` on short input.
///
/// Native builds also compile it to a full DFA when the table stays small:
/// matching is then one table step per byte, several times cheaper than a
/// regex search on input of a dozen bytes. WebAssembly keeps only the regex
/// crate's lazy DFA, which adds no code to the module. Both read the
/// expression with the same parser and settings, so they accept exactly the
/// same texts; an expression the DFA cannot take (a Unicode word boundary, a
/// table over the limit) is matched by the regex.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    regex: Regex,
    #[cfg(not(target_arch = "wasm32"))]
    dfa: Option<Box<Dfa>>,
}

/// A DFA with its start state for the start of the text, looked up once.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
struct Dfa {
    table: regex_automata::dfa::dense::DFA<Vec<u32>>,
    start: regex_automata::util::primitives::StateID,
}

impl Matcher {
    /// `regex` must start with `^`. `dfa_bytes` bounds the DFA's table.
    #[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
    pub(crate) fn new(regex: Regex, options: MatcherOptions, dfa_bytes: usize) -> Matcher {
        #[cfg(not(target_arch = "wasm32"))]
        let dfa = {
            use regex_automata::dfa::{dense, StartKind};
            dense::Builder::new()
                .syntax(
                    regex_automata::util::syntax::Config::new()
                        .ignore_whitespace(options.ignore_whitespace)
                        .unicode(!options.ascii_input)
                        .utf8(!options.ascii_input),
                )
                .configure(
                    dense::Config::new()
                        .start_kind(StartKind::Anchored)
                        .minimize(true)
                        // Inputs are a few dozen bytes: accelerated states would only
                        // send the loop to its slow branch.
                        .accelerate(false)
                        .determinize_size_limit(Some(dfa_bytes.saturating_mul(4)))
                        .dfa_size_limit(Some(dfa_bytes)),
                )
                .build(regex.as_str())
                .ok()
                .and_then(|table| {
                    use regex_automata::dfa::Automaton;
                    let at_text_start = regex_automata::util::start::Config::new()
                        .anchored(regex_automata::Anchored::Yes);
                    let start = table.start_state(&at_text_start).ok()?;
                    Some(Box::new(Dfa { table, start }))
                })
        };
        Matcher {
            regex,
            #[cfg(not(target_arch = "wasm32"))]
            dfa,
        }
    }

    /// Whether some text starting with `byte` might match: `false` only
    /// when the DFA is certain none can.
    pub(crate) fn may_start_with(&self, byte: u8) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(dfa) = &self.dfa {
            use regex_automata::dfa::Automaton;
            return !dfa
                .table
                .is_dead_state(dfa.table.next_state(dfa.start, byte));
        }
        let _ = byte;
        true
    }

    /// Whether the expression matches at the start of `input` (the whole of
    /// it when the expression ends with `$`).
    pub(crate) fn is_match(&self, input: &str) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(dfa) = &self.dfa {
            return dfa_matches(dfa, input.as_bytes());
        }
        self.regex.is_match(input)
    }
}

/// Whether both expressions match `input`: for two DFAs, one pass that
/// steps both, so the two chains of table loads overlap.
pub(crate) fn both_match(first: &Matcher, second: &Matcher, input: &str) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    if let (Some(a), Some(b)) = (&first.dfa, &second.dfa) {
        use regex_automata::dfa::Automaton;
        let input = input.as_bytes();
        let (mut state_a, mut state_b) = (a.start, b.start);
        for (at, &byte) in input.iter().enumerate() {
            state_a = a.table.next_state(state_a, byte);
            state_b = b.table.next_state(state_b, byte);
            if a.table.is_special_state(state_a) || b.table.is_special_state(state_b) {
                let rest = &input[at + 1..];
                return dfa_matches_from(a, state_a, rest) && dfa_matches_from(b, state_b, rest);
            }
        }
        return a.table.is_match_state(a.table.next_eoi_state(state_a))
            && b.table.is_match_state(b.table.next_eoi_state(state_b));
    }
    first.is_match(input) && second.is_match(input)
}

#[cfg(not(target_arch = "wasm32"))]
fn dfa_matches(dfa: &Dfa, input: &[u8]) -> bool {
    dfa_matches_from(dfa, dfa.start, input)
}

/// Runs the DFA on from `state`, which has read the bytes before `rest`.
#[cfg(not(target_arch = "wasm32"))]
fn dfa_matches_from(
    dfa: &Dfa,
    mut state: regex_automata::util::primitives::StateID,
    rest: &[u8],
) -> bool {
    use regex_automata::dfa::Automaton;
    let table = &dfa.table;
    let mut bytes = rest.iter();
    loop {
        if table.is_special_state(state) {
            // Matches show one byte late in these DFAs: a match state here
            // means the expression matched a prefix of the input, all an
            // expression without `$` asks for (one with `$` cannot match
            // before the end).
            if table.is_match_state(state) {
                return true;
            }
            if table.is_dead_state(state) || table.is_quit_state(state) {
                return false;
            }
        }
        match bytes.next() {
            Some(&byte) => state = table.next_state(state, byte),
            None => return table.is_match_state(table.next_eoi_state(state)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(pattern: &str) -> (Matcher, Regex) {
        let regex = Regex::new(pattern).unwrap();
        (
            Matcher::new(regex.clone(), MatcherOptions::default(), 1 << 16),
            regex,
        )
    }

    proptest! {
        // The DFA answers exactly as the regex does.
        #[test]
        fn agrees_with_the_regex(input in r"[A-Z0-9 a-zé\-]{0,12}") {
            for pattern in [
                r"^(?:[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D])$",
                r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$",
                r"^(?:\w+-\d{2,4})$",
                r"^(?:[a-z]+)",
                r"^(?:(?i)é[a-z]*)$",
            ] {
                let (matcher, regex) = both(pattern);
                prop_assert_eq!(matcher.is_match(&input), regex.is_match(&input), "{} on {}", pattern, input);
            }
        }
    }

    proptest! {
        // Two expressions in one pass answer as each does alone.
        #[test]
        fn both_match_agrees_with_each(input in r"[0-9A-Z ]{0,14}") {
            // Built once: minimised DFAs take a while in test builds.
            static MATCHERS: std::sync::LazyLock<Vec<Matcher>> = std::sync::LazyLock::new(|| {
                [
                    r"^(?:[1-9]\d{9})$",
                    r"^(?:7[1-57-9]\d{8})$",
                    r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$",
                    r"^(?:\d{3})",
                    r"^(?:\bab\b.*)$",
                ]
                .into_iter()
                .map(|pattern| both(pattern).0)
                .collect()
            });
            for a in MATCHERS.iter() {
                for b in MATCHERS.iter() {
                    prop_assert_eq!(both_match(a, b, &input), a.is_match(&input) && b.is_match(&input), "{:?} and {:?} on {}", a, b, input);
                }
            }
        }
    }

    proptest! {
        // A first byte the DFA rules out starts no match.
        #[test]
        fn may_start_with_never_rules_out_a_match(input in r"[0-9A-Z ]{1,12}") {
            for pattern in [r"^(?:0|180020)", r"^(?:1[2-4]\d{2})$", r"^(?:[A-Z]{1,2}[0-9])", r"^(?:)", r"^(?:\bab)"] {
                let (matcher, regex) = both(pattern);
                if !matcher.may_start_with(input.as_bytes()[0]) {
                    prop_assert!(!regex.is_match(&input), "{} on {}", pattern, input);
                }
            }
        }
    }

    #[test]
    fn may_start_with_rules_out_other_first_digits() {
        let (matcher, _) = both(r"^(?:0|180020)");
        let starts: Vec<u8> = (b'0'..=b'9')
            .filter(|&d| matcher.may_start_with(d))
            .collect();
        assert_eq!(starts, b"01");
    }

    #[test]
    fn word_boundaries_fall_back_to_the_regex() {
        let (matcher, regex) = both(r"^(?:\bab\b.*)$");
        for input in ["ab", "ab cd", "abc"] {
            assert_eq!(matcher.is_match(input), regex.is_match(input), "{input}");
        }
    }
}
