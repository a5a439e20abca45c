use super::*;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

/// Monday to Friday, one window a day.
fn weekdays(zone: &str, start: &str, end: &str) -> Calendar {
    let day = json!([{"start": start, "end": end}]);
    Calendar::from_value(json!({
        "id": "office", "name": "Office", "time_zone": zone,
        "week": {"monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day}
    }))
    .unwrap()
}

fn around_the_clock(zone: &str, holidays: serde_json::Value) -> Calendar {
    Calendar::from_value(json!({
        "id": "24x7-local", "name": "Around the clock", "time_zone": zone,
        "always_open": true, "holidays": holidays
    }))
    .unwrap()
}

fn refused(value: serde_json::Value) -> String {
    match Calendar::from_value(value) {
        Err(Error::InvalidDefinition {
            kind: Entity::Calendar,
            message,
            ..
        }) => message,
        other => panic!("expected an invalid definition, got {other:?}"),
    }
}

#[test]
fn a_case_over_the_weekend_counts_only_monday_morning() {
    for zone in ["UTC", "Europe/London"] {
        let cal = weekdays(zone, "08:00", "17:00");
        let (opened, now) = (ts("2026-03-06T21:00:00Z"), ts("2026-03-09T09:30:00Z"));
        assert_eq!(cal.business_time(opened, now), mins(90), "{zone}");
        assert_eq!(now.duration_since(opened), hours(60) + mins(30));
        assert_eq!(
            Calendar::always().business_time(opened, now),
            hours(60) + mins(30)
        );
        assert_eq!(cal.business_time(now, opened), -mins(90));
    }
}

#[test]
fn one_business_hour_from_friday_afternoon_is_monday_morning() {
    let cal = weekdays("Europe/London", "09:00", "17:00");
    let due = cal
        .add_business(ts("2026-03-06T16:30:00Z"), hours(1))
        .unwrap();
    assert_eq!(due, ts("2026-03-09T09:30:00Z"));
    // Business time reaches exactly the end of a window: that end, not the next opening.
    let due = cal
        .add_business(ts("2026-03-06T16:30:00Z"), mins(30))
        .unwrap();
    assert_eq!(due, ts("2026-03-06T17:00:00Z"));
    assert_eq!(
        cal.add_business(ts("2026-03-06T16:30:00Z"), SignedDuration::ZERO),
        Ok(ts("2026-03-06T16:30:00Z"))
    );
    assert!(matches!(
        cal.add_business(ts("2026-03-06T16:30:00Z"), -hours(1)),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn an_overnight_window_is_shorter_or_longer_across_a_clock_change() {
    let cal = Calendar::from_value(json!({
        "id": "nights", "name": "Night shift", "time_zone": "America/New_York",
        "week": {"saturday": [{"start": "22:00", "end": "06:00", "overnight": true}]}
    }))
    .unwrap();
    // Saturday 2026-03-07; the clocks go forward early on Sunday.
    let day = cal.business_time(ts("2026-03-07T12:00:00Z"), ts("2026-03-08T18:00:00Z"));
    assert_eq!(day, hours(7));
    // Saturday 2026-10-31; the clocks go back early on Sunday.
    let day = cal.business_time(ts("2026-10-31T12:00:00Z"), ts("2026-11-01T18:00:00Z"));
    assert_eq!(day, hours(9));
    assert_eq!(
        cal.open_intervals(ts("2026-10-31T00:00:00Z"), ts("2026-11-02T00:00:00Z")),
        vec![(ts("2026-11-01T02:00:00Z"), ts("2026-11-01T11:00:00Z"))]
    );
    // Seen from inside the window, the previous day's window is still open.
    assert!(cal.is_open(ts("2026-11-01T10:00:00Z")));
    assert!(!cal.is_open(ts("2026-11-01T11:00:00Z")));
}

#[test]
fn around_the_clock_a_spring_day_has_23_hours() {
    let start = ts("2026-03-08T05:00:00Z"); // local midnight, EST
    let end = ts("2026-03-09T04:00:00Z"); // next local midnight, EDT
    let plain = around_the_clock("America/New_York", json!([]));
    assert_eq!(plain.business_time(start, end), hours(23));
    // The same day through the general path (a holiday elsewhere).
    let general = around_the_clock("America/New_York", json!([{"date": "2026-03-07"}]));
    assert_eq!(general.business_time(start, end), hours(23));
    assert_eq!(
        general.business_time(ts("2026-03-07T00:00:00Z"), ts("2026-03-10T00:00:00Z")),
        hours(72 - 24),
    );
}

#[test]
fn a_holiday_closes_a_24x7_calendar_for_the_local_day() {
    let cal = around_the_clock(
        "Pacific/Auckland",
        json!([{"date": "2026-12-25", "name": "Christmas Day"}]),
    );
    assert_eq!(
        cal.business_time(ts("2026-12-24T00:00:00Z"), ts("2026-12-26T00:00:00Z")),
        hours(24)
    );
    assert!(cal.is_open(ts("2026-12-24T10:59:59Z")));
    assert!(!cal.is_open(ts("2026-12-24T11:00:00Z")));
    assert!(!cal.is_open(ts("2026-12-25T10:59:59Z")));
    assert!(cal.is_open(ts("2026-12-25T11:00:00Z")));
    assert_eq!(
        cal.next_opening(ts("2026-12-24T12:00:00Z")),
        Ok(ts("2026-12-25T11:00:00Z"))
    );
    assert_eq!(
        cal.open_intervals(ts("2026-12-24T00:00:00Z"), ts("2026-12-26T00:00:00Z")),
        vec![
            (ts("2026-12-24T00:00:00Z"), ts("2026-12-24T11:00:00Z")),
            (ts("2026-12-25T11:00:00Z"), ts("2026-12-26T00:00:00Z")),
        ]
    );
}

#[test]
fn around_the_clock_no_minute_is_lost_at_midnight() {
    let far_holiday = json!([{"date": "2030-01-01"}]);
    for cal in [
        Calendar::always(),
        around_the_clock("UTC", far_holiday.clone()),
        around_the_clock("Europe/London", far_holiday.clone()),
    ] {
        // Midnight UTC and, for London in winter, local midnight too.
        let (a, b) = (ts("2026-01-14T23:59:00Z"), ts("2026-01-15T00:01:00Z"));
        assert_eq!(cal.business_time(a, b), mins(2), "{}", cal.id());
        assert_eq!(
            cal.open_intervals(ts("2026-01-14T12:00:00Z"), ts("2026-01-16T12:00:00Z"))
                .len(),
            1
        );
        // Summer: London's midnight is 23:00 UTC.
        let (a, b) = (ts("2026-07-14T22:59:00Z"), ts("2026-07-14T23:01:00Z"));
        assert_eq!(cal.business_time(a, b), mins(2));
        assert_eq!(cal.add_business(a, mins(2)), Ok(b));
    }
}

#[test]
fn bad_definitions_are_refused() {
    let base = |week: serde_json::Value| json!({"id": "bad", "name": "Bad", "time_zone": "Europe/London", "week": week});
    let message = refused(
        json!({"id": "bad", "name": "Bad", "time_zone": "Mars/Olympus", "always_open": true}),
    );
    assert!(message.contains("Mars/Olympus"), "{message}");
    let message = refused(base(
        json!({"monday": [{"start": "17:00", "end": "09:00"}]}),
    ));
    assert!(message.contains("overnight"), "{message}");
    let message = refused(base(json!({"monday": [
        {"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]})));
    assert!(message.contains("overlap"), "{message}");
    let message = refused(base(json!({
        "friday": [{"start": "22:00", "end": "06:00", "overnight": true}],
        "saturday": [{"start": "05:00", "end": "09:00"}]})));
    assert!(
        message.contains("friday") && message.contains("saturday"),
        "{message}"
    );
    // The week is a cycle: Sunday night runs into Monday morning.
    let message = refused(base(json!({
        "sunday": [{"start": "22:00", "end": "08:30", "overnight": true}],
        "monday": [{"start": "08:00", "end": "17:00"}]})));
    assert!(
        message.contains("sunday") && message.contains("monday"),
        "{message}"
    );
    let message = refused(base(
        json!({"monday": [{"start": "09:00", "end": "09:00"}]}),
    ));
    assert!(message.contains("empty"), "{message}");
    let message = refused(base(
        json!({"monday": [{"start": "09:00", "end": "09:00", "overnight": true}]}),
    ));
    assert!(message.contains("always_open"), "{message}");
    let message = refused(base(
        json!({"monday": [{"start": "09:00", "end": "17:00", "lunch": true}]}),
    ));
    assert!(message.contains("lunch"), "{message}");
    let message = refused(
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "colour": "red", "always_open": true}),
    );
    assert!(message.contains("colour"), "{message}");
    let message = refused(json!({"id": "bad", "name": "Bad", "time_zone": "UTC"}));
    assert!(message.contains("never opens"), "{message}");
    let message = refused(
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "always_open": true,
        "extra_days": [{"date": "2026-12-27", "windows": []}]}),
    );
    assert!(message.contains("at least one window"), "{message}");
    for other in [
        base(json!({"monday": [{"start": "24:00", "end": "24:00"}]})),
        base(json!({"monday": [{"start": "9:00", "end": "17:00"}]})),
        base(json!({"monday": [{"start": "09:60", "end": "17:00"}]})),
        base(json!({"monday": [{"start": "09:00", "end": "24:01"}]})),
        base(json!({"monday": [{"start": "22:00", "end": "23:00", "overnight": true}]})),
        json!({"id": "Bad", "name": "Bad", "time_zone": "UTC", "always_open": true}),
        json!({"id": "bad", "name": " ", "time_zone": "UTC", "always_open": true}),
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "always_open": true,
               "week": {"monday": [{"start": "09:00", "end": "17:00"}]}}),
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "always_open": true,
               "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-25"}]}),
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "always_open": true,
               "holidays": [{"date": "2026-02-30"}]}),
        json!({"id": "bad", "name": "Bad", "time_zone": "UTC", "always_open": true,
               "extra_days": [{"date": "2026-12-27", "windows": [{"start": "09:00", "end": "10:00"}]},
                              {"date": "2026-12-27", "windows": [{"start": "11:00", "end": "12:00"}]}]}),
    ] {
        refused(other);
    }
    assert!(matches!(
        Calendar::from_json("{not json"),
        Err(Error::InvalidDefinition {
            kind: Entity::Calendar,
            ..
        })
    ));
    let too_many: Vec<_> = (0..11)
        .map(|h| json!({"start": format!("{h:02}:00"), "end": format!("{h:02}:30")}))
        .collect();
    refused(base(json!({"monday": too_many})));
}

