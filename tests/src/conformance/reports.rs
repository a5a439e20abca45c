//! Reports over a store: KPIs grouped by attribute and period, in
//! wall-clock and business time, computed by the store; definitions
//! checked and versioned; tables as CSV.

use crate::fixtures::*;
use casebook::store::{Store, StoreExt};
use casebook::*;
use jiff::Timestamp;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

/// Monday 2026-03-09 08:00 UTC, an office calendar (weekdays 08:00 to
/// 17:00 UTC), a 1-hour first-response and a 2-hour resolution level.
fn report_engine<S: Store>(store: S) -> (Casebook<S>, Arc<ManualClock>) {
    let (cb, clock) = office_engine(store, at("2026-03-09T08:00:00Z"), 16);
    let admin = Actor::new("admin");
    cb.load_sla(
        &admin,
        &json!({"id": "respond", "name": "Answered in 1 business hour", "target": "first_response",
                "duration": "1h", "calendar": "office"})
        .to_string(),
    )
    .expect("response sla");
    cb.load_sla(
        &admin,
        &json!({"id": "resolve", "name": "Resolved in 2 business hours", "target": "resolution",
                "duration": "2h", "calendar": "office"})
        .to_string(),
    )
    .expect("resolution sla");
    (cb, clock)
}

struct Desk<'a, S: Store> {
    cb: &'a Casebook<S>,
    clock: &'a ManualClock,
}

impl<S: Store> Desk<'_, S> {
    fn open(&self, when: &str, group: &str, channel: Channel) -> Case {
        self.clock.set(at(when));
        self.cb
            .create_case(
                &agent(),
                CaseInput {
                    short_description: format!("{group} trouble"),
                    support_group: Some(group.into()),
                    channel: Some(channel),
                    ..CaseInput::default()
                },
            )
            .expect("case")
    }

    fn answer(&self, when: &str, case: &Case) -> Case {
        self.clock.set(at(when));
        self.cb
            .add_case_entry(&agent(), case.id, EntryKind::Comment, "Looking into it")
            .expect("comment")
    }

    fn status(&self, when: &str, case: Uuid, to: CaseStatus) -> Case {
        self.clock.set(at(when));
        let current = self.cb.case(case).expect("case");
        let resolution = (to == CaseStatus::Resolved).then(|| ResolutionInput {
            notes: "Fixed".into(),
            share_with_requester: true,
        });
        self.cb
            .set_case_status(&agent(), case, current.version, to, resolution)
            .expect("status")
    }
}

fn def(json: Value) -> ReportDefinition {
    ReportDefinition::from_json(&json.to_string()).expect("definition")
}

fn period(from: &str, to: &str) -> ReportPeriod {
    ReportPeriod {
        from: Some(at(from)),
        to: Some(at(to)),
    }
}

fn rows(table: &ReportTable) -> Value {
    Value::Array(table.rows.iter().cloned().map(Value::Array).collect())
}

