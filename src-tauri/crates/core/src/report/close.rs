//! 交班: closing one's own shift with the cash counted, as one total or by denomination. The
//! count is held against the cash the records expect (float + cash taken − cash given back):
//! a difference needs a reason, and a difference above the station's threshold (a setting,
//! ¥10 unless changed) also a supervisor's name and PIN — never the operator closing. The
//! count, the reason and the approver are written with the close in one journal entry, whose
//! facts also say what was expected and the threshold in force. The close produces the Z
//! report (the original; printed again later it is a copy).

use super::derive;
use super::types::ShiftReport;
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::money::{signed_yuan, Fen};
use crate::operator::Actor;
use crate::store::Desk;
use crate::time::stamp;
use serde::Serialize;
use serde_json::{json, Map};
use ts_rs::TS;

/// The notes and coins of the renminbi, in fen, largest first.
pub const DENOMINATIONS_FEN: [i64; 13] = [10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];

pub use super::records::Denomination;

/// The cash in the drawer at handover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// One total.
    Total(Fen),
    /// By denomination, largest first, each at most once.
    Notes(Vec<Denomination>),
}

fn count_invalid(text: &str) -> crate::CoreError {
    invalid!(
        CashCountInvalid,
        format!("点钞“{text}”应写成 面额x张数，用逗号分隔，例如 100x3,50x2,0.5x1"),
        format!("The count \"{text}\" must be VALUExCOUNT, comma-separated, e.g. 100x3,50x2,0.5x1")
    )
}

impl Counted {
    /// Reads `100x3,50x2,20x1,0.5x1,0.1x3` (values in yuan, counts whole).
    pub fn parse_notes(text: &str) -> Result<Counted> {
        let mut notes = Vec::new();
        for part in text.split([',', '，']).map(str::trim).filter(|p| !p.is_empty()) {
            let (value, count) = part.split_once(['x', 'X', '×', '*']).ok_or_else(|| count_invalid(part))?;
            let value = Fen::parse_yuan(value).map_err(|_| count_invalid(part))?;
            let count: i64 = count.trim().parse().map_err(|_| count_invalid(part))?;
            notes.push(Denomination {
                value_fen: value.get(),
                count,
            });
        }
        if notes.is_empty() {
            return Err(count_invalid(text));
        }
        Counted::notes(notes)
    }

    /// Checks denominations given one by one (the window's grid): known values, each once,
    /// whole non-negative counts; zero counts are dropped.
    pub fn notes(mut notes: Vec<Denomination>) -> Result<Counted> {
        for (i, n) in notes.iter().enumerate() {
            let yuan = signed_yuan(n.value_fen);
            if !DENOMINATIONS_FEN.contains(&n.value_fen) {
                return Err(invalid!(
                    CashDenominationUnknown,
                    format!("没有面额为 {yuan} 的人民币"),
                    format!("There is no renminbi note or coin of {yuan}")
                ));
            }
            if !(0..=100_000).contains(&n.count) {
                return Err(invalid!(
                    CashCountOutOfRange,
                    format!("面额 {yuan} 的张数 {} 无效", n.count),
                    format!("The count {} of {yuan} is not valid", n.count)
                ));
            }
            if notes[..i].iter().any(|m| m.value_fen == n.value_fen) {
                return Err(invalid!(
                    CashDenominationTwice,
                    format!("面额 {yuan} 写了两次"),
                    format!("The denomination {yuan} is given twice")
                ));
            }
        }
        notes.retain(|n| n.count > 0);
        notes.sort_by_key(|n| -n.value_fen);
        Ok(Counted::Notes(notes))
    }

    pub fn total(&self) -> Result<Fen> {
        match self {
            Counted::Total(f) => Ok(*f),
            Counted::Notes(notes) => Fen::new(notes.iter().map(|n| n.value_fen * n.count).sum()),
        }
    }
}

/// A handover count with what goes with it.
#[derive(Debug, Clone)]
pub struct CashCount {
    pub counted: Counted,
    /// Why the count differs from the expected cash; needed when it does.
    pub reason: String,
    /// Approves a difference above the threshold (checked when the shift is closed).
    pub supervisor: Option<crate::operator::Approval>,
}

