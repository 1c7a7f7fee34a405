//! HIS 患者索引快照: IT may export the HIS patient index before or during the outage (CSV or
//! Excel: HIS ID, name, sex, birth date, ID number, phone, insurance type and number). It is loaded read-only as a
//! snapshot version, with the same encoding and bad-row rules as the price list; search then
//! finds HIS patients too, and registering one links to the HIS ID instead of making a
//! stranger. The newest snapshot is the one searched.

use super::his_row::{his_from_row, HIS_SELECT};
use super::Patient;
use crate::catalog::read::RowProblem;
use crate::catalog::stream::{ImportStage, Input};
use crate::error::{invalid, Result};
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Local, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Map;
use sha2::{Digest, Sha256};
use uuid::Uuid;

mod read;
use read::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub id: Uuid,
    pub file_name: String,
    pub sha256: String,
    pub rows_read: i64,
    pub patients: i64,
    pub rejected: i64,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct SnapshotReport {
    pub file_name: String,
    pub rows_read: usize,
    pub good: usize,
    /// The first bad rows (at most `PROBLEMS_KEPT`).
    pub problems: Vec<RowProblem>,
    /// Every bad row, counted.
    pub problems_total: usize,
    pub snapshot: Option<Snapshot>,
    pub already_imported: bool,
}

/// Whether the rows were written in HIS-ID order, and where they are.
struct Order {
    first: Option<i64>,
    last: Option<String>,
    last_rowid: i64,
    sorted: bool,
}

const SNAPSHOT_SELECT: &str = "SELECT s.id, s.file_name, s.file_sha256, s.rows_read, s.patients, s.rows_rejected, o.name, s.imported_at \
     FROM patient_snapshot s JOIN operator o ON o.id = s.imported_by";

fn snapshot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Snapshot> {
    Ok(Snapshot {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        file_name: r.get(1)?,
        sha256: r.get(2)?,
        rows_read: r.get(3)?,
        patients: r.get(4)?,
        rejected: r.get(5)?,
        imported_by: r.get(6)?,
        imported_at: parse_stamp(&r.get::<_, String>(7)?)?,
    })
}

/// Digest of a snapshot's rows in HIS-ID order, kept on the snapshot row.
fn digest(conn: &Connection, snapshot: &str) -> Result<String> {
    let mut stmt = conn.prepare(&format!("{HIS_SELECT} WHERE snapshot_id = ?1 ORDER BY his_id"))?;
    let mut rows = stmt.query([snapshot])?;
    let mut h = Sha256::new();
    let mut line = String::new();
    while let Some(r) = rows.next()? {
        digest_line(&his_from_row(r)?, &mut line);
        h.update(line.as_bytes());
        h.update(b"\n");
    }
    Ok(hex::encode(h.finalize()))
}

/// The first snapshot whose rows no longer match the digest taken at import.
pub(crate) fn verify_rows(conn: &Connection) -> Result<Option<Uuid>> {
    let mut stmt = conn.prepare("SELECT id, rows_sha256 FROM patient_snapshot ORDER BY rowid")?;
    let all: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, expected) in all {
        if digest(conn, &id)? != expected {
            return Ok(Some(crate::time::parse_stored_id(&id)?));
        }
    }
    Ok(None)
}

impl Desk {
    /// `downtime patients import`: loads the HIS patient index. With bad rows nothing is
    /// written unless `accept_good_rows`; `dry_run` only reports.
    pub fn import_patient_snapshot(
        &mut self,
        by: &Actor,
        bytes: &[u8],
        file_name: &str,
        accept_good_rows: bool,
        dry_run: bool,
    ) -> Result<SnapshotReport> {
        self.import_patient_snapshot_from(by, Input::Bytes(bytes), file_name, accept_good_rows, dry_run, &mut |_, _, _| {})
    }

    /// The same from a file read as it is imported: memory does not grow with the file.
    /// `progress(stage, done, total)`: bytes while reading, patients while indexing.
    pub fn import_patient_snapshot_from(
        &mut self,
        by: &Actor,
        input: Input<'_>,
        file_name: &str,
        accept_good_rows: bool,
        dry_run: bool,
        progress: &mut dyn FnMut(ImportStage, u64, u64),
    ) -> Result<SnapshotReport> {
        self.bulk(|d| d.import_snapshot(by, input, file_name, accept_good_rows, dry_run, progress))
    }

