//! Issue 18: the pharmacy station. A pharmacist logs in at a pharmacy (YF01) that trusts the
//! counter MZ01's key card; the scanner types a real receipt's payload and Enter into the
//! focused scan field; the signed drug lines show; F5 dispenses them; the same paper scanned
//! again is refused (the pharmacist-in-charge's fields appear, and without them the core's
//! refusal shows in red); F8 records a return of one unit of the first drug line and shows the
//! return slip's number and code.

use crate::catalog::login;
use crate::*;
use downtime_core::charge::{qr, ReceiptKind};
use downtime_core::station::{Setup, StationKind};
use downtime_core::{Desk, Role};

fn setup(code: &str, name: &str) -> Setup {
    Setup {
        hospital: "市第一人民医院".into(),
        code: code.into(),
        station_name: name.into(),
        admin_name: "王管理".into(),
        admin_pin: "123456".into(),
    }
}

/// The counter MZ01 after a short simulated outage (its file beside the pharmacy's), one of
/// its charges with drug lines written to `payload.txt`, and the pharmacy YF01 trusting its
/// key card, with the pharmacist 李药师 (PIN 2468).
fn pharmacy(db: &Path) {
    let home = db.parent().unwrap();
    let mut counter = Desk::init(home.join("MZ01.db"), &setup("MZ01", "门诊收费一号窗")).unwrap();
    let admin = counter.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut counter, &admin, 20, 18, &mut |_| Ok(())).unwrap();
    let payload = (1..)
        .map_while(|n| counter.receipt(&format!("MZ01-{n:06}")).unwrap())
        .filter(|r| r.kind == ReceiptKind::Charge && r.voided.is_none())
        .map(|r| r.qr_payload)
        .find(|p| qr::read_unverified(p).and_then(|c| c.lines).is_some_and(|l| !l.is_empty()))
        .expect("the simulation charged drugs");
    std::fs::write(home.join("payload.txt"), &payload).unwrap();
    let card = counter.station_key_card().unwrap();
    let mut ph = Desk::init_as(
        db,
        &setup("YF01", "门诊西药房"),
        StationKind::Pharmacy,
        downtime_core::time::Clock::system(),
    )
    .unwrap();
    let padmin = ph.authenticate("王管理", "123456").unwrap();
    ph.add_operator(&padmin, "李药师", Role::Pharmacist, "2468").unwrap();
    ph.trust_key_card(&padmin, &card).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_dispense_refuse_the_second_and_return() {
    e2e("pharmacy", |name| async move {
        let mut app = App::start(&name, pharmacy).await;
        let payload = std::fs::read_to_string(app.home.path().join("payload.txt")).unwrap();
        let said = qr::read_unverified(&payload).unwrap();
        let (receipt_no, first) = (said.receipt_no, said.lines.unwrap()[0].line_no);
        login(&app, "李药师", "2468").await;
        app.wait_focus("pharmacy-scan").await;
        app.screenshot("ready").await;
        // The wedge scanner: the payload, then Enter.
        app.keys(&format!("{payload}{ENTER}")).await;
        app.text_contains("pharmacy-receipt", &receipt_no).await;
        app.text_contains("pharmacy-receipt", "签名有效").await;
        app.screenshot("scanned").await;
        app.keys(F5).await;
        app.text_contains("pharmacy-done", &format!("已发药：收据 {receipt_no}")).await;
        app.wait_focus("pharmacy-scan").await;
        app.screenshot("dispensed").await;
        // The same paper again: what was dispensed shows, and dispensing again is refused.
        app.keys(&format!("{payload}{ENTER}")).await;
        app.text_contains("pharmacy-history", "李药师").await;
        app.text_contains("pharmacy-again", "药房主管").await;
        app.keys(F5).await;
        app.text_contains("pharmacy-error", "发过药").await;
        app.screenshot("second-refused").await;
        // 退药: one unit of the first drug line comes back.
        app.keys(F8).await;
        app.wait_focus(&format!("pharmacy-qty-{first}")).await;
        app.keys("1").await;
        app.keys(F8).await;
        app.text_contains("pharmacy-slip", "退药单 YF01-T000001").await;
        app.text_contains("pharmacy-slip", "DDRT.YF01.YF01-T000001").await;
        app.screenshot("returned").await;
        app.close().await;
    })
    .await;
}
