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

/// UUIDs from a seeded generator (SplitMix64): random version-4 ones, or
/// time-ordered version-7 ones like [`RandomIds`] makes.
///
/// Deterministic for a given seed, which makes tests and benchmarks
/// repeatable; seed it from a real random source in production (the
/// bindings do).
///
/// ```
/// use casebook::{IdSource, SeededIds};
/// let ids = SeededIds::time_ordered(7, "2026-06-01T09:00:00Z".parse().unwrap());
/// let (a, b) = (ids.new_id(), ids.new_id());
/// assert!(a < b);
/// assert_eq!(a.get_version_num(), 7);
/// assert_eq!(SeededIds::new(7).new_id().get_version_num(), 4);
/// ```
#[derive(Debug)]
pub struct SeededIds {
    state: AtomicU64,
    /// For time-ordered ids: the millisecond they carry, and how many were made.
    ordered: Option<(u64, AtomicU64)>,
}

/// Bits of the counter that orders the version-7 ids of one millisecond.
const COUNTER_BITS: u32 = 42;

impl SeededIds {
    /// Random version-4 UUIDs, starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededIds {
            state: AtomicU64::new(seed),
            ordered: None,
        }
    }

    /// Version-7 UUIDs carrying the millisecond `start`, in the order they
    /// are made (a 42-bit counter, then 32 seeded random bits), starting from
    /// `seed`. A timestamp before 1970 counts as 1970.
    pub fn time_ordered(seed: u64, start: Timestamp) -> Self {
        let millis = u64::try_from(start.as_millisecond()).unwrap_or(0);
        SeededIds {
            state: AtomicU64::new(seed),
            ordered: Some((millis, AtomicU64::new(0))),
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
        match &self.ordered {
            None => {
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
                bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
                uuid::Builder::from_random_bytes(bytes).into_uuid()
            }
            Some((millis, made)) => {
                // RFC 9562's fixed-length counter: 12 bits in `rand_a`, 30 in
                // `rand_b` (around the variant bits); the millisecond moves on
                // when the counter wraps.
                let n = made.fetch_add(1, Ordering::Relaxed);
                let c = n & ((1 << COUNTER_BITS) - 1);
                let random = self.next_u64().to_be_bytes();
                let bytes = [
                    (c >> 38) as u8 & 0x0F,
                    (c >> 30) as u8,
                    (c >> 24) as u8 & 0x3F,
                    (c >> 16) as u8,
                    (c >> 8) as u8,
                    c as u8,
                    random[0],
                    random[1],
                    random[2],
                    random[3],
                ];
                uuid::Builder::from_unix_timestamp_millis(millis + (n >> COUNTER_BITS), &bytes)
                    .into_uuid()
            }
        }
    }
}

/// Version-7 UUIDs: the creation millisecond, then random bits from the
/// operating system's generator, increasing within the process.
///
/// Ids made one after another sort together, so the SQLite store adds them
/// at the end of its indexes instead of at random places (much faster bulk
/// imports). They reveal when a record was created, as its
/// `created_at` does.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

#[cfg(not(target_arch = "wasm32"))]
impl IdSource for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
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
    fn time_ordered_ids_increase_and_carry_their_millisecond() {
        let start: Timestamp = "2026-06-01T09:00:00.123Z".parse().unwrap();
        let ids = SeededIds::time_ordered(7, start);
        let made: Vec<Uuid> = (0..1000).map(|_| ids.new_id()).collect();
        assert!(made.windows(2).all(|w| w[0] < w[1]));
        let again = SeededIds::time_ordered(7, start);
        assert_eq!(made, (0..1000).map(|_| again.new_id()).collect::<Vec<_>>());
        for id in &made {
            assert_eq!(id.get_version_num(), 7);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            let (secs, nanos) = id.get_timestamp().expect("v7 timestamp").to_unix();
            assert_eq!((secs, nanos), (1_780_304_400, 123_000_000));
        }
        // The counter wrapping moves the millisecond on, keeping the order.
        ids.ordered
            .as_ref()
            .expect("ordered")
            .1
            .store((1 << COUNTER_BITS) - 1, Ordering::Relaxed);
        let (last, next) = (ids.new_id(), ids.new_id());
        assert!(made[999] < last && last < next);
        assert_eq!(next.get_timestamp().expect("v7").to_unix().1, 124_000_000);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn random_ids_are_time_ordered() {
        let made: Vec<Uuid> = (0..1000).map(|_| RandomIds.new_id()).collect();
        assert!(made.windows(2).all(|w| w[0] < w[1]));
        assert!(made.iter().all(|id| id.get_version_num() == 7));
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
