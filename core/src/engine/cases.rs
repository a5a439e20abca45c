//! Cases: opening them (one or many at a time), reading, updating, moving
//! them through the state machine, their timelines, and keyword search.

use super::case_form::PreparedCase;
use super::clean::clean_long;
use super::ids::Ids;
use super::profiles::MAX_RESULTS;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{
    Case, CaseInput, CaseLink, CaseStatus, CaseSummary, EntryKind, Level, Resolution,
    ResolutionInput, TimelineEntry,
};
use crate::store::{check_version, Store, StoreExt, WriteTx};
use crate::template::Mode;
use crate::text;
use jiff::Timestamp;

const CASE_SEQUENCE: &str = "case_number";

impl<S: Store> Casebook<S> {
    /// `base` with the editable part of a prepared case form; priority follows.
    pub(super) fn case_from(&self, base: Case, prepared: PreparedCase) -> Case {
        let n = prepared.input;
        let impact = n.impact.unwrap_or(base.impact);
        let urgency = n.urgency.unwrap_or(base.urgency);
        Case {
            template: prepared.template,
            fields: n.fields,
            channel: n.channel,
            impact,
            urgency,
            priority: n
                .priority
                .unwrap_or_else(|| self.config.priority_matrix.priority(impact, urgency)),
            priority_override: n.priority,
            category: n.category,
            product: n.product,
            asset: n.asset,
            campaign: n.campaign,
            support_group: n.support_group,
            assignee: n.assignee,
            parent: prepared.parent,
            short_description: n.short_description,
            description: n.description,
            informed_users: n.informed_users,
            ..base
        }
    }

    /// A new case with nothing filled in yet.
    pub(super) fn blank_case(
        &self,
        id: uuid::Uuid,
        number: String,
        by: &str,
        now: Timestamp,
        follow_up_of: Option<uuid::Uuid>,
    ) -> Case {
        Case {
            id,
            number,
            version: 1,
            template: None,
            fields: Default::default(),
            channel: None,
            status: CaseStatus::New,
            impact: Level::Low,
            urgency: Level::Low,
            priority: self.config.priority_matrix.priority(Level::Low, Level::Low),
            priority_override: None,
            routed_by: None,
            category: None,
            product: None,
            asset: None,
            campaign: None,
            support_group: None,
            assignee: None,
            parent: None,
            follow_up_of,
            duplicate_of: None,
            short_description: String::new(),
            description: String::new(),
            timeline: Vec::new(),
            informed_users: Vec::new(),
            history: Vec::new(),
            external_records: Vec::new(),
            related: Vec::new(),
            attachments: Vec::new(),
            resolution: None,
            feedback: Vec::new(),
            tasks: Vec::new(),
            created_at: now,
            created_by: by.to_string(),
            updated_at: now,
            updated_by: by.to_string(),
        }
    }

