//! `downtime bench`: the product's benchmarks on a scratch database in a temporary folder,
//! each figure printed beside its baseline measured in the same run on the same disk. IT can
//! run it on an old counter PC before an outage. Later issues add their figures here.

use crate::error::Result;
use crate::store::Desk;
use crate::station::Setup;
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub name: String,
    pub unit: String,
    pub n: usize,
    pub median: f64,
    pub p99: f64,
    /// The figure this one is compared with, and the ratio of medians.
    pub baseline: Option<String>,
    pub ratio: Option<f64>,
    pub target: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub folder: String,
    pub figures: Vec<Figure>,
}

/// Median and 99th percentile of `samples`, in microseconds.
pub fn summarise(name: &str, mut samples: Vec<Duration>) -> Figure {
    samples.sort();
    let pick = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i].as_secs_f64() * 1e6
    };
    Figure {
        name: name.into(),
        unit: "µs".into(),
        n: samples.len(),
        median: pick(0.5),
        p99: pick(0.99),
        baseline: None,
        ratio: None,
        target: None,
    }
}

pub fn compare(mut figure: Figure, baseline: &Figure, target: &str) -> Figure {
    figure.ratio = Some(figure.median / baseline.median);
    figure.baseline = Some(baseline.name.clone());
    figure.target = Some(target.into());
    figure
}

fn time_n(n: usize, mut f: impl FnMut(usize) -> Result<()>) -> Result<Vec<Duration>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i)?;
        out.push(t.elapsed());
    }
    Ok(out)
}

/// A bare one-row commit with the desk's durability settings: the floor for any state change.
pub fn bare_commit(dir: &Path, n: usize) -> Result<Figure> {
    let conn = Connection::open(dir.join("bare.db"))?;
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);")?;
    let samples = time_n(n, |i| {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.execute("INSERT INTO t (v) VALUES (?1)", [format!("row {i}")])?;
        conn.execute_batch("COMMIT")?;
        Ok(())
    })?;
    Ok(summarise("bare one-row commit (WAL, synchronous=FULL)", samples))
}

/// A scratch station with an administrator, for benchmarks and the simulator.
pub fn scratch_desk(dir: &Path) -> Result<(Desk, crate::Actor)> {
    let mut desk = Desk::open(dir.join("station.db"))?;
    desk.init_station(&Setup {
        hospital: "基准测试医院".into(),
        code: "BENCH".into(),
        station_name: "基准".into(),
        admin_name: "管理员".into(),
        admin_pin: "123456".into(),
    })?;
    let admin = desk.authenticate("管理员", "123456")?;
    Ok((desk, admin))
}

pub fn run(n: usize) -> Result<Report> {
    let dir = tempfile::Builder::new().prefix("downtime-bench").tempdir()?;
    let bare = bare_commit(dir.path(), n)?;
    let (mut desk, admin) = scratch_desk(dir.path())?;
    let samples = time_n(n, |i| desk.set_idle_lock_minutes(&admin, 1 + (i % 60) as i64))?;
    let journalled = compare(summarise("one journalled state change", samples), &bare, "informational");
    Ok(Report {
        folder: dir.path().display().to_string(),
        figures: vec![bare, journalled],
    })
}
