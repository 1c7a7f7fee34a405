//! The handover (交班) and the reports: the sheet of the operator's shift, the live check of a
//! count, the close with its Z report printed, reprints (副本), the outage report, the
//! difference threshold, and the totals under the shift's receipt list.

use super::Reply;
use crate::ShellState;
use downtime_core::ids::parse_id;
use downtime_core::report::close::{CloseShiftInput, CountCheck, CountInput, Counted, ShiftClosedView};
use downtime_core::report::pdf::parse_layout;
use downtime_core::report::print::ReportPrintView;
use downtime_core::report::receipts::ReceiptTotals;
use downtime_core::report::{PeriodReport, ShiftReport};
use downtime_core::Fen;
use tauri::State;

/// A report's id as the window sends it (none: the current one).
fn report_id(id: Option<String>) -> Reply<Option<uuid::Uuid>> {
    Ok(id.as_deref().map(|i| parse_id(i, "编号")).transpose()?)
}

/// The handover sheet of `shift_id`, or of the operator's open (else last) shift.
#[tauri::command(rename_all = "snake_case")]
pub fn shift_report(state: State<'_, ShellState>, shift_id: Option<String>) -> Reply<ShiftReport> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.shift_report_of(&me, report_id(shift_id)?)?)
}

/// What a count would mean: expected, difference, whether a reason or a supervisor is needed.
#[tauri::command(rename_all = "snake_case")]
pub fn check_count(state: State<'_, ShellState>, count: CountInput) -> Reply<CountCheck> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.check_count(&me, &Counted::try_from(&count)?)?)
}

/// 交班: closes the operator's shift and prints its Z report (the original) on A4.
#[tauri::command(rename_all = "snake_case")]
pub fn close_shift(state: State<'_, ShellState>, input: CloseShiftInput) -> Reply<ShiftClosedView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let (report, print) = shell.desk()?.close_shift_printed(&me, &input.try_into()?)?;
    Ok(ShiftClosedView {
        status: shell.status()?,
        report,
        print,
    })
}

/// Prints a shift's sheet (`shift_id` none: the operator's current or last); a closed shift's
/// is a copy (副本).
#[tauri::command(rename_all = "snake_case")]
pub fn print_shift_report(state: State<'_, ShellState>, shift_id: Option<String>, layout: String) -> Reply<ReportPrintView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.print_shift_of(&me, report_id(shift_id)?, parse_layout(&layout)?)?)
}

/// The outage report (`outage_id` none: the active or last outage).
#[tauri::command(rename_all = "snake_case")]
pub fn outage_report(state: State<'_, ShellState>, outage_id: Option<String>) -> Reply<PeriodReport> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.outage_report(&me, report_id(outage_id)?)?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn print_outage_report(state: State<'_, ShellState>, outage_id: Option<String>, layout: String) -> Reply<ReportPrintView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell
        .desk()?
        .print_outage_report(&me, report_id(outage_id)?, parse_layout(&layout)?)?)
}

/// 差额审批限额, in fen.
#[tauri::command(rename_all = "snake_case")]
pub fn cash_threshold(state: State<'_, ShellState>) -> Reply<i64> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.cash_difference_threshold()?.get())
}

/// Sets it (administrators); returns the new one.
#[tauri::command(rename_all = "snake_case")]
pub fn set_cash_threshold(state: State<'_, ShellState>, threshold_fen: i64) -> Reply<i64> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.set_cash_difference_threshold(&me, Fen::new(threshold_fen)?)?.get())
}

/// The totals per kind under the operator's receipts of the open shift (F8).
#[tauri::command(rename_all = "snake_case")]
pub fn shift_receipt_totals(state: State<'_, ShellState>) -> Reply<ReceiptTotals> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.open_shift_totals(&me)?)
}
