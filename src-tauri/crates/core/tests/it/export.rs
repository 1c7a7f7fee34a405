//! Export batches: complete, idempotent, signed, re-rendered byte for byte, checked offline.

use crate::Fixture;
use downtime_core::batch::{self, verify_batch, Manifest};
use downtime_core::export::{ExportOutcome, Written};
use downtime_core::Role;
use std::path::{Path, PathBuf};

fn no_progress() -> impl FnMut(downtime_core::export::Progress) {
    |_| {}
}

/// A station after a small simulated outage, and a folder to export into.
fn simulated(patients: usize, seed: u64) -> (Fixture, PathBuf) {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    downtime_core::simulate::run(&mut f.desk, &admin, patients, seed, &mut |_| Ok(())).unwrap();
    let out = f.dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    (f, out)
}

fn export(f: &mut Fixture, out: &Path) -> Written {
    let admin = f.admin.clone();
    match f.desk.export_batch(&admin, out, &mut no_progress()).unwrap() {
        ExportOutcome::Written(w) => *w,
        other => panic!("expected a batch, got {other:?}"),
    }
}

fn sound(dir: &Path, previous: Option<&Path>) -> Manifest {
    let check = verify_batch(dir, previous);
    assert_eq!(check.problem, None, "{}", dir.display());
    check.manifest.unwrap()
}

#[test]
fn a_batch_holds_every_entry_since_the_last_and_nothing_twice() {
    let (mut f, out) = simulated(12, 3);
    let first = export(&mut f, &out);
    assert_eq!(first.path, out.canonicalize().unwrap().join("MZ01-batch-000001"));
    let m1 = sound(&first.path, None);
    assert_eq!((m1.batch_seq, m1.journal_first_seq, m1.prev_chain_head.as_str()), (1, 1, ""));
    // The batch's own entry closes it: the journal ends where the batch does.
    assert_eq!(m1.journal_last_seq, f.entries());
    assert_eq!(m1.chain_head, f.desk.verify().unwrap().head_hash);
    assert_eq!(m1.counts.journal_entries, m1.journal_last_seq);
    assert_eq!(m1.counts.rows["export_batch"], 1);

    // Nothing new: nothing recorded, nothing written.
    let admin = f.admin.clone();
    let before = f.entries();
    let again = f.desk.export_batch(&admin, &out, &mut no_progress()).unwrap();
    assert_eq!(again, ExportOutcome::NothingNew { last_batch: Some(1) });
    assert_eq!(f.entries(), before);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    // More work, then the second batch starts right after the first and links to it.
    downtime_core::simulate::run(&mut f.desk, &admin, 5, 4, &mut |_| Ok(())).unwrap();
    let second = export(&mut f, &out);
    let m2 = sound(&second.path, Some(&first.path));
    assert_eq!((m2.batch_seq, m2.journal_first_seq), (2, m1.journal_last_seq + 1));
    assert_eq!(m2.prev_chain_head, m1.chain_head);
    // No receipt number in both.
    let last1 = &m1.receipt_ranges.last().unwrap().last;
    let first2 = &m2.receipt_ranges.first().unwrap().first;
    assert!(first2 > last1, "{first2} after {last1}");
    let ids = |dir: &Path| -> Vec<String> { batch::records(dir).unwrap().map(|r| r.unwrap().id.to_string()).collect() };
    let (a, b) = (ids(&first.path), ids(&second.path));
    assert!(a.iter().all(|id| !b.contains(id)));
    assert_eq!((a.len() + b.len()) as i64, f.entries());
    let listed: Vec<i64> = f.desk.batches().unwrap().iter().map(|b| b.seq).collect();
    assert_eq!(listed, [2, 1]);
}

#[test]
fn rerendering_gives_the_same_bytes_whatever_happened_since() {
    let (mut f, out) = simulated(10, 5);
    let first = export(&mut f, &out);
    // Later work must not leak into batch 1, re-rendered.
    let admin = f.admin.clone();
    downtime_core::simulate::run(&mut f.desk, &admin, 4, 6, &mut |_| Ok(())).unwrap();
    let again_dir = f.dir.path().join("again");
    std::fs::create_dir(&again_dir).unwrap();
    let again = f.desk.rerender_batch(&admin, 1, &again_dir, &mut no_progress()).unwrap();
    let names: Vec<String> = first
        .manifest
        .files
        .iter()
        .map(|f| f.name.clone())
        .chain([batch::MANIFEST.to_string()])
        .collect();
    for name in names {
        let a = std::fs::read(first.path.join(&name)).unwrap();
        let b = std::fs::read(again.path.join(&name)).unwrap();
        assert!(a == b, "{name} differs after re-rendering");
    }
    // The cover pins the paper to this batch; a re-rendered one says it is one.
    let cover = |dir: &Path| crate::receipt_pdf::text_of(&std::fs::read(dir.join(batch::COVER)).unwrap());
    let manifest_sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(first.path.join(batch::MANIFEST)).unwrap(),
    ));
    let (c1, c2) = (cover(&first.path), cover(&again.path));
    for needle in [
        first.manifest.chain_head.as_str(),
        manifest_sha.as_str(),
        &first.manifest.fingerprint().unwrap(),
        "签字",
    ] {
        assert!(c1.contains(needle) && c2.contains(needle), "{needle} missing from the cover");
    }
    assert!(!c1.contains("重新生成") && c2.contains("重新生成"), "{c2}");
    // A re-rendered cover is signed again for the same manifest.
    sound(&again.path, None);
    assert_eq!(
        verify_batch(&again.path, None).manifest_sha256.as_deref(),
        Some(manifest_sha.as_str())
    );
    // Re-rendering is not a new batch.
    assert_eq!(f.desk.batches().unwrap().len(), 1);
    let unknown = f.desk.rerender_batch(&admin, 7, &again_dir, &mut no_progress()).unwrap_err();
    assert_eq!(unknown.code(), "batch_unknown");
}

