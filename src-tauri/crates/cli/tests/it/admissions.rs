use crate::{pdf_text, Run, Station};

fn office() -> Station {
    let s = Station::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../assets");
    s.admin(&["dept", "import", &format!("{root}/departments.csv")]).out();
    s.admin(&["operator", "add", "赵住院", "--role", "admissions", "--pin", "3579"])
        .out();
    s.admin(&["operator", "add", "陈主管", "--role", "supervisor", "--pin", "1357"])
        .out();
    s.admin(&["outage", "start", "--reason", "HIS 宕机"]).out();
    clerk(&s, &["shift", "open"]).out();
    clerk(
        &s,
        &[
            "patient",
            "add",
            "--name",
            "王五",
            "--sex",
            "M",
            "--birth",
            "1960-06-06",
            "--insurance",
            "resident",
            "--insurance-no",
            "R777",
        ],
    )
    .out();
    s
}

fn clerk(s: &Station, args: &[&str]) -> Run {
    s.as_("赵住院", "3579", args)
}

#[test]
fn admit_insured_as_self_pay_take_deposits_and_refund_part() {
    let s = office();
    let a = clerk(
        &s,
        &[
            "admit",
            "--patient",
            "DT-MZ01-000001",
            "--dept",
            "ZYNK",
            "--ward",
            "内科一病区",
            "--bed",
            "12",
            "--json",
        ],
    )
    .json();
    assert_eq!(
        (a["inpatient_no"].as_str(), a["convert_to_insured"].as_bool()),
        (Some("ZY-MZ01-000001"), Some(true))
    );
    assert!(a["id"].is_string());
    clerk(&s, &["admit", "--patient", "DT-MZ01-000001", "--dept", "ZYNK"]).fails_with("已有住院记录");
    let d = clerk(&s, &["deposit", "--admission", "ZY-MZ01-000001", "--pay", "cash:2000", "--json"]).json();
    assert_eq!(
        (d["receipt_no"].as_str(), d["amount_fen"].as_i64(), d["balance_fen"].as_i64()),
        (Some("MZ01-000001"), Some(200_000), Some(200_000))
    );
    let top = clerk(
        &s,
        &[
            "deposit",
            "--admission",
            "ZY-MZ01-000001",
            "--pay",
            "card:1000:6222/000123",
            "--json",
        ],
    )
    .json();
    assert_eq!(top["balance_fen"], 300_000);
    clerk(&s, &["deposit", "--admission", "ZY-MZ01-000001", "--pay", "cheque:500:工商银行"]).fails_with("支票请填写开户银行和支票号码");
    clerk(&s, &["deposit", "--admission", "ZY-MZ01-000001", "--pay", "cash:0"]).fails_with("必须大于 0");
    let refund_args = |amount: &'static str| -> Vec<&'static str> {
        vec![
            "deposit",
            "refund",
            "--admission",
            "ZY-MZ01-000001",
            "--amount",
            amount,
            "--reason",
            "出院结算",
            "--supervisor",
            "陈主管",
            "--supervisor-pin",
            "1357",
            "--json",
        ]
    };
    clerk(&s, &refund_args("3000.01")).fails_with("超过预交金余额");
    let r = clerk(&s, &refund_args("1200.50")).json();
    assert_eq!(r["balance_fen"], 179_950);
    let b = s.admin(&["deposit", "balance", "--admission", "ZY-MZ01-000001", "--json"]).json();
    assert_eq!(b["balance_fen"], 179_950);
    assert_eq!(b["movements"].as_array().unwrap().len(), 3);
    let text = s.admin(&["deposit", "balance", "--admission", "ZY-MZ01-000001"]);
    assert!(text.out().contains("¥1,799.50"), "{}", text.stdout);
    let pdf = s.dir.path().join("summary.pdf");
    clerk(&s, &["admission", "summary", "ZY-MZ01-000001", "--out", pdf.to_str().unwrap()]).out();
    let summary = pdf_text(&pdf);
    assert!(summary.contains("ZY-MZ01-000001") && summary.contains("1,799.50"), "{summary}");
    // Written through the core's printing path: the printing is on record, as the window's is.
    let (kind, payload) = s.last_entry();
    assert_eq!(kind, "document_printed");
    for part in ["deposit_summary", "ZY-MZ01-000001", "summary.pdf", "a5"] {
        assert!(payload.contains(part), "{part} in {payload}");
    }
    let entries = s.snapshot();
    clerk(&s, &["admission", "summary", "ZY-MZ01-999999", "--out", pdf.to_str().unwrap()]).fails_with("ZY-MZ01-999999");
    assert_eq!(s.snapshot(), entries, "a refused summary records nothing");
    let receipt = s.dir.path().join("deposit.pdf");
    clerk(&s, &["receipt", "pdf", "MZ01-000001", "--out", receipt.to_str().unwrap()]).out();
    let text = pdf_text(&receipt);
    assert!(text.contains("住院病人预交金收据") && text.contains("贰仟元整"), "{text}");
    s.run(&["verify"]).out();
}

#[test]
fn a_cancelled_admission_takes_no_deposit() {
    let s = office();
    clerk(&s, &["admit", "--patient", "DT-MZ01-000001", "--dept", "ZYWK"]).out();
    clerk(&s, &["admission", "cancel", "ZY-MZ01-000001", "--reason", "患者未到"]).out();
    clerk(&s, &["deposit", "--admission", "ZY-MZ01-000001", "--pay", "cash:100"]).fails_with("已取消入院");
    clerk(&s, &["deposit", "--pay", "cash:100"]).fails_with("--admission");
    s.as_(
        "陈主管",
        "1357",
        &["admit", "--patient", "DT-MZ01-000001", "--dept", "ZYWK", "--confirm-second"],
    )
    .out();
}
