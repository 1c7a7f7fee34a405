use crate::{bin, run_db, Station};
use std::path::Path;
use std::process::Command;

#[test]
fn help_is_everywhere() {
    for args in [
        vec!["--help"],
        vec!["outage", "--help"],
        vec!["shift", "open", "--help"],
        vec!["operator", "add", "--help"],
    ] {
        let o = Command::new(bin()).args(&args).output().unwrap();
        assert!(o.status.success(), "{args:?}");
        assert!(!o.stdout.is_empty());
    }
}

#[test]
fn init_shows_the_fingerprint_and_refuses_a_second_time() {
    let s = Station::new();
    let shown = s.run(&["station", "show", "--json"]).json();
    assert_eq!(shown["code"], "MZ01");
    assert_eq!(shown["fingerprint"].as_str().unwrap().len(), 39);
    let text = s.run(&["station", "show"]);
    assert!(text.out().contains(shown["fingerprint"].as_str().unwrap()));
    let again = s.run(&[
        "init",
        "--hospital",
        "医院",
        "--station",
        "MZ01",
        "--station-name",
        "二号窗",
        "--admin",
        "赵",
        "--admin-pin",
        "123456",
    ]);
    again.fails_with("工作站代码 MZ01 已经存在");
}

#[test]
fn init_rejects_bad_fields_and_writes_nothing() {
    let s = Station::empty();
    for (code, pin, msg) in [
        ("M", "123456", "工作站代码"),
        ("MZ01", "", "PIN 不能为空"),
        ("MZ01", "12", "PIN 太短"),
    ] {
        s.run(&[
            "init",
            "--hospital",
            "医院",
            "--station",
            code,
            "--station-name",
            "窗",
            "--admin",
            "赵",
            "--admin-pin",
            pin,
        ])
        .fails_with(msg);
    }
    s.run(&["station", "show"]).fails_with("这里没有工作站数据库");
    assert!(!s.db().exists(), "a refused init leaves no file");
}

#[test]
fn operators_need_an_administrator_and_a_real_role() {
    let s = Station::new();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    let before = s.snapshot();
    s.as_("李收费", "2468", &["operator", "add", "新人", "--role", "cashier", "--pin", "1111"])
        .fails_with("需要管理员");
    s.admin(&["operator", "add", "新人", "--role", "boss", "--pin", "1111"])
        .fails_with("没有“boss”这个角色");
    s.admin(&["operator", "add", "新人", "--role", "cashier", "--pin", ""])
        .fails_with("PIN 不能为空");
    s.run(&["operator", "add", "新人", "--role", "cashier", "--pin", "1111"])
        .fails_with("需要操作员");
    assert_eq!(s.snapshot(), before);
    let list = s.run(&["operator", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[1]["role"], "cashier");
}

#[test]
fn env_variables_name_the_operator() {
    let s = Station::new();
    let o = Command::new(bin())
        .args(["operator", "list"])
        .env("DOWNTIME_DB", s.db())
        .env("DOWNTIME_OPERATOR", "王管理")
        .env("DOWNTIME_PIN", "123456")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("王管理"));
}

/// `downtime` run on a terminal (a pseudo-terminal made by util-linux `script`) without
/// `--pin`: the PIN is asked for and typed once the prompt shows; whether it succeeded, and
/// what the terminal showed.
fn on_a_terminal(db: &Path, args: &str, typed: &str) -> (bool, String) {
    use std::io::{Read, Write};
    let line = format!("'{}' --db '{}' {args}", bin().display(), db.display());
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("DOWNTIME_OPERATOR")
        .env_remove("DOWNTIME_PIN")
        .env("DOWNTIME_LANG", "zh_CN.UTF-8")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) makes the terminal for this test");
    let mut out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut shown = Vec::new();
    let prompt = "王管理 的 PIN：";
    while !String::from_utf8_lossy(&shown).contains(prompt) {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(bytes) => shown.extend(bytes),
            Err(_) => panic!("no PIN prompt on the terminal: {}", String::from_utf8_lossy(&shown)),
        }
    }
    // Echo is off before the prompt is written: the PIN can be typed as soon as it shows.
    child.stdin.take().unwrap().write_all(format!("{typed}\n").as_bytes()).unwrap();
    let ok = child.wait().unwrap().success();
    while let Ok(bytes) = rx.recv_timeout(std::time::Duration::from_secs(5)) {
        shown.extend(bytes);
    }
    (ok, String::from_utf8_lossy(&shown).into_owned())
}

