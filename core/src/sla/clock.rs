//! SLA clocks, derived from a case's history: replaying its attribute
//! changes, customer messages and responses through each definition's
//! conditions, then reading the clock at "now".

use super::{SlaDefinition, SlaDue, SlaSet, SlaTarget, SlaTime};
use crate::calendar::Calendar;
use crate::model::{apply_change, CaseChange, CaseStatus};
use crate::template::Fields;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// What a clock's history is made of, besides the case's attribute changes.
#[derive(Debug, Clone, Default)]
pub struct CaseSlaHistory<'a> {
    /// The case.
    pub case_id: Uuid,
    /// When it was created.
    pub created_at: Timestamp,
    /// Its attribute changes, oldest first (borrowed from the case when it can be).
    pub changes: Cow<'a, [CaseChange]>,
    /// When customer-visible comments were added (responses), oldest first.
    pub responses: Vec<Timestamp>,
    /// When customer messages (inbound contacts on the case) arrived, oldest first.
    pub customer_messages: Vec<Timestamp>,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaStage {
    /// Counting.
    InProgress,
    /// Stopped for a while (pause condition).
    Paused,
    /// Stopped for good, met or breached.
    Completed,
    /// Withdrawn (cancel condition).
    Cancelled,
}

/// A threshold a clock crossed, or will cross if nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Crossing {
    /// Percent of the duration (100: the breach).
    pub threshold: u8,
    /// When.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub at: Timestamp,
}

/// One service level of a case, read at an instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaClock {
    /// Definition in force.
    pub sla: String,
    /// Its version (the one in force when the clock started).
    pub version: u32,
    /// Its name.
    pub name: String,
    /// What is measured.
    pub target: SlaTarget,
    /// The clock (policy group or definition id).
    pub slot: String,
    /// Business or calendar time.
    pub time: SlaTime,
    /// Calendar counted in (none for calendar time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Where the clock stands.
    pub stage: SlaStage,
    /// Whether the duration was used up (a completed clock keeps it).
    pub breached: bool,
    /// When the clock started.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::Instant"))]
    pub started_at: Timestamp,
    /// When it breaches (or breached), pauses included; while paused, if it ran again now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub planned_breach_at: Option<Timestamp>,
    /// When it would breach without any pause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub original_breach_at: Option<Timestamp>,
    /// When it completed or was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub completed_at: Option<Timestamp>,
    /// The promised time, in seconds.
    pub duration_s: i64,
    /// Working time counted while running, in seconds (what the duration is measured against for business time).
    pub business_elapsed_s: i64,
    /// Wall-clock time while running, in seconds.
    pub actual_elapsed_s: i64,
    /// Wall-clock time paused, in seconds.
    pub paused_s: i64,
    /// Share of the duration used, in percent (two decimals).
    pub percentage: f64,
    /// Duration left, in seconds (negative once breached).
    pub time_left_s: i64,
    /// The highest warning threshold crossed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<u8>,
    /// Thresholds crossed so far, then those to come while it runs.
    pub crossings: Vec<Crossing>,
}

/// What happened at one moment of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Happening {
    Change(usize),
    CustomerMessage,
    Response,
}

/// One run of a clock (a reset or a new customer message starts another).
#[derive(Debug, Clone)]
struct Run {
    definition: Arc<SlaDefinition>,
    calendar: Option<Arc<Calendar>>,
    started_at: Timestamp,
    mark: Timestamp,
    stage: SlaStage,
    counted: SignedDuration,
    business: SignedDuration,
    actual: SignedDuration,
    paused: SignedDuration,
    crossings: Vec<Crossing>,
    completed_at: Option<Timestamp>,
    reset_held: bool,
}

fn business(calendar: &Option<Arc<Calendar>>, from: Timestamp, to: Timestamp) -> SignedDuration {
    match calendar {
        Some(c) => c.business_time(from, to),
        None => to.duration_since(from),
    }
}

fn plus(
    calendar: &Option<Arc<Calendar>>,
    from: Timestamp,
    amount: SignedDuration,
) -> Option<Timestamp> {
    match calendar {
        Some(c) => c.add_business(from, amount).ok(),
        None => from.checked_add(amount).ok(),
    }
}

