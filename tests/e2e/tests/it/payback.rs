//! Issue 16: in the real app, a receipt paid by card, WeChat and cash is refunded in part.
//! The refund form shows, before confirming, how the money came and that it goes back the
//! same way (the card first); choosing cash instead is marked 非原路 and asks why, and the
//! voucher prints the reason, the approver and where the patient signs. Reprinting the
//! receipt afterwards gives a 副本 that says what has been refunded and what remains.

use crate::catalog::login;
use crate::*;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{ChargeInput, LineInput};
use downtime_core::{Desk, Fen};

const CTRL_R: &str = "\u{E009}r\u{E000}";

/// 张三's receipt MZ01-000001 for a consultation and a blood test, paid ¥10 by card, ¥5 by
/// WeChat and the rest in cash (written through the core while the app runs, as the items are
/// found the way the app finds them).
fn paid_three_ways(db: &Path) {
    let mut desk = Desk::open(db).unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    let lines: Vec<LineInput> = ["mzzcfpt", "xcg"]
        .iter()
        .map(|q| LineInput::Item {
            code: desk.catalog_search(q, 1).unwrap().remove(0).code,
            qty: Quantity::parse("1").unwrap(),
        })
        .collect();
    let total = downtime_core::simulate::price(&mut desk, &lines).unwrap();
    let (card, wechat) = (1000, 500);
    assert!(total.get() > card + wechat, "the sample prices changed: {total}");
    let tender = |method, fen, reference: &str| TenderInput {
        method,
        amount: Fen::new(fen).unwrap(),
        reference: reference.into(),
    };
    let tenders = vec![
        tender(Method::Card, card, "6222/000123"),
        tender(Method::Wechat, wechat, "4200001234"),
        tender(Method::Cash, total.get() - card - wechat, ""),
    ];
    desk.pay_charge(&cashier, &ChargeInput::new("DT-MZ01-000001", lines, tenders))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refund_goes_back_the_way_it_came_and_a_reprint_is_a_marked_copy() {
    e2e("payback", |name| async move {
        // The charge counter: a supervisor, 张三 (DT-MZ01-000001) and 李四.
        let mut app = App::start(&name, crate::charge::counter).await;
        paid_three_ways(&app.db());
        login(&app, "李收费", "2468").await;
        app.keys(F5).await;
        app.by_id("charge-screen").await;
        app.keys(F8).await;
        app.wait_focus("receipt-lookup").await;
        app.keys("MZ01-000001").await;
        app.keys(ENTER).await;
        app.keys(SELECT_ALL).await;
        app.keys(BACKSPACE).await;
        app.keys(ENTER).await;
        app.by_id("refund-form").await;

        // Line 2 (the blood test), whole: the core's split goes to the card first.
        app.wait_focus("refund-line-qty").await;
        app.keys(ARROW_DOWN).await;
        app.keys(" ").await;
        let channels = app.text_contains("refund-channels", "原支付").await;
        assert!(
            channels.contains("银行卡") && channels.contains("6222/000123") && channels.contains("微信"),
            "{channels}"
        );
        let split = app.text_contains("refund-split", "退回银行卡").await;
        assert!(split.contains("6222/000123") && !split.contains("非原路"), "{split}");
        assert!(!app.exists("refund-way-reason").await);
        app.screenshot("the-way-it-came").await;

        // Cash instead: marked as another way, and the form asks why.
        app.by_id("refund-way").await.send_keys("x").await.unwrap();
        app.text_contains("refund-split", "非原路").await;
        app.by_id("refund-way-reason").await.send_keys("患者银行卡已注销").await.unwrap();
        app.by_id("refund-reason").await.send_keys("未做检验").await.unwrap();
        app.by_id("refund-sup-name").await.send_keys("陈主管").await.unwrap();
        let pin = app.by_id("refund-sup-pin").await;
        pin.send_keys("1357").await.unwrap();
        app.screenshot("another-way-with-reason").await;
        pin.send_keys(ENTER).await.unwrap();
        app.text_contains("refund-receipt-no", "MZ01-000002").await;
        let path = app.text_contains("print-path", ".pdf").await;
        app.screenshot("refunded").await;
        let desk = Desk::open(app.db()).unwrap();
        let refund = desk.receipt("MZ01-000002").unwrap().unwrap();
        assert_eq!(refund.pay_back_reason.as_deref(), Some("患者银行卡已注销"));
        assert_eq!(refund.tenders.iter().map(|t| t.method).collect::<Vec<_>>(), vec![Method::Cash]);
        let voucher = path_in(&path);
        keep_pdf(&voucher, "payback-voucher.pdf");
        let text = pdf_text(&voucher);
        for needle in [
            "退费凭证",
            "MZ01-000001",
            "退费原因：未做检验",
            "审批主管：陈主管",
            "非原路退回，原因：患者银行卡已注销",
            "领款人（患者）签字",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
        assert!(!text.contains("换取电脑发票"), "{text}");

        // Ctrl+R on the receipt: a 副本 that says what was refunded and what remains.
        app.wait_focus("receipt-lookup").await;
        app.keys("MZ01-000001").await;
        app.keys(ENTER).await;
        app.text_contains("receipt-facts", "MZ01-000001").await;
        app.keys(CTRL_R).await;
        let path = app.text_contains("reprint-path", ".pdf").await;
        app.screenshot("reprinted").await;
        let copy = path_in(&path);
        keep_pdf(&copy, "payback-reprint.pdf");
        let text = pdf_text(&copy);
        let r = desk.receipt("MZ01-000001").unwrap().unwrap();
        let left = Fen::new(r.total.get() - refund.total.get()).unwrap();
        for needle in [
            "副本",
            &format!("已退 {}（MZ01-000002），剩余 {left}", refund.total),
            "银行卡 ¥10.00（6222/000123）",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
        assert_eq!(desk.journal_tail(1).unwrap()[0].kind, "receipt_reprinted");
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}
