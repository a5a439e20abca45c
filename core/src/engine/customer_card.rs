//! The customer card of an interaction: the external records linked to the
//! interaction, then the recognised customer's (person-level records such
//! as contacts, leads and accounts first), then those of the customers
//! related to them (the household), then those of their cases.

use super::profiles::summary_of;
use super::Casebook;
use crate::error::Result;
use crate::model::{Case, ExternalLink, Profile, ProfileSummary};
use crate::store::{Store, StoreExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// Most cases of a customer whose records the card shows.
const MAX_CARD_CASES: usize = 50;

/// Where a record on a customer card comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CardSource {
    /// Linked to the interaction itself.
    Interaction,
    /// Linked to the recognised customer.
    Customer,
    /// Linked to a customer related to them.
    Household,
    /// Linked to one of the customer's cases (or the interaction's).
    Case,
}

/// One external record on a customer card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CardRecord {
    /// Where it comes from.
    pub source: CardSource,
    /// The record it is linked to: the contact id, customer ID or case number.
    pub via: String,
    /// For a household record: what that customer is to the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    /// The linked record.
    pub link: ExternalLink,
}

/// The customer card of an interaction ([`Casebook::customer_card`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CustomerCard {
    /// The interaction.
    pub contact_id: Uuid,
    /// The customer it is logged against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileSummary>,
    /// Its records, in card order.
    pub records: Vec<CardRecord>,
}

impl<S: Store> Casebook<S> {
    /// The customer card of an interaction: the external records linked to
    /// it, then those of its customer (person-level records first: contacts,
    /// leads, accounts), then those of the customers related to them, then
    /// those of the interaction's cases and the customer's other cases
    /// (the most recent 50).
    pub fn customer_card(&self, contact: &str) -> Result<CustomerCard> {
        self.store.read_with(|tx| {
            let mut contact = self.resolve_contact(tx, contact.into())?;
            let mut records = Vec::new();
            let via = contact.id.to_string();
            let own = std::mem::take(&mut contact.external_records);
            push_all(&mut records, CardSource::Interaction, &via, None, own);
            let profile = match contact.profile_id {
                Some(id) => tx
                    .profile(id)?
                    .map(|p| super::follow_redirects(tx, p))
                    .transpose()?,
                None => None,
            };
            let mut summary = None;
            // The interaction's cases first, then the customer's latest.
            let mut cases: Vec<(Uuid, Option<Case>)> =
                contact.case_ids.iter().map(|id| (*id, None)).collect();
            if let Some(p) = profile {
                let mut linked = tx.linked_cases(p.id)?;
                linked.sort_by_key(|(_, case)| std::cmp::Reverse(case.created_at));
                let open = linked.iter().filter(|(_, c)| c.status.is_open()).count();
                summary = Some(summary_of(&p, open));
                let relations = tx.relations_of(p.id)?;
                let me = p.id;
                push_person(&mut records, CardSource::Customer, p, None);
                for relation in relations {
                    let Some((other, tags)) = relation.seen_from(me) else {
                        continue;
                    };
                    if let Some(related) = tx.profile(other)? {
                        let tags = Some(tags.join(", "));
                        push_person(&mut records, CardSource::Household, related, tags);
                    }
                }
                for (_, case) in linked.into_iter().take(MAX_CARD_CASES) {
                    match cases.iter_mut().find(|(id, _)| *id == case.id) {
                        Some(slot) => slot.1 = Some(Arc::unwrap_or_clone(case)),
                        None => cases.push((case.id, Some(Arc::unwrap_or_clone(case)))),
                    }
                }
            }
            for (id, case) in cases {
                let case = match case {
                    Some(case) => Some(case),
                    None => tx.case(id)?,
                };
                if let Some(case) = case {
                    let number = case.number;
                    push_all(
                        &mut records,
                        CardSource::Case,
                        &number,
                        None,
                        case.external_records,
                    );
                }
            }
            Ok(CustomerCard {
                contact_id: contact.id,
                profile: summary,
                records,
            })
        })
    }
}

/// A customer's records, person-level ones first.
fn push_person(
    records: &mut Vec<CardRecord>,
    source: CardSource,
    profile: Profile,
    relationship: Option<String>,
) {
    let (person, other): (Vec<ExternalLink>, Vec<ExternalLink>) = profile
        .external_records
        .into_iter()
        .partition(|l| l.reference.is_person_level());
    for link in person.into_iter().chain(other) {
        records.push(CardRecord {
            source,
            via: profile.customer_id.clone(),
            relationship: relationship.clone(),
            link,
        });
    }
}

fn push_all(
    records: &mut Vec<CardRecord>,
    source: CardSource,
    via: &str,
    relationship: Option<String>,
    links: Vec<ExternalLink>,
) {
    records.extend(links.into_iter().map(|link| CardRecord {
        source,
        via: via.to_string(),
        relationship: relationship.clone(),
        link,
    }));
}
