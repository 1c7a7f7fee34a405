//! 导出批次: handing the outage's records over to finance and the HIS team. A batch is every
//! journal entry since the previous batch, nothing twice and nothing skipped; making one is
//! itself a journal entry (`batch_exported`, with who made it), and that entry closes the
//! batch's range. The folder it is written to (`batch::folder_name`) holds the files that
//! `batch` reads and checks.
//!
//! Contract:
//! - Exporting needs a supervisor, an administrator or finance (`Permission::Export`).
//! - Bad output folders are refused before anything is recorded. The batch is recorded, then
//!   rendered into a hidden folder beside the target and renamed into place, so a folder with
//!   the batch's name is always whole. If writing fails after the batch was recorded (a USB
//!   stick pulled out), the error says so and [`Desk::rerender_batch`] writes it again.
//! - Rendering reads only stored records, and state "as of" the batch through the batch's
//!   own row (its journal range and high-water marks), so re-rendering batch N gives the
//!   same bytes for every file but the cover sheet, whatever happened since.
//! - Memory stays flat as batches grow: entries are streamed from the journal to every file
//!   at once; only small indexes (ids and sort keys) are kept.

mod back_entry;
mod cover;
pub mod csv;
mod fhir;
mod finance;
mod labels;
mod lookup;
mod pdf;
mod render;
mod sink;
pub mod view;

use crate::batch::{self, Manifest};
use crate::error::{invalid, CoreError, Result};
use crate::ids::Permission;
use crate::journal;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::OptionalExtension;
use serde_json::Map;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// A batch as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: Uuid,
    pub seq: i64,
    pub journal_first_seq: i64,
    pub journal_last_seq: i64,
    /// Receipts issued up to this batch (the highest receipt sequence number).
    pub receipt_seq_last: i64,
    /// The folder it was first written to.
    pub written_to: String,
    pub created_by: String,
    pub created_at: String,
    /// Hash of the entry before the batch (the journal's genesis hash for the first).
    pub prev_chain_head: String,
    /// Hash of its last entry (the batch's own).
    pub chain_head: String,
    /// Receipts issued in the batch.
    pub receipts: i64,
    pub folder: String,
}

/// How far rendering has got: `done` of `total` steps (journal entries, then one step per
/// file finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What `export` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportOutcome {
    /// Nothing was journalled since the last batch: nothing was recorded or written.
    NothingNew {
        last_batch: Option<i64>,
    },
    Written(Box<Written>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub batch: Batch,
    /// The batch folder.
    pub path: PathBuf,
    pub manifest: Manifest,
}

const BATCH_SELECT: &str = "SELECT b.id, b.seq, b.journal_first_seq, b.journal_last_seq, b.receipt_seq_last, \
     b.written_to, o.name, b.created_at, \
     ifnull((SELECT j.prev_hash FROM journal j WHERE j.seq = b.journal_first_seq), ''), \
     ifnull((SELECT j.hash FROM journal j WHERE j.seq = b.journal_last_seq), ''), \
     b.receipt_seq_last - ifnull((SELECT p.receipt_seq_last FROM export_batch p WHERE p.seq = b.seq - 1), 0), s.code \
     FROM export_batch b JOIN operator o ON o.id = b.created_by JOIN station s";

fn batch_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Batch> {
    let seq: i64 = r.get(1)?;
    let code: String = r.get(11)?;
    Ok(Batch {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        seq,
        journal_first_seq: r.get(2)?,
        journal_last_seq: r.get(3)?,
        receipt_seq_last: r.get(4)?,
        written_to: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        prev_chain_head: r.get(8)?,
        chain_head: r.get(9)?,
        receipts: r.get(10)?,
        folder: batch::folder_name(&code, seq),
    })
}

