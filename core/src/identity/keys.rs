//! What a profile is found by: the exact index keys (contact points, the
//! numbers of its template's identifying phone fields, accounts, identity
//! documents, duplicate-detection blocking keys) and the folded name tokens.
//! The engine derives them here and hands them to the store, which only
//! stores and indexes them.

use super::matching::MatchView;
use crate::model::Profile;
use crate::store::ProfileIndex;
use crate::text;

/// Version of the key rules written in code: bump it whenever a derivation
/// changes (a contact point's key, the index keys below, the name tokens),
/// so stored profiles are re-keyed the next time an engine opens the store.
pub const KEY_RULES_VERSION: u32 = 2;

/// Everything a store indexes a profile by. `field_keys` are the contact
/// keys of its template's identifying phone fields (`phone:+44...`), which
/// the engine derives exactly as it derives a phone contact point's key.
pub(crate) fn profile_index(profile: &Profile, field_keys: Vec<String>) -> ProfileIndex {
    ProfileIndex {
        keys: index_keys(profile, field_keys),
        name_tokens: name_tokens(profile),
    }
}

/// Exact index keys of a profile, sorted: its contact keys, the keys of
/// its identifying phone fields (`field_keys`), `account:<id>`, `ident:<kind>:<value>` (folded) and, for a live profile,
/// the duplicate-detection blocking keys (`bk:...`, see
/// [`MatchView::blocking_keys`]).
pub(crate) fn index_keys(profile: &Profile, field_keys: Vec<String>) -> Vec<String> {
    let mut keys = field_keys;
    keys.extend(profile.contact_points.iter().map(|p| p.key.clone()));
    if !profile.is_tombstone() {
        keys.extend(MatchView::of(profile).blocking_keys());
    }
    keys.extend(profile.accounts.iter().map(|a| account_key(a)));
    keys.extend(
        profile
            .identifications
            .iter()
            .map(|i| identification_key(&i.kind, &i.value)),
    );
    keys.sort();
    keys.dedup();
    keys
}

/// Folded name tokens of a profile, sorted and unique, for name search.
pub(crate) fn name_tokens(profile: &Profile) -> Vec<String> {
    let mut tokens = text::tokens(&format!("{} {}", profile.given_name, profile.family_name));
    tokens.sort();
    tokens.dedup();
    tokens
}

/// Index key of an account id.
pub(crate) fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

/// Index key of an identification.
pub(crate) fn identification_key(kind: &str, value: &str) -> String {
    let compact: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    format!("ident:{}:{compact}", kind.trim().to_lowercase())
}
