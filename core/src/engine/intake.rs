//! Case intake in the engine: loading the intake rules (versioned), and
//! taking an inbound message in, exactly once: recognised, logged as a
//! contact, and joined to the case it belongs to, opening a case, or only
//! logged, as the rules decide.

use super::clean::clean_line;
use super::ids::Ids;
use super::intake_plan::{
    contact_summary, cut, describe, message_entry, plan, short_description, Checked, Plan,
};
use super::{definitions, Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::intake::{
    sender_address, sender_name, FoundBy, Inbound, IntakeAction, IntakeDecision, IntakeOutcome,
    IntakeRule, IntakeRules, IntakeRulesDef, MessageFacts, UnknownSender, MAX_BODY, MAX_MESSAGE_ID,
    MAX_REFERENCES,
};
use crate::model::{
    Case, CaseInput, CaseStatus, Contact, ContactOutcome, Direction, EntryKind, LinkInput,
    LinkRole, Profile, TimelineEntry,
};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use crate::template::TemplateKind;
use jiff::Timestamp;
use serde_json::json;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

const INTAKE: &str = "intake";
const RULES_ID: &str = "rules";
/// Counts loads of intake rules: a changed count tells every engine sharing
/// the store that its cached rules are stale.
const RULES_SEQUENCE: &str = "intake_rules";
/// A taken message by its key: its outcome (what makes intake idempotent).
const MESSAGE_BLOB: &str = "intake_message";
/// A message of a case's thread by its key, taken or only referred to by
/// one taken (a reply that came before the message it answers): the case.
const THREAD_BLOB: &str = "intake_thread";
/// A chat conversation by its key: the case it runs on.
const CONVERSATION_BLOB: &str = "intake_conversation";
/// Where the blob ids of intake keys are drawn from (UUID v5).
const KEY_NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_4b0e_9d3a_4e57_a1c2_7b8e_5f60_d913);
/// Most headers and attachments one message may carry.
const MAX_PARTS: usize = 200;
/// Longest sender, recipient or header value, in bytes.
const MAX_ADDRESS: usize = 1_000;

/// The cached intake rules and the load count they were read at.
pub(super) type IntakeCache = RwLock<Option<(u64, Arc<IntakeRules>)>>;

/// The blob id of an intake key.
fn key_id(key: &str) -> Uuid {
    Uuid::new_v5(&KEY_NAMESPACE, key.as_bytes())
}

impl<S: Store> Casebook<S> {
    /// Loads the intake rules from their JSON definition, checked against
    /// the loaded case templates. A changed definition makes a new version;
    /// an unchanged one returns the current. A bad definition is refused
    /// with [`Error::InvalidDefinition`] and changes nothing.
    pub fn load_intake_rules(&self, actor: &Actor, json: &str) -> Result<IntakeRulesDef> {
        actor.check()?;
        let mut def = IntakeRulesDef::from_json(json)?;
        def.version = None;
        let now = self.now();
        self.store.write_with(|tx| {
            self.compile_rules(tx, def.clone())?;
            let key = (INTAKE, RULES_ID, RULES_SEQUENCE);
            let version = definitions::store_rule_document(tx, key, &def, now)?;
            let mut loaded = def.clone();
            loaded.version = Some(version);
            Ok(loaded)
        })
    }

    /// The intake rules in force (the defaults, without a version, until
    /// rules are loaded).
    pub fn intake_rules(&self) -> Result<IntakeRulesDef> {
        self.store
            .read_with(|tx| Ok(self.rules_in(tx)?.def().clone()))
    }

    fn compile_rules(&self, tx: &dyn ReadTx, def: IntakeRulesDef) -> Result<IntakeRules> {
        let template_exists = |id: &str| {
            self.template_in(tx, id, None)
                .is_ok_and(|t| t.kind == TemplateKind::Case)
        };
        IntakeRules::new(
            def,
            &self.config.case_number_format.prefix,
            &template_exists,
        )
    }

