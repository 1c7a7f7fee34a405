//! A full disk (#17): on a small tmpfs filled to the last byte, a charge is refused with one
//! sentence telling the clerk to free space or switch to paper, nothing is half-written (no
//! 0-byte PDF), a wrong PIN is still counted, and work goes on once space is back. Where the
//! machine does not allow mounting, the core's `max_page_count` test covers the refusal.

use crate::station_file::Tmpfs;
use crate::{run_db, INIT_MZ01};
use std::path::Path;

fn fill(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let n = std::fs::read_dir(dir).unwrap().count();
    let filler = dir.join(format!("filler{n}"));
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0xA5u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let small = vec![0xA5u8; 512];
    while f.write_all(&small).is_ok() {}
    while f.write_all(&[0xA5]).is_ok() {}
    let _ = f.sync_all();
    filler
}

#[test]
fn a_full_disk_refuses_clearly_writes_nothing_half_and_recovers() {
    let Some(mount) = Tmpfs::mount(16) else {
        println!("disk full: this machine does not allow mounting a tmpfs (not root); core store::a_full_file_refuses_a_charge (max_page_count) covers the refusal");
        return;
    };
    let db = mount.path.join("station").join("station.db");
    let dbs = db.to_str().unwrap();
    let run = |args: &[&str]| run_db(&db, args);
    let admin = |args: &[&str]| {
        let mut all = vec!["--as", "王管理", "--pin", "123456"];
        all.extend_from_slice(args);
        run_db(&db, &all)
    };
    let cashier = |pin: &str, args: &[&str]| {
        let mut all = vec!["--as", "李收费", "--pin", pin];
        all.extend_from_slice(args);
        run_db(&db, &all)
    };
    run(&INIT_MZ01).out();
    let list = mount.path.join("list.csv");
    std::fs::write(&list, "编码,名称,规格,单位,单价,费用类别\nL1,血常规,,项,20,化验费\n").unwrap();
    admin(&["catalog", "import", list.to_str().unwrap()]).out();
    admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    admin(&["outage", "start", "--reason", "HIS 宕机"]).out();
    cashier("2468", &["shift", "open", "--float", "200"]).out();
    cashier("2468", &["patient", "add", "--name", "张三", "--sex", "M"]).out();
    let charge = ["charge", "--patient", "DT-MZ01-000001", "--line", "L1:1", "--pay", "cash:20"];
    let first = cashier("2468", &charge).out().trim().to_string();
    let filler = fill(&mount.path);
    let entries = |d: &Path| run_db(d, &["verify", "--json"]).json()["entries"].as_i64().unwrap();
    let before = entries(&db);

    // The charge is refused in one sentence that says what to do.
    cashier("2468", &charge).fails_with("磁盘已满");
    // A wrong PIN still counts (the reserve beside the station is given up for it).
    cashier("0000", &["receipt", "list"]).fails_with("还可以再试 4 次");
    cashier("0000", &["receipt", "list"]).fails_with("还可以再试 3 次");
    assert_eq!(entries(&db), before + 2, "both wrong PINs were journalled on the full disk");
    assert_eq!(run(&["verify", "--json"]).json()["sound"], true);
    // The reserve is spent: filled again to the last byte, no PDF is half-written where the
    // clerk asked for it.
    let filler2 = fill(&mount.path);
    let pdf = mount.path.join("receipt.pdf");
    cashier("2468", &["receipt", "pdf", &first, "--out", pdf.to_str().unwrap()]).fails_with("磁盘已满");
    assert!(!pdf.exists(), "no 0-byte PDF left behind");
    let leftovers: Vec<_> = std::fs::read_dir(&mount.path)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_file(filler2).unwrap();

    // Space is back: work goes on, the reserve is made again.
    std::fs::remove_file(filler).unwrap();
    let second = cashier("2468", &charge).out().trim().to_string();
    assert_ne!(first, second);
    cashier("2468", &["receipt", "pdf", &second, "--out", pdf.to_str().unwrap()]).out();
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    assert!(Path::new(&format!("{dbs}-reserve")).exists());
    assert_eq!(run(&["verify", "--json"]).json()["sound"], true);
    println!("disk full: charge refused, no partial PDF, 2 wrong PINs counted on a full 16 MiB tmpfs, work resumed");
}
