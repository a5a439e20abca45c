//! Injected time and identifier sources, so every run can be made deterministic.

use jiff::Timestamp;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use uuid::Uuid;

/// Source of the current time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// Source of new internal identifiers.
pub trait IdSource: Send + Sync {
    /// A new, never-before-returned UUID.
    fn new_id(&self) -> Uuid;
}

/// The operating system's clock (not available on `wasm32-unknown-unknown`,
/// where the host supplies a clock).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to, advancing by a fixed step on each
/// reading so that successive events get distinct, ordered times.
#[derive(Debug)]
pub struct ManualClock {
    nanos: AtomicI64,
    step_nanos: i64,
}

impl ManualClock {
    /// A clock at `start` that advances one millisecond per reading.
    pub fn new(start: Timestamp) -> Self {
        Self::with_step(start, 1_000_000)
    }

    /// A clock at `start` that advances `step_nanos` per reading (0: frozen).
    pub fn with_step(start: Timestamp, step_nanos: i64) -> Self {
        ManualClock {
            nanos: AtomicI64::new(start.as_nanosecond() as i64),
            step_nanos,
        }
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance_seconds(&self, seconds: i64) {
        self.nanos
            .fetch_add(seconds.saturating_mul(1_000_000_000), Ordering::SeqCst);
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: Timestamp) {
        self.nanos
            .store(at.as_nanosecond() as i64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let nanos = self.nanos.fetch_add(self.step_nanos, Ordering::SeqCst);
        Timestamp::from_nanosecond(nanos as i128).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Random version-4 UUIDs from a seeded generator (SplitMix64).
///
/// Deterministic for a given seed, which makes tests and benchmarks
/// repeatable; seed it from a real random source in production (the
/// bindings do).
#[derive(Debug)]
pub struct SeededIds {
    state: AtomicU64,
}

impl SeededIds {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededIds {
            state: AtomicU64::new(seed),
        }
    }

    fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl IdSource for SeededIds {
    fn new_id(&self) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// Random version-4 UUIDs from the operating system's generator.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

#[cfg(not(target_arch = "wasm32"))]
impl IdSource for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::new_v4()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_deterministic_and_distinct() {
        let a = SeededIds::new(7);
        let b = SeededIds::new(7);
        let first: Vec<Uuid> = (0..100).map(|_| a.new_id()).collect();
        let second: Vec<Uuid> = (0..100).map(|_| b.new_id()).collect();
        assert_eq!(first, second);
        let unique: std::collections::HashSet<_> = first.iter().collect();
        assert_eq!(unique.len(), 100);
        assert_eq!(first[0].get_version_num(), 4);
    }

    #[test]
    fn manual_clock_advances_per_reading() {
        let start: Timestamp = "2026-01-01T09:00:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        let t1 = clock.now();
        let t2 = clock.now();
        assert_eq!(t1, start);
        assert!(t2 > t1);
        clock.advance_seconds(60);
        assert!(clock.now().as_second() >= start.as_second() + 60);
    }
}
