//! 补录清单 (`back-entry.csv`, `back-entry.pdf`): what the HIS team keys in, one row per
//! document, in the order it must be entered: every new patient first, then visit by visit
//! (a registration, then the receipt its fee was paid on at once — kind `registration` —,
//! its charges, each refund after what it refunds, a void after what it voids, a 退号 before
//! the voucher that gives its fee back), each admission before its deposits. Visits come in
//! the order they began; within one, documents in the order they were made, and within one
//! journal entry the record before the money (a registration or an admission before its
//! receipt; a payload lists its tables alphabetically, which would put the receipt first).
//! Each row names the patient, the items, the amounts and the tenders, and leaves a column
//! empty for the HIS number.
//!
//! Only ids and sort keys are kept while the journal range is read (a few dozen bytes per
//! document); each row is rendered from the store when it is written.

use super::csv::{yuan, Cell::*, CsvFile};
use super::finance::tender_summary;
use super::labels::{self, local};
use super::lookup::{b, i, s, Lookup, Row};
use super::pdf::{wrap, Pdf, A4_LANDSCAPE};
use super::sink::Hashed;
use crate::batch::payload::{Payload, Rec};
use crate::batch::tally::receipt_sign;
use crate::batch::FileEntry;
use crate::error::Result;
use foldhash::{HashMap, HashMapExt, HashSet};
use rusqlite::OptionalExtension;
use std::path::Path;

pub(crate) const CSV_NAME: &str = "back-entry.csv";
pub(crate) const PDF_NAME: &str = "back-entry.pdf";

/// In the order documents of one journal entry are keyed in: the record, then its money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Patient,
    Registration,
    RegistrationCancel,
    Admission,
    AdmissionCancel,
    AdmissionTransfer,
    Receipt,
    Void,
}

struct Doc {
    /// The visit or admission the document belongs to ("" for a new patient).
    group: String,
    seq: i64,
    n: u32,
    kind: Kind,
    /// The key its row is found by.
    id: String,
}

/// What the list says about the batch on every page.
pub(crate) struct Heading {
    pub hospital: String,
    pub station: String,
    pub batch_seq: i64,
    pub created_at: String,
}

#[derive(Default)]
pub(crate) struct BackEntry {
    docs: Vec<Doc>,
}

/// The visit a receipt belongs to: its registration, the visit of the receipt it refunds,
/// its admission, or (a charge without a registration) the receipt itself.
fn receipt_group(lk: &Lookup<'_>, r: &Rec<'_>) -> Result<String> {
    if !s(r, "admission_id").is_empty() {
        return Ok(s(r, "admission_id").to_string());
    }
    if !s(r, "refund_of").is_empty() {
        if let Some(original) = lk.receipt(s(r, "refund_of"))? {
            return receipt_group(lk, &original);
        }
    }
    Ok(if s(r, "registration_id").is_empty() {
        s(r, "id").to_string()
    } else {
        s(r, "registration_id").to_string()
    })
}

impl BackEntry {
    pub(crate) fn entry(&mut self, lk: &Lookup<'_>, seq: i64, payload: &Payload<'_>) -> Result<()> {
        let mut n = 0u32;
        for (table, row) in payload.rows() {
            let (kind, group, id) = match table {
                "patient" => (Kind::Patient, String::new(), s(row, "id")),
                "registration" => (Kind::Registration, s(row, "id").to_string(), s(row, "id")),
                "registration_cancel" => (
                    Kind::RegistrationCancel,
                    s(row, "registration_id").to_string(),
                    s(row, "registration_id"),
                ),
                "receipt" => (Kind::Receipt, receipt_group(lk, row)?, s(row, "id")),
                "receipt_void" => {
                    let r = lk.receipt(s(row, "receipt_id"))?.unwrap_or_default();
                    (Kind::Void, receipt_group(lk, &r)?, s(row, "receipt_id"))
                }
                "admission" => (Kind::Admission, s(row, "id").to_string(), s(row, "id")),
                "admission_cancel" => (Kind::AdmissionCancel, s(row, "admission_id").to_string(), s(row, "admission_id")),
                "admission_transfer" => (Kind::AdmissionTransfer, s(row, "admission_id").to_string(), s(row, "id")),
                _ => continue,
            };
            self.docs.push(Doc {
                group,
                seq,
                n,
                kind,
                id: id.to_string(),
            });
            n += 1;
        }
        Ok(())
    }

