use crate::{raw, Fixture};
use downtime_core::journal::{entry_hash, GENESIS};
use downtime_core::{Fen, Role};

fn busy_station() -> Fixture {
    let mut f = Fixture::new();
    let cashier = f.operator("李收费", Role::Cashier);
    f.desk.login("李收费", "2468").unwrap();
    f.desk.start_outage(&f.admin, "HIS 数据库宕机", None, "网管中心").unwrap();
    f.desk.open_shift(&cashier, Fen::new(20000).unwrap()).unwrap();
    f.desk
        .close_shift(&cashier, &downtime_core::report::close::CashCount::total(Fen::new(20000).unwrap()))
        .unwrap();
    f.desk.logout(&cashier).unwrap();
    f
}

/// Tampers as a person with the sqlite3 shell would: drop the guard, then write.
fn tamper(f: &Fixture, sql: &str) {
    let conn = raw(&f.db_path());
    conn.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete; \
         DROP TRIGGER IF EXISTS journal_gapless; DROP TRIGGER IF EXISTS shift_no_update; \
         DROP TRIGGER IF EXISTS shift_no_delete; {sql}"
    ))
    .unwrap();
}

fn broken_at(f: &Fixture) -> Option<i64> {
    let report = f.desk.verify().unwrap();
    assert!(report.problem.is_some(), "verify missed the tampering");
    report.problem.unwrap().seq
}

#[test]
fn every_state_change_is_one_chained_entry() {
    let f = busy_station();
    let tail = f.desk.journal_tail(100).unwrap();
    let kinds: Vec<&str> = tail.iter().rev().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "station_initialised",
            "operator_added",
            "login",
            "outage_started",
            "shift_opened",
            "shift_closed",
            "logout"
        ]
    );
    let first = tail.last().unwrap();
    assert_eq!(first.prev_hash, GENESIS);
    for pair in tail.windows(2) {
        assert_eq!(pair[0].prev_hash, pair[1].hash);
        assert_eq!(pair[0].seq, pair[1].seq + 1);
    }
    let report = f.desk.verify().unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.entries, 7);
    assert_eq!(report.head_hash, tail[0].hash);
}

#[test]
fn the_hash_follows_the_documented_layout() {
    let f = busy_station();
    for e in f.desk.journal_tail(100).unwrap() {
        assert_eq!(entry_hash(e.seq, &e.id, &e.kind, &e.actor, &e.at, &e.prev_hash, &e.payload), e.hash);
        // The layout by hand, as ARCHITECTURE.md writes it.
        let bytes = format!(
            "DTJ1\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            e.seq, e.id, e.kind, e.actor, e.at, e.prev_hash, e.payload
        );
        use sha2::Digest;
        assert_eq!(hex::encode(sha2::Sha256::digest(bytes.as_bytes())), e.hash);
    }
}

#[test]
fn payloads_are_canonical_json_without_secrets() {
    let f = busy_station();
    for e in f.desk.journal_tail(100).unwrap() {
        let v: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
        assert_eq!(downtime_core::jcs::canonical(&v), e.payload);
        assert!(!e.payload.contains("secret"));
    }
}

#[test]
fn an_altered_payload_byte_names_its_entry() {
    let f = busy_station();
    tamper(&f, "UPDATE journal SET payload = replace(payload, '20000', '20001') WHERE seq = 5");
    assert_eq!(broken_at(&f), Some(5));
}

#[test]
fn an_altered_actor_or_time_names_its_entry() {
    let f = busy_station();
    tamper(&f, "UPDATE journal SET actor = '张三' WHERE seq = 3");
    assert_eq!(broken_at(&f), Some(3));
    let g = busy_station();
    tamper(&g, "UPDATE journal SET at = '2026-11-26T02:00:00.000000Z' WHERE seq = 6");
    assert_eq!(broken_at(&g), Some(6));
}

#[test]
fn a_removed_entry_is_named() {
    let f = busy_station();
    tamper(&f, "DELETE FROM journal WHERE seq = 4");
    assert_eq!(broken_at(&f), Some(4));
}

#[test]
fn a_removed_last_entry_is_caught_by_the_rows_it_recorded() {
    let f = busy_station();
    // Removing the tail keeps the chain consistent, but the rows it recorded remain.
    tamper(&f, "DELETE FROM journal WHERE seq = 6");
    tamper(&f, "DELETE FROM journal WHERE seq = 7");
    assert!(f.desk.verify().unwrap().problem.is_some());
}

