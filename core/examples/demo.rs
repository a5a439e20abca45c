//! The main job of casebook, end to end: a call from a shared household
//! number, a new customer captured from a partial IVR draft, a case linked to
//! two customers, the contact logged against it, the case's service levels
//! at the next screen pop and their warnings taken once, a keyword search,
//! and the customer's e-mail reply taken in: it joins the case by the case
//! number in its subject, and the same message delivered twice is taken once.
//!
//! It runs on the embedded default store, a SQLite file (`casebook-demo.db`
//! under the build directory, created afresh each run, or the path given as
//! argument), then reopens the file to show that everything was stored.
//! `--memory` runs it on the in-memory store instead.
//!
//! Run with `cargo run -p casebook --example demo [-- --memory | PATH]`.

use casebook::store::{Store, StoreExt};
use casebook::*;
use serde_json::json;

const PROFILE_TEMPLATE: &str = include_str!("templates/retail_customer.json");
const CASE_TEMPLATE: &str = include_str!("templates/support_case.json");
const CALENDAR: &str = include_str!("templates/uk_office.json");
const SLAS: &str = include_str!("templates/slas.json");
/// Routing rules: faults reported by phone go to field service, billing
/// questions to the billing desk, the rest to the service desk.
const ROUTING: &str = r#"{"rules": [
  {"name": "phone-faults", "when": {"templates": ["support_case"], "channels": ["voice"],
   "fields": {"reason": ["fault"]}}, "route": {"support_group": "field-service"}},
  {"name": "billing", "when": {"fields": {"reason": ["billing"]}}, "route": {"support_group": "billing-desk", "priority": 4}},
  {"name": "service-desk", "route": {"support_group": "service-desk"}}
]}"#;

fn config() -> Config {
    Config {
        default_region: Some("GB".into()),
        ..Config::default()
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--memory") {
        println!("casebook demo (in-memory store)\n");
        let cb = Casebook::builder(MemoryStore::new())
            .config(config())
            .build()?;
        play(&cb)?;
        return print_kpis(&cb);
    }
    let path = match args.first() {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            workspace
                .parent()
                .unwrap_or(workspace)
                .join("target/casebook-demo.db")
        }
    };
    // The demo's own file starts empty each run, so the story reads the same.
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    println!("casebook demo (SQLite store, {})\n", path.display());
    play(
        &Casebook::builder(SqliteStore::open(&path)?)
            .config(config())
            .build()?,
    )?;

    // A new handle on the same file: what a restarted switch would see.
    let reopened = Casebook::builder(SqliteStore::open(&path)?)
        .config(config())
        .build()?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "\nReopened {}: {} profiles, {} case(s), {} KiB on disk; integrity: {}",
        path.display(),
        reopened.store().read_with(|tx| tx.profile_count())?,
        reopened.store().read_with(|tx| tx.case_count())?,
        bytes / 1024,
        match reopened.check_invariants()?.as_slice() {
            [] => "ok".to_string(),
            problems => problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
    );
    match reopened.recognize(Channel::Voice, "07911 123456")? {
        Recognition::Known {
            summary,
            open_cases,
            ..
        } => println!(
            "Caller 07911 123456 is still {} with {} open case(s)",
            summary.display_name,
            open_cases.len()
        ),
        other => println!("Caller 07911 123456 not found after reopening: {other:?}"),
    }
    print_kpis(&reopened)
}

/// The service desk's KPIs, as a supervisor's wallboard shows them:
/// computed by the store (SQL over the file, on SQLite).
fn print_kpis<S: Store>(cb: &Casebook<S>) -> Result<()> {
    let report = cb.load_report(
        &Actor::new("admin"),
        r#"{"id": "service-desk", "name": "Service desk KPIs",
            "group_by": ["support_group", "channel"],
            "measures": ["created", "open", "resolved", "first_response_median",
                         "resolution_median", "sla_met", "sla_breached"]}"#,
    )?;
    let table = cb.run_report(&report.id, ReportPeriod::default())?;
    println!("\n{} (business time):", report.name);
    let cell = |column: &str, value: &serde_json::Value| match value {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(n) if column.ends_with("_median") => {
            let s = n.as_f64().unwrap_or(0.0).round() as i64;
            format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
        }
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = std::iter::once(table.columns.clone())
        .chain(table.rows.iter().map(|row| {
            row.iter()
                .zip(&table.columns)
                .map(|(v, c)| cell(c, v))
                .collect()
        }))
        .collect();
    let widths: Vec<usize> = (0..table.columns.len())
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        println!("   {}", line.join("  ").trim_end());
    }
    Ok(())
}