fn flip_one_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn verify_names_the_file_with_a_flipped_byte_a_missing_or_extra_file() {
    let (mut f, out) = simulated(8, 9);
    let w = export(&mut f, &out);
    let mut names: Vec<String> = w.manifest.files.iter().map(|f| f.name.clone()).collect();
    names.push(batch::MANIFEST.into());
    names.push(batch::COVER.into());
    for name in &names {
        let copy = f.dir.path().join(format!("flip-{name}"));
        copy_dir(&w.path, &copy);
        flip_one_byte(&copy.join(name));
        let p = verify_batch(&copy, None)
            .problem
            .unwrap_or_else(|| panic!("a flipped byte in {name} went unnoticed"));
        assert_eq!(p.file.as_deref(), Some(name.as_str()), "{p:?}");
        assert!(p.zh.contains(name.as_str()), "{}", p.zh);
    }
    // Bytes flipped in two files at once (hashed on different lanes, see `sha_pair`): the one
    // the manifest lists first is named.
    let others: Vec<&str> = w
        .manifest
        .files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| *n != batch::RECORDS)
        .collect();
    assert!(others.len() >= 2, "{others:?}");
    let two = f.dir.path().join("flip-two");
    copy_dir(&w.path, &two);
    flip_one_byte(&two.join(others[others.len() - 1]));
    flip_one_byte(&two.join(others[0]));
    let p = verify_batch(&two, None).problem.unwrap();
    assert_eq!((p.code, p.file.as_deref()), ("batch_file_changed", Some(others[0])));
    let missing = f.dir.path().join("missing");
    copy_dir(&w.path, &missing);
    std::fs::remove_file(missing.join(batch::RECORDS)).unwrap();
    let p = verify_batch(&missing, None).problem.unwrap();
    assert_eq!((p.code, p.file.as_deref()), ("batch_file_missing", Some(batch::RECORDS)));
    // The cover is signed for this very manifest: another batch's cover does not pass.
    let admin = f.admin.clone();
    downtime_core::simulate::run(&mut f.desk, &admin, 2, 10, &mut |_| Ok(())).unwrap();
    let w2 = export(&mut f, &out);
    let swapped = f.dir.path().join("swapped");
    copy_dir(&w.path, &swapped);
    std::fs::copy(w2.path.join(batch::COVER), swapped.join(batch::COVER)).unwrap();
    let p = verify_batch(&swapped, None).problem.unwrap();
    assert_eq!((p.code, p.file.as_deref()), ("batch_cover_invalid", Some(batch::COVER)));
    std::fs::remove_file(swapped.join(batch::COVER)).unwrap();
    let p = verify_batch(&swapped, None).problem.unwrap();
    assert_eq!((p.code, p.file.as_deref()), ("batch_cover_missing", Some(batch::COVER)));
    let extra = f.dir.path().join("extra");
    copy_dir(&w.path, &extra);
    std::fs::write(extra.join("notes.txt"), "x").unwrap();
    let p = verify_batch(&extra, None).problem.unwrap();
    assert_eq!((p.code, p.file.as_deref()), ("batch_file_extra", Some("notes.txt")));
}

