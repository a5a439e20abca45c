//! The reporting aggregation as one SQL statement, for both SQL stores:
//! filter the case facts, cut the local periods, rank the durations with
//! window functions, then group. Answers exactly as
//! [`aggregate`](crate::store::aggregate) does: the values at the ranks
//! the engine interpolates between, integer sums and counts.

use crate::store::{FactKey, FactsQuery, TimeBucket};

/// The SQL dialect a statement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres,
}

/// Columns every row of the statement holds after its keys.
pub(crate) const MEASURE_COLUMNS: usize = 21;

/// Columns of `case_facts`, in the order writes bind them.
pub(crate) const FACT_COLUMNS: &str = "case_id, created_s, status, open, resolved, \
    support_group, assignee, channel, category, priority, campaign, \
    response_s, response_business_s, resolution_s, resolution_business_s, \
    resolutions, reopens, sla_met, sla_breached, feedback_sum, feedback_count";

/// `floor(x / d)` in SQL, whose `/` truncates towards zero.
fn floor_div(x: &str, d: i64) -> String {
    format!("(({x}) - ((({x}) % {d}) + {d}) % {d}) / {d}")
}

/// The local time of `created_s`, in seconds.
fn local_seconds(offsets: &[(i64, i64)]) -> String {
    match offsets {
        [] => "created_s".into(),
        [(_, only)] => format!("(created_s + {only})"),
        [(_, first), rest @ ..] => {
            let mut case = String::from("(created_s + CASE");
            for (from, offset) in rest.iter().rev() {
                case.push_str(&format!(" WHEN created_s >= {from} THEN {offset}"));
            }
            case.push_str(&format!(" ELSE {first} END)"));
            case
        }
    }
}

/// The period of a local day number (`local_day`), as
/// [`crate::store::period_of`] computes it. Months come from the dialect's
/// date functions where they hold (SQLite's from year 0, PostgreSQL's from
/// AD 1, which has no year 0) and from integer arithmetic before.
fn period(bucket: TimeBucket, dialect: Dialect) -> String {
    match bucket {
        TimeBucket::Day => "local_day".into(),
        TimeBucket::Week => floor_div("local_day + 3", 7),
        TimeBucket::Month => {
            let (first_day, native) = match dialect {
                Dialect::Sqlite => (
                    -719_528,
                    "CAST(strftime('%Y', local_day * 86400, 'unixepoch') AS INTEGER) * 12 \
                     + CAST(strftime('%m', local_day * 86400, 'unixepoch') AS INTEGER) - 1",
                ),
                Dialect::Postgres => (
                    -719_162,
                    "CAST(EXTRACT(YEAR FROM to_timestamp(local_day * 86400) AT TIME ZONE 'UTC') * 12 \
                     + EXTRACT(MONTH FROM to_timestamp(local_day * 86400) AT TIME ZONE 'UTC') - 1 AS BIGINT)",
                ),
            };
            format!(
                "CASE WHEN local_day >= {first_day} THEN {native} ELSE {} END",
                civil_month()
            )
        }
    }
}

/// `year * 12 + month - 1` of `local_day` in integer arithmetic (civil
/// from days, H. Hinnant: eras of 400 years from March 0000).
fn civil_month() -> String {
    let z = "(local_day + 719468)";
    let era = floor_div(z, 146_097);
    let doe = format!("({z} - {era} * 146097)");
    let yoe = format!("(({doe} - {doe} / 1460 + {doe} / 36524 - {doe} / 146096) / 365)");
    let doy = format!("({doe} - (365 * {yoe} + {yoe} / 4 - {yoe} / 100))");
    let mp = format!("((5 * {doy} + 2) / 153)");
    format!(
        "(({yoe} + {era} * 400 + CASE WHEN {mp} >= 10 THEN 1 ELSE 0 END) * 12 \
         + CASE WHEN {mp} < 10 THEN {mp} + 2 ELSE {mp} - 10 END)"
    )
}

fn placeholder(n: usize, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => format!("?{n}"),
        Dialect::Postgres => format!("${n}"),
    }
}

