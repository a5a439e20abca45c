//! Response templates in the engine and notifying a case's customers:
//! loading templates (versioned), rendering one for an agent to send, and
//! `notify_case`, which renders a message for every customer linked to a
//! case, logs it in each one's contact history and hands it to the host
//! through the outbox, all in one transaction.

use super::definitions;
use super::events::{message_subject, role_rank};
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Case, CaseLink, Channel, Contact, ContactOutcome, ContactPoint, Direction, EventKind, LinkRole,
    Profile,
};
use crate::response_template::{
    KnownFields, RenderedMessage, ResponseTemplate, ResponseTemplateDef,
};
use crate::store::{ReadTx, Store, StoreExt, StoredDefinition};
use crate::template::TemplateKind;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const RESPONSE_TEMPLATE: &str = "response_template";
/// Longest contact summary taken from a message, in characters.
const MAX_SUMMARY: usize = 500;

/// What [`Casebook::notify_case`] sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NotifyInput {
    /// The response template (its latest version).
    pub template: String,
    /// The linked profiles to notify, by role (empty: every role).
    #[serde(default)]
    pub roles: Vec<LinkRole>,
}

/// One message of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotifiedProfile {
    /// The profile.
    pub profile: Uuid,
    /// Its customer ID.
    pub customer_id: String,
    /// Its role on the case.
    pub role: LinkRole,
    /// Where the message goes (an e-mail address, an E.164 number).
    pub address: String,
    /// The outbound contact logged in the profile's history.
    pub contact: Uuid,
    /// The `message.requested` event the host delivers it by.
    pub event: u64,
    /// The message.
    pub message: RenderedMessage,
}

/// A linked profile that could not be notified, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnreachedProfile {
    /// The profile.
    pub profile: Uuid,
    /// Its customer ID.
    pub customer_id: String,
    /// Its role on the case.
    pub role: LinkRole,
    /// Why (no contact point for the channel).
    pub reason: String,
}

/// What [`Casebook::notify_case`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseNotification {
    /// The case number.
    pub case: String,
    /// The template id.
    pub template: String,
    /// The template version used.
    pub version: u32,
    /// The channel of the messages.
    pub channel: Channel,
    /// One entry per message, in the order of the case's links (by role).
    pub sent: Vec<NotifiedProfile>,
    /// The linked profiles left out: nothing reaches them on the channel.
    pub unreached: Vec<UnreachedProfile>,
}

/// The contact point a message on `channel` goes to: the primary one of
/// the channel's kind, else the first of that kind.
fn point_for(profile: &Profile, channel: Channel) -> Option<&ContactPoint> {
    let kind = channel.contact_kind();
    let mut of_kind = profile.contact_points.iter().filter(|p| p.kind == kind);
    let first = of_kind.clone().next();
    of_kind.find(|p| p.primary).or(first)
}

fn summary_of(message: &RenderedMessage) -> String {
    let text = message.subject.as_deref().unwrap_or(&message.body);
    text.chars().take(MAX_SUMMARY).collect()
}

impl<S: Store> Casebook<S> {
    /// Loads a response template from its JSON definition
    /// ([`ResponseTemplateDef`]), checked against the loaded profile and
    /// case templates (every `profile.fields.*` and `case.fields.*` it
    /// names must exist). A changed definition of an existing id makes a
    /// new version; an unchanged one returns the current version.
    ///
    /// ```
    /// use casebook::{Actor, Casebook};
    /// let cb = Casebook::in_memory();
    /// let admin = Actor::new("admin");
    /// let t = cb.load_response_template(&admin, r#"{"id": "ack", "name": "Acknowledgement",
    ///     "channel": "sms", "body": "Case {{ case.number }} is open, {{ profile.given_name }}."}"#)?;
    /// assert_eq!((t.version, t.placeholders.len()), (1, 2));
    /// assert!(cb.load_response_template(&admin, r#"{"id": "bad", "name": "Bad",
    ///     "channel": "sms", "body": "{{ case.nmber }}"}"#).is_err());
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn load_response_template(&self, actor: &Actor, json: &str) -> Result<ResponseTemplate> {
        actor.check()?;
        let def: ResponseTemplateDef =
            serde_json::from_str(json).map_err(|e| Error::InvalidDefinition {
                kind: Entity::ResponseTemplate,
                id: String::new(),
                message: e.to_string(),
            })?;
        let now = self.now();
        self.store.write_with(|tx| {
            let fields = self.known_fields(&*tx)?;
            let mut template = ResponseTemplate::from_def(def.clone(), &fields)?;
            let version = match latest_response_template(&*tx, &template.id)? {
                Some(current) if current.same_definition(&template) => return Ok(current),
                Some(current) => current.version + 1,
                None => 1,
            };
            template.version = version;
            tx.put_definition(&StoredDefinition {
                kind: RESPONSE_TEMPLATE.into(),
                id: template.id.clone(),
                version,
                loaded_at: now,
                body: serde_json::to_value(&template)?,
            })?;
            Ok(template)
        })
    }

    /// A response template version (`None`: the latest).
    pub fn response_template(&self, id: &str, version: Option<u32>) -> Result<ResponseTemplate> {
        self.store
            .read_with(|tx| response_template_in(tx, id, version))
    }

    /// The latest version of every response template, by id.
    pub fn response_templates(&self) -> Result<Vec<ResponseTemplate>> {
        self.store
            .read_with(|tx| definitions::latest_of_each(tx, RESPONSE_TEMPLATE))
    }

