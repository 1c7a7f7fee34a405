//! HIS 患者索引快照: IT may export the HIS patient index before or during the outage (CSV or
//! Excel: HIS ID, name, sex, birth date, ID number, phone, insurance type and number). It is loaded read-only as a
//! snapshot version, with the same encoding and bad-row rules as the price list; search then
//! finds HIS patients too, and registering one links to the HIS ID instead of making a
//! stranger. The newest snapshot is the one searched.

use super::his_row::{his_from_row, HIS_SELECT};
use super::resident_id::ResidentId;
use super::{Patient, Sex, Source};
use crate::catalog::read::{ReadOptions, RowProblem};
use crate::catalog::stream::{stream_table, ImportStage, Input};
use crate::error::{invalid, CoreError, Result};
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::patient::Insurance;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Local, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Map;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

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

fn not_an_index(zh: &str, en: &str) -> CoreError {
    invalid!(
        PatientsNotAnIndex,
        format!("这不是可导入的患者索引：{zh}。请导出含“HIS号、姓名”表头的 CSV 或 Excel 文件"),
        format!("This is not a patient index that can be imported: {en}. Export a CSV or Excel file with HIS ID and name headers")
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    HisId,
    Name,
    Sex,
    Birth,
    IdNumber,
    Phone,
    Insurance,
    InsuranceNo,
}

fn col_of(header: &str) -> Option<Col> {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .collect::<String>()
        .to_lowercase();
    Some(match h.as_str() {
        "his号" | "hisid" | "his_id" | "病人id" | "患者id" | "病案号" | "门诊号" | "病人编号" | "patient_id" => Col::HisId,
        "姓名" | "患者姓名" | "name" => Col::Name,
        "性别" | "sex" | "gender" => Col::Sex,
        "出生日期" | "生日" | "birth" | "birth_date" | "dob" => Col::Birth,
        "身份证号" | "身份证" | "证件号码" | "id_number" => Col::IdNumber,
        "电话" | "联系电话" | "手机" | "手机号" | "phone" => Col::Phone,
        "医保类型" | "医保类别" | "险种" | "insurance" => Col::Insurance,
        "医保卡号" | "医保号" | "社保卡号" | "医疗证号" | "insurance_no" => Col::InsuranceNo,
        _ => return None,
    })
}

struct Row {
    his_id: String,
    name: String,
    sex: Sex,
    birth: Option<NaiveDate>,
    id_number: Option<String>,
    phone: String,
    insurance: Insurance,
    insurance_no: String,
}

/// Whether the rows were written in HIS-ID order, and where they are.
struct Order {
    first: Option<i64>,
    last: Option<String>,
    last_rowid: i64,
    sorted: bool,
}

/// At most this many bad rows are kept for the report (all are counted).
const PROBLEMS_KEPT: usize = 1000;

/// Checks the rows of an index one at a time as they are read, keeping nothing of the file:
/// the header among the first ten rows, then each row, handed to `sink` when good.
struct Checker {
    today: NaiveDate,
    columns: Option<HashMap<Col, usize>>,
    before_header: usize,
    read: usize,
    good: usize,
    problems: Vec<RowProblem>,
    problems_total: usize,
}

impl Checker {
    fn new(today: NaiveDate) -> Checker {
        Checker {
            today,
            columns: None,
            before_header: 0,
            read: 0,
            good: 0,
            problems: Vec::new(),
            problems_total: 0,
        }
    }

    fn problem(&mut self, p: RowProblem) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEMS_KEPT {
            self.problems.push(p);
        }
    }

    /// One row of the file; `sink` takes a good one (a repeated HIS ID is found when it is
    /// stored, and counted there).
    fn row(&mut self, line: usize, cells: Vec<String>, sink: &mut dyn FnMut(usize, Row) -> Result<()>) -> Result<()> {
        let Some(columns) = &self.columns else {
            let cols: Vec<Col> = cells.iter().filter_map(|c| col_of(c)).collect();
            if cols.contains(&Col::HisId) && cols.contains(&Col::Name) {
                let mut columns = HashMap::new();
                for (i, h) in cells.iter().enumerate() {
                    if let Some(c) = col_of(h) {
                        columns.entry(c).or_insert(i);
                    }
                }
                self.columns = Some(columns);
                return Ok(());
            }
            self.before_header += 1;
            if self.before_header >= 10 {
                return Err(no_header());
            }
            return Ok(());
        };
        if cells.iter().all(|c| c.is_empty()) {
            return Ok(());
        }
        self.read += 1;
        match check(columns, line, &cells, self.today) {
            Ok(row) => {
                self.good += 1;
                sink(line, row)?;
            }
            Err(p) => self.problem(p),
        }
        Ok(())
    }

    fn finish(&self) -> Result<()> {
        if self.columns.is_none() {
            return Err(no_header());
        }
        if self.good == 0 && self.problems_total == 0 {
            return Err(not_an_index("表头下面没有任何患者", "there are no patients under the header"));
        }
        Ok(())
    }
}

