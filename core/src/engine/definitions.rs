//! Definitions kept as versioned data beside the records (response
//! templates, reports): read back by id, by version, or the latest of each.

use crate::error::{Entity, Error, Result};
use crate::store::{ReadTx, StoredDefinition, WriteTx};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A stored definition as its type.
pub(super) fn decode<T: DeserializeOwned>(stored: &StoredDefinition) -> Result<T> {
    serde_json::from_value(stored.body.clone()).map_err(|e| {
        Error::Internal(format!(
            "stored {} {} v{} does not read: {e}",
            stored.entity(),
            stored.id,
            stored.version
        ))
    })
}

/// The latest version of the definition `id` of `kind`, if any.
pub(super) fn latest<T: DeserializeOwned>(
    tx: &dyn ReadTx,
    kind: &str,
    id: &str,
) -> Result<Option<T>> {
    tx.definitions(kind)?
        .iter()
        .filter(|d| d.id == id)
        .max_by_key(|d| d.version)
        .map(decode)
        .transpose()
}

/// A version of the definition `id` of `kind` (`None`: the latest);
/// [`Error::NotFound`] naming `entity` when there is none.
pub(super) fn version_of<T: DeserializeOwned>(
    tx: &dyn ReadTx,
    kind: &str,
    entity: Entity,
    id: &str,
    version: Option<u32>,
) -> Result<T> {
    let found = match version {
        None => latest(tx, kind, id)?,
        Some(v) => tx
            .definitions(kind)?
            .iter()
            .find(|d| d.id == id && d.version == v)
            .map(decode)
            .transpose()?,
    };
    found.ok_or_else(|| Error::not_found(entity, id))
}

/// The latest version of every definition of `kind`, by id (the store
/// lists them by id, then version).
pub(super) fn latest_of_each<T: DeserializeOwned>(tx: &dyn ReadTx, kind: &str) -> Result<Vec<T>> {
    let stored = tx.definitions(kind)?;
    stored
        .iter()
        .enumerate()
        .filter(|(i, d)| stored.get(i + 1).is_none_or(|next| next.id != d.id))
        .map(|(_, d)| decode(d))
        .collect()
}

/// Stores a rule document of which one is in force (the intake or routing
/// rules), given without its version, as the next version of `kind` unless
/// it equals the latest; answers the version in force. A new version bumps
/// the load count `sequence`, telling every engine sharing the store that
/// its cached rules are stale.
pub(super) fn store_rule_document<T: Serialize + DeserializeOwned + PartialEq>(
    tx: &mut dyn WriteTx,
    (kind, id, sequence): (&str, &str, &str),
    def: &T,
    loaded_at: Timestamp,
) -> Result<u32> {
    let stored = tx.definitions(kind)?;
    let current = stored.last();
    if let Some(current) = current {
        if decode::<T>(current)? == *def {
            return Ok(current.version);
        }
    }
    let version = current.map_or(1, |c| c.version + 1);
    tx.put_definition(&StoredDefinition {
        kind: kind.into(),
        id: id.into(),
        version,
        loaded_at,
        body: serde_json::to_value(def)?,
    })?;
    tx.next_sequence(sequence)?;
    Ok(version)
}
