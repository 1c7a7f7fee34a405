//! 预交金: deposits and top-ups (预交 / 补交) are receipts from the station's one sequence,
//! with the same tenders, void and reprint as charges; a deposit refund (退预交金) needs a
//! supervisor and never exceeds the balance. The balance is derived from the receipts, never
//! stored; `movement_kinds` says what each movement is. The deposit receipt's printed body and
//! the deposit summary.

use super::admit::{optional_text, unknown, Admission};
use crate::charge::payback::{self, Channel, PayBack};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::money::Fen;
use crate::operator::Actor;
use crate::receipt::tender::{settle, TenderInput};
use crate::receipt::write::{insert_receipt, NewReceipt};
use crate::receipt::{Receipt, ReceiptKind};
use crate::store::Desk;
use crate::time::local_display;
use uuid::Uuid;

/// A deposit or top-up (预交 / 补交).
#[derive(Debug, Clone)]
pub struct DepositInput {
    pub id: Uuid,
    pub admission_no: String,
    pub tenders: Vec<TenderInput>,
    pub cash_tendered: Option<Fen>,
    pub back_entered_at: Option<crate::time::TypedTime>,
    /// 交款人 when a relative pays for the patient.
    pub payer: Option<crate::charge::Depositor>,
}

/// A deposit refund (退预交金).
#[derive(Debug, Clone)]
pub struct DepositRefundInput {
    pub id: Uuid,
    pub admission_no: String,
    pub amount: Fen,
    /// How it goes back; empty = the way the deposits came (原路退回).
    pub tenders: Vec<TenderInput>,
    pub reason: String,
    /// Why any of `tenders` goes another way than the deposits came (printed on the voucher).
    pub pay_back_reason: Option<String>,
}

/// A deposit refund being typed: the balance now and after it, and its way back.
#[derive(Debug, Clone)]
pub struct DepositRefundPlan {
    pub balance: Fen,
    pub after: Fen,
    pub way: PayBack,
    pub channels: Vec<Channel>,
}

/// An admission's deposit account: every movement and the balance.
#[derive(Debug, Clone)]
pub struct DepositAccount {
    pub admission: Admission,
    /// Deposits, top-ups and refunds, oldest first (voided deposits included, marked).
    pub movements: Vec<Receipt>,
    pub balance: Fen,
}

/// What a movement of a deposit account is, as the summary and the window say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MovementKind {
    /// 预交: the first deposit that stands (a voided first deposit does not count).
    First,
    /// 补交: every other deposit.
    TopUp,
    /// 退款: a deposit refund.
    Refund,
}

impl MovementKind {
    pub fn zh(self) -> &'static str {
        match self {
            MovementKind::First => "预交",
            MovementKind::TopUp => "补交",
            MovementKind::Refund => "退款",
        }
    }
}

impl DepositAccount {
    /// What each movement is, in the order of `movements`.
    pub fn movement_kinds(&self) -> Vec<MovementKind> {
        let mut seen_deposit = false;
        self.movements
            .iter()
            .map(|m| match m.kind {
                ReceiptKind::Deposit if !seen_deposit && m.voided.is_none() => {
                    seen_deposit = true;
                    MovementKind::First
                }
                ReceiptKind::Deposit => MovementKind::TopUp,
                _ => MovementKind::Refund,
            })
            .collect()
    }
}

/// A relative's name, relationship and phone, checked as typed text.
fn payer(p: &crate::charge::Depositor) -> Result<crate::charge::Depositor> {
    Ok(crate::charge::Depositor {
        name: clean_text(&p.name, 20, ("交款人", "Payer"))?,
        relation: optional_text(Some(&p.relation), 10, ("与患者关系", "Relationship"))?,
        phone: optional_text(Some(&p.phone), 20, ("电话", "Phone"))?,
    })
}

impl Desk {
    /// 交预交金 / 补交: a deposit receipt for the admission.
    pub fn take_deposit(&mut self, by: &Actor, input: &DepositInput) -> Result<Receipt> {
        self.in_write_tx(|desk| desk.take_deposit_in_tx(by, input))
    }

