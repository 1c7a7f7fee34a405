use crate::Fixture;
use chrono::Duration;
use downtime_core::catalog::category::FeeCategory;
use downtime_core::catalog::price::{Quantity, UnitPrice};
use downtime_core::charge::correction::{RefundInput, RESETTLEMENT_REASON};
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{qr, ChargeInput, LineInput, Payer, Receipt, ReceiptKind};
use downtime_core::patient::NewPatient;
use downtime_core::{Actor, Fen, Role};
use proptest::prelude::*;
use uuid::Uuid;

const HEADER: &str = "编码,名称,规格,单位,单价,费用类别\r\n";

/// A counter in an outage: a small price list, a cashier on shift, a supervisor, two patients
/// (DT-MZ01-000001 self-pay, DT-MZ01-000002 insured).
pub struct Counter {
    pub f: Fixture,
    pub cashier: Actor,
    pub sup: Actor,
}

pub fn counter() -> Counter {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let csv = format!(
        "{HEADER}Y1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费\r\nY2,维生素C片,100mg,片,0.0125,西药费\r\nC1,黄芪,统货,克,0.068,中药饮片\r\nE1,CT平扫(头颅),,次,150,检查费\r\nL1,血常规,,项,20,化验费\r\nT1,静脉输液(第一组),,次,8,治疗费\r\nM1,一次性注射器,5ml,支,0.35,卫生材料费\r\nF1,普通门诊诊察费,,次,10,诊察费\r\n"
    );
    f.desk
        .catalog_import(
            &admin,
            csv.as_bytes(),
            "价目表2026-11.csv",
            &Default::default(),
            false,
            &mut |_, _| {},
        )
        .unwrap();
    f.desk.start_outage(&admin, "HIS 宕机", None, "").unwrap();
    let cashier = f.operator("李收费", Role::Cashier);
    let sup = f.operator("陈主管", Role::Supervisor);
    f.desk.open_shift(&cashier, Fen::new(20000).unwrap()).unwrap();
    f.desk
        .add_patient(
            &cashier,
            &NewPatient {
                name: "张三".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap();
    f.desk
        .add_patient(
            &cashier,
            &NewPatient {
                name: "李四".into(),
                sex: "F".into(),
                insurance: Some("employee".into()),
                insurance_no: Some("E12345".into()),
                ..Default::default()
            },
        )
        .unwrap();
    Counter { f, cashier, sup }
}

pub fn item(code: &str, qty: &str) -> LineInput {
    LineInput::Item {
        code: code.into(),
        qty: Quantity::parse(qty).unwrap(),
    }
}

/// A tender written `METHOD:YUAN[:REF]`, as the tests spell them (the CLI's form).
pub fn tender(text: &str) -> TenderInput {
    let mut parts = text.splitn(3, ':');
    TenderInput {
        method: Method::parse(parts.next().unwrap()).unwrap(),
        amount: Fen::parse_yuan(parts.next().unwrap()).unwrap(),
        reference: parts.next().unwrap_or("").to_string(),
    }
}

pub fn cash(yuan: &str) -> TenderInput {
    TenderInput {
        method: Method::Cash,
        amount: Fen::parse_yuan(yuan).unwrap(),
        reference: String::new(),
    }
}

pub fn charge(patient: &str, lines: Vec<LineInput>, tenders: Vec<TenderInput>) -> ChargeInput {
    ChargeInput::new(patient, lines, tenders)
}

impl Counter {
    pub fn pay(&mut self, input: &ChargeInput) -> Result<Receipt, downtime_core::CoreError> {
        let c = self.cashier.clone();
        self.f.desk.pay_charge(&c, input)
    }
}

#[test]
fn a_six_item_prescription_with_cash_and_change() {
    let mut c = counter();
    let mut input = charge(
        "DT-MZ01-000001",
        vec![
            item("Y1", "2"),
            item("Y2", "30"),
            LineInput::Herbal {
                code: "C1".into(),
                per_dose: Quantity::parse("2.5").unwrap(),
                doses: 5,
            },
            item("E1", "1"),
            item("L1", "1"),
            item("M1", "3"),
        ],
        vec![cash("0")],
    );
    // 25.00 + 0.38 (0.375 half-up) + 0.85 + 150.00 + 20.00 + 1.05 = 197.28
    input.tenders = vec![cash("197.28")];
    input.cash_tendered = Some(Fen::parse_yuan("200").unwrap());
    let r = c.pay(&input).unwrap();
    assert_eq!(r.receipt_no, "MZ01-000001");
    assert_eq!(
        r.lines.iter().map(|l| l.amount.get()).collect::<Vec<_>>(),
        [2500, 38, 85, 15000, 2000, 105]
    );
    assert_eq!((r.total.get(), r.change.get()), (19728, 272));
    assert_eq!(r.total.capitals(), "壹佰玖拾柒元贰角捌分");
    let subtotals: Vec<(FeeCategory, i64)> = r.subtotals().into_iter().map(|(c, f)| (c, f.get())).collect();
    assert_eq!(
        subtotals,
        [
            (FeeCategory::Examination, 15000),
            (FeeCategory::Laboratory, 2000),
            (FeeCategory::Materials, 105),
            (FeeCategory::WesternMedicine, 2538),
            (FeeCategory::HerbalPieces, 85)
        ]
    );
    assert!(r.exchange_due.is_some() && r.resettle_due.is_none());
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
}

#[test]
fn several_tenders_must_sum_exactly() {
    let mut c = counter();
    let card = TenderInput {
        method: Method::Card,
        amount: Fen::parse_yuan("100").unwrap(),
        reference: "1234/000987".into(),
    };
    let wechat = TenderInput {
        method: Method::Wechat,
        amount: Fen::parse_yuan("50").unwrap(),
        reference: "4200000123".into(),
    };
    let r = c
        .pay(&charge("DT-MZ01-000001", vec![item("E1", "1")], vec![card.clone(), wechat.clone()]))
        .unwrap();
    assert_eq!(r.tenders.len(), 2);
    let before = c.f.entries();
    for (tenders, tendered, code) in [
        (vec![card.clone()], None, "tender_sum_mismatch"),
        (vec![card.clone(), wechat.clone(), cash("1")], None, "tender_sum_mismatch"),
        (vec![cash("150")], Some("149.99"), "tender_cash_short"),
        (vec![card.clone(), wechat.clone()], Some("200"), "tender_tendered_without_cash"),
        (
            vec![
                TenderInput {
                    reference: "12/3".into(),
                    ..card.clone()
                },
                wechat.clone(),
            ],
            None,
            "tender_card_reference",
        ),
        (
            vec![
                card.clone(),
                TenderInput {
                    reference: "".into(),
                    ..wechat.clone()
                },
            ],
            None,
            "tender_reference_missing",
        ),
        (
            vec![TenderInput {
                method: Method::Cheque,
                amount: Fen::parse_yuan("150").unwrap(),
                reference: "12345".into(),
            }],
            None,
            "tender_cheque_reference",
        ),
        (vec![], None, "tender_missing"),
        (vec![cash("100"), cash("50")], None, "tender_cash_twice"),
    ] {
        let mut input = charge("DT-MZ01-000001", vec![item("E1", "1")], tenders);
        input.cash_tendered = tendered.map(|t| Fen::parse_yuan(t).unwrap());
        assert_eq!(c.pay(&input).unwrap_err().code(), code);
    }
    assert_eq!(c.f.entries(), before, "refusals wrote nothing");
}

#[test]
fn bad_lines_are_refused() {
    let mut c = counter();
    let before = c.f.entries();
    let cases: Vec<(Vec<LineInput>, &str)> = vec![
        (vec![], "charge_empty"),
        (vec![item("NOPE", "1")], "item_unknown"),
        ((0..10_000).map(|_| item("Y1", "1")).collect(), "charge_too_many_lines"),
        (
            vec![
                LineInput::Item {
                    code: "E1".into(),
                    qty: Quantity::from_milli(99_999_000).unwrap()
                };
                200
            ],
            "amount_out_of_range",
        ),
    ];
    for (lines, code) in cases {
        assert_eq!(c.pay(&charge("DT-MZ01-000001", lines, vec![cash("1")])).unwrap_err().code(), code);
    }
    assert_eq!(Quantity::parse("0").unwrap_err().code(), "quantity_zero");
    assert_eq!(Quantity::parse("-1").unwrap_err().code(), "quantity_zero");
    assert_eq!(Quantity::parse("1.2345").unwrap_err().code(), "quantity_too_precise");
    assert_eq!(c.f.entries(), before);
}

#[test]
fn a_charge_needs_an_open_shift_and_a_catalog() {
    let mut c = counter();
    let other = c.f.operator("张收费", Role::Cashier);
    assert_eq!(
        c.f.desk
            .pay_charge(&other, &charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")]))
            .unwrap_err()
            .code(),
        "shift_required"
    );
    let finance = c.f.operator("周财务", Role::Finance);
    assert_eq!(
        c.f.desk
            .pay_charge(&finance, &charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")]))
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
}

#[test]
fn retrying_the_same_draft_never_charges_twice() {
    let mut c = counter();
    let input = charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]);
    let first = c.pay(&input).unwrap();
    let entries = c.f.entries();
    let again = c.pay(&input).unwrap();
    assert_eq!(again.receipt_no, first.receipt_no);
    assert_eq!(c.f.entries(), entries);
    let mut changed = input.clone();
    changed.lines = vec![item("L1", "2")];
    changed.tenders = vec![cash("40")];
    assert_eq!(c.pay(&changed).unwrap_err().code(), "charge_exists_different");
}

#[test]
fn a_draft_already_paid_is_found_by_its_id_after_a_crash() {
    let mut c = counter();
    let input = charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]);
    let cashier = c.cashier.clone();
    assert!(c.f.desk.charge_paid(&cashier, input.id).unwrap().is_none(), "not paid yet");
    let paid = c.pay(&input).unwrap();
    let found = c.f.desk.charge_paid(&cashier, input.id).unwrap().expect("paid");
    assert_eq!(found.receipt_no, paid.receipt_no);
    assert_eq!(found.total, paid.total);
    let finance = c.f.operator("周财务", Role::Finance);
    assert_eq!(c.f.desk.charge_paid(&finance, input.id).unwrap_err().code(), "role_forbidden");
}

#[test]
fn insured_patients_pay_in_full_with_a_due_date_fifteen_working_days_on() {
    let mut c = counter();
    let mut input = charge("DT-MZ01-000002", vec![item("E1", "1")], vec![cash("150")]);
    input.payer = Payer::Insured;
    let r = c.pay(&input).unwrap();
    // Paid Thursday 2026-11-26 (09:00 in Shanghai); the day itself does not count.
    let due = r.resettle_due.unwrap();
    assert_eq!(due.date.to_string(), "2026-12-17");
    assert!(!due.provisional);
    assert_eq!(r.exchange_due, r.resettle_due);
    assert_eq!(r.insurance_no, "E12345");
    let mut not_insured = charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")]);
    not_insured.payer = Payer::Insured;
    assert_eq!(c.pay(&not_insured).unwrap_err().code(), "patient_not_insured");
}

#[test]
fn a_due_date_in_a_year_without_its_schedule_is_provisional() {
    let mut c = counter();
    c.f.advance(Duration::days(20)); // 2026-12-16: 15 working days reach into 2027
    let mut input = charge("DT-MZ01-000002", vec![item("E1", "1")], vec![cash("150")]);
    input.payer = Payer::Insured;
    let r = c.pay(&input).unwrap();
    assert!(r.resettle_due.unwrap().provisional);
    assert_eq!(r.resettle_due.unwrap().date.to_string(), "2027-01-06");
    let admin = c.f.admin.clone();
    c.f.desk.import_calendar(&admin, include_str!("data/cn-2027-test.json")).unwrap();
    let mut again = charge("DT-MZ01-000002", vec![item("E1", "1")], vec![cash("150")]);
    again.payer = Payer::Insured;
    assert!(!c.pay(&again).unwrap().resettle_due.unwrap().provisional);
}

#[test]
fn paper_receipt_numbers_are_unique() {
    let mut c = counter();
    let mut input = charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]);
    input.paper_no = Some("0012345".into());
    c.pay(&input).unwrap();
    let mut again = charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]);
    again.paper_no = Some("0012345".into());
    assert_eq!(c.pay(&again).unwrap_err().code(), "paper_no_used");
}

