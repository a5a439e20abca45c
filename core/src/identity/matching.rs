//! Matching rules, explainable pair scores and blocking keys.

use crate::error::{Error, Result};
use crate::model::{ContactKind, Profile};
use crate::text;
use jiff::civil::Date;
use rphonetic::{DoubleMetaphone, Encoder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a matching rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    /// Phone numbers (E.164 with equivalence rules).
    Phone,
    /// E-mail addresses.
    Email,
    /// Social handles.
    Social,
    /// Identity documents of the same kind.
    Identification,
    /// Account ids.
    Account,
    /// Given and family name.
    Name,
    /// Given and family name written the other way round.
    SwappedName,
    /// Date of birth.
    DateOfBirth,
    /// Postal addresses.
    Address,
}

/// How a rule compares its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Values equal as stored.
    Exact,
    /// Values equal after normalisation (phones in E.164, e-mails and names case- and accent-folded, nicknames resolved).
    Normalized,
    /// Similarity at or above the rule's threshold: Jaro-Winkler for names,
    /// token overlap (Jaccard) for addresses.
    Fuzzy,
}

/// One matching rule: a field, a method and the evidence it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Field compared.
    pub field: MatchField,
    /// Comparison method.
    pub method: MatchMethod,
    /// Added to the score when the field agrees (scaled by similarity for fuzzy rules).
    pub weight: f64,
    /// Fuzzy rules: the similarity (0..1) at which the field agrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Subtracted when both profiles have the field and it clearly disagrees.
    #[serde(default)]
    pub penalty: f64,
    /// Fuzzy rules: the similarity below which the field disagrees (default 0.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disagree_below: Option<f64>,
}

impl MatchRule {
    fn new(field: MatchField, method: MatchMethod, weight: f64, penalty: f64) -> Self {
        MatchRule {
            field,
            method,
            weight,
            threshold: None,
            penalty,
            disagree_below: None,
        }
    }
}

/// Duplicate-detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MatchingConfig {
    /// The rules, applied together; the score is the clamped sum of their contributions.
    pub rules: Vec<MatchRule>,
    /// Score from which a pair is a probable duplicate (listed as a candidate, clustered in reports).
    pub candidate_threshold: f64,
    /// Score from which creating a profile is refused without the duplicate override.
    pub warn_threshold: f64,
    /// Blocks (profiles sharing a candidate key) larger than this are not compared pairwise
    /// (a call-centre number shared by thousands of records says nothing).
    pub max_block_size: usize,
    /// Most candidates returned for one profile.
    pub max_candidates: usize,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        use MatchField::*;
        use MatchMethod::*;
        MatchingConfig {
            rules: vec![
                MatchRule::new(Identification, Normalized, 0.6, 0.4),
                MatchRule::new(Account, Normalized, 0.5, 0.0),
                MatchRule::new(Email, Normalized, 0.45, 0.0),
                MatchRule::new(Phone, Normalized, 0.35, 0.0),
                MatchRule::new(Social, Normalized, 0.35, 0.0),
                MatchRule {
                    threshold: Some(0.88),
                    disagree_below: Some(0.7),
                    ..MatchRule::new(Name, Fuzzy, 0.4, 0.3)
                },
                MatchRule {
                    threshold: Some(0.9),
                    ..MatchRule::new(SwappedName, Fuzzy, 0.35, 0.0)
                },
                MatchRule::new(DateOfBirth, Exact, 0.25, 0.4),
                MatchRule {
                    threshold: Some(0.75),
                    ..MatchRule::new(Address, Fuzzy, 0.15, 0.0)
                },
            ],
            candidate_threshold: 0.6,
            warn_threshold: 0.8,
            max_block_size: 1_000,
            max_candidates: 20,
        }
    }
}