impl CashCount {
    /// A count of one total with no reason and no supervisor.
    pub fn total(counted: Fen) -> CashCount {
        CashCount {
            counted: Counted::Total(counted),
            reason: String::new(),
            supervisor: None,
        }
    }
}

/// What a count would mean, before it is committed (the window shows it as it is typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CountCheck {
    #[ts(type = "number")]
    pub counted_fen: i64,
    #[ts(type = "number")]
    pub expected_cash_fen: i64,
    #[ts(type = "number")]
    pub difference_fen: i64,
    #[ts(type = "number")]
    pub threshold_fen: i64,
    pub needs_reason: bool,
    pub needs_supervisor: bool,
}

impl Desk {
    /// 差额审批限额: a difference larger than this needs a supervisor.
    pub fn cash_difference_threshold(&self) -> Result<Fen> {
        let set = self.setting("cash_difference_threshold_fen")?.and_then(|v| v.parse().ok());
        Fen::new(set.unwrap_or(DEFAULT_THRESHOLD_FEN))
    }

    /// Sets it (administrators); returns it as it now stands.
    pub fn set_cash_difference_threshold(&mut self, by: &Actor, threshold: Fen) -> Result<Fen> {
        if threshold.get() > MAX_THRESHOLD_FEN {
            let max = signed_yuan(MAX_THRESHOLD_FEN);
            return Err(invalid!(
                ThresholdOutOfRange,
                format!("差额审批限额最多 {max}"),
                format!("The difference threshold is at most {max}")
            ));
        }
        self.set_setting(by, "cash_difference_threshold_fen", &threshold.get().to_string())?;
        self.cash_difference_threshold()
    }

    /// 交班 from the window: closes the operator's shift and prints its Z report, the
    /// original, on A4.
    pub fn close_shift_printed(&mut self, by: &Actor, count: &CashCount) -> Result<(ShiftReport, super::print::ReportPrintView)> {
        let report = self.close_shift(by, count)?;
        let print = self.print_shift_report(&report, crate::receipt_pdf::SheetLayout::A4)?;
        Ok((report, print))
    }

    /// Checks `counted` against the operator's open shift, writing nothing.
    pub fn check_count(&self, by: &Actor, counted: &Counted) -> Result<CountCheck> {
        let shift = self.open_shift_of(by)?.ok_or_else(|| not_open(by))?;
        let record = self.shift_record(shift.id)?.expect("the open shift exists");
        let expected = derive::figures(std::slice::from_ref(&record), &self.receipt_records(shift.id)?).expected_cash_fen;
        let counted = counted.total()?.get();
        let threshold = self.cash_difference_threshold()?.get();
        let difference = counted - expected;
        Ok(CountCheck {
            counted_fen: counted,
            expected_cash_fen: expected,
            difference_fen: difference,
            threshold_fen: threshold,
            needs_reason: difference != 0,
            needs_supervisor: difference.abs() > threshold,
        })
    }

    /// 交班: closes the operator's own open shift with `count` and returns its Z report.
    pub fn close_shift(&mut self, by: &Actor, count: &CashCount) -> Result<ShiftReport> {
        let supervisor = self.approval(count.supervisor.as_ref())?;
        let id = self.in_write_tx(|desk| desk.close_shift_in_tx(by, count, supervisor.as_ref()))?;
        let record = self.shift_record(id)?.expect("just closed");
        self.build_shift_report(record, false)
    }

