//! The Tauri shell: opens the station database, keeps who is logged in, and exposes the
//! commands in [`commands`]. No business rule lives here: each command parses its input,
//! calls one `downtime-core` function and maps the error to `{ code, message }`.

pub mod commands;
pub mod restart;

use downtime_core::store::InstanceLock;
use downtime_core::view::IpcError;
use downtime_core::{Actor, Desk};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use tauri::{Builder, Runtime};

/// The window's state: the open desk (or why it could not be opened) and the session.
pub struct Shell {
    pub db_path: PathBuf,
    pub desk: Result<Desk, IpcError>,
    pub session: Option<Actor>,
    /// This window's hold on the station file (`<file>-instance`): a second app on the same
    /// file is refused while it is held. `None` until the station exists.
    pub instance: Option<InstanceLock>,
}

/// The shell behind its lock: every command takes it with [`ShellState::shell`].
pub struct ShellState(Mutex<Shell>);

impl ShellState {
    pub fn new(shell: Shell) -> ShellState {
        ShellState(Mutex::new(shell))
    }

    /// The shell, locked for one command. A command that panicked while holding it leaves
    /// the desk as SQLite left it (an unfinished transaction is rolled back), so the next
    /// command goes on instead of failing on a poisoned lock for the rest of the session.
    pub fn shell(&self) -> MutexGuard<'_, Shell> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The database the app opens: `--db PATH`, else `DOWNTIME_DB`, else the per-user default.
pub fn db_path_from_env() -> PathBuf {
    db_path_from(std::env::args().skip(1), std::env::var_os("DOWNTIME_DB"))
}

/// [`db_path_from_env`] over given arguments (without the program's name) and `DOWNTIME_DB`.
pub fn db_path_from(args: impl IntoIterator<Item = String>, env: Option<std::ffi::OsString>) -> PathBuf {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    env.map(PathBuf::from).unwrap_or_else(downtime_core::store::default_path)
}

/// Opens the station for this window. The instance lock is taken before the file is opened,
/// so a second app on the same file never touches it; a station that does not exist yet is
/// locked when the setup screen creates it.
pub fn open_shell(db_path: PathBuf) -> Shell {
    let mut shell = Shell {
        db_path,
        desk: Err(downtime_core::CoreError::NotInitialised.into()),
        session: None,
        instance: None,
    };
    shell.desk = match shell.hold_instance() {
        Ok(()) => Desk::open(&shell.db_path).map_err(IpcError::from),
        Err(e) => Err(e),
    };
    shell
}

impl Shell {
    /// Takes the instance lock if this window does not hold it yet and the station file
    /// exists (only setup creates one). Refused when another window holds it.
    pub(crate) fn hold_instance(&mut self) -> Result<(), IpcError> {
        if self.instance.is_none() && self.db_path.exists() {
            self.instance = Some(InstanceLock::acquire(&self.db_path)?);
        }
        Ok(())
    }
}

/// The D-Bus name of the single-instance plugin for this station file (Linux): one app per
/// database, so that a second start on the same file brings the first window forward while
/// another station's file (a second `--db`) may still be opened. Elsewhere the plugin keys on
/// the app's identifier, and the instance lock refuses a second window on the same file.
pub fn single_instance_id(db_path: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let canonical = std::fs::canonicalize(db_path).unwrap_or_else(|_| db_path.to_path_buf());
    // SipHash with fixed keys: the same path gives the same name in every run of one build.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut h);
    format!("cn.hospital.downtime_desk.db_{:016x}", h.finish())
}

/// Registers every command; shared by the app and by tests on the mock runtime.
pub fn register<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_status,
        commands::setup_station,
        commands::login,
        commands::logout,
        commands::list_operators,
        commands::add_operator,
        commands::start_outage,
        commands::end_outage,
        commands::open_shift,
        commands::register_paper_book,
        commands::verify_journal,
        commands::set_idle_lock,
        commands::catalog::catalog_preview,
        commands::catalog::catalog_import,
        commands::catalog::catalog_import_sample,
        commands::catalog::catalog_activate,
        commands::catalog::catalog_search,
        commands::catalog::catalog_versions,
        commands::patients::find_patients,
        commands::patients::add_patient,
        commands::patients::correct_patient,
        commands::patients::merge_patients,
        commands::patients::departments,
        commands::patients::import_departments,
        commands::patients::import_sample_departments,
        commands::patients::import_patient_snapshot,
        commands::patients::register,
        commands::patients::cancel_registration,
        commands::patients::reg_types,
        commands::patients::set_reg_type,
        commands::patients::registrations_today,
        commands::patients::print_queue_slip,
        commands::charges::price_draft,
        commands::pharmacy::pharmacy_scan,
        commands::pharmacy::pharmacy_dispense,
        commands::pharmacy::pharmacy_return,
        commands::pharmacy::pharmacy_trust_picked,
        commands::pharmacy::pharmacy_trust_folder,
        commands::pharmacy::print_return_slip,
        commands::pharmacy::key_card_offer,
        commands::pharmacy::export_key_card,
        commands::pharmacy::read_return_slip,
        commands::charges::pay_charge,
        commands::charges::charge_paid,
        commands::charges::receipt,
        commands::charges::shift_receipts,
        commands::charges::void_receipt,
        commands::charges::refund_receipt,
        commands::charges::refund_preview,
        commands::charges::cash_change,
        commands::charges::print_receipt,
        commands::charges::unprinted_receipts,
        commands::charges::check_receipt_code,
        commands::admissions::admit,
        commands::admissions::admissions,
        commands::admissions::deposit_account,
        commands::admissions::take_deposit,
        commands::admissions::refund_deposit,
        commands::admissions::deposit_refund_preview,
        commands::admissions::cancel_admission,
        commands::admissions::transfer_admission,
        commands::admissions::print_deposit_summary,
        commands::settings::printer,
        commands::settings::set_printer,
        commands::settings::backup_setting,
        commands::settings::set_backup,
        commands::settings::set_department,
        commands::settings::open_pdf,
        commands::export::export_overview,
        commands::export::export_batch,
        commands::export::rerender_batch,
        commands::export::pick_export_folder,
        commands::files::pick_file,
        commands::recovery::unlock_station,
        commands::recovery::restore_backup,
        commands::reconcile::reconcile_view,
        commands::reconcile::reconcile_load,
        commands::reconcile::reconcile_write,
        commands::reconcile::reconcile_mark,
        commands::reconcile::reconcile_unmark,
        commands::reconcile::reconcile_pick_folder,
        commands::files::picked_file_bytes,
        commands::report::shift_report,
        commands::report::check_count,
        commands::report::close_shift,
        commands::report::print_shift_report,
        commands::report::outage_report,
        commands::report::print_outage_report,
        commands::report::cash_threshold,
        commands::report::set_cash_threshold,
        commands::report::shift_receipt_totals,
    ])
}

