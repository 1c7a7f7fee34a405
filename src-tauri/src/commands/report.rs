//! The handover (交班) and the reports: the sheet of the operator's shift, the live check of a
//! count, the close with its Z report printed, reprints (副本), the outage report, the
//! difference threshold, and the totals under the shift's receipt list.

use super::Reply;
use crate::ShellState;
use downtime_core::receipt_pdf::SheetLayout;
use downtime_core::report::close::{CashCount, CloseShiftInput, CountCheck, CountInput, ShiftClosedView};
use downtime_core::report::pdf::parse_layout;
use downtime_core::report::print::ReportPrintView;
use downtime_core::report::receipts::{receipt_totals, ReceiptTotals};
use downtime_core::report::{PeriodReport, ShiftReport};
use downtime_core::Fen;
use tauri::State;
use uuid::Uuid;

fn id_of(text: &str) -> Reply<Uuid> {
    Ok(downtime_core::ids::parse_id(text, "编号")?)
}

/// The handover sheet of `shift_id`, or of the operator's open (else last) shift.
#[tauri::command(rename_all = "snake_case")]
pub fn shift_report(state: State<'_, ShellState>, shift_id: Option<String>) -> Reply<ShiftReport> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    Ok(match shift_id {
        Some(id) => desk.shift_report(&me, id_of(&id)?)?,
        None => desk.current_shift_report(&me)?,
    })
}

/// What a count would mean: expected, difference, whether a reason or a supervisor is needed.
#[tauri::command(rename_all = "snake_case")]
pub fn check_count(state: State<'_, ShellState>, count: CountInput) -> Reply<CountCheck> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let counted = count.to_counted()?;
    Ok(shell.desk()?.check_count(&me, &counted)?)
}

/// 交班: closes the operator's shift and prints its Z report (the original) on A4.
#[tauri::command(rename_all = "snake_case")]
pub fn close_shift(state: State<'_, ShellState>, input: CloseShiftInput) -> Reply<ShiftClosedView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let counted = input.count.to_counted()?;
    let supervisor = shell.supervisor(input.supervisor)?;
    let count = CashCount {
        counted,
        reason: input.reason,
        supervisor,
    };
    let report = shell.desk()?.close_shift(&me, &count)?;
    let print = shell.desk()?.print_shift_report(&report, SheetLayout::A4)?;
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
    let layout = parse_layout(&layout)?;
    let desk = shell.desk()?;
    let report = match shift_id {
        Some(id) => desk.shift_report(&me, id_of(&id)?)?,
        None => desk.current_shift_report(&me)?,
    };
    Ok(desk.print_shift_report(&report, layout)?)
}

/// The outage report (`outage_id` none: the active or last outage).
#[tauri::command(rename_all = "snake_case")]
pub fn outage_report(state: State<'_, ShellState>, outage_id: Option<String>) -> Reply<PeriodReport> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let id = outage_id.as_deref().map(id_of).transpose()?;
    Ok(shell.desk()?.outage_report(&me, id)?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn print_outage_report(state: State<'_, ShellState>, outage_id: Option<String>, layout: String) -> Reply<ReportPrintView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let layout = parse_layout(&layout)?;
    let id = outage_id.as_deref().map(id_of).transpose()?;
    let desk = shell.desk()?;
    let report = desk.outage_report(&me, id)?;
    Ok(desk.print_period_report(&report, layout)?)
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
    let desk = shell.desk()?;
    desk.set_cash_difference_threshold(&me, Fen::new(threshold_fen)?)?;
    Ok(desk.cash_difference_threshold()?.get())
}

/// The totals per kind under the operator's receipts of the open shift (F8).
#[tauri::command(rename_all = "snake_case")]
pub fn shift_receipt_totals(state: State<'_, ShellState>) -> Reply<ReceiptTotals> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let shift = desk.shift_for_money(&me)?;
    Ok(receipt_totals(&desk.receipts(Some(shift.id))?))
}