    /// The rules in force, from the cache while no engine has loaded new ones.
    fn rules_in(&self, tx: &dyn ReadTx) -> Result<Arc<IntakeRules>> {
        let loads = tx.sequence(RULES_SEQUENCE)?;
        if let Some((seen, rules)) = self.intake.read().ok().and_then(|c| c.clone()) {
            if seen == loads {
                return Ok(rules);
            }
        }
        let def = match tx.definitions(INTAKE)?.pop() {
            Some(stored) => {
                let mut def: IntakeRulesDef = serde_json::from_value(stored.body)?;
                def.version = Some(stored.version);
                def
            }
            None => IntakeRulesDef::default(),
        };
        let rules = Arc::new(self.compile_rules(tx, def)?);
        if let Ok(mut cache) = self.intake.write() {
            *cache = Some((loads, rules.clone()));
        }
        Ok(rules)
    }

    /// Takes an inbound message or call in: recognises the sender, logs the
    /// message as a contact, and then, by the intake rules, joins the case
    /// it belongs to (a case number in the subject, a reply in a case's
    /// thread, the case's open chat conversation), opens a new case, or
    /// only logs it. All of it is one transaction.
    ///
    /// Exactly once: a message whose channel and message id were taken
    /// before is not taken again; the first outcome comes back, marked
    /// `replayed`. A machine's message (an auto-reply, a bounce) never opens
    /// or reopens a case. A web form post is validated against its case
    /// template as the browser validated it, every field error reported.
    ///
    /// ```
    /// use casebook::{Actor, Casebook, Channel, Inbound, IntakeDecision};
    /// let cb = Casebook::in_memory();
    /// let gateway = Actor::new("mail-gateway");
    /// let first = Inbound::new(Channel::Email, "Ada <ada@example.org>")
    ///     .subject("Router down").message_id("<m1@example.org>");
    /// let opened = cb.intake(&gateway, first.clone())?;
    /// assert_eq!(opened.decision, IntakeDecision::Opened);
    /// let number = opened.case_number.clone().unwrap();
    ///
    /// // Fetched twice: taken once.
    /// assert!(cb.intake(&gateway, first)?.replayed);
    ///
    /// // A reply naming the case number joins it.
    /// let reply = Inbound::new(Channel::Email, "ada@example.org")
    ///     .subject(format!("Re: [{number}] Router down")).message_id("<m2@example.org>");
    /// let joined = cb.intake(&gateway, reply)?;
    /// assert_eq!(joined.decision, IntakeDecision::Joined);
    /// assert_eq!(joined.case_number, Some(number));
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn intake(&self, actor: &Actor, inbound: Inbound) -> Result<IntakeOutcome> {
        let by = actor.check()?;
        let now = self.now();
        let checked = self.check_inbound(inbound, now)?;
        self.write(|tx, ids| self.take_in(tx, ids, by, &checked, now))
    }

    /// Takes many messages in, in order, in one store transaction, all or
    /// nothing: each exactly as [`Casebook::intake`] would, a later message
    /// seeing what the earlier ones did (a reply in the same batch joins the
    /// case its first message opened). For a gateway draining a mailbox or
    /// a migration; very large loads go in batches of some thousands.
    pub fn intake_many(
        &self,
        actor: &Actor,
        inbound: impl IntoIterator<Item = Inbound>,
    ) -> Result<Vec<IntakeOutcome>> {
        let by = actor.check()?;
        let checked: Vec<(Checked, Timestamp)> = inbound
            .into_iter()
            .map(|message| {
                let now = self.now();
                Ok((self.check_inbound(message, now)?, now))
            })
            .collect::<Result<_>>()?;
        self.write_bulk(|tx, ids| {
            let mut outcomes = Vec::with_capacity(checked.len());
            for (message, now) in &checked {
                outcomes.push(self.take_in(tx, ids, by, message, *now)?);
            }
            Ok(outcomes)
        })
    }

    /// One message in a write transaction: its first outcome again if its
    /// id was taken before, or what taking it does now.
    fn take_in(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        checked: &Checked,
        now: Timestamp,
    ) -> Result<IntakeOutcome> {
        if let Some(key) = &checked.message_key {
            if let Some(stored) = tx.blob(MESSAGE_BLOB, key_id(key))? {
                let mut outcome: IntakeOutcome = serde_json::from_value(stored)?;
                outcome.replayed = true;
                return Ok(outcome);
            }
        }
        self.intake_in(tx, ids, by, checked, now)
    }

