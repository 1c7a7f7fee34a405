//! Wire types of receipts (`commands/charges.rs`, `downtime receipt`): a receipt as every window
//! and paper shows it, its tenders and subtotals, the not-printed list, a printing's outcome and
//! the check of a receipt's code.

use super::*;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReceiptLineView {
    #[ts(type = "number")]
    pub line_no: i64,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    /// Exact decimal text, up to three decimals: `"2"`, `"0.5"`.
    pub qty: String,
    /// Exact decimal text in yuan, up to four decimals.
    pub unit_price: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub category: String,
    pub is_drug: bool,
    /// A line outside the price list, approved by a supervisor.
    pub free_text: bool,
    pub free_reason: String,
    #[ts(type = "number | null")]
    pub refunds_line: Option<i64>,
    /// 医保类别 as printed (甲, 乙, 丙, 自付10%); empty when the list gave none.
    pub insurance_class: String,
    /// 付数 of a herbal line; `per_dose` is then its quantity per dose (`qty` = per_dose × doses).
    #[ts(type = "number | null")]
    pub doses: Option<i64>,
    pub per_dose: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TenderView {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    #[ts(type = "number | null")]
    pub tendered_fen: Option<i64>,
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SubtotalView {
    pub category: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReceiptView {
    pub id: String,
    pub receipt_no: String,
    pub kind: crate::charge::ReceiptKind,
    pub patient_id: String,
    pub patient_name: String,
    pub downtime_no: Option<String>,
    pub department: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    /// The total with the direction of the money: negative for refunds and deposit refunds.
    #[ts(type = "number")]
    pub signed_total_fen: i64,
    /// 大写: the total in Chinese capital numerals.
    pub total_capitals: String,
    #[ts(type = "number")]
    pub change_fen: i64,
    pub lines: Vec<ReceiptLineView>,
    pub subtotals: Vec<SubtotalView>,
    pub tenders: Vec<TenderView>,
    pub insured: bool,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    /// `YYYY-MM-DD`: re-settlement under insurance due by (insured only).
    pub resettle_due: Option<String>,
    /// `YYYY-MM-DD`: exchange of the manual receipt for a computer invoice due by.
    pub exchange_due: Option<String>,
    /// The due dates were counted Monday to Friday: the year's holiday schedule is missing.
    pub due_provisional: bool,
    pub paper_no: Option<String>,
    pub refund_of: Option<String>,
    #[ts(type = "number")]
    pub refunded_fen: i64,
    pub reason: String,
    pub supervisor: Option<String>,
    pub drug_return_by: Option<String>,
    pub voided: bool,
    pub void_reason: Option<String>,
    pub cashier: String,
    pub occurred_at: String,
    pub back_entered: bool,
    pub qr_payload: String,
    /// 退费 may be offered: a charge receipt, not voided, not wholly refunded.
    pub refundable: bool,
    /// 作废 may be offered: not voided, not a refund, nothing refunded (the shift is checked
    /// on confirm).
    pub voidable: bool,
    /// A refund paid back (some of it) another way than the money came: why.
    pub pay_back_reason: Option<String>,
    /// 交款人 of a deposit paid by a relative.
    pub payer: Option<DepositorView>,
}

impl From<&crate::charge::Receipt> for ReceiptView {
    fn from(r: &crate::charge::Receipt) -> Self {
        ReceiptView {
            id: r.id.to_string(),
            receipt_no: r.receipt_no.clone(),
            kind: r.kind,
            patient_id: r.patient.id.to_string(),
            patient_name: r.patient.name.clone(),
            downtime_no: r.patient.downtime_no.clone(),
            department: r.department.clone(),
            total_fen: r.total.get(),
            signed_total_fen: r.signed_total(),
            total_capitals: r.total.capitals(),
            change_fen: r.change.get(),
            lines: r
                .lines
                .iter()
                .map(|l| ReceiptLineView {
                    line_no: l.line_no,
                    code: l.code.clone(),
                    name: l.name.clone(),
                    spec: l.spec.clone(),
                    unit: l.unit.clone(),
                    qty: l.qty.text(),
                    unit_price: l.unit_price.yuan_text(),
                    amount_fen: l.amount.get(),
                    category: l.category.zh().to_string(),
                    is_drug: l.is_drug,
                    free_text: l.free_text,
                    free_reason: l.free_reason.clone(),
                    refunds_line: l.refunds_line,
                    insurance_class: l.insurance_class.clone(),
                    doses: l.doses,
                    per_dose: l.doses.map(|_| l.per_dose().text()),
                })
                .collect(),
            subtotals: r
                .subtotals()
                .into_iter()
                .map(|(c, f)| SubtotalView {
                    category: c.zh().to_string(),
                    amount_fen: f.get(),
                })
                .collect(),
            tenders: r
                .tenders
                .iter()
                .map(|t| TenderView {
                    method: t.method,
                    amount_fen: t.amount.get(),
                    tendered_fen: t.tendered.map(|f| f.get()),
                    reference: t.reference.clone(),
                })
                .collect(),
            insured: r.insured,
            insurance: r.insurance,
            insurance_no: r.insurance_no.clone(),
            resettle_due: r.resettle_due.map(|d| d.date.to_string()),
            exchange_due: r.exchange_due.map(|d| d.date.to_string()),
            due_provisional: r.exchange_due.is_some_and(|d| d.provisional),
            paper_no: r.paper_no.clone(),
            refund_of: r.refund_of.clone(),
            refunded_fen: r.refunded.get(),
            reason: r.reason.clone(),
            supervisor: r.supervisor.clone(),
            drug_return_by: r.drug_return_by.clone(),
            voided: r.voided.is_some(),
            void_reason: r.voided.as_ref().map(|v| v.reason.clone()),
            cashier: r.cashier.clone(),
            occurred_at: stamp(r.occurred_at),
            back_entered: r.back_entered,
            qr_payload: r.qr_payload.clone(),
            refundable: r.kind == crate::charge::ReceiptKind::Charge && r.voided.is_none() && r.refunded < r.total,
            voidable: r.voided.is_none()
                && !matches!(
                    r.kind,
                    crate::charge::ReceiptKind::Refund | crate::charge::ReceiptKind::DepositRefund
                )
                && r.refunded == crate::Fen::ZERO,
            pay_back_reason: r.pay_back_reason.clone(),
            payer: r.payer.as_ref().map(|p| DepositorView {
                name: p.name.clone(),
                relation: p.relation.clone(),
                phone: p.phone.clone(),
            }),
        }
    }
}

/// A receipt listed as not printed (未打印): its last printing did not reach the printer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UnprintedView {
    pub receipt_no: String,
    pub kind: crate::charge::ReceiptKind,
    pub patient_name: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub issued_at: String,
    /// The printing that failed was a 副本 (the receipt had been printed before); printed
    /// again it is a copy too. Otherwise it prints as the original.
    pub copy: bool,
    pub printer: String,
    pub problem: String,
    pub tried_at: String,
    /// Printings of it that did not reach the printer.
    #[ts(type = "number")]
    pub attempts: i64,
}

impl From<&crate::charge::printed::Unprinted> for UnprintedView {
    fn from(u: &crate::charge::printed::Unprinted) -> Self {
        UnprintedView {
            receipt_no: u.receipt.receipt_no.clone(),
            kind: u.receipt.kind,
            patient_name: u.receipt.patient.name.clone(),
            total_fen: u.receipt.total.get(),
            issued_at: stamp(u.receipt.occurred_at),
            copy: u.copy,
            printer: u.printer.clone(),
            problem: u.problem.clone(),
            tried_at: stamp(u.tried_at),
            attempts: u.attempts,
        }
    }
}

/// What printing did: the receipt is committed before it prints, so a printer failure loses
/// nothing; the PDF is always saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PrintResultView {
    pub receipt_no: String,
    pub pdf_path: String,
    pub sent_to_printer: bool,
    /// Why it was not printed, in both languages, when it was not.
    pub problem: Option<String>,
    pub problem_en: Option<String>,
    pub copy: bool,
}

impl PrintResultView {
    /// What printing `receipt_no` (empty for a document that is not a receipt) did.
    pub fn of(receipt_no: String, p: &crate::charge::print::Printed) -> PrintResultView {
        PrintResultView {
            receipt_no,
            pdf_path: p.pdf_path.display().to_string(),
            sent_to_printer: p.sent_to_printer,
            problem: p.problem.as_ref().map(|x| x.0.clone()),
            problem_en: p.problem.as_ref().map(|x| x.1.clone()),
            copy: p.copy,
        }
    }
}

/// A scanned receipt code, verified.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodeCheckView {
    /// What the paper is: as signed in the code, or from this station's records for a code
    /// printed before kinds were signed; none when neither says.
    pub kind: Option<crate::charge::ReceiptKind>,
    /// The signature checked (a code that fails is an error, never a view).
    pub valid: bool,
    /// The journal position the paper was issued on (`SEQ:HASH16`), held against this
    /// station's chain; none on a paper printed before anchors.
    pub anchor: Option<String>,
    /// On the issuing station: `valid`, `voided`, `partly_refunded` or `refunded`.
    pub state: Option<String>,
    pub station: String,
    pub receipt_no: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub issued_at: String,
    pub on_record: bool,
    pub voided: bool,
    #[ts(type = "number")]
    pub refunded_fen: i64,
}

impl CodeCheckView {
    /// What `receipt check` and the window's scan say of a checked code and the record of it.
    pub fn of(checked: &crate::receipt::qr::Checked, record: Option<&crate::charge::Receipt>) -> CodeCheckView {
        CodeCheckView {
            kind: checked.kind.or(record.map(|r| r.kind)),
            valid: true,
            anchor: checked.anchor.as_ref().map(|a| a.to_string()),
            state: record.map(|r| crate::receipt::qr::state(r).to_string()),
            station: checked.station.clone(),
            receipt_no: checked.receipt_no.clone(),
            total_fen: checked.total.get(),
            issued_at: crate::time::stamp(checked.issued),
            on_record: record.is_some(),
            voided: record.is_some_and(|r| r.voided.is_some()),
            refunded_fen: record.map(|r| r.refunded.get()).unwrap_or(0),
        }
    }
}
