use crate::{raw, Fixture};
use downtime_core::store::{latest_version, migrations::MIGRATIONS};
use downtime_core::Desk;

#[test]
fn migrations_apply_once_and_set_the_version() {
    let f = Fixture::new();
    assert_eq!(f.desk.schema_version().unwrap(), latest_version());
    assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    drop(f.desk);
    // Reopening applies nothing and keeps every record.
    let again = Desk::open(f.dir.path().join("station.db")).unwrap();
    assert_eq!(again.station().unwrap().unwrap().code.as_str(), "MZ01");
}

#[test]
fn every_migration_is_valid_sql_on_its_own() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    // As the desk runs them (see `Desk::migrate`).
    conn.execute_batch("PRAGMA legacy_alter_table=ON").unwrap();
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        conn.execute_batch(sql).unwrap_or_else(|e| panic!("migration {} fails: {e}", i + 1));
    }
}

#[test]
fn durability_pragmas_are_set() {
    let f = Fixture::new();
    let conn = raw(&f.db_path());
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let f = Fixture::new();
    let path = f.db_path();
    drop(f.desk);
    raw(&path).pragma_update(None, "user_version", latest_version() + 1).unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = Desk::open(&path).err().unwrap();
    assert_eq!(e.code(), "db_newer_schema");
    assert!(e.to_string().contains("更新版本"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn only_init_creates_a_station() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo").join("station.db");
    assert_eq!(Desk::open(&missing).err().unwrap().code(), "db_missing");
    assert_eq!(Desk::open_read_only(&missing).err().unwrap().code(), "db_missing");
    assert!(!dir.path().join("typo").exists(), "nothing created");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(Desk::open(&empty).err().unwrap().code(), "db_empty");
    assert_eq!(Desk::open_read_only(&empty).err().unwrap().code(), "db_empty");
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    // Another program's SQLite file is neither migrated nor written.
    let foreign = dir.path().join("foreign.db");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('x');")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&foreign).unwrap();
    for e in [Desk::open(&foreign).err().unwrap(), Desk::open_read_only(&foreign).err().unwrap()] {
        assert_eq!(e.code(), "db_not_database");
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), before);

    // init: a new file only when complete; then the station opens both ways.
    let db = dir.path().join("new").join("station.db");
    let mut bad = crate::station_setup();
    bad.admin_pin = "1".into();
    assert_eq!(Desk::init(&db, &bad).err().unwrap().code(), "pin_too_short");
    assert!(!db.exists());
    Desk::init(&db, &crate::station_setup()).unwrap();
    assert!(Desk::open_read_only(&db).unwrap().is_read_only());
    assert!(!Desk::open(&db).unwrap().is_read_only());
    // An empty file where the station should be is replaced by init.
    std::fs::write(&empty, b"").unwrap();
    Desk::init(&empty, &crate::station_setup()).unwrap();
    assert_eq!(Desk::open(&empty).unwrap().station().unwrap().unwrap().code.as_str(), "MZ01");
}

#[cfg(unix)]
#[test]
fn a_new_station_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("downtime-desk").join("station.db");
    let desk = Desk::init(&db, &crate::station_setup()).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(&db), 0o600);
    // SQLite gives the -wal and -shm the main file's mode.
    assert_eq!(mode(&dir.path().join("downtime-desk/station.db-wal")), 0o600);
    assert_eq!(mode(&dir.path().join("downtime-desk/station.db-shm")), 0o600);
    drop(desk);
}

#[test]
fn a_read_only_desk_writes_nothing_and_says_so() {
    let f = Fixture::new();
    let path = f.db_path();
    drop(f.desk);
    let mut desk = Desk::open_read_only(&path).unwrap();
    assert_eq!(desk.verify().unwrap().problem, None);
    let admin = desk.authenticate("王管理", "123456").unwrap();
    let e = desk.start_outage(&admin, "HIS 宕机", None, "").err().unwrap();
    assert_eq!(e.code(), "db_read_only", "{e}");
    assert!(!e.to_string().contains("readonly"), "{e}");
    // A wrong PIN typed for a read-only command still counts toward the lockout.
    let before = Desk::open(&path).unwrap().verify().unwrap().entries;
    assert_eq!(desk.authenticate("王管理", "000000").err().unwrap().code(), "pin_wrong");
    assert_eq!(Desk::open(&path).unwrap().verify().unwrap().entries, before + 1);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "这不是数据库，只是一段文字。".repeat(100)).unwrap();
    let e = Desk::open(&path).err().unwrap();
    assert_eq!(e.code(), "db_not_database");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "这不是数据库，只是一段文字。".repeat(100));
}

