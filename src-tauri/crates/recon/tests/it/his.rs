//! Reading HIS postings files and matching them with the batches: each fault found and named
//! exactly once, and nothing else reported.

use crate::fixture::{clean_batches, fixture, folder_with};
use downtime_recon::his::{read_postings, HisField};
use downtime_recon::reconcile::Reconciliation;
use downtime_recon::{Clerk, Workspace};
use std::path::PathBuf;

fn clerk() -> Clerk {
    Clerk::command_line("财务小王").unwrap()
}

/// A workspace holding `batches` and the postings `csv`.
fn reconciled(batches: &[PathBuf], csv: &str) -> (tempfile::TempDir, Workspace, Reconciliation) {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let (_usb_dir, usb) = folder_with(batches);
    ws.load_batches(&clerk(), &[usb], &mut |_| {}).unwrap();
    let file = read_postings(csv.as_bytes(), "his.csv", &[]).unwrap();
    ws.import_his(&clerk(), &file).unwrap();
    let r = ws.reconcile(None).unwrap();
    (dir, ws, r)
}

fn clean_his() -> String {
    std::fs::read_to_string(fixture().his()).unwrap()
}

/// Every exception the reconciliation names, one line each.
fn exceptions(r: &Reconciliation) -> Vec<String> {
    let mut out = Vec::new();
    for (code, s) in &r.stations {
        out.extend(s.missing_batches.iter().map(|b| format!("missing_batch {code} {b}")));
        out.extend(s.receipt_gaps.iter().map(|g| format!("receipt_gap {}", g.first)));
    }
    out.extend(r.rejected.iter().map(|x| format!("rejected {}", x.reason)));
    out.extend(r.duplicates.iter().map(|d| format!("duplicate {}", d.kind)));
    out.extend(r.conflicts.iter().map(|_| "conflict".to_string()));
    let his = &r.his;
    for (name, list) in [
        ("amount_mismatch", &his.amount_mismatch),
        ("missing_in_his", &his.missing_in_his),
        ("posted_twice", &his.posted_twice),
        ("unknown_to_downtime", &his.unknown_to_downtime),
    ] {
        out.extend(list.iter().map(|i| format!("{name} {}", i.receipt_no.clone().unwrap_or_default())));
    }
    out
}

/// The postings file with the line of `receipt_no` changed by `f` (None drops it).
fn edit_line(csv: &str, receipt_no: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for line in csv.lines() {
        let ours = line.split(',').nth(1) == Some(receipt_no);
        match if ours { f(line) } else { Some(line.to_string()) } {
            Some(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            None => {}
        }
    }
    out
}

/// A receipt of `kind` that the clean postings file posts.
fn posted_receipt(csv: &str, negative: bool) -> String {
    csv.lines()
        .skip(1)
        .find(|l| l.split(',').nth(3).is_some_and(|a| a.starts_with('-') == negative))
        .and_then(|l| l.split(',').nth(1))
        .unwrap()
        .to_string()
}

#[test]
fn the_clean_case_balances_with_zero_difference() {
    let f = fixture();
    let (_d, ws, r) = reconciled(&clean_batches(f, &[]), &clean_his());
    assert_eq!(exceptions(&r), Vec::<String>::new());
    assert!(r.balanced);
    assert!(r.totals_fen.even());
    assert_eq!(r.totals_fen.total.difference, 0);
    assert!(r.totals_fen.total.downtime != 0);
    let posted = clean_his().lines().count() - 1;
    assert_eq!(r.his.matched.len(), posted);
    assert_eq!(r.his.postings as usize, posted);
    let net: i64 = r.stations.values().map(|s| s.net_fen).sum();
    assert_eq!(r.totals_fen.total.downtime, net, "the records' totals are the batches' own");
    assert_eq!(r.totals_fen.stations.len(), 3);
    assert!(r.totals_fen.tenders.contains_key("cash"));
    assert!(ws.verify().unwrap().problem.is_none());
}

#[test]
fn a_posting_with_a_wrong_amount_is_named_once() {
    let f = fixture();
    let csv = clean_his();
    let no = posted_receipt(&csv, false);
    let wrong = edit_line(&csv, &no, |l| {
        let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
        cells[3] = format!("{}.00", cells[3].split('.').next().unwrap().parse::<i64>().unwrap() + 1);
        Some(cells.join(","))
    });
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[]), &wrong);
    assert_eq!(exceptions(&r), vec![format!("amount_mismatch {no}")]);
    let item = &r.his.amount_mismatch[0];
    assert_eq!(item.his_fen - item.downtime_fen.unwrap(), r.totals_fen.total.difference.abs());
    assert!(!r.balanced);
}

