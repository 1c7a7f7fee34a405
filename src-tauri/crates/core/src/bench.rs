//! `downtime bench`: the product's benchmarks on a scratch database in a temporary folder,
//! each figure printed beside its baseline measured in the same run on the same disk. IT can
//! run it on an old counter PC before an outage. Later issues add their figures here.

use crate::error::Result;
use crate::station::Setup;
use crate::store::Desk;
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

/// Commits that take a file's WAL past one checkpoint, so that it is measured in the state a
/// station's file lives in: the WAL file at full size and rewritten from its start after each
/// checkpoint. A fresh file's first thousand pages also grow the WAL file, and on this kind of
/// disk a sync that has to record a new file size costs about twice as much; comparing a fresh
/// baseline with a settled desk would flatter every ratio.
const SETTLE_PAGES: usize = 1200;

/// A bare one-row commit with the desk's durability settings: the floor for any state change.
/// Returns a closure so that it can be interleaved with the figure compared against it (the
/// disk's mood changes over a run; alternating samples share it fairly). Its file is settled
/// first (see `SETTLE_PAGES`), as the desk's files are.
pub fn bare_commit(dir: &Path) -> Result<impl FnMut(usize) -> Result<()>> {
    let conn = Connection::open(dir.join("bare.db"))?;
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous=OFF; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);")?;
    for i in 0..SETTLE_PAGES {
        conn.prepare_cached("INSERT INTO t (v) VALUES (?1)")?
            .execute([format!("settling {i}")])?;
    }
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous=FULL")?;
    Ok(move |i: usize| {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.prepare_cached("INSERT INTO t (v) VALUES (?1)")?
            .execute([format!("row {i}")])?;
        conn.execute_batch("COMMIT")?;
        Ok(())
    })
}

/// Runs `change` until the desk's WAL file has stopped growing (it has been checkpointed and
/// is being rewritten from its start), then checkpoints it once more.
fn settle(desk: &mut Desk, mut change: impl FnMut(&mut Desk, usize) -> Result<()>) -> Result<()> {
    let wal = std::path::PathBuf::from(format!("{}-wal", desk.path().display()));
    let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // SQLite checkpoints every 1000 pages, so this ends after at most about that many pages.
    for i in 0..SETTLE_PAGES {
        let before = size();
        change(desk, i)?;
        if before > 0 && size() == before {
            break;
        }
    }
    desk.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    Ok(())
}

/// Times `a` and `b` alternately, `n` samples each.
pub fn interleaved(
    n: usize,
    mut a: impl FnMut(usize) -> Result<()>,
    mut b: impl FnMut(usize) -> Result<()>,
) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let (mut sa, mut sb) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let t = Instant::now();
        a(i)?;
        sa.push(t.elapsed());
        let t = Instant::now();
        b(i)?;
        sb.push(t.elapsed());
    }
    Ok((sa, sb))
}

/// A scratch station with an administrator, for benchmarks and the simulator.
pub fn scratch_desk(dir: &Path) -> Result<(Desk, crate::Actor)> {
    let mut desk = Desk::init(
        dir.join("station.db"),
        &Setup {
            hospital: "基准测试医院".into(),
            code: "BENCH".into(),
            station_name: "基准".into(),
            admin_name: "管理员".into(),
            admin_pin: "123456".into(),
        },
    )?;
    let admin = desk.authenticate("管理员", "123456")?;
    Ok((desk, admin))
}

