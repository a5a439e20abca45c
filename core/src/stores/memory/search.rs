//! Keyword search over the in-memory store's cases: every token must
//! match, the last one as a prefix, newest first.

use super::data::Data;
use std::collections::BTreeSet;
use uuid::Uuid;

impl Data {
    /// Whether the case inserted as `seq` has a token starting with `prefix`.
    fn case_has_prefix(&self, seq: u64, prefix: &str) -> bool {
        self.case_by_seq
            .get(&seq)
            .and_then(|id| self.cases.get(id))
            .is_some_and(|c| c.tokens.iter().any(|t| t.starts_with(prefix)))
    }

    /// Cases holding every token (the last one as a prefix), newest first.
    pub(super) fn search(&self, tokens: &[String], limit: usize) -> Vec<Uuid> {
        let Some((last, exact)) = tokens.split_last() else {
            return Vec::new();
        };
        let mut exact_sets = Vec::with_capacity(exact.len());
        for token in exact {
            match self.case_tokens.get(token.as_str()) {
                Some(set) => exact_sets.push(set),
                None => return Vec::new(),
            }
        }
        exact_sets.sort_by_key(|s| s.len());
        let prefixed: Vec<&BTreeSet<u64>> = self
            .case_tokens
            .range::<str, _>((
                std::ops::Bound::Included(last.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(t, _)| t.starts_with(last.as_str()))
            .map(|(_, set)| set)
            .collect();
        let in_exact = |seq: &u64| exact_sets.iter().all(|s| s.contains(seq));
        let prefix_postings: usize = prefixed.iter().map(|s| s.len()).sum();
        // Cost stays bounded by the rarer side instead of growing with the store.
        let seqs: Vec<u64> = match exact_sets.first() {
            Some(rarest) if rarest.len() < prefix_postings => rarest
                .iter()
                .rev()
                .filter(|seq| in_exact(seq) && self.case_has_prefix(**seq, last))
                .take(limit)
                .copied()
                .collect(),
            Some(_) => {
                let mut all: Vec<u64> = prefixed.iter().flat_map(|s| s.iter().copied()).collect();
                all.sort_unstable_by(|a, b| b.cmp(a));
                all.dedup();
                all.into_iter()
                    .filter(|seq| in_exact(seq))
                    .take(limit)
                    .collect()
            }
            None => newest_of_union(&prefixed, limit),
        };
        seqs.iter()
            .filter_map(|seq| self.case_by_seq.get(seq).copied())
            .collect()
    }
}

/// The `limit` largest values of a union of sets, largest first, by a k-way
/// merge that reads only as far as it needs.
fn newest_of_union(sets: &[&BTreeSet<u64>], limit: usize) -> Vec<u64> {
    let mut iters: Vec<_> = sets.iter().map(|s| s.iter().rev()).collect();
    let mut heap: std::collections::BinaryHeap<(u64, usize)> = iters
        .iter_mut()
        .enumerate()
        .filter_map(|(i, it)| it.next().map(|v| (*v, i)))
        .collect();
    let mut out: Vec<u64> = Vec::with_capacity(limit.min(64));
    while out.len() < limit {
        let Some((value, i)) = heap.pop() else { break };
        if out.last() != Some(&value) {
            out.push(value);
        }
        if let Some(next) = iters[i].next() {
            heap.push((*next, i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Case;
    use crate::store::CaseIndex;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "router", "route", "rout", "modem", "mode", "slow", "signal", "sig",
    ];

    /// The words of a text of lower-case words, as the engine would hand them.
    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    fn blank_case() -> Case {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::nil(), "number": "", "version": 1, "status": "new", "impact": "low",
            "urgency": "low", "priority": 5, "short_description": "x",
            "created_at": "2026-01-01T00:00:00Z", "created_by": "t",
            "updated_at": "2026-01-01T00:00:00Z", "updated_by": "t"
        }))
        .expect("a case")
    }

    fn oracle(texts: &[String], tokens: &[String], limit: usize) -> Vec<u64> {
        let Some((last, exact)) = tokens.split_last() else {
            return Vec::new();
        };
        (1..=texts.len() as u64)
            .rev()
            .filter(|seq| {
                let have = words(&texts[*seq as usize - 1]);
                exact.iter().all(|t| have.contains(t))
                    && have.iter().any(|t| t.starts_with(last.as_str()))
            })
            .take(limit)
            .collect()
    }

    proptest! {
        #[test]
        fn search_matches_a_brute_force_scan(
            texts in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 1..4), 1..60),
            query in proptest::collection::vec((0..WORDS.len(), 1..7usize), 1..4),
            limit in 1..30usize,
        ) {
            let texts: Vec<String> = texts.iter().map(|t| t.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ")).collect();
            let template = blank_case();
            let mut data = Data::default();
            let mut ids = Vec::new();
            for (i, text) in texts.iter().enumerate() {
                let id = Uuid::from_u128(i as u128 + 1);
                ids.push(id);
                let mut case = template.clone();
                case.id = id;
                case.number = format!("CS{i}");
                let index = CaseIndex { search_tokens: words(text) };
                data.set_case(id, Some((case, index)));
            }
            // Every token whole, the last one cut to a prefix.
            let mut tokens: Vec<String> = query.iter().map(|(w, _)| WORDS[*w].to_string()).collect();
            if let (Some(last), Some((_, cut))) = (tokens.last_mut(), query.last()) {
                last.truncate((*cut).min(last.len()));
            }
            let expected: Vec<Uuid> = oracle(&texts, &tokens, limit).iter().map(|s| ids[*s as usize - 1]).collect();
            prop_assert_eq!(data.search(&tokens, limit), expected);
        }
    }
}