#[test]
fn a_posting_missing_from_the_his_is_named_once() {
    let f = fixture();
    let csv = clean_his();
    let no = posted_receipt(&csv, false);
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[]), &edit_line(&csv, &no, |_| None));
    assert_eq!(exceptions(&r), vec![format!("missing_in_his {no}")]);
    let item = &r.his.missing_in_his[0];
    assert_eq!(r.totals_fen.total.difference, item.downtime_fen.unwrap());
}

#[test]
fn a_refund_never_posted_is_named_once() {
    let f = fixture();
    let csv = clean_his();
    let no = posted_receipt(&csv, true);
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[]), &edit_line(&csv, &no, |_| None));
    assert_eq!(exceptions(&r), vec![format!("missing_in_his {no}")]);
    assert!(r.his.missing_in_his[0].downtime_fen.unwrap() < 0, "money given back is negative");
}

#[test]
fn a_receipt_posted_twice_is_named_once() {
    let f = fixture();
    let csv = clean_his();
    let no = posted_receipt(&csv, false);
    let twice = edit_line(&csv, &no, |l| Some(format!("{l}\n{}", l.replace("HIS-FP-", "HIS-FP-AGAIN-"))));
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[]), &twice);
    assert_eq!(exceptions(&r), vec![format!("posted_twice {no}")]);
    assert_eq!(r.his.posted_twice[0].his_nos.len(), 2);
}

#[test]
fn a_posting_no_record_explains_is_unknown_to_downtime() {
    let f = fixture();
    let csv = format!(
        "{}{},QT09-000001,HIS-FP-999999,12.00,2026-12-20 10:00:00\n",
        clean_his(),
        uuid::Uuid::now_v7()
    );
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[]), &csv);
    assert_eq!(exceptions(&r), vec!["unknown_to_downtime QT09-000001"]);
    assert_eq!(r.totals_fen.total.difference, -1200);
    assert_eq!(r.totals_fen.stations["QT09"].his, 1200);
}

#[test]
fn postings_of_a_missing_batch_wait_for_it_and_are_not_reported_again() {
    let f = fixture();
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[("MZ01", 2)]), &clean_his());
    assert_eq!(exceptions(&r), vec!["missing_batch MZ01 2"]);
    assert_eq!(r.his.awaiting_batch.len(), 1);
    let waiting = &r.his.awaiting_batch[0];
    assert_eq!(
        (waiting.station.as_str(), waiting.batch_seq, waiting.status.as_str()),
        ("MZ01", 2, "missing")
    );
    assert_eq!(r.totals_fen.total.difference, -waiting.his_fen);
}

#[test]
fn a_last_batch_not_collected_is_told_by_the_his() {
    let f = fixture();
    let (_d, _ws, r) = reconciled(&clean_batches(f, &[("MZ01", 3)]), &clean_his());
    assert_eq!(exceptions(&r), vec!["missing_batch MZ01 3"]);
    assert_eq!(r.his.awaiting_batch[0].batch_seq, 3);
}

#[test]
fn postings_of_a_rejected_batch_wait_for_a_sound_copy() {
    let f = fixture();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    let csv = usb.join("JZ01-batch-000002").join("tenders.csv");
    std::fs::write(&csv, std::fs::read_to_string(&csv).unwrap() + "x").unwrap();
    let batches: Vec<PathBuf> = std::fs::read_dir(&usb).unwrap().map(|e| e.unwrap().path()).collect();
    let (_d2, _ws, r) = reconciled(&batches, &clean_his());
    assert_eq!(exceptions(&r), vec!["rejected tampered_file"]);
    assert_eq!(r.his.awaiting_batch[0].status, "rejected");
}

