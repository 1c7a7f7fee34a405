//! Encryption at rest (#17): `downtime init` with `DOWNTIME_DB_KEY` set creates an encrypted
//! station (SQLCipher). A copied file, or its backup, without the key reveals no patient name
//! and no key; it is refused with one sentence without the key or with a wrong one.

use crate::{bin, Run, INIT_MZ01};
use std::path::Path;
use std::process::Command;

fn with_key(db: &Path, key: Option<&str>, args: &[&str]) -> Run {
    let mut c = Command::new(bin());
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DOWNTIME_OPERATOR")
        .env_remove("DOWNTIME_PIN")
        .env("DOWNTIME_LANG", "zh_CN.UTF-8");
    match key {
        Some(k) => c.env("DOWNTIME_DB_KEY", k),
        None => c.env_remove("DOWNTIME_DB_KEY"),
    };
    Run::from(c.output().unwrap())
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_station_made_with_a_key_is_encrypted_with_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let key = "correct horse battery staple 2026";
    let admin = |args: &[&str]| {
        let mut all = vec!["--as", "王管理", "--pin", "123456"];
        all.extend_from_slice(args);
        with_key(&db, Some(key), &all)
    };
    with_key(&db, Some(key), &INIT_MZ01).out();
    admin(&["simulate", "--patients", "5"]).out();
    let list = admin(&["receipt", "list", "--json"]).json();
    let name = list["receipts"][0]["patient_name"].as_str().map(str::to_string);
    assert!(name.is_some(), "the simulation issued receipts");
    let usb = tempfile::tempdir().unwrap();
    let b = admin(&["backup", "--to", usb.path().to_str().unwrap(), "--json"]).json();
    // Closed cleanly: everything is in the file itself.
    for f in [db.clone(), b["path"].as_str().unwrap().into()] {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3\0"), "{} is a plain SQLite file", f.display());
        for needle in ["市第一人民医院", "王管理", "门诊收费一号窗", "receipt_line", "CREATE TABLE"] {
            assert!(!contains(&bytes, needle), "{needle} readable in {}", f.display());
        }
        if let Some(n) = &name {
            assert!(!contains(&bytes, n), "patient name readable in {}", f.display());
        }
        // Without the key, or with a wrong one: one sentence, nothing written.
        let before = std::fs::read(&f).unwrap();
        with_key(&f, None, &["verify"]).fails_with("加密");
        with_key(&f, Some("wrong key"), &["verify"]).fails_with("密钥不对");
        assert_eq!(std::fs::read(&f).unwrap(), before);
        let v = with_key(&f, Some(key), &["verify", "--json"]).json();
        assert_eq!(v["sound"], true, "{}", f.display());
    }
    println!(
        "encryption: station and backup unreadable without the key ({} entries)",
        b["entries"]
    );
}

