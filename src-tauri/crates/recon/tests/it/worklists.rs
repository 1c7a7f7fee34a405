//! The recovery worklists as of a date, and finance's marks.

use crate::fixture::{clean_batches, fixture, folder_with};
use chrono::{Days, NaiveDate};
use downtime_core::batch;
use downtime_recon::his::read_postings;
use downtime_recon::reconcile::deadlines::{Deadlines, WorkItem};
use downtime_recon::{Clerk, Workspace};
use std::collections::{BTreeSet, HashMap};

fn clerk() -> Clerk {
    Clerk::command_line("财务小王").unwrap()
}

fn loaded() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let (_d, usb) = folder_with(&clean_batches(fixture(), &[]));
    ws.load_batches(&clerk(), &[usb], &mut |_| {}).unwrap();
    (dir, ws)
}

fn all(d: &Deadlines) -> Vec<&WorkItem> {
    d.resettle_due
        .iter()
        .chain(&d.resettle_overdue)
        .chain(&d.exchange_due)
        .chain(&d.exchange_overdue)
        .collect()
}

/// From the batches themselves: charge and registration receipts neither voided nor refunded
/// in full, with whether the patient was insured.
fn expected_receipts() -> HashMap<String, bool> {
    let f = fixture();
    let (mut receipts, mut voided, mut refunded) = (HashMap::new(), BTreeSet::new(), HashMap::<String, i64>::new());
    for folder in clean_batches(f, &[]) {
        for r in batch::records(&folder).unwrap() {
            for (table, row) in r.unwrap().rows() {
                let text = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                match (table, text("kind").as_str()) {
                    ("receipt", "charge" | "registration") => {
                        receipts.insert(
                            text("receipt_no"),
                            (text("id"), row["total_fen"].as_i64().unwrap(), row["insured"] == 1),
                        );
                    }
                    ("receipt", "refund") => *refunded.entry(text("refund_of")).or_default() += row["total_fen"].as_i64().unwrap(),
                    ("receipt_void", _) => {
                        voided.insert(text("receipt_id"));
                    }
                    _ => {}
                }
            }
        }
    }
    receipts
        .into_iter()
        .filter(|(_, (id, total, _))| !voided.contains(id) && total - refunded.get(id).copied().unwrap_or(0) > 0)
        .map(|(no, (_, _, insured))| (no, insured))
        .collect()
}

#[test]
fn before_the_his_posts_anything_every_receipt_waits_on_one_list() {
    let (_d, ws) = loaded();
    let d = ws.reconcile(None).unwrap().deadlines;
    let expected = expected_receipts();
    let listed: HashMap<String, bool> = all(&d)
        .iter()
        .map(|i| (i.number.clone(), d.resettle_due.contains(i) || d.resettle_overdue.contains(i)))
        .collect();
    assert_eq!(all(&d).len(), listed.len(), "no receipt on two lists");
    assert_eq!(listed, expected, "insured ones to re-settle, the others to exchange");
    assert!(
        d.resettle_overdue.is_empty() && d.exchange_overdue.is_empty(),
        "paid today: nothing overdue yet"
    );
    assert!(!d.resettle_due.is_empty() && !d.exchange_due.is_empty());
    for i in all(&d) {
        assert!(
            !i.phone.is_empty() && !i.patient.is_empty() && i.downtime_no.starts_with("DT-"),
            "{i:?}"
        );
        assert!(i.amount_fen > 0 && i.due.is_some());
        assert!(i.due.as_deref().unwrap() > i.day.as_str());
    }
    assert!(d.resettle_due.iter().all(|i| !i.insurance_no.is_empty()));
    assert!(!d.convert_pending.is_empty(), "the fixture admits insured patients");
}

#[test]
fn after_fifteen_working_days_the_lists_are_overdue_and_exchange_overdue_is_the_self_pay_list() {
    let (_d, ws) = loaded();
    let now = ws.reconcile(None).unwrap().deadlines;
    let due: NaiveDate = now.exchange_due[0].due.as_deref().unwrap().parse().unwrap();
    let on_due = ws.reconcile(Some(due)).unwrap().deadlines;
    assert_eq!(
        on_due.exchange_due.len(),
        now.exchange_due.len(),
        "on the due date itself, still due"
    );
    let later = ws.reconcile(Some(due.checked_add_days(Days::new(1)).unwrap())).unwrap().deadlines;
    assert!(later.exchange_due.is_empty() && later.resettle_due.is_empty());
    assert_eq!(later.exchange_overdue.len(), now.exchange_due.len());
    assert_eq!(later.resettle_overdue.len(), now.resettle_due.len());
}

