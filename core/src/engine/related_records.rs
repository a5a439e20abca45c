//! A case's typed relations to other records: incidents, problems, changes,
//! requests and knowledge articles, our own cases or records of another
//! system; and a case's relations listed by kind, beside its parent.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::model::{CaseSummary, ExternalRef, RelatedKind, RelatedRecord};
use crate::store::{Store, StoreExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most relations one case holds.
const MAX_RELATED: usize = 500;

/// What to relate a case to: one of our cases or a record elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelatedInput {
    /// How it relates.
    pub kind: RelatedKind,
    /// One of our cases: its id or number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// A record of another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalRef>,
}

/// One related record as listed: the relation, with the related case's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelatedView {
    /// The relation.
    pub relation: RelatedRecord,
    /// The related case, when it is one of ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseSummary>,
}

/// A case's related records of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelatedGroup {
    /// The kind.
    pub kind: RelatedKind,
    /// Its records, in the order related.
    pub records: Vec<RelatedView>,
}

/// A case's relations ([`Casebook::case_relations`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseRelations {
    /// Its parent case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CaseSummary>,
    /// Its child cases, in the order attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CaseSummary>,
    /// The closed case it follows up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<CaseSummary>,
    /// Its related records grouped by kind, in the order of the kinds
    /// (incident, problem, change, request, knowledge).
    pub related: Vec<RelatedGroup>,
}

impl<S: Store> Casebook<S> {
    /// Relates a case to another record with a kind: one of our cases or a
    /// record of another system (exactly one of them). Relating the same
    /// record with the same kind again changes nothing.
    pub fn relate_record<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        input: RelatedInput,
    ) -> Result<RelatedRecord> {
        let by = actor.check()?;
        let case = case.into();
        let external = match &input.external {
            Some(e) => Some(super::external_records::clean_ref(e, true)?),
            None => None,
        };
        if input.case.is_some() == external.is_some() {
            return Err(Error::InvalidInput(
                "relate a case to one record: give either `case` or `external`".into(),
            ));
        }
        let now = self.now();
        self.store.write_with(|tx| {
            let mut current = self.resolve_case(&*tx, case)?;
            let other = match input.case.as_deref() {
                Some(r) => {
                    let other = self.resolve_case(&*tx, Ref::Key(r))?;
                    if other.id == current.id {
                        return Err(Error::InvalidInput(
                            "a case is not related to itself".into(),
                        ));
                    }
                    Some(other.id)
                }
                None => None,
            };
            let relation = RelatedRecord {
                kind: input.kind,
                case: other,
                external: external.clone(),
                linked_at: now,
                linked_by: by.to_string(),
            };
            let same = |r: &RelatedRecord| {
                r.kind == relation.kind
                    && r.case == relation.case
                    && match (&r.external, &relation.external) {
                        (Some(a), Some(b)) => a.same_record(b),
                        (None, None) => true,
                        _ => false,
                    }
            };
            if let Some(existing) = current.related.iter().find(|r| same(r)) {
                return Ok(existing.clone());
            }
            if current.related.len() >= MAX_RELATED {
                return Err(Error::InvalidState(format!(
                    "a case holds at most {MAX_RELATED} related records"
                )));
            }
            current.related.push(relation.clone());
            self.save_case_edit(tx, &mut current, by, now)?;
            Ok(relation)
        })
    }

    /// Removes a case's relation of `kind` to a case (id or number) or to a
    /// record elsewhere (`system`, `record_type`, `external_id`).
    pub fn unrelate_record<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        input: RelatedInput,
    ) -> Result<()> {
        let by = actor.check()?;
        let case = case.into();
        let now = self.now();
        self.store.write_with(|tx| {
            let mut current = self.resolve_case(&*tx, case)?;
            let other = match input.case.as_deref() {
                Some(r) => Some(self.resolve_case(&*tx, Ref::Key(r))?.id),
                None => None,
            };
            let before = current.related.len();
            current.related.retain(|r| {
                let matches = r.kind == input.kind
                    && r.case == other
                    && match (&r.external, &input.external) {
                        (Some(a), Some(b)) => {
                            a.system == b.system.trim()
                                && a.record_type == b.record_type.trim()
                                && a.external_id == b.external_id.trim()
                        }
                        (None, None) => true,
                        _ => false,
                    };
                !matches
            });
            if current.related.len() == before {
                return Err(Error::not_found(
                    Entity::RelatedRecord,
                    format!("{:?} of {}", input.kind, current.number),
                ));
            }
            self.save_case_edit(tx, &mut current, by, now)?;
            Ok(())
        })
    }

    /// A case's relations: its parent, the case it follows up, and its
    /// related records grouped by kind.
    pub fn case_relations<'a>(&self, case: impl Into<Ref<'a>>) -> Result<CaseRelations> {
        let case = case.into();
        self.store.read_with(|tx| {
            let current = self.resolve_case(tx, case)?;
            let summary = |id: Option<uuid::Uuid>| -> Result<Option<CaseSummary>> {
                Ok(match id {
                    Some(id) => tx.case(id)?.as_ref().map(CaseSummary::from),
                    None => None,
                })
            };
            let mut by_kind: BTreeMap<RelatedKind, Vec<RelatedView>> = BTreeMap::new();
            for relation in &current.related {
                by_kind.entry(relation.kind).or_default().push(RelatedView {
                    case: summary(relation.case)?,
                    relation: relation.clone(),
                });
            }
            let related = by_kind
                .into_iter()
                .map(|(kind, records)| RelatedGroup { kind, records })
                .collect();
            let mut children = Vec::new();
            for child in self.children_of(tx, current.id)? {
                children.extend(summary(Some(child))?);
            }
            Ok(CaseRelations {
                parent: summary(current.parent)?,
                children,
                follow_up_of: summary(current.follow_up_of)?,
                related,
            })
        })
    }
}