impl MatchingConfig {
    /// Checks the rules make sense.
    pub fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(format!("matching: {m}")));
        for r in &self.rules {
            if !(0.0..=1.0).contains(&r.weight) || !(0.0..=1.0).contains(&r.penalty) {
                return bad(format!(
                    "{:?}: weight and penalty must be between 0 and 1",
                    r.field
                ));
            }
            let fuzzy_field = matches!(
                r.field,
                MatchField::Name | MatchField::SwappedName | MatchField::Address
            );
            match (r.method, fuzzy_field) {
                (MatchMethod::Fuzzy, false) => {
                    return bad(format!(
                        "{:?} has no fuzzy comparison; use exact or normalized",
                        r.field
                    ))
                }
                (MatchMethod::Fuzzy, true) => match r.threshold {
                    Some(t) if (0.0..=1.0).contains(&t) => {}
                    _ => {
                        return bad(format!(
                            "{:?}: a fuzzy rule needs a threshold between 0 and 1",
                            r.field
                        ))
                    }
                },
                _ => {}
            }
            if r.field == MatchField::SwappedName && r.method != MatchMethod::Fuzzy {
                return bad("swapped_name is compared fuzzily".into());
            }
        }
        if !(0.0..=1.0).contains(&self.candidate_threshold)
            || self.warn_threshold < self.candidate_threshold
        {
            return bad(
                "thresholds must satisfy 0 <= candidate_threshold <= warn_threshold".into(),
            );
        }
        if self.max_block_size < 2 || self.max_candidates == 0 {
            return bad("max_block_size must be at least 2 and max_candidates at least 1".into());
        }
        Ok(())
    }
}

/// Why two profiles were matched: one rule's contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MatchReason {
    /// Field compared.
    pub field: MatchField,
    /// Method used.
    pub method: MatchMethod,
    /// Whether the field agreed (`true`) or disagreed (`false`, a penalty).
    pub agrees: bool,
    /// Similarity for fuzzy rules (1 for exact agreement).
    pub similarity: f64,
    /// Contribution to the score (negative for a penalty).
    pub contribution: f64,
    /// In words, e.g. `same phone +447911123456`.
    pub detail: String,
}

/// The score of a pair of profiles and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MatchScore {
    /// 0 (nothing in common) to 1 (certainly the same person).
    pub score: f64,
    /// Every rule that contributed.
    pub reasons: Vec<MatchReason>,
}

/// The comparable essence of a profile, folded once.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchView {
    pub(crate) given: String,
    pub(crate) family: String,
    pub(crate) given_canonical: String,
    pub(crate) display: String,
    pub(crate) phones: Vec<String>,
    pub(crate) emails: Vec<String>,
    pub(crate) socials: Vec<String>,
    pub(crate) identifications: Vec<(String, String)>,
    pub(crate) accounts: Vec<String>,
    pub(crate) date_of_birth: Option<Date>,
    pub(crate) addresses: Vec<BTreeSet<String>>,
}

fn name_part(s: &str) -> String {
    text::fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

impl MatchView {
    /// The view of a profile.
    pub fn of(profile: &Profile) -> MatchView {
        let given = name_part(&profile.given_name);
        let family = name_part(&profile.family_name);
        let of_kind = |kind: ContactKind| {
            profile
                .contact_points
                .iter()
                .filter(move |p| p.kind == kind)
        };
        MatchView {
            given_canonical: canonical_given(&given).to_string(),
            given,
            family,
            display: profile.display_name(),
            phones: of_kind(ContactKind::Phone).map(|p| p.key.clone()).collect(),
            emails: of_kind(ContactKind::Email)
                .map(|p| p.value.to_lowercase())
                .collect(),
            socials: of_kind(ContactKind::Social)
                .map(|p| p.key.clone())
                .collect(),
            identifications: profile
                .identifications
                .iter()
                .map(|i| {
                    (
                        i.kind.trim().to_lowercase(),
                        super::keys::identification_key(&i.kind, &i.value),
                    )
                })
                .collect(),
            accounts: profile
                .accounts
                .iter()
                .map(|a| super::keys::account_key(a))
                .collect(),
            date_of_birth: profile.date_of_birth,
            addresses: of_kind(ContactKind::Address)
                .map(|p| text::tokens(&p.value).into_iter().collect())
                .collect(),
        }
    }

    /// Candidate keys: profiles sharing one are compared. Contact, account and
    /// identification keys are exact; the name key is phonetic (Double
    /// Metaphone of both names, in either order); the birth key pairs the date
    /// of birth with the name initials; the e-mail key ignores case.
    pub fn blocking_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(k) = self.name_block() {
            keys.push(k);
        }
        if let Some(dob) = self.date_of_birth {
            let mut initials: Vec<char> = [
                self.given_canonical.chars().next(),
                self.family.chars().next(),
            ]
            .into_iter()
            .flatten()
            .collect();
            initials.sort_unstable();
            keys.push(format!(
                "bk:d:{dob}:{}",
                initials.into_iter().collect::<String>()
            ));
        }
        keys.extend(self.emails.iter().map(|e| format!("bk:e:{e}")));
        keys
    }

    fn name_block(&self) -> Option<String> {
        if self.given_canonical.is_empty() && self.family.is_empty() {
            return None;
        }
        let encoder = DoubleMetaphone::default();
        let mut codes = [
            encoder.encode(&self.given_canonical),
            encoder.encode(&self.family),
        ];
        codes.sort();
        Some(format!("bk:n:{}:{}", codes[0], codes[1]))
    }

    /// Every key this view can be found by in the store index.
    pub fn lookup_keys(&self) -> Vec<String> {
        let mut keys = self.blocking_keys();
        keys.extend(self.phones.iter().cloned());
        keys.extend(self.socials.iter().cloned());
        keys.extend(self.accounts.iter().cloned());
        keys.extend(self.identifications.iter().map(|(_, k)| k.clone()));
        keys
    }
}

