//! Working-time arithmetic: the working intervals of a calendar, generated
//! lazily day by day in its time zone, and the questions asked of them.

use super::{Calendar, Window};
use crate::error::{Error, Result};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

/// How far ahead an opening or a due time is looked for (20 years).
const HORIZON: SignedDuration = SignedDuration::from_hours(20 * 8766);
/// Local days generated before the day of the query's start, so that
/// windows begun earlier (overnight, or moved by a time-zone change) are seen.
const LEAD_DAYS: i64 = 2;
/// The most windows a day can hold (see the definition's limits).
const DAY_BUFFER: usize = 10;

type Interval = (Timestamp, Timestamp);

/// The working intervals from some local day on: ordered, disjoint, and
/// merged where they touch, except that an interval is handed out as soon
/// as it reaches `until` (callers clip there, so nothing after it matters).
struct Intervals<'a> {
    cal: &'a Calendar,
    /// The next local day to generate; `None` when done.
    day: Option<Date>,
    last_day: Date,
    buf: [Interval; DAY_BUFFER],
    len: usize,
    pos: usize,
    pending: Option<Interval>,
    /// End of the last interval handed out: nothing starts before it.
    floor: Timestamp,
    until: Timestamp,
}

impl<'a> Intervals<'a> {
    /// The intervals of the local days from two before `from`'s to the one after `last`'s.
    fn new(cal: &'a Calendar, from: Timestamp, last: Timestamp, until: Timestamp) -> Self {
        let first = cal.tz.to_datetime(from).date();
        let first = first
            .checked_sub(SignedDuration::from_hours(24 * LEAD_DAYS))
            .unwrap_or(Date::MIN);
        let last_day = cal.tz.to_datetime(last).date();
        let last_day = last_day.tomorrow().unwrap_or(Date::MAX);
        Intervals {
            cal,
            day: Some(first),
            last_day,
            buf: [(Timestamp::MIN, Timestamp::MIN); DAY_BUFFER],
            len: 0,
            pos: 0,
            pending: None,
            floor: Timestamp::MIN,
            until,
        }
    }

