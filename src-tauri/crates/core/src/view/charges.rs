//! Wire types of charging (`commands/charges.rs`, `downtime charge|receipt`): drafts and their
//! pricing, payments, receipts, refunds and their previews, printing and the code check.

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

/// A line of a draft charge as the window holds it: a catalog code and the quantity typed,
/// or an item outside the price list (name, unit price typed in yuan, category, reason).
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DraftLineInput {
    pub code: Option<String>,
    /// As typed: up to three decimals; for a herbal line, the quantity per dose.
    pub qty: String,
    /// 付数 of a herbal line, as typed.
    pub doses: Option<String>,
    pub free_name: Option<String>,
    pub free_unit: Option<String>,
    /// As typed, in yuan, up to four decimals.
    pub free_unit_price: Option<String>,
    pub free_category: Option<crate::catalog::category::FeeCategory>,
    pub free_reason: Option<String>,
}

impl TryFrom<&DraftLineInput> for crate::charge::LineInput {
    type Error = crate::CoreError;
    fn try_from(l: &DraftLineInput) -> crate::Result<Self> {
        use crate::catalog::price::{Quantity, UnitPrice};
        let qty = Quantity::parse(&l.qty)?;
        let doses = l.doses.as_deref().map(str::trim).filter(|d| !d.is_empty());
        Ok(match (&l.code, &l.free_name) {
            (Some(code), _) if !code.trim().is_empty() => match doses {
                Some(d) => crate::charge::LineInput::Herbal {
                    code: code.clone(),
                    per_dose: qty,
                    doses: parse_doses(d)?,
                },
                None => crate::charge::LineInput::Item { code: code.clone(), qty },
            },
            _ => crate::charge::LineInput::FreeText {
                name: l.free_name.clone().unwrap_or_default(),
                unit: l.free_unit.clone().unwrap_or_default(),
                unit_price: UnitPrice::parse(l.free_unit_price.as_deref().unwrap_or(""))?,
                qty,
                category: l.free_category.unwrap_or(crate::catalog::category::FeeCategory::Other),
                reason: l.free_reason.clone().unwrap_or_default(),
            },
        })
    }
}

/// The lines of a draft as the core prices them.
pub fn draft_lines(lines: &[DraftLineInput]) -> crate::Result<Vec<crate::charge::LineInput>> {
    lines.iter().map(crate::charge::LineInput::try_from).collect()
}

/// The payment panel's choice as the core takes it: insured, or self-pay with the reason
/// typed (an insured patient without one is refused by the core).
pub(crate) fn payer_of(insured: bool, self_pay_reason: Option<String>) -> crate::charge::Payer {
    if insured {
        crate::charge::Payer::Insured
    } else {
        crate::charge::Payer::SelfPay(self_pay_reason.unwrap_or_default())
    }
}

use crate::charge::parse_doses;

/// A tender from the payment panel; money as integer fen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct TenderInput {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub reference: String,
}

impl TryFrom<&TenderInput> for crate::receipt::tender::TenderInput {
    type Error = crate::CoreError;
    fn try_from(t: &TenderInput) -> crate::Result<Self> {
        Ok(crate::receipt::tender::TenderInput {
            method: t.method,
            amount: crate::Fen::new(t.amount_fen)?,
            reference: t.reference.clone(),
        })
    }
}

/// Tenders as the core takes them: each amount a valid number of fen.
pub(crate) fn tenders(t: &[TenderInput]) -> crate::Result<Vec<crate::receipt::tender::TenderInput>> {
    t.iter().map(crate::receipt::tender::TenderInput::try_from).collect()
}

/// Cash handed over, in fen.
pub(crate) fn fen(f: Option<i64>) -> crate::Result<Option<crate::Fen>> {
    f.map(crate::Fen::new).transpose()
}

/// A record id made by the window (idempotency key).
pub(crate) fn id(text: &str) -> crate::Result<uuid::Uuid> {
    crate::ids::parse_id(text, "编号")
}

