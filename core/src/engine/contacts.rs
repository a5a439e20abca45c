//! Contacts: logging interactions, associating them with profiles and
//! cases, and the contact history of a profile or a case.

use super::clean::{clean_line, clean_long, clean_optional, MAX_SHORT};
use super::profiles::MAX_RESULTS;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::model::{Contact, ContactInput};
use crate::store::{Store, StoreExt};
use jiff::Timestamp;
use uuid::Uuid;

impl<S: Store> Casebook<S> {
    fn check_contact_cases(&self, cases: &[Uuid]) -> Result<()> {
        if cases.len() > 1 && !self.config.contact_multiple_cases {
            return Err(Error::InvalidState(
                "a contact is associated with at most one case (set contact_multiple_cases to allow several)".into(),
            ));
        }
        Ok(())
    }

    /// Logs a contact (an interaction), optionally associated with a profile and cases.
    pub fn log_contact(&self, actor: &Actor, input: ContactInput) -> Result<Contact> {
        let by = actor.check()?;
        let mut errors = Vec::new();
        let summary = clean_long(&input.summary, "summary", "Summary", &mut errors);
        let agent = clean_optional(&input.agent, "agent", "Agent", &mut errors);
        let campaign = clean_optional(&input.campaign, "campaign", "Campaign", &mut errors);
        let address = input
            .address
            .as_deref()
            .map(|a| clean_line(a, "address", "Address", MAX_SHORT, &mut errors))
            .filter(|a| !a.is_empty());
        let now = self.now();
        let started_at = input.started_at.unwrap_or(now);
        if input.ended_at.is_some_and(|end| end < started_at) {
            errors.push(FieldError::new(
                "ended_at",
                FieldErrorCode::OutOfRange,
                "A contact cannot end before it starts",
            ));
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let address_key = address
            .as_deref()
            .and_then(|a| self.address_key(input.channel, a));
        self.write(|tx, ids| {
            let (profile, customer_id) = match input.profile.as_deref() {
                Some(p) => {
                    let found = self.resolve_profile(tx, Ref::Key(p))?;
                    (Some(found.id), Some(found.customer_id))
                }
                None => (None, None),
            };
            let mut case_ids = Vec::new();
            for c in &input.cases {
                let id = self.resolve_case(tx, Ref::Key(c))?.id;
                if !case_ids.contains(&id) {
                    case_ids.push(id);
                }
            }
            self.check_contact_cases(&case_ids)?;
            let contact = Contact {
                id: ids.next(),
                channel: input.channel,
                direction: input.direction,
                address_key: address_key.clone(),
                address: address.clone(),
                started_at,
                ended_at: input.ended_at,
                agent: agent.clone(),
                summary: summary.clone(),
                outcome: input.outcome,
                campaign: campaign.clone(),
                profile_id: profile,
                case_ids,
                created_at: now,
                created_by: by.to_string(),
                external_records: Vec::new(),
                attachments: Vec::new(),
            };
            tx.put_contact(&contact)?;
            if let Some(p) = profile {
                self.touch_profile(tx, p, started_at)?;
            }
            self.refresh_contact_cases(tx, &contact)?;
            self.emit_contact_logged(tx, &contact, customer_id.as_deref())?;
            Ok(contact)
        })
    }

    /// Associates a contact with a profile and/or a case. By default a contact
    /// belongs to at most one case: associating it with a second case is refused.
    pub fn associate_contact<'a>(
        &self,
        actor: &Actor,
        contact: impl Into<Ref<'a>>,
        profile: Option<Ref<'_>>,
        case: Option<Ref<'_>>,
    ) -> Result<Contact> {
        actor.check()?;
        let contact = contact.into();
        if profile.is_none() && case.is_none() {
            return Err(Error::InvalidInput(
                "name a profile, a case or both to associate".into(),
            ));
        }
        self.store.write_with(|tx| {
            let mut c = self.resolve_contact(tx, contact)?;
            if let Some(p) = profile {
                let p = self.resolve_profile(tx, p)?;
                c.profile_id = Some(p.id);
            }
            if let Some(k) = case {
                let k = self.resolve_case(tx, k)?;
                if !c.case_ids.contains(&k.id) {
                    c.case_ids.push(k.id);
                }
            }
            self.check_contact_cases(&c.case_ids)?;
            tx.put_contact(&c)?;
            if let Some(p) = c.profile_id {
                self.touch_profile(tx, p, c.started_at)?;
            }
            self.refresh_contact_cases(tx, &c)?;
            Ok(c)
        })
    }

    /// A contact by id.
    pub fn contact<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Contact> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_contact(tx, r))
    }

    /// A profile's contact history, most recent first, optionally limited to
    /// contacts started in `[from, to)`. A range whose start is after its
    /// end is refused with [`Error::InvalidInput`].
    pub fn contact_history<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>> {
        let profile = profile.into();
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(Error::InvalidInput(format!(
                    "the history range starts at {from}, after it ends at {to}"
                )));
            }
        }
        let limit = limit.clamp(1, MAX_RESULTS);
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, profile)?;
            tx.contacts_of_profile(p.id, from, to, limit)
        })
    }

    /// The contacts associated with a case, most recent first.
    pub fn case_contacts<'a>(&self, case: impl Into<Ref<'a>>) -> Result<Vec<Contact>> {
        let case = case.into();
        self.store.read_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            tx.contacts_of_case(c.id)
        })
    }
}
