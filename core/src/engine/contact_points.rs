//! One contact detail at a time: adding, changing and removing a single
//! contact point of a profile without rewriting the rest, with a version
//! check and an audit entry.

use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, Result};
use crate::model::{AuditEntry, ContactPoint, ContactPointInput, Profile, ProfileInput};
use crate::store::{check_version, Store};
use serde_json::json;

/// One change to a profile's contact points.
enum PointEdit<'a> {
    Add(&'a ContactPointInput),
    Change(&'a str, &'a ContactPointInput),
    Remove(&'a str),
}

impl<S: Store> Casebook<S> {
    /// Adds one contact point to a profile (normalised and validated as in
    /// [`Casebook::update_profile`]), leaving everything else as it is. A
    /// point marked primary becomes the primary one of its kind. Fails with
    /// [`Error::Conflict`] if the profile is no longer at `expected_version`.
    ///
    /// ```
    /// use casebook::{Actor, Casebook, ContactKind, ContactPointInput, CreateOptions, ProfileInput};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let ada = cb.create_profile(&agent, ProfileInput { family_name: "Lovelace".into(), ..Default::default() }, CreateOptions::default())?;
    /// let mobile = ContactPointInput { kind: ContactKind::Phone, value: "+44 7400 123456".into(), label: Some("mobile".into()), primary: false };
    /// let ada = cb.add_contact_point(&agent, &ada.customer_id, ada.version, mobile)?;
    /// assert_eq!(ada.contact_points[0].value, "+447400123456");
    /// let ada = cb.remove_contact_point(&agent, &ada.customer_id, ada.version, "+447400123456")?;
    /// assert!(ada.contact_points.is_empty());
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn add_contact_point<'a>(
        &self,
        actor: &Actor,
        profile: impl Into<Ref<'a>>,
        expected_version: u64,
        point: ContactPointInput,
    ) -> Result<Profile> {
        self.edit_point(
            actor,
            profile.into(),
            expected_version,
            PointEdit::Add(&point),
        )
    }

    /// Replaces one contact point of a profile, named by its matching key
    /// (`phone:+442079460958`) or its value (as stored or as typed), with
    /// `point`; the other points stay as they are.
    pub fn update_contact_point<'a>(
        &self,
        actor: &Actor,
        profile: impl Into<Ref<'a>>,
        expected_version: u64,
        which: &str,
        point: ContactPointInput,
    ) -> Result<Profile> {
        let edit = PointEdit::Change(which, &point);
        self.edit_point(actor, profile.into(), expected_version, edit)
    }

    /// Removes one contact point of a profile, named as in
    /// [`Casebook::update_contact_point`]. If it was the primary point of
    /// its kind, the next point of that kind becomes primary.
    pub fn remove_contact_point<'a>(
        &self,
        actor: &Actor,
        profile: impl Into<Ref<'a>>,
        expected_version: u64,
        which: &str,
    ) -> Result<Profile> {
        let edit = PointEdit::Remove(which);
        self.edit_point(actor, profile.into(), expected_version, edit)
    }

    fn edit_point(
        &self,
        actor: &Actor,
        r: Ref<'_>,
        expected_version: u64,
        edit: PointEdit<'_>,
    ) -> Result<Profile> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let current = self.resolve_profile(&*tx, r)?;
            check_version(
                Entity::Profile,
                &current.customer_id,
                Some(current.version),
                Some(expected_version),
            )?;
            let mut input = ProfileInput::from(&current);
            let (action, before, after) = match &edit {
                PointEdit::Add(point) => {
                    input.contact_points.push((*point).clone());
                    ("contact_point_added", None, Some(*point))
                }
                PointEdit::Change(which, point) => {
                    let at = self.point_index(&current, which)?;
                    input.contact_points[at] = (*point).clone();
                    let before = &current.contact_points[at];
                    ("contact_point_changed", Some(before), Some(*point))
                }
                PointEdit::Remove(which) => {
                    let at = self.point_index(&current, which)?;
                    input.contact_points.remove(at);
                    let before = &current.contact_points[at];
                    if before.primary {
                        if let Some(next) = input
                            .contact_points
                            .iter_mut()
                            .find(|p| p.kind == before.kind)
                        {
                            next.primary = true;
                        }
                    }
                    ("contact_point_removed", Some(before), None)
                }
            };
            if let Some(point) = after.filter(|p| p.primary) {
                let kind = point.kind;
                let last = input.contact_points.len() - 1;
                let own = match &edit {
                    PointEdit::Change(which, _) => self.point_index(&current, which)?,
                    _ => last,
                };
                for (i, p) in input.contact_points.iter_mut().enumerate() {
                    if p.kind == kind && i != own {
                        p.primary = false;
                    }
                }
            }
            let updated = self.update_profile_in(tx, by, &current, &input, now)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: action.to_string(),
                subjects: vec![updated.id],
                details: json!({
                    "before": before.map(|p| json!({"kind": p.kind, "value": p.value, "label": p.label})),
                    "after": after.map(|p| json!({"kind": p.kind, "value": p.value, "label": p.label})),
                    "version": updated.version,
                }),
            })?;
            Ok(updated)
        })
    }

    /// Where a profile's contact point named by key or value is.
    fn point_index(&self, profile: &Profile, which: &str) -> Result<usize> {
        let which = which.trim();
        let named = |p: &ContactPoint| {
            p.key == which
                || p.value == which
                || p.value.eq_ignore_ascii_case(which)
                || self.plain_key(p.kind, which).is_some_and(|k| k == p.key)
        };
        profile
            .contact_points
            .iter()
            .position(named)
            .ok_or_else(|| {
                Error::not_found(
                    Entity::ContactPoint,
                    format!("{} of {}", which, profile.customer_id),
                )
            })
    }
}
