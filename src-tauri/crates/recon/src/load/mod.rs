//! 载入批次: finance points the workspace at folders (a USB stick, a folder tree, several
//! folders) and every batch folder under them is verified with the core's own verifier, as
//! `downtime export verify` does, and either taken in or rejected with its reason.
//!
//! Contract:
//! - A folder that does not exist, or holds no batch folder at all, is refused before anything
//!   is written. Everything else is decided batch by batch in one transaction: a load is whole
//!   or absent, and one bad batch never blocks the others.
//! - Loading a batch the workspace already holds is a no-op. The same batch found in two
//!   folders by one load is counted once and recorded as a duplicate copy.
//! - 工作站登记: the first batch of a station pins its public key. A later batch of that station
//!   signed with another key, or a batch signed with a key pinned to another station, is
//!   rejected as forged (`forged_key`); a batch whose files or records fail the check is
//!   `tampered_file`; one that does not continue its station's chain (the previous batch's
//!   chain head and journal range, or a different batch with the same number already loaded)
//!   is `broken_chain`. A rejection is itself recorded, once per folder and problem.
//! - Batches are verified on two threads at once, then decided and written in the order
//!   (station, batch number, folder), so the outcome never depends on which thread was faster.

mod checks;
pub mod extract;
mod find;

use crate::store::Workspace;
use crate::Clerk;
use downtime_core::batch::{self, Manifest};
use downtime_core::error::Result;
use downtime_core::time::stamp;
use extract::Extract;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::borrow::BorrowMut;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use uuid::Uuid;

pub use find::find_batches;
use find::*;

/// How far a load has got: `done` of `total` batch folders verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProgress {
    pub done: usize,
    pub total: usize,
    /// The folder just finished.
    pub folder: String,
}

/// Why a folder was not taken in. The names are the report's public surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A file or record was altered, is missing or extra, or the manifest is unreadable.
    TamperedFile,
    /// Signed with a key other than the one the station's first batch pinned, or with
    /// another station's key.
    ForgedKey,
    /// Does not continue its station's chain of batches.
    BrokenChain,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::TamperedFile => "tampered_file",
            Reason::ForgedKey => "forged_key",
            Reason::BrokenChain => "broken_chain",
        }
    }
}

/// A folder rejected by this load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub folder: String,
    pub station_code: Option<String>,
    pub batch_seq: Option<i64>,
    pub reason: Reason,
    pub message: String,
    pub message_en: String,
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Batch folders found under the folders given.
    pub found: usize,
    /// Taken in: (station, batch number).
    pub loaded: Vec<(String, i64)>,
    /// Already in the workspace: nothing was done.
    pub already: usize,
    /// Second copies of a batch found by this load.
    pub copies: usize,
    /// Rejected by this load (a rejection recorded before is not repeated).
    pub rejected: Vec<Rejected>,
}

