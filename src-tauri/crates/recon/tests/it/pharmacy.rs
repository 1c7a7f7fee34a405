//! 药房核对 (#18): a pharmacy's batch beside its counter's. A receipt dispensed twice, a
//! dispensing against a receipt no loaded batch holds, and a drug refund without a pharmacy
//! return are each flagged once (the simulation's own drug refunds on typed names too); a
//! refund backed by a return slip is not.

use downtime_core::catalog::price::Quantity;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{qr, ChargeInput, LineInput, ReceiptKind};
use downtime_core::export::ExportOutcome;
use downtime_core::station::{Setup, StationKind};
use downtime_core::time::Clock;
use downtime_core::{Desk, Role};
use downtime_recon::{Clerk, Workspace};
use uuid::Uuid;

fn setup(code: &str) -> Setup {
    Setup {
        hospital: "市第一人民医院".into(),
        code: code.into(),
        station_name: format!("{code} 窗口"),
        admin_name: "王管理".into(),
        admin_pin: "123456".into(),
    }
}

fn export(desk: &mut Desk, usb: &std::path::Path) {
    let admin = desk.authenticate("王管理", "123456").unwrap();
    match desk.export_batch(&admin, usb, &mut |_| {}).unwrap() {
        ExportOutcome::Written(_) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn dispensed_twice_unknown_and_drug_refunds_without_a_return_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let mut counter = Desk::init(dir.path().join("MZ01.db"), &setup("MZ01")).unwrap();
    let admin = counter.authenticate("王管理", "123456").unwrap();
    downtime_core::simulate::run(&mut counter, &admin, 30, 18, &mut |_| Ok(())).unwrap();
    let (cashier, sup) = downtime_core::simulate::prepare(&mut counter, &admin).unwrap();
    // Charges with drug lines, untouched by the simulation's refunds and voids.
    let drugs: Vec<_> = (1..)
        .map_while(|n| counter.receipt(&format!("MZ01-{n:06}")).unwrap())
        .filter(|r| r.kind == ReceiptKind::Charge && r.voided.is_none() && r.refunded.get() == 0)
        .filter(|r| {
            qr::read_unverified(&r.qr_payload)
                .and_then(|c| c.lines)
                .is_some_and(|l| !l.is_empty())
        })
        .collect();
    assert!(drugs.len() >= 3, "the simulation charged drugs on several receipts");
    let (a, b, c) = (&drugs[0], &drugs[1], &drugs[2]);
    let first_drug = |r: &downtime_core::charge::Receipt| qr::read_unverified(&r.qr_payload).unwrap().lines.unwrap()[0].clone();

    let mut ph = Desk::init_as(dir.path().join("YF01.db"), &setup("YF01"), StationKind::Pharmacy, Clock::system()).unwrap();
    let padmin = ph.authenticate("王管理", "123456").unwrap();
    ph.add_operator(&padmin, "李药师", Role::Pharmacist, "2468").unwrap();
    ph.add_operator(&padmin, "赵主管", Role::PharmacistInCharge, "1357").unwrap();
    let (pharmacist, boss) = (
        ph.authenticate("李药师", "2468").unwrap(),
        ph.authenticate("赵主管", "1357").unwrap(),
    );
    ph.trust_key_card(&padmin, &counter.station_key_card().unwrap()).unwrap();
    counter.trust_key_card(&admin, &ph.station_key_card().unwrap()).unwrap();

    // A: dispensed, then again with the pharmacist-in-charge; one unit comes back on a slip,
    // which the counter refunds by.
    ph.dispense(&pharmacist, &a.qr_payload, &[], None).unwrap();
    ph.dispense(&pharmacist, &a.qr_payload, &[], Some((&(&boss).into(), "患者称药品遗失")))
        .unwrap();
    let l = first_drug(a);
    let one = Quantity::parse("1").unwrap().min(l.qty);
    let (ret, _) = ph.return_drugs(&pharmacist, &a.qr_payload, &[(l.line_no, one)]).unwrap();
    let refund = |receipt_no: &str, lines: Vec<(i64, Quantity)>, by: &str| RefundInput {
        id: Uuid::now_v7(),
        receipt_no: receipt_no.into(),
        lines,
        reason: "退药".into(),
        tenders: vec![],
        pay_back_reason: None,
        drug_return_by: Some(by.into()),
    };
    counter
        .refund_receipt(&cashier, &sup, &refund(&a.receipt_no, vec![], ret.slip_payload.as_deref().unwrap()))
        .unwrap();
    // B: a drug refunded on a typed name, with no return at any pharmacy.
    let lb = first_drug(b);
    counter
        .refund_receipt(&cashier, &sup, &refund(&b.receipt_no, vec![(lb.line_no, lb.qty)], "张药师"))
        .unwrap();
    export(&mut counter, &usb);
    // C: dispensed once, fine. D: charged after the counter's last batch, dispensed: no
    // loaded batch holds it.
    ph.dispense(&pharmacist, &c.qr_payload, &[], None).unwrap();
    let plain = drugs
        .iter()
        .flat_map(|r| r.lines.iter())
        .find(|l| l.is_drug && l.doses.is_none())
        .expect("a drug that is not a herbal piece");
    let lines = vec![LineInput::Item {
        code: plain.code.clone(),
        qty: plain.qty,
    }];
    let total = counter.price_draft(&lines, None).unwrap().total;
    let patient = c.patient.downtime_no.clone().unwrap();
    let d = counter
        .pay_charge(
            &cashier,
            &ChargeInput::new(
                patient,
                lines,
                vec![TenderInput {
                    method: Method::Cash,
                    amount: total,
                    reference: String::new(),
                }],
            ),
        )
        .unwrap();
    ph.dispense(&pharmacist, &d.qr_payload, &[], None).unwrap();
    export(&mut ph, &usb);

    let mut ws = Workspace::open(dir.path().join("finance").join("reconcile.sqlite3")).unwrap();
    ws.load_batches(&Clerk::command_line("财务小王").unwrap(), &[usb.clone()], &mut |_| {})
        .unwrap();
    let r = ws.reconcile(None).unwrap();
    let mut found: Vec<(String, String)> = r.pharmacy.iter().map(|f| (f.list.clone(), f.receipt_no.clone())).collect();
    found.sort();
    // Every drug refund the counter made on a typed name (B's, and the simulation's own).
    let typed: Vec<String> = (1..)
        .map_while(|n| counter.receipt(&format!("MZ01-{n:06}")).unwrap())
        .filter(|r| r.kind == ReceiptKind::Refund && r.lines.iter().any(|l| l.is_drug))
        .filter(|r| !r.drug_return_by.as_deref().unwrap_or("").contains("退药单"))
        .map(|r| r.refund_of.clone().unwrap())
        .collect();
    assert!(typed.contains(&b.receipt_no) && !typed.contains(&a.receipt_no));
    let mut expected = vec![
        ("dispensed_twice".to_string(), a.receipt_no.clone()),
        ("dispensed_unknown".to_string(), d.receipt_no.clone()),
    ];
    expected.extend(typed.iter().map(|no| ("refund_without_return".to_string(), no.clone())));
    expected.sort();
    assert_eq!(found, expected);
    assert!(!r.balanced);
    let lists: Vec<String> = r.exceptions().into_iter().map(|e| e.list).collect();
    for (l, n) in [
        ("dispensed_twice", 1),
        ("dispensed_unknown", 1),
        ("refund_without_return", typed.len()),
    ] {
        assert_eq!(lists.iter().filter(|x| *x == l).count(), n, "{l} in {lists:?}");
    }
    assert!(ws.verify().unwrap().problem.is_none());
    // Without any pharmacy batch loaded, a typed 退药确认人 is all there is: nothing flagged.
    let mut counter_only = Workspace::open(dir.path().join("finance2").join("reconcile.sqlite3")).unwrap();
    counter_only
        .load_batches(
            &Clerk::command_line("财务小王").unwrap(),
            &[usb.join("MZ01-batch-000001")],
            &mut |_| {},
        )
        .unwrap();
    assert!(counter_only.reconcile(None).unwrap().pharmacy.is_empty());
}