#[test]
fn a_manifest_signed_by_another_key_is_a_forgery() {
    let (mut f, out) = simulated(3, 1);
    let w = export(&mut f, &out);
    // Someone edits the totals and re-signs with a key of their own.
    let mut m = w.manifest.clone();
    m.totals_fen.net += 100;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    use ed25519_dalek::Signer;
    m.signature = hex::encode(key.sign(&m.signed_bytes()).to_bytes());
    let forged = f.dir.path().join("forged");
    copy_dir(&w.path, &forged);
    std::fs::write(forged.join(batch::MANIFEST), m.to_canonical()).unwrap();
    assert_eq!(verify_batch(&forged, None).problem.unwrap().code, "batch_signature_invalid");
    // Swapping in their public key too still cannot make the totals agree with the records.
    m.public_key = hex::encode(key.verifying_key().to_bytes());
    m.signature = hex::encode(key.sign(&m.signed_bytes()).to_bytes());
    std::fs::write(forged.join(batch::MANIFEST), m.to_canonical()).unwrap();
    // The cover, still signed by the station for the real manifest, gives them away...
    assert_eq!(verify_batch(&forged, None).problem.unwrap().code, "batch_cover_invalid");
    // ...so they re-sign it too.
    let cover = std::fs::read(forged.join(batch::COVER)).unwrap();
    let (pdf, _) = batch::cover_signature(&cover).unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(m.to_canonical().as_bytes()));
    let signature = hex::encode(key.sign(&batch::cover_signed_bytes(&sha, &pdf)).to_bytes());
    std::fs::write(forged.join(batch::COVER), batch::cover_with_signature(&pdf, &signature)).unwrap();
    assert_eq!(verify_batch(&forged, None).problem.unwrap().code, "batch_totals_mismatch");
}

#[test]
fn previous_catches_a_missing_batch_between_two() {
    let (mut f, out) = simulated(4, 2);
    let admin = f.admin.clone();
    let b1 = export(&mut f, &out);
    downtime_core::simulate::run(&mut f.desk, &admin, 2, 3, &mut |_| Ok(())).unwrap();
    let b2 = export(&mut f, &out);
    downtime_core::simulate::run(&mut f.desk, &admin, 2, 4, &mut |_| Ok(())).unwrap();
    let b3 = export(&mut f, &out);
    sound(&b2.path, Some(&b1.path));
    sound(&b3.path, Some(&b2.path));
    std::fs::remove_dir_all(&b2.path).unwrap();
    let p = verify_batch(&b3.path, Some(&b1.path)).problem.unwrap();
    assert_eq!(p.code, "batch_gap");
    assert!(p.zh.contains("缺少批次"), "{}", p.zh);
}

#[test]
fn exporting_needs_a_supervisor_administrator_or_finance_and_a_usable_folder() {
    let (mut f, out) = simulated(2, 8);
    let cashier = f.operator("李收费", Role::Cashier);
    let before = f.entries();
    let e = f.desk.export_batch(&cashier, &out, &mut no_progress()).unwrap_err();
    assert_eq!(e.code(), "role_forbidden");
    let admin = f.admin.clone();
    let e = f
        .desk
        .export_batch(&admin, &f.dir.path().join("no-such-stick"), &mut no_progress())
        .unwrap_err();
    assert_eq!(e.code(), "export_folder_missing");
    std::fs::create_dir(out.join("MZ01-batch-000001")).unwrap();
    let e = f.desk.export_batch(&admin, &out, &mut no_progress()).unwrap_err();
    assert_eq!(e.code(), "export_folder_exists");
    assert_eq!(f.entries(), before, "a refusal records nothing");
    std::fs::remove_dir(out.join("MZ01-batch-000001")).unwrap();
    let finance = f.operator("赵财务", Role::Finance);
    let w = match f.desk.export_batch(&finance, &out, &mut no_progress()).unwrap() {
        ExportOutcome::Written(w) => *w,
        other => panic!("{other:?}"),
    };
    assert_eq!(w.batch.created_by, "赵财务");
    let last = f.desk.journal_tail(1).unwrap().remove(0);
    assert_eq!((last.kind.as_str(), last.actor.as_str()), ("batch_exported", "赵财务"));
    // No partial folder is left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["MZ01-batch-000001"]);
}

