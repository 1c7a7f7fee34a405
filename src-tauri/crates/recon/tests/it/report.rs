//! The report files: every exception one by one with what to do, the worklists, the totals
//! and the charts; read back as people's tools read them (`pdftotext`, the CSV as text).

use crate::fixture::{clean_batches, fixture, folder_with};
use downtime_recon::his::read_postings;
use downtime_recon::{report, Clerk, Workspace};
use std::process::Command;

fn pdf_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("`pdftotext` is needed to read the report back ({e}): apt-get install poppler-utils"));
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_report_names_each_exception_with_what_to_do_and_lists_the_worklists() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let clerk = Clerk::command_line("财务小王").unwrap();
    let (_d, usb) = folder_with(&clean_batches(f, &[("MZ01", 2)]));
    ws.load_batches(&clerk, &[usb], &mut |_| {}).unwrap();
    let his = std::fs::read_to_string(f.his()).unwrap();
    let extra = format!("{his},QT09-000001,HIS-FP-999999,12.00,2026-12-20 10:00:00\n");
    ws.import_his(&clerk, &read_postings(extra.as_bytes(), "his.csv", &[]).unwrap())
        .unwrap();
    let r = ws.reconcile(None).unwrap();
    let exceptions = r.exceptions();
    assert_eq!(
        exceptions.iter().map(|e| e.list.as_str()).collect::<Vec<_>>(),
        vec!["missing_batch", "unknown_to_downtime"]
    );
    assert!(exceptions.iter().all(|e| !e.todo.is_empty() && !e.todo_en.is_empty()));
    let out = dir.path().join("报告");
    let [json, csv, pdf] = report::write_all(&r, &out, "reconcile.sqlite3", "2026-12-21 09:00").unwrap();
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(j["balanced"], false);
    assert_eq!(j["generated_at"], "2026-12-21 09:00");
    let csv = std::fs::read_to_string(csv).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows.iter().any(|l| l.starts_with("缺少批次,MZ01,2,") && l.contains("索取")),
        "{csv}"
    );
    assert!(rows
        .iter()
        .any(|l| l.starts_with("应急记录中没有,QT09,,QT09-000001,") && l.contains(",12.00,1200,")));
    assert!(rows.iter().any(|l| l.starts_with("合计,") && l.contains("不平衡")));
    let pdf = pdf_text(&pdf);
    for needle in [
        "对账报告",
        "不平衡",
        "缺少第 2 批",
        "QT09-000001",
        "各工作站差额",
        "逾期未换",
        "对账人",
    ] {
        assert!(pdf.contains(needle), "the PDF says {needle:?}:\n{pdf}");
    }
    assert!(!out.join(".reconciliation.pdf.partial").exists());
}

#[test]
fn a_balanced_report_says_so_in_one_line() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let clerk = Clerk::command_line("财务小王").unwrap();
    ws.load_batches(&clerk, &[f.clean()], &mut |_| {}).unwrap();
    let his = std::fs::read(f.his()).unwrap();
    ws.import_his(&clerk, &read_postings(&his, "his.csv", &[]).unwrap()).unwrap();
    let r = ws.reconcile(None).unwrap();
    assert!(r.balanced && r.exceptions().is_empty());
    let [_, _, pdf] = report::write_all(&r, dir.path(), "reconcile.sqlite3", "2026-12-21 09:00").unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("平衡：批次齐全，无缺漏"), "{text}");
    assert!(text.contains("无异常"));
}

#[test]
fn the_json_written_item_by_item_is_the_text_of_the_whole_tree() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let clerk = Clerk::command_line("财务小王").unwrap();
    let (_d, usb) = folder_with(&clean_batches(f, &[("MZ01", 2)]));
    ws.load_batches(&clerk, &[usb], &mut |_| {}).unwrap();
    // Before any HIS file: nothing matched, the worklists full.
    let r = ws.reconcile(None).unwrap();
    assert!(r.his.matched.is_empty());
    let before = report::json::text(&r, "ws", "2026-12-21 09:00");
    assert_eq!(before, report::json::as_one_tree(&r, "ws", "2026-12-21 09:00"));
    let his = std::fs::read_to_string(f.his()).unwrap();
    let extra = format!("{his},QT09-000001,HIS-FP-999999,12.00,2026-12-20 10:00:00\n");
    ws.import_his(&clerk, &read_postings(extra.as_bytes(), "his.csv", &[]).unwrap())
        .unwrap();
    let r = ws.reconcile(None).unwrap();
    assert!(r.his.matched.len() > 1 && !r.his.unknown_to_downtime.is_empty());
    let text = report::json::text(&r, "ws", "2026-12-21 09:00");
    assert_eq!(text, report::json::as_one_tree(&r, "ws", "2026-12-21 09:00"));
    let [json, _, _] = report::write_all(&r, dir.path(), "ws", "2026-12-21 09:00").unwrap();
    assert_eq!(std::fs::read_to_string(json).unwrap(), text);
    let j: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["his"]["matched"].as_array().unwrap().len(), r.his.matched.len());
    assert_eq!(
        serde_json::to_value(r.his.matched.iter().next().unwrap()).unwrap(),
        j["his"]["matched"][0]
    );
}
