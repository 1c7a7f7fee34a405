//! History that cannot be rewritten unseen (#17): someone with the file, its signing key and
//! the published format rewrites or cuts off history and re-hashes everything after it. What
//! is inside the file can be made consistent again; the anchors printed on paper cannot.

use crate::charges::{cash, charge, counter, item, Counter};
use crate::raw;
use downtime_core::anchor::{Anchor, Found};
use downtime_core::charge::qr;
use downtime_core::jcs::canonical;
use downtime_core::journal::entry_hash;
use downtime_core::store::migrations::append_only_triggers;
use serde_json::Value;
use std::path::Path;

/// A counter that issued `n` receipts; their printed QR payloads, as patients carry them.
fn counter_with_receipts(n: usize) -> (Counter, Vec<String>) {
    let mut c = counter();
    let mut paper = Vec::new();
    for i in 0..n {
        let patient = if i % 2 == 0 { "DT-MZ01-000001" } else { "DT-MZ01-000002" };
        let r = c
            .pay(&charge(patient, vec![item("E1", "1"), item("L1", "2")], vec![cash("190")]))
            .unwrap();
        paper.push(r.qr_payload);
    }
    (c, paper)
}

fn paper_anchor(payload: &str) -> Anchor {
    qr::anchor_of(payload).expect("a version 3 payload carries its anchor")
}

/// The guards a tamperer drops first, and puts back exactly as shipped afterwards.
fn without_guards(path: &Path, f: impl FnOnce(&rusqlite::Connection)) {
    let conn = raw(path);
    let guards: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (name, _) in &guards {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\"")).unwrap();
    }
    f(&conn);
    for (_, sql) in &guards {
        conn.execute_batch(sql).unwrap();
    }
}

/// Rewrites the chain from entry `from` on the way a careful tamperer would: each receipt row
/// it meets gets a QR payload re-signed with the station key from the file, carrying the
/// anchor of the rewritten chain; payloads, then hashes, are recomputed entry by entry.
fn rehash_from(conn: &rusqlite::Connection, from: i64) {
    let secret: Vec<u8> = conn.query_row("SELECT secret_key FROM station_key", [], |r| r.get(0)).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap());
    let public = key.verifying_key().to_bytes();
    let entries: Vec<(i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, id, kind, actor, at, payload FROM journal WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (seq, id, kind, actor, at, payload) in entries {
        let prev: String = conn
            .query_row("SELECT hash FROM journal WHERE seq = ?1", [seq - 1], |r| r.get(0))
            .unwrap();
        let mut value: Value = serde_json::from_str(&payload).unwrap();
        if let Some(receipts) = value.pointer_mut("/rows/receipt").and_then(Value::as_array_mut) {
            for row in receipts {
                let old = row["qr_payload"].as_str().unwrap().to_string();
                let c = qr::check(&old, &public).unwrap();
                let resigned = qr::payload(
                    &key,
                    &qr::Contents {
                        kind: c.kind.unwrap(),
                        station: &c.station,
                        receipt_no: &c.receipt_no,
                        total: downtime_core::Fen::new(row["total_fen"].as_i64().unwrap()).unwrap(),
                        issued: c.issued,
                        anchor: &Anchor::of(seq - 1, &prev),
                        patient: c.patient.as_deref().unwrap_or(""),
                        lines: c.lines.as_deref().unwrap_or(&[]),
                    },
                );
                row["qr_payload"] = Value::from(resigned.clone());
                conn.execute(
                    "UPDATE receipt SET qr_payload = ?1 WHERE id = ?2",
                    [resigned, row["id"].as_str().unwrap().to_string()],
                )
                .unwrap();
            }
        }
        let payload = canonical(&value);
        let hash = entry_hash(seq, &id.parse().unwrap(), &kind, &actor, &at, &prev, &payload);
        conn.execute(
            "UPDATE journal SET payload = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![payload, prev, hash, seq],
        )
        .unwrap();
    }
}

/// The journal entry that recorded receipt `no`.
fn entry_of(conn: &rusqlite::Connection, no: &str) -> i64 {
    conn.query_row(
        "SELECT seq FROM journal WHERE payload LIKE '%\"receipt_no\":\"' || ?1 || '\"%' ORDER BY seq LIMIT 1",
        [no],
        |r| r.get(0),
    )
    .unwrap()
}

