//! Every object handed to C (engines, recognitions, strings) lives in this
//! registry, keyed by the address C holds.
//!
//! C pointers are only ever used as keys: they are never dereferenced, so an
//! unknown, freed or wrong-type pointer is found out with a lookup instead of
//! undefined behaviour, and a double free is an error, not a crash.
//! Engines and recognitions are reference counted: a call that has looked one
//! up keeps it alive even if another thread frees it meanwhile.

use crate::recognition::Recognized;
use crate::Engine;
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

/// One object owned by the registry.
pub(crate) enum Object {
    Engine(Arc<Engine>),
    Recognition(Arc<Recognized>),
    // Held only so the string lives until C frees it.
    Text(#[allow(dead_code)] CString),
}

// Shards keep threads that create and free objects from queueing on one lock.
const SHARDS: usize = 32;

type Shard = Mutex<HashMap<usize, Object>>;

static REGISTRY: LazyLock<[Shard; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(HashMap::new())));

fn shard(key: usize) -> MutexGuard<'static, HashMap<usize, Object>> {
    // Allocations are 16-byte aligned: skip the low bits, fold in higher ones.
    let index = ((key >> 4) ^ (key >> 13)) % SHARDS;
    // Nothing panics while a shard is locked, but never let poisoning spread.
    REGISTRY[index]
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers an engine; returns the address C holds.
pub(crate) fn add_engine(engine: Arc<Engine>) -> usize {
    let key = Arc::as_ptr(&engine) as usize;
    shard(key).insert(key, Object::Engine(engine));
    key
}

/// Registers a recognition; returns the address C holds.
pub(crate) fn add_recognition(rec: Arc<Recognized>) -> usize {
    let key = Arc::as_ptr(&rec) as usize;
    shard(key).insert(key, Object::Recognition(rec));
    key
}

/// Registers a string; returns the address of its first byte.
pub(crate) fn add_text(text: CString) -> *mut std::ffi::c_char {
    // The heap buffer does not move when the CString is moved into the map.
    let ptr = text.as_ptr() as *mut std::ffi::c_char;
    shard(ptr as usize).insert(ptr as usize, Object::Text(text));
    ptr
}

/// The live engine at `key`.
pub(crate) fn engine(key: usize) -> Option<Arc<Engine>> {
    match shard(key).get(&key) {
        Some(Object::Engine(e)) => Some(Arc::clone(e)),
        _ => None,
    }
}

/// The live recognition at `key`.
pub(crate) fn recognition(key: usize) -> Option<Arc<Recognized>> {
    match shard(key).get(&key) {
        Some(Object::Recognition(r)) => Some(Arc::clone(r)),
        _ => None,
    }
}

/// Which kind of object to remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Engine,
    Recognition,
    Text,
}

/// Removes the object of `kind` at `key`; false if there is none.
pub(crate) fn remove(key: usize, kind: Kind) -> bool {
    let removed = {
        let mut map = shard(key);
        let matches = matches!(
            (map.get(&key), kind),
            (Some(Object::Engine(_)), Kind::Engine)
                | (Some(Object::Recognition(_)), Kind::Recognition)
                | (Some(Object::Text(_)), Kind::Text)
        );
        if matches {
            map.remove(&key)
        } else {
            None
        }
    };
    // Dropped outside the lock: an engine's teardown can take a while.
    removed.is_some()
}

/// Live objects of each kind: (engines, recognitions, strings).
pub(crate) fn live_counts() -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for index in 0..SHARDS {
        let map = REGISTRY[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for object in map.values() {
            match object {
                Object::Engine(_) => counts.0 += 1,
                Object::Recognition(_) => counts.1 += 1,
                Object::Text(_) => counts.2 += 1,
            }
        }
    }
    counts
}
