//! The app restarts itself at a quiet moment once its memory passes a mark (issue 19; figures
//! and the mark's arithmetic in ARCHITECTURE.md, "The search indexes"). WebKitGTK 2.50's UI
//! side keeps a token for every key event a page handles and never frees them (not on a
//! navigation, a reload, or a new webview), so a counter's app grows with its typing; only a new
//! process gives that memory back. The quiet moment is a sign-out: the login screen with nobody
//! signed in, every record already committed. Never during a session, never on the idle-lock
//! screen (the operator is still signed in there, an unsaved form behind it).
//!
//! The order keeps the station whole: the shell closes the store and releases the instance lock
//! first, then starts its successor (same program, arguments and environment as this process
//! was started with) and exits; the successor waits until this process is gone before it takes
//! the single-instance name and the instance lock ([`wait_for_predecessor`]). The window comes
//! back where it was: the window-state plugin saves its size and place before the exit.

use crate::Shell;
use downtime_core::error::ErrorCode;
use downtime_core::view::IpcError;
use downtime_core::CoreError;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The default mark, MB of PSS of the whole app (this process and its WebKit processes).
pub const RESTART_MARK_MB: u64 = 280;

/// The variable that chooses another mark (MB; `0` never restarts).
pub const MARK_VAR: &str = "DOWNTIME_RESTART_MARK_MB";

/// Given to the successor: the PID of the process it replaces, which it waits for.
pub const AFTER_VAR: &str = "DOWNTIME_RESTART_AFTER";

/// How long a successor waits for the process it replaces before it goes on anyway (then the
/// instance lock, if still held, refuses it in one sentence as for any second window).
pub const WAIT_AT_MOST: Duration = Duration::from_secs(15);

/// The mark given `DOWNTIME_RESTART_MARK_MB` as the station started the app: MB, `0` never,
/// unset or unreadable [`RESTART_MARK_MB`].
pub fn restart_mark(var: Option<&str>) -> Option<u64> {
    match var.map(|v| v.trim().parse::<u64>()) {
        Some(Ok(0)) => None,
        Some(Ok(mb)) => Some(mb),
        None | Some(Err(_)) => Some(RESTART_MARK_MB),
    }
}

/// Whether the app restarts now: a mark is set, nobody is signed in (the shell's session, the
/// one every command checks — not the window's say-so), and the app's PSS (`pss_kib`, read only
/// when the first two hold) is above the mark. An unreadable PSS never restarts.
pub fn restart_due(mark_mb: Option<u64>, session_open: bool, pss_kib: impl FnOnce() -> Option<u64>) -> bool {
    let Some(mark) = mark_mb else {
        return false;
    };
    if session_open {
        return false;
    }
    pss_kib().is_some_and(|kib| kib > mark.saturating_mul(1024))
}

/// The proportional set size of this process and every process under it (WebKit's web and
/// network processes), KiB, from `/proc/<pid>/smaps_rollup`. `None` where there is no /proc.
pub fn app_pss_kib() -> Option<u64> {
    let me = std::process::id();
    let mut total = pss_of(me)?;
    for pid in descendants(me, &parents()) {
        // A process that ended meanwhile counts nothing.
        total += pss_of(pid).unwrap_or(0);
    }
    Some(total)
}

fn pss_of(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// (pid, parent pid) of every process in /proc.
fn parents() -> Vec<(u32, u32)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        Some((pid, stat_field(&stat, 1)?.parse().ok()?))
    })
    .collect()
}

/// The field `n` after the command name of a `/proc/<pid>/stat` line (0: the state, 1: the
/// parent's PID); the name is in parentheses and may hold spaces.
fn stat_field(stat: &str, n: usize) -> Option<&str> {
    stat.rsplit_once(')')?.1.split_whitespace().nth(n)
}

/// Every process under `root`, given (pid, parent) pairs.
pub fn descendants(root: u32, parents: &[(u32, u32)]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(p) = todo.pop() {
        for &(child, parent) in parents {
            if parent == p && child != root && !out.contains(&child) {
                out.push(child);
                todo.push(child);
            }
        }
    }
    out
}

/// The process as the station started it: what its successor is started with.
#[derive(Debug, Clone)]
pub struct Successor {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
}

impl Successor {
    /// This process's program, arguments and environment, read first thing in `run()` (before
    /// the app sets WebKit's variables, so the successor makes the same choice again).
    pub fn as_started() -> Option<Successor> {
        let program = tauri::process::current_binary(&tauri::Env::default()).ok()?;
        Some(Successor {
            program,
            args: std::env::args_os().skip(1).collect(),
            env: std::env::vars_os().collect(),
        })
    }

    /// Starts the successor, told to wait for this process ([`AFTER_VAR`]).
    pub fn start(&self) -> std::io::Result<std::process::Child> {
        std::process::Command::new(&self.program)
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().cloned())
            .env(AFTER_VAR, std::process::id().to_string())
            .spawn()
    }
}

/// Whether the process `pid` has ended (a zombie has: it holds no file, lock or bus name).
pub fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat_field(&stat, 0).is_some_and(|state| state == "Z" || state == "X"),
        Err(_) => true,
    }
}

/// First thing in a successor (before the single-instance plugin and the instance lock): waits
/// until the process it replaces has ended, at most [`WAIT_AT_MOST`], and forgets
/// [`AFTER_VAR`] so that its own successor is told its own PID. Returns how long it waited.
pub fn wait_for_predecessor() -> Option<Duration> {
    let pid: u32 = std::env::var(AFTER_VAR).ok()?.trim().parse().ok()?;
    std::env::remove_var(AFTER_VAR);
    let started = std::time::Instant::now();
    while !ended(pid) && started.elapsed() < WAIT_AT_MOST {
        std::thread::sleep(Duration::from_millis(10));
    }
    Some(started.elapsed())
}

