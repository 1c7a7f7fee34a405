//! Patient and registration commands: find and add patients, import the HIS patient index
//! and the department list, register, cancel, today's registrations.

use super::catalog::{file_of, header};
use super::Reply;
use crate::ShellState;
use downtime_core::catalog::stream::{ImportStage, Input};
use downtime_core::registration::registration_id;
use downtime_core::view::*;
use downtime_core::Approval;
use tauri::ipc::Request;
use tauri::{AppHandle, Emitter, Runtime, State};

/// The department list shipped in `assets/`, importable with one click.
pub const SAMPLE_DEPARTMENTS: &[u8] = include_bytes!("../../../assets/departments.csv");

#[tauri::command(rename_all = "snake_case")]
pub fn find_patients(state: State<'_, ShellState>, query: String, limit: Option<usize>) -> Reply<Vec<PatientView>> {
    let mut shell = state.shell();
    shell.actor()?;
    let found = shell.desk()?.find_patients(&query, limit.unwrap_or(20).min(100))?;
    Ok(found.iter().map(PatientView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn add_patient(state: State<'_, ShellState>, input: NewPatientInput) -> Reply<PatientView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let p = shell.desk()?.add_patient(&me, &input.into())?;
    Ok(PatientView::from(&p))
}

/// 更正: the whole of the patient's details as corrected on the form, and why.
#[tauri::command(rename_all = "snake_case")]
pub fn correct_patient(state: State<'_, ShellState>, patient: String, input: NewPatientInput, reason: String) -> Reply<PatientView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let p = shell.desk()?.correct_patient(&me, &patient, &input.into(), &reason)?;
    Ok(PatientView::from(&p))
}

/// 合并 two downtime records of one person, with a supervisor's name and PIN on the form.
#[tauri::command(rename_all = "snake_case")]
pub fn merge_patients(
    state: State<'_, ShellState>,
    merged: String,
    into: String,
    reason: String,
    supervisor: CredentialsInput,
) -> Reply<PatientView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let kept = shell
        .desk()?
        .merge_patients(&me, Approval::from(supervisor), &merged, &into, &reason)?;
    Ok(PatientView::from(&kept))
}

#[tauri::command(rename_all = "snake_case")]
pub fn departments(state: State<'_, ShellState>) -> Reply<Vec<DepartmentView>> {
    let mut shell = state.shell();
    Ok(shell.desk()?.departments()?.iter().map(DepartmentView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn import_departments(state: State<'_, ShellState>, request: Request<'_>) -> Reply<Vec<DepartmentView>> {
    let (bytes, name, _, _) = file_of(&request)?;
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell
        .desk()?
        .import_departments(&me, &bytes, &name)?
        .iter()
        .map(DepartmentView::from)
        .collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn import_sample_departments(state: State<'_, ShellState>) -> Reply<Vec<DepartmentView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(shell
        .desk()?
        .import_departments(&me, SAMPLE_DEPARTMENTS, "departments.csv")?
        .iter()
        .map(DepartmentView::from)
        .collect())
}

/// Reads (dry run) or imports the HIS patient index, reporting progress as
/// `patients-progress` events (a big hospital's index takes a while).
#[tauri::command(rename_all = "snake_case")]
pub async fn import_patient_snapshot<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, ShellState>,
    picked: State<'_, super::files::Picked>,
    request: Request<'_>,
) -> Reply<SnapshotReportView> {
    let (bytes, name, _, accept) = file_of(&request)?;
    let dry_run = header(&request, "x-dry-run").as_deref() == Some("1");
    // A big hospital's index never has to be in memory: read from the chosen path.
    let path = super::catalog::picked_path(&request, &picked)?;
    let input = match &path {
        Some(p) => Input::Path(p),
        None => Input::Bytes(&bytes),
    };
    let mut shell = state.shell();
    let me = shell.actor()?;
    let mut last = (None, u64::MAX);
    let mut progress = |stage: ImportStage, done: u64, total: u64| {
        // One event per percent is enough for a progress bar.
        let percent = if total == 0 { 100 } else { done * 100 / total };
        if last != (Some(stage), percent) {
            last = (Some(stage), percent);
            let _ = app.emit("patients-progress", ImportProgressView { stage, done, total });
        }
    };
    Ok(SnapshotReportView::from(&shell.desk()?.import_patient_snapshot_from(
        &me,
        input,
        &name,
        accept,
        dry_run,
        &mut progress,
    )?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn register(state: State<'_, ShellState>, input: RegisterInput) -> Reply<RegistrationView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(RegistrationView::from(&shell.desk()?.register(&me, &input.try_into()?)?))
}

/// 退号: a paid registration needs the supervisor's name and PIN on the form.
#[tauri::command(rename_all = "snake_case")]
pub fn cancel_registration(state: State<'_, ShellState>, input: CancelRegistrationInput) -> Reply<RegistrationView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let id = registration_id(&input.id)?;
    let sup = approval(input.supervisor);
    let r = shell.desk()?.cancel_registration(&me, id, &input.reason, sup.as_ref())?;
    Ok(RegistrationView::from(&r))
}

/// The registration types with their fees as the active price list prices them.
#[tauri::command(rename_all = "snake_case")]
pub fn reg_types(state: State<'_, ShellState>) -> Reply<Vec<RegTypeView>> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.reg_types_priced()?.iter().map(RegTypeView::from).collect())
}

/// Adds or changes a registration type (settings, Ctrl+O); returns them all.
#[tauri::command(rename_all = "snake_case")]
pub fn set_reg_type(state: State<'_, ShellState>, input: RegTypeInput) -> Reply<Vec<RegTypeView>> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let all = shell
        .desk()?
        .edit_reg_type(&me, &input.key, &input.name, &input.fee_codes, input.active)?;
    Ok(all.iter().map(RegTypeView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn registrations_today(state: State<'_, ShellState>) -> Reply<Vec<RegistrationView>> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.registrations_today()?.iter().map(RegistrationView::from).collect())
}

/// 候诊条: saves the queue slip PDF in the receipts folder, sends it to the printer when one
/// is configured, records the printing, and returns where it was saved.
#[tauri::command(rename_all = "snake_case")]
pub fn print_queue_slip(state: State<'_, ShellState>, id: String) -> Reply<PrintResultView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let printed = shell.desk()?.print_queue_slip(&me, registration_id(&id)?)?;
    Ok(PrintResultView::of(String::new(), &printed))
}