fn ranks(column: &str) -> String {
    let (i, n) = (format!("{column}_i"), format!("{column}_n"));
    [
        format!("({n} - 1) / 2"),
        format!("{n} / 2"),
        format!("({n} - 1) * 9 / 10"),
        format!("(({n} - 1) * 9 + 9) / 10"),
    ]
    .iter()
    .map(|rank| format!("MAX(CASE WHEN {i} = {rank} THEN {column} END)"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The statement and its text parameters (filter values, in order).
/// Each row: the keys (`k0`, `k1`, ...), then [`MEASURE_COLUMNS`] integers
/// (cases, open, resolved; response count, sum, four ranked values;
/// the same for resolution; SLA met, breached; reopened, ever resolved;
/// feedback sum, count). Ranked values are 0 when not asked for.
pub(crate) fn kpi_statement(query: &FactsQuery, dialect: Dialect) -> (String, Vec<String>) {
    let mut params = Vec::new();
    let mut conditions = Vec::new();
    if let Some(from) = query.from_s {
        conditions.push(format!("created_s >= {from}"));
    }
    if let Some(to) = query.to_s {
        conditions.push(format!("created_s < {to}"));
    }
    for (column, values) in &query.filters {
        let marks: Vec<String> = values
            .iter()
            .map(|v| {
                params.push(v.clone());
                placeholder(params.len(), dialect)
            })
            .collect();
        conditions.push(format!("{} IN ({})", column.name(), marks.join(", ")));
    }
    let keys: Vec<String> = (0..query.group_by.len()).map(|i| format!("k{i}")).collect();
    let key_exprs: Vec<String> = query
        .group_by
        .iter()
        .zip(&keys)
        .map(|(key, name)| match key {
            FactKey::Column(c) => format!("{} AS {name}", c.name()),
            FactKey::Time(b) => format!("{} AS {name}", period(*b, dialect)),
        })
        .collect();
    let (response, resolution) = if query.business {
        ("response_business_s", "resolution_business_s")
    } else {
        ("response_s", "resolution_s")
    };
    let mut select: Vec<String> = key_exprs;
    select.extend(
        [
            "open",
            "resolved",
            "sla_met",
            "sla_breached",
            "reopens",
            "resolutions",
            "feedback_sum",
            "feedback_count",
        ]
        .map(String::from),
    );
    select.push(format!("{response} AS resp"));
    select.push(format!("{resolution} AS res"));
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    // The local day is computed once per row, below the period keys.
    let source_rows = if query.group_by.iter().any(|k| matches!(k, FactKey::Time(_))) {
        format!(
            "(SELECT case_facts.*, {} AS local_day FROM case_facts{filter}) AS facts",
            floor_div(&local_seconds(&query.offsets), 86_400)
        )
    } else {
        format!("case_facts{filter}")
    };
    let mut sql = format!(
        "WITH f AS (SELECT {} FROM {source_rows})",
        select.join(", ")
    );
    let source = if query.ranks {
        let partition = |extra: &str| {
            let mut by = keys.clone();
            if !extra.is_empty() {
                by.push(extra.to_string());
            }
            if by.is_empty() {
                String::new()
            } else {
                format!("PARTITION BY {}", by.join(", "))
            }
        };
        sql.push_str(&format!(
            ", w AS (SELECT f.*, \
             ROW_NUMBER() OVER ({} ORDER BY resp) - 1 AS resp_i, \
             COUNT(resp) OVER ({}) AS resp_n, \
             ROW_NUMBER() OVER ({} ORDER BY res) - 1 AS res_i, \
             COUNT(res) OVER ({}) AS res_n FROM f)",
            partition("resp IS NULL"),
            partition(""),
            partition("res IS NULL"),
            partition(""),
        ));
        "w"
    } else {
        "f"
    };
    let (resp_ranks, res_ranks) = if query.ranks {
        (ranks("resp"), ranks("res"))
    } else {
        let zeros = ["CAST(0 AS BIGINT)"; 4].join(", ");
        (zeros.clone(), zeros)
    };
    let sum = |c: &str| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)");
    let mut out: Vec<String> = keys.clone();
    out.extend([
        "COUNT(*)".to_string(),
        sum("open"),
        sum("resolved"),
        "COUNT(resp)".to_string(),
        sum("resp"),
        resp_ranks,
        "COUNT(res)".to_string(),
        sum("res"),
        res_ranks,
        sum("sla_met"),
        sum("sla_breached"),
        sum("CASE WHEN reopens > 0 THEN 1 ELSE 0 END"),
        sum("CASE WHEN resolutions > 0 THEN 1 ELSE 0 END"),
        sum("feedback_sum"),
        sum("feedback_count"),
    ]);
    sql.push_str(&format!(" SELECT {} FROM {source}", out.join(", ")));
    if !keys.is_empty() {
        sql.push_str(&format!(" GROUP BY {}", keys.join(", ")));
    }
    (sql, params)
}

/// One row's aggregates from its integer columns after the keys.
pub(crate) fn group_from(key: Vec<crate::store::KeyValue>, v: &[i64]) -> crate::store::FactsGroup {
    use crate::store::{DurationStats, FactsGroup};
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    let stats = |s: &[i64]| DurationStats {
        count: n(s[0]),
        sum: s[1],
        median: (s[2], s[3]),
        p90: (s[4], s[5]),
    };
    FactsGroup {
        key,
        cases: n(v[0]),
        open: n(v[1]),
        resolved: n(v[2]),
        response: stats(&v[3..9]),
        resolution: stats(&v[9..15]),
        sla_met: n(v[15]),
        sla_breached: n(v[16]),
        reopened: n(v[17]),
        ever_resolved: n(v[18]),
        feedback_sum: n(v[19]),
        feedback_count: n(v[20]),
    }
}