    /// Sorts the documents into entry order and writes both files.
    pub(crate) fn finish(mut self, lk: &Lookup<'_>, dir: &Path, heading: &Heading, voided: &HashSet<String>) -> Result<Vec<FileEntry>> {
        let mut first: HashMap<&str, i64> = HashMap::new();
        for d in &self.docs {
            first.entry(d.group.as_str()).or_insert(d.seq);
        }
        let rank: Vec<(bool, i64)> = self
            .docs
            .iter()
            .map(|d| {
                (
                    d.kind != Kind::Patient,
                    if d.kind == Kind::Patient { 0 } else { first[d.group.as_str()] },
                )
            })
            .collect();
        let mut order: Vec<usize> = (0..self.docs.len()).collect();
        order.sort_by_key(|&k| (rank[k], self.docs[k].seq, self.docs[k].kind, self.docs[k].n));
        let docs = std::mem::take(&mut self.docs);

        let mut csv = CsvFile::create(
            dir,
            CSV_NAME,
            &[
                "顺序",
                "类别",
                "单据号",
                "停机号",
                "姓名",
                "性别",
                "出生日期",
                "年龄",
                "身份证号",
                "电话",
                "医保类型",
                "医保卡号",
                "HIS患者ID",
                "科室",
                "明细",
                "金额(元)",
                "金额_fen",
                "支付方式",
                "原单据号",
                "发生时间",
                "操作员",
                "备注",
                "HIS号",
            ],
        )?;
        let mut pdf = ListPdf::new(Hashed::create(dir, PDF_NAME)?, heading)?;
        for (no, k) in order.into_iter().enumerate() {
            let row = render(lk, &docs[k], voided)?;
            let p = &row.patient;
            let age = p.int_opt("age_years").map(|a| a.to_string()).unwrap_or_default();
            csv.row(&[
                Int(no as i64 + 1),
                Plain(row.kind),
                Plain(&row.doc_no),
                Plain(s(p, "downtime_no")),
                Text(s(p, "name")),
                Plain(labels::sex(s(p, "sex"))),
                Plain(s(p, "birth")),
                Plain(&age),
                Text(s(p, "id_number")),
                Text(s(p, "phone")),
                Plain(labels::insurance(s(p, "insurance"))),
                Text(s(p, "insurance_no")),
                Text(s(p, "his_id")),
                Text(&row.dept),
                Text(&row.details.join("；")),
                row.amount.map_or(Plain(""), Yuan),
                row.amount.map_or(Plain(""), Int),
                Text(&row.tenders),
                Plain(&row.original),
                Plain(&local(&row.at)),
                Text(&row.operator),
                Text(&row.note),
                Plain(""),
            ])?;
            pdf.row(no + 1, &row)?;
        }
        let pdf = pdf.finish(heading)?;
        Ok(vec![csv.finish()?, pdf.finish()?])
    }
}

/// One document as the list shows it.
struct Shown {
    kind: &'static str,
    doc_no: String,
    patient: std::rc::Rc<Row>,
    dept: String,
    details: Vec<String>,
    amount: Option<i64>,
    tenders: String,
    original: String,
    at: String,
    operator: String,
    note: String,
}

fn shown(kind: &'static str, patient: std::rc::Rc<Row>) -> Shown {
    Shown {
        kind,
        doc_no: String::new(),
        patient,
        dept: String::new(),
        details: vec![],
        amount: None,
        tenders: String::new(),
        original: String::new(),
        at: String::new(),
        operator: String::new(),
        note: String::new(),
    }
}

