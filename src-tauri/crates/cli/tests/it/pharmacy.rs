//! `downtime init --kind pharmacy`, `station key`, `pharmacy trust|scan|dispense|return` and a
//! counter refund backed by the pharmacy's return slip (#18).

use crate::{pdf_text, run_db, Station};

const PH: [&str; 4] = ["--as", "李药师", "--pin", "2468"];
const BOSS: [&str; 4] = ["--approver", "赵主管", "--approver-pin", "1357"];

fn with<'a>(head: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    let mut all = head.to_vec();
    all.extend_from_slice(args);
    all
}

/// A counter `MZ01` in an outage, with drugs in its price list and a cashier on shift.
fn counter() -> Station {
    Station::on_shift(
        "编码,名称,规格,单位,单价,费用类别\nY1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费\nY2,维生素C片,100mg,片,0.0125,西药费\nE1,CT平扫(头颅),,次,150,检查费\n",
        "200",
    )
}

/// A pharmacy `YF01` with a pharmacist and a pharmacist-in-charge.
fn pharmacy() -> Station {
    let s = Station::empty();
    let init = s.run(&[
        "init",
        "--kind",
        "pharmacy",
        "--hospital",
        "市第一人民医院",
        "--station",
        "YF01",
        "--station-name",
        "门诊西药房",
        "--admin",
        "王管理",
        "--admin-pin",
        "123456",
        "--json",
    ]);
    assert_eq!(init.json()["kind"], "pharmacy");
    s.admin(&["operator", "add", "李药师", "--role", "pharmacist", "--pin", "2468"])
        .out();
    s.admin(&["operator", "add", "赵主管", "--role", "pharmacist-in-charge", "--pin", "1357"])
        .out();
    s
}

#[test]
fn a_pharmacy_is_set_up_by_init_and_refuses_counter_tasks() {
    let bad = Station::empty();
    bad.run(&[
        "init",
        "--kind",
        "shop",
        "--hospital",
        "市第一人民医院",
        "--station",
        "YF01",
        "--station-name",
        "药房",
        "--admin",
        "王管理",
        "--admin-pin",
        "123456",
    ])
    .fails_with("没有“shop”这种工作站");
    assert!(!bad.db().exists(), "a refused init writes nothing");
    let p = pharmacy();
    let before = p.snapshot();
    p.run(&with(&PH, &["shift", "open", "--float", "0"])).fails_with("这是药房工作站");
    let file = p.dir.path().join("价目表.csv");
    std::fs::write(&file, "编码,名称,规格,单位,单价,费用类别\nY1,阿莫西林胶囊,盒,盒,12.5,西药费\n").unwrap();
    p.admin(&["catalog", "import", file.to_str().unwrap()]).fails_with("这是药房工作站");
    assert_eq!(p.snapshot(), before);
    let c = counter();
    c.as_("李收费", "2468", &["pharmacy", "scan", "DDR4.x"]).fails_with("这是收费窗口");
}

