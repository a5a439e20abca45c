//! Templates in the store: loading new versions, reading them back (with a
//! cache of compiled versions), and the template a record is validated against.

use super::rekey::TemplateScope;
use super::Casebook;
use crate::actor::Actor;
use crate::error::{Entity, Error, ErrorCode, Result};
use crate::integrity::{InvariantProblem, ProblemKind};
use crate::store::{ReadTx, Snapshot, Store, StoreExt};
use crate::template::{
    Fields, Mode, Template, TemplateKind, TemplateRef, ValidationContext, ValidationReport,
};
use serde_json::Value;
use std::sync::Arc;

impl<S: Store> Casebook<S> {
    /// Loads a template from its JSON definition. Loading a changed
    /// definition of an existing id makes a new version; loading an
    /// unchanged one returns the current version. A new version whose
    /// identifying phone fields differ from the last one's re-indexes the
    /// template's profiles before it returns, so recognition follows at once.
    pub fn load_template(&self, actor: &Actor, json: &str) -> Result<Template> {
        actor.check()?;
        let template = Template::from_json(json)?;
        let mut scope = None;
        let loaded = self.store.write_with(|tx| {
            scope = None;
            let mut template = template.clone();
            let identifying: Vec<&str> = template.identifying_phone_fields().collect();
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
                if current
                    .identifying_phone_fields()
                    .ne(identifying.iter().copied())
                {
                    scope = Some(TemplateScope {
                        id: template.id.clone(),
                        before: self.key_rules_fingerprint(tx)?,
                    });
                }
                template.version = latest + 1;
                tx.put_template(&template)?;
            } else {
                let before = if identifying.is_empty() {
                    None
                } else {
                    Some(self.key_rules_fingerprint(tx)?)
                };
                template.version = 1;
                tx.put_template(&template)?;
                // No profile uses it yet: only the recorded rules change.
                if let Some(before) = before {
                    self.advance_key_rules(tx, &before)?;
                }
            }
            Ok(template)
        })?;
        if let Some(scope) = &scope {
            self.rekey_scoped(Some(scope))?;
        }
        Ok(loaded)
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
        template.validate(record, Mode::new_record(draft), &self.validation_context())
    }

    /// A template version, compiled once and then served from the cache.
    pub(super) fn template_in(
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

    /// The template a record is validated against: the one asked for, or
    /// the record's own (at the version asked for, or its current one).
    pub(super) fn choose_template(
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
            let name = |k: TemplateKind| match k {
                TemplateKind::Profile => "profile",
                TemplateKind::Case => "case",
            };
            return Err(Error::InvalidInput(format!(
                "template `{id}` is a {} template, not a {} template",
                name(template.kind),
                name(kind),
            )));
        }
        Ok(Some(template))
    }
}

impl<S: Store> Casebook<S> {
    /// Custom field values the snapshot's profiles and cases hold that their
    /// templates refuse (a value of the wrong type, an option the template
    /// does not offer, a field it does not define), or a template a record
    /// names that is not stored:
    /// what no operation stores, so a tampered snapshot or store. Missing
    /// values are not problems (a draft may lack required ones), nor are
    /// the fields of a record without a template.
    pub(super) fn snapshot_field_problems(
        &self,
        tx: &dyn ReadTx,
        snapshot: &Snapshot,
        ctx: &ValidationContext,
    ) -> Result<Vec<InvariantProblem>> {
        let profiles = snapshot
            .profiles
            .iter()
            .map(|p| (p.customer_id.as_str(), p.template.as_ref(), &p.fields));
        let cases = snapshot
            .cases
            .iter()
            .map(|c| (c.number.as_str(), c.template.as_ref(), &c.fields));
        let mut problems = Vec::new();
        for (subject, template, fields) in profiles.chain(cases) {
            problems.extend(self.stored_field_problems(tx, subject, template, fields, ctx)?);
        }
        Ok(problems)
    }

    /// [`Casebook::snapshot_field_problems`] of one record.
    fn stored_field_problems(
        &self,
        tx: &dyn ReadTx,
        subject: &str,
        template: Option<&TemplateRef>,
        fields: &Fields,
        ctx: &ValidationContext,
    ) -> Result<Vec<InvariantProblem>> {
        let problem = |message| InvariantProblem::new(ProblemKind::InvalidRecord, subject, message);
        let Some(reference) = template else {
            return Ok(Vec::new());
        };
        let template = match self.template_in(tx, &reference.id, Some(reference.version)) {
            Ok(t) => t,
            Err(e) if e.code() == ErrorCode::NotFound => {
                return Ok(vec![problem(format!(
                    "{subject} names template {} v{}, which is not stored",
                    reference.id, reference.version
                ))])
            }
            Err(e) => return Err(e),
        };
        let record = Value::Object(fields.clone());
        let report = template.validate(&record, Mode::Draft, ctx)?;
        Ok(report
            .errors
            .iter()
            .map(|e| {
                let shown: String = e.message.chars().take(120).collect();
                problem(format!(
                    "{subject} field {} ({}): {shown}",
                    e.field,
                    e.code.as_str()
                ))
            })
            .collect())
    }
}