#[test]
fn what_the_his_posted_is_done_and_an_admission_posted_is_converted() {
    let (_d, mut ws) = loaded();
    let pending = ws.reconcile(None).unwrap().deadlines.convert_pending;
    let inpatient = pending[0].number.clone();
    let his = std::fs::read_to_string(fixture().his()).unwrap();
    let csv = format!("{his},{inpatient},HIS-ZY-000001,0.00,2026-12-21 09:00:00\n");
    let file = read_postings(csv.as_bytes(), "his.csv", &[]).unwrap();
    ws.import_his(&clerk(), &file).unwrap();
    let r = ws.reconcile(None).unwrap();
    assert!(all(&r.deadlines).is_empty(), "every receipt was posted");
    assert_eq!(r.deadlines.convert_pending.len(), pending.len() - 1);
    assert!(!r.deadlines.convert_pending.iter().any(|i| i.number == inpatient));
    assert!(r.his.unknown_to_downtime.is_empty(), "a conversion is not unknown to downtime");
    assert_eq!(r.deadlines.done_by_his as usize, expected_receipts().len() + 1);
}

#[test]
fn a_mark_takes_an_item_off_its_list_and_is_withdrawn_by_a_new_record() {
    let (_d, mut ws) = loaded();
    let before = ws.reconcile(None).unwrap().deadlines;
    let item = before.exchange_due[0].clone();
    let entries = ws.verify().unwrap().entries;
    let m = ws.mark_done(&clerk(), &item.number, "HIS-FP-77", "患者来换票").unwrap();
    assert_eq!(
        (m.his_no.as_str(), m.list.as_str(), m.marked_by.as_str()),
        ("HIS-FP-77", "exchange", "财务小王")
    );
    let after = ws.reconcile(None).unwrap().deadlines;
    assert_eq!(after.exchange_due.len(), before.exchange_due.len() - 1);
    assert_eq!(after.done_by_mark, 1);
    // The same mark again is nothing new; another number is refused; a refund is on no list.
    ws.mark_done(&clerk(), &item.number, "HIS-FP-77", "").unwrap();
    assert_eq!(
        ws.mark_done(&clerk(), &item.record_uuid, "HIS-FP-78", "").err().unwrap().code(),
        "recon_already_marked"
    );
    assert_eq!(
        ws.mark_done(&clerk(), "QT01-000001", "X", "").err().unwrap().code(),
        "recon_item_unknown"
    );
    assert_eq!(ws.mark_done(&clerk(), &item.number, " ", "").err().unwrap().code(), "text_empty");
    assert_eq!(ws.verify().unwrap().entries, entries + 1);
    ws.withdraw_mark(&clerk(), &item.number, "发票号录错").unwrap();
    assert_eq!(ws.reconcile(None).unwrap().deadlines.exchange_due.len(), before.exchange_due.len());
    assert_eq!(
        ws.withdraw_mark(&clerk(), &item.number, "再撤").err().unwrap().code(),
        "recon_not_marked"
    );
    let converted = before.convert_pending[0].number.clone();
    ws.mark_done(&clerk(), &converted, "HIS-ZY-9", "").unwrap();
    assert_eq!(
        ws.reconcile(None).unwrap().deadlines.convert_pending.len(),
        before.convert_pending.len() - 1
    );
    let report = ws.verify().unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
    assert_eq!(report.entries, entries + 3, "each mark and withdrawal is journalled");
}

#[test]
fn marks_are_facts_the_file_refuses_to_change() {
    let (dir, mut ws) = loaded();
    let item = ws.reconcile(None).unwrap().deadlines.exchange_due[0].clone();
    ws.mark_done(&clerk(), &item.number, "HIS-FP-1", "").unwrap();
    drop(ws);
    let conn = rusqlite::Connection::open(dir.path().join("reconcile.sqlite3")).unwrap();
    assert!(conn.execute("UPDATE mark SET his_no = 'HIS-FP-2'", []).is_err());
    assert!(conn.execute("DELETE FROM mark", []).is_err());
    assert!(conn.execute("DELETE FROM receipt", []).is_err());
    let ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    assert_eq!(ws.mark_of(&item.record_uuid).unwrap().unwrap().his_no, "HIS-FP-1");
}
