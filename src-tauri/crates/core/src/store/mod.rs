//! The one door to the station's SQLite file (and, through [`open_file`] with a [`Schema`] of
//! its own, to the finance workspace's). Opening checks the file before anything is written
//! (is it SQLite, is it sound, is it the right kind of file, is its schema from this build or
//! older), then sets the durability pragmas and applies pending migrations in one transaction.
//! Encryption and backups (later issues) attach here, at the connection, and nowhere else.
//! The opening itself is `open.rs`; this file keeps [`Desk`], which owns the connection.

pub mod backup;
pub mod cached;
pub mod encrypt;
mod file;
pub mod instance;
pub mod keyring;
mod memo;
pub(crate) use file::with_reserve;
pub use file::{saved_pdf, write_whole};
pub use instance::{InstanceLock, SidecarLock};
pub(crate) use memo::Memo;
pub mod migrations;
mod open;
pub(crate) use open::with_key;
use open::{classify, inspect, key_refused, migrate, quick_check, unlock};
pub use open::{db_key, in_write_tx, latest_version, open_file, open_second, set_db_key, Schema, STATION};

use crate::error::{invalid, CoreError, Result};
use crate::time::Clock;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The station's whole audit (`Desk::verify`, in `audit.rs`, which stands above the store),
/// handed in where the store must check a file whole: a backup being restored, a station
/// being encrypted (`audit::restore_backup`, `audit::encrypt_station`).
pub type Audit = fn(&Desk) -> Result<Soundness>;

/// What the store needs of an audit's verdict: the chain's length and head as the file holds
/// them, and the first problem found, in both languages (`None` when sound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soundness {
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    /// `(zh, en)`.
    pub problem: Option<(String, String)>,
}

/// The open station database. Every rule of the desk is a method on it (see the modules
/// `station`, `operator`, `outage`, `shift`, `journal`).
pub struct Desk {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Opened with [`Desk::open_read_only`]: nothing is written through `conn`.
    read_only: bool,
    backup_problem: Option<CoreError>,
    /// Opened on a full disk by giving up the reserve: only a wrong PIN may still be written.
    on_reserve: bool,
    pub(crate) clock: Clock,
    /// What the areas above keep in memory (see [`Desk::memo`]).
    memos: memo::Memos,
}

/// The page cache of a bulk import, in KiB: bounds its memory whatever the file's size.
const BULK_CACHE_KIB: i64 = 96 * 1024;

/// Helper threads of SQLite's sorter during a bulk import (the index keys are sorted on them
/// while the import goes on; each holds a sorted run of at most the page cache's size).
const BULK_SORT_THREADS: i64 = 1;

/// The per-user data folder of the platform (`~/.local/share/downtime-desk`,
/// `%APPDATA%\downtime-desk`), or `XDG_DATA_HOME` when it is set.
pub fn data_folder() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(data_dir)
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("downtime-desk")
}

/// The default database location: the platform's per-user data folder.
pub fn default_path() -> PathBuf {
    data_folder().join("station.db")
}

fn data_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share"))
    }
}

impl Desk {
    /// Opens the station at `path` to read and write. A missing, empty or foreign file is
    /// refused with one sentence and never written to: only [`Desk::init`] creates a station.
    pub fn open(path: impl AsRef<Path>) -> Result<Desk> {
        Desk::open_at_schema(path, latest_version())
    }

    /// Opens the file migrated only up to schema `version`: for tests that prove a migration
    /// keeps what an older build wrote. The product always opens at the latest schema.
    #[doc(hidden)]
    pub fn open_at_schema(path: impl AsRef<Path>, version: i64) -> Result<Desk> {
        let path = path.as_ref().to_path_buf();
        let found = file::require_existing(&path)?;
        if found == file::Found::Opaque {
            keyring::load(&path);
        }
        if found == file::Found::Opaque && db_key().is_none() {
            return Err(if file::looks_encrypted(&path) {
                key_refused(&path, false)
            } else {
                CoreError::NotADatabase {
                    path: path.display().to_string(),
                }
            });
        }
        drop(inspect(&path)?);
        Desk::open_writable(path, version)
    }

