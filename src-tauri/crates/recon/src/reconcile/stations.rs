//! Per station: the batches present, the batch numbers missing between them, and the receipt
//! numbers missing that neither a missing nor a rejected batch explains. A voided receipt
//! keeps its number and travels in its batch, so voids leave no gap of their own; a gap is
//! a record that never arrived.

use super::{Duplicate, Rejection, StationReport};
use crate::store::Workspace;
use downtime_core::batch::Manifest;
use downtime_core::error::Result;
use rusqlite::params;
use std::collections::{BTreeMap, BTreeSet};

/// A batch present in the workspace, as the station view needs it.
struct Present {
    seq: i64,
    /// Receipt sequence numbers, as runs without a gap (first, last).
    runs: Vec<(i64, i64)>,
}

/// A batch finance does not hold — missing, or rejected — and the receipt numbers it covers
/// (as far as the batches around it tell; `last` is open for a batch after the last one known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent {
    pub batch_seq: i64,
    /// `missing` or `rejected`.
    pub status: &'static str,
    pub first: i64,
    pub last: Option<i64>,
}

impl Absent {
    pub fn covers(&self, seq: i64) -> bool {
        seq >= self.first && self.last.is_none_or(|l| seq <= l)
    }
}

/// A run of receipt numbers that never arrived.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptGap {
    pub first: String,
    pub last: String,
    pub count: i64,
}

fn runs_of(manifest: &Manifest) -> Vec<(i64, i64)> {
    manifest
        .receipt_ranges
        .iter()
        .filter_map(|r| Some((crate::load::receipt_seq(&r.first)?, crate::load::receipt_seq(&r.last)?)))
        .collect()
}

fn receipt_no(code: &str, seq: i64) -> String {
    format!("{code}-{seq:06}")
}

