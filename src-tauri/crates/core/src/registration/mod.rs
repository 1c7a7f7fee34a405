//! 挂号: outpatient registration. A visit is registered for a patient in a department with a
//! registration type (号别, the hospital's own: `types`); it gets a queue number per
//! department per day at this station, and its fee (the type's items in the active price
//! list) is paid at once: the registration and its receipt (kind `registration`) are written
//! in one transaction and one journal entry. A type without fees needs no payment.
//!
//! 退号 is a record of its own; the queue number stays used. A paid registration is given
//! back with a refund voucher (退费凭证) to the tenders it was paid with, approved by a
//! supervisor who is not the operator; a fee-free one needs no approval. Its fee receipt is
//! never voided or refunded on its own.
//!
//! This file is register-and-pay; the registration as stored and read back is `record.rs`,
//! 退号 `cancel.rs`, the queue slip `slip.rs`.

mod cancel;
pub mod dept;
pub mod fees;
mod record;
mod slip;
pub mod types;

pub use dept::{Department, DeptKind};
pub use record::*;
pub use types::RegType;

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::journal;
use crate::money::Fen;
use crate::operator::Actor;
use crate::receipt::tender::{settle, TenderInput};
use crate::receipt::write::{insert_receipt_rows, NewReceipt, Signer};
use crate::receipt::{ReceiptKind, ReceiptLine};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, stamp};
use crate::workdays::DUE_WORKING_DAYS;
use chrono::{DateTime, Local, Utc};
use rusqlite::OptionalExtension;
use serde_json::{json, Map};
use uuid::Uuid;

/// What the registration window sends: the visit and how its fee is paid.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    /// Made when the form started; a retry with the same id finds the registration made.
    pub id: Uuid,
    /// Downtime number or HIS ID.
    pub patient: String,
    pub dept: String,
    /// The type's key or name.
    pub reg_type: String,
    pub doctor: Option<String>,
    /// Back-entry (补录) from paper: when the visit really happened.
    pub back_entered_at: Option<crate::time::TypedTime>,
    /// How the fee is paid; empty for a type without fees.
    pub tenders: Vec<TenderInput>,
    pub cash_tendered: Option<Fen>,
    /// Insured (the default for a patient with insurance on file) or self-pay.
    pub payer: crate::charge::Payer,
}

impl NewRegistration {
    /// A new registration of `patient` in `dept` with type `reg_type`, paid by `tenders`.
    pub fn new(patient: impl Into<String>, dept: impl Into<String>, reg_type: impl Into<String>, tenders: Vec<TenderInput>) -> Self {
        NewRegistration {
            id: Uuid::now_v7(),
            patient: patient.into(),
            dept: dept.into(),
            reg_type: reg_type.into(),
            doctor: None,
            back_entered_at: None,
            tenders,
            cash_tendered: None,
            payer: crate::charge::Payer::AsRecorded,
        }
    }
}

impl Desk {
    /// 挂号: registers an outpatient visit, takes its fee, and gives its queue number.
    pub fn register(&mut self, by: &Actor, new: &NewRegistration) -> Result<Registration> {
        by.require(Permission::Register)?;
        let signer = self.signer()?;
        let id = self.in_write_tx(|desk| desk.register_in_tx(by, new, &signer))?;
        Ok(self.registration(id)?.expect("just registered"))
    }