/// The story, on any store.
fn play<S: Store>(cb: &Casebook<S>) -> Result<()> {
    let profile_template = cb.load_template(&Actor::new("admin"), PROFILE_TEMPLATE)?;
    let case_template = cb.load_template(&Actor::new("admin"), CASE_TEMPLATE)?;
    println!(
        "Loaded templates: {} v{} ({} fields), {} v{} ({} fields)",
        profile_template.id,
        profile_template.version,
        profile_template.fields().len(),
        case_template.id,
        case_template.version,
        case_template.fields().len()
    );

    // Service levels: a business calendar and SLA definitions, all data.
    let calendar = cb.load_calendar(&Actor::new("admin"), CALENDAR)?;
    let slas: Vec<serde_json::Value> = serde_json::from_str(SLAS)?;
    for sla in &slas {
        cb.load_sla(&Actor::new("admin"), &sla.to_string())?;
    }
    println!(
        "Loaded calendar {} v{} ({}) and {} SLA definitions",
        calendar.id(),
        calendar.version(),
        calendar.def().time_zone,
        slas.len()
    );

    let routing = cb.load_routing_rules(&Actor::new("admin"), ROUTING)?;
    println!(
        "Loaded {} routing rules v{}",
        routing.rules.len(),
        routing.version.unwrap_or(0)
    );

    // Two customers of one household share a landline.
    let mut household = Vec::new();
    for (given, phone) in [("Ann", "0113 496 0000"), ("Bob", "+44 113 4960000")] {
        let profile = cb.create_profile(
            &Actor::new("admin"),
            ProfileInput {
                template: Some("retail_customer".into()),
                given_name: given.into(),
                family_name: "Okafor".into(),
                contact_points: vec![ContactPointInput {
                    kind: ContactKind::Phone,
                    value: phone.into(),
                    label: Some("home".into()),
                    primary: true,
                }],
                fields: [("segment".to_string(), json!("private"))]
                    .into_iter()
                    .collect(),
                ..Default::default()
            },
            CreateOptions::default(),
        )?;
        println!(
            "Created {} {} with home phone {}",
            profile.customer_id,
            profile.display_name(),
            profile.contact_points[0].value
        );
        household.push(profile);
    }

    // 1. A call arrives from the household landline, written as the switch sends it.
    println!("\n1. Incoming call from (0113) 496-0000");
    match cb.recognize(Channel::Voice, "(0113) 496-0000")? {
        Recognition::Several { candidates, .. } => {
            println!(
                "   Shared number: {} profiles, the agent chooses:",
                candidates.len()
            );
            for c in &candidates {
                println!(
                    "   - {} {} ({} open cases)",
                    c.customer_id, c.display_name, c.open_cases
                );
            }
        }
        other => {
            return Err(Error::Internal(format!(
                "expected a household, got {other:?}"
            )))
        }
    }

    // 2. An unknown caller: the IVR captured a few values.
    println!("\n2. Incoming call from 07911 123456");
    let Recognition::Unknown { mut draft, .. } = cb.recognize(Channel::Voice, "07911 123456")?
    else {
        return Err(Error::Internal("expected an unknown caller".into()));
    };
    println!(
        "   Unknown caller; draft pre-filled with phone {}",
        draft.contact_points[0].value
    );
    draft.template = Some("retail_customer".into());
    draft.given_name = "Chidi".into();
    draft
        .fields
        .insert("ni_number".into(), json!("AB 12 34 56"));
    let check = cb.validate_profile(&draft, true)?;
    println!(
        "   Draft check: {} error(s), {} missing:",
        check.errors.len(),
        check.missing.len()
    );
    for e in &check.errors {
        println!("   - {} [{}]: {}", e.field, e.code, e.message);
    }
    for m in &check.missing {
        println!("   - {} still to capture", m.label);
    }
    if let Err(e) = cb.create_profile(
        &Actor::new("agent-7"),
        draft.clone(),
        CreateOptions::default(),
    ) {
        println!(
            "   Creating it now is refused: {} field error(s), code {}",
            e.field_errors().len(),
            e.code()
        );
    }
    draft.family_name = "Anagonye".into();
    draft.fields.insert("ni_number".into(), json!("AB123456C"));
    draft.fields.insert("segment".into(), json!("private"));
    let chidi = cb.create_profile(&Actor::new("agent-7"), draft, CreateOptions::default())?;
    println!(
        "   Corrected and created {} {}",
        chidi.customer_id,
        chidi.display_name()
    );

    // 3. A case from the case template, linked to a second affected customer.
    println!("\n3. Case for the outage affecting the household");
    let case = cb.create_case(
        &Actor::new("agent-7"),
        CaseInput {
            template: Some("support_case".into()),
            channel: Some(Channel::Voice),
            impact: Some(Level::Medium),
            urgency: Some(Level::High),
            short_description: "Broadband down after storm".into(),
            description: "Router shows a red light since last night".into(),
            fields: [
                ("reason".to_string(), json!("fault")),
                ("device_serial".to_string(), json!("AB12CD34EF")),
            ]
            .into_iter()
            .collect(),
            links: vec![
                LinkInput {
                    profile: chidi.customer_id.clone(),
                    role: LinkRole::Requester,
                },
                LinkInput {
                    profile: household[0].customer_id.clone(),
                    role: LinkRole::Affected,
                },
            ],
            ..Default::default()
        },
    )?;
    println!(
        "   Created {} priority {} status {}, routed to {} by rule `{}`",
        case.number,
        case.priority,
        case.status,
        case.support_group.as_deref().unwrap_or("-"),
        case.routed_by.as_ref().map_or("-", |r| r.rule.as_str())
    );
    for link in cb.case_links(case.id)? {
        let p = cb.profile(link.profile_id)?;
        println!(
            "   - linked {} {} as {:?}",
            p.customer_id,
            p.display_name(),
            link.role
        );
    }

    // 4. The call itself is logged against the profile and the case.
    let mut contact = ContactInput::inbound(Channel::Voice, "07911 123456");
    contact.profile = Some(chidi.customer_id.clone());
    contact.cases = vec![case.number.clone()];
    contact.agent = Some("agent-7".into());
    contact.summary = "Reported outage, engineer to call back".into();
    let contact = cb.log_contact(&Actor::new("agent-7"), contact)?;
    println!(
        "\n4. Logged the call ({}) against {} and {}",
        contact.address_key.as_deref().unwrap_or("-"),
        chidi.customer_id,
        case.number
    );

    // 5. The next call from the customer: the screen pop shows the open
    // case's service levels.
    println!("\n5. Chidi calls again: screen pop");
    if let Recognition::Known { open_cases, .. } = cb.recognize(Channel::Voice, "07911 123456")? {
        for open in &open_cases {
            println!(
                "   {} {} [{}]",
                open.number, open.short_description, open.priority
            );
            for sla in &open.slas {
                print_sla("     ", sla);
            }
        }
    }

    // 6. Later on, a poller (any server) takes the warnings and breaches
    // that are due, each exactly once, and the escalations run.
    let later = cb.now() + jiff::SignedDuration::from_hours(30);
    println!("\n6. Thirty hours later, at {later:.0}");
    for sla in cb.case_slas(case.id, Some(later))? {
        print_sla("   ", &sla);
    }
    let poller = Actor::new("sla-poller");
    for event in cb.due_sla_events(&poller, later, 100)? {
        println!(
            "   taken: {} {} {:?} at {} % (due {:.0}){}",
            event.case_number,
            event.sla,
            event.kind,
            event.threshold,
            event.due_at,
            if event.escalations.is_empty() {
                String::new()
            } else {
                format!(": {}", event.escalations.join(", "))
            }
        );
    }
    println!(
        "   polled again: {} more",
        cb.due_sla_events(&poller, later, 100)?.len()
    );

    // 7. Keyword search finds the case.
    println!("\n7. Keyword search \"router red\"");
    for hit in cb.search_cases("router red", 10)? {
        println!(
            "   - {} {} [{}]",
            hit.number, hit.short_description, hit.status
        );
    }
    // 8. The customer answers by e-mail; the mail gateway fetches the
    // message twice (a retry after a timeout). Intake rules are data: a
    // short "thank you" would only be logged.
    println!("\n8. E-mail reply with the case number in its subject");
    cb.load_intake_rules(
        &Actor::new("admin"),
        r#"{"rules": [{"name": "thanks", "when": {"subject_any": ["thank you"], "body_max_words": 10}, "action": "log"}]}"#,
    )?;
    let mut reply = Inbound::new(Channel::Email, "Chidi Okafor <chidi@example.org>")
        .subject(format!("Re: [{}] Broadband down after storm", case.number))
        .body("The light is red again this morning.")
        .message_id("<reply-1@mail.example.org>");
    reply.to = Some("support@example.com".into());
    let gateway = Actor::new("mail-gateway");
    for delivery in 1..=2 {
        let outcome = cb.intake(&gateway, reply.clone())?;
        if outcome.case_id != Some(case.id) || outcome.replayed != (delivery == 2) {
            return Err(Error::Internal(format!(
                "the reply should join {} once: {outcome:?}",
                case.number
            )));
        }
        println!(
            "   delivery {delivery}: {}{}",
            outcome.text,
            if outcome.replayed {
                " (already taken: nothing stored again)"
            } else {
                ""
            }
        );
    }
    println!(
        "   {} now has {} contacts",
        case.number,
        cb.case_contacts(case.id)?.len()
    );

    let problems = cb.check_invariants()?;
    println!(
        "\nInvariant check: {}",
        if problems.is_empty() {
            "ok".to_string()
        } else {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    Ok(())
}

fn print_sla(indent: &str, sla: &SlaClock) {
    let hours = |s: i64| format!("{}h{:02}m", s / 3600, (s.abs() % 3600) / 60);
    println!(
        "{indent}SLA {} ({:?}): {:?}, {} left{}{}",
        sla.name,
        sla.time,
        sla.stage,
        hours(sla.time_left_s),
        sla.warning
            .map(|w| format!(", WARNING {w} % used"))
            .unwrap_or_default(),
        if sla.breached { ", BREACHED" } else { "" }
    );
}
