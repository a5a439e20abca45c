//! Recognition of an incoming contact (the screen pop): who is calling, with
//! their open cases and latest contacts, a household to choose from, or a
//! pre-filled new-customer draft.

use super::addresses::{caller_contact_kind, social_key};
use super::profiles::summary_of;
use super::Casebook;
use crate::caller::{CallerId, CallerKind};
use crate::error::{Error, Result};
use crate::model::{
    CaseSummary, Channel, Contact, ContactKind, ContactPointInput, Profile, ProfileInput,
    ProfileSummary,
};
use crate::store::{Looked, Lookup, Store, StoreExt};
use crate::text;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Longest address recognition accepts, in bytes.
const MAX_ADDRESS: usize = 1_000;

/// What recognition found for an incoming contact.
///
/// The caller's extension (`tel:...;ext=12`, `020 7946 0958 x12`) comes as
/// `extension` beside the outcome, and a caller who withheld their identity
/// as `"withheld": true` on an unknown outcome; both are left out of the JSON
/// when absent, so older readers see the same records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Recognition {
    /// No profile: a draft with the address in the right contact field.
    Unknown {
        /// Matching key of the address, if it could be normalised.
        key: Option<String>,
        /// A pre-filled new-customer draft (empty for a withheld caller).
        draft: ProfileInput,
        /// The extension the caller dialled from, kept apart from the number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extension: Option<String>,
        /// The caller withheld their identity: never matched to a profile.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        withheld: bool,
    },
    /// One profile.
    Known {
        /// The profile.
        // Shared with a store that holds it in memory: nothing is copied.
        profile: Arc<Profile>,
        /// Its summary.
        summary: ProfileSummary,
        /// Open cases, most urgent first.
        open_cases: Vec<CaseSummary>,
        /// Latest contacts, most recent first.
        recent_contacts: Vec<Arc<Contact>>,
        /// The extension the caller dialled from, kept apart from the number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extension: Option<String>,
    },
    /// A shared address (household landline, shared mailbox): the agent chooses.
    Several {
        /// Candidate profiles.
        candidates: Vec<ProfileSummary>,
        /// The extension the caller dialled from, kept apart from the number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extension: Option<String>,
    },
}