#[test]
fn a_damaged_file_is_never_written_to() {
    let f = Fixture::new();
    let path = f.db_path();
    drop(f.desk);
    // Checkpoint so the data lives in the main file, then damage a page in the middle that
    // holds rows: the journal's first page.
    let conn = raw(&path);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    conn.query_row("PRAGMA journal_mode=DELETE", [], |_| Ok(())).unwrap();
    drop(conn);
    // A page that holds rows: the journal's root (an empty table's page has nothing to break).
    let root: i64 = raw(&path)
        .query_row("SELECT rootpage FROM sqlite_schema WHERE name = 'journal'", [], |r| r.get(0))
        .unwrap();
    let root = root as usize;
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > root * page);
    for b in &mut bytes[(root - 1) * page + 8..(root - 1) * page + 400] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    for e in [Desk::open(&path).err().unwrap(), Desk::open_read_only(&path).err().unwrap()] {
        assert!(matches!(e.code(), "db_damaged" | "db_not_database"), "{e}");
        // One sentence for people, not pages of `quick_check` output.
        let text = e.to_string();
        assert!(
            !text.contains("Page ") && !text.contains("btree") && text.lines().count() == 1,
            "{text}"
        );
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the damaged file was written to");
}

#[test]
fn financial_tables_refuse_update_and_delete() {
    let mut f = Fixture::new();
    let cashier = f.operator("李收费", downtime_core::Role::Cashier);
    f.desk.start_outage(&f.admin, "HIS 数据库宕机", None, "网管中心").unwrap();
    f.desk.open_shift(&cashier, downtime_core::Fen::new(20000).unwrap()).unwrap();
    let conn = raw(&f.db_path());
    for sql in [
        "UPDATE shift SET float_fen = 0",
        "DELETE FROM shift",
        "UPDATE journal SET actor = 'x'",
        "DELETE FROM journal WHERE seq = 1",
        "UPDATE outage SET reason = 'x'",
        "DELETE FROM operator",
        "UPDATE station SET code = 'ZZ99'",
    ] {
        let e = conn.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn a_read_only_folder_is_reported() {
    // The folder cannot be created inside a regular file: the same answer as a folder that
    // cannot be written (a permission test proper runs in the CLI tests as a plain user).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let e = Desk::open(file.join("sub/station.db")).err().unwrap();
    assert_eq!(e.code(), "db_read_only");
}

/// Every row of every table, and the names of the triggers and indexes, as a plain SQLite
/// client reads them (newer columns, NULL in older rows, left out).
fn contents(conn: &rusqlite::Connection, tables: &[String]) -> (Vec<String>, Vec<String>) {
    let mut rows = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let names: Vec<String> = stmt.column_names().map(String::from).collect();
        let mut found: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for (i, n) in names.iter().enumerate() {
                    let v: rusqlite::types::Value = r.get(i)?;
                    if v != rusqlite::types::Value::Null {
                        cells.push(format!("{n}={v:?}"));
                    }
                }
                Ok(format!("{t}: {}", cells.join(", ")))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        found.sort();
        rows.extend(found);
    }
    let schema: Vec<String> = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_schema WHERE type IN ('trigger', 'index') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (rows, schema)
}

#[test]
fn older_schemas_migrate_keeping_every_row_entry_trigger_and_index() {
    // Stations that worked a whole simulated outage (25 patients: registrations, charges, a
    // refund, admissions and deposits) on schema 5 and on schema 6, saved by those builds.
    for from in [5, 6] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.db");
        std::fs::copy(
            format!("{}/tests/it/data/station-schema{from}.sqlite", env!("CARGO_MANIFEST_DIR")),
            &path,
        )
        .unwrap();
        let conn = raw(&path);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, from);
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let (rows, schema) = contents(&conn, &tables);
        let head: (i64, String) = conn
            .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        drop(conn);

        // ... open on the current schema with every row as it was, the chain whole.
        let mut desk = Desk::open(&path).unwrap();
        assert_eq!(desk.schema_version().unwrap(), latest_version());
        let report = desk.verify().unwrap();
        assert_eq!((report.problem, report.entries, report.head_hash), (None, head.0, head.1));
        let conn = raw(&path);
        let (after, after_schema) = contents(&conn, &tables);
        assert_eq!(after, rows, "from schema {from}");
        // Migration 6 drops two indexes on purpose (journal.hash, tender's rowid key), and a
        // later one the HIS snapshot's ID-number index (found through the search index since
        // issue 19); no other migration drops any trigger or index, not even of tables it rebuilds.
        for name in schema.iter().filter(|n| from >= 6 && !n.contains("his_patient_id_number")) {
            assert!(after_schema.contains(name), "{name} survives the migration from schema {from}");
        }
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'tender'", [], |r| r.get(0))
            .unwrap();
        assert!(sql.ends_with("WITHOUT ROWID"), "{sql}");
        let journal_indexes: i64 = conn
            .query_row("SELECT count(*) FROM pragma_index_list('journal')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(journal_indexes, 1, "only the entry id stays indexed");
        let leftovers: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v5' OR name LIKE '%_v6'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(leftovers, 0);
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(broken, 0);
        // The rebuilt tables are append-only and chained as before.
        for sql in [
            "UPDATE tender SET amount_fen = 1",
            "DELETE FROM tender",
            "UPDATE receipt SET total_fen = 1",
            "DELETE FROM registration",
            "UPDATE journal SET actor = 'x' WHERE seq = 1",
            "INSERT INTO journal (seq, id, kind, actor, at, payload, prev_hash, hash) VALUES (1, 'x', 'k', 'a', 't', '{}', 'p', 'h')",
        ] {
            assert!(conn.execute(sql, []).is_err(), "{sql} was allowed");
        }
        // And the station goes on: the shipped registration types are loaded, receipts issued.
        let admin = desk.authenticate("王管理", "123456").unwrap();
        let more = downtime_core::simulate::run(&mut desk, &admin, 5, 12, &mut |_| Ok(())).unwrap();
        assert!(more.receipts > 0 && more.registrations == 5);
        assert_eq!(desk.verify().unwrap().problem, None);
    }
}

