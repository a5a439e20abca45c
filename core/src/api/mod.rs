//! A JSON interface to the whole engine: one operation name and one JSON
//! object of named arguments in, one JSON value out.
//!
//! It is how hosts that speak JSON (the C and WebAssembly bindings, tools,
//! the shared test vectors) reach every operation with the same argument
//! names and the same answers. Each operation is one line of the table
//! below, which also makes [`OPERATIONS`].
//!
//! ```
//! use serde_json::json;
//! let cb = casebook::Casebook::in_memory();
//! let profile = casebook::api::call(&cb, "create_profile", &json!({
//!     "by": "agent-7",
//!     "input": {"given_name": "Ada", "family_name": "Lovelace",
//!               "contact_points": [{"kind": "email", "value": "Ada@Example.org"}]}
//! }))?;
//! assert_eq!(profile["customer_id"], "C-000001");
//! assert_eq!(profile["contact_points"][0]["value"], "Ada@example.org");
//! let err = casebook::api::call(&cb, "profile", &json!({"ref": "C-000404"})).unwrap_err();
//! assert_eq!(err.code().as_str(), "not_found");
//! # Ok::<(), casebook::Error>(())
//! ```

mod args;
mod options;

pub use options::{validate_with_template, EngineOptions, FixedClock, ValidateOptions};

use crate::engine::{
    Casebook, CreateOptions, ImportFormat, ImportOptions, NotifyInput, ProfileQuery, Ref,
};
use crate::error::{Error, Result};
use crate::identity::MergePlan;
use crate::model::{
    CaseStatus, Channel, DashboardFilter, EntryKind, LinkRole, RelationInput, ResolutionInput,
};
use crate::store::{Snapshot, Store};
use args::Args;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// Longest span `calendar_business_time` measures (100 years).
const MAX_CALENDAR_SPAN_SECS: i64 = 100 * 366 * 86_400;

fn to_value<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::Internal(format!("an answer cannot be written as JSON: {e}")))
}

/// The operation table: each line names an operation and runs it with the
/// engine `cb` and the named arguments `a`.
macro_rules! operations {
    ($( $name:literal => |$cb:ident, $a:ident| $body:expr; )+) => {
        /// Every operation [`call`] understands.
        pub const OPERATIONS: &[&str] = &[$($name),+];

        fn dispatch<S: Store>(engine: &Casebook<S>, op: &str, args: &Args<'_>) -> Result<Value> {
            match op {
                $($name => {
                    #[allow(unused_variables)]
                    let ($cb, $a) = (engine, args);
                    $body
                })+
                other => Err(Error::InvalidInput(format!(
                    "unknown operation `{other}` (expected one of: {})",
                    OPERATIONS.join(", ")
                ))),
            }
        }
    };
}

