//! Contact points and incoming addresses: normalising what was typed or
//! received (phone numbers to E.164, e-mail domains, social handles) and the
//! matching key recognition and search look them up by.

use super::clean::truncate;
use super::Casebook;
use crate::caller::{parse_caller, CallerId, CallerKind};
use crate::error::{FieldError, FieldErrorCode};
use crate::model::{Channel, ContactKind, ContactPoint, ContactPointInput};
use crate::store::Store;
use crate::text;

/// Splits `network:handle` into its matching key and display value.
pub(super) fn social_key(raw: &str) -> Option<(String, String)> {
    let (network, handle) = raw.trim().split_once(':')?;
    let network = network.trim().to_lowercase();
    let handle = handle.trim().trim_start_matches('@');
    if network.is_empty()
        || handle.is_empty()
        || network.len() > 30
        || handle.chars().count() > 100
        || !network
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || handle.chars().any(char::is_whitespace)
    {
        return None;
    }
    Some((
        format!("{network}:{}", handle.to_lowercase()),
        format!("{network}:{handle}"),
    ))
}

/// The kind of contact point a caller identity is matched against.
pub(super) fn caller_contact_kind(kind: CallerKind) -> ContactKind {
    match kind {
        CallerKind::Phone => ContactKind::Phone,
        CallerKind::Email => ContactKind::Email,
        CallerKind::Withheld | CallerKind::Other => ContactKind::Other,
    }
}

impl<S: Store> Casebook<S> {
    /// The matching key of an address arriving on a channel (`phone:+44...`,
    /// `email:...`), or `None` when it cannot be normalised or the caller
    /// withheld their identity. Voice, SMS and e-mail addresses are read as
    /// caller identities first (SIP and `tel:` URIs, header values, numbers
    /// with extensions; see [`Casebook::recognize`]).
    pub fn address_key(&self, channel: Channel, address: &str) -> Option<String> {
        let caller = self.caller_of(channel, address);
        self.key_of(channel, address, caller.as_ref())
    }

    /// The caller identity of an address on a channel that carries them.
    pub(super) fn caller_of(&self, channel: Channel, address: &str) -> Option<CallerId> {
        matches!(
            channel.contact_kind(),
            ContactKind::Phone | ContactKind::Email
        )
        .then(|| parse_caller(address))
    }

    /// [`Casebook::address_key`] with the caller identity already read.
    pub(super) fn key_of(
        &self,
        channel: Channel,
        address: &str,
        caller: Option<&CallerId>,
    ) -> Option<String> {
        let Some(caller) = caller else {
            return self.plain_key(channel.contact_kind(), address);
        };
        match caller.kind {
            CallerKind::Withheld => None,
            CallerKind::Phone => self.plain_key(ContactKind::Phone, &caller.address),
            CallerKind::Email => self.plain_key(ContactKind::Email, &caller.address),
            // Only a URI names another contact point; plain text on these channels matches nothing.
            CallerKind::Other => caller
                .address
                .starts_with("sip:")
                .then(|| self.plain_key(ContactKind::Other, &caller.address))
                .flatten(),
        }
    }

    /// The matching key of an address of a kind, as written.
    pub(super) fn plain_key(&self, kind: ContactKind, address: &str) -> Option<String> {
        match kind {
            ContactKind::Phone => self.phone.match_key(address).map(|k| format!("phone:{k}")),
            ContactKind::Email => crate::email::normalize(address).map(|v| {
                format!(
                    "email:{}",
                    crate::email::match_key(&v, &self.config.email_domain_rules)
                )
            }),
            ContactKind::Social => social_key(address).map(|(k, _)| format!("social:{k}")),
            ContactKind::Address | ContactKind::Other => {
                let v = text::squash_whitespace(address);
                (!v.is_empty()).then(|| format!("other:{}", v.to_lowercase()))
            }
        }
    }

    /// A contact point as it is stored, or its problems (the `i`th of the input).
    pub(super) fn contact_point(
        &self,
        i: usize,
        input: &ContactPointInput,
        errors: &mut Vec<FieldError>,
    ) -> Option<ContactPoint> {
        let path = format!("contact_points[{i}].value");
        let raw = input.value.trim();
        let label = input
            .label
            .as_deref()
            .map(text::squash_whitespace)
            .filter(|l| !l.is_empty());
        if label.as_ref().is_some_and(|l| l.chars().count() > 40) {
            errors.push(FieldError::new(
                format!("contact_points[{i}].label"),
                FieldErrorCode::TooLong,
                "A contact label must be at most 40 characters",
            ));
        }
        if raw.is_empty() {
            errors.push(FieldError::new(
                path,
                FieldErrorCode::Required,
                "A contact point needs a value",
            ));
            return None;
        }
        let normalized = match input.kind {
            ContactKind::Phone => self
                .phone
                .normalize(raw)
                .ok()
                .map(|e164| (self.phone.canonical(&e164), e164))
                .map(|(key, value)| (format!("phone:{key}"), value))
                .ok_or_else(|| {
                    let region = self
                        .phone
                        .default_region()
                        .map(|r| format!(", or a national number of {r}"))
                        .unwrap_or_default();
                    format!(
                        "`{}` is not a valid phone number; expected an international number such as +44 20 7946 0958{region}",
                        truncate(raw)
                    )
                }),
            ContactKind::Email => crate::email::normalize(raw)
                .map(|v| {
                    (
                        format!(
                            "email:{}",
                            crate::email::match_key(&v, &self.config.email_domain_rules)
                        ),
                        v,
                    )
                })
                .ok_or_else(|| {
                    format!(
                        "`{}` is not an e-mail address such as name@example.com",
                        truncate(raw)
                    )
                }),
            ContactKind::Social => social_key(raw)
                .map(|(key, value)| (format!("social:{key}"), value))
                .ok_or_else(|| {
                    "A social handle must be written network:handle, e.g. twitter:@ada".to_string()
                }),
            ContactKind::Address => {
                let value = raw
                    .lines()
                    .map(text::squash_whitespace)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                if value.chars().count() > 500 {
                    Err("An address must be at most 500 characters".to_string())
                } else {
                    Ok((format!("address:{}", text::tokens(&value).join(" ")), value))
                }
            }
            ContactKind::Other => {
                let value = text::squash_whitespace(raw);
                if value.chars().count() > 200 {
                    Err("A contact value must be at most 200 characters".to_string())
                } else {
                    Ok((format!("other:{}", value.to_lowercase()), value))
                }
            }
        };
        match normalized {
            Ok((key, value)) => Some(ContactPoint {
                kind: input.kind,
                value,
                label,
                primary: input.primary,
                key,
            }),
            Err(message) => {
                errors.push(FieldError::new(
                    path,
                    FieldErrorCode::InvalidFormat,
                    message,
                ));
                None
            }
        }
    }
}
