//! What both SQL stores share: how instants, limits and search tokens
//! become column values and ranges.

use crate::model::TaskOwner;
use crate::store::TaskRow;
use jiff::Timestamp;

/// A limit as a SQL `LIMIT` takes it (a signed 64-bit integer).
pub(crate) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A timestamp as sortable (seconds, nanoseconds): both carry its sign.
pub(crate) fn instant(t: Timestamp) -> (i64, i32) {
    (t.as_second(), t.subsec_nanosecond())
}

/// The smallest string greater than every string starting with `prefix`
/// (`None`: no such bound), in code point order: SQLite's BINARY
/// collation and PostgreSQL's `C` collation over UTF-8.
pub(crate) fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => 0xE000,
            n => n,
        };
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Search tokens as the engine hands them: folded ASCII alphanumerics.
pub(crate) fn plain_token(token: &str) -> bool {
    token
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Who lists a row: 1 and the assignee, 2 and the group while unassigned,
/// 0 for nobody.
pub(crate) fn owner_of(row: &TaskRow) -> (i64, &str) {
    match (&row.assignee, &row.support_group) {
        (Some(agent), _) => (1, agent),
        (None, Some(group)) => (2, group),
        (None, None) => (0, ""),
    }
}

/// The `owner_kind` and `owner` columns a list reads.
pub(crate) fn owner_key(owner: &TaskOwner) -> (i64, &str) {
    match owner {
        TaskOwner::Assignee(agent) => (1, agent),
        TaskOwner::SupportGroup(group) => (2, group),
    }
}
