//! 划价: pricing a draft's lines against the price list in force — item lines (whole
//! quantities for units that count visits and tests, herbal lines as a quantity per dose ×
//! 付数), free-text lines with a supervisor — and the draft as the charging window shows it,
//! with the due date it would carry if paid today. Nothing is written.

use crate::catalog::category::FeeCategory;
use crate::catalog::price::{line_amount, Quantity, UnitPrice};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Insurance;
use crate::receipt::{placeholder_patient, Receipt, ReceiptKind, ReceiptLine};
use crate::store::Desk;
use crate::workdays::{Due, DUE_WORKING_DAYS};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Most doses (付) one herbal line may have.
pub const MAX_DOSES: i64 = 99;

/// 付数 as typed (the window's draft line, the command line's `CODE*QTY*DOSES`): a whole
/// number above zero.
pub fn parse_doses(text: &str) -> Result<i64> {
    text.trim().parse::<i64>().ok().filter(|d| *d > 0).ok_or_else(|| {
        invalid!(
            DosesInvalid,
            format!("付数“{text}”无效：应为 1 到 {MAX_DOSES} 的整数"),
            format!("Invalid number of doses \"{text}\": a whole number from 1 to {MAX_DOSES}")
        )
    })
}

/// A line of a price-list item: `doses` for a herbal line (中药饮片 only, and always), a whole
/// quantity where the item counts whole units (次, 项 …).
fn item_line(
    line_no: i64,
    item: Option<&crate::catalog::CatalogItem>,
    month: &str,
    code: &str,
    qty: Quantity,
    doses: Option<i64>,
) -> Result<ReceiptLine> {
    let item = item.ok_or_else(|| {
        invalid!(
            ItemUnknown,
            format!("第 {line_no} 行：当前价目表（{month}）中没有编码为“{code}”的项目"),
            format!("Line {line_no}: the active price list ({month}) has no item \"{code}\"")
        )
    })?;
    match (item.by_dose(), doses) {
        (true, None) => {
            return Err(invalid!(
                HerbalNeedsDoses,
                format!(
                    "第 {line_no} 行：{}是中药饮片，请按每付用量和付数录入（如 10 克 × 7 付）",
                    item.name
                ),
                format!(
                    "Line {line_no}: {} is a herbal piece: enter the quantity per dose and the number of doses (e.g. 10 g × 7)",
                    item.name
                )
            ))
        }
        (false, Some(_)) => {
            return Err(invalid!(
                DosesNotHerbal,
                format!("第 {line_no} 行：{}不是中药饮片，不按付数收费", item.name),
                format!("Line {line_no}: {} is not a herbal piece; it is not charged by doses", item.name)
            ))
        }
        _ => {}
    }
    check_whole(line_no, &item.name, &item.unit, qty, item.whole_units())?;
    item_as_line(line_no, item, qty, doses)
}

/// A price-list item as a receipt line, at its price (a charge's line once checked, a
/// registration's fee item).
pub(crate) fn item_as_line(line_no: i64, item: &crate::catalog::CatalogItem, qty: Quantity, doses: Option<i64>) -> Result<ReceiptLine> {
    Ok(ReceiptLine {
        line_no,
        amount: line_amount(qty, item.price)?,
        code: item.code.clone(),
        name: item.name.clone(),
        spec: item.spec.clone(),
        unit: item.unit.clone(),
        qty,
        unit_price: item.price,
        category: item.category,
        is_drug: item.is_drug,
        free_text: false,
        free_reason: String::new(),
        refunds_line: None,
        insurance_class: item.insurance_class.clone(),
        doses,
    })
}

/// Refuses a fraction of a unit that counts visits or tests.
pub(crate) fn check_whole(line_no: i64, name: &str, unit: &str, qty: Quantity, whole: bool) -> Result<()> {
    if whole && qty.milli() % 1000 != 0 {
        return Err(invalid!(
            QuantityNotWhole,
            format!("第 {line_no} 行：{name}按“{unit}”计，数量须为整数，不能是 {}", qty.text()),
            format!("Line {line_no}: {name} counts in whole \"{unit}\", not {}", qty.text())
        ));
    }
    Ok(())
}

/// Most lines one charge may hold (a prescription plus its exams; anything longer is a
/// typing accident, not a visit).
pub const MAX_LINES: usize = 200;

/// A line as the cashier entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineInput {
    /// An item of the active price list.
    Item { code: String, qty: Quantity },
    /// 中药饮片: a quantity per dose (剂/付) taken `doses` times; the line's quantity is their
    /// product.
    Herbal { code: String, per_dose: Quantity, doses: i64 },
    /// An item missing from the month-end list: needs a supervisor and a reason, and is
    /// flagged in every report and export.
    FreeText {
        name: String,
        unit: String,
        unit_price: UnitPrice,
        qty: Quantity,
        category: FeeCategory,
        reason: String,
    },
}

impl Desk {
    /// Prices lines against the active catalog by the receipt rules: each line's amount is
    /// quantity × unit price rounded half-up to the fen; the total is their sum. The window
    /// calls this on every change of a draft, so that no money is computed outside the core.
    pub fn price_lines(&mut self, input: &[LineInput], approver: Option<&Actor>) -> Result<(Vec<ReceiptLine>, Fen)> {
        if input.len() > MAX_LINES {
            return Err(invalid!(
                ChargeTooManyLines,
                format!("一笔收费最多 {MAX_LINES} 行，现在有 {} 行：请分开收费", input.len()),
                format!("One charge holds at most {MAX_LINES} lines, this one has {}: split it", input.len())
            ));
        }
        let catalog = self.require_catalog()?;
        self.price_lines_in(&catalog, input, approver)
    }