/// Lowers a receipt by ¥1 everywhere it is written (its CT line's unit price and amount, the
/// total, the cash tender), in the tables and in the payload of the entry that recorded it.
fn lower_by_one_yuan(conn: &rusqlite::Connection, no: &str) -> i64 {
    let seq = entry_of(conn, no);
    let id: String = conn
        .query_row("SELECT id FROM receipt WHERE receipt_no = ?1", [no], |r| r.get(0))
        .unwrap();
    conn.execute_batch(&format!(
        "UPDATE receipt SET total_fen = total_fen - 100 WHERE id = '{id}';
         UPDATE receipt_line SET amount_fen = amount_fen - 100, unit_price_e4 = unit_price_e4 - 10000 WHERE receipt_id = '{id}' AND line_no = 1;
         UPDATE tender SET amount_fen = amount_fen - 100 WHERE receipt_id = '{id}' AND n = 1;"
    ))
    .unwrap();
    let payload: String = conn
        .query_row("SELECT payload FROM journal WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap();
    let mut v: Value = serde_json::from_str(&payload).unwrap();
    for row in v["rows"]["receipt"].as_array_mut().unwrap() {
        row["total_fen"] = Value::from(row["total_fen"].as_i64().unwrap() - 100);
    }
    for row in v["rows"]["receipt_line"].as_array_mut().unwrap() {
        if row["line_no"] == 1 {
            row["amount_fen"] = Value::from(row["amount_fen"].as_i64().unwrap() - 100);
            row["unit_price_e4"] = Value::from(row["unit_price_e4"].as_i64().unwrap() - 10000);
        }
    }
    for row in v["rows"]["tender"].as_array_mut().unwrap() {
        if row["n"] == 1 {
            row["amount_fen"] = Value::from(row["amount_fen"].as_i64().unwrap() - 100);
        }
    }
    conn.execute(
        "UPDATE journal SET payload = ?1 WHERE seq = ?2",
        rusqlite::params![canonical(&v), seq],
    )
    .unwrap();
    seq
}

#[test]
fn a_careless_rewrite_is_caught_by_the_receipts_arithmetic() {
    let (c, _) = counter_with_receipts(3);
    let path = c.f.db_path();
    // Only the total, re-hashed: the chain and the table agree, the lines do not.
    without_guards(&path, |conn| {
        let seq = entry_of(conn, "MZ01-000002");
        conn.execute(
            "UPDATE receipt SET total_fen = total_fen - 100 WHERE receipt_no = 'MZ01-000002'",
            [],
        )
        .unwrap();
        let payload: String = conn
            .query_row("SELECT payload FROM journal WHERE seq = ?1", [seq], |r| r.get(0))
            .unwrap();
        let mut v: Value = serde_json::from_str(&payload).unwrap();
        let t = v["rows"]["receipt"][0]["total_fen"].as_i64().unwrap();
        v["rows"]["receipt"][0]["total_fen"] = Value::from(t - 100);
        conn.execute(
            "UPDATE journal SET payload = ?1 WHERE seq = ?2",
            rusqlite::params![canonical(&v), seq],
        )
        .unwrap();
        rehash_from(conn, seq);
    });
    let problem = c.f.desk.verify().unwrap().problem.expect("caught");
    assert!(
        problem.zh.contains("MZ01-000002") && problem.zh.contains("明细行合计"),
        "{}",
        problem.zh
    );
}

#[test]
fn dropped_or_altered_guards_are_caught() {
    let (c, _) = counter_with_receipts(1);
    let conn = raw(&c.f.db_path());
    conn.execute_batch("DROP TRIGGER receipt_no_update").unwrap();
    let p = c.f.desk.verify().unwrap().problem.expect("a dropped trigger");
    assert!(p.zh.contains("receipt_no_update") && p.zh.contains("缺少"), "{}", p.zh);
    // Put back with another body: altered.
    conn.execute_batch("CREATE TRIGGER receipt_no_update BEFORE UPDATE ON receipt BEGIN SELECT 1; END;")
        .unwrap();
    let p = c.f.desk.verify().unwrap().problem.expect("an altered trigger");
    assert!(p.zh.contains("receipt_no_update") && p.zh.contains("定义"), "{}", p.zh);
    conn.execute_batch("DROP TRIGGER receipt_no_update").unwrap();
    conn.execute_batch(&append_only_triggers(downtime_core::store::migrations::APPEND_ONLY, |t| {
        t == "receipt"
    }))
    .unwrap();
    assert_eq!(c.f.desk.verify().unwrap().problem, None, "restored exactly as shipped");
    // A trigger added (one that would, say, change amounts as they are written).
    conn.execute_batch("CREATE TRIGGER sneaky AFTER INSERT ON tender BEGIN SELECT 1; END;")
        .unwrap();
    assert!(c.f.desk.verify().unwrap().problem.expect("an added trigger").zh.contains("sneaky"));
    conn.execute_batch("DROP TRIGGER sneaky").unwrap();
    // An index dropped (a unique one keeps two receipts from taking one number).
    let index: String = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!("DROP INDEX \"{index}\"")).unwrap();
    assert!(c.f.desk.verify().unwrap().problem.expect("a dropped index").zh.contains(&index));
}

