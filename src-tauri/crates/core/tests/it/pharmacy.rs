//! The pharmacy station (#18): key cards and trust, scanning, dispensing once, a second
//! dispensing only with the pharmacist-in-charge, refusals, returns with signed slips that the
//! counter's refund takes, and the drug lines read back from rendered receipts at 200 dpi.

use crate::charges::{cash, charge, counter, item, Counter};
use crate::station_setup;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::qr;
use downtime_core::station::StationKind;
use downtime_core::time::Clock;
use downtime_core::{Actor, Desk, Role};
use uuid::Uuid;

pub struct Pharmacy {
    /// Holds the station file.
    pub _dir: tempfile::TempDir,
    pub desk: Desk,
    pub admin: Actor,
    pub pharmacist: Actor,
    pub in_charge: Actor,
    pub in_charge2: Actor,
}

pub fn pharmacy() -> Pharmacy {
    let dir = tempfile::tempdir().unwrap();
    let setup = downtime_core::station::Setup {
        code: "YF01".into(),
        station_name: "门诊西药房".into(),
        ..station_setup()
    };
    let mut desk = Desk::init_as(dir.path().join("pharmacy.db"), &setup, StationKind::Pharmacy, Clock::system()).unwrap();
    let admin = desk.authenticate("王管理", "123456").unwrap();
    let mut add = |name: &str, role| {
        desk.add_operator(&admin, name, role, "2468").unwrap();
        desk.authenticate(name, "2468").unwrap()
    };
    let pharmacist = add("李药师", Role::Pharmacist);
    let in_charge = add("赵主管", Role::PharmacistInCharge);
    let in_charge2 = add("钱主管", Role::PharmacistInCharge);
    Pharmacy {
        _dir: dir,
        desk,
        admin,
        pharmacist,
        in_charge,
        in_charge2,
    }
}

impl Pharmacy {
    fn entries(&self) -> i64 {
        self.desk.verify().unwrap().entries
    }
    fn trust(&mut self, c: &Counter) {
        let card = c.f.desk.station_key_card().unwrap();
        let admin = self.admin.clone();
        self.desk.trust_key_card(&admin, &card).unwrap();
    }
}

fn code(e: downtime_core::CoreError) -> &'static str {
    e.code()
}

fn lines(v: &[(i64, &str)]) -> Vec<(i64, Quantity)> {
    v.iter().map(|(n, q)| (*n, Quantity::parse(q).unwrap())).collect()
}

/// A prescription: two drugs and a CT scan (lines 1, 2 drugs; 3 not).
fn prescription(c: &mut Counter) -> downtime_core::charge::Receipt {
    c.pay(&charge(
        "DT-MZ01-000001",
        vec![item("Y1", "2"), item("Y2", "30"), item("E1", "1")],
        vec![cash("175.38")],
    ))
    .unwrap()
}

#[test]
fn a_pharmacy_takes_no_money_and_a_counter_does_not_dispense() {
    let mut p = pharmacy();
    assert_eq!(p.desk.station().unwrap().unwrap().kind, StationKind::Pharmacy);
    let before = p.entries();
    let ph = p.pharmacist.clone();
    assert_eq!(
        code(p.desk.open_shift(&ph, downtime_core::Fen::ZERO).unwrap_err()),
        "pharmacy_station_task"
    );
    let admin = p.admin.clone();
    assert_eq!(
        code(p.desk.import_sample_catalog(&admin, &mut |_, _| {}).unwrap_err()),
        "pharmacy_station_task"
    );
    assert_eq!(p.entries(), before);
    // A pharmacy has no registration types (no price list to charge them by).
    assert!(p.desk.reg_types().unwrap().is_empty());
    let mut c = counter();
    let r = prescription(&mut c);
    let cashier = c.cashier.clone();
    assert_eq!(
        code(c.f.desk.pharmacy_scan(&cashier, &r.qr_payload).unwrap_err()),
        "counter_station_task"
    );
    // A cashier is refused at the pharmacy by role, whatever the station.
    assert_eq!(code(p.desk.pharmacy_scan(&admin, &r.qr_payload).unwrap_err()), "role_forbidden");
}