/// #17: without `--pin`, on a terminal the PIN is asked for and not shown as it is typed
/// (so `ps` and the screen never hold it); a wrong one is counted; without a terminal
/// (a script) the CLI says an operator is needed instead of waiting.
#[test]
fn without_a_pin_the_terminal_asks_for_it_without_echo() {
    let s = Station::new();
    let (ok, shown) = on_a_terminal(&s.db(), "--as 王管理 patient find 张三", "123456");
    assert!(ok && !shown.contains("123456"), "the PIN was refused or echoed: {shown}");
    let (ok, shown) = on_a_terminal(&s.db(), "--as 王管理 patient find 张三", "654321");
    assert!(!ok && shown.contains("PIN 不正确，还可以再试 4 次"), "{shown}");
    assert!(!shown.contains("654321"), "the PIN was echoed: {shown}");
    s.run(&["--as", "王管理", "patient", "find", "张三"]).fails_with("需要操作员");
}

#[test]
fn five_wrong_pins_lock_the_operator() {
    let s = Station::new();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    for _ in 0..4 {
        s.as_("李收费", "0000", &["shift", "open"]).fails_with("PIN 不正确");
    }
    s.as_("李收费", "0000", &["shift", "open"]).fails_with("已锁定");
    s.as_("李收费", "2468", &["shift", "open"]).fails_with("已被锁定");
}

#[test]
fn an_outage_and_a_shift_from_start_to_end() {
    let s = Station::new();
    s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
        .out();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    assert_eq!(s.run(&["outage", "status", "--json"]).out().trim(), "null");
    s.as_("李收费", "2468", &["outage", "start", "--reason", "HIS 宕机"])
        .fails_with("需要主管");
    let since = (chrono::Local::now() - chrono::Duration::minutes(45))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let o = s
        .as_(
            "陈主管",
            "1357",
            &[
                "outage",
                "start",
                "--reason",
                "HIS 数据库宕机",
                "--since",
                &since,
                "--announced-by",
                "网管中心",
                "--json",
            ],
        )
        .json();
    assert_eq!(o["active"], true);
    assert_eq!(o["announced_by"], "网管中心");
    assert!(s.run(&["outage", "status"]).out().contains("应急进行中"));
    s.as_("陈主管", "1357", &["outage", "start", "--reason", "again"])
        .fails_with("应急已经在进行中");

    let cashier = |args: &[&str]| s.as_("李收费", "2468", args);
    cashier(&["shift", "close", "--counted", "0"]).fails_with("没有未交班的班次");
    let opened = cashier(&["shift", "open", "--float", "200.50", "--json"]).json();
    assert_eq!(opened["float_fen"], 20050);
    assert_eq!(opened["outage_id"], o["id"]);
    cashier(&["shift", "open", "--float", "100"]).fails_with("已有一个未交班的班次");
    cashier(&["shift", "close", "--counted", "12.345"]).fails_with("最多只能有两位小数");
    cashier(&["shift", "close", "--counted", "abc"]).fails_with("金额“abc”无效");
    let closed = cashier(&["shift", "close", "--counted", "200.5", "--json"]).json();
    assert_eq!(closed["counted_cash_fen"], 20050);
    assert_eq!(closed["difference_fen"], 0);
    cashier(&["shift", "close", "--counted", "200.5"]).fails_with("没有未交班的班次");

    s.as_("陈主管", "1357", &["outage", "end", "--at", "2020-01-01 00:00"])
        .fails_with("早于停机时间");
    let ended = s.as_("陈主管", "1357", &["outage", "end", "--json"]).json();
    assert_eq!(ended["active"], false);
    s.run(&["verify"]).out();
}

