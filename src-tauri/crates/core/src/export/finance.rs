//! The CSVs for finance: one row per record of the batch, in journal order. Money paid back
//! is negative; each amount is given in yuan and, beside it, as integer fen (`…_fen`).

use super::csv::{Cell, Cell::*, CsvFile};
use super::labels::{self, local, yes};
use super::lookup::{b, i, s, Lookup, Row};
use crate::batch::tally::receipt_sign;
use crate::batch::{payload_rows, FileEntry};
use crate::error::Result;
use crate::operator::Actor;
use crate::store::Desk;
use foldhash::{HashMap, HashMapExt, HashSet};
use serde_json::Value;
use std::path::Path;

pub(crate) const PATIENTS: &str = "patients.csv";
pub(crate) const REGISTRATIONS: &str = "registrations.csv";
pub(crate) const RECEIPTS: &str = "receipts.csv";
pub(crate) const LINES: &str = "receipt-lines.csv";
pub(crate) const TENDERS: &str = "tenders.csv";
pub(crate) const CORRECTIONS: &str = "voids-refunds.csv";
pub(crate) const ADMISSIONS: &str = "admissions.csv";
pub(crate) const DEPOSITS: &str = "deposits.csv";
pub(crate) const SHIFTS: &str = "shifts.csv";
pub(crate) const OUTAGES: &str = "outage.csv";

pub(crate) struct Finance {
    patients: CsvFile,
    registrations: CsvFile,
    receipts: CsvFile,
    lines: CsvFile,
    tenders: CsvFile,
    corrections: CsvFile,
    admissions: CsvFile,
    deposits: CsvFile,
    /// Shifts and outages are few: kept until the end, so that one row shows a shift's
    /// opening and (when it falls in the batch) its close.
    shifts: Vec<(String, Option<Row>, Option<Row>)>,
    outages: Vec<(String, Option<Row>, Option<Row>)>,
    dir: std::path::PathBuf,
}

/// Fields of a receipt row needed by its lines and tenders, which travel in the same entry.
struct ReceiptHead {
    no: String,
    kind: String,
}

impl Finance {
    pub(crate) fn create(dir: &Path) -> Result<Finance> {
        Ok(Finance {
            patients: CsvFile::create(
                dir,
                PATIENTS,
                &[
                    "停机号",
                    "姓名",
                    "性别",
                    "出生日期",
                    "年龄",
                    "身份证号",
                    "电话",
                    "地址",
                    "医保类型",
                    "医保卡号",
                    "HIS患者ID",
                    "疑似重复",
                    "登记人",
                    "登记时间",
                    "患者ID",
                    "流水号",
                ],
            )?,
            registrations: CsvFile::create(
                dir,
                REGISTRATIONS,
                &[
                    "停机号",
                    "患者姓名",
                    "科室编码",
                    "科室",
                    "医生",
                    "号别",
                    "就诊日期",
                    "候诊号",
                    "挂号费(元)",
                    "挂号费_fen",
                    "收费员",
                    "发生时间",
                    "记录时间",
                    "补录",
                    "挂号ID",
                    "患者ID",
                    "班次ID",
                    "流水号",
                ],
            )?,
            receipts: CsvFile::create(
                dir,
                RECEIPTS,
                &[
                    "收据号",
                    "类型",
                    "金额(元)",
                    "金额_fen",
                    "找零(元)",
                    "找零_fen",
                    "停机号",
                    "患者姓名",
                    "科室",
                    "住院号",
                    "原收据号",
                    "按医保患者",
                    "医保类型",
                    "医保卡号",
                    "医保结算截止",
                    "换票截止",
                    "日期暂定",
                    "手工发票号",
                    "原因",
                    "主管",
                    "收费员",
                    "发生时间",
                    "记录时间",
                    "补录",
                    "本批作废",
                    "收据ID",
                    "班次ID",
                    "应急ID",
                    "流水号",
                ],
            )?,
            lines: CsvFile::create(
                dir,
                LINES,
                &[
                    "收据号",
                    "类型",
                    "行号",
                    "编码",
                    "名称",
                    "规格",
                    "单位",
                    "数量",
                    "单价(元)",
                    "金额(元)",
                    "金额_fen",
                    "费用类别",
                    "药品",
                    "价目表外",
                    "价目表外原因",
                    "退费对应行",
                    "收据ID",
                ],
            )?,
            tenders: CsvFile::create(
                dir,
                TENDERS,
                &[
                    "收据号",
                    "类型",
                    "序号",
                    "支付方式",
                    "金额(元)",
                    "金额_fen",
                    "实收(元)",
                    "实收_fen",
                    "参考号",
                    "收据ID",
                ],
            )?,
            corrections: CsvFile::create(
                dir,
                CORRECTIONS,
                &[
                    "类别",
                    "单据号",
                    "原单据号",
                    "金额(元)",
                    "金额_fen",
                    "原因",
                    "主管",
                    "操作员",
                    "时间",
                    "记录ID",
                    "原记录ID",
                    "流水号",
                ],
            )?,
            admissions: CsvFile::create(
                dir,
                ADMISSIONS,
                &[
                    "类别",
                    "住院号",
                    "停机号",
                    "姓名",
                    "科室编码",
                    "科室",
                    "病区",
                    "床号",
                    "医生",
                    "诊断",
                    "入院时间",
                    "医保类型",
                    "医保卡号",
                    "待转医保",
                    "原因",
                    "经办人",
                    "记录时间",
                    "补录",
                    "入院ID",
                    "流水号",
                ],
            )?,
            deposits: CsvFile::create(
                dir,
                DEPOSITS,
                &[
                    "收据号",
                    "类型",
                    "金额(元)",
                    "金额_fen",
                    "住院号",
                    "停机号",
                    "姓名",
                    "科室",
                    "支付方式",
                    "原因",
                    "主管",
                    "经办人",
                    "发生时间",
                    "本批作废",
                    "收据ID",
                    "流水号",
                ],
            )?,
            shifts: Vec::new(),
            outages: Vec::new(),
            dir: dir.to_path_buf(),
        })
    }