    fn check_inbound(&self, mut inbound: Inbound, now: Timestamp) -> Result<Checked> {
        let mut errors = Vec::new();
        let sender = clean_line(&inbound.from, "from", "Sender", MAX_ADDRESS, &mut errors);
        if sender.is_empty() {
            errors.push(FieldError::new(
                "from",
                FieldErrorCode::Required,
                "An inbound message needs its sender",
            ));
        }
        inbound.subject = clean_line(&inbound.subject, "subject", "Subject", 2_000, &mut errors);
        let kept = cut(&inbound.body, MAX_BODY).len();
        inbound.body.truncate(kept);
        let ids = inbound
            .message_id
            .iter()
            .chain(&inbound.in_reply_to)
            .chain(&inbound.conversation_id);
        if ids
            .chain(&inbound.references)
            .any(|id| id.len() > MAX_MESSAGE_ID)
            || inbound.references.len() > MAX_REFERENCES
        {
            errors.push(FieldError::new(
                "message_id",
                FieldErrorCode::TooLong,
                format!(
                    "Message ids are at most {MAX_MESSAGE_ID} bytes, and a message names at most {MAX_REFERENCES} references"
                ),
            ));
        }
        let too_long = |text: &str| text.len() > MAX_ADDRESS;
        if inbound.headers.len() > MAX_PARTS
            || inbound.attachments.len() > MAX_PARTS
            || inbound
                .headers
                .iter()
                .any(|(name, value)| too_long(name) || too_long(value))
            || inbound.to.as_deref().is_some_and(too_long)
            || inbound.attachments.iter().any(|a| too_long(&a.name))
        {
            errors.push(FieldError::new(
                "headers",
                FieldErrorCode::TooLong,
                format!("At most {MAX_PARTS} headers and attachments of at most {MAX_ADDRESS} bytes each"),
            ));
        }
        if inbound.form.is_some() && inbound.direction == Direction::Outbound {
            errors.push(FieldError::new(
                "form",
                FieldErrorCode::WrongType,
                "A form post is inbound",
            ));
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let reference_keys = inbound.reference_keys();
        Ok(Checked {
            sender_key: self.address_key(inbound.channel, &sender),
            message_key: inbound.idempotency_key(),
            conversation_key: inbound.conversation_key(),
            automatic: inbound.direction == Direction::Inbound && inbound.is_automatic(),
            received_at: inbound.received_at.unwrap_or(now),
            reference_keys,
            sender,
            inbound,
        })
    }

    fn intake_in(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        checked: &Checked,
        now: Timestamp,
    ) -> Result<IntakeOutcome> {
        let inbound = &checked.inbound;
        let rules = self.rules_in(&*tx)?;
        let profiles = match &checked.sender_key {
            Some(key) => self.live_profiles_by_key(&*tx, key)?,
            None => Vec::new(),
        };
        let sender = match profiles.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        };
        let (found, found_by) = match self.belonging_case(&*tx, checked, &rules)? {
            Some((case, by)) => (Some(case), Some(by)),
            None => (None, None),
        };
        if inbound.direction == Direction::Outbound && found.is_none() {
            return Err(Error::InvalidInput(
                "an outbound message is logged on its case: name the case or the message it answers".into(),
            ));
        }
        let facts = MessageFacts {
            channel: Some(inbound.channel),
            recipient: inbound
                .to
                .as_deref()
                .map(|to| sender_address(to).to_lowercase()),
            sender_known: sender.is_some(),
            accounts: sender.as_ref().map_or(&[], |p| p.accounts.as_slice()),
            subject: MessageFacts::words(&inbound.subject),
            body: MessageFacts::words(&inbound.body),
            automatic: checked.automatic,
            belongs_to_case: found.is_some(),
        };
        let rule = match inbound.direction {
            Direction::Inbound => rules.decide(&facts),
            Direction::Outbound => None,
        };
        let action = match (inbound.direction, rule) {
            (Direction::Outbound, _) => IntakeAction::Log,
            (_, Some(rule)) => rule.action,
            (_, None) => rules.def().default_action,
        };
        let plan = plan(rules.def(), action, found, checked.automatic);

        let mut outcome = IntakeOutcome {
            decision: IntakeDecision::Logged,
            text: String::new(),
            rule: rule.map(|r| r.name.clone()),
            found_by,
            contact_id: ids.next(),
            case_id: None,
            case_number: None,
            reopened: false,
            follow_up_of: None,
            profile_id: sender.as_ref().map(|p| p.id),
            customer_id: sender.as_ref().map(|p| p.customer_id.clone()),
            profile_created: false,
            draft: None,
            candidates: if profiles.len() > 1 {
                profiles.iter().map(|p| p.customer_id.clone()).collect()
            } else {
                Vec::new()
            },
            automatic: checked.automatic,
            replayed: false,
        };
        let case = match plan {
            Plan::Log(case) => case,
            Plan::Join { mut case, resume } => {
                let before = case.status;
                if resume {
                    self.apply_status(ids, by, &mut case, CaseStatus::InProgress, None, now)?;
                }
                outcome.reopened = before == CaseStatus::Resolved && resume;
                case.timeline.push(TimelineEntry {
                    id: ids.next(),
                    origin: None,
                    kind: EntryKind::Comment,
                    author: by.to_string(),
                    at: now,
                    text: message_entry(checked),
                });
                self.save_case_edit(tx, &mut case, by, now)?;
                outcome.decision = IntakeDecision::Joined;
                Some(case)
            }
            Plan::Open { follow_up_of } => {
                let opened = self.open_from(
                    tx,
                    ids,
                    by,
                    checked,
                    rule,
                    sender.as_ref(),
                    profiles.len(),
                    follow_up_of.as_ref(),
                    &mut outcome,
                    now,
                )?;
                outcome.follow_up_of = follow_up_of.map(|c| c.number);
                outcome.decision = IntakeDecision::Opened;
                Some(opened)
            }
        };
        outcome.case_id = case.as_ref().map(|c| c.id);
        outcome.case_number = case.as_ref().map(|c| c.number.clone());
        outcome.text = describe(&outcome);

        let contact = Contact {
            id: outcome.contact_id,
            channel: inbound.channel,
            direction: inbound.direction,
            address: Some(checked.sender.clone()),
            address_key: checked.sender_key.clone(),
            started_at: checked.received_at,
            ended_at: None,
            agent: None,
            summary: contact_summary(checked),
            outcome: ContactOutcome::Completed,
            campaign: None,
            profile_id: outcome.profile_id,
            case_ids: outcome.case_id.into_iter().collect(),
            created_at: now,
            created_by: by.to_string(),
            external_records: Vec::new(),
            attachments: Vec::new(),
        };
        tx.put_contact(&contact)?;
        if let Some(p) = contact.profile_id {
            self.touch_profile(tx, p, contact.started_at)?;
        }
        self.refresh_contact_cases(tx, &contact)?;
        self.emit_contact_logged(tx, &contact, outcome.customer_id.as_deref())?;
        if let Some(key) = &checked.message_key {
            tx.put_blob(MESSAGE_BLOB, key_id(key), &serde_json::to_value(&outcome)?)?;
        }
        if let Some(case) = outcome.case_id {
            let on_case = json!({ "case_id": case });
            if let Some(key) = &checked.message_key {
                tx.put_blob(THREAD_BLOB, key_id(key), &on_case)?;
            }
            // Replies may come before what they answer: the thread's
            // earlier messages will find this case when they arrive.
            for key in &checked.reference_keys {
                if tx.blob(THREAD_BLOB, key_id(key))?.is_none() {
                    tx.put_blob(THREAD_BLOB, key_id(key), &on_case)?;
                }
            }
            if let Some(key) = &checked.conversation_key {
                tx.put_blob(CONVERSATION_BLOB, key_id(key), &on_case)?;
            }
        }
        Ok(outcome)
    }

