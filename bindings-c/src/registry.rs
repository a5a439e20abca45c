//! Every object handed to C (engines, recognitions, strings) lives in this
//! registry.
//!
//! Engines and recognitions are handed out as generation-tagged tokens, not
//! addresses: a token names a slot and the generation the slot had when the
//! object was stored, and freeing an object moves its slot to the next
//! generation. A stale handle (freed, even if its slot holds a new object),
//! a forged one or one of the wrong type is found out by a lookup, never
//! dereferenced. Strings are real addresses (C reads them), keyed by address.
//! Engines and recognitions are reference counted: a call that has looked
//! one up keeps it alive even if another thread frees it meanwhile.

use crate::answer::Answer;
use crate::recognition::Recognized;
use crate::Engine;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// One object behind a handle.
pub(crate) enum Object {
    Engine(Arc<Engine>),
    Recognition(Arc<Recognized>),
}

// Shards keep threads that create and free objects from queueing on one lock.
const SHARD_BITS: u32 = 5;
const SHARDS: usize = 1 << SHARD_BITS;
// Token layout, low to high: shard, slot index, generation (never 0, so a
// token is never NULL). 64-bit targets give 2^27 slots per shard and 2^32
// generations; 32-bit ones 2^15 slots and 2^12 generations.
const GEN_SHIFT: u32 = if usize::BITS >= 64 { 32 } else { 20 };
const INDEX_LIMIT: usize = 1 << (GEN_SHIFT - SHARD_BITS);
const GEN_LIMIT: u64 = 1 << (usize::BITS - GEN_SHIFT);

struct Slot {
    generation: u64,
    object: Option<Object>,
}

#[derive(Default)]
struct Slab {
    slots: Vec<Slot>,
    free: Vec<usize>,
}

/// Handles and strings of one shard; `None` until first used and after
/// `casebook_shutdown`.
#[derive(Default)]
struct Shard {
    slab: Slab,
    texts: HashMap<usize, Answer>,
}

// `Mutex::new` is const: no lazily built static, so shutdown can release all.
static REGISTRY: [Mutex<Option<Shard>>; SHARDS] = [const { Mutex::new(None) }; SHARDS];
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);
// Generation of a newly made slot: raised past every generation handed out
// when `casebook_shutdown` releases the slots, so no token from before names
// an object made after.
static FIRST_GENERATION: AtomicU64 = AtomicU64::new(1);

fn lock(index: usize) -> MutexGuard<'static, Option<Shard>> {
    // Nothing panics while a shard is locked, but never let poisoning spread.
    REGISTRY[index % SHARDS]
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn text_shard(key: usize) -> usize {
    // Allocations are 16-byte aligned: skip the low bits, fold in higher ones.
    ((key >> 4) ^ (key >> 13)) % SHARDS
}

/// Stores `object`; returns its token, or `None` when the shard is full.
fn add(object: Object) -> Option<usize> {
    let shard_index = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS;
    let mut guard = lock(shard_index);
    let slab = &mut guard.get_or_insert_with(Shard::default).slab;
    let index = match slab.free.pop() {
        Some(index) => index,
        None if slab.slots.len() < INDEX_LIMIT => {
            slab.slots.push(Slot {
                generation: FIRST_GENERATION.load(Ordering::Relaxed),
                object: None,
            });
            slab.slots.len() - 1
        }
        None => return None,
    };
    let slot = &mut slab.slots[index];
    slot.object = Some(object);
    Some(((slot.generation as usize) << GEN_SHIFT) | (index << SHARD_BITS) | shard_index)
}

/// Runs `f` on the live object named by `token`, if there is one.
fn with_object<T>(token: usize, f: impl FnOnce(&Object) -> Option<T>) -> Option<T> {
    let shard_index = token % SHARDS;
    let index = (token >> SHARD_BITS) & (INDEX_LIMIT - 1);
    let generation = (token as u64) >> GEN_SHIFT;
    let guard = lock(shard_index);
    let slot = guard.as_ref()?.slab.slots.get(index)?;
    if slot.generation != generation {
        return None;
    }
    slot.object.as_ref().and_then(f)
}

/// Registers an engine; returns the token C holds.
pub(crate) fn add_engine(engine: Arc<Engine>) -> Option<usize> {
    add(Object::Engine(engine))
}

/// Registers a recognition; returns the token C holds.
pub(crate) fn add_recognition(rec: Arc<Recognized>) -> Option<usize> {
    add(Object::Recognition(rec))
}

/// The live engine named by `token`.
pub(crate) fn engine(token: usize) -> Option<Arc<Engine>> {
    with_object(token, |object| match object {
        Object::Engine(e) => Some(Arc::clone(e)),
        Object::Recognition(_) => None,
    })
}

