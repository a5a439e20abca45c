//! A report definition: which cases (filters), grouped how (dimensions),
//! measured how (measures), checked when loaded; and the period it runs over.

use crate::error::{Entity, Error, Result};
use crate::model::{CaseStatus, Channel};
use crate::store::{FactColumn, FactKey, TimeBucket};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Status now.
    Status,
    /// Support group.
    SupportGroup,
    /// Assigned agent.
    Assignee,
    /// Channel the case came in on.
    Channel,
    /// Category.
    Category,
    /// Priority (`P1` ... `P5`).
    Priority,
    /// Campaign.
    Campaign,
    /// Day of creation, in the report's time zone (`2026-03-01`).
    Day,
    /// ISO week of creation, from Monday (`2026-W09`).
    Week,
    /// Month of creation (`2026-03`).
    Month,
}

impl Dimension {
    /// Its column name in a report table.
    pub fn name(self) -> &'static str {
        match self.key() {
            FactKey::Column(c) => c.name(),
            FactKey::Time(TimeBucket::Day) => "day",
            FactKey::Time(TimeBucket::Week) => "week",
            FactKey::Time(TimeBucket::Month) => "month",
        }
    }

    /// What a store groups by.
    pub fn key(self) -> FactKey {
        match self {
            Dimension::Status => FactKey::Column(FactColumn::Status),
            Dimension::SupportGroup => FactKey::Column(FactColumn::SupportGroup),
            Dimension::Assignee => FactKey::Column(FactColumn::Assignee),
            Dimension::Channel => FactKey::Column(FactColumn::Channel),
            Dimension::Category => FactKey::Column(FactColumn::Category),
            Dimension::Priority => FactKey::Column(FactColumn::Priority),
            Dimension::Campaign => FactKey::Column(FactColumn::Campaign),
            Dimension::Day => FactKey::Time(TimeBucket::Day),
            Dimension::Week => FactKey::Time(TimeBucket::Week),
            Dimension::Month => FactKey::Time(TimeBucket::Month),
        }
    }
}

/// What a report measures for each group of cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Cases created in the period.
    Created,
    /// Of those, resolved or closed now.
    Resolved,
    /// Of those, still open now (the backlog they left).
    Open,
    /// Median seconds to the first customer-visible comment.
    FirstResponseMedian,
    /// Mean seconds to the first customer-visible comment.
    FirstResponseMean,
    /// 90th percentile of the seconds to the first customer-visible comment.
    FirstResponseP90,
    /// Median seconds from creation to resolution.
    ResolutionMedian,
    /// Mean seconds from creation to resolution.
    ResolutionMean,
    /// 90th percentile of the seconds from creation to resolution.
    ResolutionP90,
    /// Share of completed service-level clocks that met their target (0 to 1):
    /// each clock of a case counts once, as its latest run ended.
    SlaAttainment,
    /// Completed service-level clocks that met their target.
    SlaMet,
    /// Completed service-level clocks that breached it.
    SlaBreached,
    /// Share of the cases resolved at least once that were reopened (0 to 1).
    ReopenRate,
    /// Average satisfaction score.
    SatisfactionAverage,
    /// Number of satisfaction scores.
    SatisfactionCount,
}

impl Measure {
    /// Its column name in a report table.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Created => "created",
            Measure::Resolved => "resolved",
            Measure::Open => "open",
            Measure::FirstResponseMedian => "first_response_median",
            Measure::FirstResponseMean => "first_response_mean",
            Measure::FirstResponseP90 => "first_response_p90",
            Measure::ResolutionMedian => "resolution_median",
            Measure::ResolutionMean => "resolution_mean",
            Measure::ResolutionP90 => "resolution_p90",
            Measure::SlaAttainment => "sla_attainment",
            Measure::SlaMet => "sla_met",
            Measure::SlaBreached => "sla_breached",
            Measure::ReopenRate => "reopen_rate",
            Measure::SatisfactionAverage => "satisfaction_average",
            Measure::SatisfactionCount => "satisfaction_count",
        }
    }

    /// Whether it needs values ranked (a median or percentile).
    pub fn is_ranked(self) -> bool {
        matches!(
            self,
            Measure::FirstResponseMedian
                | Measure::FirstResponseP90
                | Measure::ResolutionMedian
                | Measure::ResolutionP90
        )
    }
}

/// How response and resolution times are counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DurationTime {
    /// The working time of the case's first-response or resolution service
    /// level (its calendar, pauses left out); wall-clock time for a case
    /// without one.
    #[default]
    Business,
    /// Wall-clock time.
    WallClock,
}

/// Which cases a report counts: each list, when not empty, keeps the cases
/// whose attribute is one of its values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportFilters {
    /// Statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<CaseStatus>,
    /// Support groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support_group: Vec<String>,
    /// Assignees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignee: Vec<String>,
    /// Channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel: Vec<Channel>,
    /// Categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    /// Priorities (`P1` ... `P5`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<String>,
    /// Campaigns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaign: Vec<String>,
}

