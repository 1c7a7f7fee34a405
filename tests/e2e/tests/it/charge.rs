//! Issue 5: in the real app, from the keyboard alone, a cashier charges a 6-item prescription
//! found by pinyin initials, takes cash with change and prints an A5 receipt whose text shows
//! every line, the subtotals, the capitals and the outage marker; an insured patient's receipt
//! shows its due date; a void and a partial refund work with a supervisor's PIN.

use crate::catalog::login;
use crate::*;
use downtime_core::patient::NewPatient;
use downtime_core::{Desk, Role};

/// The registration counter plus a supervisor and two patients: 张三 (self-pay) and 李四
/// (insured, 城镇职工).
pub(crate) fn counter(db: &Path) {
    crate::registration::counter(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "陈主管", Role::Supervisor, "1357").unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    desk.add_patient(
        &cashier,
        &NewPatient {
            name: "张三".into(),
            sex: "M".into(),
            birth: Some("1970-01-01".into()),
            ..Default::default()
        },
    )
    .unwrap();
    desk.add_patient(
        &cashier,
        &NewPatient {
            name: "李四".into(),
            sex: "F".into(),
            birth: Some("1985-05-05".into()),
            insurance: Some("employee".into()),
            insurance_no: Some("E20260001".into()),
            ..Default::default()
        },
    )
    .unwrap();
}

/// The first item the picker offers for `initials`, as the core ranks it.
pub(crate) fn first_item(db: &Path, initials: &str) -> String {
    Desk::open(db).unwrap().catalog_search(initials, 1).unwrap().remove(0).name
}

pub(crate) async fn pick_patient(app: &App, query: &str, expect: &str) {
    app.pick_patient(query, expect).await;
    app.text_contains("charge-patient", expect).await;
}

