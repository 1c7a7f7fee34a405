//! Files chosen with the system's file dialog (Tauri's dialog plugin), never a browser file
//! input: `pick_file` opens the dialog with a title and a filter in the user's language and
//! remembers the chosen path; `picked_file_bytes` hands its bytes to the window as a raw
//! body, which the window then sends to an import like a file it read itself. Only the path
//! the user just chose can be read this way.
//!
//! For automated tests (no one to click in a dialog): when `DOWNTIME_PICK_FILE` names a file
//! that exists, its content is taken as the chosen path and no dialog opens.

use super::Reply;
use downtime_core::CoreError;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::ipc::Response;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// The path the user chose last, if any.
#[derive(Default)]
pub struct Picked(Mutex<Option<PathBuf>>);

impl Picked {
    /// The path chosen last (an import that streams from disk reads it itself, instead of
    /// its bytes crossing to the window and back).
    pub fn path(&self) -> Reply<PathBuf> {
        self.0.lock().expect("picked lock").clone().ok_or_else(|| {
            CoreError::invalid(
                downtime_core::error::ErrorCode::FileNotChosen,
                "请先选择文件",
                "Choose a file first",
            )
            .into()
        })
    }
}

fn answered_by_test() -> Option<PathBuf> {
    let pointer = std::env::var_os("DOWNTIME_PICK_FILE")?;
    let text = std::fs::read_to_string(pointer).ok()?;
    Some(PathBuf::from(text.trim()))
}

/// Opens the system's file dialog; returns the chosen file's name, or none if cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_file<R: Runtime>(
    app: AppHandle<R>,
    picked: State<'_, Picked>,
    title: String,
    filter_name: String,
    extensions: Vec<String>,
) -> Reply<Option<String>> {
    let chosen = match answered_by_test() {
        Some(path) => Some(path),
        None => {
            let exts: Vec<&str> = extensions.iter().map(String::as_str).collect();
            let dialog = app.dialog().file().set_title(title).add_filter(filter_name, &exts);
            // The dialog waits for the person; this command runs off the main thread.
            tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
                .await
                .map_err(|e| {
                    CoreError::invalid(
                        downtime_core::error::ErrorCode::DialogFailed,
                        format!("无法打开选择文件窗口：{e}"),
                        format!("The file dialog failed: {e}"),
                    )
                })?
                .and_then(|p| p.into_path().ok())
        }
    };
    let name = chosen
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    *picked.0.lock().expect("picked lock") = chosen;
    Ok(name)
}

/// The bytes of the file chosen last, as a raw body.
#[tauri::command(rename_all = "snake_case")]
pub fn picked_file_bytes(picked: State<'_, Picked>) -> Reply<Response> {
    let path = picked.0.lock().expect("picked lock").clone().ok_or_else(|| {
        CoreError::invalid(
            downtime_core::error::ErrorCode::FileNotChosen,
            "请先选择文件",
            "Choose a file first",
        )
    })?;
    let bytes = std::fs::read(&path).map_err(|e| {
        CoreError::invalid(
            downtime_core::error::ErrorCode::FileUnreadable,
            format!("无法读取文件 {}：{e}", path.display()),
            format!("Cannot read {}: {e}", path.display()),
        )
    })?;
    Ok(Response::new(bytes))
}