/// The app's restart rule, managed by the app: the mark, and whom to start.
pub struct Restart {
    pub mark_mb: Option<u64>,
    /// `None` on the mock runtime: the store is closed and the lock released, nothing started.
    pub successor: Option<Successor>,
}

impl Restart {
    /// The mark from `DOWNTIME_RESTART_MARK_MB`.
    pub fn from_env(successor: Option<Successor>) -> Restart {
        Restart {
            mark_mb: restart_mark(std::env::var(MARK_VAR).ok().as_deref()),
            successor,
        }
    }

    /// After a sign-out, with the shell locked: when [`restart_due`], closes the store,
    /// releases the instance lock, saves the window's place, starts the successor and asks the
    /// app to exit. Returns whether it did. If the successor cannot be started, the station is
    /// opened again and the app goes on.
    pub fn at_sign_out<R: tauri::Runtime>(&self, app: &tauri::AppHandle<R>, shell: &mut Shell) -> bool {
        let mut pss = None;
        let read = || {
            pss = app_pss_kib();
            pss
        };
        if !restart_due(self.mark_mb, shell.session.is_some(), read) {
            return false;
        }
        // One line for the station's log: when and at what size the app restarted.
        eprintln!(
            "downtime-desk: signed out at {:.1} MB PSS, above the restart mark of {} MB: restarting",
            pss.unwrap_or(0) as f64 / 1024.0,
            self.mark_mb.unwrap_or(0)
        );
        // The store closed and the station released before anyone else may take it.
        shell.desk = Err(restarting());
        shell.instance = None;
        let Some(successor) = &self.successor else {
            return true;
        };
        {
            use tauri_plugin_window_state::{AppHandleExt, StateFlags};
            let _ = app.save_window_state(StateFlags::all());
        }
        match successor.start() {
            Ok(_) => {
                app.exit(0);
                true
            }
            Err(e) => {
                eprintln!("downtime-desk: could not restart ({e}); going on");
                shell.desk = match shell.hold_instance() {
                    Ok(()) => downtime_core::Desk::open(&shell.db_path).map_err(IpcError::from),
                    Err(e) => Err(e),
                };
                false
            }
        }
    }
}

/// What a command hears in the moment between the restart's decision and the exit.
fn restarting() -> IpcError {
    CoreError::invalid(ErrorCode::DbBusy, "正在重新启动，请稍候。", "Restarting, one moment.").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_is_280_mb_unless_the_station_chose_another_and_0_is_never() {
        assert_eq!(restart_mark(None), Some(RESTART_MARK_MB));
        assert_eq!(RESTART_MARK_MB, 280);
        assert_eq!(restart_mark(Some("300")), Some(300));
        assert_eq!(restart_mark(Some(" 1 ")), Some(1));
        assert_eq!(restart_mark(Some("0")), None);
        assert_eq!(restart_mark(Some("lots")), Some(RESTART_MARK_MB));
        assert_eq!(restart_mark(Some("-5")), Some(RESTART_MARK_MB));
    }

    #[test]
    fn it_restarts_only_signed_out_and_above_the_mark() {
        let kib = |mb: u64| move || Some(mb * 1024);
        assert!(restart_due(Some(280), false, kib(281)));
        assert!(!restart_due(Some(280), false, kib(280)), "at the mark is not above it");
        assert!(!restart_due(Some(280), false, kib(270)));
        assert!(!restart_due(Some(280), true, kib(400)), "never in a session (the idle lock is one)");
        assert!(!restart_due(None, false, kib(400)), "mark 0: never");
        assert!(!restart_due(Some(280), false, || None), "an unreadable figure never restarts");
    }

    #[test]
    fn the_memory_is_read_only_when_it_can_matter() {
        let read = std::cell::Cell::new(0);
        let count = || {
            read.set(read.get() + 1);
            Some(1)
        };
        restart_due(Some(1), true, count);
        restart_due(None, false, count);
        assert_eq!(read.get(), 0);
        restart_due(Some(1), false, count);
        assert_eq!(read.get(), 1);
    }

    #[test]
    fn the_whole_app_is_this_process_and_every_process_under_it() {
        // 10 the app; 11 the web process, 12 the network process; 13 under 11; 20 elsewhere.
        let table = [(10, 1), (11, 10), (12, 10), (13, 11), (20, 1), (21, 20)];
        let mut d = descendants(10, &table);
        d.sort();
        assert_eq!(d, vec![11, 12, 13]);
        assert!(descendants(13, &table).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_memory_and_its_children_are_read_from_proc() {
        let alone = app_pss_kib().expect("smaps_rollup");
        assert!(alone > 0);
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(descendants(std::process::id(), &parents()).contains(&child.id()));
        assert!(!ended(child.id()));
        child.kill().unwrap();
        // Killed but not yet reaped: a zombie has ended.
        std::thread::sleep(Duration::from_millis(100));
        assert!(ended(child.id()));
        child.wait().unwrap();
        assert!(ended(child.id()));
    }

    #[test]
    fn a_process_name_with_spaces_and_parentheses_is_read_past() {
        let stat = "4242 (Web Content (x)) S 4200 4242 4242 0 -1";
        assert_eq!(stat_field(stat, 0), Some("S"));
        assert_eq!(stat_field(stat, 1), Some("4200"));
    }
}
