//! Registration types as the hospital's data, register-and-pay in one transaction, and 退号
//! with its refund voucher.

use crate::patients::{counter, reg};
use crate::Fixture;
use downtime_core::catalog::ImportOptions;
use downtime_core::charge::tender::Method;
use downtime_core::charge::{ChargeInput, LineInput, ReceiptKind};
use downtime_core::patient::NewPatient;
use downtime_core::registration::types::seed_types;
use downtime_core::registration::NewRegistration;
use downtime_core::{Actor, Fen, Role};

fn patient(f: &mut Fixture, c: &Actor, name: &str) -> String {
    f.desk
        .add_patient(
            c,
            &NewPatient {
                name: name.into(),
                sex: "F".into(),
                confirm_duplicate: true,
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap()
}

/// A file shaped like a real HIS export (`tests/it/data/samples/`, see its README).
pub fn samples(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/it/data/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn a_new_station_starts_with_the_shipped_types_which_fit_the_shipped_price_list() {
    let (mut f, _) = counter();
    let types = f.desk.reg_types().unwrap();
    assert_eq!(types, seed_types());
    let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["普通号", "副主任医师号", "主任医师号", "急诊号", "便民门诊"]);
    for t in &types {
        let fees = f.desk.reg_type_fees(t).unwrap();
        assert_eq!(fees.missing(), Vec::<&str>::new(), "{} has its fees in the sample list", t.name);
    }
    let ordinary = f.desk.reg_type_fees(&types[0]).unwrap();
    assert_eq!(ordinary.total(), Some(Fen::new(1100).unwrap()));
    let free = f.desk.reg_type_fees(&types[4]).unwrap();
    assert_eq!(free.total(), Some(Fen::ZERO));
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn registering_takes_the_fee_on_a_registration_receipt_in_one_journal_entry() {
    let (mut f, c) = counter();
    let p = patient(&mut f, &c, "甲");
    let before = f.entries();
    let new = NewRegistration {
        cash_tendered: Some(Fen::new(2000).unwrap()),
        ..reg(&p, "NK", "普通号", "11")
    };
    let r = f.desk.register(&c, &new).unwrap();
    assert_eq!(f.entries(), before + 1, "registration and receipt are one change");
    assert_eq!(
        (r.reg_type.as_str(), r.reg_type_name.as_str(), r.fee.get(), r.change.get()),
        ("ordinary", "普通号", 1100, 900)
    );
    let no = r.fee_receipt.clone().expect("paid");
    let receipt = f.desk.receipt(&no).unwrap().unwrap();
    assert_eq!(receipt.kind, ReceiptKind::Registration);
    assert_eq!(receipt.registration_id, Some(r.id));
    assert_eq!(receipt.total.get(), 1100);
    assert_eq!(receipt.lines.len(), 2);
    assert_eq!(receipt.tenders[0].tendered, Some(Fen::new(2000).unwrap()));
    let entry = &f.desk.journal_tail(1).unwrap()[0];
    assert_eq!(entry.kind, "registered");
    for table in ["\"registration\"", "\"receipt\"", "\"receipt_line\"", "\"tender\""] {
        assert!(entry.payload.contains(table), "{table} in {}", entry.payload);
    }
    // The same form sent again (a retry) finds the registration made: no second fee.
    let again = f.desk.register(&c, &new).unwrap();
    assert_eq!((again.id, again.fee_receipt), (r.id, Some(no.clone())));
    assert_eq!(f.entries(), before + 1);
    // Its receipt goes back only by 退号.
    let sup = f.operator("陈主管", Role::Supervisor);
    assert_eq!(
        f.desk.void_receipt(&c, &sup, &no, "错收").unwrap_err().code(),
        "receipt_is_registration"
    );
    // The queue slip says it is paid, and by which receipt.
    let slip = crate::receipt_pdf::text_of(&f.desk.queue_slip_pdf(r.id).unwrap());
    assert!(slip.contains(&format!("挂号费 ¥11.00 已收 收据 {no}")), "{slip}");
    assert!(slip.contains("号别：普通号"), "{slip}");
    // Printing it saves it in the receipts folder and puts the printing on record.
    let printed = f.desk.print_queue_slip(&c, r.id).unwrap();
    assert_eq!(printed.pdf_path.parent(), Some(f.desk.receipts_dir().as_path()));
    let text = crate::receipt_pdf::text_of(&std::fs::read(&printed.pdf_path).unwrap());
    assert!(text.contains(&format!("挂号费 ¥11.00 已收 收据 {no}")), "{text}");
    let entry = &f.desk.journal_tail(1).unwrap()[0];
    assert_eq!(entry.kind, "document_printed");
    assert!(
        entry.payload.contains("queue_slip") && entry.payload.contains(&r.id.to_string()),
        "{}",
        entry.payload
    );
    assert_eq!(
        f.desk.print_queue_slip(&c, uuid::Uuid::now_v7()).unwrap_err().code(),
        "registration_unknown"
    );
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_fee_is_refused_without_payment_and_a_free_type_takes_none() {
    let (mut f, c) = counter();
    let p = patient(&mut f, &c, "乙");
    let before = f.entries();
    let cases = [
        (reg(&p, "NK", "ordinary", "0"), "reg_fee_unpaid", "挂号费 ¥11.00 须当场收取"),
        (reg(&p, "NK", "ordinary", "10"), "tender_sum_mismatch", "¥11.00"),
        (reg(&p, "NK", "convenience", "1"), "reg_no_fee", "便民门诊不收挂号费"),
        (reg(&p, "NK", "vip", "11"), "reg_type_unknown", "ordinary（普通号）"),
        (reg(&p, "ZYNK", "ordinary", "11"), "dept_not_outpatient", "住院科室"),
    ];
    for (new, code, says) in cases {
        let e = f.desk.register(&c, &new).unwrap_err();
        assert_eq!(e.code(), code);
        assert!(e.to_string().contains(says), "{e}");
    }
    assert_eq!(f.entries(), before, "a refusal writes nothing");
    let free = f.desk.register(&c, &reg(&p, "NK", "便民门诊", "0")).unwrap();
    assert_eq!((free.fee, free.fee_receipt.clone()), (Fen::ZERO, None));
    // Paid by card: the reference is kept, change only from cash.
    let card = NewRegistration::new(&p, "NK", "chief", vec![crate::charges::tender("card:21:1234/778899")]);
    let r = f.desk.register(&c, &card).unwrap();
    assert_eq!((r.fee.get(), r.change), (2100, Fen::ZERO));
}

#[test]
fn types_are_edited_by_code_and_a_code_the_price_list_lacks_is_refused_naming_it() {
    let (mut f, c) = counter();
    let admin = f.admin.clone();
    let sup = f.operator("陈主管", Role::Supervisor);
    let codes = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        f.desk
            .set_reg_type(&c, "night", "夜间门诊", &codes(&["110200001"]), true)
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
    let e = f
        .desk
        .set_reg_type(&sup, "night", "夜间门诊", &codes(&["110200001", "NOPE01"]), true)
        .unwrap_err();
    assert_eq!(e.code(), "reg_fee_code_unknown");
    assert!(e.to_string().contains("NOPE01"), "{e}");
    for (key, name, code) in [
        ("bad key", "夜间门诊", "reg_type_key_invalid"),
        ("night", "普通号", "reg_type_name_taken"),
        ("night", "", "text_empty"),
    ] {
        assert_eq!(
            f.desk.set_reg_type(&sup, key, name, &[], true).unwrap_err().code(),
            code,
            "{key} {name}"
        );
    }
    let t = f
        .desk
        .set_reg_type(&sup, "Night", "夜间门诊", &codes(&["110200001", "110200005"]), true)
        .unwrap();
    assert_eq!(t.key, "night");
    assert_eq!(f.desk.reg_types().unwrap().last().unwrap(), &t);
    assert_eq!(f.desk.reg_type_fees(&t).unwrap().total(), Some(Fen::new(1300).unwrap()));
    // Renamed: registrations made before keep the name they were made with.
    let p = patient(&mut f, &c, "丙");
    let before = f.desk.register(&c, &reg(&p, "NK", "night", "13")).unwrap();
    f.advance(chrono::Duration::seconds(1));
    f.desk
        .set_reg_type(&admin, "night", "夜诊", &codes(&["110200001", "110200005"]), true)
        .unwrap();
    assert_eq!(f.desk.registration(before.id).unwrap().unwrap().reg_type_name, "夜间门诊");
    let after = f.desk.register(&c, &reg(&p, "NK", "夜诊", "13")).unwrap();
    assert_eq!(after.reg_type_name, "夜诊");
    // Not offered any more: refused by key and by name.
    f.desk.set_reg_type(&admin, "night", "夜诊", &codes(&["110200001"]), false).unwrap();
    assert_eq!(
        f.desk.register(&c, &reg(&p, "NK", "night", "1")).unwrap_err().code(),
        "reg_type_inactive"
    );
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_real_his_price_list_works_once_the_types_name_its_codes() {
    let (mut f, c) = counter();
    let admin = f.admin.clone();
    // A hospital's own services list, laid out as its HIS exports it, with codes of its own:
    // its dry run names every type it would leave without fees.
    let own = "\u{feff}收费项目编码,收费项目名称,说明,计价单位,单价,收费类别,医保类别\r\n\
               A1101,挂号费,普通门诊,次,1.00,挂号费,甲\r\n\
               A1102,门诊诊查费(普通),,次,10.00,诊察费,甲\r\n\
               A1105,急诊诊查费,,次,12.00,诊察费,甲\r\n\
               A2501,血细胞分析(五分类),,项,20.00,化验费,甲\r\n";
    let part = ImportOptions {
        part: Some("医疗服务项目".into()),
        confirm_shrink: true,
        ..Default::default()
    };
    let preview = f.desk.catalog_preview(own.as_bytes(), "本院服务项目.csv", &part).unwrap();
    let missing: Vec<&str> = preview.change.reg_types_missing.iter().map(|(t, _)| t.key.as_str()).collect();
    assert_eq!(missing, ["ordinary", "associate", "chief", "emergency"]);
    assert_eq!(preview.change.reg_types_missing[0].1, ["110200001", "110200002"]);
    let r = f
        .desk
        .catalog_import(&admin, own.as_bytes(), "本院服务项目.csv", &part, false, &mut |_, _| {})
        .unwrap();
    assert_eq!(r.change.reg_types_missing.len(), 4);
    let p = patient(&mut f, &c, "丁");
    let e = f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap_err();
    assert_eq!(e.code(), "reg_fee_item_missing");
    assert!(e.to_string().contains("110200001"), "{e}");
    let codes = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    f.desk
        .set_reg_type(&admin, "ordinary", "普通号", &codes(&["A1101", "A1102"]), true)
        .unwrap();
    let r = f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap();
    let names: Vec<&str> = r.fee_items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["挂号费", "门诊诊查费(普通)"]);
    assert_eq!(r.fee.get(), 1100);
    // The HIS services sample export reads too (UTF-8 with BOM, CRLF, its own headers).
    let his = f
        .desk
        .catalog_preview(&samples("his-services-2026-12.csv"), "his-services-2026-12.csv", &part)
        .unwrap();
    assert_eq!((his.good, his.problems.len(), his.encoding), (12, 0, "utf-8"));
}

#[test]
fn cancelling_a_paid_registration_refunds_its_tenders_with_a_supervisor() {
    let (mut f, c) = counter();
    let sup = f.operator("陈主管", Role::Supervisor);
    let p = patient(&mut f, &c, "戊");
    let split = vec![crate::charges::tender("cash:15"), crate::charges::tender("card:6:4321/556677")];
    let r = f
        .desk
        .register(
            &c,
            &NewRegistration {
                cash_tendered: Some(Fen::new(2000).unwrap()),
                ..NewRegistration::new(&p, "NK", "chief", split)
            },
        )
        .unwrap();
    let before = f.entries();
    assert_eq!(
        f.desk.cancel_registration(&c, r.id, "患者离开", None).unwrap_err().code(),
        "reg_cancel_needs_supervisor"
    );
    assert_eq!(
        f.desk
            .cancel_registration(&c, r.id, "患者离开", Some(&(&c).into()))
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
    assert_eq!(f.entries(), before);
    let done = f.desk.cancel_registration(&c, r.id, "患者离开", Some(&(&sup).into())).unwrap();
    assert_eq!(f.entries(), before + 1, "cancel and voucher are one change");
    let cancel = done.cancelled.clone().unwrap();
    let (voucher_no, amount) = cancel.refund.clone().unwrap();
    assert_eq!((amount.get(), cancel.supervisor.as_deref()), (2100, Some("陈主管")));
    let voucher = f.desk.receipt(&voucher_no).unwrap().unwrap();
    assert_eq!(voucher.kind, ReceiptKind::Refund);
    assert_eq!(voucher.refund_of, done.fee_receipt);
    let back: Vec<(Method, i64, &str)> = voucher
        .tenders
        .iter()
        .map(|t| (t.method, t.amount.get(), t.reference.as_str()))
        .collect();
    assert_eq!(
        back,
        [(Method::Cash, 1500, ""), (Method::Card, 600, "4321/556677")],
        "back the way it came"
    );
    assert!(voucher.reason.contains("患者离开"));
    assert_eq!(
        f.desk
            .cancel_registration(&c, r.id, "再退", Some(&(&sup).into()))
            .unwrap_err()
            .code(),
        "registration_cancelled"
    );
    // The queue number stays used.
    assert_eq!(f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap().queue_no, 2);
    let slip = crate::receipt_pdf::text_of(&f.desk.queue_slip_pdf(r.id).unwrap());
    assert!(slip.contains("本号已退号"), "{slip}");
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn an_approver_is_never_the_operator_and_a_free_registration_needs_none() {
    let (mut f, _) = counter();
    let sup = f.operator("陈主管", Role::Supervisor);
    f.desk.open_shift(&sup, Fen::ZERO).unwrap();
    let p = patient(&mut f, &sup, "己");
    let r = f.desk.register(&sup, &reg(&p, "NK", "ordinary", "11")).unwrap();
    assert_eq!(
        f.desk
            .cancel_registration(&sup, r.id, "重复挂号", Some(&(&sup).into()))
            .unwrap_err()
            .code(),
        "approver_is_actor"
    );
    let free = f.desk.register(&sup, &reg(&p, "WK", "convenience", "0")).unwrap();
    let done = f.desk.cancel_registration(&sup, free.id, "不看了", None).unwrap();
    assert_eq!(done.cancelled.unwrap().refund, None);
}

#[test]
fn a_visit_with_charges_is_not_cancelled_until_they_are_refunded() {
    let (mut f, c) = counter();
    let sup = f.operator("陈主管", Role::Supervisor);
    let p = patient(&mut f, &c, "庚");
    let r = f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap();
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
    let e = f.desk.cancel_registration(&c, r.id, "退号", Some(&(&sup).into())).unwrap_err();
    assert_eq!(e.code(), "registration_has_charges");
    assert!(e.to_string().contains(&charge.receipt_no));
    f.desk.void_receipt(&c, &sup, &charge.receipt_no, "退号前作废").unwrap();
    f.desk.cancel_registration(&c, r.id, "退号", Some(&(&sup).into())).unwrap();
}