    /// Writes the rows of one journal entry.
    pub(crate) fn entry(&mut self, lk: &Lookup<'_>, seq: i64, payload: &Value, voided: &HashSet<String>) -> Result<()> {
        let seq_text = seq.to_string();
        let seq_cell = Plain(&seq_text);
        let mut heads: HashMap<String, ReceiptHead> = HashMap::new();
        for (table, row) in payload_rows(payload) {
            match table {
                "patient" => self.patient(lk, row, &seq_cell)?,
                "registration" => self.registration(lk, row, &seq_cell)?,
                "registration_cancel" => {
                    let reg = lk.row("registration", "id", s(row, "registration_id"))?.unwrap_or_default();
                    let shown = format!("{} {} {}号", s(&reg, "visit_date"), s(&reg, "dept_name"), i(&reg, "queue_no"));
                    self.corrections.row(&[
                        Plain("退号"),
                        Text(&shown),
                        Plain(""),
                        // Money given back for a 退号 travels on a refund receipt of its own.
                        Plain(""),
                        Plain(""),
                        Text(s(row, "reason")),
                        Plain(""),
                        Text(lk.operator(s(row, "cancelled_by"))),
                        Plain(&local(s(row, "at"))),
                        Plain(s(row, "registration_id")),
                        Plain(s(row, "registration_id")),
                        seq_cell.clone_plain(),
                    ])?;
                }
                "receipt" => {
                    heads.insert(
                        s(row, "id").to_string(),
                        ReceiptHead {
                            no: s(row, "receipt_no").to_string(),
                            kind: s(row, "kind").to_string(),
                        },
                    );
                    self.receipt(lk, row, &seq_cell, voided)?;
                }
                "receipt_line" => {
                    let head = heads.get(s(row, "receipt_id"));
                    let kind = head.map_or("", |h| h.kind.as_str());
                    let sign = receipt_sign(kind);
                    let refunds_line = row
                        .get("refunds_line")
                        .and_then(Value::as_i64)
                        .map(|n| n.to_string())
                        .unwrap_or_default();
                    self.lines.row(&[
                        Plain(head.map_or("", |h| h.no.as_str())),
                        Plain(labels::receipt_kind(kind)),
                        Int(i(row, "line_no")),
                        Text(s(row, "code")),
                        Text(s(row, "name")),
                        Text(s(row, "spec")),
                        Text(s(row, "unit")),
                        Plain(&labels::qty(sign * i(row, "qty_milli"))),
                        Plain(&labels::unit_price(i(row, "unit_price_e4"))),
                        Yuan(sign * i(row, "amount_fen")),
                        Int(sign * i(row, "amount_fen")),
                        Plain(labels::category(s(row, "category"))),
                        Plain(yes(b(row, "is_drug"))),
                        Plain(yes(b(row, "free_text"))),
                        Text(s(row, "free_reason")),
                        Plain(&refunds_line),
                        Plain(s(row, "receipt_id")),
                    ])?;
                }
                "tender" => {
                    let head = heads.get(s(row, "receipt_id"));
                    let kind = head.map_or("", |h| h.kind.as_str());
                    let sign = receipt_sign(kind);
                    let tendered = row.get("tendered_fen").and_then(Value::as_i64);
                    self.tenders.row(&[
                        Plain(head.map_or("", |h| h.no.as_str())),
                        Plain(labels::receipt_kind(kind)),
                        Int(i(row, "n")),
                        Plain(labels::method(s(row, "method"))),
                        Yuan(sign * i(row, "amount_fen")),
                        Int(sign * i(row, "amount_fen")),
                        tendered.map_or(Plain(""), Yuan),
                        tendered.map_or(Plain(""), Int),
                        Text(s(row, "reference")),
                        Plain(s(row, "receipt_id")),
                    ])?;
                }
                "receipt_void" => {
                    let r = lk.receipt(s(row, "receipt_id"))?.unwrap_or_default();
                    let amount = -receipt_sign(s(&r, "kind")) * i(&r, "total_fen");
                    self.corrections.row(&[
                        Plain("作废"),
                        Plain(s(&r, "receipt_no")),
                        Plain(s(&r, "receipt_no")),
                        Yuan(amount),
                        Int(amount),
                        Text(s(row, "reason")),
                        Text(lk.operator(s(row, "supervisor_id"))),
                        Text(lk.operator(s(row, "operator_id"))),
                        Plain(&local(s(row, "at"))),
                        Plain(s(row, "receipt_id")),
                        Plain(s(row, "receipt_id")),
                        seq_cell.clone_plain(),
                    ])?;
                }
                "admission" => self.admission(lk, "入院", row, row, &seq_cell)?,
                "admission_cancel" | "admission_transfer" => {
                    let a = lk.row("admission", "id", s(row, "admission_id"))?.unwrap_or_default();
                    let what = if table == "admission_cancel" { "取消入院" } else { "转床" };
                    self.admission(lk, what, &a, row, &seq_cell)?;
                }
                "shift" => remember(&mut self.shifts, s(row, "id"), Some(row.clone()), None),
                "shift_close" => remember(&mut self.shifts, s(row, "shift_id"), None, Some(row.clone())),
                "outage" => remember(&mut self.outages, s(row, "id"), Some(row.clone()), None),
                "outage_end" => remember(&mut self.outages, s(row, "outage_id"), None, Some(row.clone())),
                _ => {}
            }
        }
        Ok(())
    }