#[test]
fn only_pdfs_the_desk_saved_can_be_opened() {
    use downtime_core::store::saved_pdf;
    let dir = tempfile::tempdir().unwrap();
    let receipts = dir.path().join("receipts");
    std::fs::create_dir_all(receipts.join("sub.pdf")).unwrap();
    std::fs::write(receipts.join("MZ01-000001.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(dir.path().join("x.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(receipts.join("notes.txt"), b"x").unwrap();
    let allowed = [receipts.clone(), dir.path().join("reports")];
    assert!(saved_pdf(&allowed, &receipts.join("MZ01-000001.pdf")).is_some());
    assert_eq!(saved_pdf(&allowed, &receipts.join("../x.pdf")), None, "escapes by ..");
    assert_eq!(saved_pdf(&allowed, &receipts.join("sub.pdf")), None, "a folder");
    assert_eq!(saved_pdf(&allowed, &receipts.join("notes.txt")), None);
    assert_eq!(saved_pdf(&allowed, &receipts.join("missing.pdf")), None);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("x.pdf"), receipts.join("link.pdf")).unwrap();
        assert_eq!(saved_pdf(&allowed, &receipts.join("link.pdf")), None, "a link out of the folder");
    }
}

#[test]
fn a_second_window_on_one_station_is_refused_until_the_first_is_gone() {
    use downtime_core::store::InstanceLock;
    let f = Fixture::new();
    let first = InstanceLock::acquire(&f.db_path()).unwrap();
    let e = InstanceLock::acquire(&f.db_path()).unwrap_err();
    assert_eq!(e.code(), "db_in_use");
    assert!(e.to_string().contains("已在另一个窗口中打开"), "{e}");
    // A closed (or killed: the OS releases the lock with the process) window leaves no lock.
    drop(first);
    let again = InstanceLock::acquire(&f.db_path()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut lock = f.db_path().into_os_string();
        lock.push("-instance");
        let mode = std::fs::metadata(&lock).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(again);
}

#[test]
fn a_write_lock_held_past_the_busy_timeout_is_one_clear_sentence() {
    let mut f = Fixture::new();
    let before = f.entries();
    // Another process (the CLI, a second window) holds the write lock and does not let go.
    let other = raw(&f.db_path());
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let e = f
        .desk
        .add_operator(&f.admin.clone(), "李收费", downtime_core::Role::Cashier, "2468")
        .unwrap_err();
    let waited = started.elapsed();
    assert_eq!(e.code(), "db_busy");
    assert_eq!(e.to_string(), "另一个窗口正在保存，请稍后再试。");
    assert!(!format!("{e} {}", e.message(downtime_core::lang::Lang::En)).contains("locked"));
    println!("busy refusal after {} ms of waiting", waited.as_millis());
    // Once the other lets go, the same change goes through and nothing was half-written.
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(f.entries(), before);
    f.desk
        .add_operator(&f.admin.clone(), "李收费", downtime_core::Role::Cashier, "2468")
        .unwrap();
    assert_eq!(f.entries(), before + 1);
}

/// #17, a full disk where no small file system can be mounted: the station file capped with
/// SQLite's `max_page_count`. A charge that needs a page more is refused with the sentence
/// telling the clerk to free space or switch to paper, nothing of it is written (no entry, no
/// receipt number used), and once there is room again the same charge goes through with the
/// next number.
#[test]
fn a_full_file_refuses_a_charge() {
    use crate::charges::{cash, charge, counter, item};
    let mut c = counter();
    let pages: i64 = raw(&c.f.db_path()).query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let pages = pages as u64;
    assert_eq!(c.f.desk.limit_pages(pages).unwrap(), pages);
    let mut issued = Vec::new();
    let refused = loop {
        let before = c.f.entries();
        match c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])) {
            Ok(r) => issued.push(r.receipt_no),
            Err(e) => break (e, before),
        }
        assert!(issued.len() < 500, "a file capped at {pages} pages took 500 receipts");
    };
    let (e, before) = refused;
    assert_eq!(e.code(), "disk_full", "{e}");
    assert!(e.to_string().contains("磁盘已满") && e.to_string().contains("纸质"), "{e}");
    assert_eq!(c.f.entries(), before, "nothing of the refused charge was written");
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
    // Room again: the same charge goes through, with the next number.
    c.f.desk.limit_pages(1 << 30).unwrap();
    let next = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    assert_eq!(next.receipt_no, format!("MZ01-{:06}", issued.len() + 1));
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
    println!(
        "full file: capped at {pages} pages, {} receipts fitted, the next refused as 磁盘已满, issued once there was room",
        issued.len()
    );
}
