//! One window per station file (一库一窗): the desktop app holds an exclusive OS lock on
//! `<file>-instance` for as long as it has the station open, so a second app started on the
//! same file (another `--db` pointing at it, another user's session, a machine without a
//! session bus for the single-instance plugin) is refused with one sentence instead of both
//! windows issuing from one till. The lock is the operating system's (`flock` on Unix,
//! `LockFileEx` on Windows): it is released when the holder exits, however it exits, so a
//! killed app never leaves a stale lock behind. The command line does not take it: a script
//! may read or write while the window is open, and a write that waits too long on the
//! window's transaction gets [`CoreError::Busy`].

use super::file::{create_private_file, sidecar};
use crate::error::{CoreError, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// Held while the app has the station open; dropping it releases the lock.
#[derive(Debug)]
pub struct InstanceLock {
    _lock: SidecarLock,
}

impl InstanceLock {
    /// Takes the lock of the station at `db_path` (whose folder must exist), or says that
    /// another window has the station open. Never waits.
    pub fn acquire(db_path: &Path) -> Result<InstanceLock> {
        SidecarLock::acquire(db_path, "-instance", || in_use(db_path)).map(|l| InstanceLock { _lock: l })
    }
}

/// An exclusive OS lock on the file `<path><suffix>` beside a store (the station's window
/// above; the finance workspace's run in `downtime-recon`), released when dropped or when the
/// process ends, however it ends.
#[derive(Debug)]
pub struct SidecarLock {
    _file: File,
}

impl SidecarLock {
    /// Takes the lock (a new lock file is private like the store beside it; an existing one is
    /// reused; the folder must exist), or returns `busy()` when another holder has it. Never
    /// waits.
    pub fn acquire(path: &Path, suffix: &str, busy: impl FnOnce() -> CoreError) -> Result<SidecarLock> {
        let lock_path = sidecar(path, suffix);
        let _ = create_private_file(&lock_path);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(|_| CoreError::ReadOnly {
                path: lock_path.display().to_string(),
            })?;
        match file.try_lock() {
            Ok(()) => Ok(SidecarLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(busy()),
            Err(TryLockError::Error(e)) => Err(CoreError::Io(e)),
        }
    }
}

fn in_use(db_path: &Path) -> CoreError {
    let path = db_path.display();
    CoreError::invalid(
        crate::error::ErrorCode::DbInUse,
        format!("这个工作站数据库已在另一个窗口中打开：{path}。请切换到那个窗口继续工作，不要同时开两个。"),
        format!("This station database is already open in another window: {path}. Switch to that window; do not open it twice."),
    )
}
