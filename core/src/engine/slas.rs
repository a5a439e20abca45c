//! Service levels in the engine: loading calendars and SLA definitions
//! (versioned), reading a case's clocks, keeping the store's index of due
//! crossings current, and taking due warnings and breaches exactly once,
//! with their escalations.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::calendar::{Calendar, CalendarRef};
use crate::error::{Entity, Error, Result};
use crate::model::{AuditEntry, Case, Direction, EntryKind, Level, TimelineEntry};
use crate::report::case_facts;
use crate::sla::{
    derive_clocks, due_crossings, CaseSlaHistory, DefinitionContext, SlaClock, SlaDefinition,
    SlaDue, SlaEvent, SlaEventKind, SlaSet, SlaStage,
};
use crate::store::{CaseFacts, Lookup, ReadTx, Store, StoreExt, StoredDefinition, WriteTx};
use crate::template::TemplateKind;
use jiff::Timestamp;
use serde_json::Value;
use std::sync::Arc;

const CALENDAR: &str = "calendar";
const SLA: &str = "sla";
/// Counts definition loads: a changed count tells every engine sharing the
/// store that its cached set of definitions is stale.
const DEFINITIONS_SEQUENCE: &str = "definitions";
/// Most due crossings one call takes.
const MAX_DUE: usize = 1000;

/// The cached definitions and the load count they were read at.
pub(super) type SlaCache = std::sync::RwLock<Option<(u64, Arc<SlaSet>)>>;

impl<S: Store> Casebook<S> {
    /// Loads a business calendar from its JSON definition. A changed
    /// definition of an existing id makes a new version; an unchanged one
    /// returns the current version.
    pub fn load_calendar(&self, actor: &Actor, json: &str) -> Result<Calendar> {
        actor.check()?;
        let calendar = Calendar::from_json(json)?;
        let now = self.now();
        self.store.write_with(|tx| {
            let set = self.sla_set(tx)?;
            let mut calendar = calendar.clone();
            let version = match set.calendar(calendar.id(), None) {
                Some(current) if current.same_definition(&calendar) => {
                    return Ok((*current).clone())
                }
                Some(current) => current.version() + 1,
                None => 1,
            };
            calendar.set_version(version);
            self.store_definition(
                tx,
                CALENDAR,
                calendar.id(),
                version,
                now,
                calendar.to_json(),
            )?;
            Ok(calendar)
        })
    }

    /// Loads a service-level definition from JSON, checked against the
    /// loaded calendars and case templates it names. A changed definition
    /// of an existing id makes a new version (running clocks keep the
    /// version they started under); an unchanged one returns the current.
    /// A definition counts from its loading on: an open case picks it up
    /// at its next change.
    pub fn load_sla(&self, actor: &Actor, json: &str) -> Result<SlaDefinition> {
        actor.check()?;
        let value: Value = serde_json::from_str(json).map_err(|e| Error::InvalidDefinition {
            kind: Entity::Sla,
            id: String::new(),
            message: e.to_string(),
        })?;
        let now = self.now();
        self.store.write_with(|tx| {
            let set = self.sla_set(tx)?;
            let template_fields = |id: &str| {
                let template = self.template_in(tx, id, None).ok()?;
                (template.kind == TemplateKind::Case)
                    .then(|| template.fields().iter().map(|f| f.key.clone()).collect())
            };
            let ctx = DefinitionContext {
                calendar_exists: &|id| set.has_calendar(id),
                template_fields: &template_fields,
            };
            let mut definition = SlaDefinition::from_value(value.clone(), &ctx)?;
            let version = match set.definition(definition.id(), None) {
                Some(current) if current.same_definition(&definition) => {
                    return Ok((*current).clone())
                }
                Some(current) => current.version() + 1,
                None => 1,
            };
            definition.set_version(version);
            let id = definition.id().to_string();
            self.store_definition(tx, SLA, &id, version, now, definition.to_json())?;
            Ok(definition)
        })
    }

    fn store_definition(
        &self,
        tx: &mut dyn WriteTx,
        kind: &str,
        id: &str,
        version: u32,
        loaded_at: Timestamp,
        body: Value,
    ) -> Result<()> {
        tx.put_definition(&StoredDefinition {
            kind: kind.into(),
            id: id.into(),
            version,
            loaded_at,
            body,
        })?;
        tx.next_sequence(DEFINITIONS_SEQUENCE)?;
        Ok(())
    }

    /// A calendar version (`None`: the latest).
    pub fn calendar(&self, id: &str, version: Option<u32>) -> Result<Calendar> {
        self.store.read_with(|tx| {
            self.sla_set(tx)?
                .calendar(id, version)
                .map(|c| (*c).clone())
                .ok_or_else(|| Error::not_found(Entity::Calendar, id))
        })
    }

