//! A bulk write's new profiles as multi-row inserts: they are gathered in
//! the transaction and go to the server as one statement per
//! [`MAX_ROWS`] profiles (with their key and name index rows), sent just
//! before the transaction's next statement of any kind, so every read and
//! write after them sees them, and before the commit.

use super::codec::{bigint, Tx};
use super::wire::OwnedParam;
use crate::error::Result;
use crate::model::Profile;
use crate::store::ProfileIndex;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Profiles per insert statement: large enough that a statement's round
/// trip and planning are spread over many rows, small enough to bound the
/// statement's size (a profile's body is a few kilobytes at most).
pub(super) const MAX_ROWS: usize = 1000;

/// New profiles not sent yet, column by column (each index row beside the
/// profile it belongs to).
#[derive(Default)]
pub(super) struct NewProfiles {
    ids: Vec<Uuid>,
    customer_ids: Vec<String>,
    versions: Vec<i64>,
    bodies: Vec<String>,
    keys: Vec<String>,
    key_owners: Vec<Uuid>,
    names: Vec<String>,
    name_owners: Vec<Uuid>,
}

impl NewProfiles {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn push(&mut self, profile: &Profile, version: i64, body: String, index: &ProfileIndex) {
        self.ids.push(profile.id);
        self.customer_ids.push(profile.customer_id.clone());
        self.versions.push(version);
        self.bodies.push(body);
        for key in index.keys.iter().collect::<BTreeSet<_>>() {
            self.keys.push(key.clone());
            self.key_owners.push(profile.id);
        }
        for token in index.name_tokens.iter().collect::<BTreeSet<_>>() {
            self.names.push(token.clone());
            self.name_owners.push(profile.id);
        }
    }

    fn into_params(self) -> Vec<OwnedParam> {
        vec![
            Box::new(self.ids),
            Box::new(self.customer_ids),
            Box::new(self.versions),
            Box::new(self.bodies),
            Box::new(self.keys),
            Box::new(self.key_owners),
            Box::new(self.names),
            Box::new(self.name_owners),
        ]
    }
}

impl Tx<'_> {
    /// Gathers a new profile of a bulk write; full, the gathered ones go.
    pub(super) fn gather_new_profile(&self, profile: &Profile, index: &ProfileIndex) -> Result<()> {
        let version = bigint(profile.version, "record version")?;
        let body = self.encode(profile)?;
        let full = {
            let mut pending = self.new_profiles.borrow_mut();
            pending.push(profile, version, body, index);
            pending.len() >= MAX_ROWS
        };
        if full {
            self.send_new_profiles()?;
        }
        Ok(())
    }

    /// Sends the gathered new profiles, if any, without waiting for the
    /// answer: a taken id or customer ID (no `ON CONFLICT` for them) fails
    /// the statement, which aborts the whole transaction, and the next
    /// statement or the commit reports it.
    pub(super) fn send_new_profiles(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.new_profiles.borrow_mut());
        if pending.len() == 0 {
            return Ok(());
        }
        // The index rows join the inserted profiles, so they are written
        // after them whatever order the server runs the parts in.
        self.exec_deferred(
            "WITH p AS (
                 INSERT INTO profiles (id, customer_id, version, body)
                 SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[])
                 RETURNING id),
             k AS (
                 INSERT INTO profile_keys (key, profile_id)
                 SELECT r.key, p.id FROM unnest($5::text[], $6::uuid[]) AS r (key, owner)
                 JOIN p ON p.id = r.owner
                 ON CONFLICT DO NOTHING)
             INSERT INTO profile_names (token, profile_id)
             SELECT r.token, p.id FROM unnest($7::text[], $8::uuid[]) AS r (token, owner)
             JOIN p ON p.id = r.owner
             ON CONFLICT DO NOTHING",
            pending.into_params(),
        )
    }
}
