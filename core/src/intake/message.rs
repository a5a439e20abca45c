//! An inbound message or call as a channel hands it over, and what can be
//! read off it without a store: its idempotency key, the earlier messages it
//! answers, whether a machine sent it.

use crate::model::{Channel, Direction};
use crate::template::Fields;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest message id, thread reference or conversation id, in bytes.
pub const MAX_MESSAGE_ID: usize = 998;
/// Most thread references one message may carry.
pub const MAX_REFERENCES: usize = 100;
/// Longest body or transcript excerpt kept, in bytes (the rest is cut).
pub const MAX_BODY: usize = 64 * 1024;

/// An inbound message or call to take in ([`Casebook::intake`](crate::Casebook::intake)).
///
/// ```
/// use casebook::{Channel, Inbound};
/// let mail = Inbound::new(Channel::Email, "Ada Lovelace <ada@example.org>")
///     .subject("Re: [CS0001001] Router down")
///     .message_id("<reply-1@example.org>");
/// assert_eq!(mail.idempotency_key().as_deref(), Some("email:reply-1@example.org"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// Channel.
    pub channel: Channel,
    /// Direction (default inbound). An outbound message (an agent's reply,
    /// an acknowledgement the host sent) is logged on the case it names, so
    /// that the customer's answer to it finds the case by its thread.
    #[serde(default = "inbound")]
    pub direction: Direction,
    /// Sender: an e-mail `From` value, a caller number or SIP URI, a handle.
    pub from: String,
    /// Recipient or queue address (`support@example.com`, the dialled number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Subject (e-mail, web form title).
    #[serde(default)]
    pub subject: String,
    /// Body, or an excerpt of a call transcript.
    #[serde(default)]
    pub body: String,
    /// The channel's own id of the message (e-mail `Message-ID`, webhook
    /// delivery id, call id): a message with an id already taken is not
    /// taken again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The message this one answers (e-mail `In-Reply-To`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// Earlier messages of the thread (e-mail `References`), oldest first;
    /// an item may hold several ids separated by spaces, as the header does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The chat conversation (or social thread) the message belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// When it was received (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub received_at: Option<Timestamp>,
    /// Headers that tell a machine's message from a person's
    /// (`Auto-Submitted`, `Precedence`, `X-Autoreply`, `Content-Type`), by
    /// name in any case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// What was attached (the files themselves stay with the host).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentMeta>,
    /// A web form post: its fields, validated against the case template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<FormPost>,
    /// A case the host already knows the message belongs to (id or number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
}

fn inbound() -> Direction {
    Direction::Inbound
}

/// A file attached to an inbound message, as metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachmentMeta {
    /// File name.
    pub name: String,
    /// Media type (`application/pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// A web form post: the case template's fields as the browser sent them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FormPost {
    /// Case template the form shows (default: the deciding rule's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Field values.
    #[serde(default)]
    pub fields: Fields,
}

impl Inbound {
    /// An inbound message on a channel from a sender, everything else empty.
    pub fn new(channel: Channel, from: impl Into<String>) -> Self {
        Inbound {
            channel,
            direction: Direction::Inbound,
            from: from.into(),
            to: None,
            subject: String::new(),
            body: String::new(),
            message_id: None,
            in_reply_to: None,
            references: Vec::new(),
            conversation_id: None,
            received_at: None,
            headers: BTreeMap::new(),
            attachments: Vec::new(),
            form: None,
            case: None,
        }
    }

    /// The same message with a subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// The same message with a body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    /// The same message with the channel's message id.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// The same message answering an earlier one (`In-Reply-To`).
    pub fn in_reply_to(mut self, id: impl Into<String>) -> Self {
        self.in_reply_to = Some(id.into());
        self
    }

    /// The same message with a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// The key that makes taking this message idempotent: the channel and
    /// the message id without its angle brackets. `None` without an id.
    pub fn idempotency_key(&self) -> Option<String> {
        self.message_id
            .as_deref()
            .and_then(bare_id)
            .map(|id| thread_key(self.channel, id))
    }

    /// The thread keys of the earlier messages this one answers, the
    /// closest first: `In-Reply-To`, then `References` from the newest.
    pub fn reference_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let references = self.references.iter().rev().flat_map(|r| {
            let mut ids: Vec<&str> = r.split_whitespace().collect();
            ids.reverse();
            ids
        });
        for id in self.in_reply_to.as_deref().into_iter().chain(references) {
            if let Some(key) = bare_id(id).map(|id| thread_key(self.channel, id)) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The key of the conversation the message belongs to, if any.
    pub fn conversation_key(&self) -> Option<String> {
        self.conversation_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| format!("{}:{c}", self.channel.as_str()))
    }

    /// A header's value, by name in any case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// Whether a machine sent the message (an auto-reply, an out-of-office
    /// notice, a bounce, a mailing list): RFC 3834 `Auto-Submitted`, the
    /// `Precedence` and `X-Autoreply`/`X-Autorespond` headers vendors send,
    /// a delivery report, or a mailer-daemon sender.
    pub fn is_automatic(&self) -> bool {
        if self
            .header_value("Auto-Submitted")
            .is_some_and(|v| !v.eq_ignore_ascii_case("no"))
        {
            return true;
        }
        if self.header_value("Precedence").is_some_and(|v| {
            ["bulk", "junk", "list", "auto_reply"]
                .iter()
                .any(|p| v.eq_ignore_ascii_case(p))
        }) {
            return true;
        }
        if self.header_value("X-Autoreply").is_some()
            || self.header_value("X-Autorespond").is_some()
        {
            return true;
        }
        if self.header_value("Content-Type").is_some_and(|v| {
            v.to_ascii_lowercase()
                .contains("report-type=delivery-status")
        }) {
            return true;
        }
        let sender = sender_address(&self.from).to_ascii_lowercase();
        let local = sender.split('@').next().unwrap_or_default();
        self.channel == Channel::Email && (local == "mailer-daemon" || local == "postmaster")
    }
}

/// The address of a sender written as `Display Name <address>`, or the
/// text itself.
pub fn sender_address(from: &str) -> &str {
    let from = from.trim();
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => from[open + 1..close].trim(),
        _ => from,
    }
}

/// The display name of a sender written as `Display Name <address>`.
pub fn sender_name(from: &str) -> Option<&str> {
    let from = from.trim();
    let open = from.rfind('<')?;
    let name = from[..open].trim().trim_matches('"').trim();
    (!name.is_empty() && !name.contains('@')).then_some(name)
}

/// A message id without surrounding whitespace and angle brackets; `None`
/// when nothing is left or it is longer than [`MAX_MESSAGE_ID`].
fn bare_id(id: &str) -> Option<&str> {
    let id = id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id).trim();
    (!id.is_empty() && id.len() <= MAX_MESSAGE_ID).then_some(id)
}

/// The key a message is known by on its channel.
fn thread_key(channel: Channel, id: &str) -> String {
    format!("{}:{id}", channel.as_str())
}
