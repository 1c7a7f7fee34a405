//! `downtime export`, `export --batch N`, `export verify DIR [--previous DIR]`.

use crate::{run_db, Station};
use std::path::Path;

fn simulated(patients: &str) -> Station {
    let s = Station::new();
    s.admin(&["simulate", "--patients", patients, "--seed", "5"]).out();
    s
}

fn verify(dir: &Path, previous: Option<&Path>) -> crate::Run {
    let mut args = vec!["export".to_string(), "verify".into(), dir.display().to_string()];
    if let Some(p) = previous {
        args.extend(["--previous".into(), p.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // No station database is needed (nor opened): point --db at nothing.
    run_db(Path::new("/nonexistent/station.db"), &args)
}

#[test]
fn export_verify_and_export_again() {
    let s = simulated("6");
    let usb = s.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let usb_s = usb.display().to_string();
    let out = s.admin(&["export", "--out", &usb_s]).out().to_string();
    assert!(out.contains("已写入第 1 批"), "{out}");
    let b1 = usb.join("MZ01-batch-000001");
    let v = verify(&b1, None);
    assert!(v.out().contains("批次完好"), "{}", v.stdout);
    let j = s.admin(&["export", "--out", &usb_s, "--json"]).json();
    assert_eq!(j["written"], false);
    assert_eq!(j["last_batch"], 1);
    assert!(s.admin(&["export", "--out", &usb_s]).out().contains("没有新的记录"));

    s.admin(&["simulate", "--patients", "2", "--seed", "6"]).out();
    let j = s.admin(&["export", "--out", &usb_s, "--json"]).json();
    assert_eq!(j["batch"]["seq"], 2);
    let b2 = usb.join("MZ01-batch-000002");
    assert!(verify(&b2, Some(&b1)).out().contains("与上一批衔接无误"));
    let list = s.admin(&["export", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Re-render batch 1 elsewhere: the same bytes.
    let again = s.dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    s.admin(&["export", "--batch", "1", "--out", &again.display().to_string()]).out();
    for name in ["manifest.json", "records.jsonl"] {
        assert_eq!(
            std::fs::read(b1.join(name)).unwrap(),
            std::fs::read(again.join("MZ01-batch-000001").join(name)).unwrap(),
            "{name}"
        );
    }

    // A changed byte is named, with exit code 3.
    let records = b1.join("records.jsonl");
    let mut bytes = std::fs::read(&records).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&records, bytes).unwrap();
    let v = verify(&b1, None);
    assert_eq!(v.code, 3);
    assert!(v.stderr.contains("records.jsonl"), "{}", v.stderr);
    let j = serde_json::from_str::<serde_json::Value>(&{
        let p = b1.display().to_string();
        run_db(Path::new("/nonexistent/x.db"), &["export", "verify", &p, "--json"]).stdout
    })
    .unwrap();
    assert_eq!(j["code"], "batch_file_changed");
}

#[test]
fn export_is_refused_clearly() {
    let s = simulated("1");
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    let before = s.snapshot();
    let usb = s.dir.path().display().to_string();
    s.as_("李收费", "2468", &["export", "--out", &usb]).fails_with("无权");
    s.admin(&["export"]).fails_with("--out");
    s.admin(&["export", "--out", "/no/such/stick"]).fails_with("不存在");
    s.admin(&["export", "--batch", "3", "--out", &usb]).fails_with("没有第 3 批");
    assert_eq!(s.snapshot(), before);
    verify(Path::new("/no/such/batch"), None).fails_with("找不到批次文件夹");
}