    fn close_shift_in_tx(&mut self, by: &Actor, count: &CashCount, supervisor: Option<&Actor>) -> Result<uuid::Uuid> {
        let check = self.check_count(by, &count.counted)?;
        let shift = self.open_shift_of(by)?.expect("checked");
        let (diff, counted, expected) = (
            check.difference_fen,
            signed_yuan(check.counted_fen),
            signed_yuan(check.expected_cash_fen),
        );
        let reason = match count.reason.trim() {
            "" if check.needs_reason => {
                return Err(invalid!(
                    ShiftDifferenceNeedsReason,
                    format!(
                        "清点现金 {counted} 与应有现金 {expected} 相差 {}：请填写差额原因",
                        signed_yuan(diff)
                    ),
                    format!(
                        "The counted cash {counted} differs from the expected {expected} by {}: give the reason",
                        signed_yuan(diff)
                    )
                ))
            }
            "" => String::new(),
            r => clean_text(r, 100, ("差额原因", "Reason for the difference"))?,
        };
        if check.needs_supervisor && supervisor.is_none() {
            return Err(invalid!(
                ShiftDifferenceNeedsSupervisor,
                format!(
                    "差额 {} 超过限额 {}：需要主管填写姓名和 PIN 确认",
                    signed_yuan(diff),
                    signed_yuan(check.threshold_fen)
                ),
                format!(
                    "The difference {} is above the threshold {}: a supervisor must confirm with name and PIN",
                    signed_yuan(diff),
                    signed_yuan(check.threshold_fen)
                )
            ));
        }
        if let Some(s) = supervisor {
            if s.id() == by.id() {
                return Err(invalid!(
                    ShiftApproverIsOperator,
                    format!("{} 不能确认自己的交班差额：请另一位主管确认", s.name()),
                    format!("{} cannot approve their own difference: another supervisor must", s.name())
                ));
            }
            s.require(Permission::Supervise)?;
        }
        let denominations = match &count.counted {
            Counted::Total(_) => None,
            Counted::Notes(notes) => Some(serde_json::to_string(notes).expect("serialisable")),
        };
        let now = self.now();
        let shift_id = shift.id.to_string();
        let close = journal::insert_row(
            &self.conn,
            "shift_close",
            &[
                ("shift_id", &shift_id),
                ("counted_fen", &check.counted_fen),
                ("closed_by", &by.id().to_string()),
                ("closed_at", &stamp(now)),
            ],
        )?;
        let detail = journal::insert_row(
            &self.conn,
            "shift_count",
            &[
                ("shift_id", &shift_id),
                ("denominations", &denominations),
                ("reason", &reason),
                ("supervisor_id", &supervisor.map(|s| s.id().to_string())),
            ],
        )?;
        let mut facts = Map::new();
        facts.insert("expected_cash_fen".into(), json!(check.expected_cash_fen));
        facts.insert("difference_fen".into(), json!(diff));
        facts.insert("threshold_fen".into(), json!(check.threshold_fen));
        journal::append_rows(
            &self.conn,
            "shift_closed",
            by.name(),
            now,
            vec![("shift_close", close), ("shift_count", detail)],
            facts,
        )?;
        Ok(shift.id)
    }
}

/// ¥10.00 unless the station sets another.
pub const DEFAULT_THRESHOLD_FEN: i64 = 1000;
/// ¥10,000.00: a threshold above this approves nothing.
const MAX_THRESHOLD_FEN: i64 = 1_000_000;

fn not_open(by: &Actor) -> crate::CoreError {
    invalid!(
        ShiftNotOpen,
        format!("{} 没有未交班的班次：无法交班", by.name()),
        format!("{} has no open shift to close", by.name())
    )
}

/// A count as the window sends it: one total, or the denominations counted.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct CountInput {
    #[ts(type = "number | null")]
    pub counted_fen: Option<i64>,
    pub denominations: Option<Vec<Denomination>>,
}

impl TryFrom<&CountInput> for Counted {
    type Error = crate::CoreError;
    fn try_from(c: &CountInput) -> Result<Counted> {
        match (&c.denominations, c.counted_fen) {
            (Some(notes), _) => Counted::notes(notes.clone()),
            (None, Some(fen)) => Ok(Counted::Total(Fen::new(fen)?)),
            (None, None) => Err(invalid!(CashCountMissing, "请填写清点的现金", "Give the cash counted")),
        }
    }
}

/// 交班 as the window sends it.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct CloseShiftInput {
    pub count: CountInput,
    pub reason: String,
    /// Approves a difference above the threshold, in place (checked by the core).
    pub supervisor: Option<crate::view::CredentialsInput>,
}

impl TryFrom<CloseShiftInput> for CashCount {
    type Error = crate::CoreError;
    fn try_from(i: CloseShiftInput) -> Result<CashCount> {
        Ok(CashCount {
            counted: Counted::try_from(&i.count)?,
            reason: i.reason,
            supervisor: crate::view::approval(i.supervisor),
        })
    }
}

/// What closing from the window returns: the new status, the Z report and its printing.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShiftClosedView {
    pub status: crate::view::AppStatus,
    pub report: ShiftReport,
    pub print: super::print::ReportPrintView,
}
