//! When the station cannot be opened: the key of an encrypted station typed by an
//! administrator at start-up, and restore from a backup (the file chosen in the system dialog)
//! for a damaged one. Both reopen the station and return the new status.

use super::files::Picked;
use super::Reply;
use crate::ShellState;
use downtime_core::view::AppStatus;
use downtime_core::Desk;
use tauri::State;

/// The key of an encrypted station typed by an administrator; once it opens the station it is
/// remembered in the OS keyring (`store::keyring`), never in a file of the app's.
#[tauri::command(rename_all = "snake_case")]
pub fn unlock_station(state: State<'_, ShellState>, key: String) -> Reply<AppStatus> {
    let mut shell = state.shell();
    shell.hold_instance()?;
    shell.desk = Ok(Desk::open_with_key(&shell.db_path, &key)?);
    shell.session = None;
    shell.status()
}

/// Restores the backup the user just chose (`pick_file`), authorised by an administrator of
/// that backup's station; an older backup than a readable station needs `confirm_older`.
#[tauri::command(rename_all = "snake_case")]
pub fn restore_backup(
    state: State<'_, ShellState>,
    picked: State<'_, Picked>,
    admin_name: String,
    admin_pin: String,
    confirm_older: bool,
) -> Reply<AppStatus> {
    let from = picked.path()?;
    let mut shell = state.shell();
    // Never restore over a station another window has open.
    shell.hold_instance()?;
    // The damaged desk (if it opened at all) lets go of the file first.
    shell.desk = Err(downtime_core::CoreError::NotInitialised.into());
    shell.session = None;
    let restored = downtime_core::audit::restore_backup(&shell.db_path, &from, &admin_name, &admin_pin, confirm_older);
    shell.desk = Desk::open(&shell.db_path).map_err(Into::into);
    restored?;
    shell.status()
}
