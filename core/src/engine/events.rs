//! The event outbox: every change writes its domain events in the same
//! transaction as the change, numbered without gaps in commit order. The
//! host reads them by cursor and acknowledges per consumer, so each
//! consumer (a mailer, a CRM connector, a dashboard) sees every event at
//! least once, in order, and resumes after a crash from its last
//! acknowledgement.
//!
//! Events are stored as engine bookkeeping (blobs keyed by their sequence
//! number), so every store keeps them without a store of its own, and a
//! snapshot carries them. Numbering takes the outbox sequence inside the
//! writing transaction: on a store that several servers share, two
//! transactions that both emit events are ordered by it, so an event never
//! becomes visible behind one with a higher number.

use super::Casebook;
use crate::error::{Entity, Error, Result};
use crate::model::{
    case_attributes, Case, Contact, Event, EventConsumer, EventKind, EventSubject, LinkRole,
    Profile, Recipient, SubjectKind,
};
use crate::sla::{SlaEvent, SlaEventKind};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use jiff::Timestamp;
use serde_json::{json, Value};
use uuid::Uuid;

/// Counts events: the last one's sequence number.
const EVENT_SEQUENCE: &str = "events";
const EVENT_BLOB: &str = "event";
const CONSUMER_BLOB: &str = "event_consumer";
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_2c3b_8e47_4a59_b0c2_71e3_d8a5_9f04);
/// Most events one read returns.
const MAX_EVENTS: usize = 1_000;
/// Longest consumer name accepted, in bytes.
const MAX_CONSUMER: usize = 200;
/// Profile fields that change without the profile's data changing.
const PROFILE_BOOKKEEPING: [&str; 4] =
    ["version", "updated_at", "updated_by", "last_interaction_at"];

fn event_blob_id(seq: u64) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("event:{seq}").as_bytes())
}

fn consumer_blob_id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("consumer:{name}").as_bytes())
}

fn profile_subject(profile: &Profile) -> EventSubject {
    EventSubject {
        kind: SubjectKind::Profile,
        id: profile.id,
        key: profile.customer_id.clone(),
    }
}

fn case_subject(case: &Case) -> EventSubject {
    EventSubject {
        kind: SubjectKind::Case,
        id: case.id,
        key: case.number.clone(),
    }
}

/// A contact as the subject of an event (a logged contact, a message).
pub(super) fn message_subject(contact: &Contact) -> EventSubject {
    EventSubject {
        kind: SubjectKind::Contact,
        id: contact.id,
        key: contact.id.to_string(),
    }
}

/// A consumer name, trimmed, after checking it can be stored.
fn consumer_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.len() > MAX_CONSUMER {
        return Err(Error::InvalidInput(
            "name the consumer of the outbox (1 to 200 characters)".into(),
        ));
    }
    Ok(name)
}

impl<S: Store> Casebook<S> {
    /// Events after sequence number `cursor` (0: from the first), in order,
    /// at most `limit` (1 to 1,000). The host keeps the last `seq` it
    /// handled as its cursor, or lets the engine keep it per consumer
    /// ([`Casebook::events_for`], [`Casebook::acknowledge_events`]).
    ///
    /// ```
    /// use casebook::{Actor, Casebook, CreateOptions, EventKind, ProfileInput};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let ada = cb.create_profile(&agent, ProfileInput { family_name: "Lovelace".into(), ..Default::default() }, CreateOptions::default())?;
    /// let events = cb.events_after(0, 100)?;
    /// assert_eq!(events[0].kind, EventKind::ProfileCreated);
    /// assert_eq!(events[0].subject.key, ada.customer_id);
    /// assert!(cb.events_after(events[0].seq, 100)?.is_empty());
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn events_after(&self, cursor: u64, limit: usize) -> Result<Vec<Event>> {
        let limit = limit.clamp(1, MAX_EVENTS) as u64;
        self.store
            .read_with(|tx| Self::events_in(tx, cursor, limit))
    }

    /// The events a consumer has not acknowledged yet, in order, at most
    /// `limit`: after a crash, the same events come back (with the same
    /// idempotency keys) until they are acknowledged. A consumer never seen
    /// before starts from the first event.
    pub fn events_for(&self, consumer: &str, limit: usize) -> Result<Vec<Event>> {
        let name = consumer_name(consumer)?;
        let limit = limit.clamp(1, MAX_EVENTS) as u64;
        self.store.read_with(|tx| {
            let cursor = Self::acknowledged_in(tx, name)?;
            Self::events_in(tx, cursor, limit)
        })
    }

