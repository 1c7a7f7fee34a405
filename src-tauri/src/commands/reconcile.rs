//! 财务对账 (Ctrl+G; finance and administrators): the finance screen's commands over the
//! reconciliation workspace (`downtime-recon`), a file of its own beside the station database
//! (`reconcile.sqlite3`). Every command checks the role in the core (`Clerk::operator`:
//! `Permission::Reconcile`). Loading runs off the window's thread and reports its progress as
//! `reconcile-progress` events; every input (the folders, the HIS file chosen with the system
//! dialog) is checked before anything is written.

use super::files::Picked;
use super::Reply;
use crate::ShellState;
use downtime_core::export::view::ExportProgressView;
use downtime_core::time::{local_display, parse_date};
use downtime_core::CoreError;
use downtime_recon::his::read_postings;
use downtime_recon::view::ReconView;
use downtime_recon::{report, Clerk, Workspace};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// The workspace beside the station database, and who works in it (refused unless finance
/// or an administrator).
fn open(state: &ShellState) -> Reply<(Workspace, Clerk)> {
    let shell = state.shell();
    let clerk = Clerk::operator(&shell.actor()?)?;
    let dir = shell.db_path.parent().map(Path::to_path_buf).unwrap_or_default();
    drop(shell);
    Ok((Workspace::open(dir.join(downtime_recon::store::DEFAULT_FILE))?, clerk))
}

fn as_of(text: &Option<String>) -> Reply<Option<chrono::NaiveDate>> {
    Ok(text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(parse_date)
        .transpose()?)
}

fn view(ws: &Workspace, as_of: Option<chrono::NaiveDate>) -> Reply<ReconView> {
    let r = ws.reconcile(as_of)?;
    Ok(ReconView::new(&r, ws)?)
}

fn failed(e: impl std::fmt::Display) -> super::IpcError {
    CoreError::Io(std::io::Error::other(e.to_string())).into()
}

/// The reconciliation of what the workspace holds, as of `as_of` (today when empty).
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_view<R: Runtime>(app: AppHandle<R>, as_of: Option<String>) -> Reply<ReconView> {
    tauri::async_runtime::spawn_blocking(move || {
        let (ws, _) = open(&app.state::<ShellState>())?;
        view(&ws, self::as_of(&as_of)?)
    })
    .await
    .map_err(failed)?
}

/// Loads the batch folders typed or chosen (each a folder tree; a batch the workspace holds
/// is a no-op) and, when `his` is set, the HIS postings file chosen last in the system dialog;
/// then reconciles.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_load<R: Runtime>(app: AppHandle<R>, folders: Vec<String>, his: bool, as_of: Option<String>) -> Reply<ReconView> {
    tauri::async_runtime::spawn_blocking(move || {
        let (mut ws, clerk) = open(&app.state::<ShellState>())?;
        let as_of = self::as_of(&as_of)?;
        let roots: Vec<PathBuf> = folders
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .collect();
        if roots.is_empty() && !his {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconNothingToLoad,
                "请先添加批次所在的文件夹，或选择 HIS 入账文件",
                "Add a folder holding batches, or choose the HIS postings file, first",
            )
            .into());
        }
        // Everything is checked before the workspace is touched.
        let postings = if his {
            let path = app.state::<Picked>().path()?;
            let bytes = std::fs::read(&path).map_err(|e| {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::ReconFileUnreadable,
                    format!("无法读取 HIS 入账文件 {}（{e}）", path.display()),
                    format!("Cannot read the HIS postings file {} ({e})", path.display()),
                )
            })?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Some(read_postings(&bytes, &name, &[])?)
        } else {
            None
        };
        if !roots.is_empty() {
            downtime_recon::load::find_batches(&roots)?;
            let mut last = 0;
            ws.load_batches(&clerk, &roots, &mut |p| {
                if p.done == p.total || p.done >= last + (p.total / 50).max(1) {
                    last = p.done;
                    let _ = app.emit(
                        "reconcile-progress",
                        ExportProgressView {
                            done: p.done as u64,
                            total: p.total as u64,
                        },
                    );
                }
            })?;
        }
        if let Some(file) = &postings {
            ws.import_his(&clerk, file)?;
        }
        view(&ws, as_of)
    })
    .await
    .map_err(failed)?
}

/// Writes `reconciliation.json`, `.csv` and `.pdf` into `folder`; returns their paths.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_write<R: Runtime>(app: AppHandle<R>, folder: String, as_of: Option<String>) -> Reply<Vec<String>> {
    tauri::async_runtime::spawn_blocking(move || {
        let (ws, _) = open(&app.state::<ShellState>())?;
        let folder = folder.trim();
        if folder.is_empty() {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconOutMissing,
                "请填写写入对账报告的文件夹",
                "Give the folder to write the report to",
            )
            .into());
        }
        let r = ws.reconcile(self::as_of(&as_of)?)?;
        let generated = local_display(chrono::Utc::now());
        let files = report::write_all(&r, Path::new(folder), &ws.path().display().to_string(), &generated)?;
        Ok(files.iter().map(|f| f.display().to_string()).collect())
    })
    .await
    .map_err(failed)?
}

/// Marks a worklist item done with the HIS invoice number (a journalled record).
#[tauri::command(rename_all = "snake_case")]
pub fn reconcile_mark(state: State<'_, ShellState>, item: String, his_no: String, note: String, as_of: Option<String>) -> Reply<ReconView> {
    let (mut ws, clerk) = open(&state)?;
    let as_of = self::as_of(&as_of)?;
    ws.mark_done(&clerk, &item, &his_no, &note)?;
    view(&ws, as_of)
}

/// Withdraws a mark, saying why (the mark stays in the journal).
#[tauri::command(rename_all = "snake_case")]
pub fn reconcile_unmark(state: State<'_, ShellState>, item: String, reason: String, as_of: Option<String>) -> Reply<ReconView> {
    let (mut ws, clerk) = open(&state)?;
    let as_of = self::as_of(&as_of)?;
    ws.withdraw_mark(&clerk, &item, &reason)?;
    view(&ws, as_of)
}

/// The system folder picker for batch folders and the report; `None` when cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_pick_folder<R: Runtime>(app: AppHandle<R>, title: String) -> Reply<Option<String>> {
    {
        let state = app.state::<ShellState>();
        let shell = state.shell();
        Clerk::operator(&shell.actor()?)?;
    }
    tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_dialog::DialogExt;
        app.dialog()
            .file()
            .set_title(title)
            .blocking_pick_folder()
            .and_then(|p| p.into_path().ok())
            .map(|p| p.display().to_string())
    })
    .await
    .map_err(failed)
}
