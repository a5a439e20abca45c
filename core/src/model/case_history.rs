//! A case's history of attribute changes: what its status, priority,
//! routing and custom fields were at every moment, which service levels
//! are derived from.

use super::{Case, CaseStatus, EntryKind};
use crate::template::Fields;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;

/// One change of a case's attributes: the attributes that changed, with
/// their new values (`null` when cleared). The first change of a case holds
/// every attribute it was created with.
///
/// Keys are the case's own attribute names (`status`, `priority`,
/// `impact`, `urgency`, `category`, `product`, `asset`, `support_group`,
/// `assignee`, `channel`, `template`) and its custom field keys, which a
/// case template may not name like an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseChange {
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// The attributes that changed, with their new values.
    pub changed: Fields,
}

/// The attribute names a case change may hold besides custom fields.
pub const CASE_ATTRIBUTES: [&str; 11] = [
    "status",
    "priority",
    "impact",
    "urgency",
    "category",
    "product",
    "asset",
    "support_group",
    "assignee",
    "channel",
    "template",
];

/// A case's attributes as one flat map (attribute names and custom field keys).
pub fn case_attributes(case: &Case) -> Fields {
    let text = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
    let json = |v: serde_json::Result<Value>| v.unwrap_or(Value::Null);
    let mut out = case.fields.clone();
    out.insert("status".into(), Value::from(case.status.as_str()));
    out.insert("priority".into(), Value::from(case.priority.0));
    out.insert("impact".into(), json(serde_json::to_value(case.impact)));
    out.insert("urgency".into(), json(serde_json::to_value(case.urgency)));
    out.insert("category".into(), text(&case.category));
    out.insert("product".into(), text(&case.product));
    out.insert("asset".into(), text(&case.asset));
    out.insert("support_group".into(), text(&case.support_group));
    out.insert("assignee".into(), text(&case.assignee));
    out.insert(
        "channel".into(),
        case.channel
            .map(|c| json(serde_json::to_value(c)))
            .unwrap_or(Value::Null),
    );
    out.insert(
        "template".into(),
        case.template
            .as_ref()
            .map(|t| Value::from(t.id.as_str()))
            .unwrap_or(Value::Null),
    );
    out
}

impl Case {
    /// Starts the history of a new case: one change holding every attribute.
    pub fn record_creation(&mut self) {
        self.history = vec![CaseChange {
            at: self.created_at,
            by: self.created_by.clone(),
            changed: case_attributes(self),
        }];
    }

    /// Sets this edited case's history to `previous`'s plus one change
    /// holding every attribute that differs (none when nothing changed).
    pub fn record_change_from(&mut self, previous: &Case, by: &str, at: Timestamp) {
        // `self` is an edit of `previous`: it carries the same history.
        let mut history = if self.history.is_empty() {
            previous.effective_history().into_owned()
        } else {
            std::mem::take(&mut self.history)
        };
        let before = case_attributes(previous);
        let now = case_attributes(self);
        let mut changed = Fields::new();
        for (key, value) in &now {
            if before.get(key).unwrap_or(&Value::Null) != value {
                changed.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in &before {
            if !now.contains_key(key) && !value.is_null() {
                changed.insert(key.clone(), Value::Null);
            }
        }
        if !changed.is_empty() {
            history.push(CaseChange {
                at,
                by: by.to_string(),
                changed,
            });
        }
        self.history = history;
    }

    /// The case's history; for a case stored before histories were kept,
    /// the best account its record gives: its attributes from creation (as
    /// new), then the status changes of its timeline.
    pub fn effective_history(&self) -> Cow<'_, [CaseChange]> {
        if !self.history.is_empty() {
            return Cow::Borrowed(&self.history);
        }
        let mut first = case_attributes(self);
        first.insert("status".into(), Value::from(CaseStatus::New.as_str()));
        let mut history = vec![CaseChange {
            at: self.created_at,
            by: self.created_by.clone(),
            changed: first,
        }];
        for entry in &self.timeline {
            if entry.kind != EntryKind::StatusChange {
                continue;
            }
            let to = entry.text.rsplit("-> ").next().unwrap_or("").trim();
            if CaseStatus::ALL.iter().any(|s| s.as_str() == to) {
                let mut changed = Fields::new();
                changed.insert("status".into(), Value::from(to));
                history.push(CaseChange {
                    at: entry.at,
                    by: entry.author.clone(),
                    changed,
                });
            }
        }
        Cow::Owned(history)
    }
}

/// Applies a change to a flat attribute map.
pub fn apply_change(state: &mut Fields, changed: &Fields) {
    for (key, value) in changed {
        if value.is_null() {
            state.remove(key);
        } else {
            state.insert(key.clone(), value.clone());
        }
    }
}