operations! {
    "templates" => |cb, a| to_value(&cb.templates()?);
    "template" => |cb, a| Ok(cb.template(a.str("id")?, a.opt("version")?)?.to_json());
    "load_template" => |cb, a| Ok(cb.load_template(&a.actor()?, &a.json_text("template")?)?.to_json());
    "validate_record" => |cb, a| to_value(&cb.validate_record(
        a.str("template_id")?,
        a.opt("version")?,
        a.value("record").unwrap_or(&Value::Null),
        a.flag("draft")?,
    )?);
    "validate_profile" => |cb, a| to_value(&cb.validate_profile(&a.get("input")?, a.flag("draft")?)?);
    "validate_case" => |cb, a| to_value(&cb.validate_case(&a.get("input")?, a.flag("draft")?)?);
    "create_profile" => |cb, a| {
        let options = CreateOptions { allow_duplicates: a.flag("allow_duplicates")? };
        to_value(&cb.create_profile(&a.actor()?, a.get("input")?, options)?)
    };
    "profile" => |cb, a| to_value(&cb.profile(a.str("ref")?)?);
    "profile_record" => |cb, a| to_value(&cb.profile(Ref::Stored(a.get::<Uuid>("id")?))?);
    "profile_summary" => |cb, a| to_value(&cb.profile_summary(a.str("ref")?)?);
    "update_profile" => |cb, a| to_value(&cb.update_profile(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.get("input")?,
    )?);
    "find_profiles" => |cb, a| to_value(&cb.find_profiles(&a.get::<ProfileQuery>("query")?, a.limit(20)?)?);
    "relate" => |cb, a| to_value(&cb.relate(&a.actor()?, RelationInput {
        a: a.str("a")?.to_string(),
        b: a.str("b")?.to_string(),
        a_to_b: a.get::<Tags>("a_to_b")?.0,
        b_to_a: a.get::<Tags>("b_to_a")?.0,
    })?);
    "unrelate" => |cb, a| {
        cb.unrelate(&a.actor()?, a.str("a")?, a.str("b")?)?;
        Ok(json!({}))
    };
    "add_contact_point" => |cb, a| to_value(&cb.add_contact_point(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.get("point")?,
    )?);
    "update_contact_point" => |cb, a| to_value(&cb.update_contact_point(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.str("which")?,
        a.get("point")?,
    )?);
    "remove_contact_point" => |cb, a| to_value(&cb.remove_contact_point(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.str("which")?,
    )?);
    "related_customers" => |cb, a| to_value(&cb.related_customers(a.str("ref")?)?);
    "create_case" => |cb, a| to_value(&cb.create_case(&a.actor()?, a.get("input")?)?);
    "case" => |cb, a| {
        let case = cb.case(a.str("ref")?)?;
        let slas = cb.case_slas(case.id, None)?;
        let mut out = to_value(&case)?;
        if !slas.is_empty() {
            out["slas"] = to_value(&slas)?;
        }
        Ok(out)
    };
    "update_case" => |cb, a| to_value(&cb.update_case(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.get("input")?,
    )?);
    "set_case_status" => |cb, a| to_value(&cb.set_case_status(
        &a.actor()?,
        a.str("ref")?,
        a.get("version")?,
        a.get::<CaseStatus>("status")?,
        a.opt::<ResolutionInput>("resolution")?,
    )?);
    "add_case_entry" => |cb, a| to_value(&cb.add_case_entry(
        &a.actor()?,
        a.str("ref")?,
        a.get::<EntryKind>("kind")?,
        a.str("text")?,
    )?);
    "link_case" => |cb, a| to_value(&cb.link_case(
        &a.actor()?,
        a.str("case")?,
        a.str("profile")?,
        a.get::<LinkRole>("role")?,
    )?);
    "unlink_case" => |cb, a| {
        cb.unlink_case(&a.actor()?, a.str("case")?, a.str("profile")?)?;
        Ok(json!({}))
    };
    "case_links" => |cb, a| to_value(&cb.case_links(a.str("case")?)?);
    "cases_of_profile" => |cb, a| to_value(&cb.cases_of_profile(a.str("profile")?, a.flag("open_only")?)?);
    "search_cases" => |cb, a| to_value(&cb.search_cases(a.str("text")?, a.limit(20)?)?);
    "log_contact" => |cb, a| to_value(&cb.log_contact(&a.actor()?, a.get("input")?)?);
    "associate_contact" => |cb, a| to_value(&cb.associate_contact(
        &a.actor()?,
        a.str("contact")?,
        a.opt_str("profile")?.map(Ref::Key),
        a.opt_str("case")?.map(Ref::Key),
    )?);
    "contact" => |cb, a| to_value(&cb.contact(a.str("id")?)?);
    "contact_history" => |cb, a| to_value(&cb.contact_history(
        a.str("profile")?,
        a.opt("from")?,
        a.opt("to")?,
        a.limit(50)?,
    )?);
    "case_contacts" => |cb, a| to_value(&cb.case_contacts(a.str("case")?)?);
    "profile_dashboard" => |cb, a| to_value(&cb.profile_dashboard(
        a.str("profile")?,
        DashboardFilter { from: a.opt("from")?, to: a.opt("to")? },
    )?);
    "load_intake_rules" => |cb, a| to_value(&cb.load_intake_rules(&a.actor()?, &a.json_text("rules")?)?);
    "intake_rules" => |cb, a| to_value(&cb.intake_rules()?);
    "load_routing_rules" => |cb, a| to_value(&cb.load_routing_rules(&a.actor()?, &a.json_text("rules")?)?);
    "routing_rules" => |cb, a| to_value(&cb.routing_rules()?);
    "route_case" => |cb, a| to_value(&cb.route_case(&a.get("input")?)?);
    "put_agent" => |cb, a| to_value(&cb.put_agent(
        &a.actor()?,
        a.str("name")?,
        a.opt("expected_version")?,
        a.get("input")?,
    )?);
    "agent" => |cb, a| to_value(&cb.agent(a.str("name")?)?);
    "set_agent_availability" => |cb, a| to_value(&cb.set_agent_availability(
        &a.actor()?,
        a.str("name")?,
        a.get("availability")?,
    )?);
    "group_agents" => |cb, a| to_value(&cb.group_agents(a.str("group")?)?);
    "backlog" => |cb, a| to_value(&cb.backlog(a.str("group")?, a.limit(50)?)?);
    "assign_next" => |cb, a| to_value(&cb.assign_next(&a.actor()?, a.str("group")?)?);
    "intake" => |cb, a| to_value(&cb.intake(&a.actor()?, a.get("inbound")?)?);
    "intake_many" => |cb, a| to_value(&cb.intake_many(&a.actor()?, a.get::<Vec<crate::intake::Inbound>>("inbound")?)?);
    "link_external_record" => |cb, a| to_value(&cb.link_external_record(&a.actor()?, &a.get("target")?, a.get("external")?)?);
    "unlink_external_record" => |cb, a| {
        cb.unlink_external_record(
            &a.actor()?,
            &a.get("target")?,
            a.str("system")?,
            a.str("record_type")?,
            a.str("external_id")?,
        )?;
        Ok(json!({}))
    };
    "external_records" => |cb, a| to_value(&cb.external_records(&a.get("target")?)?);
    "request_external_record" => |cb, a| to_value(&cb.request_external_record(
        &a.actor()?,
        &a.get("target")?,
        a.str("system")?,
        a.str("record_type")?,
    )?);
    "host_requests" => |cb, a| to_value(&cb.host_requests(a.opt("after")?.unwrap_or(0), a.limit(100)?)?);
    "complete_host_request" => |cb, a| to_value(&cb.complete_host_request(&a.actor()?, a.get("seq")?, a.opt("external")?)?);
    "fail_host_request" => |cb, a| to_value(&cb.fail_host_request(&a.actor()?, a.get("seq")?, a.str("error")?)?);
    "events_after" => |cb, a| to_value(&cb.events_after(a.opt("cursor")?.unwrap_or(0), a.limit(100)?)?);
    "events_for" => |cb, a| to_value(&cb.events_for(a.str("consumer")?, a.limit(100)?)?);
    "acknowledge_events" => |cb, a| to_value(&cb.acknowledge_events(a.str("consumer")?, a.get("seq")?)?);
    "event_consumer" => |cb, a| to_value(&cb.event_consumer(a.str("consumer")?)?);
    "wrap_up_contact" => |cb, a| to_value(&cb.wrap_up_contact(&a.actor()?, a.str("contact")?, a.opt("ended_at")?)?);
    "customer_card" => |cb, a| to_value(&cb.customer_card(a.str("contact")?)?);
    "add_attachment" => |cb, a| to_value(&cb.add_attachment(&a.actor()?, &a.get("on")?, a.get("attachment")?)?);
    "remove_attachment" => |cb, a| {
        cb.remove_attachment(&a.actor()?, &a.get("on")?, a.get("id")?)?;
        Ok(json!({}))
    };
    "add_task" => |cb, a| to_value(&cb.add_task(&a.actor()?, a.str("case")?, a.get("input")?)?);
    "edit_task" => |cb, a| to_value(&cb.edit_task(
        &a.actor()?,
        a.str("case")?,
        a.get("task")?,
        a.get("version")?,
        a.get("input")?,
    )?);
    "set_task_status" => |cb, a| to_value(&cb.set_task_status(
        &a.actor()?,
        a.str("case")?,
        a.get("task")?,
        a.get("version")?,
        a.get::<crate::model::TaskStatus>("status")?,
    )?);
    "task_list" => |cb, a| to_value(&cb.task_list(&a.get("owner")?, a.limit(100)?)?);
    "profile_attachments" => |cb, a| to_value(&cb.profile_attachments(a.str("profile")?)?);
    "relate_record" => |cb, a| to_value(&cb.relate_record(&a.actor()?, a.str("case")?, a.get("input")?)?);
    "unrelate_record" => |cb, a| {
        cb.unrelate_record(&a.actor()?, a.str("case")?, a.get("input")?)?;
        Ok(json!({}))
    };
    "case_merge_preview" => |cb, a| to_value(&cb.case_merge_preview(&a.get("plan")?)?);
    "merge_cases" => |cb, a| to_value(&cb.merge_cases(&a.actor()?, &a.get("plan")?)?);
    "unmerge_cases" => |cb, a| {
        let (survivor, duplicate) = cb.unmerge_cases(&a.actor()?, a.get("merge_id")?)?;
        Ok(json!({"survivor": to_value(&survivor)?, "duplicate": to_value(&duplicate)?}))
    };
    "case_relations" => |cb, a| to_value(&cb.case_relations(a.str("case")?)?);
    "recognize" => |cb, a| to_value(&cb.recognize(a.get::<Channel>("channel")?, a.str("address")?)?);
    "duplicate_candidates" => |cb, a| to_value(&cb.duplicate_candidates(a.str("ref")?)?);
    "duplicate_candidates_for_draft" => |cb, a| to_value(&cb.duplicate_candidates_for_draft(&a.get("draft")?)?);
    "duplicate_report" => |cb, a| to_value(&cb.duplicate_report()?);
    "train_matching" => |cb, a| to_value(&cb.train_matching()?);
    "merge_preview" => |cb, a| to_value(&cb.merge_preview(&a.get::<MergePlan>("plan")?)?);
    "merge" => |cb, a| to_value(&cb.merge(&a.actor()?, &a.get::<MergePlan>("plan")?)?);
    "unmerge" => |cb, a| {
        let (survivor, restored) = cb.unmerge(&a.actor()?, a.get("merge_id")?)?;
        Ok(json!({"survivor": to_value(&survivor)?, "restored": to_value(&restored)?}))
    };
    "merge_record" => |cb, a| to_value(&cb.merge_record(a.get("merge_id")?)?);
    "audit_log" => |cb, a| to_value(&cb.audit_log(a.opt("subject")?)?);
    "export_snapshot" => |cb, a| to_value(&cb.export_snapshot()?);
    "import_snapshot" => |cb, a| {
        let snapshot = a
            .value("snapshot")
            .ok_or_else(|| Error::InvalidInput("missing argument `snapshot`".into()))?;
        cb.import_snapshot(&Snapshot::from_value(snapshot.clone())?)?;
        Ok(json!({}))
    };
    "load_calendar" => |cb, a| Ok(cb.load_calendar(&a.actor()?, &a.json_text("calendar")?)?.to_json());
    "calendar" => |cb, a| Ok(cb.calendar(a.str("id")?, a.opt("version")?)?.to_json());
    "calendars" => |cb, a| to_value(&cb.calendars()?);
    "calendar_is_open" => |cb, a| Ok(Value::Bool(calendar_arg(cb, a)?.is_open(a.get("at")?)));
    "calendar_next_opening" => |cb, a| to_value(&calendar_arg(cb, a)?.next_opening(a.get("at")?)?);
    "calendar_business_time" => |cb, a| {
        let (from, to): (jiff::Timestamp, jiff::Timestamp) = (a.get("from")?, a.get("to")?);
        // Working time is summed day by day: refuse spans no case lives through.
        if (to.as_second() - from.as_second()).abs() > MAX_CALENDAR_SPAN_SECS {
            return Err(Error::InvalidInput(
                "business time is measured over at most 100 years".into(),
            ));
        }
        let time = calendar_arg(cb, a)?.business_time(from, to);
        Ok(json!({"seconds": time.as_secs(), "text": format!("{time:#}")}))
    };
    "calendar_add_business" => |cb, a| to_value(&calendar_arg(cb, a)?.add_business(a.get("from")?, a.duration("duration")?)?);
    "load_sla" => |cb, a| Ok(cb.load_sla(&a.actor()?, &a.json_text("sla")?)?.to_json());
    "sla_definition" => |cb, a| Ok(cb.sla_definition(a.str("id")?, a.opt("version")?)?.to_json());
    "sla_definitions" => |cb, a| Ok(Value::Array(cb.sla_definitions()?.iter().map(|d| d.to_json()).collect()));
    "record_feedback" => |cb, a| to_value(&cb.record_feedback(&a.actor()?, a.str("case")?, &a.get("feedback")?)?);
    "load_response_template" => |cb, a| to_value(&cb.load_response_template(&a.actor()?, &a.json_text("template")?)?);
    "response_template" => |cb, a| to_value(&cb.response_template(a.str("id")?, a.opt("version")?)?);
    "response_templates" => |cb, a| to_value(&cb.response_templates()?);
    "render_response" => |cb, a| to_value(&cb.render_response(
        &a.actor()?,
        a.str("template")?,
        a.str("profile")?,
        a.opt_str("case")?.map(Ref::Key),
    )?);
    "notify_case" => |cb, a| to_value(&cb.notify_case(&a.actor()?, a.str("case")?, &NotifyInput {
        template: a.str("template")?.to_string(),
        roles: a.opt("roles")?.unwrap_or_default(),
    })?);
    "case_slas" => |cb, a| to_value(&cb.case_slas(a.str("ref")?, a.opt("at")?)?);
    "sla_due" => |cb, a| to_value(&cb.sla_due(a.get("until")?, a.limit(100)?)?);
    "due_sla_events" => |cb, a| to_value(&cb.due_sla_events(&a.actor()?, a.get("now")?, a.limit(100)?)?);
    "load_report" => |cb, a| to_value(&cb.load_report(&a.actor()?, &a.json_text("report")?)?);
    "report_definition" => |cb, a| to_value(&cb.report_definition(a.str("id")?, a.opt("version")?)?);
    "report_definitions" => |cb, a| to_value(&cb.report_definitions()?);
    "run_report" => |cb, a| to_value(&cb.run_report(a.str("id")?, report_period(a)?)?);
    "kpi_report" => |cb, a| {
        let def = crate::report::ReportDefinition::from_json(&a.json_text("report")?)?;
        to_value(&cb.kpi_report(&def, report_period(a)?)?)
    };
    "report_csv" => |cb, a| {
        let table: crate::report::ReportTable = a.get("table")?;
        Ok(Value::String(table.to_csv()))
    };
    "check_invariants" => |cb, a| to_value(&cb.check_invariants()?);
    "import_profiles" => |cb, a| {
        let options = a.opt::<ImportOptions>("options")?.unwrap_or_default();
        to_value(&cb.import_profiles(
            &a.actor()?,
            a.str("data")?.as_bytes(),
            &a.get::<ImportFormat>("format")?,
            &options,
            None,
        )?)
    };
}

