//! Profiles: creating them (with the duplicate check), reading, updating,
//! summarising and finding them.

use super::clean::truncate;
use super::ids::Ids;
use super::profile_form::PreparedProfile;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, ErrorCode, Result};
use crate::identity::{account_key, identification_key, name_tokens};
use crate::model::{Channel, ContactKind, Profile, ProfileInput, ProfileSummary};
use crate::store::{check_version, ReadTx, Store, StoreExt, WriteTx, NAME_CANDIDATE_CAP};
use crate::template::Mode;
use crate::text;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

const CUSTOMER_SEQUENCE: &str = "customer_id";

/// Largest result list any search returns.
pub(super) const MAX_RESULTS: usize = 1_000;

/// How to look profiles up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProfileQuery {
    /// Name words, case- and accent-insensitive, each matching the start of a name word.
    Name(String),
    /// E-mail address.
    Email(String),
    /// Phone number in any formatting.
    Phone(String),
    /// Account id.
    Account(String),
    /// Customer ID.
    CustomerId(String),
    /// Identification document.
    Identification {
        /// Document kind.
        kind: String,
        /// Number.
        value: String,
    },
}

/// Options of [`Casebook::create_profile`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CreateOptions {
    /// Create the profile even if it strongly matches existing profiles.
    pub allow_duplicates: bool,
}

/// The summary of a profile with a known number of open cases.
pub(super) fn summary_of(profile: &Profile, open_cases: usize) -> ProfileSummary {
    ProfileSummary {
        id: profile.id,
        customer_id: profile.customer_id.clone(),
        display_name: profile.display_name(),
        phone: profile.primary(ContactKind::Phone).map(|p| p.value.clone()),
        email: profile.primary(ContactKind::Email).map(|p| p.value.clone()),
        open_cases,
        last_interaction_at: profile.last_interaction_at,
        most_urgent_case: None,
    }
}

