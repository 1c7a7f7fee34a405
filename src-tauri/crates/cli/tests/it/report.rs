//! `downtime report …`, `shift close` with its count rules, `outage end` with open shifts and
//! the signed `receipt list`, run as a script would.

use crate::{cashier, pdf_text, Station};

const SUP: [&str; 4] = ["--supervisor", "陈主管", "--supervisor-pin", "1357"];

/// A counter in an outage: one item at ¥67.16, the cashier 李收费 on shift with ¥500.00, the
/// supervisor 陈主管, one patient.
fn counter() -> Station {
    Station::on_shift(
        "编码,名称,规格,单位,单价,费用类别\nE1,CT平扫(头颅),,次,67.16,检查费\nL1,血常规,,项,20,化验费\n",
        "500",
    )
}

fn charge(s: &Station, line: &str, paper: &str) -> String {
    let mut args = vec!["charge", "--patient", "DT-MZ01-000001", "--line", line, "--pay"];
    let pay = if line.starts_with("E1") { "cash:67.16" } else { "cash:20" };
    args.push(pay);
    if !paper.is_empty() {
        args.extend(["--paper-no", paper]);
    }
    cashier(s, &args).out().trim().to_string()
}

#[test]
fn a_short_count_needs_a_reason_and_a_large_one_a_supervisor() {
    let s = counter();
    charge(&s, "E1:1", "");
    let before = s.snapshot();
    // ¥560.00 counted against ¥567.16 expected: told so, and asked why.
    cashier(&s, &["shift", "close", "--counted", "560"]).fails_with("清点现金 ¥560.00 与应有现金 ¥567.16 相差 -¥7.16");
    cashier(&s, &["shift", "close", "--count", "100x5,3x2"]).fails_with("没有面额为 ¥3.00 的人民币");
    let both = cashier(&s, &["shift", "close", "--counted", "500", "--count", "100x5"]);
    assert!(!both.ok && both.stderr.contains("cannot be used with"), "{}", both.stderr);
    assert_eq!(s.snapshot(), before, "refusals write nothing");
    let z = cashier(&s, &["shift", "close", "--counted", "560", "--reason", "找零多给", "--json"]).json();
    assert_eq!(z["kind"], "z");
    assert_eq!(z["expected_cash_fen"], 56716);
    assert_eq!(z["counted_cash_fen"], 56000);
    assert_eq!(z["difference_fen"], -716);
    assert_eq!(z["difference_reason"], "找零多给");
    assert_eq!(z["difference_approved_by"], serde_json::Value::Null);

    // Next shift: ¥20.00 over by denomination, above the ¥10 threshold.
    cashier(&s, &["shift", "open", "--float", "100"]).out();
    charge(&s, "L1:1", "");
    let close = ["shift", "close", "--count", "100x1,20x2", "--reason", "多收"];
    cashier(&s, &close).fails_with("差额 ¥20.00 超过限额 ¥10.00：需要主管");
    let mut own = close.to_vec();
    own.extend(["--supervisor", "李收费", "--supervisor-pin", "2468"]);
    cashier(&s, &own).fails_with("李收费 不能确认自己的交班差额");
    let mut approved = close.to_vec();
    approved.extend(SUP);
    let text = cashier(&s, &approved).out().to_string();
    assert!(text.contains("交班单（Z 报表·交班）"), "{text}");
    assert!(text.contains("差额（清点 − 应有）  ¥20.00"), "{text}");
    assert!(text.contains("点钞明细  ¥100.00×1  ¥20.00×2"), "{text}");
    assert!(text.contains("差额确认主管  陈主管"), "{text}");

    // The threshold is a setting.
    s.admin(&["shift", "threshold", "50"]).out();
    assert_eq!(s.run(&["shift", "threshold", "--json"]).json()["threshold_fen"], 5000);
    cashier(&s, &["shift", "threshold", "0"]).fails_with("需要管理员");
    s.run(&["verify"]).out();
}

#[test]
fn an_outage_with_open_shifts_ends_only_when_confirmed() {
    let s = counter();
    s.as_("陈主管", "1357", &["outage", "end"])
        .fails_with("还有 1 个班次未交班：李收费");
    let ended = s.as_("陈主管", "1357", &["outage", "end", "--with-open-shifts"]).out().to_string();
    assert!(ended.contains("应急已结束"), "{ended}");
    assert!(ended.contains("downtime report outage --outage"), "offers its report: {ended}");
    let report = s.as_("陈主管", "1357", &["report", "outage", "--format", "json"]).json();
    assert_eq!(report["outage"]["active"], false);
    assert_eq!(report["shifts"][0]["closed_at"], serde_json::Value::Null);
}

