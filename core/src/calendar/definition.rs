//! A calendar's JSON definition and its compilation: the id, name and time
//! zone checked, each day's windows compiled (see `windows`), holidays and
//! extra days parsed and checked for repeats.

use super::windows::{check_overlaps, check_week, compile_day, DAY_NAMES};
use super::{Calendar, Rules, Window};
use crate::error::{Entity, Error, Result};
use crate::template::parse_date;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

const MAX_HOLIDAYS: usize = 2000;
const MAX_EXTRA_DAYS: usize = 2000;

/// The JSON shape of a business calendar, as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    /// Calendar id: 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`.
    pub id: String,
    /// Version; leave it out when loading (the engine assigns it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    /// Display name.
    pub name: String,
    /// IANA time zone the windows are read in, e.g. `Europe/London`.
    pub time_zone: String,
    /// Open around the clock (then `week` stays empty); holidays still close whole local days.
    #[serde(default, skip_serializing_if = "is_false")]
    pub always_open: bool,
    /// The working windows of each weekday.
    #[serde(default, skip_serializing_if = "DayWindows::is_empty")]
    pub week: DayWindows,
    /// Closed days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
    /// Dates worked with their own windows (over a holiday or a day off).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_days: Vec<ExtraDay>,
}

/// The working windows of each day of the week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct DayWindows {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuesday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wednesday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thursday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturday: Vec<WorkWindow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sunday: Vec<WorkWindow>,
}

impl DayWindows {
    /// No window on any day.
    pub fn is_empty(&self) -> bool {
        self.days().iter().all(|d| d.is_empty())
    }

    /// The windows of one weekday.
    pub fn day(&self, weekday: Weekday) -> &[WorkWindow] {
        match weekday {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    fn days(&self) -> [&Vec<WorkWindow>; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }

    fn days_mut(&mut self) -> [&mut Vec<WorkWindow>; 7] {
        [
            &mut self.monday,
            &mut self.tuesday,
            &mut self.wednesday,
            &mut self.thursday,
            &mut self.friday,
            &mut self.saturday,
            &mut self.sunday,
        ]
    }
}

/// One working window of a day, half-open: `[start, end)` in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkWindow {
    /// `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.
    pub start: String,
    /// `HH:MM` or `HH:MM:SS`; `24:00` is the end of the day.
    pub end: String,
    /// The window ends on the next day (then `end` is before `start`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub overnight: bool,
}

/// A closed day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What the holiday is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Repeats on this month and day every year (29 February only in leap years).
    #[serde(default, skip_serializing_if = "is_false")]
    pub yearly: bool,
}

/// A date worked with its own windows, whatever the week or the holidays say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtraDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Why the day is worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The day's windows (at least one).
    pub windows: Vec<WorkWindow>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl Calendar {
    /// Checks a parsed definition and compiles it.
    pub fn from_def(mut def: CalendarDef) -> Result<Calendar> {
        let calendar_id = def.id.clone();
        let fail = |message: String| Error::InvalidDefinition {
            kind: Entity::Calendar,
            id: calendar_id.clone(),
            message,
        };
        if !is_calendar_id(&def.id) {
            return Err(fail(
                "the id must be 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`".into(),
            ));
        }
        def.name = def.name.trim().to_string();
        if def.name.is_empty() {
            return Err(fail("the calendar needs a name".into()));
        }
        let tz = TimeZone::get(&def.time_zone)
            .map_err(|_| fail(format!("unknown time zone `{}`", def.time_zone)))?;
        if def.always_open && !def.week.is_empty() {
            return Err(fail(
                "an always-open calendar has no `week` windows; leave `week` out".into(),
            ));
        }
        if !def.always_open && def.week.is_empty() {
            return Err(fail(
                "the calendar never opens: give `week` windows or set `always_open`".into(),
            ));
        }
        let mut week: [Vec<Window>; 7] = Default::default();
        let mut spans = Vec::new();
        for ((raw, compiled), name) in def
            .week
            .days_mut()
            .into_iter()
            .zip(&mut week)
            .zip(DAY_NAMES)
        {
            let (windows, day_spans) = compile_day(raw, name).map_err(&fail)?;
            *compiled = windows;
            spans.push(day_spans);
        }
        check_week(&spans).map_err(&fail)?;

        if def.holidays.len() > MAX_HOLIDAYS {
            return Err(fail(format!("at most {MAX_HOLIDAYS} holidays are allowed")));
        }
        let mut holidays = Vec::new();
        let mut yearly = Vec::new();
        for holiday in &mut def.holidays {
            let date = parse_day(&holiday.date).map_err(&fail)?;
            holiday.date = date.to_string();
            holiday.name = trimmed(holiday.name.take());
            if holiday.yearly {
                yearly.push((date.month(), date.day()));
            } else {
                holidays.push(date);
            }
        }
        holidays.sort_unstable();
        if let Some(pair) = holidays.windows(2).find(|p| p.first() == p.get(1)) {
            let date = pair.first().map(Date::to_string).unwrap_or_default();
            return Err(fail(format!("the holiday {date} is listed twice")));
        }
        yearly.sort_unstable();
        if let Some(pair) = yearly.windows(2).find(|p| p.first() == p.get(1)) {
            let (month, day) = pair.first().copied().unwrap_or_default();
            return Err(fail(format!(
                "a yearly holiday on {month:02}-{day:02} is listed twice"
            )));
        }

        if def.extra_days.len() > MAX_EXTRA_DAYS {
            return Err(fail(format!(
                "at most {MAX_EXTRA_DAYS} extra days are allowed"
            )));
        }
        let mut extra = Vec::with_capacity(def.extra_days.len());
        for day in &mut def.extra_days {
            let date = parse_day(&day.date).map_err(&fail)?;
            day.date = date.to_string();
            day.name = trimmed(day.name.take());
            if day.windows.is_empty() {
                return Err(fail(format!(
                    "the extra day {date} needs at least one window"
                )));
            }
            let label = format!("the extra day {date}");
            let (windows, day_spans) = compile_day(&mut day.windows, &label).map_err(&fail)?;
            check_overlaps(
                day_spans.iter().map(|(s, e, w)| (*s, *e, 0, w.as_str())),
                &[&label],
            )
            .map_err(&fail)?;
            extra.push((date, windows));
        }
        extra.sort_unstable_by_key(|e| e.0);
        if let Some(pair) = extra
            .windows(2)
            .find(|p| p.first().map(|e| e.0) == p.get(1).map(|e| e.0))
        {
            let date = pair.first().map(|e| e.0.to_string()).unwrap_or_default();
            return Err(fail(format!("the extra day {date} is listed twice")));
        }

        let rules = Rules {
            always_open: def.always_open,
            week,
            holidays,
            yearly,
            extra,
        };
        Ok(Calendar::assemble(def, tz, rules))
    }
}

fn trimmed(name: Option<String>) -> Option<String> {
    name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty())
}

fn parse_day(s: &str) -> std::result::Result<Date, String> {
    parse_date(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`.
fn is_calendar_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'.')
        })
}