#[test]
fn scan_dispense_refuse_the_second_and_return_with_a_slip_the_counter_refunds() {
    let c = counter();
    let p = pharmacy();
    let receipt = c
        .as_(
            "李收费",
            "2468",
            &[
                "charge",
                "--patient",
                "DT-MZ01-000001",
                "--line",
                "Y1:2",
                "--line",
                "Y2:30",
                "--line",
                "E1:1",
                "--pay",
                "cash:175.38",
                "--json",
            ],
        )
        .json();
    let payload = receipt["qr_payload"].as_str().unwrap().to_string();
    // A station the pharmacy does not know.
    p.run(&with(&PH, &["pharmacy", "scan", &payload])).fails_with("本药房没有它的公钥");
    let card = c.dir.path().join("MZ01.key.json");
    // Handing the key card out is for those who also trust keys: not a cashier.
    c.as_("李收费", "2468", &["station", "key", "--out", card.to_str().unwrap()])
        .fails_with("无权执行");
    assert!(!card.exists());
    let shown = c.admin(&["station", "key", "--out", card.to_str().unwrap()]);
    assert!(shown.out().contains("公钥指纹"), "{}", shown.stdout);
    // A pharmacist may not trust keys; the administrator may.
    p.run(&with(&PH, &["pharmacy", "trust", card.to_str().unwrap()]))
        .fails_with("无权执行");
    let trusted = p.admin(&["pharmacy", "trust", card.to_str().unwrap(), "--json"]).json();
    assert_eq!(
        (trusted["station_code"].as_str(), trusted["new"].as_bool()),
        (Some("MZ01"), Some(true))
    );
    let altered = p.dir.path().join("altered.json");
    std::fs::write(
        &altered,
        std::fs::read_to_string(&card).unwrap().replace("门诊收费一号窗", "假窗口"),
    )
    .unwrap();
    p.admin(&["pharmacy", "trust", altered.to_str().unwrap()])
        .fails_with("密钥卡被改动过");

    let scan = p.run(&with(&PH, &["pharmacy", "scan", &payload, "--json"])).json();
    assert_eq!(scan["kind"], "charge");
    assert_eq!(scan["station"], "MZ01");
    assert_eq!(scan["receipt_no"], "MZ01-000001");
    assert_eq!(scan["patient"], "DT-MZ01-000001");
    let lines: Vec<(String, String)> = scan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["code"].as_str().unwrap().into(), l["quantity"].as_str().unwrap().into()))
        .collect();
    assert_eq!(lines, vec![("Y1".into(), "2".into()), ("Y2".into(), "30".into())]);
    assert_eq!(scan["already"].as_array().unwrap().len(), 0);
    // Altered paper: 2 boxes made 20.
    p.run(&with(&PH, &["pharmacy", "scan", &payload.replacen("1*Y1*2", "1*Y1*20", 1)]))
        .fails_with("签名不符");
    p.run(&with(&PH, &["pharmacy", "dispense", &payload, "--line", "1:5"]))
        .fails_with("收据上只有 2");
    p.run(&with(&PH, &["pharmacy", "dispense", &payload, "--line", "x"]))
        .fails_with("行号:数量");

    p.run(&with(&PH, &["pharmacy", "dispense", &payload, "--line", "1:2", "--line", "2:30"]))
        .out();
    let before = p.snapshot();
    p.run(&with(&PH, &["pharmacy", "dispense", &payload]))
        .fails_with("发过药：再次发药需要药房主管授权");
    p.run(&with(&PH, &["pharmacy", "dispense", &payload, "--approver", "赵主管"]))
        .fails_with("主管姓名和 PIN");
    assert_eq!(p.snapshot(), before);
    let again = p
        .run(&with(
            &with(
                &PH,
                &[
                    "pharmacy",
                    "dispense",
                    &payload,
                    "--line",
                    "2:10",
                    "--reason",
                    "药片撒落补发",
                    "--json",
                ],
            ),
            &BOSS,
        ))
        .json();
    assert_eq!(again["dispensing"]["approver"], "赵主管");
    assert_eq!(again["receipt"]["already"].as_array().unwrap().len(), 2);

    let slip_pdf = p.dir.path().join("slip.pdf");
    let ret = p
        .run(&with(
            &PH,
            &[
                "pharmacy",
                "return",
                &payload,
                "--line",
                "1:1",
                "--out",
                slip_pdf.to_str().unwrap(),
                "--json",
            ],
        ))
        .json();
    let slip = ret["return"]["slip_payload"].as_str().unwrap().to_string();
    assert_eq!(ret["return"]["slip_no"], "YF01-T000001");
    let text = pdf_text(&slip_pdf);
    assert!(
        text.contains("退药单") && text.contains("YF01-T000001") && text.contains("MZ01-000001"),
        "{text}"
    );
    // Written through the core's printing path: the slip's printing is on record.
    let (kind, entry) = p.last_entry();
    assert_eq!(kind, "document_printed");
    for part in ["return_slip", "YF01-T000001", "slip.pdf"] {
        assert!(entry.contains(part), "{part} in {entry}");
    }
    p.run(&with(&PH, &["pharmacy", "return", &payload, "--line", "1:5"]))
        .fails_with("不能退 5");

    // The counter refunds by the slip once it trusts the pharmacy.
    let refund = |by: &str| {
        c.as_(
            "李收费",
            "2468",
            &[
                "receipt",
                "refund",
                "MZ01-000001",
                "--reason",
                "患者退药",
                "--drug-return-by",
                by,
                "--supervisor",
                "陈主管",
                "--supervisor-pin",
                "1357",
                "--json",
            ],
        )
    };
    refund(&slip).fails_with("没有它的公钥");
    let pcard = p.dir.path().join("YF01.key.json");
    p.admin(&["station", "key", "--out", pcard.to_str().unwrap()]).out();
    c.admin(&["pharmacy", "trust", pcard.to_str().unwrap()]).out();
    let back = refund(&slip).json();
    assert_eq!(back["drug_return_by"], "李药师（药房 YF01 退药单 YF01-T000001）");
    assert_eq!(back["lines"].as_array().unwrap().len(), 1);
    refund(&slip).fails_with("已用于退费");
    // Everything is in both chains.
    assert!(c.run(&["verify"]).ok && p.run(&["verify"]).ok);
    let _ = run_db;
}
