//! Price catalog commands: preview and import a file (sent as raw bytes, with its name and
//! options — part, month, confirmations — in headers), import the shipped sample, search,
//! list versions, put an earlier version back in force.

use super::Reply;
use crate::ShellState;
use downtime_core::catalog::stream::Input;
use downtime_core::catalog::ImportOptions;
use downtime_core::view::*;
use downtime_core::CoreError;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Emitter, Runtime, State};

#[derive(Clone, serde::Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

pub(crate) fn header(request: &Request<'_>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .filter(|v| !v.is_empty())
}

/// Header values are ASCII: the UI sends Chinese file names percent-encoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file's bytes: a raw body where the platform's IPC carries one, or (on WebKitGTK,
/// where invoke travels by postMessage) the same bytes as a JSON array of numbers.
fn body_bytes<'a>(request: &'a Request<'_>) -> Reply<std::borrow::Cow<'a, [u8]>> {
    let missing = || {
        CoreError::invalid(
            downtime_core::error::ErrorCode::CatalogFileMissing,
            "没有收到文件内容",
            "No file content was received",
        )
        .into()
    };
    match request.body() {
        InvokeBody::Raw(bytes) => Ok(std::borrow::Cow::Borrowed(bytes.as_slice())),
        InvokeBody::Json(serde_json::Value::Array(items)) => {
            let bytes: Option<Vec<u8>> = items.iter().map(|v| v.as_u64().and_then(|b| u8::try_from(b).ok())).collect();
            bytes.map(std::borrow::Cow::Owned).ok_or_else(missing)
        }
        InvokeBody::Json(serde_json::Value::Object(map)) if !map.is_empty() => {
            // A typed array serialised as {"0": b0, "1": b1, …}.
            let mut bytes = vec![0u8; map.len()];
            for (k, v) in map {
                let i: usize = k.parse().map_err(|_| missing())?;
                let b = v.as_u64().and_then(|b| u8::try_from(b).ok()).ok_or_else(missing)?;
                *bytes.get_mut(i).ok_or_else(missing)? = b;
            }
            Ok(std::borrow::Cow::Owned(bytes))
        }
        _ => Err(missing()),
    }
}

pub(crate) fn file_of<'a>(request: &'a Request<'_>) -> Reply<(std::borrow::Cow<'a, [u8]>, String, ImportOptions, bool)> {
    let bytes = body_bytes(request)?;
    let name = header(request, "x-file-name").unwrap_or_else(|| "价目表.csv".into());
    let mut opts = ImportOptions {
        month: header(request, "x-month"),
        part: header(request, "x-part"),
        confirm_shrink: header(request, "x-confirm-shrink").as_deref() == Some("1"),
        ..Default::default()
    };
    opts.read.encoding = header(request, "x-encoding");
    opts.read.sheet = header(request, "x-sheet");
    let accept = header(request, "x-accept-good-rows").as_deref() == Some("1");
    Ok((bytes, name, opts, accept))
}

/// `x-picked`: the file the user just chose in the system dialog, read from disk by the core
/// as it is imported (its bytes never cross to the window and back); else the body's bytes.
pub(crate) fn picked_path(request: &Request<'_>, picked: &super::files::Picked) -> Reply<Option<std::path::PathBuf>> {
    match header(request, "x-picked").as_deref() {
        Some("1") => Ok(Some(picked.path()?)),
        _ => Ok(None),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn catalog_preview(
    state: State<'_, ShellState>,
    picked: State<'_, super::files::Picked>,
    request: Request<'_>,
) -> Reply<ImportReportView> {
    let (bytes, name, opts, _) = file_of(&request)?;
    let path = picked_path(&request, &picked)?;
    let input = match &path {
        Some(p) => Input::Path(p),
        None => Input::Bytes(&bytes),
    };
    let mut shell = state.shell();
    shell.actor()?;
    Ok(ImportReportView::from(&shell.desk()?.catalog_preview_from(input, &name, &opts)?))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn catalog_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, ShellState>,
    picked: State<'_, super::files::Picked>,
    request: Request<'_>,
) -> Reply<ImportReportView> {
    let (bytes, name, opts, accept) = file_of(&request)?;
    let path = picked_path(&request, &picked)?;
    let input = match &path {
        Some(p) => Input::Path(p),
        None => Input::Bytes(&bytes),
    };
    let mut shell = state.shell();
    let me = shell.actor()?;
    // One event per percent is enough for a progress bar.
    let mut last = usize::MAX;
    let mut progress = |done: usize, total: usize| {
        let percent = if total == 0 { 100 } else { done * 100 / total };
        if percent != last {
            last = percent;
            let _ = app.emit("catalog-progress", Progress { done, total });
        }
    };
    let report = shell.desk()?.catalog_import_from(&me, input, &name, &opts, accept, &mut progress)?;
    Ok(ImportReportView::from(&report))
}

/// The sample price list shipped in `assets/catalog/` (its services and drug parts), with
/// one click at setup or on the price list screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn catalog_import_sample<R: Runtime>(app: AppHandle<R>, state: State<'_, ShellState>) -> Reply<Vec<ImportReportView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let mut progress = |done: usize, total: usize| {
        let _ = app.emit("catalog-progress", Progress { done, total });
    };
    let reports = shell.desk()?.import_sample_catalog(&me, &mut progress)?;
    Ok(reports.iter().map(ImportReportView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn catalog_search(state: State<'_, ShellState>, query: String, limit: Option<usize>) -> Reply<Vec<CatalogItemView>> {
    let mut shell = state.shell();
    let items = shell.desk()?.catalog_search(&query, limit.unwrap_or(20).min(100))?;
    Ok(items.iter().map(CatalogItemView::from).collect())
}

/// Puts an earlier version back in force for its part (the price list screen's version list).
#[tauri::command(rename_all = "snake_case")]
pub fn catalog_activate(state: State<'_, ShellState>, version: String, confirm_shrink: bool) -> Reply<ActivationView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(ActivationView::from(&shell.desk()?.catalog_activate(
        &me,
        &version,
        confirm_shrink,
    )?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn catalog_versions(state: State<'_, ShellState>) -> Reply<Vec<CatalogVersionView>> {
    let mut shell = state.shell();
    Ok(shell.desk()?.catalog_versions()?.iter().map(CatalogVersionView::from).collect())
}
