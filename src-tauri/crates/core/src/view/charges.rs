//! Wire types of charging (`commands/charges.rs`, `downtime charge`): drafts and their pricing,
//! payments, refunds and their previews, and the change counted while cash is typed.

use super::*;

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