/// A counter's whole outage as one batch, for the finance benchmark: station `code` set up in
/// `dir`, simulated visits until it has issued at least `receipts` receipts (no syncs while
/// the data is made: making it is not what is measured), then exported as one batch into
/// `out`. Returns the batch folder.
pub fn simulated_batch(dir: &Path, code: &str, receipts: usize, seed: u64, out: &Path) -> Result<std::path::PathBuf> {
    let mut desk = Desk::init(
        dir.join(format!("{code}.db")),
        &Setup {
            hospital: "基准测试医院".into(),
            code: code.into(),
            station_name: format!("基准 {code}"),
            admin_name: "管理员".into(),
            admin_pin: "123456".into(),
        },
    )?;
    let admin = desk.authenticate("管理员", "123456")?;
    desk.conn.execute_batch("PRAGMA synchronous=OFF")?;
    let count =
        |desk: &Desk| -> Result<usize> { Ok(desk.conn.query_row("SELECT count(*) FROM receipt", [], |r| r.get::<_, i64>(0))? as usize) };
    let mut round = 0;
    while count(&desk)? < receipts {
        // A visit issues two receipts or so: ask for a bit less than what is left.
        let patients = ((receipts - count(&desk)?) * 2 / 5).max(1);
        crate::simulate::run(&mut desk, &admin, patients, seed.wrapping_add(round * 7919), &mut |_| Ok(()))?;
        round += 1;
    }
    desk.conn.execute_batch("PRAGMA synchronous=FULL")?;
    match desk.export_batch(&admin, out, &mut |_| {})? {
        crate::export::ExportOutcome::Written(w) => Ok(w.path),
        crate::export::ExportOutcome::NothingNew { .. } => unreachable!("a simulated outage is new"),
    }
}

/// Catalog figures on a synthetic list of `items`: import time (3 runs) and search p99.
fn catalog(dir: &Path, items: usize, n: usize) -> Result<Vec<Figure>> {
    use crate::catalog::{synth, ImportOptions};
    let (mut desk, admin) = {
        let sub = dir.join("catalog");
        std::fs::create_dir_all(&sub)?;
        scratch_desk(&sub)?
    };
    let mut import = Vec::new();
    for seed in 0..3 {
        let csv = synth::price_list_csv(items, 1000 + seed);
        let t = Instant::now();
        desk.catalog_import(
            &admin,
            csv.as_bytes(),
            &format!("bench-{seed}.csv"),
            &ImportOptions::default(),
            false,
            &mut |_, _| {},
        )?;
        import.push(t.elapsed());
    }
    let mut import = summarise(&format!("catalog import, CSV of {items} items"), import);
    import.unit = "ms".into();
    import.median /= 1000.0;
    import.p99 /= 1000.0;
    import.target = Some("< 3000 ms".into());
    desk.catalog_search("warm", 20)?;
    let queries = [
        "zcf",
        "amxl",
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
    ];
    let samples = time_n(n.max(200), |i| desk.catalog_search(queries[i % queries.len()], 20).map(|_| ()))?;
    let mut search = summarise(&format!("catalog search top 20 of {items} items"), samples);
    search.target = Some("p99 < 1000 µs".into());
    Ok(vec![import, search])
}

/// Patient search over a synthetic HIS snapshot of `patients` plus a few local patients.
fn patients(dir: &Path, patients: usize, n: usize) -> Result<Figure> {
    use crate::patient::{synth, NewPatient};
    let sub = dir.join("patients");
    std::fs::create_dir_all(&sub)?;
    let (mut desk, admin) = scratch_desk(&sub)?;
    desk.import_patient_snapshot(&admin, synth::his_index_csv(patients, 42).as_bytes(), "his.csv", false, false)?;
    desk.add_operator(&admin, "收费员", crate::Role::Cashier, "1234")?;
    let cashier = desk.authenticate("收费员", "1234")?;
    for name in ["张伟", "王芳", "李娜"] {
        desk.add_patient(
            &cashier,
            &NewPatient {
                name: name.into(),
                sex: "U".into(),
                confirm_duplicate: true,
                ..Default::default()
            },
        )?;
    }
    desk.find_patients("warm", 20)?;
    let queries = [
        "张伟",
        "zw",
        "H10000042",
        "13",
        "DT-BENCH-000002",
        "欧阳",
        "王",
        "lj",
        "110105",
        "芳",
    ];
    let samples = time_n(n.max(200), |i| desk.find_patients(queries[i % queries.len()], 20).map(|_| ()))?;
    let mut f = summarise(&format!("patient search top 20 of {} patients", patients + 3), samples);
    f.target = Some("p99 < 5000 µs".into());
    Ok(f)
}

