//! Recognition of an incoming contact (the screen pop): who is calling, with
//! their open cases and latest contacts, a household to choose from, or a
//! pre-filled new-customer draft.

use super::addresses::social_key;
use super::profiles::summary_of;
use super::Casebook;
use crate::error::{Error, Result};
use crate::model::{
    CaseSummary, Channel, Contact, ContactKind, ContactPointInput, Profile, ProfileInput,
    ProfileSummary,
};
use crate::store::{Store, StoreExt};
use crate::text;
use serde::{Deserialize, Serialize};

/// Longest address recognition accepts, in bytes.
const MAX_ADDRESS: usize = 1_000;

/// What recognition found for an incoming contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Recognition {
    /// No profile: a draft with the address in the right contact field.
    Unknown {
        /// Matching key of the address, if it could be normalised.
        key: Option<String>,
        /// A pre-filled new-customer draft.
        draft: ProfileInput,
    },
    /// One profile.
    Known {
        /// The profile.
        profile: Box<Profile>,
        /// Its summary.
        summary: ProfileSummary,
        /// Open cases, most urgent first.
        open_cases: Vec<CaseSummary>,
        /// Latest contacts, most recent first.
        recent_contacts: Vec<Contact>,
    },
    /// A shared address (household landline, shared mailbox): the agent chooses.
    Several {
        /// Candidate profiles.
        candidates: Vec<ProfileSummary>,
    },
}

impl<S: Store> Casebook<S> {
    /// Recognises an incoming contact (screen pop): unknown (with a pre-filled
    /// draft), one profile (with open cases and recent contacts), or several
    /// (a shared number or mailbox).
    pub fn recognize(&self, channel: Channel, address: &str) -> Result<Recognition> {
        if address.len() > MAX_ADDRESS {
            return Err(Error::InvalidInput(format!(
                "the address is longer than {MAX_ADDRESS} bytes"
            )));
        }
        let key = self.address_key(channel, address);
        self.store.read_with(|tx| {
            let mut profiles = match &key {
                Some(k) => self.live_profiles_by_key(tx, k)?,
                None => Vec::new(),
            };
            match profiles.len() {
                0 => Ok(Recognition::Unknown {
                    draft: self.draft_for(channel, address),
                    key: key.clone(),
                }),
                1 => {
                    let profile = profiles.swap_remove(0);
                    let open_cases: Vec<CaseSummary> = self
                        .cases_of_profile_in(tx, profile.id, true)?
                        .into_iter()
                        .map(|pc| pc.case)
                        .collect();
                    // The open cases are at hand: no second pass over the links.
                    let summary = summary_of(&profile, open_cases.len());
                    let recent_contacts = tx.contacts_of_profile(
                        profile.id,
                        None,
                        None,
                        self.config.recognition_recent_contacts,
                    )?;
                    Ok(Recognition::Known {
                        profile: Box::new(profile),
                        summary,
                        open_cases,
                        recent_contacts,
                    })
                }
                _ => {
                    let mut candidates = profiles
                        .iter()
                        .map(|p| self.summary_in(tx, p))
                        .collect::<Result<Vec<_>>>()?;
                    candidates.sort_by(|a, b| {
                        b.last_interaction_at
                            .cmp(&a.last_interaction_at)
                            .then(a.customer_id.cmp(&b.customer_id))
                    });
                    Ok(Recognition::Several { candidates })
                }
            }
        })
    }

    /// A new-customer draft with the address in the contact field of its channel.
    fn draft_for(&self, channel: Channel, address: &str) -> ProfileInput {
        let kind = channel.contact_kind();
        // A value that does not normalise is still placed, as received, for the agent to correct.
        let received = text::squash_whitespace(address);
        let value = match kind {
            ContactKind::Phone => self.phone.normalize(address).ok(),
            ContactKind::Email => crate::email::normalize(address),
            ContactKind::Social => social_key(address).map(|(_, v)| v),
            _ => None,
        }
        .or_else(|| self.address_key(channel, address).map(|_| received));
        ProfileInput {
            contact_points: value
                .map(|value| {
                    vec![ContactPointInput {
                        kind,
                        value,
                        label: None,
                        primary: true,
                    }]
                })
                .unwrap_or_default(),
            ..ProfileInput::default()
        }
    }
}
