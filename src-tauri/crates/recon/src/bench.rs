//! `downtime reconcile bench`: the target — 30 stations × 10,000 receipts with an HIS
//! postings file of the same size, loaded, verified and matched in under 5 s with under
//! 300 MB — measured for several station counts so that the growth shows. Each count gets a
//! fresh workspace; the figures are printed beside the floors of the same machine in the same
//! run: reading and hashing (SHA-256) every byte of the same batch folders and postings file,
//! which no verification can do without (two files at a time side by side, as the check
//! hashes) — on one thread, and shared over two threads (the load verifies on two).
//!
//! Making the data is not what is measured: every station is a scratch counter that runs
//! `simulate` until it has issued the receipts asked for and exports them as one batch (the
//! core's own export), and the postings file posts every receipt not voided. With `data` the
//! batches are kept there and reused by the next run.

use crate::run::{load_inputs, HisFile, Inputs, Load};
use crate::Clerk;
use downtime_core::batch;
use downtime_core::bench::{peak_memory_mb, reset_peak_memory};
use downtime_core::error::Result;
use downtime_core::sha_pair::Sha256Pair;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The figures for one station count.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub stations: usize,
    pub receipts: i64,
    pub postings: i64,
    /// The floor: read and SHA-256 every batch file and the postings file on one thread, in ms.
    pub floor_ms: f64,
    /// The same reading and hashing split over two threads (the files shared out), in ms: the
    /// floor of a load that verifies on two threads.
    pub floor_two_threads_ms: f64,
    /// Loading and verifying the batches into a fresh workspace, in ms, the postings file read
    /// and checked meanwhile (as `downtime reconcile` does).
    pub load_ms: f64,
    /// Importing the postings file read during the load (the batches' side of the
    /// reconciliation read beside it on a second connection), in ms.
    pub his_ms: f64,
    /// Deriving the reconciliation (matching, totals, worklists), in ms, until the checkpoint
    /// of the load and import running beside it has ended too.
    pub match_ms: f64,
    /// All three: the figure the target is for.
    pub total_ms: f64,
    /// Total over the one-thread floor.
    pub ratio_to_floor: f64,
    /// Total over the two-thread floor.
    pub ratio_to_floor_two_threads: f64,
    /// CPU time of the process (every thread, user and system) during the three steps, in
    /// seconds (Unix): on a shared machine a steadier figure than the wall time.
    pub cpu_s: Option<f64>,
    /// Peak resident memory of the process during the three steps, in MB (Linux).
    pub peak_mb: Option<f64>,
    /// The peak of each step on its own (load, HIS import, matching), in MB: where it goes.
    pub step_peaks_mb: [Option<f64>; 3],
    pub balanced: bool,
}

/// The CPU time this process has used so far (every thread, user and system), in seconds.
fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage only fills in the struct it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
            return None;
        }
        let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        Some(s(u.ru_utime) + s(u.ru_stime))
    }
    #[cfg(not(unix))]
    None
}

/// The station code of the `i`-th scratch counter.
fn code(i: usize) -> String {
    format!("BJ{:02}", i + 1)
}

/// Makes (or, when kept from an earlier run, finds) the batches of `stations` counters with
/// at least `receipts` receipts each, and their postings file. Returns the batch folders.
/// The counters are made a few at once (each is a desk of its own): making the data is the
/// slow part of a first run, and not what is measured.
fn prepare(data: &Path, stations: usize, receipts: usize) -> Result<Vec<PathBuf>> {
    let folders: Vec<PathBuf> = (0..stations).map(|i| data.join("batches").join(code(i))).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2) * 2;
    let make = |i: usize| -> Result<()> {
        let code = code(i);
        let out = &folders[i];
        if out.join(batch::folder_name(&code, 1)).join(batch::MANIFEST).exists() {
            return Ok(());
        }
        let scratch = data.join("counters");
        std::fs::create_dir_all(&scratch)?;
        let _ = std::fs::remove_dir_all(out);
        let _ = std::fs::remove_file(scratch.join(format!("{code}.db")));
        std::fs::create_dir_all(out)?;
        eprintln!("准备数据：工作站 {code}，{receipts} 张收据……");
        downtime_core::bench::simulated_batch(&scratch, &code, receipts, 2026 + i as u64, out)?;
        let _ = std::fs::remove_file(scratch.join(format!("{code}.db")));
        Ok(())
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers.min(stations))
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= stations {
                            return Ok(());
                        }
                        make(i)?;
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().expect("a bench worker panicked"))
    })?;
    Ok(folders)
}

