//! Admission and deposit commands.

use super::Reply;
use crate::ShellState;
use downtime_core::admission::{DepositInput, DepositRefundInput, NewAdmission};
use downtime_core::view::*;
use downtime_core::Fen;
use tauri::State;

fn id_of(text: &str) -> Reply<uuid::Uuid> {
    Ok(downtime_core::ids::parse_id(text, "编号")?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn admit(state: State<'_, ShellState>, input: AdmitInput) -> Reply<AdmissionView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let new = NewAdmission {
        patient: input.patient,
        dept: input.dept,
        ward: input.ward,
        bed: input.bed,
        doctor: input.doctor,
        diagnosis: input.diagnosis,
        insurance: input.insurance,
        insurance_no: input.insurance_no,
        confirm_second: input.confirm_second,
        back_entered_at: desk.typed_time(input.back_entered_at.as_deref())?,
    };
    Ok(AdmissionView::from(&desk.admit(&me, &new)?))
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
pub fn take_deposit(state: State<'_, ShellState>, input: DepositInputView) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let deposit = DepositInput {
        id: id_of(&input.id)?,
        admission_no: input.inpatient_no,
        tenders: input
            .tenders
            .iter()
            .map(TenderInputView::to_input)
            .collect::<downtime_core::Result<_>>()?,
        cash_tendered: input.cash_tendered_fen.map(Fen::new).transpose()?,
        back_entered_at: desk.typed_time(input.back_entered_at.as_deref())?,
        payer: input
            .payer
            .filter(|p| !p.name.trim().is_empty())
            .map(|p| downtime_core::charge::Depositor {
                name: p.name,
                relation: p.relation,
                phone: p.phone,
            }),
    };
    Ok(ReceiptView::from(&desk.take_deposit(&me, &deposit)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn refund_deposit(state: State<'_, ShellState>, input: DepositRefundInputView) -> Reply<ReceiptView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let desk = shell.desk()?;
    let sup = desk.authenticate(&input.supervisor.name, &input.supervisor.pin)?;
    let refund = DepositRefundInput {
        id: id_of(&input.id)?,
        admission_no: input.inpatient_no,
        amount: Fen::new(input.amount_fen)?,
        tenders: input
            .tenders
            .iter()
            .map(TenderInputView::to_input)
            .collect::<downtime_core::Result<_>>()?,
        reason: input.reason,
        pay_back_reason: input.pay_back_reason,
    };
    Ok(ReceiptView::from(&desk.refund_deposit(&me, &sup, &refund)?))
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
    let desk = shell.desk()?;
    let amount = Fen::new(amount_fen)?;
    let (balance, after) = desk.deposit_refund_preview(&inpatient_no, amount)?;
    let (way, channels) = desk.deposit_pay_back(&inpatient_no, amount, pay_back)?;
    let (pay_back, channels) = pay_back_views(&way, &channels);
    Ok(DepositRefundPreviewView {
        balance_fen: balance.get(),
        balance_after_fen: after.get(),
        pay_back,
        channels,
    })
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
