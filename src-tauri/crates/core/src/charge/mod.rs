//! 收费: charging a patient item by item, taking the money, issuing the receipt. A charge is
//! drafted by the window (lines can change freely there) and becomes facts in one transaction
//! when paid: the receipt, its lines and its tenders. Its id is made when the draft starts and
//! is the idempotency key: paying the same draft twice (a retry after a timeout) returns the
//! receipt already issued, never a second one.
//!
//! Receipt numbers (`MZ01-000123`) come from one gapless sequence per station shared by every
//! kind of receipt (charge, refund, deposit). Corrections (void, refund) live in `correction`.

pub mod correction;
pub mod payback;
pub mod pricing;
pub mod print;
pub mod printed;

pub use crate::receipt::{qr, tender};
pub use crate::receipt::{unknown_receipt, Depositor, Receipt, ReceiptKind, ReceiptLine, Void};
pub use pricing::{draft_receipt, parse_doses, LineInput, PricedDraft, MAX_DOSES, MAX_LINES};

use crate::receipt::write::{insert_receipt, NewReceipt, Signer};

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Patient;
use crate::receipt::tender::{settle, TenderInput};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use crate::workdays::DUE_WORKING_DAYS;
use chrono::{DateTime, Local, Utc};
use rusqlite::OptionalExtension;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How a patient is charged: an insured patient (insurance type and number on file) as
/// insured by default — pays in full now, re-settled after recovery — or as self-pay with a
/// reason, which the receipt keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Payer {
    /// As the patient's record says.
    #[default]
    AsRecorded,
    /// As insured; refused for a patient with no insurance on file (`--insured`).
    Insured,
    /// As self-pay (`--self-pay REASON`); an insured patient needs the reason.
    SelfPay(String),
}

impl Payer {
    /// Whether the receipt is insured, and the reason it records (empty unless an insured
    /// patient pays as self-pay).
    pub(crate) fn resolve(&self, patient: &Patient) -> Result<(bool, String)> {
        let on_file = patient.insurance.is_insured();
        match self {
            Payer::AsRecorded => Ok((on_file, String::new())),
            Payer::Insured if on_file => Ok((true, String::new())),
            Payer::Insured => Err(invalid!(
                PatientNotInsured,
                format!("{} 没有登记医保类型和卡号，不能按医保患者收费：请先在患者信息中登记", patient.name),
                format!(
                    "{} has no insurance type and card number on record; record them before charging as insured",
                    patient.name
                )
            )),
            Payer::SelfPay(_) if !on_file => Ok((false, String::new())),
            Payer::SelfPay(reason) if reason.trim().is_empty() => Err(invalid!(
                SelfPayReasonMissing,
                format!(
                    "{} 登记了{}：按自费收费请写明原因（默认按医保患者收费）",
                    patient.name,
                    patient.insurance.zh()
                ),
                format!(
                    "{} is insured: charging as self-pay needs a reason (insured is the default)",
                    patient.name
                )
            )),
            Payer::SelfPay(reason) => Ok((
                false,
                format!("按自费收费：{}", clean_text(reason, 60, ("自费原因", "Self-pay reason"))?),
            )),
        }
    }

    /// For the idempotency fingerprint.
    fn key(&self) -> serde_json::Value {
        match self {
            Payer::AsRecorded => json!("as_recorded"),
            Payer::Insured => json!("insured"),
            Payer::SelfPay(reason) => json!({ "self_pay": reason }),
        }
    }
}

/// A charge being paid.
#[derive(Debug, Clone)]
pub struct ChargeInput {
    /// Made when the draft started; a retry with the same id finds the receipt issued.
    pub id: Uuid,
    /// Downtime number or HIS ID.
    pub patient: String,
    /// The registration (visit) this charge belongs to, if any.
    pub visit: Option<Uuid>,
    pub lines: Vec<LineInput>,
    pub tenders: Vec<TenderInput>,
    pub cash_tendered: Option<Fen>,
    /// Insured (pays in full now, re-settled after recovery) or self-pay.
    pub payer: Payer,
    /// Number of the pre-printed paper receipt (手工发票) written as well, if any.
    pub paper_no: Option<String>,
    /// Back-entry (补录): when it really happened, as typed.
    pub back_entered_at: Option<crate::time::TypedTime>,
    /// The supervisor who approves free-text lines (checked when the charge is paid).
    pub approver: Option<crate::operator::Approval>,
}

