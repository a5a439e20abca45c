//! Every loaded version of the service-level definitions and calendars,
//! with the instant each was loaded: which version a clock counts by.

use super::{CalendarChoice, SlaDefinition};
use crate::calendar::Calendar;
use crate::template::Fields;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Loaded definitions and calendars, every version with its load time.
#[derive(Debug, Clone, Default)]
pub struct SlaSet {
    definitions: BTreeMap<String, Vec<(Timestamp, Arc<SlaDefinition>)>>,
    calendars: BTreeMap<String, Vec<(Timestamp, Arc<Calendar>)>>,
}

impl SlaSet {
    /// Adds a definition version loaded at `loaded_at`.
    pub fn add_definition(&mut self, loaded_at: Timestamp, definition: SlaDefinition) {
        let versions = self
            .definitions
            .entry(definition.id().to_string())
            .or_default();
        versions.push((loaded_at, Arc::new(definition)));
        versions.sort_by_key(|(_, d)| d.version());
    }

    /// Adds a calendar version loaded at `loaded_at`.
    pub fn add_calendar(&mut self, loaded_at: Timestamp, calendar: Calendar) {
        let versions = self.calendars.entry(calendar.id().to_string()).or_default();
        versions.push((loaded_at, Arc::new(calendar)));
        versions.sort_by_key(|(_, c)| c.version());
    }

    /// Whether no definition is loaded (then no case has a service level).
    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// Whether a calendar id is loaded.
    pub fn has_calendar(&self, id: &str) -> bool {
        self.calendars.contains_key(id)
    }

    /// The latest version of every definition, by id.
    pub fn latest_definitions(&self) -> Vec<Arc<SlaDefinition>> {
        self.definitions
            .values()
            .filter_map(|v| v.last().map(|(_, d)| d.clone()))
            .collect()
    }

    /// The latest version of every calendar, by id.
    pub fn latest_calendars(&self) -> Vec<Arc<Calendar>> {
        self.calendars
            .values()
            .filter_map(|v| v.last().map(|(_, c)| c.clone()))
            .collect()
    }

    /// A definition version (`None`: the latest).
    pub fn definition(&self, id: &str, version: Option<u32>) -> Option<Arc<SlaDefinition>> {
        let versions = self.definitions.get(id)?;
        match version {
            None => versions.last().map(|(_, d)| d.clone()),
            Some(v) => versions
                .iter()
                .find(|(_, d)| d.version() == v)
                .map(|(_, d)| d.clone()),
        }
    }

    /// A calendar version (`None`: the latest).
    pub fn calendar(&self, id: &str, version: Option<u32>) -> Option<Arc<Calendar>> {
        let versions = self.calendars.get(id)?;
        match version {
            None => versions.last().map(|(_, c)| c.clone()),
            Some(v) => versions
                .iter()
                .find(|(_, c)| c.version() == v)
                .map(|(_, c)| c.clone()),
        }
    }

    /// The definitions in force at `at` (each id at its latest version
    /// loaded by then), grouped by clock, each group in policy order.
    pub(super) fn slots_at(&self, at: Timestamp) -> BTreeMap<String, Vec<Arc<SlaDefinition>>> {
        let mut slots: BTreeMap<String, Vec<Arc<SlaDefinition>>> = BTreeMap::new();
        for versions in self.definitions.values() {
            if let Some((_, d)) = versions.iter().rev().find(|(t, _)| *t <= at) {
                slots
                    .entry(d.slot().to_string())
                    .or_default()
                    .push(d.clone());
            }
        }
        for group in slots.values_mut() {
            group.sort_by(|a, b| (a.def().position, a.id()).cmp(&(b.def().position, b.id())));
        }
        slots
    }

    /// The version of a definition in force at `at` (the first one if it
    /// was loaded later).
    pub(super) fn definition_at(&self, id: &str, at: Timestamp) -> Option<Arc<SlaDefinition>> {
        let versions = self.definitions.get(id)?;
        versions
            .iter()
            .rev()
            .find(|(t, _)| *t <= at)
            .or_else(|| versions.first())
            .map(|(_, d)| d.clone())
    }

    /// The calendar a definition counts in for a case in state `state`,
    /// at its version in force at `at`; `None` for calendar time.
    pub(super) fn calendar_for(
        &self,
        definition: &SlaDefinition,
        state: &Fields,
        at: Timestamp,
    ) -> Option<Arc<Calendar>> {
        let id = match definition.def().calendar.as_ref()? {
            CalendarChoice::Fixed(id) => id.as_str(),
            CalendarChoice::FromField { field, default } => state
                .get(field)
                .and_then(|v| v.as_str())
                .filter(|id| self.calendars.contains_key(*id))
                .unwrap_or(default),
        };
        let versions = self.calendars.get(id)?;
        versions
            .iter()
            .rev()
            .find(|(t, _)| *t <= at)
            .or_else(|| versions.first())
            .map(|(_, c)| c.clone())
    }
}