/// Reads a CSV of the batch: checks the BOM, returns its header and rows.
fn csv(dir: &Path, name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "{name} has no BOM");
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn the_csvs_open_with_a_csv_parser_and_add_up_to_the_manifest() {
    let (mut f, out) = simulated(30, 21);
    let cashier = f.desk.authenticate(downtime_core::simulate::CASHIER, "8642").unwrap();
    let expected = f.desk.current_shift_report(&cashier).unwrap().figures.expected_cash_fen;
    let count = downtime_core::report::close::CashCount::total(downtime_core::Fen::new(expected).unwrap());
    f.desk.close_shift(&cashier, &count).unwrap();
    let w = export(&mut f, &out);
    let m = &w.manifest;
    assert!(m.counts.receipts.len() >= 2, "{:?}", m.counts);
    // Receipts: signed amounts per kind, yuan beside fen.
    let (h, rows) = csv(&w.path, "receipts.csv");
    let (kind, fen, yuan) = (column(&h, "类型"), column(&h, "金额_fen"), column(&h, "金额(元)"));
    let mut by_kind: std::collections::BTreeMap<String, i64> = Default::default();
    for r in &rows {
        let v: i64 = r[fen].parse().unwrap();
        assert_eq!(
            r[yuan],
            format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.abs() / 100, v.abs() % 100)
        );
        let k = match r[kind].as_str() {
            "收费" => "charge",
            "挂号" => "registration",
            "退费" => "refund",
            "预交金" => "deposit",
            "退预交金" => "deposit_refund",
            other => panic!("{other}"),
        };
        *by_kind.entry(k.into()).or_default() += v;
    }
    assert_eq!(by_kind, m.totals_fen.receipts);
    assert_eq!(rows.len() as i64, m.counts.receipts.values().sum::<i64>());
    // Tenders: per method.
    let (h, rows) = csv(&w.path, "tenders.csv");
    let (method, fen) = (column(&h, "支付方式"), column(&h, "金额_fen"));
    let mut by_method: std::collections::BTreeMap<String, i64> = Default::default();
    for r in &rows {
        let key = downtime_core::charge::tender::Method::parse(&r[method]).unwrap().key();
        *by_method.entry(key.into()).or_default() += r[fen].parse::<i64>().unwrap();
    }
    assert_eq!(by_method, m.totals_fen.tenders);
    // Lines add up to their receipts; voids carry the voided totals.
    let (h, lines) = csv(&w.path, "receipt-lines.csv");
    let line_sum: i64 = lines.iter().map(|r| r[column(&h, "金额_fen")].parse::<i64>().unwrap()).sum();
    let charges_and_refunds: i64 = ["charge", "registration", "refund"]
        .iter()
        .map(|k| m.totals_fen.receipts.get(*k).copied().unwrap_or(0))
        .sum();
    assert_eq!(line_sum, charges_and_refunds);
    let (h, corrections) = csv(&w.path, "voids-refunds.csv");
    let voids: i64 = corrections
        .iter()
        .filter(|r| r[0] == "作废")
        .map(|r| r[column(&h, "金额_fen")].parse::<i64>().unwrap())
        .sum();
    assert_eq!(voids, -m.totals_fen.voided);
    let (_, patients) = csv(&w.path, "patients.csv");
    assert_eq!(patients.len() as i64, m.counts.rows["patient"]);
    let (h, shifts) = csv(&w.path, "shifts.csv");
    assert_eq!(h[0], "班次ID");
    assert_eq!(shifts.len() as i64, m.counts.rows["shift"]);
    // The closed shift carries the handover sheet's figures.
    let closed = shifts
        .iter()
        .find(|r| !r[column(&h, "交班时间")].is_empty())
        .expect("the cashier's shift was closed");
    let report = f.desk.shift_report(&f.admin, closed[0].parse().unwrap()).unwrap();
    assert_eq!(closed[column(&h, "应有现金_fen")], report.figures.expected_cash_fen.to_string());
    assert_eq!(closed[column(&h, "实收_fen")], report.figures.net_fen.to_string());
    assert_eq!(closed[column(&h, "差额_fen")], report.figures.difference_fen.unwrap().to_string());
}