/// The live recognition named by `token`.
pub(crate) fn recognition(token: usize) -> Option<Arc<Recognized>> {
    with_object(token, |object| match object {
        Object::Recognition(r) => Some(Arc::clone(r)),
        Object::Engine(_) => None,
    })
}

/// Which kind of handle to remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Engine,
    Recognition,
}

/// Removes the object of `kind` named by `token`; false if there is none.
pub(crate) fn remove(token: usize, kind: Kind) -> bool {
    let shard_index = token % SHARDS;
    let index = (token >> SHARD_BITS) & (INDEX_LIMIT - 1);
    let generation = (token as u64) >> GEN_SHIFT;
    let removed = {
        let mut guard = lock(shard_index);
        let Some(shard) = guard.as_mut() else {
            return false;
        };
        let slab = &mut shard.slab;
        let Some(slot) = slab.slots.get_mut(index) else {
            return false;
        };
        let matches = slot.generation == generation
            && matches!(
                (&slot.object, kind),
                (Some(Object::Engine(_)), Kind::Engine)
                    | (Some(Object::Recognition(_)), Kind::Recognition)
            );
        if !matches {
            return false;
        }
        // The next object in this slot gets a token no old one equals; a
        // slot that has used up its generations is retired, not reused.
        slot.generation += 1;
        let removed = slot.object.take();
        if slot.generation < GEN_LIMIT {
            slab.free.push(index);
        }
        removed
    };
    // Dropped outside the lock: an engine's teardown can take a while.
    drop(removed);
    true
}

/// Registers a string handed to C; returns the address of its first byte.
pub(crate) fn add_text(answer: Answer) -> *mut std::ffi::c_char {
    // The heap buffer does not move when the answer is moved into the map.
    let ptr = answer.as_ptr() as *mut std::ffi::c_char;
    let mut guard = lock(text_shard(ptr as usize));
    guard
        .get_or_insert_with(Shard::default)
        .texts
        .insert(ptr as usize, answer);
    ptr
}

/// Runs `f` on the live string at `key`, if casebook handed it out.
pub(crate) fn with_text<T>(key: usize, f: impl FnOnce(&Answer) -> T) -> Option<T> {
    let guard = lock(text_shard(key));
    guard.as_ref()?.texts.get(&key).map(f)
}

/// Removes the string at `key`; false if casebook did not hand it out.
pub(crate) fn remove_text(key: usize) -> bool {
    let removed = lock(text_shard(key))
        .as_mut()
        .and_then(|shard| shard.texts.remove(&key));
    removed.is_some()
}

/// Live objects of each kind: (engines, recognitions, strings).
pub(crate) fn live_counts() -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for index in 0..SHARDS {
        let guard = lock(index);
        let Some(shard) = guard.as_ref() else {
            continue;
        };
        for slot in &shard.slab.slots {
            match slot.object {
                Some(Object::Engine(_)) => counts.0 += 1,
                Some(Object::Recognition(_)) => counts.1 += 1,
                None => {}
            }
        }
        counts.2 += shard.texts.len();
    }
    counts
}

/// Drops every object and the registry's own memory (`casebook_shutdown`).
/// Slots made afterwards start past every generation used before, so a token
/// kept from before the shutdown is refused like any stale one.
pub(crate) fn release_all() {
    for index in 0..SHARDS {
        let shard = lock(index).take();
        if let Some(shard) = &shard {
            let newest = shard.slab.slots.iter().map(|s| s.generation).max();
            if let Some(newest) = newest {
                let next = if newest + 1 < GEN_LIMIT {
                    newest + 1
                } else {
                    1
                };
                FIRST_GENERATION.fetch_max(next, Ordering::Relaxed);
            }
        }
        // Dropped outside the lock, like `remove`.
        drop(shard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_never_null_and_stale_tokens_are_refused() {
        let new_engine = || {
            Arc::new(
                casebook::Casebook::builder(
                    Box::new(casebook::MemoryStore::new()) as Box<dyn casebook::store::Store>
                )
                .build()
                .expect("engine"),
            )
        };
        let first = add_engine(new_engine()).expect("token");
        assert_ne!(first, 0);
        assert!(remove(first, Kind::Engine));
        assert!(!remove(first, Kind::Engine));
        let mut later = Vec::new();
        for _ in 0..(SHARDS * 3) {
            let token = add_engine(new_engine()).expect("token");
            assert_ne!(token, first);
            assert!(engine(first).is_none());
            later.push(token);
        }
        for token in later {
            assert!(recognition(token).is_none(), "wrong type");
            assert!(!remove(token, Kind::Recognition));
            assert!(remove(token, Kind::Engine));
        }
    }
}