impl Desk {
    /// Every batch made at this station, newest first.
    pub fn batches(&self) -> Result<Vec<Batch>> {
        let mut stmt = self.conn.prepare(&format!("{BATCH_SELECT} ORDER BY b.seq DESC"))?;
        let rows = stmt.query_map([], batch_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn batch(&self, seq: i64) -> Result<Option<Batch>> {
        Ok(self
            .conn
            .qrow(&format!("{BATCH_SELECT} WHERE b.seq = ?1"), [seq], batch_from_row)
            .optional()?)
    }

    /// Journal entries not yet in any batch.
    pub fn entries_since_last_batch(&self) -> Result<i64> {
        Ok(self.conn.qrow(
            "SELECT ifnull((SELECT max(seq) FROM journal), 0) - ifnull((SELECT max(journal_last_seq) FROM export_batch), 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// `downtime export --out DIR`: records the next batch and writes it into `out`.
    pub fn export_batch(&mut self, by: &Actor, out: &Path, progress: &mut dyn FnMut(Progress)) -> Result<ExportOutcome> {
        by.require(Permission::Export)?;
        let station = self.require_station()?;
        if self.entries_since_last_batch()? == 0 {
            return Ok(ExportOutcome::NothingNew {
                last_batch: self.batches()?.first().map(|b| b.seq),
            });
        }
        let next: i64 = self
            .conn
            .qrow("SELECT ifnull(max(seq), 0) + 1 FROM export_batch", [], |r| r.get(0))?;
        let target = prepare_target(out, &batch::folder_name(station.code.as_str(), next))?;
        let written_to = target.out.display().to_string();
        let seq = self.in_write_tx(|desk| desk.record_batch(by, &written_to))?;
        let batch = self.batch(seq)?.expect("just recorded");
        self.write_batch(by, batch, target, false, progress).map(|w| ExportOutcome::Written(Box::new(w))).map_err(|e| {
            let (zh, en) = (e.to_string(), e.message(crate::Lang::En));
            CoreError::invalid(
                crate::error::ErrorCode::ExportWriteFailed,
                format!("批次 {seq} 已经记录，但写入文件时出错（{zh}）。请检查目标磁盘或 U 盘，然后用“重新生成”再写一次这一批"),
                format!("Batch {seq} is recorded, but writing its files failed ({en}). Check the disk or USB stick, then re-render this batch"),
            )
        })
    }

    /// `downtime export --batch N --out DIR`: writes batch `seq` again. Every file but the
    /// cover sheet comes out byte for byte as the first time.
    pub fn rerender_batch(&mut self, by: &Actor, seq: i64, out: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Written> {
        by.require(Permission::Export)?;
        let Some(batch) = self.batch(seq)? else {
            let last = self.batches()?.first().map(|b| b.seq).unwrap_or(0);
            return Err(invalid!(
                BatchUnknown,
                if last == 0 {
                    format!("没有第 {seq} 批：本工作站还没有导出过批次")
                } else {
                    format!("没有第 {seq} 批：本工作站的批次是第 1 至第 {last} 批")
                },
                if last == 0 {
                    format!("There is no batch {seq}: this station has not exported any batch yet")
                } else {
                    format!("There is no batch {seq}: this station's batches are 1 to {last}")
                }
            ));
        };
        let target = prepare_target(out, &batch.folder)?;
        self.write_batch(by, batch, target, true, progress)
    }

    /// Inserts the batch row and its journal entry, which closes the batch's range. Runs
    /// inside `in_write_tx`.
    fn record_batch(&mut self, by: &Actor, written_to: &str) -> Result<i64> {
        let (seq, first, last, receipts): (i64, i64, i64, i64) = self.conn.qrow(
            "SELECT ifnull((SELECT max(seq) FROM export_batch), 0) + 1, \
                    ifnull((SELECT max(journal_last_seq) FROM export_batch), 0) + 1, \
                    ifnull((SELECT max(seq) FROM journal), 0) + 1, \
                    ifnull((SELECT max(seq) FROM receipt), 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        if last == first {
            // Another window exported everything in the meantime.
            return Err(invalid!(
                ExportNothingNew,
                "上一批之后没有新的记录，无需导出",
                "Nothing was recorded since the last batch: there is nothing to export"
            ));
        }
        let now = self.now();
        let id = Uuid::now_v7().to_string();
        let row = journal::insert_row(
            &self.conn,
            "export_batch",
            &[
                ("id", &id),
                ("seq", &seq),
                ("journal_first_seq", &first),
                ("journal_last_seq", &last),
                ("receipt_seq_last", &receipts),
                ("written_to", &written_to),
                ("created_by", &by.id().to_string()),
                ("created_at", &stamp(now)),
            ],
        )?;
        let entry = journal::append_rows(
            &self.conn,
            "batch_exported",
            by.name(),
            now,
            vec![("export_batch", row)],
            Map::new(),
        )?;
        debug_assert_eq!(entry.seq, last);
        Ok(seq)
    }

    fn write_batch(&self, by: &Actor, batch: Batch, target: Target, rerender: bool, progress: &mut dyn FnMut(Progress)) -> Result<Written> {
        let manifest = render::render(self, by, &batch, target.partial.path(), rerender, progress)?;
        let path = target.out.join(&batch.folder);
        let partial = target.partial.keep();
        if let Err(e) = std::fs::rename(&partial, &path) {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e.into());
        }
        Ok(Written { batch, path, manifest })
    }
}

/// The output folder, checked, and the hidden folder the batch is rendered into.
struct Target {
    out: PathBuf,
    partial: tempfile::TempDir,
}

/// Refuses a folder the batch cannot be written into, before anything is recorded.
fn prepare_target(out: &Path, folder: &str) -> Result<Target> {
    if !out.is_dir() {
        return Err(invalid!(
            ExportFolderMissing,
            format!("导出位置 {} 不存在或不是文件夹：请选择已有的文件夹（例如 U 盘）", out.display()),
            format!(
                "{} does not exist or is not a folder: choose an existing folder (a USB stick, say)",
                out.display()
            )
        ));
    }
    let out = out.canonicalize()?;
    if out.join(folder).exists() {
        return Err(invalid!(
            ExportFolderExists,
            format!("{} 中已经有 {folder}：请换一个文件夹，或先把已有的移走", out.display()),
            format!(
                "{} already holds {folder}: choose another folder or move the existing one away",
                out.display()
            )
        ));
    }
    let partial = tempfile::Builder::new()
        .prefix(&format!(".{folder}.partial-"))
        .tempdir_in(&out)
        .map_err(|_| {
            invalid!(
                ExportFolderReadOnly,
                format!("无法写入 {}：请检查磁盘空间和写保护开关", out.display()),
                format!(
                    "Cannot write to {}: check the free space and the write-protect switch",
                    out.display()
                )
            )
        })?;
    Ok(Target { out, partial })
}
