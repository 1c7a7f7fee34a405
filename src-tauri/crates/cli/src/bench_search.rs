//! `downtime bench search`: patient and item search at hospital sizes, one table. Each size
//! gets a scratch station; the real commands run as child processes of this binary and are
//! measured whole (wall time from start to exit, peak memory as the operating system
//! accounts it), beside the floor of the same machine in the same run: a process that opens
//! the same file with bare SQLite and reads one row (`bench probe`). Last, a counter: the
//! station of the most patients gets the first size of price list, and a fresh process opens
//! it as the app does and searches both (`bench counter`): its peak memory is the core's part
//! of a counter's.

use crate::print_json;
use clap::{Args, Subcommand};
use downtime_core::bench_search::{self as core, Kind, ADMIN};
use downtime_core::CoreError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchCmd {
    /// 患者与价目表查找在医院规模下的表现（导入、文件大小、冷启动首次查找、热查找）
    Search(SearchArgs),
    /// 本机基线：用裸 SQLite 打开数据库并按主键读一行
    #[command(hide = true)]
    Probe {
        #[arg(long)]
        file: PathBuf,
    },
    /// 在一个进程内：打开工作站、首次查找、热查找（输出 JSON）
    #[command(hide = true)]
    InProcess {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        items: bool,
        #[arg(long)]
        n: usize,
    },
    /// 像收费窗口启动时那样：打开工作站、首次查找患者和项目、热查找（输出 JSON）
    #[command(hide = true)]
    Counter {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        n: usize,
    },
    /// 在指定文件夹中建立一个空的基准工作站（管理员 管理员/123456），输出其文件路径
    #[command(hide = true)]
    Station {
        #[arg(long)]
        dir: PathBuf,
    },
    /// 生成合成输入文件
    #[command(hide = true)]
    Input {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        items: bool,
        #[arg(long)]
        rows: usize,
    },
}

#[derive(Args)]
pub struct SearchArgs {
    /// 患者索引的人数（逗号分隔）
    #[arg(long, value_delimiter = ',', default_values_t = [100_000, 1_000_000, 5_000_000])]
    patients: Vec<usize>,
    /// 价目表的项目数（逗号分隔）
    #[arg(long, value_delimiter = ',', default_values_t = [100_000, 1_000_000])]
    items: Vec<usize>,
    /// 热查找的次数
    #[arg(long, default_value_t = 500)]
    n: usize,
    /// 冷启动测量的次数（取中位数）
    #[arg(long, default_value_t = 3)]
    cold_runs: usize,
    /// 另测一个收费窗口：最大的患者索引加上第一种规模的价目表，同一进程内首次查找与内存峰值
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    counter: bool,
    /// 保留收银台的工作站文件夹（移到此处，供 scripts/app-memory.py 测量整个应用的内存）
    #[arg(long)]
    keep: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

/// One child process, measured whole.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Run {
    pub wall_ms: f64,
    /// Peak resident memory in MB (None where the platform does not say).
    pub peak_mb: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub what: &'static str,
    pub rows: usize,
    pub import: Run,
    pub file_mb: f64,
    pub bytes_per_row: f64,
    /// The first search from a fresh `downtime` process (median of the cold runs).
    pub cold_cli: Run,
    /// Bare process start + SQLite open + one point lookup on the same file.
    pub baseline: Run,
    /// In one process: opening the desk, its first search, then warm searches.
    pub in_process_peak_mb: Option<f64>,
    pub open_ms: f64,
    pub first_search_ms: f64,
    pub warm_p50_us: f64,
    pub warm_p99_us: f64,
}

fn failed(what: &str, stderr: &[u8]) -> CoreError {
    CoreError::invalid(
        downtime_core::error::ErrorCode::BenchFailed,
        format!("基准测试中“{what}”失败：{}", String::from_utf8_lossy(stderr).trim()),
        format!("The benchmark step \"{what}\" failed: {}", String::from_utf8_lossy(stderr).trim()),
    )
}

