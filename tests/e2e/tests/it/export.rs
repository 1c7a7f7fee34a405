//! Issue 13: the Export screen. A supervisor writes the next batch to a folder (as to a USB
//! stick), sees it in the list, writes it again elsewhere byte for byte, and ending the outage
//! brings them back here for the final batch. Every batch verifies offline.

use crate::catalog::login;
use crate::*;
use downtime_core::batch::{verify_batch, COVER, MANIFEST};
use downtime_core::Desk;

const CTRL_E: &str = "\u{E009}e\u{E000}";
const CTRL_ENTER: &str = "\u{E009}\u{E007}\u{E000}";

/// A station after a small simulated outage (its supervisor is 模拟主管, PIN 8642), and two
/// empty folders standing in for USB sticks.
fn worked_outage(db: &Path) {
    crate::catalog::station(db);
    let mut desk = Desk::open(db).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut desk, &admin, 12, 31, &mut |_| Ok(())).unwrap();
    // The simulation leaves its shifts open: ending the outage below needs the confirmation.
    for stick in ["usb", "usb2"] {
        std::fs::create_dir_all(db.parent().unwrap().join(stick)).unwrap();
    }
}

fn verified(dir: &Path, previous: Option<&Path>) -> downtime_core::batch::Manifest {
    let check = verify_batch(dir, previous);
    assert_eq!(check.problem, None, "{}", dir.display());
    check.manifest.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn export_rerender_and_the_final_batch() {
    e2e("export", |name| async move {
        let mut app = App::start(&name, worked_outage).await;
        let home = app.home.path().to_path_buf();
        let (usb, usb2) = (home.join("usb"), home.join("usb2"));
        login(&app, downtime_core::simulate::SUPERVISOR, "8642").await;
        app.keys(CTRL_E).await;
        app.by_id("export-screen").await;
        app.text_contains("export-pending", "新增").await;
        app.wait_focus("export-folder").await;
        app.screenshot("export-screen").await;

        // The next batch, into the typed folder.
        app.keys(&usb.display().to_string()).await;
        app.keys(ENTER).await;
        app.text_contains("export-result", "已写入第 1 批").await;
        app.by_id("batch-1").await;
        app.screenshot("batch-1-written").await;
        let b1 = usb.join("MZ01-batch-000001");
        let m1 = verified(&b1, None);
        assert_eq!(m1.batch_seq, 1);
        keep_pdf(&b1.join(COVER).display().to_string(), "export-cover.pdf");
        keep_pdf(&b1.join("back-entry.pdf").display().to_string(), "export-back-entry.pdf");
        assert!(pdf_text(&b1.join(COVER).display().to_string()).contains(&m1.chain_head));

        // The same folder again: the batch is there already, and nothing new was recorded.
        app.keys(CTRL_ENTER).await;
        app.text_contains("export-result", "第 1 批之后没有新的记录").await;

        // Written again to a second stick: the same bytes.
        app.wait_focus("export-folder").await;
        app.keys(SELECT_ALL).await;
        app.keys(BACKSPACE).await;
        app.keys(&usb2.display().to_string()).await;
        app.by_id("rerender-1").await.click().await.unwrap();
        app.text_contains("export-result", &usb2.display().to_string()).await;
        let again = usb2.join("MZ01-batch-000001");
        for file in m1.files.iter().map(|f| f.name.as_str()).chain([MANIFEST]) {
            assert_eq!(
                std::fs::read(b1.join(file)).unwrap(),
                std::fs::read(again.join(file)).unwrap(),
                "{file}"
            );
        }
        app.screenshot("rerendered").await;

        // Ending the outage shows its report, and closing the report offers the final batch.
        app.keys(ESC).await;
        app.keys(F11).await;
        app.wait_focus("outage-up-at").await;
        app.keys(ENTER).await;
        // The simulation left its shifts open: the supervisor confirms ending anyway, reads
        // the outage report it offers, and goes on to the final batch.
        app.text_contains("outage-error", "未交班").await;
        app.by_id("outage-with-open-shifts").await.click().await.unwrap();
        app.by_id("outage-submit").await.click().await.unwrap();
        app.by_id("outage-report").await;
        app.keys(ESC).await;
        app.text_contains("export-final", "应急已结束").await;
        app.wait_focus("export-folder").await;
        app.keys(&usb.display().to_string()).await;
        app.keys(CTRL_ENTER).await;
        app.text_contains("export-result", "已写入第 2 批").await;
        app.by_id("batch-2").await;
        app.screenshot("final-batch").await;
        let m2 = verified(&usb.join("MZ01-batch-000002"), Some(&b1));
        assert_eq!(m2.journal_first_seq, m1.journal_last_seq + 1);
        let records = downtime_core::batch::records(&usb.join("MZ01-batch-000002")).unwrap();
        assert!(records.map(|r| r.unwrap().kind).any(|k| k == "outage_ended"));
        app.close().await;
    })
    .await;
}