    /// Caps the station file at `pages` pages on this connection (SQLite's `max_page_count`):
    /// a write that needs more fails as on a full disk. For tests of a full disk where no small
    /// file system can be mounted; the product never sets it. Returns the cap in force.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: u64) -> Result<u64> {
        let cap: i64 = self.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))?;
        Ok(cap as u64)
    }

    /// Opens the station at `path` only to read: commands that change nothing. Works on
    /// read-only media (a station copied to a CD or a write-protected stick). A file whose
    /// schema is older than this build is upgraded first when its folder can be written.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Desk> {
        let path = path.as_ref().to_path_buf();
        let found = file::require_existing(&path)?;
        if found == file::Found::Opaque {
            keyring::load(&path);
        }
        if found == file::Found::Opaque && db_key().is_none() {
            return Err(if file::looks_encrypted(&path) {
                key_refused(&path, false)
            } else {
                CoreError::NotADatabase {
                    path: path.display().to_string(),
                }
            });
        }
        let (conn, version) = inspect(&path)?;
        if version < latest_version() {
            drop(conn);
            if file::folder_writable(&file::folder(&path)) {
                drop(Desk::open_writable(path.clone(), latest_version())?);
                return Desk::open_read_only(path);
            }
            return Err(CoreError::ReadOnly {
                path: path.display().to_string(),
            });
        }
        Ok(Desk::with_conn(conn, path, true))
    }

    /// Whether `path` holds no station yet (missing, or an empty file): where [`Desk::create`]
    /// may build one.
    pub(crate) fn is_vacant(path: &Path) -> Result<bool> {
        Ok(matches!(file::look(path)?, file::Found::Missing | file::Found::Empty))
    }

    /// Builds a new station file at a vacant `path` ([`Desk::is_vacant`]): `build` fills it in a
    /// new file beside it (0600, in a folder made 0700), which is moved into place only when
    /// `build` succeeded, so a refused or interrupted setup leaves nothing behind. Never over
    /// a station that appeared meanwhile.
    pub(crate) fn create(path: &Path, clock: Clock, build: impl FnOnce(&mut Desk) -> Result<()>) -> Result<Desk> {
        let dir = file::folder(path);
        file::create_private_folder(&dir)?;
        let shown = || CoreError::ReadOnly {
            path: dir.display().to_string(),
        };
        let staging = tempfile::Builder::new()
            .prefix(".downtime-init-")
            .tempdir_in(&dir)
            .map_err(|_| shown())?;
        let new = staging.path().join("station.db");
        file::create_private_file(&new).map_err(|_| shown())?;
        {
            let mut desk = Desk::open_writable(new.clone(), latest_version())?;
            desk.set_clock(clock.clone());
            build(&mut desk)?;
            // Closing checkpoints the WAL into the file and removes it.
        }
        if file::look(path)? == file::Found::Empty {
            std::fs::remove_file(path)?;
        }
        if path.exists() {
            return Err(CoreError::invalid(
                crate::error::ErrorCode::StationExists,
                format!("{} 已经有工作站数据库，不能再建立一次", path.display()),
                format!("{} already holds a station database", path.display()),
            ));
        }
        std::fs::rename(&new, path)?;
        let mut desk = Desk::open(path)?;
        desk.set_clock(clock);
        Ok(desk)
    }

    fn open_writable(path: PathBuf, version: i64) -> Result<Desk> {
        let shown = path.display().to_string();
        let dir = file::folder(&path);
        if !file::folder_writable(&dir) {
            return Err(CoreError::ReadOnly {
                path: dir.display().to_string(),
            });
        }
        file::recover_stale_shm(&path);
        file::tighten(&path);
        let on_reserve = file::open_on_reserve(&path);
        if !on_reserve {
            file::keep_reserve(&path);
        }
        // No CREATE flag: a file removed meanwhile is not made again here.
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| classify(e, &path))?;
        unlock(&conn, &path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| classify(e, &path))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(CoreError::ReadOnly { path: shown });
        }
        // A big import writes gigabytes through the WAL; once checkpointed, the WAL file is cut
        // back to 64 MiB instead of staying that big on the counter PC's disk.
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864;")
            .map_err(|e| classify(e, &path))?;
        let mut desk = Desk::with_conn(conn, path, false);
        desk.on_reserve = on_reserve;
        migrate(&desk.conn, &desk.path, &STATION, version.min(latest_version()))?;
        crate::search_index::create_tables(&desk.conn)?;
        Ok(desk)
    }

    fn with_conn(conn: Connection, path: PathBuf, read_only: bool) -> Desk {
        let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
        conn.set_prepared_statement_cache_capacity(256);
        // Plans are made once per statement. Without this, SQLite (built with STAT4) re-plans
        // some cached statements whenever a bound value changes, which cost a receipt more
        // than all its inserts.
        let _ = conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true);
        Desk {
            conn,
            path,
            read_only,
            clock: Clock::system(),
            memos: Default::default(),
            backup_problem: None,
            on_reserve: false,
        }
    }

    /// A connection that may write, beside a desk opened to read (a wrong PIN typed for a
    /// read-only command still counts toward the lockout); none on read-only media.
    pub(crate) fn side_writer(&self) -> Option<Connection> {
        if !file::folder_writable(&file::folder(&self.path)) {
            return None;
        }
        let conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX).ok()?;
        unlock(&conn, &self.path).ok()?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).ok()?;
        conn.execute_batch("PRAGMA synchronous=FULL").ok()?;
        Some(conn)
    }

    /// The slot of type `T` an area keeps on this desk (the items in force, the calendar …),
    /// made empty when first asked for.
    pub(crate) fn memo<T: Memo>(&self) -> std::sync::Arc<T> {
        self.memos.get::<T>()
    }

    /// Whether this desk was opened only to read.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the clock (tests, simulation, benchmarks).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Now, by the desk's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today, the local calendar day by the desk's clock: the day a registration, a due date
    /// or a day's report is counted from.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().with_timezone(&chrono::Local).date_naive()
    }

    /// The folder beside the database where the desk saves every document it prints
    /// (receipts, queue slips, deposit summaries).
    pub fn receipts_dir(&self) -> PathBuf {
        self.beside("receipts")
    }

    /// The folder beside the database where the desk saves the reports it prints.
    pub fn reports_dir(&self) -> PathBuf {
        self.beside("reports")
    }

    /// A PDF the window asks to open: only one this desk saved itself (`file::saved_pdf`
    /// over the receipts and reports folders), by its canonical path.
    pub fn own_pdf(&self, path: &Path) -> Result<PathBuf> {
        file::saved_pdf(&[self.receipts_dir(), self.reports_dir()], path).ok_or_else(|| {
            invalid!(
                PdfUnknown,
                "只能打开本机保存的收据和报表 PDF",
                "Only receipt and report PDFs saved by this desk can be opened"
            )
        })
    }

    pub(crate) fn beside(&self, folder: &str) -> PathBuf {
        self.path.parent().map(|p| p.join(folder)).unwrap_or_else(|| folder.into())
    }

    /// A typed time placed by the desk's clock (`08:30` is today's).
    pub fn when(&self, typed: Option<&crate::time::TypedTime>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        typed.map(|t| t.at(self.now())).transpose()
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction and commits when it returns `Ok`
    /// (anything else rolls back, and nothing of it stays). Checks and writes then see one
    /// state of the file: another window or the CLI cannot close the shift or pay the same
    /// draft between the check and the write. It also takes SQLite's locks once instead of
    /// once per statement. `f` must not open a transaction of its own.
    pub(crate) fn in_write_tx<T>(&mut self, f: impl FnOnce(&mut Desk) -> Result<T>) -> Result<T> {
        if self.on_reserve {
            return Err(CoreError::DiskFull);
        }
        // Where the automatic backup stood before this write (none without a backup folder),
        // read inside the transaction.
        let mut before = None;
        let done = in_write_tx(
            self,
            |d| &d.conn,
            |d| {
                before = d.backup_mark().unwrap_or(None);
                f(d)
            },
        );
        if let (Ok(_), Some(before)) = (&done, before) {
            self.auto_backup(before);
        }
        done
    }

    /// (receipts / backup_every, shift closes) when a backup folder is set.
    fn backup_mark(&self) -> Result<Option<(i64, i64)>> {
        if self.backup_dir()?.is_none() {
            return Ok(None);
        }
        let (receipts, closes): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM receipt), (SELECT count(*) FROM shift_close)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Some((receipts / self.backup_every()?, closes)))
    }

    /// After a committed write: the automatic backup when [`backup_every`](Desk::backup_every)
    /// more receipts were issued since the last one, or a shift was just closed. What was
    /// saved stays saved whatever happens here; a failed backup is kept for the window to
    /// show ([`Desk::take_backup_problem`]).
    fn auto_backup(&mut self, before: (i64, i64)) {
        let done = match self.backup_mark() {
            Ok(Some(after)) if after != before => self.auto_backup_now().map(|_| ()),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            self.backup_problem = Some(e);
        }
    }

    /// The last automatic backup's failure, once.
    pub fn take_backup_problem(&mut self) -> Option<CoreError> {
        self.backup_problem.take()
    }

    /// Runs a bulk import `f` with a page cache big enough for its index writes and temporary
    /// files on disk (never in memory, whatever the build's default), then restores both.
    pub(crate) fn bulk<T>(&mut self, f: impl FnOnce(&mut Desk) -> Result<T>) -> Result<T> {
        let (cache, temp): (i64, i64) = (
            self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
            self.conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?,
        );
        self.conn.execute_batch(&format!(
            "PRAGMA cache_size = -{}; PRAGMA temp_store = FILE; PRAGMA threads = {BULK_SORT_THREADS};",
            BULK_CACHE_KIB
        ))?;
        let done = f(self);
        let _ = self.conn.execute_batch(&format!(
            "PRAGMA cache_size = {cache}; PRAGMA temp_store = {temp}; PRAGMA threads = 0;"
        ));
        done
    }

    /// `PRAGMA quick_check` of the tables this station wrote; `Ok(())` when sound.
    pub fn quick_check(&self) -> Result<()> {
        quick_check(&self.conn, &self.path)
    }
}
