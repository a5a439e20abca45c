//! The engine: every domain operation, each in one storage transaction.

use crate::clock::{Clock, IdSource};
use crate::config::Config;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::*;
use crate::phone::PhoneRules;
use crate::store::{
    MemoryStore, ReadTx, Snapshot, Store, StoreExt, WriteTx, NAME_CANDIDATE_CAP, SNAPSHOT_FORMAT,
};
use crate::template::{
    parse_date, Fields, MissingField, Mode, Template, TemplateKind, TemplateRef, ValidationContext,
    ValidationReport,
};
use crate::text;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use uuid::Uuid;

const CUSTOMER_SEQUENCE: &str = "customer_id";
const CASE_SEQUENCE: &str = "case_number";
/// Largest result list any search returns.
pub const MAX_RESULTS: usize = 1_000;
const MAX_NAME: usize = 200;
const MAX_SHORT: usize = 200;
const MAX_LONG: usize = 100_000;
const MAX_REDIRECTS: usize = 64;

/// A reference to a profile, case or contact: its internal id, or a human
/// key (customer ID, case number, or an id written as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref<'a> {
    /// Internal id.
    Id(Uuid),
    /// Customer ID, case number, or id as text.
    Key(&'a str),
}

impl From<Uuid> for Ref<'_> {
    fn from(id: Uuid) -> Self {
        Ref::Id(id)
    }
}

impl From<&Uuid> for Ref<'_> {
    fn from(id: &Uuid) -> Self {
        Ref::Id(*id)
    }
}

impl<'a> From<&'a str> for Ref<'a> {
    fn from(key: &'a str) -> Self {
        Ref::Key(key)
    }
}

impl<'a> From<&'a String> for Ref<'a> {
    fn from(key: &'a String) -> Self {
        Ref::Key(key)
    }
}

impl std::fmt::Display for Ref<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Id(id) => write!(f, "{id}"),
            Ref::Key(k) => f.write_str(k),
        }
    }
}

/// How to look profiles up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProfileQuery {
    /// Name words, case- and accent-insensitive, each matching the start of a name word.
    Name(String),
    /// E-mail address.
    Email(String),
    /// Phone number in any formatting.
    Phone(String),
    /// Account id.
    Account(String),
    /// Customer ID.
    CustomerId(String),
    /// Identification document.
    Identification {
        /// Document kind.
        kind: String,
        /// Number.
        value: String,
    },
}

/// A case linked to a profile, with the profile's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct ProfileCase {
    /// The case.
    pub case: CaseSummary,
    /// The profile's role on it.
    pub role: LinkRole,
}

/// Result of validating a profile form: the normalised input and every problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
pub struct FormValidation<T> {
    /// The input as it would be stored (trimmed, normalised, defaults applied).
    pub normalized: T,
    /// Every problem.
    pub errors: Vec<FieldError>,
    /// Draft mode: required values not captured yet.
    pub missing: Vec<MissingField>,
}

impl<T> FormValidation<T> {
    /// No errors and nothing missing.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.missing.is_empty()
    }
}

/// What recognition found for an incoming contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Recognition {
    /// No profile: a draft with the address in the right contact field.
    Unknown {
        /// Matching key of the address, if it could be normalised.
        key: Option<String>,
        /// A pre-filled new-customer draft.
        draft: ProfileInput,
    },
    /// One profile.
    Known {
        /// The profile.
        profile: Box<Profile>,
        /// Its summary.
        summary: ProfileSummary,
        /// Open cases, most urgent first.
        open_cases: Vec<CaseSummary>,
        /// Latest contacts, most recent first.
        recent_contacts: Vec<Contact>,
    },
    /// A shared address (household landline, shared mailbox): the agent chooses.
    Several {
        /// Candidate profiles.
        candidates: Vec<ProfileSummary>,
    },
}

/// The engine. Cheap to share between threads (`Arc<Casebook<_>>`).
pub struct Casebook<S: Store = MemoryStore> {
    store: S,
    config: Config,
    phone: PhoneRules,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    templates: RwLock<HashMap<(String, u32), Arc<Template>>>,
}

impl<S: Store> std::fmt::Debug for Casebook<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Casebook")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Casebook`].
pub struct CasebookBuilder<S: Store> {
    store: S,
    config: Config,
    clock: Option<Arc<dyn Clock>>,
    ids: Option<Arc<dyn IdSource>>,
}

impl<S: Store> CasebookBuilder<S> {
    /// Sets the configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the clock (default: the system clock; required on wasm32).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the id source (default: random UUIDs; required on wasm32).
    pub fn ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = Some(ids);
        self
    }

    /// Checks the configuration and builds the engine.
    pub fn build(self) -> Result<Casebook<S>> {
        self.config.check()?;
        let phone = PhoneRules::new(
            self.config.default_region.as_deref(),
            &self.config.phone_equivalences,
        )?;
        #[cfg(not(target_arch = "wasm32"))]
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::new(crate::clock::SystemClock));
        #[cfg(not(target_arch = "wasm32"))]
        let ids = self
            .ids
            .unwrap_or_else(|| Arc::new(crate::clock::RandomIds));
        #[cfg(target_arch = "wasm32")]
        let clock = self
            .clock
            .ok_or_else(|| Error::InvalidInput("a clock is required on this platform".into()))?;
        #[cfg(target_arch = "wasm32")]
        let ids = self.ids.ok_or_else(|| {
            Error::InvalidInput("an id source is required on this platform".into())
        })?;
        Ok(Casebook {
            store: self.store,
            config: self.config,
            phone,
            clock,
            ids,
            templates: RwLock::new(HashMap::new()),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Casebook<MemoryStore> {
    /// An engine over a new in-memory store with the default configuration.
    pub fn in_memory() -> Self {
        Casebook::builder(MemoryStore::new())
            .build()
            .expect("the default configuration is valid")
    }
}

pub(crate) struct PreparedProfile {
    template: Option<TemplateRef>,
    input: ProfileInput,
    date_of_birth: Option<Date>,
    contact_points: Vec<ContactPoint>,
}

/// Options of [`Casebook::create_profile_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct CreateOptions {
    /// Create the profile even if it strongly matches existing profiles.
    pub allow_duplicates: bool,
}

struct PreparedCase {
    template: Option<TemplateRef>,
    input: CaseInput,
    parent: Option<Uuid>,
    links: Vec<(Uuid, LinkRole)>,
}

fn summary_of(profile: &Profile, open_cases: usize) -> ProfileSummary {
    ProfileSummary {
        id: profile.id,
        customer_id: profile.customer_id.clone(),
        display_name: profile.display_name(),
        phone: profile.primary(ContactKind::Phone).map(|p| p.value.clone()),
        email: profile.primary(ContactKind::Email).map(|p| p.value.clone()),
        open_cases,
        last_interaction_at: profile.last_interaction_at,
    }
}

pub(crate) fn check_actor(by: &str) -> Result<&str> {
    let by = by.trim();
    if by.is_empty() || by.len() > 200 {
        return Err(Error::InvalidInput(
            "the acting user must be named (1 to 200 characters)".into(),
        ));
    }
    Ok(by)
}

fn clean_line(
    value: &str,
    field: &str,
    label: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let cleaned = text::squash_whitespace(value);
    if cleaned.chars().count() > max {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{label} must be at most {max} characters"),
        ));
    }
    cleaned
}

fn clean_optional(
    value: &Option<String>,
    field: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value
        .as_deref()
        .map(|v| clean_line(v, field, label, MAX_SHORT, errors))
        .filter(|v| !v.is_empty())
}

fn clean_list(
    values: &[String],
    field: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let cleaned = clean_line(value, &format!("{field}[{i}]"), label, MAX_SHORT, errors);
        if cleaned.is_empty() {
            continue;
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(&cleaned)) {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                FieldErrorCode::Duplicate,
                format!("{label} `{cleaned}` is listed twice"),
            ));
            continue;
        }
        out.push(cleaned);
    }
    out
}

