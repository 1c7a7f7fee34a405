//! Issue 16: in the real app, a cashier opens the shift with the paper invoice book in hand;
//! the pay step proposes its next number; the printer is missing, so the receipt is issued,
//! saved, and counted as not printed in the status bar, and Ctrl+Y lists it with why; the
//! handover sheet accounts for the book, and Ctrl+N registers the next one.

use crate::catalog::login;
use crate::charge::{add_item, first_item};
use crate::*;
use downtime_core::{Desk, Role};

const SHIFT_TAB: &str = "\u{E008}\u{E004}\u{E000}";
const CTRL_Y: &str = "\u{E009}y\u{E000}";
const CTRL_N: &str = "\u{E009}n\u{E000}";

/// The charge counter, a cashier without a shift (赵收费), and a printer this computer lacks.
fn counter(db: &Path) {
    crate::charge::counter(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "赵收费", Role::Cashier, "1111").unwrap();
    desk.set_printer(&admin, "downtime-e2e-no-such-queue").unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paper_book_at_shift_open_and_a_receipt_not_printed() {
    e2e("paper", |name| async move {
        let mut app = App::start(&name, counter).await;
        let item = first_item(&app.db(), "xcg");
        login(&app, "赵收费", "1111").await;

        // F10: the float, then Shift+Tab back to the book; Enter walks on to opening.
        app.keys(F10).await;
        app.wait_focus("shift-float").await;
        app.keys("200").await;
        app.keys(SHIFT_TAB).await;
        app.keys(SHIFT_TAB).await;
        app.wait_focus("shift-paper-from").await;
        app.keys("0001").await;
        app.keys(ENTER).await;
        app.keys("0050").await;
        app.screenshot("shift-with-book").await;
        app.keys(ENTER).await;
        app.wait_focus("shift-float").await;
        app.keys(ENTER).await;
        app.text_contains("status-shift", "¥200.00").await;

        // The pay step proposes the book's first number.
        app.keys(F5).await;
        app.by_id("charge-screen").await;
        app.pick_patient("zs", "张三").await;
        add_item(&app, "xcg", &item, "1").await;
        app.keys(F9).await;
        app.wait_focus("pay-cash").await;
        let proposed = app.by_id("pay-paper-no").await.prop("value").await.unwrap();
        assert_eq!(proposed.as_deref(), Some("0001"));
        app.text_contains("pay-panel", "下一张号码").await;
        app.screenshot("pay-proposed").await;
        app.keys(ENTER).await;
        app.wait_focus("pay-tendered").await;
        app.keys("100").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("receipt-no", "MZ01-000001").await;

        // The printer is missing: issued, saved, counted as not printed.
        let status = app.text_contains("print-status", "未能打印").await;
        assert!(status.contains("列为未打印"), "{status}");
        app.text_contains("status-unprinted", "未打印 1 张").await;
        app.screenshot("not-printed").await;
        let mut desk = Desk::open(app.db()).unwrap();
        assert_eq!(desk.receipt("MZ01-000001").unwrap().unwrap().paper_no.as_deref(), Some("0001"));

        // Ctrl+Y: the list with why; Enter prints it again, and it fails again.
        app.keys(CTRL_Y).await;
        let row = app.text_contains("unprinted-row", "MZ01-000001").await;
        assert!(row.contains("不存在") && row.contains("张三"), "{row}");
        app.wait_focus("unprinted-print").await;
        app.text_contains("unprinted-print", "打印正本").await;
        app.keys(ENTER).await;
        app.text_contains("unprinted-row", "已试 2 次").await;
        app.screenshot("unprinted-list").await;
        app.keys(ESC).await;
        let cashier = desk.authenticate("赵收费", "1111").unwrap();
        assert_eq!(desk.unprinted(&cashier).unwrap().len(), 1);

        // F10: the sheet accounts for the book; Ctrl+N registers the next one.
        app.keys(ESC).await;
        app.keys(F10).await;
        app.text_contains("sheet-paper-book", "票据本 0001–0050（50 张）：已用 1 张").await;
        app.keys(CTRL_N).await;
        app.wait_focus("book-from").await;
        app.keys("0051").await;
        app.keys(ENTER).await;
        app.keys("0100").await;
        app.keys(ENTER).await;
        app.text_contains("book-done", "0051–0100").await;
        app.text_contains("sheet-receipts", "0051–0100").await;
        app.screenshot("handover-books").await;
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}