/// Issuing a receipt (a 10-line charge, its payment, receipt and journal entry in one
/// transaction) against a bare one-row commit, interleaved; then rendering its PDF.
fn receipts(dir: &Path, n: usize) -> Result<Vec<Figure>> {
    use crate::catalog::price::Quantity;
    use crate::charge::{ChargeInput, LineInput};
    use crate::receipt::tender::{Method, TenderInput};
    let sub = dir.join("receipts");
    std::fs::create_dir_all(&sub)?;
    let (mut desk, admin) = scratch_desk(&sub)?;
    let (cashier, _) = crate::simulate::prepare(&mut desk, &admin)?;
    let patient = desk.add_patient(
        &cashier,
        &crate::patient::NewPatient {
            name: "基准患者".into(),
            sex: "U".into(),
            ..Default::default()
        },
    )?;
    // Ten western drugs of the shipped sample (YP000101…), two boxes each.
    let codes: Vec<String> = desk.catalog_search("YP0001", 10)?.into_iter().map(|i| i.code).collect();
    let lines: Vec<LineInput> = codes
        .iter()
        .map(|c| LineInput::Item {
            code: c.clone(),
            qty: Quantity::from_milli(2000).expect("valid"),
        })
        .collect();
    let total = crate::simulate::price(&mut desk, &lines)?;
    let no = patient.downtime_no.clone().unwrap_or_default();
    let input = || {
        let cash = TenderInput {
            method: Method::Cash,
            amount: total,
            reference: String::new(),
        };
        ChargeInput::new(no.clone(), lines.clone(), vec![cash])
    };
    settle(&mut desk, |d, _| d.pay_charge(&cashier, &input()).map(|_| ()))?;
    let mut last = String::new();
    let (bare, issue) = interleaved(n, bare_commit(&sub)?, |_| {
        last = desk.pay_charge(&cashier, &input())?.receipt_no;
        Ok(())
    })?;
    let bare = summarise("bare one-row commit (same disk, same run)", bare);
    let issue = compare(
        summarise(&format!("issue a receipt ({} lines, one transaction)", lines.len()), issue),
        &bare,
        "≤ 1.5× bare commit",
    );
    // The same receipt without waiting for the disk: how much of it is the desk's own work.
    desk.conn.execute_batch("PRAGMA synchronous=OFF")?;
    let samples = time_n(n, |_| desk.pay_charge(&cashier, &input()).map(|_| ()))?;
    desk.conn.execute_batch("PRAGMA synchronous=FULL")?;
    let mut work = summarise("the same receipt, synchronous=OFF (its own work)", samples);
    work.target = Some("informational".into());
    // Rendering, warm (the font is parsed once per process, by the first render).
    desk.receipt_pdf(&last, "a5", false)?;
    let mut size = 0;
    let samples = time_n(n.max(50), |_| {
        size = desk.receipt_pdf(&last, "a5", false)?.len();
        Ok(())
    })?;
    let mut render = summarise("render the receipt PDF (A5, warm)", samples);
    render.target = Some(format!("< 10000 µs, < 60 KB (this one {:.1} KB)", size as f64 / 1024.0));
    let rare = rare_names(n.max(50), &render)?;
    let mut figures = vec![bare, issue, work, render];
    figures.extend(rare);
    Ok(figures)
}

