//! Matching two profiles: the comparable view of a profile, its blocking
//! keys, and the explainable pair score.

use super::evidence::{address_similarity, dates_close, one_edit_apart, postcode, AddressView};
use super::nicknames::canonical_given;
use super::rules::{MatchField, MatchMethod, MatchReason, MatchScore, MatchingConfig};
use crate::model::{ContactKind, Profile};
use crate::text;
use jiff::civil::Date;
use rphonetic::{DoubleMetaphone, Encoder};
use std::collections::BTreeSet;

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
    pub(crate) addresses: Vec<AddressView>,
    pub(crate) postcodes: Vec<String>,
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
        let address_tokens: Vec<Vec<String>> = of_kind(ContactKind::Address)
            .map(|p| text::tokens(&p.value))
            .collect();
        let mut postcodes: Vec<String> =
            address_tokens.iter().filter_map(|t| postcode(t)).collect();
        postcodes.sort();
        postcodes.dedup();
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
            addresses: address_tokens.iter().map(|t| AddressView::of(t)).collect(),
            postcodes,
        }
    }

    /// Candidate keys: profiles sharing one are compared. Contact, account and
    /// identification keys are exact; the name key is phonetic (Double
    /// Metaphone of both names, in either order); the birth key pairs the date
    /// of birth with the name initials; the e-mail key ignores case. So that
    /// a pair with both names misspelt and the date altered still meets, an
    /// identity number's halves (a one-digit typo keeps one) and the postcode
    /// each pair with a name initial.
    pub fn blocking_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        self.blocking_keys_into(&mut keys);
        keys
    }

    /// The blocking keys, handed to `sink` one at a time.
    pub(crate) fn blocking_keys_into(&self, sink: &mut impl KeySink) {
        let firsts = [
            self.given_canonical.chars().next(),
            self.family.chars().next(),
        ];
        let initials: BTreeSet<char> = firsts.into_iter().flatten().collect();
        if let Some((first, second)) = self.name_codes() {
            sink.key(format_args!("bk:n:{first}:{second}"));
        }
        if let Some(dob) = self.date_of_birth {
            // Both initials in order, a repeated one twice.
            let mut pair: Vec<char> = firsts.into_iter().flatten().collect();
            pair.sort_unstable();
            let pair: String = pair.into_iter().collect();
            sink.key(format_args!("bk:d:{dob}:{pair}"));
        }
        for e in &self.emails {
            sink.key(format_args!("bk:e:{e}"));
        }
        for (kind, key) in &self.identifications {
            let number = identification_number(key);
            if number.chars().count() < 6 {
                continue;
            }
            let middle = number
                .char_indices()
                .nth(number.chars().count() / 2)
                .map_or(number.len(), |(i, _)| i);
            for initial in &initials {
                sink.key(format_args!("bk:i:{kind}:{}*:{initial}", &number[..middle]));
                sink.key(format_args!("bk:i:{kind}:*{}:{initial}", &number[middle..]));
            }
        }
        for code in &self.postcodes {
            for initial in &initials {
                sink.key(format_args!("bk:p:{code}:{initial}"));
            }
        }
    }

    /// The Double Metaphone codes of both names, sorted (so swapped names share them).
    fn name_codes(&self) -> Option<(String, String)> {
        if self.given_canonical.is_empty() && self.family.is_empty() {
            return None;
        }
        let encoder = DoubleMetaphone::default();
        let mut codes = [
            encoder.encode(&self.given_canonical),
            encoder.encode(&self.family),
        ];
        codes.sort();
        let [first, second] = codes;
        Some((first, second))
    }

    /// Every key this view can be found by in the store index.
    pub fn lookup_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        self.lookup_keys_into(&mut keys);
        keys
    }

    /// The lookup keys, handed to `sink` one at a time.
    pub(crate) fn lookup_keys_into(&self, sink: &mut impl KeySink) {
        self.blocking_keys_into(sink);
        for key in self
            .phones
            .iter()
            .chain(&self.socials)
            .chain(&self.accounts)
            .chain(self.identifications.iter().map(|(_, k)| k))
        {
            sink.key(format_args!("{key}"));
        }
    }
}

