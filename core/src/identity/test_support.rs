//! Profiles for the identity tests.

use crate::model::{ContactKind, ContactPoint, Profile};

/// A profile with a name and, optionally, a phone and a date of birth.
pub(crate) fn profile(
    given: &str,
    family: &str,
    phone: Option<&str>,
    dob: Option<&str>,
) -> Profile {
    let now = jiff::Timestamp::UNIX_EPOCH;
    Profile {
        id: uuid::Uuid::nil(),
        customer_id: "C-1".into(),
        version: 1,
        template: None,
        given_name: given.into(),
        family_name: family.into(),
        identifications: vec![],
        date_of_birth: dob.map(|d| d.parse().expect("a test date")),
        contact_points: phone
            .map(|p| ContactPoint {
                kind: ContactKind::Phone,
                value: p.into(),
                label: None,
                primary: true,
                key: format!("phone:{p}"),
            })
            .into_iter()
            .collect(),
        accounts: vec![],
        fields: Default::default(),
        assigned_to: None,
        preferred_channel: None,
        created_at: now,
        created_by: "t".into(),
        updated_at: now,
        updated_by: "t".into(),
        last_interaction_at: None,
        merged_into: None,
        external_records: Vec::new(),
    }
}