    /// The latest version of every calendar.
    pub fn calendars(&self) -> Result<Vec<CalendarRef>> {
        self.store.read_with(|tx| {
            Ok(self
                .sla_set(tx)?
                .latest_calendars()
                .iter()
                .map(|c| c.reference())
                .collect())
        })
    }

    /// A service-level definition version (`None`: the latest).
    pub fn sla_definition(&self, id: &str, version: Option<u32>) -> Result<SlaDefinition> {
        self.store.read_with(|tx| {
            self.sla_set(tx)?
                .definition(id, version)
                .map(|d| (*d).clone())
                .ok_or_else(|| Error::not_found(Entity::Sla, id))
        })
    }

    /// The latest version of every service-level definition.
    pub fn sla_definitions(&self) -> Result<Vec<SlaDefinition>> {
        self.store.read_with(|tx| {
            Ok(self
                .sla_set(tx)?
                .latest_definitions()
                .iter()
                .map(|d| (**d).clone())
                .collect())
        })
    }

    /// A case's service levels read at `at` (default: now).
    pub fn case_slas<'a>(
        &self,
        r: impl Into<Ref<'a>>,
        at: Option<Timestamp>,
    ) -> Result<Vec<SlaClock>> {
        let r = r.into();
        self.store.read_with(|tx| {
            let case = self.resolve_case(tx, r)?;
            let set = self.sla_set(tx)?;
            self.slas_of(tx, &set, &case, at)
        })
    }

    /// A case's clocks at `at` (default: now); none without definitions.
    pub(super) fn slas_of(
        &self,
        tx: &dyn ReadTx,
        set: &SlaSet,
        case: &Case,
        at: Option<Timestamp>,
    ) -> Result<Vec<SlaClock>> {
        if set.is_empty() {
            return Ok(Vec::new());
        }
        let history = self.sla_history(tx, case)?;
        Ok(derive_clocks(
            &history,
            set,
            at.unwrap_or_else(|| self.now()),
        ))
    }

    /// Crossings of every case's service levels due at or before `until`
    /// and not yet taken, soonest first (from the store's index).
    pub fn sla_due(&self, until: Timestamp, limit: usize) -> Result<Vec<SlaDue>> {
        let limit = limit.clamp(1, MAX_DUE);
        self.store.read_with(|tx| tx.sla_due_before(until, limit))
    }

    /// Takes the warnings and breaches due at `now` and not yet taken, at
    /// most `limit`, soonest first: each is marked taken and its
    /// escalations applied in one transaction with an audit entry, so two
    /// servers polling one store never take the same one twice.
    pub fn due_sla_events(
        &self,
        actor: &Actor,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<SlaEvent>> {
        let by = actor.check()?;
        let limit = limit.clamp(1, MAX_DUE);
        // `now` says what is due; what is written is stamped with the clock.
        let at = self.now();
        let due = self.store.read_with(|tx| tx.sla_due_before(now, limit))?;
        let mut events = Vec::new();
        for row in due {
            let taken = self.write(|tx, ids| {
                // Read again in this transaction: the case may have changed
                // since the poll (paused, resolved), and its crossings with it.
                let key = row.key();
                let fresh = tx
                    .sla_due_of_case(row.case_id)?
                    .into_iter()
                    .find(|d| d.key() == key && d.due_at <= now);
                let Some(row) = fresh else {
                    return Ok(None);
                };
                if !tx.take_sla_due(&key)? {
                    return Ok(None);
                }
                let Some(mut case) = tx.case(row.case_id)? else {
                    return Ok(None);
                };
                let set = self.sla_set(tx)?;
                let definition = set.definition(&row.sla, Some(row.version));
                // A clock that has stopped (a late breach of a resolved
                // case) is reported, not escalated.
                let history = self.sla_history(tx, &case)?;
                let running = case.status.is_open()
                    && derive_clocks(&history, &set, at).iter().any(|c| {
                        c.slot == row.slot
                            && c.started_at == row.started_at
                            && matches!(c.stage, SlaStage::InProgress | SlaStage::Paused)
                    });
                let mut actions = Vec::new();
                let previous = case.clone();
                for escalation in definition
                    .iter()
                    .flat_map(|d| d.def().escalations.iter())
                    .filter(|e| running && e.at.percent() == row.threshold)
                {
                    let (impact, urgency) = raised(case.impact, case.urgency);
                    if let Some(set) = case.priority_override.filter(|_| escalation.raise_priority)
                    {
                        // A priority set over the matrix is raised itself.
                        if set.0 > 1 {
                            case.priority = crate::model::Priority(set.0 - 1);
                            case.priority_override = Some(case.priority);
                            actions.push(format!("priority {}", case.priority));
                        }
                    } else if escalation.raise_priority
                        && (impact, urgency) != (case.impact, case.urgency)
                    {
                        case.impact = impact;
                        case.urgency = urgency;
                        case.priority = self.config.priority_matrix.priority(impact, urgency);
                        actions.push(format!("priority {}", case.priority));
                    }
                    if let Some(group) = &escalation.support_group {
                        case.support_group = Some(group.clone());
                        actions.push(format!("support group {group}"));
                    }
                    if let Some(user) = &escalation.assign {
                        case.assignee = Some(user.clone());
                        actions.push(format!("assigned to {user}"));
                    }
                    for user in &escalation.inform {
                        if !case.informed_users.contains(user) {
                            case.informed_users.push(user.clone());
                            actions.push(format!("informed {user}"));
                        }
                    }
                    if let Some(note) = &escalation.work_note {
                        case.timeline.push(TimelineEntry {
                            id: ids.next(),
                            origin: None,
                            kind: EntryKind::WorkNote,
                            author: by.to_string(),
                            at,
                            text: note.clone(),
                        });
                        actions.push("work note".into());
                    }
                }
                let kind = if row.threshold >= 100 {
                    SlaEventKind::Breach
                } else {
                    SlaEventKind::Warning
                };
                if !actions.is_empty() {
                    case.record_change_from(&previous, by, at);
                    self.save_case_edit(tx, &mut case, by, at)?;
                }
                let event = SlaEvent {
                    case_id: case.id,
                    case_number: case.number.clone(),
                    sla: row.sla.clone(),
                    version: row.version,
                    name: definition
                        .as_ref()
                        .map(|d| d.def().name.clone())
                        .unwrap_or_default(),
                    slot: row.slot.clone(),
                    started_at: row.started_at,
                    threshold: row.threshold,
                    kind,
                    due_at: row.due_at,
                    taken_at: at,
                    escalations: actions,
                };
                tx.append_audit(&AuditEntry {
                    id: ids.next(),
                    at,
                    actor: by.to_string(),
                    action: match kind {
                        SlaEventKind::Breach => "sla_breach".into(),
                        SlaEventKind::Warning => "sla_warning".into(),
                    },
                    subjects: vec![case.id],
                    details: serde_json::to_value(&event).unwrap_or(Value::Null),
                })?;
                self.emit_sla_event(tx, &case, &event, by)?;
                Ok(Some(event))
            })?;
            events.extend(taken);
        }
        Ok(events)
    }

    /// Re-derives and hands the store what it keeps derived from a case's
    /// history: its due crossings (those not taken yet) and its report facts.
    pub(super) fn refresh_derived(&self, tx: &mut dyn WriteTx, case: &Case) -> Result<()> {
        let set = self.sla_set(&*tx)?;
        self.refresh_derived_of(tx, &set, case)
    }

    /// [`Casebook::refresh_derived`] under the definitions `set`.
    fn refresh_derived_of(&self, tx: &mut dyn WriteTx, set: &SlaSet, case: &Case) -> Result<()> {
        let clocks = if set.is_empty() {
            Vec::new()
        } else {
            let history = self.sla_history(&*tx, case)?;
            let due = self.due_rows_of(&*tx, set, &history)?;
            tx.put_sla_due(case.id, &due)?;
            derive_clocks(&history, set, facts_instant(case, &history))
        };
        tx.put_task_rows(case.id, &super::tasks::task_rows(case))?;
        tx.put_case_facts(&case_facts(case, &clocks))
    }

    /// What reports should know of a stored case.
    pub(super) fn case_facts_in(
        &self,
        tx: &dyn ReadTx,
        set: &SlaSet,
        case: &Case,
    ) -> Result<CaseFacts> {
        let clocks = if set.is_empty() {
            Vec::new()
        } else {
            let history = self.sla_history(tx, case)?;
            derive_clocks(&history, set, facts_instant(case, &history))
        };
        Ok(case_facts(case, &clocks))
    }

    /// The crossings a store should index for a case: those of its open
    /// clocks not taken yet, sorted by key.
    pub(super) fn sla_due_rows(
        &self,
        tx: &dyn ReadTx,
        set: &SlaSet,
        case: &Case,
    ) -> Result<Vec<SlaDue>> {
        if set.is_empty() {
            return Ok(Vec::new());
        }
        let history = self.sla_history(tx, case)?;
        self.due_rows_of(tx, set, &history)
    }

    fn due_rows_of(
        &self,
        tx: &dyn ReadTx,
        set: &SlaSet,
        history: &CaseSlaHistory<'_>,
    ) -> Result<Vec<SlaDue>> {
        let taken = tx.sla_taken_of_case(history.case_id)?;
        let mut due: Vec<SlaDue> = due_crossings(history, set)
            .into_iter()
            .filter(|d| taken.binary_search(&d.key()).is_err())
            .collect();
        due.sort_by_key(SlaDue::key);
        Ok(due)
    }

    /// An inbound contact on a case is a customer message its response
    /// clocks count from: re-derive the due crossings of its cases.
    pub(super) fn refresh_contact_cases(
        &self,
        tx: &mut dyn WriteTx,
        contact: &crate::model::Contact,
    ) -> Result<()> {
        if contact.direction != Direction::Inbound {
            return Ok(());
        }
        let set = self.sla_set(&*tx)?;
        if set.is_empty() {
            // Facts count clocks only: without definitions they stand.
            return Ok(());
        }
        for id in &contact.case_ids {
            if let Some(case) = tx.case(*id)? {
                self.refresh_derived_of(tx, &set, &case)?;
            }
        }
        Ok(())
    }

    /// What a case's clocks are derived from.
    fn sla_history<'c>(&self, tx: &dyn ReadTx, case: &'c Case) -> Result<CaseSlaHistory<'c>> {
        let mut customer_messages: Vec<Timestamp> = tx
            .contacts_of_case(case.id)?
            .iter()
            .filter(|c| c.direction == Direction::Inbound)
            .map(|c| c.started_at)
            .collect();
        customer_messages.sort();
        Ok(CaseSlaHistory {
            case_id: case.id,
            created_at: case.created_at,
            changes: case.effective_history(),
            responses: case
                .timeline
                .iter()
                .filter(|e| e.kind == EntryKind::Comment)
                .map(|e| e.at)
                .collect(),
            customer_messages,
        })
    }

    /// Drops the cached definitions.
    pub(super) fn forget_sla_set(&self) {
        if let Ok(mut cache) = self.slas.write() {
            *cache = None;
        }
    }

    /// The loaded definitions and calendars, read again from the store
    /// only when one was loaded since (by any engine on the store).
    pub(super) fn sla_set(&self, tx: &dyn ReadTx) -> Result<Arc<SlaSet>> {
        self.sla_set_at(tx, tx.sequence(DEFINITIONS_SEQUENCE)?)
    }

    /// The lookup of the load count [`Casebook::sla_set_at`] takes, for a
    /// [`ReadTx::read_many`] batch.
    pub(super) fn definitions_loaded() -> Lookup<'static> {
        Lookup::Sequence(DEFINITIONS_SEQUENCE)
    }

    /// [`Casebook::sla_set`] with the definitions' load count already read.
    pub(super) fn sla_set_at(&self, tx: &dyn ReadTx, loads: u64) -> Result<Arc<SlaSet>> {
        if let Some((seen, set)) = self.slas.read().ok().and_then(|c| c.clone()) {
            if seen == loads {
                return Ok(set);
            }
        }
        let mut set = SlaSet::default();
        if loads > 0 {
            for stored in tx.definitions(CALENDAR)? {
                let mut calendar = Calendar::from_value(stored.body)?;
                calendar.set_version(stored.version);
                set.add_calendar(stored.loaded_at, calendar);
            }
            for stored in tx.definitions(SLA)? {
                let def = serde_json::from_value(stored.body).map_err(|e| {
                    Error::Internal(format!("stored SLA definition `{}`: {e}", stored.id))
                })?;
                let mut definition = SlaDefinition::unchecked(def)?;
                definition.set_version(stored.version);
                set.add_definition(stored.loaded_at, definition);
            }
        }
        let set = Arc::new(set);
        // A body may run inside a transaction that rolls back: cache only
        // what a committed load count describes (a re-read is cheap).
        if let Ok(mut cache) = self.slas.write() {
            *cache = Some((loads, set.clone()));
        }
        Ok(set)
    }
}

/// One step up in priority: urgency first, then impact.
fn raised(impact: Level, urgency: Level) -> (Level, Level) {
    let up = |l: Level| match l {
        Level::Low => Level::Medium,
        _ => Level::High,
    };
    if urgency != Level::High {
        (impact, up(urgency))
    } else {
        (up(impact), urgency)
    }
}

/// The instant a case's clocks are read at for its facts: its last change
/// or the last customer message, whichever is later (never the wall clock,
/// so the facts follow from what is stored).
fn facts_instant(case: &Case, history: &CaseSlaHistory<'_>) -> Timestamp {
    history
        .customer_messages
        .last()
        .map_or(case.updated_at, |m| (*m).max(case.updated_at))
}
