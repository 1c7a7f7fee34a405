//! Opening a SQLite file, moved out of `store/mod.rs` (which keeps the `Desk` that owns the
//! station's connection): inspect before writing (is it SQLite, is it sound, the right kind
//! of file, a schema not newer than this build), the durability pragmas, migrations in one
//! transaction, the encryption key (SQLCipher) and the read-only connection.

use super::{file, migrations};
use crate::error::{CoreError, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::path::Path;

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
    /// The page size of a file created anew without a key, when not SQLite's 4 KiB: a file
    /// written in bulk and read whole spends less on its b-trees with bigger pages. An
    /// encrypted file keeps SQLCipher's own page size (every later open would have to repeat a
    /// different one).
    pub page_size: Option<u32>,
}

/// The station database's schema.
pub const STATION: Schema = Schema {
    migrations: migrations::MIGRATIONS,
    append_only: migrations::APPEND_ONLY,
    application_id: 0,
    page_size: None,
};

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
        inspect_file(path, schema)?;
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
    let fresh = !path.exists();
    let conn = Connection::open(path).map_err(|e| classify(e, path))?;
    unlock(&conn, path)?;
    if let (true, None, Some(size)) = (fresh, db_key(), schema.page_size) {
        conn.execute_batch(&format!("PRAGMA page_size = {size}"))?;
    }
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

