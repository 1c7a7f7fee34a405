//! Loading batches into the workspace: the registry of station keys, the batches present and
//! missing, receipt gaps, rejections, duplicates and conflicts, each named exactly once.

use crate::fixture::{clean_batches, copy_dir, fixture, folder_with};
use downtime_recon::reconcile::Reconciliation;
use downtime_recon::{Clerk, Workspace};
use std::path::PathBuf;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path().join("finance").join("reconcile.sqlite3")).unwrap();
    (dir, ws)
}

fn clerk() -> Clerk {
    Clerk::command_line("财务小王").unwrap()
}

fn load(ws: &mut Workspace, roots: &[PathBuf]) -> downtime_recon::load::LoadReport {
    ws.load_batches(&clerk(), roots, &mut |_| {}).unwrap()
}

/// Everything the reconciliation reports as wrong, as (list, what) pairs.
fn findings(r: &Reconciliation) -> Vec<String> {
    let mut out = Vec::new();
    for (code, s) in &r.stations {
        out.extend(s.missing_batches.iter().map(|b| format!("missing_batch {code} {b}")));
        out.extend(s.receipt_gaps.iter().map(|g| format!("receipt_gap {}..{}", g.first, g.last)));
    }
    out.extend(r.rejected.iter().map(|x| {
        format!(
            "rejected {} {} {}",
            x.reason,
            x.station.clone().unwrap_or_default(),
            x.batch_seq.unwrap_or_default()
        )
    }));
    out.extend(
        r.duplicates
            .iter()
            .map(|d| format!("duplicate {} {} {}", d.kind, d.station, d.batch_seq)),
    );
    out.extend(
        r.conflicts
            .iter()
            .map(|d| format!("conflict {} {}", d.station, d.record_uuid.clone().unwrap_or_default())),
    );
    out
}

#[test]
fn a_fresh_workspace_is_created_on_first_use_and_refuses_a_station_database() {
    let (dir, ws) = workspace();
    assert!(ws.path().is_file());
    let r = ws.reconcile(None).unwrap();
    assert!(r.stations.is_empty());
    drop(ws);
    let page_size = |p: &std::path::Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let ws_path = dir.path().join("finance").join("reconcile.sqlite3");
    assert_eq!(page_size(&ws_path), 16 * 1024, "a workspace is made with 16 KiB pages");
    let station = dir.path().join("station.db");
    let desk = downtime_core::Desk::init(
        &station,
        &downtime_core::station::Setup {
            hospital: "医院".into(),
            code: "MZ09".into(),
            station_name: "窗口".into(),
            admin_name: "管理员".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    drop(desk);
    assert_eq!(page_size(&station), 4096, "a station keeps SQLite's own");
    let e = Workspace::open(&station).err().expect("a station database is not a workspace");
    assert_eq!(e.code(), "db_not_database");
    let e = downtime_core::Desk::open(dir.path().join("finance").join("reconcile.sqlite3"))
        .err()
        .expect("a workspace is not a station database");
    assert_eq!(e.code(), "db_not_database");
}

#[test]
fn clean_batches_from_three_counters_load_with_nothing_missing() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let report = load(&mut ws, &[f.clean()]);
    assert_eq!(report.found, 7);
    assert_eq!(report.loaded.len(), 7);
    assert!(report.rejected.is_empty());
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), Vec::<String>::new());
    assert_eq!(r.stations["MZ01"].batches, vec![1, 2, 3]);
    assert_eq!(r.stations["MZ02"].batches, vec![1, 2]);
    assert_eq!(r.stations["JZ01"].batches, vec![1, 2]);
    for (code, fp) in &f.fingerprints {
        assert_eq!(&r.stations[code].fingerprint, fp, "the registry pins {code}'s key");
    }
    assert!(r.stations.values().all(|s| s.receipts > 0));
    assert!(ws.verify().unwrap().problem.is_none(), "the workspace's own journal is whole");
}

#[test]
fn loading_the_same_batches_again_changes_nothing() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    load(&mut ws, &[f.clean()]);
    let before = ws.reconcile(None).unwrap();
    let entries = ws.verify().unwrap().entries;
    let again = load(&mut ws, &[f.clean()]);
    assert_eq!((again.loaded.len(), again.already), (0, 7));
    assert_eq!(ws.reconcile(None).unwrap(), before);
    assert_eq!(ws.verify().unwrap().entries, entries, "a no-op is not journalled");
}