#[test]
fn yearly_holidays_extra_days_and_a_window_in_a_clock_gap() {
    let cal = Calendar::from_value(json!({
        "id": "shop", "name": "Shop", "time_zone": "America/New_York",
        "week": {
            "monday": [{"start": "09:00", "end": "17:00"}],
            "tuesday": [{"start": "09:00", "end": "17:00"}],
            "wednesday": [{"start": "09:00", "end": "17:00"}],
            "thursday": [{"start": "09:00", "end": "17:00"}],
            "friday": [{"start": "09:00", "end": "17:00"}]
        },
        "holidays": [
            {"date": "2020-12-25", "name": "Christmas Day", "yearly": true},
            {"date": "2024-02-29", "name": "Leap day", "yearly": true}
        ],
        "extra_days": [
            {"date": "2026-03-08", "name": "Stock take", "windows": [{"start": "02:30", "end": "05:00"}]},
            {"date": "2026-12-27", "windows": [{"start": "13:00", "end": "14:00"}, {"start": "09:00", "end": "10:00"}]}
        ]
    }))
    .unwrap();
    // Christmas 2026 is a Friday, 2029 a Tuesday: closed both years.
    for year in [2026, 2029] {
        let noon = ts(&format!("{year}-12-25T17:00:00Z"));
        assert!(!cal.is_open(noon), "{year}");
    }
    assert!(cal.is_open(ts("2026-12-24T17:00:00Z")));
    // 29 February closes leap years only; 1 March 2027 is a Monday.
    assert!(!cal.is_open(ts("2028-02-29T17:00:00Z")));
    assert!(cal.is_open(ts("2027-03-01T17:00:00Z")));
    // Sunday 2026-12-27 is worked, its windows given out of order.
    assert_eq!(
        cal.business_time(ts("2026-12-27T00:00:00Z"), ts("2026-12-28T00:00:00Z")),
        hours(2)
    );
    assert_eq!(cal.def().extra_days[1].windows[0].start, "09:00");
    // Sunday 2026-03-08 02:30 does not exist in New York: the window opens
    // an hour later, at 03:30 EDT (07:30Z), and closes at 05:00 EDT.
    assert_eq!(
        cal.open_intervals(ts("2026-03-08T00:00:00Z"), ts("2026-03-09T00:00:00Z")),
        vec![(ts("2026-03-08T07:30:00Z"), ts("2026-03-08T09:00:00Z"))]
    );
    assert_eq!(
        cal.next_opening(ts("2026-03-07T23:00:00Z")),
        Ok(ts("2026-03-08T07:30:00Z"))
    );
}