#[test]
fn free_text_lines_need_a_supervisor_and_are_flagged() {
    let mut c = counter();
    let free = LineInput::FreeText {
        name: "自制膏药".into(),
        unit: "贴".into(),
        unit_price: UnitPrice::parse("5").unwrap(),
        qty: Quantity::parse("2").unwrap(),
        category: FeeCategory::Treatment,
        reason: "价目表遗漏".into(),
    };
    let input = charge("DT-MZ01-000001", vec![free.clone()], vec![cash("10")]);
    assert_eq!(c.pay(&input).unwrap_err().code(), "free_text_needs_supervisor");
    let mut by_cashier = input.clone();
    by_cashier.approver = Some(c.cashier.clone());
    assert_eq!(c.pay(&by_cashier).unwrap_err().code(), "role_forbidden");
    let mut ok = input.clone();
    ok.approver = Some(c.sup.clone());
    let r = c.pay(&ok).unwrap();
    assert!(r.has_free_text());
    assert_eq!(r.supervisor.as_deref(), Some("陈主管"));
}

#[test]
fn a_draft_without_its_supervisor_is_priced_without_its_free_text_lines() {
    let mut c = counter();
    let free = LineInput::FreeText {
        name: "自制膏药".into(),
        unit: "贴".into(),
        unit_price: UnitPrice::parse("5").unwrap(),
        qty: Quantity::parse("2").unwrap(),
        category: FeeCategory::Treatment,
        reason: "价目表遗漏".into(),
    };
    let lines = vec![item("L1", "1"), free];
    let draft = c.f.desk.price_draft(&lines, None).unwrap();
    let (priced, total) = (draft.lines, draft.total);
    assert_eq!(priced.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["血常规"]);
    assert_eq!(total, Fen::parse_yuan("20").unwrap());
    // The due date the window shows is the one a receipt paid today would carry.
    let today = c.f.desk.today();
    assert_eq!(draft.due_if_paid_today, c.f.desk.due_after(today, 15).unwrap());
    let sup = c.sup.clone();
    let draft = c.f.desk.price_draft(&lines, Some(&sup)).unwrap();
    let (priced, total) = (draft.lines, draft.total);
    assert_eq!(priced.len(), 2);
    assert!(priced[1].free_text);
    assert_eq!(total, Fen::parse_yuan("30").unwrap());
    let cashier = c.cashier.clone();
    assert_eq!(c.f.desk.price_draft(&lines, Some(&cashier)).unwrap_err().code(), "role_forbidden");
}