/// Five cases of a week: KPIs by support group in wall-clock and business
/// time, by day in London time, filtered by channel; the store's answer is
/// the reference aggregation's.
pub fn kpis_by_group_and_period<S: Store>(store: S) {
    let (cb, clock) = report_engine(store);
    let desk = Desk {
        cb: &cb,
        clock: &clock,
    };
    // Answered in 30 min, resolved in 1 h: both levels met.
    let quick = desk.open("2026-03-09T08:00:00Z", "network", Channel::Voice);
    desk.answer("2026-03-09T08:30:00Z", &quick);
    desk.status("2026-03-09T09:00:00Z", quick.id, CaseStatus::Resolved);
    // Opened an hour before closing: answered after 16.5 h (1.5 business
    // hours), resolved after 17.5 h (2.5 business hours): both breached.
    let late = desk.open("2026-03-09T16:00:00Z", "network", Channel::Email);
    desk.answer("2026-03-10T08:30:00Z", &late);
    desk.status("2026-03-10T09:30:00Z", late.id, CaseStatus::Resolved);
    // Still open, never answered.
    desk.open("2026-03-10T10:00:00Z", "billing", Channel::Email);
    // Resolved, reopened, resolved again after 2 h.
    let again = desk.open("2026-03-11T08:00:00Z", "network", Channel::Voice);
    desk.answer("2026-03-11T08:10:00Z", &again);
    desk.status("2026-03-11T08:30:00Z", again.id, CaseStatus::Resolved);
    desk.status("2026-03-11T08:40:00Z", again.id, CaseStatus::InProgress);
    desk.status("2026-03-11T10:00:00Z", again.id, CaseStatus::Resolved);
    // After the period.
    desk.open("2026-03-16T08:00:00Z", "network", Channel::Voice);

    let week = period("2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z");
    let measures = json!([
        "created",
        "resolved",
        "open",
        "first_response_median",
        "first_response_p90",
        "resolution_mean",
        "resolution_p90",
        "sla_attainment",
        "sla_met",
        "reopen_rate"
    ]);
    let wall = def(json!({"id": "by-group", "group_by": ["support_group"],
        "measures": measures, "durations": "wall_clock"}));
    let table = cb.kpi_report(&wall, week).expect("report");
    assert_eq!(
        table.columns,
        [
            "support_group",
            "created",
            "resolved",
            "open",
            "first_response_median",
            "first_response_p90",
            "resolution_mean",
            "resolution_p90",
            "sla_attainment",
            "sla_met",
            "reopen_rate"
        ]
    );
    // network: responses 1800, 59400, 600 s -> median 1800, p90 between
    // 1800 and 59400 at 0.8 -> 47880; resolutions 3600, 63000, 7200.
    // Levels: the quick and the reopened case met both, the late one
    // breached both; billing's still run.
    assert_eq!(
        rows(&table),
        json!([
            ["billing", 1, 0, 1, null, null, null, null, null, 0, null],
            [
                "network",
                3,
                3,
                0,
                1800,
                47880,
                24600,
                51840,
                0.6666666666666666,
                4,
                0.3333333333333333
            ],
        ])
    );
    let business = def(json!({"id": "by-group", "group_by": ["support_group"],
        "measures": measures}));
    let table = cb.kpi_report(&business, week).expect("report");
    // Business time: responses 1800, 5400 (an hour on Monday, half an
    // hour on Tuesday) and 600 s.
    let network = &table.rows[1];
    assert_eq!(network[4], json!(1800));
    assert_eq!(network[5], json!(4680));

    // By day in London (GMT in March before the 29th), voice only.
    let days = def(json!({"id": "voice-days", "group_by": ["day"],
        "filters": {"channel": ["voice"]}, "measures": ["created", "resolved"],
        "time_zone": "Europe/London"}));
    let table = cb.kpi_report(&days, week).expect("report");
    assert_eq!(
        rows(&table),
        json!([["2026-03-09", 1, 1], ["2026-03-11", 1, 1]])
    );
    let weeks = def(json!({"id": "weeks", "group_by": ["week", "status"],
        "measures": ["created"]}));
    let table = cb
        .kpi_report(
            &weeks,
            period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        )
        .expect("report");
    assert_eq!(
        rows(&table),
        json!([
            ["2026-W11", "new", 1],
            ["2026-W11", "resolved", 3],
            ["2026-W12", "new", 1]
        ])
    );

    // The store's aggregation answers as the reference one over its facts.
    let query = wall.facts_query(&week).expect("query");
    let facts: Vec<_> = cb
        .store()
        .read_with(|tx| {
            let mut out = Vec::new();
            for id in tx.case_ids(None, 100)? {
                out.extend(tx.case_facts(id)?);
            }
            Ok(out)
        })
        .unwrap();
    assert_eq!(facts.len(), 5);
    let mut expected = casebook::store::aggregate(&facts, &query);
    let mut got = cb.store().read_with(|tx| tx.case_kpis(&query)).unwrap();
    expected.sort_by(|a, b| a.key.cmp(&b.key));
    got.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(got, expected);
    assert!(cb.check_invariants().unwrap().is_empty());
}

