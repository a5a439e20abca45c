//! A store that runs every transaction body twice: the first run is
//! abandoned with a retryable error, as a database that lost a
//! serialization conflict does, then the body runs again. The conformance
//! suite passes over it only if every engine operation can be run again
//! without effects outside its transaction.

use casebook::store::{ReadTx, Store, WriteTx};
use casebook::{Error, Result, StorageError, StorageErrorKind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Wraps a store; counts the bodies it ran again.
#[derive(Debug, Default)]
pub struct RerunStore<S> {
    inner: S,
    reruns: AtomicUsize,
}

impl<S: Store> RerunStore<S> {
    /// Runs every transaction of `inner` twice.
    pub fn new(inner: S) -> Self {
        RerunStore {
            inner,
            reruns: AtomicUsize::new(0),
        }
    }

    /// How many bodies ran a second time.
    pub fn reruns(&self) -> usize {
        self.reruns.load(Ordering::Relaxed)
    }
}

fn conflict() -> Error {
    StorageError::new(
        StorageErrorKind::Retryable,
        "serialization failure (simulated)",
    )
    .into()
}

/// The first run's outcome: a body that failed by itself fails the
/// transaction; one that succeeded is abandoned and runs again.
fn after_first_run(outcome: Result<()>) -> Result<bool> {
    match outcome {
        Err(e) if e.is_retryable() && e.to_string().contains("(simulated)") => Ok(true),
        Err(e) => Err(e),
        Ok(()) => Err(Error::Internal("a simulated conflict was committed".into())),
    }
}

impl<S> RerunStore<S> {
    /// Counts a second run when the first one was abandoned.
    fn abandoned(&self, first: Result<()>) -> Result<()> {
        if after_first_run(first)? {
            self.reruns.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

impl<S: Store> Store for RerunStore<S> {
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTx) -> Result<()>) -> Result<()> {
        self.abandoned(self.inner.read(&mut |tx| f(tx).and(Err(conflict()))))?;
        self.inner.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.abandoned(self.inner.write(&mut |tx| f(tx).and(Err(conflict()))))?;
        self.inner.write(f)
    }

    fn self_check(&self) -> Result<Vec<String>> {
        self.inner.self_check()
    }
}