#[test]
fn a_text_cell_that_looks_like_a_formula_stays_text() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let (cashier, _) = downtime_core::simulate::prepare(&mut f.desk, &admin).unwrap();
    f.desk
        .add_patient(
            &cashier,
            &downtime_core::patient::NewPatient {
                name: "=HYPERLINK(\"http://x\",\"点我\")".into(),
                sex: "U".into(),
                address: Some("@SUM(1+1)".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let out = f.dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    let w = export(&mut f, &out);
    let (h, rows) = csv(&w.path, "patients.csv");
    assert_eq!(rows[0][column(&h, "姓名")], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(rows[0][column(&h, "地址")], "'@SUM(1+1)");
    let (h, rows) = csv(&w.path, "back-entry.csv");
    assert_eq!(rows[0][column(&h, "姓名")], "'=HYPERLINK(\"http://x\",\"点我\")");
}

#[test]
fn the_back_entry_list_is_in_the_order_the_his_team_keys_it_in() {
    let (mut f, out) = simulated(40, 13);
    let w = export(&mut f, &out);
    let (h, rows) = csv(&w.path, "back-entry.csv");
    let (kind, no, original, his) = (
        column(&h, "类别"),
        column(&h, "单据号"),
        column(&h, "原单据号"),
        column(&h, "HIS号"),
    );
    // Patients first, all of them.
    let patients = rows.iter().take_while(|r| r[kind] == "患者建档").count();
    assert_eq!(patients as i64, w.manifest.counts.rows["patient"]);
    assert!(rows[patients..].iter().all(|r| r[kind] != "患者建档"));
    let position = |doc: &str, k: &str| rows.iter().position(|r| r[no] == doc && r[kind] == k);
    let mut refunds = 0;
    for (at, r) in rows.iter().enumerate() {
        assert_eq!(r[0], (at + 1).to_string());
        assert_eq!(r[his], "", "the HIS number column is left empty");
        match r[kind].as_str() {
            "退费" | "作废" => {
                let orig = if r[kind] == "作废" {
                    rows.iter().position(|x| x[no] == r[original] && x[kind] != "作废")
                } else {
                    position(&r[original], "收费").or_else(|| position(&r[original], "挂号费"))
                };
                assert!(orig.is_some_and(|o| o < at), "{} {} comes after {}", r[kind], r[no], r[original]);
                refunds += 1;
            }
            "预交金" | "退预交金" => {
                let inpatient = r[column(&h, "明细")].split("住院号 ").nth(1).unwrap().to_string();
                assert!(
                    position(&inpatient, "入院").is_some_and(|a| a < at),
                    "deposit {} before its admission",
                    r[no]
                );
            }
            "收费" => {
                // The visit's registration comes just before its first charge.
                assert!(
                    rows[..at].iter().any(|x| x[kind] == "挂号" && x[3] == r[3]),
                    "charge {} without its registration before it",
                    r[no]
                );
            }
            _ => {}
        }
    }
    assert!(refunds > 0);
    let docs = w
        .manifest
        .counts
        .rows
        .iter()
        .filter(|(t, _)| ["patient", "registration", "receipt", "receipt_void", "admission"].contains(&t.as_str()))
        .map(|(_, n)| n)
        .sum::<i64>();
    assert_eq!(rows.len() as i64, docs);
    // The PDF lists the same documents.
    let text = crate::receipt_pdf::text_of(&std::fs::read(w.path.join("back-entry.pdf")).unwrap());
    assert!(text.contains("补录清单"), "{text}");
    for r in rows.iter().filter(|r| r[kind] == "收费").take(5) {
        assert!(text.contains(&r[no]), "{} missing from the PDF", r[no]);
    }
}

#[test]
fn a_registration_is_listed_before_the_receipt_its_fee_was_paid_on_and_a_cancellation_before_its_voucher() {
    use downtime_core::charge::{ChargeInput, LineInput};
    let (mut f, c) = crate::patients::counter();
    let sup = f.operator("陈主管", Role::Supervisor);
    let p = f
        .desk
        .add_patient(
            &c,
            &downtime_core::patient::NewPatient {
                name: "孙七".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap();
    let r = f.desk.register(&c, &crate::patients::reg(&p, "NK", "ordinary", "11")).unwrap();
    let line = LineInput::Item {
        code: "111000001".into(),
        qty: downtime_core::catalog::price::Quantity::parse("1").unwrap(),
    };
    let charge = f
        .desk
        .pay_charge(
            &c,
            &ChargeInput {
                visit: Some(r.id),
                ..ChargeInput::new(&p, vec![line], vec![crate::charges::tender("cash:10")])
            },
        )
        .unwrap();
    f.desk.void_receipt(&c, &sup, &charge.receipt_no, "收错").unwrap();
    let cancelled = f.desk.cancel_registration(&c, r.id, "患者离开", Some(&(&sup).into())).unwrap();
    let fee_no = cancelled.fee_receipt.clone().unwrap();
    let (voucher_no, _) = cancelled.cancelled.unwrap().refund.unwrap();
    f.desk.register(&c, &crate::patients::reg(&p, "WK", "convenience", "0")).unwrap();
    let out = f.dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    let w = export(&mut f, &out);
    let (h, rows) = csv(&w.path, "back-entry.csv");
    let (kind, no, details, amount, note) = (
        column(&h, "类别"),
        column(&h, "单据号"),
        column(&h, "明细"),
        column(&h, "金额_fen"),
        column(&h, "备注"),
    );
    let shown: Vec<(&str, &str)> = rows.iter().map(|r| (r[kind].as_str(), r[no].as_str())).collect();
    let label = format!("{} {}号", r.visit_date, r.queue_no);
    assert_eq!(
        shown[..7],
        [
            ("患者建档", p.as_str()),
            ("挂号", label.as_str()),
            ("挂号费", fee_no.as_str()),
            ("收费", charge.receipt_no.as_str()),
            ("作废", charge.receipt_no.as_str()),
            ("退号", label.as_str()),
            ("退费", voucher_no.as_str()),
        ]
    );
    // The registration names the receipt its fee was paid on, and carries no amount itself.
    assert!(
        rows[1][details].contains(&format!("挂号时已收，挂号收据 {fee_no}")),
        "{}",
        rows[1][details]
    );
    assert!(!rows[1][details].contains("在收费单据中收取"), "{}", rows[1][details]);
    assert_eq!((rows[1][amount].as_str(), rows[2][amount].as_str()), ("", "1100"));
    assert_eq!(rows[6][amount], "-1100");
    assert!(rows[6][note].contains("随退号退还挂号费"), "{}", rows[6][note]);
    // A free type has no receipt at all.
    assert_eq!(rows[7][kind], "挂号");
    assert!(rows[7][details].ends_with("免挂号费"), "{}", rows[7][details]);
    assert_eq!(rows.len(), 8);
}

/// Appends a patient row and its journal entry behind the desk's back, as a faulty import of
/// an older build might have: copied from an existing patient, with `birth` set as given.
fn insert_patient_with_birth(path: &Path, birth: &str) -> String {
    use downtime_core::jcs::canonical;
    use serde_json::{json, Value};
    let conn = crate::raw(path);
    let mut stmt = conn.prepare("SELECT * FROM patient ORDER BY seq DESC LIMIT 1").unwrap();
    let names: Vec<String> = stmt.column_names().map(|n| n.to_string()).collect();
    let mut row: serde_json::Map<String, Value> = stmt
        .query_row([], |r| {
            Ok(names
                .iter()
                .enumerate()
                .map(|(n, name)| {
                    let v = match r.get_ref(n).unwrap() {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(i) => json!(i),
                        rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                        other => panic!("{other:?}"),
                    };
                    (name.clone(), v)
                })
                .collect())
        })
        .unwrap();
    drop(stmt);
    let seq = row["seq"].as_i64().unwrap() + 1;
    let id = uuid::Uuid::now_v7().to_string();
    row.insert("id".into(), json!(id));
    row.insert("seq".into(), json!(seq));
    row.insert("downtime_no".into(), json!(format!("DT-MZ01-{seq:06}")));
    row.insert("birth".into(), json!(birth));
    row.insert("id_number".into(), Value::Null);
    row.insert("his_id".into(), Value::Null);
    let cols: Vec<&String> = row.keys().collect();
    let sql = format!(
        "INSERT INTO patient ({}) VALUES ({})",
        cols.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        (1..=cols.len()).map(|n| format!("?{n}")).collect::<Vec<_>>().join(", ")
    );
    let values: Vec<rusqlite::types::Value> = row
        .values()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap()),
            Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            other => panic!("{other}"),
        })
        .collect();
    conn.execute(&sql, rusqlite::params_from_iter(values)).unwrap();
    let payload = canonical(&json!({"rows": {"patient": [Value::Object(row)]}}));
    let (last, prev): (i64, String) = conn
        .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let entry_id = uuid::Uuid::now_v7();
    let at = "2026-11-26T02:00:00.000000Z";
    let hash = downtime_core::journal::entry_hash(last + 1, &entry_id, "patient_added", "模拟收费员", at, &prev, &payload);
    conn.execute(
        "INSERT INTO journal (seq, id, kind, actor, at, payload, prev_hash, hash) VALUES (?1, ?2, 'patient_added', '模拟收费员', ?3, ?4, ?5, ?6)",
        rusqlite::params![last + 1, entry_id.to_string(), at, payload, prev, hash],
    )
    .unwrap();
    id
}

/// Inserts `row` into `table` with its journal entry of `kind`, as the desk would journal it
/// (used for records whose API has not landed in this build).
fn append_row(path: &Path, kind: &str, table: &str, row: serde_json::Map<String, serde_json::Value>) {
    use downtime_core::jcs::canonical;
    use serde_json::{json, Value};
    let conn = crate::raw(path);
    let cols: Vec<&String> = row.keys().collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        cols.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        (1..=cols.len()).map(|n| format!("?{n}")).collect::<Vec<_>>().join(", ")
    );
    let values: Vec<rusqlite::types::Value> = row
        .values()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap()),
            Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            other => panic!("{other}"),
        })
        .collect();
    conn.execute(&sql, rusqlite::params_from_iter(values)).unwrap();
    let payload = canonical(&json!({"rows": {table: [Value::Object(row)]}}));
    let (last, prev): (i64, String) = conn
        .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let entry_id = uuid::Uuid::now_v7();
    let at = "2026-11-26T03:00:00.000000Z";
    let hash = downtime_core::journal::entry_hash(last + 1, &entry_id, kind, "王管理", at, &prev, &payload);
    conn.execute(
        "INSERT INTO journal (seq, id, kind, actor, at, payload, prev_hash, hash) VALUES (?1, ?2, ?3, '王管理', ?4, ?5, ?6, ?7)",
        rusqlite::params![last + 1, entry_id.to_string(), kind, at, payload, prev, hash],
    )
    .unwrap();
}

