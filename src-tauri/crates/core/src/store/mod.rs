//! The one door to the station's SQLite file (and, through [`open_file`] with a [`Schema`] of
//! its own, to the finance workspace's). Opening checks the file before anything is written
//! (is it SQLite, is it sound, is it the right kind of file, is its schema from this build or
//! older), then sets the durability pragmas and applies pending migrations in one transaction.
//! Encryption and backups (later issues) attach here, at the connection, and nowhere else.

pub mod cached;
pub mod migrations;

use crate::error::{CoreError, Result};
use crate::time::Clock;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The open station database. Every rule of the desk is a method on it (see the modules
/// `station`, `operator`, `outage`, `shift`, `journal`).
pub struct Desk {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) clock: Clock,
    /// The items in force, rebuilt when the versions in force change (the search index is in
    /// the file).
    pub(crate) catalog_cache: Option<std::sync::Arc<crate::catalog::Cache>>,
    /// The versions in force, by the generation (newest version and activation rowids) they
    /// were read at.
    pub(crate) catalog_set: crate::catalog::parts::SetCache,
    /// The working-day calendar and the number of imported years it was built from.
    pub(crate) calendar_cache: std::sync::Mutex<Option<(i64, crate::calendar::Calendar)>>,
    /// The station code and signing key, once read.
    pub(crate) signer_cache: std::sync::Mutex<Option<crate::charge::Signer>>,
}

/// The page cache of a bulk import, in KiB: bounds its memory whatever the file's size.
const BULK_CACHE_KIB: i64 = 96 * 1024;

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    migrations::MIGRATIONS.len() as i64
}

/// What a kind of file holds: its numbered migrations, its append-only tables and the
/// `PRAGMA application_id` that tells it from the product's other kinds of file.
pub struct Schema {
    pub migrations: &'static [&'static str],
    pub append_only: &'static [&'static str],
    /// 0 for the station database (as every station file was made); others pick their own.
    pub application_id: i32,
}

/// The station database's schema.
pub const STATION: Schema = Schema {
    migrations: migrations::MIGRATIONS,
    append_only: migrations::APPEND_ONLY,
    application_id: 0,
};

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
    /// Opens (or creates) the station database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Desk> {
        Desk::open_at_schema(path, latest_version())
    }

    /// Opens the file migrated only up to schema `version`: for tests that prove a migration
    /// keeps what an older build wrote. The product always opens at the latest schema.
    #[doc(hidden)]
    pub fn open_at_schema(path: impl AsRef<Path>, version: i64) -> Result<Desk> {
        let path = path.as_ref().to_path_buf();
        let conn = open_file(&path, &STATION, version)?;
        crate::search_index::create_tables(&conn)?;
        Ok(Desk {
            conn,
            path,
            clock: Clock::system(),
            catalog_cache: None,
            catalog_set: Default::default(),
            calendar_cache: Default::default(),
            signer_cache: Default::default(),
        })
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

    /// A time a person typed (empty or absent: none), read in local time by the desk's clock.
    pub fn typed_time(&self, text: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Ok(Some(crate::time::parse_local(t, self.now())?)),
            None => Ok(None),
        }
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
        in_write_tx(self, |d| &d.conn, f)
    }

    /// Runs a bulk import `f` with a page cache big enough for its index writes and temporary
    /// files on disk (never in memory, whatever the build's default), then restores both.
    pub(crate) fn bulk<T>(&mut self, f: impl FnOnce(&mut Desk) -> Result<T>) -> Result<T> {
        let (cache, temp): (i64, i64) = (
            self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
            self.conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?,
        );
        self.conn.execute_batch(&format!("PRAGMA cache_size = -{}; PRAGMA temp_store = FILE;", BULK_CACHE_KIB))?;
        let done = f(self);
        let _ = self.conn.execute_batch(&format!("PRAGMA cache_size = {cache}; PRAGMA temp_store = {temp};"));
        done
    }

    /// `PRAGMA quick_check` of the tables this station wrote; `Ok(())` when sound.
    pub fn quick_check(&self) -> Result<()> {
        quick_check(&self.conn, &self.path)
    }
}

/// Opens (or creates) a file of `schema` at `path` and migrates it to schema `version`: an
/// existing file is inspected read-only first (is it SQLite, `PRAGMA quick_check`, the right
/// kind of file, a schema not newer than this build), the folder is probed for writing, then
/// the durability pragmas are set and the pending migrations applied in one transaction.
pub fn open_file(path: &Path, schema: &Schema, version: i64) -> Result<Connection> {
    let shown = path.display().to_string();
    let latest = schema.migrations.len() as i64;
    if path.is_dir() {
        return Err(CoreError::NotADatabase { path: shown });
    }
    if path.exists() {
        inspect_read_only(path, schema)?;
    } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|_| CoreError::ReadOnly {
            path: dir.display().to_string(),
        })?;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if tempfile::Builder::new().prefix(".downtime-probe").tempfile_in(dir).is_err() {
        return Err(CoreError::ReadOnly {
            path: dir.display().to_string(),
        });
    }
    let conn = Connection::open(path).map_err(|e| classify(e, path))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(256);
    // Plans are made once per statement. Without this, SQLite (built with STAT4) re-plans
    // some cached statements whenever a bound value changes, which cost a receipt more
    // than all its inserts.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| classify(e, path))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(CoreError::ReadOnly { path: shown });
    }
    // A big import writes gigabytes through the WAL; once checkpointed, the WAL file is cut
    // back to 64 MiB instead of staying that big on the counter PC's disk.
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864;")?;
    migrate(&conn, path, schema, version.min(latest))?;
    Ok(conn)
}