#[test]
fn receipt_numbers_are_gapless_and_carry_the_station() {
    let mut c = counter();
    let numbers: Vec<String> = (0..3)
        .map(|_| {
            c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")]))
                .unwrap()
                .receipt_no
        })
        .collect();
    assert_eq!(numbers, ["MZ01-000001", "MZ01-000002", "MZ01-000003"]);
}

#[test]
fn void_needs_a_supervisor_and_the_current_shift() {
    let mut c = counter();
    let r = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    assert_eq!(
        c.f.desk.void_receipt(&cashier, &cashier, &r.receipt_no, "收错").unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(
        c.f.desk.void_receipt(&cashier, &sup, &r.receipt_no, "").unwrap_err().code(),
        "text_empty"
    );
    let voided = c.f.desk.void_receipt(&cashier, &sup, &r.receipt_no, "收错项目").unwrap();
    assert_eq!(voided.voided.as_ref().unwrap().supervisor, "陈主管");
    assert_eq!(
        c.f.desk.void_receipt(&cashier, &sup, &r.receipt_no, "again").unwrap_err().code(),
        "receipt_already_voided"
    );
    // The number stays used: the next receipt is 000002.
    let next = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    assert_eq!(next.receipt_no, "MZ01-000002");
    // After the shift closes, its receipts can no longer be voided.
    c.f.desk
        .close_shift(&cashier, &downtime_core::report::close::CashCount::total(Fen::new(22000).unwrap()))
        .unwrap();
    c.f.desk.open_shift(&cashier, Fen::ZERO).unwrap();
    assert_eq!(
        c.f.desk.void_receipt(&cashier, &sup, &next.receipt_no, "晚了").unwrap_err().code(),
        "receipt_void_other_shift"
    );
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
}

/// #16: a back-entered receipt prints 补录 and its real time; a voided one when, why and who
/// approved. A paper nothing can be exchanged against any more (voided, or wholly refunded)
/// prints no exchange notice and no due date; one partly refunded still does.
#[test]
fn back_entered_voided_and_refunded_receipts_say_so_on_paper() {
    let mut c = counter();
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    c.f.advance(Duration::hours(1));
    let text = |c: &Counter, no: &str| crate::receipt_pdf::text_of(&c.f.desk.receipt_pdf(no, "a5", false).unwrap());
    const EXCHANGE: &str = "换取电脑发票";

    let during = c.f.desk.now() - Duration::minutes(40);
    let back = c
        .pay(&ChargeInput {
            back_entered_at: Some(during),
            ..charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])
        })
        .unwrap();
    assert!(back.back_entered);
    let printed = text(&c, &back.receipt_no);
    let real_time = format!("补录：实际发生时间 {}", downtime_core::time::local_display(during));
    assert!(printed.contains(&real_time), "{real_time} missing from:\n{printed}");
    assert!(printed.contains(EXCHANGE), "{printed}");

    let paid = c.pay(&charge("DT-MZ01-000001", vec![item("L1", "1")], vec![cash("20")])).unwrap();
    assert!(!text(&c, &paid.receipt_no).contains("补录"));
    c.f.advance(Duration::minutes(5));
    let voided = c.f.desk.void_receipt(&cashier, &sup, &paid.receipt_no, "收错项目").unwrap();
    let at = downtime_core::time::local_display(voided.voided.as_ref().unwrap().at);
    let printed = text(&c, &paid.receipt_no);
    let said = format!("已作废：{at}，原因：收错项目，审批主管：陈主管");
    assert!(printed.contains(&said), "{said} missing from:\n{printed}");
    assert!(!printed.contains(EXCHANGE) && !printed.contains("截止日期"), "{printed}");

    let two = c
        .pay(&charge("DT-MZ01-000001", vec![item("L1", "1"), item("T1", "1")], vec![cash("28")]))
        .unwrap();
    let refund = |lines: Vec<(i64, &str)>| RefundInput {
        id: Uuid::now_v7(),
        receipt_no: two.receipt_no.clone(),
        lines: lines.into_iter().map(|(n, q)| (n, Quantity::parse(q).unwrap())).collect(),
        reason: "未做".into(),
        tenders: vec![],
        drug_return_by: None,
        pay_back_reason: None,
    };
    c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![(1, "1")])).unwrap();
    let printed = text(&c, &two.receipt_no);
    assert!(printed.contains("剩余 ¥8.00") && printed.contains(EXCHANGE), "{printed}");
    c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![(2, "1")])).unwrap();
    let printed = text(&c, &two.receipt_no);
    assert!(printed.contains("剩余 ¥0.00"), "{printed}");
    assert!(!printed.contains(EXCHANGE) && !printed.contains("截止日期"), "{printed}");
}

