//! An inbound message as checked, what it becomes once its case and rule
//! are known (the plan), and the words intake writes: the outcome text, the case's summary,
//! the contact's summary and the timeline entry.

use super::clean::MAX_SHORT;
use crate::intake::{
    FoundBy, Inbound, IntakeAction, IntakeDecision, IntakeOutcome, IntakeRulesDef, OnClosed,
    OnResolved,
};
use crate::model::{Case, CaseStatus, Direction};
use jiff::Timestamp;

/// An inbound message checked, with what is read off it before the store.
pub(super) struct Checked {
    pub(super) inbound: Inbound,
    pub(super) sender: String,
    pub(super) sender_key: Option<String>,
    pub(super) message_key: Option<String>,
    pub(super) reference_keys: Vec<String>,
    pub(super) conversation_key: Option<String>,
    pub(super) automatic: bool,
    pub(super) received_at: Timestamp,
}

/// Longest message text a joined case's timeline keeps.
const MAX_ENTRY: usize = 20_000;

/// What a message does once its case and rule are known.
pub(super) enum Plan {
    /// Log it, on the case it belongs to if any.
    Log(Option<Case>),
    /// Join a case, moving it back to in progress if it waits or was resolved.
    Join { case: Case, resume: bool },
    /// Open a new case, following up a closed one perhaps.
    Open { follow_up_of: Option<Case> },
}

/// What a message does, given its action, the case it belongs to, and
/// whether a machine sent it (never opening or reopening a case).
pub(super) fn plan(
    def: &IntakeRulesDef,
    action: IntakeAction,
    found: Option<Case>,
    automatic: bool,
) -> Plan {
    let Some(case) = found else {
        return match action {
            IntakeAction::Open if !automatic => Plan::Open { follow_up_of: None },
            _ => Plan::Log(None),
        };
    };
    // A machine's message (an out-of-office notice) is kept on the case,
    // not added to its timeline, and changes nothing.
    if action == IntakeAction::Log || automatic {
        return Plan::Log(Some(case));
    }
    match case.status {
        CaseStatus::New | CaseStatus::InProgress => Plan::Join {
            case,
            resume: false,
        },
        CaseStatus::AwaitingCustomer => Plan::Join {
            case,
            resume: def.resume_awaiting,
        },
        CaseStatus::Resolved => match def.on_resolved {
            OnResolved::Reopen => Plan::Join { case, resume: true },
            OnResolved::Join => Plan::Join {
                case,
                resume: false,
            },
            OnResolved::FollowUp => Plan::Open {
                follow_up_of: Some(case),
            },
        },
        CaseStatus::Closed | CaseStatus::Cancelled => match def.on_closed {
            OnClosed::FollowUp => Plan::Open {
                follow_up_of: Some(case),
            },
            _ => Plan::Log(Some(case)),
        },
    }
}

/// The outcome in words.
pub(super) fn describe(outcome: &IntakeOutcome) -> String {
    let number = outcome.case_number.as_deref().unwrap_or_default();
    let mut text = match outcome.decision {
        IntakeDecision::Joined if outcome.reopened => format!("joined and reopened {number}"),
        IntakeDecision::Joined => format!("joined {number}"),
        IntakeDecision::Opened => match &outcome.follow_up_of {
            Some(closed) => format!("opened {number} following up {closed}"),
            None => format!("opened {number}"),
        },
        IntakeDecision::Logged if number.is_empty() => "logged only".to_string(),
        IntakeDecision::Logged => format!("logged only, on {number}"),
    };
    if let Some(found) = outcome.found_by {
        let how = match found {
            FoundBy::Case => "case named",
            FoundBy::Thread => "thread",
            FoundBy::CaseNumber => "case number in subject",
            FoundBy::Conversation => "conversation",
        };
        text.push_str(&format!(" ({how})"));
    }
    match &outcome.rule {
        Some(rule) => text.push_str(&format!(" by rule \"{rule}\"")),
        None if outcome.automatic => text.push_str(": automatic message"),
        None => {}
    }
    text
}

/// A case's one-line summary from a message: its subject, else its first
/// line, else where it came from.
pub(super) fn short_description(checked: &Checked) -> String {
    let inbound = &checked.inbound;
    let line = if inbound.subject.is_empty() {
        inbound
            .body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .to_string()
    } else {
        inbound.subject.clone()
    };
    let line = if line.is_empty() {
        format!("{} from {}", inbound.channel.as_str(), checked.sender)
    } else {
        line
    };
    cut(&line, MAX_SHORT).to_string()
}

/// A contact's summary from a message: its subject, else the start of its body.
pub(super) fn contact_summary(checked: &Checked) -> String {
    let inbound = &checked.inbound;
    if inbound.subject.is_empty() {
        cut(inbound.body.trim(), 1_000).to_string()
    } else {
        inbound.subject.clone()
    }
}

/// The timeline entry of a message joining a case.
pub(super) fn message_entry(checked: &Checked) -> String {
    let inbound = &checked.inbound;
    let direction = match inbound.direction {
        Direction::Inbound => "from",
        Direction::Outbound => "to",
    };
    let mut text = format!(
        "{} {direction} {}",
        inbound.channel.as_str(),
        checked.sender
    );
    if !inbound.subject.is_empty() {
        text.push_str(": ");
        text.push_str(&inbound.subject);
    }
    if !inbound.body.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(inbound.body.trim());
    }
    cut(&text, MAX_ENTRY).to_string()
}

/// `text` cut to at most `max` bytes on a character boundary.
pub(super) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