/// How WebKit runs for a counter (issue 19; figures in ARCHITECTURE.md), as environment
/// variables read by GTK, WebKit and the WebKit processes the app spawns:
/// - `WEBKIT_DISABLE_COMPOSITING_MODE=1`: the page is drawn without accelerated compositing. A
///   counter has no 3D, video or big animations, and on a PC without a usable GPU driver
///   (software GL, llvmpipe) the compositor's GL surfaces and tiles cost the web process about
///   100 MB. `=0` gives it back on a PC with a GPU.
/// - `JSC_useDFGJIT=false`: JavaScriptCore stops at its baseline JIT. The optimizing JITs' code
///   grew the web process by about 17 MB over 480 searches; the counter's scripts (a list of
///   results per keystroke) do not need them. `=true` gives them back.
///
/// A variable the station already set is left as it is.
pub const WEBKIT_ENV: [(&str, &str); 2] = [("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("JSC_useDFGJIT", "false")];

/// The variables of [`WEBKIT_ENV`] to set, given how the app was started (`current` reads a
/// variable): those not set already.
pub fn webkit_env(current: impl Fn(&str) -> Option<std::ffi::OsString>) -> Vec<(&'static str, &'static str)> {
    WEBKIT_ENV.into_iter().filter(|(name, _)| current(name).is_none()).collect()
}

/// Sets [`webkit_env`] in this process, before GTK and WebKit start.
pub fn lean_webkit() {
    for (name, value) in webkit_env(|name| std::env::var_os(name)) {
        std::env::set_var(name, value);
    }
}

/// Seconds between two hand-backs of the app process's freed heap ([`trim_heap`]).
pub const TRIM_SECONDS: u64 = 20;

/// A number the station sets in the app's environment (`var`, as the station started the app):
/// `0` turns the thing off (`None`), another number is itself, unset or unreadable `default`.
pub fn env_setting(var: Option<&str>, default: u64) -> Option<u64> {
    match var.map(|v| v.trim().parse::<u64>()) {
        Some(Ok(0)) => None,
        Some(Ok(n)) => Some(n),
        None | Some(Err(_)) => Some(default),
    }
}

/// How often the app process hands its freed heap back, given `DOWNTIME_MALLOC_TRIM` as the
/// station started the app: seconds, `0` never (glibc keeps what it keeps), unset or unreadable
/// [`TRIM_SECONDS`].
pub fn trim_every(var: Option<&str>) -> Option<std::time::Duration> {
    env_setting(var, TRIM_SECONDS).map(std::time::Duration::from_secs)
}

/// [`trim_every`] as this process was started.
fn trim_period() -> Option<std::time::Duration> {
    trim_every(std::env::var("DOWNTIME_MALLOC_TRIM").ok().as_deref())
}

/// Returns the free pages of glibc's arenas to the system.
#[cfg(target_os = "linux")]
fn hand_heap_back() {
    // SAFETY: malloc_trim only returns free pages of the allocator's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Hands the app process's freed heap back to the system every [`trim_every`] (issue 19;
/// figures in ARCHITECTURE.md). glibc keeps pages freed inside its arenas (GTK's and WebKit's
/// UI side free a little with every key event); `malloc_trim` returns them. On a thread of its
/// own: it takes the allocator's locks, so it may run beside the window's thread.
#[cfg(target_os = "linux")]
pub fn trim_heap() {
    let Some(every) = trim_period() else {
        return;
    };
    let _ = std::thread::Builder::new().name("trim-heap".into()).spawn(move || loop {
        std::thread::sleep(every);
        hand_heap_back();
    });
}

/// Hands the app process's freed heap back at once, unless the station turned the hand-back off
/// (`DOWNTIME_MALLOC_TRIM=0`). Called after a sign-in: checking a PIN (Argon2id, 19 MiB) leaves
/// that much freed in glibc's heap, 19 MB of PSS until the next [`trim_heap`] — the app's highest
/// moment otherwise (issue 19; figures in ARCHITECTURE.md).
pub fn trim_now() {
    #[cfg(target_os = "linux")]
    if trim_period().is_some() {
        hand_heap_back();
    }
}

pub fn run() {
    // First, while this is the only thread. A restart's successor forgets whom it replaced and
    // the pipe it answers on; then the process as the station started it (what a restart starts
    // again), then the environment read by GTK and WebKit.
    let predecessor = restart::take_predecessor();
    let ready_pipe = restart::take_ready_pipe();
    let successor = restart::Successor::as_started();
    lean_webkit();
    // A successor: once it can open a window (GTK up) it tells the old app, which exits then
    // (and goes on itself if this fails: `gtk::init` failing ends this process, the pipe closes);
    // the old app lets go of the single-instance name as it ends: wait for that before taking it.
    #[cfg(target_os = "linux")]
    if let Some(fd) = ready_pipe {
        if let Err(e) = gtk::init() {
            eprintln!("downtime-desk: restart: cannot open a window ({e}); the running app goes on");
            std::process::exit(1);
        }
        restart::signal_ready(fd);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = ready_pipe;
    if let Some(pid) = predecessor {
        restart::wait_for(pid);
    }
    #[cfg(target_os = "linux")]
    trim_heap();
    let db_path = db_path_from_env();
    let instance_id = single_instance_id(&db_path);
    // First, before anything opens the station: a second start on the same file hands its
    // arguments to the running app, which brings its window forward, and exits.
    let builder = tauri::Builder::default().plugin(
        tauri_plugin_single_instance::Builder::new()
            .dbus_id(instance_id)
            .callback(|app, _argv, _cwd| {
                use tauri::Manager;
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            })
            .build(),
    );
    let shell = open_shell(db_path);
    register(builder)
        // Opens maximized the first time (tauri.conf.json) and then as the counter left it:
        // size, place and maximized, saved on close.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(restart::WindowPlaceKept)
        .plugin(tauri_plugin_dialog::init())
        .manage(ShellState::new(shell))
        .manage(restart::Restart::from_env(successor))
        .manage(commands::files::Picked::default())
        .run(tauri::generate_context!())
        .expect("error while running Downtime Desk");
}