    /// Records that a consumer has handled every event up to `seq`. An
    /// acknowledgement below the consumer's (a late duplicate) changes
    /// nothing; one beyond the last event is refused.
    pub fn acknowledge_events(&self, consumer: &str, seq: u64) -> Result<EventConsumer> {
        let name = consumer_name(consumer)?;
        self.store.write_with(|tx| {
            let last = tx.sequence(EVENT_SEQUENCE)?;
            if seq > last {
                return Err(Error::InvalidInput(format!(
                    "event {seq} does not exist yet (the last is {last})"
                )));
            }
            let stored = Self::acknowledged_in(&*tx, name)?;
            let acknowledged = stored.max(seq);
            if acknowledged != stored {
                tx.put_blob(
                    CONSUMER_BLOB,
                    consumer_blob_id(name),
                    &json!({ "name": name, "acknowledged": acknowledged }),
                )?;
            }
            Ok(EventConsumer {
                name: name.to_string(),
                acknowledged,
                last,
            })
        })
    }

    /// Where a consumer stands: its last acknowledged event and the last
    /// event of the outbox.
    pub fn event_consumer(&self, consumer: &str) -> Result<EventConsumer> {
        let name = consumer_name(consumer)?;
        self.store.read_with(|tx| {
            Ok(EventConsumer {
                name: name.to_string(),
                acknowledged: Self::acknowledged_in(tx, name)?,
                last: tx.sequence(EVENT_SEQUENCE)?,
            })
        })
    }

    fn acknowledged_in(tx: &dyn ReadTx, name: &str) -> Result<u64> {
        Ok(tx
            .blob(CONSUMER_BLOB, consumer_blob_id(name))?
            .and_then(|v| v.get("acknowledged").and_then(Value::as_u64))
            .unwrap_or(0))
    }

    fn events_in(tx: &dyn ReadTx, cursor: u64, limit: u64) -> Result<Vec<Event>> {
        let last = tx.sequence(EVENT_SEQUENCE)?;
        let until = last.min(cursor.saturating_add(limit));
        let mut out = Vec::new();
        for seq in cursor.saturating_add(1)..=until {
            let stored = tx.blob(EVENT_BLOB, event_blob_id(seq))?.ok_or_else(|| {
                Error::Internal(format!("event {seq} of {last} is missing from the outbox"))
            })?;
            out.push(serde_json::from_value(stored)?);
        }
        Ok(out)
    }

    /// Writes one event to the outbox, numbered next.
    pub(super) fn emit(
        &self,
        tx: &mut dyn WriteTx,
        kind: EventKind,
        subject: EventSubject,
        actor: &str,
        at: Timestamp,
        payload: Value,
    ) -> Result<u64> {
        let seq = tx.next_sequence(EVENT_SEQUENCE)?;
        let key = Uuid::new_v5(
            &NAMESPACE,
            format!("{}:{}:{seq}", subject.id, kind.as_str()).as_bytes(),
        );
        let event = Event {
            seq,
            key,
            kind,
            subject,
            at,
            actor: actor.to_string(),
            payload,
        };
        tx.put_blob(
            EVENT_BLOB,
            event_blob_id(seq),
            &serde_json::to_value(&event)?,
        )?;
        Ok(seq)
    }

    /// The events of a profile stored by a create (`before` `None`) or an
    /// edit. Tombstones and the profiles an unmerge restores have their
    /// own events (merged, unmerged).
    pub(super) fn emit_profile_saved(
        &self,
        tx: &mut dyn WriteTx,
        before: Option<&Profile>,
        after: &Profile,
    ) -> Result<()> {
        let Some(before) = before else {
            let payload = json!({ "customer_id": after.customer_id, "version": after.version });
            self.emit(
                tx,
                EventKind::ProfileCreated,
                profile_subject(after),
                &after.created_by,
                after.created_at,
                payload,
            )?;
            return Ok(());
        };
        if before.merged_into.is_some() || after.merged_into.is_some() {
            return Ok(());
        }
        let changed = changed_keys(
            &serde_json::to_value(before)?,
            &serde_json::to_value(after)?,
            &PROFILE_BOOKKEEPING,
        );
        if changed.is_empty() {
            return Ok(());
        }
        let payload = json!({
            "customer_id": after.customer_id,
            "version": after.version,
            "changed": changed,
        });
        self.emit(
            tx,
            EventKind::ProfileUpdated,
            profile_subject(after),
            &after.updated_by,
            after.updated_at,
            payload,
        )?;
        Ok(())
    }

