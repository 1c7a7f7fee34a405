//! Wire types of patients, departments, registration types and registrations
//! (`commands/patients.rs`, `downtime patient|register|registration|regtype|dept`).

use super::*;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PatientView {
    /// The record's UUID (a snapshot patient's own id until registered here).
    pub id: String,
    pub source: crate::patient::Source,
    /// 停机号, e.g. `DT-MZ01-000123`; null for an HIS patient not yet registered here.
    pub downtime_no: Option<String>,
    pub name: String,
    pub sex: crate::patient::Sex,
    /// `YYYY-MM-DD`
    pub birth: Option<String>,
    #[ts(type = "number | null")]
    pub age: Option<i64>,
    pub id_number: Option<String>,
    pub id_old_style: bool,
    pub phone: String,
    /// 住址, as the form has it (the correction form starts from it).
    pub address: String,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    pub his_id: Option<String>,
}

impl From<&crate::patient::Patient> for PatientView {
    fn from(p: &crate::patient::Patient) -> Self {
        PatientView {
            id: p.id.to_string(),
            source: p.source,
            downtime_no: p.downtime_no.clone(),
            name: p.name.clone(),
            sex: p.sex,
            birth: p.birth.map(|b| b.to_string()),
            age: p.age_on(chrono::Local::now().date_naive()),
            id_number: p.id_number.clone(),
            id_old_style: p.id_old_style,
            phone: p.phone.clone(),
            address: p.address.clone(),
            insurance: p.insurance,
            insurance_no: p.insurance_no.clone(),
            his_id: p.his_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepartmentView {
    pub code: String,
    pub name: String,
    pub kind: crate::registration::DeptKind,
    pub doctors: Vec<String>,
}

impl From<&crate::registration::Department> for DepartmentView {
    fn from(d: &crate::registration::Department) -> Self {
        DepartmentView {
            code: d.code.clone(),
            name: d.name.clone(),
            kind: d.kind,
            doctors: d.doctors.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegistrationView {
    pub id: String,
    pub patient_id: String,
    pub downtime_no: String,
    pub patient_name: String,
    /// Department code.
    pub dept: String,
    pub dept_name: String,
    pub doctor: String,
    /// The registration type's key, and its name when registered.
    pub reg_type: String,
    pub reg_type_name: String,
    pub visit_date: String,
    #[ts(type = "number")]
    pub queue_no: i64,
    /// The fee (0 for a type without fees).
    #[ts(type = "number")]
    pub total_fen: i64,
    pub fee_items: Vec<crate::registration::FeeItem>,
    /// The receipt that paid the fee; null for a type without fees.
    pub receipt_no: Option<String>,
    #[ts(type = "number")]
    pub change_fen: i64,
    pub occurred_at: String,
    pub back_entered: bool,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    /// 退号 of a paid registration: the refund voucher and what it paid back.
    pub refund_receipt_no: Option<String>,
    #[ts(type = "number")]
    pub refund_fen: i64,
}

impl From<&crate::registration::Registration> for RegistrationView {
    fn from(r: &crate::registration::Registration) -> Self {
        let refund = r.cancelled.as_ref().and_then(|c| c.refund.clone());
        RegistrationView {
            id: r.id.to_string(),
            patient_id: r.patient_id.to_string(),
            downtime_no: r.downtime_no.clone(),
            patient_name: r.patient_name.clone(),
            dept: r.dept_code.clone(),
            dept_name: r.dept_name.clone(),
            doctor: r.doctor.clone(),
            reg_type: r.reg_type.clone(),
            reg_type_name: r.reg_type_name.clone(),
            visit_date: r.visit_date.to_string(),
            queue_no: r.queue_no,
            total_fen: r.fee.get(),
            fee_items: r.fee_items.clone(),
            receipt_no: r.fee_receipt.clone(),
            change_fen: r.change.get(),
            occurred_at: stamp(r.occurred_at),
            back_entered: r.back_entered,
            cancelled: r.cancelled.is_some(),
            cancel_reason: r.cancelled.as_ref().map(|c| c.reason.clone()),
            refund_fen: refund.as_ref().map(|(_, f)| f.get()).unwrap_or(0),
            refund_receipt_no: refund.map(|(no, _)| no),
        }
    }
}

/// What `downtime registration cancel --json` prints: the refund voucher (`receipt_no`) and
/// what it paid back, beside the registration as it now stands.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegistrationCancelView {
    pub id: String,
    #[ts(type = "number")]
    pub queue_no: i64,
    /// The refund voucher; null when the registration had no fee.
    pub receipt_no: Option<String>,
    #[ts(type = "number")]
    pub refund_fen: i64,
    pub supervisor: Option<String>,
    pub registration: RegistrationView,
}

impl From<&crate::registration::Registration> for RegistrationCancelView {
    fn from(r: &crate::registration::Registration) -> Self {
        let view = RegistrationView::from(r);
        RegistrationCancelView {
            id: view.id.clone(),
            queue_no: view.queue_no,
            receipt_no: view.refund_receipt_no.clone(),
            refund_fen: view.refund_fen,
            supervisor: r.cancelled.as_ref().and_then(|c| c.supervisor.clone()),
            registration: view,
        }
    }
}

/// One fee item of a registration type, as the active price list prices it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegFeeItemView {
    pub code: String,
    /// Empty when the active price list has no such item.
    pub name: String,
    /// Exact decimal text in yuan; null when the item is missing.
    pub unit_price: Option<String>,
    pub category: Option<String>,
    pub missing: bool,
}

/// A registration type (号别) with its fee items by code.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegTypeView {
    pub key: String,
    pub name: String,
    pub active: bool,
    pub fee_items: Vec<RegFeeItemView>,
    /// The fee; null while a fee item is missing from the active price list.
    #[ts(type = "number | null")]
    pub total_fen: Option<i64>,
    pub missing_codes: Vec<String>,
}

impl From<&crate::registration::fees::RegTypeFees> for RegTypeView {
    fn from(f: &crate::registration::fees::RegTypeFees) -> Self {
        RegTypeView {
            key: f.reg_type.key.clone(),
            name: f.reg_type.name.clone(),
            active: f.reg_type.active,
            fee_items: f
                .items
                .iter()
                .map(|(code, item)| RegFeeItemView {
                    code: code.clone(),
                    name: item.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
                    unit_price: item.as_ref().map(|i| i.price.yuan_text()),
                    category: item.as_ref().map(|i| i.category.zh().to_string()),
                    missing: item.is_none(),
                })
                .collect(),
            total_fen: f.total().map(|t| t.get()),
            missing_codes: f.missing().into_iter().map(String::from).collect(),
        }
    }
}

/// A registration type as edited in settings.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RegTypeInput {
    pub key: String,
    pub name: String,
    pub fee_codes: Vec<String>,
    pub active: bool,
}

/// The new-patient form.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct NewPatientInput {
    pub name: String,
    /// `M`, `F` or `U`
    pub sex: String,
    pub birth: Option<String>,
    #[ts(type = "number | null")]
    pub age: Option<i64>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    pub confirm_duplicate: bool,
    pub confirm_id_mismatch: bool,
}

impl From<NewPatientInput> for crate::patient::NewPatient {
    fn from(i: NewPatientInput) -> Self {
        crate::patient::NewPatient {
            name: i.name,
            sex: i.sex,
            birth: i.birth,
            age: i.age,
            id_number: i.id_number,
            phone: i.phone,
            address: i.address,
            insurance: i.insurance,
            insurance_no: i.insurance_no,
            confirm_duplicate: i.confirm_duplicate,
            confirm_id_mismatch: i.confirm_id_mismatch,
        }
    }
}

/// The registration form with its payment.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RegisterInput {
    /// Made when the form started; a retry with the same id finds the registration made.
    pub id: String,
    /// Downtime number or HIS ID.
    pub patient: String,
    pub dept: String,
    /// The registration type's key.
    pub reg_type: String,
    pub doctor: Option<String>,
    /// Back-entry: when the visit really happened, as typed; absent for now.
    pub back_entered_at: Option<String>,
    /// Empty for a type without fees.
    pub tenders: Vec<TenderInput>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    /// Charged as insured (the default shown for a patient with insurance on file).
    pub insured: bool,
    /// Why an insured patient pays as self-pay (needed then).
    pub self_pay_reason: Option<String>,
}

