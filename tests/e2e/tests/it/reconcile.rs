//! Issue 14: the finance screen. A finance clerk logs in at the finance PC, opens 财务对账
//! (Ctrl+G), adds the folder holding two counters' batches (typed, as from a USB stick),
//! chooses the HIS postings file in the system dialog, loads and reconciles with a progress
//! bar, and reads the verdict: the two discrepancies planted in the HIS file (a wrong amount,
//! a posting missing), each with its station, receipt and what to do, and nothing else. Then
//! a worklist item is marked done with the HIS invoice number, the totals are read, and the
//! report is written out as PDF, CSV and JSON (the PDF kept beside the screenshots).

use crate::catalog::login;
use crate::*;
use downtime_core::{batch, Desk, Role};

const CTRL_G: &str = "\u{E009}g\u{E000}";
const CTRL_ENTER: &str = "\u{E009}\u{E007}\u{E000}";

/// A counter `code` after a small simulated outage, exported as one batch into `usb`.
fn counter(home: &Path, code: &str, seed: u64, usb: &Path) {
    let mut desk = Desk::init(
        home.join(format!("{code}.db")),
        &downtime_core::station::Setup {
            hospital: "市第一人民医院".into(),
            code: code.into(),
            station_name: format!("门诊收费 {code}"),
            admin_name: "王管理".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut desk, &admin, 6, seed, &mut |_| Ok(())).unwrap();
    desk.export_batch(&admin, usb, &mut |_| {}).unwrap();
}

/// The HIS postings for every receipt not voided in the batches under `usb`, as (record id,
/// receipt number, signed fen).
fn receipts(usb: &Path) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    let mut voided = std::collections::HashSet::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(usb).unwrap().map(|e| e.unwrap().path()).collect();
    folders.sort();
    for f in folders {
        for r in batch::records(&f).unwrap() {
            let r = r.unwrap();
            for (table, row) in r.rows() {
                let text = |k: &str| row[k].as_str().unwrap().to_string();
                match table {
                    "receipt" => {
                        let sign = if matches!(row["kind"].as_str(), Some("refund" | "deposit_refund")) {
                            -1
                        } else {
                            1
                        };
                        out.push((text("id"), text("receipt_no"), sign * row["total_fen"].as_i64().unwrap()));
                    }
                    "receipt_void" => {
                        voided.insert(text("receipt_id"));
                    }
                    _ => {}
                }
            }
        }
    }
    out.retain(|r| !voided.contains(&r.0));
    out
}

fn yuan(fen: i64) -> String {
    format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100)
}