fn no_header() -> CoreError {
    not_an_index(
        "找不到含“HIS号、姓名”的表头行",
        "no header row naming the HIS ID and name was found",
    )
}

/// One row after the header: a good row, or why not.
fn check(columns: &HashMap<Col, usize>, line: usize, cells: &[String], today: NaiveDate) -> std::result::Result<Row, RowProblem> {
    let get = |c: Col| columns.get(&c).and_then(|i| cells.get(*i)).map(|s| s.trim()).unwrap_or("");
    let his_id = get(Col::HisId).to_string();
    let bad = |zh: String, en: String| RowProblem {
        row: line as u64,
        code: his_id.clone(),
        reason: zh,
        reason_en: en,
    };
    if his_id.is_empty() {
        return Err(bad("缺少 HIS 号".into(), "missing HIS ID".into()));
    }
    let name = get(Col::Name);
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(bad(
            "缺少姓名或姓名含控制字符".into(),
            "missing name or control characters in it".into(),
        ));
    }
    let sex = Sex::parse(get(Col::Sex)).map_err(|_| {
        bad(
            format!("性别“{}”无法识别", get(Col::Sex)),
            format!("unreadable sex \"{}\"", get(Col::Sex)),
        )
    })?;
    let birth_text = get(Col::Birth);
    let birth = if birth_text.is_empty() {
        None
    } else {
        let t = birth_text.replace(['/', '.'], "-");
        match NaiveDate::parse_from_str(&t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(&t, "%Y%m%d")) {
            Ok(d) if d <= today => Some(d),
            _ => {
                return Err(bad(
                    format!("出生日期“{birth_text}”无效"),
                    format!("invalid birth date \"{birth_text}\""),
                ))
            }
        }
    };
    let id_text = get(Col::IdNumber);
    let id_number = if id_text.is_empty() {
        None
    } else {
        match ResidentId::parse(id_text, today) {
            Ok(id) => Some(id.as_str().to_string()),
            Err(e) => return Err(bad(e.message(crate::Lang::Zh), e.message(crate::Lang::En))),
        }
    };
    let insurance = Insurance::parse(get(Col::Insurance)).map_err(|e| bad(e.message(crate::Lang::Zh), e.message(crate::Lang::En)))?;
    let insurance_no = get(Col::InsuranceNo).to_string();
    if insurance.is_insured() && insurance_no.is_empty() {
        return Err(bad(
            format!("{}缺少医保卡号", insurance.zh()),
            format!("{} without an insurance card number", insurance.key()),
        ));
    }
    Ok(Row {
        his_id,
        name: name.to_string(),
        sex,
        birth,
        id_number,
        phone: get(Col::Phone).to_string(),
        insurance,
        insurance_no,
    })
}

