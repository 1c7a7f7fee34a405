use crate::{cashier, pdf_text, Station};

/// A station in an outage with a small price list, a cashier on shift, a supervisor and two
/// patients (DT-MZ01-000001 self-pay, DT-MZ01-000002 insured).
fn counter() -> Station {
    let s = Station::on_shift(
        "编码,名称,规格,单位,单价,费用类别\nY1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费\nY2,维生素C片,100mg,片,0.0125,西药费\nC1,黄芪,统货,克,0.068,中药饮片\nE1,CT平扫(头颅),,次,150,检查费\nL1,血常规,,项,20,化验费\nM1,一次性注射器,5ml,支,0.35,卫生材料费\n",
        "200",
    );
    cashier(
        &s,
        &[
            "patient",
            "add",
            "--name",
            "李四",
            "--sex",
            "F",
            "--insurance",
            "employee",
            "--insurance-no",
            "E123",
        ],
    )
    .out();
    s
}

const SUP: [&str; 4] = ["--supervisor", "陈主管", "--supervisor-pin", "1357"];

fn with_sup<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(&SUP);
    all
}

#[test]
fn a_six_item_charge_with_cash_and_change() {
    let s = counter();
    let r = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000001",
            "--line",
            "Y1:2",
            "--line",
            "Y2:30",
            "--line",
            "C1:2.5:5",
            "--line",
            "E1:1",
            "--line",
            "L1:1",
            "--line",
            "M1:3",
            "--pay",
            "cash:197.28",
            "--tendered",
            "200",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (r["receipt_no"].as_str(), r["total_fen"].as_i64(), r["change_fen"].as_i64()),
        (Some("MZ01-000001"), Some(19728), Some(272))
    );
    let lines = r["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 6);
    for key in ["code", "name", "qty", "unit_price", "amount_fen", "category"] {
        assert!(lines[0].get(key).is_some(), "{key}");
    }
    assert_eq!(lines[1]["unit_price"], "0.0125");
    assert_eq!(lines[1]["amount_fen"], 38);
    // The herbal line: 2.5 g a dose, 5 doses.
    assert_eq!(
        (lines[2]["qty"].as_str(), lines[2]["per_dose"].as_str(), lines[2]["doses"].as_i64()),
        (Some("12.5"), Some("2.5"), Some(5))
    );
    assert_eq!(lines[2]["amount_fen"], 85);
    assert_eq!(r["total_capitals"], "壹佰玖拾柒元贰角捌分");
    assert!(r["tenders"].is_array());
    assert!(r["resettle_due"].is_null());
    assert!(r["exchange_due"].is_string());
    let plain = cashier(&s, &["charge", "--patient", "DT-MZ01-000001", "--line", "L1:1", "--pay", "cash:20"]);
    assert_eq!(plain.out().trim(), "MZ01-000002");
}

#[test]
fn the_receipt_pdf_shows_every_line_subtotals_capitals_and_the_marker() {
    let s = counter();
    cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000002",
            "--line",
            "Y1:2",
            "--line",
            "E1:1",
            "--pay",
            "cash:175",
            "--insured",
        ],
    )
    .out();
    let pdf = s.dir.path().join("r.pdf");
    cashier(&s, &["receipt", "pdf", "MZ01-000001", "--out", pdf.to_str().unwrap()]).out();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.len() < 60 * 1024, "{} bytes", bytes.len());
    let text = pdf_text(&pdf);
    for needle in [
        "手工票据·系统停机应急开具",
        "阿莫西林胶囊",
        "CT平扫(头颅)",
        "西药费",
        "检查费",
        "壹佰柒拾伍元整",
        "MZ01-000001",
        "2026-",
        "医保重新结算",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains("副本"), "the first printing is the original:\n{text}");
    // Every later printing, from `receipt pdf` too, is a copy and journalled as a reprint.
    let roll = s.dir.path().join("roll.pdf");
    let second = cashier(
        &s,
        &[
            "receipt",
            "pdf",
            "MZ01-000001",
            "--out",
            roll.to_str().unwrap(),
            "--layout",
            "roll80",
        ],
    );
    assert!(second.out().contains("副本"), "{}", second.stdout);
    assert!(pdf_text(&roll).contains("副本"));
    cashier(
        &s,
        &[
            "receipt",
            "reprint",
            "MZ01-000001",
            "--out",
            s.dir.path().join("copy.pdf").to_str().unwrap(),
        ],
    )
    .out();
    let copy = pdf_text(&s.dir.path().join("copy.pdf"));
    assert!(copy.contains("副本"), "{copy}");
    s.run(&["receipt", "pdf", "MZ01-000001", "--out", "x.pdf"]).fails_with("需要操作员");
    cashier(&s, &["receipt", "pdf", "MZ01-000001", "--out", "x.pdf", "--layout", "a4"]).fails_with("版式“a4”无效");
}

