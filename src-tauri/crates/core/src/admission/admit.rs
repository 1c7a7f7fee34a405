//! 入院: inpatient admissions. Each admission gets a temporary inpatient number carrying the
//! station code (`ZY-RY01-000045`) that cannot clash with HIS numbers. Insured patients are
//! admitted as ordinary (self-pay) patients and flagged "convert to insured after recovery".
//! Cancel and transfer are records of their own.

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
    pub back_entered_at: Option<crate::time::TypedTime>,
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

pub(crate) fn optional_text(text: Option<&str>, max: usize, what: (&str, &str)) -> Result<String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => clean_text(t, max, what),
        None => Ok(String::new()),
    }
}

pub(crate) fn unknown(no: &str) -> crate::CoreError {
    invalid!(AdmissionUnknown, format!("找不到住院号 {no}"), format!("No admission {no}"))
}

impl Desk {
    /// 入院登记.
    pub fn admit(&mut self, by: &Actor, new: &NewAdmission) -> Result<Admission> {
        by.require(Permission::Admit)?;
        let station = self.require_station()?;
        let now = self.now();
        let (admitted_at, outage_id) = self.outage_for(self.when(new.back_entered_at.as_ref())?, now)?;
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

    pub(crate) fn active_admission(&self, inpatient_no: &str) -> Result<Admission> {
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
}