    fn patient(&mut self, lk: &Lookup<'_>, row: &Row, seq: &Cell<'_>) -> Result<()> {
        let age = row
            .get("age_years")
            .and_then(Value::as_i64)
            .map(|a| a.to_string())
            .unwrap_or_default();
        self.patients.row(&[
            Plain(s(row, "downtime_no")),
            Text(s(row, "name")),
            Plain(labels::sex(s(row, "sex"))),
            Plain(s(row, "birth")),
            Plain(&age),
            Text(s(row, "id_number")),
            Text(s(row, "phone")),
            Text(s(row, "address")),
            Plain(labels::insurance(s(row, "insurance"))),
            Text(s(row, "insurance_no")),
            Text(s(row, "his_id")),
            Plain(yes(!s(row, "duplicate_of").is_empty())),
            Text(lk.operator(s(row, "created_by"))),
            Plain(&local(s(row, "created_at"))),
            Plain(s(row, "id")),
            seq.clone_plain(),
        ])
    }

    fn registration(&mut self, lk: &Lookup<'_>, row: &Row, seq: &Cell<'_>) -> Result<()> {
        let p = lk.patient(s(row, "patient_id"))?.unwrap_or_default();
        self.registrations.row(&[
            Plain(s(&p, "downtime_no")),
            Text(s(&p, "name")),
            Text(s(row, "dept_code")),
            Text(s(row, "dept_name")),
            Text(s(row, "doctor")),
            Plain(&lk.reg_type_name(row)?),
            Plain(s(row, "visit_date")),
            Int(i(row, "queue_no")),
            Yuan(i(row, "fee_fen")),
            Int(i(row, "fee_fen")),
            Text(lk.operator(s(row, "operator_id"))),
            Plain(&local(s(row, "occurred_at"))),
            Plain(&local(s(row, "recorded_at"))),
            Plain(yes(b(row, "back_entered"))),
            Plain(s(row, "id")),
            Plain(s(row, "patient_id")),
            Plain(s(row, "shift_id")),
            seq.clone_plain(),
        ])
    }

