//! Wire types of admissions and deposits (`commands/admissions.rs`, `downtime admit|admission|deposit`).

use super::*;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AdmissionView {
    pub id: String,
    /// 住院号, e.g. `ZY-RY01-000045`.
    pub inpatient_no: String,
    pub patient_id: String,
    pub patient_name: String,
    pub downtime_no: String,
    pub dept: String,
    pub dept_name: String,
    pub ward: String,
    pub bed: String,
    pub doctor: String,
    pub diagnosis: String,
    pub admitted_at: String,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    /// Declared insured, admitted as self-pay: to convert after recovery.
    pub convert_to_insured: bool,
    pub back_entered: bool,
    pub cancelled: bool,
    pub clerk: String,
}

impl From<&crate::admission::Admission> for AdmissionView {
    fn from(a: &crate::admission::Admission) -> Self {
        AdmissionView {
            id: a.id.to_string(),
            inpatient_no: a.inpatient_no.clone(),
            patient_id: a.patient_id.to_string(),
            patient_name: a.patient_name.clone(),
            downtime_no: a.downtime_no.clone(),
            dept: a.dept_code.clone(),
            dept_name: a.dept_name.clone(),
            ward: a.ward.clone(),
            bed: a.bed.clone(),
            doctor: a.doctor.clone(),
            diagnosis: a.diagnosis.clone(),
            admitted_at: stamp(a.admitted_at),
            insurance: a.insurance,
            insurance_no: a.insurance_no.clone(),
            convert_to_insured: a.convert_to_insured,
            back_entered: a.back_entered,
            cancelled: a.cancelled.is_some(),
            clerk: a.clerk.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositAccountView {
    pub admission: AdmissionView,
    /// Deposits, top-ups and refunds, oldest first (voided deposits included, marked).
    pub movements: Vec<DepositMovementView>,
    #[ts(type = "number")]
    pub balance_fen: i64,
}

/// One movement of a deposit account: its receipt (whose `signed_total_fen` is the amount
/// with the sign it has on the account, a refund negative) and what it is (预交, 补交, 退款).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositMovementView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub receipt: ReceiptView,
    pub movement: crate::admission::MovementKind,
}

impl From<&crate::admission::DepositAccount> for DepositAccountView {
    fn from(d: &crate::admission::DepositAccount) -> Self {
        DepositAccountView {
            admission: AdmissionView::from(&d.admission),
            movements: d
                .movements
                .iter()
                .zip(d.movement_kinds())
                .map(|(m, movement)| DepositMovementView {
                    receipt: ReceiptView::from(m),
                    movement,
                })
                .collect(),
            balance_fen: d.balance.get(),
        }
    }
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct AdmitInput {
    pub patient: String,
    pub dept: String,
    pub ward: Option<String>,
    pub bed: Option<String>,
    pub doctor: Option<String>,
    pub diagnosis: Option<String>,
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    pub confirm_second: bool,
    pub back_entered_at: Option<String>,
}

impl TryFrom<AdmitInput> for crate::admission::NewAdmission {
    type Error = crate::CoreError;
    fn try_from(i: AdmitInput) -> crate::Result<Self> {
        Ok(crate::admission::NewAdmission {
            patient: i.patient,
            dept: i.dept,
            ward: i.ward,
            bed: i.bed,
            doctor: i.doctor,
            diagnosis: i.diagnosis,
            insurance: i.insurance,
            insurance_no: i.insurance_no,
            confirm_second: i.confirm_second,
            back_entered_at: TypedTime::parse_opt(i.back_entered_at.as_deref())?,
        })
    }
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepositInput {
    pub id: String,
    pub inpatient_no: String,
    pub tenders: Vec<TenderInput>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    pub back_entered_at: Option<String>,
    /// 交款人 when a relative pays: name (empty: the patient pays), relationship, phone.
    #[serde(default)]
    pub payer: Option<DepositorInput>,
}

impl TryFrom<DepositInput> for crate::admission::DepositInput {
    type Error = crate::CoreError;
    fn try_from(i: DepositInput) -> crate::Result<Self> {
        Ok(crate::admission::DepositInput {
            id: id(&i.id)?,
            admission_no: i.inpatient_no,
            tenders: tenders(&i.tenders)?,
            cash_tendered: fen(i.cash_tendered_fen)?,
            back_entered_at: TypedTime::parse_opt(i.back_entered_at.as_deref())?,
            payer: i.payer.filter(|p| !p.name.trim().is_empty()).map(|p| crate::charge::Depositor {
                name: p.name,
                relation: p.relation,
                phone: p.phone,
            }),
        })
    }
}

/// Who paid a deposit for the patient, as shown on its receipt.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositorView {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

/// Who pays a deposit for the patient, as typed.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepositorInput {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepositRefundInput {
    pub id: String,
    pub inpatient_no: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    /// Empty: back the way the deposits came (原路退回).
    pub tenders: Vec<TenderInput>,
    pub reason: String,
    /// Why the money goes back another way (needed then, printed on the voucher).
    pub pay_back_reason: Option<String>,
    /// Checked by the core when the refund is made (`Desk::refund_deposit`).
    pub supervisor: CredentialsInput,
}

impl TryFrom<&DepositRefundInput> for crate::admission::DepositRefundInput {
    type Error = crate::CoreError;
    fn try_from(i: &DepositRefundInput) -> crate::Result<Self> {
        Ok(crate::admission::DepositRefundInput {
            id: id(&i.id)?,
            admission_no: i.inpatient_no.clone(),
            amount: crate::Fen::new(i.amount_fen)?,
            tenders: tenders(&i.tenders)?,
            reason: i.reason.clone(),
            pay_back_reason: i.pay_back_reason.clone(),
        })
    }
}

/// 退预交金预览: the balance now and after the refund being typed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositRefundPreviewView {
    #[ts(type = "number")]
    pub balance_fen: i64,
    #[ts(type = "number")]
    pub balance_after_fen: i64,
    /// How the refund goes back (the way the deposits came unless another is chosen).
    pub pay_back: Vec<PayBackView>,
    /// The ways the deposits came in, with what is left on each.
    pub channels: Vec<ChannelView>,
}

impl From<&crate::admission::DepositRefundPlan> for DepositRefundPreviewView {
    fn from(p: &crate::admission::DepositRefundPlan) -> Self {
        let (pay_back, channels) = pay_back_views(&p.way, &p.channels);
        DepositRefundPreviewView {
            balance_fen: p.balance.get(),
            balance_after_fen: p.after.get(),
            pay_back,
            channels,
        }
    }
}
