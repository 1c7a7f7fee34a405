//! Station settings from the window: the receipt printer, the department list, and opening a
//! saved PDF in the system's viewer (whose print dialog then prints it).

use super::Reply;
use crate::ShellState;
use downtime_core::view::BackupSettingView;
use downtime_core::view::{DepartmentInput, DepartmentView};
use downtime_core::CoreError;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub fn printer(state: State<'_, ShellState>) -> Reply<Option<String>> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.printer()?)
}

/// Sets the CUPS printer receipts go to; an empty name means "save as PDF only".
#[tauri::command(rename_all = "snake_case")]
pub fn set_printer(state: State<'_, ShellState>, name: String) -> Reply<Option<String>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.set_printer(&me, &name)?)
}

/// 自动备份: where automatic backups go, for anyone signed in to see.
#[tauri::command(rename_all = "snake_case")]
pub fn backup_setting(state: State<'_, ShellState>) -> Reply<BackupSettingView> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(BackupSettingView::of(shell.desk()?, None)?)
}

/// Sets the automatic backup folder (an administrator, in the core); a first backup is written
/// and checked there at once.
#[tauri::command(rename_all = "snake_case")]
pub fn set_backup(state: State<'_, ShellState>, folder: String) -> Reply<BackupSettingView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let written = desk.set_backup(&me, std::path::Path::new(folder.trim()), None)?;
    Ok(BackupSettingView::of(desk, Some(&written))?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_department(state: State<'_, ShellState>, input: DepartmentInput) -> Reply<Vec<DepartmentView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell
        .desk()?
        .set_department(&me, &(&input).into(), input.active)?
        .iter()
        .map(DepartmentView::from)
        .collect())
}

/// Opens a PDF this desk saved (receipts, summaries, slips) with the system's viewer.
#[tauri::command(rename_all = "snake_case")]
pub fn open_pdf(state: State<'_, ShellState>, path: String) -> Reply<()> {
    let mut shell = state.shell();
    shell.actor()?;
    // Only files the desk itself saved, by their canonical path: the window cannot open
    // arbitrary paths (`receipts/../x.pdf`, a link out of the folder).
    let path = shell.desk()?.own_pdf(std::path::Path::new(&path))?;
    let opener = if cfg!(windows) {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener).arg(&path).spawn().map_err(|e| {
        CoreError::invalid(
            downtime_core::error::ErrorCode::PdfOpenFailed,
            format!("无法打开 PDF（{e}）：文件在 {}", path.display()),
            format!("Cannot open the PDF ({e}): it is at {}", path.display()),
        )
    })?;
    Ok(())
}