#[test]
fn key_cards_are_signed_and_one_key_per_station() {
    let mut p = pharmacy();
    let c = counter();
    let card = c.f.desk.station_key_card().unwrap();
    let read = downtime_core::pharmacy::read_key_card(&card).unwrap();
    assert_eq!((read.station_code.as_str(), read.station_kind.as_str()), ("MZ01", "counter"));
    assert_eq!(read.fingerprint, c.f.desk.station().unwrap().unwrap().fingerprint());
    let admin = p.admin.clone();
    let before = p.entries();
    // Altered name, altered key, not a card at all.
    let text = String::from_utf8(card.clone()).unwrap();
    for (bad, why) in [
        (text.replace("门诊收费一号窗", "门诊收费二号窗"), "key_card_signature_invalid"),
        (text.replace("\"MZ01\"", "\"MZ02\""), "key_card_signature_invalid"),
        ("{}".to_string(), "key_card_invalid"),
        ("hello".to_string(), "key_card_invalid"),
    ] {
        assert_eq!(code(p.desk.trust_key_card(&admin, bad.as_bytes()).unwrap_err()), why, "{bad}");
    }
    // A pharmacist may not trust keys.
    let ph = p.pharmacist.clone();
    assert_eq!(code(p.desk.trust_key_card(&ph, &card).unwrap_err()), "role_forbidden");
    assert_eq!(p.entries(), before);
    assert!(p.desk.trust_key_card(&admin, &card).unwrap().new);
    assert!(
        !p.desk.trust_key_card(&admin, &card).unwrap().new,
        "the same card again changes nothing"
    );
    assert_eq!(p.entries(), before + 1);
    // Another station calling itself MZ01 (a reinstall, or a forgery) is refused.
    let other = counter();
    let other_card = other.f.desk.station_key_card().unwrap();
    assert_eq!(code(p.desk.trust_key_card(&admin, &other_card).unwrap_err()), "trust_other_key");
    // Its own card needs no trust.
    let own = p.desk.station_key_card().unwrap();
    assert_eq!(code(p.desk.trust_key_card(&admin, &own).unwrap_err()), "trust_own_station");
    assert_eq!(p.desk.trusted_stations().unwrap().len(), 1);
    assert!(p.desk.verify().unwrap().problem.is_none());
}

