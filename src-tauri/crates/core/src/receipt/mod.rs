//! 收据: what every receipt is — a charge, a registration fee, a deposit, a refund or a
//! deposit refund, its lines, tenders and state (voided, refunded) — shared by the areas that
//! issue them (`charge`, `registration`, `admission`). Numbers (`MZ01-000123`) come from one
//! gapless sequence per station shared by every kind. `write.rs` writes one inside the
//! caller's transaction (`insert_receipt`); `read.rs` reads them back; `tender.rs` the ways
//! money is paid and the exact-sum rule; `qr.rs` the signed code printed on each.

pub mod qr;
pub mod read;
pub mod tender;
pub mod write;

use crate::catalog::category::FeeCategory;
use crate::catalog::price::{Quantity, UnitPrice};
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::patient::{Insurance, Patient};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::parse_stamp;
use crate::workdays::Due;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use tender::{Method, Tender};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptKind {
    /// 门诊收费票据
    Charge,
    /// 门诊收费票据 of a registration's fee (挂号费 + 诊查费), written with the registration;
    /// given back only by 退号.
    Registration,
    /// 退费凭证
    Refund,
    /// 住院病人预交金收据
    Deposit,
    /// 预交金退款凭证
    DepositRefund,
}

impl ReceiptKind {
    pub fn key(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "charge",
            ReceiptKind::Registration => "registration",
            ReceiptKind::Refund => "refund",
            ReceiptKind::Deposit => "deposit",
            ReceiptKind::DepositRefund => "deposit_refund",
        }
    }
    /// What the receipt lists and reports call it.
    pub fn zh(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "收费",
            ReceiptKind::Registration => "挂号",
            ReceiptKind::Refund => "退费",
            ReceiptKind::Deposit => "预交金",
            ReceiptKind::DepositRefund => "退预交金",
        }
    }
    /// Money going back to the patient (refunds, deposit refunds): stored as a positive
    /// total, shown and summed as negative.
    pub fn pays_back(self) -> bool {
        matches!(self, ReceiptKind::Refund | ReceiptKind::DepositRefund)
    }
    /// The kind named by `key` (as [`ReceiptKind::key`] writes it), or none.
    pub fn from_key(text: &str) -> Option<ReceiptKind> {
        [
            ReceiptKind::Charge,
            ReceiptKind::Registration,
            ReceiptKind::Refund,
            ReceiptKind::Deposit,
            ReceiptKind::DepositRefund,
        ]
        .into_iter()
        .find(|k| k.key() == text)
    }
    /// The printed title of a document of this kind.
    pub fn title(self) -> &'static str {
        match self {
            ReceiptKind::Charge => "门诊收费票据",
            ReceiptKind::Registration => "门诊挂号收费票据",
            ReceiptKind::Refund => "退费凭证",
            ReceiptKind::Deposit => "住院病人预交金收据",
            ReceiptKind::DepositRefund => "预交金退款凭证",
        }
    }
    pub(crate) fn parse(text: &str) -> ReceiptKind {
        match text {
            "registration" => ReceiptKind::Registration,
            "refund" => ReceiptKind::Refund,
            "deposit" => ReceiptKind::Deposit,
            "deposit_refund" => ReceiptKind::DepositRefund,
            _ => ReceiptKind::Charge,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    /// As printed, from 1.
    pub line_no: i64,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub qty: Quantity,
    pub unit_price: UnitPrice,
    pub amount: Fen,
    pub category: FeeCategory,
    pub is_drug: bool,
    pub free_text: bool,
    pub free_reason: String,
    /// On a refund: the line of the original receipt it pays back.
    pub refunds_line: Option<i64>,
    /// 医保类别 of the item as the price list gave it (甲/乙/丙 or a self-pay ratio), printed.
    pub insurance_class: String,
    /// 付数: a herbal line's quantity is `qty / doses` per dose, taken `doses` times.
    pub doses: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Void {
    pub reason: String,
    pub supervisor: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub id: Uuid,
    pub receipt_no: String,
    pub kind: ReceiptKind,
    pub patient: Patient,
    pub registration_id: Option<Uuid>,
    pub admission_id: Option<Uuid>,
    pub department: String,
    pub refund_of: Option<String>,
    pub lines: Vec<ReceiptLine>,
    pub tenders: Vec<Tender>,
    pub total: Fen,
    pub change: Fen,
    pub insured: bool,
    pub insurance: Insurance,
    pub insurance_no: String,
    pub resettle_due: Option<Due>,
    pub exchange_due: Option<Due>,
    pub paper_no: Option<String>,
    pub reason: String,
    pub supervisor: Option<String>,
    pub drug_return_by: Option<String>,
    pub catalog_version: Option<Uuid>,
    pub cashier: String,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    pub qr_payload: String,
    pub voided: Option<Void>,
    /// What refunds have paid back against this receipt so far.
    pub refunded: Fen,
    /// A refund paid back (some of it) another way than the money came: why.
    pub pay_back_reason: Option<String>,
    /// 交款人 of a deposit when it is not the patient.
    pub payer: Option<Depositor>,
}

/// Who paid a deposit for the patient (a relative): name, relationship, phone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Depositor {
    pub name: String,
    /// 与患者关系, e.g. 子女, 配偶.
    pub relation: String,
    pub phone: String,
}

impl ReceiptLine {
    /// The quantity per dose of a herbal line; the quantity of any other.
    pub fn per_dose(&self) -> Quantity {
        match self.doses {
            Some(d) if d > 0 => Quantity::from_milli(self.qty.milli() / d).unwrap_or(self.qty),
            _ => self.qty,
        }
    }
}

impl Receipt {
    /// Category subtotals in receipt order.
    pub fn subtotals(&self) -> Vec<(FeeCategory, Fen)> {
        let mut out: Vec<(FeeCategory, Fen)> = Vec::new();
        for c in FeeCategory::ALL {
            let sum: i64 = self.lines.iter().filter(|l| l.category == c).map(|l| l.amount.get()).sum();
            if self.lines.iter().any(|l| l.category == c) {
                out.push((c, Fen::new(sum).unwrap_or_default()));
            }
        }
        out
    }

    /// The total with the direction of the money: negative for money paid back.
    pub fn signed_total(&self) -> i64 {
        if self.kind.pays_back() {
            -self.total.get()
        } else {
            self.total.get()
        }
    }

    pub fn has_free_text(&self) -> bool {
        self.lines.iter().any(|l| l.free_text)
    }
}

/// The one error for a receipt number that is not on record.
pub fn unknown_receipt(no: &str) -> crate::CoreError {
    invalid!(ReceiptUnknown, format!("找不到收据 {no}"), format!("No receipt {no}"))
}

/// The patient of a receipt-shaped view that has none (a draft being priced).
pub(crate) fn placeholder_patient() -> Patient {
    Patient {
        id: Uuid::nil(),
        source: crate::patient::Source::Local,
        downtime_no: None,
        name: String::new(),
        sex: crate::patient::Sex::Unknown,
        birth: None,
        age_years: None,
        id_number: None,
        id_old_style: false,
        phone: String::new(),
        address: String::new(),
        insurance: Insurance::SelfPay,
        insurance_no: String::new(),
        his_id: None,
        age_recorded_at: None,
    }
}