#[test]
fn reports_in_text_json_and_pdf_agree() {
    let s = counter();
    charge(&s, "E1:1", "A0001");
    charge(&s, "L1:1", "A0003");
    let voided = charge(&s, "L1:1", "");
    let mut void = vec!["receipt", "void", voided.as_str(), "--reason", "收错"];
    void.extend(SUP);
    cashier(&s, &void).out();
    let json = cashier(&s, &["report", "shift", "--current", "--format", "json"]).json();
    assert_eq!(json["kind"], "x");
    assert_eq!(json["closed_at"], serde_json::Value::Null);
    assert_eq!(json["counted_cash_fen"], serde_json::Value::Null);
    // ¥500 float + ¥107.16 taken − ¥20 given back for the void.
    assert_eq!(json["cash_taken_fen"], 10716);
    assert_eq!(json["cash_given_back_fen"], 2000);
    assert_eq!(json["expected_cash_fen"], 58716);
    assert_eq!(json["totals_by_tender_fen"]["cash"], 8716);
    assert_eq!(json["groups"]["voids"]["count"], 1);
    assert_eq!(json["voided"][0], voided.as_str());
    assert_eq!(json["receipts_used"][0]["count"], 3);
    assert_eq!(json["paper_numbers"]["skipped"][0]["first"], "A0002");
    assert_eq!(json["journal_hash_prefix"].as_str().unwrap().len(), 16);
    let text = cashier(&s, &["report", "shift"]).out().to_string();
    assert!(text.contains("应有现金 = 备用金 + 收取现金 − 退还现金  ¥587.16"), "{text}");
    assert!(text.contains("跳号：A0002 — A0002（1 张未用）"), "{text}");

    let a4 = s.dir.path().join("交班单.pdf");
    let roll = s.dir.path().join("交班单-80.pdf");
    cashier(&s, &["report", "shift", "--format", "pdf", "--out", a4.to_str().unwrap()]).out();
    cashier(
        &s,
        &[
            "report",
            "shift",
            "--format",
            "pdf",
            "--layout",
            "roll80",
            "--out",
            roll.to_str().unwrap(),
        ],
    )
    .out();
    for pdf in [&a4, &roll] {
        let t: String = pdf_text(pdf).split_whitespace().collect();
        assert!(
            t.contains("¥587.16") && t.contains("交班单（X报表·班中）") && t.contains("A0002"),
            "{t}"
        );
    }
    cashier(&s, &["report", "shift", "--format", "pdf"]).fails_with("--out");
    cashier(&s, &["report", "shift", "--format", "xml"]).fails_with("报表格式“xml”无效");
    cashier(&s, &["report", "shift", "--format", "pdf", "--layout", "a3", "--out", "x.pdf"]).fails_with("报表版式“a3”无效");
    cashier(&s, &["report", "day"]).fails_with("无权执行");

    let day = s.as_("陈主管", "1357", &["report", "day", "--format", "json"]).json();
    assert_eq!(day["operators"][0]["operator"], "李收费");
    assert_eq!(day["operators"][0]["expected_cash_fen"], 58716);
    assert_eq!(day["expected_cash_fen"], 58716);
    let outage_pdf = s.dir.path().join("应急.pdf");
    s.as_(
        "陈主管",
        "1357",
        &["report", "outage", "--format", "pdf", "--out", outage_pdf.to_str().unwrap()],
    )
    .out();
    let t = pdf_text(&outage_pdf);
    assert!(t.contains("每小时收款") && t.contains("李收费"), "{t}");
    s.as_("陈主管", "1357", &["report", "day", "--date", "2026-13-01"])
        .fails_with("日期“2026-13-01”无效");
}

#[test]
fn the_receipt_list_gives_kinds_signed_amounts_and_totals() {
    let s = counter();
    let paid = charge(&s, "E1:1", "");
    let voided = charge(&s, "L1:1", "");
    let mut void = vec!["receipt", "void", voided.as_str(), "--reason", "收错"];
    void.extend(SUP);
    cashier(&s, &void).out();
    let mut refund = vec!["receipt", "refund", paid.as_str(), "--reason", "未做检查"];
    refund.extend(SUP);
    let refund_no = cashier(&s, &refund).out().trim().to_string();
    let list = s.admin(&["receipt", "list", "--json"]).json();
    let rows = list["receipts"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let row = |no: &str| rows.iter().find(|r| r["receipt_no"] == no).unwrap().clone();
    assert_eq!(row(&refund_no)["kind"], "refund");
    assert_eq!(row(&refund_no)["signed_total_fen"], -6716);
    assert_eq!(row(&paid)["signed_total_fen"], 6716);
    assert_eq!(row(&voided)["voided"], true);
    let totals = &list["totals"];
    assert_eq!(totals["by_kind"][0]["kind"], "charge");
    assert_eq!(totals["by_kind"][0]["amount_fen"], 6716);
    assert_eq!(totals["by_kind"][2]["amount_fen"], -6716);
    assert_eq!(totals["voided"]["count"], 1);
    assert_eq!(totals["net_fen"], 0);
    let text = s.admin(&["receipt", "list"]).out().to_string();
    assert!(text.contains("退费") && text.contains("-¥67.16"), "{text}");
    assert!(text.contains("合计：收费 1 张 ¥67.16；退费 1 张 -¥67.16"), "{text}");
}