impl Workspace {
    /// The stations the registry holds, with what each is missing. `rejected` are the
    /// unresolved rejections (a rejected batch is present, just not trusted: it is not missing).
    pub(crate) fn station_reports(&self, rejected: &[Rejection]) -> Result<BTreeMap<String, StationReport>> {
        let mut out = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT code, hospital, name, fingerprint FROM station ORDER BY code")?;
        let stations: Vec<(String, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (code, hospital, name, fingerprint) in stations {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT manifest FROM batch WHERE station_code = ?1 ORDER BY seq")?;
            let manifests: Vec<String> = stmt.query_map(params![code], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            let mut present = Vec::new();
            let (mut receipts, mut net_fen) = (0, 0);
            for text in manifests {
                let m: Manifest = serde_json::from_str(&text).map_err(|e| downtime_core::CoreError::Damaged {
                    path: self.path().display().to_string(),
                    detail: format!("a stored manifest cannot be read: {e}"),
                })?;
                receipts += m.counts.receipts.values().sum::<i64>();
                net_fen += m.totals_fen.net;
                present.push(Present {
                    seq: m.batch_seq,
                    runs: runs_of(&m),
                });
            }
            let rejected_here: Vec<&Rejection> = rejected.iter().filter(|r| r.station.as_deref() == Some(code.as_str())).collect();
            let (missing, gaps) = missing_and_gaps(&code, &present, &rejected_here);
            let absent = absent_spans(&present, &missing, &rejected_here);
            let last_receipt = present
                .iter()
                .flat_map(|p| p.runs.iter().map(|r| r.1))
                .chain(rejected_here.iter().filter_map(|r| r.receipt_last))
                .max()
                .unwrap_or(0);
            let last_batch = present
                .iter()
                .map(|p| p.seq)
                .chain(rejected_here.iter().filter_map(|r| r.batch_seq))
                .max()
                .unwrap_or(0);
            out.insert(
                code.clone(),
                StationReport {
                    name,
                    hospital,
                    fingerprint,
                    batches: present.iter().map(|p| p.seq).collect(),
                    missing_batches: missing,
                    receipt_gaps: gaps,
                    receipts,
                    net_fen,
                    absent,
                    last_receipt,
                    last_batch,
                },
            );
        }
        Ok(out)
    }

    /// Unresolved rejections, oldest first. A rejection is resolved once the very batch it
    /// concerned (same station, number and manifest) has been loaded from a sound copy.
    pub(crate) fn rejections(&self) -> Result<Vec<Rejection>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.folder, r.reason, r.problem, r.file, r.message, r.message_en, r.station_code, r.batch_seq, \
                    r.receipt_first, r.receipt_last \
             FROM rejection r WHERE NOT EXISTS (SELECT 1 FROM batch b WHERE b.manifest_sha256 = r.manifest_sha256 \
                 AND b.station_code = r.station_code AND b.seq = r.batch_seq) \
             ORDER BY r.station_code, r.batch_seq, r.folder, r.rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Rejection {
                path: r.get(0)?,
                reason: r.get(1)?,
                problem: r.get(2)?,
                file: r.get(3)?,
                message: r.get(4)?,
                message_en: r.get(5)?,
                station: r.get(6)?,
                batch_seq: r.get(7)?,
                receipt_first: r.get(8)?,
                receipt_last: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Duplicate copies of batches and records met twice with the same content (`true`), or
    /// records met twice with different content (`false`: conflicts).
    pub(crate) fn clashes(&self, same_content: bool) -> Result<Vec<Duplicate>> {
        let mut out = Vec::new();
        if same_content {
            let mut stmt = self.conn.prepare(
                "SELECT b.station_code, b.seq, c.folder, b.folder, b.receipts FROM batch_copy c JOIN batch b ON b.id = c.batch_id \
                 ORDER BY b.station_code, b.seq, c.folder",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Duplicate {
                    kind: "batch".into(),
                    station: r.get(0)?,
                    batch_seq: r.get(1)?,
                    path: Some(r.get(2)?),
                    first_path: Some(r.get(3)?),
                    record_table: None,
                    record_uuid: None,
                    receipt_no: None,
                    records: r.get(4)?,
                })
            })?;
            out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.record_table, c.record_id, b.station_code, b.seq, b.folder, \
                    (SELECT receipt_no FROM receipt WHERE id = c.record_id), f.folder \
             FROM record_clash c JOIN batch b ON b.id = c.batch_id \
             LEFT JOIN batch f ON f.id = CASE c.record_table \
                 WHEN 'receipt' THEN (SELECT batch_id FROM receipt WHERE id = c.record_id) \
                 WHEN 'patient' THEN (SELECT batch_id FROM patient WHERE id = c.record_id) \
                 ELSE (SELECT batch_id FROM admission WHERE id = c.record_id) END \
             WHERE c.same_content = ?1 \
             ORDER BY b.station_code, b.seq, c.record_table, c.record_id",
        )?;
        let rows = stmt.query_map([same_content], |r| {
            Ok(Duplicate {
                kind: "record".into(),
                record_table: Some(r.get(0)?),
                record_uuid: Some(r.get(1)?),
                station: r.get(2)?,
                batch_seq: r.get(3)?,
                path: Some(r.get(4)?),
                first_path: r.get(6)?,
                receipt_no: r.get(5)?,
                records: 1,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        Ok(out)
    }
}

/// The receipt numbers each missing or rejected batch covers: a rejected batch's own ranges,
/// or for a missing one the numbers between the batches present around it.
fn absent_spans(present: &[Present], missing: &[i64], rejected: &[&Rejection]) -> Vec<Absent> {
    let mut out: Vec<Absent> = rejected
        .iter()
        .filter_map(|r| {
            Some(Absent {
                batch_seq: r.batch_seq?,
                status: "rejected",
                first: r.receipt_first?,
                last: Some(r.receipt_last?),
            })
        })
        .collect();
    for &k in missing {
        let before = present
            .iter()
            .filter(|p| p.seq < k)
            .flat_map(|p| p.runs.iter().map(|r| r.1))
            .max()
            .unwrap_or(0);
        let after = present.iter().filter(|p| p.seq > k).flat_map(|p| p.runs.iter().map(|r| r.0)).min();
        // Consecutive missing batches share one span: the first of them is named.
        if out.iter().any(|a| a.status == "missing" && a.first == before + 1) {
            continue;
        }
        out.push(Absent {
            batch_seq: k,
            status: "missing",
            first: before + 1,
            last: after.map(|a| a - 1),
        });
    }
    out
}

/// The batch numbers missing (before the last one known) and the receipt gaps no missing
/// or rejected batch explains.
fn missing_and_gaps(code: &str, present: &[Present], rejected: &[&Rejection]) -> (Vec<i64>, Vec<ReceiptGap>) {
    let have: BTreeSet<i64> = present.iter().map(|p| p.seq).collect();
    let rejected_seqs: BTreeSet<i64> = rejected.iter().filter_map(|r| r.batch_seq).collect();
    let last = have.iter().chain(&rejected_seqs).max().copied().unwrap_or(0);
    let missing: Vec<i64> = (1..=last).filter(|s| !have.contains(s) && !rejected_seqs.contains(s)).collect();
    let unaccounted: BTreeSet<i64> = missing.iter().chain(&rejected_seqs).copied().collect();
    let rejected_runs: Vec<(i64, i64)> = rejected.iter().filter_map(|r| Some((r.receipt_first?, r.receipt_last?))).collect();
    let mut gaps = Vec::new();
    let mut expected = 1;
    let mut prev_batch = 0;
    for p in present {
        for &(first, last) in &p.runs {
            if first > expected {
                let explained_by_batch = (prev_batch + 1..p.seq).any(|s| unaccounted.contains(&s));
                let explained_by_run = rejected_runs.iter().any(|&(a, b)| a <= expected && first - 1 <= b);
                if !explained_by_batch && !explained_by_run {
                    gaps.push(ReceiptGap {
                        first: receipt_no(code, expected),
                        last: receipt_no(code, first - 1),
                        count: first - expected,
                    });
                }
            }
            expected = expected.max(last + 1);
        }
        prev_batch = p.seq;
    }
    (missing, gaps)
}
