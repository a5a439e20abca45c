//! Lenient import: a row whose optional values are bad is stored without
//! them, and each value left out is reported.

use crate::error::{FieldError, FieldErrorCode};
use crate::model::ProfileInput;
use serde::{Deserialize, Serialize};

/// A value a lenient import left out of a row it stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedValue {
    /// Data row number, 1-based (the CSV header is not counted).
    pub row: usize,
    /// The property path or custom field key, as in a field error.
    pub field: String,
    /// Why the value was left out.
    pub code: FieldErrorCode,
    /// What was wrong.
    pub message: String,
}

/// Removes from `input` every value named by a field error that can go
/// without losing the row: the date of birth, a contact point, an
/// identification, an account, the assignee or a custom field. Returns the
/// errors acted on; none when a problem cannot be fixed by leaving a value
/// out (a missing required value, a bad name), so the row stays rejected.
pub(super) fn drop_bad_values(input: &mut ProfileInput, errors: &[FieldError]) -> Vec<FieldError> {
    let mut contact_points = Vec::new();
    let mut identifications = Vec::new();
    let mut accounts = Vec::new();
    let mut fields = Vec::new();
    let (mut dob, mut assignee) = (false, false);
    for error in errors {
        if error.code == FieldErrorCode::Required {
            return Vec::new();
        }
        let path = error.field.as_str();
        let head = path.split(['[', '.']).next().unwrap_or(path);
        match head {
            "date_of_birth" => dob = true,
            "contact_points" => match index(path) {
                Some(i) => contact_points.push(i),
                None => return Vec::new(),
            },
            "identifications" => match index(path) {
                Some(i) => identifications.push(i),
                None => return Vec::new(),
            },
            // `accounts[i]`, or the whole list when no index is named.
            "accounts" => match index(path) {
                Some(i) => accounts.push(i),
                None => accounts.extend(0..input.accounts.len()),
            },
            "assigned_to" => assignee = true,
            key if input.fields.contains_key(key) => fields.push(key.to_string()),
            _ => return Vec::new(),
        }
    }
    if dob {
        input.date_of_birth = None;
    }
    if assignee {
        input.assigned_to = None;
    }
    remove_indices(&mut input.contact_points, &contact_points);
    remove_indices(&mut input.identifications, &identifications);
    remove_indices(&mut input.accounts, &accounts);
    for key in fields {
        input.fields.remove(&key);
    }
    errors.to_vec()
}

/// The index in `name[3].value`.
fn index(path: &str) -> Option<usize> {
    let open = path.find('[')?;
    let close = path[open..].find(']')? + open;
    path[open + 1..close].parse().ok()
}

fn remove_indices<T>(items: &mut Vec<T>, indices: &[usize]) {
    let mut i = 0;
    items.retain(|_| {
        let keep = !indices.contains(&i);
        i += 1;
        keep
    });
}
