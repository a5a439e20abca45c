//! Parent and child cases: the store's index of each parent's children
//! (kept by the engine as cases are opened and re-parented, built once for
//! stores from before it), children that wait for their parent, and a
//! parent's resolution resolving its open children.

use super::ids::Ids;
use super::Casebook;
use crate::error::{Error, Result};
use crate::model::{Case, CaseStatus, ResolutionInput};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

/// A parent case's children, by the parent's id.
const CHILDREN_BLOB: &str = "case_children";
/// 1 once every stored case's parent is in the children index.
const CHILDREN_INDEXED: &str = "case_children_indexed";
/// Cases read per transaction while building the index.
const INDEX_BATCH: usize = 2_000;

impl<S: Store> Casebook<S> {
    /// A parent's children, in the order they were attached.
    pub(super) fn children_of(&self, tx: &dyn ReadTx, parent: Uuid) -> Result<Vec<Uuid>> {
        Ok(match tx.blob(CHILDREN_BLOB, parent)? {
            Some(value) => serde_json::from_value(value["children"].clone())?,
            None => Vec::new(),
        })
    }

    /// Moves a child from one parent's index to another's.
    pub(super) fn reparent_in(
        &self,
        tx: &mut dyn WriteTx,
        child: Uuid,
        old: Option<Uuid>,
        new: Option<Uuid>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        if let Some(old) = old {
            let mut children = self.children_of(&*tx, old)?;
            children.retain(|c| *c != child);
            tx.put_blob(CHILDREN_BLOB, old, &json!({ "children": children }))?;
        }
        if let Some(new) = new {
            let mut children = self.children_of(&*tx, new)?;
            if !children.contains(&child) {
                children.push(child);
            }
            tx.put_blob(CHILDREN_BLOB, new, &json!({ "children": children }))?;
        }
        Ok(())
    }

    /// Builds the children index of a store from before it kept one: a
    /// pass over every case, once.
    pub(super) fn index_children_on_open(&self) -> Result<()> {
        if !self.store.writable() || self.store.read_with(|tx| tx.sequence(CHILDREN_INDEXED))? > 0 {
            return Ok(());
        }
        let mut after = None;
        loop {
            let page = self.store.read_with(|tx| tx.case_ids(after, INDEX_BATCH))?;
            let Some(last) = page.last().copied() else {
                break;
            };
            self.store.write_bulk_with(|tx| {
                for id in &page {
                    if let Some(case) = tx.case(*id)? {
                        self.reparent_in(tx, case.id, None, case.parent)?;
                    }
                }
                Ok(())
            })?;
            after = Some(last);
        }
        self.store
            .write_with(|tx| tx.raise_sequence(CHILDREN_INDEXED, 1))
    }

    /// Marks the children index complete (a new store, or one rebuilt from a snapshot).
    pub(super) fn children_indexed_in(&self, tx: &mut dyn WriteTx) -> Result<()> {
        tx.raise_sequence(CHILDREN_INDEXED, 1)
    }

    /// Refuses ending a child case while its parent is open, when configured.
    pub(super) fn check_parent_allows(
        &self,
        tx: &dyn ReadTx,
        case: &Case,
        to: CaseStatus,
    ) -> Result<()> {
        if !self.config.hierarchy.children_wait_for_parent || to.is_open() {
            return Ok(());
        }
        if let Some(parent) = case.parent.map(|p| tx.case(p)).transpose()?.flatten() {
            if parent.status.is_open() {
                return Err(Error::InvalidState(format!(
                    "{} waits for its parent {} ({}) to be resolved first",
                    case.number, parent.number, parent.status
                )));
            }
        }
        Ok(())
    }

    /// Resolves a resolved parent's open children with it, when configured.
    pub(super) fn resolve_children_in(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        parent: &Case,
        now: Timestamp,
    ) -> Result<()> {
        if !self.config.hierarchy.resolve_children_with_parent
            || parent.status != CaseStatus::Resolved
        {
            return Ok(());
        }
        let notes = ResolutionInput {
            notes: format!("Resolved with its parent {}", parent.number),
            share_with_requester: parent
                .resolution
                .as_ref()
                .is_some_and(|r| r.share_with_requester),
        };
        for child in self.children_of(&*tx, parent.id)? {
            let Some(mut case) = tx.case(child)? else {
                continue;
            };
            if case.status.is_open() {
                self.apply_status(ids, by, &mut case, CaseStatus::Resolved, Some(&notes), now)?;
                self.save_case_edit(tx, &mut case, by, now)?;
                // Grandchildren follow their own parent.
                self.resolve_children_in(tx, ids, by, &case, now)?;
            }
        }
        Ok(())
    }
}