#[test]
fn definitions_round_trip_with_their_version() {
    let mut cal = weekdays("Europe/London", "09:00:00", "24:00");
    assert_eq!(cal.version(), 0);
    assert!(cal.to_json().get("version").is_none());
    assert_eq!(cal.def().week.monday[0].start, "09:00");
    cal.set_version(3);
    assert_eq!(
        cal.reference(),
        CalendarRef {
            id: "office".into(),
            version: 3
        }
    );
    let json = cal.to_json();
    assert_eq!(json["version"], 3);
    let back = Calendar::from_value(json).unwrap();
    assert_eq!(back, cal);
    let fresh = weekdays("Europe/London", "09:00", "24:00");
    assert!(fresh.same_definition(&cal));
    assert_ne!(fresh, cal);
    assert!(!fresh.same_definition(&weekdays("Europe/London", "09:00", "17:00")));
    let text = serde_json::to_string(&cal).unwrap();
    assert_eq!(serde_json::from_str::<Calendar>(&text).unwrap(), cal);
    assert_eq!(Calendar::always().id(), "24x7");
    assert_eq!(Calendar::always().time_zone(), &jiff::tz::TimeZone::UTC);
    assert!(Calendar::from_value(Calendar::always().to_json())
        .unwrap()
        .same_definition(&Calendar::always()));
}

