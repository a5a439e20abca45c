//! Case intake: what an inbound message or call from any channel is (its
//! idempotency key, its thread, whether a machine sent it), the rules that
//! decide whether it joins a case, opens one or is only logged, and the
//! outcome the host is told. The engine applies them
//! ([`Casebook::intake`](crate::Casebook::intake)).

mod message;
mod rules;
#[cfg(test)]
mod tests;

pub use message::{
    sender_address, sender_name, AttachmentMeta, FormPost, Inbound, MAX_BODY, MAX_MESSAGE_ID,
    MAX_REFERENCES,
};
pub use rules::{
    CaseSpec, IntakeAction, IntakeRule, IntakeRules, IntakeRulesDef, MessageFacts, OnClosed,
    OnResolved, RuleCondition, SenderCondition, UnknownSender,
};

use crate::model::ProfileInput;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What taking a message in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeDecision {
    /// It joined the case it belongs to.
    Joined,
    /// It opened a new case (a follow-up of a closed one, perhaps).
    Opened,
    /// It was only logged as a contact.
    Logged,
}

/// How a message was found to belong to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// The host named the case.
    Case,
    /// It answers an earlier message of the case (`In-Reply-To`, `References`).
    Thread,
    /// Its subject names the case number.
    CaseNumber,
    /// It belongs to the case's open chat conversation.
    Conversation,
}

/// The outcome of [`Casebook::intake`](crate::Casebook::intake): what
/// happened, on which case, by which rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeOutcome {
    /// Joined, opened or logged.
    pub decision: IntakeDecision,
    /// The same in words: `joined CS0001001 (thread)`,
    /// `opened CS0001002 by rule "billing"`, `logged only: automatic reply`.
    pub text: String,
    /// The rule that decided (`None`: the default action).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// How the message was found to belong to an existing case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_by: Option<FoundBy>,
    /// The contact the message was logged as.
    pub contact_id: Uuid,
    /// The case it joined or opened, or was logged on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Uuid>,
    /// That case's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// The case was resolved and the message reopened it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reopened: bool,
    /// The closed case the opened case follows up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<String>,
    /// The sender's profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<Uuid>,
    /// The sender's customer ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The sender's profile was created by this message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub profile_created: bool,
    /// An unknown sender's pre-filled new-customer draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<ProfileInput>,
    /// Customer IDs of profiles the sender may be (a shared address, or
    /// strong duplicates that kept a new profile from being created).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// A machine sent the message (it never opens or reopens a case).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub automatic: bool,
    /// The message had been taken before: this is that first outcome, and
    /// nothing was stored again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
}