#[test]
fn scan_dispense_once_and_again_only_with_the_pharmacist_in_charge() {
    let mut p = pharmacy();
    let mut c = counter();
    let r = prescription(&mut c);
    assert!(r.qr_payload.starts_with("DDR4.charge.MZ01.MZ01-000001."), "{}", r.qr_payload);
    let (ph, boss, boss2) = (p.pharmacist.clone(), p.in_charge.clone(), p.in_charge2.clone());
    // Unknown station: refused with the reason.
    assert_eq!(
        code(p.desk.pharmacy_scan(&ph, &r.qr_payload).unwrap_err()),
        "pharmacy_unknown_station"
    );
    p.trust(&c);
    let scan = p.desk.pharmacy_scan(&ph, &r.qr_payload).unwrap();
    assert_eq!(
        (scan.station.as_str(), scan.receipt_no.as_str(), scan.patient.as_str()),
        ("MZ01", "MZ01-000001", "DT-MZ01-000001")
    );
    let signed: Vec<(i64, &str, String)> = scan
        .lines
        .iter()
        .map(|l| (l.line.line_no, l.line.code.as_str(), l.line.qty.text()))
        .collect();
    assert_eq!(
        signed,
        vec![(1, "Y1", "2".to_string()), (2, "Y2", "30".to_string())],
        "drug lines only"
    );
    assert_eq!(scan.lines[0].line.short.as_deref(), Some("AMXLJN"));
    assert!(scan.history.is_empty());
    // Altered on paper: a quantity, a code, a line added.
    for (from, to) in [("1*Y1*2", "1*Y1*20"), ("2*Y2*30", "2*Y9*30")] {
        let altered = r.qr_payload.replacen(from, to, 1);
        assert_ne!(altered, r.qr_payload);
        assert_eq!(code(p.desk.pharmacy_scan(&ph, &altered).unwrap_err()), "qr_signature_invalid");
    }
    assert_eq!(code(p.desk.pharmacy_scan(&ph, "not a code").unwrap_err()), "qr_unreadable");
    // Bad lines are refused before anything is written.
    let before = p.entries();
    for (l, why) in [
        (vec![(3, "1")], "pharmacy_line_unknown"),
        (vec![(1, "3")], "pharmacy_quantity_over"),
        (vec![(1, "1"), (1, "1")], "pharmacy_line_twice"),
    ] {
        assert_eq!(code(p.desk.dispense(&ph, &r.qr_payload, &lines(&l), None).unwrap_err()), why);
    }
    assert_eq!(p.entries(), before);
    // Part of line 1, all of line 2.
    let (d, after) = p.desk.dispense(&ph, &r.qr_payload, &lines(&[(1, "1"), (2, "30")]), None).unwrap();
    assert_eq!(d.by, "李药师");
    assert_eq!((after.lines[0].dispensed_milli, after.lines[1].dispensed_milli), (1000, 30000));
    // The photocopy, or the same paper at a second window: refused, saying when and by whom.
    let err = p.desk.dispense(&ph, &r.qr_payload, &[], None).unwrap_err();
    assert_eq!(err.code(), "pharmacy_already_dispensed");
    assert!(
        err.to_string().contains("李药师") || format!("{err:?}").contains("李药师"),
        "{err:?}"
    );
    assert_eq!(
        code(p.desk.dispense(&ph, &r.qr_payload, &[], Some((&(&ph).into(), "补发"))).unwrap_err()),
        "role_forbidden"
    );
    assert_eq!(
        code(
            p.desk
                .dispense(&boss, &r.qr_payload, &[], Some((&(&boss).into(), "补发")))
                .unwrap_err()
        ),
        "approver_is_actor"
    );
    assert_eq!(
        code(p.desk.dispense(&ph, &r.qr_payload, &[], Some((&(&boss).into(), "  "))).unwrap_err()),
        "text_empty"
    );
    let (again, _) = p
        .desk
        .dispense(
            &ph,
            &r.qr_payload,
            &lines(&[(1, "1")]),
            Some((&(&boss).into(), "首次缺货，补发余下 1 盒")),
        )
        .unwrap();
    assert_eq!(
        (again.approver.as_deref(), again.reason.as_str()),
        (Some("赵主管"), "首次缺货，补发余下 1 盒")
    );
    let _ = boss2;
    let scan = p.desk.pharmacy_scan(&ph, &r.qr_payload).unwrap();
    assert_eq!(scan.history.len(), 2);
    assert_eq!(scan.lines[0].dispensed_milli, 2000);
    assert!(p.desk.verify().unwrap().problem.is_none());
}

#[test]
fn refund_vouchers_voided_receipts_and_forgeries_are_refused() {
    let mut p = pharmacy();
    let mut c = counter();
    let r = prescription(&mut c);
    let voided = prescription(&mut c);
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let refund =
        c.f.desk
            .refund_receipt(
                &cashier,
                &sup,
                &RefundInput {
                    id: Uuid::now_v7(),
                    receipt_no: r.receipt_no.clone(),
                    lines: lines(&[(3, "1")]),
                    reason: "未做检查".into(),
                    tenders: vec![],
                    pay_back_reason: None,
                    drug_return_by: None,
                },
            )
            .unwrap();
    c.f.desk.void_receipt(&cashier, &sup, &voided.receipt_no, "收错").unwrap();
    // The pharmacy takes the key from the counter's export batch, and learns of the void.
    let out = tempfile::tempdir().unwrap();
    let written = match c.f.desk.export_batch(&sup, out.path(), &mut |_| {}).unwrap() {
        downtime_core::export::ExportOutcome::Written(w) => w,
        other => panic!("{other:?}"),
    };
    let admin = p.admin.clone();
    let trusted = p.desk.trust_batch(&admin, &written.path).unwrap();
    assert_eq!((trusted.station.station_code.as_str(), trusted.voids_noted), ("MZ01", 1));
    let ph = p.pharmacist.clone();
    assert_eq!(
        code(p.desk.pharmacy_scan(&ph, &refund.qr_payload).unwrap_err()),
        "pharmacy_not_a_charge"
    );
    assert_eq!(
        code(p.desk.pharmacy_scan(&ph, &voided.qr_payload).unwrap_err()),
        "pharmacy_receipt_voided"
    );
    p.desk.pharmacy_scan(&ph, &r.qr_payload).unwrap();
    // A document signed by a key that is not MZ01's, though it says MZ01.
    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let c4 = qr::read_unverified(&r.qr_payload).unwrap();
    let forged = qr::payload(
        &other,
        &qr::Contents {
            kind: c4.kind.unwrap(),
            station: "MZ01",
            receipt_no: "MZ01-000009",
            total: c4.total,
            issued: c4.issued,
            anchor: c4.anchor.as_ref().unwrap(),
            patient: "DT-MZ01-000001",
            lines: c4.lines.as_deref().unwrap(),
        },
    );
    assert_eq!(code(p.desk.pharmacy_scan(&ph, &forged).unwrap_err()), "qr_signature_invalid");
    // A batch altered after export is not trusted.
    let manifest = written.path.join("records.jsonl");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push(' ');
    std::fs::write(&manifest, text).unwrap();
    let mut p2 = pharmacy();
    let admin2 = p2.admin.clone();
    assert_eq!(
        code(p2.desk.trust_batch(&admin2, &written.path).unwrap_err()),
        "trust_batch_invalid"
    );
    // An old paper without signed drug lines.
    let old = "DDR3.charge.MZ01.MZ01-000001.100.1764000000.1.0123456789abcdef.00";
    assert_eq!(code(p.desk.pharmacy_scan(&ph, old).unwrap_err()), "qr_unreadable");
}