/// A rare character (生僻字, here 𠮷 of CJK Extension B) needs the 30 MB fallback font: its
/// one-time parse (only if no earlier render in this process needed it), then a receipt
/// naming such a patient, warm, beside the plain receipt.
fn rare_names(n: usize, plain: &Figure) -> Result<Vec<Figure>> {
    use crate::receipt_pdf::{render, specimen, Fonts, Layout, ReceiptBody, ReceiptKind};
    let mut out = Vec::new();
    let fonts = Fonts::get();
    if !fonts.fallback_parsed() {
        let t = Instant::now();
        fonts.missing_chars("𠮷");
        let mut parse = summarise("parse the fallback font HanaMinB (30.7 MB), once per process", vec![t.elapsed()]);
        parse.unit = "ms".into();
        parse.median /= 1000.0;
        parse.p99 /= 1000.0;
        parse.target = Some("informational: only when a name needs it".into());
        out.push(parse);
    }
    let mut doc = specimen(ReceiptKind::Outpatient, 6);
    if let ReceiptBody::Outpatient(c) = &mut doc.body {
        c.payer_name = "𠮷田".into();
    }
    render(&doc, Layout::A5)?;
    let mut size = 0;
    let samples = time_n(n, |_| {
        size = render(&doc, Layout::A5)?.len();
        Ok(())
    })?;
    let mut rare = compare(
        summarise("render a receipt naming 𠮷田 (A5, warm, fallback font)", samples),
        plain,
        "informational",
    );
    rare.target = Some(format!("informational (this one {:.1} KB)", size as f64 / 1024.0));
    out.push(rare);
    Ok(out)
}

/// Runs every benchmark: `n` samples per figure, a catalog of `catalog_items` items, and an
/// export of a simulated outage of each size in `export_patients`.
pub fn run(n: usize, catalog_items: usize, export_patients: &[usize]) -> Result<Report> {
    let dir = tempfile::Builder::new().prefix("downtime-bench").tempdir()?;
    let (mut desk, admin) = scratch_desk(dir.path())?;
    let change = |d: &mut Desk, i: usize| d.set_idle_lock_minutes(&admin, 1 + (i % 60) as i64);
    settle(&mut desk, change)?;
    let (bare, journalled) = interleaved(n, bare_commit(dir.path())?, |i| change(&mut desk, i))?;
    let bare = summarise("bare one-row commit (WAL, synchronous=FULL)", bare);
    let journalled = compare(summarise("one journalled state change", journalled), &bare, "informational");
    let mut figures = vec![bare, journalled];
    figures.extend(catalog(dir.path(), catalog_items, n)?);
    figures.push(patients(dir.path(), catalog_items * 2, n)?);
    figures.extend(receipts(dir.path(), n)?);
    for &patients in export_patients {
        figures.extend(export(dir.path(), patients, (n / 40).clamp(1, 5))?);
    }
    Ok(Report {
        folder: dir.path().display().to_string(),
        figures,
    })
}

/// Peak resident memory of this process since the last [`reset_peak_memory`], in MB (Linux;
/// `None` elsewhere).
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// CPU time the calling thread has used so far (the export runs on it alone), from
/// `/proc/thread-self/schedstat` in nanoseconds: what a run costs whatever else the machine
/// is doing, where wall time also counts the waits for a shared core.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split(' ').next()?.parse().ok()?))
}