/// `downtime encrypt` (#17): a station made plain becomes encrypted in place with the key in
/// `DOWNTIME_DB_KEY`, verified before the swap, its records and chain the same; the plain
/// original is kept beside it under another name; only an administrator may, with a key long
/// enough, and an encrypted station is not encrypted twice.
#[test]
fn a_plain_station_is_encrypted_in_place_and_keeps_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let key = "correct horse battery staple 2026";
    let init = INIT_MZ01;
    with_key(&db, None, &init).out();
    let as_admin = |k: Option<&str>, args: &[&str]| {
        let mut all = vec!["--as", "王管理", "--pin", "123456"];
        all.extend_from_slice(args);
        with_key(&db, k, &all)
    };
    as_admin(None, &["simulate", "--patients", "5"]).out();
    as_admin(None, &["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    let before = as_admin(None, &["verify", "--json"]).json();
    let receipts = as_admin(None, &["receipt", "list", "--json"]).json();
    let name = receipts["receipts"][0]["patient_name"].as_str().unwrap().to_string();
    assert!(contains(&std::fs::read(&db).unwrap(), &name), "plain before");

    // Refusals first: each leaves the file as it was.
    let bytes = std::fs::read(&db).unwrap();
    with_key(&db, None, &["--as", "王管理", "--pin", "123456", "encrypt"]).fails_with("DOWNTIME_DB_KEY");
    as_admin(Some("short"), &["encrypt"]).fails_with("密钥太短");
    with_key(&db, Some(key), &["--as", "李收费", "--pin", "2468", "encrypt"]).fails_with("管理员");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);

    let out = as_admin(Some(key), &["encrypt"]).out().to_string();
    assert!(out.contains("已加密工作站"), "{out}");
    let encrypted = std::fs::read(&db).unwrap();
    assert!(!encrypted.starts_with(b"SQLite format 3"), "no SQLite header");
    assert!(
        !contains(&encrypted, &name) && !contains(&encrypted, "市第一人民医院"),
        "no name in the file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&db).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Without the key: one sentence; with it: the same chain, head and records.
    with_key(&db, None, &["verify"]).fails_with("加密");
    let after = as_admin(Some(key), &["verify", "--json"]).json();
    for k in ["entries", "head_seq", "head_hash"] {
        assert_eq!(after[k], before[k], "{k}");
    }
    let again = as_admin(Some(key), &["receipt", "list", "--json"]).json();
    assert_eq!(again["receipts"], receipts["receipts"]);
    as_admin(Some(key), &["simulate", "--patients", "1"]).out();
    // The plain original is kept, named in the output, and still opens without a key.
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("station.db.plain-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(out.contains(&kept[0].display().to_string()), "{out}");
    with_key(&kept[0], None, &["verify"]).out();
    // Not twice.
    as_admin(Some(key), &["encrypt"]).fails_with("已经是加密的工作站");
}

/// The key from the OS keyring (#17): an administrator remembers it once; the station then
/// opens with no key given, until it is forgotten. A cashier may not remember it. On a machine
/// whose kernel refuses the key retention service, remembering says so in one sentence and the
/// key is still needed.
#[test]
fn the_key_remembered_in_the_system_keyring_opens_the_station() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    let key = "envelope key kept with the plan 2026";
    with_key(&db, Some(key), &INIT_MZ01).out();
    with_key(
        &db,
        Some(key),
        &[
            "--as",
            "王管理",
            "--pin",
            "123456",
            "operator",
            "add",
            "李收费",
            "--role",
            "cashier",
            "--pin",
            "2468",
        ],
    )
    .out();
    with_key(&db, None, &["verify"]).fails_with("加密");
    with_key(&db, Some(key), &["--as", "李收费", "--pin", "2468", "key", "remember"]).fails_with("李收费");
    with_key(&db, None, &["verify"]).fails_with("加密");

    let remembered = with_key(&db, Some(key), &["--as", "王管理", "--pin", "123456", "key", "remember"]);
    if !remembered.ok {
        remembered.fails_with("无法使用本机的系统钥匙串");
        with_key(&db, None, &["verify"]).fails_with("加密");
        println!("keyring: this machine has none; the key is asked for, as checked");
        return;
    }
    assert!(remembered.stdout.contains("已在本机的系统钥匙串中记住"), "{}", remembered.stdout);
    // No key given: the keyring's opens it, to read and to write.
    assert!(with_key(&db, None, &["verify"]).out().contains("流水完整"));
    with_key(
        &db,
        None,
        &[
            "--as",
            "王管理",
            "--pin",
            "123456",
            "operator",
            "add",
            "赵收费",
            "--role",
            "cashier",
            "--pin",
            "1357",
        ],
    )
    .out();
    // A key given wins over the keyring's: a wrong one is refused.
    with_key(&db, Some("not the key at all 0000"), &["verify"]).fails_with("密钥不对");
    assert!(with_key(&db, None, &["--as", "王管理", "--pin", "123456", "key", "forget"])
        .out()
        .contains("已从系统钥匙串中删除"));
    with_key(&db, None, &["verify"]).fails_with("加密");
    println!("keyring: remembered, opened without a key, forgotten");
}