/// Where a view's candidate keys go: written out as strings, or hashed
/// without being written (the whole-store report).
pub(crate) trait KeySink {
    /// Takes one key.
    fn key(&mut self, key: std::fmt::Arguments<'_>);
}

impl KeySink for Vec<String> {
    fn key(&mut self, key: std::fmt::Arguments<'_>) {
        self.push(key.to_string());
    }
}

fn jw(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::jaro_winkler(a, b)
}

/// The number of an identification key (`ident:<kind>:<number>`).
fn identification_number(key: &str) -> &str {
    key.splitn(3, ':').nth(2).unwrap_or(key)
}

/// Name similarity over the parts both profiles have (a missing part is no
/// evidence either way), and how many parts were compared.
fn name_similarity(
    given_a: &str,
    given_b: &str,
    a: &MatchView,
    b: &MatchView,
    fuzzy: bool,
) -> Option<(f64, u8)> {
    let parts = [(given_a, given_b), (a.family.as_str(), b.family.as_str())];
    let (mut sum, mut n) = (0.0, 0u8);
    for (x, y) in parts {
        if x.is_empty() || y.is_empty() {
            continue;
        }
        sum += if fuzzy {
            jw(x, y)
        } else {
            f64::from(u8::from(x == y))
        };
        n += 1;
    }
    (n > 0).then(|| (sum / f64::from(n), n))
}

/// Share of a name rule's weight earned when only one part of the name
/// could be compared: a surname alone is weaker evidence than a whole name.
const ONE_NAME_PART_SHARE: f64 = 0.6;

/// Share of the name weight earned when the given names agree and the
/// surnames do not: a surname changes on marriage or is replaced by
/// another, the person stays.
const GIVEN_NAME_ONLY_SHARE: f64 = 0.3;

/// Share of the name penalty kept when the surnames agree and the given
/// names do not: the same family's other member (a twin, a spouse) is the
/// likelier reading, but one part is weaker evidence against than both.
const SURNAME_ONLY_PENALTY_SHARE: f64 = 0.5;

/// Share of a rule's weight earned by a near-equal value (an identity
/// number or a date of birth one keystroke apart).
const NEAR_EQUAL_SHARE: f64 = 0.5;

fn swapped_similarity(a: &MatchView, b: &MatchView) -> f64 {
    0.5 * jw(&a.given, &b.family) + 0.5 * jw(&a.family, &b.given)
}

fn first_shared<'a>(a: &'a [String], b: &[String]) -> Option<&'a String> {
    a.iter().find(|x| b.contains(x))
}

/// Share of the address weight kept when a phone number agrees too: people
/// of one household share both, so the two are one piece of evidence, not two.
const ADDRESS_SHARE_WITH_PHONE: f64 = 1.0 / 3.0;

fn household_discount(reasons: &mut [MatchReason], explain: bool) {
    let phone_agrees = reasons
        .iter()
        .any(|r| r.agrees && r.field == MatchField::Phone);
    if !phone_agrees {
        return;
    }
    for r in reasons
        .iter_mut()
        .filter(|r| r.agrees && r.field == MatchField::Address)
    {
        r.contribution *= ADDRESS_SHARE_WITH_PHONE;
        if explain {
            r.detail
                .push_str(", with a shared phone: one household's evidence");
        }
    }
}

/// Which rules a quick score runs first: exact comparisons, then the name
/// (the swapped-name rule needs its outcome), then the address.
fn cost_class(field: MatchField) -> u8 {
    match field {
        MatchField::Name => 1,
        MatchField::SwappedName => 2,
        MatchField::Address => 3,
        _ => 0,
    }
}

/// Scores a pair of profiles under the rules, every reason in words.
pub fn score(config: &MatchingConfig, a: &MatchView, b: &MatchView) -> MatchScore {
    score_explained(config, a, b, Pass::Explained)
}