impl<S: Store> Casebook<S> {
    /// Recognises an incoming contact (screen pop): unknown (with a pre-filled
    /// draft), one profile (with open cases and recent contacts), or several
    /// (a shared number or mailbox).
    ///
    /// On voice, SMS and e-mail channels the address is read as a switch
    /// passes it ([`crate::parse_caller`]): a SIP or `tel:` URI, a whole
    /// `From` header value, a number with an extension. A SIP user that is
    /// not a number matches as an e-mail address (`sip:ada@example.org`) or,
    /// failing that, as an `other:` contact point (`other:sip:ada@pbx`).
    /// Withheld callers are never matched.
    pub fn recognize(&self, channel: Channel, address: &str) -> Result<Recognition> {
        if address.len() > MAX_ADDRESS {
            return Err(Error::InvalidInput(format!(
                "the address is longer than {MAX_ADDRESS} bytes"
            )));
        }
        let caller = self.caller_of(channel, address);
        let key = self.key_of(channel, address, caller.as_ref());
        let extension = caller.as_ref().and_then(|c| c.extension.clone());
        let withheld = caller
            .as_ref()
            .is_some_and(|c| c.kind == CallerKind::Withheld);
        let recent = self.config.recognition_recent_contacts;
        self.store.read_with(|tx| {
            // The SLA definitions' load count and the key's profiles at
            // once: one round trip on a network store, which is also asked
            // for the cases and contacts of the key's profile should only
            // one hold it (the usual known caller).
            let mut ahead = None;
            let (slas, mut profiles) = match &key {
                Some(k) => {
                    let ask_ahead = tx.batches_reads();
                    let mut lookups = vec![Self::definitions_loaded(), Lookup::ProfilesWithKey(k)];
                    if ask_ahead {
                        lookups.push(Lookup::SoleProfileCases(k));
                        lookups.push(Lookup::SoleProfileContacts {
                            key: k,
                            limit: recent,
                        });
                    }
                    let mut answers = tx.read_many(&lookups)?.into_iter();
                    let loads = Looked::next_of(&mut answers)?.into_sequence()?;
                    let stored = Looked::next_of(&mut answers)?.into_profiles()?;
                    if ask_ahead {
                        let linked = Looked::next_of(&mut answers)?.into_linked_cases()?;
                        let contacts = Looked::next_of(&mut answers)?.into_contacts()?;
                        if let [only] = stored.as_slice() {
                            ahead = Some((only.id, linked, contacts));
                        }
                    }
                    (
                        Some(self.sla_set_at(tx, loads)?),
                        self.live_profiles(tx, stored)?,
                    )
                }
                None => (None, Vec::new()),
            };
            let slas = match slas {
                Some(slas) => slas,
                None if profiles.is_empty() => Default::default(),
                None => self.sla_set(tx)?,
            };
            match profiles.len() {
                0 => Ok(Recognition::Unknown {
                    draft: if withheld {
                        ProfileInput::default()
                    } else {
                        self.draft_for(channel, address, caller.as_ref())
                    },
                    key: key.clone(),
                    extension: extension.clone(),
                    withheld,
                }),
                1 => {
                    let profile = profiles.swap_remove(0);
                    let (linked, recent_contacts) = match ahead {
                        // Read in advance for the key's only profile, which is this one
                        // (not the survivor of a merged profile holding the key).
                        Some((id, linked, contacts)) if id == profile.id => (linked, contacts),
                        _ => {
                            // Cases and contacts at once (one round trip on a network store).
                            let lookups = [
                                Lookup::LinkedCases(profile.id),
                                Lookup::LatestContacts {
                                    profile: profile.id,
                                    limit: recent,
                                },
                            ];
                            let mut answers = tx.read_many(&lookups)?.into_iter();
                            (
                                Looked::next_of(&mut answers)?.into_linked_cases()?,
                                Looked::next_of(&mut answers)?.into_contacts()?,
                            )
                        }
                    };
                    let open_cases: Vec<CaseSummary> = self
                        .summarize_cases(tx, &slas, linked, true)?
                        .into_iter()
                        .map(|pc| pc.case)
                        .collect();
                    // The open cases are at hand: no second pass over the links.
                    let summary = summary_of(&profile, open_cases.len());
                    Ok(Recognition::Known {
                        profile,
                        summary,
                        open_cases,
                        recent_contacts,
                        extension: extension.clone(),
                    })
                }
                _ => {
                    let mut candidates = profiles
                        .iter()
                        .map(|p| {
                            let open = self.cases_of_profile_in(tx, &slas, p.id, true)?;
                            let mut summary = summary_of(p, open.len());
                            summary.most_urgent_case =
                                open.into_iter().next().map(|pc| Box::new(pc.case));
                            Ok(summary)
                        })
                        .collect::<Result<Vec<_>>>()?;
                    candidates.sort_by(|a, b| {
                        b.last_interaction_at
                            .cmp(&a.last_interaction_at)
                            .then(a.customer_id.cmp(&b.customer_id))
                    });
                    Ok(Recognition::Several {
                        candidates,
                        extension: extension.clone(),
                    })
                }
            }
        })
    }

    /// A new-customer draft with the address in the contact field of its
    /// kind: the caller's normalised number (without the extension) or address.
    pub(super) fn draft_for(
        &self,
        channel: Channel,
        address: &str,
        caller: Option<&CallerId>,
    ) -> ProfileInput {
        let (kind, address) = match caller {
            Some(c) => (caller_contact_kind(c.kind), c.address.as_str()),
            None => (channel.contact_kind(), address),
        };
        // A value that does not normalise is still placed, as received, for the agent to correct.
        let received = text::squash_whitespace(address);
        let value = match kind {
            ContactKind::Phone => self.phone.normalize(address).ok(),
            ContactKind::Email => crate::email::normalize(address),
            ContactKind::Social => social_key(address).map(|(_, v)| v),
            _ => None,
        }
        .or_else(|| self.key_of(channel, address, caller).map(|_| received));
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
