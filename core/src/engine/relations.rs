//! Relationships between profiles: relating, unrelating, and the related
//! customers of a profile.

use super::clean::clean_line;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{RelatedCustomer, Relation, RelationInput};
use crate::store::{Store, StoreExt};

impl<S: Store> Casebook<S> {
    /// Relates two profiles, with what each is to the other (replacing any
    /// earlier relation of the two).
    ///
    /// ```
    /// use casebook::{Actor, Casebook, CreateOptions, ProfileInput, RelationInput};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let person = |family: &str| ProfileInput { family_name: family.into(), ..Default::default() };
    /// let ann = cb.create_profile(&agent, person("Okafor"), CreateOptions::default())?;
    /// let bob = cb.create_profile(&agent, person("Okafor-Lee"), CreateOptions::default())?;
    /// cb.relate(&agent, RelationInput::new(&ann.customer_id, &bob.customer_id, "spouse", "spouse"))?;
    /// assert_eq!(cb.related_customers(&ann.customer_id)?[0].relationship, "spouse");
    ///
    /// // Several tags each way.
    /// let mut input = RelationInput::new(&ann.customer_id, &bob.customer_id, "spouse", "spouse");
    /// input.a_to_b.push("carer".into());
    /// cb.relate(&agent, input)?;
    /// let seen_by_ann = cb.related_customers(&ann.customer_id)?;
    /// assert_eq!(seen_by_ann[0].tags, ["spouse", "carer"]);
    /// assert_eq!(seen_by_ann[0].relationship, "spouse, carer");
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn relate(&self, actor: &Actor, input: RelationInput) -> Result<Relation> {
        let by = actor.check()?;
        let mut errors = Vec::new();
        let a_to_b = clean_tags(&input.a_to_b, "a_to_b", &mut errors);
        let b_to_a = clean_tags(&input.b_to_a, "b_to_a", &mut errors);
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        let now = self.now();
        self.store.write_with(|tx| {
            let pa = self.resolve_profile(tx, Ref::Key(&input.a))?;
            let pb = self.resolve_profile(tx, Ref::Key(&input.b))?;
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
                created_at: now,
                created_by: by.to_string(),
            };
            tx.put_relation(&relation)?;
            Ok(relation)
        })
    }

    /// Removes the relation between two profiles.
    pub fn unrelate<'a, 'b>(
        &self,
        actor: &Actor,
        a: impl Into<Ref<'a>>,
        b: impl Into<Ref<'b>>,
    ) -> Result<()> {
        actor.check()?;
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
                if let Some((other, tags)) = relation.seen_from(me.id) {
                    if let Some(p) = tx.profile(other)? {
                        out.push(RelatedCustomer {
                            profile: self.summary_in(tx, &p)?,
                            relationship: tags.join(", "),
                            tags: tags.to_vec(),
                        });
                    }
                }
            }
            Ok(out)
        })
    }
}

/// Most tags a relationship carries each way.
const MAX_TAGS: usize = 20;

/// A direction's tags cleaned: trimmed, each once, at least one.
fn clean_tags(tags: &[String], field: &str, errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = clean_line(tag, field, "Relationship", 60, errors);
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.is_empty() {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::Required,
            "A relationship needs a tag, e.g. spouse",
        ));
    }
    if out.len() > MAX_TAGS {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("A relationship carries at most {MAX_TAGS} tags each way"),
        ));
    }
    out
}
