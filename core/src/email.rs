//! E-mail address normalisation and matching keys.

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};

/// Longest e-mail address accepted (RFC 5321 limit on a path).
const MAX_EMAIL_LEN: usize = 254;

/// Per-domain matching option for mailboxes whose provider ignores dots or
/// `+tags` in the local part, or (rarely) tells case apart in it.
///
/// Local parts match case-insensitively by default, as nearly every provider
/// delivers them; `case_sensitive` keeps the case of one domain's local parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EmailDomainRule {
    /// Domain (lower case), e.g. `gmail.com`.
    pub domain: String,
    /// Kept so older configurations still read: local parts now match
    /// case-insensitively unless `case_sensitive` is set.
    #[serde(default)]
    pub ignore_case: bool,
    /// Match the local part with its case (`Ada@` and `ada@` are different).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_sensitive: bool,
    /// Ignore dots in the local part (`a.da` meets `ada`).
    #[serde(default)]
    pub ignore_dots: bool,
    /// Ignore a `+tag` suffix of the local part (`ada+shop` meets `ada`).
    #[serde(default)]
    pub ignore_plus_tag: bool,
}

impl EmailDomainRule {
    /// Gmail's documented behaviour: case, dots and `+tags` are ignored.
    pub fn defaults() -> Vec<EmailDomainRule> {
        ["gmail.com", "googlemail.com"]
            .into_iter()
            .map(|domain| EmailDomainRule {
                domain: domain.into(),
                ignore_case: true,
                case_sensitive: false,
                ignore_dots: true,
                ignore_plus_tag: true,
            })
            .collect()
    }
}

/// Normalises an e-mail address: trimmed, domain lower-cased, local part
/// kept as written. `None` when it is not a plain address with a dotted domain.
pub fn normalize(input: &str) -> Option<String> {
    let input = input.trim();
    if input.is_empty() || input.len() > MAX_EMAIL_LEN {
        return None;
    }
    if !surely_valid(input) {
        let parsed = EmailAddress::parse_with_options(input, options()).ok()?;
        debug_assert_eq!(parsed.domain(), input.rsplit_once('@')?.1);
    }
    let (local, domain) = input.rsplit_once('@')?;
    Some(format!("{local}@{}", domain.to_lowercase()))
}

/// Whether the input is a plain address with a dotted domain (what
/// [`normalize`] accepts), without building the normalised form.
pub fn is_valid(input: &str) -> bool {
    let input = input.trim();
    !input.is_empty()
        && input.len() <= MAX_EMAIL_LEN
        && (surely_valid(input) || EmailAddress::parse_with_options(input, options()).is_ok())
}

/// Whether a trimmed input is certainly an address the `email_address` rules
/// below accept: plain ASCII `local@domain.tld`, the local part atoms joined
/// by single dots, the domain at least two labels of letters, digits and
/// inner hyphens. Anything else (quotes, non-ASCII, brackets, odd
/// punctuation in the domain) goes to the crate, so this saves the crate's
/// parse (and its allocation) on ordinary addresses and never changes an answer.
fn surely_valid(input: &str) -> bool {
    const LOCAL_MAX: usize = 64;
    const LABEL_MAX: usize = 63;
    let bytes = input.as_bytes();
    // The local part: atoms of `atext` joined by single dots, up to the `@`.
    let mut after_dot = true;
    let mut at = None;
    for (i, &b) in bytes.iter().enumerate() {
        match BYTE_CLASS[usize::from(b)] {
            ALNUM | HYPHEN | ATEXT => after_dot = false,
            DOT if !after_dot => after_dot = true,
            AT => {
                at = Some(i);
                break;
            }
            _ => return false,
        }
    }
    let Some(at) = at else {
        return false;
    };
    if after_dot || at > LOCAL_MAX || bytes.len() - at - 1 > MAX_EMAIL_LEN {
        return false;
    }
    // The domain: two or more labels of letters, digits and inner hyphens.
    let (mut labels, mut label_len, mut last) = (1, 0, DOT);
    for &b in &bytes[at + 1..] {
        let class = BYTE_CLASS[usize::from(b)];
        match class {
            DOT if label_len > 0 && last != HYPHEN => {
                labels += 1;
                label_len = 0;
            }
            ALNUM => label_len += 1,
            HYPHEN if label_len > 0 => label_len += 1,
            _ => return false,
        }
        if label_len > LABEL_MAX {
            return false;
        }
        last = class;
    }
    label_len > 0 && last != HYPHEN && labels >= 2
}

const OTHER: u8 = 0;
const ALNUM: u8 = 1;
const HYPHEN: u8 = 2;
/// RFC 5322 `atext` other than letters, digits and `-`.
const ATEXT: u8 = 3;
const DOT: u8 = 4;
const AT: u8 = 5;

