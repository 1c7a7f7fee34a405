//! Station settings from the window: the receipt printer, the department list, and opening a
//! saved PDF in the system's viewer (whose print dialog then prints it).

use super::Reply;
use crate::ShellState;
use downtime_core::registration::Department;
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
    let desk = shell.desk()?;
    desk.set_printer(&me, &name)?;
    Ok(desk.printer()?)
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
    let dept = Department {
        code: input.code,
        name: input.name,
        kind: input.kind,
        doctors: input.doctors,
    };
    Ok(shell
        .desk()?
        .set_department(&me, &dept, input.active)?
        .iter()
        .map(DepartmentView::from)
        .collect())
}

/// Opens a PDF this desk saved (receipts, summaries, slips) with the system's viewer.
#[tauri::command(rename_all = "snake_case")]
pub fn open_pdf(state: State<'_, ShellState>, path: String) -> Reply<()> {
    let mut shell = state.shell();
    shell.actor()?;
    let desk = shell.desk()?;
    // Only files the desk itself saved, by their canonical path: the window cannot open
    // arbitrary paths (`receipts/../x.pdf`, a link out of the folder).
    let saved = [desk.receipts_dir(), desk.reports_dir()];
    let Some(path) = downtime_core::store::saved_pdf(&saved, std::path::Path::new(&path)) else {
        return Err(CoreError::invalid(
            downtime_core::error::ErrorCode::PdfUnknown,
            "只能打开本机保存的收据和报表 PDF",
            "Only receipt and report PDFs saved by this desk can be opened",
        )
        .into());
    };
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
