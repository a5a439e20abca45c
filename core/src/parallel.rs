//! Data-parallel loops: on all cores on native targets (rayon), in order on
//! the calling thread on wasm32, which has no threads. Results come back in
//! input order either way, so callers stay deterministic.

#[cfg(not(target_arch = "wasm32"))]
use rayon::prelude::*;

/// `f` applied to every item, in input order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    return items.par_iter().map(f).collect();
    #[cfg(target_arch = "wasm32")]
    return items.iter().map(f).collect();
}

/// The `Some` results of `f` over every item, in input order.
pub(crate) fn filter_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Option<R> + Sync + Send,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    return items.par_iter().filter_map(f).collect();
    #[cfg(target_arch = "wasm32")]
    return items.iter().filter_map(f).collect();
}

/// Every item `f` yields for each input, concatenated in input order.
pub(crate) fn flat_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Vec<R> + Sync + Send,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    return items.par_iter().flat_map_iter(f).collect();
    #[cfg(target_arch = "wasm32")]
    return items.iter().flat_map(f).collect();
}

/// Sorts without keeping the order of equal items.
pub(crate) fn sort_unstable<T: Ord + Send>(items: &mut [T]) {
    #[cfg(not(target_arch = "wasm32"))]
    items.par_sort_unstable();
    #[cfg(target_arch = "wasm32")]
    items.sort_unstable();
}
