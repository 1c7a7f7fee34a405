//! Charging, receipts and their corrections, printing, and the receipt-code check.

use super::Reply;
use crate::ShellState;
use downtime_core::view::*;
use downtime_core::{Approval, Fen};
use tauri::State;

/// Prices a draft on every change; the screen shows exactly what the receipt will say.
#[tauri::command(rename_all = "snake_case")]
pub fn price_draft(
    state: State<'_, ShellState>,
    lines: Vec<DraftLineInput>,
    supervisor: Option<CredentialsInput>,
) -> Reply<PricedDraftView> {
    let mut shell = state.shell();
    shell.actor()?;
    let draft = shell.desk()?.price_draft(&draft_lines(&lines)?, approval(supervisor).as_ref())?;
    Ok(PricedDraftView::from(&draft))
}

#[tauri::command(rename_all = "snake_case")]
pub fn pay_charge(state: State<'_, ShellState>, input: PayInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(ReceiptView::from(&shell.desk()?.pay_charge(&me, &input.try_into()?)?))
}

/// The receipt a kept draft was already paid as (after a crash), or none.
#[tauri::command(rename_all = "snake_case")]
pub fn charge_paid(state: State<'_, ShellState>, id: String) -> Reply<Option<ReceiptView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell
        .desk()?
        .charge_paid(&me, downtime_core::ids::parse_id(&id, "编号")?)?
        .as_ref()
        .map(ReceiptView::from))
}

#[tauri::command(rename_all = "snake_case")]
pub fn receipt(state: State<'_, ShellState>, receipt_no: String) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(ReceiptView::from(&shell.desk()?.receipt_on_record(&receipt_no)?))
}

/// The logged-in operator's receipts of the open shift, newest first.
#[tauri::command(rename_all = "snake_case")]
pub fn shift_receipts(state: State<'_, ShellState>) -> Reply<Vec<ReceiptView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.open_shift_receipts(&me)?.iter().map(ReceiptView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn void_receipt(state: State<'_, ShellState>, receipt_no: String, reason: String, supervisor: CredentialsInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let voided = shell.desk()?.void_receipt(&me, Approval::from(supervisor), &receipt_no, &reason)?;
    Ok(ReceiptView::from(&voided))
}

#[tauri::command(rename_all = "snake_case")]
pub fn refund_receipt(state: State<'_, ShellState>, input: RefundInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let refund = (&input).try_into()?;
    let r = shell.desk()?.refund_receipt(&me, Approval::from(input.supervisor), &refund)?;
    Ok(ReceiptView::from(&r))
}

/// 找零 while the cash handed over is typed: the cash due and what was handed over, in fen.
#[tauri::command(rename_all = "snake_case")]
pub fn cash_change(state: State<'_, ShellState>, cash_fen: i64, tendered_fen: i64) -> Reply<CashChangeView> {
    state.shell().actor()?;
    let change = downtime_core::charge::tender::cash_change(Fen::new(cash_fen)?, Fen::new(tendered_fen)?);
    Ok(CashChangeView::from(change))
}

/// 退费预览: the marked lines' amounts, the total and how it goes back (`pay_back` none: the
/// way the money came), before confirming.
#[tauri::command(rename_all = "snake_case")]
pub fn refund_preview(
    state: State<'_, ShellState>,
    receipt_no: String,
    lines: Vec<RefundLineInput>,
    pay_back: Option<downtime_core::charge::tender::Method>,
) -> Reply<RefundPreviewView> {
    let mut shell = state.shell();
    shell.actor()?;
    let preview = shell.desk()?.refund_preview(&receipt_no, &refund_lines(&lines)?, pay_back)?;
    Ok(RefundPreviewView::from(&preview))
}

/// Prints (or reprints, as 副本 COPY) a committed receipt; always saves its PDF.
#[tauri::command(rename_all = "snake_case")]
pub fn print_receipt(state: State<'_, ShellState>, receipt_no: String, layout: String, copy: bool) -> Reply<PrintResultView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let printed = shell.desk()?.print_receipt(&me, &receipt_no, &layout, copy)?;
    Ok(PrintResultView::of(receipt_no, &printed))
}

/// 未打印: the receipts whose last printing did not reach the printer.
#[tauri::command(rename_all = "snake_case")]
pub fn unprinted_receipts(state: State<'_, ShellState>) -> Reply<Vec<downtime_core::view::UnprintedView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.unprinted(&me)?.iter().map(Into::into).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn check_receipt_code(state: State<'_, ShellState>, payload: String) -> Reply<CodeCheckView> {
    let mut shell = state.shell();
    shell.actor()?;
    let (checked, record) = shell.desk()?.check_receipt_code(&payload, None)?;
    Ok(CodeCheckView::of(&checked, record.as_ref()))
}
