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
mod types;

pub use types::*;

use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use crate::store::Desk;
use crate::time::stamp;
use crate::view::OutageView;
use chrono::{Local, NaiveDate, TimeZone};
use records::ShiftRecord;
use uuid::Uuid;

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
