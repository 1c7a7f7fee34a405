use crate::Fixture;
use chrono::Duration;
use downtime_core::patient::resident_id::check_char;
use downtime_core::patient::{synth, NewPatient, Sex, Source};
use downtime_core::registration::NewRegistration;
use downtime_core::{Actor, Fen, Role};

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_char(first17))
}

fn patient(name: &str) -> NewPatient {
    NewPatient {
        name: name.into(),
        sex: "M".into(),
        ..Default::default()
    }
}

/// A registration of `patient` in `dept` with type `key`, its fee paid in cash (`yuan`).
pub fn reg(patient: &str, dept: &str, key: &str, yuan: &str) -> NewRegistration {
    let pay = if yuan == "0" {
        vec![]
    } else {
        vec![crate::charges::tender(&format!("cash:{yuan}"))]
    };
    NewRegistration::new(patient, dept, key, pay)
}

/// A station in an outage with the sample catalog and departments, and a cashier on shift.
pub fn counter() -> (Fixture, Actor) {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    f.desk.import_sample_catalog(&admin, &mut |_, _| {}).unwrap();
    let depts = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../assets/departments.csv")).unwrap();
    f.desk.import_departments(&admin, &depts, "departments.csv").unwrap();
    f.desk.start_outage(&admin, "HIS 宕机", None, "").unwrap();
    let cashier = f.operator("李收费", Role::Cashier);
    f.desk.open_shift(&cashier, Fen::new(10000).unwrap()).unwrap();
    (f, cashier)
}

#[test]
fn downtime_numbers_carry_the_station_and_run_without_gaps() {
    let (mut f, c) = counter();
    let numbers: Vec<String> = ["甲", "乙", "丙"]
        .iter()
        .map(|n| f.desk.add_patient(&c, &patient(n)).unwrap().downtime_no.unwrap())
        .collect();
    assert_eq!(numbers, ["DT-MZ01-000001", "DT-MZ01-000002", "DT-MZ01-000003"]);
}

#[test]
fn the_id_number_fills_in_birth_and_sex_or_is_cross_checked() {
    let (mut f, c) = counter();
    let id = id_number("44030419900101231");
    let p = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "王五".into(),
                sex: "U".into(),
                id_number: Some(id.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((p.birth.unwrap().to_string().as_str(), p.sex), ("1990-01-01", Sex::Male));
    let other = id_number("44030419900101232");
    let typed_wrong = NewPatient {
        name: "赵六".into(),
        sex: "M".into(),
        birth: Some("1990-01-02".into()),
        id_number: Some(other),
        ..Default::default()
    };
    let before = f.entries();
    let e = f.desk.add_patient(&c, &typed_wrong).unwrap_err();
    assert_eq!(e.code(), "id_mismatch");
    assert!(e.to_string().contains("1990-01-01"));
    assert_eq!(f.entries(), before);
    let confirmed = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                confirm_id_mismatch: true,
                ..typed_wrong
            },
        )
        .unwrap();
    assert_eq!(confirmed.birth.unwrap().to_string(), "1990-01-02");
    assert!(f.desk.journal_tail(1).unwrap()[0].payload.contains("id_mismatch_confirmed"));
}