    fn receipt(&mut self, lk: &Lookup<'_>, row: &Row, seq: &Cell<'_>, voided: &HashSet<String>) -> Result<()> {
        let kind = s(row, "kind");
        let total = receipt_sign(kind) * i(row, "total_fen");
        let p = lk.patient(s(row, "patient_id"))?.unwrap_or_default();
        let original = lk.receipt(s(row, "refund_of"))?.unwrap_or_default();
        let admission = lk.row("admission", "id", s(row, "admission_id"))?.unwrap_or_default();
        let is_voided = voided.contains(s(row, "id"));
        self.receipts.row(&[
            Plain(s(row, "receipt_no")),
            Plain(labels::receipt_kind(kind)),
            Yuan(total),
            Int(total),
            Yuan(i(row, "change_fen")),
            Int(i(row, "change_fen")),
            Plain(s(&p, "downtime_no")),
            Text(s(&p, "name")),
            Text(s(row, "department")),
            Plain(s(&admission, "inpatient_no")),
            Plain(s(&original, "receipt_no")),
            Plain(yes(b(row, "insured"))),
            Plain(labels::insurance(s(row, "insurance"))),
            Text(s(row, "insurance_no")),
            Plain(s(row, "resettle_due")),
            Plain(s(row, "exchange_due")),
            Plain(yes(b(row, "due_provisional"))),
            Text(s(row, "paper_no")),
            Text(s(row, "reason")),
            Text(lk.operator(s(row, "supervisor_id"))),
            Text(lk.operator(s(row, "operator_id"))),
            Plain(&local(s(row, "occurred_at"))),
            Plain(&local(s(row, "recorded_at"))),
            Plain(yes(b(row, "back_entered"))),
            Plain(yes(is_voided)),
            Plain(s(row, "id")),
            Plain(s(row, "shift_id")),
            Plain(s(row, "outage_id")),
            seq.clone_plain(),
        ])?;
        match kind {
            "refund" => self.corrections.row(&[
                Plain("退费"),
                Plain(s(row, "receipt_no")),
                Plain(s(&original, "receipt_no")),
                Yuan(total),
                Int(total),
                Text(s(row, "reason")),
                Text(lk.operator(s(row, "supervisor_id"))),
                Text(lk.operator(s(row, "operator_id"))),
                Plain(&local(s(row, "recorded_at"))),
                Plain(s(row, "id")),
                Plain(s(row, "refund_of")),
                seq.clone_plain(),
            ]),
            "deposit" | "deposit_refund" => {
                let methods = tender_summary(lk, s(row, "id"))?;
                self.deposits.row(&[
                    Plain(s(row, "receipt_no")),
                    Plain(labels::receipt_kind(kind)),
                    Yuan(total),
                    Int(total),
                    Plain(s(&admission, "inpatient_no")),
                    Plain(s(&p, "downtime_no")),
                    Text(s(&p, "name")),
                    Text(s(row, "department")),
                    Text(&methods),
                    Text(s(row, "reason")),
                    Text(lk.operator(s(row, "supervisor_id"))),
                    Text(lk.operator(s(row, "operator_id"))),
                    Plain(&local(s(row, "occurred_at"))),
                    Plain(yes(is_voided)),
                    Plain(s(row, "id")),
                    seq.clone_plain(),
                ])
            }
            _ => Ok(()),
        }
    }

