//! The records that external records and attachments hang on (a profile, a
//! case, a contact), loaded and saved alike, and what the host is told to
//! write about them elsewhere.

use super::Casebook;
use crate::error::Result;
use crate::model::{Attachment, Case, Contact, ExternalLink, Profile, Target};
use crate::store::{ReadTx, Store, WriteTx};
use jiff::Timestamp;
use serde_json::{json, Value};
use uuid::Uuid;

/// A loaded target record (one at a time, on the stack: the sizes of its
/// variants differ, boxing them would buy nothing).
#[allow(clippy::large_enum_variant)]
pub(super) enum Loaded {
    Profile(Profile),
    Case(Case),
    Contact(Contact),
}

impl Loaded {
    /// Its external records.
    pub(super) fn links(&self) -> &Vec<ExternalLink> {
        match self {
            Loaded::Profile(p) => &p.external_records,
            Loaded::Case(c) => &c.external_records,
            Loaded::Contact(c) => &c.external_records,
        }
    }

    /// Its external records, to change.
    pub(super) fn links_mut(&mut self) -> &mut Vec<ExternalLink> {
        match self {
            Loaded::Profile(p) => &mut p.external_records,
            Loaded::Case(c) => &mut c.external_records,
            Loaded::Contact(c) => &mut c.external_records,
        }
    }

    /// Its attachments (a profile has none of its own).
    pub(super) fn attachments_mut(&mut self) -> Option<&mut Vec<Attachment>> {
        match self {
            Loaded::Profile(_) => None,
            Loaded::Case(c) => Some(&mut c.attachments),
            Loaded::Contact(c) => Some(&mut c.attachments),
        }
    }

    /// Its internal id.
    pub(super) fn id(&self) -> Uuid {
        match self {
            Loaded::Profile(p) => p.id,
            Loaded::Case(c) => c.id,
            Loaded::Contact(c) => c.id,
        }
    }

    /// The target naming it by its stable key (customer ID, case number, id).
    pub(super) fn target(&self) -> Target {
        match self {
            Loaded::Profile(p) => Target::Profile(p.customer_id.clone()),
            Loaded::Case(c) => Target::Case(c.number.clone()),
            Loaded::Contact(c) => Target::Contact(c.id.to_string()),
        }
    }
}

impl<S: Store> Casebook<S> {
    /// Loads the record a target names (a merged profile: its survivor).
    pub(super) fn load_target(&self, tx: &dyn ReadTx, target: &Target) -> Result<Loaded> {
        Ok(match target {
            Target::Profile(r) => Loaded::Profile(self.resolve_profile(tx, r.as_str().into())?),
            Target::Case(r) => Loaded::Case(self.resolve_case(tx, r.as_str().into())?),
            Target::Contact(r) => Loaded::Contact(self.resolve_contact(tx, r.as_str().into())?),
        })
    }

    /// Saves a changed target: a profile or a case as its next version
    /// (someone editing the version before is told of the change), a contact
    /// as it is (contacts have no versions).
    pub(super) fn save_target(
        &self,
        tx: &mut dyn WriteTx,
        loaded: Loaded,
        by: &str,
        now: Timestamp,
    ) -> Result<Loaded> {
        Ok(match loaded {
            Loaded::Profile(mut p) => {
                let version = p.version;
                p.version += 1;
                p.updated_at = now;
                p.updated_by = by.to_string();
                self.save_profile(tx, &p, Some(version))?;
                Loaded::Profile(p)
            }
            Loaded::Case(mut c) => {
                self.save_case_edit(tx, &mut c, by, now)?;
                Loaded::Case(c)
            }
            Loaded::Contact(c) => {
                tx.put_contact(&c)?;
                Loaded::Contact(c)
            }
        })
    }

    /// What the host writes into another system about a target: the
    /// customer's details and, for an interaction, the interaction's.
    pub(super) fn details_of(&self, tx: &dyn ReadTx, loaded: &Loaded) -> Result<Value> {
        let person = |p: &Profile| {
            json!({
                "customer_id": p.customer_id,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "phone": p.primary(crate::model::ContactKind::Phone).map(|c| c.value.clone()),
                "email": p.primary(crate::model::ContactKind::Email).map(|c| c.value.clone()),
            })
        };
        Ok(match loaded {
            Loaded::Profile(p) => json!({ "profile": person(p) }),
            Loaded::Case(c) => json!({
                "case": {"number": c.number, "short_description": c.short_description,
                         "status": c.status, "priority": c.priority},
            }),
            Loaded::Contact(c) => {
                let profile = match c.profile_id {
                    Some(id) => tx.profile(id)?.map(|p| person(&p)),
                    None => None,
                };
                let mut cases = Vec::new();
                for id in &c.case_ids {
                    if let Some(case) = tx.case(*id)? {
                        cases.push(case.number);
                    }
                }
                json!({
                    "profile": profile,
                    "interaction": {
                        "contact_id": c.id, "channel": c.channel, "direction": c.direction,
                        "address": c.address, "started_at": c.started_at, "ended_at": c.ended_at,
                        "agent": c.agent, "summary": c.summary, "cases": cases,
                    },
                })
            }
        })
    }
}
