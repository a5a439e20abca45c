//! Measuring helpers for the scale benchmarks: per-call latency samples
//! taken in interleaved rounds (so contenders share the machine's noise),
//! live-heap counting, and a results table.

use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// A global allocator that counts live heap bytes (install it with
/// `#[global_allocator]` in a benchmark binary).
pub struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

/// Live heap bytes (meaningful only with [`CountingAllocator`] installed).
pub fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// Latency statistics of one contender, in nanoseconds per call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Median.
    pub median: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Calls measured.
    pub calls: usize,
}

impl Stats {
    fn of(mut samples: Vec<u64>) -> Stats {
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).copied().unwrap_or(0) as f64
        };
        Stats {
            median: at(0.5),
            p99: at(0.99),
            calls: samples.len(),
        }
    }
}

/// A named operation timed per call over a list of inputs.
pub struct Contender<'a, T> {
    /// Name shown in the results.
    pub name: &'a str,
    /// The call; its result is passed to `black_box`.
    pub call: Box<dyn FnMut(&T) -> usize + 'a>,
}

impl<'a, T> Contender<'a, T> {
    /// A contender.
    pub fn new(name: &'a str, call: impl FnMut(&T) -> usize + 'a) -> Self {
        Contender {
            name,
            call: Box::new(call),
        }
    }
}

/// Times every contender on every input, one call at a time, in `rounds`
/// interleaved rounds (contender A on all inputs, then B, then A again...),
/// after one warm-up pass each. Returns per-contender statistics in order.
pub fn race<T>(inputs: &[T], rounds: usize, contenders: &mut [Contender<'_, T>]) -> Vec<Stats> {
    for c in contenders.iter_mut() {
        for input in inputs.iter().take(1000) {
            std::hint::black_box((c.call)(input));
        }
    }
    let mut samples: Vec<Vec<u64>> =
        vec![Vec::with_capacity(inputs.len() * rounds); contenders.len()];
    for _ in 0..rounds {
        for (c, out) in contenders.iter_mut().zip(samples.iter_mut()) {
            for input in inputs {
                let start = Instant::now();
                std::hint::black_box((c.call)(std::hint::black_box(input)));
                out.push(start.elapsed().as_nanos() as u64);
            }
        }
    }
    samples.into_iter().map(Stats::of).collect()
}

/// Median wall time of `runs` runs of `f` (for operations too slow to race per call).
pub fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Collected results: printed as a table and saved as JSON.
#[derive(Debug, Default)]
pub struct Results {
    rows: Vec<Value>,
}

impl Results {
    /// Records one figure.
    pub fn add(&mut self, bench: &str, size: usize, what: &str, value: f64, unit: &str) {
        println!("{bench:<28} {size:>9} {what:<36} {value:>14.2} {unit}");
        self.rows.push(json!({
            "bench": bench, "size": size, "what": what, "value": value, "unit": unit
        }));
    }

    /// Records latency statistics of a contender.
    pub fn add_stats(&mut self, bench: &str, size: usize, name: &str, stats: Stats) {
        self.add(bench, size, &format!("{name} median"), stats.median, "ns");
        self.add(bench, size, &format!("{name} p99"), stats.p99, "ns");
    }

    /// Every figure, as JSON.
    pub fn to_json(&self) -> Value {
        Value::Array(self.rows.clone())
    }
}
