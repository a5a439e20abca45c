//! E-mail address normalisation and matching keys.

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};

/// Longest e-mail address accepted (RFC 5321 limit on a path).
const MAX_EMAIL_LEN: usize = 254;

/// Per-domain matching option for mailboxes whose provider ignores case,
/// dots or `+tags` in the local part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailDomainRule {
    /// Domain (lower case), e.g. `gmail.com`.
    pub domain: String,
    /// Match the local part case-insensitively.
    #[serde(default)]
    pub ignore_case: bool,
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
                ignore_dots: true,
                ignore_plus_tag: true,
            })
            .collect()
    }
}

/// Normalises an e-mail address: trimmed, domain lower-cased, local part
/// kept as written. `None` when it is not a plain address with a dotted domain.
///
/// ```
/// assert_eq!(casebook::email::normalize(" Ada.Lovelace@Example.ORG ").as_deref(), Some("Ada.Lovelace@example.org"));
/// assert_eq!(casebook::email::normalize("Ada <ada@example.org>"), None);
/// assert_eq!(casebook::email::normalize("ada@localhost"), None);
/// ```
pub fn normalize(input: &str) -> Option<String> {
    let input = input.trim();
    if input.is_empty() || input.len() > MAX_EMAIL_LEN {
        return None;
    }
    let parsed = EmailAddress::parse_with_options(input, options()).ok()?;
    let (local, domain) = input.rsplit_once('@')?;
    debug_assert_eq!(parsed.domain(), domain);
    Some(format!("{local}@{}", domain.to_lowercase()))
}

/// Whether the input is a plain address with a dotted domain (what
/// [`normalize`] accepts), without building the normalised form.
pub fn is_valid(input: &str) -> bool {
    let input = input.trim();
    !input.is_empty()
        && input.len() <= MAX_EMAIL_LEN
        && EmailAddress::parse_with_options(input, options()).is_ok()
}

fn options() -> Options {
    Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld()
}

/// Matching key of a normalised address under the per-domain rules.
pub fn match_key(normalized: &str, rules: &[EmailDomainRule]) -> String {
    let Some((local, domain)) = normalized.rsplit_once('@') else {
        return normalized.to_string();
    };
    let domain = domain.to_lowercase();
    let Some(rule) = rules
        .iter()
        .find(|r| r.domain.eq_ignore_ascii_case(&domain))
    else {
        return format!("{local}@{domain}");
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
    if rule.ignore_case {
        local = local.to_lowercase();
    }
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "Ada.Love+shop@example.com"
        );
    }
}
