//! `downtime regtype list|set`, `register … --pay`, `registration cancel` with its refund.

use crate::patients::outage_station;
use crate::{cashier, Station};

fn new_patient(s: &Station) -> String {
    cashier(s, &["patient", "add", "--name", "赵六", "--sex", "M", "--confirm-duplicate"])
        .out()
        .trim()
        .to_string()
}

#[test]
fn regtype_list_shows_each_type_with_its_fee_items_by_code() {
    let s = outage_station();
    let list = s.run(&["regtype", "list", "--json"]).json();
    let types = list.as_array().unwrap();
    assert_eq!(types.len(), 5);
    let ordinary = &types[0];
    for key in ["key", "name", "active", "fee_items", "total_fen"] {
        assert!(ordinary.get(key).is_some(), "{key} in {ordinary}");
    }
    assert_eq!(
        (ordinary["key"].as_str(), ordinary["name"].as_str()),
        (Some("ordinary"), Some("普通号"))
    );
    assert_eq!(ordinary["total_fen"], 1100);
    let item = &ordinary["fee_items"][0];
    for key in ["code", "name", "unit_price", "category"] {
        assert!(item.get(key).is_some(), "{key} in {item}");
    }
    assert_eq!(
        (item["code"].as_str(), item["unit_price"].as_str(), item["category"].as_str()),
        (Some("110200001"), Some("1.00"), Some("挂号费"))
    );
    assert_eq!(types[4]["fee_items"].as_array().unwrap().len(), 0, "便民门诊 has no fee");
    let text = s.run(&["regtype", "list"]).out().to_string();
    assert!(
        text.contains("普通号") && text.contains("¥11.00") && text.contains("免费"),
        "{text}"
    );
}

#[test]
fn regtype_set_needs_a_supervisor_and_codes_of_the_active_price_list() {
    let s = outage_station();
    let before = s.snapshot();
    cashier(&s, &["regtype", "set", "night", "--name", "夜间门诊", "--fee", "110200001"]).fails_with("无权执行");
    s.admin(&[
        "regtype",
        "set",
        "night",
        "--name",
        "夜间门诊",
        "--fee",
        "110200001",
        "--fee",
        "XYZ999",
    ])
    .fails_with("没有编码为“XYZ999”的项目");
    s.admin(&["regtype", "set", "night", "--name", "普通号"])
        .fails_with("已用于 ordinary");
    assert_eq!(s.snapshot(), before);
    let t = s
        .admin(&[
            "regtype",
            "set",
            "night",
            "--name",
            "夜间门诊",
            "--fee",
            "110200001",
            "--fee",
            "110200005",
            "--json",
        ])
        .json();
    assert_eq!((t["key"].as_str(), t["total_fen"].as_i64()), (Some("night"), Some(1300)));
    let p = new_patient(&s);
    let r = cashier(
        &s,
        &[
            "register",
            "--patient",
            &p,
            "--dept",
            "NK",
            "--type",
            "夜间门诊",
            "--pay",
            "cash:13",
            "--json",
        ],
    )
    .json();
    assert_eq!(r["reg_type"], "night");
    s.admin(&["regtype", "set", "night", "--name", "夜间门诊", "--inactive"]).out();
    cashier(&s, &["register", "--patient", &p, "--dept", "NK", "--type", "night"]).fails_with("已停用");
    s.run(&["verify"]).out();
}