    /// `profile.merged` or `profile.unmerged` on a merge's survivor.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit_merge_event(
        &self,
        tx: &mut dyn WriteTx,
        kind: EventKind,
        survivor: &Profile,
        other: &Profile,
        merge_id: Uuid,
        by: &str,
        at: Timestamp,
    ) -> Result<()> {
        let payload = json!({
            "merge_id": merge_id,
            "survivor": survivor.customer_id,
            "merged": { "id": other.id, "customer_id": other.customer_id },
        });
        self.emit(tx, kind, profile_subject(survivor), by, at, payload)?;
        Ok(())
    }

    /// The events of a case stored by a create (`before` `None`, once its
    /// links are stored: its recipients are its linked profiles) or an edit.
    pub(super) fn emit_case_saved(
        &self,
        tx: &mut dyn WriteTx,
        before: Option<&Case>,
        after: &Case,
    ) -> Result<()> {
        let subject = || case_subject(after);
        let by = after.updated_by.as_str();
        let at = after.updated_at;
        let Some(before) = before else {
            let payload = json!({
                "number": after.number,
                "status": after.status,
                "priority": after.priority,
                "channel": after.channel,
                "category": after.category,
                "support_group": after.support_group,
                "assignee": after.assignee,
                "short_description": after.short_description,
            });
            self.emit(
                tx,
                EventKind::CaseCreated,
                subject(),
                &after.created_by,
                after.created_at,
                payload,
            )?;
            if after.assignee.is_some() {
                self.emit_assigned(tx, None, after)?;
            }
            return Ok(());
        };
        if before.status != after.status {
            let payload = json!({
                "number": after.number,
                "from": before.status,
                "to": after.status,
                "version": after.version,
            });
            self.emit(tx, EventKind::CaseStatusChanged, subject(), by, at, payload)?;
        }
        if before.assignee != after.assignee {
            self.emit_assigned(tx, before.assignee.as_deref(), after)?;
        }
        let changed = changed_keys(
            &Value::Object(case_attributes(before)),
            &Value::Object(case_attributes(after)),
            &["status", "assignee"],
        );
        if !changed.is_empty() {
            let payload = json!({
                "number": after.number,
                "version": after.version,
                "changed": changed,
            });
            self.emit(tx, EventKind::CaseUpdated, subject(), by, at, payload)?;
        }
        let known: std::collections::HashSet<Uuid> = before.timeline.iter().map(|e| e.id).collect();
        let comments: Vec<_> = after
            .timeline
            .iter()
            .filter(|e| e.kind == crate::model::EntryKind::Comment && !known.contains(&e.id))
            .collect();
        if !comments.is_empty() {
            let recipients = self.recipients(&*tx, after, None)?;
            for entry in comments {
                let payload = json!({
                    "number": after.number,
                    "entry": entry.id,
                    "author": entry.author,
                    "text": entry.text,
                    "recipients": recipients,
                });
                self.emit(
                    tx,
                    EventKind::CaseCommentAdded,
                    subject(),
                    &entry.author,
                    entry.at,
                    payload,
                )?;
            }
        }
        Ok(())
    }

    fn emit_assigned(
        &self,
        tx: &mut dyn WriteTx,
        previous: Option<&str>,
        case: &Case,
    ) -> Result<()> {
        let recipients = self.recipients(&*tx, case, previous)?;
        let payload = json!({
            "number": case.number,
            "from": previous,
            "to": case.assignee,
            "support_group": case.support_group,
            "recipients": recipients,
        });
        self.emit(
            tx,
            EventKind::CaseAssigned,
            case_subject(case),
            &case.updated_by,
            case.updated_at,
            payload,
        )?;
        Ok(())
    }

    /// `contact.logged` for a new interaction.
    pub(super) fn emit_contact_logged(
        &self,
        tx: &mut dyn WriteTx,
        contact: &Contact,
        customer_id: Option<&str>,
    ) -> Result<()> {
        let payload = json!({
            "channel": contact.channel,
            "direction": contact.direction,
            "started_at": contact.started_at,
            "profile": contact.profile_id,
            "customer_id": customer_id,
            "cases": contact.case_ids,
            "agent": contact.agent,
        });
        self.emit(
            tx,
            EventKind::ContactLogged,
            message_subject(contact),
            &contact.created_by,
            contact.created_at,
            payload,
        )?;
        Ok(())
    }

    /// `sla.warning` or `sla.breached` for a crossing just taken, naming
    /// who to tell.
    pub(super) fn emit_sla_event(
        &self,
        tx: &mut dyn WriteTx,
        case: &Case,
        taken: &SlaEvent,
        by: &str,
    ) -> Result<()> {
        let kind = match taken.kind {
            SlaEventKind::Warning => EventKind::SlaWarning,
            SlaEventKind::Breach => EventKind::SlaBreached,
        };
        let mut payload = serde_json::to_value(taken)?;
        payload["recipients"] = serde_json::to_value(self.recipients(&*tx, case, None)?)?;
        self.emit(tx, kind, case_subject(case), by, taken.taken_at, payload)?;
        Ok(())
    }

    /// Who to tell about a case: its assignee (and the one it had, on a
    /// reassignment), its informed users, and its linked profiles (by role)
    /// with the contact point to reach each by.
    fn recipients(
        &self,
        tx: &dyn ReadTx,
        case: &Case,
        previous_assignee: Option<&str>,
    ) -> Result<Vec<Recipient>> {
        let user = |reason: &str, name: &str| Recipient {
            reason: reason.into(),
            user: Some(name.to_string()),
            profile: None,
            customer_id: None,
            role: None,
            contact_kind: None,
            address: None,
        };
        let mut out = Vec::new();
        if let Some(assignee) = &case.assignee {
            out.push(user("assignee", assignee));
        }
        if let Some(previous) = previous_assignee.filter(|p| case.assignee.as_deref() != Some(*p)) {
            out.push(user("previous_assignee", previous));
        }
        for informed in &case.informed_users {
            out.push(user("informed_user", informed));
        }
        let mut links = tx.links_of_case(case.id)?;
        // Requesters first, then affected, then informed customers.
        links.sort_by_key(|l| (role_rank(l.role), l.profile_id));
        let ids: Vec<Uuid> = links.iter().map(|l| l.profile_id).collect();
        let profiles = tx.profiles(&ids)?;
        for link in &links {
            let Some(profile) = profiles.iter().find(|p| p.id == link.profile_id) else {
                return Err(Error::not_found(Entity::Profile, link.profile_id));
            };
            let wanted = case.channel.map(|c| c.contact_kind());
            let point = profile
                .contact_points
                .iter()
                .find(|p| p.primary && Some(p.kind) == wanted)
                .or_else(|| profile.contact_points.iter().find(|p| p.primary))
                .or_else(|| profile.contact_points.first());
            out.push(Recipient {
                reason: role_name(link.role).into(),
                user: None,
                profile: Some(profile.id),
                customer_id: Some(profile.customer_id.clone()),
                role: Some(link.role),
                contact_kind: point.map(|p| p.kind),
                address: point.map(|p| p.value.clone()),
            });
        }
        Ok(out)
    }
}

/// Requesters first, then affected, then informed customers.
pub(super) fn role_rank(role: LinkRole) -> u8 {
    match role {
        LinkRole::Requester => 0,
        LinkRole::Affected => 1,
        LinkRole::Informed => 2,
    }
}

fn role_name(role: LinkRole) -> &'static str {
    match role {
        LinkRole::Requester => "requester",
        LinkRole::Affected => "affected",
        LinkRole::Informed => "informed",
    }
}

/// The top-level keys of two JSON objects whose values differ, sorted,
/// leaving out `ignored`.
fn changed_keys(before: &Value, after: &Value, ignored: &[&str]) -> Vec<String> {
    let empty = serde_json::Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| !ignored.contains(&k.as_str()))
        .filter(|k| before.get(*k).unwrap_or(&Value::Null) != after.get(*k).unwrap_or(&Value::Null))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
