//! A child process for the multi-process and crash tests of the SQLite and
//! PostgreSQL stores. `<db>` is a SQLite file, or `postgres:` followed by
//! a connection string (with the `postgres` feature).
//!
//! `sqlite_child work <db> <seed> <ops>` creates profiles, cases linked to
//! them, contacts and merges (`ops` = 0: until killed). After each committed
//! operation it prints one line, flushed, naming what it committed:
//!
//! ```text
//! profile <customer id> <id>
//! case <number> <id> <customer id>[,<customer id>]
//! contact <id> <customer id>
//! merge <merge id> <survivor customer id> <merged customer id>
//! ```
//!
//! `sqlite_child bump <db> <customer id> <count>` updates one profile `count`
//! times, retrying on version conflicts, and prints `bumped <count>`.
//!
//! `sqlite_child poll <db> <now> <rounds>` takes the service-level warnings
//! and breaches due at `now` (RFC 3339), a few at a time for `rounds`
//! rounds, and prints one `taken <case number> <threshold>` line per event.
//!
//! `sqlite_child consume <db> <consumer> <drain>` delivers the outbox's
//! events as a mailer would: a few at a time, one `got <seq> <key>` line
//! per event delivered, then acknowledges the last and prints `acked
//! <seq>`. With `drain` 0 it waits for more until killed; with 1 it stops
//! once it has caught up.

use casebook::store::{Store, StoreExt};
use casebook::MergePlan;
use casebook::{
    Actor, Casebook, Channel, ContactInput, ContactKind, ContactPointInput, CreateOptions,
    ErrorCode, LinkInput, LinkRole, ProfileInput, SqliteStore,
};
use std::io::Write;
use std::process::ExitCode;

type Engine = Casebook<Box<dyn Store>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["work", db, seed, ops] => match (seed.parse(), ops.parse()) {
            (Ok(seed), Ok(ops)) => open(db).and_then(|cb| work(&cb, seed, ops)),
            _ => Err("seed and ops must be numbers".to_string()),
        },
        ["bump", db, customer_id, count] => match count.parse() {
            Ok(count) => open(db).and_then(|cb| bump(&cb, customer_id, count)),
            Err(_) => Err("count must be a number".to_string()),
        },
        ["poll", db, now, rounds] => match (now.parse(), rounds.parse()) {
            (Ok(now), Ok(rounds)) => open(db).and_then(|cb| poll(&cb, now, rounds)),
            _ => Err("now must be an instant and rounds a number".to_string()),
        },
        ["consume", db, consumer, drain] => {
            open(db).and_then(|cb| consume(&cb, consumer, drain == "1"))
        }
        _ => Err(
            "usage: sqlite_child work <db> <seed> <ops> | bump <db> <customer id> <count> | poll <db> <now> <rounds> | consume <db> <consumer> <drain>".into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sqlite_child: {message}");
            ExitCode::FAILURE
        }
    }
}

fn open(db: &str) -> Result<Engine, String> {
    let store: Box<dyn Store> = match db.strip_prefix("postgres:") {
        #[cfg(feature = "postgres")]
        Some(conninfo) => {
            Box::new(casebook::PostgresStore::open(conninfo).map_err(|e| e.to_string())?)
        }
        #[cfg(not(feature = "postgres"))]
        Some(_) => return Err("built without the postgres feature".into()),
        None => Box::new(SqliteStore::open(db).map_err(|e| e.to_string())?),
    };
    Casebook::builder(store).build().map_err(|e| e.to_string())
}

/// Takes due service-level events, a few per call, and reports each.
fn poll(cb: &Engine, now: jiff::Timestamp, rounds: usize) -> Result<(), String> {
    let poller = Actor::new(format!("poller-{}", std::process::id()));
    for _ in 0..rounds {
        let events = cb
            .due_sla_events(&poller, now, 3)
            .map_err(|e| e.to_string())?;
        for event in events {
            report(format!("taken {} {}", event.case_number, event.threshold))?;
        }
    }
    Ok(())
}

/// Delivers events a few at a time, acknowledging each batch once delivered.
fn consume(cb: &Engine, consumer: &str, drain: bool) -> Result<(), String> {
    loop {
        let events = cb.events_for(consumer, 4).map_err(|e| e.to_string())?;
        let Some(last) = events.last().map(|e| e.seq) else {
            if drain {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(3));
            continue;
        };
        for event in &events {
            report(format!("got {} {}", event.seq, event.key))?;
        }
        cb.acknowledge_events(consumer, last)
            .map_err(|e| e.to_string())?;
        report(format!("acked {last}"))?;
    }
}

/// Prints one line and flushes it, so the parent sees every commit reported.
fn report(line: String) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

