//! Business calendars: when a team works, in its own time zone, and the
//! arithmetic of working time between instants (for SLA clocks).
//!
//! A calendar is loaded from JSON and checked when loaded. Its weekly
//! windows are half-open local times (`[start, end)`); a window may run
//! overnight and then belongs to the day it starts on. Holidays close whole
//! local days; extra days are worked with their own windows, over a holiday
//! or a day off. Local times are turned into instants the way
//! [`jiff`]'s `compatible` disambiguation does: a time inside a daylight
//! saving gap moves forward by the gap's length, and a time that occurs
//! twice (in a fold) is its earlier occurrence.
//!
//! Everything here is pure: no clock is read, no I/O is done.
//!
//! ```
//! use casebook::Calendar;
//! use jiff::{SignedDuration, Timestamp};
//!
//! let office = Calendar::from_json(r#"{
//!   "id": "uk-office", "name": "UK office hours", "time_zone": "Europe/London",
//!   "week": {
//!     "monday":    [{"start": "09:00", "end": "17:00"}],
//!     "tuesday":   [{"start": "09:00", "end": "17:00"}],
//!     "wednesday": [{"start": "09:00", "end": "17:00"}],
//!     "thursday":  [{"start": "09:00", "end": "17:00"}],
//!     "friday":    [{"start": "09:00", "end": "17:00"}]
//!   },
//!   "holidays": [{"date": "2026-12-25", "name": "Christmas Day", "yearly": true}]
//! }"#)?;
//! let friday: Timestamp = "2026-03-06T16:30:00Z".parse().unwrap();
//! let due = office.add_business(friday, SignedDuration::from_hours(1))?;
//! assert_eq!(due.to_string(), "2026-03-09T09:30:00Z"); // Monday
//! assert_eq!(office.business_time(friday, due), SignedDuration::from_hours(1));
//! assert!(!office.is_open(friday.checked_add(SignedDuration::from_hours(1)).unwrap()));
//! # Ok::<(), casebook::Error>(())
//! ```

use crate::error::{Entity, Error, Result};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod definition;
mod hours;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
mod windows;

pub use definition::{CalendarDef, DayWindows, ExtraDay, Holiday, WorkWindow};

/// The calendar (id and version) something was measured with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CalendarRef {
    /// Calendar id.
    pub id: String,
    /// Calendar version (0 for a calendar not stored yet).
    pub version: u32,
}

/// A checked, compiled business calendar. Load one with [`Calendar::from_json`].
#[derive(Debug, Clone)]
pub struct Calendar {
    def: CalendarDef,
    tz: TimeZone,
    rules: Rules,
    /// Open around the clock with no holiday and no extra day: every
    /// question has a one-line answer.
    always: bool,
}

/// One compiled window: local start and end, the end possibly on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: Time,
    end: Time,
    end_next_day: bool,
}

/// The whole local day.
const WHOLE_DAY: [Window; 1] = [Window {
    start: Time::midnight(),
    end: Time::midnight(),
    end_next_day: true,
}];

/// Which windows apply on which local date.
#[derive(Debug, Clone)]
struct Rules {
    always_open: bool,
    /// Monday first.
    week: [Vec<Window>; 7],
    /// One-off holidays, sorted.
    holidays: Vec<Date>,
    /// Yearly holidays as (month, day), sorted.
    yearly: Vec<(i8, i8)>,
    /// Extra working days, sorted by date.
    extra: Vec<(Date, Vec<Window>)>,
}

impl Rules {
    /// The windows starting on a local date.
    fn windows_on(&self, date: Date) -> &[Window] {
        if let Ok(i) = self.extra.binary_search_by_key(&date, |e| e.0) {
            return self.extra.get(i).map(|e| e.1.as_slice()).unwrap_or(&[]);
        }
        if self.holidays.binary_search(&date).is_ok()
            || self
                .yearly
                .binary_search(&(date.month(), date.day()))
                .is_ok()
        {
            return &[];
        }
        if self.always_open {
            return &WHOLE_DAY;
        }
        let index = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        self.week.get(index).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        self.def == other.def
    }
}

impl Calendar {
    fn assemble(def: CalendarDef, tz: TimeZone, rules: Rules) -> Calendar {
        let always = rules.always_open
            && rules.holidays.is_empty()
            && rules.yearly.is_empty()
            && rules.extra.is_empty();
        Calendar {
            def,
            tz,
            rules,
            always,
        }
    }

    /// Open around the clock in UTC, with no holidays (id `24x7`): for SLAs
    /// counted in calendar time.
    pub fn always() -> Calendar {
        let def = CalendarDef {
            id: "24x7".into(),
            version: 0,
            name: "Always open".into(),
            time_zone: "UTC".into(),
            always_open: true,
            week: DayWindows::default(),
            holidays: Vec::new(),
            extra_days: Vec::new(),
        };
        let rules = Rules {
            always_open: true,
            week: Default::default(),
            holidays: Vec::new(),
            yearly: Vec::new(),
            extra: Vec::new(),
        };
        Calendar::assemble(def, TimeZone::UTC, rules)
    }

    /// Parses and checks a calendar from JSON.
    pub fn from_json(json: &str) -> Result<Calendar> {
        let def: CalendarDef =
            serde_json::from_str(json).map_err(|e| Error::InvalidDefinition {
                kind: Entity::Calendar,
                id: id_hint(serde_json::from_str::<Value>(json).ok().as_ref()),
                message: format!("not a valid calendar definition: {e}"),
            })?;
        Calendar::from_def(def)
    }

    /// Parses and checks a calendar from a JSON value.
    pub fn from_value(value: Value) -> Result<Calendar> {
        let id = id_hint(Some(&value));
        let def: CalendarDef =
            serde_json::from_value(value).map_err(|e| Error::InvalidDefinition {
                kind: Entity::Calendar,
                id,
                message: format!("not a valid calendar definition: {e}"),
            })?;
        Calendar::from_def(def)
    }

    /// The calendar's JSON definition (with its version when it has one).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.def).unwrap_or(Value::Null)
    }

    /// The definition, normalised (windows sorted, times and dates in canonical form).
    pub fn def(&self) -> &CalendarDef {
        &self.def
    }

    /// Whether two calendars define the same thing, ignoring the version.
    pub fn same_definition(&self, other: &Calendar) -> bool {
        CalendarDef {
            version: 0,
            ..self.def.clone()
        } == CalendarDef {
            version: 0,
            ..other.def.clone()
        }
    }

    /// Calendar id.
    pub fn id(&self) -> &str {
        &self.def.id
    }

    /// Version, assigned by the engine when stored (0 before).
    pub fn version(&self) -> u32 {
        self.def.version
    }

    /// Sets the version.
    pub fn set_version(&mut self, version: u32) {
        self.def.version = version;
    }

    /// Id and version.
    pub fn reference(&self) -> CalendarRef {
        CalendarRef {
            id: self.def.id.clone(),
            version: self.def.version,
        }
    }

    /// The time zone the windows are read in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }
}

fn id_hint(value: Option<&Value>) -> String {
    value
        .and_then(|v| v.get("id"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

impl Serialize for Calendar {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.def.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let def = CalendarDef::deserialize(deserializer)?;
        Calendar::from_def(def).map_err(serde::de::Error::custom)
    }
}
