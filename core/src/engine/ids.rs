//! New ids inside a transaction body that the store may run more than once:
//! a run again draws the same ids as the run before it, so a re-run body
//! gives the same records, even from a seeded id source.

use super::Casebook;
use crate::clock::IdSource;
use crate::error::Result;
use crate::store::{Store, StoreExt, WriteTx};
use uuid::Uuid;

/// The ids one operation has drawn, replayed in order on every run of its body.
pub(super) struct Ids<'a> {
    source: &'a dyn IdSource,
    drawn: Vec<Uuid>,
    next: usize,
}

impl<'a> Ids<'a> {
    fn new(source: &'a dyn IdSource) -> Self {
        Ids {
            source,
            drawn: Vec::new(),
            next: 0,
        }
    }

    /// The next id: the one this position had in an earlier run, or a new one.
    pub(super) fn next(&mut self) -> Uuid {
        if self.next == self.drawn.len() {
            self.drawn.push(self.source.new_id());
        }
        let id = self.drawn[self.next];
        self.next += 1;
        id
    }

    fn rewind(&mut self) {
        self.next = 0;
    }
}

impl<S: Store> Casebook<S> {
    /// A write transaction whose body draws its new ids from `Ids`.
    pub(super) fn write<R>(
        &self,
        mut body: impl FnMut(&mut dyn WriteTx, &mut Ids<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut ids = Ids::new(&*self.ids);
        self.store.write_with(|tx| {
            ids.rewind();
            body(tx, &mut ids)
        })
    }

    /// [`Casebook::write`] as a bulk write (see [`Store::write_bulk`]).
    pub(super) fn write_bulk<R>(
        &self,
        mut body: impl FnMut(&mut dyn WriteTx, &mut Ids<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut ids = Ids::new(&*self.ids);
        self.store.write_bulk_with(|tx| {
            ids.rewind();
            body(tx, &mut ids)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SeededIds;

    #[test]
    fn a_rewound_run_draws_the_same_ids_then_new_ones() {
        let source = SeededIds::new(3);
        let mut ids = Ids::new(&source);
        let first = [ids.next(), ids.next()];
        ids.rewind();
        assert_eq!([ids.next(), ids.next()], first);
        let third = ids.next();
        assert!(!first.contains(&third));
    }
}