    /// The case a message belongs to, and how it was found: the case the
    /// host named, a thread reference, a case number in the subject, or the
    /// open case of its conversation.
    fn belonging_case(
        &self,
        tx: &dyn ReadTx,
        checked: &Checked,
        rules: &IntakeRules,
    ) -> Result<Option<(Case, FoundBy)>> {
        let inbound = &checked.inbound;
        if let Some(named) = inbound.case.as_deref() {
            return Ok(Some((
                self.resolve_case(tx, Ref::Key(named))?,
                FoundBy::Case,
            )));
        }
        for key in checked.message_key.iter().chain(&checked.reference_keys) {
            if let Some(case) = self.case_of_blob(tx, THREAD_BLOB, key)? {
                return Ok(Some((case, FoundBy::Thread)));
            }
        }
        if let Some(number) = rules.case_number_in(&inbound.subject) {
            if let Some(id) = tx.case_id_by_number(number)? {
                if let Some(case) = tx.case(id)? {
                    return Ok(Some((case, FoundBy::CaseNumber)));
                }
            }
        }
        if let Some(key) = &checked.conversation_key {
            if let Some(case) = self.case_of_blob(tx, CONVERSATION_BLOB, key)? {
                if case.status.is_open() {
                    return Ok(Some((case, FoundBy::Conversation)));
                }
            }
        }
        Ok(None)
    }

