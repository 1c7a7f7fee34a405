//! 交班单与报表: the handover sheet of one operator's shift (X report while it is open, Z report
//! once it is closed), and the same figures per operator and in total for a station-day (日结)
//! or a whole outage.
//!
//! Contract:
//! - Every figure is derived from the stored records by one function, [`derive::figures`]
//!   (lists by [`derive::lists`]); nothing a report shows is stored. The figures of several
//!   shifts are derived from all their records together, never added up from the shifts'
//!   own figures, so "the shifts add up to the day" is a fact tests can check.
//! - Money is signed integer fen (`i64`): money taken is positive, money given back negative
//!   where a figure nets them. Groups are gross: charges and deposits count every receipt
//!   issued, voided ones included, and `voids` takes them out again, so
//!   `net = registration + outpatient + deposits − voids − refunds − deposit_refunds`
//!   `= Σ totals_by_tender`.
//! - Cash: `expected = float + cash taken − cash given back`, where cash given back is the
//!   cash of voided receipts and of refunds and deposit refunds; `difference = counted −
//!   expected` (negative: short).
//! - A day holds the shifts opened on that local date; an outage holds every shift opened
//!   under it or holding one of its money records. Whole shifts only, so that a shift's
//!   handover sheet and the day or outage it belongs to always agree.
//! - A report of a closed shift is its Z report; printed after the close it is a copy (副本).
//! - Who may read: an operator their own shifts; supervisors, administrators and finance any.

pub mod close;
mod derive;
pub mod paper;
pub mod pdf;
pub mod print;
pub mod receipts;
mod records;
pub mod text;