#[test]
fn batches_may_arrive_in_any_order_and_in_several_loads() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_a, later) = folder_with(&[f.batch("MZ01", 3), f.batch("MZ01", 2)]);
    load(&mut ws, &[later]);
    assert_eq!(ws.reconcile(None).unwrap().stations["MZ01"].missing_batches, vec![1]);
    let (_b, first) = folder_with(&[f.batch("MZ01", 1)]);
    load(&mut ws, &[first]);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), Vec::<String>::new());
    assert_eq!(r.stations["MZ01"].batches, vec![1, 2, 3]);
}

#[test]
fn a_missing_batch_is_named_once_and_explains_its_receipt_numbers() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[("MZ01", 2)]));
    load(&mut ws, &[usb]);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), vec!["missing_batch MZ01 2"]);
    assert!(!r.balanced);
}

#[test]
fn a_tampered_csv_rejects_its_batch_and_nothing_else() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    let csv = usb.join("MZ01-batch-000002").join("receipts.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, text.replacen(",", ";", 1)).unwrap();
    let report = load(&mut ws, &[usb.clone()]);
    assert_eq!(report.rejected.len(), 1);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), vec!["rejected tampered_file MZ01 2"]);
    let x = &r.rejected[0];
    assert_eq!(x.path, usb.join("MZ01-batch-000002").display().to_string());
    assert_eq!(
        (x.problem.as_str(), x.file.as_deref()),
        ("batch_file_changed", Some("receipts.csv"))
    );
    // Loading the same folders again records the rejection once.
    load(&mut ws, &[usb]);
    assert_eq!(ws.reconcile(None).unwrap().rejected.len(), 1);
}

#[test]
fn a_batch_signed_with_another_key_is_rejected_as_forged() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    copy_dir(&f.forged(), &usb.join("from-a-stranger").join("MZ02-batch-000003"));
    load(&mut ws, &[usb]);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), vec!["rejected forged_key MZ02 3"]);
    assert!(
        r.rejected[0].message.contains(&f.fingerprints[1].1),
        "names the pinned key: {}",
        r.rejected[0].message
    );
}

#[test]
fn a_second_copy_of_a_batch_is_counted_once_and_named_once() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    copy_dir(&f.batch("JZ01", 1), &usb.join("copy").join("JZ01-batch-000001"));
    load(&mut ws, &[usb.clone()]);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), vec!["duplicate batch JZ01 1"]);
    let (_c, only_clean) = folder_with(&clean_batches(f, &[]));
    let (_e, mut clean_ws) = workspace();
    load(&mut clean_ws, &[only_clean]);
    let clean = clean_ws.reconcile(None).unwrap();
    assert_eq!(r.stations, clean.stations, "the copy's records are counted once");
}

#[test]
fn a_forked_batch_breaks_the_chain() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    copy_dir(&f.fork(), &usb.join("restored-pc").join("MZ02-batch-000002"));
    load(&mut ws, &[usb]);
    let r = ws.reconcile(None).unwrap();
    assert_eq!(findings(&r), vec!["rejected broken_chain MZ02 2"]);
}

#[test]
fn a_folder_that_is_not_there_or_holds_no_batch_changes_nothing() {
    let f = fixture();
    let (dir, mut ws) = workspace();
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for roots in [vec![f.clean(), dir.path().join("absent")], vec![f.clean(), empty]] {
        let e = ws.load_batches(&clerk(), &roots, &mut |_| {}).err().expect("refused");
        assert!(["recon_folder_missing", "recon_no_batches"].contains(&e.code()), "{}", e.code());
    }
    assert!(ws.reconcile(None).unwrap().stations.is_empty());
    assert_eq!(ws.verify().unwrap().entries, 0);
}