fn jw(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::jaro_winkler(a, b)
}

fn swapped_similarity(a: &MatchView, b: &MatchView) -> f64 {
    0.5 * jw(&a.given, &b.family) + 0.5 * jw(&a.family, &b.given)
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

fn first_shared<'a>(a: &'a [String], b: &[String]) -> Option<&'a String> {
    a.iter().find(|x| b.contains(x))
}

/// Scores a pair of profiles under the rules.
pub fn score(config: &MatchingConfig, a: &MatchView, b: &MatchView) -> MatchScore {
    let mut reasons = Vec::new();
    let mut name_agreed = false;
    for rule in &config.rules {
        let agree = |reasons: &mut Vec<MatchReason>, similarity: f64, detail: String| {
            reasons.push(MatchReason {
                field: rule.field,
                method: rule.method,
                agrees: true,
                similarity,
                contribution: rule.weight * similarity,
                detail,
            });
        };
        let disagree = |reasons: &mut Vec<MatchReason>, similarity: f64, detail: String| {
            if rule.penalty > 0.0 {
                reasons.push(MatchReason {
                    field: rule.field,
                    method: rule.method,
                    agrees: false,
                    similarity,
                    contribution: -rule.penalty,
                    detail,
                });
            }
        };
        match rule.field {
            MatchField::Phone | MatchField::Email | MatchField::Social | MatchField::Account => {
                let (xs, ys, what) = match rule.field {
                    MatchField::Phone => (&a.phones, &b.phones, "phone"),
                    MatchField::Email => (&a.emails, &b.emails, "e-mail"),
                    MatchField::Social => (&a.socials, &b.socials, "social handle"),
                    _ => (&a.accounts, &b.accounts, "account"),
                };
                if let Some(shared) = first_shared(xs, ys) {
                    let shown = shared.split_once(':').map_or(shared.as_str(), |(_, v)| v);
                    agree(&mut reasons, 1.0, format!("same {what} {shown}"));
                } else if !xs.is_empty() && !ys.is_empty() {
                    disagree(&mut reasons, 0.0, format!("no {what} in common"));
                }
            }
            MatchField::Identification => {
                let mut same_kind = false;
                let mut matched = None;
                for (kind, key) in &a.identifications {
                    for (other_kind, other_key) in &b.identifications {
                        if kind == other_kind {
                            same_kind = true;
                            if key == other_key {
                                matched = Some(kind.clone());
                            }
                        }
                    }
                }
                match matched {
                    Some(kind) => agree(&mut reasons, 1.0, format!("same {kind} number")),
                    None if same_kind => disagree(
                        &mut reasons,
                        0.0,
                        "different identification numbers of the same kind".into(),
                    ),
                    None => {}
                }
            }
            MatchField::Name => {
                let (given_a, given_b) = match rule.method {
                    MatchMethod::Exact => (&a.given, &b.given),
                    _ => (&a.given_canonical, &b.given_canonical),
                };
                if (a.given.is_empty() && a.family.is_empty())
                    || (b.given.is_empty() && b.family.is_empty())
                {
                    continue;
                }
                let similarity = match rule.method {
                    MatchMethod::Fuzzy => {
                        0.5 * jw(given_a, given_b) + 0.5 * jw(&a.family, &b.family)
                    }
                    _ => f64::from(u8::from(given_a == given_b && a.family == b.family)),
                };
                let threshold = rule.threshold.unwrap_or(1.0);
                if similarity >= threshold {
                    name_agreed = true;
                    let how = if rule.method == MatchMethod::Fuzzy {
                        format!("similar name (Jaro-Winkler {similarity:.2})")
                    } else {
                        "same name".to_string()
                    };
                    agree(
                        &mut reasons,
                        similarity,
                        format!("{how}: {} ~ {}", a.display, b.display),
                    );
                } else if similarity < rule.disagree_below.unwrap_or(0.7)
                    && swapped_similarity(a, b) < 0.9
                {
                    disagree(
                        &mut reasons,
                        similarity,
                        format!("different names: {} / {}", a.display, b.display),
                    );
                }
            }
            MatchField::SwappedName => {
                if name_agreed {
                    continue;
                }
                let similarity = swapped_similarity(a, b);
                if similarity >= rule.threshold.unwrap_or(0.9) {
                    agree(
                        &mut reasons,
                        similarity,
                        format!(
                            "given name and surname swapped: {} ~ {}",
                            a.display, b.display
                        ),
                    );
                }
            }
            MatchField::DateOfBirth => {
                if let (Some(x), Some(y)) = (a.date_of_birth, b.date_of_birth) {
                    if x == y {
                        agree(&mut reasons, 1.0, format!("same date of birth {x}"));
                    } else {
                        disagree(
                            &mut reasons,
                            0.0,
                            format!("different dates of birth {x} / {y}"),
                        );
                    }
                }
            }
            MatchField::Address => {
                let best = a
                    .addresses
                    .iter()
                    .flat_map(|x| b.addresses.iter().map(move |y| jaccard(x, y)))
                    .fold(0.0, f64::max);
                let threshold = match rule.method {
                    MatchMethod::Fuzzy => rule.threshold.unwrap_or(0.75),
                    _ => 1.0,
                };
                if best >= threshold && best > 0.0 {
                    agree(
                        &mut reasons,
                        best,
                        format!("similar address (token overlap {best:.2})"),
                    );
                }
            }
        }
    }
    let total: f64 = reasons.iter().map(|r| r.contribution).sum();
    MatchScore {
        score: (total.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        reasons,
    }
}

/// The full given name a nickname stands for (`bob` -> `robert`), folded; the name itself otherwise.
pub fn canonical_given(folded: &str) -> &str {
    NICKNAMES
        .iter()
        .find(|(_, nick)| *nick == folded)
        .map_or(folded, |(full, _)| full)
}

/// Common English nicknames and the names they stand for (folded).
pub const NICKNAMES: &[(&str, &str)] = &[
    ("robert", "bob"),
    ("robert", "rob"),
    ("robert", "bobby"),
    ("william", "bill"),
    ("william", "will"),
    ("william", "billy"),
    ("elizabeth", "liz"),
    ("elizabeth", "beth"),
    ("elizabeth", "betty"),
    ("richard", "dick"),
    ("richard", "rick"),
    ("james", "jim"),
    ("james", "jimmy"),
    ("joseph", "joe"),
    ("thomas", "tom"),
    ("thomas", "tommy"),
    ("michael", "mike"),
    ("christopher", "chris"),
    ("daniel", "dan"),
    ("daniel", "danny"),
    ("matthew", "matt"),
    ("anthony", "tony"),
    ("steven", "steve"),
    ("stephen", "steve"),
    ("andrew", "andy"),
    ("kenneth", "ken"),
    ("edward", "ted"),
    ("edward", "ed"),
    ("ronald", "ron"),
    ("timothy", "tim"),
    ("jeffrey", "jeff"),
    ("nicholas", "nick"),
    ("jonathan", "jon"),
    ("margaret", "peggy"),
    ("margaret", "maggie"),
    ("patricia", "pat"),
    ("jennifer", "jen"),
    ("jennifer", "jenny"),
    ("susan", "sue"),
    ("jessica", "jess"),
    ("kimberly", "kim"),
    ("deborah", "debbie"),
    ("rebecca", "becky"),
    ("kathleen", "kathy"),
    ("katherine", "kate"),
    ("alexander", "alex"),
    ("charles", "charlie"),
    ("samuel", "sam"),
    ("benjamin", "ben"),
    ("david", "dave"),
    ("gregory", "greg"),
    ("lawrence", "larry"),
    ("patrick", "paddy"),
    ("victoria", "vicky"),
    ("alexandra", "sasha"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContactPoint;

    fn profile(given: &str, family: &str, phone: Option<&str>, dob: Option<&str>) -> Profile {
        let now = jiff::Timestamp::UNIX_EPOCH;
        Profile {
            id: uuid::Uuid::nil(),
            customer_id: "C-1".into(),
            version: 1,
            template: None,
            given_name: given.into(),
            family_name: family.into(),
            identifications: vec![],
            date_of_birth: dob.map(|d| d.parse().unwrap()),
            contact_points: phone
                .map(|p| ContactPoint {
                    kind: ContactKind::Phone,
                    value: p.into(),
                    label: None,
                    primary: true,
                    key: format!("phone:{p}"),
                })
                .into_iter()
                .collect(),
            accounts: vec![],
            fields: Default::default(),
            assigned_to: None,
            created_at: now,
            created_by: "t".into(),
            updated_at: now,
            updated_by: "t".into(),
            last_interaction_at: None,
            merged_into: None,
        }
    }

    #[test]
    fn typo_and_shared_phone_is_a_probable_duplicate_with_reasons() {
        let config = MatchingConfig::default();
        let a = MatchView::of(&profile(
            "Jonathan",
            "Smith",
            Some("+447911123456"),
            Some("1980-02-03"),
        ));
        let b = MatchView::of(&profile("Jonathon", "Smiht", Some("+447911123456"), None));
        let s = score(&config, &a, &b);
        assert!(s.score >= config.candidate_threshold, "{s:?}");
        let fields: Vec<MatchField> = s.reasons.iter().map(|r| r.field).collect();
        assert_eq!(fields, [MatchField::Phone, MatchField::Name]);
        assert!(s.reasons[1].detail.contains("Jaro-Winkler"));
    }

    #[test]
    fn household_members_are_not_duplicates() {
        let config = MatchingConfig::default();
        let a = MatchView::of(&profile(
            "Ann",
            "Okafor",
            Some("+441134960000"),
            Some("1970-01-01"),
        ));
        let b = MatchView::of(&profile(
            "Bob",
            "Okafor",
            Some("+441134960000"),
            Some("1972-05-05"),
        ));
        let s = score(&config, &a, &b);
        assert!(s.score < config.candidate_threshold, "{s:?}");
        assert!(s.reasons.iter().any(|r| !r.agrees));
    }

    #[test]
    fn nicknames_and_swaps_are_recognised() {
        let config = MatchingConfig::default();
        let bob = MatchView::of(&profile("Bob", "Marley", None, Some("1945-02-06")));
        let robert = MatchView::of(&profile("Robert", "Marley", None, Some("1945-02-06")));
        assert!(score(&config, &bob, &robert).score >= config.candidate_threshold);
        assert_eq!(bob.blocking_keys(), robert.blocking_keys());
        let swapped = MatchView::of(&profile("Marley", "Robert", None, Some("1945-02-06")));
        let s = score(&config, &robert, &swapped);
        assert!(
            s.reasons.iter().any(|r| r.field == MatchField::SwappedName),
            "{s:?}"
        );
        assert!(s.score >= config.candidate_threshold);
        assert_eq!(
            robert.blocking_keys()[0],
            swapped.blocking_keys()[0],
            "name key ignores order"
        );
    }

    #[test]
    fn bad_rules_are_refused() {
        let mut config = MatchingConfig::default();
        config.rules.push(MatchRule::new(
            MatchField::Phone,
            MatchMethod::Fuzzy,
            0.5,
            0.0,
        ));
        assert!(config.check().is_err());
        assert!(MatchingConfig::default().check().is_ok());
    }
}
