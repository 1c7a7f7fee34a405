//! Patients as a real hospital has them: insured by default, the HIS index's insurance
//! columns, corrections that leave issued documents as printed, merges, inpatient wards.

use crate::patients::{counter, reg};
use crate::registration::samples;
use crate::Fixture;
use downtime_core::admission::NewAdmission;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::{ChargeInput, LineInput, Payer};
use downtime_core::patient::{Insurance, NewPatient};
use downtime_core::receipt_pdf::{render, Layout};
use downtime_core::{Actor, Role};

fn insured(f: &mut Fixture, c: &Actor, name: &str) -> String {
    f.desk
        .add_patient(
            c,
            &NewPatient {
                name: name.into(),
                sex: "F".into(),
                insurance: Some("resident".into()),
                insurance_no: Some("R2026".into()),
                confirm_duplicate: true,
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap()
}

fn one_line(patient: &str) -> ChargeInput {
    let line = LineInput::Item {
        code: "111000001".into(),
        qty: Quantity::parse("1").unwrap(),
    };
    ChargeInput::new(patient, vec![line], vec![crate::charges::tender("cash:10")])
}

#[test]
fn an_insured_patient_is_charged_as_insured_unless_a_reason_says_otherwise() {
    let (mut f, c) = counter();
    let p = insured(&mut f, &c, "王医保");
    let r = f.desk.pay_charge(&c, &one_line(&p)).unwrap();
    assert!(r.insured && r.resettle_due.is_some(), "insured by default");
    let e = f
        .desk
        .pay_charge(
            &c,
            &ChargeInput {
                payer: Payer::SelfPay("  ".into()),
                ..one_line(&p)
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "self_pay_reason_missing");
    let r = f
        .desk
        .pay_charge(
            &c,
            &ChargeInput {
                payer: Payer::SelfPay("未带医保卡".into()),
                ..one_line(&p)
            },
        )
        .unwrap();
    assert!(!r.insured && r.resettle_due.is_none());
    assert_eq!(r.reason, "按自费收费：未带医保卡");
    assert_eq!(f.desk.receipt(&r.receipt_no).unwrap().unwrap().reason, r.reason);
    // The registration fee too.
    let visit = f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap();
    assert!(f.desk.receipt(visit.fee_receipt.as_deref().unwrap()).unwrap().unwrap().insured);
    // A self-pay patient is self-pay, whatever is asked short of insured.
    let plain = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "自费者".into(),
                sex: "M".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap();
    assert!(!f.desk.pay_charge(&c, &one_line(&plain)).unwrap().insured);
    assert_eq!(
        f.desk
            .pay_charge(
                &c,
                &ChargeInput {
                    payer: Payer::Insured,
                    ..one_line(&plain)
                }
            )
            .unwrap_err()
            .code(),
        "patient_not_insured"
    );
}

#[test]
fn the_his_index_keeps_insurance_type_and_number() {
    let (mut f, c) = counter();
    let admin = f.admin.clone();
    // The sample's first ID number has a wrong check digit: that row is explained, the others go.
    let index = samples("his-patient-index.csv");
    let dry = f
        .desk
        .import_patient_snapshot(&admin, &index, "his-patient-index.csv", false, true)
        .unwrap();
    assert_eq!((dry.good, dry.problems.len()), (2, 1));
    assert!(dry.problems[0].reason.contains("校验位错误"), "{:?}", dry.problems);
    let r = f
        .desk
        .import_patient_snapshot(&admin, &index, "his-patient-index.csv", true, false)
        .unwrap();
    assert_eq!(r.snapshot.unwrap().patients, 2);
    assert_eq!(f.desk.his_patient("P20210015").unwrap().unwrap().insurance, Insurance::SelfPay);
    // Registering the HIS patient links them with their insurance; they pay as insured.
    let linked = f.desk.resolve_patient(&c, "P20190002").unwrap();
    assert_eq!(
        (linked.insurance, linked.insurance_no.as_str()),
        (Insurance::Resident, "YB1101000002")
    );
    assert!(f.desk.pay_charge(&c, &one_line("P20190002")).unwrap().insured);
    // A row naming an insurance type the desk does not know, or one without a card, is a problem.
    let bad = "病人ID,姓名,医保类型,医保卡号\r\nA1,甲,火星医保,X1\r\nA2,乙,城镇职工,\r\nA3,丙,,\r\n";
    let r = f
        .desk
        .import_patient_snapshot(&admin, bad.as_bytes(), "bad.csv", false, true)
        .unwrap();
    assert_eq!((r.good, r.problems.len()), (1, 2));
    assert!(r.problems[0].reason.contains("火星医保"), "{:?}", r.problems);
    assert!(r.problems[1].reason.contains("缺少医保卡号"), "{:?}", r.problems);
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_correction_is_a_record_and_documents_issued_before_keep_what_they_printed() {
    let (mut f, c) = counter();
    let p = insured(&mut f, &c, "张三丰");
    let before = f.desk.pay_charge(&c, &one_line(&p)).unwrap();
    let visit = f.desk.register(&c, &reg(&p, "NK", "ordinary", "11")).unwrap();
    f.advance(chrono::Duration::minutes(5));
    let now = f.desk.resolve_patient(&c, &p).unwrap();
    let details = |name: &str| NewPatient {
        name: name.into(),
        sex: "F".into(),
        phone: Some("13800001234".into()),
        insurance: Some("employee".into()),
        insurance_no: Some("E777".into()),
        ..Default::default()
    };
    assert_eq!(
        f.desk.correct_patient(&c, &p, &details("张三风"), " ").unwrap_err().code(),
        "text_empty"
    );
    assert_eq!(
        f.desk.correct_patient(&c, &p, &details("𰀀风"), "笔误").unwrap_err().code(),
        "font_missing_glyph"
    );
    let entries = f.entries();
    let corrected = f.desk.correct_patient(&c, &p, &details("张三风"), "姓名笔误").unwrap();
    assert_eq!(f.entries(), entries + 1);
    assert_eq!(f.desk.journal_tail(1).unwrap()[0].kind, "patient_corrected");
    assert_eq!(
        (corrected.id, corrected.name.as_str(), corrected.insurance_no.as_str()),
        (now.id, "张三风", "E777")
    );
    assert_eq!(corrected.downtime_no, now.downtime_no, "the same patient, the same number");
    assert_eq!(f.desk.find_patients("张三风", 5).unwrap()[0].id, now.id);
    assert_eq!(
        f.desk.correct_patient(&c, &p, &details("张三风"), "再改").unwrap_err().code(),
        "patient_correction_unchanged"
    );
    // What was issued before says what it said; what is issued now says the new name.
    let old = f.desk.receipt(&before.receipt_no).unwrap().unwrap();
    assert_eq!((old.patient.name.as_str(), old.insurance_no.as_str()), ("张三丰", "R2026"));
    let pdf = render(&f.desk.receipt_doc(&old, true).unwrap(), Layout::A5).unwrap();
    assert!(crate::receipt_pdf::text_of(&pdf).contains("交款人：张三丰"));
    assert_eq!(f.desk.registration(visit.id).unwrap().unwrap().patient_name, "张三丰");
    let after = f.desk.pay_charge(&c, &one_line(&p)).unwrap();
    assert_eq!((after.patient.name.as_str(), after.insurance_no.as_str()), ("张三风", "E777"));
    // An ID number already someone else's is refused.
    let id = "11010519491231002X";
    f.desk
        .add_patient(
            &c,
            &NewPatient {
                name: "别人".into(),
                sex: "F".into(),
                id_number: Some(id.into()),
                ..Default::default()
            },
        )
        .unwrap();
    let e = f
        .desk
        .correct_patient(
            &c,
            &p,
            &NewPatient {
                id_number: Some(id.into()),
                ..details("张三风")
            },
            "补身份证",
        )
        .unwrap_err();
    assert_eq!(e.code(), "patient_duplicate_id");
    assert!(e.to_string().contains("合并"), "{e}");
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn two_downtime_records_of_one_person_are_merged_with_a_supervisor() {
    let (mut f, c) = counter();
    let sup = f.operator("陈主管", Role::Supervisor);
    let keep = insured(&mut f, &c, "李四");
    let twin = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "李四".into(),
                sex: "F".into(),
                phone: Some("13900009999".into()),
                confirm_duplicate: true,
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap();
    let r = f.desk.pay_charge(&c, &one_line(&twin)).unwrap();
    assert_eq!(
        f.desk.merge_patients(&c, &c, &twin, &keep, "同一人").unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(
        f.desk.merge_patients(&sup, &sup, &twin, &keep, "同一人").unwrap_err().code(),
        "approver_is_actor"
    );
    assert_eq!(
        f.desk.merge_patients(&c, &sup, &twin, &twin, "同一人").unwrap_err().code(),
        "patient_merge_same"
    );
    let merged = f.desk.merge_patients(&c, &sup, &twin, &keep, "重复建档，同一人").unwrap();
    assert_eq!(merged.downtime_no.as_deref(), Some(keep.as_str()));
    assert_eq!(f.desk.journal_tail(1).unwrap()[0].kind, "patients_merged");
    // Both numbers find the merged patient; the search lists them once.
    assert_eq!(f.desk.resolve_patient(&c, &twin).unwrap().id, merged.id);
    assert_eq!(f.desk.find_patients(&twin, 5).unwrap()[0].id, merged.id);
    assert_eq!(f.desk.find_patients("13900009999", 5).unwrap()[0].id, merged.id);
    assert_eq!(f.desk.find_patients("李四", 5).unwrap().len(), 1);
    // New records by the old number land on the merged patient; old ones stay as they were.
    assert_eq!(f.desk.pay_charge(&c, &one_line(&twin)).unwrap().patient.id, merged.id);
    assert_ne!(f.desk.receipt(&r.receipt_no).unwrap().unwrap().patient.id, merged.id);
    assert_eq!(
        f.desk.merge_patients(&c, &sup, &twin, &keep, "再合并").unwrap_err().code(),
        "patient_merge_same"
    );
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn admission_accepts_inpatient_wards_only() {
    let (mut f, _) = counter();
    let clerk = f.operator("住院处小王", Role::Admissions);
    f.desk.open_shift(&clerk, downtime_core::Fen::ZERO).unwrap();
    let p = insured(&mut f, &clerk, "赵住院");
    let new = |dept: &str| NewAdmission {
        patient: p.clone(),
        dept: dept.into(),
        ward: None,
        bed: None,
        doctor: None,
        diagnosis: None,
        insurance: None,
        insurance_no: None,
        confirm_second: false,
        back_entered_at: None,
    };
    let e = f.desk.admit(&clerk, &new("NK")).unwrap_err();
    assert_eq!(e.code(), "dept_not_inpatient");
    assert!(e.to_string().contains("内科 不是住院病区"), "{e}");
    assert_eq!(f.desk.admit(&clerk, &new("JZ")).unwrap_err().code(), "dept_not_inpatient");
    f.desk.admit(&clerk, &new("ZYNK")).unwrap();
}

/// An age given without a birth date counts from when it was recorded: a correction made a
/// year later records the age anew, and the years are counted from the correction.
#[test]
fn a_corrected_age_counts_from_the_correction() {
    let (mut f, c) = counter();
    let p = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "无名氏".into(),
                sex: "M".into(),
                age: Some(30),
                insurance: Some("self_pay".into()),
                confirm_duplicate: true,
                ..Default::default()
            },
        )
        .unwrap()
        .downtime_no
        .unwrap();
    let next_year = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 1, 2, 0, 0).unwrap();
    *f.now.lock().unwrap() = next_year;
    let today = next_year.with_timezone(&chrono::Local).date_naive();
    let found = |f: &mut Fixture| f.desk.find_patients(&p, 1).unwrap().remove(0);
    assert_eq!(found(&mut f).age_on(today), Some(31), "a year on, the recorded age has grown");
    f.desk
        .correct_patient(
            &c,
            &p,
            &NewPatient {
                name: "无名氏".into(),
                sex: "M".into(),
                age: Some(40),
                insurance: Some("self_pay".into()),
                ..Default::default()
            },
            "家属到场，年龄更正",
        )
        .unwrap();
    assert_eq!(
        found(&mut f).age_on(today),
        Some(40),
        "the corrected age is as typed on the day it was corrected"
    );
}
