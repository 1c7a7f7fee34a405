//! The report types: the figures, lists and lines of a handover sheet (交班单) and of a day
//! or outage report, exactly as they cross IPC and `--json` (ts-rs exports them). Filled by
//! `derive.rs` from the records `records.rs` reads; nothing here reads the store.

use super::records::Denomination;
use crate::catalog::category::FeeCategory;
use crate::charge::ReceiptKind;
use crate::receipt::tender::Method;
use crate::view::OutageView;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use ts_rs::TS;

/// Count and amount of one group of receipts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Group {
    #[ts(type = "number")]
    pub count: i64,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// The receipts grouped as the handover sheet lists them. Amounts are positive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Groups {
    /// 挂号费: charge lines paying a registration's fee items (count: receipts with such lines).
    pub registration: Group,
    /// 门诊收费: every other charge line (count: receipts with such lines).
    pub outpatient: Group,
    /// 退费: refund receipts.
    pub refunds: Group,
    /// 作废: voided receipts of any kind (their amounts are also in their own group).
    pub voids: Group,
    /// 住院预交金: deposits and top-ups.
    pub deposits: Group,
    /// 退预交金: deposit refunds.
    pub deposit_refunds: Group,
}

/// Net money per tender method: taken minus given back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TenderTotals {
    #[ts(type = "number")]
    pub cash: i64,
    #[ts(type = "number")]
    pub card: i64,
    #[ts(type = "number")]
    pub wechat: i64,
    #[ts(type = "number")]
    pub alipay: i64,
    #[ts(type = "number")]
    pub cheque: i64,
    #[ts(type = "number")]
    pub other: i64,
}

impl TenderTotals {
    pub fn get(&self, m: Method) -> i64 {
        match m {
            Method::Cash => self.cash,
            Method::Card => self.card,
            Method::Wechat => self.wechat,
            Method::Alipay => self.alipay,
            Method::Cheque => self.cheque,
            Method::Other => self.other,
        }
    }

    pub(super) fn add(&mut self, m: Method, fen: i64) {
        let slot = match m {
            Method::Cash => &mut self.cash,
            Method::Card => &mut self.card,
            Method::Wechat => &mut self.wechat,
            Method::Alipay => &mut self.alipay,
            Method::Cheque => &mut self.cheque,
            Method::Other => &mut self.other,
        };
        *slot += fen;
    }

    pub fn sum(&self) -> i64 {
        Method::ALL.iter().map(|m| self.get(*m)).sum()
    }
}

/// Net amount per fee category (charges not voided, less refunds), in receipt order; only
/// the categories that occur. Serialised as an object keyed by category key in that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryTotals(pub Vec<(FeeCategory, i64)>);

impl Serialize for CategoryTotals {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (c, fen) in &self.0 {
            map.serialize_entry(c.key(), fen)?;
        }
        map.end()
    }
}

/// A run of consecutive numbers, e.g. receipts `MZ01-000003` to `MZ01-000007` (5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NumberRange {
    pub first: String,
    pub last: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Money of one method on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MethodAmount {
    pub method: Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// A voided receipt: its number stays used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VoidItem {
    pub receipt_no: String,
    pub kind: ReceiptKind,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub reason: String,
    /// The supervisor who approved it.
    pub supervisor: String,
    pub at: String,
}

/// A refund receipt (退费) and what it paid back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RefundItem {
    pub receipt_no: String,
    pub original_receipt_no: Option<String>,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub tenders: Vec<MethodAmount>,
    pub reason: String,
    pub supervisor: Option<String>,
    pub at: String,
}

/// A deposit refund (退预交金).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DepositRefundItem {
    pub receipt_no: String,
    pub inpatient_no: Option<String>,
    pub patient_name: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub tenders: Vec<MethodAmount>,
    pub reason: String,
    pub supervisor: Option<String>,
}

/// A paper invoice number (手工发票号) written beside a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PaperUse {
    pub paper_no: String,
    pub receipt_no: String,
    pub voided: bool,
}

/// One paper number found on several receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PaperRepeat {
    pub paper_no: String,
    pub receipt_nos: Vec<String>,
}

/// One registered paper invoice book (票据本) of a shift: every number is used (voided ones
/// among them), skipped (below the highest used) or unused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PaperBookUse {
    pub operator: String,
    pub first: String,
    pub last: String,
    #[ts(type = "number")]
    pub count: i64,
    #[ts(type = "number")]
    pub used: i64,
    /// Of the used: on receipts since voided (the paper form voided with them).
    #[ts(type = "number")]
    pub voided: i64,
    #[ts(type = "number")]
    pub skipped: i64,
    /// Above the highest number used: still blank.
    pub unused: Option<NumberRange>,
}

/// The paper invoice numbers used, and what is wrong with them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PaperNumbers {
    /// The paper invoice books (票据本) registered in the shifts, each number accounted for.
    pub books: Vec<PaperBookUse>,
    /// In number order.
    pub used: Vec<PaperUse>,
    /// Numbers of a book not used below the highest used in it, and numbers missing between
    /// two used in the same shift (same prefix) outside any book.
    pub skipped: Vec<NumberRange>,
    /// The same number (same prefix and value) on more than one receipt.
    pub repeated: Vec<PaperRepeat>,
}

/// An insured patient charged in full during the outage, to be re-settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InsuredItem {
    pub receipt_no: String,
    pub patient_name: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance: String,
    pub insurance_no: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    #[ts(type = "number")]
    pub refunded_fen: i64,
    /// `YYYY-MM-DD`
    pub resettle_due: Option<String>,
    pub due_provisional: bool,
}