fn clean_long(value: &str, field: &str, label: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = value.trim();
    if trimmed.chars().take(MAX_LONG + 1).count() > MAX_LONG {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{label} must be at most {MAX_LONG} characters"),
        ));
    }
    trimmed.to_string()
}

impl<S: Store> Casebook<S> {
    /// Starts building an engine over a store.
    pub fn builder(store: S) -> CasebookBuilder<S> {
        CasebookBuilder {
            store,
            config: Config::default(),
            clock: None,
            ids: None,
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The phone rules built from the configuration.
    pub fn phone_rules(&self) -> &PhoneRules {
        &self.phone
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A new id from the injected id source.
    pub fn new_id(&self) -> Uuid {
        self.ids.new_id()
    }

    /// The context record validation runs in (today's date, phone rules).
    pub fn validation_context(&self) -> ValidationContext {
        let today = self.now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        ValidationContext::with_phone(today, self.phone.clone())
    }

    // ----- templates -----

    /// Loads a template from JSON. Loading a changed definition of an existing
    /// id makes a new version; loading an unchanged one returns the current version.
    pub fn load_template(&self, by: &str, json: &str) -> Result<Template> {
        check_actor(by)?;
        let template = Template::from_json(json)?;
        self.store_template(template)
    }

    /// Loads an already parsed template (see [`Casebook::load_template`]).
    pub fn store_template(&self, mut template: Template) -> Result<Template> {
        let stored = self.store.write_with(|tx| {
            if let Some(latest) = tx.latest_template_version(&template.id)? {
                let current = tx
                    .template(&template.id, latest)?
                    .ok_or_else(|| Error::Internal("latest template version missing".into()))?;
                if current.kind != template.kind {
                    return Err(Error::InvalidTemplate {
                        template: template.id.clone(),
                        field: None,
                        message: format!(
                            "template `{}` is a {:?} template; its kind cannot change",
                            template.id, current.kind
                        )
                        .to_lowercase(),
                    });
                }
                if current.same_definition(&template) {
                    return Ok(current);
                }
                template.version = latest + 1;
            } else {
                template.version = 1;
            }
            tx.put_template(&template)?;
            Ok(template)
        })?;
        Ok(stored)
    }

    /// A template version (`None`: the latest).
    pub fn template(&self, id: &str, version: Option<u32>) -> Result<Template> {
        self.store
            .read_with(|tx| self.template_in(tx, id, version))
            .map(|t| (*t).clone())
    }

    /// Every stored template version.
    pub fn templates(&self) -> Result<Vec<TemplateRef>> {
        self.store.read_with(|tx| tx.template_refs())
    }

    /// Validates custom field values against a stored template (`draft`:
    /// missing required fields are reported as missing, not as errors).
    pub fn validate_record(
        &self,
        template_id: &str,
        version: Option<u32>,
        record: &Value,
        draft: bool,
    ) -> Result<ValidationReport> {
        let template = self
            .store
            .read_with(|tx| self.template_in(tx, template_id, version))?;
        let mode = if draft { Mode::Draft } else { Mode::Create };
        Ok(template.validate(record, mode, &self.validation_context()))
    }

    pub(crate) fn template_in(
        &self,
        tx: &dyn ReadTx,
        id: &str,
        version: Option<u32>,
    ) -> Result<Arc<Template>> {
        let version = match version {
            Some(v) => v,
            None => tx
                .latest_template_version(id)?
                .ok_or_else(|| Error::not_found(Entity::Template, id))?,
        };
        let key = (id.to_string(), version);
        if let Some(t) = self
            .templates
            .read()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return Ok(t);
        }
        let template = tx
            .template(id, version)?
            .ok_or_else(|| Error::not_found(Entity::Template, format!("{id} v{version}")))?;
        let template = Arc::new(template);
        if let Ok(mut cache) = self.templates.write() {
            cache.insert(key, template.clone());
        }
        Ok(template)
    }

    fn choose_template(
        &self,
        tx: &dyn ReadTx,
        kind: TemplateKind,
        requested: Option<&str>,
        requested_version: Option<u32>,
        previous: Option<&TemplateRef>,
    ) -> Result<Option<Arc<Template>>> {
        let (id, version) = match (requested.map(str::trim).filter(|s| !s.is_empty()), previous) {
            (None, None) => return Ok(None),
            (None, Some(prev)) => (
                prev.id.as_str(),
                Some(requested_version.unwrap_or(prev.version)),
            ),
            (Some(id), Some(prev)) if prev.id == id => {
                (id, Some(requested_version.unwrap_or(prev.version)))
            }
            (Some(id), _) => (id, requested_version),
        };
        let template = self.template_in(tx, id, version)?;
        if template.kind != kind {
            return Err(Error::InvalidInput(format!(
                "template `{id}` is a {} template, not a {} template",
                if template.kind == TemplateKind::Profile {
                    "profile"
                } else {
                    "case"
                },
                if kind == TemplateKind::Profile {
                    "profile"
                } else {
                    "case"
                },
            )));
        }
        Ok(Some(template))
    }

    // ----- references -----

    pub(crate) fn resolve_profile(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Profile> {
        let id = match r {
            Ref::Id(id) => id,
            Ref::Key(key) => {
                let key = key.trim();
                match Uuid::parse_str(key) {
                    Ok(id) => id,
                    Err(_) => tx
                        .profile_id_by_customer_id(key)?
                        .ok_or_else(|| Error::not_found(Entity::Profile, key))?,
                }
            }
        };
        let mut profile = tx
            .profile(id)?
            .ok_or_else(|| Error::not_found(Entity::Profile, r))?;
        for _ in 0..MAX_REDIRECTS {
            match profile.merged_into {
                None => return Ok(profile),
                Some(next) => {
                    profile = tx.profile(next)?.ok_or_else(|| {
                        Error::Internal(format!(
                            "profile {} redirects to missing {next}",
                            profile.id
                        ))
                    })?;
                }
            }
        }
        Err(Error::Internal(format!("redirect loop at profile {id}")))
    }

    pub(crate) fn resolve_case(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Case> {
        let id = match r {
            Ref::Id(id) => id,
            Ref::Key(key) => {
                let key = key.trim();
                match Uuid::parse_str(key) {
                    Ok(id) => id,
                    Err(_) => tx
                        .case_id_by_number(key)?
                        .ok_or_else(|| Error::not_found(Entity::Case, key))?,
                }
            }
        };
        tx.case(id)?
            .ok_or_else(|| Error::not_found(Entity::Case, r))
    }

    fn resolve_contact(&self, tx: &dyn ReadTx, r: Ref<'_>) -> Result<Contact> {
        let id = match r {
            Ref::Id(id) => id,
            Ref::Key(key) => Uuid::parse_str(key.trim())
                .map_err(|_| Error::InvalidInput(format!("`{key}` is not a contact id")))?,
        };
        tx.contact(id)?
            .ok_or_else(|| Error::not_found(Entity::Contact, r))
    }

    // ----- profiles -----

    fn contact_point(
        &self,
        i: usize,
        input: &ContactPointInput,
        errors: &mut Vec<FieldError>,
    ) -> Option<ContactPoint> {
        let path = format!("contact_points[{i}].value");
        let raw = input.value.trim();
        let label = input
            .label
            .as_deref()
            .map(text::squash_whitespace)
            .filter(|l| !l.is_empty());
        if label.as_ref().is_some_and(|l| l.chars().count() > 40) {
            errors.push(FieldError::new(
                format!("contact_points[{i}].label"),
                FieldErrorCode::TooLong,
                "A contact label must be at most 40 characters",
            ));
        }
        if raw.is_empty() {
            errors.push(FieldError::new(
                path,
                FieldErrorCode::Required,
                "A contact point needs a value",
            ));
            return None;
        }
        let normalized = match input.kind {
            ContactKind::Phone => self
                .phone
                .normalize(raw)
                .ok()
                .map(|e164| (self.phone.canonical(&e164), e164))
                .map(|(key, value)| (format!("phone:{key}"), value))
                .ok_or_else(|| {
                    let region = self.phone.default_region().map(|r| format!(", or a national number of {r}")).unwrap_or_default();
                    format!("`{}` is not a valid phone number; expected an international number such as +44 20 7946 0958{region}", truncate(raw))
                }),
            ContactKind::Email => crate::email::normalize(raw)
                .map(|v| (format!("email:{}", crate::email::match_key(&v, &self.config.email_domain_rules)), v))
                .ok_or_else(|| format!("`{}` is not an e-mail address such as name@example.com", truncate(raw))),
            ContactKind::Social => social_key(raw)
                .map(|(key, value)| (format!("social:{key}"), value))
                .ok_or_else(|| "A social handle must be written network:handle, e.g. twitter:@ada".to_string()),
            ContactKind::Address => {
                let value = raw.lines().map(text::squash_whitespace).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
                if value.chars().count() > 500 {
                    Err("An address must be at most 500 characters".to_string())
                } else {
                    Ok((format!("address:{}", text::tokens(&value).join(" ")), value))
                }
            }
            ContactKind::Other => {
                let value = text::squash_whitespace(raw);
                if value.chars().count() > 200 {
                    Err("A contact value must be at most 200 characters".to_string())
                } else {
                    Ok((format!("other:{}", value.to_lowercase()), value))
                }
            }
        };
        match normalized {
            Ok((key, value)) => Some(ContactPoint {
                kind: input.kind,
                value,
                label,
                primary: input.primary,
                key,
            }),
            Err(message) => {
                errors.push(FieldError::new(
                    path,
                    FieldErrorCode::InvalidFormat,
                    message,
                ));
                None
            }
        }
    }

    pub(crate) fn prepare_profile(
        &self,
        tx: &dyn ReadTx,
        input: &ProfileInput,
        mode: Mode<'_>,
        previous: Option<&Profile>,
    ) -> Result<(PreparedProfile, Vec<FieldError>, Vec<MissingField>)> {
        let mut errors = Vec::new();
        let mut missing = Vec::new();
        let draft = matches!(mode, Mode::Draft);
        let ctx = self.validation_context();

        let given_name = clean_line(
            &input.given_name,
            "given_name",
            "Given name",
            MAX_NAME,
            &mut errors,
        );
        let family_name = clean_line(
            &input.family_name,
            "family_name",
            "Family name",
            MAX_NAME,
            &mut errors,
        );
        if given_name.is_empty() && family_name.is_empty() {
            if draft {
                missing.push(MissingField {
                    field: "family_name".into(),
                    label: "Family name".into(),
                });
            } else {
                errors.push(FieldError::new(
                    "family_name",
                    FieldErrorCode::Required,
                    "A profile needs a given name or a family name",
                ));
            }
        }

        let mut identifications = Vec::new();
        for (i, ident) in input.identifications.iter().enumerate() {
            let kind = clean_line(
                &ident.kind,
                &format!("identifications[{i}].kind"),
                "Identification kind",
                40,
                &mut errors,
            );
            let value = clean_line(
                &ident.value,
                &format!("identifications[{i}].value"),
                "Identification number",
                100,
                &mut errors,
            );
            if kind.is_empty() || value.is_empty() {
                errors.push(FieldError::new(
                    format!("identifications[{i}]"),
                    FieldErrorCode::Required,
                    "An identification needs a kind and a number",
                ));
                continue;
            }
            let issuer = clean_optional(
                &ident.issuer,
                &format!("identifications[{i}].issuer"),
                "Issuer",
                &mut errors,
            );
            identifications.push(Identification {
                kind,
                value,
                issuer,
            });
        }

        let date_of_birth = match input
            .date_of_birth
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => match parse_date(raw) {
                None => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        FieldErrorCode::InvalidFormat,
                        "Date of birth must be a date in the form YYYY-MM-DD",
                    ));
                    None
                }
                Some(d) if d > ctx.today => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        FieldErrorCode::InFuture,
                        format!(
                            "Date of birth cannot be in the future (today is {})",
                            ctx.today
                        ),
                    ));
                    None
                }
                Some(d) if d < Date::constant(1850, 1, 1) => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        FieldErrorCode::OutOfRange,
                        "Date of birth must be after 1850-01-01",
                    ));
                    None
                }
                Some(d) => Some(d),
            },
        };

        let mut contact_points: Vec<ContactPoint> = Vec::new();
        for (i, point) in input.contact_points.iter().enumerate() {
            if let Some(point) = self.contact_point(i, point, &mut errors) {
                if contact_points.iter().any(|p| p.key == point.key) {
                    errors.push(FieldError::new(
                        format!("contact_points[{i}].value"),
                        FieldErrorCode::Duplicate,
                        format!(
                            "The {} `{}` is listed twice",
                            point.kind.as_str(),
                            point.value
                        ),
                    ));
                    continue;
                }
                if point.primary
                    && contact_points
                        .iter()
                        .any(|p| p.kind == point.kind && p.primary)
                {
                    errors.push(FieldError::new(
                        format!("contact_points[{i}].primary"),
                        FieldErrorCode::Duplicate,
                        format!("Only one {} can be primary", point.kind.as_str()),
                    ));
                    continue;
                }
                contact_points.push(point);
            }
        }
        for kind in [
            ContactKind::Phone,
            ContactKind::Email,
            ContactKind::Social,
            ContactKind::Address,
            ContactKind::Other,
        ] {
            if !contact_points.iter().any(|p| p.kind == kind && p.primary) {
                if let Some(first) = contact_points.iter_mut().find(|p| p.kind == kind) {
                    first.primary = true;
                }
            }
        }

        let accounts = clean_list(&input.accounts, "accounts", "Account", &mut errors);
        let assigned_to =
            clean_optional(&input.assigned_to, "assigned_to", "Assignee", &mut errors);

        let template = self.choose_template(
            tx,
            TemplateKind::Profile,
            input.template.as_deref(),
            input.template_version,
            previous.and_then(|p| p.template.as_ref()),
        )?;
        let fields = self.check_fields(
            template.as_deref(),
            &input.fields,
            mode,
            &ctx,
            &mut errors,
            &mut missing,
        );

        let normalized = ProfileInput {
            template: template.as_ref().map(|t| t.id.clone()),
            template_version: template.as_ref().map(|t| t.version),
            given_name,
            family_name,
            identifications,
            date_of_birth: date_of_birth.map(|d| d.to_string()),
            contact_points: contact_points.iter().map(ContactPointInput::from).collect(),
            accounts,
            fields,
            assigned_to,
        };
        Ok((
            PreparedProfile {
                template: template.map(|t| t.reference()),
                input: normalized,
                date_of_birth,
                contact_points,
            },
            errors,
            missing,
        ))
    }

    fn check_fields(
        &self,
        template: Option<&Template>,
        fields: &Fields,
        mode: Mode<'_>,
        ctx: &ValidationContext,
        errors: &mut Vec<FieldError>,
        missing: &mut Vec<MissingField>,
    ) -> Fields {
        match template {
            Some(template) => {
                let report = template.validate_fields(fields, mode, ctx);
                errors.extend(report.errors);
                missing.extend(report.missing);
                report.values
            }
            None => {
                for key in fields.keys() {
                    errors.push(FieldError::new(
                        key,
                        FieldErrorCode::UnknownField,
                        format!("`{key}` is not a field: the record has no template"),
                    ));
                }
                Fields::new()
            }
        }
    }

    /// Validates a profile form without storing anything. With `draft`, missing
    /// required values are listed as missing instead of as errors.
    pub fn validate_profile(
        &self,
        input: &ProfileInput,
        draft: bool,
    ) -> Result<FormValidation<ProfileInput>> {
        let mode = if draft { Mode::Draft } else { Mode::Create };
        let (prepared, errors, missing) = self
            .store
            .read_with(|tx| self.prepare_profile(tx, input, mode, None))?;
        Ok(FormValidation {
            normalized: prepared.input,
            errors,
            missing,
        })
    }

    /// Creates a profile with a new customer ID. If it strongly matches
    /// existing profiles (score at or above the matching `warn_threshold`), it
    /// is refused with [`Error::DuplicateSuspected`] listing them; use
    /// [`Casebook::create_profile_with`] to create it anyway.
    pub fn create_profile(&self, by: &str, input: ProfileInput) -> Result<Profile> {
        self.create_profile_with(by, input, CreateOptions::default())
    }

    /// Creates a profile, with options (see [`CreateOptions`]).
    pub fn create_profile_with(
        &self,
        by: &str,
        input: ProfileInput,
        options: CreateOptions,
    ) -> Result<Profile> {
        let by = check_actor(by)?;
        self.store
            .write_with(|tx| self.create_profile_in(tx, by, &input, !options.allow_duplicates))
    }

    /// Creates a profile inside a transaction; with `check_duplicates`, a
    /// strong match with existing profiles refuses it.
    pub(crate) fn create_profile_in(
        &self,
        tx: &mut dyn WriteTx,
        by: &str,
        input: &ProfileInput,
        check_duplicates: bool,
    ) -> Result<Profile> {
        let (prepared, errors, _) = self.prepare_profile(tx, input, Mode::Create, None)?;
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let profile = self.build_profile(prepared, Uuid::nil(), String::new(), by);
        if check_duplicates {
            let strong: Vec<_> = self
                .duplicate_candidates_in(tx, &profile)?
                .into_iter()
                .filter(|c| c.score >= self.config.matching.warn_threshold)
                .collect();
            if !strong.is_empty() {
                return Err(Error::DuplicateSuspected {
                    count: strong.len(),
                    candidates: serde_json::to_value(&strong).unwrap_or_default(),
                });
            }
        }
        self.insert_new_profile(tx, profile)
    }

    /// A profile record from a prepared input (id and customer ID as given).
    pub(crate) fn build_profile(
        &self,
        prepared: PreparedProfile,
        id: Uuid,
        customer_id: String,
        by: &str,
    ) -> Profile {
        let now = self.now();
        Profile {
            id,
            customer_id,
            version: 1,
            template: prepared.template,
            given_name: prepared.input.given_name,
            family_name: prepared.input.family_name,
            identifications: prepared.input.identifications,
            date_of_birth: prepared.date_of_birth,
            contact_points: prepared.contact_points,
            accounts: prepared.input.accounts,
            fields: prepared.input.fields,
            assigned_to: prepared.input.assigned_to,
            created_at: now,
            created_by: by.to_string(),
            updated_at: now,
            updated_by: by.to_string(),
            last_interaction_at: None,
            merged_into: None,
        }
    }

    fn insert_new_profile(&self, tx: &mut dyn WriteTx, mut profile: Profile) -> Result<Profile> {
        let sequence = tx.next_sequence(CUSTOMER_SEQUENCE)?;
        let customer_id = self.config.customer_id_format.format(sequence);
        if tx.profile_id_by_customer_id(&customer_id)?.is_some() {
            return Err(Error::AlreadyExists {
                entity: Entity::Profile,
                id: customer_id,
            });
        }
        profile.id = self.new_id();
        profile.customer_id = customer_id;
        tx.put_profile(&profile)?;
        Ok(profile)
    }

    /// A profile by id or customer ID; a merged-away profile resolves to its survivor.
    pub fn profile<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Profile> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_profile(tx, r))
    }

    /// A profile record exactly as stored (a tombstone is returned as such).
    pub fn profile_record(&self, id: Uuid) -> Result<Profile> {
        self.store
            .read_with(|tx| tx.profile(id))?
            .ok_or_else(|| Error::not_found(Entity::Profile, id))
    }

    /// Replaces the editable part of a profile. Fails with
    /// [`Error::Conflict`] if the profile is no longer at `expected_version`.
    pub fn update_profile<'a>(
        &self,
        by: &str,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        input: ProfileInput,
    ) -> Result<Profile> {
        let by = check_actor(by)?;
        let r = r.into();
        self.store.write_with(|tx| {
            let current = self.resolve_profile(tx, r)?;
            if current.version != expected_version {
                return Err(Error::Conflict {
                    entity: Entity::Profile,
                    id: current.customer_id.clone(),
                    expected: expected_version,
                    actual: current.version,
                });
            }
            let (prepared, errors, _) = self.prepare_profile(
                tx,
                &input,
                Mode::Update {
                    previous: &current.fields,
                },
                Some(&current),
            )?;
            if !errors.is_empty() {
                return Err(Error::validation(errors));
            }
            let updated = Profile {
                version: current.version + 1,
                template: prepared.template,
                given_name: prepared.input.given_name,
                family_name: prepared.input.family_name,
                identifications: prepared.input.identifications,
                date_of_birth: prepared.date_of_birth,
                contact_points: prepared.contact_points,
                accounts: prepared.input.accounts,
                fields: prepared.input.fields,
                assigned_to: prepared.input.assigned_to,
                updated_at: self.now(),
                updated_by: by.to_string(),
                ..current
            };
            tx.put_profile(&updated)?;
            Ok(updated)
        })
    }

    pub(crate) fn summary_in(&self, tx: &dyn ReadTx, profile: &Profile) -> Result<ProfileSummary> {
        let mut open_cases = 0;
        for link in tx.links_of_profile(profile.id)? {
            if tx.case(link.case_id)?.is_some_and(|c| c.status.is_open()) {
                open_cases += 1;
            }
        }
        Ok(summary_of(profile, open_cases))
    }

    /// The summary of a profile (name, primary phone and e-mail, open-case count).
    pub fn profile_summary<'a>(&self, r: impl Into<Ref<'a>>) -> Result<ProfileSummary> {
        let r = r.into();
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, r)?;
            self.summary_in(tx, &p)
        })
    }

    /// The matching key of an address arriving on a channel (`phone:+44...`,
    /// `email:...`), or `None` when it cannot be normalised.
    pub fn address_key(&self, channel: Channel, address: &str) -> Option<String> {
        match channel.contact_kind() {
            ContactKind::Phone => self.phone.match_key(address).map(|k| format!("phone:{k}")),
            ContactKind::Email => crate::email::normalize(address).map(|v| {
                format!(
                    "email:{}",
                    crate::email::match_key(&v, &self.config.email_domain_rules)
                )
            }),
            ContactKind::Social => social_key(address).map(|(k, _)| format!("social:{k}")),
            ContactKind::Address | ContactKind::Other => {
                let v = text::squash_whitespace(address);
                (!v.is_empty()).then(|| format!("other:{}", v.to_lowercase()))
            }
        }
    }

    /// Profiles holding an index key; a merged-away profile counts as its survivor.
    /// Profiles holding an index key; a merged-away profile counts as its survivor.
    pub(crate) fn live_profiles_by_key(&self, tx: &dyn ReadTx, key: &str) -> Result<Vec<Profile>> {
        let mut out: Vec<Profile> = Vec::new();
        for id in tx.profiles_by_key(key)? {
            let p = self.resolve_profile(tx, Ref::Id(id))?;
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Finds profiles. Results are sorted by family name, given name, customer ID.
    pub fn find_profiles(&self, query: &ProfileQuery, limit: usize) -> Result<Vec<ProfileSummary>> {
        let limit = limit.clamp(1, MAX_RESULTS);
        self.store.read_with(|tx| {
            let mut profiles: Vec<Profile> = match query {
                ProfileQuery::Name(words) => {
                    let tokens = text::tokens(words);
                    let Some(longest) = tokens.iter().max_by_key(|t| t.len()) else {
                        return Err(Error::InvalidInput(
                            "a name search needs at least one letter or digit".into(),
                        ));
                    };
                    let mut out = Vec::new();
                    for id in tx.profiles_by_name_prefix(longest, NAME_CANDIDATE_CAP)? {
                        let Some(p) = tx.profile(id)? else { continue };
                        if p.is_tombstone() {
                            continue;
                        }
                        let name_tokens = p.name_tokens();
                        if tokens
                            .iter()
                            .all(|q| name_tokens.iter().any(|n| n.starts_with(q.as_str())))
                        {
                            out.push(p);
                        }
                    }
                    out
                }
                ProfileQuery::Email(address) => {
                    let key = self.address_key(Channel::Email, address).ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "`{}` is not an e-mail address",
                            truncate(address)
                        ))
                    })?;
                    self.live_profiles_by_key(tx, &key)?
                }
                ProfileQuery::Phone(number) => {
                    let key = self.address_key(Channel::Voice, number).ok_or_else(|| {
                        Error::InvalidInput(format!("`{}` is not a phone number", truncate(number)))
                    })?;
                    self.live_profiles_by_key(tx, &key)?
                }
                ProfileQuery::Account(account) => {
                    self.live_profiles_by_key(tx, &crate::store::account_key(account))?
                }
                ProfileQuery::Identification { kind, value } => {
                    self.live_profiles_by_key(tx, &crate::store::identification_key(kind, value))?
                }
                ProfileQuery::CustomerId(cid) => match self.resolve_profile(tx, Ref::Key(cid)) {
                    Ok(p) => vec![p],
                    Err(e) if e.code() == crate::ErrorCode::NotFound => Vec::new(),
                    Err(e) => return Err(e),
                },
            };
            profiles.sort_by_cached_key(|p| {
                (
                    text::fold(&p.family_name),
                    text::fold(&p.given_name),
                    p.customer_id.clone(),
                )
            });
            profiles.truncate(limit);
            profiles.iter().map(|p| self.summary_in(tx, p)).collect()
        })
    }

    /// Relates two profiles, with what each is to the other (replacing any earlier relation of the two).
    pub fn relate<'a, 'b>(
        &self,
        by: &str,
        a: impl Into<Ref<'a>>,
        b: impl Into<Ref<'b>>,
        a_to_b: &str,
        b_to_a: &str,
    ) -> Result<Relation> {
        let by = check_actor(by)?;
        let (a, b) = (a.into(), b.into());
        let mut errors = Vec::new();
        let a_to_b = clean_line(a_to_b, "a_to_b", "Relationship", 60, &mut errors);
        let b_to_a = clean_line(b_to_a, "b_to_a", "Relationship", 60, &mut errors);
        for (tag, field) in [(&a_to_b, "a_to_b"), (&b_to_a, "b_to_a")] {
            if tag.is_empty() {
                errors.push(FieldError::new(
                    field,
                    FieldErrorCode::Required,
                    "A relationship needs a tag, e.g. spouse",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        self.store.write_with(|tx| {
            let pa = self.resolve_profile(tx, a)?;
            let pb = self.resolve_profile(tx, b)?;
            if pa.id == pb.id {
                return Err(Error::InvalidInput(
                    "a profile cannot be related to itself".into(),
                ));
            }
            let relation = Relation {
                a: pa.id,
                b: pb.id,
                a_to_b: a_to_b.clone(),
                b_to_a: b_to_a.clone(),
                created_at: self.now(),
                created_by: by.to_string(),
            };
            tx.put_relation(&relation)?;
            Ok(relation)
        })
    }

    /// Removes the relation between two profiles.
    pub fn unrelate<'a, 'b>(
        &self,
        by: &str,
        a: impl Into<Ref<'a>>,
        b: impl Into<Ref<'b>>,
    ) -> Result<()> {
        check_actor(by)?;
        let (a, b) = (a.into(), b.into());
        self.store.write_with(|tx| {
            let pa = self.resolve_profile(tx, a)?;
            let pb = self.resolve_profile(tx, b)?;
            if tx.delete_relation(pa.id, pb.id)? {
                Ok(())
            } else {
                Err(Error::not_found(
                    Entity::Relation,
                    format!("{} - {}", pa.customer_id, pb.customer_id),
                ))
            }
        })
    }

    /// Customers related to a profile, with what each is to it.
    pub fn related_customers<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Vec<RelatedCustomer>> {
        let r = r.into();
        self.store.read_with(|tx| {
            let me = self.resolve_profile(tx, r)?;
            let mut out = Vec::new();
            for relation in tx.relations_of(me.id)? {
                if let Some((other, tag)) = relation.seen_from(me.id) {
                    if let Some(p) = tx.profile(other)? {
                        out.push(RelatedCustomer {
                            profile: self.summary_in(tx, &p)?,
                            relationship: tag.to_string(),
                        });
                    }
                }
            }
            Ok(out)
        })
    }

    // ----- cases -----

    fn prepare_case(
        &self,
        tx: &dyn ReadTx,
        input: &CaseInput,
        mode: Mode<'_>,
        previous: Option<&Case>,
    ) -> Result<(PreparedCase, Vec<FieldError>, Vec<MissingField>)> {
        let mut errors = Vec::new();
        let mut missing = Vec::new();
        let ctx = self.validation_context();
        let short_description = clean_line(
            &input.short_description,
            "short_description",
            "Short description",
            MAX_SHORT,
            &mut errors,
        );
        if short_description.is_empty() {
            if matches!(mode, Mode::Draft) {
                missing.push(MissingField {
                    field: "short_description".into(),
                    label: "Short description".into(),
                });
            } else {
                errors.push(FieldError::new(
                    "short_description",
                    FieldErrorCode::Required,
                    "Short description is required",
                ));
            }
        }
        let description = clean_long(
            &input.description,
            "description",
            "Description",
            &mut errors,
        );
        let category = clean_optional(&input.category, "category", "Category", &mut errors);
        let product = clean_optional(&input.product, "product", "Product", &mut errors);
        let asset = clean_optional(&input.asset, "asset", "Asset", &mut errors);
        let support_group = clean_optional(
            &input.support_group,
            "support_group",
            "Support group",
            &mut errors,
        );
        let assignee = clean_optional(&input.assignee, "assignee", "Assignee", &mut errors);
        let informed_users =
            clean_list(&input.informed_users, "informed_users", "User", &mut errors);

        let parent = match input
            .parent
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) => {
                let parent = self.resolve_case(tx, Ref::Key(p))?;
                if previous.is_some_and(|c| c.id == parent.id) {
                    return Err(Error::InvalidInput(
                        "a case cannot be its own parent".into(),
                    ));
                }
                // Walk up to refuse cycles.
                let mut cursor = parent.parent;
                let mut depth = 0;
                while let Some(up) = cursor {
                    if previous.is_some_and(|c| c.id == up) || depth > MAX_REDIRECTS {
                        return Err(Error::InvalidInput(
                            "the parent would make a cycle of cases".into(),
                        ));
                    }
                    cursor = tx.case(up)?.and_then(|c| c.parent);
                    depth += 1;
                }
                Some(parent.id)
            }
        };

        let mut links = Vec::new();
        if previous.is_some() && !input.links.is_empty() {
            return Err(Error::InvalidInput(
                "links are given when a case is created; use link_case to change them".into(),
            ));
        }
        for link in &input.links {
            let profile = self.resolve_profile(tx, Ref::Key(&link.profile))?;
            if links.iter().any(|(id, _)| *id == profile.id) {
                return Err(Error::InvalidInput(format!(
                    "profile {} is linked twice",
                    profile.customer_id
                )));
            }
            links.push((profile.id, link.role));
        }

        let template = self.choose_template(
            tx,
            TemplateKind::Case,
            input.template.as_deref(),
            input.template_version,
            previous.and_then(|c| c.template.as_ref()),
        )?;
        let fields = self.check_fields(
            template.as_deref(),
            &input.fields,
            mode,
            &ctx,
            &mut errors,
            &mut missing,
        );
        let normalized = CaseInput {
            template: template.as_ref().map(|t| t.id.clone()),
            template_version: template.as_ref().map(|t| t.version),
            fields,
            channel: input.channel,
            impact: Some(input.impact.unwrap_or(Level::Low)),
            urgency: Some(input.urgency.unwrap_or(Level::Low)),
            category,
            product,
            asset,
            support_group,
            assignee,
            parent: parent.map(|p| p.to_string()),
            short_description,
            description,
            informed_users,
            links: input.links.clone(),
        };
        Ok((
            PreparedCase {
                template: template.map(|t| t.reference()),
                input: normalized,
                parent,
                links,
            },
            errors,
            missing,
        ))
    }

    fn search_text(&self, tx: &dyn ReadTx, case: &Case) -> Result<String> {
        let mut text = format!(
            "{} {} {} {} {} {}",
            case.number,
            case.short_description,
            case.description,
            case.category.as_deref().unwrap_or(""),
            case.product.as_deref().unwrap_or(""),
            case.asset.as_deref().unwrap_or("")
        );
        for entry in &case.timeline {
            if entry.kind != EntryKind::StatusChange {
                text.push(' ');
                text.push_str(&entry.text);
            }
        }
        if let Some(t) = &case.template {
            let template = self.template_in(tx, &t.id, Some(t.version))?;
            text.push(' ');
            text.push_str(&template.searchable_text(&case.fields));
        }
        Ok(text)
    }

    fn save_case(&self, tx: &mut dyn WriteTx, case: &Case) -> Result<()> {
        let text = self.search_text(tx, case)?;
        tx.put_case(case, &text)
    }

    /// Validates a case form without storing anything.
    pub fn validate_case(
        &self,
        input: &CaseInput,
        draft: bool,
    ) -> Result<FormValidation<CaseInput>> {
        let mode = if draft { Mode::Draft } else { Mode::Create };
        let (prepared, errors, missing) = self
            .store
            .read_with(|tx| self.prepare_case(tx, input, mode, None))?;
        Ok(FormValidation {
            normalized: prepared.input,
            errors,
            missing,
        })
    }

    /// Creates a case with a new case number and links its profiles, all or nothing.
    pub fn create_case(&self, by: &str, input: CaseInput) -> Result<Case> {
        let by = check_actor(by)?;
        self.store
            .write_with(|tx| self.create_case_in(tx, by, &input))
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
    /// use casebook::{CaseInput, Casebook};
    /// let cb = Casebook::in_memory();
    /// let input = |text: &str| CaseInput { short_description: text.into(), ..CaseInput::default() };
    /// let cases = cb.create_cases("loader", [input("Router down"), input("Invoice wrong")])?;
    /// assert_eq!(cases.len(), 2);
    /// assert_eq!(cb.case(cases[1].number.as_str())?.short_description, "Invoice wrong");
    ///
    /// // One bad input: nothing is stored.
    /// assert!(cb.create_cases("loader", [input("Modem"), input("")]).is_err());
    /// assert_eq!(cb.search_cases("modem", 10)?.len(), 0);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn create_cases(
        &self,
        by: &str,
        inputs: impl IntoIterator<Item = CaseInput>,
    ) -> Result<Vec<Case>> {
        let by = check_actor(by)?;
        self.store.write_bulk_with(|tx| {
            inputs
                .into_iter()
                .map(|input| self.create_case_in(tx, by, &input))
                .collect()
        })
    }

    fn create_case_in(&self, tx: &mut dyn WriteTx, by: &str, input: &CaseInput) -> Result<Case> {
        let (prepared, errors, _) = self.prepare_case(tx, input, Mode::Create, None)?;
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let now = self.now();
        let sequence = tx.next_sequence(CASE_SEQUENCE)?;
        let number = self.config.case_number_format.format(sequence);
        if tx.case_id_by_number(&number)?.is_some() {
            return Err(Error::AlreadyExists {
                entity: Entity::Case,
                id: number,
            });
        }
        let n = prepared.input;
        let impact = n.impact.unwrap_or(Level::Low);
        let urgency = n.urgency.unwrap_or(Level::Low);
        let case = Case {
            id: self.new_id(),
            number,
            version: 1,
            template: prepared.template,
            fields: n.fields,
            channel: n.channel,
            status: CaseStatus::New,
            impact,
            urgency,
            priority: self.config.priority_matrix.priority(impact, urgency),
            category: n.category,
            product: n.product,
            asset: n.asset,
            support_group: n.support_group,
            assignee: n.assignee,
            parent: prepared.parent,
            short_description: n.short_description,
            description: n.description,
            timeline: Vec::new(),
            informed_users: n.informed_users,
            resolution: None,
            created_at: now,
            created_by: by.to_string(),
            updated_at: now,
            updated_by: by.to_string(),
        };
        self.save_case(tx, &case)?;
        for (profile_id, role) in prepared.links {
            tx.put_link(&CaseLink {
                case_id: case.id,
                profile_id,
                role,
                linked_at: now,
                linked_by: by.to_string(),
            })?;
        }
        Ok(case)
    }

    /// A case by id or case number.
    pub fn case<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Case> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_case(tx, r))
    }

    fn check_case_version(case: &Case, expected: u64) -> Result<()> {
        if case.version == expected {
            Ok(())
        } else {
            Err(Error::Conflict {
                entity: Entity::Case,
                id: case.number.clone(),
                expected,
                actual: case.version,
            })
        }
    }

    /// Replaces the editable part of a case (status, timeline and links have
    /// their own operations). Priority follows impact and urgency.
    pub fn update_case<'a>(
        &self,
        by: &str,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        input: CaseInput,
    ) -> Result<Case> {
        let by = check_actor(by)?;
        let r = r.into();
        self.store.write_with(|tx| {
            let current = self.resolve_case(tx, r)?;
            Self::check_case_version(&current, expected_version)?;
            let (prepared, errors, _) = self.prepare_case(
                tx,
                &input,
                Mode::Update {
                    previous: &current.fields,
                },
                Some(&current),
            )?;
            if !errors.is_empty() {
                return Err(Error::validation(errors));
            }
            let n = prepared.input;
            let impact = n.impact.unwrap_or(current.impact);
            let urgency = n.urgency.unwrap_or(current.urgency);
            let updated = Case {
                version: current.version + 1,
                template: prepared.template,
                fields: n.fields,
                channel: n.channel,
                impact,
                urgency,
                priority: self.config.priority_matrix.priority(impact, urgency),
                category: n.category,
                product: n.product,
                asset: n.asset,
                support_group: n.support_group,
                assignee: n.assignee,
                parent: prepared.parent,
                short_description: n.short_description,
                description: n.description,
                informed_users: n.informed_users,
                updated_at: self.now(),
                updated_by: by.to_string(),
                ..current
            };
            self.save_case(tx, &updated)?;
            Ok(updated)
        })
    }

    /// Moves a case to another status. Resolving needs resolution notes;
    /// reopening (resolved to in progress) clears the resolution. An illegal
    /// move is an error that changes nothing.
    pub fn set_case_status<'a>(
        &self,
        by: &str,
        r: impl Into<Ref<'a>>,
        expected_version: u64,
        to: CaseStatus,
        resolution: Option<ResolutionInput>,
    ) -> Result<Case> {
        let by = check_actor(by)?;
        let r = r.into();
        self.store.write_with(|tx| {
            let mut case = self.resolve_case(tx, r)?;
            Self::check_case_version(&case, expected_version)?;
            let from = case.status;
            case.status = from.transition(to)?;
            let now = self.now();
            match to {
                CaseStatus::Resolved => {
                    let notes = resolution
                        .as_ref()
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
                    let notes =
                        clean_long(&notes, "resolution_notes", "Resolution notes", &mut errors);
                    if !errors.is_empty() {
                        return Err(Error::validation(errors));
                    }
                    case.resolution = Some(Resolution {
                        notes,
                        share_with_requester: resolution
                            .as_ref()
                            .is_some_and(|r| r.share_with_requester),
                        resolved_by: by.to_string(),
                        resolved_at: now,
                    });
                }
                CaseStatus::InProgress if from == CaseStatus::Resolved => case.resolution = None,
                _ => {}
            }
            case.timeline.push(TimelineEntry {
                id: self.new_id(),
                kind: EntryKind::StatusChange,
                author: by.to_string(),
                at: now,
                text: format!("{from} -> {to}"),
            });
            case.version += 1;
            case.updated_at = now;
            case.updated_by = by.to_string();
            self.save_case(tx, &case)?;
            Ok(case)
        })
    }

    /// Adds a work note (internal) or a comment (customer-visible) to a case timeline.
    pub fn add_case_entry<'a>(
        &self,
        by: &str,
        r: impl Into<Ref<'a>>,
        kind: EntryKind,
        text: &str,
    ) -> Result<Case> {
        let by = check_actor(by)?;
        let r = r.into();
        if kind == EntryKind::StatusChange {
            return Err(Error::InvalidInput(
                "status changes are recorded by set_case_status".into(),
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
        self.store.write_with(|tx| {
            let mut case = self.resolve_case(tx, r)?;
            let now = self.now();
            case.timeline.push(TimelineEntry {
                id: self.new_id(),
                kind,
                author: by.to_string(),
                at: now,
                text: text.clone(),
            });
            case.version += 1;
            case.updated_at = now;
            case.updated_by = by.to_string();
            self.save_case(tx, &case)?;
            Ok(case)
        })
    }

    /// Links a case to a profile with a role (changing the role if already linked).
    pub fn link_case<'a, 'b>(
        &self,
        by: &str,
        case: impl Into<Ref<'a>>,
        profile: impl Into<Ref<'b>>,
        role: LinkRole,
    ) -> Result<CaseLink> {
        let by = check_actor(by)?;
        let (case, profile) = (case.into(), profile.into());
        self.store.write_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            let p = self.resolve_profile(tx, profile)?;
            let link = CaseLink {
                case_id: c.id,
                profile_id: p.id,
                role,
                linked_at: self.now(),
                linked_by: by.to_string(),
            };
            tx.put_link(&link)?;
            Ok(link)
        })
    }

    /// Removes the link of a case and a profile.
    pub fn unlink_case<'a, 'b>(
        &self,
        by: &str,
        case: impl Into<Ref<'a>>,
        profile: impl Into<Ref<'b>>,
    ) -> Result<()> {
        check_actor(by)?;
        let (case, profile) = (case.into(), profile.into());
        self.store.write_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            let p = self.resolve_profile(tx, profile)?;
            if tx.delete_link(c.id, p.id)? {
                Ok(())
            } else {
                Err(Error::not_found(
                    Entity::CaseLink,
                    format!("{} - {}", c.number, p.customer_id),
                ))
            }
        })
    }

    /// The profiles linked to a case.
    pub fn case_links<'a>(&self, case: impl Into<Ref<'a>>) -> Result<Vec<CaseLink>> {
        let case = case.into();
        self.store.read_with(|tx| {
            let c = self.resolve_case(tx, case)?;
            tx.links_of_case(c.id)
        })
    }

    pub(crate) fn cases_of_profile_in(
        &self,
        tx: &dyn ReadTx,
        profile: Uuid,
        open_only: bool,
    ) -> Result<Vec<ProfileCase>> {
        let mut out = Vec::new();
        for link in tx.links_of_profile(profile)? {
            if let Some(case) = tx.case(link.case_id)? {
                if !open_only || case.status.is_open() {
                    out.push(ProfileCase {
                        case: CaseSummary::from(&case),
                        role: link.role,
                    });
                }
            }
        }
        // Most urgent first, then most recently changed.
        out.sort_by(|a, b| {
            a.case
                .priority
                .cmp(&b.case.priority)
                .then(b.case.updated_at.cmp(&a.case.updated_at))
                .then(a.case.number.cmp(&b.case.number))
        });
        Ok(out)
    }

    /// A profile's cases, most urgent first (`open_only`: only new, in progress, awaiting customer).
    pub fn cases_of_profile<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
        open_only: bool,
    ) -> Result<Vec<ProfileCase>> {
        let profile = profile.into();
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, profile)?;
            self.cases_of_profile_in(tx, p.id, open_only)
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
            let mut out = Vec::new();
            for id in tx.search_cases(&tokens, limit)? {
                if let Some(c) = tx.case(id)? {
                    out.push(CaseSummary::from(&c));
                }
            }
            Ok(out)
        })
    }

    // ----- contacts -----

    fn check_contact_cases(&self, cases: &[Uuid]) -> Result<()> {
        if cases.len() > 1 && !self.config.contact_multiple_cases {
            return Err(Error::InvalidState(
                "a contact is associated with at most one case (set contact_multiple_cases to allow several)".into(),
            ));
        }
        Ok(())
    }

    pub(crate) fn touch_profile(
        &self,
        tx: &mut dyn WriteTx,
        profile: Uuid,
        at: Timestamp,
    ) -> Result<()> {
        // Recording the latest interaction is bookkeeping, not an edit: no version bump.
        if let Some(mut p) = tx.profile(profile)? {
            if p.last_interaction_at.is_none_or(|t| t < at) {
                p.last_interaction_at = Some(at);
                tx.put_profile(&p)?;
            }
        }
        Ok(())
    }

    /// Logs a contact (an interaction), optionally associated with a profile and cases.
    pub fn log_contact(&self, by: &str, input: ContactInput) -> Result<Contact> {
        let by = check_actor(by)?;
        let mut errors = Vec::new();
        let summary = clean_long(&input.summary, "summary", "Summary", &mut errors);
        let agent = clean_optional(&input.agent, "agent", "Agent", &mut errors);
        let address = input
            .address
            .as_deref()
            .map(|a| clean_line(a, "address", "Address", MAX_SHORT, &mut errors))
            .filter(|a| !a.is_empty());
        let started_at = input.started_at.unwrap_or_else(|| self.now());
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
        self.store.write_with(|tx| {
            let profile = match input.profile.as_deref() {
                Some(p) => Some(self.resolve_profile(tx, Ref::Key(p))?.id),
                None => None,
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
                id: self.new_id(),
                channel: input.channel,
                direction: input.direction,
                address_key: address
                    .as_deref()
                    .and_then(|a| self.address_key(input.channel, a)),
                address: address.clone(),
                started_at,
                ended_at: input.ended_at,
                agent: agent.clone(),
                summary: summary.clone(),
                profile_id: profile,
                case_ids,
                created_at: self.now(),
                created_by: by.to_string(),
            };
            tx.put_contact(&contact)?;
            if let Some(p) = profile {
                self.touch_profile(tx, p, started_at)?;
            }
            Ok(contact)
        })
    }

    /// Associates a contact with a profile and/or a case. By default a contact
    /// belongs to at most one case: associating it with a second case is refused.
    pub fn associate_contact<'a>(
        &self,
        by: &str,
        contact: impl Into<Ref<'a>>,
        profile: Option<Ref<'_>>,
        case: Option<Ref<'_>>,
    ) -> Result<Contact> {
        check_actor(by)?;
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
            Ok(c)
        })
    }

    /// A contact by id.
    pub fn contact<'a>(&self, r: impl Into<Ref<'a>>) -> Result<Contact> {
        let r = r.into();
        self.store.read_with(|tx| self.resolve_contact(tx, r))
    }

    /// A profile's contact history, most recent first, optionally limited to
    /// contacts started in `[from, to)`.
    pub fn contact_history<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>> {
        let profile = profile.into();
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

    // ----- recognition -----

    /// Recognises an incoming contact (screen pop): unknown (with a pre-filled
    /// draft), one profile (with open cases and recent contacts), or several
    /// (a shared number or mailbox).
    pub fn recognize(&self, channel: Channel, address: &str) -> Result<Recognition> {
        if address.len() > 1_000 {
            return Err(Error::InvalidInput(
                "the address is longer than 1000 bytes".into(),
            ));
        }
        let key = self.address_key(channel, address);
        self.store.read_with(|tx| {
            let profiles = match &key {
                Some(k) => self.live_profiles_by_key(tx, k)?,
                None => Vec::new(),
            };
            match profiles.len() {
                0 => Ok(Recognition::Unknown {
                    draft: self.draft_for(channel, address),
                    key: key.clone(),
                }),
                1 => {
                    let profile = profiles
                        .into_iter()
                        .next()
                        .ok_or_else(|| Error::Internal("empty list".into()))?;
                    let open_cases: Vec<CaseSummary> = self
                        .cases_of_profile_in(tx, profile.id, true)?
                        .into_iter()
                        .map(|pc| pc.case)
                        .collect();
                    // The open cases are at hand: no second pass over the links.
                    let summary = summary_of(&profile, open_cases.len());
                    let recent_contacts = tx.contacts_of_profile(
                        profile.id,
                        None,
                        None,
                        self.config.recognition_recent_contacts,
                    )?;
                    Ok(Recognition::Known {
                        profile: Box::new(profile),
                        summary,
                        open_cases,
                        recent_contacts,
                    })
                }
                _ => {
                    let mut candidates = profiles
                        .iter()
                        .map(|p| self.summary_in(tx, p))
                        .collect::<Result<Vec<_>>>()?;
                    candidates.sort_by(|a, b| {
                        b.last_interaction_at
                            .cmp(&a.last_interaction_at)
                            .then(a.customer_id.cmp(&b.customer_id))
                    });
                    Ok(Recognition::Several { candidates })
                }
            }
        })
    }

    fn draft_for(&self, channel: Channel, address: &str) -> ProfileInput {
        let kind = channel.contact_kind();
        // A value that does not normalise is still placed, as received, for the agent to correct.
        let received = text::squash_whitespace(address);
        let value = match kind {
            ContactKind::Phone => self.phone.normalize(address).ok(),
            ContactKind::Email => crate::email::normalize(address),
            ContactKind::Social => social_key(address).map(|(_, v)| v),
            _ => None,
        }
        .or_else(|| self.address_key(channel, address).map(|_| received));
        ProfileInput {
            contact_points: value
                .map(|value| {
                    vec![ContactPointInput {
                        kind,
                        value,
                        label: None,
                        primary: true,
                    }]
                })
                .unwrap_or_default(),
            ..ProfileInput::default()
        }
    }

    // ----- whole store -----

    /// Every record (for backup, browser persistence and tests).
    pub fn export_snapshot(&self) -> Result<Snapshot> {
        self.store.read_with(|tx| tx.export())
    }

    /// Loads a snapshot into an empty store, in one transaction.
    pub fn import_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(Error::IncompatibleVersion(format!(
                "the snapshot has format {}, this casebook reads format {SNAPSHOT_FORMAT}",
                snapshot.format
            )));
        }
        self.store.write_with(|tx| {
            if tx.profile_count()? > 0 || tx.case_count()? > 0 || !tx.template_refs()?.is_empty() {
                return Err(Error::InvalidState(
                    "a snapshot can only be imported into an empty store".into(),
                ));
            }
            for t in &snapshot.templates {
                tx.put_template(t)?;
            }
            for p in &snapshot.profiles {
                tx.put_profile(p)?;
            }
            for c in &snapshot.cases {
                self.save_case(tx, c)?;
            }
            for l in &snapshot.links {
                tx.put_link(l)?;
            }
            for c in &snapshot.contacts {
                tx.put_contact(c)?;
            }
            for r in &snapshot.relations {
                tx.put_relation(r)?;
            }
            for (name, value) in &snapshot.sequences {
                tx.raise_sequence(name, *value)?;
            }
            for a in &snapshot.audit {
                tx.append_audit(a)?;
            }
            for (kind, id, value) in &snapshot.blobs {
                tx.put_blob(kind, *id, value)?;
            }
            let problems = invariant_problems(tx)?;
            if !problems.is_empty() {
                return Err(Error::InvalidInput(format!(
                    "the snapshot is inconsistent: {}",
                    problems.join("; ")
                )));
            }
            Ok(())
        })
    }

    /// The audit log, about one record or all.
    pub fn audit_log(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        self.store.read_with(|tx| tx.audit(subject))
    }

    /// Checks the store's invariants (no dangling link, association or
    /// relation; redirects lead to live profiles; unique keys), returning every problem found.
    pub fn check_invariants(&self) -> Result<Vec<String>> {
        self.store.read_with(invariant_problems)
    }
}

