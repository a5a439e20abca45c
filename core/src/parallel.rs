//! Data-parallel loops: on all cores on native targets (rayon), in order on
//! the calling thread on wasm32, which has no threads. Results come back in
//! input order either way, so callers stay deterministic.
//!
//! Short inputs stay on the calling thread too: splitting them costs more
//! than it saves, and a host that never asks for large work (a telephony
//! switch popping screens) never gets a worker pool started in its process.

#[cfg(not(target_arch = "wasm32"))]
use rayon::prelude::*;

/// Inputs shorter than this run on the calling thread.
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_FROM: usize = 2048;

#[cfg(not(target_arch = "wasm32"))]
fn worth_splitting(len: usize) -> bool {
    len >= PARALLEL_FROM
}

/// `f` applied to every item, in input order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    if worth_splitting(items.len()) {
        return items.par_iter().map(f).collect();
    }
    items.iter().map(f).collect()
}

/// The `Some` results of `f` over every item, in input order.
pub(crate) fn filter_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Option<R> + Sync + Send,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    if worth_splitting(items.len()) {
        return items.par_iter().filter_map(f).collect();
    }
    items.iter().filter_map(f).collect()
}

/// Every item `f` yields for each input, concatenated in input order.
pub(crate) fn flat_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Vec<R> + Sync + Send,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    if worth_splitting(items.len()) {
        return items.par_iter().flat_map_iter(f).collect();
    }
    items.iter().flat_map(f).collect()
}

/// Sorts without keeping the order of equal items.
pub(crate) fn sort_unstable<T: Ord + Send>(items: &mut [T]) {
    #[cfg(not(target_arch = "wasm32"))]
    if worth_splitting(items.len()) {
        items.par_sort_unstable();
        return;
    }
    items.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_and_short_inputs_give_the_same_answers_in_order() {
        for len in [0, 3, 5000] {
            let items: Vec<u64> = (0..len).map(|i| (i * 7919) % 1000).collect();
            let doubled = map(&items, |x| x * 2);
            assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
            let even = filter_map(&items, |x| (x % 2 == 0).then_some(*x));
            assert_eq!(
                even,
                items
                    .iter()
                    .copied()
                    .filter(|x| x % 2 == 0)
                    .collect::<Vec<_>>()
            );
            let pairs = flat_map(&items, |x| vec![*x, *x + 1]);
            assert_eq!(pairs.len(), items.len() * 2);
            assert_eq!(pairs.chunks(2).map(|c| c[0]).collect::<Vec<_>>(), items);
            let mut sorted = items.clone();
            sort_unstable(&mut sorted);
            let mut expected = items.clone();
            expected.sort();
            assert_eq!(sorted, expected);
        }
    }
}
