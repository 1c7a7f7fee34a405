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
    let sha256sum = std::process::Command::new("sha256sum")
        .arg(b1.join("manifest.json"))
        .output()
        .unwrap();
    let manifest_sha = String::from_utf8(sha256sum.stdout).unwrap()[..64].to_string();
    assert!(
        v.out()
            .contains(&format!("交接单 cover.pdf 由同一密钥签名，对应清单 SHA-256 {manifest_sha}")),
        "{}",
        v.stdout
    );
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

    // A changed byte in the cover is noticed too.
    let copy = s.dir.path().join("cover-changed");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(&b1).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let mut cover = std::fs::read(copy.join("cover.pdf")).unwrap();
    let at = cover.len() / 3;
    cover[at] ^= 1;
    std::fs::write(copy.join("cover.pdf"), cover).unwrap();
    let v = verify(&copy, None);
    assert_eq!(v.code, 3);
    assert!(v.stderr.contains("交接单 cover.pdf 被修改过"), "{}", v.stderr);

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

/// Runs the independent FHIR R4 validator (`scripts/fhir-validate.py` with fhir.resources
/// 6.4.0 from the virtual environment `scripts/setup.sh` makes) on a bundle.
fn fhir_validate(bundle: &Path) -> crate::Run {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let python = std::env::var_os("DOWNTIME_FHIR_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/fhir-venv/bin/python"));
    assert!(
        python.exists(),
        "the FHIR validator is missing: run scripts/setup.sh (it installs fhir.resources 6.4.0 into target/fhir-venv)"
    );
    let out = std::process::Command::new(python)
        .arg(root.join("scripts/fhir-validate.py"))
        .arg(bundle)
        .output()
        .unwrap();
    crate::Run {
        ok: out.status.success(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_fhir_bundles_validate_as_r4_transactions() {
    let s = Station::new();
    s.admin(&["simulate", "--patients", "50", "--seed", "3"]).out();
    let usb = s.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let usb_s = usb.display().to_string();
    s.admin(&["export", "--out", &usb_s]).out();
    // A second batch whose refunds and voids may concern receipts of the first.
    s.admin(&["simulate", "--patients", "20", "--seed", "4"]).out();
    s.admin(&["export", "--out", &usb_s]).out();
    for n in [1, 2] {
        let bundle = usb.join(format!("MZ01-batch-00000{n}")).join("fhir-bundle.json");
        let v = fhir_validate(&bundle);
        let counts = v.json();
        for kind in ["Patient", "Encounter", "ChargeItem", "Invoice", "Account"] {
            assert!(counts[kind].as_i64().unwrap_or(0) > 0, "batch {n} has no {kind}: {counts}");
        }
    }
    // The validator is not a rubber stamp: a broken element fails it.
    let bundle = usb.join("MZ01-batch-000001").join("fhir-bundle.json");
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let invoice = b["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "Invoice")
        .unwrap();
    invoice["resource"]["totalNet"]["value"] = serde_json::json!("十二元");
    let broken = s.dir.path().join("broken.json");
    std::fs::write(&broken, serde_json::to_vec(&b).unwrap()).unwrap();
    let v = fhir_validate(&broken);
    assert!(!v.ok && v.stderr.contains("not a valid FHIR R4 Bundle"), "{}", v.stderr);
}