/// Runs this binary with `args` and measures it whole; also what it printed. (Every step,
/// even the in-process one, runs in a child: on Linux a child's peak memory counts the
/// parent's at the time it was started, so the parent must stay small.)
fn measure(args: &[&str]) -> Result<(Run, Vec<u8>), CoreError> {
    use std::io::Read;
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let t = Instant::now();
    let mut child = cmd.spawn()?;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let err_pipe = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut e) = err_pipe {
            let _ = e.read_to_end(&mut buf);
        }
        buf
    });
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_end(&mut stdout);
    }
    let (ok, peak_mb) = wait(&mut child)?;
    let wall_ms = t.elapsed().as_secs_f64() * 1e3;
    stderr.extend(err_reader.join().unwrap_or_default());
    if !ok {
        return Err(failed(&args.join(" "), &stderr));
    }
    Ok((Run { wall_ms, peak_mb }, stdout))
}

/// Waits for `child`; whether it succeeded, and its peak memory in MB.
#[cfg(unix)]
fn wait(child: &mut std::process::Child) -> Result<(bool, Option<f64>), CoreError> {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        return Err(std::io::Error::last_os_error().into());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in KiB on Linux.
    Ok((ok, Some(usage.ru_maxrss as f64 / 1024.0)))
}

#[cfg(not(unix))]
fn wait(child: &mut std::process::Child) -> Result<(bool, Option<f64>), CoreError> {
    Ok((child.wait()?.success(), None))
}

fn median_run(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    let mid = runs[runs.len() / 2];
    Run {
        wall_ms: mid.wall_ms,
        peak_mb: runs.iter().filter_map(|r| r.peak_mb).reduce(f64::max),
    }
}

/// One row of the table; also the scratch folder and station it was measured on (kept while
/// the caller holds the folder).
fn one(kind: Kind, rows: usize, a: &SearchArgs) -> Result<(Row, tempfile::TempDir, PathBuf), CoreError> {
    let dir = tempfile::Builder::new().prefix("downtime-bench-search").tempdir()?;
    let dir_s = dir.path().display().to_string();
    let rows_s = rows.to_string();
    let mut input_args = vec!["bench", "input", "--dir", &dir_s, "--rows", &rows_s];
    if kind == Kind::Items {
        input_args.push("--items");
    }
    let input = PathBuf::from(String::from_utf8_lossy(&measure(&input_args)?.1).trim());
    let db = core::station(dir.path())?;
    let db_s = db.display().to_string();
    let input_s = input.display().to_string();
    let global = ["--db", db_s.as_str(), "--as", ADMIN.0, "--pin", ADMIN.1];
    let import_args: Vec<&str> = match kind {
        Kind::Patients => global.iter().copied().chain(["patients", "import", input_s.as_str()]).collect(),
        Kind::Items => global.iter().copied().chain(["catalog", "import", input_s.as_str()]).collect(),
    };
    let import = measure(&import_args)?.0;
    std::fs::remove_file(&input)?;
    let file = core::settled_size(&db)?;
    let search_args: Vec<&str> = match kind {
        // Reading patients needs an operator: the PIN check is part of a real look-up.
        Kind::Patients => global.iter().copied().chain(["patient", "find", kind.first_query()]).collect(),
        Kind::Items => vec!["--db", &db_s, "catalog", "search", kind.first_query()],
    };
    let (mut cold, mut base) = (Vec::new(), Vec::new());
    for _ in 0..a.cold_runs.max(1) {
        cold.push(measure(&search_args)?.0);
        base.push(measure(&["bench", "probe", "--file", &db_s])?.0);
    }
    let n = a.n.max(10).to_string();
    let mut in_args = vec!["bench", "in-process", "--file", &db_s, "--n", &n];
    if kind == Kind::Items {
        in_args.push("--items");
    }
    let (in_run, out) = measure(&in_args)?;
    let p: serde_json::Value = serde_json::from_slice(&out).map_err(|e| failed("in-process", e.to_string().as_bytes()))?;
    let f = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
    let row = Row {
        what: kind.noun(),
        rows,
        import,
        file_mb: file as f64 / 1e6,
        bytes_per_row: file as f64 / rows as f64,
        cold_cli: median_run(cold),
        baseline: median_run(base),
        in_process_peak_mb: in_run.peak_mb,
        open_ms: f("open_us") / 1e3,
        first_search_ms: f("first_us") / 1e3,
        warm_p50_us: f("p50_us"),
        warm_p99_us: f("p99_us"),
    };
    Ok((row, dir, db))
}

