//! The server crashes (`pg_ctl stop -m immediate`) and restarts in the
//! middle of a load: the same store handle reconnects, and every write it
//! reported committed is there. Alone in its test binary: the crash stops
//! the server every other test uses.
#![cfg(feature = "postgres")]

use casebook::*;
use casebook_tests::fixtures;
use casebook_tests::postgres::TempPostgres;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn control(action: &str) {
    let script = std::env::var("CASEBOOK_TEST_PGCTL").expect(
        "CASEBOOK_TEST_PGCTL names the script that crashes and starts the test server (scripts/with-postgres sets it)",
    );
    let status = Command::new(script)
        .arg(action)
        .status()
        .expect("control script runs");
    assert!(status.success(), "`{action}` of the test server failed");
}

fn customer(n: usize) -> ProfileInput {
    ProfileInput {
        given_name: "Crash".into(),
        family_name: format!("Tester{n}"),
        ..ProfileInput::default()
    }
}

#[test]
fn a_server_crash_loses_no_committed_write_and_the_handle_reconnects() {
    let cb = Arc::new(Casebook::builder(TempPostgres::new()).build().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (cb, stop) = (Arc::clone(&cb), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut committed = Vec::new();
            let mut failures = 0usize;
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let created = cb.create_profile(
                    &Actor::new("load"),
                    customer(n),
                    CreateOptions {
                        allow_duplicates: true,
                    },
                );
                match created {
                    Ok(p) => committed.push(p.customer_id),
                    Err(e) => {
                        assert_eq!(e.code(), ErrorCode::Storage, "{e}");
                        failures += 1;
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            }
            (committed, failures)
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    control("crash");
    std::thread::sleep(Duration::from_millis(500));
    control("start");
    // Writing resumes on the same handle.
    let restarted = Instant::now();
    let count_now = || cb.export_snapshot().map(|s| s.profiles.len());
    let mut before = None;
    while restarted.elapsed() < Duration::from_secs(30) {
        if let Ok(n) = count_now() {
            match before {
                None => before = Some(n),
                Some(b) if n >= b + 20 => break,
                Some(_) => {}
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::SeqCst);
    let (committed, failures) = writer.join().expect("the writer did not panic");
    assert!(failures > 0, "the crash was not noticed");
    let after = count_now().expect("reads work after the restart");
    assert!(
        after >= before.expect("a read succeeded after the restart") + 20,
        "writing did not resume after the restart"
    );
    for customer_id in &committed {
        cb.profile(customer_id.as_str())
            .unwrap_or_else(|e| panic!("{customer_id} was reported committed: {e}"));
    }
    fixtures::no_invariant_problems(&cb);
}
