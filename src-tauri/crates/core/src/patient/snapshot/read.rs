//! The reading thread of a snapshot import, moved out of `snapshot.rs` (which keeps the
//! writing side, the stored snapshots and their digest): reads the file (`catalog::stream`),
//! finds the header, checks each row (`check`), prepares what the writer stores (the patient,
//! its digest line, pinyin initials and name tokens) and hands good rows over in batches.

use crate::catalog::read::{ReadOptions, RowProblem};
use crate::catalog::stream::{stream_table, Input};
use crate::error::{invalid, CoreError, Result};
use crate::patient::resident_id::ResidentId;
use crate::patient::{Insurance, Patient, Sex, Source};
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) fn not_an_index(zh: &str, en: &str) -> CoreError {
    invalid!(
        PatientsNotAnIndex,
        format!("这不是可导入的患者索引：{zh}。请导出含“HIS号、姓名”表头的 CSV 或 Excel 文件"),
        format!("This is not a patient index that can be imported: {en}. Export a CSV or Excel file with HIS ID and name headers")
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    HisId,
    Name,
    Sex,
    Birth,
    IdNumber,
    Phone,
    Insurance,
    InsuranceNo,
}

pub(super) fn col_of(header: &str) -> Option<Col> {
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

pub(super) struct Row {
    pub(super) his_id: String,
    pub(super) name: String,
    pub(super) sex: Sex,
    pub(super) birth: Option<NaiveDate>,
    pub(super) id_number: Option<String>,
    pub(super) phone: String,
    pub(super) insurance: Insurance,
    pub(super) insurance_no: String,
}

/// At most this many bad rows are kept for the report (all are counted).
pub(super) const PROBLEMS_KEPT: usize = 1000;

/// Checks the rows of an index one at a time as they are read, keeping nothing of the file:
/// the header among the first ten rows, then each row, handed to `sink` when good.
pub(super) struct Checker {
    pub(super) today: NaiveDate,
    pub(super) columns: Option<HashMap<Col, usize>>,
    pub(super) before_header: usize,
    pub(super) read: usize,
    pub(super) good: usize,
    pub(super) problems: Vec<RowProblem>,
    pub(super) problems_total: usize,
}

impl Checker {
    pub(super) fn new(today: NaiveDate) -> Checker {
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

    pub(super) fn problem(&mut self, p: RowProblem) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEMS_KEPT {
            self.problems.push(p);
        }
    }

    /// One row of the file; `sink` takes a good one (a repeated HIS ID is found when it is
    /// stored, and counted there).
    pub(super) fn row(&mut self, line: usize, cells: Vec<String>, sink: &mut dyn FnMut(usize, Row) -> Result<()>) -> Result<()> {
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

    pub(super) fn finish(&self) -> Result<()> {
        if self.columns.is_none() {
            return Err(no_header());
        }
        if self.good == 0 && self.problems_total == 0 {
            return Err(not_an_index("表头下面没有任何患者", "there are no patients under the header"));
        }
        Ok(())
    }
}

pub(super) fn no_header() -> CoreError {
    not_an_index(
        "找不到含“HIS号、姓名”的表头行",
        "no header row naming the HIS ID and name was found",
    )
}

/// One row after the header: a good row, or why not.
pub(super) fn check(
    columns: &HashMap<Col, usize>,
    line: usize,
    cells: &[String],
    today: NaiveDate,
) -> std::result::Result<Row, RowProblem> {
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
pub(super) fn as_stored(r: Row, id: Uuid) -> Patient {
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
pub(super) struct Prepared {
    pub(super) line: usize,
    pub(super) patient: Patient,
    pub(super) birth: Option<String>,
    pub(super) digest: String,
    pub(super) initials: Vec<String>,
    pub(super) tokens: String,
}

impl Prepared {
    pub(super) fn new(line: usize, row: Row) -> Prepared {
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
pub(super) struct Batch {
    pub(super) rows: Vec<Prepared>,
    pub(super) read: (u64, u64),
}

pub(super) const BATCH_ROWS: usize = 1024;

/// Batches in flight between the threads (bounds the memory between them).
pub(super) const BATCHES_IN_FLIGHT: usize = 8;

/// The reading thread: reads and checks `input`, hands good rows to `writer` in batches, and
/// returns the checker (rows read, good, the problems it found). Stops when the writer has
/// stopped.
pub(super) fn read_rows(
    input: Input<'_>,
    file_name: &str,
    today: NaiveDate,
    writer: std::sync::mpsc::SyncSender<Batch>,
) -> Result<Checker> {
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
