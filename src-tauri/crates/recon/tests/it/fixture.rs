//! The scenario every test starts from: several counters, each set up with its own station
//! code, running simulated outages and exporting batches through the same core API as
//! `downtime init`, `downtime simulate` and `downtime export`. Made once per test run; each
//! test copies what it needs into its own folder before changing anything.
//!
//! - MZ01: batches 1, 2, 3. MZ02: batches 1, 2. JZ01: batches 1, 2.
//! - `fork/MZ02-batch-000002`: MZ02 restored from a copy taken after batch 1, then used and
//!   exported again: a second, different batch 2 (the journal forked).
//! - `forged/MZ02-batch-000003`: a station that also calls itself MZ02, with its own key.
//! - `his.csv`: what a careful HIS team posted: every receipt not voided, once, to the fen.

use downtime_core::batch;
use downtime_core::export::ExportOutcome;
use downtime_core::station::Setup;
use downtime_core::{Actor, Desk};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const STATIONS: &[(&str, usize)] = &[("MZ01", 3), ("MZ02", 2), ("JZ01", 2)];

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// The key fingerprints of the genuine stations.
    pub fingerprints: Vec<(String, String)>,
}

impl Fixture {
    /// Every genuine batch, one folder each, under `clean/`.
    pub fn clean(&self) -> PathBuf {
        self.root.join("clean")
    }

    pub fn batch(&self, code: &str, seq: i64) -> PathBuf {
        self.clean().join(batch::folder_name(code, seq))
    }

    pub fn forged(&self) -> PathBuf {
        self.root.join("forged").join(batch::folder_name("MZ02", 3))
    }

    pub fn fork(&self) -> PathBuf {
        self.root.join("fork").join(batch::folder_name("MZ02", 2))
    }

    pub fn his(&self) -> PathBuf {
        self.root.join("his.csv")
    }
}

fn station(dir: &Path, code: &str) -> (Desk, Actor) {
    let mut desk = Desk::init(
        dir.join(format!("{code}.db")),
        &Setup {
            hospital: "测试市第一人民医院".into(),
            code: code.into(),
            station_name: format!("{code} 窗口"),
            admin_name: "管理员".into(),
            admin_pin: "123456".into(),
        },
    )
    .unwrap();
    let admin = desk.authenticate("管理员", "123456").unwrap();
    (desk, admin)
}

fn outage_and_export(desk: &mut Desk, admin: &Actor, seed: u64, out: &Path) -> PathBuf {
    downtime_core::simulate::run(desk, admin, 6, seed, &mut |_| Ok(())).unwrap();
    std::fs::create_dir_all(out).unwrap();
    match desk.export_batch(admin, out, &mut |_| {}).unwrap() {
        ExportOutcome::Written(w) => w.path,
        ExportOutcome::NothingNew { .. } => panic!("a simulated outage is new"),
    }
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let dbs = root.join("db");
        std::fs::create_dir_all(&dbs).unwrap();
        let clean = root.join("clean");
        let mut fingerprints = Vec::new();
        for (i, (code, batches)) in STATIONS.iter().enumerate() {
            let (mut desk, admin) = station(&dbs, code);
            fingerprints.push((code.to_string(), desk.require_station().unwrap().fingerprint()));
            for b in 0..*batches {
                outage_and_export(&mut desk, &admin, 100 * i as u64 + b as u64, &clean);
                if *code == "MZ02" && b == 0 {
                    // The counter PC's backup, taken after batch 1 went to finance.
                    drop(desk);
                    std::fs::copy(dbs.join("MZ02.db"), dbs.join("MZ02-restored.db")).unwrap();
                    desk = Desk::open(dbs.join("MZ02.db")).unwrap();
                }
            }
        }
        let mut restored = Desk::open(dbs.join("MZ02-restored.db")).unwrap();
        let admin = restored.authenticate("管理员", "123456").unwrap();
        outage_and_export(&mut restored, &admin, 900, &root.join("fork"));
        let impostor_dir = root.join("impostor");
        std::fs::create_dir_all(&impostor_dir).unwrap();
        let (mut impostor, admin) = station(&impostor_dir, "MZ02");
        for seed in 0..3 {
            let written = outage_and_export(&mut impostor, &admin, 700 + seed, &impostor_dir.join("out"));
            if seed == 2 {
                copy_dir(&written, &root.join("forged").join(batch::folder_name("MZ02", 3)));
            }
        }
        std::fs::write(root.join("his.csv"), his_csv(&clean)).unwrap();
        Fixture {
            _dir: dir,
            root,
            fingerprints,
        }
    })
}

