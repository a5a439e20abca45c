//! The rules profile keys are derived by, and what follows from them: the
//! index of a profile (its contact keys plus the numbers of its template's
//! identifying phone fields), a profile's contact keys derived again, and a
//! fingerprint of the rules that tells whether stored keys are stale.

use super::Casebook;
use crate::email::EmailDomainRule;
use crate::error::Result;
use crate::identity::{profile_index, KEY_RULES_VERSION};
use crate::integrity::{InvariantProblem, ProblemKind};
use crate::model::{ContactKind, ContactPointInput, Profile};
use crate::phone::PhoneEquivalence;
use crate::store::{ProfileIndex, ReadTx, Store, WriteTx};
use crate::template::TemplateKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Blob kind of the key-rules state (one blob, id nil).
pub(super) const KEY_RULES: &str = "key_rules";

/// What the store records about its keys: the fingerprint of the rules every
/// stored key follows, and a re-keying pass under way.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct KeyRulesState {
    /// The rules every stored key was derived by; `None` in a store that
    /// never recorded them (every store written before re-keying existed).
    #[serde(default)]
    pub(super) fingerprint: Option<String>,
    /// A pass towards other rules, interrupted or under way.
    #[serde(default)]
    pub(super) pass: Option<Pass>,
}

/// A re-keying pass, resumable batch by batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Pass {
    /// The fingerprint the pass derives keys by.
    pub(super) target: String,
    /// Only the profiles of this template (the rest already follow the rules).
    #[serde(default)]
    pub(super) template: Option<String>,
    /// The last profile id done (profiles are taken in id order).
    #[serde(default)]
    pub(super) after: Option<Uuid>,
    /// Profiles rewritten so far.
    #[serde(default)]
    pub(super) rekeyed: u64,
}

impl KeyRulesState {
    /// The recorded state; a missing or unreadable blob reads as no state,
    /// which only costs one re-keying.
    pub(super) fn read(tx: &dyn ReadTx) -> Result<KeyRulesState> {
        Ok(tx
            .blob(KEY_RULES, Uuid::nil())?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    pub(super) fn write(&self, tx: &mut dyn WriteTx) -> Result<()> {
        tx.put_blob(KEY_RULES, Uuid::nil(), &serde_json::to_value(self)?)
    }

    /// The state recorded in a snapshot's blobs.
    pub(super) fn of_blobs(blobs: &[(String, Uuid, Value)]) -> KeyRulesState {
        blobs
            .iter()
            .find(|(kind, id, _)| kind == KEY_RULES && id.is_nil())
            .and_then(|(_, _, v)| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
}

/// Everything keys are derived by, in a stable order (hashed into the fingerprint).
#[derive(Serialize)]
struct Rules<'a> {
    version: u32,
    default_region: Option<&'a str>,
    phone_equivalences: &'a [PhoneEquivalence],
    email_domain_rules: &'a [EmailDomainRule],
    /// Profile template id and the identifying phone fields of its newest version.
    phone_fields: Vec<(String, Vec<String>)>,
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (the
/// standard hasher is not), and plenty to tell rule sets apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl<S: Store> Casebook<S> {
    /// The fingerprint of the key rules as this engine and the store's
    /// templates define them now.
    pub(super) fn key_rules_fingerprint(&self, tx: &dyn ReadTx) -> Result<String> {
        let mut phone_fields = Vec::new();
        let refs = tx.template_refs()?;
        for (i, r) in refs.iter().enumerate() {
            // Sorted by id then version: the last of each id is its newest.
            if refs.get(i + 1).is_some_and(|next| next.id == r.id) {
                continue;
            }
            let template = self.template_in(tx, &r.id, Some(r.version))?;
            let fields: Vec<String> = template
                .identifying_phone_fields()
                .map(str::to_string)
                .collect();
            if template.kind == TemplateKind::Profile && !fields.is_empty() {
                phone_fields.push((r.id.clone(), fields));
            }
        }
        let rules = Rules {
            version: KEY_RULES_VERSION,
            default_region: self.config.default_region.as_deref(),
            phone_equivalences: &self.config.phone_equivalences,
            email_domain_rules: &self.config.email_domain_rules,
            phone_fields,
        };
        Ok(format!("{:016x}", fnv1a(&serde_json::to_vec(&rules)?)))
    }

    /// The identifying phone fields of the newest version of a profile's
    /// template, as keys (`phone:+44...`, exactly a phone contact point's
    /// key for the number). The newest version decides, so a template that
    /// stops a field identifying stops it for every profile at once.
    pub(super) fn field_phone_keys(
        &self,
        tx: &dyn ReadTx,
        profile: &Profile,
    ) -> Result<Vec<String>> {
        let Some(reference) = &profile.template else {
            return Ok(Vec::new());
        };
        let Some(latest) = tx.latest_template_version(&reference.id)? else {
            return Ok(Vec::new());
        };
        let template = self.template_in(tx, &reference.id, Some(latest))?;
        let mut keys = Vec::new();
        for field in template.identifying_phone_fields() {
            let Some(Value::String(number)) = profile.fields.get(field) else {
                continue;
            };
            let input = ContactPointInput {
                kind: ContactKind::Phone,
                value: number.clone(),
                label: None,
                primary: false,
            };
            // A number the rules no longer read identifies nothing.
            if let Some(point) = self.contact_point(0, &input, &mut Vec::new()) {
                keys.push(point.key);
            }
        }
        Ok(keys)
    }

    /// Everything the store indexes a profile by, under the current rules.
    pub(super) fn profile_index_in(
        &self,
        tx: &dyn ReadTx,
        profile: &Profile,
    ) -> Result<ProfileIndex> {
        Ok(profile_index(profile, self.field_phone_keys(tx, profile)?))
    }

    /// The profile with every contact key derived again by the current
    /// rules (values, labels and the version unchanged); whether a key changed.
    /// A value the rules no longer accept keeps its key.
    pub(super) fn rederive_contact_keys(&self, profile: &mut Profile) -> bool {
        let mut changed = false;
        for point in &mut profile.contact_points {
            let input = ContactPointInput::from(&*point);
            if let Some(fresh) = self.contact_point(0, &input, &mut Vec::new()) {
                if fresh.key != point.key {
                    point.key = fresh.key;
                    changed = true;
                }
            }
        }
        changed
    }

    /// Contact points that do not read under this engine's rules, or whose
    /// key is not the one their value gives (a tampered record: recognition
    /// would miss it without a word).
    pub(super) fn contact_point_problems(&self, profile: &Profile) -> Vec<InvariantProblem> {
        let subject = &profile.customer_id;
        let shown = |s: &str| s.chars().take(60).collect::<String>();
        profile
            .contact_points
            .iter()
            .filter_map(|point| {
                let input = ContactPointInput::from(point);
                match self.contact_point(0, &input, &mut Vec::new()) {
                    None => Some(format!(
                        "{subject} has a contact point `{}` that is not a valid {}",
                        shown(&point.value),
                        point.kind.as_str()
                    )),
                    Some(fresh) if fresh.key != point.key => Some(format!(
                        "{subject} has a contact point `{}` keyed `{}`; its value gives `{}`",
                        shown(&point.value),
                        shown(&point.key),
                        shown(&fresh.key)
                    )),
                    Some(_) => None,
                }
            })
            .map(|message| InvariantProblem::new(ProblemKind::InvalidRecord, subject, message))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fingerprint_hash_is_the_published_fnv1a() {
        // Test vectors of the FNV-1a 64-bit reference.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
