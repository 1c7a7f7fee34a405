//! The pharmacy screen (#18): scan, dispense, return and print the return slip; trust a
//! counter by its key card or an export batch folder; and this station's key card, written
//! out from the settings.

use super::Reply;
use crate::ShellState;
use downtime_core::pharmacy::view::{DispensingView, KeyCardView, ScanView, TrustedStationView};
use downtime_core::view::{PharmacyInput, PharmacyLines, PrintResultView};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub fn pharmacy_scan(state: State<'_, ShellState>, payload: String) -> Reply<ScanView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(ScanView::from(&shell.desk()?.pharmacy_scan(&me, &payload)?))
}

#[tauri::command(rename_all = "snake_case")]
pub fn pharmacy_dispense(state: State<'_, ShellState>, input: PharmacyInput) -> Reply<ScanView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let i = PharmacyLines::try_from(input)?;
    let (_, scan) = shell.desk()?.dispense(&me, &i.payload, &i.lines, i.again())?;
    Ok(ScanView::from(&scan))
}

/// 退药确认: the return with its slip (number and signed code, shown for the counter to
/// scan; `downtime pharmacy return --out` prints it).
#[tauri::command(rename_all = "snake_case")]
pub fn pharmacy_return(state: State<'_, ShellState>, input: PharmacyInput) -> Reply<DispensingView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let i = PharmacyLines::try_from(input)?;
    let (d, _) = shell.desk()?.return_drugs(&me, &i.payload, &i.lines)?;
    Ok(DispensingView::from(&d))
}

/// 信任工作站: the key card chosen in the system's file dialog (`pick_file`), read by the core.
#[tauri::command(rename_all = "snake_case")]
pub fn pharmacy_trust_picked(state: State<'_, ShellState>, picked: State<'_, super::files::Picked>) -> Reply<TrustedStationView> {
    let path = picked.path()?;
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(TrustedStationView::from(&shell.desk()?.trust_key_card_file(&me, &path)?))
}

/// At the counter: a scanned return slip, verified, for the refund form to fill its drug lines.
#[tauri::command(rename_all = "snake_case")]
pub fn read_return_slip(state: State<'_, ShellState>, payload: String) -> Reply<downtime_core::pharmacy::view::ReturnSlipView> {
    let mut shell = state.shell();
    shell.actor()?;
    let slip = shell.desk()?.read_return_slip(&payload)?;
    Ok(downtime_core::pharmacy::view::ReturnSlipView::from(&slip))
}

/// 打印退药单: through the one printing path (saved, synced, sent, recorded; a reprint a 副本).
#[tauri::command(rename_all = "snake_case")]
pub fn print_return_slip(state: State<'_, ShellState>, slip_no: String, layout: String) -> Reply<PrintResultView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let printed = shell.desk()?.print_return_slip(&me, &slip_no, &layout)?;
    Ok(PrintResultView::of(String::new(), &printed))
}

/// 信任工作站 by an export batch folder typed in: the station's key from its verified
/// manifest, and the receipts it says were voided.
#[tauri::command(rename_all = "snake_case")]
pub fn pharmacy_trust_folder(state: State<'_, ShellState>, folder: String) -> Reply<TrustedStationView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let t = shell.desk()?.trust_batch(&me, std::path::Path::new(folder.trim()))?;
    Ok(TrustedStationView::from(&t))
}

/// 本站密钥卡, before writing: code, name, fingerprint and the path offered.
#[tauri::command(rename_all = "snake_case")]
pub fn key_card_offer(state: State<'_, ShellState>) -> Reply<KeyCardView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    Ok(KeyCardView::from(&shell.desk()?.key_card_offer(&me)?))
}

/// 导出密钥卡 to the path typed (or offered).
#[tauri::command(rename_all = "snake_case")]
pub fn export_key_card(state: State<'_, ShellState>, path: String) -> Reply<KeyCardView> {
    let mut shell = state.shell();
    let me = shell.actor()?;
    let written = shell.desk()?.export_key_card(&me, std::path::Path::new(path.trim()))?;
    Ok(KeyCardView::from(&written))
}
