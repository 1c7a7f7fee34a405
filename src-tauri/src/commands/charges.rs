//! Charging, receipts and their corrections, printing, and the receipt-code check.

use super::Reply;
use crate::ShellState;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::{ChargeInput, LineInput};
use downtime_core::view::*;
use downtime_core::Fen;
use tauri::State;
use uuid::Uuid;

fn id_of(text: &str) -> Reply<Uuid> {
    Ok(downtime_core::ids::parse_id(text, "编号")?)
}

fn lines_of(lines: &[DraftLine]) -> Reply<Vec<LineInput>> {
    Ok(lines.iter().map(DraftLine::to_input).collect::<downtime_core::Result<_>>()?)
}

fn tenders_of(t: &[TenderInputView]) -> Reply<Vec<downtime_core::charge::tender::TenderInput>> {
    Ok(t.iter().map(TenderInputView::to_input).collect::<downtime_core::Result<_>>()?)
}

/// Prices a draft on every change; the screen shows exactly what the receipt will say.
#[tauri::command(rename_all = "snake_case")]
pub fn price_draft(state: State<'_, ShellState>, lines: Vec<DraftLine>, supervisor: Option<Credentials>) -> Reply<PricedDraftView> {
    let mut shell = state.shell();
    shell.actor()?;
    let approver = shell.supervisor(supervisor)?;
    let input = lines_of(&lines)?;
    Ok(PricedDraftView::from(&shell.desk()?.price_draft(&input, approver.as_ref())?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn pay_charge(state: State<'_, ShellState>, input: PayInput) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let approver = shell.supervisor(input.supervisor)?;
    let desk = shell.desk()?;
    let charge = ChargeInput {
        id: id_of(&input.id)?,
        patient: input.patient,
        visit: input.visit.as_deref().map(id_of).transpose()?,
        lines: lines_of(&input.lines)?,
        tenders: tenders_of(&input.tenders)?,
        cash_tendered: input.cash_tendered_fen.map(Fen::new).transpose()?,
        payer: payer_of(input.insured, input.self_pay_reason),
        paper_no: input.paper_no,
        back_entered_at: desk.typed_time(input.back_entered_at.as_deref())?,
        approver,
    };
    Ok(ReceiptView::from(&desk.pay_charge(&me, &charge)?))
}

/// The receipt a kept draft was already paid as (after a crash), or none.
#[tauri::command(rename_all = "snake_case")]
pub fn charge_paid(state: State<'_, ShellState>, id: String) -> Reply<Option<ReceiptView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell.desk()?.charge_paid(&me, id_of(&id)?)?.as_ref().map(ReceiptView::from))
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
    let desk = shell.desk()?;
    let Some(shift) = desk.open_shift_of(&me)? else { return Ok(vec![]) };
    Ok(desk.receipts(Some(shift.id))?.iter().map(ReceiptView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn void_receipt(state: State<'_, ShellState>, receipt_no: String, reason: String, supervisor: Credentials) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let sup = desk.authenticate(&supervisor.name, &supervisor.pin)?;
    Ok(ReceiptView::from(&desk.void_receipt(&me, &sup, &receipt_no, &reason)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn refund_receipt(state: State<'_, ShellState>, input: RefundInputView) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let sup = desk.authenticate(&input.supervisor.name, &input.supervisor.pin)?;
    let lines = refund_lines_of(&input.lines)?;
    let refund = RefundInput {
        id: id_of(&input.id)?,
        receipt_no: input.receipt_no,
        lines,
        reason: input.reason,
        tenders: tenders_of(&input.tenders)?,
        pay_back_reason: input.pay_back_reason,
        drug_return_by: input.drug_return_by,
    };
    Ok(ReceiptView::from(&desk.refund_receipt(&me, &sup, &refund)?))
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
    let lines = refund_lines_of(&lines)?;
    Ok(RefundPreviewView::from(&shell.desk()?.refund_preview(
        &receipt_no,
        &lines,
        pay_back,
    )?))
}

fn refund_lines_of(lines: &[RefundLineInput]) -> Reply<Vec<(i64, downtime_core::catalog::price::Quantity)>> {
    Ok(lines
        .iter()
        .map(|l| Ok((l.line_no, downtime_core::catalog::price::Quantity::parse(&l.qty)?)))
        .collect::<downtime_core::Result<Vec<_>>>()?)
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