/// A draft priced by the core: what the charging screen shows while lines are entered.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PricedDraftView {
    pub lines: Vec<ReceiptLineView>,
    pub subtotals: Vec<SubtotalView>,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub total_capitals: String,
    /// The re-settlement / exchange due date if paid today.
    pub due_if_paid_today: Option<String>,
    pub due_provisional: bool,
}

impl From<&crate::charge::PricedDraft> for PricedDraftView {
    fn from(d: &crate::charge::PricedDraft) -> Self {
        let view = ReceiptView::from(&crate::charge::draft_receipt(d.lines.clone(), d.total));
        PricedDraftView {
            lines: view.lines,
            subtotals: view.subtotals,
            total_fen: d.total.get(),
            total_capitals: d.total.capitals(),
            due_if_paid_today: Some(d.due_if_paid_today.date.to_string()),
            due_provisional: d.due_if_paid_today.provisional,
        }
    }
}

/// The payment panel's confirm.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct PayInput {
    /// Made when the draft started; a retry with the same id returns the same receipt.
    pub id: String,
    pub patient: String,
    pub visit: Option<String>,
    pub lines: Vec<DraftLineInput>,
    pub tenders: Vec<TenderInput>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    /// Charged as insured (the default shown for a patient with insurance on file).
    pub insured: bool,
    /// Why an insured patient pays as self-pay (needed then).
    pub self_pay_reason: Option<String>,
    pub paper_no: Option<String>,
    pub back_entered_at: Option<String>,
    /// Needed for lines outside the price list.
    pub supervisor: Option<CredentialsInput>,
}

impl TryFrom<PayInput> for crate::charge::ChargeInput {
    type Error = crate::CoreError;
    fn try_from(i: PayInput) -> crate::Result<Self> {
        Ok(crate::charge::ChargeInput {
            id: id(&i.id)?,
            patient: i.patient,
            visit: i.visit.as_deref().map(id).transpose()?,
            lines: draft_lines(&i.lines)?,
            tenders: tenders(&i.tenders)?,
            cash_tendered: fen(i.cash_tendered_fen)?,
            payer: payer_of(i.insured, i.self_pay_reason),
            paper_no: i.paper_no,
            back_entered_at: TypedTime::parse_opt(i.back_entered_at.as_deref())?,
            approver: i.supervisor.map(Approval::from),
        })
    }
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RefundLineInput {
    #[ts(type = "number")]
    pub line_no: i64,
    pub qty: String,
}

/// The marked lines of a refund: (line number as printed, quantity).
pub fn refund_lines(lines: &[RefundLineInput]) -> crate::Result<Vec<(i64, crate::catalog::price::Quantity)>> {
    lines
        .iter()
        .map(|l| Ok((l.line_no, crate::catalog::price::Quantity::parse(&l.qty)?)))
        .collect()
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RefundInput {
    pub id: String,
    pub receipt_no: String,
    /// Empty: the whole receipt.
    pub lines: Vec<RefundLineInput>,
    pub reason: String,
    /// Empty: back the way the money came (原路退回).
    pub tenders: Vec<TenderInput>,
    /// Why the money goes back another way (needed then, printed on the voucher).
    pub pay_back_reason: Option<String>,
    pub drug_return_by: Option<String>,
    /// Checked by the core when the refund is made (`Desk::refund_receipt`).
    pub supervisor: CredentialsInput,
}

impl TryFrom<&RefundInput> for crate::charge::correction::RefundInput {
    type Error = crate::CoreError;
    fn try_from(i: &RefundInput) -> crate::Result<Self> {
        Ok(crate::charge::correction::RefundInput {
            id: id(&i.id)?,
            receipt_no: i.receipt_no.clone(),
            lines: refund_lines(&i.lines)?,
            reason: i.reason.clone(),
            tenders: tenders(&i.tenders)?,
            pay_back_reason: i.pay_back_reason.clone(),
            drug_return_by: i.drug_return_by.clone(),
        })
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

/// 找零, live while the cash handed over is typed: the change, or what is still missing.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CashChangeView {
    #[ts(type = "number | null")]
    pub change_fen: Option<i64>,
    #[ts(type = "number | null")]
    pub short_fen: Option<i64>,
}

impl From<crate::receipt::tender::CashChange> for CashChangeView {
    fn from(c: crate::receipt::tender::CashChange) -> Self {
        use crate::receipt::tender::CashChange::*;
        match c {
            Change(f) => CashChangeView {
                change_fen: Some(f.get()),
                short_fen: None,
            },
            Short(f) => CashChangeView {
                change_fen: None,
                short_fen: Some(f.get()),
            },
        }
    }
}

/// A line of a refund preview: the line as charged, what is left of it, what this refund takes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RefundPreviewLineView {
    #[ts(type = "number")]
    pub line_no: i64,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub is_drug: bool,
    /// Quantity paid on the receipt.
    pub paid_qty: String,
    /// Quantity not yet refunded ("0" when the line is done).
    pub left_qty: String,
    #[ts(type = "number")]
    pub left_fen: i64,
    /// Refunded now; null when the line is not marked.
    pub qty: Option<String>,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// 退费预览: the refund's lines, total and how it goes back, before it is confirmed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RefundPreviewView {
    pub receipt_no: String,
    pub lines: Vec<RefundPreviewLineView>,
    #[ts(type = "number")]
    pub total_fen: i64,
    /// How the money goes back, each part marked when it is not the way the money came.
    pub pay_back: Vec<PayBackView>,
    /// The ways the money came in, with what is left on each (原支付方式).
    pub channels: Vec<ChannelView>,
}

/// One part of a refund's way back.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PayBackView {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub reference: String,
    /// Not the way the money came: the refund needs a reason, printed on the voucher.
    pub other_way: bool,
}

/// One way the money came in (原支付方式): cash together, or one card / transaction.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChannelView {
    pub method: crate::receipt::tender::Method,
    pub reference: String,
    #[ts(type = "number")]
    pub paid_fen: i64,
    /// What may still go back on it.
    #[ts(type = "number")]
    pub left_fen: i64,
}

