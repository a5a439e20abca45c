//! Satisfaction feedback on resolved cases: recorded once per linked
//! customer, on the configured scale, with an event for the host (a
//! dashboard, a CRM).

use super::clean::clean_long;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{
    Case, CaseStatus, EventKind, EventSubject, Feedback, FeedbackInput, SubjectKind,
};
use crate::store::{Store, StoreExt};
use serde_json::json;

impl<S: Store> Casebook<S> {
    /// Records a customer's satisfaction feedback on a case: the case must
    /// be resolved or closed, the profile linked to it, the score on the
    /// configured scale ([`Config::feedback_scale`](crate::Config)), and a
    /// customer gives feedback on a case once (`already_exists` after).
    /// Writes a `case.feedback_received` event.
    pub fn record_feedback<'a>(
        &self,
        actor: &Actor,
        case: impl Into<Ref<'a>>,
        input: &FeedbackInput,
    ) -> Result<Case> {
        let by = actor.check()?;
        let case = case.into();
        let scale = self.config.feedback_scale;
        let mut errors = Vec::new();
        if !scale.holds(input.score) {
            errors.push(FieldError::new(
                "score",
                FieldErrorCode::OutOfRange,
                format!("The score is from {} to {}", scale.min, scale.max),
            ));
        }
        let comment = input
            .comment
            .as_deref()
            .map(|c| clean_long(c, "comment", "Comment", &mut errors))
            .filter(|c| !c.is_empty());
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let score = u8::try_from(input.score)
            .map_err(|_| Error::InvalidInput("the score does not fit the scale".into()))?;
        let now = self.now();
        let given_at = input.given_at.unwrap_or(now);
        self.store.write_with(|tx| {
            let mut case = self.resolve_case(&*tx, case)?;
            if !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
                return Err(Error::InvalidState(format!(
                    "case {} is {}: feedback is taken once it is resolved",
                    case.number, case.status
                )));
            }
            let profile = self.resolve_profile(&*tx, Ref::Key(&input.profile))?;
            if !tx
                .links_of_case(case.id)?
                .iter()
                .any(|l| l.profile_id == profile.id)
            {
                return Err(Error::InvalidInput(format!(
                    "{} is not linked to case {}",
                    profile.customer_id, case.number
                )));
            }
            if case.feedback.iter().any(|f| f.profile == profile.id) {
                return Err(Error::AlreadyExists {
                    entity: Entity::Feedback,
                    id: format!("{} on {}", profile.customer_id, case.number),
                });
            }
            let feedback = Feedback {
                profile: profile.id,
                customer_id: profile.customer_id.clone(),
                score,
                scale,
                comment: comment.clone(),
                channel: input.channel,
                given_at,
                recorded_by: by.to_string(),
            };
            case.feedback.push(feedback.clone());
            self.save_case_edit(tx, &mut case, by, now)?;
            let payload = json!({
                "number": case.number,
                "profile": feedback.profile,
                "customer_id": feedback.customer_id,
                "score": feedback.score,
                "scale": feedback.scale,
                "comment": feedback.comment,
                "channel": feedback.channel,
                "given_at": feedback.given_at,
            });
            let subject = EventSubject {
                kind: SubjectKind::Case,
                id: case.id,
                key: case.number.clone(),
            };
            self.emit(
                tx,
                EventKind::CaseFeedbackReceived,
                subject,
                by,
                now,
                payload,
            )?;
            Ok(case)
        })
    }
}
