//! Issue 4: a clerk registers ten patients in a row from the keyboard alone — some new, some
//! found in the HIS snapshot, one a would-be duplicate that the guard catches — each with a
//! downtime number and a queue number.

use crate::catalog::login;
use crate::*;
use downtime_core::patient::resident_id::check_char;
use downtime_core::{Desk, Fen, Role};

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_char(first17))
}

/// A station in an outage: sample price list and departments, an HIS snapshot, a cashier on
/// shift.
pub fn counter(db: &Path) {
    crate::catalog::station(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    let root = workspace().join("assets");
    desk.import_sample_catalog(&admin, &mut |_, _| {}).unwrap();
    desk.import_departments(&admin, &std::fs::read(root.join("departments.csv")).unwrap(), "departments.csv")
        .unwrap();
    let his = format!(
        "HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH001,孙悟空,男,1975-03-03,{},13700000001\r\nH002,猪八戒,男,1980-01-01,,13700000002\r\nH003,沙和尚,男,1982-02-02,,13700000003\r\n",
        id_number("31010419750303001")
    );
    desk.import_patient_snapshot(&admin, his.as_bytes(), "his.csv", false, false)
        .unwrap();
    desk.add_operator(&admin, "李收费", Role::Cashier, "2468").unwrap();
    desk.start_outage(&admin, "HIS 数据库宕机", None, "网管中心").unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    desk.open_shift(&cashier, Fen::new(20000).unwrap()).unwrap();
}

/// The new-patient form, field by field with Enter.
async fn new_patient(app: &App, fields: &[(&str, &str)]) {
    app.keys(F2).await;
    app.by_id("np-name").await;
    // F2 puts the focus on the name; an Enter pressed before it arrives would go elsewhere.
    app.wait_focus("np-name").await;
    for (id, text) in fields {
        for _ in 0..20 {
            if app.focused().await == *id {
                break;
            }
            app.keys(ENTER).await;
        }
        assert_eq!(app.focused().await, *id, "focus should reach {id}");
        app.keys(text).await;
    }
    // Enter through the rest of the form submits it.
    for _ in 0..12 {
        if app.focused().await == "reg-dept" || app.exists("dup-warning").await {
            return;
        }
        app.keys(ENTER).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Finds a patient with F3 and picks the first match with Enter.
async fn find_patient(app: &App, query: &str, expect: &str) {
    app.keys(F3).await;
    app.pick_patient(query, expect).await;
    app.text_contains("patient-pinned", expect).await;
}

/// Chooses department, type and doctor with keys and registers; returns the queue number.
async fn register(app: &mut App, dept: &str, reg_type: &str) -> (String, String) {
    app.wait_focus("reg-dept").await;
    app.keys(dept).await;
    let chosen = app.by_id("reg-dept").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(chosen, dept, "type-ahead chose the department");
    app.keys(ENTER).await;
    app.wait_focus("reg-type").await;
    app.keys(reg_type).await;
    app.keys(ENTER).await;
    app.keys(ENTER).await;
    // A type with a fee opens the payment, cash preset to the fee: Enter, Enter, Enter pays it.
    for _ in 0..60 {
        if app.exists("reg-result").await || app.exists("regpay-cash").await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if app.exists("regpay-cash").await {
        app.wait_focus("regpay-cash").await;
        for _ in 0..3 {
            app.keys(ENTER).await;
        }
    }
    let queue = app.by_id("reg-queue-no").await.text().await.unwrap();
    let number = app.by_id("reg-downtime-no").await.text().await.unwrap();
    (number, queue)
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_patients_in_a_row_from_the_keyboard() {
    e2e("registration", |name| async move {
        let mut app = App::start(&name, counter).await;
        login(&app, "李收费", "2468").await;
        let mut results = Vec::new();

        // 1. New patient with a birth date.
        new_patient(&app, &[("np-name", "赵一"), ("np-sex", "M"), ("np-birth", "1970-01-01")]).await;
        results.push(register(&mut app, "NK", "1").await);
        app.screenshot("first-registered").await;

        // 2. New patient with an ID number (birth and sex come from it).
        app.keys(F4).await;
        new_patient(&app, &[("np-name", "钱二"), ("np-id-number", &id_number("11010519851010123"))]).await;
        results.push(register(&mut app, "NK", "2").await);

        // 3. An HIS patient found by pinyin initials, registered at the emergency department.
        find_patient(&app, "swk", "孙悟空").await;
        results.push(register(&mut app, "JZ", "4").await);

        // 4. New patient with a phone.
        new_patient(
            &app,
            &[
                ("np-name", "李四"),
                ("np-sex", "F"),
                ("np-birth", "1990-01-01"),
                ("np-phone", "13800000004"),
            ],
        )
        .await;
        results.push(register(&mut app, "WK", "1").await);

        // 5. The same person again: the duplicate guard catches it; the clerk picks the one known.
        new_patient(&app, &[("np-name", "李四"), ("np-sex", "F"), ("np-birth", "1990-01-01")]).await;
        let warning = app.text_contains("dup-warning", "可能重复").await;
        assert!(warning.contains("DT-MZ01-000004"), "{warning}");
        app.screenshot("duplicate-caught").await;
        app.by_id("dup-use-existing").await.send_keys(ENTER).await.unwrap();
        app.text_contains("patient-pinned", "DT-MZ01-000004").await;
        results.push(register(&mut app, "WK", "1").await);

        // 6. An HIS patient by HIS ID.
        find_patient(&app, "H002", "猪八戒").await;
        results.push(register(&mut app, "EK", "1").await);

        // 7. A new insured patient.
        new_patient(
            &app,
            &[
                ("np-name", "周七"),
                ("np-sex", "M"),
                ("np-age", "52"),
                ("np-insurance", "1"),
                ("np-insurance-no", "E20261126"),
            ],
        )
        .await;
        results.push(register(&mut app, "NK", "1").await);

        // 8. A patient registered earlier, found by downtime number, for a second department.
        find_patient(&app, "DT-MZ01-000001", "赵一").await;
        results.push(register(&mut app, "YK", "1").await);

        // 9. An infant without an ID number, by age.
        new_patient(&app, &[("np-name", "吴小宝"), ("np-sex", "U"), ("np-age", "0")]).await;
        results.push(register(&mut app, "EK", "1").await);

        // 10. An HIS patient by phone.
        find_patient(&app, "13700000003", "沙和尚").await;
        results.push(register(&mut app, "PF", "5").await);
        app.screenshot("tenth-registered").await;

        let queues: Vec<&str> = results.iter().map(|(_, q)| q.as_str()).collect();
        assert_eq!(queues, ["1", "2", "1", "1", "2", "1", "3", "1", "2", "1"]);
        assert!(results.iter().all(|(n, _)| n.starts_with("DT-MZ01-")), "{results:?}");

        let mut desk = Desk::open(app.db()).unwrap();
        // The app runs in Asia/Shanghai (the harness sets its TZ), whatever this process's zone.
        let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let today = desk.now().with_timezone(&shanghai).date_naive();
        assert_eq!(desk.registrations_on(today).unwrap().len(), 10);
        let linked = desk.find_patients("孙悟空", 5).unwrap();
        assert_eq!((linked.len(), linked[0].his_id.as_deref()), (1, Some("H001")));
        assert_eq!(desk.find_patients("李四", 5).unwrap().len(), 1, "the duplicate was not created");
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}