/// Definitions are checked when loaded and kept by version; a period
/// must run forwards and a time dimension needs both ends; tables export
/// as CSV.
pub fn reports_are_checked_versioned_and_exported<S: Store>(store: S) {
    let (cb, clock) = report_engine(store);
    let desk = Desk {
        cb: &cb,
        clock: &clock,
    };
    desk.open("2026-03-09T08:00:00Z", "=network", Channel::Voice);
    let admin = Actor::new("admin");
    let bad = [
        json!({"id": "x", "measures": ["created", "throughput"]}),
        json!({"id": "x", "measures": []}),
        json!({"id": "x", "measures": ["created", "created"]}),
        json!({"id": "x", "group_by": ["day", "week"], "measures": ["created"]}),
        json!({"id": "x", "measures": ["created"], "time_zone": "Mars/Olympus"}),
        json!({"id": "no spaces", "measures": ["created"]}),
        json!({"id": "x", "measures": ["created"], "filters": {"colour": ["red"]}}),
        json!({"id": "x", "measures": ["created"], "filters": {"category": ["line\u{0}fault"]}}),
        json!({"id": "x", "measures": ["created"], "filters": {"category": ["x".repeat(300)]}}),
    ];
    for json in bad {
        let err = cb.load_report(&admin, &json.to_string()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidDefinition, "{json}");
    }
    let volume = json!({"id": "volume", "name": "Volume", "group_by": ["support_group"],
        "measures": ["created", "open"]});
    assert_eq!(
        cb.load_report(&admin, &volume.to_string()).unwrap().version,
        1
    );
    assert_eq!(
        cb.load_report(&admin, &volume.to_string()).unwrap().version,
        1
    );
    let mut changed = volume.clone();
    changed["measures"] = json!(["created"]);
    assert_eq!(
        cb.load_report(&admin, &changed.to_string())
            .unwrap()
            .version,
        2
    );
    assert_eq!(
        cb.report_definition("volume", Some(1))
            .unwrap()
            .measures
            .len(),
        2
    );
    assert_eq!(cb.report_definitions().unwrap().len(), 1);
    let table = cb.run_report("volume", ReportPeriod::default()).unwrap();
    assert_eq!((table.report.as_str(), table.version), ("volume", 2));
    assert_eq!(table.to_csv(), "support_group,created\r\n'=network,1\r\n");
    assert_eq!(
        cb.run_report("nothing", ReportPeriod::default())
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let reversed = period("2026-03-10T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(
        cb.run_report("volume", reversed).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let daily = def(json!({"id": "daily", "group_by": ["day"], "measures": ["created"]}));
    assert_eq!(
        cb.kpi_report(&daily, ReportPeriod::default())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
}

/// A case merge moves customer messages with their contacts: the facts
/// of both cases follow (their next-response clocks), and again on unmerge.
pub fn report_facts_follow_case_merges<S: Store>(store: S) {
    let (cb, clock) = report_engine(store);
    cb.load_sla(
        &Actor::new("admin"),
        &json!({"id": "reply", "name": "Replied in 1 business hour", "target": "next_response",
                "duration": "1h", "calendar": "office"})
        .to_string(),
    )
    .expect("next-response sla");
    let desk = Desk {
        cb: &cb,
        clock: &clock,
    };
    let survivor = desk.open("2026-03-09T08:00:00Z", "network", Channel::Voice);
    let duplicate = desk.open("2026-03-09T08:05:00Z", "network", Channel::Email);
    clock.set(at("2026-03-09T08:10:00Z"));
    cb.log_contact(
        &agent(),
        ContactInput {
            cases: vec![duplicate.number.clone()],
            summary: "Still down".into(),
            ..ContactInput::inbound(Channel::Email, "ann@example.org")
        },
    )
    .expect("customer message");
    let duplicate = desk.answer("2026-03-09T08:20:00Z", &duplicate);
    let met = |case: &Case| {
        cb.store()
            .read_with(|tx| tx.case_facts(case.id))
            .unwrap()
            .map(|f| f.sla_met)
    };
    // Answered within the hour: the response and next-response clocks met.
    assert_eq!(met(&duplicate), Some(2));
    clock.set(at("2026-03-09T09:00:00Z"));
    let merged = cb
        .merge_cases(
            &agent(),
            &CaseMergePlan {
                survivor: survivor.number.clone(),
                duplicate: duplicate.number.clone(),
            },
        )
        .expect("merge");
    assert!(cb.check_invariants().unwrap().is_empty());
    cb.unmerge_cases(&agent(), merged.merge_id)
        .expect("unmerge");
    assert!(cb.check_invariants().unwrap().is_empty());
}