/// A counter with a big hospital's data: the station of `patients` patients gets a price list of
/// `items` items, then a fresh process opens it as the app does, searches a patient and an item
/// first, then warm searches of both; its peak memory is what the counter's core holds.
#[derive(Debug, Clone, Serialize)]
pub struct CounterRow {
    pub patients: usize,
    pub items: usize,
    pub items_import: Run,
    pub run: Run,
    pub open_ms: f64,
    pub first_patient_ms: f64,
    pub first_item_ms: f64,
    pub patients_p99_us: f64,
    pub items_p99_us: f64,
}

fn counter(dir: &Path, db: &Path, patients: usize, items: usize, a: &SearchArgs) -> Result<CounterRow, CoreError> {
    let dir_s = dir.display().to_string();
    let items_s = items.to_string();
    let input =
        PathBuf::from(String::from_utf8_lossy(&measure(&["bench", "input", "--dir", &dir_s, "--rows", &items_s, "--items"])?.1).trim());
    let (db_s, input_s) = (db.display().to_string(), input.display().to_string());
    let items_import = measure(&["--db", &db_s, "--as", ADMIN.0, "--pin", ADMIN.1, "catalog", "import", &input_s])?.0;
    std::fs::remove_file(&input)?;
    core::settled_size(db)?;
    let n = a.n.max(10).to_string();
    let (run, out) = measure(&["bench", "counter", "--file", &db_s, "--n", &n])?;
    let p: serde_json::Value = serde_json::from_slice(&out).map_err(|e| failed("counter", e.to_string().as_bytes()))?;
    let f = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
    Ok(CounterRow {
        patients,
        items,
        items_import,
        run,
        open_ms: f("open_us") / 1e3,
        first_patient_ms: f("first_patient_us") / 1e3,
        first_item_ms: f("first_item_us") / 1e3,
        patients_p99_us: f("patients_p99_us"),
        items_p99_us: f("items_p99_us"),
    })
}

fn mb(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.0}")).unwrap_or_else(|| "—".into())
}