/// How a pair is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Every rule in its order, every reason in words.
    Explained,
    /// Only whether the pair reaches the candidate threshold (the
    /// whole-store report scores most pairs only to drop them): cheap rules
    /// first, no words, and scoring stops once the rules left cannot lift
    /// the score to the threshold, so a score below it is only a bound.
    Quick,
    /// What each rule saw, for learning weights: every rule in its order, no
    /// words, a disagreement recorded even when its rule has no penalty,
    /// and no household discount (the learner sees the rules' raw levels).
    Levels,
}

/// Scores a pair in the given pass.
pub(crate) fn score_explained(
    config: &MatchingConfig,
    a: &MatchView,
    b: &MatchView,
    pass: Pass,
) -> MatchScore {
    let explain = pass == Pass::Explained;
    let mut reasons: Vec<MatchReason> = Vec::new();
    let mut name_agreed = false;
    let swapped = std::cell::OnceCell::new();
    let swapped_similarity = || *swapped.get_or_init(|| swapped_similarity(a, b));
    // Positive contributions the rules not yet run could still add.
    let mut reachable: f64 = config.rules.iter().map(|r| r.weight).sum();
    let passes: &[Option<u8>] = if pass == Pass::Quick {
        &[Some(0), Some(1), Some(2), Some(3)]
    } else {
        &[None]
    };
    let rules = passes.iter().flat_map(|pass| {
        config
            .rules
            .iter()
            .filter(move |r| pass.is_none_or(|p| cost_class(r.field) == p))
    });
    for rule in rules {
        if pass == Pass::Quick {
            let so_far: f64 = reasons.iter().map(|r| r.contribution).sum();
            if so_far + reachable < config.candidate_threshold {
                break;
            }
        }
        reachable -= rule.weight;
        let agree_share = |reasons: &mut Vec<MatchReason>,
                           similarity: f64,
                           share: f64,
                           detail: &dyn Fn() -> String| {
            reasons.push(MatchReason {
                field: rule.field,
                method: rule.method,
                agrees: true,
                similarity,
                contribution: rule.weight * similarity * share,
                detail: if explain { detail() } else { String::new() },
            });
        };
        let agree =
            |reasons: &mut Vec<MatchReason>, similarity: f64, detail: &dyn Fn() -> String| {
                agree_share(reasons, similarity, 1.0, detail)
            };
        let disagree_share = |reasons: &mut Vec<MatchReason>,
                              similarity: f64,
                              share: f64,
                              detail: &dyn Fn() -> String| {
            if rule.penalty > 0.0 || pass == Pass::Levels {
                reasons.push(MatchReason {
                    field: rule.field,
                    method: rule.method,
                    agrees: false,
                    similarity,
                    contribution: -rule.penalty * share,
                    detail: if explain { detail() } else { String::new() },
                });
            }
        };
        let disagree =
            |reasons: &mut Vec<MatchReason>, similarity: f64, detail: &dyn Fn() -> String| {
                disagree_share(reasons, similarity, 1.0, detail)
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
                    agree(&mut reasons, 1.0, &|| format!("same {what} {shown}"));
                } else if !xs.is_empty() && !ys.is_empty() {
                    disagree(&mut reasons, 0.0, &|| format!("no {what} in common"));
                }
            }
            MatchField::Identification => {
                let mut same_kind = false;
                let mut matched = None;
                let mut near = None;
                for (kind, key) in &a.identifications {
                    for (other_kind, other_key) in &b.identifications {
                        if kind == other_kind {
                            same_kind = true;
                            if key == other_key {
                                matched = Some(kind.clone());
                            } else if identification_number(key).len() >= 4
                                && one_edit_apart(
                                    identification_number(key),
                                    identification_number(other_key),
                                )
                            {
                                near = Some(kind.clone());
                            }
                        }
                    }
                }
                match (matched, near) {
                    (Some(kind), _) => agree(&mut reasons, 1.0, &|| format!("same {kind} number")),
                    (None, Some(kind)) => agree_share(&mut reasons, 1.0, NEAR_EQUAL_SHARE, &|| {
                        format!("{kind} numbers one keystroke apart")
                    }),
                    (None, None) if same_kind => disagree(&mut reasons, 0.0, &|| {
                        "different identification numbers of the same kind".into()
                    }),
                    (None, None) => {}
                }
            }
            MatchField::Name => {
                let (given_a, given_b) = match rule.method {
                    MatchMethod::Exact => (&a.given, &b.given),
                    _ => (&a.given_canonical, &b.given_canonical),
                };
                let fuzzy = rule.method == MatchMethod::Fuzzy;
                let Some((similarity, parts)) = name_similarity(given_a, given_b, a, b, fuzzy)
                else {
                    continue;
                };
                let threshold = rule.threshold.unwrap_or(1.0);
                if similarity >= threshold {
                    name_agreed = true;
                    let how = || match (fuzzy, parts) {
                        (true, 2) => format!("similar name (Jaro-Winkler {similarity:.2})"),
                        (true, _) => {
                            format!("similar name, one part missing (Jaro-Winkler {similarity:.2})")
                        }
                        (false, 2) => "same name".to_string(),
                        (false, _) => "same name, one part missing".to_string(),
                    };
                    let share = if parts == 2 { 1.0 } else { ONE_NAME_PART_SHARE };
                    agree_share(&mut reasons, similarity, share, &|| {
                        format!("{}: {} ~ {}", how(), a.display, b.display)
                    });
                } else if swapped_similarity() < 0.9 {
                    let part_agrees = |x: &str, y: &str| {
                        !x.is_empty()
                            && !y.is_empty()
                            && if fuzzy { jw(x, y) >= threshold } else { x == y }
                    };
                    let names = || format!("{} / {}", a.display, b.display);
                    if parts == 2 && part_agrees(given_a, given_b) {
                        agree_share(
                            &mut reasons,
                            jw(given_a, given_b),
                            GIVEN_NAME_ONLY_SHARE,
                            &|| format!("same given name, another surname: {}", names()),
                        );
                    } else if parts == 2 && part_agrees(&a.family, &b.family) {
                        disagree_share(
                            &mut reasons,
                            similarity,
                            SURNAME_ONLY_PENALTY_SHARE,
                            &|| format!("same surname, another given name: {}", names()),
                        );
                    } else if similarity < rule.disagree_below.unwrap_or(0.7) {
                        disagree(&mut reasons, similarity, &|| {
                            format!("different names: {}", names())
                        });
                    }
                }
            }
            MatchField::SwappedName => {
                if name_agreed {
                    continue;
                }
                let similarity = swapped_similarity();
                if similarity >= rule.threshold.unwrap_or(0.9) {
                    agree(&mut reasons, similarity, &|| {
                        format!(
                            "given name and surname swapped: {} ~ {}",
                            a.display, b.display
                        )
                    });
                }
            }
            MatchField::DateOfBirth => {
                if let (Some(x), Some(y)) = (a.date_of_birth, b.date_of_birth) {
                    if x == y {
                        agree(&mut reasons, 1.0, &|| format!("same date of birth {x}"));
                    } else if dates_close(x, y) {
                        agree_share(&mut reasons, 1.0, NEAR_EQUAL_SHARE, &|| {
                            format!("dates of birth one keystroke apart {x} / {y}")
                        });
                    } else {
                        disagree(&mut reasons, 0.0, &|| {
                            format!("different dates of birth {x} / {y}")
                        });
                    }
                }
            }
            MatchField::Address => {
                let best = a
                    .addresses
                    .iter()
                    .flat_map(|x| b.addresses.iter().map(move |y| address_similarity(x, y)))
                    .fold(0.0, f64::max);
                let threshold = match rule.method {
                    MatchMethod::Fuzzy => rule.threshold.unwrap_or(0.75),
                    _ => 1.0,
                };
                if best >= threshold && best > 0.0 {
                    agree(&mut reasons, best, &|| {
                        format!("similar address (word overlap {best:.2})")
                    });
                }
            }
        }
    }
    if pass != Pass::Levels {
        household_discount(&mut reasons, explain);
    }
    let total: f64 = reasons.iter().map(|r| r.contribution).sum();
    MatchScore {
        score: (total.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        reasons,
    }
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