/// A posting per receipt not voided, with both ids, its amount in yuan (negative when money
/// went back) and an HIS invoice number.
pub fn his_csv(batches: &Path) -> String {
    let mut receipts: Vec<(String, String, i64)> = Vec::new();
    let mut voided = std::collections::HashSet::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(batches).unwrap().map(|e| e.unwrap().path()).collect();
    folders.sort();
    for folder in folders {
        for r in batch::records(&folder).unwrap() {
            let r = r.unwrap();
            for (table, row) in r.rows() {
                let text = |k: &str| row[k].as_str().unwrap_or_default().to_string();
                match table {
                    "receipt" => {
                        let sign = batch::tally::receipt_sign(&text("kind"));
                        receipts.push((text("id"), text("receipt_no"), sign * row["total_fen"].as_i64().unwrap()));
                    }
                    "receipt_void" => {
                        voided.insert(text("receipt_id"));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut csv = String::from("record_uuid,receipt_no,his_no,amount,posted_at\n");
    for (n, (id, no, fen)) in receipts.iter().filter(|(id, _, _)| !voided.contains(id)).enumerate() {
        csv.push_str(&format!(
            "{id},{no},HIS-FP-{:06},{},2026-12-20 09:{:02}:00\n",
            n + 1,
            yuan(*fen),
            n % 60
        ));
    }
    csv
}

pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A folder of its own holding copies of the given batch folders.
pub fn folder_with(batches: &[PathBuf]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("usb");
    for b in batches {
        copy_dir(b, &root.join(b.file_name().unwrap()));
    }
    (dir, root)
}

/// Every clean batch folder, but those in `except`.
pub fn clean_batches(f: &Fixture, except: &[(&str, i64)]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (code, n) in STATIONS {
        for seq in 1..=*n as i64 {
            if !except.contains(&(code, seq)) {
                out.push(f.batch(code, seq));
            }
        }
    }
    out
}

/// The secret signing key of a fixture station, as its database holds it.
pub fn secret_key(f: &Fixture, code: &str) -> [u8; 32] {
    let conn = rusqlite::Connection::open(f.root.join("db").join(format!("{code}.db"))).unwrap();
    let key: Vec<u8> = conn.query_row("SELECT secret_key FROM station_key", [], |r| r.get(0)).unwrap();
    key.try_into().unwrap()
}

/// Rewrites the records of the batch in `folder` through `edit` (entry index, payload) and
/// signs it again with `secret`, so that the batch is sound by every check of its own: what
/// a station holding its key could make.
pub fn rewrite_batch(folder: &Path, secret: [u8; 32], edit: &mut dyn FnMut(usize, &mut serde_json::Value)) {
    use ed25519_dalek::Signer;
    use sha2::Digest;
    let records: Vec<batch::Record> = batch::records(folder).unwrap().map(Result::unwrap).collect();
    let mut out = String::new();
    let mut prev = records[0].prev_hash.clone();
    for (i, r) in records.iter().enumerate() {
        let mut payload = r.payload.clone();
        edit(i, &mut payload);
        let text = downtime_core::jcs::canonical(&payload);
        let hash = downtime_core::journal::entry_hash(r.seq, &r.id, &r.kind, &r.actor, &r.at, &prev, &text);
        batch::write_record_line(&mut out, r.seq, &r.id.to_string(), &r.kind, &r.actor, &r.at, &text, &prev, &hash);
        out.push('\n');
        prev = hash;
    }
    std::fs::write(folder.join(batch::RECORDS), &out).unwrap();
    let mut m = batch::read_manifest(folder).unwrap();
    m.chain_head = prev;
    for f in m.files.iter_mut().filter(|f| f.name == batch::RECORDS) {
        f.bytes = out.len() as u64;
        f.sha256 = hex::encode(sha2::Sha256::digest(out.as_bytes()));
    }
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    m.signature = hex::encode(key.sign(&m.signed_bytes()).to_bytes());
    let manifest = m.to_canonical();
    std::fs::write(folder.join(batch::MANIFEST), &manifest).unwrap();
    // The cover sheet is signed over the manifest's SHA-256: sign it again too.
    let cover = std::fs::read(folder.join(batch::COVER)).unwrap();
    let (pdf, _) = batch::cover_signature(&cover).unwrap();
    let sha = hex::encode(sha2::Sha256::digest(manifest.as_bytes()));
    let signature = hex::encode(key.sign(&batch::cover_signed_bytes(&sha, &pdf)).to_bytes());
    std::fs::write(folder.join(batch::COVER), batch::cover_with_signature(&pdf, &signature)).unwrap();
}

/// The first row of `table` in the batch in `folder`, as journalled.
pub fn first_row(folder: &Path, table: &str) -> serde_json::Map<String, serde_json::Value> {
    batch::records(folder)
        .unwrap()
        .map(Result::unwrap)
        .find_map(|r| r.rows().find(|(t, _)| *t == table).map(|(_, row)| row.clone()))
        .unwrap()
}