impl Run {
    fn start(
        definition: Arc<SlaDefinition>,
        calendar: Option<Arc<Calendar>>,
        at: Timestamp,
    ) -> Run {
        Run {
            definition,
            calendar,
            started_at: at,
            mark: at,
            stage: SlaStage::InProgress,
            counted: SignedDuration::ZERO,
            business: SignedDuration::ZERO,
            actual: SignedDuration::ZERO,
            paused: SignedDuration::ZERO,
            crossings: Vec::new(),
            completed_at: None,
            reset_held: false,
        }
    }

    fn target_of(&self, threshold: u8) -> SignedDuration {
        SignedDuration::from_secs(self.definition.duration_secs() * i64::from(threshold) / 100)
    }

    /// Counts the time from the last mark up to `to`, noting crossings.
    fn account(&mut self, to: Timestamp) {
        if to <= self.mark {
            return;
        }
        match self.stage {
            SlaStage::InProgress => {
                let worked = business(&self.calendar, self.mark, to);
                let wall = to.duration_since(self.mark);
                let before = self.counted;
                let counted = match self.definition.def().time {
                    SlaTime::Business => worked,
                    SlaTime::Calendar => wall,
                };
                self.counted = before.saturating_add(counted);
                self.business = self.business.saturating_add(worked);
                self.actual = self.actual.saturating_add(wall);
                for &threshold in self.definition.thresholds() {
                    let target = self.target_of(threshold);
                    if before < target && target <= self.counted && !self.crossed(threshold) {
                        let at = plus(&self.calendar, self.mark, target.saturating_sub(before))
                            .unwrap_or(to);
                        self.crossings.push(Crossing {
                            threshold,
                            at: at.min(to),
                        });
                    }
                }
            }
            SlaStage::Paused => {
                self.paused = self.paused.saturating_add(to.duration_since(self.mark))
            }
            SlaStage::Completed | SlaStage::Cancelled => {}
        }
        self.mark = to;
    }

    fn crossed(&self, threshold: u8) -> bool {
        self.crossings.iter().any(|c| c.threshold == threshold)
    }

    /// Carries the clock on under another definition of its policy group:
    /// the time counted stays; crossings are those of the new definition,
    /// the ones already used up by the time counted crossed now at the latest.
    fn switch_to(&mut self, definition: Arc<SlaDefinition>, at: Timestamp) {
        self.definition = definition;
        let counted = self.counted;
        let kept: Vec<Crossing> = self
            .crossings
            .iter()
            .copied()
            .filter(|c| {
                self.definition.thresholds().contains(&c.threshold)
                    && self.target_of(c.threshold) <= counted
            })
            .collect();
        self.crossings = kept;
        for &threshold in self.definition.thresholds() {
            if self.target_of(threshold) <= self.counted && !self.crossed(threshold) {
                self.crossings.push(Crossing { threshold, at });
            }
        }
        self.crossings.sort_by_key(|c| (c.at, c.threshold));
    }

    /// The crossings still to come while the clock runs on from its mark.
    fn future_crossings(&self) -> Vec<Crossing> {
        if self.stage != SlaStage::InProgress {
            return Vec::new();
        }
        self.definition
            .thresholds()
            .iter()
            .filter(|t| !self.crossed(**t))
            .filter_map(|&threshold| {
                let left = self.target_of(threshold).saturating_sub(self.counted);
                plus(&self.calendar, self.mark, left).map(|at| Crossing { threshold, at })
            })
            .collect()
    }
}

fn holds(condition: &Option<super::SlaCondition>, state: &Fields) -> Option<bool> {
    condition.as_ref().map(|c| c.holds(state))
}

fn status_is(state: &Fields, statuses: &[CaseStatus]) -> bool {
    let status = state.get("status").and_then(|s| s.as_str()).unwrap_or("");
    statuses.iter().any(|s| s.as_str() == status)
}

