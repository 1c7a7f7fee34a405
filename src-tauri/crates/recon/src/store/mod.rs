//! The finance workspace (对账工作区): its own SQLite file, apart from any counter's, created on
//! first use without any station setup. It is opened through the core's one door
//! (`downtime_core::store::open_file`) with a schema of its own, so it gets the same checks,
//! pragmas and migration runner as a station database, and neither is mistaken for the other.

pub mod migrations;

use downtime_core::error::{CoreError, ErrorCode, Result};
use downtime_core::journal::{self, Change};
use downtime_core::store::{open_file, open_second, Schema, SidecarLock};
use downtime_core::time::Clock;
use rusqlite::Connection;
use serde_json::Map;
use std::path::{Path, PathBuf};

pub const SCHEMA: Schema = Schema {
    migrations: migrations::MIGRATIONS,
    append_only: migrations::APPEND_ONLY,
    application_id: migrations::APPLICATION_ID,
    // A load writes some 300,000 receipts and as many postings in one go and the
    // reconciliation reads them whole: with 16 KiB pages the 30-station benchmark used about
    // 0.5 s less CPU than with 4 KiB (#14's figures in ARCHITECTURE.md).
    page_size: Some(16 * 1024),
};

/// Tables whose rows travel in the workspace's journal payloads. The rows derived from a
/// batch's records are not copied there: the batch's own signed records are their proof.
const JOURNALLED: &[&str] = &["station", "batch", "batch_copy", "rejection", "his_import", "mark"];

/// SQLite's own checkpoint threshold, in pages, that [`Workspace::hold_checkpoints`] suspends.
const DEFAULT_AUTOCHECKPOINT: i64 = 1000;

/// A checkpoint running on a thread of its own: dropping it waits for the end.
pub(crate) struct Checkpointing(Option<std::thread::JoinHandle<()>>);

impl Drop for Checkpointing {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            let _ = t.join();
        }
    }
}

/// The file name of the default workspace, in the per-user data folder.
pub const DEFAULT_FILE: &str = "reconcile.sqlite3";

/// `reconcile.sqlite3` in the per-user data folder, beside the station database.
pub fn default_path() -> PathBuf {
    downtime_core::store::data_folder().join(DEFAULT_FILE)
}

/// A run on the workspace in progress (载入、导入、出报告): an exclusive OS lock on
/// `<workspace>-run`, held from the load to the report and released when dropped (or when the
/// process ends, however it ends: no stale lock). A second run on the same workspace — another
/// window, another `downtime reconcile` — is refused before it writes anything, so that the
/// batches' side of a reconciliation, read on a second connection while the HIS import writes
/// on the first (`run::load_inputs`), always sees the same batches as the rest of it.
#[derive(Debug)]
pub(crate) struct RunLock {
    _lock: SidecarLock,
}

impl RunLock {
    /// Takes the lock of the workspace at `path` (creating its folder when missing), or says
    /// that another run holds it. Never waits.
    pub(crate) fn acquire(path: &Path) -> Result<RunLock> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let busy = || {
            let shown = path.display();
            CoreError::invalid(
                ErrorCode::ReconWorkspaceBusy,
                format!("对账工作区 {shown} 正在被另一个窗口或命令使用（载入批次、导入入账或出报告）：请等它完成后再试，本次未做任何改动"),
                format!("The workspace {shown} is in use by another window or command (loading, importing or reporting): try again when it has finished; nothing was changed"),
            )
        };
        SidecarLock::acquire(path, "-run", busy).map(|l| RunLock { _lock: l })
    }
}

/// The open workspace. Every step of reconciliation is a method on it (modules `load`,
/// `his`, `marks`, `reconcile`).
pub struct Workspace {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) clock: Clock,
}

impl Workspace {
    /// Opens the workspace at `path`, creating it (and its folder) on first use.
    pub fn open(path: impl AsRef<Path>) -> Result<Workspace> {
        let path = path.as_ref().to_path_buf();
        let conn = open_file(&path, &SCHEMA, SCHEMA.migrations.len() as i64)?;
        Ok(Workspace {
            conn,
            path,
            clock: Clock::system(),
        })
    }

    /// A second, read-only connection to this workspace, to read beside a write on this one
    /// (it sees the last commit). Nothing is checked again: this one was.
    pub(crate) fn reader(&self) -> Result<Workspace> {
        Ok(Workspace {
            conn: open_second(&self.path, true)?,
            path: self.path.clone(),
            clock: self.clock.clone(),
        })
    }

    /// Holds back the checkpoints a commit would run (copying the WAL's pages into the file)
    /// until [`Workspace::checkpoint_beside`]: a bulk load and import then commit without
    /// copying their 100 MB at the end of each step, and the copy runs beside the matching.
    /// A commit stays as durable as before: it is in the WAL, synced.
    pub(crate) fn hold_checkpoints(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        Ok(())
    }

    /// Lets commits checkpoint again, and checkpoints what was held back on a connection and
    /// thread of its own (readers and this connection go on meanwhile), joined when the
    /// returned guard is dropped.
    pub(crate) fn checkpoint_beside(&self) -> Result<Checkpointing> {
        self.conn
            .execute_batch(&format!("PRAGMA wal_autocheckpoint = {DEFAULT_AUTOCHECKPOINT}"))?;
        let conn = open_second(&self.path, false)?;
        Ok(Checkpointing(Some(std::thread::spawn(move || {
            // Passive: never waits for a reader or the writer; what it cannot copy, the next
            // commit's checkpoint copies.
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }))))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the clock (tests).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committed only when it returns `Ok`:
    /// a load, an import or a mark is whole or absent.
    pub(crate) fn in_write_tx<T>(&mut self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        downtime_core::store::in_write_tx(self, |w| &w.conn, f)
    }

    /// Runs a bulk write (a load) with a page cache of `kib` KiB, so that its index writes
    /// spill and are read back less inside its one transaction, then restores the cache size
    /// and hands the memory back.
    pub(crate) fn with_cache<T>(&mut self, kib: i64, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
        let done = f(self);
        // The pages go back to the allocator, and what it holds free back to the system: the
        // steps after this one must not carry the cache.
        let _ = self
            .conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}; PRAGMA shrink_memory;"));
        crate::release_freed();
        done
    }

    /// Appends the journal entry of a change (inside the caller's transaction): the small rows
    /// it inserted by rowid, and facts such as counts and digests of the bulk rows.
    pub(crate) fn journal(
        &self,
        kind: &str,
        actor: &str,
        rows: Vec<(&'static str, i64)>,
        extra: Map<String, serde_json::Value>,
    ) -> Result<()> {
        journal::append(
            &self.conn,
            Change {
                kind,
                actor,
                at: self.clock.now(),
                rows,
                extra,
            },
        )?;
        Ok(())
    }

    /// Re-walks the workspace's own journal chain and checks the tables it records row by row
    /// (the registry, batches, copies, rejections, HIS imports, marks) against it.
    pub fn verify(&self) -> Result<journal::VerifyReport> {
        journal::verify_tables(&self.conn, JOURNALLED.iter().copied())
    }
}
