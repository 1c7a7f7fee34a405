//! The station file before SQLite writes to it: is there a station at this path (missing,
//! empty, foreign files are refused without a byte written), folder and file permissions (a
//! new station is 0600 in a 0700 folder), and a stale `-shm` left behind by another process
//! or user (recovered when no connection uses it).

use crate::error::{CoreError, Result};
use std::path::{Path, PathBuf};

/// The first 16 bytes of every plain SQLite file.
pub(crate) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What lies at a station path before anything opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Missing,
    Empty,
    /// Starts with the SQLite header.
    Plain,
    /// Something else: an encrypted station (SQLCipher files have no header) or a foreign file.
    Opaque,
}

pub(crate) fn look(path: &Path) -> Result<Found> {
    use std::io::Read;
    let shown = || path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Missing),
        Err(_) => return Err(CoreError::ReadOnly { path: shown() }),
    };
    if meta.is_dir() {
        return Err(CoreError::NotADatabase { path: shown() });
    }
    if meta.len() == 0 {
        return Ok(Found::Empty);
    }
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|_| CoreError::ReadOnly { path: shown() })?;
    let n = f.read(&mut head).map_err(|_| CoreError::ReadOnly { path: shown() })?;
    Ok(if n == 16 && &head == SQLITE_HEADER {
        Found::Plain
    } else {
        Found::Opaque
    })
}

/// Refuses a path where no station exists: only `init` (and the app's first-start setup)
/// creates one.
pub(crate) fn require_existing(path: &Path) -> Result<Found> {
    let shown = path.display().to_string();
    match look(path)? {
        Found::Missing => Err(CoreError::Missing { path: shown }),
        Found::Empty => Err(CoreError::Empty { path: shown }),
        found => Ok(found),
    }
}

/// The folder that holds `path` (`.` for a bare file name).
pub(crate) fn folder(path: &Path) -> PathBuf {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Creates the folder for a new station, readable by its owner only.
pub(crate) fn create_private_folder(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|_| CoreError::ReadOnly {
        path: dir.display().to_string(),
    })
}

/// Creates `path` as a new empty file readable and writable by its owner only (SQLite gives
/// its `-wal` and `-shm` the same mode). Fails if it exists.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map(drop)
}

/// Takes group and other access away from a station file (and its `-wal`/`-shm`) that has
/// it, when this user owns it: stations made before files were created 0600.
pub(crate) fn tighten(path: &Path) {
    #[cfg(unix)]
    for p in [path.to_path_buf(), sidecar(path, "-wal"), sidecar(path, "-shm")] {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let Ok(meta) = std::fs::metadata(&p) else { continue };
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.mode() & 0o077 != 0 && meta.uid() == me {
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(meta.mode() & 0o700));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// A `-shm` file this process cannot write (left by another user's process, or made
/// read-only) makes every write fail with "attempt to write a readonly database". When no
/// connection uses it — every SQLite connection holds a read lock on its byte 128 while open —
/// it is stale: it is removed, and SQLite rebuilds it from the `-wal`, as it does after a crash.
pub(crate) fn recover_stale_shm(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let shm = sidecar(path, "-shm");
        if !shm.exists() || std::fs::OpenOptions::new().read(true).write(true).open(&shm).is_ok() {
            return;
        }
        if let Ok(f) = std::fs::File::open(&shm) {
            // SAFETY: a zeroed flock is valid; F_GETLK only fills it in.
            let mut lock: libc::flock = unsafe { std::mem::zeroed() };
            lock.l_type = libc::F_WRLCK as _;
            lock.l_whence = libc::SEEK_SET as _;
            lock.l_start = 128;
            lock.l_len = 1;
            // SAFETY: `f` is open for the whole call and `lock` is a valid flock.
            let r = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETLK, &mut lock) };
            if r != 0 || i32::from(lock.l_type) != libc::F_UNLCK {
                return; // in use, or cannot tell: leave it to SQLite
            }
        }
        let _ = std::fs::remove_file(&shm);
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Whether a file can be created in `dir` (it is on writable media, and this user may).
pub(crate) fn folder_writable(dir: &Path) -> bool {
    tempfile::Builder::new().prefix(".downtime-probe").tempfile_in(dir).is_ok()
}

/// Bytes kept free beside the station (`<file>-reserve`) for what must be written even on a
/// full disk: a wrong PIN still counts toward the lockout. Given up when the disk is full and
/// made again when the station is next opened with space.
const RESERVE_BYTES: usize = 512 * 1024;

pub(crate) fn keep_reserve(path: &Path) {
    let reserve = sidecar(path, "-reserve");
    if std::fs::metadata(&reserve).is_ok_and(|m| m.len() as usize >= RESERVE_BYTES) {
        return;
    }
    let _ = std::fs::remove_file(&reserve);
    if create_private_file(&reserve).is_ok() {
        let filled = std::fs::OpenOptions::new()
            .write(true)
            .open(&reserve)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &vec![0u8; RESERVE_BYTES]).and_then(|_| f.sync_all()));
        if filled.is_err() {
            let _ = std::fs::remove_file(&reserve);
        }
    }
}

/// Runs `f`; when it fails because the disk is full, frees the reserve and runs it once more.
pub(crate) fn with_reserve<T>(path: &Path, mut f: impl FnMut() -> crate::error::Result<T>) -> crate::error::Result<T> {
    match f() {
        Err(crate::CoreError::DiskFull) if std::fs::remove_file(sidecar(path, "-reserve")).is_ok() => f(),
        other => other,
    }
}

/// Writes a whole file (a PDF, an export) or nothing: into a new file beside it, synced, then
/// renamed into place. On a full disk no 0-byte or cut-off file is left behind.
pub fn write_whole(path: &Path, bytes: &[u8]) -> crate::error::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".downtime-").suffix(".partial").tempfile_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| crate::CoreError::from(e.error))?;
    Ok(())
}

/// Free bytes for this user on the disk holding `dir`, where the OS tells.
pub(crate) fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: a zeroed statvfs is valid storage for statvfs to fill; `c` is a valid C string.
        let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
            return None;
        }
        Some(s.f_bavail as u64 * s.f_frsize as u64)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Whether the disk is (nearly) full: less free than the reserve and a margin. Then the
/// reserve is given up, so that the station can still be opened (SQLite needs room for its
/// `-shm`), read, and a wrong PIN still counted; the desk refuses every other write as "disk
/// full" until space is back.
pub(crate) fn open_on_reserve(path: &Path) -> bool {
    let low = free_bytes(&folder(path)).is_some_and(|b| b < (RESERVE_BYTES + 256 * 1024) as u64);
    if low {
        let _ = std::fs::remove_file(sidecar(path, "-reserve"));
    }
    low
}

/// `path` when it is a PDF that the desk saved itself — a regular file whose canonical path
/// lies in one of the desk's own folders `saved` (receipts, reports) — so the window cannot
/// open anything else: `receipts/../x.pdf`, a symbolic link out of the folder and a folder
/// named `x.pdf` are refused.
pub fn saved_pdf(saved: &[PathBuf], path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    let is_pdf = real
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let inside = saved
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .any(|d| real.starts_with(&d) && real != d);
    (is_pdf && inside && real.is_file()).then_some(real)
}

/// Whether an opaque file could be an encrypted station: SQLCipher writes whole pages (at
/// least 1 KiB, a multiple of 512 bytes); a note or a document is refused as "not a station".
pub(crate) fn looks_encrypted(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() >= 1024 && m.len() % 512 == 0)
}