    /// The case an intake key's blob names, if it still exists.
    fn case_of_blob(&self, tx: &dyn ReadTx, kind: &str, key: &str) -> Result<Option<Case>> {
        let Some(blob) = tx.blob(kind, key_id(key))? else {
            return Ok(None);
        };
        let id: Uuid = serde_json::from_value(blob["case_id"].clone())
            .map_err(|e| Error::Internal(format!("an intake record names no case: {e}")))?;
        tx.case(id)
    }

    /// Opens the case a rule (or the default) opens for a message, with the
    /// sender as requester; an unknown sender gets a draft or, if the rule
    /// says so, a new profile unless it strongly matches existing ones.
    #[allow(clippy::too_many_arguments)]
    fn open_from(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        checked: &Checked,
        rule: Option<&IntakeRule>,
        sender: Option<&Profile>,
        sender_count: usize,
        follow_up_of: Option<&Case>,
        outcome: &mut IntakeOutcome,
        now: Timestamp,
    ) -> Result<Case> {
        let inbound = &checked.inbound;
        let mut requester = sender.map(|p| p.id);
        if sender.is_none() && sender_count == 0 && !checked.automatic {
            let caller = self.caller_of(inbound.channel, &checked.sender);
            let mut draft = self.draft_for(inbound.channel, &checked.sender, caller.as_ref());
            if let Some(name) = sender_name(&inbound.from) {
                let (given, family) = match name.rsplit_once(' ') {
                    Some((given, family)) => (given.trim(), family.trim()),
                    None => ("", name),
                };
                draft.given_name = given.to_string();
                draft.family_name = family.to_string();
            }
            let create = rule.is_some_and(|r| r.unknown_sender == UnknownSender::CreateProfile);
            let created = if create {
                match self.create_profile_in(tx, ids, by, &draft, true, now) {
                    Ok(profile) => Some(profile),
                    Err(Error::DuplicateSuspected { candidates }) => {
                        outcome.candidates = candidates
                            .into_iter()
                            .map(|c| c.profile.customer_id)
                            .collect();
                        None
                    }
                    // A draft the profile template refuses stays a draft for an agent.
                    Err(Error::Validation(_)) => None,
                    Err(other) => return Err(other),
                }
            } else {
                None
            };
            match created {
                Some(profile) => {
                    requester = Some(profile.id);
                    outcome.profile_id = Some(profile.id);
                    outcome.customer_id = Some(profile.customer_id.clone());
                    outcome.profile_created = true;
                }
                None => outcome.draft = Some(draft),
            }
        }
        let spec = rule.map(|r| r.case.clone()).unwrap_or_default();
        let mut fields = spec.fields;
        let mut template = spec.template;
        if let Some(form) = &inbound.form {
            fields.extend(form.fields.clone());
            template = form.template.clone().or(template);
        }
        let input = CaseInput {
            template,
            fields,
            channel: Some(inbound.channel),
            impact: spec.impact,
            urgency: spec.urgency,
            category: spec.category,
            product: spec.product,
            support_group: spec.support_group,
            assignee: spec.assignee,
            short_description: short_description(checked),
            description: inbound.body.clone(),
            links: requester
                .map(|id| LinkInput {
                    profile: id.to_string(),
                    role: LinkRole::Requester,
                })
                .into_iter()
                .collect(),
            ..CaseInput::default()
        };
        self.create_case_following(tx, ids, by, &input, now, follow_up_of.map(|c| c.id))
    }
}
