//! Property tests of derived clocks over random case histories: reading
//! later never counts less, and pausing never brings the deadline forward.

use super::*;
use crate::calendar::Calendar;
use crate::model::CaseChange;
use crate::template::Fields;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use serde_json::json;

const START: i64 = 1_772_787_600; // 2026-03-06T09:00:00Z, a Friday

fn set() -> SlaSet {
    let calendar = Calendar::from_value(json!({
        "id": "office", "name": "Office", "time_zone": "Europe/London",
        "week": {"monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
                 "wednesday": [{"start": "08:00", "end": "17:00"}],
                 "friday": [{"start": "22:00", "end": "06:00", "overnight": true}]}
    }))
    .expect("calendar");
    let ctx = DefinitionContext {
        calendar_exists: &|id| id == "office",
        template_fields: &|_| None,
    };
    let definition = SlaDefinition::from_value(
        json!({"id": "resolve", "name": "R", "target": "resolution", "duration": "20h",
               "calendar": "office", "warnings": [50, 75],
               "pause": {"field": "status", "equals": "awaiting_customer"}}),
        &ctx,
    )
    .expect("definition");
    let mut set = SlaSet::default();
    let loaded = Timestamp::from_second(START - 86_400).expect("instant");
    set.add_calendar(loaded, calendar);
    set.add_definition(loaded, definition);
    set
}

fn change(at: i64, status: &str) -> CaseChange {
    let mut changed = Fields::new();
    changed.insert("status".into(), json!(status));
    CaseChange {
        at: Timestamp::from_second(at).expect("instant"),
        by: "agent".into(),
        changed,
    }
}

/// A history: created as new, then open statuses (never resolved) at increasing times.
fn history(steps: &[(u32, bool)]) -> CaseSlaHistory<'static> {
    let mut at = START;
    let mut changes = vec![change(at, "new")];
    for (gap, waiting) in steps {
        at += i64::from(*gap);
        changes.push(change(
            at,
            if *waiting {
                "awaiting_customer"
            } else {
                "in_progress"
            },
        ));
    }
    CaseSlaHistory {
        created_at: Timestamp::from_second(START).expect("instant"),
        changes: changes.into(),
        ..CaseSlaHistory::default()
    }
}

proptest! {
    #[test]
    fn reading_later_never_counts_less(
        steps in proptest::collection::vec((60u32..200_000, any::<bool>()), 0..12),
        a in 0i64..3_000_000,
        b in 0i64..3_000_000,
    ) {
        let set = set();
        let h = history(&steps);
        let (early, late) = (a.min(b), a.max(b));
        let at = |s: i64| Timestamp::from_second(START + s).expect("instant");
        let first = derive_clocks(&h, &set, at(early));
        let second = derive_clocks(&h, &set, at(late));
        prop_assert_eq!(first.len(), 1);
        prop_assert!(second[0].business_elapsed_s >= first[0].business_elapsed_s);
        prop_assert!(second[0].actual_elapsed_s >= first[0].actual_elapsed_s);
        prop_assert!(second[0].paused_s >= first[0].paused_s);
        prop_assert!(second[0].percentage >= first[0].percentage);
        prop_assert!(first[0].business_elapsed_s <= first[0].actual_elapsed_s);
    }

    #[test]
    fn pausing_never_brings_the_deadline_forward(
        steps in proptest::collection::vec((60u32..200_000, any::<bool>()), 0..12),
    ) {
        let set = set();
        let h = history(&steps);
        let end = h.changes.last().map(|c| c.at).expect("changes");
        let now = end.checked_add(SignedDuration::from_hours(1)).expect("instant");
        let clock = &derive_clocks(&h, &set, now)[0];
        if let (Some(planned), Some(original)) = (clock.planned_breach_at, clock.original_breach_at) {
            prop_assert!(planned >= original, "{planned} before {original}");
        }
        // The crossings the store indexes are the clock's own.
        let due = due_crossings(&h, &set);
        let from_clock: Vec<(u8, Timestamp)> =
            clock.crossings.iter().map(|c| (c.threshold, c.at)).collect();
        let mut indexed: Vec<(u8, Timestamp)> = due.iter().map(|d| (d.threshold, d.due_at)).collect();
        indexed.sort();
        let mut expected = from_clock.clone();
        expected.sort();
        prop_assert_eq!(indexed, expected);
    }
}