    /// Fills the buffer with one day's intervals, sorted by start.
    fn fill(&mut self, date: Date) {
        self.len = 0;
        self.pos = 0;
        let windows = self.cal.rules.windows_on(date);
        if windows.is_empty() {
            return;
        }
        let next = date.tomorrow().ok();
        for window in windows {
            let Some(iv) = self.instants(date, next, window) else {
                continue;
            };
            let Some(slot) = self.buf.get_mut(self.len) else {
                break;
            };
            *slot = iv;
            self.len += 1;
        }
        // Insertion sort: a day holds at most a few windows, and a time-zone
        // gap can reorder them.
        let filled = self.buf.get_mut(..self.len).unwrap_or_default();
        for i in 1..filled.len() {
            let mut j = i;
            while j > 0 && filled.get(j).map(|x| x.0) < filled.get(j - 1).map(|x| x.0) {
                filled.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn instants(&self, date: Date, next: Option<Date>, w: &Window) -> Option<Interval> {
        let tz = &self.cal.tz;
        let start = tz
            .to_ambiguous_timestamp(date.to_datetime(w.start))
            .compatible()
            .ok()?;
        let end_date = if w.end_next_day { next? } else { date };
        let end = tz
            .to_ambiguous_timestamp(end_date.to_datetime(w.end))
            .compatible()
            .ok()?;
        (start < end).then_some((start, end))
    }

    /// The next interval as generated, unmerged.
    fn next_raw(&mut self) -> Option<Interval> {
        loop {
            if self.pos < self.len {
                let iv = self.buf.get(self.pos).copied();
                self.pos += 1;
                return iv;
            }
            let day = self.day?;
            if day > self.last_day {
                self.day = None;
                return None;
            }
            self.fill(day);
            self.day = day.tomorrow().ok();
        }
    }

    fn hand_out(&mut self, iv: Interval) -> Option<Interval> {
        self.floor = self.floor.max(iv.1);
        Some(iv)
    }
}

impl Iterator for Intervals<'_> {
    type Item = Interval;

    fn next(&mut self) -> Option<Interval> {
        loop {
            let Some((start, end)) = self.next_raw() else {
                let last = self.pending.take()?;
                return self.hand_out(last);
            };
            let start = start.max(self.floor);
            if end <= start {
                continue;
            }
            match self.pending {
                None => self.pending = Some((start, end)),
                // Wholly before the pending one (only where a time-zone gap
                // reorders days): out first.
                Some((ps, _)) if end < ps => return self.hand_out((start, end)),
                Some((ps, pe)) if start <= pe => {
                    self.pending = Some((ps.min(start), pe.max(end)));
                }
                Some(done) => {
                    self.pending = Some((start, end));
                    return self.hand_out(done);
                }
            }
            if let Some(p) = self.pending.filter(|p| p.1 >= self.until) {
                self.pending = None;
                return self.hand_out(p);
            }
        }
    }
}

fn plus(at: Timestamp, d: SignedDuration) -> Timestamp {
    at.checked_add(d).unwrap_or(if d.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

impl Calendar {
    /// Whether the calendar is open at an instant.
    pub fn is_open(&self, at: Timestamp) -> bool {
        if self.always {
            return true;
        }
        Intervals::new(self, at, at, at)
            .find(|iv| iv.1 > at)
            .is_some_and(|iv| iv.0 <= at)
    }

    /// The earliest instant at or after `at` when the calendar is open
    /// (`at` itself when open then). An [`Error::InvalidInput`] when it does
    /// not open within 20 years.
    pub fn next_opening(&self, at: Timestamp) -> Result<Timestamp> {
        if self.always {
            return Ok(at);
        }
        let horizon = plus(at, HORIZON);
        match Intervals::new(self, at, horizon, at).find(|iv| iv.1 > at) {
            Some((start, _)) if start <= horizon => Ok(start.max(at)),
            _ => Err(Error::InvalidInput(format!(
                "calendar `{}` does not open within 20 years of {at}",
                self.id()
            ))),
        }
    }

    /// The working time in `[from, to)`; with `to` before `from`, the
    /// negated working time in `[to, from)`.
    pub fn business_time(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        if to < from {
            let back = self.business_time(to, from);
            return back.checked_neg().unwrap_or(SignedDuration::MIN);
        }
        if self.always {
            return to.duration_since(from);
        }
        let mut total = SignedDuration::ZERO;
        for (start, end) in Intervals::new(self, from, to, to) {
            if start >= to {
                break;
            }
            let (start, end) = (start.max(from), end.min(to));
            if end > start {
                total = total.saturating_add(end.duration_since(start));
            }
        }
        total
    }

    /// The earliest instant `t` at or after `from` with
    /// `business_time(from, t) == amount` (`from` itself for zero). An
    /// [`Error::InvalidInput`] for a negative amount, or when the working
    /// time is not reached within 20 years.
    pub fn add_business(&self, from: Timestamp, amount: SignedDuration) -> Result<Timestamp> {
        if amount.is_negative() {
            return Err(Error::InvalidInput(format!(
                "a working time to add cannot be negative (got {amount})"
            )));
        }
        if amount.is_zero() {
            return Ok(from);
        }
        let too_far = || {
            Error::InvalidInput(format!(
                "{amount:#} of working time on calendar `{}` is not reached within 20 years of {from}",
                self.id()
            ))
        };
        let horizon = plus(from, HORIZON);
        if self.always {
            return from
                .checked_add(amount)
                .ok()
                .filter(|t| *t <= horizon)
                .ok_or_else(too_far);
        }
        let mut remaining = amount;
        let mut intervals = Intervals::new(self, from, horizon, plus(from, amount));
        while let Some((start, end)) = intervals.next() {
            let start = start.max(from);
            if end <= start {
                continue;
            }
            if start > horizon {
                break;
            }
            let length = end.duration_since(start);
            if remaining <= length {
                return Some(plus(start, remaining))
                    .filter(|t| *t <= horizon)
                    .ok_or_else(too_far);
            }
            remaining = remaining.saturating_sub(length);
            intervals.until = plus(end, remaining);
        }
        Err(too_far())
    }

    /// The working intervals overlapping `[from, to)`, clipped to it, in
    /// order; intervals that touch (as 24/7 days do at midnight) are merged.
    pub fn open_intervals(&self, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        if to <= from {
            return Vec::new();
        }
        if self.always {
            return vec![(from, to)];
        }
        let mut out: Vec<Interval> = Vec::new();
        for (start, end) in Intervals::new(self, from, to, to) {
            if start >= to {
                break;
            }
            let (start, end) = (start.max(from), end.min(to));
            if end <= start {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => out.push((start, end)),
            }
        }
        out
    }
}