use crate::catalog::category::FeeCategory;
use crate::charge::ReceiptKind;
use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use crate::receipt::tender::Method;
use crate::store::Desk;
use crate::time::stamp;
use crate::view::OutageView;
use chrono::{Local, NaiveDate, TimeZone};
use records::ShiftRecord;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use ts_rs::TS;
use uuid::Uuid;

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

    fn add(&mut self, m: Method, fen: i64) {
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
    pub denominations: Option<Vec<close::Denomination>>,
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

fn shift_unknown() -> crate::CoreError {
    invalid!(ShiftUnknown, "找不到这个班次", "No such shift")
}

impl Desk {
    /// 交班单 of `shift`: its X report while open, its Z report (a copy, 副本) once closed.
    pub fn shift_report(&self, by: &Actor, shift: Uuid) -> Result<ShiftReport> {
        let record = self.shift_record(shift)?.ok_or_else(shift_unknown)?;
        if record.operator_id != by.id() {
            by.require(Permission::ReadReports)?;
        }
        self.build_shift_report(record, true)
    }

    /// The handover sheet of the operator's open shift, or else of their last shift.
    pub fn current_shift_report(&self, by: &Actor) -> Result<ShiftReport> {
        let id = by.id().to_string();
        let open = self.shift_records(
            "s.operator_id = ?1 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id)",
            &[&id],
        )?;
        let record = match open.into_iter().next() {
            Some(r) => r,
            None => self.shift_records("s.operator_id = ?1", &[&id])?.pop().ok_or_else(|| {
                invalid!(
                    ShiftNone,
                    format!("{} 还没有开过班，没有交班单", by.name()),
                    format!("{} has never opened a shift: there is no handover sheet", by.name())
                )
            })?,
        };
        self.build_shift_report(record, true)
    }

    /// The report of a shift as the close produces it: not a copy.
    pub(crate) fn build_shift_report(&self, record: ShiftRecord, copy_if_closed: bool) -> Result<ShiftReport> {
        let station = self.report_station()?;
        let receipts = self.receipt_records(record.id)?;
        let window_end = record.close.as_ref().map(|c| stamp(c.closed_at)).unwrap_or_else(|| "9999".into());
        let admissions = self.admission_records(
            "a.operator_id = ?1 AND a.recorded_at >= ?2 AND a.recorded_at <= ?3",
            &[&record.operator_id.to_string(), &stamp(record.opened_at), &window_end],
        )?;
        let shifts = std::slice::from_ref(&record);
        let figures = derive::figures(shifts, &receipts);
        let lists = derive::lists(shifts, &receipts, &admissions);
        let (journal_seq, hash) = self.journal_head()?;
        let closed = record.close.is_some();
        Ok(ShiftReport {
            station,
            kind: if closed { ShiftReportKind::Z } else { ShiftReportKind::X },
            copy: closed && copy_if_closed,
            shift_id: record.id.to_string(),
            operator: record.operator.clone(),
            opened_at: stamp(record.opened_at),
            closed_at: record.close.as_ref().map(|c| stamp(c.closed_at)),
            outage_id: record.outage_id.map(|o| o.to_string()),
            figures,
            denominations: record.close.as_ref().and_then(|c| c.notes.clone()),
            difference_reason: record.close.as_ref().map(|c| c.reason.clone()).filter(|r| !r.is_empty()),
            difference_approved_by: record.close.as_ref().and_then(|c| c.supervisor.clone()),
            lists,
            journal_seq,
            journal_hash_prefix: hash.chars().take(16).collect(),
            generated_at: stamp(self.now()),
        })
    }

    /// 日结: the shifts opened on `day` (local date), per operator and in total.
    pub fn day_report(&self, by: &Actor, day: NaiveDate) -> Result<PeriodReport> {
        by.require(Permission::ReadReports)?;
        let bound = |d: NaiveDate| {
            let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
            Local
                .from_local_datetime(&midnight)
                .earliest()
                .map(|t| stamp(t.with_timezone(&chrono::Utc)))
                .unwrap_or_default()
        };
        let (from, to) = (bound(day), bound(day.succ_opt().unwrap_or(day)));
        let shifts = self.shift_records("s.opened_at >= ?1 AND s.opened_at < ?2", &[&from, &to])?;
        let admissions = self.admission_records("a.recorded_at >= ?1 AND a.recorded_at < ?2", &[&from, &to])?;
        self.build_period_report(PeriodScope::Day, Some(day), None, shifts, admissions)
    }

    /// The outage report: every shift of the outage (`None`: the active one, else the last),
    /// per operator and in total.
    pub fn outage_report(&self, by: &Actor, outage: Option<Uuid>) -> Result<PeriodReport> {
        by.require(Permission::ReadReports)?;
        let outage = match outage {
            Some(id) => self.outage(id)?,
            None => self.last_outage()?,
        }
        .ok_or_else(|| {
            invalid!(
                OutageUnknown,
                "找不到这次应急（还没有启动过应急）",
                "No such outage (none was ever started)"
            )
        })?;
        let id = outage.id.to_string();
        let shifts = self.shift_records(
            "s.outage_id = ?1 OR EXISTS (SELECT 1 FROM receipt r WHERE r.shift_id = s.id AND r.outage_id = ?1)",
            &[&id],
        )?;
        let admissions = self.admission_records("a.outage_id = ?1", &[&id])?;
        self.build_period_report(PeriodScope::Outage, None, Some(OutageView::from(&outage)), shifts, admissions)
    }

    fn build_period_report(
        &self,
        scope: PeriodScope,
        date: Option<NaiveDate>,
        outage: Option<OutageView>,
        shifts: Vec<ShiftRecord>,
        admissions: Vec<records::AdmissionRecord>,
    ) -> Result<PeriodReport> {
        let station = self.report_station()?;
        let mut receipts = Vec::new();
        for s in &shifts {
            receipts.extend(self.receipt_records(s.id)?);
        }
        receipts.sort_by_key(|r| r.seq);
        let mut lines = Vec::new();
        for s in &shifts {
            let own: Vec<_> = receipts.iter().filter(|r| r.shift_id == s.id).cloned().collect();
            let f = derive::figures(std::slice::from_ref(s), &own);
            lines.push(ShiftLine {
                shift_id: s.id.to_string(),
                operator: s.operator.clone(),
                opened_at: stamp(s.opened_at),
                closed_at: s.close.as_ref().map(|c| stamp(c.closed_at)),
                opening_float_fen: f.opening_float_fen,
                expected_cash_fen: f.expected_cash_fen,
                counted_cash_fen: f.counted_cash_fen,
                difference_fen: f.difference_fen,
                net_fen: f.net_fen,
            });
        }
        let mut operators: Vec<OperatorFigures> = Vec::new();
        for s in &shifts {
            if operators.iter().any(|o| o.operator == s.operator) {
                continue;
            }
            let theirs: Vec<ShiftRecord> = shifts.iter().filter(|x| x.operator_id == s.operator_id).cloned().collect();
            let ids: Vec<Uuid> = theirs.iter().map(|x| x.id).collect();
            let own: Vec<_> = receipts.iter().filter(|r| ids.contains(&r.shift_id)).cloned().collect();
            operators.push(OperatorFigures {
                operator: s.operator.clone(),
                shifts: ids.iter().map(Uuid::to_string).collect(),
                figures: derive::figures(&theirs, &own),
            });
        }
        let (journal_seq, hash) = self.journal_head()?;
        Ok(PeriodReport {
            station,
            scope,
            date: date.map(|d| d.to_string()),
            outage,
            shifts: lines,
            operators,
            figures: derive::figures(&shifts, &receipts),
            lists: derive::lists(&shifts, &receipts, &admissions),
            hourly: derive::hourly(&receipts),
            journal_seq,
            journal_hash_prefix: hash.chars().take(16).collect(),
            generated_at: stamp(self.now()),
        })
    }

    fn report_station(&self) -> Result<ReportStation> {
        let s = self.require_station()?;
        Ok(ReportStation {
            hospital: s.hospital,
            code: s.code.to_string(),
            name: s.name,
        })
    }
}