/// The receipt sequence number of a receipt number (`MZ01-000123` → 123).
pub fn receipt_seq(receipt_no: &str) -> Option<i64> {
    receipt_no.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

impl Workspace {
    /// Loads every batch folder under `roots` (see the module's contract).
    pub fn load_batches(&mut self, by: &Clerk, roots: &[PathBuf], progress: &mut dyn FnMut(LoadProgress)) -> Result<LoadReport> {
        let folders = find_batches(roots)?;
        let (_, (), report) = load_opening(folders, by, || Ok((self, ())), progress)?;
        Ok(report)
    }
}

/// Loads the batch folders `folders` (found by [`find_batches`]) into the workspace `open`
/// hands back, as [`Workspace::load_batches`] does. The verifiers start before `open` is
/// called, so whatever it does on the calling thread first (reading the HIS postings file,
/// checking the other inputs, opening the workspace) overlaps the first batches' checks;
/// nothing is written before it returns, and when it fails the verifiers stop and its error
/// is the load's. Hands back the workspace, what `open` gave beside it, and the load.
pub(crate) fn load_opening<W: BorrowMut<Workspace>, T>(
    folders: Vec<PathBuf>,
    by: &Clerk,
    open: impl FnOnce() -> Result<(W, T)>,
    progress: &mut dyn FnMut(LoadProgress),
) -> Result<(W, T, LoadReport)> {
    let mut candidates: Vec<Candidate> = folders.into_iter().map(Candidate::read).collect();
    candidates.sort_by_key(Candidate::order_key);
    let total = candidates.len();
    let (ws, extra, report) = std::thread::scope(|scope| {
        let mut verdicts = verifying(scope, &candidates);
        let (mut ws, extra) = open()?;
        let report = ws.borrow_mut().with_cache(BULK_CACHE_KIB, |ws| {
            ws.in_write_tx(|w| {
                let mut load = Load {
                    w,
                    by,
                    report: LoadReport {
                        found: total,
                        ..Default::default()
                    },
                    seen: HashMap::new(),
                    rows: Vec::new(),
                    counts: BTreeMap::new(),
                };
                for (i, c) in candidates.iter().enumerate() {
                    // Only a worker that panicked stops early: the scope passes it on.
                    let Some(verified) = verdicts.next() else { break };
                    load.take(c, verified)?;
                    progress(LoadProgress {
                        done: i + 1,
                        total,
                        folder: c.shown(),
                    });
                }
                load.finish()
            })
        })?;
        Ok::<_, downtime_core::error::CoreError>((ws, extra, report))
    })?;
    crate::release_freed();
    Ok((ws, extra, report))
}

/// The page cache of a load, in KiB: 30 counters' receipts and their indexes are written in
/// one transaction (about 100 MB of pages); with SQLite's default 2 MiB they spill and are
/// read back. 32 MiB rather than 64: the bigger cache bought no clear time on the issue's
/// machine and left the reconciliation's peak some 20-40 MB higher.
pub(crate) const BULK_CACHE_KIB: i64 = 32 * 1024;

/// One load in progress, inside its transaction.
struct Load<'a> {
    w: &'a mut Workspace,
    by: &'a Clerk,
    report: LoadReport,
    /// Batches met by this load: manifest SHA-256 → (batch id, folder).
    seen: HashMap<String, (String, String)>,
    /// Small rows written, for the journal entry.
    rows: Vec<(&'static str, i64)>,
    /// Bulk rows written, per table, for the journal entry.
    counts: BTreeMap<&'static str, i64>,
}

impl Load<'_> {
    fn take(&mut self, c: &Candidate, v: Verified) -> Result<()> {
        let (manifest, sha) = match (&v.check.problem, &v.check.manifest, &c.manifest_sha256) {
            (None, Some(m), Some(sha)) => (m, sha),
            _ => {
                let p = v.check.problem.clone();
                let (code, file, zh, en) = match p {
                    Some(p) => (p.code, p.file, p.zh, p.en),
                    None => (
                        "batch_manifest_invalid",
                        None,
                        "清单无法读取".into(),
                        "The manifest cannot be read".into(),
                    ),
                };
                return self.reject(c, batch_reason(code), code, file, zh, en);
            }
        };
        if let Some((batch_id, first)) = self.seen.get(sha).cloned() {
            if first != c.shown() {
                self.copy(&batch_id, c)?;
            }
            return Ok(());
        }
        let stored_id: Option<String> = self
            .w
            .conn
            .query_row("SELECT id FROM batch WHERE manifest_sha256 = ?1", [sha], |r| r.get(0))
            .optional()?;
        if let Some(id) = stored_id {
            self.report.already += 1;
            self.seen.insert(sha.clone(), (id, c.shown()));
            return Ok(());
        }
        if let Some((zh, en)) = self.key_problem(manifest)? {
            return self.reject(c, Reason::ForgedKey, "forged_key", Some(batch::MANIFEST.into()), zh, en);
        }
        if let Some((zh, en)) = self.chain_problem(manifest)? {
            return self.reject(c, Reason::BrokenChain, "broken_chain", None, zh, en);
        }
        let id = self.accept(c, manifest, sha, v.extract)?;
        self.seen.insert(sha.clone(), (id, c.shown()));
        self.report.loaded.push((manifest.station_code.clone(), manifest.batch_seq));
        Ok(())
    }

    fn reject(&mut self, c: &Candidate, reason: Reason, problem: &str, file: Option<String>, zh: String, en: String) -> Result<()> {
        let m = c.manifest.as_ref();
        let fingerprint = hex::encode(Sha256::digest(
            format!(
                "{}\n{problem}\n{}\n{}",
                c.shown(),
                c.manifest_sha256.as_deref().unwrap_or(""),
                file.as_deref().unwrap_or("")
            )
            .as_bytes(),
        ));
        let known: bool = self.w.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM rejection WHERE fingerprint = ?1)",
            [&fingerprint],
            |r| r.get(0),
        )?;
        if known {
            return Ok(());
        }
        let ranges = m.map(|m| m.receipt_ranges.as_slice()).unwrap_or_default();
        let first = ranges.first().and_then(|r| receipt_seq(&r.first));
        let last = ranges.last().and_then(|r| receipt_seq(&r.last));
        self.w.conn.execute(
            "INSERT INTO rejection (id, folder, station_code, batch_seq, manifest_sha256, reason, problem, file, message, message_en, \
             receipt_first, receipt_last, fingerprint, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                Uuid::now_v7().to_string(),
                c.shown(),
                m.map(|m| m.station_code.clone()),
                m.map(|m| m.batch_seq),
                c.manifest_sha256,
                reason.as_str(),
                problem,
                file,
                zh,
                en,
                first,
                last,
                fingerprint,
                stamp(self.w.clock.now()),
            ],
        )?;
        self.rows.push(("rejection", self.w.conn.last_insert_rowid()));
        self.report.rejected.push(Rejected {
            folder: c.shown(),
            station_code: m.map(|m| m.station_code.clone()),
            batch_seq: m.map(|m| m.batch_seq),
            reason,
            message: zh,
            message_en: en,
        });
        Ok(())
    }

    fn copy(&mut self, batch_id: &str, c: &Candidate) -> Result<()> {
        let n = self.w.conn.execute(
            "INSERT OR IGNORE INTO batch_copy (batch_id, folder, seen_at) VALUES (?1, ?2, ?3)",
            params![batch_id, c.shown(), stamp(self.w.clock.now())],
        )?;
        if n == 1 {
            self.rows.push(("batch_copy", self.w.conn.last_insert_rowid()));
            self.report.copies += 1;
        }
        Ok(())
    }

    fn accept(&mut self, c: &Candidate, m: &Manifest, sha: &str, x: Extract) -> Result<String> {
        let now = stamp(self.w.clock.now());
        let id = Uuid::now_v7().to_string();
        if self.pinned(&m.station_code)?.is_none() {
            self.w.conn.execute(
                "INSERT INTO station (code, hospital, name, public_key, fingerprint, pinned_by, pinned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    m.station_code,
                    m.hospital,
                    m.station_name,
                    m.public_key,
                    m.fingerprint().unwrap_or_default(),
                    id,
                    now
                ],
            )?;
            self.rows.push(("station", self.w.conn.last_insert_rowid()));
        }
        self.w.conn.execute(
            "INSERT INTO batch (id, station_code, seq, manifest_sha256, manifest, folder, created_at, journal_first_seq, \
             journal_last_seq, prev_chain_head, chain_head, receipts, net_fen, loaded_by, loaded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                id,
                m.station_code,
                m.batch_seq,
                sha,
                m.to_canonical(),
                c.shown(),
                m.created_at,
                m.journal_first_seq,
                m.journal_last_seq,
                m.prev_chain_head,
                m.chain_head,
                m.counts.receipts.values().sum::<i64>(),
                m.totals_fen.net,
                self.by.name(),
                now,
            ],
        )?;
        self.rows.push(("batch", self.w.conn.last_insert_rowid()));
        self.store(&id, &m.station_code, x)?;
        Ok(id)
    }

    /// Writes what finance keeps of an accepted batch. A record id met before is not written
    /// again: it is recorded as a duplicate (same content) or a conflict (different content).
    fn store(&mut self, batch_id: &str, station: &str, x: Extract) -> Result<()> {
        let conn = &self.w.conn;
        let clash = |table: &str, id: &str, sha: &str| -> Result<()> {
            let existing: String = conn.query_row(&format!("SELECT content_sha256 FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?;
            conn.prepare_cached(
                "INSERT OR IGNORE INTO record_clash (record_table, record_id, batch_id, same_content) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![table, id, batch_id, existing == sha])?;
            Ok(())
        };
        let mut counts: BTreeMap<&'static str, i64> = BTreeMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO receipt (id, batch_id, station_code, seq, receipt_no, kind, total_fen, tenders, occurred_at, day, \
                 patient_id, admission_id, refund_of, insured, insurance, insurance_no, content_sha256) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) ON CONFLICT (id) DO NOTHING",
            )?;
            let mut days = crate::DayCache::default();
            let mut tenders = String::new();
            for r in &x.receipts {
                let t = |s| x.text(s);
                tenders_text(x.tenders[r.tenders.clone()].iter().map(|&(m, fen)| (t(m), fen)), &mut tenders);
                let n = stmt.execute(params![
                    t(r.id),
                    batch_id,
                    station,
                    r.seq,
                    t(r.receipt_no),
                    t(r.kind),
                    r.total_fen,
                    tenders,
                    t(r.occurred_at),
                    days.day(t(r.occurred_at)),
                    t(r.patient_id),
                    r.admission_id.map(t),
                    r.refund_of.map(t),
                    r.insured,
                    t(r.insurance),
                    t(r.insurance_no),
                    t(r.content_sha256),
                ])?;
                if n == 0 {
                    clash("receipt", t(r.id), t(r.content_sha256))?;
                }
            }
            *counts.entry("receipt").or_default() += x.receipts.len() as i64;
        }
        {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO patient (id, batch_id, station_code, downtime_no, name, phone, insurance, insurance_no, content_sha256) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
            )?;
            for p in &x.patients {
                let t = |s| x.text(s);
                let n = stmt.execute(params![
                    t(p.id),
                    batch_id,
                    station,
                    t(p.downtime_no),
                    t(p.name),
                    t(p.phone),
                    t(p.insurance),
                    t(p.insurance_no),
                    t(p.content_sha256)
                ])?;
                if n == 0 {
                    clash("patient", t(p.id), t(p.content_sha256))?;
                }
            }
            *counts.entry("patient").or_default() += x.patients.len() as i64;
        }
        {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO admission (id, batch_id, station_code, inpatient_no, patient_id, dept_name, admitted_at, insurance, \
                 insurance_no, convert_to_insured, content_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (id) DO NOTHING",
            )?;
            for a in &x.admissions {
                let t = |s| x.text(s);
                let n = stmt.execute(params![
                    t(a.id),
                    batch_id,
                    station,
                    t(a.inpatient_no),
                    t(a.patient_id),
                    t(a.dept_name),
                    t(a.admitted_at),
                    t(a.insurance),
                    t(a.insurance_no),
                    a.convert_to_insured,
                    t(a.content_sha256)
                ])?;
                if n == 0 {
                    clash("admission", t(a.id), t(a.content_sha256))?;
                }
            }
            *counts.entry("admission").or_default() += x.admissions.len() as i64;
        }
        let mut stmt =
            conn.prepare_cached("INSERT OR IGNORE INTO receipt_void (receipt_id, batch_id, reason, at) VALUES (?1, ?2, ?3, ?4)")?;
        for v in &x.voids {
            stmt.execute(params![v.receipt_id, batch_id, v.reason, v.at])?;
        }
        *counts.entry("receipt_void").or_default() += x.voids.len() as i64;
        let mut stmt = conn.prepare_cached(
            "INSERT OR IGNORE INTO patient_correction (id, batch_id, patient_id, name, phone, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for p in &x.corrections {
            stmt.execute(params![p.id, batch_id, p.patient_id, p.name, p.phone, p.at])?;
        }
        *counts.entry("patient_correction").or_default() += x.corrections.len() as i64;
        let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO admission_cancel (admission_id, batch_id, at) VALUES (?1, ?2, ?3)")?;
        for a in &x.cancels {
            stmt.execute(params![a.admission_id, batch_id, a.at])?;
        }
        *counts.entry("admission_cancel").or_default() += x.cancels.len() as i64;
        let mut stmt =
            conn.prepare_cached("INSERT OR IGNORE INTO calendar_year (id, batch_id, year, json, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for y in &x.calendar {
            stmt.execute(params![y.id, batch_id, y.year, y.json, y.imported_at])?;
        }
        *counts.entry("calendar_year").or_default() += x.calendar.len() as i64;
        let mut stmt = conn.prepare_cached(
            "INSERT OR IGNORE INTO pharmacy_event (id, batch_id, station, kind, issuer_station, receipt, slip_no, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for e in &x.pharmacy {
            // A drug refund's issuer is the counter refunding it.
            let issuer = if e.issuer_station.is_empty() {
                station
            } else {
                e.issuer_station.as_str()
            };
            stmt.execute(params![e.id, batch_id, station, e.kind, issuer, e.receipt, e.slip_no, e.at])?;
        }
        *counts.entry("pharmacy_event").or_default() += x.pharmacy.len() as i64;
        for (table, n) in counts {
            *self.counts.entry(table).or_default() += n;
        }
        Ok(())
    }

    fn finish(self) -> Result<LoadReport> {
        if !self.rows.is_empty() {
            let mut extra = Map::new();
            extra.insert("folders".into(), json!(self.report.found));
            extra.insert("records".into(), json!(self.counts));
            self.w.journal("batches_loaded", self.by.name(), self.rows, extra)?;
        }
        Ok(self.report)
    }
}