#[test]
fn bad_charges_are_refused_and_write_nothing() {
    let s = counter();
    let before = s.snapshot();
    for (args, msg) in [
        (vec!["--line", "Y1:0", "--pay", "cash:1"], "必须大于 0"),
        (vec!["--line", "Y1:-1", "--pay", "cash:1"], "必须大于 0"),
        (vec!["--line", "Y1:1.2345", "--pay", "cash:1"], "最多 3 位小数"),
        (vec!["--line", "NOPE:1", "--pay", "cash:1"], "没有编码为“NOPE”的项目"),
        (vec!["--line", "Y1:1", "--pay", "cash:12"], "付款合计 ¥12.00 与应收 ¥12.50 不符"),
        (vec!["--line", "Y1:1", "--pay", "cash:12.50", "--tendered", "10"], "少于应付现金"),
        (vec!["--line", "Y1:1", "--pay", "card:12.50:12"], "卡号后四位"),
        (vec!["--line", "Y1:1", "--pay", "bitcoin:12.50"], "支付方式“bitcoin”无效"),
        (
            vec![
                "--line", "E1:99999", "--line", "E1:99999", "--line", "E1:99999", "--line", "E1:99999", "--line", "E1:99999", "--line",
                "E1:99999", "--line", "E1:99999", "--pay", "cash:1",
            ],
            "超出范围",
        ),
        (vec!["--line", "Y1:1", "--pay", "cash:12.50", "--insured"], "没有登记医保"),
        (
            vec!["--line", "E1:62.5", "--pay", "cash:9375"],
            "CT平扫(头颅)按“次”计，数量须为整数，不能是 62.5",
        ),
        (vec!["--line", "C1:10", "--pay", "cash:0.68"], "请按每付用量和付数录入"),
        (vec!["--line", "Y1:1:3", "--pay", "cash:37.50"], "不是中药饮片"),
        (vec!["--line", "C1:10:0", "--pay", "cash:1"], "付数“0”无效"),
        (vec!["--line", "C1:10:abc", "--pay", "cash:1"], "付数“abc”无效"),
        (vec!["--line", "C1:10:100", "--pay", "cash:1"], "付数应为 1 到 99"),
    ] {
        let mut all = vec!["charge", "--patient", "DT-MZ01-000001"];
        all.extend(args);
        cashier(&s, &all).fails_with(msg);
    }
    let many: Vec<String> = (0..10_000).map(|_| "--line=Y1:1".to_string()).collect();
    let mut all: Vec<&str> = vec!["charge", "--patient", "DT-MZ01-000001", "--pay", "cash:1"];
    all.extend(many.iter().map(String::as_str));
    cashier(&s, &all).fails_with("最多 200 行");
    s.admin(&["operator", "add", "张收费", "--role", "cashier", "--pin", "1111"]).out();
    s.as_(
        "张收费",
        "1111",
        &["charge", "--patient", "DT-MZ01-000001", "--line", "Y1:1", "--pay", "cash:12.5"],
    )
    .fails_with("还没有开班");
    assert_eq!(s.snapshot(), before + 1, "only the new operator was written");
}

#[test]
fn retrying_with_the_same_id_returns_the_same_receipt() {
    let s = counter();
    let id = "0190f0f0-0000-7000-8000-000000000001";
    let args = [
        "charge",
        "--patient",
        "DT-MZ01-000001",
        "--line",
        "L1:1",
        "--pay",
        "cash:20",
        "--id",
        id,
    ];
    assert_eq!(cashier(&s, &args).out().trim(), "MZ01-000001");
    assert_eq!(cashier(&s, &args).out().trim(), "MZ01-000001");
    assert_eq!(
        s.admin(&["receipt", "list", "--json"]).json()["receipts"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn an_insured_charge_has_its_due_dates() {
    let s = counter();
    let r = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000002",
            "--line",
            "E1:1",
            "--pay",
            "wechat:150:4200001234",
            "--insured",
            "--paper-no",
            "0001234",
            "--json",
        ],
    )
    .json();
    assert!(r["resettle_due"].as_str().unwrap().len() == 10);
    assert_eq!(r["resettle_due"], r["exchange_due"]);
    cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000002",
            "--line",
            "E1:1",
            "--pay",
            "cash:150",
            "--paper-no",
            "0001234",
        ],
    )
    .fails_with("手工发票号 0001234 已用于收据 MZ01-000001");
}