#[test]
fn an_his_export_with_chinese_headers_in_gbk_reads_like_the_plain_one() {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../../shared/samples/his-postings-example.csv"
    ));
    let sample = sample.unwrap_or_else(|_| "\u{feff}应急记录ID,应急收据号,HIS发票号,金额,入账时间\r\n,MZ01-000001,HIS-FP-20261208-0001,36.00,2026-12-08 09:12:33\r\n,MZ01-000002,HIS-FP-20261208-0002,118.50,2026-12-08 09:13:02\r\n,MZ01-000003,HIS-FP-20261208-0003,-18.50,2026-12-08 09:14:40\r\n".as_bytes().to_vec());
    let file = read_postings(&sample, "his-postings-example.csv", &[]).unwrap();
    let amounts: Vec<i64> = file.postings.iter().map(|p| p.amount_fen).collect();
    assert_eq!(amounts, vec![3600, 11850, -1850]);
    assert_eq!(file.postings[2].receipt_no, "MZ01-000003");
    let text = String::from_utf8(sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&sample).to_vec()).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let again = read_postings(&gbk, "his.csv", &[]).unwrap();
    assert_eq!(again.postings, file.postings);
    assert_eq!(again.encoding, "gb18030");
}

#[test]
fn other_header_names_are_mapped_and_a_method_column_is_read() {
    let csv = "流水号,票号,记账金额,支付方式\nA1,MZ01-000001,12.50,微信\nA2,MZ01-000002,-3.00,现金\n";
    let e = read_postings(csv.as_bytes(), "his.csv", &[]).err().unwrap();
    assert_eq!(e.code(), "his_not_postings");
    let map = vec![
        ("流水号".to_string(), HisField::parse("his_no").unwrap()),
        ("票号".to_string(), HisField::parse("receipt_no").unwrap()),
        ("记账金额".to_string(), HisField::parse("amount").unwrap()),
    ];
    let file = read_postings(csv.as_bytes(), "his.csv", &map).unwrap();
    let got: Vec<(String, i64, String)> = file
        .postings
        .iter()
        .map(|p| (p.his_no.clone(), p.amount_fen, p.method.clone()))
        .collect();
    assert_eq!(got, vec![("A1".into(), 1250, "wechat".into()), ("A2".into(), -300, "cash".into())]);
    assert_eq!(HisField::parse("price").err().unwrap().code(), "his_map_invalid");
}

#[test]
fn a_file_with_unreadable_rows_is_refused_whole_naming_them() {
    for (csv, needle) in [
        (
            "record_uuid,receipt_no,his_no,amount,posted_at\n,MZ01-000001,H1,12.5x,2026-12-08\n",
            "12.5x",
        ),
        (
            "record_uuid,receipt_no,his_no,amount,posted_at\n,,H1,12.50,2026-12-08\n",
            "都是空的",
        ),
        (
            "record_uuid,receipt_no,his_no,amount,posted_at\nnot-a-uuid,MZ01-000001,H1,12.50,2026-12-08\n",
            "not-a-uuid",
        ),
        (
            "record_uuid,receipt_no,his_no,amount,posted_at\n,MZ01-000001,H1,12.50,明天\n",
            "明天",
        ),
        (
            "record_uuid,receipt_no,his_no,amount,posted_at\n,MZ01-000001,H1,12.505,2026-12-08\n",
            "12.505",
        ),
    ] {
        let e = read_postings(csv.as_bytes(), "his.csv", &[]).err().expect(needle);
        assert_eq!(e.code(), "his_rows_invalid", "{needle}");
        assert!(e.to_string().contains(needle) && e.to_string().contains("第 2 行"), "{e}");
    }
    for (bytes, file) in [
        (&b""[..], "empty.csv"),
        (&b"\x00\x01\x02\x03binary"[..], "x.csv"),
        (&b"a,b\n1,2\n"[..], "x.csv"),
    ] {
        assert_eq!(read_postings(bytes, file, &[]).err().unwrap().code(), "his_not_postings", "{file}");
    }
}

#[test]
fn importing_the_same_postings_again_adds_nothing() {
    let f = fixture();
    let csv = clean_his();
    let (_d, mut ws, r) = reconciled(&clean_batches(f, &[]), &csv);
    let file = read_postings(csv.as_bytes(), "his.csv", &[]).unwrap();
    let again = ws.import_his(&clerk(), &file).unwrap();
    assert_eq!(again.added, 0);
    // A later export repeating every posting and adding none: still nothing new.
    let later = read_postings(format!("{csv}\n").as_bytes(), "his-later.csv", &[]).unwrap();
    assert_eq!(ws.import_his(&clerk(), &later).unwrap().added, 0);
    let r2 = ws.reconcile(None).unwrap();
    assert_eq!(r2.his.matched, r.his.matched);
    assert!(r2.balanced);
}