    fn take_deposit_in_tx(&mut self, by: &Actor, input: &DepositInput) -> Result<Receipt> {
        by.require(Permission::Admit)?;
        if let Some(existing) = self.receipt_by_id(input.id)? {
            return Ok(existing);
        }
        let a = self.active_admission(&input.admission_no)?;
        let total = input
            .tenders
            .iter()
            .try_fold(Fen::ZERO, |sum, t| sum.checked_add(t.amount))
            .ok_or_else(|| invalid!(AmountOutOfRange, "金额超出范围", "Amount out of range"))?;
        if total == Fen::ZERO {
            return Err(invalid!(DepositZero, "预交金金额必须大于 0", "The deposit must be above 0"));
        }
        let (tenders, change) = settle(&input.tenders, total, input.cash_tendered, true)?;
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let (occurred_at, outage_id) = self.outage_for(self.when(input.back_entered_at.as_ref())?, now)?;
        let patient = self.patient(a.patient_id)?.ok_or_else(|| unknown(&input.admission_no))?;
        let signer = self.signer()?;
        let new = NewReceipt {
            admission_id: Some(a.id),
            department: a.dept_name.clone(),
            change,
            back_entered: input.back_entered_at.is_some(),
            payer: input.payer.as_ref().map(payer).transpose()?,
            ..NewReceipt::new(ReceiptKind::Deposit, input.id, &patient, total, shift.id, outage_id, occurred_at)
        };
        insert_receipt(&self.conn, &signer, by, &new, &[], &tenders, now, "deposit_taken")?;
        Ok(self.receipt_by_id(input.id)?.expect("just taken"))
    }

    /// 退预交金: pays back part or all of the balance, with a supervisor.
    pub fn refund_deposit(
        &mut self,
        by: &Actor,
        supervisor: impl Into<crate::operator::Approval>,
        input: &DepositRefundInput,
    ) -> Result<Receipt> {
        let supervisor = self.approver(&supervisor.into())?;
        self.in_write_tx(|desk| desk.refund_deposit_in_tx(by, &supervisor, input))
    }

    fn refund_deposit_in_tx(&mut self, by: &Actor, supervisor: &Actor, input: &DepositRefundInput) -> Result<Receipt> {
        by.require(Permission::Admit)?;
        supervisor.approve(by)?;
        if let Some(existing) = self.receipt_by_id(input.id)? {
            return Ok(existing);
        }
        let reason = clean_text(&input.reason, 100, ("退款原因", "Reason"))?;
        let account = self.deposit_account(&input.admission_no)?;
        balance_after_refund(account.balance, input.amount)?;
        let way = payback::plan(
            &deposit_channels(&account),
            input.amount,
            &input.tenders,
            input.pay_back_reason.as_deref(),
        )?;
        let (tenders, _) = settle(&way.tenders, input.amount, None, false)?;
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let outage_id = match self.active_outage()? {
            Some(o) => o.id,
            None => account.movements.first().map(|m| m.outage_id).unwrap_or_default(),
        };
        let patient = self
            .patient(account.admission.patient_id)?
            .ok_or_else(|| unknown(&input.admission_no))?;
        let signer = self.signer()?;
        let new = NewReceipt {
            admission_id: Some(account.admission.id),
            department: account.admission.dept_name.clone(),
            reason,
            supervisor: Some(supervisor),
            pay_back_reason: way.reason,
            ..NewReceipt::new(
                ReceiptKind::DepositRefund,
                input.id,
                &patient,
                input.amount,
                shift.id,
                outage_id,
                now,
            )
        };
        insert_receipt(&self.conn, &signer, by, &new, &[], &tenders, now, "deposit_refunded")?;
        Ok(self.receipt_by_id(input.id)?.expect("just refunded"))
    }

    /// 退预交金预览: the balance now and after refunding `amount`, shown before the refund is
    /// confirmed; refused as the refund itself would be (zero, or more than the balance).
    pub fn deposit_refund_preview(&self, inpatient_no: &str, amount: Fen) -> Result<(Fen, Fen)> {
        let balance = self.deposit_account(inpatient_no)?.balance;
        Ok((balance, balance_after_refund(balance, amount)?))
    }

    /// 退预交金预览 as the window shows it while the amount is typed: the balance before and
    /// after, and how the money goes back (`pay_back` none: the way the deposits came).
    pub fn deposit_refund_plan(
        &self,
        inpatient_no: &str,
        amount: Fen,
        pay_back: Option<crate::receipt::tender::Method>,
    ) -> Result<DepositRefundPlan> {
        let (balance, after) = self.deposit_refund_preview(inpatient_no, amount)?;
        let (way, channels) = self.deposit_pay_back(inpatient_no, amount, pay_back)?;
        Ok(DepositRefundPlan {
            balance,
            after,
            way,
            channels,
        })
    }