fn resident_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Starts a new peak for [`peak_memory_mb`] (writing 5 to `clear_refs` resets `VmHWM`).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Exporting a busy counter's outage: `patients` simulated visits (a charge of several lines
/// each, one patient in eight admitted with deposits), exported as one batch and then
/// re-rendered `n` times, each beside the floor any export has to pay (the same journal range
/// streamed to a file and synced), interleaved. Also the peak memory while exporting, above
/// what the process held before, which must stay flat as batches grow.
pub fn export(dir: &Path, patients: usize, n: usize) -> Result<Vec<Figure>> {
    let sub = dir.join(format!("export-{patients}"));
    std::fs::create_dir_all(&sub)?;
    let (mut desk, admin) = scratch_desk(&sub)?;
    // Making the data is not what is measured: no syncs while the outage is simulated.
    desk.conn.execute_batch("PRAGMA synchronous=OFF")?;
    crate::simulate::run(&mut desk, &admin, patients, 2026, &mut |_| Ok(()))?;
    desk.conn.execute_batch("PRAGMA synchronous=FULL")?;
    let (receipts, lines, deposits): (i64, i64, i64) = desk.conn.query_row(
        "SELECT (SELECT count(*) FROM receipt), (SELECT count(*) FROM receipt_line), \
                (SELECT count(*) FROM receipt WHERE kind = 'deposit')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let out = sub.join("usb");
    std::fs::create_dir_all(&out)?;
    let before = resident_memory_mb();
    reset_peak_memory();
    let first = Instant::now();
    let batch = match desk.export_batch(&admin, &out, &mut |_| {})? {
        crate::export::ExportOutcome::Written(w) => w.batch,
        crate::export::ExportOutcome::NothingNew { .. } => unreachable!("a simulated outage is new"),
    };
    let first = first.elapsed();
    let peak = peak_memory_mb();
    let what = format!("{receipts} receipts, {lines} lines, {deposits} deposits");
    let bare_path = sub.join("bare.jsonl");
    let bare = |desk: &Desk| -> Result<()> {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&bare_path)?);
        let mut stmt = desk
            .conn
            .prepare("SELECT payload FROM journal WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?;
        let mut rows = stmt.query([batch.journal_first_seq, batch.journal_last_seq])?;
        while let Some(r) = rows.next()? {
            f.write_all(r.get_ref(0)?.as_bytes().map_err(rusqlite::Error::from)?)?;
            f.write_all(b"\n")?;
        }
        f.flush()?;
        f.get_ref().sync_all()?;
        Ok(())
    };
    let mut k = 0;
    let mut samples_bare = Vec::new();
    let mut samples = Vec::new();
    let (mut cpu_bare, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let (t, c) = (Instant::now(), cpu_time());
        bare(&desk)?;
        samples_bare.push(t.elapsed());
        cpu_bare.extend(c.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a)));
        k += 1;
        let again = sub.join(format!("again-{k}"));
        std::fs::create_dir_all(&again)?;
        let (t, c) = (Instant::now(), cpu_time());
        desk.rerender_batch(&admin, batch.seq, &again, &mut |_| {})?;
        samples.push(t.elapsed());
        cpu.extend(c.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a)));
        std::fs::remove_dir_all(&again)?;
    }
    let ms = |mut f: Figure| {
        f.unit = "ms".into();
        f.median /= 1000.0;
        f.p99 /= 1000.0;
        f
    };
    let bare = summarise(&format!("stream the same journal range to a file ({what})"), samples_bare);
    let mut rerender = ms(compare(
        summarise(&format!("export a batch: every file ({what})"), samples),
        &bare,
        "< 1000 ms for 5,000 receipts",
    ));
    let bare = ms(bare);
    rerender.name = format!("{} [first export {:.0} ms]", rerender.name, first.as_secs_f64() * 1000.0);
    let mut memory = summarise(&format!("peak memory while exporting ({what})"), vec![Duration::ZERO]);
    memory.unit = "MB".into();
    memory.median = peak.unwrap_or(f64::NAN);
    memory.p99 = peak.unwrap_or(f64::NAN) - before.unwrap_or(f64::NAN);
    memory.target = Some(format!(
        "flat as batches grow (p99 column: above the {:.0} MB held before)",
        before.unwrap_or(f64::NAN)
    ));
    let mut figures = vec![bare, rerender];
    if cpu.len() == n && cpu_bare.len() == n && cpu_bare.iter().all(|d| !d.is_zero()) {
        let bare = summarise(&format!("CPU time (user + sys) of the stream ({what})"), cpu_bare);
        let export = ms(compare(
            summarise(&format!("CPU time (user + sys) of the export ({what})"), cpu),
            &bare,
            "< 1000 ms for 5,000 receipts",
        ));
        figures.extend([ms(bare), export]);
    }
    figures.push(memory);
    Ok(figures)
}
