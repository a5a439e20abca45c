//! What a store keeps of each case for reporting, and the aggregation it
//! runs over them: the engine derives a case's facts (its timings, service
//! levels met, reopenings, feedback) when it stores the case, and a report
//! asks the store for sums, counts and ranked values per group, computed
//! where the data is (SQL in the SQL stores).
//!
//! [`aggregate`] is the reference: the in-memory store runs it, and the SQL
//! stores answer exactly as it does.

use std::collections::BTreeMap;
use uuid::Uuid;

/// One case as reports see it, derived by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFacts {
    /// The case.
    pub case_id: Uuid,
    /// Creation time, in Unix seconds.
    pub created_s: i64,
    /// Status (`new`, `in_progress`, ...).
    pub status: String,
    /// Whether work on it is open.
    pub open: bool,
    /// Whether it is resolved or closed now.
    pub resolved: bool,
    /// Support group.
    pub support_group: Option<String>,
    /// Assignee.
    pub assignee: Option<String>,
    /// Channel (`voice`, `email`, ...).
    pub channel: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Priority (`P1` ... `P5`).
    pub priority: Option<String>,
    /// Campaign.
    pub campaign: Option<String>,
    /// Seconds from creation to the first customer-visible comment.
    pub response_s: Option<i64>,
    /// The same in business time (its first-response service level's
    /// working time; wall-clock time when it has none).
    pub response_business_s: Option<i64>,
    /// Seconds from creation to its resolution, while resolved or closed.
    pub resolution_s: Option<i64>,
    /// The same in business time.
    pub resolution_business_s: Option<i64>,
    /// Times it was resolved or closed.
    pub resolutions: u32,
    /// Times it was reopened after that.
    pub reopens: u32,
    /// Service-level clocks completed within their duration.
    pub sla_met: u32,
    /// Service-level clocks completed after it.
    pub sla_breached: u32,
    /// Sum of the satisfaction scores it received.
    pub feedback_sum: u32,
    /// Number of satisfaction scores.
    pub feedback_count: u32,
}

/// A case attribute reports filter and group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactColumn {
    /// Status.
    Status,
    /// Support group.
    SupportGroup,
    /// Assignee.
    Assignee,
    /// Channel.
    Channel,
    /// Category.
    Category,
    /// Priority.
    Priority,
    /// Campaign.
    Campaign,
}

impl FactColumn {
    /// Its column name in the SQL stores.
    pub fn name(self) -> &'static str {
        match self {
            FactColumn::Status => "status",
            FactColumn::SupportGroup => "support_group",
            FactColumn::Assignee => "assignee",
            FactColumn::Channel => "channel",
            FactColumn::Category => "category",
            FactColumn::Priority => "priority",
            FactColumn::Campaign => "campaign",
        }
    }

    /// The value of a case's facts.
    pub fn of(self, facts: &CaseFacts) -> Option<&str> {
        match self {
            FactColumn::Status => Some(&facts.status),
            FactColumn::SupportGroup => facts.support_group.as_deref(),
            FactColumn::Assignee => facts.assignee.as_deref(),
            FactColumn::Channel => facts.channel.as_deref(),
            FactColumn::Category => facts.category.as_deref(),
            FactColumn::Priority => facts.priority.as_deref(),
            FactColumn::Campaign => facts.campaign.as_deref(),
        }
    }
}

/// A period of the creation time, in the report's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeBucket {
    /// Local days, numbered from 1970-01-01.
    Day,
    /// Weeks from Monday, numbered from the week of 1970-01-01.
    Week,
    /// Months, numbered `year * 12 + month - 1`.
    Month,
}

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactKey {
    /// A case attribute.
    Column(FactColumn),
    /// A period of the creation time.
    Time(TimeBucket),
}

/// The value of one group key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    /// An attribute's value (`None`: not set).
    Text(Option<String>),
    /// A period's number.
    Period(i64),
}

