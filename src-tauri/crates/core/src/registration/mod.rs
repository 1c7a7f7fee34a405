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

pub mod dept;
pub mod fees;
pub mod types;

pub use dept::{Department, DeptKind};
pub use types::RegType;

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::journal;
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Patient;
use crate::receipt::tender::{settle, TenderInput};
use crate::receipt::write::{insert_receipt_rows, NewReceipt, Signer};
use crate::receipt::{Receipt, ReceiptKind, ReceiptLine};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, parse_stamp, stamp};
use crate::workdays::DUE_WORKING_DAYS;
use chrono::{DateTime, Local, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::{json, Map};
use uuid::Uuid;

/// One fee item of a registration, priced from the catalog version it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FeeItem {
    pub code: String,
    pub name: String,
    #[ts(type = "number")]
    pub unit_price_e4: i64,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub category: String,
}

/// 退号: when, why, who, and the refund voucher of a paid registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
    /// The refund voucher's number and amount.
    pub refund: Option<(String, Fen)>,
    pub supervisor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub downtime_no: String,
    pub patient_name: String,
    pub dept_code: String,
    pub dept_name: String,
    pub doctor: String,
    /// The type's key, and its name when the visit was registered.
    pub reg_type: String,
    pub reg_type_name: String,
    pub visit_date: NaiveDate,
    pub queue_no: i64,
    pub fee: Fen,
    pub fee_items: Vec<FeeItem>,
    pub catalog_version: Uuid,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    /// The receipt that paid the fee (none for a type without fees).
    pub fee_receipt: Option<String>,
    /// Change given when the fee was paid in cash.
    pub change: Fen,
    pub cancelled: Option<Cancellation>,
}

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

const REG_SELECT: &str =
    "SELECT r.id, r.patient_id, p.downtime_no, \
     coalesce((SELECT x.name FROM patient_correction x WHERE x.patient_id = p.id AND x.at <= r.recorded_at ORDER BY x.rowid DESC LIMIT 1), p.name), r.dept_code, r.dept_name, r.doctor, r.reg_type, r.visit_date, r.queue_no, \
     r.fee_fen, r.fee_items, r.catalog_version_id, r.shift_id, r.outage_id, r.occurred_at, r.back_entered, c.reason, c.at, \
     f.receipt_no, f.change_fen, x.receipt_no, x.total_fen, co.name, xs.name, r.recorded_at \
     FROM registration r JOIN patient p ON p.id = r.patient_id \
     LEFT JOIN registration_cancel c ON c.registration_id = r.id LEFT JOIN operator co ON co.id = c.cancelled_by \
     LEFT JOIN receipt f ON f.registration_id = r.id AND f.kind = 'registration' \
     LEFT JOIN receipt x ON x.refund_of = f.id LEFT JOIN operator xs ON xs.id = x.supervisor_id";

fn reg_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Registration, String)> {
    let items: String = r.get(11)?;
    let reason: Option<String> = r.get(17)?;
    let refund: Option<String> = r.get(21)?;
    let reg = Registration {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        patient_id: crate::time::parse_stored_id(&r.get::<_, String>(1)?)?,
        downtime_no: r.get(2)?,
        patient_name: r.get(3)?,
        dept_code: r.get(4)?,
        dept_name: r.get(5)?,
        doctor: r.get(6)?,
        reg_type: r.get(7)?,
        reg_type_name: String::new(),
        visit_date: crate::time::parse_stored_date(&r.get::<_, String>(8)?)?,
        queue_no: r.get(9)?,
        fee: Fen::new(r.get(10)?).unwrap_or_default(),
        fee_items: serde_json::from_str::<Vec<serde_json::Value>>(&items)
            .unwrap_or_default()
            .into_iter()
            .map(|v| FeeItem {
                code: v["code"].as_str().unwrap_or_default().into(),
                name: v["name"].as_str().unwrap_or_default().into(),
                unit_price_e4: v["unit_price_e4"].as_i64().unwrap_or(0),
                amount_fen: v["amount_fen"].as_i64().unwrap_or(0),
                category: v["category"].as_str().unwrap_or_default().into(),
            })
            .collect(),
        catalog_version: crate::time::parse_stored_id(&r.get::<_, String>(12)?)?,
        shift_id: crate::time::parse_stored_id(&r.get::<_, String>(13)?)?,
        outage_id: crate::time::parse_stored_id(&r.get::<_, String>(14)?)?,
        occurred_at: parse_stamp(&r.get::<_, String>(15)?)?,
        back_entered: r.get(16)?,
        fee_receipt: r.get(19)?,
        change: Fen::new(r.get::<_, Option<i64>>(20)?.unwrap_or(0)).unwrap_or_default(),
        cancelled: match reason {
            Some(reason) => Some(Cancellation {
                reason,
                at: parse_stamp(&r.get::<_, String>(18)?)?,
                by: r.get(23)?,
                refund: match refund {
                    Some(no) => Some((no, Fen::new(r.get(22)?).unwrap_or_default())),
                    None => None,
                },
                supervisor: r.get(24)?,
            }),
            None => None,
        },
    };
    Ok((reg, r.get(25)?))
}