impl<S: Store> Casebook<S> {
    /// Creates a profile with a new customer ID. Unless `options` allow
    /// duplicates, a profile that strongly matches existing ones (score at
    /// or above the matching `warn_threshold`) is refused with
    /// [`Error::DuplicateSuspected`] listing them.
    pub fn create_profile(
        &self,
        actor: &Actor,
        input: ProfileInput,
        options: CreateOptions,
    ) -> Result<Profile> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            self.create_profile_in(tx, ids, by, &input, !options.allow_duplicates, now)
        })
    }

    /// Creates a profile inside a transaction; with `check_duplicates`, a
    /// strong match with existing profiles refuses it.
    pub(super) fn create_profile_in(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        input: &ProfileInput,
        check_duplicates: bool,
        now: Timestamp,
    ) -> Result<Profile> {
        let prepared = self
            .prepare_profile(tx, input, Mode::Create, None, now)?
            .accepted()?;
        let mut profile = build_profile(prepared, by, now);
        if check_duplicates {
            let strong: Vec<_> = self
                .duplicate_candidates_in(tx, &profile)?
                .into_iter()
                .filter(|c| c.score >= self.config.matching.warn_threshold)
                .collect();
            if !strong.is_empty() {
                return Err(Error::DuplicateSuspected { candidates: strong });
            }
        }
        let sequence = tx.next_sequence(CUSTOMER_SEQUENCE)?;
        profile.customer_id = self.config.customer_id_format.format(sequence);
        profile.id = ids.next();
        self.save_profile(tx, &profile, None)?;
        Ok(profile)
    }

    /// Stores a profile with what it is indexed by (compare-and-set on `expected_version`).
    pub(super) fn save_profile(
        &self,
        tx: &mut dyn WriteTx,
        profile: &Profile,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let before = match expected_version {
            Some(_) => tx.profile(profile.id)?,
            None => None,
        };
        self.store_profile(tx, profile, expected_version)?;
        self.emit_profile_saved(tx, before.as_ref(), profile)
    }

    /// [`Casebook::save_profile`] without events, for bookkeeping that
    /// changes no data (the time of the last interaction).
    pub(super) fn store_profile(
        &self,
        tx: &mut dyn WriteTx,
        profile: &Profile,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let index = self.profile_index_in(tx, profile)?;
        tx.put_profile(profile, index, expected_version)
    }

    /// A profile by id or customer ID; a merged-away profile resolves to its
    /// survivor unless asked for with [`Ref::Stored`].
    pub fn profile<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Profile> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_profile(tx, r))
    }

    /// Replaces the editable part of a profile. Fails with
    /// [`Error::Conflict`] if the profile is no longer at `expected_version`.
    pub fn update_profile<'a>(
        &self,
        actor: &Actor,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        input: ProfileInput,
    ) -> Result<Profile> {
        let by = actor.check()?;
        let r = r.into();
        let now = self.now();
        self.store.write_with(|tx| {
            let current = self.resolve_profile(tx, r)?;
            let version = current.version;
            check_version(
                Entity::Profile,
                &current.customer_id,
                Some(version),
                Some(expected_version),
            )?;
            self.update_profile_in(tx, by, &current, &input, now)
        })
    }

    /// Replaces the editable part of a stored profile with `input`, as its
    /// next version, inside a transaction.
    pub(super) fn update_profile_in(
        &self,
        tx: &mut dyn WriteTx,
        by: &str,
        current: &Profile,
        input: &ProfileInput,
        now: Timestamp,
    ) -> Result<Profile> {
        let version = current.version;
        let mode = Mode::Update {
            previous: &current.fields,
        };
        let prepared = self
            .prepare_profile(tx, input, mode, Some(current), now)?
            .accepted()?;
        let updated = Profile {
            version: version + 1,
            updated_at: now,
            updated_by: by.to_string(),
            ..profile_from(current.clone(), prepared)
        };
        self.save_profile(tx, &updated, Some(version))?;
        Ok(updated)
    }

    /// Records the start of a contact as the profile's latest interaction.
    pub(super) fn touch_profile(
        &self,
        tx: &mut dyn WriteTx,
        profile: Uuid,
        at: Timestamp,
    ) -> Result<()> {
        // Bookkeeping, not an edit: no version bump.
        if let Some(mut p) = tx.profile(profile)? {
            if p.last_interaction_at.is_none_or(|t| t < at) {
                p.last_interaction_at = Some(at);
                let version = p.version;
                self.store_profile(tx, &p, Some(version))?;
            }
        }
        Ok(())
    }

    /// The summary of a profile, counting its open cases.
    pub(super) fn summary_in(&self, tx: &dyn ReadTx, profile: &Profile) -> Result<ProfileSummary> {
        let open_cases = tx
            .linked_cases(profile.id)?
            .iter()
            .filter(|(_, case)| case.status.is_open())
            .count();
        Ok(summary_of(profile, open_cases))
    }

    /// The summary of a profile (name, primary phone and e-mail, open-case count).
    pub fn profile_summary<'a>(&self, r: impl Into<Ref<'a>>) -> Result<ProfileSummary> {
        let r = r.into();
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, r)?;
            self.summary_in(tx, &p)
        })
    }

    /// Profiles holding an index key; a merged-away profile counts as its survivor.
    pub(super) fn live_profiles_by_key(&self, tx: &dyn ReadTx, key: &str) -> Result<Vec<Profile>> {
        Ok(self
            .live_profiles(tx, tx.shared_profiles_with_key(key)?)?
            .into_iter()
            .map(Arc::unwrap_or_clone)
            .collect())
    }

    /// The live profiles `stored` profiles stand for (tombstones followed
    /// to the survivors), each once.
    pub(super) fn live_profiles(
        &self,
        tx: &dyn ReadTx,
        stored_profiles: Vec<Arc<Profile>>,
    ) -> Result<Vec<Arc<Profile>>> {
        let mut out: Vec<Arc<Profile>> = Vec::with_capacity(stored_profiles.len());
        for stored in stored_profiles {
            let p = super::follow_shared_redirects(tx, stored)?;
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Finds profiles. Results are sorted by family name, given name, customer ID.
    pub fn find_profiles(&self, query: &ProfileQuery, limit: usize) -> Result<Vec<ProfileSummary>> {
        let limit = limit.clamp(1, MAX_RESULTS);
        self.store.read_with(|tx| {
            let mut profiles: Vec<Profile> = match query {
                ProfileQuery::Name(words) => {
                    let tokens = text::tokens(words);
                    let Some(longest) = tokens.iter().max_by_key(|t| t.len()) else {
                        return Err(Error::InvalidInput(
                            "a name search needs at least one letter or digit".into(),
                        ));
                    };
                    let mut out = Vec::new();
                    // One profile at a time: up to thousands share a name prefix.
                    for id in tx.profiles_by_name_prefix(longest, NAME_CANDIDATE_CAP)? {
                        let Some(p) = tx.profile(id)? else { continue };
                        let name_tokens = name_tokens(&p);
                        if !p.is_tombstone()
                            && tokens
                                .iter()
                                .all(|q| name_tokens.iter().any(|n| n.starts_with(q.as_str())))
                        {
                            out.push(p);
                        }
                    }
                    out
                }
                ProfileQuery::Email(address) => {
                    let key = self.address_key(Channel::Email, address).ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "`{}` is not an e-mail address",
                            truncate(address)
                        ))
                    })?;
                    self.live_profiles_by_key(tx, &key)?
                }
                ProfileQuery::Phone(number) => {
                    let key = self.address_key(Channel::Voice, number).ok_or_else(|| {
                        Error::InvalidInput(format!("`{}` is not a phone number", truncate(number)))
                    })?;
                    self.live_profiles_by_key(tx, &key)?
                }
                ProfileQuery::Account(account) => {
                    self.live_profiles_by_key(tx, &account_key(account))?
                }
                ProfileQuery::Identification { kind, value } => {
                    self.live_profiles_by_key(tx, &identification_key(kind, value))?
                }
                ProfileQuery::CustomerId(cid) => match self.resolve_profile(tx, Ref::Key(cid)) {
                    Ok(p) => vec![p],
                    Err(e) if e.code() == ErrorCode::NotFound => Vec::new(),
                    Err(e) => return Err(e),
                },
            };
            profiles.sort_by_cached_key(|p| {
                (
                    text::fold(&p.family_name),
                    text::fold(&p.given_name),
                    p.customer_id.clone(),
                )
            });
            profiles.truncate(limit);
            profiles.iter().map(|p| self.summary_in(tx, p)).collect()
        })
    }
}