/// Moves a run through its definition's conditions at one moment.
fn apply_conditions(run: &mut Run, at: Timestamp, state: &Fields, happening: Happening) {
    let def = run.definition.clone();
    let d = def.def();
    let reset_now = holds(&d.reset, state).unwrap_or(false);
    let reset = reset_now && !run.reset_held;
    if reset {
        *run = Run::start(def.clone(), run.calendar.clone(), at);
    }
    run.reset_held = reset_now;
    if matches!(run.stage, SlaStage::Completed | SlaStage::Cancelled) {
        return;
    }
    let responded = happening == Happening::Response;
    let stop = match &d.target {
        SlaTarget::FirstResponse | SlaTarget::NextResponse => {
            responded || holds(&d.stop, state).unwrap_or(false)
        }
        SlaTarget::Resolution => holds(&d.stop, state)
            .unwrap_or_else(|| status_is(state, &[CaseStatus::Resolved, CaseStatus::Closed])),
        SlaTarget::Custom(_) => holds(&d.stop, state).unwrap_or(false),
    };
    let cancel =
        holds(&d.cancel, state).unwrap_or_else(|| status_is(state, &[CaseStatus::Cancelled]));
    let pause = holds(&d.pause, state).unwrap_or(false);
    if stop || cancel {
        run.stage = if stop {
            SlaStage::Completed
        } else {
            SlaStage::Cancelled
        };
        run.completed_at = Some(at);
    } else if run.stage == SlaStage::InProgress && pause {
        run.stage = SlaStage::Paused;
    } else if run.stage == SlaStage::Paused && holds(&d.resume, state).unwrap_or(!pause) {
        run.stage = SlaStage::InProgress;
    }
}

/// Starts a run of `definition` at `at`, in state `state`. A retroactive
/// run starts at the case's creation and goes through the states the case
/// has been in since (`seen`), so its pauses count as pauses.
fn attach(
    definition: &Arc<SlaDefinition>,
    set: &SlaSet,
    created_at: Timestamp,
    seen: &[(Timestamp, Fields)],
    at: Timestamp,
    state: &Fields,
    happening: Happening,
) -> Run {
    let def = definition.def();
    let retroactive = def.retroactive_start.is_some() && created_at < at;
    let start = if retroactive { created_at } else { at };
    let mut run = Run::start(
        definition.clone(),
        set.calendar_for(definition, state, start),
        start,
    );
    // Attaching is not a reset: only a reset condition turning true after
    // the clock attached restarts it.
    if retroactive {
        for (t, earlier) in seen.iter().filter(|(t, _)| *t < at) {
            run.account(*t);
            run.calendar = set.calendar_for(definition, earlier, start);
            run.reset_held = holds(&def.reset, earlier).unwrap_or(false);
            apply_conditions(&mut run, *t, earlier, Happening::Change(0));
        }
        run.account(at);
    }
    run.reset_held = holds(&def.reset, state).unwrap_or(false);
    apply_conditions(&mut run, at, state, happening);
    run
}

/// Replays a case's history up to `until` and returns every clock's last run.
fn replay(history: &CaseSlaHistory<'_>, set: &SlaSet, until: Timestamp) -> BTreeMap<String, Run> {
    // Nothing happens to a case before it exists: a contact that started
    // before the case was opened from it counts from the opening.
    let created = history.created_at;
    let mut happenings: Vec<(Timestamp, Happening)> = history
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.at, Happening::Change(i)))
        .chain(
            history
                .customer_messages
                .iter()
                .map(|t| (*t, Happening::CustomerMessage)),
        )
        .chain(history.responses.iter().map(|t| (*t, Happening::Response)))
        .map(|(t, h)| (t.max(created), h))
        .filter(|(t, _)| *t <= until)
        .collect();
    happenings.sort();
    let mut state = Fields::new();
    let mut seen: Vec<(Timestamp, Fields)> = Vec::new();
    let mut runs: BTreeMap<String, Run> = BTreeMap::new();
    let mut responded = false;
    for (at, happening) in happenings {
        match happening {
            Happening::Change(i) => {
                if let Some(change) = history.changes.get(i) {
                    apply_change(&mut state, &change.changed);
                }
                seen.push((at, state.clone()));
            }
            Happening::Response => responded = true,
            Happening::CustomerMessage => {}
        }
        if seen.is_empty() {
            continue;
        }
        let template = state.get("template").and_then(|t| t.as_str());
        for (slot, group) in set.slots_at(at) {
            let selected = group.iter().find(|d| {
                d.def()
                    .case_template
                    .as_deref()
                    .is_none_or(|t| Some(t) == template)
                    && holds(&d.def().start, &state).unwrap_or(true)
            });
            match runs.get_mut(&slot) {
                Some(run) if !matches!(run.stage, SlaStage::Completed | SlaStage::Cancelled) => {
                    run.account(at);
                    if let Some(d) = selected.filter(|d| d.id() != run.definition.id()) {
                        if let Some(pinned) = set.definition_at(d.id(), run.started_at) {
                            run.switch_to(pinned, at);
                        }
                    }
                    run.calendar = set.calendar_for(&run.definition, &state, run.started_at);
                    apply_conditions(run, at, &state, happening);
                }
                Some(run) => {
                    let new_message = happening == Happening::CustomerMessage
                        && run.definition.def().target == SlaTarget::NextResponse;
                    match selected {
                        Some(d) if new_message => {
                            *run = attach(d, set, at, &seen, at, &state, happening);
                        }
                        _ => apply_conditions(run, at, &state, happening),
                    }
                }
                None => {
                    let Some(d) = selected else { continue };
                    let waits_for_message = d.def().target == SlaTarget::NextResponse
                        && happening != Happening::CustomerMessage;
                    if waits_for_message {
                        continue;
                    }
                    let mut run = attach(d, set, created, &seen, at, &state, happening);
                    if d.def().target == SlaTarget::FirstResponse
                        && responded
                        && happening != Happening::Response
                    {
                        run.stage = SlaStage::Completed;
                        run.completed_at = Some(at);
                    }
                    runs.insert(slot, run);
                }
            }
        }
    }
    runs
}