    fn import_snapshot(
        &mut self,
        by: &Actor,
        input: Input<'_>,
        file_name: &str,
        accept_good_rows: bool,
        dry_run: bool,
        progress: &mut dyn FnMut(ImportStage, u64, u64),
    ) -> Result<SnapshotReport> {
        by.require(crate::ids::Permission::ImportReference)?;
        let now = self.now();
        let sha256 = input.sha256()?;
        let existing = self
            .conn
            .qrow(&format!("{SNAPSHOT_SELECT} WHERE s.file_sha256 = ?1"), [&sha256], snapshot_from_row)
            .optional()?;
        if let Some(s) = existing {
            return Ok(SnapshotReport {
                file_name: file_name.to_string(),
                rows_read: s.rows_read as usize,
                good: s.patients as usize,
                problems: Vec::new(),
                problems_total: s.rejected as usize,
                already_imported: true,
                snapshot: Some(s),
            });
        }
        let id = Uuid::now_v7();
        let today = now.with_timezone(&Local).date_naive();
        let tx = self.conn.transaction()?;
        // Rows that come in HIS-ID order (as HIS exports mostly do) are indexed and digested as
        // they are read: one pass over the file, none over the table. The first row out of
        // order stops this; the index and digest are then made by reading the table back in
        // HIS-ID order. A dry run indexes nothing.
        let mut indexer = if dry_run {
            None
        } else {
            Some(super::index::HisIndexer::begin(&tx)?)
        };
        let mut streamed_digest = Sha256::new();
        let mut order = Order {
            first: None,
            last: None,
            last_rowid: 0,
            sorted: true,
        };
        // Repeated HIS IDs, found as they are stored (the first `PROBLEMS_KEPT`, all counted).
        let mut repeats: Vec<RowProblem> = Vec::new();
        let mut repeats_total = 0usize;
        let sid = id.to_string();
        let mut stmt = tx.prepare(
            "INSERT OR IGNORE INTO his_patient (snapshot_id, id, his_id, name, sex, birth, id_number, phone, insurance, insurance_no) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut store = |r: &Prepared| -> Result<bool> {
            let p = &r.patient;
            let his_id = p.his_id.as_deref().unwrap_or_default();
            let ascending = order.last.as_deref().is_none_or(|last| last < his_id);
            let insured = p.insurance.is_insured() || !p.insurance_no.is_empty();
            let mut id_text = Uuid::encode_buffer();
            let n = stmt.execute(params![
                sid,
                &*p.id.hyphenated().encode_lower(&mut id_text),
                his_id,
                p.name,
                p.sex.key(),
                r.birth,
                p.id_number,
                p.phone,
                insured.then(|| p.insurance.key()),
                insured.then_some(p.insurance_no.as_str())
            ])?;
            if n == 1 {
                let rowid = tx.last_insert_rowid();
                order.first.get_or_insert(rowid);
                order.sorted &= ascending;
                order.last = Some(his_id.to_string());
                order.last_rowid = rowid;
                if !ascending {
                    indexer = None;
                }
                if let Some(ix) = indexer.as_mut() {
                    streamed_digest.update(r.digest.as_bytes());
                    streamed_digest.update(b"\n");
                    ix.add_prepared(rowid, p, &r.initials, &r.tokens)?;
                }
            }
            Ok(n == 1)
        };
        // The file is read and checked on a thread of its own, beside this one's SQLite work.
        let (stored, checked) = std::thread::scope(|s| {
            let (to_writer, batches) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
            let reader = s.spawn(move || read_rows(input, file_name, today, to_writer));
            // (`batches` is moved in: the channel closes when this returns, so that a reader
            // still sending stops.)
            let stored = (|| -> Result<()> {
                for batch in batches {
                    progress(ImportStage::Reading, batch.read.0, batch.read.1);
                    for r in &batch.rows {
                        if !store(r)? {
                            let his_id = r.patient.his_id.clone().unwrap_or_default();
                            repeats_total += 1;
                            if repeats.len() < PROBLEMS_KEPT {
                                repeats.push(RowProblem {
                                    row: r.line as u64,
                                    reason: format!("HIS 号 {his_id} 重复"),
                                    reason_en: format!("HIS ID {his_id} repeats"),
                                    code: his_id,
                                });
                            }
                        }
                    }
                }
                Ok(())
            })();
            let checked = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (stored, checked)
        });
        // The writer's failure first (the reader then stopped only because the writer had).
        stored?;
        let checker = checked?;
        drop(stmt);
        let mut problems = checker.problems;
        problems.extend(repeats);
        problems.sort_by_key(|p| p.row);
        problems.truncate(PROBLEMS_KEPT);
        let mut report = SnapshotReport {
            file_name: file_name.to_string(),
            rows_read: checker.read,
            good: checker.good - repeats_total,
            problems_total: checker.problems_total + repeats_total,
            problems,
            already_imported: false,
            snapshot: None,
        };
        if dry_run {
            // Dropping the transaction rolls back every row written to check for repeats.
            return Ok(report);
        }
        if report.problems_total > 0 && !accept_good_rows {
            let n = report.problems_total;
            return Err(invalid!(
                PatientsHaveBadRows,
                format!(
                    "患者索引中有 {n} 行有问题，未导入任何内容。请修正后重新导入，或选择只导入 {} 行正确的记录",
                    report.good
                ),
                format!(
                    "{n} rows of the patient index have problems; nothing was imported. Fix them, or choose to import the {} good rows",
                    report.good
                )
            ));
        }
        let good = report.good as u64;
        // (Moved whole into the match: its borrow of the transaction ends here.)
        let rows_digest = match { indexer } {
            // Read in HIS-ID order: indexed and digested as the rows were read.
            Some(ix) => {
                progress(ImportStage::Indexing, 0, good);
                ix.finish(&tx, &id.to_string())?;
                progress(ImportStage::Indexing, good, good);
                hex::encode(streamed_digest.finalize())
            }
            // Otherwise one pass over the new rows in HIS-ID order: their digest and their
            // search index.
            None => {
                let mut h = Sha256::new();
                let mut line = String::new();
                let in_order = order.first.filter(|_| order.sorted).map(|first| (first, order.last_rowid));
                super::index::rebuild_with(
                    &tx,
                    &id.to_string(),
                    in_order,
                    &mut |p| {
                        digest_line(p, &mut line);
                        h.update(line.as_bytes());
                        h.update(b"\n");
                    },
                    &mut |done| progress(ImportStage::Indexing, done, good),
                )?;
                hex::encode(h.finalize())
            }
        };
        tx.exec(
            "INSERT INTO patient_snapshot (id, file_name, file_sha256, rows_read, patients, rows_rejected, rows_sha256, imported_by, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id.to_string(), file_name, sha256, report.rows_read as i64, report.good as i64, report.problems_total as i64, rows_digest, by.id().to_string(), stamp(now)],
        )?;
        let row = tx.last_insert_rowid();
        journal::append(
            &tx,
            Change {
                kind: "patients_imported",
                actor: by.name(),
                at: now,
                rows: vec![("patient_snapshot", row)],
                extra: Map::new(),
            },
        )?;
        tx.commit()?;
        report.snapshot = self.active_snapshot()?;
        Ok(report)
    }