    /// Prices a draft for the charging window, as `price_lines` does, except that without a
    /// supervisor the free-text lines are left out instead of refusing the whole draft: the
    /// window shows them unpriced (and out of the total) until a supervisor approves them
    /// again, for instance after a reload. With the due date (re-settlement, invoice
    /// exchange) the receipt will carry if it is paid today.
    pub fn price_draft(&mut self, input: &[LineInput], approver: Option<&crate::operator::Approval>) -> Result<PricedDraft> {
        let approver = self.approval(approver)?;
        let (lines, total) = if approver.is_some() {
            self.price_lines(input, approver.as_ref())?
        } else {
            let items: Vec<LineInput> = input.iter().filter(|l| !matches!(l, LineInput::FreeText { .. })).cloned().collect();
            self.price_lines(&items, None)?
        };
        let due_if_paid_today = self.due_after(self.today(), DUE_WORKING_DAYS)?;
        Ok(PricedDraft {
            lines,
            total,
            due_if_paid_today,
        })
    }

    /// `price_lines` against `catalog`, already looked up by the caller.
    pub(crate) fn price_lines_in(
        &mut self,
        catalog: &crate::catalog::CatalogVersion,
        input: &[LineInput],
        approver: Option<&Actor>,
    ) -> Result<(Vec<ReceiptLine>, Fen)> {
        let mut lines = Vec::with_capacity(input.len());
        let mut total = Fen::ZERO;
        // The items in force, looked up once for the whole draft.
        let in_force = self.items_in_force()?;
        for (i, l) in input.iter().enumerate() {
            let line_no = i as i64 + 1;
            let line = match l {
                LineInput::Item { code, qty } => item_line(
                    line_no,
                    in_force.as_ref().and_then(|c| c.get(code)),
                    &catalog.month,
                    code,
                    *qty,
                    None,
                )?,
                LineInput::Herbal { code, per_dose, doses } => {
                    if !(1..=MAX_DOSES).contains(doses) {
                        return Err(invalid!(
                            DosesInvalid,
                            format!("第 {line_no} 行：付数应为 1 到 {MAX_DOSES} 的整数"),
                            format!("Line {line_no}: the number of doses must be a whole number from 1 to {MAX_DOSES}")
                        ));
                    }
                    let qty = Quantity::from_milli(per_dose.milli().saturating_mul(*doses))?;
                    item_line(
                        line_no,
                        in_force.as_ref().and_then(|c| c.get(code)),
                        &catalog.month,
                        code,
                        qty,
                        Some(*doses),
                    )?
                }
                LineInput::FreeText {
                    name,
                    unit,
                    unit_price,
                    qty,
                    category,
                    reason,
                } => {
                    let approver = approver.ok_or_else(|| {
                        invalid!(
                            FreeTextNeedsSupervisor,
                            "价目表外的项目需要主管授权",
                            "An item outside the price list needs a supervisor's approval"
                        )
                    })?;
                    approver.require(Permission::Supervise)?;
                    check_whole(line_no, name, unit, *qty, crate::catalog::WHOLE_UNITS.contains(&unit.trim()))?;
                    ReceiptLine {
                        line_no,
                        code: String::new(),
                        name: clean_text(name, 40, ("项目名称", "Item name"))?,
                        spec: String::new(),
                        unit: unit.trim().to_string(),
                        qty: *qty,
                        unit_price: *unit_price,
                        amount: line_amount(*qty, *unit_price)?,
                        category: *category,
                        is_drug: category.is_drug(),
                        free_text: true,
                        free_reason: clean_text(reason, 100, ("原因", "Reason"))?,
                        refunds_line: None,
                        insurance_class: String::new(),
                        doses: None,
                    }
                }
            };
            total = total
                .checked_add(line.amount)
                .ok_or_else(|| invalid!(AmountOutOfRange, "收费合计超出范围", "The charge total is out of range"))?;
            lines.push(line);
        }
        Ok((lines, total))
    }
}

/// A draft as priced for the charging window ([`Desk::price_draft`]).
#[derive(Debug, Clone)]
pub struct PricedDraft {
    pub lines: Vec<ReceiptLine>,
    pub total: Fen,
    /// The re-settlement / invoice exchange due date if the draft is paid today.
    pub due_if_paid_today: Due,
}

/// A receipt-shaped view of priced draft lines (for the charging screen's table and
/// subtotals; nothing is written).
pub fn draft_receipt(lines: Vec<ReceiptLine>, total: Fen) -> Receipt {
    Receipt {
        id: Uuid::nil(),
        receipt_no: String::new(),
        kind: ReceiptKind::Charge,
        patient: placeholder_patient(),
        registration_id: None,
        admission_id: None,
        department: String::new(),
        refund_of: None,
        lines,
        tenders: vec![],
        total,
        change: Fen::ZERO,
        insured: false,
        insurance: Insurance::SelfPay,
        insurance_no: String::new(),
        resettle_due: None,
        exchange_due: None,
        paper_no: None,
        reason: String::new(),
        supervisor: None,
        drug_return_by: None,
        catalog_version: None,
        cashier: String::new(),
        shift_id: Uuid::nil(),
        outage_id: Uuid::nil(),
        occurred_at: DateTime::<Utc>::default(),
        back_entered: false,
        qr_payload: String::new(),
        voided: None,
        refunded: Fen::ZERO,
        pay_back_reason: None,
        payer: None,
    }
}
