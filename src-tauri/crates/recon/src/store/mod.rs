//! The finance workspace (对账工作区): its own SQLite file, apart from any counter's, created on
//! first use without any station setup. It is opened through the core's one door
//! (`downtime_core::store::open_file`) with a schema of its own, so it gets the same checks,
//! pragmas and migration runner as a station database, and neither is mistaken for the other.

pub mod migrations;

use downtime_core::error::Result;
use downtime_core::journal::{self, Change};
use downtime_core::store::{open_file, Schema};
use downtime_core::time::Clock;
use rusqlite::Connection;
use serde_json::Map;
use std::path::{Path, PathBuf};

pub const SCHEMA: Schema = Schema {
    migrations: migrations::MIGRATIONS,
    append_only: migrations::APPEND_ONLY,
    application_id: migrations::APPLICATION_ID,
};

/// Tables whose rows travel in the workspace's journal payloads. The rows derived from a
/// batch's records are not copied there: the batch's own signed records are their proof.
const JOURNALLED: &[&str] = &["station", "batch", "batch_copy", "rejection", "his_import", "mark"];

/// The file name of the default workspace, in the per-user data folder.
pub const DEFAULT_FILE: &str = "reconcile.sqlite3";

/// `reconcile.sqlite3` in the per-user data folder, beside the station database.
pub fn default_path() -> PathBuf {
    downtime_core::store::data_folder().join(DEFAULT_FILE)
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