impl ReportFilters {
    /// The filters as a store applies them (empty lists left out).
    pub fn columns(&self) -> Vec<(FactColumn, Vec<String>)> {
        let texts = |values: &[String]| values.to_vec();
        [
            (
                FactColumn::Status,
                self.status.iter().map(|s| s.as_str().to_string()).collect(),
            ),
            (FactColumn::SupportGroup, texts(&self.support_group)),
            (FactColumn::Assignee, texts(&self.assignee)),
            (
                FactColumn::Channel,
                self.channel
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            ),
            (FactColumn::Category, texts(&self.category)),
            (FactColumn::Priority, texts(&self.priority)),
            (FactColumn::Campaign, texts(&self.campaign)),
        ]
        .into_iter()
        .filter(|(_, values): &(FactColumn, Vec<String>)| !values.is_empty())
        .collect()
    }
}

/// A report: which cases, grouped how, measured how. Loaded reports are
/// versioned like other definitions; a report may also run unsaved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportDefinition {
    /// Id (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// Version, given when loaded (0 before).
    #[serde(default)]
    pub version: u32,
    /// Title.
    #[serde(default)]
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Which cases it counts.
    #[serde(default)]
    pub filters: ReportFilters,
    /// Group keys, in column order (none: one row for every case counted).
    #[serde(default)]
    pub group_by: Vec<Dimension>,
    /// Measures, in column order.
    pub measures: Vec<Measure>,
    /// How durations are counted.
    #[serde(default)]
    pub durations: DurationTime,
    /// Time zone days, weeks and months are cut in (IANA name, default UTC).
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

/// The most dimensions a report groups by.
pub const MAX_DIMENSIONS: usize = 4;

/// The most values one filter lists.
pub const MAX_FILTER_VALUES: usize = 1_000;

/// The longest filter value, in characters.
pub const MAX_FILTER_VALUE_CHARS: usize = 256;

impl ReportDefinition {
    /// Reads a definition from JSON and checks it.
    pub fn from_json(json: &str) -> Result<ReportDefinition> {
        let def: ReportDefinition =
            serde_json::from_str(json).map_err(|e| invalid("", e.to_string()))?;
        def.check()?;
        Ok(def)
    }

    /// Refuses a definition that cannot run: a bad id, no measure, a
    /// repeated column, two time dimensions, an unknown time zone, an
    /// empty or oversized filter value.
    pub fn check(&self) -> Result<()> {
        let id = &self.id;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return Err(invalid(
                id,
                format!("id {id:?}: use 1 to 64 letters, digits, '-', '_' or '.'"),
            ));
        }
        if self.measures.is_empty() {
            return Err(invalid(id, "measures: name at least one measure".into()));
        }
        if self.group_by.len() > MAX_DIMENSIONS {
            return Err(invalid(
                id,
                format!("group_by: at most {MAX_DIMENSIONS} dimensions"),
            ));
        }
        let mut columns: Vec<&str> = self.group_by.iter().map(|d| d.name()).collect();
        columns.extend(self.measures.iter().map(|m| m.name()));
        for (i, name) in columns.iter().enumerate() {
            if columns[..i].contains(name) {
                return Err(invalid(id, format!("{name} is named twice")));
            }
        }
        let times = self
            .group_by
            .iter()
            .filter(|d| matches!(d.key(), FactKey::Time(_)))
            .count();
        if times > 1 {
            return Err(invalid(
                id,
                "group_by: at most one of day, week and month".into(),
            ));
        }
        self.zone()?;
        for (column, values) in self.filters.columns() {
            if values.len() > MAX_FILTER_VALUES {
                return Err(invalid(
                    id,
                    format!(
                        "filters.{}: at most {MAX_FILTER_VALUES} values",
                        column.name()
                    ),
                ));
            }
            if values.iter().any(|v| v.trim().is_empty()) {
                return Err(invalid(
                    id,
                    format!("filters.{}: a value is empty", column.name()),
                ));
            }
            if values.iter().any(|v| {
                v.chars().count() > MAX_FILTER_VALUE_CHARS || v.chars().any(char::is_control)
            }) {
                return Err(invalid(
                    id,
                    format!(
                        "filters.{}: a value is longer than {MAX_FILTER_VALUE_CHARS} characters or holds a control character",
                        column.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Its time zone.
    pub fn zone(&self) -> Result<jiff::tz::TimeZone> {
        jiff::tz::TimeZone::get(&self.time_zone).map_err(|_| {
            invalid(
                &self.id,
                format!(
                    "time_zone {:?} is not a known IANA time zone",
                    self.time_zone
                ),
            )
        })
    }

    /// Whether it groups by a period of time.
    pub fn time_dimension(&self) -> Option<TimeBucket> {
        self.group_by.iter().find_map(|d| match d.key() {
            FactKey::Time(b) => Some(b),
            FactKey::Column(_) => None,
        })
    }

    /// Whether two definitions say the same (their versions aside).
    pub fn same_definition(&self, other: &ReportDefinition) -> bool {
        ReportDefinition {
            version: 0,
            ..self.clone()
        } == ReportDefinition {
            version: 0,
            ..other.clone()
        }
    }
}

fn invalid(id: &str, message: String) -> Error {
    Error::InvalidDefinition {
        kind: Entity::Report,
        id: id.to_string(),
        message,
    }
}

/// The period a report runs over: cases created in `[from, to)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportPeriod {
    /// From (inclusive; none: from the first case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub from: Option<Timestamp>,
    /// To (exclusive; none: to the last case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub to: Option<Timestamp>,
}

impl ReportPeriod {
    /// Refuses a period that ends before it starts.
    pub fn check(&self) -> Result<()> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(Error::InvalidInput(format!(
                    "the report period starts at {from}, after it ends at {to}"
                )));
            }
        }
        Ok(())
    }
}