    pub fn active_snapshot(&self) -> Result<Option<Snapshot>> {
        Ok(self
            .conn
            .qrow(&format!("{SNAPSHOT_SELECT} ORDER BY s.rowid DESC LIMIT 1"), [], snapshot_from_row)
            .optional()?)
    }

    /// An HIS patient of the active snapshot by HIS ID.
    pub fn his_patient(&self, his_id: &str) -> Result<Option<Patient>> {
        let Some(s) = self.active_snapshot()? else { return Ok(None) };
        Ok(self
            .conn
            .qrow(
                &format!("{HIS_SELECT} WHERE snapshot_id = ?1 AND his_id = ?2"),
                [s.id.to_string(), his_id.to_string()],
                his_from_row,
            )
            .optional()?)
    }

    /// An HIS patient of the active snapshot with ID number `id_number`, found through the
    /// search index (which holds every snapshot patient's ID number as a code, at positions from
    /// 1), so that `his_patient` needs no index of its own on ID numbers.
    pub(crate) fn his_patient_by_id_number(&mut self, id_number: &str) -> Result<Option<Patient>> {
        self.ensure_patient_index()?;
        for (pos, row) in crate::search_index::exact_code(&self.conn, crate::search_index::Domain::Patients, id_number)? {
            if pos < 1 {
                continue;
            }
            let his = self
                .conn
                .qrow(&format!("{HIS_SELECT} WHERE rowid = ?1"), [row], his_from_row)
                .optional()?;
            if let Some(p) = his.filter(|p| p.id_number.as_deref() == Some(id_number)) {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jcs::canonical;
    use crate::patient::{Insurance, Sex};
    use chrono::NaiveDate;
    use serde_json::json;

    /// The digest line as a JSON value made canonical: what `digest_line` must write.
    fn by_value(p: &Patient) -> String {
        let mut v = json!({"his_id": p.his_id, "name": p.name, "sex": p.sex.key(), "birth": p.birth.map(|b| b.to_string()),
               "id_number": p.id_number, "phone": p.phone});
        if p.insurance.is_insured() || !p.insurance_no.is_empty() {
            v["insurance"] = json!(p.insurance.key());
            v["insurance_no"] = json!(p.insurance_no);
        }
        canonical(&v)
    }

    #[test]
    fn digest_lines_are_canonical_json() {
        let base = as_stored(
            Row {
                his_id: "H00000001".into(),
                name: "张伟".into(),
                sex: Sex::Male,
                birth: NaiveDate::from_ymd_opt(1980, 2, 29),
                id_number: Some("11010519491231002X".into()),
                phone: "13800000000".into(),
                insurance: Insurance::SelfPay,
                insurance_no: String::new(),
            },
            Uuid::nil(),
        );
        let names = ["张伟", "O'Brien \"Jr\"", "a\\b", "tab\there", "𠮷野家", "line\u{1}\u{1f}end", ""];
        let mut line = String::new();
        let mut checked = 0;
        for name in names {
            for insurance in Insurance::ALL {
                for no in ["", "YB123\"4"] {
                    for (birth, id, sex) in [
                        (base.birth, base.id_number.clone(), Sex::Male),
                        (None, None, Sex::Unknown),
                        (NaiveDate::from_ymd_opt(2001, 12, 1), Some("x".into()), Sex::Female),
                    ] {
                        let p = Patient {
                            name: name.into(),
                            insurance,
                            insurance_no: no.into(),
                            birth,
                            id_number: id,
                            sex,
                            his_id: if name.is_empty() { None } else { Some(format!("H{name}")) },
                            ..base.clone()
                        };
                        digest_line(&p, &mut line);
                        assert_eq!(line, by_value(&p), "{p:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100);
    }
}