#[test]
fn refunds_by_line_never_exceed_what_was_paid() {
    let mut c = counter();
    let r = c
        .pay(&charge(
            "DT-MZ01-000001",
            vec![item("Y2", "30"), item("E1", "1"), item("L1", "1")],
            vec![cash("170.38")],
        ))
        .unwrap();
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let refund = |lines: Vec<(i64, &str)>, drug: Option<&str>| RefundInput {
        id: Uuid::now_v7(),
        receipt_no: r.receipt_no.clone(),
        lines: lines.into_iter().map(|(n, q)| (n, Quantity::parse(q).unwrap())).collect(),
        reason: "患者要求".into(),
        tenders: vec![],
        pay_back_reason: None,
        drug_return_by: drug.map(String::from),
    };
    assert_eq!(
        c.f.desk
            .refund_receipt(&cashier, &cashier, &refund(vec![(2, "1")], None))
            .unwrap_err()
            .code(),
        "role_forbidden"
    );
    assert_eq!(
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(1, "10")], None))
            .unwrap_err()
            .code(),
        "refund_needs_drug_return"
    );
    assert_eq!(
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(9, "1")], None))
            .unwrap_err()
            .code(),
        "refund_line_unknown"
    );
    assert_eq!(
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(2, "2")], None))
            .unwrap_err()
            .code(),
        "refund_exceeds_paid"
    );
    // 10 of 30 tablets at 0.0125: 0.125 → 0.13; then the remaining 20 get exactly what is left.
    let first =
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(1, "10")], Some("王药师")))
            .unwrap();
    assert_eq!((first.receipt_no.as_str(), first.total.get()), ("MZ01-000002", 13));
    assert_eq!(first.refund_of.as_deref(), Some("MZ01-000001"));
    assert_eq!(first.drug_return_by.as_deref(), Some("王药师"));
    assert_eq!(
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(1, "21")], Some("王药师")))
            .unwrap_err()
            .code(),
        "refund_exceeds_paid"
    );
    let rest =
        c.f.desk
            .refund_receipt(&cashier, &sup, &refund(vec![(1, "20")], Some("王药师")))
            .unwrap();
    assert_eq!(rest.total.get(), 38 - 13);
    // The whole receipt: only what is left.
    let all = c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], None)).unwrap();
    assert_eq!(all.total.get(), 15000 + 2000);
    assert_eq!(
        c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![], None)).unwrap_err().code(),
        "refund_nothing_left"
    );
    let original = c.f.desk.receipt(&r.receipt_no).unwrap().unwrap();
    assert_eq!(original.refunded, original.total);
    // A refunded receipt cannot be voided.
    assert_eq!(
        c.f.desk.void_receipt(&cashier, &sup, &r.receipt_no, "x").unwrap_err().code(),
        "receipt_has_refunds"
    );
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
}

