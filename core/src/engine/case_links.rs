//! The links between cases and profiles: linking, unlinking, and the cases
//! of a profile, most urgent first.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::model::{Case, CaseLink, CaseSummary, LinkRole};
use crate::sla::SlaSet;
use crate::store::{ReadTx, Store, StoreExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// A case linked to a profile, with the profile's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileCase {
    /// The case.
    pub case: CaseSummary,
    /// The profile's role on it.
    pub role: LinkRole,
}

impl<S: Store> Casebook<S> {
    /// Links a case to a profile with a role (changing the role if already linked).
    pub fn link_case<'a, 'b>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        profile: impl Into<Ref<'b>>,
        role: LinkRole,
    ) -> Result<CaseLink> {
        let by = actor.check()?;
        let (case, profile) = (case.into(), profile.into());
        let now = self.now();
        self.store.write_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            let p = self.resolve_profile(tx, profile)?;
            let link = CaseLink {
                case_id: c.id,
                profile_id: p.id,
                role,
                linked_at: now,
                linked_by: by.to_string(),
            };
            tx.put_link(&link)?;
            Ok(link)
        })
    }

    /// Removes the link of a case and a profile.
    pub fn unlink_case<'a, 'b>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        profile: impl Into<Ref<'b>>,
    ) -> Result<()> {
        actor.check()?;
        let (case, profile) = (case.into(), profile.into());
        self.store.write_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            let p = self.resolve_profile(tx, profile)?;
            if tx.delete_link(c.id, p.id)? {
                Ok(())
            } else {
                Err(Error::not_found(
                    Entity::CaseLink,
                    format!("{} - {}", c.number, p.customer_id),
                ))
            }
        })
    }

    /// The profiles linked to a case.
    pub fn case_links<'a>(&self, case: impl Into<Ref<'a>>) -> Result<Vec<CaseLink>> {
        let case = case.into();
        self.store.read_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            tx.links_of_case(c.id)
        })
    }

    /// A profile's cases, most urgent first, then most recently changed,
    /// their clocks by `slas` (read once per transaction, and first: a
    /// network store sends the first read along with its `BEGIN`).
    pub(super) fn cases_of_profile_in(
        &self,
        tx: &dyn ReadTx,
        slas: &SlaSet,
        profile: Uuid,
        open_only: bool,
    ) -> Result<Vec<ProfileCase>> {
        self.summarize_cases(tx, slas, tx.linked_cases(profile)?, open_only)
    }

    /// [`Casebook::cases_of_profile_in`] over links and cases already read.
    pub(super) fn summarize_cases(
        &self,
        tx: &dyn ReadTx,
        slas: &SlaSet,
        linked: Vec<(CaseLink, Arc<Case>)>,
        open_only: bool,
    ) -> Result<Vec<ProfileCase>> {
        // One instant for every clock of the answer (and no clock read without SLAs).
        let now = (!slas.is_empty()).then(|| self.now());
        let mut out = Vec::new();
        for (link, case) in linked {
            if open_only && !case.status.is_open() {
                continue;
            }
            let mut summary = CaseSummary::from(&*case);
            if case.status.is_open() {
                summary.slas = self.slas_of(tx, slas, &case, now)?;
            }
            out.push(ProfileCase {
                case: summary,
                role: link.role,
            });
        }
        out.sort_by(|a, b| {
            a.case
                .priority
                .cmp(&b.case.priority)
                .then(b.case.updated_at.cmp(&a.case.updated_at))
                .then(a.case.number.cmp(&b.case.number))
        });
        Ok(out)
    }

    /// A profile's cases, most urgent first (`open_only`: only new, in progress, awaiting customer).
    pub fn cases_of_profile<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
        open_only: bool,
    ) -> Result<Vec<ProfileCase>> {
        let profile = profile.into();
        self.store.read_with(|tx| {
            let slas = self.sla_set(tx)?;
            let p = self.resolve_profile(tx, profile)?;
            self.cases_of_profile_in(tx, &slas, p.id, open_only)
        })
    }
}
