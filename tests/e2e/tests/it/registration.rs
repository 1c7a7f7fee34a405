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
pub async fn register(app: &mut App, dept: &str, reg_type: &str) -> (String, String) {
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

const CTRL_N: &str = "\u{E009}n\u{E000}";
const CTRL_Q: &str = "\u{E009}q\u{E000}";
const CTRL_T: &str = "\u{E009}t\u{E000}";

/// The counter plus a supervisor, 陈主管, who edits the registration types and approves 退号.
fn counter_with_supervisor(db: &Path) {
    counter(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "陈主管", Role::Supervisor, "1357").unwrap();
}

/// Issue 10: a supervisor sets a registration type's fees (by price-list code) in settings;
/// the cashier registers a patient for it and takes the fee in the same step; 退号 then gives
/// the fee back on a refund voucher, approved by the supervisor's PIN.
#[tokio::test(flavor = "multi_thread")]
async fn a_type_set_in_settings_is_paid_at_registration_and_refunded_on_cancel() {
    e2e("regfees", |name| async move {
        let mut app = App::start(&name, counter_with_supervisor).await;

        // 陈主管: Ctrl+O → 编辑号别与挂号费 → Ctrl+N, a night clinic of 挂号费 + 急诊诊查费.
        login(&app, "陈主管", "1357").await;
        app.keys(CTRL_O).await;
        app.by_id("regtype-open").await.click().await.unwrap();
        app.wait_focus("regtype-list").await;
        let rows = app.text_contains("regtype-list", "普通号").await;
        assert!(rows.contains("¥11.00") && rows.contains("免费"), "{rows}");
        app.keys(CTRL_N).await;
        app.wait_focus("regtype-key").await;
        app.keys("night").await;
        app.keys(ENTER).await;
        app.wait_focus("regtype-name").await;
        app.keys("夜间门诊").await;
        app.keys(ENTER).await;
        app.wait_focus("regtype-codes").await;
        // A code the price list lacks is refused, naming it; nothing is saved.
        app.keys("110200001 NOPE01").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("regtype-error", "NOPE01").await;
        app.wait_focus("regtype-codes").await;
        app.keys(SELECT_ALL).await;
        app.keys("110200001 110200005").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.text_contains("regtype-notice", "已保存号别 夜间门诊：挂号费 ¥13.00").await;
        app.wait_focus("regtype-list").await;
        app.keys(ENTER).await; // the saved type, with its fee items
        app.text_contains("regtype-fees", "急诊诊查费").await;
        app.screenshot("regtype-settings").await;
        app.keys(ESC).await;
        app.wait_focus("regtype-open").await;
        app.keys(ESC).await;
        app.keys(CTRL_Q).await;

        // 李收费 at the counter: a new patient, 夜间门诊 (the sixth type), paid in cash.
        login(&app, "李收费", "2468").await;
        new_patient(&app, &[("np-name", "郑十"), ("np-sex", "M"), ("np-birth", "1966-06-06")]).await;
        app.wait_focus("reg-dept").await;
        app.keys("JZ").await;
        app.keys(ENTER).await;
        app.wait_focus("reg-type").await;
        app.keys("6").await;
        let chosen = app.by_id("reg-type").await.prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(chosen, "night");
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        app.wait_focus("regpay-cash").await;
        let preset = app.by_id("regpay-cash").await.prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(preset, "13.00", "cash preset to the fee");
        app.keys(ENTER).await;
        app.wait_focus("regpay-tendered").await;
        app.keys("20").await;
        app.screenshot("regfee-paying").await;
        app.keys(ENTER).await;
        app.keys(ENTER).await;
        let fee = app.text_contains("reg-fee", "13.00").await;
        let change = app.text_contains("reg-change", "7.00").await;
        let result = app.text_contains("reg-result", "MZ01-000001").await;
        app.screenshot("regfee-paid").await;
        assert!(fee.contains("¥13.00") && change.contains("¥7.00"), "{fee} {change}\n{result}");

        // 退号 from today's list: the refund is shown first; 陈主管's name and PIN approve it.
        // (The day's first registration: the list appeared after the screen did.)
        app.keys(CTRL_T).await;
        app.wait_focus("reg-list").await;
        app.keys(DELETE).await;
        app.wait_focus("reg-cancel-reason").await;
        app.text_contains("reg-cancel-refund", "¥13.00").await;
        // The split it goes back by, before confirming: the cash it was paid with.
        app.text_contains("reg-cancel-split", "退回：现金 ¥13.00").await;
        app.keys("患者等不及离开").await;
        app.keys(ENTER).await;
        app.wait_focus("reg-cancel-sup-name").await;
        app.keys("陈主管").await;
        app.keys(ENTER).await;
        app.wait_focus("reg-cancel-sup-pin").await;
        app.keys("1357").await;
        app.screenshot("regfee-cancel-asked").await;
        app.keys(ENTER).await;
        for _ in 0..40 {
            if app.exists("reg-cancel-done").await {
                break;
            }
            app.keys(ENTER).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let done = app.text_contains("reg-cancel-done", "MZ01-000002").await;
        assert!(done.contains("¥13.00"), "{done}");
        app.text_contains("reg-list", "已退号").await;
        app.screenshot("regfee-refunded").await;

        let mut desk = Desk::open(app.db()).unwrap();
        let voucher = desk.receipt("MZ01-000002").unwrap().unwrap();
        assert_eq!(
            (voucher.kind, voucher.total.get().abs()),
            (downtime_core::charge::ReceiptKind::Refund, 1300)
        );
        assert_eq!(voucher.refund_of.as_deref(), Some("MZ01-000001"));
        assert!(voucher.reason.contains("患者等不及离开"), "{}", voucher.reason);
        let t = desk.reg_types().unwrap().into_iter().find(|t| t.key == "night").unwrap();
        assert_eq!(desk.reg_type_fees(&t).unwrap().total(), Some(Fen::new(1300).unwrap()));
        assert_eq!(desk.verify().unwrap().problem, None);
        app.close().await;
    })
    .await;
}