#[test]
fn a_return_slip_backs_the_counters_drug_refund() {
    let mut p = pharmacy();
    let mut c = counter();
    let r = prescription(&mut c);
    p.trust(&c);
    let ph = p.pharmacist.clone();
    // Nothing dispensed yet: nothing to take back.
    assert_eq!(
        code(p.desk.return_drugs(&ph, &r.qr_payload, &lines(&[(1, "1")])).unwrap_err()),
        "pharmacy_quantity_over"
    );
    assert_eq!(
        code(p.desk.return_drugs(&ph, &r.qr_payload, &[]).unwrap_err()),
        "pharmacy_return_no_lines"
    );
    p.desk.dispense(&ph, &r.qr_payload, &[], None).unwrap();
    let (ret, scan) = p.desk.return_drugs(&ph, &r.qr_payload, &lines(&[(1, "1")])).unwrap();
    assert_eq!(ret.slip_no.as_deref(), Some("YF01-T000001"));
    assert_eq!(scan.lines[0].returned_milli, 1000);
    let slip = ret.slip_payload.clone().unwrap();
    assert!(slip.starts_with("DDRT.YF01.YF01-T000001.MZ01.MZ01-000001."), "{slip}");
    assert_eq!(
        code(p.desk.return_drugs(&ph, &r.qr_payload, &lines(&[(1, "2")])).unwrap_err()),
        "pharmacy_quantity_over"
    );
    // The printed slip carries its code, readable at 200 dpi on both papers.
    for layout in ["a5", "roll80"] {
        let pdf = p.desk.return_slip_pdf("YF01-T000001", layout).unwrap();
        assert_eq!(decode_pdf(&pdf, 200), vec![slip.clone()], "{layout}");
    }
    assert_eq!(
        code(p.desk.return_slip_pdf("YF01-T000009", "a5").unwrap_err()),
        "return_slip_unknown"
    );
    // Printed through the one printing path: saved, on record; a reprint is a 副本.
    let admin = p.admin.clone();
    let entries = p.entries();
    assert_eq!(
        code(p.desk.print_return_slip(&admin, "YF01-T000001", "roll80").unwrap_err()),
        "role_forbidden"
    );
    assert_eq!(
        code(p.desk.print_return_slip(&ph, "YF01-T000009", "roll80").unwrap_err()),
        "return_slip_unknown"
    );
    assert_eq!(p.entries(), entries, "a refused printing records nothing");
    let first = p.desk.print_return_slip(&ph, "YF01-T000001", "roll80").unwrap();
    assert_eq!(
        (first.copy, first.pdf_path.file_name().unwrap().to_str().unwrap()),
        (false, "退药单-YF01-T000001.pdf")
    );
    let original = std::fs::read(&first.pdf_path).unwrap();
    assert!(!crate::receipt_pdf::text_of(&original).contains("副本"));
    assert_eq!(decode_pdf(&original, 200), vec![slip.clone()]);
    let again = p.desk.print_return_slip(&ph, "YF01-T000001", "roll80").unwrap();
    assert_eq!(
        (again.copy, again.pdf_path.file_name().unwrap().to_str().unwrap()),
        (true, "退药单-YF01-T000001-副本1.pdf")
    );
    assert!(crate::receipt_pdf::text_of(&std::fs::read(&again.pdf_path).unwrap()).contains("副本"));
    assert_eq!(p.entries(), entries + 2, "each printing is journalled");
    let last = &p.desk.journal_tail(1).unwrap()[0];
    assert!(
        last.kind == "document_printed" && last.payload.contains("return_slip") && last.payload.contains("YF01-T000001"),
        "{}",
        last.payload
    );
    // At the counter: the slip needs the pharmacy's key.
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let refund = |lines: Vec<(i64, Quantity)>, by: &str| RefundInput {
        id: Uuid::now_v7(),
        receipt_no: r.receipt_no.clone(),
        lines,
        reason: "患者退药".into(),
        tenders: vec![],
        pay_back_reason: None,
        drug_return_by: Some(by.to_string()),
    };
    assert_eq!(
        code(c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], &slip)).unwrap_err()),
        "return_slip_unknown_pharmacy"
    );
    let card = p.desk.station_key_card().unwrap();
    let admin = c.f.admin.clone();
    c.f.desk.trust_key_card(&admin, &card).unwrap();
    let tampered = slip.replacen("1*Y1*1", "1*Y1*2", 1);
    assert_eq!(
        code(c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], &tampered)).unwrap_err()),
        "return_slip_signature_invalid"
    );
    // Lines other than the slip's drugs are refused; the slip alone fills them.
    assert_eq!(
        code(
            c.f.desk
                .refund_receipt(&cashier, &sup, &refund(lines(&[(1, "2")]), &slip))
                .unwrap_err()
        ),
        "return_slip_mismatch"
    );
    let back = c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], &slip)).unwrap();
    assert_eq!(back.lines.len(), 1);
    assert_eq!((back.lines[0].refunds_line, back.lines[0].qty.text()), (Some(1), "1".to_string()));
    assert_eq!(back.drug_return_by.as_deref(), Some("李药师（药房 YF01 退药单 YF01-T000001）"));
    assert_eq!(
        code(c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], &slip)).unwrap_err()),
        "return_slip_used"
    );
    assert!(c.f.desk.verify().unwrap().problem.is_none());
    assert!(p.desk.verify().unwrap().problem.is_none());
}

