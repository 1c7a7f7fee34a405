//! Issue 10, 更正 and 合并 in the window: a cashier corrects a patient's name from the pinned
//! card by keyboard (Ctrl+U), the search finds the new name, a queue slip printed before the
//! correction still prints the old name and one printed after it the new; then two records of
//! one person are merged with a supervisor in place (Ctrl+M), and the number merged away finds
//! the patient kept.

use crate::catalog::login;
use crate::registration::{counter, register};
use crate::*;
use downtime_core::patient::NewPatient;
use downtime_core::{Desk, Role};

const CTRL_U: &str = "\u{E009}u\u{E000}";
const CTRL_M: &str = "\u{E009}m\u{E000}";
const CTRL_R: &str = "\u{E009}r\u{E000}";
const CTRL_ENTER: &str = "\u{E009}\u{E007}\u{E000}";
const SHIFT_TAB: &str = "\u{E008}\u{E004}\u{E000}";

/// The counter of the registration tests, a supervisor, and one person registered twice: once
/// with a typo in the name (赵小一), once correctly (赵晓一) with a phone number.
fn two_records(db: &Path) {
    counter(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "周主管", Role::Supervisor, "1357").unwrap();
    let cashier = desk.authenticate("李收费", "2468").unwrap();
    let born = |name: &str, phone: Option<&str>| NewPatient {
        name: name.into(),
        sex: "M".into(),
        birth: Some("1970-01-01".into()),
        phone: phone.map(Into::into),
        confirm_duplicate: true,
        ..Default::default()
    };
    desk.add_patient(&cashier, &born("赵小一", None)).unwrap();
    desk.add_patient(&cashier, &born("赵晓一", Some("13911112222"))).unwrap();
}