fn migrate(conn: &Connection, path: &Path, schema: &Schema, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let latest = schema.migrations.len() as i64;
    if current > latest {
        return Err(CoreError::NewerSchema {
            found: current,
            supported: latest,
        });
    }
    if current >= target {
        return Ok(());
    }
    // SQLite's documented way to rebuild a table that others reference: foreign keys off
    // (they cannot be switched inside a transaction) and the legacy rename, which leaves
    // the references to the old name alone, then `foreign_key_check` before committing.
    conn.execute_batch("PRAGMA foreign_keys=OFF; PRAGMA legacy_alter_table=ON;")?;
    let done = apply_migrations(conn, path, schema, current, target);
    conn.execute_batch("PRAGMA legacy_alter_table=OFF; PRAGMA foreign_keys=ON;")?;
    done
}

fn apply_migrations(conn: &Connection, path: &Path, schema: &Schema, current: i64, target: i64) -> Result<()> {
    conn.execute_batch("BEGIN")?;
    let done = (|| {
        for sql in &schema.migrations[current as usize..target as usize] {
            conn.execute_batch(sql)?;
        }
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        conn.execute_batch(&migrations::append_only_triggers(schema.append_only, |t| {
            tables.iter().any(|n| n == t)
        }))?;
        let broken: Option<String> = conn
            .query_row("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(CoreError::Damaged {
                path: path.display().to_string(),
                detail: format!("foreign key check failed in {table} after migrating"),
            });
        }
        conn.pragma_update(None, "application_id", schema.application_id)?;
        conn.pragma_update(None, "user_version", target)?;
        Ok(())
    })();
    match done {
        Ok(()) => Ok(conn.execute_batch("COMMIT")?),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Runs `f` on `store` inside one `BEGIN IMMEDIATE` transaction of its connection and commits
/// when it returns `Ok` (anything else rolls back, and nothing of it stays). See
/// [`Desk::in_write_tx`]; the finance workspace runs its loads and marks the same way.
pub fn in_write_tx<S, T>(store: &mut S, conn: fn(&S) -> &Connection, f: impl FnOnce(&mut S) -> Result<T>) -> Result<T> {
    if !conn(store).is_autocommit() {
        // Left open by a panic in an earlier call: nothing of it was acknowledged.
        conn(store).execute_batch("ROLLBACK")?;
    }
    conn(store).execute_batch("BEGIN IMMEDIATE")?;
    let done = f(store).and_then(|v| {
        conn(store).execute_batch("COMMIT")?;
        Ok(v)
    });
    if done.is_err() && !conn(store).is_autocommit() {
        // Best effort: the error being returned matters more than a failed rollback.
        let _ = conn(store).execute_batch("ROLLBACK");
    }
    done
}

/// Looks at an existing file without writing a byte to it.
fn inspect_read_only(path: &Path, schema: &Schema) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| classify(e, path))?;
    quick_check(&conn, path)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| classify(e, path))?;
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| classify(e, path))?;
    if application_id != schema.application_id && version > 0 {
        return Err(CoreError::NotADatabase {
            path: path.display().to_string(),
        });
    }
    let latest = schema.migrations.len() as i64;
    if version > latest {
        return Err(CoreError::NewerSchema {
            found: version,
            supported: latest,
        });
    }
    Ok(())
}

/// Tables left out of the check at open: the bulk rows imported from the HIS (price list
/// items, the patient index) and the search indexes derived from them. They grow with the
/// hospital, not with the outage, and checking them made every start of the app or the
/// command line read the whole file (seconds at a million patients). `verify` checks them
/// (`PRAGMA integrity_check`), and a damaged page among them is reported as damage when read.
fn checked_at_open(table: &str) -> bool {
    !matches!(table, "catalog_item" | "his_patient")
        && !["item_", "patient_key", "patient_slot", "patient_gram"].iter().any(|p| table.starts_with(p))
}

/// `PRAGMA quick_check` of every table this station wrote (see `checked_at_open`).
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let damaged = |detail: String| CoreError::Damaged {
        path: path.display().to_string(),
        detail,
    };
    // The schema's own pages first: everything else is found through them.
    let mut tables = vec!["sqlite_schema".to_string()];
    tables.extend(
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
            .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| classify(e, path))?,
    );
    for table in tables.iter().filter(|t| checked_at_open(t)) {
        let mut stmt = conn
            .prepare(&format!("PRAGMA quick_check(\"{}\")", table.replace('"', "\"\"")))
            .map_err(|e| classify(e, path))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| classify(e, path))?;
        if !(rows.len() == 1 && rows[0] == "ok") {
            return Err(damaged(rows.into_iter().take(3).collect::<Vec<_>>().join("; ")));
        }
    }
    Ok(())
}

fn classify(e: rusqlite::Error, path: &Path) -> CoreError {
    let shown = path.display().to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => CoreError::NotADatabase { path: shown },
        Some(ErrorCode::DatabaseCorrupt) => CoreError::Damaged {
            path: shown,
            detail: e.to_string(),
        },
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => CoreError::ReadOnly { path: shown },
        _ => CoreError::Sqlite(e),
    }
}
