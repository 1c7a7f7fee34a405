//! The counter's everyday guards in the real app: F12 locks the screen and the operator's PIN
//! unlocks it; the English switch; a scanned receipt code is checked against the station key,
//! and an altered one is caught.

use crate::catalog::login;
use crate::*;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{ChargeInput, LineInput};
use downtime_core::Desk;

/// The registration counter with one receipt already issued (MZ01-000001).
fn with_a_receipt(db: &Path) {
    crate::registration::counter(db);
    let mut desk = Desk::open(db).unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    let p = desk
        .add_patient(
            &cashier,
            &downtime_core::patient::NewPatient {
                name: "张三".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let code = desk.catalog_search("ghf", 1).unwrap().remove(0);
    let lines = vec![LineInput::Item {
        code: code.code,
        qty: Quantity::from_milli(1000).unwrap(),
    }];
    let total = downtime_core::simulate::price(&mut desk, &lines).unwrap();
    desk.pay_charge(
        &cashier,
        &ChargeInput::new(
            p.downtime_no.unwrap(),
            lines,
            vec![TenderInput {
                method: Method::Cash,
                amount: total,
                reference: String::new(),
            }],
        ),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_english_and_a_scanned_receipt() {
    e2e("counter", |name| async move {
        let mut app = App::start(&name, with_a_receipt).await;
        let payload = Desk::open(app.db()).unwrap().receipt("MZ01-000001").unwrap().unwrap().qr_payload;
        login(&app, "李收费", "2468").await;

        // F12 locks; a wrong PIN is refused; the right one unlocks where the operator was.
        app.keys(F12).await;
        app.by_id("lock-screen").await;
        app.wait_focus("lock-pin").await;
        app.keys("0000").await;
        app.keys(ENTER).await;
        app.text_contains("lock-error", "PIN 不正确").await;
        app.screenshot("locked").await;
        let pin = app.by_id("lock-pin").await;
        pin.clear().await.unwrap();
        pin.send_keys("2468").await.unwrap();
        pin.send_keys(ENTER).await.unwrap();
        app.gone("lock-screen").await;
        app.text_contains("status-operator", "李收费").await;

        // A scanned receipt code: valid, then altered.
        app.keys(CTRL_K).await;
        app.wait_focus("qr-input").await;
        app.keys(&payload).await;
        app.keys(ENTER).await;
        app.text_contains("qr-result", "MZ01-000001").await;
        app.screenshot("code-valid").await;
        app.wait_focus("qr-input").await;
        app.keys(&payload.replacen(".", ".X", 1)).await;
        app.keys(ENTER).await;
        app.by_id("qr-error").await;
        let total = Desk::open(app.db()).unwrap().receipt("MZ01-000001").unwrap().unwrap().total.get();
        let altered = payload.replacen(&format!(".{total}."), &format!(".{}.", total + 100), 1);
        app.keys(&altered).await;
        app.keys(ENTER).await;
        app.text_contains("qr-error", "签名不符").await;
        app.screenshot("code-altered").await;
        app.keys(ESC).await;

        // The English switch.
        app.keys(CTRL_L).await;
        app.text_contains("fkey-bar", "Help").await;
        app.screenshot("english").await;
        app.close().await;
    })
    .await;
}