/// What a report asks a store to aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FactsQuery {
    /// Cases created at or after this Unix second.
    pub from_s: Option<i64>,
    /// Cases created before this Unix second.
    pub to_s: Option<i64>,
    /// Only cases whose attribute is one of these values.
    pub filters: Vec<(FactColumn, Vec<String>)>,
    /// Group keys, in order.
    pub group_by: Vec<FactKey>,
    /// The local time's offset from UTC (seconds) from each instant on,
    /// ascending, the first from `i64::MIN`: what periods are cut by.
    pub offsets: Vec<(i64, i64)>,
    /// Durations in business time rather than wall-clock time.
    pub business: bool,
    /// Whether ranked durations (median, 90th percentile) are needed.
    pub ranks: bool,
}

/// The durations of a group: count, sum and the values at the ranks the
/// median and the 90th percentile are interpolated between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DurationStats {
    /// Cases with the duration.
    pub count: u64,
    /// Their sum, in seconds.
    pub sum: i64,
    /// Values at 0-based ranks `(n-1)/2` and `n/2` in ascending order.
    pub median: (i64, i64),
    /// Values at ranks `floor(9(n-1)/10)` and `ceil(9(n-1)/10)`.
    pub p90: (i64, i64),
}

/// The ranks the median and 90th percentile of `n` values lie between.
pub fn rank_bounds(n: u64) -> ((u64, u64), (u64, u64)) {
    let last = n.saturating_sub(1);
    ((last / 2, n / 2), (last * 9 / 10, (last * 9).div_ceil(10)))
}

/// One group's aggregates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FactsGroup {
    /// Its key values, in the order of [`FactsQuery::group_by`].
    pub key: Vec<KeyValue>,
    /// Cases.
    pub cases: u64,
    /// Cases open now.
    pub open: u64,
    /// Cases resolved or closed now.
    pub resolved: u64,
    /// First response times.
    pub response: DurationStats,
    /// Resolution times.
    pub resolution: DurationStats,
    /// Clocks met.
    pub sla_met: u64,
    /// Clocks breached.
    pub sla_breached: u64,
    /// Cases reopened at least once.
    pub reopened: u64,
    /// Cases resolved at least once.
    pub ever_resolved: u64,
    /// Sum of satisfaction scores.
    pub feedback_sum: u64,
    /// Number of satisfaction scores.
    pub feedback_count: u64,
}

/// Floor division (SQL's `/` truncates towards zero).
fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// The local time of an instant as seconds since the local epoch.
pub fn local_seconds(at_s: i64, offsets: &[(i64, i64)]) -> i64 {
    let offset = offsets
        .iter()
        .take_while(|(from, _)| *from <= at_s)
        .last()
        .map_or(0, |(_, offset)| *offset);
    at_s.saturating_add(offset)
}

/// The number of the period an instant falls in.
pub fn period_of(bucket: TimeBucket, at_s: i64, offsets: &[(i64, i64)]) -> i64 {
    let local = local_seconds(at_s, offsets);
    let day = floor_div(local, 86_400);
    match bucket {
        TimeBucket::Day => day,
        TimeBucket::Week => floor_div(day + 3, 7),
        TimeBucket::Month => {
            let (year, month) = civil_from_days(day);
            year * 12 + month - 1
        }
    }
}

/// The year and month (1 to 12) of a day number from 1970-01-01, in the
/// proleptic Gregorian calendar (H. Hinnant's algorithm, integers only, as
/// the SQL stores compute it).
pub fn civil_from_days(day: i64) -> (i64, i64) {
    let z = day + 719_468;
    let era = floor_div(z, 146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month)
}

fn stats(mut values: Vec<i64>) -> DurationStats {
    values.sort_unstable();
    let n = values.len() as u64;
    let at = |rank: u64| values.get(rank as usize).copied().unwrap_or(0);
    let ((m_lo, m_hi), (p_lo, p_hi)) = rank_bounds(n);
    DurationStats {
        count: n,
        sum: values.iter().sum(),
        median: (at(m_lo), at(m_hi)),
        p90: (at(p_lo), at(p_hi)),
    }
}