#[test]
fn insurance_resettlement_is_one_whole_refund() {
    let mut c = counter();
    let mut input = charge("DT-MZ01-000002", vec![item("E1", "1"), item("L1", "1")], vec![cash("170")]);
    input.payer = Payer::Insured;
    let r = c.pay(&input).unwrap();
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let back =
        c.f.desk
            .refund_receipt(
                &cashier,
                &sup,
                &RefundInput {
                    id: Uuid::now_v7(),
                    receipt_no: r.receipt_no.clone(),
                    lines: vec![],
                    reason: RESETTLEMENT_REASON.into(),
                    tenders: vec![],
                    pay_back_reason: None,
                    drug_return_by: None,
                },
            )
            .unwrap();
    assert_eq!(back.total, r.total);
    assert_eq!(back.reason, RESETTLEMENT_REASON);
}

#[test]
fn the_qr_code_verifies_offline_and_catches_alterations() {
    let mut c = counter();
    let r = c.pay(&charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")])).unwrap();
    let (checked, record) = c.f.desk.check_receipt_code(&r.qr_payload, None).unwrap();
    assert_eq!((checked.receipt_no.as_str(), checked.total.get()), ("MZ01-000001", 15000));
    assert!(record.is_some());
    let altered = r.qr_payload.replacen(".15000.", ".1500.", 1);
    assert_eq!(
        c.f.desk.check_receipt_code(&altered, None).unwrap_err().code(),
        "qr_signature_invalid"
    );
    assert_eq!(c.f.desk.check_receipt_code("hello", None).unwrap_err().code(), "qr_unreadable");
    let other_key = [7u8; 32];
    let other = ed25519_dalek::SigningKey::from_bytes(&other_key);
    let anchor = checked.anchor.clone().expect("version 3 carries its anchor");
    let forged = qr::payload(
        &other,
        &qr::Contents {
            kind: ReceiptKind::Charge,
            station: "MZ01",
            receipt_no: "MZ01-000001",
            total: Fen::new(9_999_900).unwrap(),
            issued: r.occurred_at,
            anchor: &anchor,
            patient: "DT-MZ01-000001",
            lines: &[],
        },
    );
    assert_eq!(
        c.f.desk.check_receipt_code(&forged, None).unwrap_err().code(),
        "qr_signature_invalid"
    );
}

#[test]
fn the_code_says_what_the_paper_is_and_the_station_what_became_of_it() {
    let mut c = counter();
    let r = c
        .pay(&charge("DT-MZ01-000001", vec![item("E1", "1"), item("L1", "1")], vec![cash("170")]))
        .unwrap();
    assert!(r.qr_payload.starts_with("DDR4.charge.MZ01.MZ01-000001.17000."), "{}", r.qr_payload);
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let refund = |lines: Vec<(i64, &str)>| RefundInput {
        id: Uuid::now_v7(),
        receipt_no: r.receipt_no.clone(),
        lines: lines.into_iter().map(|(n, q)| (n, Quantity::parse(q).unwrap())).collect(),
        reason: "未做检查".into(),
        tenders: vec![],
        pay_back_reason: None,
        drug_return_by: None,
    };
    let state = |desk: &downtime_core::Desk, payload: &str| {
        let (checked, record) = desk.check_receipt_code(payload, None).unwrap();
        (checked.kind, record.as_ref().map(qr::state))
    };
    assert_eq!(state(&c.f.desk, &r.qr_payload), (Some(ReceiptKind::Charge), Some("valid")));
    let back = c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![(2, "1")])).unwrap();
    assert_eq!(
        state(&c.f.desk, &r.qr_payload),
        (Some(ReceiptKind::Charge), Some("partly_refunded"))
    );
    assert_eq!(state(&c.f.desk, &back.qr_payload), (Some(ReceiptKind::Refund), Some("valid")));
    c.f.desk.refund_receipt(&cashier, &sup, &refund(vec![])).unwrap();
    assert_eq!(state(&c.f.desk, &r.qr_payload), (Some(ReceiptKind::Charge), Some("refunded")));
    // A refund voucher relabelled as a receipt fails the signature.
    let relabelled = back.qr_payload.replacen(".refund.", ".charge.", 1);
    assert_eq!(
        c.f.desk.check_receipt_code(&relabelled, None).unwrap_err().code(),
        "qr_signature_invalid"
    );
    // What `receipt check` says first.
    for (text, what) in [
        (qr::kind_verdict(Some(ReceiptKind::Refund)).0, "退费凭证"),
        (qr::kind_verdict(None).0, "旧版"),
    ] {
        assert!(text.starts_with(what), "{text}");
    }
}