/// Receipts to be exchanged for computer invoices by one due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExchangeDue {
    /// `YYYY-MM-DD`
    pub due: String,
    pub provisional: bool,
    #[ts(type = "number")]
    pub count: i64,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// An insured patient admitted as self-pay, to be converted after recovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AdmissionToConvert {
    pub inpatient_no: String,
    pub patient_name: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance: String,
    pub insurance_no: String,
    pub admitted_at: String,
}

/// The figures of a shift, of an operator's shifts, or of a day or an outage in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Figures {
    /// 备用金
    #[ts(type = "number")]
    pub opening_float_fen: i64,
    /// Cash on charges and deposits issued (voided ones included).
    #[ts(type = "number")]
    pub cash_taken_fen: i64,
    /// Cash of voided receipts, refunds and deposit refunds.
    #[ts(type = "number")]
    pub cash_given_back_fen: i64,
    /// float + cash taken − cash given back.
    #[ts(type = "number")]
    pub expected_cash_fen: i64,
    /// 清点现金; of the closed shifts only, none before any is closed.
    #[ts(type = "number | null")]
    pub counted_cash_fen: Option<i64>,
    /// counted − expected of the closed shifts (negative: short).
    #[ts(type = "number | null")]
    pub difference_fen: Option<i64>,
    /// 实收: all money taken less all money given back.
    #[ts(type = "number")]
    pub net_fen: i64,
    pub totals_by_tender_fen: TenderTotals,
    #[ts(type = "Record<string, number>")]
    pub totals_by_category_fen: CategoryTotals,
    pub groups: Groups,
    /// Receipt numbers used, as runs of consecutive numbers.
    pub receipts_used: Vec<NumberRange>,
    /// Receipt numbers voided.
    pub voided: Vec<String>,
    pub refunds: Vec<RefundItem>,
}

/// The lists under the figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Lists {
    pub void_details: Vec<VoidItem>,
    pub deposit_refunds: Vec<DepositRefundItem>,
    pub paper_numbers: PaperNumbers,
    /// Insured patients charged (not voided), with phone and re-settlement due date.
    pub insured: Vec<InsuredItem>,
    /// Outpatient receipts not voided nor fully refunded, by exchange due date.
    pub exchange_pending: Vec<ExchangeDue>,
    pub admissions_to_convert: Vec<AdmissionToConvert>,
}

/// X (mid-shift) or Z (closed) report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ShiftReportKind {
    X,
    Z,
}

/// The station a report is of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReportStation {
    pub hospital: String,
    pub code: String,
    pub name: String,
}

/// 交班单: one operator's shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ShiftReport {
    pub station: ReportStation,
    pub kind: ShiftReportKind,
    /// Printed again after the close: 副本.
    pub copy: bool,
    pub shift_id: String,
    pub operator: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub outage_id: Option<String>,
    #[serde(flatten)]
    pub figures: Figures,
    /// The count by denomination, when the cash was counted so.
    pub denominations: Option<Vec<Denomination>>,
    /// Why the count differs from the expected cash.
    pub difference_reason: Option<String>,
    /// The supervisor who approved a difference above the threshold.
    pub difference_approved_by: Option<String>,
    #[serde(flatten)]
    pub lists: Lists,
    /// Journal position when the report was made, anchoring the paper to the record.
    #[ts(type = "number")]
    pub journal_seq: i64,
    /// First 16 hex digits of that entry's hash.
    pub journal_hash_prefix: String,
    pub generated_at: String,
}

/// One shift's line in a day or outage report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ShiftLine {
    pub shift_id: String,
    pub operator: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    #[ts(type = "number")]
    pub opening_float_fen: i64,
    #[ts(type = "number")]
    pub expected_cash_fen: i64,
    #[ts(type = "number | null")]
    pub counted_cash_fen: Option<i64>,
    #[ts(type = "number | null")]
    pub difference_fen: Option<i64>,
    #[ts(type = "number")]
    pub net_fen: i64,
}

/// One operator's shifts of the day or outage, with their figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OperatorFigures {
    pub operator: String,
    pub shifts: Vec<String>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Money taken and given back in one local hour (receipts not voided, by when the money
/// changed hands).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HourTakings {
    /// Local time at the start of the hour, `2026-11-26 09:00`.
    pub hour: String,
    #[ts(type = "number")]
    pub taken_fen: i64,
    #[ts(type = "number")]
    pub given_back_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum PeriodScope {
    Day,
    Outage,
}

/// 日结 or the outage report: per operator (`operators`) and in total (the top-level figures).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PeriodReport {
    pub station: ReportStation,
    pub scope: PeriodScope,
    /// The day (`YYYY-MM-DD`) of a day report.
    pub date: Option<String>,
    pub outage: Option<OutageView>,
    pub shifts: Vec<ShiftLine>,
    pub operators: Vec<OperatorFigures>,
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(flatten)]
    pub lists: Lists,
    /// From the first hour with money to the last, every hour listed.
    pub hourly: Vec<HourTakings>,
    #[ts(type = "number")]
    pub journal_seq: i64,
    pub journal_hash_prefix: String,
    pub generated_at: String,
}

impl PeriodReport {
    /// Shifts of the period not closed yet.
    pub fn open_shifts(&self) -> impl Iterator<Item = &ShiftLine> {
        self.shifts.iter().filter(|s| s.closed_at.is_none())
    }
}
