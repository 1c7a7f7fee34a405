//! Corrections of issued receipts, each a record of its own: void (作废, same shift, with a
//! supervisor), refund (退费, by line and quantity or whole, with a supervisor, never more than
//! was paid, with its own numbered refund receipt). Printing records are in `printed`.

use super::payback::{self, Channel, PayBack};
use crate::catalog::price::{line_amount, Quantity};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::money::Fen;
use crate::operator::{Actor, Approval};
use crate::receipt::tender::{settle, Method, TenderInput};
use crate::receipt::write::{insert_receipt, NewReceipt};
use crate::receipt::{Receipt, ReceiptKind, ReceiptLine};
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::params;
use uuid::Uuid;

/// A refund request.
#[derive(Debug, Clone)]
pub struct RefundInput {
    /// Made by the window (idempotency key, like a charge's).
    pub id: Uuid,
    pub receipt_no: String,
    /// (line number as printed, quantity); empty = everything not yet refunded.
    pub lines: Vec<(i64, Quantity)>,
    pub reason: String,
    /// How the money goes back; empty = the way it came (原路退回, [`payback`]).
    pub tenders: Vec<TenderInput>,
    /// Why any of `tenders` goes another way than the money came (printed on the voucher).
    pub pay_back_reason: Option<String>,
    /// 退药确认: who in the pharmacy confirmed that the drugs came back.
    pub drug_return_by: Option<String>,
}

/// What a scanned return slip (退药单) tells a refund: which slip, the receipt it returns
/// against, who confirmed the return (the refund's `drug_return_by`) and the lines taken back.
/// The pharmacy's module reads and verifies the slip; the refund only takes what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugReturn {
    pub slip_no: String,
    pub receipt_no: String,
    pub confirmed_by: String,
    pub lines: Vec<(i64, Quantity)>,
}

/// Reads a refund's `drug_return_by` as a scanned return slip; none when it is a name typed in.
pub type SlipReader<'a> = &'a dyn Fn(&Desk, &str) -> Result<Option<DrugReturn>>;

/// What is left to refund of one line of a charge receipt.
#[derive(Debug, Clone)]
pub struct LineLeft {
    /// The line as charged.
    pub line: ReceiptLine,
    /// Quantity not yet refunded, in thousandths.
    pub qty_left: i64,
    pub amount_left: Fen,
}

/// One line of a refund preview: what is left of it, and what this refund takes.
#[derive(Debug, Clone)]
pub struct RefundPreviewLine {
    pub left: LineLeft,
    /// Refunded now (none: not marked).
    pub qty: Option<Quantity>,
    pub amount: Fen,
}

/// A refund worked out before it is confirmed.
#[derive(Debug, Clone)]
pub struct RefundPreview {
    pub receipt_no: String,
    pub lines: Vec<RefundPreviewLine>,
    pub total: Fen,
    /// How the money goes back: the way it came unless another was asked for.
    pub pay_back: PayBack,
    /// The ways the money came in, with what is left on each.
    pub channels: Vec<Channel>,
}

/// The reason finance looks for: the whole receipt refunded so the HIS can re-settle it.
pub const RESETTLEMENT_REASON: &str = "医保重新结算";

use crate::receipt::unknown_receipt as unknown;

/// A registration's fee receipt goes back only with its registration.
fn registration_receipt(no: &str) -> crate::CoreError {
    invalid!(
        ReceiptIsRegistration,
        format!("收据 {no} 是挂号费收据：请在挂号页面（F4）办理退号，挂号费随退号退还"),
        format!("Receipt {no} pays a registration fee: cancel the registration on the registration screen (F4), which refunds it")
    )
}

impl Desk {
    /// 作废: a supervisor voids a receipt of the operator's current shift; the number stays
    /// used and shows as voided everywhere.
    pub fn void_receipt(&mut self, by: &Actor, supervisor: impl Into<Approval>, receipt_no: &str, reason: &str) -> Result<Receipt> {
        let supervisor = self.approver(&supervisor.into())?;
        self.in_write_tx(|desk| desk.void_receipt_in_tx(by, &supervisor, receipt_no, reason))
    }

