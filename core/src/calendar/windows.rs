//! The windows of a day and of the week: times parsed, windows sorted and
//! normalised, and overlaps refused (the week taken as a cycle).

use super::definition::WorkWindow;
use super::Window;
use jiff::civil::Time;

const MAX_WINDOWS_PER_DAY: usize = 10;
pub(super) const DAY: u32 = 86_400;
const WEEK: u32 = 7 * DAY;
/// The weekdays as the definition names them, Monday first.
pub(super) const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A window as seconds from the start of its day (the end past `DAY` when
/// it runs into the next day), with its text for messages.
pub(super) type Span = (u32, u32, String);

/// Parses, sorts and normalises a day's windows; checks each on its own.
pub(super) fn compile_day(
    raw: &mut [WorkWindow],
    day: &str,
) -> std::result::Result<(Vec<Window>, Vec<Span>), String> {
    if raw.len() > MAX_WINDOWS_PER_DAY {
        return Err(format!(
            "{day} has {} windows; at most {MAX_WINDOWS_PER_DAY} are allowed",
            raw.len()
        ));
    }
    let mut parsed = Vec::with_capacity(raw.len());
    for w in raw.iter() {
        let text = format!("{}–{}", w.start, w.end);
        let start = parse_time(&w.start).filter(|&s| s < DAY).ok_or_else(|| {
            format!(
                "{day}: the start `{}` is not a time from 00:00 to 23:59 (HH:MM or HH:MM:SS)",
                w.start
            )
        })?;
        let end = parse_time(&w.end).ok_or_else(|| {
            format!(
                "{day}: the end `{}` is not a time from 00:00 to 24:00 (HH:MM or HH:MM:SS)",
                w.end
            )
        })?;
        let end = if w.overnight {
            if end == start {
                return Err(format!(
                    "{day}: the overnight window {text} would last 24 hours; use `always_open`"
                ));
            }
            if end > start {
                return Err(format!(
                    "{day}: the overnight window {text} must end before it starts (on the next day); leave out `overnight`"
                ));
            }
            end + DAY
        } else {
            if end == start {
                return Err(format!("{day}: the window {text} is empty"));
            }
            if end < start {
                return Err(format!(
                    "{day}: the window {text} ends before it starts; set `\"overnight\": true` if it runs past midnight"
                ));
            }
            end
        };
        parsed.push((start, end, w.overnight));
    }
    parsed.sort_unstable();
    let mut windows = Vec::with_capacity(parsed.len());
    let mut spans = Vec::with_capacity(parsed.len());
    for (slot, &(start, end, overnight)) in raw.iter_mut().zip(&parsed) {
        *slot = WorkWindow {
            start: format_time(start),
            end: format_time(end % DAY),
            overnight,
        };
        if !overnight && end == DAY {
            slot.end = "24:00".into();
        }
        windows.push(Window {
            start: time_of(start)?,
            end: time_of(end % DAY)?,
            end_next_day: end >= DAY,
        });
        spans.push((start, end, format!("{}–{}", slot.start, slot.end)));
    }
    Ok((windows, spans))
}

/// The windows of the whole week, as a cycle: none may overlap another.
pub(super) fn check_week(days: &[Vec<Span>]) -> std::result::Result<(), String> {
    let mut all = Vec::new();
    for (day, spans) in (0u32..).zip(days) {
        for (s, e, text) in spans {
            let (s, e) = (day * DAY + s, day * DAY + e);
            all.push((s, e, day as usize, text.as_str()));
            if e > WEEK {
                all.push((0, e - WEEK, day as usize, text.as_str()));
            }
        }
    }
    check_overlaps(all.into_iter(), &DAY_NAMES)
}

pub(super) fn check_overlaps<'a, S: AsRef<str> + 'a>(
    spans: impl Iterator<Item = (u32, u32, usize, &'a str)>,
    names: &[S],
) -> std::result::Result<(), String> {
    let mut spans: Vec<_> = spans.collect();
    spans.sort_unstable_by_key(|&(s, e, _, _)| (s, e));
    let name = |i: usize| names.get(i).map(AsRef::as_ref).unwrap_or("?");
    for pair in spans.windows(2) {
        if let [(_, e1, d1, t1), (s2, _, d2, t2)] = pair {
            if s2 < e1 {
                return Err(if d1 == d2 {
                    format!("{}: the windows {t1} and {t2} overlap", name(*d1))
                } else {
                    format!(
                        "the {} window {t1} overlaps the {} window {t2}",
                        name(*d1),
                        name(*d2)
                    )
                });
            }
        }
    }
    Ok(())
}

/// `HH:MM` or `HH:MM:SS` as seconds since midnight; `24:00` is `DAY`.
fn parse_time(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let (hi, lo) = (*b.get(i)?, *b.get(i + 1)?);
        (hi.is_ascii_digit() && lo.is_ascii_digit())
            .then(|| u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
    };
    let (h, m) = (two(0)?, two(3)?);
    if b.get(2) != Some(&b':') {
        return None;
    }
    let sec = match b.len() {
        5 => 0,
        8 if b.get(5) == Some(&b':') => two(6)?,
        _ => return None,
    };
    if m > 59 || sec > 59 || h > 24 || (h == 24 && (m, sec) != (0, 0)) {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

fn format_time(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

fn time_of(secs: u32) -> std::result::Result<Time, String> {
    let part = |v: u32| i8::try_from(v).unwrap_or(i8::MAX);
    Time::new(part(secs / 3600), part(secs / 60 % 60), part(secs % 60), 0)
        .map_err(|e| format!("not a time of day: {e}"))
}