#[test]
fn register_and_pay_then_cancel_with_a_refund_back_to_the_card() {
    let s = outage_station();
    s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
        .out();
    let p = new_patient(&s);
    let r = cashier(
        &s,
        &[
            "register",
            "--patient",
            &p,
            "--dept",
            "WK",
            "--type",
            "associate",
            "--pay",
            "card:16:8888/123456",
            "--json",
        ],
    )
    .json();
    for key in ["id", "queue_no", "receipt_no", "total_fen", "change_fen"] {
        assert!(r.get(key).is_some(), "{key} in {r}");
    }
    assert_eq!((r["total_fen"].as_i64(), r["change_fen"].as_i64()), (Some(1600), Some(0)));
    let no = r["receipt_no"].as_str().unwrap().to_string();
    let receipt = s.admin(&["receipt", "show", &no, "--json"]).json();
    assert_eq!(receipt["kind"], "registration");
    // The slip says the fee is paid, with its receipt.
    let slip = s.dir.path().join("slip.pdf");
    s.admin(&["registration", "slip", r["id"].as_str().unwrap(), "--out", slip.to_str().unwrap()])
        .out();
    assert!(crate::pdf_text(&slip).contains(&format!("已收 收据 {no}")));
    // Written through the core's printing path: the printing is on record, as the window's is.
    let (kind, payload) = s.last_entry();
    assert_eq!(kind, "document_printed");
    for part in ["queue_slip", r["id"].as_str().unwrap(), "slip.pdf", "roll80"] {
        assert!(payload.contains(part), "{part} in {payload}");
    }
    let entries = s.snapshot();
    s.admin(&["registration", "slip", r["id"].as_str().unwrap(), "--out", slip.to_str().unwrap()])
        .out();
    assert_eq!(s.snapshot(), entries + 1, "each printing is recorded");
    s.admin(&["registration", "slip", "not-an-id", "--out", slip.to_str().unwrap()])
        .fails_with("挂号");
    assert_eq!(s.snapshot(), entries + 1, "a refused slip records nothing");
    let id = r["id"].as_str().unwrap();
    cashier(&s, &["registration", "cancel", id, "--reason", "挂错号"]).fails_with("需要主管授权");
    cashier(
        &s,
        &[
            "receipt",
            "void",
            &no,
            "--reason",
            "x",
            "--supervisor",
            "陈主管",
            "--supervisor-pin",
            "1357",
        ],
    )
    .fails_with("退号");
    let c = cashier(
        &s,
        &[
            "registration",
            "cancel",
            id,
            "--reason",
            "挂错号",
            "--supervisor",
            "陈主管",
            "--supervisor-pin",
            "1357",
            "--json",
        ],
    )
    .json();
    assert_eq!(c["refund_fen"], 1600);
    let voucher = s.admin(&["receipt", "show", c["receipt_no"].as_str().unwrap(), "--json"]).json();
    assert_eq!(
        (voucher["kind"].as_str(), voucher["refund_of"].as_str()),
        (Some("refund"), Some(no.as_str()))
    );
    assert_eq!(
        (
            voucher["tenders"][0]["method"].as_str(),
            voucher["tenders"][0]["reference"].as_str()
        ),
        (Some("card"), Some("8888/123456"))
    );
    // A free registration is cancelled without a supervisor.
    let free = cashier(
        &s,
        &["register", "--patient", &p, "--dept", "NK", "--type", "convenience", "--json"],
    )
    .json();
    assert!(free["receipt_no"].is_null());
    let c = cashier(
        &s,
        &[
            "registration",
            "cancel",
            free["id"].as_str().unwrap(),
            "--reason",
            "不看了",
            "--json",
        ],
    )
    .json();
    assert_eq!((c["refund_fen"].as_i64(), c["receipt_no"].is_null()), (Some(0), true));
    s.run(&["verify"]).out();
}

#[test]
fn a_price_list_without_a_types_fee_codes_says_so_in_its_dry_run_and_import() {
    let s = outage_station();
    // The hospital's own services list, with codes of its own, replacing the sample's part.
    let services = s.dir.path().join("本院医疗服务项目.csv");
    std::fs::write(
        &services,
        "\u{feff}收费项目编码,收费项目名称,计价单位,单价,收费类别\r\nA1101,挂号费,次,1.00,挂号费\r\nA1102,门诊诊查费(普通),次,10.00,诊察费\r\n",
    )
    .unwrap();
    let services = services.to_str().unwrap();
    let part = ["--part", "医疗服务项目", "--confirm-shrink"];
    let dry = s
        .admin(&[&["catalog", "import", services][..], &part, &["--dry-run", "--json"]].concat())
        .json();
    let missing = dry["reg_types_missing"].as_array().unwrap();
    assert_eq!(missing.len(), 4);
    assert_eq!(
        (missing[0]["key"].as_str(), missing[0]["codes"][0].as_str()),
        (Some("ordinary"), Some("110200001"))
    );
    let text = s.admin(&[&["catalog", "import", services][..], &part].concat()).out().to_string();
    assert!(
        text.contains("号别 普通号（ordinary）的费用项目 110200001、110200002 不在这份价目表中"),
        "{text}"
    );
    let p = new_patient(&s);
    cashier(
        &s,
        &[
            "register",
            "--patient",
            &p,
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .fails_with("没有编码为“110200001”的项目");
    s.admin(&["regtype", "set", "ordinary", "--name", "普通号", "--fee", "A1101", "--fee", "A1102"])
        .out();
    cashier(
        &s,
        &[
            "register",
            "--patient",
            &p,
            "--dept",
            "NK",
            "--type",
            "ordinary",
            "--pay",
            "cash:11",
        ],
    )
    .out();
}
