//! The finance workspace's doors for a whole action, called alike by the window (the shell's
//! `commands/reconcile.rs`) and the command line (`downtime reconcile`): [`load`] (check every
//! input, then load the batch folders, import the HIS postings, reconcile and, when asked,
//! write the report), [`write_report`] (reconcile and write the report), and for the window
//! [`view`], [`mark_done`] and [`withdraw_mark`] (each with the view after it). The adapters only
//! parse what they were sent into a [`Load`] and show what comes back.
//!
//! Contract: every input — the folders, the HIS file, the report folder — is checked before
//! the workspace is opened, so a bad one leaves no workspace behind and changes nothing.

use crate::his::{read_postings, HisField, HisImport, PostingsFile};
use crate::load::{find_batches, load_opening, LoadProgress, LoadReport};
use crate::reconcile::{BatchSide, Reconciliation};
use crate::store::{Checkpointing, RunLock};
use crate::view::ReconView;
use crate::{report, Clerk, Workspace};
use chrono::NaiveDate;
use downtime_core::error::{CoreError, ErrorCode, Result};
use downtime_core::time::local_display;
use std::path::{Path, PathBuf};

/// The HIS postings file (入账文件) to import: a path read here, or the bytes read already.
#[derive(Debug, Clone)]
pub enum HisFile {
    Path(PathBuf),
    Bytes { bytes: Vec<u8>, name: String },
}

/// What a load is given.
#[derive(Debug, Clone, Default)]
pub struct Load {
    /// Folders (trees) holding batch folders; a batch the workspace holds is a no-op.
    pub roots: Vec<PathBuf>,
    pub his: Option<HisFile>,
    /// Other header names of the HIS file (`--map 流水号=his_no`).
    pub map: Vec<(String, HisField)>,
    /// The worklists' deadline date; today when none.
    pub as_of: Option<NaiveDate>,
    /// Write `reconciliation.json`, `.csv` and `.pdf` here once reconciled.
    pub report_to: Option<PathBuf>,
}

/// What a load did and the reconciliation after it.
pub struct Loaded {
    /// The batches' load, when folders were given.
    pub batches: Option<LoadReport>,
    /// The HIS file's import, when one was given.
    pub his: Option<HisImport>,
    pub reconciliation: Reconciliation,
    /// The finance screen's view of it.
    pub view: ReconView,
    /// The report, when `report_to` was given.
    pub report: Option<Written>,
}

/// A report written out.
pub struct Written {
    /// `reconciliation.json`, `.csv`, `.pdf`.
    pub files: [PathBuf; 3],
    /// The workspace's path and when the report was made, as the files state them.
    pub workspace: String,
    pub generated_at: String,
}

/// Checks the input, opens (creating on first use) the workspace at `workspace`, loads the
/// batches (progress reported at most every 2 % and at the end), imports the HIS file,
/// reconciles and writes the report if asked. Refuses a load with nothing to load and no
/// report to write.
pub fn load(workspace: &Path, by: &Clerk, input: Load, progress: &mut dyn FnMut(LoadProgress)) -> Result<Loaded> {
    if input.roots.is_empty() && input.his.is_none() && input.report_to.is_none() {
        return Err(CoreError::invalid(
            ErrorCode::ReconNothingToLoad,
            "请先添加批次所在的文件夹，或选择 HIS 入账文件",
            "Add a folder holding batches, or choose the HIS postings file, first",
        ));
    }
    // The run's lock (taken once the inputs are checked) is held until the report is written.
    let Inputs {
        ws,
        batches,
        his,
        side,
        checkpoint,
        lock: _lock,
    } = load_inputs(workspace, by, &input, progress, &mut |_| {})?;
    let reconciliation = match side {
        Some(side) => ws.reconcile_with(side, input.as_of)?,
        None => ws.reconcile(input.as_of)?,
    };
    drop(checkpoint);
    let report = input.report_to.map(|dir| write(&ws, &reconciliation, &dir)).transpose()?;
    Ok(Loaded {
        batches,
        his,
        view: ReconView::new(&reconciliation, &ws)?,
        reconciliation,
        report,
    })
}

/// A step of [`load_inputs`] done, for the benchmark's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The batches are loaded (and the HIS file read beside them).
    Loaded,
    /// The HIS postings are imported.
    Imported,
}

/// What [`load_inputs`] did: the workspace, the load, the import, the batches' side of the
/// reconciliation when it was read meanwhile, the checkpoint of both running beside what
/// comes next (held until it ends), and the workspace's run lock (hold it until the report).
pub(crate) struct Inputs {
    pub ws: Workspace,
    pub lock: RunLock,
    pub batches: Option<LoadReport>,
    pub his: Option<HisImport>,
    pub side: Option<BatchSide>,
    pub checkpoint: Option<Checkpointing>,
}

/// The HIS file of `input`, read and checked.
fn read_his(his: &HisFile, map: &[(String, HisField)]) -> Result<PostingsFile> {
    match his {
        HisFile::Path(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                CoreError::invalid(
                    ErrorCode::ReconFileUnreadable,
                    format!("无法读取 HIS 入账文件 {}（{e}）", path.display()),
                    format!("Cannot read the HIS postings file {} ({e})", path.display()),
                )
            })?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            read_postings(&bytes, &name, map)
        }
        HisFile::Bytes { bytes, name } => read_postings(bytes, name, map),
    }
}