    /// How a deposit refund of `amount` goes back: the way the deposits came (`method` none),
    /// or all of it by `method`; and the ways the deposits came in, with what is left on each.
    pub fn deposit_pay_back(
        &self,
        inpatient_no: &str,
        amount: Fen,
        method: Option<crate::receipt::tender::Method>,
    ) -> Result<(PayBack, Vec<Channel>)> {
        let channels = deposit_channels(&self.deposit_account(inpatient_no)?);
        let way = match method {
            None => payback::plan(&channels, amount, &[], None)?,
            Some(method) => {
                let tenders = vec![TenderInput {
                    method,
                    amount,
                    reference: String::new(),
                }];
                PayBack {
                    other_way: payback::other_way(&channels, &tenders),
                    tenders,
                    reason: None,
                }
            }
        };
        Ok((way, channels))
    }

    /// Every deposit movement of an admission and the balance derived from them: deposits not
    /// voided, less deposit refunds.
    pub fn deposit_account(&self, inpatient_no: &str) -> Result<DepositAccount> {
        let admission = self.admission(inpatient_no)?.ok_or_else(|| unknown(inpatient_no))?;
        let numbers: Vec<String> = self
            .conn
            .prepare("SELECT receipt_no FROM receipt WHERE admission_id = ?1 ORDER BY seq")?
            .query_map([admission.id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let movements: Vec<Receipt> = numbers.iter().filter_map(|n| self.receipt(n).transpose()).collect::<Result<_>>()?;
        let balance: i64 = movements
            .iter()
            .map(|m| match (m.kind, &m.voided) {
                (ReceiptKind::Deposit, None) => m.total.get(),
                (ReceiptKind::DepositRefund, None) => -m.total.get(),
                _ => 0,
            })
            .sum();
        Ok(DepositAccount {
            admission,
            movements,
            balance: Fen::new(balance.max(0))?,
        })
    }
}

impl Desk {
    /// The printed body of a deposit receipt (住院病人预交金收据).
    pub(crate) fn deposit_body(&self, r: &Receipt) -> Result<crate::receipt_pdf::ReceiptBody> {
        use crate::receipt_pdf::{Cheque, Deposit, ReceiptBody};
        let a = r
            .admission_id
            .and_then(|id| self.admissions(false).ok()?.into_iter().find(|a| a.id == id))
            .ok_or_else(|| {
                invalid!(
                    AdmissionUnknown,
                    format!("收据 {} 没有对应的住院记录", r.receipt_no),
                    format!("Receipt {} has no admission", r.receipt_no)
                )
            })?;
        // Each way with the amount it brought; a cheque's bank and number have their own fields.
        let method = r
            .tenders
            .iter()
            .map(|t| match t.method {
                crate::receipt::tender::Method::Cash | crate::receipt::tender::Method::Cheque => format!("{} {}", t.method.zh(), t.amount),
                _ => format!("{} {}（{}）", t.method.zh(), t.amount, t.reference),
            })
            .collect::<Vec<_>>()
            .join("、");
        let cheque = r
            .tenders
            .iter()
            .find(|t| t.method == crate::receipt::tender::Method::Cheque)
            .map(|t| {
                let (bank, number) = t.reference.split_once('/').unwrap_or((&t.reference, ""));
                Cheque {
                    bank: bank.trim().to_string(),
                    number: number.trim().to_string(),
                }
            });
        Ok(ReceiptBody::Deposit(Deposit {
            patient_name: a.patient_name.clone(),
            admission_number: a.inpatient_no.clone(),
            ward: match (a.ward.is_empty(), a.bed.is_empty()) {
                (true, _) => a.dept_name.clone(),
                (false, true) => format!("{} {}", a.dept_name, a.ward),
                (false, false) => format!("{} {} {}床", a.dept_name, a.ward, a.bed),
            },
            amount: r.total,
            method,
            cheque,
            admission_date: a.admitted_at.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string(),
            clerk: r.cashier.clone(),
            payer: r.payer.as_ref().map(|p| {
                let relation = if p.relation.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", p.relation)
                };
                format!("{}{relation} {}", p.name, p.phone).trim().to_string()
            }),
            balance_after: match r.kind {
                ReceiptKind::Deposit => Some(self.balance_as_of(&a.inpatient_no, r)?),
                _ => None,
            },
        }))
    }

    /// The deposit balance of an admission as it stood once `r` (one of its movements) was
    /// recorded: the movements up to it, less deposits already voided then — so that a
    /// reprint says what the original said.
    pub(crate) fn balance_as_of(&self, inpatient_no: &str, r: &Receipt) -> Result<Fen> {
        let account = self.deposit_account(inpatient_no)?;
        let mut balance = 0;
        for m in &account.movements {
            let voided_before = m.voided.as_ref().is_some_and(|v| v.at <= r.occurred_at);
            balance += match (m.kind, voided_before && m.id != r.id) {
                (ReceiptKind::Deposit, false) => m.total.get(),
                (ReceiptKind::DepositRefund, false) => -m.total.get(),
                _ => 0,
            };
            if m.id == r.id {
                break;
            }
        }
        Fen::new(balance.max(0))
    }
}

impl Desk {
    /// Prints an admission's 预交金汇总: saves it in the receipts folder, sends it to the
    /// printer when one is set, and records the printing.
    pub fn print_deposit_summary(&mut self, by: &Actor, inpatient_no: &str, layout: &str) -> Result<crate::charge::print::Printed> {
        let bytes = self.deposit_summary_pdf(inpatient_no, by.name(), layout)?;
        let name = format!("{inpatient_no}-预交金汇总.pdf");
        let doc = crate::charge::print::Document::DepositSummary;
        self.print_document(by, doc, inpatient_no, layout, &name, &bytes)
    }