#[test]
fn old_fifteen_digit_numbers_are_accepted_and_flagged() {
    let (mut f, c) = counter();
    let p = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "老证".into(),
                sex: "F".into(),
                id_number: Some("110105491231002".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(p.id_old_style);
}

#[test]
fn bad_input_gets_a_clear_message_and_writes_nothing() {
    let (mut f, c) = counter();
    let before = f.entries();
    let future = (f.desk.now() + Duration::days(3)).format("%Y-%m-%d").to_string();
    for (new, code) in [
        (
            NewPatient {
                id_number: Some("110105194912310021".into()),
                ..patient("甲")
            },
            "id_number_checksum",
        ),
        (
            NewPatient {
                id_number: Some(id_number("11010519490231002")),
                ..patient("甲")
            },
            "id_number_date",
        ),
        (
            NewPatient {
                birth: Some("2001-02-30".into()),
                ..patient("甲")
            },
            "date_invalid",
        ),
        (
            NewPatient {
                birth: Some(future),
                ..patient("甲")
            },
            "birth_in_future",
        ),
        (patient(""), "text_empty"),
        (patient("张\u{1b}三"), "text_control_chars"),
        (
            NewPatient {
                age: Some(151),
                ..patient("甲")
            },
            "age_too_high",
        ),
        (
            NewPatient {
                sex: "X".into(),
                ..patient("甲")
            },
            "sex_invalid",
        ),
        (
            NewPatient {
                insurance: Some("employee".into()),
                ..patient("甲")
            },
            "insurance_no_missing",
        ),
        (
            NewPatient {
                insurance: Some("火星医保".into()),
                ..patient("甲")
            },
            "insurance_invalid",
        ),
        (
            NewPatient {
                phone: Some("call me".into()),
                ..patient("甲")
            },
            "phone_invalid",
        ),
    ] {
        assert_eq!(f.desk.add_patient(&c, &new).unwrap_err().code(), code);
    }
    assert_eq!(f.entries(), before);
}

#[test]
fn infants_foreigners_and_rare_names_are_registrable() {
    let (mut f, c) = counter();
    let infant = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                name: "李小宝之子".into(),
                sex: "U".into(),
                age: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(infant.age_years, Some(0));
    f.desk.add_patient(&c, &patient("John Smith")).unwrap();
    let rare = f.desk.add_patient(&c, &patient("𠮷野䶮")).unwrap();
    assert_eq!(rare.name, "𠮷野䶮");
}

#[test]
fn the_duplicate_guard() {
    let (mut f, c) = counter();
    let id = id_number("11010519800505123");
    let first = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                id_number: Some(id.clone()),
                phone: Some("13900001111".into()),
                ..patient("钱七")
            },
        )
        .unwrap();
    let e = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                id_number: Some(id),
                ..patient("钱七")
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "patient_duplicate_id");
    assert!(e.to_string().contains(first.downtime_no.as_deref().unwrap()));
    // Same name and birth date and sex; same name and phone.
    let same_birth = NewPatient {
        birth: Some("1980-05-05".into()),
        ..patient("钱七")
    };
    assert_eq!(
        f.desk.add_patient(&c, &same_birth).unwrap_err().code(),
        "patient_possible_duplicate"
    );
    let same_phone = NewPatient {
        phone: Some("13900001111".into()),
        ..patient("钱七")
    };
    assert_eq!(
        f.desk.add_patient(&c, &same_phone).unwrap_err().code(),
        "patient_possible_duplicate"
    );
    // Confirmed, the override is journalled with the record it resembled.
    let second = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                confirm_duplicate: true,
                ..same_phone
            },
        )
        .unwrap();
    assert_ne!(second.id, first.id);
    let entry = &f.desk.journal_tail(1).unwrap()[0];
    assert!(entry.payload.contains("duplicate_override") && entry.payload.contains(&first.id.to_string()));
    // A different birth date and no phone is simply another person.
    f.desk
        .add_patient(
            &c,
            &NewPatient {
                birth: Some("1999-01-01".into()),
                ..patient("钱七")
            },
        )
        .unwrap();
}

#[test]
fn search_by_every_key() {
    let (mut f, c) = counter();
    let id = id_number("11010519800505123");
    let p = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                id_number: Some(id.clone()),
                phone: Some("13900001111".into()),
                ..patient("欧阳明")
            },
        )
        .unwrap();
    f.desk.add_patient(&c, &patient("欧阳晓")).unwrap();
    let first = |f: &mut Fixture, q: &str| f.desk.find_patients(q, 10).unwrap().first().map(|p| p.name.clone());
    for q in [
        "欧阳明",
        "阳明",
        "oym",
        "OYM",
        &id,
        "13900001111",
        "1390000",
        p.downtime_no.as_deref().unwrap(),
        "dt-mz01-000001",
    ] {
        assert_eq!(first(&mut f, q).as_deref(), Some("欧阳明"), "{q}");
    }
    assert_eq!(f.desk.find_patients("欧阳", 10).unwrap().len(), 2);
    assert!(f.desk.find_patients("不存在的人", 10).unwrap().is_empty());
}