    fn register_in_tx(&mut self, by: &Actor, new: &NewRegistration, signer: &Signer) -> Result<Uuid> {
        if let Some(existing) = self.registration(new.id)? {
            let same = existing.dept_code.eq_ignore_ascii_case(new.dept.trim())
                && self.reg_type(&new.reg_type).is_ok_and(|t| t.key == existing.reg_type);
            if same {
                return Ok(existing.id);
            }
            return Err(invalid!(
                RegistrationExistsDifferent,
                format!(
                    "这次挂号已经办理（{} 第 {} 号），内容与现在不同：请重新开始挂号",
                    existing.dept_name, existing.queue_no
                ),
                format!(
                    "This registration was already made ({} number {}) with different details: start a new one",
                    existing.dept_name, existing.queue_no
                )
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let (occurred_at, outage_id) = self.outage_for(self.when(new.back_entered_at.as_ref())?, now)?;
        let dept = self.outpatient_department(&new.dept)?;
        let doctor = match new.doctor.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => clean_text(d, 20, ("医生", "Doctor"))?,
            None => String::new(),
        };
        let reg_type = self.reg_type(&new.reg_type)?;
        let catalog = self.require_catalog()?;
        let fees = self.reg_type_fees(&reg_type)?;
        if let Some(code) = fees.missing().first() {
            return Err(invalid!(
                RegFeeItemMissing,
                format!(
                    "当前价目表中没有编码为“{code}”的项目，无法收取{}的挂号费：请在设置（Ctrl+O）中修改这个号别的费用项目",
                    reg_type.name
                ),
                format!(
                    "The active price list has no item \"{code}\", so the fee of {} cannot be taken: change the type's fee items in settings (Ctrl+O)",
                    reg_type.name
                )
            ));
        }
        let mut lines: Vec<ReceiptLine> = Vec::new();
        for (_, item) in &fees.items {
            let item = item.as_ref().expect("checked above");
            let qty = crate::catalog::price::Quantity::from_milli(1000)?;
            lines.push(crate::charge::pricing::item_as_line(lines.len() as i64 + 1, item, qty, None)?);
        }
        let fee = fees.total().expect("every item priced");
        let paid = if fee > Fen::ZERO {
            if new.tenders.is_empty() {
                return Err(invalid!(
                    RegFeeUnpaid,
                    format!("{}的挂号费 {fee} 须当场收取：请填写支付方式和金额", reg_type.name),
                    format!("The {} fee of {fee} is paid at registration: give the payment", reg_type.name)
                ));
            }
            Some(settle(&new.tenders, fee, new.cash_tendered, true)?)
        } else {
            if !new.tenders.is_empty() || new.cash_tendered.is_some() {
                return Err(invalid!(
                    RegNoFee,
                    format!("{}不收挂号费，无需付款", reg_type.name),
                    format!("{} has no fee: nothing to pay", reg_type.name)
                ));
            }
            None
        };
        let patient = self.resolve_patient(by, &new.patient)?;
        self.check_printable(&[patient.name.as_str()])?;
        let (insured, reason) = new.payer.resolve(&patient)?;
        let visit_date = occurred_at.with_timezone(&Local).date_naive();
        let items_json = canonical(&serde_json::Value::Array(
            lines
                .iter()
                .map(|l| json!({"code": l.code, "name": l.name, "unit_price_e4": l.unit_price.e4(), "amount_fen": l.amount.get(), "category": l.category.zh()}))
                .collect(),
        ));
        let queue_no: i64 = self.conn.qrow(
            "SELECT ifnull(max(queue_no), 0) + 1 FROM registration WHERE dept_code = ?1 AND visit_date = ?2",
            [dept.code.as_str(), visit_date.to_string().as_str()],
            |r| r.get(0),
        )?;
        let mut rows = vec![(
            "registration",
            journal::insert_row(
                &self.conn,
                "registration",
                &[
                    ("id", &new.id.to_string()),
                    ("patient_id", &patient.id.to_string()),
                    ("dept_code", &dept.code),
                    ("dept_name", &dept.name),
                    ("doctor", &doctor),
                    ("reg_type", &reg_type.key),
                    ("visit_date", &visit_date.to_string()),
                    ("queue_no", &queue_no),
                    ("fee_fen", &fee.get()),
                    ("fee_items", &items_json),
                    ("catalog_version_id", &catalog.id.to_string()),
                    ("operator_id", &by.id().to_string()),
                    ("shift_id", &shift.id.to_string()),
                    ("outage_id", &outage_id.to_string()),
                    ("occurred_at", &stamp(occurred_at)),
                    ("recorded_at", &stamp(now)),
                    ("back_entered", &new.back_entered_at.is_some()),
                ],
            )?,
        )];
        if let Some((tenders, change)) = paid {
            let exchange_due = self.due_after(occurred_at.with_timezone(&Local).date_naive(), DUE_WORKING_DAYS)?;
            let request = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                canonical(&json!({"registration": new.id.to_string(), "reg_type": reg_type.key, "fee_fen": fee.get()})).as_bytes(),
            ));
            let receipt = NewReceipt {
                registration_id: Some(new.id),
                department: dept.name.clone(),
                change,
                insured,
                resettle_due: insured.then_some(exchange_due),
                reason,
                exchange_due: Some(exchange_due),
                catalog_version: Some(catalog.id),
                back_entered: new.back_entered_at.is_some(),
                request_sha256: request,
                ..NewReceipt::new(
                    ReceiptKind::Registration,
                    Uuid::now_v7(),
                    &patient,
                    fee,
                    shift.id,
                    outage_id,
                    occurred_at,
                )
            };
            let (_, _, receipt_rows) = insert_receipt_rows(&self.conn, signer, by, &receipt, &lines, &tenders, now)?;
            rows.extend(receipt_rows);
        }
        journal::append_rows(&self.conn, "registered", by.name(), now, rows, Map::new())?;
        Ok(new.id)
    }

    /// The department `code`, refused unless it registers outpatients.
    fn outpatient_department(&self, code: &str) -> Result<Department> {
        let dept = self.department_or_refuse(code)?;
        if dept.kind == DeptKind::Inpatient {
            return Err(invalid!(
                DeptNotOutpatient,
                format!("{} 是住院科室，门诊挂号请选门诊或急诊科室；住院请用入院登记", dept.name),
                format!("{} is an inpatient ward; register outpatients in an outpatient or emergency department, and use admission for inpatients", dept.name)
            ));
        }
        Ok(dept)
    }

    /// The outage a money record belongs to: the active one now, or for back-entry the one
    /// whose period holds the moment it really happened.
    pub(crate) fn outage_for(&self, back_entered_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(DateTime<Utc>, Uuid)> {
        match back_entered_at {
            None => match self.active_outage()? {
                Some(o) => Ok((now, o.id)),
                None => Err(invalid!(
                    OutageNotActive,
                    "当前不在应急状态：请在 HIS 中办理。补录停机期间的纸质记录时，请标记为补录并填写实际时间",
                    "No outage is active: use the HIS. To back-enter a paper record from an outage, mark it as back-entry with the real time"
                )),
            },
            Some(t) => {
                if t > now {
                    return Err(invalid!(TimeInFuture, format!("补录时间 {} 晚于现在", local_display(t)), format!("The back-entry time {} is in the future", local_display(t))));
                }
                let id: Option<String> = self
                    .conn
                    .qrow(
                        "SELECT o.id FROM outage o LEFT JOIN outage_end e ON e.outage_id = o.id WHERE o.his_down_at <= ?1 AND (e.his_up_at IS NULL OR e.his_up_at >= ?1) ORDER BY o.rowid DESC LIMIT 1",
                        [stamp(t)],
                        |r| r.get(0),
                    )
                    .optional()?;
                let id = id.ok_or_else(|| {
                    invalid!(
                        BackEntryOutsideOutage,
                        format!("{} 不在任何一次应急期间：补录只用于停机期间的纸质记录", local_display(t)),
                        format!("{} is in no outage: back-entry is only for paper records made during an outage", local_display(t))
                    )
                })?;
                Ok((t, crate::time::parse_stored_id(&id)?))
            }
        }
    }
}