/// The finance PC (station CW01, its finance clerk 李财务 PIN 2468), the batches of MZ01 and
/// MZ02 in `usb`, and the HIS file `his.csv` (Chinese headers) with one posting at a wrong
/// amount and one missing. Returns nothing: the test reads the planted receipts back.
fn finance_pc(db: &Path) {
    let home = db.parent().unwrap();
    let mut desk = Desk::init(
        db,
        &downtime_core::station::Setup {
            hospital: "市第一人民医院".into(),
            code: "CW01".into(),
            station_name: "财务科".into(),
            admin_name: "王管理".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    desk.add_operator(&admin, "李财务", Role::Finance, "2468").unwrap();
    let usb = home.join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let counters = home.join("counters");
    std::fs::create_dir_all(&counters).unwrap();
    counter(&counters, "MZ01", 41, &usb);
    counter(&counters, "MZ02", 42, &usb);
    let all = receipts(&usb);
    let mut csv = String::from("应急记录ID,应急收据号,HIS发票号,金额,入账时间\n");
    // The first charge of MZ02 posted 1 yuan short; the last receipt of MZ01 never posted.
    let short = all.iter().position(|r| r.1.starts_with("MZ02-") && r.2 > 100).unwrap();
    let missing = all.iter().rposition(|r| r.1.starts_with("MZ01-")).unwrap();
    for (n, (id, no, fen)) in all.iter().enumerate() {
        if n == missing {
            continue;
        }
        let fen = if n == short { fen - 100 } else { *fen };
        csv.push_str(&format!("{id},{no},HIS{n:06},{},2026-12-20 10:00\n", yuan(fen)));
    }
    std::fs::write(home.join("his.csv"), csv).unwrap();
    std::fs::write(home.join("planted"), format!("{}\n{}", all[short].1, all[missing].1)).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn finance_loads_batches_and_reads_the_report() {
    e2e("reconcile", |name| async move {
        let mut app = App::start(&name, finance_pc).await;
        let home = app.home.path().to_path_buf();
        let planted = std::fs::read_to_string(home.join("planted")).unwrap();
        let (short, missing) = planted.split_once('\n').unwrap();
        login(&app, "李财务", "2468").await;
        app.keys(CTRL_G).await;
        app.by_id("recon-screen").await;
        app.text_contains("recon-empty", "还没有任何批次").await;
        app.wait_focus("recon-folder").await;

        // The folder, typed and added with Enter; the HIS file through the system dialog.
        app.keys(&home.join("usb").display().to_string()).await;
        app.keys(ENTER).await;
        app.text_contains("recon-folders", "usb").await;
        app.will_pick(&home.join("his.csv"));
        app.by_id("recon-his").await.click().await.unwrap();
        app.text_contains("recon-his-name", "his.csv").await;
        app.screenshot("ready").await;
        app.by_id("recon-folder").await.click().await.unwrap();
        app.keys(CTRL_ENTER).await;

        // Two discrepancies, each named once with its station, receipt and what to do.
        app.text_contains("recon-verdict", "不平衡：2 项异常").await;
        app.text_contains("recon-summary", "工作站 2 个 · 批次 2 个").await;
        let mismatch = app.text_contains("recon-exception-amount_mismatch", short).await;
        assert!(mismatch.contains("MZ02"), "{mismatch}");
        let absent = app.text_contains("recon-exception-missing_in_his", missing).await;
        assert!(absent.contains("MZ01"), "{absent}");
        let rows = app
            .client
            .find_all(Locator::Css("[data-testid='recon-exceptions'] tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2, "exactly the two planted exceptions");
        app.screenshot("exceptions").await;

        // Filtered to MZ01: only the missing posting.
        let station = app.by_id("recon-filter-station").await;
        station.select_by_value("MZ01").await.unwrap();
        app.gone("recon-exception-amount_mismatch").await;
        app.by_id("recon-exception-missing_in_his").await;
        station.select_by_value("").await.unwrap();

        // The worklists: mark the first item done with its HIS invoice number.
        app.by_id("recon-tab-worklist").await.click().await.unwrap();
        let first = app
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("[data-testid='recon-worklist'] tbody tr"))
            .await
            .unwrap();
        let item = first.attr("data-testid").await.unwrap().unwrap();
        let number = item.trim_start_matches("recon-work-").to_string();
        app.screenshot("worklist").await;
        app.by_id(&format!("recon-mark-{number}")).await.click().await.unwrap();
        app.wait_focus("recon-mark-his").await;
        app.keys("FP20261220001").await;
        app.keys(ENTER).await;
        app.gone(&format!("recon-work-{number}")).await;
        app.by_id("recon-tab-marks").await.click().await.unwrap();
        let marked = app.text_contains(&format!("recon-marked-{number}"), "FP20261220001").await;
        assert!(marked.contains("李财务"), "{marked}");
        app.screenshot("marked").await;

        app.by_id("recon-tab-totals").await.click().await.unwrap();
        app.text_contains("recon-by-station", "MZ02").await;
        app.screenshot("totals").await;

        // The stations registry: each key's fingerprint, to compare with the signed cover sheet.
        app.by_id("recon-tab-stations").await.click().await.unwrap();
        let mz01 = batch::read_manifest(&home.join("usb").join(batch::folder_name("MZ01", 1))).unwrap();
        app.text_contains("recon-station-MZ01", &mz01.fingerprint().unwrap()).await;
        app.screenshot("stations").await;

        // The report, written out.
        let out = home.join("report");
        app.type_into("recon-out", &out.display().to_string()).await;
        app.by_id("recon-write").await.click().await.unwrap();
        app.text_contains("recon-written", "reconciliation.pdf").await;
        let pdf = out.join("reconciliation.pdf").display().to_string();
        keep_pdf(&pdf, "reconcile-report.pdf");
        let text = pdf_text(&pdf);
        assert!(text.contains(short) && text.contains(missing), "{text}");
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("reconciliation.json")).unwrap()).unwrap();
        assert_eq!(json["balanced"], false);
        assert_eq!(json["his"]["amount_mismatch"].as_array().unwrap().len(), 1);
        assert_eq!(json["his"]["missing_in_his"].as_array().unwrap().len(), 1);
        assert!(out.join("reconciliation.csv").exists());
        app.screenshot("written").await;
        app.close().await;
    })
    .await;
}
