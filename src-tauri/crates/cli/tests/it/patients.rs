use crate::{cashier, Station};

pub fn outage_station() -> Station {
    let s = Station::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../assets");
    // The shipped sample price list, its two parts as a hospital keeps them.
    s.admin(&[
        "catalog",
        "import",
        &format!("{root}/catalog/sample-services-2026-11.csv"),
        "--part",
        "医疗服务项目",
    ])
    .out();
    s.admin(&[
        "catalog",
        "import",
        &format!("{root}/catalog/sample-drugs-2026-11.csv"),
        "--part",
        "药品",
    ])
    .out();
    s.admin(&["dept", "import", &format!("{root}/departments.csv")]).out();
    s.admin(&["operator", "add", "李收费", "--role", "cashier", "--pin", "2468"]).out();
    s.admin(&["outage", "start", "--reason", "HIS 宕机"]).out();
    s.as_("李收费", "2468", &["shift", "open", "--float", "100"]).out();
    s
}

#[test]
fn add_find_and_register() {
    let s = outage_station();
    let no = cashier(
        &s,
        &[
            "patient",
            "add",
            "--name",
            "张三",
            "--sex",
            "F",
            "--id-number",
            "11010519491231002X",
        ],
    );
    assert_eq!(no.out().trim(), "DT-MZ01-000001");
    let p = cashier(
        &s,
        &[
            "patient",
            "add",
            "--name",
            "李四",
            "--sex",
            "M",
            "--age",
            "40",
            "--phone",
            "13800000000",
            "--insurance",
            "employee",
            "--insurance-no",
            "E1",
            "--json",
        ],
    )
    .json();
    for key in ["id", "downtime_no", "name", "sex", "birth", "id_number", "his_id"] {
        assert!(p.get(key).is_some(), "{key}");
    }
    assert_eq!(p["downtime_no"], "DT-MZ01-000002");
    let found = s.admin(&["patient", "find", "zs", "--json"]).json();
    assert_eq!(found[0]["name"], "张三");
    assert_eq!(found[0]["birth"], "1949-12-31");
    let q = cashier(
        &s,
        &[
            "register",
            "--patient",
            "DT-MZ01-000001",
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    );
    assert_eq!(q.out().trim(), "内科 第 1 号  收据 MZ01-000001  挂号费 ¥11.00");
    let r = cashier(
        &s,
        &[
            "register",
            "--patient",
            "DT-MZ01-000002",
            "--dept",
            "NK",
            "--type",
            "主任医师号",
            "--doctor",
            "张明",
            "--pay",
            "cash:21",
            "--tendered",
            "31",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (
            r["queue_no"].as_i64(),
            r["dept"].as_str(),
            r["total_fen"].as_i64(),
            r["change_fen"].as_i64()
        ),
        (Some(2), Some("NK"), Some(2100), Some(1000))
    );
    assert_eq!(r["receipt_no"], "MZ01-000002");
    // The doctor of the visit is printed on its receipt, and only when there is one.
    for (no, doctor) in [("MZ01-000002", true), ("MZ01-000001", false)] {
        let out = s.dir.path().join(format!("{no}.pdf"));
        cashier(&s, &["receipt", "pdf", no, "--out", out.to_str().unwrap()]).out();
        let text = crate::pdf_text(&out);
        assert_eq!(text.contains("医生") && text.contains("张明"), doctor, "{no}: {text}");
    }
    let list = cashier(&s, &["registration", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let cancelled = cashier(
        &s,
        &[
            "registration",
            "cancel",
            r["id"].as_str().unwrap(),
            "--reason",
            "挂错科室",
            "--supervisor",
            "王管理",
            "--supervisor-pin",
            "123456",
            "--json",
        ],
    )
    .json();
    assert_eq!(cancelled["registration"]["cancelled"], true);
    assert_eq!(
        (cancelled["refund_fen"].as_i64(), cancelled["receipt_no"].as_str()),
        (Some(2100), Some("MZ01-000003"))
    );
    let depts = s.run(&["dept", "list", "--json"]).json();
    assert!(depts.as_array().unwrap().iter().any(|d| d["code"] == "JZ"));
}

#[test]
fn bad_input_is_refused_with_one_sentence() {
    let s = outage_station();
    let before = s.snapshot();
    for (args, msg) in [
        (
            vec!["--name", "甲", "--sex", "M", "--id-number", "110105194912310021"],
            "校验位错误",
        ),
        (vec!["--name", "甲", "--sex", "M", "--birth", "2001-02-30"], "日期“2001-02-30”无效"),
        (vec!["--name", "甲", "--sex", "M", "--birth", "2999-01-01"], "晚于今天"),
        (vec!["--name", "", "--sex", "M"], "姓名不能为空"),
        (vec!["--name", "甲\u{7}", "--sex", "M"], "控制字符"),
        (vec!["--name", "甲", "--sex", "M", "--age", "151"], "不合理"),
    ] {
        let mut all = vec!["patient", "add"];
        all.extend(args);
        cashier(&s, &all).fails_with(msg);
    }
    cashier(
        &s,
        &[
            "register",
            "--patient",
            "DT-MZ01-000009",
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .fails_with("找不到患者");
    assert_eq!(s.snapshot(), before);
    cashier(&s, &["patient", "add", "--name", "甲", "--sex", "M"]).out();
    cashier(
        &s,
        &[
            "register",
            "--patient",
            "DT-MZ01-000001",
            "--dept",
            "XX",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .fails_with("没有编码为“XX”的科室");
    cashier(&s, &["register", "--patient", "DT-MZ01-000001", "--dept", "NK", "--type", "vip"]).fails_with("没有“vip”这个号别");
    cashier(
        &s,
        &["register", "--patient", "DT-MZ01-000001", "--dept", "NK", "--type", "ordinary"],
    )
    .fails_with("须当场收取");
    s.admin(&["operator", "add", "张收费", "--role", "cashier", "--pin", "1111"]).out();
    s.as_(
        "张收费",
        "1111",
        &[
            "register",
            "--patient",
            "DT-MZ01-000001",
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .fails_with("还没有开班");
    s.admin(&["outage", "end"]).fails_with("还有 1 个班次未交班：李收费");
    s.admin(&["outage", "end", "--with-open-shifts"]).out();
    cashier(
        &s,
        &[
            "register",
            "--patient",
            "DT-MZ01-000001",
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .fails_with("当前不在应急状态");
}

#[test]
fn duplicates_need_confirmation() {
    let s = outage_station();
    cashier(&s, &["patient", "add", "--name", "王五", "--sex", "M", "--birth", "1980-01-01"]).out();
    cashier(&s, &["patient", "add", "--name", "王五", "--sex", "M", "--birth", "1980-01-01"]).fails_with("可能重复");
    assert_eq!(
        cashier(
            &s,
            &[
                "patient",
                "add",
                "--name",
                "王五",
                "--sex",
                "M",
                "--birth",
                "1980-01-01",
                "--confirm-duplicate"
            ]
        )
        .out()
        .trim(),
        "DT-MZ01-000002"
    );
}

#[test]
fn the_his_index_snapshot() {
    // (Read from the file as it is imported: a big hospital's index is millions of rows.)
    let s = outage_station();
    let file = s.dir.path().join("his.csv");
    std::fs::write(
        &file,
        "HIS号,姓名,性别,出生日期,身份证号,联系电话\nH001,孙悟空,男,1975-03-03,,13700000001\nH002,,男,,,\n",
    )
    .unwrap();
    let dry = s.admin(&["patients", "import", file.to_str().unwrap(), "--dry-run"]);
    assert!(dry.out().contains("第 3 行（H002）：缺少姓名"), "{}", dry.stdout);
    s.admin(&["patients", "import", file.to_str().unwrap()]).fails_with("有 1 行有问题");
    let imported = s.admin(&["patients", "import", file.to_str().unwrap(), "--skip-bad"]);
    imported.out();
    assert_eq!(imported.stderr, "", "no progress bar when standard error is not a terminal");
    let found = s.admin(&["patient", "find", "孙悟空", "--json"]).json();
    assert_eq!(found[0]["his_id"], "H001");
    assert!(found[0]["downtime_no"].is_null());
    assert_eq!(
        cashier(
            &s,
            &[
                "register",
                "--patient",
                "H001",
                "--dept",
                "JZ",
                "--type",
                "emergency",
                "--pay",
                "wechat:13:4200001"
            ]
        )
        .out()
        .trim(),
        "急诊科 第 1 号  收据 MZ01-000001  挂号费 ¥13.00"
    );
    let linked = s.admin(&["patient", "find", "H001", "--json"]).json();
    assert_eq!(linked[0]["downtime_no"], "DT-MZ01-000001");
    s.run(&["verify"]).out();
}

fn sample(name: &str) -> String {
    format!("{}/../core/tests/it/data/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn insured_by_default_self_pay_with_a_reason_and_the_index_insurance_columns() {
    let s = outage_station();
    let index = sample("his-patient-index.csv");
    let dry = s.admin(&["patients", "import", &index, "--dry-run"]).out().to_string();
    assert!(dry.contains("第 2 行（P20190001）") && dry.contains("校验位错误"), "{dry}");
    s.admin(&["patients", "import", &index, "--skip-bad"]).out();
    let found = s.admin(&["patient", "find", "李秀英", "--json"]).json();
    assert_eq!(
        (found[0]["insurance"].as_str(), found[0]["insurance_no"].as_str()),
        (Some("resident"), Some("YB1101000002"))
    );
    // Charged as insured without saying so; as self-pay only with a reason.
    let r = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "P20190002",
            "--line",
            "111000001:1",
            "--pay",
            "cash:10",
            "--json",
        ],
    )
    .json();
    assert_eq!(r["insured"], true);
    assert!(r["resettle_due"].is_string());
    cashier(
        &s,
        &[
            "charge",
            "--patient",
            "P20190002",
            "--line",
            "111000001:1",
            "--pay",
            "cash:10",
            "--self-pay",
            "",
        ],
    )
    .fails_with("写明原因");
    let r = cashier(
        &s,
        &[
            "charge",
            "--patient",
            "P20190002",
            "--line",
            "111000001:1",
            "--pay",
            "cash:10",
            "--self-pay",
            "未带医保卡",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (r["insured"].as_bool(), r["reason"].as_str()),
        (Some(false), Some("按自费收费：未带医保卡"))
    );
    let reg = cashier(
        &s,
        &[
            "register",
            "--patient",
            "P20190002",
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
            "--json",
        ],
    )
    .json();
    let fee = s.admin(&["receipt", "show", reg["receipt_no"].as_str().unwrap(), "--json"]).json();
    assert_eq!(fee["insured"], true);
}

#[test]
fn correct_and_merge_patients() {
    let s = outage_station();
    s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
        .out();
    let a = cashier(&s, &["patient", "add", "--name", "张三丰", "--sex", "M", "--phone", "13800000001"])
        .out()
        .trim()
        .to_string();
    let b = cashier(
        &s,
        &[
            "patient",
            "add",
            "--name",
            "张三丰",
            "--sex",
            "M",
            "--age",
            "60",
            "--confirm-duplicate",
        ],
    )
    .out()
    .trim()
    .to_string();
    let r = cashier(&s, &["charge", "--patient", &a, "--line", "111000001:1", "--pay", "cash:10"])
        .out()
        .trim()
        .to_string();
    cashier(&s, &["patient", "correct", &a, "--name", "张三风", "--reason", " "]).fails_with("更正原因不能为空");
    let before = s.snapshot();
    cashier(&s, &["patient", "correct", &a, "--name", "𰀀风", "--reason", "笔误"]).fails_with("U+30000");
    assert_eq!(s.snapshot(), before);
    let p = cashier(
        &s,
        &[
            "patient",
            "correct",
            &a,
            "--name",
            "张三风",
            "--insurance",
            "employee",
            "--insurance-no",
            "E1",
            "--reason",
            "姓名笔误",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (p["name"].as_str(), p["phone"].as_str(), p["insurance"].as_str()),
        (Some("张三风"), Some("13800000001"), Some("employee"))
    );
    // The receipt issued before still says what it printed.
    let old = s.admin(&["receipt", "show", &r, "--json"]).json();
    assert_eq!(old["patient_name"], "张三丰");
    // Merging needs a supervisor; afterwards both numbers find the patient kept.
    cashier(
        &s,
        &[
            "patient",
            "merge",
            &b,
            "--into",
            &a,
            "--reason",
            "同一人",
            "--supervisor",
            "李收费",
            "--supervisor-pin",
            "2468",
        ],
    )
    .fails_with("无权执行");
    let m = cashier(
        &s,
        &[
            "patient",
            "merge",
            &b,
            "--into",
            &a,
            "--reason",
            "同一人",
            "--supervisor",
            "陈主管",
            "--supervisor-pin",
            "1357",
            "--json",
        ],
    )
    .json();
    assert_eq!(m["downtime_no"].as_str(), Some(a.as_str()));
    let found = s.admin(&["patient", "find", &b, "--json"]).json();
    assert_eq!(found[0]["downtime_no"].as_str(), Some(a.as_str()));
    s.run(&["verify"]).out();
}
