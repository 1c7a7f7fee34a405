//! 导出批次 (Ctrl+E): the Export screen's commands. Writing a batch runs off the window's
//! thread and reports its progress as `export-progress` events; the folder comes from the
//! system folder picker (or is typed).

use super::Reply;
use crate::ShellState;
use downtime_core::export::view::{ExportOverview, ExportProgressView, ExportResultView};
use downtime_core::export::{ExportOutcome, Progress};
use downtime_core::{CoreError, Permission};
use std::path::Path;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

#[tauri::command(rename_all = "snake_case")]
pub fn export_overview(state: State<'_, ShellState>) -> Reply<ExportOverview> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(ExportOverview::of(shell.desk()?, &me)?)
}

fn failed(e: impl std::fmt::Display) -> super::IpcError {
    CoreError::Io(std::io::Error::other(e.to_string())).into()
}

/// Runs `f` on a blocking thread with the shell locked, sending progress to the window.
async fn with_progress<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut crate::Shell, &mut dyn FnMut(Progress)) -> Reply<T> + Send + 'static,
) -> Reply<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<ShellState>();
        let mut shell = state.shell();
        let mut last = 0u64;
        let mut progress = |p: Progress| {
            // A few dozen events are enough for a bar.
            if p.done == p.total || p.done >= last + p.total / 50 {
                last = p.done;
                let _ = app.emit("export-progress", ExportProgressView::from(p));
            }
        };
        f(&mut shell, &mut progress)
    })
    .await
    .map_err(failed)?
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_batch<R: Runtime>(app: AppHandle<R>, folder: String) -> Reply<ExportResultView> {
    with_progress(app, move |shell, progress| {
        let me = shell.actor()?;
        let outcome = shell.desk()?.export_batch(&me, Path::new(folder.trim()), progress)?;
        Ok(ExportResultView::from(&outcome))
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rerender_batch<R: Runtime>(app: AppHandle<R>, seq: i64, folder: String) -> Reply<ExportResultView> {
    with_progress(app, move |shell, progress| {
        let me = shell.actor()?;
        let written = shell.desk()?.rerender_batch(&me, seq, Path::new(folder.trim()), progress)?;
        Ok(ExportResultView::from(&ExportOutcome::Written(Box::new(written))))
    })
    .await
}

/// The system folder picker (a USB stick, say); `None` when the person cancels it.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_export_folder<R: Runtime>(app: AppHandle<R>, state: State<'_, ShellState>) -> Reply<Option<String>> {
    state.shell().actor()?.require(Permission::Export)?;
    tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_dialog::DialogExt;
        app.dialog()
            .file()
            .set_title("选择导出位置（例如 U 盘）")
            .blocking_pick_folder()
            .and_then(|p| p.into_path().ok())
            .map(|p| p.display().to_string())
    })
    .await
    .map_err(failed)
}
