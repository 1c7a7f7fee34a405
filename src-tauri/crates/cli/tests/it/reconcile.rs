//! `downtime reconcile` as finance runs it: batches from several counters made by `downtime
//! init --station`, `simulate` and `export`, an HIS postings file, and the three report files.
//! The fault-injection scenario: the clean case balances with zero difference; each fault on
//! its own is found and named exactly once, and nothing else is reported.

use crate::{run_db, Run, Station};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Counters with their own station codes, each running a simulated outage and exporting.
struct Scenario {
    _dir: tempfile::TempDir,
    batches: PathBuf,
    forged: PathBuf,
    his: String,
}

fn station(dir: &Path, code: &str) -> Station {
    let s = Station {
        dir: tempfile::tempdir_in(dir).unwrap(),
    };
    s.run(&[
        "init",
        "--hospital",
        "市第一人民医院",
        "--station",
        code,
        "--station-name",
        &format!("{code} 窗口"),
        "--admin",
        "王管理",
        "--admin-pin",
        "123456",
    ])
    .out();
    s
}

fn outage_and_export(s: &Station, seed: &str, out: &Path) {
    s.admin(&["simulate", "--patients", "5", "--seed", seed]).out();
    std::fs::create_dir_all(out).unwrap();
    s.admin(&["export", "--out", out.to_str().unwrap()]).out();
}

fn scenario() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let batches = dir.path().join("usb");
        for (code, exports) in [("MZ01", 3), ("MZ02", 1), ("JZ01", 2)] {
            let s = station(dir.path(), code);
            for n in 0..exports {
                outage_and_export(&s, &format!("{}", n + 7), &batches);
            }
        }
        // A station that also calls itself MZ02, with a key of its own: its second batch.
        let impostor = station(dir.path(), "MZ02");
        let out = dir.path().join("impostor");
        outage_and_export(&impostor, "11", &out);
        outage_and_export(&impostor, "12", &out);
        let his = his_csv(&batches);
        Scenario {
            forged: out.join("MZ02-batch-000002"),
            batches,
            his,
            _dir: dir,
        }
    })
}

/// What a careful HIS team posted: every receipt not voided, once, with Chinese headers.
fn his_csv(batches: &Path) -> String {
    let (mut receipts, mut voided) = (Vec::new(), std::collections::HashSet::new());
    let mut folders: Vec<PathBuf> = std::fs::read_dir(batches).unwrap().map(|e| e.unwrap().path()).collect();
    folders.sort();
    for f in folders {
        for line in std::fs::read_to_string(f.join("records.jsonl")).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let rows = &v["payload"]["rows"];
            for r in rows["receipt"].as_array().into_iter().flatten() {
                let sign = if matches!(r["kind"].as_str(), Some("refund" | "deposit_refund")) {
                    -1
                } else {
                    1
                };
                receipts.push((
                    r["id"].as_str().unwrap().to_string(),
                    r["receipt_no"].as_str().unwrap().to_string(),
                    sign * r["total_fen"].as_i64().unwrap(),
                ));
            }
            for r in rows["receipt_void"].as_array().into_iter().flatten() {
                voided.insert(r["receipt_id"].as_str().unwrap().to_string());
            }
        }
    }
    let mut csv = String::from("应急记录ID,应急收据号,HIS发票号,金额,入账时间\n");
    for (n, (id, no, fen)) in receipts.iter().filter(|r| !voided.contains(&r.0)).enumerate() {
        let sign = if *fen < 0 { "-" } else { "" };
        csv.push_str(&format!(
            "{id},{no},HIS-{n:06},{sign}{}.{:02},2026-12-20 10:00\n",
            fen.abs() / 100,
            fen.abs() % 100
        ));
    }
    csv
}

/// A finance PC: a workspace file, a folder for reports.
struct Finance {
    dir: tempfile::TempDir,
}