#[test]
fn no_opening_within_twenty_years_is_an_error() {
    let every_day: Vec<_> = jiff::civil::date(2024, 1, 1)
        .series(jiff::Span::new().days(1))
        .take(366)
        .map(|d| json!({"date": d.to_string(), "yearly": true}))
        .collect();
    let cal = around_the_clock("UTC", json!(every_day));
    let at = ts("2026-06-01T00:00:00Z");
    assert!(matches!(cal.next_opening(at), Err(Error::InvalidInput(_))));
    assert!(matches!(
        cal.add_business(at, hours(1)),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(
        cal.business_time(at, ts("2027-06-01T00:00:00Z")),
        SignedDuration::ZERO
    );
    assert!(!cal.is_open(at));
    assert!(matches!(
        Calendar::always().add_business(at, hours(24 * 366 * 21)),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn extreme_instants_do_not_panic() {
    let cal = weekdays("Pacific/Auckland", "08:00", "17:00");
    for cal in [
        cal,
        around_the_clock("America/New_York", json!([{"date": "2026-01-01"}])),
    ] {
        for at in [Timestamp::MIN, Timestamp::MAX] {
            let _ = cal.is_open(at);
            let _ = cal.next_opening(at);
            let _ = cal.add_business(at, SignedDuration::MAX);
            let _ = cal.add_business(at, hours(10));
            let _ = cal.open_intervals(at, at);
        }
        let _ = cal.business_time(ts("9999-12-01T00:00:00Z"), Timestamp::MAX);
        let _ = cal.business_time(Timestamp::MAX, ts("9999-12-01T00:00:00Z"));
        let _ = cal.business_time(Timestamp::MIN, ts("-009999-02-01T00:00:00Z"));
    }
}

#[test]
fn a_year_of_business_time_is_quick() {
    let cal = weekdays("Europe/London", "08:00", "17:00");
    let (a, b) = (ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"));
    assert_eq!(cal.business_time(a, b), hours(9 * 261));
}
