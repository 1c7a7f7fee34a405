//! Issue 6: an admissions clerk admits an insured patient as ordinary, takes a cash deposit
//! and a card top-up, prints both deposit receipts, refunds part of the balance with a
//! supervisor, and the balance and the summary agree to the fen.

use crate::catalog::login;
use crate::*;
use downtime_core::patient::NewPatient;
use downtime_core::{Desk, Fen, Role};

/// A station in an outage with departments, an admissions clerk on shift, a supervisor and
/// one insured patient, 王五 (城乡居民, card R777).
fn office(db: &Path) {
    crate::catalog::station(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    let root = workspace().join("assets");
    desk.import_departments(&admin, &std::fs::read(root.join("departments.csv")).unwrap(), "departments.csv")
        .unwrap();
    desk.add_operator(&admin, "赵住院", Role::Admissions, "3579").unwrap();
    desk.add_operator(&admin, "陈主管", Role::Supervisor, "1357").unwrap();
    desk.start_outage(&admin, "HIS 数据库宕机", None, "网管中心").unwrap();
    let clerk = desk.authenticate("赵住院", "3579").unwrap();
    desk.open_shift(&clerk, Fen::ZERO).unwrap();
    desk.add_patient(
        &clerk,
        &NewPatient {
            name: "王五".into(),
            sex: "M".into(),
            birth: Some("1960-06-06".into()),
            insurance: Some("resident".into()),
            insurance_no: Some("R777".into()),
            ..Default::default()
        },
    )
    .unwrap();
}

async fn set_field(app: &App, id: &str, text: &str) {
    let e = app.by_id(id).await;
    e.clear().await.unwrap();
    if !text.is_empty() {
        e.send_keys(text).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admit_insured_deposit_top_up_refund_and_summary() {
    e2e("admission", |name| async move {
        let mut app = App::start(&name, office).await;
        login(&app, "赵住院", "3579").await;

        // F6: find the patient, then department, ward and bed from the keyboard.
        app.keys(F6).await;
        app.by_id("adm-screen").await;
        app.pick_patient("ww", "王五").await;
        app.wait_focus("adm-dept").await;
        app.keys("ZYNK").await;
        app.keys(ENTER).await;
        app.wait_focus("adm-ward").await;
        app.keys("内科一病区").await;
        app.keys(ENTER).await;
        app.wait_focus("adm-bed").await;
        app.keys("12").await;
        for _ in 0..8 {
            if app.exists("adm-result").await {
                break;
            }
            app.keys(ENTER).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        let inpatient_no = app.text_contains("adm-inpatient-no", "ZY-MZ01-").await;
        assert!(inpatient_no.contains("ZY-MZ01-000001"), "{inpatient_no}");
        app.text_contains("adm-convert-flag", "医保").await;
        app.screenshot("admitted").await;

        // F7: a cash deposit of 2,000.
        app.keys(F7).await;
        app.wait_focus("dep-cash").await;
        app.keys(SELECT_ALL).await;
        app.keys("2000").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("dep-receipt-no", "MZ01-000001").await;
        let first_pdf = path_in(&app.text_contains("print-path", ".pdf").await);
        keep_pdf(&first_pdf, "admission-deposit.pdf");
        let text = pdf_text(&first_pdf);
        assert!(
            text.contains("住院病人预交金收据") && text.contains("贰仟元整") && text.contains("ZY-MZ01-000001"),
            "{text}"
        );
        app.text_contains("dep-balance", "2,000.00").await;
        app.screenshot("deposit").await;
        whole_admission_row(&app, "deposit").await;

        // A card top-up of 1,500.50.
        app.keys(F7).await;
        app.wait_focus("dep-cash").await;
        app.keys(INSERT).await;
        let method = app.by_id("dep-method").await;
        assert_eq!(method.prop("value").await.unwrap().as_deref(), Some("card"));
        set_field(&app, "dep-cash", "").await;
        set_field(&app, "dep-amount", "1500.50").await;
        set_field(&app, "dep-reference", "6222/000123").await;
        // Paid by the patient's son: the receipt names him (#16).
        app.by_id("dep-by-relative").await.click().await.unwrap();
        set_field(&app, "dep-payer-name", "王小明").await;
        set_field(&app, "dep-payer-relation", "子女").await;
        set_field(&app, "dep-payer-phone", "13800138000").await;
        // A second tender and 亲属代交 still fit the counter's screen without scrolling.
        crate::pressure::step(&mut app, "top-up-by-relative", true).await;
        whole_admission_row(&app, "top-up-by-relative").await;
        app.by_id("dep-submit").await.click().await.unwrap();
        app.text_contains("dep-receipt-no", "MZ01-000002").await;
        let second_pdf = path_in(&app.text_contains("print-path", "MZ01-000002").await);
        keep_pdf(&second_pdf, "admission-top-up.pdf");
        let text = pdf_text(&second_pdf);
        for needle in [
            "银行卡 ¥1,500.50（6222/000123）",
            "交款人：王小明（子女） 13800138000",
            "本次交款后预交金余额：¥3,500.50",
            "交款人签字",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
        app.text_contains("dep-balance", "3,500.50").await;

        // A partial refund with the supervisor's PIN.
        app.keys(F8).await;
        app.by_id("dep-refund-amount").await;
        set_field(&app, "dep-refund-amount", "1200.25").await;
        set_field(&app, "dep-refund-reason", "部分退还").await;
        set_field(&app, "dep-refund-sup-name", "陈主管").await;
        set_field(&app, "dep-refund-sup-pin", "1357").await;
        app.screenshot("refund-form").await;
        app.by_id("dep-refund-sup-pin").await.send_keys(ENTER).await.unwrap();
        app.text_contains("dep-refund-receipt-no", "MZ01-000003").await;
        let balance = app.text_contains("dep-balance", "2,300.25").await;
        app.screenshot("refunded").await;

        // The summary agrees with the screen and with the records.
        app.by_id("dep-summary-print").await.click().await.unwrap();
        let summary = path_in(&app.text_contains("dep-summary-path", ".pdf").await);
        keep_pdf(&summary, "admission-summary.pdf");
        let text = pdf_text(&summary);
        assert!(text.contains("2,300.25") && text.contains("MZ01-000003"), "{text}");
        let desk = Desk::open(app.db()).unwrap();
        let account = desk.deposit_account("ZY-MZ01-000001").unwrap();
        assert_eq!(account.balance.get(), 230_025, "{balance}");
        assert!(account.admission.convert_to_insured);
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}

/// The 在院患者 list beside a pinned patient shows its first row whole (not cut after a line).
async fn whole_admission_row(app: &App, label: &str) {
    let look = app
        .client
        .execute(
            "const l = document.querySelector(\"[data-testid='adm-list']\"); \
             const r = l && l.querySelector(\"[data-testid='adm-row']\"); \
             if (!r) return null; \
             const a = l.getBoundingClientRect(), b = r.getBoundingClientRect(); \
             return [Math.round(a.top), Math.round(a.bottom), Math.round(b.top), Math.round(b.bottom)];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<i64> = serde_json::from_value(look.clone()).unwrap_or_else(|_| panic!("{label}: no admission row: {look}"));
    assert!(
        v[2] >= v[0] && v[3] <= v[1] && v[3] > v[2],
        "{label}: the admission row is cut (list, row): {look}"
    );
}