/// The inputs' part of [`load`]: checks them all, opens the workspace, loads the batches and
/// imports the HIS file, reading meanwhile what the reconciliation takes from the batches
/// alone (handed back for [`Workspace::reconcile_with`]); `step` is told when each step is done.
/// The commits of both steps do not checkpoint: the checkpoint runs afterwards beside the
/// caller's matching ([`Workspace::checkpoint_beside`]). Every input is checked, in
/// the order of its errors (the HIS file, the folders, the report folder), before the
/// workspace is opened. The folders are found first and their batches verified while the HIS
/// file is read (reading writes nothing), so the two overlap; an error of the HIS file still
/// comes before one of the folders. The workspace's run lock ([`RunLock`]) is taken just before
/// it is opened: a second run on the same workspace is refused then, having written nothing.
pub(crate) fn load_inputs(
    workspace: &Path,
    by: &Clerk,
    input: &Load,
    progress: &mut dyn FnMut(LoadProgress),
    step: &mut dyn FnMut(Step),
) -> Result<Inputs> {
    let his = || input.his.as_ref().map(|h| read_his(h, &input.map)).transpose();
    let open = |postings: Option<PostingsFile>| -> Result<(Workspace, (Option<PostingsFile>, RunLock))> {
        if let Some(dir) = &input.report_to {
            report::prepare_out(dir)?;
        }
        let lock = RunLock::acquire(workspace)?;
        let ws = Workspace::open(workspace)?;
        ws.hold_checkpoints()?;
        Ok((ws, (postings, lock)))
    };
    let (mut ws, (postings, lock), batches) = if input.roots.is_empty() {
        let (ws, opened) = open(his()?)?;
        (ws, opened, None)
    } else {
        let folders = match find_batches(&input.roots) {
            Ok(folders) => folders,
            Err(e) => {
                his()?;
                return Err(e);
            }
        };
        let mut last = 0;
        let (ws, opened, report) = load_opening(folders, by, || open(his()?), &mut |p| {
            if p.done == p.total || p.done >= last + (p.total / 50).max(1) {
                last = p.done;
                progress(p);
            }
        })?;
        (ws, opened, Some(report))
    };
    step(Step::Loaded);
    let Some(file) = postings else {
        step(Step::Imported);
        return Ok(Inputs {
            checkpoint: ws.checkpoint_beside().ok(),
            ws,
            lock,
            batches,
            his: None,
            side: None,
        });
    };
    // While the postings are written, a second connection reads what the reconciliation takes
    // from the batches (the import changes none of it). Without one, the reconciliation reads
    // it itself afterwards.
    let (his, side) = match ws.reader() {
        Ok(reader) => std::thread::scope(|s| {
            let side = s.spawn(move || reader.batch_side().ok());
            let his = ws.import_his(by, &file);
            drop(file);
            (his, side.join().expect("the reader of the batches panicked"))
        }),
        Err(_) => (ws.import_his(by, &file), None),
    };
    // What the import freed goes back before the matching (see `release_freed`).
    crate::release_freed();
    let his = his?;
    step(Step::Imported);
    Ok(Inputs {
        checkpoint: ws.checkpoint_beside().ok(),
        ws,
        lock,
        batches,
        his: Some(his),
        side,
    })
}

/// Reconciles what the workspace at `workspace` holds as of `as_of` and writes the report
/// into `dir`.
pub fn write_report(workspace: &Path, as_of: Option<NaiveDate>, dir: &Path) -> Result<Written> {
    if dir.as_os_str().is_empty() {
        return Err(CoreError::invalid(
            ErrorCode::ReconOutMissing,
            "请填写写入对账报告的文件夹",
            "Give the folder to write the report to",
        ));
    }
    report::prepare_out(dir)?;
    let _lock = RunLock::acquire(workspace)?;
    let ws = Workspace::open(workspace)?;
    write(&ws, &ws.reconcile(as_of)?, dir)
}

/// The reconciliation of the workspace at `workspace` as of `as_of`, as the finance screen
/// shows it.
pub fn view(workspace: &Path, as_of: Option<NaiveDate>) -> Result<ReconView> {
    let ws = Workspace::open(workspace)?;
    ReconView::new(&ws.reconcile(as_of)?, &ws)
}

/// Marks a worklist item done with the HIS invoice number (a journalled record), then the
/// view after it.
pub fn mark_done(workspace: &Path, by: &Clerk, item: &str, his_no: &str, note: &str, as_of: Option<NaiveDate>) -> Result<ReconView> {
    let mut ws = Workspace::open(workspace)?;
    ws.mark_done(by, item, his_no, note)?;
    ReconView::new(&ws.reconcile(as_of)?, &ws)
}

/// Withdraws a mark, saying why (the mark stays in the journal), then the view after it.
pub fn withdraw_mark(workspace: &Path, by: &Clerk, item: &str, reason: &str, as_of: Option<NaiveDate>) -> Result<ReconView> {
    let mut ws = Workspace::open(workspace)?;
    ws.withdraw_mark(by, item, reason)?;
    ReconView::new(&ws.reconcile(as_of)?, &ws)
}

/// The report of `r`; refused while the workspace holds no batch (a report of nothing).
fn write(ws: &Workspace, r: &Reconciliation, dir: &Path) -> Result<Written> {
    let workspace = ws.path().display().to_string();
    if r.stations.is_empty() {
        return Err(CoreError::invalid(
            ErrorCode::ReconWorkspaceEmpty,
            format!("对账工作区 {workspace} 中还没有任何批次：请先载入批次所在的文件夹（--batches）"),
            format!("The workspace {workspace} holds no batch yet: load the folders holding batches first (--batches)"),
        ));
    }
    let generated_at = local_display(ws.clock.now());
    let files = report::write_all(r, dir, &workspace, &generated_at)?;
    Ok(Written {
        files,
        workspace,
        generated_at,
    })
}