fn receipt_lines(lk: &Lookup<'_>, receipt_id: &str, sign: i64) -> Result<Vec<String>> {
    let mut stmt = lk.conn.prepare_cached(
        "SELECT name, spec, unit, qty_milli, amount_fen, free_text FROM receipt_line WHERE receipt_id = ?1 ORDER BY line_no",
    )?;
    let lines = stmt
        .query_map([receipt_id], |r| {
            let (name, spec, unit): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let (qty, amount, free): (i64, i64, bool) = (r.get(3)?, r.get(4)?, r.get(5)?);
            let spec = if spec.is_empty() { String::new() } else { format!(" {spec}") };
            let free = if free { "（价目表外）" } else { "" };
            Ok(format!(
                "{name}{spec} ×{}{unit} {}{free}",
                labels::qty(sign * qty),
                yuan(sign * amount)
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

/// The number of the receipt a registration's fee was paid on (register-and-pay), if any.
fn fee_receipt_no(lk: &Lookup<'_>, registration_id: &str) -> Result<Option<String>> {
    let mut stmt = lk
        .conn
        .prepare_cached("SELECT receipt_no FROM receipt WHERE registration_id = ?1 AND kind = 'registration'")?;
    Ok(stmt.query_row([registration_id], |r| r.get(0)).optional()?)
}

fn render(lk: &Lookup<'_>, d: &Doc, voided: &HashSet<String>) -> Result<Shown> {
    Ok(match d.kind {
        Kind::Patient => {
            let p = lk.patient(&d.id)?.unwrap_or_default();
            let mut r = shown("患者建档", p.clone());
            r.doc_no = s(&p, "downtime_no").to_string();
            r.details = vec![format!("新建患者 {} {}", s(&p, "name"), labels::sex(s(&p, "sex")))];
            if !s(&p, "address").is_empty() {
                r.details.push(format!("地址 {}", s(&p, "address")));
            }
            r.at = s(&p, "created_at").to_string();
            r.operator = lk.operator(s(&p, "created_by")).to_string();
            if !s(&p, "duplicate_of").is_empty() {
                r.note = "疑似与已有患者重复，请先核对".into();
            }
            r
        }
        Kind::Registration | Kind::RegistrationCancel => {
            let reg = lk.row("registration", "id", &d.id)?.unwrap_or_default();
            let p = lk.patient(s(&reg, "patient_id"))?.unwrap_or_default();
            let label = format!("{} {}号", s(&reg, "visit_date"), i(&reg, "queue_no"));
            if d.kind == Kind::Registration {
                let mut r = shown("挂号", p);
                r.doc_no = label;
                r.dept = s(&reg, "dept_name").to_string();
                let doctor = if s(&reg, "doctor").is_empty() {
                    String::new()
                } else {
                    format!(" {}", s(&reg, "doctor"))
                };
                let what = format!("{}号 {}{doctor}", lk.reg_type_name(&reg)?, s(&reg, "dept_name"));
                // Since register-and-pay the fee is paid at once on a receipt of its own (the
                // next row); it is no amount of the registration's own here.
                let fee = i(&reg, "fee_fen");
                r.details = vec![match fee_receipt_no(lk, &d.id)? {
                    Some(no) => format!("{what} 挂号费 {}（挂号时已收，挂号收据 {no}）", yuan(fee)),
                    None if fee == 0 => format!("{what} 免挂号费"),
                    None => format!("{what} 挂号费 {}（在收费单据中收取）", yuan(fee)),
                }];
                r.at = s(&reg, "occurred_at").to_string();
                r.operator = lk.operator(s(&reg, "operator_id")).to_string();
                if b(&reg, "back_entered") {
                    r.note = "补录的挂号".into();
                }
                r
            } else {
                let c = lk.row("registration_cancel", "registration_id", &d.id)?.unwrap_or_default();
                let mut r = shown("退号", p);
                r.doc_no = label.clone();
                r.original = label;
                r.dept = s(&reg, "dept_name").to_string();
                r.details = vec![format!("退号：{}", s(&c, "reason"))];
                r.at = s(&c, "at").to_string();
                r.operator = lk.operator(s(&c, "cancelled_by")).to_string();
                r
            }
        }
        Kind::Receipt | Kind::Void => {
            let rc = lk.receipt(&d.id)?.unwrap_or_default();
            let p = lk.patient(s(&rc, "patient_id"))?.unwrap_or_default();
            let kind = s(&rc, "kind");
            let sign = receipt_sign(kind);
            let original = lk.receipt(s(&rc, "refund_of"))?.unwrap_or_default();
            if d.kind == Kind::Void {
                let v = lk.row("receipt_void", "receipt_id", &d.id)?.unwrap_or_default();
                let mut r = shown("作废", p);
                r.doc_no = s(&rc, "receipt_no").to_string();
                r.original = s(&rc, "receipt_no").to_string();
                r.dept = s(&rc, "department").to_string();
                r.details = vec![format!(
                    "作废{} {}：{}",
                    labels::receipt_kind(kind),
                    s(&rc, "receipt_no"),
                    s(&v, "reason")
                )];
                r.amount = Some(-sign * i(&rc, "total_fen"));
                r.at = s(&v, "at").to_string();
                r.operator = format!(
                    "{}（主管 {}）",
                    lk.operator(s(&v, "operator_id")),
                    lk.operator(s(&v, "supervisor_id"))
                );
                return Ok(r);
            }
            let mut r = shown(
                match kind {
                    "charge" => "收费",
                    "registration" => "挂号费",
                    "refund" => "退费",
                    "deposit" => "预交金",
                    "deposit_refund" => "退预交金",
                    _ => "收据",
                },
                p,
            );
            r.doc_no = s(&rc, "receipt_no").to_string();
            r.original = s(&original, "receipt_no").to_string();
            r.dept = s(&rc, "department").to_string();
            r.details = match kind {
                "deposit" | "deposit_refund" => {
                    let a = lk.row("admission", "id", s(&rc, "admission_id"))?.unwrap_or_default();
                    vec![format!("{} 住院号 {}", labels::receipt_kind(kind), s(&a, "inpatient_no"))]
                }
                _ => receipt_lines(lk, &d.id, sign)?,
            };
            r.amount = Some(sign * i(&rc, "total_fen"));
            r.tenders = tender_summary(lk, &d.id)?;
            r.at = s(&rc, "occurred_at").to_string();
            r.operator = lk.operator(s(&rc, "operator_id")).to_string();
            let mut notes = Vec::new();
            if voided.contains(&d.id) {
                notes.push("本批内已作废".to_string());
            }
            if b(&rc, "insured") {
                notes.push(format!("按医保患者，医保结算截止 {}", s(&rc, "resettle_due")));
            }
            if b(&rc, "back_entered") {
                notes.push("补录".to_string());
            }
            if !s(&rc, "paper_no").is_empty() {
                notes.push(format!("手工发票 {}", s(&rc, "paper_no")));
            }
            if !s(&rc, "reason").is_empty() {
                notes.push(s(&rc, "reason").to_string());
            }
            if kind == "refund" && s(&original, "kind") == "registration" {
                notes.push("随退号退还挂号费".to_string());
            }
            r.note = notes.join("；");
            r
        }
        Kind::Admission | Kind::AdmissionCancel | Kind::AdmissionTransfer => {
            let key = if d.kind == Kind::AdmissionTransfer {
                let t = lk.row("admission_transfer", "id", &d.id)?.unwrap_or_default();
                s(&t, "admission_id").to_string()
            } else {
                d.id.clone()
            };
            let a = lk.row("admission", "id", &key)?.unwrap_or_default();
            let p = lk.patient(s(&a, "patient_id"))?.unwrap_or_default();
            let mut r = shown(
                match d.kind {
                    Kind::Admission => "入院",
                    Kind::AdmissionCancel => "取消入院",
                    _ => "转床",
                },
                p,
            );
            r.doc_no = s(&a, "inpatient_no").to_string();
            r.dept = s(&a, "dept_name").to_string();
            match d.kind {
                Kind::Admission => {
                    r.details = vec![format!(
                        "{} {} {}床 医生 {} 诊断 {}",
                        s(&a, "dept_name"),
                        s(&a, "ward"),
                        s(&a, "bed"),
                        s(&a, "doctor"),
                        s(&a, "diagnosis")
                    )];
                    r.at = s(&a, "admitted_at").to_string();
                    r.operator = lk.operator(s(&a, "operator_id")).to_string();
                    if b(&a, "convert_to_insured") {
                        r.note = format!("按自费入院，恢复后转{}", labels::insurance(s(&a, "insurance")));
                    }
                }
                Kind::AdmissionCancel => {
                    let c = lk.row("admission_cancel", "admission_id", &key)?.unwrap_or_default();
                    r.original = s(&a, "inpatient_no").to_string();
                    r.details = vec![format!("取消入院：{}", s(&c, "reason"))];
                    r.at = s(&c, "at").to_string();
                    r.operator = lk.operator(s(&c, "cancelled_by")).to_string();
                }
                _ => {
                    let t = lk.row("admission_transfer", "id", &d.id)?.unwrap_or_default();
                    r.details = vec![format!("转至 {} {}床 {}", s(&t, "ward"), s(&t, "bed"), s(&t, "reason"))];
                    r.at = s(&t, "at").to_string();
                    r.operator = lk.operator(s(&t, "by_operator")).to_string();
                }
            }
            r
        }
    })
}

const SIZE: f32 = 7.5;
const LEAD: f32 = 9.5;
const MARGIN: f32 = 28.0;
/// Column titles and widths in points (they add up to the printable width of A4 landscape).
const COLUMNS: [(&str, f32); 9] = [
    ("序号", 28.0),
    ("类别", 44.0),
    ("单据号", 84.0),
    ("患者", 140.0),
    ("明细", 222.0),
    ("金额(元)", 56.0),
    ("支付方式", 92.0),
    ("时间 / 操作员", 64.0),
    ("HIS号", 56.0),
];

/// The printed list: a table that continues over as many pages as it needs.
struct ListPdf {
    pdf: Pdf<Hashed>,
    y: f32,
    page: usize,
    title: String,
}

impl ListPdf {
    fn new(out: Hashed, h: &Heading) -> Result<ListPdf> {
        let mut l = ListPdf {
            pdf: Pdf::new(out, A4_LANDSCAPE)?,
            y: 0.0,
            page: 0,
            title: format!("补录清单 · {} · {} · 第 {} 批", h.hospital, h.station, h.batch_seq),
        };
        l.start_page();
        Ok(l)
    }

    fn start_page(&mut self) {
        self.page += 1;
        let w = self.pdf.size().0;
        self.pdf.text(MARGIN, MARGIN + 10.0, 12.0, &self.title);
        let page = format!("第 {} 页", self.page);
        let pw = self.pdf.width(&page, 8.0);
        self.pdf.text(w - MARGIN - pw, MARGIN + 10.0, 8.0, &page);
        self.pdf.text(
            MARGIN,
            MARGIN + 24.0,
            7.0,
            "按此顺序补录：先为新患者建档，再逐次就诊录入挂号及其挂号费、收费，退费在原收费之后，入院在预交金之前。录入后把 HIS 号写在最右一栏。",
        );
        let mut x = MARGIN;
        let y = MARGIN + 40.0;
        for (title, width) in COLUMNS {
            self.pdf.text(x + 2.0, y, 8.0, title);
            x += width;
        }
        self.pdf.line(MARGIN, y + 4.0, w - MARGIN, y + 4.0, 0.8);
        self.y = y + 6.0;
    }

    fn row(&mut self, no: usize, r: &Shown) -> Result<()> {
        let p = &r.patient;
        let mut patient = vec![format!("{} {}", s(p, "name"), labels::sex(s(p, "sex")))];
        for (label, key) in [("", "downtime_no"), ("身份证 ", "id_number"), ("HIS ", "his_id")] {
            if !s(p, key).is_empty() {
                patient.push(format!("{label}{}", s(p, key)));
            }
        }
        if !s(p, "insurance").is_empty() && s(p, "insurance") != "self_pay" {
            patient.push(format!("{} {}", labels::insurance(s(p, "insurance")), s(p, "insurance_no")));
        }
        let mut doc = vec![r.doc_no.clone()];
        if !r.original.is_empty() && r.original != r.doc_no {
            doc.push(format!("原 {}", r.original));
        }
        if !r.dept.is_empty() {
            doc.push(r.dept.clone());
        }
        let mut when = vec![local(&r.at).get(..16).unwrap_or("").to_string(), r.operator.clone()];
        if !r.note.is_empty() {
            when.push(r.note.clone());
        }
        let cells: Vec<Vec<String>> = vec![
            vec![no.to_string()],
            vec![r.kind.to_string()],
            doc,
            patient,
            r.details.clone(),
            vec![r.amount.map(yuan).unwrap_or_default()],
            vec![r.tenders.clone()],
            when,
            vec![],
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(lines, (_, width))| {
                lines
                    .iter()
                    .flat_map(|l| wrap(&self.pdf, l, SIZE, width - 4.0, 60))
                    .take(60)
                    .collect()
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(2);
        let height = lines as f32 * LEAD + 4.0;
        let bottom = self.pdf.size().1 - MARGIN;
        if self.y + height > bottom {
            self.pdf.end_page()?;
            self.start_page();
        }
        let mut x = MARGIN;
        for (k, (cell, (_, width))) in wrapped.iter().zip(COLUMNS).enumerate() {
            for (n, line) in cell.iter().enumerate() {
                let y = self.y + LEAD * (n as f32 + 1.0);
                if k == 5 {
                    let lw = self.pdf.width(line, SIZE);
                    self.pdf.text(x + width - 3.0 - lw, y, SIZE, line);
                } else {
                    self.pdf.text(x + 2.0, y, SIZE, line);
                }
            }
            if k == COLUMNS.len() - 1 {
                self.pdf.rect(x + 2.0, self.y + 3.0, width - 4.0, height - 6.0, 0.5);
            }
            x += width;
        }
        self.y += height;
        let w = self.pdf.size().0;
        self.pdf.line(MARGIN, self.y, w - MARGIN, self.y, 0.3);
        Ok(())
    }

    fn finish(self, h: &Heading) -> Result<Hashed> {
        self.pdf.finish(&self.title, &h.created_at)
    }
}
