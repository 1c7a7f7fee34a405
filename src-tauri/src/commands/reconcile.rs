//! 财务对账 (Ctrl+G; finance and administrators): the finance screen's commands over the
//! reconciliation workspace (`downtime-recon`), a file of its own beside the station database
//! (`reconcile.sqlite3`). Every command checks the role in the core (`Clerk::operator`:
//! `Permission::Reconcile`). Loading runs off the window's thread and reports its progress as
//! `reconcile-progress` events. Each command is one call of `downtime_recon::run`, the same
//! door as `downtime reconcile`, which checks every input (the folders, the HIS file chosen
//! with the system dialog, the report folder) before anything is written.

use super::files::Picked;
use super::Reply;
use crate::ShellState;
use downtime_core::export::view::ExportProgressView;
use downtime_core::time::parse_date;
use downtime_core::CoreError;
use downtime_recon::run::{self, HisFile, Load};
use downtime_recon::view::ReconView;
use downtime_recon::Clerk;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// The workspace's path beside the station database, and who works in it (refused unless
/// finance or an administrator).
fn open(state: &ShellState) -> Reply<(PathBuf, Clerk)> {
    let shell = state.shell();
    let clerk = Clerk::operator(&shell.actor()?)?;
    let dir = shell.db_path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((dir.join(downtime_recon::store::DEFAULT_FILE), clerk))
}

fn as_of(text: &Option<String>) -> Reply<Option<chrono::NaiveDate>> {
    Ok(text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(parse_date)
        .transpose()?)
}

fn failed(e: impl std::fmt::Display) -> super::IpcError {
    CoreError::Io(std::io::Error::other(e.to_string())).into()
}

/// The reconciliation of what the workspace holds, as of `as_of` (today when empty).
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_view<R: Runtime>(app: AppHandle<R>, as_of: Option<String>) -> Reply<ReconView> {
    tauri::async_runtime::spawn_blocking(move || {
        let (ws, _) = open(&app.state::<ShellState>())?;
        Ok(run::view(&ws, self::as_of(&as_of)?)?)
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
        let (ws, clerk) = open(&app.state::<ShellState>())?;
        let input = Load {
            roots: folders
                .iter()
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
                .map(PathBuf::from)
                .collect(),
            his: if his {
                Some(HisFile::Path(app.state::<Picked>().path()?))
            } else {
                None
            },
            map: Vec::new(),
            as_of: self::as_of(&as_of)?,
            report_to: None,
        };
        let loaded = run::load(&ws, &clerk, input, &mut |p| {
            let _ = app.emit(
                "reconcile-progress",
                ExportProgressView {
                    done: p.done as u64,
                    total: p.total as u64,
                },
            );
        })?;
        Ok(loaded.view)
    })
    .await
    .map_err(failed)?
}

/// Writes `reconciliation.json`, `.csv` and `.pdf` into `folder`; returns their paths.
#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_write<R: Runtime>(app: AppHandle<R>, folder: String, as_of: Option<String>) -> Reply<Vec<String>> {
    tauri::async_runtime::spawn_blocking(move || {
        let (ws, _) = open(&app.state::<ShellState>())?;
        let written = run::write_report(&ws, self::as_of(&as_of)?, Path::new(folder.trim()))?;
        Ok(written.files.iter().map(|f| f.display().to_string()).collect())
    })
    .await
    .map_err(failed)?
}

/// Marks a worklist item done with the HIS invoice number (a journalled record).
#[tauri::command(rename_all = "snake_case")]
pub fn reconcile_mark(state: State<'_, ShellState>, item: String, his_no: String, note: String, as_of: Option<String>) -> Reply<ReconView> {
    let (ws, clerk) = open(&state)?;
    Ok(run::mark_done(&ws, &clerk, &item, &his_no, &note, self::as_of(&as_of)?)?)
}

/// Withdraws a mark, saying why (the mark stays in the journal).
#[tauri::command(rename_all = "snake_case")]
pub fn reconcile_unmark(state: State<'_, ShellState>, item: String, reason: String, as_of: Option<String>) -> Reply<ReconView> {
    let (ws, clerk) = open(&state)?;
    Ok(run::withdraw_mark(&ws, &clerk, &item, &reason, self::as_of(&as_of)?)?)
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