#[test]
fn finance_and_administrators_may_reconcile_and_no_one_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = downtime_core::Desk::init(
        dir.path().join("s.db"),
        &downtime_core::station::Setup {
            hospital: "医院".into(),
            code: "CW01".into(),
            station_name: "财务科".into(),
            admin_name: "管理员".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    let admin = desk.authenticate("管理员", "123456").unwrap();
    for (name, role, ok) in [
        ("财务甲", downtime_core::Role::Finance, true),
        ("收费乙", downtime_core::Role::Cashier, false),
        ("主管丙", downtime_core::Role::Supervisor, false),
    ] {
        desk.add_operator(&admin, name, role, "2468").unwrap();
        let actor = desk.authenticate(name, "2468").unwrap();
        assert_eq!(Clerk::operator(&actor).is_ok(), ok, "{name}");
    }
    assert!(Clerk::operator(&admin).is_ok());
}

#[test]
fn a_record_met_again_is_a_duplicate_and_with_other_content_a_conflict() {
    let f = fixture();
    let (_dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    // JZ01's second batch, re-signed with JZ01's own key, carries a patient exactly as MZ01
    // recorded it, and a charge receipt under the id of one of MZ01's receipts.
    let mz01 = usb.join("MZ01-batch-000001");
    let their_patient = crate::fixture::first_row(&mz01, "patient");
    let their_receipt = crate::fixture::first_row(&mz01, "receipt");
    let (mut patient_done, mut receipt_done) = (false, false);
    crate::fixture::rewrite_batch(
        &usb.join("JZ01-batch-000002"),
        crate::fixture::secret_key(f, "JZ01"),
        &mut |_, payload| {
            let rows = payload["rows"].as_object_mut();
            let Some(rows) = rows else { return };
            if let (false, Some(patients)) = (patient_done, rows.get_mut("patient")) {
                patients[0] = serde_json::Value::Object(their_patient.clone());
                patient_done = true;
                return;
            }
            let is_charge = rows.get("receipt").is_some_and(|r| r[0]["kind"] == "charge");
            if !receipt_done && is_charge {
                let old = rows["receipt"][0]["id"].as_str().unwrap().to_string();
                let text = serde_json::to_string(&*payload)
                    .unwrap()
                    .replace(&old, their_receipt["id"].as_str().unwrap());
                *payload = serde_json::from_str(&text).unwrap();
                receipt_done = true;
            }
        },
    );
    load(&mut ws, &[usb.clone()]);
    let r = ws.reconcile(None).unwrap();
    let receipt_id = their_receipt["id"].as_str().unwrap();
    // Batches are taken in by station code, so JZ01's came first and MZ01's meets them again.
    assert_eq!(
        findings(&r),
        vec!["duplicate record MZ01 1".to_string(), format!("conflict MZ01 {receipt_id}")]
    );
    assert_eq!(r.duplicates[0].record_table.as_deref(), Some("patient"));
    let jz01 = usb.join("JZ01-batch-000002").display().to_string();
    assert_eq!(r.duplicates[0].first_path.as_deref(), Some(jz01.as_str()));
    assert_eq!(r.conflicts[0].first_path.as_deref(), Some(jz01.as_str()));
    // The record in force is the one met first: JZ01's receipt under that id.
    assert!(r.conflicts[0].receipt_no.as_deref().unwrap().starts_with("JZ01-"));
}

#[test]
fn each_record_keeps_the_sha256_of_its_row_as_the_station_journalled_it() {
    use sha2::{Digest, Sha256};
    let f = fixture();
    let (dir, mut ws) = workspace();
    let (_d, usb) = folder_with(&clean_batches(f, &[]));
    load(&mut ws, &[usb.clone()]);
    drop(ws);
    // Worked out here the plain way, one row at a time: the row's canonical JSON, hashed.
    let mut want = std::collections::BTreeMap::new();
    for folder in downtime_recon::load::find_batches(&[usb]).unwrap() {
        for entry in downtime_core::batch::records(&folder).unwrap() {
            for (table, row) in entry.unwrap().rows() {
                if matches!(table, "receipt" | "patient" | "admission") {
                    let text = downtime_core::jcs::canonical(&serde_json::Value::Object(row.clone()));
                    let id = row["id"].as_str().unwrap().to_string();
                    want.insert((table.to_string(), id), hex::encode(Sha256::digest(text.as_bytes())));
                }
            }
        }
    }
    let conn = rusqlite::Connection::open(dir.path().join("finance").join("reconcile.sqlite3")).unwrap();
    let mut kept = std::collections::BTreeMap::new();
    for table in ["receipt", "patient", "admission"] {
        let mut stmt = conn.prepare(&format!("SELECT id, content_sha256 FROM {table}")).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        for row in rows {
            let (id, sha) = row.unwrap();
            kept.insert((table.to_string(), id), sha);
        }
    }
    assert!(want.len() > 100, "{} records", want.len());
    assert_eq!(kept, want);
}