impl Finance {
    fn new() -> Finance {
        Finance {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn ws(&self) -> PathBuf {
        self.dir.path().join("reconcile.sqlite3")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Run {
        run_db(&self.ws(), args)
    }

    /// `reconcile` with these batch folders and postings; the JSON it wrote.
    fn reconcile(&self, batches: &[&Path], his: &str) -> Value {
        std::fs::write(self.path("his.csv"), his).unwrap();
        let out = self.path("out");
        let mut args = vec!["reconcile".to_string()];
        for b in batches {
            args.extend(["--batches".into(), b.display().to_string()]);
        }
        args.extend(["--his".into(), self.path("his.csv").display().to_string()]);
        args.extend(["--out".into(), out.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = self.run(&args);
        run.out();
        for f in ["reconciliation.json", "reconciliation.csv", "reconciliation.pdf"] {
            assert!(out.join(f).is_file(), "{f} written");
        }
        serde_json::from_str(&std::fs::read_to_string(out.join("reconciliation.json")).unwrap()).unwrap()
    }
}

/// A copy of the scenario's batch folders, less `except`, under a folder of the finance PC.
fn usb(f: &Finance, except: &[&str]) -> PathBuf {
    let root = f.path("collected");
    for e in std::fs::read_dir(&scenario().batches).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !except.contains(&name.as_str()) {
            copy_dir(&e.path(), &root.join(&name));
        }
    }
    root
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Everything the report names as wrong, one line each.
fn findings(j: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (code, s) in j["stations"].as_object().unwrap() {
        for b in s["missing_batches"].as_array().unwrap() {
            out.push(format!("missing_batch {code} {b}"));
        }
        for g in s["receipt_gaps"].as_array().unwrap() {
            out.push(format!("receipt_gap {}", g["first"]));
        }
    }
    for r in j["rejected"].as_array().unwrap() {
        out.push(format!(
            "rejected {} {}",
            r["reason"].as_str().unwrap(),
            r["station"].as_str().unwrap_or("")
        ));
    }
    for d in j["duplicates"].as_array().unwrap() {
        out.push(format!("duplicate {}", d["kind"].as_str().unwrap()));
    }
    for d in j["conflicts"].as_array().unwrap() {
        out.push(format!("conflict {}", d["record_uuid"]));
    }
    for list in ["amount_mismatch", "missing_in_his", "posted_twice", "unknown_to_downtime"] {
        for i in j["his"][list].as_array().unwrap() {
            out.push(format!("{list} {}", i["receipt_no"].as_str().unwrap_or("")));
        }
    }
    out
}

/// The postings file with the line of `receipt_no` changed by `f` (None drops it).
fn edit(csv: &str, receipt_no: &str, f: impl Fn(&str) -> Option<String>) -> String {
    csv.lines()
        .filter_map(|l| {
            if l.split(',').nth(1) == Some(receipt_no) {
                f(l)
            } else {
                Some(l.to_string())
            }
        })
        .map(|l| l + "\n")
        .collect()
}

/// The first receipt of `station` that the clean postings file posts for money taken.
fn a_receipt(csv: &str, station: &str) -> String {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[1].starts_with(station) && !c[3].starts_with('-'))
        .map(|c| c[1].to_string())
        .unwrap()
}

#[test]
fn the_clean_case_balances_and_the_json_has_the_documented_shape() {
    let s = scenario();
    let f = Finance::new();
    let j = f.reconcile(&[&s.batches], &s.his);
    assert_eq!(findings(&j), Vec::<String>::new());
    assert_eq!(j["balanced"], true);
    for code in ["MZ01", "MZ02", "JZ01"] {
        let st = &j["stations"][code];
        assert!(
            st["batches"].is_array() && st["missing_batches"].is_array() && st["receipt_gaps"].is_array(),
            "{code}"
        );
    }
    assert_eq!(j["stations"]["MZ01"]["batches"], serde_json::json!([1, 2, 3]));
    for key in ["rejected", "duplicates", "conflicts"] {
        assert!(j[key].is_array(), "{key}");
    }
    for key in [
        "matched",
        "amount_mismatch",
        "missing_in_his",
        "posted_twice",
        "unknown_to_downtime",
    ] {
        assert!(j["his"][key].is_array(), "his.{key}");
    }
    let item = &j["his"]["matched"][0];
    for key in ["station", "record_uuid", "receipt_no", "downtime_fen", "his_fen"] {
        assert!(!item[key].is_null(), "a matched item names its {key}: {item}");
    }
    let totals = &j["totals_fen"];
    assert_eq!(totals["total"]["difference"], 0);
    for code in ["MZ01", "MZ02", "JZ01"] {
        let st = &totals["stations"][code];
        assert_eq!(st["downtime"], st["his"], "{code} on both sides");
        assert!(st["downtime"].as_i64().unwrap() != 0);
    }
    assert!(totals["tenders"]["cash"]["his"].as_i64().unwrap() > 0);
    for key in [
        "resettle_due",
        "resettle_overdue",
        "exchange_due",
        "exchange_overdue",
        "convert_pending",
    ] {
        assert!(j["deadlines"][key].is_array(), "deadlines.{key}");
    }
    let csv = std::fs::read_to_string(f.path("out").join("reconciliation.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}类别,工作站,批次,收据号"), "{}", &csv[..80]);
    assert!(csv.contains("平衡，无缺漏"));
}

#[test]
fn each_fault_on_its_own_is_named_exactly_once() {
    let s = scenario();
    let his = &s.his;
    let charge = a_receipt(his, "MZ02");
    let unposted = a_receipt(his, "JZ01");
    type Fault = (&'static str, Vec<String>);
    let cases: Vec<(Fault, Box<dyn Fn(&Finance) -> Value>)> = vec![
        (
            ("a missing batch", vec!["missing_batch MZ01 2".into()]),
            Box::new(|f: &Finance| f.reconcile(&[&usb(f, &["MZ01-batch-000002"])], his)),
        ),
        (
            ("a tampered CSV", vec!["rejected tampered_file MZ01".into()]),
            Box::new(|f: &Finance| {
                let root = usb(f, &[]);
                let csv = root.join("MZ01-batch-000002").join("tenders.csv");
                std::fs::write(&csv, std::fs::read_to_string(&csv).unwrap() + "x").unwrap();
                f.reconcile(&[&root], his)
            }),
        ),
        (
            ("a batch signed with another key", vec!["rejected forged_key MZ02".into()]),
            Box::new(|f: &Finance| {
                let root = usb(f, &[]);
                copy_dir(&s.forged, &f.path("stranger").join("MZ02-batch-000002"));
                f.reconcile(&[&root, &f.path("stranger")], his)
            }),
        ),
        (
            ("a duplicate batch", vec!["duplicate batch".into()]),
            Box::new(|f: &Finance| {
                let root = usb(f, &[]);
                copy_dir(&root.join("JZ01-batch-000001"), &f.path("again").join("JZ01-batch-000001"));
                f.reconcile(&[&root, &f.path("again")], his)
            }),
        ),
        (
            ("an HIS posting with a wrong amount", vec![format!("amount_mismatch {charge}")]),
            Box::new(|f: &Finance| {
                let wrong = edit(his, &charge, |l| Some(l.replacen(".", "1.", 1)));
                f.reconcile(&[&usb(f, &[])], &wrong)
            }),
        ),
        (
            ("a posting missing", vec![format!("missing_in_his {charge}")]),
            Box::new(|f: &Finance| f.reconcile(&[&usb(f, &[])], &edit(his, &charge, |_| None))),
        ),
        (
            ("a posting twice", vec![format!("posted_twice {charge}")]),
            Box::new(|f: &Finance| {
                let twice = edit(his, &charge, |l| Some(format!("{l}\n{}", l.replace("HIS-", "HIS-AGAIN-"))));
                f.reconcile(&[&usb(f, &[])], &twice)
            }),
        ),
        (
            ("a receipt never posted", vec![format!("missing_in_his {unposted}")]),
            Box::new(|f: &Finance| f.reconcile(&[&usb(f, &[])], &edit(his, &unposted, |_| None))),
        ),
    ];
    for ((fault, expected), run) in cases {
        let f = Finance::new();
        let j = run(&f);
        assert_eq!(findings(&j), expected, "{fault}");
        assert_eq!(j["balanced"], false, "{fault}");
    }
}

#[test]
fn loading_again_is_a_no_op_and_marks_are_journalled_records() {
    let s = scenario();
    let f = Finance::new();
    let first = f.reconcile(&[&s.batches], "应急收据号,金额\nMZ01-000001,0.01\n");
    let again = f.run(&[
        "reconcile",
        "--batches",
        s.batches.to_str().unwrap(),
        "--out",
        f.path("out").to_str().unwrap(),
    ]);
    assert!(again.out().contains("新载入 0 个"), "{}", again.stdout);
    let item = first["deadlines"]["exchange_due"][0]["number"].as_str().unwrap().to_string();
    assert!(f
        .run(&["reconcile", "mark", &item, "--his-no", "HIS-FP-1"])
        .out()
        .contains("已标记完成"));
    f.run(&["reconcile", "--out", f.path("out").to_str().unwrap()]).out();
    let j: Value = serde_json::from_str(&std::fs::read_to_string(f.path("out").join("reconciliation.json")).unwrap()).unwrap();
    let listed = |j: &Value| {
        j["deadlines"]["exchange_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["number"] == item.as_str())
    };
    assert!(!listed(&j));
    assert_eq!(j["deadlines"]["done_by_mark"], 1);
    f.run(&["reconcile", "mark", &item, "--his-no", "HIS-FP-2"]).fails_with("已于");
    f.run(&["reconcile", "unmark", &item, "--reason", "发票号录错"]).out();
    f.run(&["reconcile", "--out", f.path("out").to_str().unwrap()]).out();
    let j: Value = serde_json::from_str(&std::fs::read_to_string(f.path("out").join("reconciliation.json")).unwrap()).unwrap();
    assert!(listed(&j));
    f.run(&["reconcile", "mark", "QT01-000001", "--his-no", "X"])
        .fails_with("没有“QT01-000001”");
}

#[test]
fn bad_invocations_and_unreadable_input_change_nothing() {
    let s = scenario();
    let f = Finance::new();
    let batches = s.batches.to_str().unwrap();
    let out = f.path("out");
    let out = out.to_str().unwrap();
    std::fs::write(f.path("bad.csv"), "应急收据号,HIS发票号,金额\nMZ01-000001,H1,十二元\n").unwrap();
    std::fs::write(f.path("a-file"), "not a folder").unwrap();
    let bad = f.path("bad.csv");
    let a_file = f.path("a-file");
    let absent = f.path("absent");
    for (args, says) in [
        (vec!["reconcile", "--batches", batches], "--out"),
        (
            vec!["reconcile", "--batches", absent.to_str().unwrap(), "--out", out],
            "找不到文件夹",
        ),
        (
            vec!["reconcile", "--batches", f.dir.path().to_str().unwrap(), "--out", out],
            "没有任何批次",
        ),
        (
            vec!["reconcile", "--batches", batches, "--as-of", "2026-13-01", "--out", out],
            "日期",
        ),
        (
            vec!["reconcile", "--batches", batches, "--his", absent.to_str().unwrap(), "--out", out],
            "无法读取",
        ),
        (
            vec!["reconcile", "--batches", batches, "--his", bad.to_str().unwrap(), "--out", out],
            "十二元",
        ),
        (
            vec!["reconcile", "--batches", batches, "--map", "流水号", "--out", out],
            "表头=字段",
        ),
        (
            vec!["reconcile", "--batches", batches, "--out", a_file.to_str().unwrap()],
            "无法写入",
        ),
        (vec!["reconcile", "--out", out], "还没有任何批次"),
    ] {
        f.run(&args).fails_with(says);
        if says != "还没有任何批次" {
            assert!(!f.ws().exists(), "{says}: the workspace is not even created");
        }
    }
    std::fs::remove_file(f.ws()).unwrap();
    assert!(!Path::new(out).join("reconciliation.json").exists());
    let en = std::process::Command::new(crate::bin())
        .args([
            "--db",
            f.ws().to_str().unwrap(),
            "reconcile",
            "--batches",
            absent.to_str().unwrap(),
            "--out",
            out,
        ])
        .env("DOWNTIME_LANG", "en")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&en.stderr).contains("There is no folder"));
}

#[test]
fn a_second_run_on_a_workspace_in_use_is_refused_and_changes_nothing() {
    let s = scenario();
    let f = Finance::new();
    let batches = s.batches.to_str().unwrap();
    let out = f.path("out");
    let out = out.to_str().unwrap();
    // Another window or `downtime reconcile` is loading into the same workspace: it holds the
    // workspace's run lock (the OS lock on `<workspace>-run`).
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(f.path("reconcile.sqlite3-run"))
        .unwrap();
    held.lock().unwrap();
    let run = f.run(&["reconcile", "--batches", batches, "--his", &write_his(&f, &s.his), "--out", out]);
    run.fails_with("正在被另一个窗口或命令使用");
    assert_eq!(run.stderr.trim().lines().count(), 1, "one message: {}", run.stderr);
    assert!(!f.ws().exists(), "the workspace is not even created");
    assert!(!Path::new(out).join("reconciliation.json").exists());
    held.unlock().unwrap();
    f.run(&["reconcile", "--batches", batches, "--out", out]).out();
    assert!(
        Path::new(out).join("reconciliation.json").is_file(),
        "once the other run ends, it goes ahead"
    );
}

fn write_his(f: &Finance, his: &str) -> String {
    let path = f.path("his.csv");
    std::fs::write(&path, his).unwrap();
    path.display().to_string()
}

#[test]
fn no_station_and_no_login_the_workspace_is_the_per_user_default() {
    let s = scenario();
    let home = tempfile::tempdir().unwrap();
    let station_db = home.path().join("station.db");
    let run = std::process::Command::new(crate::bin())
        .args(["reconcile", "--batches", s.batches.to_str().unwrap(), "--out"])
        .arg(home.path().join("out"))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("DOWNTIME_DB", &station_db)
        .env_remove("DOWNTIME_OPERATOR")
        .env_remove("DOWNTIME_PIN")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(home.path().join("data/downtime-desk/reconcile.sqlite3").is_file());
    assert!(!station_db.exists(), "DOWNTIME_DB names a station, not the workspace");
}

/// The benchmark measures what it says: two small scratch counters, their batches loaded,
/// verified and matched against a postings file of the same size, balanced, with the floor.
#[test]
fn bench_loads_verifies_and_matches_what_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.display().to_string();
    let run = run_db(
        &dir.path().join("unused.sqlite3"),
        &[
            "reconcile",
            "bench",
            "--stations",
            "1,2",
            "--receipts",
            "30",
            "--data",
            &data_arg,
            "--json",
        ],
    );
    let figures = run.json();
    let figures = figures.as_array().unwrap();
    assert_eq!(figures.len(), 2);
    for (f, n) in figures.iter().zip([1, 2]) {
        assert_eq!(f["stations"], n);
        assert_eq!(f["balanced"], true, "{f}");
        assert!(f["receipts"].as_i64().unwrap() >= 30 * n, "{f}");
        assert!(f["postings"].as_i64().unwrap() > 0, "{f}");
        assert!(f["floor_ms"].as_f64().unwrap() > 0.0, "{f}");
        assert!(f["floor_two_threads_ms"].as_f64().unwrap() > 0.0, "{f}");
    }
    // The batches are kept for the next run.
    assert!(data
        .join("batches")
        .join("BJ02")
        .join("BJ02-batch-000001")
        .join("manifest.json")
        .exists());
}