#[test]
fn an_inserted_entry_is_named() {
    let f = busy_station();
    tamper(
        &f,
        "UPDATE journal SET seq = seq + 1000 WHERE seq >= 4; UPDATE journal SET seq = seq - 999 WHERE seq >= 1000; \
         INSERT INTO journal (seq, id, kind, actor, at, payload, prev_hash, hash) \
         SELECT 4, '0190f0f0-0000-7000-8000-000000000000', 'login', '李收费', at, '{}', prev_hash, 'ab' || hash FROM journal WHERE seq = 5",
    );
    let seq = broken_at(&f);
    assert!(seq == Some(4) || seq == Some(5), "{seq:?}");
}

#[test]
fn an_altered_fact_row_names_the_entry_that_recorded_it() {
    let f = busy_station();
    tamper(&f, "UPDATE shift SET float_fen = 1");
    assert_eq!(broken_at(&f), Some(5));
}

#[test]
fn a_fact_row_without_an_entry_is_caught() {
    let f = busy_station();
    let conn = raw(&f.db_path());
    let op: String = conn
        .query_row("SELECT id FROM operator WHERE name = '李收费'", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "INSERT INTO shift (id, operator_id, float_fen, outage_id, opened_at) VALUES ('x', ?1, 0, NULL, '2026-11-26T03:00:00.000000Z')",
        [op],
    )
    .unwrap();
    let report = f.desk.verify().unwrap();
    assert!(report.problem.unwrap().zh.contains("没有对应的流水记录"));
}

#[test]
fn a_column_added_later_reads_as_null_in_older_entries_and_nothing_hides_behind_it() {
    // A station from schema 6: its receipt lines have no insurance class column in the journal.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/data/station-schema6.sqlite"), &path).unwrap();
    let desk = downtime_core::Desk::open(&path).unwrap();
    assert_eq!(desk.verify().unwrap().problem, None);
    // Setting the new column on an old row behind the journal's back is caught.
    let conn = raw(&path);
    conn.execute_batch(
        "DROP TRIGGER receipt_line_no_update; UPDATE receipt_line SET insurance_class = '甲' WHERE rowid = (SELECT min(rowid) FROM receipt_line)",
    )
    .unwrap();
    let problem = desk.verify().unwrap().problem.expect("caught");
    assert!(problem.zh.contains("receipt_line"), "{}", problem.zh);
}

#[test]
fn signing_in_over_another_session_closes_it_and_a_wrong_pin_closes_nothing() {
    let mut f = Fixture::new();
    let cashier = f.operator("李收费", Role::Cashier);
    let admin = f.admin.clone();
    let kinds = |f: &Fixture| -> Vec<(String, String)> {
        f.desk
            .journal_tail(100)
            .unwrap()
            .iter()
            .rev()
            .map(|e| (e.kind.clone(), e.actor.clone()))
            .collect()
    };
    let before = kinds(&f);
    let e = f.desk.sign_in(Some(&admin), "李收费", "0000").err().expect("a wrong PIN");
    assert_eq!(e.code(), "pin_wrong");
    let counted = kinds(&f)[before.len()..].to_vec();
    assert_eq!(
        counted,
        vec![("pin_failed".to_string(), "李收费".to_string())],
        "the wrong PIN is counted, the session before is not closed"
    );
    let before = kinds(&f);
    let now = f.desk.sign_in(Some(&admin), "李收费", "2468").unwrap();
    assert_eq!(now, cashier);
    let again = f.desk.sign_in(Some(&now), "李收费", "2468").unwrap();
    assert_eq!(again, cashier, "the same operator again: no logout of themself");
    let first = f.desk.sign_in(None, &admin.name(), "123456");
    let tail: Vec<(String, String)> = kinds(&f)[before.len()..].to_vec();
    let pair = |k: &str, a: &str| (k.to_string(), a.to_string());
    assert_eq!(
        tail,
        vec![
            pair("login", "李收费"),
            pair("logout", &admin.name()),
            pair("login", "李收费"),
            pair("login", &admin.name()),
        ]
    );
    assert_eq!(first.unwrap(), admin);
}