#[test]
fn void_and_refund_with_a_supervisor() {
    let s = counter();
    cashier(&s, &["charge", "--patient", "DT-MZ01-000001", "--line", "L1:1", "--pay", "cash:20"]).out();
    cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000001",
            "--line",
            "Y1:2",
            "--line",
            "E1:1",
            "--pay",
            "cash:175",
        ],
    )
    .out();
    cashier(
        &s,
        &[
            "receipt",
            "void",
            "MZ01-000001",
            "--reason",
            "收错",
            "--supervisor",
            "陈主管",
            "--supervisor-pin",
            "0000",
        ],
    )
    .fails_with("PIN 不正确");
    cashier(
        &s,
        &[
            "receipt",
            "void",
            "MZ01-000001",
            "--reason",
            "收错",
            "--supervisor",
            "李收费",
            "--supervisor-pin",
            "2468",
        ],
    )
    .fails_with("需要主管授权");
    cashier(&s, &with_sup(&["receipt", "void", "MZ01-000001", "--reason", "收错"])).out();
    assert_eq!(s.admin(&["receipt", "show", "MZ01-000001", "--json"]).json()["voided"], true);
    cashier(
        &s,
        &with_sup(&["receipt", "refund", "MZ01-000002", "--line", "1:1", "--reason", "患者不要"]),
    )
    .fails_with("退药品需药房确认");
    cashier(
        &s,
        &with_sup(&[
            "receipt",
            "refund",
            "MZ01-000002",
            "--line",
            "1:3",
            "--reason",
            "x",
            "--drug-return-by",
            "王药师",
        ]),
    )
    .fails_with("最多还能退 2");
    let refund = cashier(
        &s,
        &with_sup(&[
            "receipt",
            "refund",
            "MZ01-000002",
            "--line",
            "1:1",
            "--reason",
            "患者不要",
            "--drug-return-by",
            "王药师",
            "--json",
        ]),
    )
    .json();
    assert_eq!(
        (
            refund["receipt_no"].as_str(),
            refund["total_fen"].as_i64(),
            refund["refund_of"].as_str()
        ),
        (Some("MZ01-000003"), Some(1250), Some("MZ01-000002"))
    );
    let plain = cashier(
        &s,
        &with_sup(&[
            "receipt",
            "refund",
            "MZ01-000002",
            "--reason",
            "医保重新结算",
            "--drug-return-by",
            "王药师",
        ]),
    );
    assert_eq!(plain.out().trim(), "MZ01-000004");
    cashier(&s, &with_sup(&["receipt", "refund", "MZ01-000002", "--reason", "again"])).fails_with("已全部退费");
    s.run(&["verify"]).out();
}

#[test]
fn a_scanned_code_is_checked() {
    let s = counter();
    let r = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000001",
            "--line",
            "E1:1",
            "--pay",
            "cash:150",
            "--json",
        ],
    )
    .json();
    let payload = r["qr_payload"].as_str().unwrap();
    let ok = s.admin(&["receipt", "check", payload, "--json"]).json();
    assert_eq!((ok["valid"].as_bool(), ok["total_fen"].as_i64()), (Some(true), Some(15000)));
    let altered = payload.replacen(".15000.", ".15.", 1);
    s.admin(&["receipt", "check", &altered]).fails_with("签名不符");
    // The anchor it carries: the entry before its own, checked on the station and on paper.
    let anchor = ok["anchor"].as_str().unwrap().to_string();
    assert_eq!(ok["kind"], "charge");
    let v = s.run(&["verify", "--anchor", &anchor, "--json"]).json();
    assert_eq!(
        (v["sound"].as_bool(), v["anchors"][0]["found"].as_str()),
        (Some(true), Some("matches"))
    );
    assert!(v["receipts_checked"].as_i64().unwrap() >= 1);
    let (seq, _) = anchor.split_once(':').unwrap();
    let wrong = format!("{seq}:0000000000000000");
    let r = s.run(&["verify", "--anchor", &anchor, "--anchor", &wrong]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("被改写"), "{}", r.stderr);
    let far = format!("{}:{}", seq.parse::<i64>().unwrap() + 1000, "0123456789abcdef");
    assert!(s.run(&["verify", "--anchor", &far]).stderr.contains("截断"));
    s.run(&["verify", "--anchor", "12-abc"]).fails_with("序号:哈希前缀");
}