/// A receipt's tenders (methods in byte order, each once) as canonical JSON (`{"cash":1700}`),
/// written into `out`. Method names of plain ASCII letters, digits and `_`, `-` (every method
/// the desk knows) are written directly, in byte order, which for such keys is also JCS's; any
/// other goes through the canonical writer.
fn tenders_text<'t>(tenders: impl Iterator<Item = (&'t str, i64)> + Clone, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    let plain = |k: &str| k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !tenders.clone().all(|(k, _)| plain(k)) {
        let value = Value::Object(tenders.map(|(k, v)| (k.to_string(), json!(v))).collect());
        out.push_str(&downtime_core::jcs::canonical(&value));
        return;
    }
    out.push('{');
    for (i, (k, v)) in tenders.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "\"{k}\":{v}");
    }
    out.push('}');
}

/// The reason a verifier's problem code gives.
fn batch_reason(code: &str) -> Reason {
    match code {
        "batch_gap" | "batch_link_broken" => Reason::BrokenChain,
        _ => Reason::TamperedFile,
    }
}

#[cfg(test)]
mod tests {
    use super::tenders_text;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    #[test]
    fn tenders_are_written_as_the_canonical_writer_writes_them() {
        let cases: Vec<Vec<(&str, i64)>> = vec![
            vec![],
            vec![("cash", 1700)],
            vec![("wechat", -250), ("cash", 0), ("insurance_fund", 12), ("card-2", i64::MIN)],
            vec![("现金", 100), ("cash", 5)],
            vec![("a\"b", 1), ("A", 2)],
            vec![("\u{e000}", 1), ("😀", 2)],
        ];
        let mut out = String::new();
        for case in cases {
            let map: BTreeMap<String, i64> = case.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            tenders_text(map.iter().map(|(k, v)| (k.as_str(), *v)), &mut out);
            let value = Value::Object(map.iter().map(|(k, v)| (k.clone(), json!(v))).collect());
            assert_eq!(out, downtime_core::jcs::canonical(&value), "{case:?}");
        }
    }

    #[test]
    fn the_day_cache_answers_as_local_day() {
        let mut cache = crate::DayCache::default();
        let mut stamps = Vec::new();
        // Every 7 minutes 13 seconds over three days, and stamps not written as the desk writes them.
        let start = chrono::DateTime::parse_from_rfc3339("2026-03-27T00:00:00Z").unwrap();
        for i in 0..600 {
            let t = start + chrono::Duration::seconds(i * 433);
            stamps.push(t.to_utc().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
            stamps.push(t.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string());
            stamps.push(t.format("%Y-%m-%dT%H:%M:%S+08:00").to_string());
        }
        stamps.extend(
            [
                "",
                "not a stamp",
                "2026-12-08T23:59:59.999999Z",
                "2026-12-08T23:59:59.999999Z",
                "2026-12-09T00:00:00Z",
            ]
            .map(String::from),
        );
        for s in &stamps {
            assert_eq!(cache.day(s), crate::local_day(s), "{s}");
        }
    }
}
