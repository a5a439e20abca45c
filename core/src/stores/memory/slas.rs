//! The in-memory store's rule definitions and service-level crossings:
//! the crossings indexed by due time, and the keys already taken.

use crate::sla::{SlaDue, SlaDueKey};
use crate::store::StoredDefinition;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Definitions, crossings by case and by due time, and taken keys.
#[derive(Default)]
pub(super) struct SlaData {
    pub(super) definitions: BTreeMap<(String, String, u32), StoredDefinition>,
    due_by_case: HashMap<Uuid, Vec<SlaDue>>,
    due_by_time: BTreeSet<(Timestamp, SlaDueKey)>,
    pub(super) taken: BTreeSet<SlaDueKey>,
}

impl SlaData {
    pub(super) fn definitions(&self, kind: &str) -> Vec<StoredDefinition> {
        self.definitions
            .range((kind.to_string(), String::new(), 0)..)
            .take_while(|((k, _, _), _)| k == kind)
            .map(|(_, d)| d.clone())
            .collect()
    }

    pub(super) fn due_before(&self, until: Timestamp, limit: usize) -> Vec<SlaDue> {
        self.due_by_time
            .iter()
            .take_while(|(at, _)| *at <= until)
            .filter_map(|(_, key)| self.due(key).cloned())
            .take(limit)
            .collect()
    }

    fn due(&self, key: &SlaDueKey) -> Option<&SlaDue> {
        self.due_by_case
            .get(&key.case_id)?
            .iter()
            .find(|d| d.key() == *key)
    }

    pub(super) fn due_of_case(&self, case: Uuid) -> Vec<SlaDue> {
        let mut rows = self.due_by_case.get(&case).cloned().unwrap_or_default();
        rows.sort_by(|a, b| {
            (a.due_at, &a.slot, a.threshold).cmp(&(b.due_at, &b.slot, b.threshold))
        });
        rows
    }

    pub(super) fn taken_of_case(&self, case: Uuid) -> Vec<SlaDueKey> {
        self.taken
            .iter()
            .filter(|k| k.case_id == case)
            .cloned()
            .collect()
    }

    /// Replaces a case's crossings; returns the old ones.
    pub(super) fn set_due(&mut self, case: Uuid, rows: Vec<SlaDue>) -> Vec<SlaDue> {
        let old = self.due_by_case.remove(&case).unwrap_or_default();
        for row in &old {
            self.due_by_time.remove(&(row.due_at, row.key()));
        }
        for row in &rows {
            self.due_by_time.insert((row.due_at, row.key()));
        }
        if !rows.is_empty() {
            self.due_by_case.insert(case, rows);
        }
        old
    }

    /// Marks a key taken (or not) and drops its crossing; returns the
    /// crossing dropped.
    pub(super) fn set_taken(&mut self, key: &SlaDueKey, taken: bool) -> Option<SlaDue> {
        if !taken {
            self.taken.remove(key);
            return None;
        }
        self.taken.insert(key.clone());
        let rows = self.due_by_case.get_mut(&key.case_id)?;
        let position = rows.iter().position(|d| d.key() == *key)?;
        let row = rows.remove(position);
        if rows.is_empty() {
            self.due_by_case.remove(&key.case_id);
        }
        self.due_by_time.remove(&(row.due_at, row.key()));
        Some(row)
    }

    /// Puts a dropped crossing back (undo).
    pub(super) fn restore_due(&mut self, row: SlaDue) {
        self.due_by_time.insert((row.due_at, row.key()));
        self.due_by_case.entry(row.case_id).or_default().push(row);
    }
}
