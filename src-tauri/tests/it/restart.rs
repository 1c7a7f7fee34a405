//! Issue 19: the app restarts itself at the login screen once its memory passes a mark. On the
//! mock runtime the restart closes the store and releases the station's instance lock (what it
//! does before it starts its successor) and starts nothing; the E2E `restart` test sees the new
//! process.

use crate::{code_of, Station, Window, CASHIER};
use downtime_core::store::InstanceLock;
use serde_json::json;

/// Whether a window holds the station (another holder is refused).
fn held(s: &Station) -> bool {
    InstanceLock::acquire(&s.db()).is_err()
}

#[test]
fn signed_out_above_the_mark_the_station_is_let_go_and_the_journal_is_as_it_was() {
    let s = Station::new();
    // 1 MB: any app is above it.
    let w = Window::open_restarting(&s.db(), Some(1));
    w.login(CASHIER);
    w.call("find_patients", json!({ "query": "张", "limit": 5 })).unwrap();
    // In a session, however big the app, nothing happens.
    assert!(held(&s));
    let entries = s.entries();
    let status = w.call("logout", json!({})).unwrap();
    assert!(status["operator"].is_null(), "the login screen: {status}");
    // The store closed and the lock released, for the successor to take.
    assert!(!held(&s), "the station is let go before the new process starts");
    let lock = InstanceLock::acquire(&s.db()).unwrap();
    drop(lock);
    // A call in the moment before the exit is answered, and refused.
    assert_eq!(code_of("app_status", w.call("app_status", json!({}))), "db_busy");
    assert_eq!(s.entries(), entries + 1, "the sign-out's record; the restart writes nothing");
    // The successor opens the same station.
    let next = Window::open_restarting(&s.db(), Some(1));
    assert!(next.call("app_status", json!({})).unwrap()["operator"].is_null());
    assert!(held(&s));
    next.login(CASHIER);
}

#[cfg(target_os = "linux")]
#[test]
fn a_successor_that_never_becomes_ready_leaves_the_app_going_on_the_same_station() {
    // One that ends at once (GTK could not open the display), one that hangs: both are ended,
    // and the app opens the station again and goes on, the next operator signing in on it.
    for script in ["exit 1", "sleep 30"] {
        let s = Station::new();
        let successor = downtime_desk::restart::Successor {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            env: std::env::vars_os().collect(),
        };
        let w = Window::open_restarting_into(&s.db(), Some(1), Some(successor));
        w.login(CASHIER);
        let entries = s.entries();
        let started = std::time::Instant::now();
        let status = w.call("logout", json!({})).unwrap();
        assert!(status["operator"].is_null(), "{script}: the login screen: {status}");
        assert!(started.elapsed() < downtime_desk::restart::READY_AT_MOST + std::time::Duration::from_secs(5));
        assert!(held(&s), "{script}: the station is held again");
        assert!(w.call("app_status", json!({})).unwrap()["operator"].is_null());
        w.login(CASHIER);
        assert_eq!(s.entries(), entries + 2, "{script}: the sign-out and the next sign-in");
    }
}

#[test]
fn below_the_mark_or_with_mark_0_a_sign_out_keeps_the_app() {
    for mark in [None, Some(1_000_000)] {
        let s = Station::new();
        let w = Window::open_restarting(&s.db(), mark);
        w.login(CASHIER);
        w.call("logout", json!({})).unwrap();
        assert!(held(&s), "mark {mark:?}");
        // The next operator signs in on the same app.
        w.login(CASHIER);
        w.call("logout", json!({})).unwrap();
        assert!(held(&s), "mark {mark:?}");
    }
}

#[test]
fn the_lock_screen_keeps_the_session_so_it_never_restarts() {
    // The idle lock is the window's: the operator stays signed in (the shell's session), so a
    // wrong PIN at the lock screen or its unlock never reaches a sign-out.
    let s = Station::new();
    let w = Window::open_restarting(&s.db(), Some(1));
    w.login(CASHIER);
    assert_eq!(
        code_of("login", w.call("login", json!({ "input": { "name": CASHIER, "pin": "0000" } }))),
        "pin_wrong"
    );
    w.login(CASHIER);
    assert!(held(&s));
    assert!(!w.call("app_status", json!({})).unwrap()["operator"].is_null());
}