    /// A row of admissions.csv: `a` is the admission, `row` the record (the admission itself,
    /// its cancellation or a transfer).
    fn admission(&mut self, lk: &Lookup<'_>, what: &str, a: &Row, row: &Row, seq: &Cell<'_>) -> Result<()> {
        let p = lk.patient(s(a, "patient_id"))?.unwrap_or_default();
        let (ward, bed) = if what == "转床" {
            (s(row, "ward"), s(row, "bed"))
        } else {
            (s(a, "ward"), s(a, "bed"))
        };
        let by = ["operator_id", "cancelled_by", "by_operator"]
            .iter()
            .map(|k| s(row, k))
            .find(|v| !v.is_empty())
            .unwrap_or("");
        let at = ["recorded_at", "at"]
            .iter()
            .map(|k| s(row, k))
            .find(|v| !v.is_empty())
            .unwrap_or("");
        self.admissions.row(&[
            Plain(what),
            Plain(s(a, "inpatient_no")),
            Plain(s(&p, "downtime_no")),
            Text(s(&p, "name")),
            Text(s(a, "dept_code")),
            Text(s(a, "dept_name")),
            Text(ward),
            Text(bed),
            Text(s(a, "doctor")),
            Text(s(a, "diagnosis")),
            Plain(&local(s(a, "admitted_at"))),
            Plain(labels::insurance(s(a, "insurance"))),
            Text(s(a, "insurance_no")),
            Plain(yes(b(a, "convert_to_insured"))),
            Text(s(row, "reason")),
            Text(lk.operator(by)),
            Plain(&local(at)),
            Plain(yes(b(a, "back_entered"))),
            Plain(s(a, "id")),
            seq.clone_plain(),
        ])
    }

    pub(crate) fn finish(self, lk: &Lookup<'_>, desk: &Desk, by: &Actor) -> Result<Vec<FileEntry>> {
        let mut files = vec![
            self.patients.finish()?,
            self.registrations.finish()?,
            self.receipts.finish()?,
            self.lines.finish()?,
            self.tenders.finish()?,
            self.corrections.finish()?,
            self.admissions.finish()?,
            self.deposits.finish()?,
        ];
        files.push(write_shifts(&self.dir, lk, desk, by, &self.shifts)?);
        files.push(write_outages(&self.dir, lk, &self.outages)?);
        Ok(files)
    }
}

impl Cell<'_> {
    fn clone_plain(&self) -> Cell<'_> {
        match self {
            Plain(t) => Plain(t),
            Owned(t) => Owned(t.clone()),
            Text(t) => Text(t),
            Yuan(v) => Yuan(*v),
            Int(v) => Int(*v),
        }
    }
}

fn remember(list: &mut Vec<(String, Option<Row>, Option<Row>)>, id: &str, start: Option<Row>, end: Option<Row>) {
    match list.iter_mut().find(|(k, _, _)| k == id) {
        Some(entry) => {
            if start.is_some() {
                entry.1 = start;
            }
            if end.is_some() {
                entry.2 = end;
            }
        }
        None => list.push((id.to_string(), start, end)),
    }
}

