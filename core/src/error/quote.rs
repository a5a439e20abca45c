//! How error messages quote what a caller sent: at most a short prefix, so a
//! 10 MB argument never becomes a 10 MB message (kept, in the C binding,
//! per thread until the next call).

use std::borrow::Cow;

/// Characters of a value an error message quotes.
const QUOTE_CHARS: usize = 64;

/// Longest message (in characters) before [`bound`] shortens it.
const MESSAGE_CHARS: usize = 320;

/// `text` as an error message quotes it: unchanged up to 64
/// characters, otherwise that many followed by `... (N bytes)`.
///
/// ```
/// let long = "x".repeat(10_000);
/// let quoted = casebook::quote(&long);
/// assert!(quoted.starts_with("xxxx") && quoted.ends_with("... (10000 bytes)"));
/// assert_eq!(casebook::quote("C-000001"), "C-000001");
/// ```
pub fn quote(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}... ({} bytes)", &text[..cut], text.len())),
    }
}

/// A whole message kept short, for messages that embed input through other
/// libraries' errors (serde echoes an unknown variant or a bad string in
/// full): the start and the end are kept, the middle is cut and counted.
pub(crate) fn bound(message: &str) -> Cow<'_, str> {
    let count = message.chars().count();
    if count <= MESSAGE_CHARS {
        return Cow::Borrowed(message);
    }
    let head_end = message
        .char_indices()
        .nth(MESSAGE_CHARS / 2)
        .map_or(message.len(), |(i, _)| i);
    let tail_start = message
        .char_indices()
        .nth(count - MESSAGE_CHARS / 4)
        .map_or(message.len(), |(i, _)| i);
    Cow::Owned(format!(
        "{}... ({} bytes cut) ...{}",
        &message[..head_end],
        tail_start - head_end,
        &message[tail_start..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short_and_cut_on_characters() {
        let long = "é".repeat(100);
        let quoted = quote(&long);
        assert_eq!(quoted, format!("{}... (200 bytes)", "é".repeat(64)));
        assert_eq!(quote(&"a".repeat(64)), "a".repeat(64));
    }

    #[test]
    fn long_messages_keep_their_ends() {
        let message = format!(
            "unknown variant `{}`, expected `voice`",
            "z".repeat(1_000_000)
        );
        let bounded = bound(&message);
        assert!(bounded.len() < 400, "{}", bounded.len());
        assert!(bounded.starts_with("unknown variant `zzz"));
        assert!(bounded.ends_with("`, expected `voice`"));
        assert_eq!(bound("short"), "short");
    }
}
