//! Quantities the way the counter writes them: whole numbers of visits and tests, herbal
//! prescriptions as a quantity per dose × the number of doses (付数), printed so.

use crate::Fixture;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::{ChargeInput, LineInput};
use downtime_core::patient::NewPatient;
use downtime_core::receipt_pdf::{render, Layout};
use downtime_core::{Actor, Fen, Role};
use uuid::Uuid;

/// A counter with a list whose last column marks 按整数 (whole) items, a cashier and a supervisor.
fn counter() -> (Fixture, Actor, Actor, String) {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let csv = "编码,名称,规格,单位,单价,费用类别,医保类别,整数计量\r\n\
               ZY1,金银花,饮片,克,0.35,中药饮片,乙,\r\n\
               ZY2,甘草,饮片,克,0.09,中药饮片,乙,\r\n\
               L1,血细胞分析,,项,20,化验费,甲,\r\n\
               T1,静脉输液,,次,8,治疗费,甲,\r\n\
               S1,清创缝合(小),,例,60,手术费,甲,\r\n\
               G1,院内会诊,,人次,50,诊察费,甲,\r\n\
               M1,医用纱布块,8cm×10cm,块,0.5,卫生材料费,丙,是\r\n\
               Y1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费,甲,\r\n";
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
    let c = f.operator("李收费", Role::Cashier);
    let sup = f.operator("陈主管", Role::Supervisor);
    f.desk.open_shift(&c, Fen::ZERO).unwrap();
    let p = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "张三".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap();
    (f, c, sup, p)
}

fn item(code: &str, qty: &str) -> LineInput {
    LineInput::Item {
        code: code.into(),
        qty: Quantity::parse(qty).unwrap(),
    }
}

fn herbal(code: &str, per_dose: &str, doses: i64) -> LineInput {
    LineInput::Herbal {
        code: code.into(),
        per_dose: Quantity::parse(per_dose).unwrap(),
        doses,
    }
}

#[test]
fn visits_and_tests_take_whole_quantities_only() {
    let (mut f, c, _, _) = counter();
    for (code, qty, says) in [
        ("T1", "62.5", "静脉输液按“次”计，数量须为整数，不能是 62.5"),
        ("L1", "1.5", "按“项”计"),
        ("S1", "0.5", "按“例”计"),
        ("G1", "2.25", "按“人次”计"),
        ("M1", "1.5", "按“块”计"),
    ] {
        let e = f.desk.price_lines(&[item(code, qty)], None).unwrap_err();
        assert_eq!(e.code(), "quantity_not_whole", "{code}");
        assert!(e.to_string().contains(says), "{e}");
    }
    let (lines, total) = f
        .desk
        .price_lines(&[item("T1", "3"), item("M1", "4"), item("Y1", "0.5")], None)
        .unwrap();
    assert_eq!((lines.len(), total.get()), (3, 2400 + 200 + 625));
    assert!(f.desk.active_catalog_item("M1").unwrap().unwrap().whole, "marked by the price list");
    assert!(!f.desk.active_catalog_item("Y1").unwrap().unwrap().whole_units());
    // A line outside the price list in a whole unit is held to the same rule.
    let sup = f.operator("王主管", Role::Supervisor);
    let free = LineInput::FreeText {
        name: "特殊检查".into(),
        unit: "次".into(),
        unit_price: downtime_core::catalog::price::UnitPrice::parse("30").unwrap(),
        qty: Quantity::parse("1.5").unwrap(),
        category: downtime_core::catalog::category::FeeCategory::Examination,
        reason: "新项目".into(),
    };
    assert_eq!(f.desk.price_lines(&[free], Some(&sup)).unwrap_err().code(), "quantity_not_whole");
    let _ = c;
}

#[test]
fn herbs_are_charged_per_dose_times_doses_and_printed_so() {
    let (mut f, c, _, p) = counter();
    assert_eq!(
        f.desk.price_lines(&[item("ZY1", "70")], None).unwrap_err().code(),
        "herbal_needs_doses"
    );
    assert_eq!(
        f.desk.price_lines(&[herbal("Y1", "1", 3)], None).unwrap_err().code(),
        "doses_not_herbal"
    );
    assert_eq!(
        f.desk.price_lines(&[herbal("ZY1", "10", 0)], None).unwrap_err().code(),
        "doses_invalid"
    );
    assert_eq!(
        f.desk.price_lines(&[herbal("ZY1", "10", 100)], None).unwrap_err().code(),
        "doses_invalid"
    );
    // 10 g × 7 doses of 金银花 at 0.35 = 24.50; 3.3 g × 7 of 甘草 at 0.09 = 23.1 g → 2.079 → 2.08.
    let lines = vec![herbal("ZY1", "10", 7), herbal("ZY2", "3.3", 7)];
    let (priced, total) = f.desk.price_lines(&lines, None).unwrap();
    assert_eq!(
        (priced[0].qty.text(), priced[0].doses, priced[0].per_dose().text()),
        ("70".to_string(), Some(7), "10".to_string())
    );
    assert_eq!((priced[1].amount.get(), total.get()), (208, 2658));
    let r = f
        .desk
        .pay_charge(&c, &ChargeInput::new(&p, lines, vec![crate::charges::tender("cash:26.58")]))
        .unwrap();
    let stored = f.desk.receipt(&r.receipt_no).unwrap().unwrap();
    assert_eq!(stored.lines, r.lines);
    assert_eq!(stored.lines[0].doses, Some(7));
    let doc = f.desk.receipt_doc(&stored, false).unwrap();
    let a5 = crate::receipt_pdf::layout_text_of(&render(&doc, Layout::A5).unwrap());
    let row = a5.lines().find(|l| l.contains("金银花")).unwrap();
    assert!(row.contains("10×7付") && row.contains(" 克 ") && row.contains("24.50"), "{row}");
    let roll = crate::receipt_pdf::layout_text_of(&render(&doc, Layout::Roll80).unwrap());
    assert!(roll.contains("10克×7付 × 0.35"), "{roll}");
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn herbs_go_back_by_whole_doses() {
    let (mut f, c, sup, p) = counter();
    let r = f
        .desk
        .pay_charge(
            &c,
            &ChargeInput::new(
                &p,
                vec![herbal("ZY1", "10", 7), item("T1", "2")],
                vec![crate::charges::tender("cash:40.50")],
            ),
        )
        .unwrap();
    let refund = |f: &mut Fixture, line: i64, qty: &str| {
        f.desk.refund_receipt(
            &c,
            &sup,
            &RefundInput {
                id: Uuid::now_v7(),
                receipt_no: r.receipt_no.clone(),
                lines: vec![(line, Quantity::parse(qty).unwrap())],
                reason: "未取药".into(),
                tenders: vec![],
                pay_back_reason: None,
                drug_return_by: Some("药师王".into()),
            },
        )
    };
    let e = refund(&mut f, 1, "25").unwrap_err();
    assert_eq!(e.code(), "refund_not_whole_doses");
    assert!(e.to_string().contains("每付用量 10 的整数倍"), "{e}");
    assert_eq!(refund(&mut f, 2, "0.5").unwrap_err().code(), "quantity_not_whole");
    let back = refund(&mut f, 1, "30").unwrap();
    assert_eq!(
        (back.lines[0].doses, back.lines[0].per_dose().text(), back.total.get()),
        (Some(3), "10".to_string(), 1050)
    );
}
