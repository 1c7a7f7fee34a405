//! Backups and restore (#17): a backup is written, checked and restored; another station's
//! backup and an older one without confirmation are refused; automatic backups follow the
//! receipts.

use crate::{run_db, Station};

fn backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.to_string_lossy().ends_with(".downtime-backup"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_backup_is_checked_restored_and_verifies() {
    let s = Station::new();
    s.admin(&["simulate", "--patients", "6"]).out();
    let usb = tempfile::tempdir().unwrap();
    let b = s.admin(&["backup", "--to", usb.path().to_str().unwrap(), "--json"]).json();
    let path = b["path"].as_str().unwrap().to_string();
    assert!(b["entries"].as_i64().unwrap() > 10, "{b}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // A cashier may not carry every patient away on a stick.
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    crate::cashier(&s, &["backup", "--to", usb.path().to_str().unwrap()]).fails_with("无权");
    // The station is damaged; the backup puts it back (taken before the operator was added:
    // older, so it needs confirmation when the file can still be read).
    let entries_before = s.snapshot();
    s.admin(&["restore", &path]).fails_with("--confirm-older");
    assert_eq!(s.snapshot(), entries_before, "a refused restore changes nothing");
    let mut bytes = std::fs::read(s.db()).unwrap();
    let n = bytes.len();
    for b in &mut bytes[4096..n] {
        *b = 0x5a;
    }
    std::fs::write(s.db(), bytes).unwrap();
    let r = s.admin(&["restore", &path, "--json"]).json();
    assert_eq!(r["head_seq"], b["head_seq"]);
    assert!(r["replaced_entries"].is_null(), "the damaged file is not counted: {r}");
    let v = s.run(&["verify", "--json"]).json();
    assert_eq!((v["sound"].as_bool(), v["head_seq"].as_i64()), (Some(true), b["head_seq"].as_i64()));
    // The damaged file is kept beside it, not destroyed.
    let kept = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".damaged-"))
        .count();
    assert_eq!(kept, 1);
    // Receipts are there and the counter goes on.
    s.admin(&["simulate", "--patients", "2", "--seed", "9"]).out();
    assert_eq!(s.run(&["verify", "--json"]).json()["sound"], true);
}

#[test]
fn another_stations_backup_and_an_older_one_are_refused() {
    let a = Station::new();
    let other = Station::new();
    let usb = tempfile::tempdir().unwrap();
    let theirs = other.admin(&["backup", "--to", usb.path().to_str().unwrap(), "--json"]).json();
    // Same code and administrator, but another station (another id and key).
    let before = a.snapshot();
    a.admin(&["restore", theirs["path"].as_str().unwrap()]).fails_with("另一个工作站");
    assert_eq!(a.snapshot(), before);
    // Older: confirmed, it replaces.
    let old = a.admin(&["backup", "--to", usb.path().to_str().unwrap(), "--json"]).json();
    a.admin(&["operator", "add", "新收费", "--role", "cashier", "--pin", "2468"]).out();
    a.admin(&["restore", old["path"].as_str().unwrap(), "--confirm-older"]).out();
    assert_eq!(a.snapshot(), old["entries"].as_i64().unwrap());
    // A file that is no backup at all.
    let junk = usb.path().join("junk.downtime-backup");
    std::fs::write(&junk, b"not a database").unwrap();
    a.admin(&["restore", junk.to_str().unwrap()]).fails_with(junk.to_str().unwrap());
    // A wrong PIN restores nothing.
    run_db(
        &a.db(),
        &["--as", "王管理", "--pin", "000000", "restore", old["path"].as_str().unwrap()],
    )
    .fails_with("PIN");
}

#[test]
fn automatic_backups_follow_the_receipts_and_rotate() {
    let s = Station::new();
    let usb = tempfile::tempdir().unwrap();
    let first = s
        .admin(&["backup", "--to", usb.path().to_str().unwrap(), "--auto", "--every", "3", "--json"])
        .json();
    assert!(first["path"].is_string());
    s.admin(&["simulate", "--patients", "8"]).out();
    let receipts = s.admin(&["receipt", "list", "--json"]).json();
    let count = receipts["receipts"].as_array().or(receipts.as_array()).map(|a| a.len()).unwrap();
    let made = backups(usb.path());
    assert!(made.len() >= 1 + (count / 3).min(19), "{} backups for {count} receipts", made.len());
    assert!(made.len() <= downtime_core::store::backup::KEEP);
    // Each is a sound station of its own.
    for p in made.iter().rev().take(2) {
        assert_eq!(run_db(p, &["verify", "--json"]).json()["sound"], true, "{}", p.display());
    }
    println!("automatic backups: {} kept for {count} receipts (every 3)", made.len());
}