/// A second connection to a file [`open_file`] has opened (and checked and migrated) in this
/// process, to use beside the first (on another thread): the key given, nothing checked
/// again. In WAL mode a reader reads the last commit while the first connection writes; a
/// writable one may checkpoint meanwhile.
pub fn open_second(path: &Path, read_only: bool) -> Result<Connection> {
    let mode = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let conn = Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| classify(e, path))?;
    unlock(&conn, path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

pub(super) fn migrate(conn: &Connection, path: &Path, schema: &Schema, target: i64) -> Result<()> {
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

pub(super) fn apply_migrations(conn: &Connection, path: &Path, schema: &Schema, current: i64, target: i64) -> Result<()> {
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

/// Looks at an existing file without writing a byte to it: a station of this build or an
/// older one, and sound. Returns the read-only connection and the schema version.
pub(super) fn inspect(path: &Path) -> Result<(Connection, i64)> {
    refuse_foreign_without_trace(path)?;
    let conn = connect_read_only(path)?;
    let ours: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('journal', 'station', 'operator')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| classify(e, path))?;
    let (version, application_id) = stamp(&conn, path)?;
    if ours != 3 || version < 1 || application_id != STATION.application_id {
        return Err(CoreError::NotADatabase {
            path: path.display().to_string(),
        });
    }
    if version > latest_version() {
        return Err(CoreError::NewerSchema {
            found: version,
            supported: latest_version(),
        });
    }
    quick_check(&conn, path)?;
    Ok((conn, version))
}

/// The station's encryption key (SQLCipher): `DOWNTIME_DB_KEY` for scripts, tests and
/// headless use, or what the app's start-up asked for ([`set_db_key`]). None: the station is
/// (or will be) a plain SQLite file.
pub fn db_key() -> Option<String> {
    if let Some(k) = KEY_OVERRIDE.with(|o| o.borrow().clone()) {
        return k;
    }
    if let Some(k) = KEY.lock().ok().and_then(|k| k.clone()) {
        return Some(k);
    }
    std::env::var("DOWNTIME_DB_KEY").ok().filter(|k| !k.is_empty())
}

static KEY: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

thread_local! {
    /// Set while `encrypt` opens the plain file (no key, whatever the environment says) and
    /// then its encrypted copy (the new key).
    static KEY_OVERRIDE: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with the key `key` (None: a plain file) on this thread, whatever else is set.
pub(crate) fn with_key<T>(key: Option<&str>, f: impl FnOnce() -> T) -> T {
    let before = KEY_OVERRIDE.with(|o| o.replace(Some(key.map(str::to_string))));
    let out = f();
    KEY_OVERRIDE.with(|o| *o.borrow_mut() = before);
    out
}

/// The key an administrator typed at start-up (the app), for this process.
pub fn set_db_key(key: Option<String>) {
    if let Ok(mut k) = KEY.lock() {
        *k = key.filter(|k| !k.is_empty());
    }
}

/// Gives a new connection the key, first thing; with a wrong key (or none for an encrypted
/// file) the first read fails, and says so in one sentence.
pub(super) fn unlock(conn: &Connection, path: &Path) -> Result<()> {
    let Some(key) = db_key() else { return Ok(()) };
    // SQLCipher's own log goes to stderr by default: the person reads one sentence instead.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.pragma_update(None, "key", &key).map_err(|e| classify(e, path))?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => Err(key_refused(path, true)),
        _ => Ok(()),
    }
}

pub(super) fn key_refused(path: &Path, given: bool) -> CoreError {
    let shown = path.display();
    if given {
        crate::error::invalid!(
            DbKeyWrong,
            format!("工作站数据库的密钥不对，无法打开：{shown}。请检查 DOWNTIME_DB_KEY 或输入的密码"),
            format!("The station database's key is wrong; it cannot be opened: {shown}. Check DOWNTIME_DB_KEY or the passphrase")
        )
    } else {
        crate::error::invalid!(
            DbKeyNeeded,
            format!("{shown} 是加密的工作站数据库（或不是工作站）：请提供密钥（环境变量 DOWNTIME_DB_KEY，或启动时输入）"),
            format!("{shown} is an encrypted station (or not a station): give its key (DOWNTIME_DB_KEY, or type it at start-up)")
        )
    }
}

/// A read-only connection. On read-only media a WAL file cannot get its `-shm`: when no
/// `-wal` is left (the station was closed cleanly) the file is read as immutable, which
/// needs neither; with a `-wal` left behind, it must be copied to a writable disk first.
pub(super) fn connect_read_only(path: &Path) -> Result<Connection> {
    file::open_on_reserve(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(e, path))?;
    unlock(&conn, path)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => return Ok(conn),
        Err(e) if !matches!(e.sqlite_error_code(), Some(ErrorCode::CannotOpen) | Some(ErrorCode::ReadOnly)) => {
            return Err(classify(e, path))
        }
        Err(_) => drop(conn),
    }
    let wal = file::sidecar(path, "-wal");
    if std::fs::metadata(&wal).map(|m| m.len() > 0).unwrap_or(false) || file::folder_writable(&file::folder(path)) {
        return Err(CoreError::ReadOnly {
            path: path.display().to_string(),
        });
    }
    let conn = Connection::open_with_flags(format!("{}?immutable=1", file_uri(path)), flags).map_err(|e| classify(e, path))?;
    unlock(&conn, path)?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(|e| classify(e, path))?;
    Ok(conn)
}

/// Another program's SQLite file is told apart before any connection that could leave a `-shm`
/// or `-wal` beside it (a read-only connection to a WAL file makes both, and leaves them): when
/// the file has no WAL, its main file is all of it, read as immutable, so SQLite creates
/// nothing beside it. Anything else (a station, a WAL present, a key, a file SQLite cannot
/// read) goes on to the usual opening, which decides.
pub(super) fn refuse_foreign_without_trace(path: &Path) -> Result<()> {
    if file::sidecar(path, "-wal").exists() || db_key().is_some() {
        return Ok(());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let Ok(conn) = Connection::open_with_flags(format!("{}?immutable=1", file_uri(path)), flags) else {
        return Ok(());
    };
    let ours = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('journal', 'station', 'operator')",
        [],
        |r| r.get::<_, i64>(0),
    );
    match ours {
        Ok(n) if n != 3 => Err(CoreError::NotADatabase {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// `path` as an SQLite `file:` URI (RFC 3986 percent-encoding of everything but unreserved
/// characters and `/`).
pub(super) fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in absolute.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Looks at an existing file without writing a byte to it.
pub(super) fn inspect_file(path: &Path, schema: &Schema) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| classify(e, path))?;
    unlock(&conn, path)?;
    quick_check(&conn, path)?;
    let (version, application_id) = stamp(&conn, path)?;
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
pub(super) fn checked_at_open(table: &str) -> bool {
    !matches!(table, "catalog_item" | "his_patient")
        && !["item_", "patient_key", "patient_slot", "patient_gram"]
            .iter()
            .any(|p| table.starts_with(p))
}

/// `PRAGMA quick_check` of every table this station wrote (see `checked_at_open`).
pub(super) fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
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

pub(super) fn classify(e: rusqlite::Error, path: &Path) -> CoreError {
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

/// The file's schema version and application id, as SQLite's header holds them.
fn stamp(conn: &Connection, path: &Path) -> Result<(i64, i32)> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| classify(e, path))?;
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| classify(e, path))?;
    Ok((version, application_id))
}