/// The QR codes found on the pages of `pdf` rendered at `dpi` (poppler's `pdftoppm`), read by
/// ZBar (`zbarimg`, the decoder of many hand-held scanners' software).
fn decode_pdf(pdf: &[u8], dpi: u32) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) renders the PDF");
    assert!(out.success());
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    let read = std::process::Command::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .args(&pages)
        .output()
        .expect("zbarimg (zbar-tools) reads the pages");
    String::from_utf8(read.stdout).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn payloads_with_drug_lines_scan_from_rendered_pdfs() {
    let mut c = counter();
    // From one drug line up to a long prescription: the payload read back at 200 dpi from the
    // A5 receipt and the 80 mm roll is the payload signed, names while they fit the budget.
    let (mut with_names, mut without) = (0, 0);
    // The code grows with its payload (no module under 0.4 mm, about 3 pixels at 200 dpi):
    // in a fixed 24 mm code, 60 lines (about 720 bytes) decoded in only about three runs of five.
    for n in [1usize, 4, 8, 12, 20, 30, 40, 60, 80, 100] {
        let mut items = Vec::new();
        for i in 0..n {
            items.push(if i % 2 == 0 {
                item("Y1", &format!("{}", i + 1))
            } else {
                item("Y2", &format!("{}", 10 * i))
            });
        }
        let total = c.f.desk.price_draft(&items, None).unwrap().total.get();
        let r = c
            .pay(&charge(
                "DT-MZ01-000001",
                items,
                vec![cash(&format!("{}.{:02}", total / 100, total % 100))],
            ))
            .unwrap();
        let said = qr::read_unverified(&r.qr_payload).unwrap();
        assert_eq!(said.lines.as_ref().unwrap().len(), n);
        let names = said.lines.as_ref().unwrap().iter().all(|l| l.short.is_some());
        for layout in ["a5", "roll80"] {
            let pdf = c.f.desk.receipt_pdf(&r.receipt_no, layout, false).unwrap();
            let found = decode_pdf(&pdf, 200);
            assert_eq!(found, vec![r.qr_payload.clone()], "{n} lines on {layout}");
        }
        if names {
            with_names += 1;
        } else {
            without += 1;
        }
        assert!(
            names || r.qr_payload.len() > qr::NAMES_BUDGET - 100,
            "names are left out only when they do not fit"
        );
        println!(
            "pharmacy QR: {n} drug lines, {} bytes, short names {}: decoded at 200 dpi from the A5 receipt and the 80 mm roll",
            r.qr_payload.len(),
            if names { "included" } else { "left out" }
        );
    }
    assert!(with_names > 0 && without > 0, "both kinds of payload were read back");
}

