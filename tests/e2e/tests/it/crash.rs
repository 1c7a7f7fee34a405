//! Issue 17: a receipt shown as issued survives killing the desktop app a moment later. The
//! real app charges from the keyboard; as soon as the receipt number is on the screen the app
//! process gets SIGKILL; the app is started again on the same database (and the same WebKit
//! data, drafts included), where the station opens at once (the instance lock died with the
//! process), the receipt is there with its lines and tenders, numbers have no gap, `downtime
//! verify` passes, a draft already paid comes back as its receipt (never as a draft to pay
//! again), and the next charge goes on. `DOWNTIME_E2E_KILLS=N` for more rounds.

use crate::catalog::login;
use crate::charge::{add_item, counter, first_item, pick_patient};
use crate::*;
use downtime_core::Desk;

/// Processes running the app binary on `db` (its environment names the database).
fn app_pids(db: &Path) -> Vec<i32> {
    let binary = app_binary().canonicalize().unwrap();
    let wanted = format!("DOWNTIME_DB={}", db.display());
    let mut pids = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        if exe != binary {
            continue;
        }
        let Ok(env) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
            pids.push(pid);
        }
    }
    pids
}

/// `downtime verify` on the file, as an auditor runs it (read-only: the app may hold the station).
pub(crate) fn cli_verify(db: &Path) -> String {
    let out = Command::new(workspace().join("target/debug/downtime"))
        .arg("--db")
        .arg(db)
        .arg("verify")
        .output()
        .expect("build the CLI first (cargo build -p downtime-cli)");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "verify failed: {text}");
    text
}

/// Pays the draft on the screen in cash (100 tendered) and returns the receipt number shown.
async fn pay(app: &App) -> String {
    app.keys(F9).await;
    app.wait_focus("pay-cash").await;
    app.keys(ENTER).await;
    app.wait_focus("pay-tendered").await;
    app.keys("100").await;
    app.keys(ENTER).await;
    app.keys(ENTER).await;
    app.by_id("receipt-no").await.text().await.unwrap()
}

/// F5 after a restart. The draft is kept in WebKit's storage, which a kill may cut short at any
/// stage (an empty draft, the patient chosen, the lines entered, the receipt stored), or leave at
/// the round before. The screen asks the core on arrival: a draft already paid comes back as its
/// receipt (with the notice that the money was taken), never as a draft to pay again, so no
/// draft with lines is left unpaid. Returns whether the paid draft came back as its receipt.
async fn open_charge_after_restart(app: &mut App, shown: &[String], first_recovery: bool) -> bool {
    app.keys(F5).await;
    app.client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid='charge-screen'][data-settled='true']"))
        .await
        .expect("the charge screen settles on arrival");
    let mut recovered = false;
    if app.exists("receipt-no").await {
        let no = app.by_id("receipt-no").await.text().await.unwrap();
        assert!(
            shown.iter().any(|s| no.contains(s.as_str())),
            "the screen came back with {no}, which was never shown"
        );
        if app.exists("charge-recovered").await {
            app.text_contains("charge-recovered", shown.last().unwrap()).await;
            if first_recovery {
                app.screenshot("came-back-as-its-receipt").await;
            }
            recovered = true;
        }
        app.keys(F5).await; // the next patient
        app.gone("receipt-no").await;
    } else {
        let lines = app
            .client
            .find_all(Locator::Css("[data-testid='charge-line']"))
            .await
            .unwrap()
            .len();
        assert_eq!(lines, 0, "a paid draft came back as a draft to pay again");
    }
    if app.focused().await != "item-search" {
        pick_patient(&*app, "zs", "张三").await;
    }
    app.text_contains("charge-patient", "张三").await;
    recovered
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receipt_shown_survives_killing_the_app() {
    e2e("crash", |name| async move {
        let rounds: usize = std::env::var("DOWNTIME_E2E_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
        let mut app = App::start(&name, counter).await;
        let item = first_item(&app.db(), "xcg");
        let (mut kills, mut checked, mut recovered) = (0, 0, 0);
        let mut shown: Vec<String> = vec![];
        for round in 1..=rounds {
            login(&app, "李收费", "2468").await;
            recovered += open_charge_after_restart(&mut app, &shown, recovered == 0).await as usize;
            add_item(&app, "xcg", &item, "1").await;
            let pids = app_pids(&app.db());
            assert_eq!(pids.len(), 1, "one app process on the database: {pids:?}");
            // The moment the receipt number is shown, the process dies.
            let receipt_no = pay(&app).await;
            let seen = std::time::Instant::now();
            unsafe {
                libc::kill(pids[0], libc::SIGKILL);
            }
            kills += 1;
            println!("round {round}: {receipt_no} shown, SIGKILL {} µs later", seen.elapsed().as_micros());
            let expected = format!("MZ01-{round:06}");
            assert!(receipt_no.contains(&expected), "no gap: {receipt_no}");
            shown.push(expected);

            // Start again on the same database and WebKit data.
            let App { client, home, _driver, .. } = app;
            drop(client);
            drop(_driver);
            app = App::start_in(&name, home).await;
            app.by_id("login-name").await;
            if round == 1 {
                app.screenshot("restarted-after-kill").await;
            }
            // Every receipt shown so far is in the file, whole, and nothing more.
            let desk = Desk::open_read_only(app.db()).unwrap();
            for no in &shown {
                let r = desk.receipt(no).unwrap().unwrap_or_else(|| panic!("{no} lost after the kill"));
                assert_eq!(r.lines.len(), 1, "{no}: its line");
                assert_eq!(r.tenders.len(), 1, "{no}: its tender");
                assert_eq!(r.tenders[0].amount, r.total, "{no}: paid in full");
                checked += 1;
            }
            assert!(
                desk.receipt(&format!("MZ01-{:06}", round + 1)).unwrap().is_none(),
                "no receipt beyond those shown"
            );
            drop(desk);
            let verified = cli_verify(&app.db());
            assert!(verified.contains("流水完整"), "{verified}");
        }
        // The restarted app goes on: the shift is still open and the next number follows.
        login(&app, "李收费", "2468").await;
        recovered += open_charge_after_restart(&mut app, &shown, recovered == 0).await as usize;
        add_item(&app, "xcg", &item, "1").await;
        let next = pay(&app).await;
        assert!(next.contains(&format!("MZ01-{:06}", rounds + 1)), "{next}");
        app.screenshot("next-receipt").await;
        println!("kills survived: {kills}, records checked: {checked}, drafts that came back as their receipt: {recovered}");
        app.close().await;
    })
    .await;
}
