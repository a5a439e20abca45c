//! The case form: cleaning and validating a case input as it would be
//! stored, and what keyword search indexes a case by.

use super::clean::{clean_line, clean_list, clean_long, clean_optional, MAX_SHORT};
use super::form::{Form, FormValidation, Problems};
use super::{Casebook, Ref};
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::integrity::MAX_REDIRECTS;
use crate::model::{Case, CaseInput, Level, LinkRole};
use crate::store::{CaseIndex, ReadTx, Store, StoreExt, WriteTx};
use crate::template::{Mode, TemplateKind, TemplateRef};
use crate::text;
use jiff::Timestamp;
use uuid::Uuid;

/// A case input cleaned and validated, ready to become a record.
pub(super) struct PreparedCase {
    pub(super) template: Option<TemplateRef>,
    pub(super) input: CaseInput,
    pub(super) parent: Option<Uuid>,
    pub(super) links: Vec<(Uuid, LinkRole)>,
}

impl<S: Store> Casebook<S> {
    /// Cleans and validates a case input (`previous`: the stored case it
    /// replaces): the case's parts as they would be stored, every problem,
    /// and the required values a draft still misses.
    pub(super) fn prepare_case(
        &self,
        tx: &dyn ReadTx,
        input: &CaseInput,
        mode: Mode<'_>,
        previous: Option<&Case>,
        now: Timestamp,
    ) -> Result<Form<PreparedCase>> {
        let mut problems = Problems::default();
        let ctx = self.context_at(now);
        let short_description = clean_line(
            &input.short_description,
            "short_description",
            "Short description",
            MAX_SHORT,
            &mut problems.errors,
        );
        if short_description.is_empty() {
            problems.required(
                &mode,
                "short_description",
                "Short description",
                "Short description is required",
            );
        }
        let description = clean_long(
            &input.description,
            "description",
            "Description",
            &mut problems.errors,
        );
        let category = clean_optional(
            &input.category,
            "category",
            "Category",
            &mut problems.errors,
        );
        let product = clean_optional(&input.product, "product", "Product", &mut problems.errors);
        let asset = clean_optional(&input.asset, "asset", "Asset", &mut problems.errors);
        let campaign = clean_optional(
            &input.campaign,
            "campaign",
            "Campaign",
            &mut problems.errors,
        );
        let support_group = clean_optional(
            &input.support_group,
            "support_group",
            "Support group",
            &mut problems.errors,
        );
        let assignee = clean_optional(
            &input.assignee,
            "assignee",
            "Assignee",
            &mut problems.errors,
        );
        let priority = input.priority.filter(|p| {
            let valid = (1..=5).contains(&p.0);
            if !valid {
                problems.errors.push(FieldError::new(
                    "priority",
                    FieldErrorCode::OutOfRange,
                    "Priority is 1 (critical) to 5 (planning)",
                ));
            }
            valid
        });
        let informed_users = clean_list(
            &input.informed_users,
            "informed_users",
            "User",
            &mut problems.errors,
        );

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
        let fields = problems.check_fields(template.as_deref(), &input.fields, mode, &ctx);
        let normalized = CaseInput {
            template: template.as_ref().map(|t| t.id.clone()),
            template_version: template.as_ref().map(|t| t.version),
            fields,
            channel: input.channel,
            // Absent: the case's own (an update), or low (a new case).
            impact: Some(
                input
                    .impact
                    .or(previous.map(|c| c.impact))
                    .unwrap_or(Level::Low),
            ),
            urgency: Some(
                input
                    .urgency
                    .or(previous.map(|c| c.urgency))
                    .unwrap_or(Level::Low),
            ),
            priority,
            category,
            product,
            asset,
            campaign,
            support_group,
            assignee,
            parent: parent.map(|p| p.to_string()),
            short_description,
            description,
            informed_users,
            links: input.links.clone(),
        };
        Ok(Form {
            prepared: PreparedCase {
                template: template.map(|t| t.reference()),
                input: normalized,
                parent,
                links,
            },
            problems,
        })
    }

    /// What keyword search indexes a case by: its number, descriptions,
    /// category, product, asset, notes and comments, and searchable fields.
    pub(super) fn case_index(&self, tx: &dyn ReadTx, case: &Case) -> Result<CaseIndex> {
        let mut words = format!(
            "{} {} {} {} {} {}",
            case.number,
            case.short_description,
            case.description,
            case.category.as_deref().unwrap_or(""),
            case.product.as_deref().unwrap_or(""),
            case.asset.as_deref().unwrap_or("")
        );
        for entry in &case.timeline {
            if !entry.kind.is_recorded_by_casebook() {
                words.push(' ');
                words.push_str(&entry.text);
            }
        }
        if let Some(t) = &case.template {
            let template = self.template_in(tx, &t.id, Some(t.version))?;
            words.push(' ');
            words.push_str(&template.searchable_text(&case.fields));
        }
        Ok(CaseIndex {
            search_tokens: text::tokens(&words),
        })
    }

    /// Stores a case with what search indexes it by (compare-and-set on
    /// `expected_version`), and its events: what changed since the stored
    /// version, or its creation.
    pub(super) fn save_case(
        &self,
        tx: &mut dyn WriteTx,
        case: &Case,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let before = match expected_version {
            Some(_) => tx.case(case.id)?,
            None => None,
        };
        self.store_case(tx, case, expected_version)?;
        self.emit_case_saved(tx, before.as_ref(), case)
    }

    /// [`Casebook::save_case`] without events: a creation emits its own
    /// once its links are stored, and a restored snapshot changes nothing.
    pub(super) fn store_case(
        &self,
        tx: &mut dyn WriteTx,
        case: &Case,
        expected_version: Option<u64>,
    ) -> Result<()> {
        let index = self.case_index(tx, case)?;
        tx.put_case(case, index, expected_version)?;
        self.refresh_derived(tx, case)
    }

    /// Saves an edit of a stored case as its next version, stamped with who
    /// made it and when.
    pub(super) fn save_case_edit(
        &self,
        tx: &mut dyn WriteTx,
        case: &mut Case,
        by: &str,
        now: Timestamp,
    ) -> Result<()> {
        let previous = case.version;
        case.version += 1;
        case.updated_at = now;
        case.updated_by = by.to_string();
        self.save_case(tx, case, Some(previous))
    }

    /// Validates a case form without storing anything.
    pub fn validate_case(
        &self,
        input: &CaseInput,
        draft: bool,
    ) -> Result<FormValidation<CaseInput>> {
        let now = self.now();
        let form = self
            .store
            .read_with(|tx| self.prepare_case(tx, input, Mode::new_record(draft), None, now))?;
        Ok(form.validation(|c| c.input))
    }
}