#[test]
fn a_prescription_too_long_to_scan_is_refused_at_issue() {
    let mut c = counter();
    let items: Vec<_> = (0..150).map(|i| item("Y1", &format!("{}", i + 1))).collect();
    let total = c.f.desk.price_draft(&items, None).unwrap().total.get();
    let refused = c
        .pay(&charge(
            "DT-MZ01-000001",
            items,
            vec![cash(&format!("{}.{:02}", total / 100, total % 100))],
        ))
        .unwrap_err();
    let said = refused.to_string();
    assert_eq!(code(refused), "charge_too_many_drug_lines");
    assert!(said.contains("150 行药品") && said.contains("分成两笔收费"), "{said}");
    // Nothing was written: the next receipt takes the first number.
    let items = vec![item("Y1", "1")];
    let total = c.f.desk.price_draft(&items, None).unwrap().total.get();
    let r = c
        .pay(&charge(
            "DT-MZ01-000001",
            items,
            vec![cash(&format!("{}.{:02}", total / 100, total % 100))],
        ))
        .unwrap();
    assert_eq!(r.receipt_no, "MZ01-000001");
}

#[test]
fn the_key_card_is_exported_by_those_who_trust_keys() {
    let c = counter();
    let (cashier, sup, admin) = (c.cashier.clone(), c.sup.clone(), c.f.admin.clone());
    // Offered before writing: code, name, fingerprint and where it would go.
    let offer = c.f.desk.key_card_offer(&sup).unwrap();
    assert_eq!(offer.station_code, "MZ01");
    assert_eq!(offer.fingerprint, c.f.desk.require_station().unwrap().fingerprint());
    assert_eq!(offer.path, c.f.desk.receipts_dir().with_file_name("exports").join("MZ01.key.json"));
    assert_eq!(code(c.f.desk.key_card_offer(&cashier).unwrap_err()), "role_forbidden");
    assert_eq!(code(c.f.desk.export_key_card(&cashier, &offer.path).unwrap_err()), "role_forbidden");
    assert!(!offer.path.exists(), "a refusal writes nothing");
    let folder = offer.path.parent().unwrap().parent().unwrap();
    assert_eq!(code(c.f.desk.export_key_card(&admin, folder).unwrap_err()), "key_card_path_invalid");
    let written = c.f.desk.export_key_card(&admin, &offer.path).unwrap();
    assert_eq!(written, offer);
    let card = downtime_core::pharmacy::read_key_card(&std::fs::read(&written.path).unwrap()).unwrap();
    assert_eq!(
        (card.station_code.as_str(), card.fingerprint.as_str()),
        ("MZ01", offer.fingerprint.as_str())
    );
    // At a pharmacy, its pharmacist-in-charge hands its card to the counters; a pharmacist not.
    let p = pharmacy();
    let out = p._dir.path().join("usb").join("YF01.key.json");
    assert_eq!(code(p.desk.export_key_card(&p.pharmacist, &out).unwrap_err()), "role_forbidden");
    assert_eq!(p.desk.export_key_card(&p.in_charge, &out).unwrap().station_code, "YF01");
}
