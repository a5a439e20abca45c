//! Batched lookups: several independent reads a network store answers in
//! one round trip ([`ReadTx::read_many`]).

use super::ReadTx;
use crate::error::{Error, Result};
use crate::model::{Case, CaseLink, Contact, Profile};
use std::sync::Arc;
use uuid::Uuid;

/// One lookup of [`ReadTx::read_many`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// [`ReadTx::sequence`].
    Sequence(&'a str),
    /// [`ReadTx::profiles_with_key`].
    ProfilesWithKey(&'a str),
    /// [`ReadTx::linked_cases`].
    LinkedCases(Uuid),
    /// [`ReadTx::contacts_of_profile`] over all time: the latest `limit`.
    LatestContacts {
        /// Whose contacts.
        profile: Uuid,
        /// How many at most.
        limit: usize,
    },
    /// [`ReadTx::linked_cases`] of the one profile holding a key (none when
    /// no profile or several hold it): asked beside the key's profiles, so
    /// a screen pop costs one round trip on a network store.
    SoleProfileCases(&'a str),
    /// [`Lookup::LatestContacts`] of the one profile holding a key (none
    /// when no profile or several hold it).
    SoleProfileContacts {
        /// The contact key.
        key: &'a str,
        /// How many at most.
        limit: usize,
    },
}

/// [`ReadTx::read_many`] one lookup after the other.
pub fn read_one_by_one<T: ReadTx + ?Sized>(tx: &T, lookups: &[Lookup<'_>]) -> Result<Vec<Looked>> {
    lookups
        .iter()
        .map(|lookup| match *lookup {
            Lookup::Sequence(name) => tx.sequence(name).map(Looked::Sequence),
            Lookup::ProfilesWithKey(key) => tx.shared_profiles_with_key(key).map(Looked::Profiles),
            Lookup::LinkedCases(profile) => tx.linked_cases(profile).map(Looked::LinkedCases),
            Lookup::LatestContacts { profile, limit } => tx
                .latest_shared_contacts(profile, limit)
                .map(Looked::Contacts),
            Lookup::SoleProfileCases(key) => match sole_profile(tx, key)? {
                Some(profile) => tx.linked_cases(profile).map(Looked::LinkedCases),
                None => Ok(Looked::LinkedCases(Vec::new())),
            },
            Lookup::SoleProfileContacts { key, limit } => match sole_profile(tx, key)? {
                Some(profile) => tx
                    .latest_shared_contacts(profile, limit)
                    .map(Looked::Contacts),
                None => Ok(Looked::Contacts(Vec::new())),
            },
        })
        .collect()
}

/// The profile holding `key` when exactly one does.
fn sole_profile<T: ReadTx + ?Sized>(tx: &T, key: &str) -> Result<Option<Uuid>> {
    Ok(match tx.profiles_by_key(key)?.as_slice() {
        [only] => Some(*only),
        _ => None,
    })
}

/// The answer to one [`Lookup`], of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Looked {
    /// A sequence's value.
    Sequence(u64),
    /// Profiles, shared where the store holds them in memory.
    Profiles(Vec<Arc<Profile>>),
    /// Links with their cases.
    LinkedCases(Vec<(CaseLink, Arc<Case>)>),
    /// Contacts, latest first, shared where the store holds them in memory.
    Contacts(Vec<Arc<Contact>>),
}

impl Looked {
    /// The next of a [`ReadTx::read_many`] batch's answers.
    pub fn next_of(answers: &mut impl Iterator<Item = Looked>) -> Result<Looked> {
        answers
            .next()
            .ok_or_else(|| Error::Internal("a store answered fewer lookups than asked".into()))
    }

    fn mismatch(&self, wanted: &str) -> Error {
        let got = match self {
            Looked::Sequence(_) => "a sequence",
            Looked::Profiles(_) => "profiles",
            Looked::LinkedCases(_) => "linked cases",
            Looked::Contacts(_) => "contacts",
        };
        Error::Internal(format!("a store answered a {wanted} lookup with {got}"))
    }

    /// The sequence value this answer holds.
    pub fn into_sequence(self) -> Result<u64> {
        match self {
            Looked::Sequence(v) => Ok(v),
            other => Err(other.mismatch("sequence")),
        }
    }

    /// The profiles this answer holds.
    pub fn into_profiles(self) -> Result<Vec<Arc<Profile>>> {
        match self {
            Looked::Profiles(v) => Ok(v),
            other => Err(other.mismatch("profiles")),
        }
    }

    /// The links and cases this answer holds.
    pub fn into_linked_cases(self) -> Result<Vec<(CaseLink, Arc<Case>)>> {
        match self {
            Looked::LinkedCases(v) => Ok(v),
            other => Err(other.mismatch("linked cases")),
        }
    }

    /// The contacts this answer holds.
    pub fn into_contacts(self) -> Result<Vec<Arc<Contact>>> {
        match self {
            Looked::Contacts(v) => Ok(v),
            other => Err(other.mismatch("contacts")),
        }
    }
}
