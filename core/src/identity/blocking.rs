//! Which pairs the whole-store report compares. Profiles sharing a
//! candidate key form a block. A small block is compared pairwise; a larger
//! one by sorted neighbourhood: each profile against the `block_window`
//! profiles after it in name order (then date of birth), so the
//! work per profile stays flat however common a name is. A block larger
//! than `max_block_size` says nothing (a call-centre number) and is skipped.

use super::matching::{KeySink, MatchView};
use super::rules::MatchingConfig;
use crate::parallel;
use std::cmp::Ordering;

/// A candidate key folded to 64 bits (FNV-1a): blocks are formed by sorting
/// these instead of strings. Two keys sharing a hash only merge two blocks,
/// which costs comparisons, never a missed pair.
pub(crate) fn key_hash(key: &str) -> u64 {
    let mut hasher = KeyHasher::default();
    hasher.add(key);
    hasher.0
}

/// FNV-1a over the pieces of a key as they are formatted, so that a key is
/// hashed without being written out.
struct KeyHasher(u64);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl KeyHasher {
    fn add(&mut self, piece: &str) {
        for b in piece.bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl std::fmt::Write for KeyHasher {
    fn write_str(&mut self, piece: &str) -> std::fmt::Result {
        self.add(piece);
        Ok(())
    }
}

/// Hashed keys, as [`key_hash`] would hash them written out.
impl KeySink for Vec<u64> {
    fn key(&mut self, key: std::fmt::Arguments<'_>) {
        let mut hasher = KeyHasher::default();
        // Writing into the hasher cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut hasher, key);
        self.push(hasher.0);
    }
}

/// A block too large to compare.
pub(crate) struct OversizedBlock {
    /// Hash of its key.
    pub key: u64,
    /// One of its profiles (to name the key).
    pub member: u32,
    /// How many profiles share the key.
    pub size: usize,
}

/// The pairs to score, each once (`(i, j)` with `i < j`), and the skipped blocks.
pub(crate) struct Candidates {
    pub pairs: Vec<(u32, u32)>,
    pub oversized: Vec<OversizedBlock>,
}

/// The candidate pairs among profiles whose (hashed) keys are `keys_of`.
pub(crate) fn candidate_pairs(
    keys_of: &[Vec<u64>],
    views: &[MatchView],
    config: &MatchingConfig,
) -> Candidates {
    let mut entries: Vec<(u64, u32)> = keys_of
        .iter()
        .enumerate()
        .flat_map(|(i, keys)| keys.iter().map(move |k| (*k, i as u32)))
        .collect();
    parallel::sort_unstable(&mut entries);
    let mut compared: Vec<&[(u64, u32)]> = Vec::new();
    let mut oversized = Vec::new();
    for block in entries.chunk_by(|a, b| a.0 == b.0) {
        if block.len() > config.max_block_size {
            oversized.push(OversizedBlock {
                key: block[0].0,
                member: block[0].1,
                size: block.len(),
            });
        } else if block.len() > 1 {
            compared.push(block);
        }
    }
    let window = config.block_window;
    let mut pairs = parallel::flat_map(&compared, |block| block_pairs(block, views, window));
    parallel::sort_unstable(&mut pairs);
    pairs.dedup();
    Candidates {
        pairs: pairs
            .into_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect(),
        oversized,
    }
}

/// A pair packed into one sortable word, the smaller index first.
fn packed(i: u32, j: u32) -> u64 {
    (u64::from(i.min(j)) << 32) | u64::from(i.max(j))
}

fn block_pairs(block: &[(u64, u32)], views: &[MatchView], window: usize) -> Vec<u64> {
    let mut members: Vec<u32> = block.iter().map(|e| e.1).collect();
    let mut out = Vec::new();
    if members.len() <= 2 * window {
        for (x, &i) in members.iter().enumerate() {
            out.extend(members[x + 1..].iter().map(|&j| packed(i, j)));
        }
        return out;
    }
    let view = |i: &u32| &views[*i as usize];
    // Name order, then date of birth: one person's records sort together
    // (pairs differing in the name's spelling meet in the birth-date key).
    out.reserve(members.len() * window);
    members.sort_by(|a, b| by_name(view(a), view(b)).then(a.cmp(b)));
    for (x, &i) in members.iter().enumerate() {
        let end = (x + 1 + window).min(members.len());
        out.extend(members[x + 1..end].iter().map(|&j| packed(i, j)));
    }
    out
}

/// Surname, then given name, then date of birth.
fn by_name(a: &MatchView, b: &MatchView) -> Ordering {
    (&a.family, &a.given_canonical, &a.given, a.date_of_birth).cmp(&(
        &b.family,
        &b.given_canonical,
        &b.given,
        b.date_of_birth,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::test_support::profile;
    use crate::model::{ContactKind, ContactPoint, Identification};

    fn views(profiles: &[crate::model::Profile]) -> (Vec<MatchView>, Vec<Vec<u64>>) {
        let views: Vec<MatchView> = profiles.iter().map(MatchView::of).collect();
        let keys = views
            .iter()
            .map(|v| {
                let mut keys = Vec::new();
                v.lookup_keys_into(&mut keys);
                keys.sort_unstable();
                keys.dedup();
                keys
            })
            .collect();
        (views, keys)
    }

    #[test]
    fn hashed_keys_are_the_written_keys_hashed() {
        let mut p = profile("Ada", "Lovelace", Some("+447911123456"), Some("1815-12-10"));
        p.identifications.push(Identification {
            kind: "passport".into(),
            value: "AB 123 456 C".into(),
            issuer: None,
        });
        p.accounts.push("ACC-9".into());
        p.contact_points.push(ContactPoint {
            kind: ContactKind::Address,
            value: "12 St James's Square, London SW1Y 4JH".into(),
            label: None,
            primary: false,
            key: "address:12 st jamess square london sw1y 4jh".into(),
        });
        let view = MatchView::of(&p);
        let written = view.lookup_keys();
        assert!(written.len() >= 8, "{written:?}");
        let mut hashed: Vec<u64> = Vec::new();
        view.lookup_keys_into(&mut hashed);
        let expected: Vec<u64> = written.iter().map(|k| key_hash(k)).collect();
        assert_eq!(hashed, expected);
    }

    #[test]
    fn a_small_block_is_compared_pairwise() {
        let people: Vec<_> = (1..=5)
            .map(|d| profile("John", "Smith", None, Some(&format!("1970-01-0{d}"))))
            .collect();
        let (views, keys) = views(&people);
        let found = candidate_pairs(&keys, &views, &MatchingConfig::default());
        assert_eq!(found.pairs.len(), 10);
        assert!(found.oversized.is_empty());
    }

    #[test]
    fn a_common_name_is_compared_by_neighbourhood_and_keeps_its_pair() {
        // 300 people called John Smith, born on different days; the last
        // is the first one again, born a keystroke later (no other key shared).
        let mut people: Vec<_> = (0..300)
            .map(|i| {
                let day = jiff::civil::date(1940, 1, 1) + jiff::Span::new().days(i * 37);
                profile("John", "Smith", None, Some(&day.to_string()))
            })
            .collect();
        people.push(profile("John", "Smith", None, Some("1940-01-02")));
        let (views, keys) = views(&people);
        let config = MatchingConfig::default();
        let found = candidate_pairs(&keys, &views, &config);
        assert!(found.pairs.contains(&(0, 300)), "the near pair is compared");
        let n = people.len();
        assert!(found.pairs.len() <= n * config.block_window);
        assert!(found.pairs.len() < n * (n - 1) / 4);
        assert!(found.pairs.iter().all(|(i, j)| i < j));
    }

    #[test]
    fn an_oversized_block_is_skipped_and_named() {
        let people: Vec<_> = (1..=4)
            .map(|d| {
                profile(
                    "Mary",
                    "Jones",
                    Some("+447911100000"),
                    Some(&format!("1980-02-0{d}")),
                )
            })
            .collect();
        let (views, keys) = views(&people);
        let config = MatchingConfig {
            max_block_size: 3,
            ..MatchingConfig::default()
        };
        let found = candidate_pairs(&keys, &views, &config);
        assert!(found.pairs.is_empty());
        let mut skipped: Vec<String> = found
            .oversized
            .iter()
            .map(|b| {
                assert_eq!(b.size, 4);
                views[b.member as usize]
                    .lookup_keys()
                    .into_iter()
                    .find(|k| key_hash(k) == b.key)
                    .unwrap_or_default()
            })
            .collect();
        skipped.sort();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[0].starts_with("bk:n:"));
        assert_eq!(skipped[1], "phone:+447911100000");
    }
}
