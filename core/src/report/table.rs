//! A report's result: the query a store aggregates, the rows made from its
//! groups (labelled, sorted, measured), and the table as CSV.

use super::definition::{DurationTime, Measure, ReportDefinition, ReportPeriod};
use crate::error::{Error, Result};
use crate::store::FactKey;
use crate::store::{rank_bounds, DurationStats, FactsGroup, FactsQuery, KeyValue, TimeBucket};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;

/// The most time-zone transitions a period may span (about a century).
const MAX_TRANSITIONS: usize = 250;

/// A report's result: columns (dimensions, then measures) and rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportTable {
    /// The report's id.
    pub report: String,
    /// Its version (0: run unsaved).
    pub version: u32,
    /// The period it ran over.
    pub period: ReportPeriod,
    /// Column names: the dimensions, then the measures.
    pub columns: Vec<String>,
    /// One row per group with cases, sorted by the dimensions (unset
    /// values last). Dimension cells are text or null; measures are numbers,
    /// or null where nothing was measured (no resolved case, no score).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Vec<serde_json::Value>>"))]
    pub rows: Vec<Vec<Value>>,
}

impl ReportDefinition {
    /// What a store is asked to aggregate for this definition over a
    /// period: the period in whole seconds, the filters, the group keys and
    /// the time zone's offsets over the period.
    pub fn facts_query(&self, period: &ReportPeriod) -> Result<FactsQuery> {
        let def = self;
        period.check()?;
        let second = |t: Timestamp| t.as_second() + i64::from(t.subsec_nanosecond() > 0);
        let mut query = FactsQuery {
            from_s: period.from.map(second),
            to_s: period.to.map(second),
            filters: def.filters.columns(),
            group_by: def.group_by.iter().map(|d| d.key()).collect(),
            offsets: Vec::new(),
            business: def.durations == DurationTime::Business,
            ranks: def.measures.iter().any(|m| m.is_ranked()),
        };
        if let Some(bucket) = def.time_dimension() {
            let (Some(from), Some(to)) = (period.from, period.to) else {
                return Err(Error::InvalidInput(format!(
                    "report {}: grouping by {} needs a period with both from and to",
                    def.id,
                    bucket_name(bucket)
                )));
            };
            let zone = def.zone()?;
            query
                .offsets
                .push((i64::MIN, i64::from(zone.to_offset(from).seconds())));
            for transition in zone.following(from) {
                if transition.timestamp() >= to {
                    break;
                }
                if query.offsets.len() > MAX_TRANSITIONS {
                    return Err(Error::InvalidInput(format!(
                        "report {}: the period is too long to group by {}",
                        def.id,
                        bucket_name(bucket)
                    )));
                }
                query.offsets.push((
                    transition.timestamp().as_second(),
                    i64::from(transition.offset().seconds()),
                ));
            }
        }
        Ok(query)
    }
}

fn bucket_name(bucket: TimeBucket) -> &'static str {
    match bucket {
        TimeBucket::Day => "day",
        TimeBucket::Week => "week",
        TimeBucket::Month => "month",
    }
}

/// A period's label: `2026-03-01`, `2026-W09`, `2026-03`.
fn period_label(bucket: TimeBucket, period: i64) -> Value {
    let day = |n: i64| {
        jiff::civil::date(1970, 1, 1)
            .checked_add(jiff::Span::new().days(n))
            .ok()
    };
    let label = match bucket {
        TimeBucket::Day => day(period).map(|d| d.to_string()),
        TimeBucket::Week => day(period * 7 - 3).map(|d| {
            let week = d.iso_week_date();
            format!("{:04}-W{:02}", week.year(), week.week())
        }),
        TimeBucket::Month => Some(format!(
            "{:04}-{:02}",
            period.div_euclid(12),
            period.rem_euclid(12) + 1
        )),
    };
    label.map_or(Value::Null, Value::String)
}

/// Unset values sort last; periods in time order.
fn compare_keys(a: &[KeyValue], b: &[KeyValue]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (KeyValue::Text(Some(x)), KeyValue::Text(Some(y))) => x.cmp(y),
            (KeyValue::Text(None), KeyValue::Text(Some(_))) => Ordering::Greater,
            (KeyValue::Text(Some(_)), KeyValue::Text(None)) => Ordering::Less,
            (x, y) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// A number as JSON: whole values as integers, so every runtime prints
/// them alike.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn ratio(part: u64, whole: u64) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        number(part as f64 / whole as f64)
    }
}

/// The value at fraction `num/den` of the way between two ranked values.
fn between((lo, hi): (i64, i64), num: u64, den: u64) -> f64 {
    lo as f64 + (hi - lo) as f64 * (num as f64 / den as f64)
}

fn median(stats: &DurationStats) -> Value {
    if stats.count == 0 {
        return Value::Null;
    }
    let frac = (stats.count - 1) % 2;
    number(between(stats.median, frac, 2))
}