/// The reference aggregation over every case's facts, groups in key order.
pub fn aggregate<'a>(
    facts: impl IntoIterator<Item = &'a CaseFacts>,
    query: &FactsQuery,
) -> Vec<FactsGroup> {
    #[derive(Default)]
    struct Acc {
        group: FactsGroup,
        response: Vec<i64>,
        resolution: Vec<i64>,
    }
    let mut groups: BTreeMap<Vec<KeyValue>, Acc> = BTreeMap::new();
    for f in facts {
        if query.from_s.is_some_and(|from| f.created_s < from)
            || query.to_s.is_some_and(|to| f.created_s >= to)
        {
            continue;
        }
        let passes = query
            .filters
            .iter()
            .all(|(column, allowed)| column.of(f).is_some_and(|v| allowed.iter().any(|a| a == v)));
        if !passes {
            continue;
        }
        let key: Vec<KeyValue> = query
            .group_by
            .iter()
            .map(|k| match k {
                FactKey::Column(c) => KeyValue::Text(c.of(f).map(str::to_string)),
                FactKey::Time(b) => KeyValue::Period(period_of(*b, f.created_s, &query.offsets)),
            })
            .collect();
        let acc = groups.entry(key).or_default();
        let g = &mut acc.group;
        g.cases += 1;
        g.open += u64::from(f.open);
        g.resolved += u64::from(f.resolved);
        g.sla_met += u64::from(f.sla_met);
        g.sla_breached += u64::from(f.sla_breached);
        g.reopened += u64::from(f.reopens > 0);
        g.ever_resolved += u64::from(f.resolutions > 0);
        g.feedback_sum += u64::from(f.feedback_sum);
        g.feedback_count += u64::from(f.feedback_count);
        let (response, resolution) = if query.business {
            (f.response_business_s, f.resolution_business_s)
        } else {
            (f.response_s, f.resolution_s)
        };
        acc.response.extend(response);
        acc.resolution.extend(resolution);
    }
    groups
        .into_iter()
        .map(|(key, acc)| {
            let mut group = acc.group;
            group.key = key;
            group.response = stats(acc.response);
            group.resolution = stats(acc.resolution);
            if !query.ranks {
                group.response.median = (0, 0);
                group.response.p90 = (0, 0);
                group.resolution.median = (0, 0);
                group.resolution.p90 = (0, 0);
            }
            group
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_bound_the_interpolated_percentiles() {
        assert_eq!(rank_bounds(1), ((0, 0), (0, 0)));
        assert_eq!(rank_bounds(2), ((0, 1), (0, 1)));
        assert_eq!(rank_bounds(11), ((5, 5), (9, 9)));
        assert_eq!(rank_bounds(10), ((4, 5), (8, 9)));
    }

    #[test]
    fn periods_follow_the_local_calendar() {
        // 2026-03-29 00:30 UTC is 01:30 in London (after the change to BST
        // at 01:00 UTC it would be a different hour, same day).
        let at = 1_774_744_200;
        let london = [(i64::MIN, 0), (1_774_746_000, 3_600)];
        assert_eq!(period_of(TimeBucket::Day, at, &london), 20_541);
        assert_eq!(period_of(TimeBucket::Month, at, &london), 2026 * 12 + 2);
        // 1970-01-01 was a Thursday: its week starts on Monday 1969-12-29.
        assert_eq!(period_of(TimeBucket::Week, 0, &[]), 0);
        assert_eq!(period_of(TimeBucket::Week, 4 * 86_400, &[]), 1);
        assert_eq!(period_of(TimeBucket::Day, -1, &[]), -1);
        // The civil calendar agrees with jiff's, far before 1970 too.
        for day in [
            -1_000_000, -719_469, -719_468, -1, 0, 59, 60, 20_541, 2_000_000,
        ] {
            let date = jiff::civil::date(1970, 1, 1)
                .checked_add(jiff::Span::new().days(day))
                .unwrap();
            let (year, month) = civil_from_days(day);
            assert_eq!(
                (year, month),
                (i64::from(date.year()), i64::from(date.month())),
                "{day}"
            );
        }
    }
}
