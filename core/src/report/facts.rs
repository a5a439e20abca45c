//! What reports know of a case, derived from the case and its service
//! levels: timings, resolutions and reopenings, clocks met and breached,
//! satisfaction scores.

use crate::model::{Case, CaseStatus, EntryKind};
use crate::sla::{SlaClock, SlaStage, SlaTarget};
use crate::store::CaseFacts;
use jiff::Timestamp;

/// The whole second an instant falls in (`as_second` truncates towards
/// zero, which is a second late before 1970).
fn floor_second(t: Timestamp) -> i64 {
    t.as_second() - i64::from(t.subsec_nanosecond() < 0)
}

fn seconds(from: Timestamp, to: Timestamp) -> i64 {
    to.duration_since(from).as_secs().max(0)
}

/// Working seconds of the first completed clock measuring `target`.
fn business(clocks: &[SlaClock], target: &SlaTarget) -> Option<i64> {
    clocks
        .iter()
        .find(|c| &c.target == target && c.stage == SlaStage::Completed)
        .map(|c| c.business_elapsed_s.max(0))
}

fn is_resolved(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Resolved | CaseStatus::Closed)
}

/// A case's facts, with its service-level clocks (none without definitions).
pub fn case_facts(case: &Case, clocks: &[SlaClock]) -> CaseFacts {
    let response_s = case
        .timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Comment)
        .map(|e| e.at)
        .min()
        .map(|at| seconds(case.created_at, at));
    let resolution_s = case
        .resolution
        .as_ref()
        .filter(|_| is_resolved(case.status))
        .map(|r| seconds(case.created_at, r.resolved_at));
    let (mut resolutions, mut reopens) = (0, 0);
    let mut status: Option<CaseStatus> = None;
    for change in case.effective_history().iter() {
        let Some(next) = change
            .changed
            .get("status")
            .and_then(|v| serde_json::from_value::<CaseStatus>(v.clone()).ok())
        else {
            continue;
        };
        match status {
            Some(before) if !is_resolved(before) && is_resolved(next) => resolutions += 1,
            None if is_resolved(next) => resolutions += 1,
            Some(before) if is_resolved(before) && next.is_open() => reopens += 1,
            _ => {}
        }
        status = Some(next);
    }
    // A record from before histories were kept may show no resolution in
    // its history; its status still tells it was resolved.
    if is_resolved(case.status) {
        resolutions = resolutions.max(1);
    }
    let completed = clocks.iter().filter(|c| c.stage == SlaStage::Completed);
    let sla_breached = completed.clone().filter(|c| c.breached).count() as u32;
    let sla_met = completed.count() as u32 - sla_breached;
    CaseFacts {
        case_id: case.id,
        created_s: floor_second(case.created_at),
        status: case.status.as_str().to_string(),
        open: case.status.is_open(),
        resolved: is_resolved(case.status),
        support_group: case.support_group.clone(),
        assignee: case.assignee.clone(),
        channel: case.channel.map(|c| c.as_str().to_string()),
        category: case.category.clone(),
        priority: Some(case.priority.to_string()),
        campaign: case.campaign.clone(),
        response_s,
        // A response clock may also stop on its own condition (a case
        // resolved unanswered): only an answered case has a response time.
        response_business_s: response_s
            .and(business(clocks, &SlaTarget::FirstResponse))
            .or(response_s),
        resolution_s,
        resolution_business_s: resolution_s
            .and(business(clocks, &SlaTarget::Resolution))
            .or(resolution_s),
        resolutions,
        reopens,
        sla_met,
        sla_breached,
        feedback_sum: case.feedback.iter().map(|f| u32::from(f.score)).sum(),
        feedback_count: case.feedback.len() as u32,
    }
}