#[test]
fn a_careful_rewrite_passes_inside_the_file_but_fails_every_later_anchor() {
    let (c, paper) = counter_with_receipts(6);
    let path = c.f.db_path();
    let desk = &c.f.desk;
    for p in &paper {
        desk.check_receipt_code(p, None).unwrap();
    }
    let changed_at = std::cell::Cell::new(0);
    without_guards(&path, |conn| {
        let seq = lower_by_one_yuan(conn, "MZ01-000002");
        changed_at.set(seq);
        rehash_from(conn, seq);
    });
    let changed_at = changed_at.get();
    // Inside the file everything agrees again: chain, tables, arithmetic, stored anchors, schema.
    let report = desk.verify().unwrap();
    assert_eq!(report.problem, None, "the rewrite is consistent inside the file");
    assert_eq!(desk.receipt("MZ01-000002").unwrap().unwrap().total.get(), 18900);
    // The paper is not: every anchor printed after the change fails, each before it holds.
    let mut failed = 0;
    for p in &paper {
        let a = paper_anchor(p);
        let report = desk.verify_with(std::slice::from_ref(&a)).unwrap();
        let by_check = desk.check_receipt_code(p, None);
        if p.contains(".MZ01-000002.") {
            // The changed receipt's own paper: its anchor is older than the change, its amount
            // is not what the file now says.
            assert_eq!(report.anchors[0].found, Found::Matches);
            assert_eq!(by_check.unwrap_err().code(), "qr_mismatch");
        } else if a.seq >= changed_at {
            assert_eq!(report.anchors[0].found, Found::Differs, "{a}");
            assert!(report.problem.expect("verify --anchor fails").zh.contains("改写"));
            assert_eq!(by_check.unwrap_err().code(), "qr_anchor_mismatch", "{a}");
            failed += 1;
        } else {
            assert_eq!(report.anchors[0].found, Found::Matches, "{a}");
            assert_eq!(report.problem, None);
            by_check.unwrap();
        }
    }
    assert_eq!(failed, 4, "receipts 3 to 6 were printed after the change");
    println!(
        "rewrite of receipt 2 re-hashed from entry {changed_at}: {failed} of {} printed anchors fail",
        paper.len()
    );
}

