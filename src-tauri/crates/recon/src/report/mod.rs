//! The reconciliation written out for people and programs: `reconciliation.json` (the
//! public surface: its keys are what scripts read), `reconciliation.csv` (Excel) and
//! `reconciliation.pdf` (the signed paper). Each file is written beside its final name and
//! renamed into place, so a folder never holds half a report.

pub mod csv;
pub mod json;
pub mod labels;
pub mod pdf;

use crate::reconcile::Reconciliation;
use downtime_core::error::{CoreError, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub const JSON: &str = "reconciliation.json";
pub const CSV: &str = "reconciliation.csv";
pub const PDF: &str = "reconciliation.pdf";

/// Makes sure `dir` exists (creating it) and can be written to, before anything is loaded.
pub fn prepare_out(dir: &Path) -> Result<()> {
    let refuse = || {
        CoreError::invalid(
            downtime_core::error::ErrorCode::ReconOutUnwritable,
            format!("无法写入报告文件夹 {}：请检查路径和权限", dir.display()),
            format!("Cannot write the report to {}: check the path and the permissions", dir.display()),
        )
    };
    if dir.exists() && !dir.is_dir() {
        return Err(refuse());
    }
    std::fs::create_dir_all(dir).map_err(|_| refuse())?;
    tempfile::Builder::new()
        .prefix(".reconciliation-probe")
        .tempfile_in(dir)
        .map(|_| ())
        .map_err(|_| refuse())
}

/// The JSON text: the reconciliation, with when and from which workspace it was made.
pub fn json(r: &Reconciliation, workspace: &str, generated_at: &str) -> String {
    json::text(r, workspace, generated_at)
}

/// Writes `name` in `dir` through `write`, beside its final name, then renames it into place.
fn put(dir: &Path, name: &str, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<PathBuf> {
    let target = dir.join(name);
    let temp = dir.join(format!(".{name}.partial"));
    let mut file = BufWriter::with_capacity(1 << 16, std::fs::File::create(&temp)?);
    write(&mut file)?;
    file.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&temp, &target)?;
    Ok(target)
}

/// Writes the three files into `dir`; returns their paths.
pub fn write_all(r: &Reconciliation, dir: &Path, workspace: &str, generated_at: &str) -> Result<[PathBuf; 3]> {
    prepare_out(dir)?;
    let pdf = pdf::render(r, workspace, generated_at)?;
    Ok([
        put(dir, JSON, |w| json::write(r, workspace, generated_at, w))?,
        put(dir, CSV, |w| w.write_all(csv::render(r).as_bytes()))?,
        put(dir, PDF, |w| w.write_all(&pdf))?,
    ])
}