/// The HIS postings file for the batches under `folders`: every receipt not voided posted
/// once with its signed amount in yuan, in the issue's own header.
fn postings_csv(folders: &[PathBuf]) -> Result<String> {
    let mut receipts = Vec::new();
    let mut voided = HashSet::new();
    for root in folders {
        for dir in crate::load::find_batches(std::slice::from_ref(root))? {
            for r in batch::records(&dir)? {
                let r = r?;
                for (table, row) in r.rows() {
                    let text = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    match table {
                        "receipt" => {
                            let sign = if matches!(row.get("kind").and_then(|v| v.as_str()), Some("refund" | "deposit_refund")) {
                                -1
                            } else {
                                1
                            };
                            let fen = row.get("total_fen").and_then(|v| v.as_i64()).unwrap_or(0);
                            receipts.push((text("id"), text("receipt_no"), sign * fen));
                        }
                        "receipt_void" => {
                            voided.insert(text("receipt_id"));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let mut csv = String::from("record_uuid,receipt_no,his_no,amount,posted_at\n");
    for (n, (id, no, fen)) in receipts.iter().filter(|r| !voided.contains(&r.0)).enumerate() {
        let sign = if *fen < 0 { "-" } else { "" };
        csv.push_str(&format!(
            "{id},{no},HIS{n:08},{sign}{}.{:02},2026-12-20 10:00\n",
            fen.abs() / 100,
            fen.abs() % 100
        ));
    }
    Ok(csv)
}

/// Every file under `dir`, in name order.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// The floor on `threads` threads, in ms: every one of `files` read and hashed (SHA-256), the
/// threads taking the next two files not yet taken, as verifying does with batches, and
/// hashing them side by side as verifying does (`Sha256Pair`).
fn floor(files: &[PathBuf], threads: usize) -> Result<f64> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    let mut pair = Sha256Pair::new();
                    loop {
                        let i = next.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
                        let Some(a) = files.get(i) else { return Ok(()) };
                        let b = match files.get(i + 1) {
                            Some(b) => std::fs::read(b)?,
                            None => Vec::new(),
                        };
                        pair.update(&std::fs::read(a)?, &b);
                        let _ = (pair.finish_a(), pair.finish_b());
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().expect("a bench worker panicked"))
    })?;
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// Runs the benchmark for each count in `stations` (each at most the largest), counters of
/// `receipts` receipts. `data`: where the batches are kept for the next run (else a
/// temporary folder). `done` is told each count's figures as soon as they are measured.
pub fn run(stations: &[usize], receipts: usize, data: Option<&Path>, done: &mut dyn FnMut(&Figures)) -> Result<Vec<Figures>> {
    let temp = tempfile::Builder::new().prefix("downtime-recon-bench").tempdir()?;
    let data = data.unwrap_or(temp.path());
    std::fs::create_dir_all(data)?;
    let by = Clerk::command_line("基准测试")?;
    let mut out = Vec::new();
    for &n in stations {
        // The counters a count needs, made when missing (a larger count reuses them).
        let all = prepare(data, n, receipts)?;
        let folders = &all[..];
        let his_path = data.join(format!("his-{n}.csv"));
        std::fs::write(&his_path, postings_csv(folders)?)?;
        let ws_path = temp.path().join(format!("reconcile-{n}.sqlite3"));
        // The floors, then the real thing, on files the page cache holds alike.
        let mut files = Vec::new();
        for f in folders {
            files_under(f, &mut files)?;
        }
        files.push(his_path.clone());
        let floor_one = floor(&files, 1)?;
        let floor_two = floor(&files, 2)?;
        // The steps as `downtime reconcile` runs them: the HIS file is read while the
        // batches are verified, then imported, then the reconciliation derived.
        let input = Load {
            roots: folders.to_vec(),
            his: Some(HisFile::Path(his_path.clone())),
            ..Default::default()
        };
        let mut marks: Vec<(Instant, Option<f64>)> = Vec::new();
        reset_peak_memory();
        let cpu = cpu_seconds();
        let t = Instant::now();
        let Inputs { ws, side, checkpoint, .. } = load_inputs(&ws_path, &by, &input, &mut |_| {}, &mut |_| {
            marks.push((Instant::now(), peak_memory_mb()));
            reset_peak_memory();
        })?;
        let [(loaded, load_peak), (imported, his_peak)] = marks[..] else {
            unreachable!("load_inputs tells of its two steps")
        };
        let load = (loaded - t).as_secs_f64() * 1000.0;
        let his = (imported - loaded).as_secs_f64() * 1000.0;
        let t = Instant::now();
        let r = match side {
            Some(side) => ws.reconcile_with(side, None)?,
            None => ws.reconcile(None)?,
        };
        // The load's checkpoint ran beside the matching: the step ends when both have.
        drop(checkpoint);
        let matched = t.elapsed().as_secs_f64() * 1000.0;
        let match_peak = peak_memory_mb();
        let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
        let steps = [load_peak, his_peak, match_peak];
        let peak = steps.iter().flatten().copied().reduce(f64::max);
        let total = load + his + matched;
        let f = Figures {
            stations: n,
            receipts: r.summary.receipts,
            postings: r.summary.postings,
            floor_ms: floor_one,
            floor_two_threads_ms: floor_two,
            load_ms: load,
            his_ms: his,
            match_ms: matched,
            total_ms: total,
            ratio_to_floor: total / floor_one.max(0.001),
            ratio_to_floor_two_threads: total / floor_two.max(0.001),
            cpu_s: cpu,
            peak_mb: peak,
            step_peaks_mb: steps,
            balanced: r.balanced,
        };
        done(&f);
        out.push(f);
    }
    Ok(out)
}