impl TryFrom<RegisterInput> for crate::registration::NewRegistration {
    type Error = crate::CoreError;
    fn try_from(i: RegisterInput) -> crate::Result<Self> {
        Ok(crate::registration::NewRegistration {
            id: crate::ids::parse_id(&i.id, "挂号编号")?,
            doctor: i.doctor,
            back_entered_at: TypedTime::parse_opt(i.back_entered_at.as_deref())?,
            cash_tendered: fen(i.cash_tendered_fen)?,
            payer: payer_of(i.insured, i.self_pay_reason),
            ..crate::registration::NewRegistration::new(i.patient, i.dept, i.reg_type, tenders(&i.tenders)?)
        })
    }
}

/// 退号 from the registration screen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct CancelRegistrationInput {
    pub id: String,
    pub reason: String,
    /// Needed when the fee is refunded (checked by the core).
    pub supervisor: Option<CredentialsInput>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SnapshotReportView {
    pub file_name: String,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub good: u64,
    /// The first bad rows (at most 1000), each with its reason.
    pub problems: Vec<RowProblem>,
    /// Every bad row, counted (more than `problems` holds when the file has over 1000).
    #[ts(type = "number")]
    pub problems_total: u64,
    pub already_imported: bool,
    #[ts(type = "number | null")]
    pub patients: Option<i64>,
}

/// How far an import is (`patients-progress` events): bytes while reading the file, records
/// while writing the search index.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProgressView {
    pub stage: crate::catalog::stream::ImportStage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl From<&crate::patient::snapshot::SnapshotReport> for SnapshotReportView {
    fn from(r: &crate::patient::snapshot::SnapshotReport) -> Self {
        SnapshotReportView {
            file_name: r.file_name.clone(),
            rows_read: r.rows_read as u64,
            good: r.good as u64,
            problems: r.problems.clone(),
            problems_total: r.problems_total as u64,
            already_imported: r.already_imported,
            patients: r.snapshot.as_ref().map(|s| s.patients),
        }
    }
}

/// One department as edited on the settings screen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    pub kind: crate::registration::DeptKind,
    pub doctors: Vec<String>,
    pub active: bool,
}

impl From<&DepartmentInput> for crate::registration::Department {
    fn from(i: &DepartmentInput) -> Self {
        crate::registration::Department {
            code: i.code.clone(),
            name: i.name.clone(),
            kind: i.kind,
            doctors: i.doctors.clone(),
        }
    }
}
