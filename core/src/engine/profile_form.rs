//! The profile form: cleaning and validating a profile input as it would be
//! stored, reporting every problem at once (and, for a draft, what is still
//! missing).

use super::clean::{clean_line, clean_list, clean_optional, MAX_NAME};
use super::form::{Form, FormValidation, Problems};
use super::Casebook;
use crate::error::{FieldError, FieldErrorCode, Result};
use crate::model::{
    ContactKind, ContactPoint, ContactPointInput, Identification, Profile, ProfileInput,
};
use crate::store::{ReadTx, Store, StoreExt};
use crate::template::{parse_date, Mode, TemplateKind, TemplateRef};
use jiff::civil::Date;
use jiff::Timestamp;

/// A profile input cleaned and validated, ready to become a record.
pub(super) struct PreparedProfile {
    pub(super) template: Option<TemplateRef>,
    pub(super) input: ProfileInput,
    pub(super) date_of_birth: Option<Date>,
    pub(super) contact_points: Vec<ContactPoint>,
}

impl<S: Store> Casebook<S> {
    /// Validates a profile form without storing anything. With `draft`, missing
    /// required values are listed as missing instead of as errors.
    pub fn validate_profile(
        &self,
        input: &ProfileInput,
        draft: bool,
    ) -> Result<FormValidation<ProfileInput>> {
        let now = self.now();
        let form = self
            .store
            .read_with(|tx| self.prepare_profile(tx, input, Mode::new_record(draft), None, now))?;
        Ok(form.validation(|p| p.input))
    }

    /// Cleans and validates a profile input (`previous`: the stored profile
    /// it replaces): the record's parts as they would be stored, every
    /// problem, and the required values a draft still misses.
    pub(super) fn prepare_profile(
        &self,
        tx: &dyn ReadTx,
        input: &ProfileInput,
        mode: Mode<'_>,
        previous: Option<&Profile>,
        now: Timestamp,
    ) -> Result<Form<PreparedProfile>> {
        let mut problems = Problems::default();
        let ctx = self.context_at(now);

        let template = self.choose_template(
            tx,
            TemplateKind::Profile,
            input.template.as_deref(),
            input.template_version,
            previous.and_then(|p| p.template.as_ref()),
        )?;

        let given_name = clean_line(
            &input.given_name,
            "given_name",
            "Given name",
            MAX_NAME,
            &mut problems.errors,
        );
        let family_name = clean_line(
            &input.family_name,
            "family_name",
            "Family name",
            MAX_NAME,
            &mut problems.errors,
        );

        // A name is required unless the profile's template says otherwise.
        let name_required = template.as_deref().is_none_or(|t| t.name_required);
        if name_required && given_name.is_empty() && family_name.is_empty() {
            problems.required(
                &mode,
                "family_name",
                "Family name",
                "A profile needs a given name or a family name",
            );
        }

        let mut identifications = Vec::new();
        for (i, ident) in input.identifications.iter().enumerate() {
            let kind = clean_line(
                &ident.kind,
                &format!("identifications[{i}].kind"),
                "Identification kind",
                40,
                &mut problems.errors,
            );
            let value = clean_line(
                &ident.value,
                &format!("identifications[{i}].value"),
                "Identification number",
                100,
                &mut problems.errors,
            );
            if kind.is_empty() || value.is_empty() {
                problems.errors.push(FieldError::new(
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
                &mut problems.errors,
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
                    problems.errors.push(FieldError::new(
                        "date_of_birth",
                        FieldErrorCode::InvalidFormat,
                        "Date of birth must be a date in the form YYYY-MM-DD",
                    ));
                    None
                }
                Some(d) if d > ctx.today => {
                    problems.errors.push(FieldError::new(
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
                    problems.errors.push(FieldError::new(
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
            if let Some(point) = self.contact_point(i, point, &mut problems.errors) {
                if contact_points.iter().any(|p| p.key == point.key) {
                    problems.errors.push(FieldError::new(
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
                    problems.errors.push(FieldError::new(
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

        let accounts = clean_list(&input.accounts, "accounts", "Account", &mut problems.errors);
        let assigned_to = clean_optional(
            &input.assigned_to,
            "assigned_to",
            "Assignee",
            &mut problems.errors,
        );

        let fields = problems.check_fields(template.as_deref(), &input.fields, mode, &ctx);

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
            preferred_channel: input.preferred_channel,
        };
        Ok(Form {
            prepared: PreparedProfile {
                template: template.map(|t| t.reference()),
                input: normalized,
                date_of_birth,
                contact_points,
            },
            problems,
        })
    }
}
