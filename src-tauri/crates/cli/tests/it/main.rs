//! CLI tests: run the real `downtime` binary against a temporary database, as a script would.

mod admissions;
mod backup;
mod catalog;
mod charges;
mod crash;
mod disk_full;
mod encryption;
mod export;
mod foundation;
mod patients;
mod pharmacy;
mod reconcile;
mod registration;
mod report;
mod station_file;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// `downtime init` of the counter `MZ01` with administrator 王管理 (PIN 123456), as most tests
/// set a station up.
pub const INIT_MZ01: [&str; 11] = [
    "init",
    "--hospital",
    "市第一人民医院",
    "--station",
    "MZ01",
    "--station-name",
    "门诊收费一号窗",
    "--admin",
    "王管理",
    "--admin-pin",
    "123456",
];

pub struct Station {
    pub dir: TempDir,
}

pub struct Run {
    pub ok: bool,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(o: Output) -> Run {
        Run {
            ok: o.status.success(),
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Succeeded; returns stdout.
    #[track_caller]
    pub fn out(&self) -> &str {
        assert!(self.ok, "expected success, got {}: {}", self.code, self.stderr);
        &self.stdout
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.out()).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    /// Failed with one line on stderr containing `needle`.
    #[track_caller]
    pub fn fails_with(&self, needle: &str) {
        assert!(!self.ok, "expected failure, got success: {}", self.stdout);
        assert!(self.stderr.contains(needle), "stderr {:?} lacks {needle:?}", self.stderr);
        assert_eq!(self.stderr.trim().lines().count(), 1, "one clear sentence: {:?}", self.stderr);
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_downtime"))
}

/// Runs `downtime` with `args` against `db`, with a clean environment for the operator.
pub fn run_db(db: &Path, args: &[&str]) -> Run {
    Run::from(
        Command::new(bin())
            .arg("--db")
            .arg(db)
            .args(args)
            .env_remove("DOWNTIME_OPERATOR")
            .env_remove("DOWNTIME_PIN")
            .env("DOWNTIME_LANG", "zh_CN.UTF-8")
            .output()
            .unwrap(),
    )
}

impl Station {
    /// `MZ01` in an outage with the price list `prices` (a CSV's text) imported, the cashier
    /// 李收费 (PIN 2468) on shift with `float` yuan, the supervisor 陈主管 (1357) and the patient
    /// 张三 (DT-MZ01-000001): the counter most charge tests start from.
    pub fn on_shift(prices: &str, float: &str) -> Station {
        let s = Station::new();
        let file = s.dir.path().join("价目表2026-11.csv");
        std::fs::write(&file, prices).unwrap();
        s.admin(&["catalog", "import", file.to_str().unwrap()]).out();
        s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
        s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
            .out();
        s.admin(&["outage", "start", "--reason", "HIS 宕机"]).out();
        cashier(&s, &["shift", "open", "--float", float]).out();
        cashier(&s, &["patient", "add", "--name", "张三", "--sex", "M"]).out();
        s
    }

    /// `MZ01` with administrator 王管理 (PIN 123456): `INIT_MZ01`.
    pub fn new() -> Station {
        let s = Station::empty();
        s.run(&INIT_MZ01).out();
        s
    }

    pub fn empty() -> Station {
        Station {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("station.db")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_db(&self.db(), args)
    }

    /// Runs as the named operator.
    pub fn as_(&self, name: &str, pin: &str, args: &[&str]) -> Run {
        let mut all = vec!["--as", name, "--pin", pin];
        all.extend_from_slice(args);
        self.run(&all)
    }

    pub fn admin(&self, args: &[&str]) -> Run {
        self.as_("王管理", "123456", args)
    }

    /// The station's newest journal entry: its kind and payload.
    pub fn last_entry(&self) -> (String, String) {
        let desk = downtime_core::Desk::open_read_only(self.db()).unwrap();
        let e = desk.journal_tail(1).unwrap().remove(0);
        (e.kind, e.payload)
    }

    /// The database bytes, to prove a refusal changed nothing.
    pub fn snapshot(&self) -> i64 {
        self.run(&["verify", "--json"]).json()["entries"].as_i64().unwrap()
    }
}

/// The text of a PDF the CLI wrote, as `pdftotext -layout` reads it.
pub fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by the setup script");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs as the cashier 李收费 (PIN 2468) that the counter fixtures add.
pub fn cashier(s: &Station, args: &[&str]) -> Run {
    s.as_("李收费", "2468", args)
}
