//! 入院与预交金: inpatient admissions and deposits. Each admission gets a temporary inpatient
//! number carrying the station code (`ZY-RY01-000045`) that cannot clash with HIS numbers.
//! Insured patients are admitted as ordinary (self-pay) patients and flagged "convert to
//! insured after recovery". Deposits and top-ups (预交 / 补交) are receipts from the station's
//! one sequence, with the same tenders, void and reprint as charges; a deposit refund
//! (退预交金) needs a supervisor and never exceeds the balance. The balance is derived from
//! the receipts, never stored.

use crate::charge::payback::{self, Channel, PayBack};
use crate::receipt::tender::{settle, TenderInput};
use crate::receipt::write::{insert_receipt, NewReceipt};
use crate::receipt::{Receipt, ReceiptKind};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal::{self, Change};
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Insurance;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, parse_stamp, stamp};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde_json::Map;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub id: Uuid,
    pub inpatient_no: String,
    pub patient_id: Uuid,
    pub patient_name: String,
    pub downtime_no: String,
    pub dept_code: String,
    pub dept_name: String,
    pub ward: String,
    pub bed: String,
    pub doctor: String,
    pub diagnosis: String,
    pub admitted_at: DateTime<Utc>,
    pub insurance: Insurance,
    pub insurance_no: String,
    /// Declared insured, admitted as self-pay: convert after recovery.
    pub convert_to_insured: bool,
    pub back_entered: bool,
    pub cancelled: Option<String>,
    pub clerk: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewAdmission {
    pub patient: String,
    pub dept: String,
    pub ward: Option<String>,
    pub bed: Option<String>,
    pub doctor: Option<String>,
    pub diagnosis: Option<String>,
    /// As declared at the desk; the patient record's when absent.
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    /// The clerk confirmed a second active admission of the same patient.
    pub confirm_second: bool,
    pub back_entered_at: Option<DateTime<Utc>>,
}

/// A deposit or top-up (预交 / 补交).
#[derive(Debug, Clone)]
pub struct DepositInput {
    pub id: Uuid,
    pub admission_no: String,
    pub tenders: Vec<TenderInput>,
    pub cash_tendered: Option<Fen>,
    pub back_entered_at: Option<DateTime<Utc>>,
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

/// The newest transfer's ward and bed stand in for the admission's.
const ADMISSION_SELECT: &str = "SELECT a.id, a.inpatient_no, a.patient_id, p.name, p.downtime_no, a.dept_code, a.dept_name, \
     coalesce((SELECT t.ward FROM admission_transfer t WHERE t.admission_id = a.id ORDER BY t.rowid DESC LIMIT 1), a.ward), \
     coalesce((SELECT t.bed FROM admission_transfer t WHERE t.admission_id = a.id ORDER BY t.rowid DESC LIMIT 1), a.bed), a.doctor, a.diagnosis, \
     a.admitted_at, a.insurance, a.insurance_no, a.convert_to_insured, a.back_entered, c.reason, o.name \
     FROM admission a JOIN patient p ON p.id = a.patient_id JOIN operator o ON o.id = a.operator_id \
     LEFT JOIN admission_cancel c ON c.admission_id = a.id";

fn admission_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Admission> {
    Ok(Admission {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        inpatient_no: r.get(1)?,
        patient_id: crate::time::parse_stored_id(&r.get::<_, String>(2)?)?,
        patient_name: r.get(3)?,
        downtime_no: r.get(4)?,
        dept_code: r.get(5)?,
        dept_name: r.get(6)?,
        ward: r.get(7)?,
        bed: r.get(8)?,
        doctor: r.get(9)?,
        diagnosis: r.get(10)?,
        admitted_at: parse_stamp(&r.get::<_, String>(11)?)?,
        insurance: Insurance::parse(&r.get::<_, String>(12)?).unwrap_or(Insurance::SelfPay),
        insurance_no: r.get(13)?,
        convert_to_insured: r.get(14)?,
        back_entered: r.get(15)?,
        cancelled: r.get(16)?,
        clerk: r.get(17)?,
    })
}

/// A relative's name, relationship and phone, checked as typed text.
fn payer(p: &crate::charge::Depositor) -> Result<crate::charge::Depositor> {
    Ok(crate::charge::Depositor {
        name: clean_text(&p.name, 20, ("交款人", "Payer"))?,
        relation: optional_text(Some(&p.relation), 10, ("与患者关系", "Relationship"))?,
        phone: optional_text(Some(&p.phone), 20, ("电话", "Phone"))?,
    })
}

fn optional_text(text: Option<&str>, max: usize, what: (&str, &str)) -> Result<String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => clean_text(t, max, what),
        None => Ok(String::new()),
    }
}