/// One line of a snapshot's digest: the canonical JSON (`jcs`) of an HIS patient's imported
/// fields, written into `out` (cleared first). Written field by field, in the canonical key
/// order, rather than built as a JSON value: it runs once per patient of an import (millions),
/// and must stay byte for byte what `jcs::canonical` makes of the same object (the digests of
/// snapshots imported before are compared with it; `tests::digest_lines_are_canonical_json`).
pub(super) fn digest_line(p: &Patient, out: &mut String) {
    use crate::jcs::write_string;
    use std::fmt::Write;
    fn text(out: &mut String, v: Option<&str>) {
        match v {
            Some(s) => write_string(s, out),
            None => out.push_str("null"),
        }
    }
    out.clear();
    out.push_str("{\"birth\":");
    match p.birth {
        Some(b) => {
            let _ = write!(out, "\"{b}\"");
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"his_id\":");
    text(out, p.his_id.as_deref());
    out.push_str(",\"id_number\":");
    text(out, p.id_number.as_deref());
    // Added later: absent when empty, so snapshots imported before keep their digest.
    if p.insurance.is_insured() || !p.insurance_no.is_empty() {
        out.push_str(",\"insurance\":");
        write_string(p.insurance.key(), out);
        out.push_str(",\"insurance_no\":");
        write_string(&p.insurance_no, out);
    }
    out.push_str(",\"name\":");
    write_string(&p.name, out);
    out.push_str(",\"phone\":");
    write_string(&p.phone, out);
    out.push_str(",\"sex\":");
    write_string(p.sex.key(), out);
    out.push('}');
}

/// The patient a good row becomes, as `his_from_row` reads it back once stored (what the
/// digest and the index are made of).
fn as_stored(r: Row, id: Uuid) -> Patient {
    let insured = r.insurance.is_insured() || !r.insurance_no.is_empty();
    Patient {
        id,
        source: Source::His,
        downtime_no: None,
        his_id: Some(r.his_id),
        name: r.name,
        sex: Sex::parse(r.sex.key()).unwrap_or(Sex::Unknown),
        birth: r.birth,
        age_years: None,
        id_number: r.id_number,
        id_old_style: false,
        phone: r.phone,
        address: String::new(),
        insurance: Insurance::parse(if insured { r.insurance.key() } else { "" }).unwrap_or(Insurance::SelfPay),
        insurance_no: if insured { r.insurance_no } else { String::new() },
        age_recorded_at: None,
    }
}

/// A good row as the reading thread hands it to the writing one: the patient it becomes (with
/// its new id), and what the writer would otherwise work out itself (its birth date as stored,
/// its digest line, pinyin initials and name tokens), so that the reading, checking and this
/// work run beside SQLite's.
struct Prepared {
    line: usize,
    patient: Patient,
    birth: Option<String>,
    digest: String,
    initials: Vec<String>,
    tokens: String,
}

impl Prepared {
    fn new(line: usize, row: Row) -> Prepared {
        let patient = as_stored(row, Uuid::now_v7());
        let mut digest = String::new();
        digest_line(&patient, &mut digest);
        Prepared {
            line,
            birth: patient.birth.map(|b| b.to_string()),
            initials: crate::catalog::lookup::initials(&patient.name),
            tokens: crate::search_index::name_tokens(&patient.name),
            digest,
            patient,
        }
    }
}

/// Rows handed over at a time, with how far the file has been read (for the progress bar).
struct Batch {
    rows: Vec<Prepared>,
    read: (u64, u64),
}

const BATCH_ROWS: usize = 1024;

/// Batches in flight between the threads (bounds the memory between them).
const BATCHES_IN_FLIGHT: usize = 8;

/// The reading thread: reads and checks `input`, hands good rows to `writer` in batches, and
/// returns the checker (rows read, good, the problems it found). Stops when the writer has
/// stopped.
fn read_rows(input: Input<'_>, file_name: &str, today: NaiveDate, writer: std::sync::mpsc::SyncSender<Batch>) -> Result<Checker> {
    let mut checker = Checker::new(today);
    let read = std::cell::Cell::new((0u64, 0u64));
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let hung_up = || CoreError::from(std::io::Error::other("the writing thread stopped"));
    stream_table(
        input,
        file_name,
        &ReadOptions::default(),
        not_an_index,
        &mut |done, total| read.set((done, total)),
        &mut |line, cells| {
            checker.row(line, cells, &mut |line, row| {
                batch.push(Prepared::new(line, row));
                if batch.len() >= BATCH_ROWS {
                    let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    writer.send(Batch { rows, read: read.get() }).map_err(|_| hung_up())?;
                }
                Ok(())
            })
        },
    )?;
    writer
        .send(Batch {
            rows: batch,
            read: read.get(),
        })
        .map_err(|_| hung_up())?;
    checker.finish()?;
    Ok(checker)
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
        // The ID-number index would be filled in random order, one descent of a growing tree
        // per row (at millions of rows the tree outgrows the page cache): it is dropped for the
        // load and built again in one sorted pass, from its own stored definition, before the
        // commit (a dry run or a refusal rolls the drop back).
        let id_number_index: Option<String> = tx
            .qrow(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'his_patient_id_number'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if id_number_index.is_some() {
            tx.execute_batch("DROP INDEX his_patient_id_number")?;
        }
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
        if let Some(sql) = &id_number_index {
            crate::search_index::sorting(&tx, sql)?;
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

    pub(crate) fn his_patient_by_id_number(&self, id_number: &str) -> Result<Option<Patient>> {
        let Some(s) = self.active_snapshot()? else { return Ok(None) };
        Ok(self
            .conn
            .qrow(
                &format!("{HIS_SELECT} WHERE snapshot_id = ?1 AND id_number = ?2"),
                [s.id.to_string(), id_number.to_string()],
                his_from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jcs::canonical;
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