impl ChargeInput {
    /// A new draft of `lines` for `patient` paid by `tenders`: a fresh id, no visit, no cash
    /// handed over beyond the tenders, self-pay, no paper receipt, not back-entered.
    pub fn new(patient: impl Into<String>, lines: Vec<LineInput>, tenders: Vec<TenderInput>) -> ChargeInput {
        ChargeInput {
            id: Uuid::now_v7(),
            patient: patient.into(),
            visit: None,
            lines,
            tenders,
            cash_tendered: None,
            payer: Payer::AsRecorded,
            paper_no: None,
            back_entered_at: None,
            approver: None,
        }
    }
}

impl Desk {
    /// 收费结算: checks every line and tender, then writes the receipt, its lines and tenders
    /// and one journal entry in one transaction. Returns the receipt (the one already issued
    /// when this draft was paid before).
    pub fn pay_charge(&mut self, by: &Actor, input: &ChargeInput) -> Result<Receipt> {
        by.require(Permission::Register)?;
        let approver = self.approval(input.approver.as_ref())?;
        let back = self.when(input.back_entered_at.as_ref())?;
        let request = request_digest(input, back);
        let signer = self.signer()?;
        let checked = Checked {
            approver: approver.as_ref(),
            back,
        };
        self.in_write_tx(|desk| desk.pay_charge_in_tx(by, input, checked, request, &signer))
    }

    /// 恢复: the receipt a draft (by its id) was already paid as, if any. A window started again
    /// after a crash asks this before showing a kept draft, so a charge paid a moment before the
    /// crash comes back as its receipt, not as a draft to pay again.
    pub fn charge_paid(&self, by: &Actor, id: Uuid) -> Result<Option<Receipt>> {
        by.require(Permission::Register)?;
        self.receipt_by_id(id)
    }

