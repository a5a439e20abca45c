//! Contacts: the interactions (calls, e-mails, chats) logged against
//! profiles and cases, and the channels they arrive on.

use super::ContactKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Channel of a case or contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Phone call.
    Voice,
    /// E-mail.
    Email,
    /// Web or in-app chat.
    Chat,
    /// Text message.
    Sms,
    /// Social network or messaging app.
    Social,
    /// Web form or portal.
    Web,
}

impl Channel {
    /// The channel's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Sms => "sms",
            Channel::Social => "social",
            Channel::Web => "web",
        }
    }

    /// The kind of contact point an address on this channel is.
    pub fn contact_kind(self) -> ContactKind {
        match self {
            Channel::Voice | Channel::Sms => ContactKind::Phone,
            Channel::Email => ContactKind::Email,
            Channel::Social | Channel::Chat => ContactKind::Social,
            Channel::Web => ContactKind::Other,
        }
    }
}

/// Direction of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The customer reached out.
    Inbound,
    /// The agent reached out.
    Outbound,
}

/// How a contact ended: whether the customer was reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactOutcome {
    /// The customer was reached (answered, replied, read): the default.
    #[default]
    Completed,
    /// An outbound call nobody answered.
    NoAnswer,
    /// The line was busy.
    Busy,
    /// A message left on voicemail or an answering machine.
    Voicemail,
    /// The customer hung up or left the chat before an agent took it.
    Abandoned,
    /// It could not be delivered (a bounced e-mail, a failed text, a dropped call).
    Failed,
}

impl ContactOutcome {
    /// Whether the customer was reached.
    pub fn is_successful(self) -> bool {
        self == ContactOutcome::Completed
    }
}

/// One interaction with a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contact {
    /// Internal id.
    pub id: Uuid,
    /// Channel.
    pub channel: Channel,
    /// Direction.
    pub direction: Direction,
    /// Address as received (caller number, e-mail address, handle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Matching key of the address, when it could be normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_key: Option<String>,
    /// Start.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub started_at: Timestamp,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub ended_at: Option<Timestamp>,
    /// Agent who handled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Whether the customer was reached.
    #[serde(default)]
    pub outcome: ContactOutcome,
    /// The marketing or outreach campaign it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Associated profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<Uuid>,
    /// Associated cases (at most one unless configured otherwise).
    #[serde(default)]
    pub case_ids: Vec<Uuid>,
    /// When it was logged.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub created_at: Timestamp,
    /// Who logged it.
    pub created_by: String,
    /// Records in other systems linked to it during the interaction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_records: Vec<super::ExternalLink>,
    /// Files attached to it (metadata; the bytes stay with the host).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<super::Attachment>,
}

/// A contact to log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Channel.
    pub channel: Channel,
    /// Direction (default inbound).
    #[serde(default = "inbound")]
    pub direction: Direction,
    /// Address (caller number, e-mail address, handle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Start (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub started_at: Option<Timestamp>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub ended_at: Option<Timestamp>,
    /// Agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Whether the customer was reached (default completed).
    #[serde(default)]
    pub outcome: ContactOutcome,
    /// The campaign it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Profile (id or customer ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Cases (id or case number).
    #[serde(default)]
    pub cases: Vec<String>,
}

fn inbound() -> Direction {
    Direction::Inbound
}

impl ContactInput {
    /// An inbound contact on a channel from an address, starting now.
    pub fn inbound(channel: Channel, address: impl Into<String>) -> Self {
        ContactInput {
            channel,
            direction: Direction::Inbound,
            address: Some(address.into()),
            started_at: None,
            ended_at: None,
            agent: None,
            summary: String::new(),
            outcome: ContactOutcome::Completed,
            campaign: None,
            profile: None,
            cases: Vec::new(),
        }
    }
}