#[test]
fn a_cut_off_history_fails_every_anchor_printed_after_the_cut() {
    let (c, paper) = counter_with_receipts(6);
    let path = c.f.db_path();
    let desk = &c.f.desk;
    let cut = std::cell::Cell::new(0);
    // The last entries and every row they recorded, gone.
    without_guards(&path, |conn| {
        let from = entry_of(conn, "MZ01-000005");
        cut.set(from);
        conn.execute_batch(&format!(
            "DELETE FROM tender WHERE receipt_id IN (SELECT id FROM receipt WHERE seq >= 5);
             DELETE FROM receipt_line WHERE receipt_id IN (SELECT id FROM receipt WHERE seq >= 5);
             DELETE FROM receipt WHERE seq >= 5;
             DELETE FROM journal WHERE seq >= {from};"
        ))
        .unwrap();
    });
    assert_eq!(
        desk.verify().unwrap().problem,
        None,
        "the shorter chain is consistent inside the file"
    );
    for p in &paper[4..] {
        let a = paper_anchor(p);
        let report = desk.verify_with(std::slice::from_ref(&a)).unwrap();
        // The receipt's own anchor is the entry before it: receipt 5's still exists, but its
        // receipt is gone; receipt 6's anchor (receipt 5's entry) is cut off.
        if a.seq >= cut.get() {
            assert_eq!(report.anchors[0].found, Found::Missing);
            assert!(report.problem.unwrap().zh.contains("截断"));
        }
    }
    assert_eq!(desk.check_receipt_code(&paper[5], None).unwrap_err().code(), "qr_anchor_mismatch");
    // The head printed on a handover sheet or an export cover after receipt 6 catches it too.
    let last = paper_anchor(&paper[5]);
    let head_after = Anchor {
        seq: last.seq + 1,
        hash_prefix: "0123456789abcdef".into(),
    };
    assert_eq!(desk.verify_with(&[head_after]).unwrap().anchors[0].found, Found::Missing);
}

#[test]
fn verify_reports_the_real_head_when_the_chain_is_broken() {
    let (c, _) = counter_with_receipts(2);
    let conn = raw(&c.f.db_path());
    let (count, head_seq, head_hash): (i64, i64, String) = conn
        .query_row(
            "SELECT count(*), max(seq), (SELECT hash FROM journal ORDER BY seq DESC LIMIT 1) FROM journal",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute_batch("DROP TRIGGER journal_no_update; UPDATE journal SET actor = '某人' WHERE seq = 3;")
        .unwrap();
    let view = downtime_core::view::VerifyView::from(&c.f.desk.verify().unwrap());
    assert!(!view.sound);
    assert_eq!(
        (view.entries, view.head_seq, view.head_hash.as_str()),
        (count, head_seq, head_hash.as_str())
    );
    assert_ne!(view.head_hash, downtime_core::journal::GENESIS);
    assert_eq!((view.broken_seq, view.verified_entries), (Some(3), 2));
}

#[test]
fn receipts_printed_carry_the_entry_before_their_own() {
    let (c, paper) = counter_with_receipts(2);
    let conn = raw(&c.f.db_path());
    for (i, p) in paper.iter().enumerate() {
        let a = paper_anchor(p);
        let own = entry_of(&conn, &format!("MZ01-{:06}", i + 1));
        assert_eq!(a.seq, own - 1);
        let prev: String = conn
            .query_row("SELECT prev_hash FROM journal WHERE seq = ?1", [own], |r| r.get(0))
            .unwrap();
        assert!(prev.starts_with(&a.hash_prefix) && a.hash_prefix.len() == 16);
        assert!(p.starts_with("DDR4.charge.MZ01."), "{p}");
    }
    let report = c.f.desk.verify().unwrap();
    assert_eq!(report.receipts_checked, 2);
}

/// A time, a day or an id changed outside the desk into something that is none is damage:
/// reading the record fails with it, instead of showing 1970 or the nil id.
#[test]
fn a_stored_time_or_id_that_is_none_fails_loudly() {
    let (c, _) = counter_with_receipts(2);
    let path = c.f.db_path();
    let cases = [
        (
            "UPDATE receipt SET occurred_at = 'yesterday' WHERE receipt_no = 'MZ01-000001'",
            "MZ01-000001",
            "yesterday",
        ),
        (
            "UPDATE receipt SET shift_id = 'shift-1' WHERE receipt_no = 'MZ01-000002'",
            "MZ01-000002",
            "shift-1",
        ),
    ];
    without_guards(&path, |conn| {
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for (sql, _, _) in &cases {
            conn.execute(sql, []).unwrap();
        }
    });
    for (_, no, text) in cases {
        let e = c.f.desk.receipt(no).expect_err("a bad stored value is an error");
        assert!(e.to_string().contains(text), "{no}: {e}");
    }
}