    /// Creates a case with a new case number and links its profiles, all or nothing.
    pub fn create_case(&self, actor: &Actor, input: CaseInput) -> Result<Case> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| self.create_case_in(tx, ids, by, &input, now))
    }

    /// Creates many cases in one store transaction, all or nothing: each
    /// exactly as [`Casebook::create_case`] would, in order, with consecutive
    /// case numbers.
    ///
    /// For bulk loads (a migration, a benchmark): one commit instead of one
    /// per case. The first input that fails stops the call with its error
    /// and nothing is stored; [`Casebook::validate_case`] checks inputs one
    /// by one beforehand. The whole batch is held in memory and in one
    /// transaction, so very large loads go in batches of some thousands.
    ///
    /// ```
    /// use casebook::{Actor, CaseInput, Casebook};
    /// let cb = Casebook::in_memory();
    /// let loader = Actor::new("loader");
    /// let input = |text: &str| CaseInput { short_description: text.into(), ..CaseInput::default() };
    /// let cases = cb.create_cases(&loader, [input("Router down"), input("Invoice wrong")])?;
    /// assert_eq!(cases.len(), 2);
    /// assert_eq!(cb.case(cases[1].number.as_str())?.short_description, "Invoice wrong");
    ///
    /// // One bad input: nothing is stored.
    /// assert!(cb.create_cases(&loader, [input("Modem"), input("")]).is_err());
    /// assert_eq!(cb.search_cases("modem", 10)?.len(), 0);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn create_cases(
        &self,
        actor: &Actor,
        inputs: impl IntoIterator<Item = CaseInput>,
    ) -> Result<Vec<Case>> {
        let by = actor.check()?;
        let inputs: Vec<CaseInput> = inputs.into_iter().collect();
        // Read before the transaction, so a body run again gets the same instants.
        let instants: Vec<Timestamp> = inputs.iter().map(|_| self.now()).collect();
        self.write_bulk(|tx, ids| {
            inputs
                .iter()
                .zip(&instants)
                .map(|(input, now)| self.create_case_in(tx, ids, by, input, *now))
                .collect()
        })
    }

    fn create_case_in(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        input: &CaseInput,
        now: Timestamp,
    ) -> Result<Case> {
        self.create_case_following(tx, ids, by, input, now, None)
    }

    /// Creates a case inside a transaction, as the follow-up of a closed
    /// case (`follow_up_of`) or not.
    pub(super) fn create_case_following(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        input: &CaseInput,
        now: Timestamp,
        follow_up_of: Option<uuid::Uuid>,
    ) -> Result<Case> {
        let prepared = self
            .prepare_case(tx, input, Mode::Create, None, now)?
            .accepted()?;
        let sequence = tx.next_sequence(CASE_SEQUENCE)?;
        let links = prepared.links.clone();
        let number = self.config.case_number_format.format(sequence);
        let blank = self.blank_case(ids.next(), number, by, now, follow_up_of);
        let manual_priority = prepared.input.priority;
        let mut case = self.case_from(blank, prepared);
        self.route_new_case(tx, &mut case)?;
        self.assign_new_case(tx, &mut case, now)?;
        let by_rule = case
            .routed_by
            .as_ref()
            .filter(|_| manual_priority.is_none())
            .map(|r| r.rule.clone());
        self.record_priority_override(ids, &mut case, None, by_rule.as_deref(), (by, now));
        case.record_creation();
        self.store_case(tx, &case, None)?;
        self.reparent_in(tx, case.id, None, case.parent)?;
        for (profile_id, role) in links {
            tx.put_link(&CaseLink {
                case_id: case.id,
                profile_id,
                role,
                linked_at: now,
                linked_by: by.to_string(),
            })?;
        }
        self.emit_case_saved(tx, None, &case)?;
        Ok(case)
    }

    /// A case by id or case number.
    pub fn case<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Case> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_case(tx, r))
    }

    /// Replaces the editable part of a case (status, timeline and links have
    /// their own operations). Priority follows impact and urgency unless the
    /// input sets it by hand (a change of that override goes on the
    /// timeline); an input without impact or urgency keeps the case's. An
    /// input without a priority gives the priority back to the matrix:
    /// start from `CaseInput::from(&case)` to keep the case's.
    pub fn update_case<'a>(
        &self,
        actor: &Actor,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        input: CaseInput,
    ) -> Result<Case> {
        let by = actor.check()?;
        let r = r.into();
        let now = self.now();
        self.write(|tx, ids| {
            let current = self.resolve_case(tx, r)?;
            check_version(
                Entity::Case,
                &current.number,
                Some(current.version),
                Some(expected_version),
            )?;
            let mode = Mode::Update {
                previous: &current.fields,
            };
            let prepared = self
                .prepare_case(tx, &input, mode, Some(&current), now)?
                .accepted()?;
            let mut updated = Case {
                version: current.version + 1,
                updated_at: now,
                updated_by: by.to_string(),
                ..self.case_from(current.clone(), prepared)
            };
            self.record_priority_override(
                ids,
                &mut updated,
                current.priority_override,
                None,
                (by, now),
            );
            updated.record_change_from(&current, by, now);
            self.save_case(tx, &updated, Some(current.version))?;
            self.reparent_in(tx, updated.id, current.parent, updated.parent)?;
            self.release_agent_of(tx, &current, &updated, &[])?;
            Ok(updated)
        })
    }

    /// Moves a case to another status. Resolving needs resolution notes;
    /// reopening (resolved to in progress) clears the resolution. An illegal
    /// move is an error that changes nothing.
    pub fn set_case_status<'a>(
        &self,
        actor: &Actor,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        to: CaseStatus,
        resolution: Option<ResolutionInput>,
    ) -> Result<Case> {
        let by = actor.check()?;
        let r = r.into();
        let now = self.now();
        self.write(|tx, ids| {
            let mut case = self.resolve_case(tx, r)?;
            check_version(
                Entity::Case,
                &case.number,
                Some(case.version),
                Some(expected_version),
            )?;
            self.check_parent_allows(&*tx, &case, to)?;
            let before = case.clone();
            self.apply_status(ids, by, &mut case, to, resolution.as_ref(), now)?;
            self.save_case_edit(tx, &mut case, by, now)?;
            self.resolve_children_in(tx, ids, by, &case, now)?;
            self.release_agent_of(tx, &before, &case, &[])?;
            Ok(case)
        })
    }

    /// Moves a case (not yet saved) to another status, with its timeline
    /// entry and its change history; resolving needs resolution notes.
    pub(super) fn apply_status(
        &self,
        ids: &mut Ids<'_>,
        by: &str,
        case: &mut Case,
        to: CaseStatus,
        resolution: Option<&ResolutionInput>,
        now: Timestamp,
    ) -> Result<()> {
        let previous = case.clone();
        let from = case.status;
        case.status = from.transition(to)?;
        match to {
            CaseStatus::Resolved => {
                super::tasks::check_tasks_allow_resolution(case)?;
                let notes = resolution
                    .map(|r| r.notes.trim().to_string())
                    .unwrap_or_default();
                if notes.is_empty() {
                    return Err(Error::validation(vec![FieldError::new(
                        "resolution_notes",
                        FieldErrorCode::Required,
                        "Resolution notes are required to resolve a case",
                    )]));
                }
                let mut errors = Vec::new();
                let notes = clean_long(&notes, "resolution_notes", "Resolution notes", &mut errors);
                if !errors.is_empty() {
                    return Err(Error::validation(errors));
                }
                case.resolution = Some(Resolution {
                    notes,
                    share_with_requester: resolution.is_some_and(|r| r.share_with_requester),
                    resolved_by: by.to_string(),
                    resolved_at: now,
                });
            }
            CaseStatus::InProgress if from == CaseStatus::Resolved => case.resolution = None,
            _ => {}
        }
        case.timeline.push(TimelineEntry {
            id: ids.next(),
            origin: None,
            kind: EntryKind::StatusChange,
            author: by.to_string(),
            at: now,
            text: format!("{from} -> {to}"),
        });
        case.record_change_from(&previous, by, now);
        Ok(())
    }

    /// Adds a work note (internal) or a comment (customer-visible) to a case timeline.
    pub fn add_case_entry<'a>(
        &self,
        actor: &Actor,
        r: impl Into<Ref<'a>>,
        kind: EntryKind,
        text: &str,
    ) -> Result<Case> {
        let by = actor.check()?;
        let r = r.into();
        if kind.is_recorded_by_casebook() {
            return Err(Error::InvalidInput(
                "status and priority changes are recorded by casebook itself".into(),
            ));
        }
        let mut errors = Vec::new();
        let text = clean_long(text, "text", "Text", &mut errors);
        if text.is_empty() {
            errors.push(FieldError::new(
                "text",
                FieldErrorCode::Required,
                "A note needs some text",
            ));
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let now = self.now();
        self.write(|tx, ids| {
            let mut case = self.resolve_case(tx, r)?;
            case.timeline.push(TimelineEntry {
                id: ids.next(),
                origin: None,
                kind,
                author: by.to_string(),
                at: now,
                text: text.clone(),
            });
            self.save_case_edit(tx, &mut case, by, now)?;
            Ok(case)
        })
    }

    /// Keyword search over case numbers, descriptions, notes, comments and
    /// searchable fields: every word must match (the last one as a prefix), newest first.
    pub fn search_cases(&self, keywords: &str, limit: usize) -> Result<Vec<CaseSummary>> {
        let tokens = text::tokens(keywords);
        if tokens.is_empty() {
            return Err(Error::InvalidInput(
                "a case search needs at least one word".into(),
            ));
        }
        let limit = limit.clamp(1, MAX_RESULTS);
        self.store.read_with(|tx| {
            // One case at a time: a list of whole cases is a large
            // allocation per search, which costs more than the reads.
            let mut out = Vec::new();
            for id in tx.search_cases(&tokens, limit)? {
                out.extend(tx.case(id)?.as_ref().map(CaseSummary::from));
            }
            Ok(out)
        })
    }
}