fn p90(stats: &DurationStats) -> Value {
    if stats.count == 0 {
        return Value::Null;
    }
    let ((_, _), (lo, _)) = rank_bounds(stats.count);
    let frac = (stats.count - 1) * 9 - lo * 10;
    number(between(stats.p90, frac, 10))
}

fn mean(stats: &DurationStats) -> Value {
    if stats.count == 0 {
        Value::Null
    } else {
        number(stats.sum as f64 / stats.count as f64)
    }
}

fn measure(m: Measure, g: &FactsGroup) -> Value {
    match m {
        Measure::Created => Value::from(g.cases),
        Measure::Resolved => Value::from(g.resolved),
        Measure::Open => Value::from(g.open),
        Measure::FirstResponseMedian => median(&g.response),
        Measure::FirstResponseMean => mean(&g.response),
        Measure::FirstResponseP90 => p90(&g.response),
        Measure::ResolutionMedian => median(&g.resolution),
        Measure::ResolutionMean => mean(&g.resolution),
        Measure::ResolutionP90 => p90(&g.resolution),
        Measure::SlaAttainment => ratio(g.sla_met, g.sla_met + g.sla_breached),
        Measure::SlaMet => Value::from(g.sla_met),
        Measure::SlaBreached => Value::from(g.sla_breached),
        Measure::ReopenRate => ratio(g.reopened, g.ever_resolved),
        Measure::SatisfactionAverage => ratio(g.feedback_sum, g.feedback_count),
        Measure::SatisfactionCount => Value::from(g.feedback_count),
    }
}

/// The table of a definition's groups.
pub fn report_table(
    def: &ReportDefinition,
    period: ReportPeriod,
    mut groups: Vec<FactsGroup>,
) -> ReportTable {
    groups.sort_by(|a, b| compare_keys(&a.key, &b.key));
    let mut columns: Vec<String> = def.group_by.iter().map(|d| d.name().to_string()).collect();
    columns.extend(def.measures.iter().map(|m| m.name().to_string()));
    let rows = groups
        .iter()
        .map(|g| {
            let mut row: Vec<Value> = def
                .group_by
                .iter()
                .zip(&g.key)
                .map(|(d, k)| match (d.key(), k) {
                    (FactKey::Time(bucket), KeyValue::Period(p)) => period_label(bucket, *p),
                    (_, KeyValue::Text(Some(text))) => Value::String(text.clone()),
                    _ => Value::Null,
                })
                .collect();
            row.extend(def.measures.iter().map(|m| measure(*m, g)));
            row
        })
        .collect();
    ReportTable {
        report: def.id.clone(),
        version: def.version,
        period,
        columns,
        rows,
    }
}

impl ReportTable {
    /// The table as CSV (RFC 4180: a header row, CRLF line ends, fields
    /// quoted when they hold a comma, quote or line break). Text that a
    /// spreadsheet would run as a formula (starting with `=`, `+`, `-`,
    /// `@`) is prefixed with `'`; empty cells are unset values.
    ///
    /// ```
    /// use casebook::ReportTable;
    /// let table: ReportTable = serde_json::from_str(r#"{
    ///     "report": "volume", "version": 1, "period": {},
    ///     "columns": ["support_group", "created"],
    ///     "rows": [["network, core", 3], [null, 1]]
    /// }"#).unwrap();
    /// assert_eq!(table.to_csv(), "support_group,created\r\n\"network, core\",3\r\n,1\r\n");
    /// ```
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<Value> = self.columns.iter().cloned().map(Value::String).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let cells: Vec<String> = row.iter().map(csv_cell).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(values: &[i64]) -> DurationStats {
        let mut v = values.to_vec();
        v.sort_unstable();
        let ((a, b), (c, d)) = rank_bounds(v.len() as u64);
        DurationStats {
            count: v.len() as u64,
            sum: v.iter().sum(),
            median: (v[a as usize], v[b as usize]),
            p90: (v[c as usize], v[d as usize]),
        }
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        // As PostgreSQL's percentile_cont.
        let s = stats(&[10, 20, 30, 40]);
        assert_eq!(median(&s), Value::from(25));
        assert_eq!(p90(&s), Value::from(37));
        let s = stats(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        assert_eq!(median(&s), Value::from(6));
        assert_eq!(p90(&s), Value::from(10));
        assert_eq!(mean(&stats(&[1, 2])), serde_json::json!(1.5));
        assert_eq!(median(&DurationStats::default()), Value::Null);
    }

    #[test]
    fn labels_name_the_periods() {
        assert_eq!(period_label(TimeBucket::Day, 0), "1970-01-01");
        assert_eq!(period_label(TimeBucket::Week, 0), "1970-W01");
        assert_eq!(period_label(TimeBucket::Month, 2026 * 12 + 2), "2026-03");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_cell(&Value::from("=SUM(A1)")), "'=SUM(A1)");
        assert_eq!(csv_cell(&Value::from("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell(&serde_json::json!(-1.5)), "-1.5");
    }
}