/// The one error for a registration that is not on record (or an id that names none).
pub fn unknown_registration() -> crate::CoreError {
    invalid!(RegistrationUnknown, "找不到这条挂号记录", "No such registration")
}

/// A registration's id as sent or typed: one that cannot name a registration is refused as
/// [`unknown_registration`].
pub fn registration_id(text: &str) -> Result<Uuid> {
    text.trim().parse().map_err(|_| unknown_registration())
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

    fn registrations_where(&self, clause: &str, param: &str) -> Result<Vec<Registration>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{REG_SELECT} WHERE {clause} ORDER BY r.rowid DESC"))?;
        let rows: Vec<(Registration, String)> = stmt.query_map([param], reg_from_row)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(mut reg, recorded_at)| {
                reg.reg_type_name = self.reg_type_name_at(&reg.reg_type, &recorded_at)?;
                Ok(reg)
            })
            .collect()
    }

    pub fn registration(&self, id: Uuid) -> Result<Option<Registration>> {
        Ok(self.registrations_where("r.id = ?1", &id.to_string())?.into_iter().next())
    }

    /// Registrations of a patient, newest first.
    pub fn registrations_of(&self, patient: &Patient) -> Result<Vec<Registration>> {
        self.registrations_where("r.patient_id = ?1", &patient.id.to_string())
    }

    /// Today's registrations at this station (today by the desk's clock), newest first.
    pub fn registrations_today(&self) -> Result<Vec<Registration>> {
        self.registrations_on(self.today())
    }

    /// A day's registrations at this station, newest first.
    pub fn registrations_on(&self, day: NaiveDate) -> Result<Vec<Registration>> {
        self.registrations_where("r.visit_date = ?1", &day.to_string())
    }

    /// 退号: cancels a registration by a record of its own; the queue number stays used. A
    /// paid fee goes back with a refund voucher to the tenders it was paid with, approved by
    /// `supervisor`; a registration without a fee needs no approval.
    pub fn cancel_registration(
        &mut self,
        by: &Actor,
        id: Uuid,
        reason: &str,
        supervisor: Option<&crate::operator::Approval>,
    ) -> Result<Registration> {
        let supervisor = self.approval(supervisor)?;
        let supervisor = supervisor.as_ref();
        by.require(Permission::Register)?;
        let reason = clean_text(reason, 100, ("退号原因", "Reason"))?;
        let signer = self.signer()?;
        self.in_write_tx(|desk| desk.cancel_in_tx(by, id, &reason, supervisor, &signer))?;
        Ok(self.registration(id)?.expect("exists"))
    }

    fn cancel_in_tx(&mut self, by: &Actor, id: Uuid, reason: &str, supervisor: Option<&Actor>, signer: &Signer) -> Result<()> {
        let reg = self.registration(id)?.ok_or_else(unknown_registration)?;
        if reg.cancelled.is_some() {
            return Err(invalid!(
                RegistrationCancelled,
                "这条挂号已经退号",
                "This registration is already cancelled"
            ));
        }
        let charged: Option<String> = self
            .conn
            .qrow(
                "SELECT x.receipt_no FROM receipt x WHERE x.registration_id = ?1 AND x.kind = 'charge' \
                 AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = x.id) \
                 AND x.total_fen > (SELECT ifnull(sum(y.total_fen), 0) FROM receipt y WHERE y.refund_of = x.id) LIMIT 1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(no) = charged {
            return Err(invalid!(
                RegistrationHasCharges,
                format!("这次就诊已有收费（收据 {no}），请先退费再退号"),
                format!("This visit has charges (receipt {no}): refund them before cancelling the registration")
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let fee_receipt = match &reg.fee_receipt {
            Some(no) => self.receipt(no)?,
            None => None,
        };
        let mut rows = Vec::new();
        if let Some(paid) = fee_receipt.filter(|r| r.voided.is_none()) {
            let supervisor = supervisor.ok_or_else(|| {
                invalid!(
                    RegCancelNeedsSupervisor,
                    format!("退号将退还挂号费 {}（收据 {}），需要主管授权", paid.total, paid.receipt_no),
                    format!(
                        "Cancelling refunds the fee of {} (receipt {}): a supervisor must approve",
                        paid.total, paid.receipt_no
                    )
                )
            })?;
            supervisor.approve(by)?;
            rows.extend(self.refund_fee_rows(by, supervisor, &paid, reason, shift.id, now, signer)?);
        }
        rows.push((
            "registration_cancel",
            journal::insert_row(
                &self.conn,
                "registration_cancel",
                &[
                    ("registration_id", &id.to_string()),
                    ("reason", &reason),
                    ("cancelled_by", &by.id().to_string()),
                    ("shift_id", &shift.id.to_string()),
                    ("at", &stamp(now)),
                ],
            )?,
        ));
        journal::append_rows(&self.conn, "registration_cancelled", by.name(), now, rows, Map::new())?;
        Ok(())
    }

    /// The refund voucher of a registration's whole fee, back to the tenders it was paid with.
    #[allow(clippy::too_many_arguments)]
    fn refund_fee_rows(
        &self,
        by: &Actor,
        supervisor: &Actor,
        paid: &Receipt,
        reason: &str,
        shift: Uuid,
        now: DateTime<Utc>,
        signer: &Signer,
    ) -> Result<Vec<(&'static str, String)>> {
        let lines: Vec<ReceiptLine> = paid
            .lines
            .iter()
            .map(|l| ReceiptLine {
                refunds_line: Some(l.line_no),
                ..l.clone()
            })
            .collect();
        let back: Vec<TenderInput> = paid
            .tenders
            .iter()
            .map(|t| TenderInput {
                method: t.method,
                amount: t.amount,
                reference: t.reference.clone(),
            })
            .collect();
        let (tenders, _) = settle(&back, paid.total, None, false)?;
        let outage_id = self.active_outage()?.map(|o| o.id).unwrap_or(paid.outage_id);
        let voucher = NewReceipt {
            registration_id: paid.registration_id,
            department: paid.department.clone(),
            refund_of: Some(paid.id),
            insured: paid.insured,
            reason: format!("退号：{reason}"),
            supervisor: Some(supervisor),
            catalog_version: paid.catalog_version,
            ..NewReceipt::new(
                ReceiptKind::Refund,
                Uuid::now_v7(),
                &paid.patient,
                paid.total,
                shift,
                outage_id,
                now,
            )
        };
        let (_, _, rows) = insert_receipt_rows(&self.conn, signer, by, &voucher, &lines, &tenders, now)?;
        Ok(rows)
    }
}

impl Desk {
    /// Prints a registration's 候诊条: saves it in the receipts folder, sends it to the
    /// printer when one is set, and records the printing.
    pub fn print_queue_slip(&mut self, by: &Actor, registration: Uuid) -> Result<crate::charge::print::Printed> {
        let bytes = self.queue_slip_pdf(registration)?;
        let r = self.registration(registration)?.ok_or_else(unknown_registration)?;
        let name = format!("候诊条-{}-{}-{}.pdf", r.visit_date, r.dept_code, r.queue_no);
        let doc = crate::charge::print::Document::QueueSlip;
        self.print_document(by, doc, &registration.to_string(), "roll80", &name, &bytes)
    }

    /// `downtime registration slip --out`: the 候诊条 written whole to `out`, its printing
    /// recorded as [`Desk::print_queue_slip`] records it.
    pub fn queue_slip_to(&mut self, by: &Actor, registration: Uuid, out: &std::path::Path) -> Result<()> {
        let bytes = self.queue_slip_pdf(registration)?;
        let doc = crate::charge::print::Document::QueueSlip;
        self.document_to(by, doc, &registration.to_string(), "roll80", &bytes, out)
    }

    /// 候诊条: the small slip with the queue number, on the 80 mm roll.
    pub fn queue_slip_pdf(&self, registration: Uuid) -> Result<Vec<u8>> {
        use crate::receipt_pdf::{render_queue_slip, QueueSlip};
        let station = self.require_station()?;
        let r = self.registration(registration)?.ok_or_else(unknown_registration)?;
        render_queue_slip(&QueueSlip {
            hospital: station.hospital.clone(),
            station: station.code.to_string(),
            department: r.dept_name.clone(),
            queue_number: r.queue_no,
            patient_name: r.patient_name.clone(),
            downtime_number: r.downtime_no.clone(),
            registration_type: r.reg_type_name.clone(),
            doctor: r.doctor.clone(),
            visit_date: r.visit_date.to_string(),
            registered_at: local_display(r.occurred_at),
            fee: r.fee,
            fee_receipt: r.fee_receipt.clone(),
            notice: if r.cancelled.is_some() {
                "本号已退号".into()
            } else {
                "请按号候诊，过号请到分诊台重新排队。".into()
            },
        })
    }
}