/// The views of a way back and of the channels it was worked out from.
pub fn pay_back_views(
    way: &crate::charge::payback::PayBack,
    channels: &[crate::charge::payback::Channel],
) -> (Vec<PayBackView>, Vec<ChannelView>) {
    (
        way.tenders
            .iter()
            .enumerate()
            .map(|(i, t)| PayBackView {
                method: t.method,
                amount_fen: t.amount.get(),
                reference: t.reference.clone(),
                other_way: way.other_way.contains(&i),
            })
            .collect(),
        channels
            .iter()
            .map(|c| ChannelView {
                method: c.method,
                reference: c.reference.clone(),
                paid_fen: c.paid.get(),
                left_fen: c.left.get(),
            })
            .collect(),
    )
}

impl From<&crate::charge::correction::RefundPreview> for RefundPreviewView {
    fn from(p: &crate::charge::correction::RefundPreview) -> Self {
        RefundPreviewView {
            receipt_no: p.receipt_no.clone(),
            lines: p
                .lines
                .iter()
                .map(|l| RefundPreviewLineView {
                    line_no: l.left.line.line_no,
                    name: l.left.line.name.clone(),
                    spec: l.left.line.spec.clone(),
                    unit: l.left.line.unit.clone(),
                    is_drug: l.left.line.is_drug,
                    paid_qty: l.left.line.qty.text(),
                    left_qty: crate::catalog::price::Quantity::from_milli(l.left.qty_left)
                        .map(|q| q.text())
                        .unwrap_or_else(|_| "0".into()),
                    left_fen: l.left.amount_left.get(),
                    qty: l.qty.map(|q| q.text()),
                    amount_fen: l.amount.get(),
                })
                .collect(),
            total_fen: p.total.get(),
            pay_back: pay_back_views(&p.pay_back, &p.channels).0,
            channels: pay_back_views(&p.pay_back, &p.channels).1,
        }
    }
}