/// Customer IDs of the live (not merged-away) profiles.
fn live_profiles(cb: &Engine) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = cb
            .store()
            .read_with(|tx| tx.profiles_page(after, 200))
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        out.extend(
            page.iter()
                .filter(|p| !p.is_tombstone())
                .map(|p| p.customer_id.clone()),
        );
    }
    Ok(out)
}

/// Errors another process's concurrent work can cause: pick again.
fn expected(e: &casebook::Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::InvalidState
            | ErrorCode::NotFound
            | ErrorCode::Conflict
            | ErrorCode::ValidationFailed
    )
}

const GIVEN: [&str; 8] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Tony",
];

fn work(cb: &Engine, seed: u64, ops: u64) -> Result<(), String> {
    let mut rng = casebook_tests::fixtures::Rng::new(seed);
    let mut live = live_profiles(cb)?;
    let mut op = 0u64;
    while ops == 0 || op < ops {
        op += 1;
        let roll = rng.below(10);
        if live.len() < 2 || roll < 4 {
            let given = GIVEN[rng.below(GIVEN.len())];
            let family = format!("Tester{seed}x{op}");
            let input = ProfileInput {
                given_name: given.into(),
                family_name: family.clone(),
                contact_points: vec![ContactPointInput {
                    kind: ContactKind::Email,
                    value: format!(
                        "{}.{}@example.org",
                        given.to_lowercase(),
                        family.to_lowercase()
                    ),
                    label: None,
                    primary: true,
                }],
                accounts: vec![format!("ACC-{seed}-{op}")],
                ..ProfileInput::default()
            };
            let p = cb
                .create_profile(
                    &Actor::new("child"),
                    input,
                    CreateOptions {
                        allow_duplicates: true,
                    },
                )
                .map_err(|e| format!("create profile: {e}"))?;
            live.push(p.customer_id.clone());
            report(format!("profile {} {}", p.customer_id, p.id))?;
        } else if roll < 7 {
            let mut linked = vec![live[rng.below(live.len())].clone()];
            let other = live[rng.below(live.len())].clone();
            if !linked.contains(&other) && rng.below(2) == 0 {
                linked.push(other);
            }
            let input = casebook::CaseInput {
                short_description: format!("Router {op} of batch {seed} has no signal"),
                links: linked
                    .iter()
                    .map(|c| LinkInput {
                        profile: c.clone(),
                        role: LinkRole::Requester,
                    })
                    .collect(),
                ..Default::default()
            };
            match cb.create_case(&Actor::new("child"), input) {
                Ok(case) => report(format!(
                    "case {} {} {}",
                    case.number,
                    case.id,
                    linked.join(",")
                ))?,
                // Two picks another process merged into one: linked twice.
                Err(e)
                    if expected(&e)
                        || (linked.len() > 1 && e.code() == ErrorCode::InvalidInput) =>
                {
                    live = live_profiles(cb)?
                }
                Err(e) => return Err(format!("create case: {e}")),
            }
        } else if roll < 8 {
            let who = live[rng.below(live.len())].clone();
            let input = ContactInput {
                summary: format!("call {op}"),
                profile: Some(who.clone()),
                ..ContactInput::inbound(Channel::Email, format!("caller{op}@example.org"))
            };
            match cb.log_contact(&Actor::new("child"), input) {
                Ok(contact) => report(format!("contact {} {}", contact.id, who))?,
                Err(e) if expected(&e) => live = live_profiles(cb)?,
                Err(e) => return Err(format!("log contact: {e}")),
            }
        } else {
            let survivor = live[rng.below(live.len())].clone();
            let merged = live[rng.below(live.len())].clone();
            if survivor == merged {
                continue;
            }
            match cb.merge(
                &Actor::new("child"),
                &MergePlan::new(survivor.as_str(), merged.as_str()),
            ) {
                Ok(outcome) => {
                    live.retain(|c| *c != merged);
                    report(format!("merge {} {survivor} {merged}", outcome.merge_id))?;
                }
                Err(e) if expected(&e) => live = live_profiles(cb)?,
                Err(e) => return Err(format!("merge: {e}")),
            }
        }
    }
    Ok(())
}

fn bump(cb: &Engine, customer_id: &str, count: u64) -> Result<(), String> {
    let mut done = 0;
    let mut conflicts = 0u64;
    while done < count {
        let current = cb.profile(customer_id).map_err(|e| e.to_string())?;
        let mut input = ProfileInput::from(&current);
        input.accounts = vec![format!("BUMP-{}", current.version)];
        match cb.update_profile(&Actor::new("child"), customer_id, current.version, input) {
            Ok(_) => done += 1,
            Err(e) if e.code() == ErrorCode::Conflict => conflicts += 1,
            Err(e) => return Err(format!("update: {e}")),
        }
    }
    report(format!("bumped {done} conflicts {conflicts}"))
}