/// Every broken invariant of a store's data.
pub fn invariant_problems(tx: &dyn ReadTx) -> Result<Vec<String>> {
    let snapshot = tx.export()?;
    let mut problems = Vec::new();
    let profiles: HashMap<Uuid, &Profile> = snapshot.profiles.iter().map(|p| (p.id, p)).collect();
    let cases: HashSet<Uuid> = snapshot.cases.iter().map(|c| c.id).collect();
    let mut customer_ids = HashSet::new();
    for p in &snapshot.profiles {
        if !customer_ids.insert(p.customer_id.as_str()) {
            problems.push(format!("customer ID {} is used twice", p.customer_id));
        }
        if let Some(target) = p.merged_into {
            let mut cursor = Some(target);
            let mut hops = 0;
            while let Some(id) = cursor {
                match profiles.get(&id) {
                    None => {
                        problems.push(format!(
                            "profile {} redirects to missing {id}",
                            p.customer_id
                        ));
                        break;
                    }
                    Some(next) => cursor = next.merged_into,
                }
                hops += 1;
                if hops > MAX_REDIRECTS {
                    problems.push(format!("profile {} is in a redirect loop", p.customer_id));
                    break;
                }
            }
        }
    }
    let mut numbers = HashSet::new();
    for c in &snapshot.cases {
        if !numbers.insert(c.number.as_str()) {
            problems.push(format!("case number {} is used twice", c.number));
        }
        if let Some(parent) = c.parent {
            if !cases.contains(&parent) {
                problems.push(format!("case {} has a missing parent", c.number));
            }
        }
    }
    // Links and relations may stay with a tombstone (a merge that did not
    // combine them): its redirect keeps them reachable. Contacts always move.
    for l in &snapshot.links {
        if !profiles.contains_key(&l.profile_id) {
            problems.push(format!("a link points to missing profile {}", l.profile_id));
        }
        if !cases.contains(&l.case_id) {
            problems.push(format!("a link points to missing case {}", l.case_id));
        }
    }
    for c in &snapshot.contacts {
        if let Some(p) = c.profile_id {
            match profiles.get(&p) {
                None => problems.push(format!("contact {} points to missing profile", c.id)),
                Some(p) if p.is_tombstone() => problems.push(format!(
                    "contact {} points to tombstone {}",
                    c.id, p.customer_id
                )),
                _ => {}
            }
        }
        for k in &c.case_ids {
            if !cases.contains(k) {
                problems.push(format!("contact {} points to missing case {k}", c.id));
            }
        }
    }
    for r in &snapshot.relations {
        if r.a == r.b {
            problems.push(format!("profile {} is related to itself", r.a));
        }
        for id in [r.a, r.b] {
            if !profiles.contains_key(&id) {
                problems.push(format!("a relation points to missing profile {id}"));
            }
        }
    }
    problems.extend(crate::identity::merge_problems(&snapshot));
    Ok(problems)
}

/// Splits `network:handle` into its matching key and display value.
fn social_key(raw: &str) -> Option<(String, String)> {
    let (network, handle) = raw.trim().split_once(':')?;
    let network = network.trim().to_lowercase();
    let handle = handle.trim().trim_start_matches('@');
    if network.is_empty()
        || handle.is_empty()
        || network.len() > 30
        || handle.chars().count() > 100
        || !network
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || handle.chars().any(char::is_whitespace)
    {
        return None;
    }
    Some((
        format!("{network}:{}", handle.to_lowercase()),
        format!("{network}:{handle}"),
    ))
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(60).collect::<String>())
    }
}