    fn void_receipt_in_tx(&mut self, by: &Actor, supervisor: &Actor, receipt_no: &str, reason: &str) -> Result<Receipt> {
        supervisor.approve(by)?;
        let reason = clean_text(reason, 100, ("作废原因", "Reason"))?;
        let r = self.receipt(receipt_no)?.ok_or_else(|| unknown(receipt_no))?;
        if r.voided.is_some() {
            return Err(invalid!(
                ReceiptAlreadyVoided,
                format!("收据 {} 已经作废", r.receipt_no),
                format!("Receipt {} is already voided", r.receipt_no)
            ));
        }
        if r.kind == ReceiptKind::Registration {
            return Err(registration_receipt(&r.receipt_no));
        }
        if matches!(r.kind, ReceiptKind::Refund | ReceiptKind::DepositRefund) {
            return Err(invalid!(ReceiptVoidRefund, "退费凭证不能作废", "A refund receipt cannot be voided"));
        }
        if r.refunded > Fen::ZERO {
            return Err(invalid!(
                ReceiptHasRefunds,
                format!("收据 {} 已有退费，不能再作废", r.receipt_no),
                format!("Receipt {} has refunds; it cannot be voided", r.receipt_no)
            ));
        }
        if r.kind == ReceiptKind::Deposit {
            let admission = r
                .admission_id
                .and_then(|id| self.admissions(false).ok()?.into_iter().find(|a| a.id == id));
            if let Some(a) = admission {
                let balance = self.deposit_account(&a.inpatient_no)?.balance;
                if balance < r.total {
                    return Err(invalid!(
                        DepositVoidBelowZero,
                        format!(
                            "作废这笔预交金后余额将为负（余额 {balance}，本笔 {}）：已退还的部分请先处理",
                            r.total
                        ),
                        format!(
                            "Voiding this deposit would make the balance negative (balance {balance}, this one {})",
                            r.total
                        )
                    ));
                }
            }
        }
        let shift = self.shift_for_money(by)?;
        if shift.id != r.shift_id {
            return Err(invalid!(
                ReceiptVoidOtherShift,
                format!(
                    "只能作废本班次的收据；收据 {} 不属于 {} 当前的班次，请改用退费",
                    r.receipt_no,
                    by.name()
                ),
                format!(
                    "Only receipts of the current shift can be voided; {} is not in {}'s current shift: refund it instead",
                    r.receipt_no,
                    by.name()
                )
            ));
        }
        let now = self.now();
        self.record_one(
            by.name(),
            "receipt_voided",
            "receipt_void",
            now,
            "INSERT INTO receipt_void (receipt_id, reason, supervisor_id, operator_id, shift_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                r.id.to_string(),
                reason,
                supervisor.id().to_string(),
                by.id().to_string(),
                shift.id.to_string(),
                stamp(now)
            ],
        )?;
        Ok(self.receipt(receipt_no)?.expect("exists"))
    }

    /// 退费: pays back lines (or the whole receipt) of a charge, never more than was paid per
    /// line and in total, and issues a numbered refund receipt. `read_slip` reads a
    /// `drug_return_by` that is a scanned return slip (none: a name typed in); the counter's
    /// refund, `Desk::refund_receipt`, passes the pharmacy's reader.
    pub fn refund_receipt_with(
        &mut self,
        by: &Actor,
        supervisor: impl Into<Approval>,
        input: &RefundInput,
        read_slip: SlipReader<'_>,
    ) -> Result<Receipt> {
        let supervisor = self.approver(&supervisor.into())?;
        self.in_write_tx(|desk| desk.refund_receipt_in_tx(by, &supervisor, input, read_slip))
    }

    fn refund_receipt_in_tx(&mut self, by: &Actor, supervisor: &Actor, input: &RefundInput, read_slip: SlipReader<'_>) -> Result<Receipt> {
        by.require(Permission::Register)?;
        supervisor.approve(by)?;
        if let Some(existing) = self.receipt_by_id(input.id)? {
            return Ok(existing);
        }
        let reason = clean_text(&input.reason, 100, ("退费原因", "Reason"))?;
        let original = self.refundable(&input.receipt_no)?;
        let shift = self.shift_for_money(by)?;
        // A scanned return slip (退药单) instead of a typed name: it fills the drug lines.
        let typed_return = input.drug_return_by.as_deref().map(str::trim).filter(|d| !d.is_empty());
        let slip = match typed_return.map(|t| read_slip(self, t)).transpose()?.flatten() {
            Some(slip) => {
                if slip.receipt_no != original.receipt_no {
                    return Err(invalid!(
                        ReturnSlipOtherReceipt,
                        format!(
                            "退药单 {} 退的是收据 {}，不是 {}",
                            slip.slip_no, slip.receipt_no, original.receipt_no
                        ),
                        format!(
                            "Return slip {} is for receipt {}, not {}",
                            slip.slip_no, slip.receipt_no, original.receipt_no
                        )
                    ));
                }
                Some(slip)
            }
            None => None,
        };
        let given = match (&slip, input.lines.is_empty()) {
            (Some(slip), true) => slip.lines.clone(),
            _ => input.lines.clone(),
        };
        let wanted: Vec<(i64, Option<Quantity>)> = if given.is_empty() {
            original.lines.iter().map(|l| (l.line_no, None)).collect()
        } else {
            given.iter().map(|(n, q)| (*n, Some(*q))).collect()
        };
        let (lines, total) = self.plan_refund_lines(&original, &wanted, given.is_empty())?;
        if let Some(slip) = &slip {
            let mut drugs: Vec<(i64, i64)> = lines
                .iter()
                .filter(|l| l.is_drug)
                .map(|l| (l.refunds_line.unwrap_or(l.line_no), l.qty.milli()))
                .collect();
            let mut returned: Vec<(i64, i64)> = slip.lines.iter().map(|(n, q)| (*n, q.milli())).collect();
            drugs.sort();
            returned.sort();
            if drugs != returned {
                return Err(invalid!(
                    ReturnSlipMismatch,
                    format!("退费的药品行与退药单 {} 上药房收回的不一致：药品只能按退药单退费", slip.slip_no),
                    format!(
                        "The refund's drug lines differ from what return slip {} says the pharmacy took back",
                        slip.slip_no
                    )
                ));
            }
        }
        if lines.is_empty() || total == Fen::ZERO {
            return Err(invalid!(
                RefundNothingLeft,
                format!("收据 {} 已全部退费", original.receipt_no),
                format!("Receipt {} is already fully refunded", original.receipt_no)
            ));
        }
        let drug_return_by = match typed_return {
            _ if slip.is_some() => slip.as_ref().map(|s| s.confirmed_by.clone()),
            Some(d) => Some(clean_text(d, 20, ("退药确认人", "Pharmacy confirmation"))?),
            None if lines.iter().any(|l| l.is_drug) => {
                return Err(invalid!(
                    RefundNeedsDrugReturn,
                    "退药品需药房确认退药：请填写退药确认人",
                    "Refunding drugs needs the pharmacy's confirmation that they came back: give who confirmed it"
                ))
            }
            None => None,
        };
        let way = payback::plan(
            &self.channels_of(&original)?,
            total,
            &input.tenders,
            input.pay_back_reason.as_deref(),
        )?;
        let (tenders, _) = settle(&way.tenders, total, None, false)?;
        let now = self.now();
        let outage_id = self.active_outage()?.map(|o| o.id).unwrap_or(original.outage_id);
        let signer = self.signer()?;
        let new = NewReceipt {
            registration_id: original.registration_id,
            department: original.department.clone(),
            refund_of: Some(original.id),
            insured: original.insured,
            reason,
            supervisor: Some(supervisor),
            drug_return_by,
            catalog_version: original.catalog_version,
            pay_back_reason: way.reason,
            ..NewReceipt::new(ReceiptKind::Refund, input.id, &original.patient, total, shift.id, outage_id, now)
        };
        insert_receipt(&self.conn, &signer, by, &new, &lines, &tenders, now, "receipt_refunded")?;
        Ok(self.receipt_by_id(input.id)?.expect("just refunded"))
    }

    /// A charge receipt that may be refunded: it exists, is a charge, and is not voided.
    fn refundable(&self, receipt_no: &str) -> Result<Receipt> {
        let original = self.receipt(receipt_no)?.ok_or_else(|| unknown(receipt_no))?;
        if original.kind == ReceiptKind::Registration {
            return Err(registration_receipt(&original.receipt_no));
        }
        if original.kind != ReceiptKind::Charge {
            return Err(invalid!(
                ReceiptNotRefundable,
                "只有收费收据可以退费",
                "Only charge receipts can be refunded"
            ));
        }
        if original.voided.is_some() {
            return Err(invalid!(
                ReceiptVoided,
                format!("收据 {} 已作废，不能退费", original.receipt_no),
                format!("Receipt {} is voided; it cannot be refunded", original.receipt_no)
            ));
        }
        Ok(original)
    }

    /// What is left to refund of each line of `original` (quantity in thousandths, amount).
    fn left_to_refund(&self, original: &Receipt) -> Result<Vec<LineLeft>> {
        let refunds = self.refunds_of(original.id)?;
        Ok(original
            .lines
            .iter()
            .map(|line| {
                let (qty_back, amount_back) = refunds
                    .iter()
                    .flat_map(|r| &r.lines)
                    .filter(|l| l.refunds_line == Some(line.line_no))
                    .fold((0, 0), |(q, a), l| (q + l.qty.milli(), a + l.amount.get()));
                LineLeft {
                    line: line.clone(),
                    qty_left: (line.qty.milli() - qty_back).max(0),
                    amount_left: Fen::new(line.amount.get() - amount_back).unwrap_or(Fen::ZERO),
                }
            })
            .collect())
    }

    /// The refund lines for `wanted` (line number, quantity; none = all that is left) and
    /// their total. `skip_done`: a line already wholly refunded is passed over, not refused
    /// (a refund of "everything left").
    fn plan_refund_lines(
        &self,
        original: &Receipt,
        wanted: &[(i64, Option<Quantity>)],
        skip_done: bool,
    ) -> Result<(Vec<ReceiptLine>, Fen)> {
        let left = self.left_to_refund(original)?;
        let mut lines: Vec<ReceiptLine> = Vec::new();
        let mut total = Fen::ZERO;
        for &(n, qty) in wanted {
            let LineLeft {
                line,
                qty_left,
                amount_left,
            } = left.iter().find(|l| l.line.line_no == n).ok_or_else(|| {
                invalid!(
                    RefundLineUnknown,
                    format!("收据 {} 没有第 {n} 行", original.receipt_no),
                    format!("Receipt {} has no line {n}", original.receipt_no)
                )
            })?;
            let (qty_left, amount_left) = (*qty_left, amount_left.get());
            if lines.iter().any(|l| l.refunds_line == Some(n)) {
                return Err(invalid!(
                    RefundLineTwice,
                    format!("第 {n} 行写了两次"),
                    format!("Line {n} is given twice")
                ));
            }
            if qty_left <= 0 || amount_left <= 0 {
                if skip_done {
                    continue;
                }
                return Err(invalid!(
                    RefundLineDone,
                    format!("第 {n} 行（{}）已全部退费", line.name),
                    format!("Line {n} ({}) is already fully refunded", line.name)
                ));
            }
            let qty = qty.map(|q| q.milli()).unwrap_or(qty_left);
            if qty > qty_left {
                return Err(invalid!(
                    RefundExceedsPaid,
                    format!(
                        "第 {n} 行（{}）最多还能退 {}，不能退 {}",
                        line.name,
                        Quantity::from_milli(qty_left)?.text(),
                        Quantity::from_milli(qty)?.text()
                    ),
                    format!(
                        "Line {n} ({}) has at most {} left to refund, not {}",
                        line.name,
                        Quantity::from_milli(qty_left)?.text(),
                        Quantity::from_milli(qty)?.text()
                    )
                ));
            }
            // A herbal line goes back by whole doses, a visit or a test by whole units.
            let doses = match line.doses {
                Some(d) if d > 0 => {
                    let per_dose = line.qty.milli() / d;
                    if per_dose == 0 || qty % per_dose != 0 {
                        return Err(invalid!(
                            RefundNotWholeDoses,
                            format!(
                                "第 {n} 行（{}）按付退费：数量须为每付用量 {} 的整数倍",
                                line.name,
                                Quantity::from_milli(per_dose.max(1))?.text()
                            ),
                            format!(
                                "Line {n} ({}) is refunded by doses: the quantity must be a multiple of {} per dose",
                                line.name,
                                Quantity::from_milli(per_dose.max(1))?.text()
                            )
                        ));
                    }
                    Some(qty / per_dose)
                }
                _ => {
                    super::pricing::check_whole(
                        n,
                        &line.name,
                        &line.unit,
                        Quantity::from_milli(qty)?,
                        crate::catalog::WHOLE_UNITS.contains(&line.unit.trim()),
                    )?;
                    None
                }
            };
            // The last of a line pays back exactly what is left, so rounding never drifts.
            let amount = if qty == qty_left {
                Fen::new(amount_left)?
            } else {
                line_amount(Quantity::from_milli(qty)?, line.unit_price)?.min(Fen::new(amount_left)?)
            };
            total = total
                .checked_add(amount)
                .ok_or_else(|| invalid!(AmountOutOfRange, "退费合计超出范围", "The refund total is out of range"))?;
            lines.push(ReceiptLine {
                line_no: lines.len() as i64 + 1,
                qty: Quantity::from_milli(qty)?,
                amount,
                refunds_line: Some(n),
                doses,
                ..line.clone()
            });
        }
        Ok((lines, total))
    }

    /// 退费预览: what a refund of `lines` would pay back, before anything is written — each
    /// line of the receipt with what is left of it and what this refund takes, the total, and
    /// the whole paid back by `pay_back`. No line given: nothing is refunded yet (the form
    /// shows the receipt). The same rules as [`Desk::refund_receipt`]; no role or shift check.
    /// `pay_back`: none = the way the money came; a method = the whole refund that way (no
    /// reference: a non-cash method shows as another way until the form gives one).
    pub fn refund_preview(&self, receipt_no: &str, lines: &[(i64, Quantity)], pay_back: Option<Method>) -> Result<RefundPreview> {
        let original = self.refundable(receipt_no)?;
        let left = self.left_to_refund(&original)?;
        let wanted: Vec<(i64, Option<Quantity>)> = lines.iter().map(|(n, q)| (*n, Some(*q))).collect();
        let (planned, total) = self.plan_refund_lines(&original, &wanted, false)?;
        let lines = left
            .into_iter()
            .map(|l| {
                let refund = planned.iter().find(|p| p.refunds_line == Some(l.line.line_no));
                RefundPreviewLine {
                    qty: refund.map(|p| p.qty),
                    amount: refund.map(|p| p.amount).unwrap_or(Fen::ZERO),
                    left: l,
                }
            })
            .collect();
        let channels = self.channels_of(&original)?;
        let pay_back = match (total == Fen::ZERO, pay_back) {
            (true, _) => PayBack {
                tenders: vec![],
                other_way: vec![],
                reason: None,
            },
            (false, None) => payback::plan(&channels, total, &[], None)?,
            (false, Some(method)) => {
                let tenders = vec![TenderInput {
                    method,
                    amount: total,
                    reference: String::new(),
                }];
                PayBack {
                    other_way: payback::other_way(&channels, &tenders),
                    tenders,
                    reason: None,
                }
            }
        };
        Ok(RefundPreview {
            receipt_no: original.receipt_no,
            lines,
            total,
            pay_back,
            channels,
        })
    }

    /// The ways the money of `original` came in, less what its refunds sent back.
    pub(crate) fn channels_of(&self, original: &Receipt) -> Result<Vec<Channel>> {
        let back: Vec<crate::receipt::tender::Tender> = self.refunds_of(original.id)?.into_iter().flat_map(|r| r.tenders).collect();
        Ok(payback::channels(&original.tenders, &back))
    }

    /// Refund receipts issued against a receipt, oldest first.
    pub fn refunds_of(&self, receipt: Uuid) -> Result<Vec<Receipt>> {
        let numbers: Vec<String> = self
            .conn
            .prepare("SELECT receipt_no FROM receipt WHERE refund_of = ?1 ORDER BY seq")?
            .query_map([receipt.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        numbers.iter().filter_map(|n| self.receipt(n).transpose()).collect()
    }
}
