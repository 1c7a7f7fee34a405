//! `downtime bench search`: the patient and item searches at hospital sizes (100 thousand to
//! millions of rows). What a counter feels is the first search after the app or the command
//! line starts, so the figures that matter come from fresh processes: the command line
//! (`downtime bench search`) runs the real `patients import`, `patient find`, `catalog import`
//! and `catalog search` commands as child processes and measures each whole (wall time, peak
//! memory), beside the machine's floor measured in the same run (a process that opens the
//! same file with bare SQLite and reads one row by key). This module holds the parts that run
//! inside one process: the input files, the scratch station, the settled file size, and the
//! first and warm searches of a freshly opened desk.

use crate::bench::{scratch_desk, summarise, Figure};
use crate::error::Result;
use crate::store::Desk;
use rusqlite::{Connection, OpenFlags};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The administrator of the scratch station (see `bench::scratch_desk`).
pub const ADMIN: (&str, &str) = ("管理员", "123456");

/// What is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The HIS patient index (`patients import`, `patient find`).
    Patients,
    /// The price list (`catalog import`, `catalog search`).
    Items,
}

impl Kind {
    /// What the counter types first: the cold search asks this.
    pub fn first_query(self) -> &'static str {
        match self {
            Kind::Patients => "wxm",
            Kind::Items => "amxl",
        }
    }

    /// Queries of every tier (code, code prefix, initials, name characters), cycled for the
    /// warm figures.
    pub fn queries(self) -> &'static [&'static str] {
        match self {
            Kind::Patients => &[
                "wxm",
                "张伟",
                "zw",
                "H10000042",
                "13",
                "欧阳",
                "王",
                "lj",
                "110105",
                "芳",
                "晓燕",
                "DT-BENCH-000001",
            ],
            Kind::Items => &[
                "amxl",
                "zcf",
                "X0001",
                "阿莫西林",
                "血常规",
                "cz",
                "C0000",
                "胶囊",
                "xcg",
                "CT",
                "一次性",
                "lhqw",
                "黄芪",
                "E00",
                "tl",
                "注射液",
            ],
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Patients => "patients",
            Kind::Items => "items",
        }
    }
}

/// Writes the synthetic input of `n` rows into `dir` (row by row: the file is never held in
/// memory) and returns its path.
pub fn write_input(dir: &Path, kind: Kind, n: usize) -> Result<PathBuf> {
    let path = dir.join(match kind {
        Kind::Patients => "his-patients.csv",
        Kind::Items => "price-list.csv",
    });
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    match kind {
        Kind::Patients => crate::patient::synth::write_his_index_csv(&mut out, n, 42)?,
        Kind::Items => out.write_all(crate::catalog::synth::price_list_csv(n, 1000).as_bytes())?,
    }
    out.flush()?;
    Ok(path)
}

/// A fresh station in `dir` with the administrator `ADMIN`, closed again; its file's path.
pub fn station(dir: &Path) -> Result<PathBuf> {
    let (desk, _) = scratch_desk(dir)?;
    Ok(desk.path().to_path_buf())
}

/// Bytes of the file once its WAL is checkpointed into it and truncated.
pub fn settled_size(db: &Path) -> Result<u64> {
    let conn = Connection::open(db)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    Ok(std::fs::metadata(db)?.len())
}

/// A freshly opened desk: time to open it, time of its first search, then warm searches.
#[derive(Debug, Clone)]
pub struct InProcess {
    pub open_us: f64,
    pub first_us: f64,
    pub warm: Figure,
}

/// Opens `db` afresh, asks `kind.first_query()`, then `n` warm searches cycling through
/// `kind.queries()`.
pub fn in_process(db: &Path, kind: Kind, n: usize) -> Result<InProcess> {
    let t = Instant::now();
    let mut desk = Desk::open(db)?;
    let open_us = t.elapsed().as_secs_f64() * 1e6;
    let search = |desk: &mut Desk, q: &str| -> Result<usize> {
        Ok(match kind {
            Kind::Patients => desk.find_patients(q, 20)?.len(),
            Kind::Items => desk.catalog_search(q, 20)?.len(),
        })
    };
    let t = Instant::now();
    search(&mut desk, kind.first_query())?;
    let first_us = t.elapsed().as_secs_f64() * 1e6;
    let queries = kind.queries();
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        search(&mut desk, queries[i % queries.len()])?;
        samples.push(t.elapsed());
    }
    let warm = summarise(&format!("{} search, warm", kind.noun()), samples);
    Ok(InProcess { open_us, first_us, warm })
}

/// A counter as the app starts it: the desk opened, then the first patient search and the
/// first item search (what a counter is asked first), then warm searches of both.
#[derive(Debug, Clone)]
pub struct Counter {
    pub open_us: f64,
    pub first_patient_us: f64,
    pub first_item_us: f64,
    pub patients: Figure,
    pub items: Figure,
}

/// Opens `db` afresh as the app does and searches as a counter would (`n` warm searches of
/// each kind, cycling through its queries).
pub fn counter(db: &Path, n: usize) -> Result<Counter> {
    let t = Instant::now();
    let mut desk = Desk::open(db)?;
    let open_us = t.elapsed().as_secs_f64() * 1e6;
    let t = Instant::now();
    desk.find_patients(Kind::Patients.first_query(), 20)?;
    let first_patient_us = t.elapsed().as_secs_f64() * 1e6;
    let t = Instant::now();
    desk.catalog_search(Kind::Items.first_query(), 20)?;
    let first_item_us = t.elapsed().as_secs_f64() * 1e6;
    let mut warm = |kind: Kind| -> Result<Figure> {
        let queries = kind.queries();
        let mut samples = Vec::with_capacity(n);
        for i in 0..n {
            let t = Instant::now();
            match kind {
                Kind::Patients => desk.find_patients(queries[i % queries.len()], 20)?.len(),
                Kind::Items => desk.catalog_search(queries[i % queries.len()], 20)?.len(),
            };
            samples.push(t.elapsed());
        }
        Ok(summarise(&format!("{} search, warm", kind.noun()), samples))
    };
    let patients = warm(Kind::Patients)?;
    let items = warm(Kind::Items)?;
    Ok(Counter {
        open_us,
        first_patient_us,
        first_item_us,
        patients,
        items,
    })
}

/// The machine's floor for a process that answers from this file: open it read-only with bare
/// SQLite and read one row by its key.
pub fn probe(db: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let _: i64 = conn.query_row("SELECT seq FROM journal WHERE seq = 1", [], |r| r.get(0))?;
    Ok(())
}

/// Peak resident memory of this process in bytes, where the platform tells it (Linux).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
