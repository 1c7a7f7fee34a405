//! Wire types of exporting (see `crate::view` for the conventions): what the Export screen
//! receives and what `downtime export --json` prints.

use super::{Batch, ExportOutcome, Written};
use crate::batch::{BatchCheck, Manifest};
use serde::Serialize;
use ts_rs::TS;

/// A batch in the Export screen's list.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchView {
    #[ts(type = "number")]
    pub seq: i64,
    pub folder: String,
    pub created_at: String,
    pub created_by: String,
    #[ts(type = "number")]
    pub journal_first_seq: i64,
    #[ts(type = "number")]
    pub journal_last_seq: i64,
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number")]
    pub receipts: i64,
    pub chain_head: String,
    /// The folder it was first written to.
    pub written_to: String,
}

impl From<&Batch> for BatchView {
    fn from(b: &Batch) -> Self {
        BatchView {
            seq: b.seq,
            folder: b.folder.clone(),
            created_at: b.created_at.clone(),
            created_by: b.created_by.clone(),
            journal_first_seq: b.journal_first_seq,
            journal_last_seq: b.journal_last_seq,
            entries: b.journal_last_seq - b.journal_first_seq + 1,
            receipts: b.receipts,
            chain_head: b.chain_head.clone(),
            written_to: b.written_to.clone(),
        }
    }
}

/// What an export or a re-rendering wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportResultView {
    /// False when nothing was recorded since the last batch (and nothing was written).
    pub written: bool,
    pub batch: Option<BatchView>,
    /// The batch folder.
    pub path: Option<String>,
    #[ts(type = "number | null")]
    pub last_batch: Option<i64>,
    #[ts(type = "number")]
    pub exceptions: i64,
    #[ts(type = "number")]
    pub net_fen: i64,
    pub files: Vec<String>,
}

impl From<&Written> for ExportResultView {
    fn from(w: &Written) -> Self {
        ExportResultView {
            written: true,
            batch: Some(BatchView::from(&w.batch)),
            path: Some(w.path.display().to_string()),
            last_batch: Some(w.batch.seq),
            exceptions: w.manifest.exceptions.len() as i64,
            net_fen: w.manifest.totals_fen.net,
            files: files_of(&w.manifest),
        }
    }
}

impl From<&ExportOutcome> for ExportResultView {
    fn from(o: &ExportOutcome) -> Self {
        match o {
            ExportOutcome::Written(w) => ExportResultView::from(w.as_ref()),
            ExportOutcome::NothingNew { last_batch } => ExportResultView {
                written: false,
                batch: None,
                path: None,
                last_batch: *last_batch,
                exceptions: 0,
                net_fen: 0,
                files: vec![],
            },
        }
    }
}

fn files_of(m: &Manifest) -> Vec<String> {
    let mut names: Vec<String> = m.files.iter().map(|f| f.name.clone()).collect();
    names.push(crate::batch::MANIFEST.into());
    names.push(crate::batch::COVER.into());
    names
}

/// `downtime export verify --json`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchCheckView {
    pub folder: String,
    pub sound: bool,
    pub station_code: Option<String>,
    #[ts(type = "number | null")]
    pub batch_seq: Option<i64>,
    pub chain_head: Option<String>,
    pub fingerprint: Option<String>,
    /// SHA-256 of `manifest.json`, as the cover sheet shows it.
    pub manifest_sha256: Option<String>,
    /// The problem's stable code (`batch_file_changed`, …).
    pub code: Option<String>,
    /// The file the problem is in, when there is one.
    pub file: Option<String>,
    pub problem: Option<String>,
    pub problem_en: Option<String>,
}

impl From<&BatchCheck> for BatchCheckView {
    fn from(c: &BatchCheck) -> Self {
        BatchCheckView {
            folder: c.folder.clone(),
            sound: c.problem.is_none(),
            station_code: c.manifest.as_ref().map(|m| m.station_code.clone()),
            batch_seq: c.manifest.as_ref().map(|m| m.batch_seq),
            chain_head: c.manifest.as_ref().map(|m| m.chain_head.clone()),
            fingerprint: c.fingerprint.clone(),
            manifest_sha256: c.manifest_sha256.clone(),
            code: c.problem.as_ref().map(|p| p.code.to_string()),
            file: c.problem.as_ref().and_then(|p| p.file.clone()),
            problem: c.problem.as_ref().map(|p| p.zh.clone()),
            problem_en: c.problem.as_ref().map(|p| p.en.clone()),
        }
    }
}

/// What the Export screen opens with.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportOverview {
    /// Journal entries not yet in any batch.
    #[ts(type = "number")]
    pub pending_entries: i64,
    /// Newest first.
    pub batches: Vec<BatchView>,
}

impl ExportOverview {
    /// The Export screen's opening (those who may export): what is pending and the batches.
    pub fn of(desk: &crate::Desk, by: &crate::Actor) -> crate::Result<ExportOverview> {
        by.require(crate::Permission::Export)?;
        Ok(ExportOverview {
            pending_entries: desk.entries_since_last_batch()?,
            batches: desk.batches()?.iter().map(BatchView::from).collect(),
        })
    }
}

/// Sent while a batch is being written: `done` of `total` steps.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportProgressView {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl From<super::Progress> for ExportProgressView {
    fn from(p: super::Progress) -> Self {
        ExportProgressView {
            done: p.done,
            total: p.total,
        }
    }
}
