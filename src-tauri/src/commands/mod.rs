//! Tauri commands: adapters only (tested through the IPC layer in `tests/it/`). Each one takes
//! the shell lock, calls `downtime-core`, and returns a wire type or an [`IpcError`]. One
//! submodule per area; the foundation's commands (session, outage, shift, journal) are here.

pub mod admissions;
pub mod catalog;
pub mod charges;
pub mod export;
pub mod files;
pub mod patients;
pub mod pharmacy;
pub mod reconcile;
pub mod recovery;
pub mod report;
pub mod settings;

use crate::{Shell, ShellState};
use downtime_core::error::ErrorCode;
use downtime_core::paper::PaperBook;
use downtime_core::station::{Setup, StationKind};
use downtime_core::view::*;
use downtime_core::{Actor, CoreError, Desk, Fen};
use tauri::State;

pub(crate) type Reply<T> = Result<T, IpcError>;

fn not_logged_in() -> IpcError {
    CoreError::invalid(downtime_core::error::ErrorCode::NotLoggedIn, "请先登录", "Please log in first").into()
}

impl Shell {
    pub(crate) fn desk(&mut self) -> Reply<&mut Desk> {
        self.desk.as_mut().map_err(|e| e.clone())
    }

    pub(crate) fn actor(&self) -> Reply<Actor> {
        self.session.clone().ok_or_else(not_logged_in)
    }

    /// The window's frame: the first start's, or the station's as the session sees it.
    pub(crate) fn status(&mut self) -> Reply<AppStatus> {
        let db_path = self.db_path.display().to_string();
        if self.desk.as_ref().is_err_and(|e| e.code == ErrorCode::DbMissing) {
            // The first start: no station yet, the setup screen creates it (`setup_station`).
            return Ok(AppStatus::first_start(db_path));
        }
        let session = self.session.clone();
        Ok(AppStatus::of(self.desk()?, session.as_ref(), db_path)?)
    }
}

#[tauri::command(rename_all = "snake_case")]
pub fn app_status(state: State<'_, ShellState>) -> Reply<AppStatus> {
    state.shell().status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn setup_station(state: State<'_, ShellState>, input: SetupInput) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let (setup, kind): (Setup, StationKind) = input.try_into()?;
    // Setup is the app's `downtime init`: the only way it creates a station file, and the
    // administrator comes out of it signed in.
    let admin = if shell.desk.as_ref().is_err_and(|e| e.code == ErrorCode::DbMissing) {
        let (desk, admin) = Desk::init_signed_in(&shell.db_path, &setup, kind, downtime_core::time::Clock::system())?;
        shell.desk = Ok(desk);
        shell.hold_instance()?;
        admin
    } else {
        shell.desk()?.set_up_signed_in(&setup, kind)?
    };
    shell.session = Some(admin);
    shell.status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn login(state: State<'_, ShellState>, input: CredentialsInput) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let signed_in = shell.session.clone();
    let actor = shell.desk()?.sign_in(signed_in.as_ref(), &input.name, &input.pin);
    // The PIN's hash is done with its memory: hand it back now, right or wrong.
    crate::trim_now();
    shell.session = Some(actor?);
    shell.status()
}

/// Signs out; the login screen that follows is the app's quiet moment, where it restarts itself
/// once its memory is past the mark (`restart::Restart::at_sign_out`, issue 19).
#[tauri::command(rename_all = "snake_case")]
pub fn logout<R: tauri::Runtime>(app: tauri::AppHandle<R>, state: State<'_, ShellState>) -> Reply<AppStatus> {
    let mut shell = state.shell();
    if let Some(actor) = shell.session.take() {
        shell.desk()?.logout(&actor)?;
    }
    let status = shell.status()?;
    if let Some(restart) = tauri::Manager::try_state::<crate::restart::Restart>(&app) {
        restart.at_sign_out(&app, &mut shell);
    }
    Ok(status)
}

#[tauri::command(rename_all = "snake_case")]
pub fn list_operators(state: State<'_, ShellState>) -> Reply<Vec<OperatorView>> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(shell.desk()?.operators()?.iter().map(OperatorView::from).collect())
}

#[tauri::command(rename_all = "snake_case")]
pub fn add_operator(state: State<'_, ShellState>, input: AddOperatorInput) -> Reply<OperatorView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let op = shell.desk()?.add_operator(&me, &input.name, input.role, &input.pin)?;
    Ok(OperatorView::from(&op))
}

#[tauri::command(rename_all = "snake_case")]
pub fn start_outage(state: State<'_, ShellState>, input: StartOutageInput) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    shell.desk()?.start_outage_by(&me, &input.try_into()?)?;
    shell.status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn end_outage(state: State<'_, ShellState>, input: EndOutageInput) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    shell.desk()?.end_outage_by(&me, &input.try_into()?)?;
    shell.status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn open_shift(state: State<'_, ShellState>, float_fen: i64, paper_from: Option<String>, paper_to: Option<String>) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let book = PaperBook::typed(paper_from.as_deref(), paper_to.as_deref())?;
    shell.desk()?.open_shift_with_paper(&me, Fen::new(float_fen)?, book.as_ref())?;
    shell.status()
}

/// 登记下一本手工票据 in the operator's open shift.
#[tauri::command(rename_all = "snake_case")]
pub fn register_paper_book(state: State<'_, ShellState>, paper_from: String, paper_to: String) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let book = PaperBook::parse(&paper_from, &paper_to)?;
    shell.desk()?.register_paper_book(&me, &book)?;
    shell.status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn verify_journal(state: State<'_, ShellState>) -> Reply<VerifyView> {
    let mut shell = state.shell();
    shell.actor()?;
    Ok(VerifyView::from(&shell.desk()?.verify()?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_idle_lock(state: State<'_, ShellState>, minutes: i64) -> Reply<AppStatus> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    shell.desk()?.set_idle_lock_minutes(&me, minutes)?;
    shell.status()
}
