//! The rows finance reads per record: a patient, a registration, a receipt (with its line in
//! voids-refunds.csv for a refund, or in deposits.csv for a deposit movement) and an admission
//! (its cancellation or transfer too); and the one-cell summary of a receipt's tenders.

use super::Finance;
use crate::batch::payload::Rec;
use crate::batch::tally::receipt_sign;
use crate::error::Result;
use crate::export::csv::{Cell, Cell::*};
use crate::export::labels::{self, local, yes};
use crate::export::lookup::{b, i, s, Lookup};
use foldhash::HashSet;

impl Finance {
    pub(super) fn patient(&mut self, lk: &Lookup<'_>, row: &Rec<'_>, seq: &Cell<'_>) -> Result<()> {
        let age = row.int_opt("age_years").map(|a| a.to_string()).unwrap_or_default();
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

    pub(super) fn registration(&mut self, lk: &Lookup<'_>, row: &Rec<'_>, seq: &Cell<'_>) -> Result<()> {
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

    pub(super) fn receipt(&mut self, lk: &Lookup<'_>, row: &Rec<'_>, seq: &Cell<'_>, voided: &HashSet<String>) -> Result<()> {
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
    pub(super) fn admission(&mut self, lk: &Lookup<'_>, what: &str, a: &Rec<'_>, row: &Rec<'_>, seq: &Cell<'_>) -> Result<()> {
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
            let mut t = format!("{} {}", labels::method(&method), crate::export::csv::yuan(amount));
            if !reference.is_empty() {
                t.push_str(&format!("（{reference}）"));
            }
            Ok(t)
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(parts.join("；"))
}
