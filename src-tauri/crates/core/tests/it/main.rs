//! Integration tests of downtime-core: one binary, a module per area, all against a
//! temporary database and no window.

mod admissions;
mod calendar;
mod capitals;
mod catalog;
mod charges;
mod counter;
mod export;
mod fuzz;
mod journal;
mod money;
mod paper;
mod parts;
mod patient_records;
mod patients;
mod pressure;
mod quantities;
mod receipt_pdf;
mod registration;
mod report;
mod roles;
mod search;
mod store;
mod tamper;

use chrono::{DateTime, Duration, TimeZone, Utc};
use downtime_core::station::Setup;
use downtime_core::time::Clock;
use downtime_core::{Actor, Desk};
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

/// A station `MZ01` with administrator 王管理 (PIN 123456) and a clock the test can move.
pub struct Fixture {
    pub dir: TempDir,
    pub desk: Desk,
    pub admin: Actor,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let now = Arc::new(Mutex::new(Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap()));
        let n = now.clone();
        let mut desk = Desk::init_at(
            dir.path().join("station.db"),
            &station_setup(),
            Clock::from_fn(move || *n.lock().unwrap()),
        )
        .unwrap();
        let admin = desk.authenticate("王管理", "123456").unwrap();
        Fixture { dir, desk, admin, now }
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("station.db")
    }

    /// Adds an operator and returns them authenticated.
    pub fn operator(&mut self, name: &str, role: downtime_core::Role) -> Actor {
        self.desk.add_operator(&self.admin, name, role, "2468").unwrap();
        self.desk.authenticate(name, "2468").unwrap()
    }

    /// How many journal entries exist: tests use it to prove a refusal wrote nothing.
    pub fn entries(&self) -> i64 {
        self.desk.verify().unwrap().entries
    }
}

/// The station every fixture sets up: `MZ01`, administrator 王管理 with PIN 123456.
pub fn station_setup() -> Setup {
    Setup {
        hospital: "市第一人民医院".into(),
        code: "MZ01".into(),
        station_name: "门诊收费一号窗".into(),
        admin_name: "王管理".into(),
        admin_pin: "123456".into(),
    }
}

/// Opens the file behind the desk's back, as someone with the `sqlite3` shell would.
pub fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}
