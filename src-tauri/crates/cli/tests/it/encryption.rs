//! Encryption at rest (#17): `downtime init` with `DOWNTIME_DB_KEY` set creates an encrypted
//! station (SQLCipher). A copied file, or its backup, without the key reveals no patient name
//! and no key; it is refused with one sentence without the key or with a wrong one.

use crate::{bin, Run};
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
    with_key(
        &db,
        Some(key),
        &[
            "init",
            "--hospital",
            "市第一人民医院",
            "--station",
            "MZ01",
            "--station-name",
            "门诊收费一号窗",
            "--admin",
            "王管理",
            "--admin-pin",
            "123456",
        ],
    )
    .out();
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
