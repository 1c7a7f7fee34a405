//! The price list in parts (drugs and services changed on different days), confirming a
//! shrink, putting an earlier version back in force, and the insurance class of each item.

use crate::registration::samples;
use crate::Fixture;
use downtime_core::catalog::price::Quantity;
use downtime_core::catalog::read::insurance_class;
use downtime_core::catalog::ImportOptions;
use downtime_core::charge::{ChargeInput, LineInput};
use downtime_core::patient::NewPatient;
use downtime_core::{Fen, Role};

fn part(name: &str) -> ImportOptions {
    ImportOptions {
        part: Some(name.into()),
        ..Default::default()
    }
}

fn import(f: &mut Fixture, bytes: &[u8], file: &str, opts: &ImportOptions) -> downtime_core::Result<downtime_core::catalog::ImportReport> {
    let admin = f.admin.clone();
    f.desk.catalog_import(&admin, bytes, file, opts, false, &mut |_, _| {})
}

/// A station with the HIS drug part (GBK, CRLF) and service part (UTF-8 with BOM) in force.
fn two_parts() -> Fixture {
    let mut f = Fixture::new();
    let drugs = import(&mut f, &samples("his-drugs-2026-12.csv"), "his-drugs-2026-12.csv", &part("药品")).unwrap();
    assert_eq!((drugs.encoding, drugs.good, drugs.problems.len()), ("gb18030", 12, 0));
    let services = import(
        &mut f,
        &samples("his-services-2026-12.csv"),
        "his-services-2026-12.csv",
        &part("医疗服务项目"),
    )
    .unwrap();
    assert_eq!((services.encoding, services.good, services.problems.len()), ("utf-8", 12, 0));
    assert!(services.change.replaces.is_empty(), "the drugs stay in force");
    f
}