    fn pay_charge_in_tx(
        &mut self,
        by: &Actor,
        input: &ChargeInput,
        checked: Checked<'_>,
        request: String,
        signer: &Signer,
    ) -> Result<Receipt> {
        let Checked { approver, back } = checked;
        if let Some(existing) = self.receipt_by_id(input.id)? {
            let same: Option<String> = self
                .conn
                .qrow("SELECT request_sha256 FROM receipt WHERE id = ?1", [input.id.to_string()], |r| {
                    r.get(0)
                })
                .optional()?;
            if same.as_deref() == Some(request.as_str()) {
                return Ok(existing);
            }
            return Err(invalid!(
                ChargeExistsDifferent,
                format!("这笔收费已经以收据 {} 结算，内容与现在不同：请新建一笔收费", existing.receipt_no),
                format!(
                    "This charge was already paid as receipt {} with different content: start a new charge",
                    existing.receipt_no
                )
            ));
        }
        if input.lines.is_empty() {
            return Err(invalid!(ChargeEmpty, "还没有收费项目", "The charge has no lines"));
        }
        if input.lines.len() > MAX_LINES {
            return Err(invalid!(
                ChargeTooManyLines,
                format!("一笔收费最多 {MAX_LINES} 行，现在有 {} 行：请分开收费", input.lines.len()),
                format!(
                    "One charge holds at most {MAX_LINES} lines, this one has {}: split it",
                    input.lines.len()
                )
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let (occurred_at, outage_id) = self.outage_for(back, now)?;
        let catalog = self.require_catalog()?;
        let patient = self.resolve_patient(by, &input.patient)?;
        let names: Vec<&str> = input
            .lines
            .iter()
            .filter_map(|l| match l {
                LineInput::FreeText { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let mut printable = vec![patient.name.as_str()];
        printable.extend(names);
        self.check_printable(&printable)?;
        let department = match input.visit {
            Some(v) => {
                let reg = self.registration(v)?.filter(|r| r.patient_id == patient.id).ok_or_else(|| {
                    invalid!(
                        VisitUnknown,
                        "这次挂号不属于该患者",
                        "That registration does not belong to this patient"
                    )
                })?;
                reg.dept_name
            }
            None => String::new(),
        };
        if let Some(a) = approver.filter(|_| input.lines.iter().any(|l| matches!(l, LineInput::FreeText { .. }))) {
            a.approve(by)?;
        }
        let (lines, total) = self.price_lines_in(&catalog, &input.lines, approver)?;
        if total == Fen::ZERO {
            return Err(invalid!(
                ChargeZero,
                "收费合计为 0，无需结算",
                "The charge totals 0: nothing to pay"
            ));
        }
        let (tenders, change) = settle(&input.tenders, total, input.cash_tendered, true)?;
        let (insured, reason) = input.payer.resolve(&patient)?;
        let pay_day = occurred_at.with_timezone(&Local).date_naive();
        let exchange_due = self.due_after(pay_day, DUE_WORKING_DAYS)?;
        let resettle_due = insured.then_some(exchange_due);
        let paper_no = match input.paper_no.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(self.paper_no_for(shift.id, p)?),
            None => None,
        };
        let new = NewReceipt {
            registration_id: input.visit,
            department,
            change,
            insured,
            resettle_due,
            exchange_due: Some(exchange_due),
            paper_no,
            reason: reason.clone(),
            supervisor: approver.filter(|_| lines.iter().any(|l| l.free_text)),
            catalog_version: Some(catalog.id),
            back_entered: input.back_entered_at.is_some(),
            request_sha256: request,
            ..NewReceipt::new(ReceiptKind::Charge, input.id, &patient, total, shift.id, outage_id, occurred_at)
        };
        let (receipt_no, qr_payload) = insert_receipt(&self.conn, signer, by, &new, &lines, &tenders, now, "receipt_issued")?;
        // What was just written, without reading it back.
        Ok(Receipt {
            id: input.id,
            receipt_no,
            kind: ReceiptKind::Charge,
            registration_id: input.visit,
            admission_id: None,
            department: new.department.clone(),
            refund_of: None,
            lines,
            tenders,
            total,
            change,
            insured,
            insurance: patient.insurance,
            insurance_no: patient.insurance_no.clone(),
            resettle_due,
            exchange_due: Some(exchange_due),
            paper_no: new.paper_no.clone(),
            reason,
            supervisor: new.supervisor.map(|s| s.name().to_string()),
            drug_return_by: None,
            catalog_version: Some(catalog.id),
            cashier: by.name().to_string(),
            shift_id: shift.id,
            outage_id,
            occurred_at: crate::time::parse_stamp(&stamp(occurred_at))?,
            back_entered: input.back_entered_at.is_some(),
            qr_payload,
            voided: None,
            refunded: Fen::ZERO,
            pay_back_reason: None,
            payer: None,
            patient,
        })
    }
}

/// What `pay_charge` checked before its transaction: the approver's PIN (a wrong one counts
/// toward the lockout, so it is never rolled back) and the back-entry time placed on its day.
#[derive(Clone, Copy)]
struct Checked<'a> {
    approver: Option<&'a Actor>,
    back: Option<DateTime<Utc>>,
}

/// The idempotency fingerprint of a charge: what was asked, canonically.
fn request_digest(input: &ChargeInput, back: Option<DateTime<Utc>>) -> String {
    let lines: Vec<serde_json::Value> = input
        .lines
        .iter()
        .map(|l| match l {
            LineInput::Item { code, qty } => json!({"code": code, "qty_milli": qty.milli()}),
            LineInput::Herbal { code, per_dose, doses } => json!({"code": code, "per_dose_milli": per_dose.milli(), "doses": doses}),
            LineInput::FreeText { name, unit, unit_price, qty, category, reason } => {
                json!({"name": name, "unit": unit, "unit_price_e4": unit_price.e4(), "qty_milli": qty.milli(), "category": category.key(), "reason": reason})
            }
        })
        .collect();
    let tenders: Vec<serde_json::Value> = input
        .tenders
        .iter()
        .map(|t| json!({"method": t.method.key(), "amount_fen": t.amount.get(), "reference": t.reference}))
        .collect();
    let v = json!({
        "patient": input.patient, "visit": input.visit.map(|v| v.to_string()), "lines": lines, "tenders": tenders,
        "cash_tendered_fen": input.cash_tendered.map(Fen::get), "payer": input.payer.key(), "paper_no": input.paper_no,
        "back_entered_at": back.map(stamp),
    });
    hex::encode(Sha256::digest(canonical(&v).as_bytes()))
}