/// The downtime number (`DT-…`) in a card's or a row's text.
fn number_in(text: &str) -> String {
    let from = text.find("DT-").unwrap_or_else(|| panic!("no downtime number in {text:?}"));
    text[from..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// Ctrl+R on the registration result: the queue slip's text and where it was saved.
async fn print_slip(app: &App, seen: &mut Vec<String>) -> (String, String) {
    app.keys(CTRL_R).await;
    for _ in 0..100 {
        if let Ok(e) = app.client.find(fantoccini::Locator::Css("[data-testid='slip-path']")).await {
            let path = e.text().await.unwrap().trim().to_string();
            // A reprint saves the same file again: wait for the print status of this press.
            let stamp = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            let fresh = format!("{path}@{stamp:?}");
            if stamp.is_some() && !seen.contains(&fresh) {
                seen.push(fresh);
                return (pdf_text(&path), path);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the queue slip was not saved");
}

/// Texts of the rows the patient search shows now.
async fn rows(app: &App, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in app
        .client
        .find_all(fantoccini::Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_default()
    {
        out.push(e.text().await.unwrap_or_default());
    }
    out
}

/// Waits until a row of the list `id` contains every needle; returns it.
async fn row_with(app: &App, id: &str, needles: &[&str]) -> String {
    for _ in 0..100 {
        if let Some(r) = rows(app, id).await.into_iter().find(|r| needles.iter().all(|n| r.contains(n))) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no [data-testid={id}] row with {needles:?}; rows {:?}", rows(app, id).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_is_corrected_and_two_records_merged_from_the_keyboard() {
    e2e("patient-correction", |name| async move {
        let mut app = App::start(&name, two_records).await;
        login(&app, "李收费", "2468").await;
        let mut slips = Vec::new();

        // The record with the typo is found, registered, and its queue slip printed.
        app.keys(F3).await;
        app.pick_patient("赵小一", "赵小一").await;
        let card = app.text_contains("patient-pinned", "赵小一").await;
        let kept = number_in(&card);
        register(&mut app, "NK", "1").await;
        let (before, _) = print_slip(&app, &mut slips).await;
        assert!(before.contains("赵小一"), "{before}");

        // Ctrl+U: the dialog opens on the name, its text selected; typing replaces it.
        app.keys(CTRL_U).await;
        app.wait_focus("pc-name").await;
        assert_eq!(
            app.by_id("pc-birth").await.prop("value").await.unwrap().as_deref(),
            Some("1970-01-01")
        );
        app.keys("赵晓一").await;
        // Ctrl+Enter without a reason: said at the reason, which takes the focus.
        app.keys(CTRL_ENTER).await;
        app.text_contains("pc-error", "请填写更正原因").await;
        app.wait_focus("pc-reason").await;
        app.keys("姓名录错字，按身份证更正").await;
        app.screenshot("correct-dialog").await;
        app.keys(ENTER).await;
        app.gone("pc-form").await;
        app.text_contains("patient-pinned", "赵晓一").await;
        app.text_contains("notice", &format!("已更正患者 赵晓一（{kept}）")).await;
        app.screenshot("corrected-card").await;

        // The slip issued before the correction keeps the name it printed.
        let (reprint, _) = print_slip(&app, &mut slips).await;
        assert!(reprint.contains("赵小一") && !reprint.contains("赵晓一"), "{reprint}");

        // The search finds the corrected patient by the new name; a new registration prints it.
        app.keys(F3).await;
        app.wait_focus("patient-search").await;
        app.keys(SELECT_ALL).await;
        app.keys("赵晓一").await;
        row_with(&app, "patient-row", &["赵晓一", &kept]).await;
        app.screenshot("search-new-name").await;
        app.pick_patient(&kept, "赵晓一").await;
        app.text_contains("patient-pinned", &kept).await;
        register(&mut app, "NK", "1").await;
        let (after, _) = print_slip(&app, &mut slips).await;
        assert!(after.contains("赵晓一") && !after.contains("赵小一"), "{after}");

        // Ctrl+M: the pinned patient is the one kept; the other record is found by its phone.
        app.keys(CTRL_M).await;
        app.wait_focus("pm-merged-search").await;
        app.text_contains("pm-into-picked", &kept).await;
        app.keys("13911112222").await;
        let other = number_in(&row_with(&app, "pm-merged-row", &["赵晓一", "13911112222"]).await);
        assert_ne!(other, kept);
        tokio::time::sleep(Duration::from_millis(200)).await;
        app.keys(ENTER).await;
        app.text_contains("pm-merged-picked", &other).await;
        app.wait_focus("pm-reason").await;
        app.keys("同一人重复建档").await;
        app.keys(ENTER).await;
        // A cashier cannot approve (their own merge least of all): the core says so at the PIN.
        app.keys("李收费").await;
        app.keys(ENTER).await;
        app.keys("2468").await;
        app.keys(ENTER).await;
        app.text_contains("pm-error", "主管").await;
        assert!(app.exists("pm-form").await, "refused in place");
        app.wait_focus("pm-sup-pin").await;
        app.keys(SHIFT_TAB).await;
        app.wait_focus("pm-sup-name").await;
        app.keys("周主管").await;
        app.keys(ENTER).await;
        app.keys("1357").await;
        app.screenshot("merge-dialog").await;
        app.keys(ENTER).await;
        app.gone("pm-form").await;
        app.text_contains("notice", &format!("已合并：{other} 并入 赵晓一（{kept}）")).await;

        // The number merged away now finds the patient kept.
        app.keys(F3).await;
        app.wait_focus("patient-search").await;
        app.keys(SELECT_ALL).await;
        app.keys(&other).await;
        let found = row_with(&app, "patient-row", &[&kept]).await;
        assert!(found.contains("赵晓一"), "{found}");
        assert!(
            rows(&app, "patient-row").await.iter().all(|r| !r.contains(&other)),
            "the merged-away number shows the patient kept"
        );
        app.screenshot("merged-away-number-finds-kept").await;
        app.close().await;
    })
    .await;
}