/// `base` with the editable part of a prepared profile form.
fn profile_from(base: Profile, prepared: PreparedProfile) -> Profile {
    let input = prepared.input;
    Profile {
        template: prepared.template,
        given_name: input.given_name,
        family_name: input.family_name,
        identifications: input.identifications,
        date_of_birth: prepared.date_of_birth,
        contact_points: prepared.contact_points,
        accounts: input.accounts,
        fields: input.fields,
        assigned_to: input.assigned_to,
        preferred_channel: input.preferred_channel,
        ..base
    }
}

/// A profile record from a prepared input (id and customer ID still to be given).
pub(super) fn build_profile(prepared: PreparedProfile, by: &str, now: Timestamp) -> Profile {
    let blank = Profile {
        id: Uuid::nil(),
        customer_id: String::new(),
        version: 1,
        template: None,
        given_name: String::new(),
        family_name: String::new(),
        identifications: Vec::new(),
        date_of_birth: None,
        contact_points: Vec::new(),
        accounts: Vec::new(),
        fields: Default::default(),
        assigned_to: None,
        preferred_channel: None,
        created_at: now,
        created_by: by.to_string(),
        updated_at: now,
        updated_by: by.to_string(),
        last_interaction_at: None,
        merged_into: None,
        external_records: Vec::new(),
    };
    profile_from(blank, prepared)
}