/// Every service level of a case, read at `now` (history after `now` is ignored).
pub fn derive_clocks(history: &CaseSlaHistory<'_>, set: &SlaSet, now: Timestamp) -> Vec<SlaClock> {
    if set.is_empty() {
        return Vec::new();
    }
    replay(history, set, now)
        .into_iter()
        .map(|(slot, mut run)| {
            run.account(now);
            read_clock(slot, run, now)
        })
        .collect()
}

/// The crossings a store indexes for a case: every threshold each clock's
/// last run crossed, and, while it runs, those to come, with their keys.
pub fn due_crossings(history: &CaseSlaHistory<'_>, set: &SlaSet) -> Vec<SlaDue> {
    if set.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // A completed or cancelled clock keeps the crossings it made while it
    // ran: a breach that happened is due until it is taken.
    for (slot, run) in replay(history, set, Timestamp::MAX) {
        for crossing in run.crossings.iter().copied().chain(run.future_crossings()) {
            out.push(SlaDue {
                case_id: history.case_id,
                slot: slot.clone(),
                started_at: run.started_at,
                threshold: crossing.threshold,
                due_at: crossing.at,
                sla: run.definition.id().to_string(),
                version: run.definition.version(),
            });
        }
    }
    out.sort_by(|a, b| (a.due_at, &a.slot, a.threshold).cmp(&(b.due_at, &b.slot, b.threshold)));
    out
}

fn read_clock(slot: String, run: Run, now: Timestamp) -> SlaClock {
    let def = run.definition.def();
    let duration = SignedDuration::from_secs(run.definition.duration_secs());
    let mut crossings = run.crossings.clone();
    crossings.extend(run.future_crossings());
    let breach_crossing = crossings.iter().find(|c| c.threshold == 100).map(|c| c.at);
    let left = duration.saturating_sub(run.counted);
    let planned_breach_at = match run.stage {
        SlaStage::Paused if !left.is_negative() && !left.is_zero() => {
            plus(&run.calendar, now, left)
        }
        _ => breach_crossing,
    };
    let percentage = if duration.is_zero() {
        0.0
    } else {
        let ratio = run.counted.as_secs_f64() / duration.as_secs_f64();
        (ratio * 10_000.0).round() / 100.0
    };
    SlaClock {
        sla: def.id.clone(),
        version: def.version,
        name: def.name.clone(),
        target: def.target.clone(),
        slot,
        time: def.time,
        calendar: run.calendar.as_ref().map(|c| c.id().to_string()),
        stage: run.stage,
        breached: run.counted >= duration,
        started_at: run.started_at,
        planned_breach_at,
        original_breach_at: plus(&run.calendar, run.started_at, duration),
        completed_at: run.completed_at,
        duration_s: duration.as_secs(),
        business_elapsed_s: run.business.as_secs(),
        actual_elapsed_s: run.actual.as_secs(),
        paused_s: run.paused.as_secs(),
        percentage,
        time_left_s: left.as_secs(),
        warning: run
            .crossings
            .iter()
            .filter(|c| c.threshold < 100)
            .map(|c| c.threshold)
            .max(),
        crossings,
    }
}
