//! Issue 12: in the real app, a cashier opens the handover screen (F10) on a shift with
//! charges in cash and WeChat, a void, a refund and paper numbers; the sheet fits the window;
//! they count ¥20.00 more than expected, which needs a supervisor: the supervisor approves in
//! place with name and PIN, the Z report is printed (saved) and reads back from its PDF. Then
//! a supervisor ends the outage with another shift still open (refused, then confirmed), and
//! its report with the charts is offered and printed.

use crate::catalog::login;
use crate::*;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{ChargeInput, LineInput, Payer};
use downtime_core::patient::NewPatient;
use downtime_core::{Desk, Fen, Role};

/// The registration counter (李收费 on shift with ¥200.00), a supervisor, a second cashier on
/// shift, and 李收费's morning: four receipts, one voided, one refunded.
fn busy_shift(db: &Path) {
    crate::registration::counter(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "陈主管", Role::Supervisor, "1357").unwrap();
    desk.add_operator(&admin, "张收费", Role::Cashier, "2468").unwrap();
    let other = desk.authenticate("张收费", "2468").unwrap();
    desk.open_shift(&other, Fen::new(10_000).unwrap()).unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    let sup = desk.authenticate("陈主管", "1357").unwrap();
    let mut patient = |name: &str, insured: bool| {
        desk.add_patient(
            &cashier,
            &NewPatient {
                name: name.into(),
                sex: "M".into(),
                phone: Some("13800001234".into()),
                insurance: insured.then(|| "employee".into()),
                insurance_no: insured.then(|| "E20260001".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap()
    };
    let (zhang, li) = (patient("张三", false), patient("李四", true));
    let item = desk.catalog_search("诊查费", 1).unwrap().remove(0).code;
    let mut pay = |who: &str, qty: &str, method: Method, paper: Option<&str>, insured: bool| {
        let lines = vec![LineInput::Item {
            code: item.clone(),
            qty: Quantity::parse(qty).unwrap(),
        }];
        let total = downtime_core::simulate::price(&mut desk, &lines).unwrap();
        let reference = if method == Method::Wechat {
            "4200001234".to_string()
        } else {
            String::new()
        };
        desk.pay_charge(
            &cashier,
            &ChargeInput {
                paper_no: paper.map(str::to_string),
                payer: if insured {
                    Payer::Insured
                } else {
                    Payer::SelfPay("未带医保卡".into())
                },
                ..ChargeInput::new(
                    who,
                    lines,
                    vec![TenderInput {
                        method,
                        amount: total,
                        reference,
                    }],
                )
            },
        )
        .unwrap()
        .receipt_no
    };
    let first = pay(&zhang, "1", Method::Cash, Some("P0001"), false);
    pay(&li, "2", Method::Wechat, Some("P0003"), true);
    let wrong = pay(&zhang, "3", Method::Cash, None, false);
    pay(&zhang, "2", Method::Cash, Some("P0004"), false);
    desk.void_receipt(&cashier, &sup, &wrong, "收错数量").unwrap();
    desk.refund_receipt(
        &cashier,
        &sup,
        &RefundInput {
            id: uuid::Uuid::now_v7(),
            receipt_no: first,
            lines: vec![],
            reason: "患者未就诊".into(),
            tenders: vec![],
            pay_back_reason: None,
            drug_return_by: None,
        },
    )
    .unwrap();
}

/// Whether `selector` would scroll in a window 700 px tall (a 1366 × 768 screen less its
/// title bar and taskbar): the window may not be made smaller than 768, so the content must
/// fit the box less what the window has beyond 700.
async fn scrolls_at_700(app: &App, selector: &str) -> (bool, String) {
    let v = app
        .client
        .execute(
            &format!(
                "const e = document.querySelector('{selector}'); const spare = window.innerHeight - 700; \
                 const box = e.getBoundingClientRect(); \
                 const bottom = Math.max(...Array.from(e.children).map((c) => c.getBoundingClientRect().bottom)); \
                 return [bottom > box.bottom - spare || e.scrollHeight > e.clientHeight + 1, \
                   `window ${{window.innerWidth}}×${{window.innerHeight}}, content ends at ${{Math.round(bottom)}}, room to ${{Math.round(box.bottom - spare)}}`];"
            ),
            vec![],
        )
        .await
        .unwrap();
    (v[0].as_bool().unwrap(), v[1].as_str().unwrap().to_string())
}

/// The file a printed notice names (its `data-path`: the text wraps where the window does).
async fn pdf_path(app: &App, id: &str) -> String {
    app.by_id(id).await.attr("data-path").await.unwrap().expect("a data-path")
}

#[tokio::test(flavor = "multi_thread")]
async fn close_a_shift_with_a_difference_a_supervisor_approves() {
    e2e("handover", |name| async move {
        let mut app = App::start(&name, busy_shift).await;
        login(&app, "李收费", "2468").await;
        let expected = {
            let mut desk = Desk::open(app.db()).unwrap();
            let me = desk.authenticate("李收费", "2468").unwrap();
            desk.current_shift_report(&me).unwrap().figures.expected_cash_fen
        };
        app.keys(F10).await;
        app.text_contains("handover-title", "X 报表").await;
        app.wait_focus("shift-counted").await;
        let expected_text = downtime_core::money::signed_yuan(expected);
        app.text_contains("sheet-expected", &expected_text).await;
        app.text_contains("sheet-groups", "作废").await;
        app.text_contains("sheet-receipts", "跳号：P0002").await;
        app.screenshot("sheet").await;
        let (scrolls, sizes) = scrolls_at_700(&app, ".handover").await;
        assert!(!scrolls, "the handover screen would scroll at 1366×700: {sizes}");

        // ¥20.00 more than expected: above the ¥10.00 threshold.
        let counted = expected + 2000;
        app.keys(&format!("{}.{:02}", counted / 100, counted % 100)).await;
        app.text_contains("count-difference", "¥20.00").await;
        app.by_id("shift-sup-name").await;
        app.screenshot("difference").await;
        let (scrolls, sizes) = scrolls_at_700(&app, ".handover").await;
        assert!(!scrolls, "with the supervisor's fields it would scroll at 1366×700: {sizes}");
        app.keys(ENTER).await;
        app.wait_focus("shift-reason").await;
        app.keys("多收患者二十元，已登记退还").await;
        app.keys(ENTER).await;
        app.wait_focus("shift-sup-name").await;
        // The cashier cannot approve their own difference.
        app.keys("李收费").await;
        app.keys(ENTER).await;
        app.keys("2468").await;
        app.keys(ENTER).await;
        app.text_contains("handover-error", "不能确认自己的交班差额").await;
        app.screenshot("own-approval-refused").await;
        app.wait_focus("shift-sup-name").await;
        app.keys(SELECT_ALL).await;
        app.keys("陈主管").await;
        app.keys(ENTER).await;
        app.keys("1357").await;
        app.keys(ENTER).await;
        app.text_contains("handover-closed-diff", "¥20.00").await;
        app.text_contains("handover-title", "Z 报表").await;
        app.text_contains("status-shift", "未开班").await;
        app.text_contains("handover-printed", "PDF").await;
        app.screenshot("closed").await;

        // The Z report as printed: the figures, the reason, the approver, the anchor.
        let pdf = pdf_path(&app, "handover-pdf").await;
        keep_pdf(&pdf, "handover-z-report.pdf");
        let text: String = pdf_text(&pdf).split_whitespace().collect();
        for needle in [
            "交班单（Z报表·交班）",
            &expected_text.replace(' ', ""),
            "¥20.00",
            "陈主管",
            "多收患者二十元",
            "P0002",
            "收费员签字",
        ] {
            assert!(text.contains(needle), "{needle} missing from the Z report: {text}");
        }
        assert!(!text.contains("副本"), "the close prints the original");

        // Printed again, it is a copy.
        app.keys("\u{E009}r\u{E000}").await;
        app.text_contains("handover-printed", "副本").await;
        let copy_pdf = pdf_path(&app, "handover-pdf").await;
        assert!(pdf_text(&copy_pdf).contains("副本"));

        // The store holds the count, the reason and the approver, journalled.
        let desk = Desk::open(app.db()).unwrap();
        let entry = desk
            .journal_tail(10)
            .unwrap()
            .into_iter()
            .find(|e| e.kind == "shift_closed")
            .unwrap();
        let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap();
        assert_eq!(payload["difference_fen"], 2000);
        assert_eq!(payload["rows"]["shift_count"][0]["reason"], "多收患者二十元，已登记退还");
        assert!(desk.verify().unwrap().problem.is_none());

        // A supervisor ends the outage: refused while 张收费's shift is open, then confirmed.
        app.keys(ESC).await;
        app.by_id("nav-logout").await.click().await.unwrap();
        login(&app, "陈主管", "1357").await;
        app.keys(F11).await;
        app.wait_focus("outage-up-at").await;
        app.keys(ENTER).await;
        app.text_contains("outage-error", "张收费").await;
        app.screenshot("outage-end-refused").await;
        app.by_id("outage-with-open-shifts").await.click().await.unwrap();
        app.by_id("outage-submit").await.click().await.unwrap();
        app.by_id("outage-report").await;
        app.by_id("chart-hourly").await;
        app.text_contains("report-operators", "张收费").await;
        app.wait_focus("report-print").await;
        app.screenshot("outage-report").await;
        app.keys(ENTER).await;
        app.text_contains("report-printed", "PDF").await;
        let report_pdf = pdf_path(&app, "report-printed").await;
        keep_pdf(&report_pdf, "handover-outage-report.pdf");
        let text = pdf_text(&report_pdf);
        assert!(
            text.contains("应急期间报表") && text.contains("每小时收款") && text.contains("李收费"),
            "{text}"
        );
        let desk = Desk::open(app.db()).unwrap();
        let ended = desk
            .journal_tail(10)
            .unwrap()
            .into_iter()
            .find(|e| e.kind == "outage_ended")
            .unwrap();
        assert!(ended.payload.contains("open_shifts"));
        app.close().await;
    })
    .await;
}
