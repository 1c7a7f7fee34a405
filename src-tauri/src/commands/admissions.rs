//! Admission and deposit commands.

use super::Reply;
use crate::ShellState;
use downtime_core::view::*;
use downtime_core::{Approval, Fen};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub fn admit(state: State<'_, ShellState>, input: AdmitInput) -> Reply<AdmissionView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(AdmissionView::from(&shell.desk()?.admit(&me, &input.try_into()?)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn admissions(state: State<'_, ShellState>, active_only: bool) -> Reply<Vec<AdmissionView>> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.admissions(active_only)?.iter().map(AdmissionView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn deposit_account(state: State<'_, ShellState>, inpatient_no: String) -> Reply<DepositAccountView> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(DepositAccountView::from(&shell.desk()?.deposit_account(&inpatient_no)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn take_deposit(state: State<'_, ShellState>, input: DepositInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(ReceiptView::from(&shell.desk()?.take_deposit(&me, &input.try_into()?)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn refund_deposit(state: State<'_, ShellState>, input: DepositRefundInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let refund = (&input).try_into()?;
    let r = shell.desk()?.refund_deposit(&me, Approval::from(input.supervisor), &refund)?;
    Ok(ReceiptView::from(&r))
}

/// 退预交金预览: the balance now and after refunding the amount being typed, and how it goes
/// back (`pay_back` none: the way the deposits came).
#[tauri::command(rename_all = "snake_case")]
pub fn deposit_refund_preview(
    state: State<'_, ShellState>,
    inpatient_no: String,
    amount_fen: i64,
    pay_back: Option<downtime_core::charge::tender::Method>,
) -> Reply<DepositRefundPreviewView> {
    let mut shell = state.shell();
    shell.actor()?;
    let plan = shell.desk()?.deposit_refund_plan(&inpatient_no, Fen::new(amount_fen)?, pay_back)?;
    Ok(DepositRefundPreviewView::from(&plan))
}

#[tauri::command(rename_all = "snake_case")]
pub fn cancel_admission(state: State<'_, ShellState>, inpatient_no: String, reason: String) -> Reply<AdmissionView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(AdmissionView::from(&shell.desk()?.cancel_admission(&me, &inpatient_no, &reason)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn transfer_admission(
    state: State<'_, ShellState>,
    inpatient_no: String,
    ward: String,
    bed: Option<String>,
    reason: String,
) -> Reply<AdmissionView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(AdmissionView::from(&shell.desk()?.transfer_admission(
        &me,
        &inpatient_no,
        &ward,
        bed.as_deref(),
        &reason,
    )?))
}

/// Prints the deposit summary (预交金汇总): saved in the receipts folder, sent to the printer
/// when one is set, recorded; returns where it was saved.
#[tauri::command(rename_all = "snake_case")]
pub fn print_deposit_summary(state: State<'_, ShellState>, inpatient_no: String) -> Reply<String> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let printed = shell.desk()?.print_deposit_summary(&me, &inpatient_no, "a5")?;
    Ok(printed.pdf_path.display().to_string())
}