/// 更正: the whole corrected record of a patient, as `patient_corrected` journals it.
fn correct(f: &Fixture, patient_id: &str, name: &str, phone: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let admin = f.admin.id().to_string();
    let row = serde_json::json!({
        "id": id, "patient_id": patient_id, "name": name, "sex": "F", "birth": "1980-02-29",
        "age_years": null, "id_number": null, "id_old_style": 0, "phone": phone, "address": "更正后的地址",
        "insurance": "self_pay", "insurance_no": "", "reason": "姓名登记错误", "corrected_by": admin,
        "at": "2026-11-26T03:00:00.000000Z",
    });
    append_row(
        &f.db_path(),
        "patient_corrected",
        "patient_correction",
        row.as_object().unwrap().clone(),
    );
    id
}

/// 合并: `merged` is found as `into`, as `patients_merged` journals it.
fn merge(f: &mut Fixture, merged: &str, into: &str) {
    let sup = f.operator("陈主管", Role::Supervisor).id().to_string();
    let row = serde_json::json!({
        "id": uuid::Uuid::now_v7().to_string(), "merged_id": merged, "into_id": into, "reason": "同一人",
        "merged_by": f.admin.id().to_string(), "supervisor_id": sup, "at": "2026-11-26T03:00:00.000000Z",
    });
    append_row(&f.db_path(), "patients_merged", "patient_merge", row.as_object().unwrap().clone());
}