fn unknown(no: &str) -> crate::CoreError {
    invalid!(AdmissionUnknown, format!("找不到住院号 {no}"), format!("No admission {no}"))
}

impl Desk {
    /// 入院登记.
    pub fn admit(&mut self, by: &Actor, new: &NewAdmission) -> Result<Admission> {
        by.require(Permission::Admit)?;
        let station = self.require_station()?;
        let now = self.now();
        let (admitted_at, outage_id) = self.outage_for(new.back_entered_at, now)?;
        let dept = self.department_or_refuse(&new.dept)?;
        if dept.kind != crate::registration::DeptKind::Inpatient {
            return Err(invalid!(
                DeptNotInpatient,
                format!("{} 不是住院病区：入院请选择住院病区（门诊、急诊科室请用挂号）", dept.name),
                format!(
                    "{} is not an inpatient ward: admit into a ward (outpatient and emergency departments register visits)",
                    dept.name
                )
            ));
        }
        let ward = optional_text(new.ward.as_deref(), 30, ("病区", "Ward"))?;
        let bed = optional_text(new.bed.as_deref(), 10, ("床号", "Bed"))?;
        let doctor = optional_text(new.doctor.as_deref(), 20, ("医生", "Doctor"))?;
        let diagnosis = optional_text(new.diagnosis.as_deref(), 100, ("诊断", "Diagnosis"))?;
        let patient = self.resolve_patient(by, &new.patient)?;
        let insurance = match new.insurance.as_deref().filter(|i| !i.trim().is_empty()) {
            Some(i) => Insurance::parse(i)?,
            None => patient.insurance,
        };
        let insurance_no = new.insurance_no.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| {
            if new.insurance.is_some() {
                String::new()
            } else {
                patient.insurance_no.clone()
            }
        });
        if insurance.is_insured() && insurance_no.trim().is_empty() {
            return Err(invalid!(
                InsuranceNoMissing,
                format!("{}需要填写医保卡号（现按自费入院，恢复后凭卡号转为医保）", insurance.zh()),
                format!(
                    "{} needs the card number (admitted as self-pay now, converted after recovery)",
                    insurance.key()
                )
            ));
        }
        let active: Vec<Admission> = self
            .admissions_of(patient.id)?
            .into_iter()
            .filter(|a| a.cancelled.is_none())
            .collect();
        if let Some(a) = active.first() {
            if !new.confirm_second {
                return Err(invalid!(
                    AdmissionAlreadyActive,
                    format!(
                        "{} 已有住院记录 {}（{}，{} 入院）。确是再次入院请确认后继续",
                        patient.name,
                        a.inpatient_no,
                        a.dept_name,
                        local_display(a.admitted_at)
                    ),
                    format!(
                        "{} already has admission {} ({}, admitted {}). Confirm if this really is a second admission",
                        patient.name,
                        a.inpatient_no,
                        a.dept_name,
                        local_display(a.admitted_at)
                    )
                ));
            }
        }
        let id = Uuid::now_v7();
        let tx = self.conn.transaction()?;
        let seq: i64 = tx.qrow("SELECT ifnull(max(seq), 0) + 1 FROM admission", [], |r| r.get(0))?;
        let inpatient_no = format!("ZY-{}-{seq:06}", station.code);
        tx.exec(
            "INSERT INTO admission (id, seq, inpatient_no, patient_id, dept_code, dept_name, ward, bed, doctor, diagnosis, admitted_at, insurance, insurance_no, \
             convert_to_insured, second_confirmed, operator_id, outage_id, recorded_at, back_entered) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            params![
                id.to_string(), seq, inpatient_no, patient.id.to_string(), dept.code, dept.name, ward, bed, doctor, diagnosis, stamp(admitted_at),
                insurance.key(), insurance_no.trim(), insurance.is_insured(), !active.is_empty(), by.id().to_string(), outage_id.to_string(), stamp(now),
                new.back_entered_at.is_some()
            ],
        )?;
        let row = tx.last_insert_rowid();
        journal::append(
            &tx,
            Change {
                kind: "admitted",
                actor: by.name(),
                at: now,
                rows: vec![("admission", row)],
                extra: Map::new(),
            },
        )?;
        tx.commit()?;
        Ok(self.admission(&inpatient_no)?.expect("just admitted"))
    }

    pub fn admission(&self, inpatient_no: &str) -> Result<Option<Admission>> {
        Ok(self
            .conn
            .qrow(
                &format!("{ADMISSION_SELECT} WHERE a.inpatient_no = ?1"),
                [inpatient_no.trim()],
                admission_from_row,
            )
            .optional()?)
    }

    pub fn admissions_of(&self, patient: Uuid) -> Result<Vec<Admission>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{ADMISSION_SELECT} WHERE a.patient_id = ?1 ORDER BY a.seq DESC"))?;
        let rows = stmt.query_map([patient.to_string()], admission_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Admissions, newest first; active ones only when asked.
    pub fn admissions(&self, active_only: bool) -> Result<Vec<Admission>> {
        let mut stmt = self.conn.prepare(&format!("{ADMISSION_SELECT} ORDER BY a.seq DESC"))?;
        let rows = stmt.query_map([], admission_from_row)?;
        let all: Vec<Admission> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(all.into_iter().filter(|a| !active_only || a.cancelled.is_none()).collect())
    }

    fn active_admission(&self, inpatient_no: &str) -> Result<Admission> {
        let a = self.admission(inpatient_no)?.ok_or_else(|| unknown(inpatient_no))?;
        if a.cancelled.is_some() {
            return Err(invalid!(
                AdmissionCancelled,
                format!("住院号 {} 已取消入院，不能再办理预交金", a.inpatient_no),
                format!("Admission {} was cancelled; no deposits can be taken for it", a.inpatient_no)
            ));
        }
        Ok(a)
    }

    /// 取消入院 (no-show, wrong patient): a record of its own; the deposit balance must be
    /// refunded first.
    pub fn cancel_admission(&mut self, by: &Actor, inpatient_no: &str, reason: &str) -> Result<Admission> {
        by.require(Permission::Admit)?;
        let reason = clean_text(reason, 100, ("取消原因", "Reason"))?;
        let a = self.active_admission(inpatient_no)?;
        let balance = self.deposit_account(inpatient_no)?.balance;
        if balance > Fen::ZERO {
            return Err(invalid!(
                AdmissionHasBalance,
                format!("住院号 {} 还有预交金余额 {balance}，请先退还再取消入院", a.inpatient_no),
                format!(
                    "Admission {} still holds a deposit balance of {balance}; refund it before cancelling",
                    a.inpatient_no
                )
            ));
        }
        let now = self.now();
        self.record_one(
            by.name(),
            "admission_cancelled",
            "admission_cancel",
            now,
            "INSERT INTO admission_cancel (admission_id, reason, cancelled_by, at) VALUES (?1, ?2, ?3, ?4)",
            params![a.id.to_string(), reason, by.id().to_string(), stamp(now)],
        )?;
        Ok(self.admission(inpatient_no)?.expect("exists"))
    }

    /// 转床 / 转病区: a record of its own; the admission shows the newest ward and bed.
    pub fn transfer_admission(&mut self, by: &Actor, inpatient_no: &str, ward: &str, bed: Option<&str>, reason: &str) -> Result<Admission> {
        by.require(Permission::Admit)?;
        let a = self.active_admission(inpatient_no)?;
        let ward = clean_text(ward, 30, ("病区", "Ward"))?;
        let bed = optional_text(bed, 10, ("床号", "Bed"))?;
        let reason = optional_text(Some(reason), 100, ("原因", "Reason"))?;
        let now = self.now();
        self.record_one(
            by.name(),
            "admission_transferred",
            "admission_transfer",
            now,
            "INSERT INTO admission_transfer (id, admission_id, ward, bed, reason, by_operator, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                Uuid::now_v7().to_string(),
                a.id.to_string(),
                ward,
                bed,
                reason,
                by.id().to_string(),
                stamp(now)
            ],
        )?;
        Ok(self.admission(inpatient_no)?.expect("exists"))
    }

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
        let (occurred_at, outage_id) = self.outage_for(input.back_entered_at, now)?;
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
    pub fn refund_deposit(&mut self, by: &Actor, supervisor: &Actor, input: &DepositRefundInput) -> Result<Receipt> {
        self.in_write_tx(|desk| desk.refund_deposit_in_tx(by, supervisor, input))
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