/// Types initials into the item entry, picks the first match and enters the quantity — for
/// a herbal item `PER_DOSE*DOSES`, the quantity per dose and then the number of doses.
pub(crate) async fn add_item(app: &App, initials: &str, name: &str, qty: &str) {
    app.wait_focus("item-search").await;
    app.keys(initials).await;
    let found = app.answered("item-results", initials).await;
    assert!(found.contains(name), "{initials:?} found {found:?}, not {name:?}");
    app.keys(ENTER).await;
    app.wait_focus("charge-qty").await;
    app.keys(SELECT_ALL).await;
    let (per_dose, doses) = qty.split_once('*').map_or((qty, None), |(q, d)| (q, Some(d)));
    app.keys(per_dose).await;
    app.keys(ENTER).await;
    if let Some(doses) = doses {
        app.wait_focus("charge-doses").await;
        app.keys(doses).await;
        app.keys(ENTER).await;
        app.text_contains("charge-lines", &format!("{per_dose}×{doses}付")).await;
    }
    app.text_contains("charge-lines", name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prescription_paid_in_cash_an_insured_receipt_a_void_and_a_refund() {
    e2e("charge", |name| async move {
        let mut app = App::start(&name, counter).await;
        let items: Vec<(&str, String, &str)> = [
            ("mzzcfpt", "1"),
            ("amxl", "2"),
            ("wssc", "30"),
            ("hq", "2.5*5"),
            ("xcg", "1"),
            ("ycxzsq", "3"),
        ]
        .into_iter()
        .map(|(q, n)| (q, first_item(&app.db(), q), n))
        .collect();
        login(&app, "李收费", "2468").await;

        // F5, the patient, six items by initials, all from the keyboard.
        app.keys(F5).await;
        app.by_id("charge-screen").await;
        pick_patient(&app, "zs", "张三").await;
        for (q, item, qty) in &items {
            add_item(&app, q, item, qty).await;
        }
        assert_eq!(
            app.client
                .find_all(Locator::Css("[data-testid='charge-line']"))
                .await
                .unwrap()
                .len(),
            6
        );
        let total = app.by_id("charge-total").await.text().await.unwrap();
        app.screenshot("six-lines").await;

        // F9: cash preset to the total; 500 tendered; Enter confirms.
        app.keys(F9).await;
        app.wait_focus("pay-cash").await;
        app.keys(ENTER).await;
        app.wait_focus("pay-tendered").await;
        app.keys("500").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        let receipt_no = app.by_id("receipt-no").await.text().await.unwrap();
        assert!(receipt_no.contains("MZ01-000001"), "{receipt_no}");
        let change = app.by_id("receipt-change").await.text().await.unwrap();
        let path = app.text_contains("print-path", ".pdf").await;
        app.screenshot("paid").await;
        let r = Desk::open(app.db()).unwrap().receipt("MZ01-000001").unwrap().unwrap();
        assert!(total.contains(&r.total.to_string()[3..]), "{total} vs {}", r.total);
        assert_eq!(r.change.get(), 50_000 - r.total.get());
        assert!(change.contains(&r.change.to_string()[3..]), "{change}");
        let pdf = path_in(&path);
        keep_pdf(&pdf, "charge-receipt-a5.pdf");
        let text = pdf_text(&pdf);
        for (_, item, _) in &items {
            let shown: String = item.chars().take(6).collect();
            assert!(text.contains(&shown), "{shown} missing:\n{text}");
        }
        for needle in ["手工票据·系统停机应急开具", "分类小计", r.total.capitals().as_str(), "MZ01-000001"] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
        for (cat, _) in r.subtotals() {
            assert!(text.contains(cat.zh()), "{} missing", cat.zh());
        }

        // The next patient is insured, and charged as insured by default: the receipt carries
        // the due date.
        app.keys(F5).await;
        pick_patient(&app, "ls", "李四").await;
        add_item(&app, &items[4].0, &items[4].1, "1").await;
        app.keys(F9).await;
        app.wait_focus("pay-cash").await;
        let insured = app.by_id("pay-insured").await;
        assert!(insured.is_selected().await.unwrap(), "insured is ticked for an insured patient");
        app.text_contains("pay-due", "2026-").await;
        app.screenshot("insured-pay").await;
        app.by_id("pay-cash").await.send_keys(ENTER).await.unwrap();
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("receipt-no", "MZ01-000002").await;
        let due = app.text_contains("receipt-due", "2026-").await;
        let path = app.text_contains("print-path", ".pdf").await;
        let pdf = path_in(&path);
        keep_pdf(&pdf, "charge-receipt-insured.pdf");
        let text = pdf_text(&pdf);
        let r2 = Desk::open(app.db()).unwrap().receipt("MZ01-000002").unwrap().unwrap();
        let due_date = r2.resettle_due.unwrap().date.to_string();
        assert!(
            due.contains(&due_date) && text.contains(&due_date) && text.contains("医保"),
            "{due}\n{text}"
        );

        // F8: void the insured receipt (this shift), then refund part of the first one.
        app.keys(F8).await;
        app.wait_focus("receipt-lookup").await;
        app.keys("MZ01-000002").await;
        app.keys(ENTER).await;
        app.keys(SELECT_ALL).await;
        app.keys(BACKSPACE).await;
        app.keys(DELETE).await;
        app.wait_focus("void-reason").await;
        app.keys("收费项目错误").await;
        app.keys(ENTER).await;
        app.keys("陈主管").await;
        app.keys(ENTER).await;
        app.keys("1357").await;
        app.keys(ENTER).await;
        app.by_id("void-done").await;
        app.screenshot("voided").await;
        assert!(Desk::open(app.db())
            .unwrap()
            .receipt("MZ01-000002")
            .unwrap()
            .unwrap()
            .voided
            .is_some());

        app.keys("MZ01-000001").await;
        app.keys(ENTER).await;
        app.keys(SELECT_ALL).await;
        app.keys(BACKSPACE).await;
        app.keys(ENTER).await;
        app.by_id("refund-form").await;
        // Refund one box of amoxicillin (line 2) only: nothing is marked until it is, so ↓ to
        // line 2, type its quantity, Enter to the reason.
        app.wait_focus("refund-line-qty").await;
        app.keys(ARROW_DOWN).await;
        app.keys("1").await;
        app.text_contains("refund-preview-total", "¥").await;
        app.keys(ENTER).await;
        app.wait_focus("refund-reason").await;
        app.keys("患者不需要").await;
        app.by_id("refund-drug-by").await.send_keys("王药师").await.unwrap();
        app.by_id("refund-sup-name").await.send_keys("陈主管").await.unwrap();
        let pin = app.by_id("refund-sup-pin").await;
        pin.send_keys("1357").await.unwrap();
        app.screenshot("refund-form").await;
        pin.send_keys(ENTER).await.unwrap();
        let refund_no = app.text_contains("refund-receipt-no", "MZ01-000003").await;
        app.screenshot("refunded").await;
        let desk = Desk::open(app.db()).unwrap();
        let refund = desk.receipt("MZ01-000003").unwrap().unwrap();
        assert_eq!(refund.refund_of.as_deref(), Some("MZ01-000001"), "{refund_no}");
        assert_eq!(refund.lines.len(), 1);
        assert_eq!(refund.lines[0].refunds_line, Some(2));
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}