pub fn run(cmd: BenchCmd) -> Result<ExitCode, CoreError> {
    let a = match cmd {
        BenchCmd::Probe { file } => {
            core::probe(Path::new(&file))?;
            return Ok(ExitCode::SUCCESS);
        }
        BenchCmd::InProcess { file, items, n } => {
            let kind = if items { Kind::Items } else { Kind::Patients };
            let p = core::in_process(&file, kind, n)?;
            print_json(&serde_json::json!({
                "open_us": p.open_us, "first_us": p.first_us, "p50_us": p.warm.median, "p99_us": p.warm.p99,
            }));
            return Ok(ExitCode::SUCCESS);
        }
        BenchCmd::Counter { file, n } => {
            let c = core::counter(&file, n)?;
            print_json(&serde_json::json!({
                "open_us": c.open_us, "first_patient_us": c.first_patient_us, "first_item_us": c.first_item_us,
                "patients_p99_us": c.patients.p99, "items_p99_us": c.items.p99,
            }));
            return Ok(ExitCode::SUCCESS);
        }
        BenchCmd::Station { dir } => {
            println!("{}", core::station(&dir)?.display());
            return Ok(ExitCode::SUCCESS);
        }
        BenchCmd::Input { dir, items, rows } => {
            let kind = if items { Kind::Items } else { Kind::Patients };
            println!("{}", core::write_input(&dir, kind, rows)?.display());
            return Ok(ExitCode::SUCCESS);
        }
        BenchCmd::Search(a) => a,
    };
    let mut rows = Vec::new();
    let plan: Vec<(Kind, usize)> = a
        .patients
        .iter()
        .map(|n| (Kind::Patients, *n))
        .chain(a.items.iter().map(|n| (Kind::Items, *n)))
        .filter(|(_, n)| *n > 0)
        .collect();
    if !a.json {
        println!(
            "{:<9} {:>9} | {:>9} {:>7} | {:>8} {:>6} | {:>10} {:>7} | {:>9} {:>7} | {:>8} {:>9} {:>7} | {:>8} {:>8}",
            "",
            "rows",
            "import s",
            "peak MB",
            "file MB",
            "B/row",
            "cold ms",
            "peak MB",
            "floor ms",
            "peak MB",
            "open ms",
            "1st ms",
            "peak MB",
            "p50 µs",
            "p99 µs"
        );
    }
    // The station of the most patients is kept for the counter's figures.
    let mut biggest: Option<(usize, tempfile::TempDir, PathBuf)> = None;
    for (kind, n) in plan {
        let (r, dir, db) = one(kind, n, &a)?;
        if kind == Kind::Patients && a.counter && biggest.as_ref().is_none_or(|(m, _, _)| n > *m) {
            biggest = Some((n, dir, db));
        }
        if !a.json {
            println!(
                "{:<9} {:>9} | {:>9.1} {:>7} | {:>8.1} {:>6.0} | {:>10.1} {:>7} | {:>9.1} {:>7} | {:>8.1} {:>9.2} {:>7} | {:>8.1} {:>8.1}",
                r.what,
                r.rows,
                r.import.wall_ms / 1e3,
                mb(r.import.peak_mb),
                r.file_mb,
                r.bytes_per_row,
                r.cold_cli.wall_ms,
                mb(r.cold_cli.peak_mb),
                r.baseline.wall_ms,
                mb(r.baseline.peak_mb),
                r.open_ms,
                r.first_search_ms,
                mb(r.in_process_peak_mb),
                r.warm_p50_us,
                r.warm_p99_us
            );
        }
        rows.push(r);
    }
    let items = a.items.iter().copied().find(|n| *n > 0);
    let counter_row = match (biggest, items) {
        (Some((patients, dir, db)), Some(items)) => {
            let row = counter(dir.path(), &db, patients, items, &a)?;
            if let Some(keep) = &a.keep {
                std::fs::rename(dir.keep(), keep)?;
                eprintln!("{}", keep.join(db.file_name().unwrap_or_default()).display());
            }
            Some(row)
        }
        _ => None,
    };
    if a.json {
        print_json(&serde_json::json!({ "rows": rows, "counter": counter_row }));
    } else {
        if let Some(c) = &counter_row {
            println!(
                "counter: {} patients + {} items (items imported in {:.1} s, {} MB): opened {:.1} ms, first patient search {:.2} ms, first item search {:.2} ms, warm p99 {:.1} / {:.1} µs; peak {} MB, whole process {:.0} ms",
                c.patients,
                c.items,
                c.items_import.wall_ms / 1e3,
                mb(c.items_import.peak_mb),
                c.open_ms,
                c.first_patient_ms,
                c.first_item_ms,
                c.patients_p99_us,
                c.items_p99_us,
                mb(c.run.peak_mb),
                c.run.wall_ms
            );
        }
        println!(
            "import: the real `patients import` / `catalog import` command; cold: a fresh `patient find {}` (with its PIN check) / `catalog search {}` process, start to exit; floor: a process that opens the same file with bare SQLite and reads one row; open/1st: Desk::open and its first search in one process; p50/p99: warm searches after it.",
            Kind::Patients.first_query(),
            Kind::Items.first_query()
        );
    }
    Ok(ExitCode::SUCCESS)
}