    /// `downtime admission summary --out`: the 预交金汇总 written whole to `out`, its printing
    /// recorded as [`Desk::print_deposit_summary`] records it.
    pub fn deposit_summary_to(&mut self, by: &Actor, inpatient_no: &str, layout: &str, out: &std::path::Path) -> Result<()> {
        let bytes = self.deposit_summary_pdf(inpatient_no, by.name(), layout)?;
        let doc = crate::charge::print::Document::DepositSummary;
        self.document_to(by, doc, inpatient_no, layout, &bytes, out)
    }

    /// The deposit summary of an admission as PDF (all deposits, top-ups, refunds, balance).
    pub fn deposit_summary_pdf(&self, inpatient_no: &str, printed_by: &str, layout: &str) -> Result<Vec<u8>> {
        use crate::receipt_pdf::{render_deposit_summary, DepositSummary, Movement};
        let layout = crate::charge::print::parse_layout(layout)?;
        let station = self.require_station()?;
        let account = self.deposit_account(inpatient_no)?;
        let a = &account.admission;
        let movements: Vec<Movement> = account
            .movements
            .iter()
            .zip(account.movement_kinds())
            .map(|(m, kind)| Movement {
                receipt_number: m.receipt_no.clone(),
                time: local_display(m.occurred_at),
                kind: kind.zh().to_string(),
                method: m.tenders.iter().map(|t| t.method.zh()).collect::<Vec<_>>().join("、"),
                amount: m.total,
                voided: m.voided.is_some(),
            })
            .collect();
        let sum = |kind: ReceiptKind| -> Result<Fen> {
            Fen::new(
                account
                    .movements
                    .iter()
                    .filter(|m| m.kind == kind && m.voided.is_none())
                    .map(|m| m.total.get())
                    .sum(),
            )
        };
        let doc = DepositSummary {
            hospital: station.hospital.clone(),
            station: station.code.to_string(),
            admission_number: a.inpatient_no.clone(),
            patient_name: a.patient_name.clone(),
            downtime_number: a.downtime_no.clone(),
            ward: if a.ward.is_empty() {
                a.dept_name.clone()
            } else {
                format!("{} {}", a.dept_name, a.ward)
            },
            admitted_at: local_display(a.admitted_at),
            convert_to_insured: a.convert_to_insured,
            movements,
            total_deposited: sum(ReceiptKind::Deposit)?,
            total_refunded: sum(ReceiptKind::DepositRefund)?,
            balance: account.balance,
            printed_at: local_display(self.now()),
            printed_by: printed_by.to_string(),
        };
        render_deposit_summary(&doc, layout)
    }
}

/// The ways an account's deposits came in (deposits not voided), less what its refunds sent back.
fn deposit_channels(account: &DepositAccount) -> Vec<Channel> {
    let of = |kind: ReceiptKind| -> Vec<crate::receipt::tender::Tender> {
        account
            .movements
            .iter()
            .filter(|m| m.kind == kind && m.voided.is_none())
            .flat_map(|m| m.tenders.iter().cloned())
            .collect()
    };
    payback::channels(&of(ReceiptKind::Deposit), &of(ReceiptKind::DepositRefund))
}

/// The balance left after a deposit refund of `amount`, or why it cannot be refunded.
fn balance_after_refund(balance: Fen, amount: Fen) -> Result<Fen> {
    if amount == Fen::ZERO {
        return Err(invalid!(DepositZero, "退款金额必须大于 0", "The refund must be above 0"));
    }
    if amount > balance {
        return Err(invalid!(
            DepositRefundExceedsBalance,
            format!("退款 {amount} 超过预交金余额 {balance}"),
            format!("The refund {amount} exceeds the deposit balance {balance}")
        ));
    }
    Fen::new(balance.get() - amount.get())
}