/// What each byte can be in a plain address: one table load instead of a
/// chain of comparisons per byte.
static BYTE_CLASS: [u8; 256] = {
    let mut classes = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = if byte.is_ascii_alphanumeric() {
            ALNUM
        } else {
            match byte {
                b'-' => HYPHEN,
                b'.' => DOT,
                b'@' => AT,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'/' | b'=' | b'?'
                | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~' => ATEXT,
                _ => OTHER,
            }
        };
        b += 1;
    }
    classes
};

fn options() -> Options {
    Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld()
}

/// Matching key of a normalised address under the per-domain rules: the
/// local part folded to lower case unless its domain's rule keeps the case.
/// Only the key folds; the stored value keeps the case as typed.
pub fn match_key(normalized: &str, rules: &[EmailDomainRule]) -> String {
    let Some((local, domain)) = normalized.rsplit_once('@') else {
        return normalized.to_lowercase();
    };
    let domain = domain.to_lowercase();
    let Some(rule) = rules
        .iter()
        .find(|r| r.domain.eq_ignore_ascii_case(&domain))
    else {
        return format!("{}@{domain}", local.to_lowercase());
    };
    let mut local = local.to_string();
    if rule.ignore_plus_tag {
        if let Some((base, _tag)) = local.split_once('+') {
            local = base.to_string();
        }
    }
    if rule.ignore_dots {
        local.retain(|c| c != '.');
    }
    if !rule.case_sensitive {
        local = local.to_lowercase();
    }
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    #[test]
    fn normalize_lowers_the_domain_only() {
        assert_eq!(
            normalize(" Ada.Lovelace@Example.ORG ").as_deref(),
            Some("Ada.Lovelace@example.org")
        );
        assert_eq!(normalize("Ada <ada@example.org>"), None);
        assert_eq!(normalize("ada@localhost"), None);
    }

    proptest! {
        // The fast path may only say yes where the crate says yes too.
        #[test]
        fn fast_path_accepts_only_what_the_crate_accepts(
            input in r#"[a-zA-Z0-9.@\-_+!#'"<> é\[\]]{0,24}(@[a-z0-9.\-]{0,12})?"#
        ) {
            if surely_valid(&input) {
                prop_assert!(
                    EmailAddress::parse_with_options(&input, options()).is_ok(),
                    "fast path accepted {input:?}"
                );
            }
        }

        // On plain ASCII addresses the fast path answers for the crate.
        #[test]
        fn fast_path_agrees_on_plain_addresses(
            input in r"[a-z0-9!#+_.\-]{1,10}@[a-z0-9\-]{1,6}(\.[a-z0-9\-]{0,4}){0,2}"
        ) {
            prop_assert_eq!(
                surely_valid(&input),
                EmailAddress::parse_with_options(&input, options()).is_ok(),
                "{}", input
            );
        }
    }

    #[test]
    fn fast_path_takes_ordinary_addresses() {
        for good in ["ada@example.com", "a.b+c@mail.example.co.uk", "x_y@a-b.io"] {
            assert!(surely_valid(good), "{good}");
        }
        for other in [
            "ada@example",
            "a..b@example.com",
            "\"a b\"@example.com",
            "é@example.com",
            "a@-x.com",
        ] {
            assert!(!surely_valid(other), "{other}");
        }
    }

    #[test]
    fn keeps_local_part_lowercases_domain() {
        assert_eq!(
            normalize("Bob@EXAMPLE.com").as_deref(),
            Some("Bob@example.com")
        );
        for bad in [
            "",
            "bob",
            "bob@",
            "@example.com",
            "bob@@example.com",
            "a b@example.com",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn domain_rules_apply_only_to_their_domain() {
        let rules = EmailDomainRule::defaults();
        assert_eq!(
            match_key("Ada.Love+shop@gmail.com", &rules),
            "adalove@gmail.com"
        );
        assert_eq!(
            match_key("Ada.Love+shop@example.com", &rules),
            "ada.love+shop@example.com"
        );
    }

    #[test]
    fn case_folds_unless_the_domain_keeps_it() {
        let stored = normalize("Grace.Hopper@Example.com").unwrap();
        let incoming = normalize("GRACE.HOPPER@example.COM").unwrap();
        assert_eq!(stored, "Grace.Hopper@example.com");
        assert_eq!(match_key(&stored, &[]), match_key(&incoming, &[]));
        let strict = [EmailDomainRule {
            domain: "example.com".into(),
            ignore_case: false,
            case_sensitive: true,
            ignore_dots: false,
            ignore_plus_tag: false,
        }];
        assert_ne!(match_key(&stored, &strict), match_key(&incoming, &strict));
        assert_eq!(match_key("Ada@other.org", &strict), "ada@other.org");
        // An older configuration (no `case_sensitive`) still reads, and folds.
        let old: Vec<EmailDomainRule> =
            serde_json::from_str(r#"[{"domain":"example.com","ignore_dots":true}]"#).unwrap();
        assert_eq!(match_key("A.Da@example.com", &old), "ada@example.com");
    }
}