#[test]
fn the_calendar_counts_working_days_and_takes_new_years() {
    let s = Station::new();
    assert_eq!(
        s.run(&["calendar", "due", "--from", "2026-11-26", "--working-days", "15"])
            .out()
            .trim(),
        "2026-12-17"
    );
    assert_eq!(
        s.run(&["calendar", "due", "--from", "2026-09-30", "--working-days", "1"])
            .out()
            .trim(),
        "2026-10-08"
    );
    s.run(&["calendar", "due", "--from", "2026-12-20", "--working-days", "15"])
        .fails_with("2027");
    let file = s.dir.path().join("2027.json");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/it/data/cn-2027-test.json"),
        &file,
    )
    .unwrap();
    s.admin(&["calendar", "import", file.to_str().unwrap()]).out();
    assert!(s
        .run(&["calendar", "due", "--from", "2026-12-20", "--working-days", "15"])
        .out()
        .starts_with("2027-"));
    std::fs::write(&file, "{\"year\": 2028}").unwrap();
    s.admin(&["calendar", "import", file.to_str().unwrap()]).fails_with("工作日历");
}

#[test]
fn simulate_acknowledges_every_receipt_it_commits() {
    let s = Station::new();
    let ack = s.dir.path().join("ack.txt");
    let out = s.admin(&["simulate", "--patients", "25", "--seed", "3", "--ack", ack.to_str().unwrap()]);
    assert!(out.out().contains("模拟完成：25 位患者"), "{}", out.stdout);
    let acked: Vec<String> = std::fs::read_to_string(&ack).unwrap().lines().map(String::from).collect();
    assert!(acked.len() >= 25);
    for no in &acked {
        s.admin(&["receipt", "show", no, "--json"]).json();
    }
    s.run(&["verify"]).out();
    // Deterministic for a seed: the same counts on a second station.
    let t = Station::new();
    let again = t.admin(&["simulate", "--patients", "25", "--seed", "3"]);
    assert_eq!(again.out(), out.out());
}