#[test]
fn the_his_snapshot_is_searched_and_registering_links_instead_of_creating_a_stranger() {
    let (mut f, c) = counter();
    let good = id_number("31010419750303001");
    let csv = format!(
        "HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH001,孙悟空,男,1975-03-03,{good},13700000001\r\nH002,猪八戒,男,1980/01/01,,\r\n,无号,男,,,\r\nH004,坏证,女,,110105194912310021,\r\nH001,重复,男,,,\r\n"
    );
    let admin = f.admin.clone();
    let dry = f
        .desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", false, true)
        .unwrap();
    assert_eq!((dry.good, dry.problems.len(), dry.problems_total), (2, 3, 3));
    let rows: Vec<u64> = dry.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [4, 5, 6], "in file order");
    assert!(dry.problems[2].reason.contains("重复"), "{:?}", dry.problems[2]);
    assert!(f.desk.active_snapshot().unwrap().is_none(), "a dry run writes nothing");
    assert_eq!(
        f.desk
            .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", false, false)
            .unwrap_err()
            .code(),
        "patients_have_bad_rows"
    );
    f.desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", true, false)
        .unwrap();
    let found = f.desk.find_patients("swk", 5).unwrap();
    assert_eq!((found[0].source, found[0].his_id.as_deref()), (Source::His, Some("H001")));
    // Creating a stranger with an HIS patient's ID number is refused.
    let e = f
        .desk
        .add_patient(
            &c,
            &NewPatient {
                id_number: Some(good),
                ..patient("孙悟空")
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "patient_in_his");
    // Registering by HIS ID links: a local record with the HIS ID and a downtime number.
    let r = f.desk.register(&c, &reg("H001", "NK", "ordinary", "11")).unwrap();
    let linked = f.desk.resolve_patient(&c, "H001").unwrap();
    assert_eq!(linked.id, r.patient_id);
    assert_eq!(linked.his_id.as_deref(), Some("H001"));
    assert!(linked.downtime_no.is_some());
    let again = f.desk.find_patients("孙悟空", 5).unwrap();
    assert_eq!(again.len(), 1, "one person, shown once");
    assert_eq!(again[0].source, Source::Local);
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn repeated_his_ids_found_while_storing_are_listed_with_the_bad_rows_in_file_order() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let csv = "HIS号,姓名\r\nH1,甲\r\nH1,乙\r\n,丙\r\nH2,丁\r\nH2,戊\r\n";
    let r = f
        .desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", true, false)
        .unwrap();
    assert_eq!((r.rows_read, r.good, r.problems_total), (5, 2, 3));
    let rows: Vec<(u64, &str)> = r.problems.iter().map(|p| (p.row, p.code.as_str())).collect();
    assert_eq!(rows, [(3, "H1"), (4, ""), (6, "H2")]);
    assert_eq!(
        f.desk.find_patients("H1", 5).unwrap()[0].name,
        "甲",
        "the first row of an HIS ID is kept"
    );
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

#[test]
fn queue_numbers_run_per_department_per_day() {
    let (mut f, c) = counter();
    let reg = |f: &mut Fixture, dept: &str| {
        let p = f
            .desk
            .add_patient(
                &c,
                &NewPatient {
                    confirm_duplicate: true,
                    ..patient("病人")
                },
            )
            .unwrap();
        f.desk
            .register(
                &c,
                &NewRegistration {
                    doctor: Some("张明".into()),
                    ..reg(&p.downtime_no.unwrap(), dept, "ordinary", "11")
                },
            )
            .unwrap()
    };
    assert_eq!(reg(&mut f, "NK").queue_no, 1);
    assert_eq!(reg(&mut f, "NK").queue_no, 2);
    assert_eq!(reg(&mut f, "WK").queue_no, 1);
    let r = reg(&mut f, "nk");
    assert_eq!((r.queue_no, r.fee.get()), (3, 1100), "普通挂号费 1.00 + 普通门诊诊察费 10.00");
    assert_eq!(r.fee_items.len(), 2);
    f.advance(Duration::days(1));
    assert_eq!(reg(&mut f, "NK").queue_no, 1, "a new day starts again");
}

#[test]
fn registration_needs_a_shift_an_outage_and_a_real_department() {
    let (mut f, c) = counter();
    let p = f.desk.add_patient(&c, &patient("甲")).unwrap().downtime_no.unwrap();
    let new = |dept: &str| reg(&p, dept, "chief", "21");
    let before = f.entries();
    assert_eq!(f.desk.register(&c, &new("XX")).unwrap_err().code(), "dept_unknown");
    assert_eq!(f.desk.register(&c, &new("ZYNK")).unwrap_err().code(), "dept_not_outpatient");
    assert_eq!(
        f.desk
            .register(
                &c,
                &NewRegistration {
                    patient: "DT-MZ01-999999".into(),
                    ..new("NK")
                }
            )
            .unwrap_err()
            .code(),
        "patient_unknown"
    );
    let other = f.operator("张收费", Role::Cashier);
    assert_eq!(f.desk.register(&other, &new("NK")).unwrap_err().code(), "shift_required");
    let admin = f.admin.clone();
    f.advance(Duration::hours(2));
    f.desk.end_outage(&admin, None, true).unwrap();
    let before2 = f.entries();
    assert_eq!(f.desk.register(&c, &new("NK")).unwrap_err().code(), "outage_not_active");
    assert_eq!(f.entries(), before2);
    assert!(before2 > before, "only the outage end was written");
    // Back-entry of a paper record from during the outage is allowed and marked.
    let during = f.desk.now() - Duration::minutes(30);
    let r = f
        .desk
        .register(
            &c,
            &NewRegistration {
                back_entered_at: Some(during.into()),
                ..new("NK")
            },
        )
        .unwrap();
    assert!(r.back_entered);
    let long_ago = f.desk.now() - Duration::days(30);
    assert_eq!(
        f.desk
            .register(
                &c,
                &NewRegistration {
                    back_entered_at: Some(long_ago.into()),
                    ..new("NK")
                }
            )
            .unwrap_err()
            .code(),
        "back_entry_outside_outage"
    );
}

#[test]
fn a_large_snapshot_imports_and_searches() {
    let (mut f, _) = counter();
    let admin = f.admin.clone();
    let csv = synth::his_index_csv(5000, 7);
    let r = f
        .desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", false, false)
        .unwrap();
    assert_eq!((r.good, r.problems.len()), (5000, 0));
    assert_eq!(
        f.desk.find_patients("H10000042", 5).unwrap()[0].his_id.as_deref(),
        Some("H10000042")
    );
}

#[test]
fn departments_are_edited_one_at_a_time() {
    use downtime_core::registration::{Department, DeptKind};
    let (mut f, c) = counter();
    let admin = f.admin.clone();
    let new = Department {
        code: "xk".into(),
        name: "胸外科".into(),
        kind: DeptKind::Outpatient,
        doctors: vec!["高医生".into(), " ".into()],
    };
    assert_eq!(f.desk.set_department(&c, &new, true).unwrap_err().code(), "role_forbidden");
    let list = f.desk.set_department(&admin, &new, true).unwrap();
    let xk = list.iter().find(|d| d.code == "XK").unwrap();
    assert_eq!(xk.doctors, ["高医生"]);
    let renamed = Department {
        name: "胸外科门诊".into(),
        ..new.clone()
    };
    f.desk.set_department(&admin, &renamed, true).unwrap();
    assert_eq!(f.desk.department("XK").unwrap().unwrap().name, "胸外科门诊");
    f.desk.set_department(&admin, &renamed, false).unwrap();
    assert!(f.desk.department("XK").unwrap().is_none());
    let bad = Department { code: "胸".into(), ..new };
    assert_eq!(f.desk.set_department(&admin, &bad, true).unwrap_err().code(), "dept_code_invalid");
    assert_eq!(f.desk.verify().unwrap().problem, None);
}

/// An HIS patient's ID number is found through the search index (issue 19: `his_patient` has
/// no index of its own on it), also when the file was not in HIS-ID order (its index is then
/// built by reading the rows back), and only by the whole number.
#[test]
fn an_his_patients_id_number_is_found_exactly_whatever_the_files_order() {
    let (mut f, c) = counter();
    let (a, b) = (id_number("31010419750303001"), id_number("31010419800101003"));
    let csv = format!("HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH009,唐僧,男,,{b},\r\nH001,沙僧,男,,{a},13700000001\r\n");
    let admin = f.admin.clone();
    f.desk
        .import_patient_snapshot(&admin, csv.as_bytes(), "his.csv", false, false)
        .unwrap();
    for (id, who) in [(&a, "沙僧"), (&b, "唐僧")] {
        let e = f
            .desk
            .add_patient(
                &c,
                &NewPatient {
                    id_number: Some(id.clone()),
                    ..patient("新患者")
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "patient_in_his", "{id}");
        assert!(e.to_string().contains(who), "{e}");
    }
    // A number that only shares a prefix with an HIS patient's is not theirs.
    let other = id_number("31010419750303009");
    assert_eq!(&other[..16], &a[..16]);
    f.desk
        .add_patient(
            &c,
            &NewPatient {
                id_number: Some(other),
                ..patient("新患者")
            },
        )
        .unwrap();
}