#[test]
fn drugs_and_services_are_in_force_side_by_side() {
    let mut f = two_parts();
    let status = f.desk.catalog_status().unwrap();
    let parts: Vec<(&str, &str, i64)> = status.parts.iter().map(|v| (v.part.as_str(), v.month.as_str(), v.items)).collect();
    assert_eq!(parts, [("医疗服务项目", "2026-12", 12), ("药品", "2026-12", 12)]);
    assert_eq!(status.active.unwrap().part, "医疗服务项目", "the one activated last");
    // Search and pricing find items of both parts; the HIS's own 拼音码 is used.
    assert_eq!(f.desk.catalog_search("ASPLCRP", 5).unwrap()[0].code, "YP000101");
    assert_eq!(f.desk.catalog_search("血细胞", 5).unwrap()[0].code, "250101015");
    let aspirin = f.desk.active_catalog_item("YP000101").unwrap().unwrap();
    assert_eq!(
        (aspirin.insurance_class.as_str(), aspirin.spec.as_str(), aspirin.unit.as_str()),
        ("甲", "100mg*30片", "盒")
    );
    let ecg = f.desk.active_catalog_item("220600001").unwrap().unwrap();
    assert_eq!((ecg.insurance_class.as_str(), ecg.price.yuan_text()), ("乙", "180.00".to_string()));
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_new_month_of_one_part_replaces_that_part_only() {
    let mut f = two_parts();
    let drugs = String::from_utf8(
        encoding_rs::GB18030
            .decode(&samples("his-drugs-2026-12.csv"))
            .0
            .into_owned()
            .into_bytes(),
    )
    .unwrap();
    let january = drugs.replace("15.8000", "16.2000");
    let r = import(&mut f, january.as_bytes(), "his-drugs-2027-01.csv", &part("药品")).unwrap();
    let replaced: Vec<(&str, &str)> = r.change.replaces.iter().map(|v| (v.part.as_str(), v.month.as_str())).collect();
    assert_eq!(replaced, [("药品", "2026-12")]);
    let status = f.desk.catalog_status().unwrap();
    let months: Vec<(&str, &str)> = status.parts.iter().map(|v| (v.part.as_str(), v.month.as_str())).collect();
    assert_eq!(months, [("医疗服务项目", "2026-12"), ("药品", "2027-01")]);
    assert_eq!(f.desk.active_catalog_item("YP000101").unwrap().unwrap().price.yuan_text(), "16.20");
    assert_eq!(f.desk.active_catalog_item("110200001").unwrap().unwrap().name, "挂号费");
}

#[test]
fn a_code_in_two_parts_is_refused_naming_both() {
    let mut f = two_parts();
    let before = f.entries();
    let csv = "编码,名称,单位,单价,费用类别\r\nCL000401,一次性使用输液器,套,3.20,卫生材料费\r\n110200001,挂号费,次,1.00,挂号费\r\n";
    let preview = f.desk.catalog_preview(csv.as_bytes(), "材料.csv", &part("材料")).unwrap();
    let conflicts: Vec<(&str, &str)> = preview.change.conflicts.iter().map(|(c, p)| (c.as_str(), p.as_str())).collect();
    assert_eq!(conflicts, [("110200001", "医疗服务项目"), ("CL000401", "药品")]);
    let e = import(&mut f, csv.as_bytes(), "材料.csv", &part("材料")).unwrap_err();
    assert_eq!(e.code(), "catalog_code_in_two_parts");
    let text = e.to_string();
    assert!(
        text.contains("110200001") && text.contains("“材料”") && text.contains("“医疗服务项目”"),
        "{text}"
    );
    assert_eq!(f.entries(), before, "nothing was written");
}

#[test]
fn a_list_less_than_half_the_size_needs_a_confirmation() {
    let mut f = Fixture::new();
    let big = downtime_core::catalog::synth::price_list_csv(3000, 2026);
    import(&mut f, big.as_bytes(), "价目表2026-11.csv", &ImportOptions::default()).unwrap();
    let small = samples("his-services-2026-12.csv");
    let preview = f
        .desk
        .catalog_preview(&small, "his-services-2026-12.csv", &ImportOptions::default())
        .unwrap();
    assert!(preview.change.shrinks);
    assert_eq!(preview.change.replaced_items, 3000);
    let before = f.entries();
    let e = import(&mut f, &small, "his-services-2026-12.csv", &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code(), "catalog_shrink_unconfirmed");
    assert!(e.to_string().contains("只有 12 项") && e.to_string().contains("3000 项"), "{e}");
    assert_eq!(f.entries(), before);
    let confirmed = ImportOptions {
        confirm_shrink: true,
        ..Default::default()
    };
    import(&mut f, &small, "his-services-2026-12.csv", &confirmed).unwrap();
    assert_eq!(f.desk.catalog_status().unwrap().parts.len(), 1);
    assert!(f.desk.journal_tail(1).unwrap()[0].payload.contains("\"shrink_from\":3000"));
}

#[test]
fn an_earlier_version_is_put_back_in_force_journalled() {
    let mut f = Fixture::new();
    let big = downtime_core::catalog::synth::price_list_csv(3000, 2026);
    let real = import(&mut f, big.as_bytes(), "价目表2026-11.csv", &ImportOptions::default()).unwrap();
    let real_id = real.version.unwrap().id;
    let confirmed = ImportOptions {
        confirm_shrink: true,
        ..Default::default()
    };
    import(&mut f, &samples("his-services-2026-12.csv"), "13项.csv", &confirmed).unwrap();
    // The real file again: imported before, not in force — it says so, and writes nothing.
    let again = import(&mut f, big.as_bytes(), "价目表2026-11.csv", &ImportOptions::default()).unwrap();
    assert!(again.already_imported && !again.in_force);
    let cashier = f.operator("李收费", Role::Cashier);
    let id = real_id.to_string();
    assert_eq!(f.desk.catalog_activate(&cashier, &id, false).unwrap_err().code(), "role_forbidden");
    assert_eq!(
        f.desk.catalog_activate(&f.admin.clone(), "nope", false).unwrap_err().code(),
        "catalog_version_unknown"
    );
    let admin = f.admin.clone();
    let change = f.desk.catalog_activate(&admin, &id[id.len() - 12..], false).unwrap().change;
    assert_eq!(change.replaces.len(), 1);
    assert_eq!(f.desk.active_catalog().unwrap().unwrap().id, real_id);
    assert_eq!(f.desk.catalog_status().unwrap().parts.len(), 1);
    assert_eq!(f.desk.journal_tail(1).unwrap()[0].kind, "catalog_activated");
    assert_eq!(
        f.desk.catalog_activate(&admin, &id, false).unwrap_err().code(),
        "catalog_already_active"
    );
    assert!(f.desk.active_catalog_item("F00000001").unwrap().is_some());
    assert!(f.desk.active_catalog_item("110200001").unwrap().is_none());
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn insurance_classes_are_read_in_the_ways_lists_write_them() {
    for (text, kept) in [
        ("甲", Some("甲")),
        ("乙类", Some("乙")),
        (" B ", Some("乙")),
        ("丙", Some("丙")),
        ("自费", Some("丙")),
        ("", Some("")),
        ("10%", Some("自付10%")),
        ("0.1", Some("自付10%")),
        ("自付12.5%", Some("自付12.5%")),
        ("自付比例5%", Some("自付5%")),
        ("丁", None),
        ("150%", None),
        ("10", None),
    ] {
        assert_eq!(insurance_class(text).as_deref(), kept, "{text:?}");
    }
    let f = Fixture::new();
    let csv = "编码,名称,单位,单价,费用类别,医保类别\r\nA1,甲药,盒,1,西药费,甲\r\nA2,怪药,盒,1,西药费,丁类\r\n";
    let r = f.desk.catalog_preview(csv.as_bytes(), "x.csv", &ImportOptions::default()).unwrap();
    assert_eq!(r.problems.len(), 1);
    assert!(r.problems[0].reason.contains("医保类别“丁类”无法识别"), "{}", r.problems[0].reason);
}

#[test]
fn a_receipt_prints_each_lines_insurance_class() {
    let mut f = two_parts();
    f.desk.start_outage(&f.admin.clone(), "HIS 宕机", None, "").unwrap();
    let c = f.operator("李收费", Role::Cashier);
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
    let lines = vec![
        LineInput::Item {
            code: "YP000102".into(),
            qty: Quantity::parse("1").unwrap(),
        },
        LineInput::Item {
            code: "250101015".into(),
            qty: Quantity::parse("1").unwrap(),
        },
    ];
    let r = f
        .desk
        .pay_charge(&c, &ChargeInput::new(p, lines, vec![crate::charges::tender("cash:53.50")]))
        .unwrap();
    assert_eq!(r.lines[0].insurance_class, "乙");
    let again = f.desk.receipt(&r.receipt_no).unwrap().unwrap();
    assert_eq!(again.lines, r.lines, "kept as printed");
    let doc = f.desk.receipt_doc(&again, false).unwrap();
    let pdf = downtime_core::receipt_pdf::render(&doc, downtime_core::receipt_pdf::Layout::A5).unwrap();
    let text = crate::receipt_pdf::layout_text_of(&pdf);
    assert!(text.contains("医保"), "{text}");
    let row = text.lines().find(|l| l.contains("硝苯地平控释片")).unwrap();
    assert!(row.contains(" 乙 "), "{row}");
    let row = text.lines().find(|l| l.contains("血细胞分析")).unwrap();
    assert!(row.contains(" 甲 "), "{row}");
    let roll = downtime_core::receipt_pdf::render(&doc, downtime_core::receipt_pdf::Layout::Roll80).unwrap();
    let text = crate::receipt_pdf::layout_text_of(&roll);
    assert!(text.contains("医保乙") && text.contains("医保甲"), "{text}");
    std::fs::write(std::env::temp_dir().join("issue10-insurance-class-a5.pdf"), &pdf).unwrap();
}