#[test]
fn money_goes_back_the_way_it_came_and_every_paper_says_what_it_is() {
    let s = counter();
    let paid = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000001",
            "--line",
            "E1:1",
            "--line",
            "L1:1",
            "--pay",
            "cash:50",
            "--pay",
            "card:100:1234/000123",
            "--pay",
            "wechat:20:4200001",
            "--json",
        ],
    )
    .json();
    let ways = |r: &serde_json::Value| -> Vec<(String, i64, String)> {
        r["tenders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["method"].as_str().unwrap().into(),
                    t["amount_fen"].as_i64().unwrap(),
                    t["reference"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    // No --pay: back the way it came, the card first (traceable), never cash beyond cash taken.
    let first = cashier(
        &s,
        &with_sup(&[
            "receipt",
            "refund",
            "MZ01-000001",
            "--line",
            "2:1",
            "--reason",
            "未做检验",
            "--json",
        ]),
    )
    .json();
    assert_eq!(ways(&first), vec![("card".into(), 2000, "1234/000123".into())]);
    assert_eq!(first["pay_back_reason"], serde_json::Value::Null);
    // All in cash is not the way it came: refused without a reason, and nothing written.
    let all_cash = ["receipt", "refund", "MZ01-000001", "--reason", "患者不做检查", "--pay", "cash:150"];
    cashier(&s, &with_sup(&all_cash)).fails_with("不是原路退回");
    let mut with_reason = with_sup(&all_cash);
    with_reason.extend(["--pay-back-reason", "银行卡已挂失", "--json"]);
    let second = cashier(&s, &with_reason).json();
    assert_eq!(
        (ways(&second), second["pay_back_reason"].as_str()),
        (vec![("cash".into(), 15000, "".into())], Some("银行卡已挂失"))
    );

    // The QR code says what the paper is; the issuing station says what became of it.
    let check = |payload: &str| cashier(&s, &["receipt", "check", payload, "--json"]).json();
    let original = check(paid["qr_payload"].as_str().unwrap());
    assert_eq!(
        (original["kind"].as_str(), original["state"].as_str()),
        (Some("charge"), Some("refunded"))
    );
    let voucher = check(second["qr_payload"].as_str().unwrap());
    assert_eq!(
        (voucher["kind"].as_str(), voucher["state"].as_str(), voucher["total_fen"].as_i64()),
        (Some("refund"), Some("valid"), Some(15000))
    );
    let said = cashier(&s, &["receipt", "check", second["qr_payload"].as_str().unwrap()]);
    let said = said.out();
    assert!(said.starts_with("退费凭证：钱已退回患者，不能据此发药"), "{said}");
    // Changing the kind breaks the signature: a voucher cannot be made into a receipt.
    let forged = second["qr_payload"].as_str().unwrap().replacen(".refund.", ".charge.", 1);
    cashier(&s, &["receipt", "check", &forged]).fails_with("签名不符");

    // On the screen too, the voucher says what it is and what it refunds.
    let shown = cashier(&s, &["receipt", "show", "MZ01-000003"]).out().to_string();
    assert!(
        shown.starts_with("退费凭证 MZ01-000003") && shown.contains("原收据 MZ01-000001"),
        "{shown}"
    );
    // The voucher prints why, who approved, the way back and where the patient signs; no notice.
    let pdf = |no: &str, name: &str| {
        let path = s.dir.path().join(name);
        cashier(&s, &["receipt", "pdf", no, "--out", path.to_str().unwrap()]).out();
        pdf_text(&path)
    };
    let text = pdf("MZ01-000003", "voucher.pdf");
    for needle in [
        "退费凭证",
        "MZ01-000001",
        "退费原因：患者不做检查",
        "审批主管：陈主管",
        "非原路退回，原因：银行卡已挂失",
        "领款人（患者）签字",
        "现金 ¥150.00",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains("换取电脑发票"), "{text}");
    // The receipt printed after its refunds says so, and what remains.
    let text = pdf("MZ01-000001", "after.pdf");
    assert!(text.contains("已退 ¥170.00（MZ01-000002、MZ01-000003），剩余 ¥0.00"), "{text}");
    // Wholly refunded: nothing is left to exchange, so no exchange notice or date.
    assert!(!text.contains("换取电脑发票"), "{text}");
    // Each tender as applied to the receipt.
    assert!(text.contains("银行卡 ¥100.00（1234/000123）"), "{text}");
    s.run(&["verify"]).out();
}

/// A CUPS PDF queue of this test's own (cups-pdf writes each job to `$HOME/PDF`), removed on
/// drop. CUPS is system-wide: the caller holds `/tmp/downtime-cups.lock`.
struct PdfQueue(String);

impl PdfQueue {
    fn new() -> PdfQueue {
        let cups = |cmd: &str, args: &[&str]| {
            std::process::Command::new(cmd)
                .args(args)
                .env("LC_ALL", "C")
                .output()
                .unwrap_or_else(|e| panic!("`{cmd}` is needed (scripts/setup.sh installs cups and printer-driver-cups-pdf): {e}"))
        };
        if !String::from_utf8_lossy(&cups("lpstat", &["-r"]).stdout).contains("scheduler is running") {
            // No service manager on CI machines: start the scheduler ourselves.
            let started = cups("cupsd", &[]);
            assert!(
                started.status.success(),
                "cupsd would not start: {}",
                String::from_utf8_lossy(&started.stderr)
            );
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        let name = format!("downtime-test-pdf-{}", std::process::id());
        let made = cups(
            "lpadmin",
            &["-p", &name, "-E", "-v", "cups-pdf:/", "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"],
        );
        assert!(made.status.success(), "lpadmin: {}", String::from_utf8_lossy(&made.stderr));
        PdfQueue(name)
    }

    fn set_enabled(&self, on: bool) {
        let cmd = if on { "cupsenable" } else { "cupsdisable" };
        assert!(std::process::Command::new(cmd).arg(&self.0).status().unwrap().success());
    }

    fn set_accepting(&self, on: bool) {
        let cmd = if on { "cupsaccept" } else { "cupsreject" };
        assert!(std::process::Command::new(cmd).arg(&self.0).status().unwrap().success());
    }
}

impl Drop for PdfQueue {
    fn drop(&mut self) {
        let _ = std::process::Command::new("lpadmin").args(["-x", &self.0]).status();
    }
}

/// The file cups-pdf spooled for a job titled `title` after `since`, waited for.
fn spooled(title: &str, since: std::time::SystemTime, taken: &[std::path::PathBuf]) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(std::env::var("HOME").unwrap()).join("PDF");
    for _ in 0..150 {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let p = e.path();
                let fresh = e.metadata().and_then(|m| m.modified()).is_ok_and(|m| m >= since);
                if fresh
                    && !taken.contains(&p)
                    && p.file_name().unwrap().to_string_lossy().contains(title)
                    && p.extension().is_some_and(|x| x == "pdf")
                {
                    std::thread::sleep(std::time::Duration::from_millis(300)); // finished writing
                    return p;
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("cups-pdf never wrote a job titled {title} to {}", dir.display());
}

/// (pages, width mm, height mm) as `pdfinfo` reads the spooled file.
fn paper_of(pdf: &std::path::Path) -> (u32, i64, i64) {
    let info = String::from_utf8(std::process::Command::new("pdfinfo").arg(pdf).output().unwrap().stdout).unwrap();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {info}"))
            .to_string()
    };
    let pages = field("Pages:").split_whitespace().nth(1).unwrap().parse().unwrap();
    let size: Vec<f64> = field("Page size:").split_whitespace().filter_map(|w| w.parse().ok()).collect();
    let mm = |pt: f64| (pt * 25.4 / 72.0).round() as i64;
    (pages, mm(size[0]), mm(size[1]))
}

#[test]
fn receipts_print_through_a_real_cups_queue_on_their_own_paper() {
    let lock = std::fs::File::create("/tmp/downtime-cups.lock").unwrap();
    lock.lock().unwrap();
    let queue = PdfQueue::new();
    let s = counter();
    cashier(
        &s,
        &[
            "charge",
            "--patient",
            "DT-MZ01-000001",
            "--line",
            "Y1:2",
            "--line",
            "E1:1",
            "--pay",
            "cash:175",
        ],
    )
    .out();
    cashier(&s, &["setting", "printer", &queue.0]).fails_with("管理员");
    s.admin(&["setting", "printer", &queue.0]).out();
    let since = std::time::SystemTime::now() - std::time::Duration::from_secs(1);

    let a5 = cashier(&s, &["receipt", "print", "MZ01-000001", "--layout", "a5"]);
    assert!(a5.out().contains("正本"), "{}", a5.stdout);
    let first = spooled("MZ01-000001", since, &[]);
    let (pages, w, h) = paper_of(&first);
    assert!(
        pages == 1 && (w - 148).abs() <= 1 && (h - 210).abs() <= 1,
        "A5 expected, got {pages} page(s) {w}×{h} mm: {}",
        first.display()
    );
    // The roll: 80 mm wide and as long as the receipt, sent as a custom size.
    let roll = cashier(&s, &["receipt", "print", "MZ01-000001", "--layout", "roll80"]);
    assert!(roll.out().contains("副本"), "{}", roll.stdout);
    let saved = roll
        .stdout
        .lines()
        .last()
        .unwrap()
        .split('：')
        .next_back()
        .unwrap()
        .trim()
        .to_string();
    let second = spooled("MZ01-000001", since, &[first.clone()]);
    let (pages, w, h) = paper_of(&second);
    let (_, _, doc_h) = paper_of(std::path::Path::new(&saved));
    assert!(
        pages == 1 && (w - 80).abs() <= 1,
        "an 80 mm roll expected, got {pages} page(s) {w} mm wide: {}",
        second.display()
    );
    assert!(h >= doc_h && h <= doc_h + 1, "roll {h} mm for a {doc_h} mm receipt");
    // Keep what reached the queue where the screenshots are, to be looked at.
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/e2e-screens");
    std::fs::create_dir_all(&shots).unwrap();
    for (pdf, name) in [(&first, "cups-a5"), (&second, "cups-roll80")] {
        let png = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(pdf)
            .arg(shots.join(name))
            .status()
            .unwrap();
        assert!(png.success());
    }

    // A paused queue: a clear message, a non-zero exit, and the PDF still saved.
    queue.set_enabled(false);
    let paused = cashier(&s, &["receipt", "print", "MZ01-000001"]);
    assert!(
        !paused.ok && paused.stderr.contains("已暂停"),
        "{} {}",
        paused.stdout,
        paused.stderr
    );
    assert!(std::path::Path::new(paused.stdout.trim()).exists(), "{}", paused.stdout);
    // Copies are numbered from 1 in the order printed: the roll was 副本1, this one 副本2.
    assert!(saved.ends_with("MZ01-000001-副本1.pdf"), "{saved}");
    assert!(paused.stdout.trim().ends_with("MZ01-000001-副本2.pdf"), "{}", paused.stdout);
    // A receipt never printed yet, issued while the queue is paused: not printed either.
    cashier(&s, &["charge", "--patient", "DT-MZ01-000001", "--line", "L1:1", "--pay", "cash:20"]).out();
    let never = cashier(&s, &["receipt", "print", "MZ01-000002"]);
    assert!(!never.ok && never.stderr.contains("列为未打印"), "{}", never.stderr);
    let list = cashier(&s, &["receipt", "unprinted", "--json"]).json();
    let listed: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["receipt_no"].as_str().unwrap(), u["copy"].as_bool().unwrap()))
        .collect();
    assert_eq!(listed, [("MZ01-000001", true), ("MZ01-000002", false)]);
    assert!(list[0]["problem"].as_str().unwrap().contains("已暂停"), "{list}");
    let text = cashier(&s, &["receipt", "unprinted"]).out().to_string();
    assert!(text.contains("MZ01-000002") && text.contains("共 2 张未打印"), "{text}");

    // Printed once the queue takes jobs: the one never printed is the original, the other a
    // copy; both leave the list.
    queue.set_enabled(true);
    let since = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
    let original = cashier(&s, &["receipt", "print", "MZ01-000002"]);
    assert!(original.out().contains("正本"), "{}", original.stdout);
    spooled("MZ01-000002", since, &[]);
    let again = cashier(&s, &["receipt", "print", "MZ01-000001"]);
    assert!(again.out().contains("副本"), "{}", again.stdout);
    assert_eq!(cashier(&s, &["receipt", "unprinted", "--json"]).json(), serde_json::json!([]));
    assert!(cashier(&s, &["receipt", "unprinted"]).out().contains("没有未打印的单据"));

    // A queue rejecting jobs: said as such, the PDF saved, listed until a printing reaches it.
    queue.set_accepting(false);
    let rejected = cashier(&s, &["receipt", "print", "MZ01-000002"]);
    assert!(
        !rejected.ok && rejected.stderr.contains("拒绝接收"),
        "{} {}",
        rejected.stdout,
        rejected.stderr
    );
    assert!(std::path::Path::new(rejected.stdout.trim()).exists(), "{}", rejected.stdout);
    assert_eq!(
        cashier(&s, &["receipt", "unprinted", "--json"]).json()[0]["receipt_no"],
        "MZ01-000002"
    );
    queue.set_accepting(true);
    assert!(cashier(&s, &["receipt", "print", "MZ01-000002"]).out().contains("副本"));
    assert_eq!(cashier(&s, &["receipt", "unprinted", "--json"]).json(), serde_json::json!([]));

    s.admin(&["setting", "printer", "no-such-queue"]).out();
    let missing = cashier(&s, &["receipt", "print", "MZ01-000001"]);
    assert!(!missing.ok && missing.stderr.contains("不存在"), "{}", missing.stderr);
    assert_eq!(
        cashier(&s, &["receipt", "unprinted", "--json"]).json()[0]["receipt_no"],
        "MZ01-000001"
    );
    s.admin(&["setting", "printer", "--none"]).out();
    s.run(&["verify"]).out();
}

#[test]
fn a_paper_book_is_registered_and_every_number_is_accounted_for_at_handover() {
    let s = counter();
    let pay = |paper: &str| {
        cashier(
            &s,
            &[
                "charge",
                "--patient",
                "DT-MZ01-000001",
                "--line",
                "L1:1",
                "--pay",
                "cash:20",
                "--paper-no",
                paper,
            ],
        )
    };
    // Without a book any number is taken, as before; a book holding it is then refused.
    pay("0100").out();
    let before = s.snapshot();
    cashier(&s, &["shift", "paper", "--from", "0090", "--to", "0110"]).fails_with("0100 已用于收据 MZ01-000001");
    for (from, to, why) in [
        ("SG0010", "SG0001", "小于起号"),
        ("SG0001", "XY0010", "前缀不同"),
        ("第一本", "SG0010", "应以数字结尾"),
        ("1", "99999", "超过"),
    ] {
        cashier(&s, &["shift", "paper", "--from", from, "--to", to]).fails_with(why);
    }
    assert_eq!(s.snapshot(), before, "a refused book writes nothing");

    let v = cashier(&s, &["shift", "paper", "--from", "SG0001", "--to", "sg0010", "--json"]).json();
    assert_eq!(
        (v["paper_books"][0]["first"].as_str(), v["paper_books"][0]["count"].as_i64()),
        (Some("SG0001"), Some(10))
    );
    assert_eq!(v["paper_next"], "SG0001");
    // Typed loosely, stored as the book writes it; the next one is proposed.
    pay("sg1").out();
    assert_eq!(
        cashier(&s, &["receipt", "show", "MZ01-000002", "--json"]).json()["paper_no"],
        "SG0001"
    );
    assert_eq!(cashier(&s, &["shift", "status", "--json"]).json()["paper_next"], "SG0002");
    assert!(cashier(&s, &["shift", "status"]).out().contains("下一张手工票据：SG0002"));
    let before = s.snapshot();
    pay("SG001").fails_with("手工发票号 SG0001 已用于收据 MZ01-000002");
    pay("SG0011").fails_with("不在本班登记的票据本（SG0001–SG0010）内");
    pay("0101").fails_with("不在本班登记的票据本");
    assert_eq!(s.snapshot(), before, "a refused number writes nothing");
    // SG0002 and SG0003 skipped; SG0005 voided with its receipt.
    pay("SG0004").out();
    pay("SG0005").out();
    cashier(&s, &with_sup(&["receipt", "void", "MZ01-000004", "--reason", "写错"])).out();
    assert_eq!(cashier(&s, &["shift", "status", "--json"]).json()["paper_next"], "SG0006");

    // Another cashier's book may not overlap an open one; opening with it writes nothing.
    s.admin(&["operator", "add", "赵收费", "--role", "cashier", "--pin", "1111"]).out();
    let zhao = |args: &[&str]| s.as_("赵收费", "1111", args);
    zhao(&["shift", "open", "--float", "100", "--paper-from", "SG0008", "--paper-to", "SG0020"])
        .fails_with("与 李收费 本班已登记的 SG0001–SG0010 重叠");
    assert!(zhao(&["shift", "status"]).out().contains("未开班"));
    let z = zhao(&[
        "shift",
        "open",
        "--float",
        "100",
        "--paper-from",
        "SG0011",
        "--paper-to",
        "SG0020",
        "--json",
    ])
    .json();
    assert_eq!(
        (z["paper_books"][0]["last"].as_str(), z["paper_next"].as_str()),
        (Some("SG0020"), Some("SG0011"))
    );
    let half = zhao(&["shift", "paper", "--from", "SG0021"]);
    assert!(!half.ok && half.stderr.contains("--to"), "{}", half.stderr);

    // The handover sheet: the book, used (one voided), skipped and unused.
    let report = cashier(&s, &["report", "shift", "--format", "json"]).json();
    let book = &report["paper_numbers"]["books"][0];
    assert_eq!(
        (
            book["first"].as_str(),
            book["used"].as_i64(),
            book["voided"].as_i64(),
            book["skipped"].as_i64()
        ),
        (Some("SG0001"), Some(3), Some(1), Some(2))
    );
    assert_eq!(
        (book["unused"]["first"].as_str(), book["unused"]["count"].as_i64()),
        (Some("SG0006"), Some(5))
    );
    let skipped = &report["paper_numbers"]["skipped"][0];
    assert_eq!(
        (skipped["first"].as_str(), skipped["last"].as_str()),
        (Some("SG0002"), Some("SG0003"))
    );
    let line = "李收费 票据本 SG0001–SG0010（10 张）：已用 3 张（作废 1 张），跳号 2 张，未用 SG0006–SG0010（5 张）";
    let text = cashier(&s, &["report", "shift"]).out().to_string();
    assert!(text.contains(line) && text.contains("跳号：SG0002 — SG0003"), "{text}");
    let pdf = s.dir.path().join("handover.pdf");
    cashier(&s, &["report", "shift", "--format", "pdf", "--out", pdf.to_str().unwrap()]).out();
    let text = pdf_text(&pdf);
    assert!(text.contains("票据本 SG0001–SG0010") && text.contains("SG0002 — SG0003"), "{text}");
    // Closing keeps it: the Z report lists the same book.
    let z = cashier(&s, &["shift", "close", "--counted", "260", "--json"]).json();
    assert_eq!(z["paper_numbers"]["books"][0]["used"], 3);
    s.run(&["verify"]).out();
}
