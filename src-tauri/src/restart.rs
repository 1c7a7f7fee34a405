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
//! was started with) and waits until the successor says it can open a window (its GTK is up:
//! [`signal_ready`]); only then does it exit. A successor that dies or hangs before that is ended
//! and this app opens the station again and goes on: a failed restart never leaves a counter
//! without its app. The successor waits until this process is gone before it takes the
//! single-instance name and the instance lock ([`wait_for`]). The window comes back
//! where it was: the window-state plugin saves its size and place before the exit.

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

/// Given to the successor: the file descriptor of the pipe on which it says it is ready.
pub const READY_VAR: &str = "DOWNTIME_RESTART_READY_FD";

/// How long the old app waits for its successor to be ready before it ends it and goes on.
pub const READY_AT_MOST: Duration = Duration::from_secs(10);

/// How long a successor waits for the process it replaces before it goes on anyway (then the
/// instance lock, if still held, refuses it in one sentence as for any second window).
pub const WAIT_AT_MOST: Duration = Duration::from_secs(15);

/// The mark given `DOWNTIME_RESTART_MARK_MB` as the station started the app: MB, `0` never,
/// unset or unreadable [`RESTART_MARK_MB`].
pub fn restart_mark(var: Option<&str>) -> Option<u64> {
    crate::env_setting(var, RESTART_MARK_MB)
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

    /// Starts the successor, told to wait for this process ([`AFTER_VAR`]) and to say on a pipe
    /// when it is ready ([`READY_VAR`]), and waits for that at most `at_most`. A successor that
    /// ends, closes the pipe without a word or does not answer in time is ended and reaped: the
    /// caller goes on as it was.
    #[cfg(target_os = "linux")]
    pub fn start(&self, at_most: Duration) -> Started {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        use std::os::unix::process::CommandExt;
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills two new descriptors, both closed on exec (no other child started
        // meanwhile by another thread can inherit them).
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Started::NotStarted(std::io::Error::last_os_error());
        }
        // SAFETY: both descriptors are new and owned here alone.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let write_fd = write.as_raw_fd();
        let mut command = std::process::Command::new(&self.program);
        command
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().cloned())
            .env(AFTER_VAR, std::process::id().to_string())
            .env(READY_VAR, write_fd.to_string());
        // SAFETY: in the child between fork and exec, one async-signal-safe call: the write end
        // (and only it) survives the exec.
        unsafe {
            command.pre_exec(move || {
                if libc::fcntl(write_fd, libc::F_SETFD, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let spawned = command.spawn();
        // This process keeps only the read end: the pipe reads its end when the successor's
        // copy of the write end closes.
        drop(write);
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => return Started::NotStarted(e),
        };
        let heard = await_ready(&read, at_most);
        if heard == Heard::Ready {
            return Started::Ready(child);
        }
        let _ = child.kill();
        let status = child.wait().ok();
        Started::Failed { heard, status }
    }

    /// Elsewhere the app does not restart itself (its memory is read from Linux's /proc).
    #[cfg(not(target_os = "linux"))]
    pub fn start(&self, _at_most: Duration) -> Started {
        Started::NotStarted(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

/// What became of a successor.
#[derive(Debug)]
pub enum Started {
    /// It can open its window: this app may exit.
    Ready(std::process::Child),
    /// It could not be started at all.
    NotStarted(std::io::Error),
    /// It started but never became ready (ended and reaped here).
    Failed {
        heard: Heard,
        status: Option<std::process::ExitStatus>,
    },
}

/// What the old app heard on the pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Ready,
    /// The pipe closed without the word: the successor ended (or closed it) first.
    Closed,
    TimedOut,
}

#[cfg(target_os = "linux")]
fn await_ready(read: &std::os::fd::OwnedFd, at_most: Duration) -> Heard {
    use std::os::fd::AsRawFd;
    let until = std::time::Instant::now() + at_most;
    loop {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Heard::TimedOut;
        }
        let mut poll = libc::pollfd {
            fd: read.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd of a descriptor owned by the caller.
        let n = unsafe { libc::poll(&mut poll, 1, left.as_millis().min(i32::MAX as u128) as i32) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Heard::Closed;
        }
        if n == 0 {
            continue;
        }
        let mut byte = [0u8; 1];
        // SAFETY: reads at most one byte into a buffer of one.
        let got = unsafe { libc::read(read.as_raw_fd(), byte.as_mut_ptr().cast(), 1) };
        return match got {
            1 if byte[0] == READY_BYTE => Heard::Ready,
            -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => continue,
            _ => Heard::Closed,
        };
    }
}

const READY_BYTE: u8 = b'1';

/// First thing in a successor, before anything else reads the environment: the pipe on which it
/// says it is ready, forgotten from the environment (its own successor gets a pipe of its own).
pub fn take_ready_pipe() -> Option<i32> {
    let fd = std::env::var(READY_VAR).ok()?.trim().parse().ok()?;
    std::env::remove_var(READY_VAR);
    Some(fd)
}

/// In a successor once it can open a window (GTK is up): says so to the old app and closes the
/// pipe, so that the old app exits.
#[cfg(target_os = "linux")]
pub fn signal_ready(fd: i32) {
    // SAFETY: the descriptor was handed to this process for this one byte; it is closed here and
    // never used again.
    unsafe {
        libc::write(fd, [READY_BYTE].as_ptr().cast(), 1);
        libc::close(fd);
    }
}

/// Whether the process `pid` has ended (a zombie has: it holds no file, lock or bus name).
pub fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat_field(&stat, 0).is_some_and(|state| state == "Z" || state == "X"),
        Err(_) => true,
    }
}

/// First thing in a successor, before the environment is read for its own successor: the PID of
/// the process it replaces, forgotten from the environment so that its own successor is told
/// its own PID.
pub fn take_predecessor() -> Option<u32> {
    let pid = std::env::var(AFTER_VAR).ok()?.trim().parse().ok()?;
    std::env::remove_var(AFTER_VAR);
    Some(pid)
}

/// In a successor, once it has said it is ready and before the single-instance plugin and the
/// instance lock: waits until the process it replaces has ended, at most [`WAIT_AT_MOST`].
/// Returns how long it waited.
pub fn wait_for(pid: u32) -> Duration {
    let started = std::time::Instant::now();
    while !ended(pid) && started.elapsed() < WAIT_AT_MOST {
        std::thread::sleep(Duration::from_millis(10));
    }
    started.elapsed()
}

/// Managed beside the window-state plugin (`run()`): the window's size and place can be saved
/// before a restart. (The IPC tests' mock app has no such plugin.)
pub struct WindowPlaceKept;

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
        if tauri::Manager::try_state::<WindowPlaceKept>(app).is_some() {
            use tauri_plugin_window_state::{AppHandleExt, StateFlags};
            let _ = app.save_window_state(StateFlags::all());
        }
        match successor.start(READY_AT_MOST) {
            Started::Ready(_) => {
                app.exit(0);
                true
            }
            failed => {
                eprintln!("downtime-desk: could not restart ({failed:?}); going on");
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

    #[cfg(target_os = "linux")]
    fn sh(script: &str) -> Successor {
        Successor {
            program: PathBuf::from("/bin/sh"),
            args: vec!["-c".into(), script.into()],
            env: std::env::vars_os().collect(),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_old_app_exits_only_once_its_successor_says_it_is_ready() {
        // Says ready on the pipe it was given, having been told whom it replaces.
        let ready = sh(r#"[ "$DOWNTIME_RESTART_AFTER" = "$PPID" ] || exit 9; eval "printf 1 >&$DOWNTIME_RESTART_READY_FD"; sleep 0.2"#);
        match ready.start(Duration::from_secs(10)) {
            Started::Ready(mut child) => {
                assert!(child.wait().unwrap().success());
            }
            other => panic!("{other:?}"),
        }
        // Ends before it is ready (GTK could not open the display): the old app goes on.
        match sh("exit 3").start(Duration::from_secs(10)) {
            Started::Failed {
                heard: Heard::Closed,
                status: Some(status),
            } => assert_eq!(status.code(), Some(3)),
            other => panic!("{other:?}"),
        }
        // Closes the pipe without the word.
        match sh(r#"eval "exec $DOWNTIME_RESTART_READY_FD>&-"; sleep 5"#).start(Duration::from_secs(10)) {
            Started::Failed { heard: Heard::Closed, .. } => {}
            other => panic!("{other:?}"),
        }
        // Hangs: ended after the wait, and reaped.
        let started = std::time::Instant::now();
        match sh("sleep 30").start(Duration::from_millis(300)) {
            Started::Failed {
                heard: Heard::TimedOut,
                status: Some(status),
            } => assert!(!status.success()),
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        // Cannot be started at all.
        let missing = Successor {
            program: PathBuf::from("/nonexistent/downtime-desk"),
            args: vec![],
            env: vec![],
        };
        assert!(matches!(missing.start(Duration::from_secs(1)), Started::NotStarted(_)));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_the_write_end_of_the_pipe_reaches_the_successor() {
        // Once ready, the successor holds the pipe by one descriptor only, the one it was given:
        // the read end stays with the old app. (Other tests of this process start children at
        // the same time, so its other descriptors are not counted.)
        // The byte is written from a subshell: the shell looked at never points its own
        // standard output at the pipe, not even for the instant of a redirected builtin.
        let script = r#"(eval "printf 1 >&$DOWNTIME_RESTART_READY_FD"); sleep 5"#;
        let Started::Ready(mut child) = sh(script).start(Duration::from_secs(10)) else {
            panic!("not ready");
        };
        let environ = std::fs::read(format!("/proc/{}/environ", child.id())).unwrap();
        let given = environ
            .split(|b| *b == 0)
            .find_map(|v| v.strip_prefix(format!("{READY_VAR}=").as_bytes()))
            .map(|v| String::from_utf8_lossy(v).to_string())
            .expect("the pipe's descriptor is given");
        let link = |fd: &str| std::fs::read_link(format!("/proc/{}/fd/{fd}", child.id())).ok();
        let pipe = link(&given).expect("the given descriptor is open");
        assert!(pipe.to_string_lossy().starts_with("pipe:"), "{pipe:?}");
        let holding: Vec<String> = std::fs::read_dir(format!("/proc/{}/fd", child.id()))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|fd| link(fd).as_ref() == Some(&pipe))
            .collect();
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(holding, vec![given], "the successor holds the pipe only by its write end");
    }

    #[test]
    fn a_process_name_with_spaces_and_parentheses_is_read_past() {
        let stat = "4242 (Web Content (x)) S 4200 4242 4242 0 -1";
        assert_eq!(stat_field(stat, 0), Some("S"));
        assert_eq!(stat_field(stat, 1), Some("4200"));
    }
}
