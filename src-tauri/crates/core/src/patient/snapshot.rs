//! HIS 患者索引快照: IT may export the HIS patient index before or during the outage (CSV or
//! Excel: HIS ID, name, sex, birth date, ID number, phone, insurance type and number). It is loaded read-only as a
//! snapshot version, with the same encoding and bad-row rules as the price list; search then
//! finds HIS patients too, and registering one links to the HIS ID instead of making a
//! stranger. The newest snapshot is the one searched.

use super::resident_id::ResidentId;
use super::{Patient, Sex, Source};
use crate::catalog::read::{read_table, ReadOptions, RowProblem};
use crate::error::{invalid, CoreError, Result};
use crate::jcs::canonical;
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::patient::Insurance;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Local, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
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
    pub problems: Vec<RowProblem>,
    pub snapshot: Option<Snapshot>,
    pub already_imported: bool,
}

fn not_an_index(zh: &str, en: &str) -> CoreError {
    invalid!(
        "patients_not_an_index",
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

fn parse(bytes: &[u8], file_name: &str, today: NaiveDate) -> Result<(usize, Vec<Row>, Vec<RowProblem>)> {
    let (_, _, rows) = read_table(bytes, file_name, &ReadOptions::default(), not_an_index)?;
    let header = rows
        .iter()
        .take(10)
        .position(|(_, cells)| {
            let cols: Vec<Col> = cells.iter().filter_map(|c| col_of(c)).collect();
            cols.contains(&Col::HisId) && cols.contains(&Col::Name)
        })
        .ok_or_else(|| {
            not_an_index(
                "找不到含“HIS号、姓名”的表头行",
                "no header row naming the HIS ID and name was found",
            )
        })?;
    let mut columns: HashMap<Col, usize> = HashMap::new();
    for (i, h) in rows[header].1.iter().enumerate() {
        if let Some(c) = col_of(h) {
            columns.entry(c).or_insert(i);
        }
    }
    let (mut good, mut problems, mut seen, mut read) = (Vec::new(), Vec::new(), HashSet::new(), 0);
    for (line, cells) in rows.into_iter().skip(header + 1) {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        read += 1;
        let get = |c: Col| columns.get(&c).and_then(|i| cells.get(*i)).map(|s| s.trim()).unwrap_or("");
        let his_id = get(Col::HisId).to_string();
        let bad = |zh: String, en: String| RowProblem {
            row: line as u64,
            code: his_id.clone(),
            reason: zh,
            reason_en: en,
        };
        if his_id.is_empty() {
            problems.push(bad("缺少 HIS 号".into(), "missing HIS ID".into()));
            continue;
        }
        let name = get(Col::Name);
        if name.is_empty() || name.chars().any(char::is_control) {
            problems.push(bad(
                "缺少姓名或姓名含控制字符".into(),
                "missing name or control characters in it".into(),
            ));
            continue;
        }
        let sex = match Sex::parse(get(Col::Sex)) {
            Ok(s) => s,
            Err(_) => {
                problems.push(bad(
                    format!("性别“{}”无法识别", get(Col::Sex)),
                    format!("unreadable sex \"{}\"", get(Col::Sex)),
                ));
                continue;
            }
        };
        let birth_text = get(Col::Birth);
        let birth = if birth_text.is_empty() {
            None
        } else {
            let t = birth_text.replace(['/', '.'], "-");
            match NaiveDate::parse_from_str(&t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(&t, "%Y%m%d")) {
                Ok(d) if d <= today => Some(d),
                _ => {
                    problems.push(bad(
                        format!("出生日期“{birth_text}”无效"),
                        format!("invalid birth date \"{birth_text}\""),
                    ));
                    continue;
                }
            }
        };
        let id_text = get(Col::IdNumber);
        let id_number = if id_text.is_empty() {
            None
        } else {
            match ResidentId::parse(id_text, today) {
                Ok(id) => Some(id.as_str().to_string()),
                Err(e) => {
                    problems.push(bad(e.message(crate::Lang::Zh), e.message(crate::Lang::En)));
                    continue;
                }
            }
        };
        let insurance = match Insurance::parse(get(Col::Insurance)) {
            Ok(i) => i,
            Err(e) => {
                problems.push(bad(e.message(crate::Lang::Zh), e.message(crate::Lang::En)));
                continue;
            }
        };
        let insurance_no = get(Col::InsuranceNo).to_string();
        if insurance.is_insured() && insurance_no.is_empty() {
            problems.push(bad(
                format!("{}缺少医保卡号", insurance.zh()),
                format!("{} without an insurance card number", insurance.key()),
            ));
            continue;
        }
        if !seen.insert(his_id.clone()) {
            problems.push(bad(format!("HIS 号 {his_id} 重复"), format!("HIS ID {his_id} repeats")));
            continue;
        }
        good.push(Row {
            his_id,
            name: name.to_string(),
            sex,
            birth,
            id_number,
            phone: get(Col::Phone).to_string(),
            insurance,
            insurance_no,
        });
    }
    if good.is_empty() && problems.is_empty() {
        return Err(not_an_index("表头下面没有任何患者", "there are no patients under the header"));
    }
    Ok((read, good, problems))
}

fn row_json(r: &Row) -> serde_json::Value {
    let mut v = json!({"his_id": r.his_id, "name": r.name, "sex": r.sex.key(), "birth": r.birth.map(|b| b.to_string()),
           "id_number": r.id_number, "phone": r.phone});
    // Added later: absent when empty, so snapshots imported before keep their digest.
    if r.insurance.is_insured() || !r.insurance_no.is_empty() {
        v["insurance"] = json!(r.insurance.key());
        v["insurance_no"] = json!(r.insurance_no);
    }
    v
}

const SNAPSHOT_SELECT: &str = "SELECT s.id, s.file_name, s.file_sha256, s.rows_read, s.patients, s.rows_rejected, o.name, s.imported_at \
     FROM patient_snapshot s JOIN operator o ON o.id = s.imported_by";

fn snapshot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Snapshot> {
    Ok(Snapshot {
        id: r.get::<_, String>(0)?.parse().unwrap_or_default(),
        file_name: r.get(1)?,
        sha256: r.get(2)?,
        rows_read: r.get(3)?,
        patients: r.get(4)?,
        rejected: r.get(5)?,
        imported_by: r.get(6)?,
        imported_at: parse_stamp(&r.get::<_, String>(7)?),
    })
}

fn his_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Patient> {
    Ok(Patient {
        id: r.get::<_, String>(0)?.parse().unwrap_or_default(),
        source: Source::His,
        downtime_no: None,
        his_id: Some(r.get(1)?),
        name: r.get(2)?,
        sex: Sex::parse(&r.get::<_, String>(3)?).unwrap_or(Sex::Unknown),
        birth: r
            .get::<_, Option<String>>(4)?
            .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
        age_years: None,
        id_number: r.get(5)?,
        id_old_style: false,
        phone: r.get(6)?,
        address: String::new(),
        insurance: Insurance::parse(&r.get::<_, Option<String>>(7)?.unwrap_or_default()).unwrap_or(Insurance::SelfPay),
        insurance_no: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        created_at: None,
    })
}

const HIS_SELECT: &str = "SELECT id, his_id, name, sex, birth, id_number, phone, insurance, insurance_no FROM his_patient";

/// Digest of a snapshot's rows in HIS-ID order, kept on the snapshot row.
fn digest(conn: &Connection, snapshot: &str) -> Result<String> {
    let mut stmt =
        conn.prepare("SELECT his_id, name, sex, birth, id_number, phone, insurance, insurance_no FROM his_patient WHERE snapshot_id = ?1 ORDER BY his_id")?;
    let mut rows = stmt.query([snapshot])?;
    let mut h = Sha256::new();
    while let Some(r) = rows.next()? {
        let row = Row {
            his_id: r.get(0)?,
            name: r.get(1)?,
            sex: Sex::parse(&r.get::<_, String>(2)?).unwrap_or(Sex::Unknown),
            birth: r
                .get::<_, Option<String>>(3)?
                .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
            id_number: r.get(4)?,
            phone: r.get(5)?,
            insurance: Insurance::parse(&r.get::<_, Option<String>>(6)?.unwrap_or_default()).unwrap_or(Insurance::SelfPay),
            insurance_no: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        };
        h.update(canonical(&row_json(&row)).as_bytes());
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
            return Ok(Some(id.parse().unwrap_or_default()));
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
        let now = self.now();
        let (rows_read, rows, problems) = parse(bytes, file_name, now.with_timezone(&Local).date_naive())?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let existing = self
            .conn
            .qrow(&format!("{SNAPSHOT_SELECT} WHERE s.file_sha256 = ?1"), [&sha256], snapshot_from_row)
            .optional()?;
        let mut report = SnapshotReport {
            file_name: file_name.to_string(),
            rows_read,
            good: rows.len(),
            problems,
            already_imported: existing.is_some(),
            snapshot: existing,
        };
        if dry_run || report.already_imported {
            return Ok(report);
        }
        if !report.problems.is_empty() && !accept_good_rows {
            let n = report.problems.len();
            return Err(invalid!(
                "patients_have_bad_rows",
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
        let id = Uuid::now_v7();
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO his_patient (snapshot_id, id, his_id, name, sex, birth, id_number, phone, insurance, insurance_no) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for r in &rows {
                stmt.execute(params![
                    id.to_string(),
                    Uuid::now_v7().to_string(),
                    r.his_id,
                    r.name,
                    r.sex.key(),
                    r.birth.map(|b| b.to_string()),
                    r.id_number,
                    r.phone,
                    (r.insurance.is_insured() || !r.insurance_no.is_empty()).then(|| r.insurance.key()),
                    (r.insurance.is_insured() || !r.insurance_no.is_empty()).then_some(r.insurance_no.as_str())
                ])?;
            }
        }
        let rows_digest = digest(&tx, &id.to_string())?;
        tx.exec(
            "INSERT INTO patient_snapshot (id, file_name, file_sha256, rows_read, patients, rows_rejected, rows_sha256, imported_by, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id.to_string(), file_name, sha256, rows_read as i64, rows.len() as i64, report.problems.len() as i64, rows_digest, by.id().to_string(), stamp(now)],
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
        self.patient_cache = None;
        report.snapshot = self.active_snapshot()?;
        Ok(report)
    }

    pub fn active_snapshot(&self) -> Result<Option<Snapshot>> {
        Ok(self
            .conn
            .qrow(&format!("{SNAPSHOT_SELECT} ORDER BY s.rowid DESC LIMIT 1"), [], snapshot_from_row)
            .optional()?)
    }

    pub(crate) fn his_patients(&self, snapshot: Uuid) -> Result<Vec<Patient>> {
        let mut stmt = self.conn.prepare(&format!("{HIS_SELECT} WHERE snapshot_id = ?1 ORDER BY his_id"))?;
        let rows = stmt.query_map([snapshot.to_string()], his_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