#[test]
fn only_the_first_printing_is_the_original() {
    let mut c = counter();
    let r = c.pay(&charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")])).unwrap();
    let cashier = c.cashier.clone();
    let first = c.f.desk.issue_pdf(&cashier, &r.receipt_no, "a5", false).unwrap();
    assert_eq!((first.copy, first.before), (false, 0));
    assert_eq!(c.f.desk.journal_tail(1).unwrap()[0].kind, "receipt_printed");
    // Asked as an original again: a copy all the same, journalled as a reprint.
    let second = c.f.desk.issue_pdf(&cashier, &r.receipt_no, "roll80", false).unwrap();
    assert_eq!((second.copy, second.before), (true, 1));
    assert_eq!(c.f.desk.journal_tail(1).unwrap()[0].kind, "receipt_reprinted");
    // A layout that is not one prints nothing and records nothing.
    let before = c.f.entries();
    assert_eq!(
        c.f.desk.issue_pdf(&cashier, &r.receipt_no, "a4", false).unwrap_err().code(),
        "layout_invalid"
    );
    assert_eq!(c.f.entries(), before);
}

#[test]
fn prints_and_reprints_are_journalled() {
    let mut c = counter();
    let r = c.pay(&charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")])).unwrap();
    let cashier = c.cashier.clone();
    assert_eq!(c.f.desk.record_print(&cashier, &r.receipt_no, false, "a5").unwrap(), 0);
    assert_eq!(c.f.desk.record_print(&cashier, &r.receipt_no, true, "a5").unwrap(), 1);
    assert_eq!(c.f.desk.journal_tail(1).unwrap()[0].kind, "receipt_reprinted");
}

#[test]
fn the_simulator_runs_through_the_same_api() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let mut acked = Vec::new();
    let sum = downtime_core::simulate::run(&mut f.desk, &admin, 30, 7, &mut |r| {
        acked.push(r.receipt_no.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(sum.patients, 30);
    assert_eq!(acked.len(), sum.receipts + sum.refunds + sum.deposits + sum.deposit_refunds);
    assert!(sum.admissions > 0 && sum.deposits >= sum.admissions, "{sum:?}");
    for no in &acked {
        assert!(f.desk.receipt(no).unwrap().is_some());
    }
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn totals_are_sums_and_change_is_exact(qtys in proptest::collection::vec(1i64..50_000, 1..6), extra in 0i64..100_000) {
        let mut c = counter();
        let codes = ["Y1", "Y2", "C1", "L1", "M1", "T1"];
        // Herbs by dose; tests (项) and treatments (次) in whole units.
        let lines: Vec<LineInput> = qtys.iter().enumerate().map(|(i, q)| match codes[i] {
            "C1" => LineInput::Herbal { code: "C1".into(), per_dose: Quantity::from_milli(*q).unwrap(), doses: 1 + q % 7 },
            "L1" | "T1" => LineInput::Item { code: codes[i].into(), qty: Quantity::from_milli((q / 1000).max(1) * 1000).unwrap() },
            _ => LineInput::Item { code: codes[i].into(), qty: Quantity::from_milli(*q).unwrap() },
        }).collect();
        let total = downtime_core::simulate::price(&mut c.f.desk, &lines).unwrap();
        prop_assume!(total.get() > 0);
        let mut input = charge("DT-MZ01-000001", lines, vec![TenderInput { method: Method::Cash, amount: total, reference: String::new() }]);
        input.cash_tendered = Some(Fen::new(total.get() + extra).unwrap());
        let r = c.pay(&input).unwrap();
        prop_assert_eq!(r.total.get(), r.lines.iter().map(|l| l.amount.get()).sum::<i64>());
        prop_assert_eq!(r.change.get(), extra);
        prop_assert_eq!(r.subtotals().iter().map(|(_, f)| f.get()).sum::<i64>(), r.total.get());
        // Refund every line by random parts: never more than paid, in total exactly what was paid.
        let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
        let mut back = 0;
        for l in &r.lines {
            let half = (l.qty.milli() / 2).max(1);
            for q in [half, l.qty.milli() - half].into_iter().filter(|q| *q > 0) {
                let res = c.f.desk.refund_receipt(&cashier, &sup, &RefundInput {
                    id: Uuid::now_v7(), receipt_no: r.receipt_no.clone(), lines: vec![(l.line_no, Quantity::from_milli(q).unwrap())],
                    reason: "测试".into(), tenders: vec![], pay_back_reason: None,
        drug_return_by: Some("药师".into()),
                });
                if let Ok(x) = res { back += x.total.get(); }
            }
        }
        prop_assert!(back <= r.total.get());
        let left = c.f.desk.refund_receipt(&cashier, &sup, &RefundInput { id: Uuid::now_v7(), receipt_no: r.receipt_no.clone(), lines: vec![], reason: "测试".into(), tenders: vec![], pay_back_reason: None,
        drug_return_by: Some("药师".into()) });
        if let Ok(x) = left { back += x.total.get(); }
        prop_assert_eq!(back, r.total.get());
    }
}

#[test]
fn the_receipt_returned_is_the_receipt_stored() {
    let mut c = counter();
    let mut input = charge("DT-MZ01-000002", vec![item("Y1", "2"), item("E1", "1")], vec![cash("175")]);
    input.payer = Payer::Insured;
    input.cash_tendered = Some(Fen::parse_yuan("200").unwrap());
    input.paper_no = Some("P-1".into());
    let returned = c.pay(&input).unwrap();
    assert_eq!(c.f.desk.receipt(&returned.receipt_no).unwrap().unwrap(), returned);
}

#[test]
fn a_rare_name_prints_and_one_no_font_has_is_refused_when_the_patient_is_added() {
    let mut c = counter();
    let cashier = c.cashier.clone();
    let before = c.f.entries();
    let new = |name: &str| NewPatient {
        name: name.into(),
        sex: "M".into(),
        ..Default::default()
    };
    let e = c.f.desk.add_patient(&cashier, &new("𰀀田")).unwrap_err();
    assert_eq!(e.code(), "font_missing_glyph");
    assert!(e.to_string().contains("𰀀") && e.to_string().contains("U+30000"), "{e}");
    assert_eq!(c.f.entries(), before, "refused when added, not at the first charge");
    let rare = c.f.desk.add_patient(&cashier, &new("𠮷田")).unwrap();
    let r = c
        .pay(&charge(
            rare.downtime_no.as_deref().unwrap(),
            vec![item("L1", "1")],
            vec![cash("20")],
        ))
        .unwrap();
    let doc = c.f.desk.receipt_doc(&r, false).unwrap();
    let pdf = downtime_core::receipt_pdf::render(&doc, downtime_core::receipt_pdf::Layout::A5).unwrap();
    assert!(crate::receipt_pdf::text_of(&pdf).contains("交款人：𠮷田"));
    std::fs::write(std::env::temp_dir().join("rare-name-receipt-a5.pdf"), &pdf).unwrap();
}

#[test]
fn two_windows_refunding_the_same_receipt_at_once_pay_it_back_once() {
    // The app and the CLI (or two windows) on one station file: each refund's checks and its
    // write are one transaction, so the second sees the first and is refused.
    let mut c = counter();
    let receipts: Vec<Receipt> = (0..12)
        .map(|_| c.pay(&charge("DT-MZ01-000001", vec![item("E1", "1")], vec![cash("150")])).unwrap())
        .collect();
    let path = c.f.db_path();
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let windows: Vec<_> = (0..2)
        .map(|_| {
            let (path, cashier, sup, barrier) = (path.clone(), cashier.clone(), sup.clone(), barrier.clone());
            let numbers: Vec<String> = receipts.iter().map(|r| r.receipt_no.clone()).collect();
            std::thread::spawn(move || {
                let mut desk = downtime_core::Desk::open(&path).unwrap();
                numbers
                    .iter()
                    .map(|no| {
                        barrier.wait();
                        desk.refund_receipt(
                            &cashier,
                            &sup,
                            &RefundInput {
                                id: Uuid::now_v7(),
                                receipt_no: no.clone(),
                                lines: vec![],
                                reason: "患者要求".into(),
                                tenders: vec![],
                                pay_back_reason: None,
                                drug_return_by: None,
                            },
                        )
                        .map(|r| r.total)
                        .map_err(|e| e.code().to_string())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let outcomes: Vec<Vec<Result<Fen, String>>> = windows.into_iter().map(|w| w.join().unwrap()).collect();
    for (i, r) in receipts.iter().enumerate() {
        let paid_back: Vec<Fen> = outcomes.iter().filter_map(|o| o[i].clone().ok()).collect();
        assert_eq!(
            paid_back,
            vec![r.total],
            "receipt {}: {:?}",
            r.receipt_no,
            outcomes.iter().map(|o| &o[i]).collect::<Vec<_>>()
        );
        let refused: Vec<&String> = outcomes.iter().filter_map(|o| o[i].as_ref().err()).collect();
        assert_eq!(refused, vec!["refund_nothing_left"]);
        assert_eq!(c.f.desk.receipt(&r.receipt_no).unwrap().unwrap().refunded, r.total);
    }
    assert_eq!(c.f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_refund_is_previewed_line_by_line_before_it_is_confirmed() {
    let mut c = counter();
    let r = c
        .pay(&charge(
            "DT-MZ01-000001",
            vec![item("Y2", "30"), item("E1", "1"), item("L1", "1")],
            vec![cash("170.38")],
        ))
        .unwrap();
    let q = |t: &str| Quantity::parse(t).unwrap();
    let before = c.f.entries();
    // Nothing marked: every line with all of it left, nothing refunded.
    let p = c.f.desk.refund_preview(&r.receipt_no, &[], None).unwrap();
    let left: Vec<(i64, i64, Option<i64>, i64)> = p
        .lines
        .iter()
        .map(|l| {
            (
                l.left.line.line_no,
                l.left.amount_left.get(),
                l.qty.map(|q| q.milli()),
                l.amount.get(),
            )
        })
        .collect();
    assert_eq!(left, vec![(1, 38, None, 0), (2, 15000, None, 0), (3, 2000, None, 0)]);
    assert_eq!((p.total, p.pay_back.tenders.len()), (Fen::ZERO, 0));
    // 10 tablets and the blood test, back by card: the amounts the refund itself will take.
    let p =
        c.f.desk
            .refund_preview(&r.receipt_no, &[(1, q("10")), (3, q("1"))], Some(Method::Card))
            .unwrap();
    assert_eq!(p.lines[0].amount.get(), 13);
    assert_eq!(p.lines[2].amount.get(), 2000);
    assert_eq!(p.total.get(), 2013);
    // Paid in cash, so a card refund is another way: shown as such, needing a reason.
    let way: Vec<(Method, i64)> = p.pay_back.tenders.iter().map(|t| (t.method, t.amount.get())).collect();
    assert_eq!((way, p.pay_back.other_way.clone()), (vec![(Method::Card, 2013)], vec![0]));
    let p = c.f.desk.refund_preview(&r.receipt_no, &[(1, q("10")), (3, q("1"))], None).unwrap();
    let way: Vec<(Method, i64)> = p.pay_back.tenders.iter().map(|t| (t.method, t.amount.get())).collect();
    assert_eq!((way, p.pay_back.other_way.len()), (vec![(Method::Cash, 2013)], 0));
    // The preview refuses what the refund would refuse, and writes nothing.
    for (lines, code) in [
        (vec![(1, q("31"))], "refund_exceeds_paid"),
        (vec![(9, q("1"))], "refund_line_unknown"),
        (vec![(2, q("1")), (2, q("1"))], "refund_line_twice"),
    ] {
        assert_eq!(c.f.desk.refund_preview(&r.receipt_no, &lines, None).unwrap_err().code(), code);
    }
    assert_eq!(c.f.entries(), before);
    // After a refund, the preview shows what is left; the refund took what the preview said.
    let (cashier, sup) = (c.cashier.clone(), c.sup.clone());
    let done =
        c.f.desk
            .refund_receipt(
                &cashier,
                &sup,
                &RefundInput {
                    id: Uuid::now_v7(),
                    receipt_no: r.receipt_no.clone(),
                    lines: vec![(1, q("10")), (3, q("1"))],
                    reason: "患者要求".into(),
                    tenders: vec![],
                    pay_back_reason: None,
                    drug_return_by: Some("王药师".into()),
                },
            )
            .unwrap();
    assert_eq!(done.total.get(), 2013);
    let p = c.f.desk.refund_preview(&r.receipt_no, &[], None).unwrap();
    let left: Vec<(i64, i64)> = p.lines.iter().map(|l| (l.left.qty_left, l.left.amount_left.get())).collect();
    assert_eq!(left, vec![(20_000, 25), (1_000, 15000), (0, 0)]);
    assert_eq!(
        c.f.desk.refund_preview(&r.receipt_no, &[(3, q("1"))], None).unwrap_err().code(),
        "refund_line_done"
    );
    // A voided receipt or a refund receipt has no refund to preview.
    assert_eq!(
        c.f.desk.refund_preview(&done.receipt_no, &[], None).unwrap_err().code(),
        "receipt_not_refundable"
    );
}

#[test]
fn the_change_is_worked_out_as_the_cash_is_typed() {
    use downtime_core::charge::tender::{cash_change, CashChange};
    let f = |y: i64| Fen::new(y).unwrap();
    for (due, given, expected) in [
        (50592, 60000, CashChange::Change(f(9408))),
        (50592, 50592, CashChange::Change(f(0))),
        (50592, 50000, CashChange::Short(f(592))),
        (0, 100, CashChange::Change(f(100))),
    ] {
        assert_eq!(cash_change(f(due), f(given)), expected, "{due} {given}");
    }
}
