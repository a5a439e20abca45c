//! Properties of working-time arithmetic, over fixed and generated calendars
//! (overnight windows, clock changes, holidays) and instants in 2025–2028.

use super::*;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use serde_json::json;

const ZONES: [&str; 5] = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Pacific/Auckland",
    "Australia/Lord_Howe",
];

fn fixed() -> Vec<Calendar> {
    let office = json!([{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]);
    vec![
        Calendar::always(),
        Calendar::from_value(json!({
            "id": "uk-office", "name": "UK office", "time_zone": "Europe/London",
            "week": {"monday": office, "tuesday": office, "wednesday": office, "thursday": office,
                     "friday": [{"start": "08:00", "end": "16:00"}]},
            "holidays": [{"date": "2026-12-25", "yearly": true}, {"date": "2027-05-03"}],
            "extra_days": [{"date": "2026-12-27", "windows": [{"start": "09:00", "end": "13:00"}]}]
        }))
        .unwrap(),
        Calendar::from_value(json!({
            "id": "ny-nights", "name": "Nights", "time_zone": "America/New_York",
            "week": {
                "monday": [{"start": "09:00", "end": "12:00"}],
                "friday": [{"start": "22:00", "end": "06:00", "overnight": true}],
                "saturday": [{"start": "10:00", "end": "14:00"}, {"start": "22:00", "end": "01:00", "overnight": true}],
                "sunday": [{"start": "01:30", "end": "02:45"}, {"start": "23:00", "end": "01:00", "overnight": true}]
            },
            "holidays": [{"date": "2026-11-01"}],
            "extra_days": [{"date": "2026-11-01", "windows": [{"start": "01:15", "end": "01:45"}]}]
        }))
        .unwrap(),
        Calendar::from_value(json!({
            "id": "nz-24x7", "name": "Auckland", "time_zone": "Pacific/Auckland", "always_open": true,
            "holidays": [{"date": "2026-12-25"}, {"date": "2020-01-01", "yearly": true}, {"date": "2026-04-05"}]
        }))
        .unwrap(),
        Calendar::from_value(json!({
            "id": "lord-howe", "name": "Lord Howe", "time_zone": "Australia/Lord_Howe",
            "week": {"sunday": [{"start": "02:10", "end": "02:20"}, {"start": "02:20", "end": "24:00"}],
                     "wednesday": [{"start": "18:00", "end": "02:15", "overnight": true}]}
        }))
        .unwrap(),
    ]
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A calendar with up to three windows a day in one of a few zones, and a few holidays.
fn any_calendar() -> impl Strategy<Value = Calendar> {
    let day = proptest::collection::btree_set(0u32..=1440, 0..=6);
    (
        0..ZONES.len(),
        proptest::collection::vec(day, 7),
        proptest::collection::vec((2025i16..=2028, 1i8..=12, 1i8..=28, any::<bool>()), 0..4),
    )
        .prop_map(|(zone, days, holidays)| {
            let mut week = serde_json::Map::new();
            for (name, points) in super::windows::DAY_NAMES.iter().zip(days) {
                let points: Vec<u32> = points.into_iter().collect();
                let windows: Vec<_> = points
                    .chunks_exact(2)
                    .map(|p| json!({"start": hhmm(p[0]), "end": hhmm(p[1])}))
                    .collect();
                if !windows.is_empty() {
                    week.insert(name.to_string(), json!(windows));
                }
            }
            if week.is_empty() {
                week.insert("monday".into(), json!([{"start": "09:00", "end": "17:00"}]));
            }
            let mut seen = std::collections::HashSet::new();
            let holidays: Vec<_> = holidays
                .into_iter()
                .filter(|h| seen.insert((h.1, h.2)))
                .map(|(y, m, d, yearly)| {
                    json!({"date": format!("{y:04}-{m:02}-{d:02}"), "yearly": yearly})
                })
                .collect();
            Calendar::from_value(json!({
                "id": "random", "name": "Random", "time_zone": ZONES[zone],
                "week": week, "holidays": holidays
            }))
            .unwrap()
        })
}

fn any_cal() -> impl Strategy<Value = Calendar> {
    prop_oneof![
        1 => proptest::sample::select(fixed()),
        1 => any_calendar(),
    ]
}

/// An instant in 2025–2028, to the second.
fn instant() -> impl Strategy<Value = Timestamp> {
    (1_735_689_600i64..1_861_920_000).prop_map(|s| Timestamp::from_second(s).unwrap())
}

fn up_to_30_days() -> impl Strategy<Value = SignedDuration> {
    prop_oneof![
        (0i64..=30 * 86_400).prop_map(SignedDuration::from_secs),
        (0i64..=600).prop_map(SignedDuration::from_secs),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn business_time_adds_up(cal in any_cal(), a in instant(), b in instant(), c in instant()) {
        let mut v = [a, b, c];
        v.sort();
        let [a, b, c] = v;
        prop_assert_eq!(cal.business_time(a, b) + cal.business_time(b, c), cal.business_time(a, c));
        prop_assert_eq!(cal.business_time(c, a), -cal.business_time(a, c));
    }

    #[test]
    fn business_time_is_between_zero_and_wall_time(cal in any_cal(), a in instant(), b in instant()) {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let worked = cal.business_time(a, b);
        prop_assert!(!worked.is_negative());
        prop_assert!(worked <= b.duration_since(a));
    }

    #[test]
    fn adding_business_time_gives_it_back(cal in any_cal(), a in instant(), d in up_to_30_days()) {
        let t = cal.add_business(a, d).unwrap();
        prop_assert!(t >= a);
        prop_assert_eq!(cal.business_time(a, t), d);
        if !d.is_zero() {
            // The earliest such instant: just before it, not yet.
            let before = t.checked_sub(SignedDuration::from_nanos(1)).unwrap();
            prop_assert!(cal.business_time(a, before) < d);
            prop_assert!(cal.is_open(before));
        }
    }

    #[test]
    fn adding_more_business_time_ends_no_earlier(
        cal in any_cal(), a in instant(), d1 in up_to_30_days(), d2 in up_to_30_days()
    ) {
        let (d1, d2) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
        prop_assert!(cal.add_business(a, d1).unwrap() <= cal.add_business(a, d2).unwrap());
    }

    #[test]
    fn the_next_opening_is_open(cal in any_cal(), t in instant()) {
        let next = cal.next_opening(t).unwrap();
        prop_assert!(next >= t);
        prop_assert!(cal.is_open(next));
        prop_assert_eq!(cal.business_time(t, next), SignedDuration::ZERO);
        prop_assert_eq!(cal.is_open(t), next == t);
    }

    #[test]
    fn open_means_a_second_of_work(cal in any_cal(), t in instant()) {
        let second = t.checked_add(SignedDuration::from_secs(1)).unwrap();
        let worked = cal.business_time(t, second);
        prop_assert_eq!(cal.is_open(t), worked == SignedDuration::from_secs(1));
    }

    #[test]
    fn open_intervals_are_the_business_time(cal in any_cal(), a in instant(), span in 0i64..40 * 86_400) {
        let b = a.checked_add(SignedDuration::from_secs(span)).unwrap();
        let intervals = cal.open_intervals(a, b);
        let mut total = SignedDuration::ZERO;
        let mut previous_end: Option<Timestamp> = None;
        for &(start, end) in &intervals {
            prop_assert!(a <= start && start < end && end <= b);
            // Ordered, and merged where they touch.
            prop_assert!(previous_end.is_none_or(|p| p < start));
            prop_assert!(cal.is_open(start));
            if end < b {
                prop_assert!(!cal.is_open(end));
            }
            total += end.duration_since(start);
            previous_end = Some(end);
        }
        prop_assert_eq!(total, cal.business_time(a, b));
    }
}
