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

const CTRL_T: &str = "\u{E009}t\u{E000}";
const CTRL_Q: &str = "\u{E009}q\u{E000}";

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

/// A counter MZ01 after a short simulated outage, its administrator 王管理, and a charge with
/// drug lines written to `usb/payload.txt`; also a second counter MZ02 whose export batch is
/// written to `usb/` (for the pharmacy to trust by folder), its folder named in `usb/batch.txt`.
fn counter(db: &Path, usb: &Path) {
    let home = usb;
    let mut counter = Desk::init(db, &setup("MZ01", "门诊收费一号窗")).unwrap();
    let admin = counter.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut counter, &admin, 20, 18, &mut |_| Ok(())).unwrap();
    let payload = (1..)
        .map_while(|n| counter.receipt(&format!("MZ01-{n:06}")).unwrap())
        .filter(|r| r.kind == ReceiptKind::Charge && r.voided.is_none())
        .map(|r| r.qr_payload)
        .find(|p| qr::read_unverified(p).and_then(|c| c.lines).is_some_and(|l| !l.is_empty()))
        .expect("the simulation charged drugs");
    std::fs::write(home.join("payload.txt"), &payload).unwrap();
    let mut other = Desk::init(db.with_file_name("MZ02.db"), &setup("MZ02", "门诊收费二号窗")).unwrap();
    let admin2 = other.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut other, &admin2, 5, 7, &mut |_| Ok(())).unwrap();
    match other.export_batch(&admin2, usb, &mut |_| {}).unwrap() {
        downtime_core::export::ExportOutcome::Written(w) => std::fs::write(home.join("batch.txt"), w.path.to_str().unwrap()).unwrap(),
        other => panic!("{other:?}"),
    }
}

/// A pharmacy YF01 trusting nobody yet: 王管理 (administrator), 赵主管 (pharmacist-in-charge,
/// PIN 1357) and 李药师 (pharmacist, PIN 2468).
fn empty_pharmacy(db: &Path) {
    let mut ph = Desk::init_as(
        db,
        &setup("YF01", "门诊西药房"),
        StationKind::Pharmacy,
        downtime_core::time::Clock::system(),
    )
    .unwrap();
    let padmin = ph.authenticate("王管理", "123456").unwrap();
    ph.add_operator(&padmin, "李药师", Role::Pharmacist, "2468").unwrap();
    ph.add_operator(&padmin, "赵主管", Role::PharmacistInCharge, "1357").unwrap();
}