    /// A response template rendered for a customer, on a case or not, as
    /// `actor` would send it (a canned reply an agent pastes): nothing is
    /// stored or sent.
    pub fn render_response<'a>(
        &self,
        actor: &Actor,
        template: &str,
        profile: impl Into<Ref<'a>>,
        case: Option<Ref<'_>>,
    ) -> Result<RenderedMessage> {
        let by = actor.check()?;
        let profile = profile.into();
        self.store.read_with(|tx| {
            let template = response_template_in(tx, template, None)?;
            let profile = self.resolve_profile(tx, profile)?;
            let case = case.map(|c| self.resolve_case(tx, c)).transpose()?;
            template.renderer()?.render(&profile, case.as_ref(), by)
        })
    }

    /// Notifies the customers linked to a case (all, or those of the
    /// given roles) with a response template, on the template's channel.
    /// Each reachable customer gets a message rendered for them, an
    /// outbound contact in their history (associated with the case) and a
    /// `message.requested` event carrying the address and the message for
    /// the host to deliver. Customers with no contact point for the
    /// channel are reported, never skipped silently. One transaction: all
    /// of it, or (on any error) none.
    pub fn notify_case<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        input: &NotifyInput,
    ) -> Result<CaseNotification> {
        let by = actor.check()?;
        let case = case.into();
        let now = self.now();
        self.write(|tx, ids| {
            let template = response_template_in(&*tx, &input.template, None)?;
            let renderer = template.renderer()?;
            let case = self.resolve_case(&*tx, case)?;
            let links = notified_links(&*tx, &case, &input.roles)?;
            let ids_of: Vec<Uuid> = links.iter().map(|l| l.profile_id).collect();
            let profiles = tx.profiles(&ids_of)?;
            let mut outcome = CaseNotification {
                case: case.number.clone(),
                template: template.id.clone(),
                version: template.version,
                channel: template.channel,
                sent: Vec::new(),
                unreached: Vec::new(),
            };
            for link in &links {
                let profile = profiles
                    .iter()
                    .find(|p| p.id == link.profile_id)
                    .ok_or_else(|| Error::not_found(Entity::Profile, link.profile_id))?;
                let Some(point) = point_for(profile, template.channel) else {
                    outcome.unreached.push(UnreachedProfile {
                        profile: profile.id,
                        customer_id: profile.customer_id.clone(),
                        role: link.role,
                        reason: format!(
                            "no {} contact point",
                            template.channel.contact_kind().as_str()
                        ),
                    });
                    continue;
                };
                let message = renderer.render(profile, Some(&case), by)?;
                let contact = Contact {
                    id: ids.next(),
                    channel: template.channel,
                    direction: Direction::Outbound,
                    address: Some(point.value.clone()),
                    address_key: Some(point.key.clone()),
                    started_at: now,
                    ended_at: None,
                    agent: Some(by.to_string()),
                    summary: summary_of(&message),
                    // Sent is all the engine knows; the host may log a bounce.
                    outcome: ContactOutcome::Completed,
                    campaign: case.campaign.clone(),
                    profile_id: Some(profile.id),
                    case_ids: vec![case.id],
                    created_at: now,
                    created_by: by.to_string(),
                    external_records: Vec::new(),
                    attachments: Vec::new(),
                };
                tx.put_contact(&contact)?;
                self.touch_profile(tx, profile.id, now)?;
                self.emit_contact_logged(tx, &contact, Some(&profile.customer_id))?;
                let payload = json!({
                    "case": case.number,
                    "profile": profile.id,
                    "customer_id": profile.customer_id,
                    "role": link.role,
                    "channel": template.channel,
                    "address": point.value,
                    "template": { "id": template.id, "version": template.version },
                    "subject": message.subject,
                    "body": message.body,
                });
                let event = self.emit(
                    tx,
                    EventKind::MessageRequested,
                    message_subject(&contact),
                    by,
                    now,
                    payload,
                )?;
                outcome.sent.push(NotifiedProfile {
                    profile: profile.id,
                    customer_id: profile.customer_id.clone(),
                    role: link.role,
                    address: point.value.clone(),
                    contact: contact.id,
                    event,
                    message,
                });
            }
            Ok(outcome)
        })
    }

    /// The field keys of every loaded profile and case template.
    fn known_fields(&self, tx: &dyn ReadTx) -> Result<KnownFields> {
        let mut known = KnownFields::default();
        for r in tx.template_refs()? {
            let template = self.template_in(tx, &r.id, Some(r.version))?;
            let keys = match template.kind {
                TemplateKind::Profile => &mut known.profile,
                TemplateKind::Case => &mut known.case,
            };
            keys.extend(template.fields().iter().map(|f| f.key.clone()));
        }
        Ok(known)
    }
}

/// A case's links of the given roles (all when none are given),
/// requesters first.
fn notified_links(tx: &dyn ReadTx, case: &Case, roles: &[LinkRole]) -> Result<Vec<CaseLink>> {
    let mut links: Vec<CaseLink> = tx
        .links_of_case(case.id)?
        .into_iter()
        .filter(|l| roles.is_empty() || roles.contains(&l.role))
        .collect();
    links.sort_by_key(|l| (role_rank(l.role), l.profile_id));
    Ok(links)
}

fn latest_response_template(tx: &dyn ReadTx, id: &str) -> Result<Option<ResponseTemplate>> {
    definitions::latest(tx, RESPONSE_TEMPLATE, id)
}

fn response_template_in(
    tx: &dyn ReadTx,
    id: &str,
    version: Option<u32>,
) -> Result<ResponseTemplate> {
    definitions::version_of(tx, RESPONSE_TEMPLATE, Entity::ResponseTemplate, id, version)
}