#[test]
fn verify_names_the_row_altered_with_the_sqlite3_shell() {
    let s = Station::new();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    s.admin(&["outage", "start", "--reason", "宕机"]).out();
    s.as_("李收费", "2468", &["shift", "open", "--float", "100"]).out();
    let ok = s.run(&["verify"]);
    assert!(ok.out().contains("流水完整：共 4 条"), "{}", ok.stdout);
    let sqlite = Command::new("sqlite3")
        .arg(s.db())
        .arg("DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, '10000', '10001') WHERE seq = 4;")
        .output()
        .expect("the sqlite3 shell is installed by the setup script");
    assert!(sqlite.status.success(), "{}", String::from_utf8_lossy(&sqlite.stderr));
    let bad = s.run(&["verify"]);
    bad.fails_with("流水第 4 条");
    assert_eq!(bad.code, 3);
    let json = s.run(&["verify", "--json"]);
    assert!(!json.ok);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&json.stdout).unwrap()["broken_seq"], 4);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "hello, not sqlite at all, just some words long enough").unwrap();
    run_db(&path, &["outage", "status"]).fails_with("不是 Downtime Desk 的数据库文件");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "hello, not sqlite at all, just some words long enough"
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let s = Station::new();
    let o = Command::new("sqlite3")
        .arg(s.db())
        .arg("PRAGMA user_version = 99;")
        .output()
        .unwrap();
    assert!(o.status.success());
    s.run(&["outage", "status"]).fails_with("更新版本");
}

#[test]
fn english_messages_on_request() {
    let s = Station::new();
    let o = Command::new(bin())
        .args(["--db"])
        .arg(s.db())
        .args(["--as", "王管理", "--pin", "123456", "shift", "open", "--float", "1.234"])
        .env("DOWNTIME_LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most two decimals"));
}

#[test]
fn a_read_only_folder_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("readonly");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("station.db");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false);
    let mut cmd = if is_root {
        // root writes anywhere: drop to an unprivileged user, as a counter PC's clerk would be.
        // That user may not reach the build folder (a clone under /root), so run a copy.
        let exe = dir.path().join("downtime");
        std::fs::copy(bin(), &exe).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&exe);
        c
    } else {
        Command::new(bin())
    };
    let o = cmd
        .arg("--db")
        .arg(&db)
        .args([
            "init",
            "--hospital",
            "医院",
            "--station",
            "MZ01",
            "--station-name",
            "窗",
            "--admin",
            "赵",
            "--admin-pin",
            "123456",
        ])
        .env("DOWNTIME_LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(stderr.contains("无法写入数据库所在的文件夹"), "{stderr}");
    assert!(!db.exists());
}

#[test]
fn bench_prints_each_figure_beside_its_baseline() {
    let o = Command::new(bin())
        .args(["bench", "--n", "20", "--catalog-items", "2000", "--export-patients", "40", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let figures = v["figures"].as_array().unwrap();
    assert!(figures[0]["name"].as_str().unwrap().contains("bare"));
    assert!(figures[1]["ratio"].as_f64().unwrap() > 0.0);
    assert!(figures.iter().all(|f| f["median"].as_f64().unwrap() > 0.0));
    let export = figures
        .iter()
        .find(|f| f["name"].as_str().unwrap().starts_with("export a batch"))
        .expect("the export figure");
    assert!(export["baseline"].as_str().unwrap().contains("journal range"));
    assert!(figures
        .iter()
        .any(|f| f["name"].as_str().unwrap().starts_with("peak memory while exporting") && f["unit"] == "MB"));
}

#[test]
fn bench_search_measures_each_size_in_fresh_processes() {
    let o = Command::new(bin())
        .args([
            "bench",
            "search",
            "--patients",
            "2000",
            "--items",
            "1500",
            "--n",
            "20",
            "--cold-runs",
            "1",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = out["rows"].as_array().unwrap();
    let what: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| (r["what"].as_str().unwrap(), r["rows"].as_u64().unwrap()))
        .collect();
    assert_eq!(what, [("patients", 2000), ("items", 1500)]);
    for r in rows {
        for k in [
            "file_mb",
            "bytes_per_row",
            "open_ms",
            "first_search_ms",
            "warm_p50_us",
            "warm_p99_us",
        ] {
            assert!(r[k].as_f64().unwrap() > 0.0, "{k}: {r}");
        }
        for k in ["import", "cold_cli", "baseline"] {
            assert!(r[k]["wall_ms"].as_f64().unwrap() > 0.0, "{k}: {r}");
        }
    }
    // The counter: the patients' station with the price list, opened as the app opens it.
    let c = &out["counter"];
    assert_eq!((c["patients"].as_u64(), c["items"].as_u64()), (Some(2000), Some(1500)), "{c}");
    for k in ["open_ms", "first_patient_ms", "first_item_ms", "patients_p99_us", "items_p99_us"] {
        assert!(c[k].as_f64().unwrap() > 0.0, "{k}: {c}");
    }
    assert!(c["run"]["peak_mb"].as_f64().unwrap() > 0.0, "{c}");
}
