//! The CSVs for finance: one row per record of the batch, in journal order. Money paid back
//! is negative; each amount is given in yuan and, beside it, as integer fen (`…_fen`).
//!
//! This file dispatches each journal row to its CSV (lines, tenders, voids and 退号 written
//! here); `rows.rs` writes the rows of patients, registrations, receipts (and refunds and
//! deposits) and admissions, `shifts.rs` shifts.csv and outage.csv at the end, `columns.rs`
//! holds every CSV's headers.

mod columns;
mod rows;
mod shifts;

use super::csv::{Cell, Cell::*, CsvFile};
use super::labels::{self, local, yes};
use super::lookup::{b, i, s, Lookup, Row};
use crate::batch::payload::Payload;
use crate::batch::tally::receipt_sign;
use crate::batch::FileEntry;
use crate::error::Result;
use crate::operator::Actor;
use crate::store::Desk;
use columns::*;
use foldhash::{HashMap, HashMapExt, HashSet};
use shifts::{write_outages, write_shifts};
use std::path::Path;

pub(crate) use rows::tender_summary;

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
            patients: CsvFile::create(dir, PATIENTS, PATIENTS_COLUMNS)?,
            registrations: CsvFile::create(dir, REGISTRATIONS, REGISTRATIONS_COLUMNS)?,
            receipts: CsvFile::create(dir, RECEIPTS, RECEIPTS_COLUMNS)?,
            lines: CsvFile::create(dir, LINES, LINES_COLUMNS)?,
            tenders: CsvFile::create(dir, TENDERS, TENDERS_COLUMNS)?,
            corrections: CsvFile::create(dir, CORRECTIONS, CORRECTIONS_COLUMNS)?,
            admissions: CsvFile::create(dir, ADMISSIONS, ADMISSIONS_COLUMNS)?,
            deposits: CsvFile::create(dir, DEPOSITS, DEPOSITS_COLUMNS)?,
            shifts: Vec::new(),
            outages: Vec::new(),
            dir: dir.to_path_buf(),
        })
    }

    /// Writes the rows of one journal entry.
    pub(crate) fn entry(&mut self, lk: &Lookup<'_>, seq: i64, payload: &Payload<'_>, voided: &HashSet<String>) -> Result<()> {
        let seq_text = seq.to_string();
        let seq_cell = Plain(&seq_text);
        let mut heads: HashMap<String, ReceiptHead> = HashMap::new();
        for (table, row) in payload.rows() {
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
                    let refunds_line = row.int_opt("refunds_line").map(|n| n.to_string()).unwrap_or_default();
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
                    let tendered = row.int_opt("tendered_fen");
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
                "shift" => remember(&mut self.shifts, s(row, "id"), Some(row.to_owned_rec()), None),
                "shift_close" => remember(&mut self.shifts, s(row, "shift_id"), None, Some(row.to_owned_rec())),
                "outage" => remember(&mut self.outages, s(row, "id"), Some(row.to_owned_rec()), None),
                "outage_end" => remember(&mut self.outages, s(row, "outage_id"), None, Some(row.to_owned_rec())),
                _ => {}
            }
        }
        Ok(())
    }
}

impl Finance {
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