/// The `calendar` argument: a loaded calendar's id, or a whole definition
/// (arithmetic without loading anything, as a browser form does).
fn calendar_arg<S: Store>(cb: &Casebook<S>, a: &Args<'_>) -> Result<crate::calendar::Calendar> {
    match a.value("calendar") {
        Some(Value::String(id)) => cb.calendar(id, a.opt("version")?),
        Some(value @ Value::Object(_)) => crate::calendar::Calendar::from_value(value.clone()),
        Some(_) => Err(Error::InvalidInput(
            "argument `calendar` must be a calendar id or a calendar definition".into(),
        )),
        None => Err(Error::InvalidInput("missing argument `calendar`".into())),
    }
}

/// The `from` and `to` arguments of a report (either left out: open).
fn report_period(a: &Args<'_>) -> Result<crate::report::ReportPeriod> {
    Ok(crate::report::ReportPeriod {
        from: a.opt("from")?,
        to: a.opt("to")?,
    })
}

/// A relationship's tags in one direction: one tag or a list.
#[derive(serde::Deserialize)]
struct Tags(#[serde(deserialize_with = "crate::model::one_or_many")] Vec<String>);

/// Runs one operation (see [`OPERATIONS`]) with named JSON arguments.
pub fn call<S: Store>(engine: &Casebook<S>, op: &str, args: &Value) -> Result<Value> {
    let empty = serde_json::Map::new();
    let args = match args {
        Value::Object(map) => Args(map),
        Value::Null => Args(&empty),
        _ => {
            return Err(Error::InvalidInput(
                "arguments must be a JSON object".into(),
            ))
        }
    };
    dispatch(engine, op, &args)
}

/// [`call`] over JSON text (empty text: no arguments).
pub fn call_json<S: Store>(engine: &Casebook<S>, op: &str, args_json: &str) -> Result<String> {
    let args: Value = if args_json.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(args_json)?
    };
    let out = call(engine, op, &args)?;
    serde_json::to_string(&out).map_err(|e| Error::Internal(e.to_string()))
}

#[cfg(test)]
mod tests;