fn bundle_of(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("fhir-bundle.json")).unwrap()).unwrap()
}

/// The bundle's Patient entries by id.
fn patients_in(b: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut out = std::collections::BTreeMap::new();
    for e in b["entry"].as_array().unwrap() {
        if e["resource"]["resourceType"] == "Patient" {
            let id = e["resource"]["id"].as_str().unwrap().to_string();
            assert!(out.insert(id.clone(), e.clone()).is_none(), "Patient {id} twice in one bundle");
        }
    }
    out
}

#[test]
fn a_corrected_or_merged_patient_is_updated_once_per_bundle_as_of_the_batch() {
    let (mut f, out) = simulated(6, 31);
    let ids: Vec<String> = {
        let conn = crate::raw(&f.db_path());
        let mut stmt = conn.prepare("SELECT id FROM patient ORDER BY seq").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let first = export(&mut f, &out);
    // Batch 2: patient 0 corrected twice (the newest counts), 1 merged into 2.
    correct(&f, &ids[0], "张三丰", "13800000001");
    correct(&f, &ids[0], "张三峰", "13800000002");
    merge(&mut f, &ids[1], &ids[2]);
    assert_eq!(f.desk.verify().unwrap().problem, None);
    let second = export(&mut f, &out);
    let m = sound(&second.path, Some(&first.path));
    assert_eq!(m.exceptions, vec![], "corrections and merges map to FHIR");
    let b = bundle_of(&second.path);
    let p = patients_in(&b);
    assert_eq!(p.len(), 3, "{:?}", p.keys());
    let put = |id: &str| format!("Patient?identifier=urn:ietf:rfc:3986|urn:uuid:{id}");
    let corrected = &p[&ids[0]];
    assert_eq!(corrected["request"]["method"], "PUT");
    assert_eq!(corrected["request"]["url"], put(&ids[0]).as_str());
    assert_eq!(corrected["resource"]["name"][0]["text"], "张三峰");
    assert_eq!(corrected["resource"]["telecom"][0]["value"], "13800000002");
    assert_eq!(corrected["resource"]["birthDate"], "1980-02-29");
    let (merged, into) = (&p[&ids[1]]["resource"], &p[&ids[2]]["resource"]);
    assert_eq!(merged["active"], false);
    assert_eq!(
        merged["link"],
        serde_json::json!([{"other": {"reference": format!("urn:uuid:{}", ids[2])}, "type": "replaced-by"}])
    );
    assert_eq!(
        into["link"],
        serde_json::json!([{"other": {"reference": format!("urn:uuid:{}", ids[1])}, "type": "replaces"}])
    );
    assert_eq!(into.get("active"), None);
    assert_eq!(
        (p[&ids[1]]["request"]["method"].as_str(), p[&ids[2]]["request"]["method"].as_str()),
        (Some("PUT"), Some("PUT"))
    );

    // A later correction never reaches a re-rendering of batch 2.
    correct(&f, &ids[0], "张三", "13800000003");
    let admin = f.admin.clone();
    let again = f.dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let again = f.desk.rerender_batch(&admin, 2, &again, &mut no_progress()).unwrap();
    assert!(
        std::fs::read(second.path.join("fhir-bundle.json")).unwrap() == std::fs::read(again.path.join("fhir-bundle.json")).unwrap(),
        "the re-rendered bundle differs"
    );
    // Batch 3 carries the newest correction; a receipt of a corrected patient in the same
    // batch does not bring them in twice.
    downtime_core::simulate::run(&mut f.desk, &admin, 2, 32, &mut |_| Ok(())).unwrap();
    let third = export(&mut f, &out);
    let p = patients_in(&bundle_of(&third.path));
    assert_eq!(p[&ids[0]]["resource"]["name"][0]["text"], "张三");
    // Batch 1, re-rendered now, still shows the patients as they were created.
    let again1 = f.dir.path().join("again1");
    std::fs::create_dir(&again1).unwrap();
    let again1 = f.desk.rerender_batch(&admin, 1, &again1, &mut no_progress()).unwrap();
    assert!(std::fs::read(first.path.join("fhir-bundle.json")).unwrap() == std::fs::read(again1.path.join("fhir-bundle.json")).unwrap());
    let p1 = patients_in(&bundle_of(&first.path));
    assert_eq!(p1[&ids[0]]["request"]["method"], "POST");
    assert_eq!(p1[&ids[1]]["resource"].get("link"), None);
}

#[test]
fn a_patient_created_and_corrected_in_one_batch_is_sent_once_corrected() {
    let (mut f, out) = simulated(3, 33);
    let id: String = crate::raw(&f.db_path())
        .query_row("SELECT id FROM patient ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .unwrap();
    correct(&f, &id, "李四", "");
    let w = export(&mut f, &out);
    let p = patients_in(&bundle_of(&w.path));
    assert_eq!(p[&id]["resource"]["name"][0]["text"], "李四");
    assert_eq!(p[&id]["request"]["method"], "PUT");
    assert_eq!(p[&id]["resource"].get("telecom"), None);
    assert_eq!(w.manifest.exceptions, vec![]);
}

#[test]
fn a_record_fhir_cannot_take_is_an_exception_not_a_blocked_batch() {
    let (mut f, out) = simulated(3, 17);
    let bad = insert_patient_with_birth(&f.db_path(), "1990-02-30");
    assert_eq!(
        f.desk.verify().unwrap().problem,
        None,
        "the injected record is a sound part of the chain"
    );
    let w = export(&mut f, &out);
    let m = sound(&w.path, None);
    assert_eq!(m.exceptions.len(), 1, "{:?}", m.exceptions);
    let e = &m.exceptions[0];
    assert_eq!((e.table.as_str(), e.record_id.as_str()), ("patient", bad.as_str()));
    assert!(e.reason.contains("1990-02-30"), "{}", e.reason);
    // Still in the records and the CSVs; only the bundle leaves it out.
    let in_records = batch::records(&w.path)
        .unwrap()
        .any(|r| r.unwrap().rows().any(|(t, row)| t == "patient" && row["id"] == bad.as_str()));
    assert!(in_records);
    let (h, rows) = csv(&w.path, "patients.csv");
    assert!(rows
        .iter()
        .any(|r| r[column(&h, "患者ID")] == bad && r[column(&h, "出生日期")] == "1990-02-30"));
    let bundle = std::fs::read_to_string(w.path.join("fhir-bundle.json")).unwrap();
    assert!(!bundle.contains(&bad));
    let b: serde_json::Value = serde_json::from_str(&bundle).unwrap();
    let patients = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Patient")
        .count();
    assert_eq!(patients as i64, m.counts.rows["patient"] - 1);
}

#[test]
fn every_bundle_entry_creates_or_updates_conditionally_on_the_record_uuid() {
    let (mut f, out) = simulated(25, 23);
    let w = export(&mut f, &out);
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(w.path.join("fhir-bundle.json")).unwrap()).unwrap();
    assert_eq!(
        (b["resourceType"].as_str(), b["type"].as_str()),
        (Some("Bundle"), Some("transaction"))
    );
    assert_eq!(b["timestamp"], w.manifest.created_at);
    let mut ids = std::collections::HashSet::new();
    let receipt_ids: std::collections::HashSet<String> = batch::records(&w.path)
        .unwrap()
        .flat_map(|r| {
            r.unwrap()
                .rows()
                .filter(|(t, _)| *t == "receipt")
                .map(|(_, row)| row["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut invoices = 0;
    for e in b["entry"].as_array().unwrap() {
        let res = &e["resource"];
        let id = res["id"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "{id} twice");
        let own = format!("identifier=urn:ietf:rfc:3986|urn:uuid:{id}");
        match e["request"]["method"].as_str().unwrap() {
            "POST" => assert_eq!(e["request"]["ifNoneExist"], own.as_str()),
            "PUT" => assert_eq!(
                e["request"]["url"],
                format!("{}?{own}", res["resourceType"].as_str().unwrap()).as_str()
            ),
            other => panic!("{other}"),
        }
        if res["resourceType"] == "Invoice" {
            invoices += 1;
            assert!(receipt_ids.contains(id), "an Invoice's id is its receipt's UUID");
            let status = res["status"].as_str().unwrap();
            let voided = w.manifest.voided.iter().any(|v| v.receipt_id == id);
            assert_eq!(status, if voided { "cancelled" } else { "balanced" });
        }
    }
    let charges_and_refunds: i64 = ["charge", "registration", "refund"]
        .iter()
        .map(|k| w.manifest.counts.receipts.get(*k).copied().unwrap_or(0))
        .sum();
    assert_eq!(invoices, charges_and_refunds);
}

#[test]
fn a_batch_carries_no_pin_hash_to_brute_force_and_still_verifies() {
    let (mut f, out) = simulated(3, 4);
    let w = export(&mut f, &out);
    let records = std::fs::read_to_string(w.path.join(batch::RECORDS)).unwrap();
    assert!(
        records.contains("\"pin_hash\":\"sha256:"),
        "operators are in the batch, their PIN hash as a commitment"
    );
    assert!(!records.contains("$argon2"), "no Argon2 hash of a short PIN leaves the station");
    assert_eq!(verify_batch(&w.path, None).problem, None);
    assert_eq!(f.desk.verify().unwrap().problem, None);
    // The table keeps the Argon2 hash: PINs still work.
    let stored: String = crate::raw(&f.db_path())
        .query_row("SELECT pin_hash FROM operator LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2"));
    f.desk.authenticate("王管理", "123456").unwrap();
}