/// The whole exchange through the two apps' windows: at the counter, 王管理 opens 操作员与设置
/// (Ctrl+O) and writes the key card to a USB folder; at the pharmacy, the pharmacist-in-charge
/// trusts it with Ctrl+T (the system dialog answered by the harness) and trusts a second
/// counter by its export batch folder, typed; the pharmacist dispenses, takes a drug back, and
/// the return slip is printed (saved PDF, with its code), then printed again as a 副本.
#[tokio::test(flavor = "multi_thread")]
async fn key_card_from_the_counter_trusted_at_the_pharmacy_and_the_slip_printed() {
    e2e("pharmacy-keys", |name| async move {
        let usb = tempfile::tempdir().unwrap();
        let card = usb.path().join("MZ01.key.json");
        // At the counter.
        let mut app = App::start(&format!("{name}-counter"), |db| counter(db, usb.path())).await;
        let payload = std::fs::read_to_string(usb.path().join("payload.txt")).unwrap();
        let batch = std::fs::read_to_string(usb.path().join("batch.txt")).unwrap();
        login(&app, "王管理", "123456").await;
        app.keys(CTRL_O).await;
        app.by_id("keycard-open").await.click().await.unwrap();
        let fingerprint = app.by_id("keycard-fingerprint").await.text().await.unwrap();
        app.text_contains("keycard-station", "工作站 MZ01 门诊收费一号窗").await;
        app.screenshot("counter-settings").await;
        let offered = app.by_id("keycard-path").await.prop("value").await.unwrap().unwrap_or_default();
        assert!(offered.ends_with("exports/MZ01.key.json"), "{offered}");
        app.by_id("keycard-path").await.click().await.unwrap();
        app.wait_focus("keycard-path").await;
        app.keys(SELECT_ALL).await;
        app.keys(&format!("{}{ENTER}", card.display())).await;
        app.text_contains("keycard-done", &format!("已写出密钥卡：{}", card.display()))
            .await;
        app.screenshot("counter-key-card").await;
        app.close().await;
        let read = downtime_core::pharmacy::read_key_card(&std::fs::read(&card).unwrap()).unwrap();
        assert_eq!(
            (read.station_code.as_str(), read.fingerprint.as_str()),
            ("MZ01", fingerprint.trim())
        );

        // At the pharmacy: the pharmacist-in-charge trusts the card, then a batch folder.
        let mut app = App::start(&format!("{name}-pharmacy"), empty_pharmacy).await;
        login(&app, "赵主管", "1357").await;
        app.wait_focus("pharmacy-scan").await;
        app.keys(&format!("{payload}{ENTER}")).await;
        app.text_contains("pharmacy-error", "没有它的公钥").await;
        app.keys(CTRL_T).await;
        app.will_pick(&card);
        app.by_id("pharmacy-trust-pick").await.click().await.unwrap();
        app.text_contains("pharmacy-trusted", "已信任工作站 MZ01 门诊收费一号窗").await;
        app.text_contains("pharmacy-trusted", fingerprint.trim()).await;
        app.screenshot("trusted-key-card").await;
        app.by_id("pharmacy-trust-folder").await.click().await.unwrap();
        app.wait_focus("pharmacy-trust-folder").await;
        app.keys(&format!("{batch}{ENTER}")).await;
        app.text_contains("pharmacy-trusted", "已信任工作站 MZ02 门诊收费二号窗").await;
        app.screenshot("trusted-batch").await;
        app.keys(ESC).await;
        app.keys(CTRL_Q).await;

        // The pharmacist: dispense, take one unit back, the slip printed and printed again.
        login(&app, "李药师", "2468").await;
        app.wait_focus("pharmacy-scan").await;
        let said = qr::read_unverified(&payload).unwrap();
        let first = said.lines.unwrap()[0].line_no;
        app.keys(&format!("{payload}{ENTER}")).await;
        app.text_contains("pharmacy-receipt", "签名有效").await;
        app.keys(F5).await;
        app.text_contains("pharmacy-done", "已发药").await;
        app.keys(&format!("{payload}{ENTER}")).await;
        app.text_contains("pharmacy-history", "李药师").await;
        app.keys(F8).await;
        app.wait_focus(&format!("pharmacy-qty-{first}")).await;
        app.keys("1").await;
        app.keys(F8).await;
        app.text_contains("pharmacy-slip", "退药单 YF01-T000001").await;
        let saved = app.text_contains("pharmacy-slip-pdf", "退药单-YF01-T000001.pdf").await;
        app.screenshot("slip-printed").await;
        let text = pdf_text(saved.trim());
        assert!(
            text.contains("退药单") && text.contains("YF01-T000001") && !text.contains("副本"),
            "{text}"
        );
        keep_pdf(saved.trim(), "pharmacy-keys-slip.pdf");
        app.keys(CTRL_P).await;
        let copy = app.text_contains("pharmacy-slip-pdf", "退药单-YF01-T000001-副本1.pdf").await;
        app.text_contains("pharmacy-slip-print", "副本").await;
        app.screenshot("slip-reprinted").await;
        assert!(pdf_text(copy.trim()).contains("副本"));
        keep_pdf(copy.trim(), "pharmacy-keys-slip-copy.pdf");
        app.close().await;
    })
    .await;
}