/// "现金 25.00；微信支付 10.00" for a receipt's tenders.
pub(crate) fn tender_summary(lk: &Lookup<'_>, receipt_id: &str) -> Result<String> {
    let mut stmt = lk
        .conn
        .prepare_cached("SELECT method, amount_fen, reference FROM tender WHERE receipt_id = ?1 ORDER BY n")?;
    let parts: Vec<String> = stmt
        .query_map([receipt_id], |r| {
            let method: String = r.get(0)?;
            let amount: i64 = r.get(1)?;
            let reference: String = r.get(2)?;
            let mut t = format!("{} {}", labels::method(&method), super::csv::yuan(amount));
            if !reference.is_empty() {
                t.push_str(&format!("（{reference}）"));
            }
            Ok(t)
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(parts.join("；"))
}

/// shifts.csv: each shift opened or closed in the batch, with the handover sheet's figures
/// (from `report`, the one derivation of them) once it is closed. A shift still open at the
/// end of the batch gets its figures in the batch that holds its close.
fn write_shifts(dir: &Path, lk: &Lookup<'_>, desk: &Desk, by: &Actor, shifts: &[(String, Option<Row>, Option<Row>)]) -> Result<FileEntry> {
    let mut headers = vec![
        "班次ID",
        "操作员",
        "开班时间",
        "备用金(元)",
        "备用金_fen",
        "交班时间",
        "清点现金(元)",
        "清点现金_fen",
        "应有现金(元)",
        "应有现金_fen",
        "差额(元)",
        "差额_fen",
        "挂号费(元)",
        "门诊收费(元)",
        "退费(元)",
        "作废(元)",
        "预交金(元)",
        "退预交金(元)",
        "实收(元)",
        "实收_fen",
    ];
    let methods = crate::receipt::tender::Method::ALL;
    let method_headers: Vec<String> = methods.iter().map(|m| format!("{}(元)", m.zh())).collect();
    headers.extend(method_headers.iter().map(String::as_str));
    headers.extend(["交班人", "应急ID"]);
    let mut csv = CsvFile::create(dir, SHIFTS, &headers)?;
    for (id, opened, closed) in shifts {
        let shift = match opened {
            Some(row) => row.clone(),
            None => lk.row("shift", "id", id)?.unwrap_or_default(),
        };
        let float = i(&shift, "float_fen");
        let mut cells: Vec<Cell<'_>> = vec![
            Plain(id),
            Text(lk.operator(s(&shift, "operator_id"))),
            Owned(local(s(&shift, "opened_at"))),
            Yuan(float),
            Int(float),
        ];
        match closed {
            Some(c) => {
                let report = desk.shift_report(by, crate::time::parse_stored_id(&id)?)?;
                let f = &report.figures;
                let g = &f.groups;
                let counted = f.counted_cash_fen.unwrap_or_else(|| i(c, "counted_fen"));
                let difference = f.difference_fen.unwrap_or(counted - f.expected_cash_fen);
                cells.extend([
                    Owned(local(s(c, "closed_at"))),
                    Yuan(counted),
                    Int(counted),
                    Yuan(f.expected_cash_fen),
                    Int(f.expected_cash_fen),
                    Yuan(difference),
                    Int(difference),
                    Yuan(g.registration.amount_fen),
                    Yuan(g.outpatient.amount_fen),
                    Yuan(-g.refunds.amount_fen),
                    Yuan(-g.voids.amount_fen),
                    Yuan(g.deposits.amount_fen),
                    Yuan(-g.deposit_refunds.amount_fen),
                    Yuan(f.net_fen),
                    Int(f.net_fen),
                ]);
                cells.extend(methods.iter().map(|m| Yuan(f.totals_by_tender_fen.get(*m))));
                cells.push(Text(lk.operator(s(c, "closed_by"))));
            }
            None => cells.extend((0..16 + methods.len()).map(|_| Plain(""))),
        }
        cells.push(Plain(s(&shift, "outage_id")));
        csv.row(&cells)?;
    }
    csv.finish()
}

fn write_outages(dir: &Path, lk: &Lookup<'_>, outages: &[(String, Option<Row>, Option<Row>)]) -> Result<FileEntry> {
    let mut csv = CsvFile::create(
        dir,
        OUTAGES,
        &[
            "应急ID",
            "停机原因",
            "HIS停机时间",
            "通知人",
            "启动人",
            "启动记录时间",
            "HIS恢复时间",
            "结束人",
            "结束记录时间",
        ],
    )?;
    for (id, started, ended) in outages {
        let o = match started {
            Some(row) => row.clone(),
            None => lk.row("outage", "id", id)?.unwrap_or_default(),
        };
        let e = ended.clone().unwrap_or_default();
        csv.row(&[
            Plain(id),
            Text(s(&o, "reason")),
            Plain(&local(s(&o, "his_down_at"))),
            Text(s(&o, "announced_by")),
            Text(lk.operator(s(&o, "started_by"))),
            Plain(&local(s(&o, "recorded_at"))),
            Plain(&local(s(&e, "his_up_at"))),
            Text(lk.operator(s(&e, "ended_by"))),
            Plain(&local(s(&e, "recorded_at"))),
        ])?;
    }
    csv.finish()
}
