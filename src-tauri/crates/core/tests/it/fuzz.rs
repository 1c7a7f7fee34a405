//! Bad input at every door (#17): random and mutated files fed to the price-list, HIS-index,
//! department and holiday-calendar readers never panic and never write when refused (the
//! journal is unchanged after a refusal); an export batch's readers (`manifest.json`,
//! `records.jsonl`, `verify_batch`) never panic and refuse any change. The HIS postings reader
//! is fuzzed in `downtime-recon`'s tests. `DOWNTIME_FUZZ_CASES` sets the cases per reader
//! (default 48 in CI); the count of inputs tried is printed.

use crate::Fixture;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::{Cell, RefCell};

fn cases() -> u32 {
    std::env::var("DOWNTIME_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

const PRICE_LIST: &str = "编码,名称,规格,单位,单价,费用类别\r\nY1,阿莫西林胶囊,0.25g×24粒,盒,12.5,西药费\r\nL1,血常规,,项,20,化验费\r\n";
const HIS: &str = "HIS号,姓名,性别,出生日期,身份证号,联系电话\r\nH001,孙悟空,男,1975-03-03,,13700000001\r\n";
const DEPTS: &str = "科室编码,科室名称,类别,医生\r\nNK,内科,门诊,张医生\r\n";
const CALENDAR: &str = r#"{"year":2027,"holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}],"workdays":[]}"#;

/// Inputs: random bytes, and a valid file with bytes flipped, cut, or a cell blown up.
fn mutated(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12)).prop_map(move |flips| {
            let mut b = valid.as_bytes().to_vec();
            for (at, byte) in flips {
                let n = b.len();
                b[at % n] = byte;
            }
            b
        }),
        any::<usize>().prop_map(move |cut| valid.as_bytes()[..cut % valid.len()].to_vec()),
        (1usize..5000, any::<char>()).prop_map(move |(n, c)| valid
            .replacen("孙悟空", &c.to_string().repeat(n), 1)
            .replacen("阿莫西林胶囊", &"药".repeat(n), 1)
            .into_bytes()),
    ]
}

fn run(name: &str, valid: &'static str, door: impl FnMut(&mut Fixture, &[u8]) -> Result<(), downtime_core::CoreError>) -> u32 {
    let f = RefCell::new(Fixture::new());
    let door = RefCell::new(door);
    let tried = Cell::new(0u32);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&mutated(valid), |bytes| {
            tried.set(tried.get() + 1);
            let mut f = f.borrow_mut();
            let before = f.entries();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (door.borrow_mut())(&mut f, &bytes)));
            let result = result.map_err(|_| TestCaseError::fail(format!("{name}: the reader panicked")))?;
            if result.is_err() {
                prop_assert_eq!(f.entries(), before, "{}: a refused file wrote something", name);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(f.borrow().desk.verify().unwrap().problem, None);
    tried.get()
}

#[test]
fn the_readers_never_panic_and_write_nothing_when_they_refuse() {
    let mut total = 0;
    total += run("price list", PRICE_LIST, |f, b| {
        let admin = f.admin.clone();
        f.desk
            .catalog_import(&admin, b, "price.csv", &Default::default(), false, &mut |_, _| {})
            .map(drop)
    });
    total += run("HIS index", HIS, |f, b| {
        let admin = f.admin.clone();
        f.desk.import_patient_snapshot(&admin, b, "his.csv", false, false).map(drop)
    });
    total += run("departments", DEPTS, |f, b| {
        let admin = f.admin.clone();
        f.desk.import_departments(&admin, b, "departments.csv").map(drop)
    });
    total += run("holiday calendar", CALENDAR, |f, b| {
        let admin = f.admin.clone();
        f.desk.import_calendar(&admin, &String::from_utf8_lossy(b)).map(drop)
    });
    println!("fuzz: {total} inputs tried across 4 readers, no panic, no write on refusal");
}

#[test]
fn a_name_longer_than_a_receipt_prints_is_refused() {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let long = format!(
        "编码,名称,规格,单位,单价,费用类别\r\nX1,{},,次,1,治疗费\r\n",
        "名".repeat(1_048_576)
    );
    let before = f.entries();
    let r = f
        .desk
        .catalog_import(&admin, long.as_bytes(), "long.csv", &Default::default(), false, &mut |_, _| {});
    assert!(r.is_err(), "a 1,048,576-character name is not imported");
    assert_eq!(f.entries(), before);
}

/// Inputs made from a file's bytes: random bytes, bytes flipped, the file cut short, a line
/// dropped or repeated.
fn mutated_file(valid: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    let lines = |b: &[u8]| -> Vec<Vec<u8>> { b.split_inclusive(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12)).prop_map(move |flips| {
            let mut b = valid.to_vec();
            for (at, byte) in flips {
                let n = b.len();
                b[at % n] = byte;
            }
            b
        }),
        any::<usize>().prop_map(move |cut| valid[..cut % valid.len()].to_vec()),
        (any::<usize>(), any::<bool>()).prop_map(move |(at, repeat)| {
            let mut l = lines(valid);
            let i = at % l.len();
            if repeat {
                let again = l[i].clone();
                l.insert(i, again);
            } else {
                l.remove(i);
            }
            l.concat()
        }),
    ]
}

/// #17, the batch readers (finance's door): a batch folder whose `manifest.json` or
/// `records.jsonl` was changed in any way is read without a panic (the manifest parser, the
/// streaming record parser, the whole check) and refused by `verify_batch`.
#[test]
fn the_batch_readers_never_panic_and_refuse_any_change() {
    use downtime_core::batch::{self, verify_batch};
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    downtime_core::simulate::run(&mut f.desk, &admin, 4, 11, &mut |_| Ok(())).unwrap();
    let usb = f.dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let written = match f.desk.export_batch(&admin, &usb, &mut |_| {}).unwrap() {
        downtime_core::export::ExportOutcome::Written(w) => w.path,
        other => panic!("expected a batch, got {other:?}"),
    };
    assert_eq!(verify_batch(&written, None).problem, None);
    let mut total = 0;
    for name in [batch::MANIFEST, batch::RECORDS] {
        let valid: &'static [u8] = Box::leak(std::fs::read(written.join(name)).unwrap().into_boxed_slice());
        let copy = f.dir.path().join(format!("fuzz-{name}"));
        std::fs::create_dir(&copy).unwrap();
        for e in std::fs::read_dir(&written).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
        }
        let tried = Cell::new(0u32);
        let mut runner = TestRunner::new(Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&mutated_file(valid), |bytes| {
                tried.set(tried.get() + 1);
                std::fs::write(copy.join(name), &bytes).unwrap();
                let check = std::panic::catch_unwind(|| {
                    let _ = batch::read_manifest(&copy);
                    if let Ok(records) = batch::records(&copy) {
                        records.for_each(drop);
                    }
                    verify_batch(&copy, None)
                })
                .map_err(|_| TestCaseError::fail(format!("{name}: a batch reader panicked")))?;
                if bytes != valid {
                    prop_assert!(check.problem.is_some(), "{}: a changed file was not refused", name);
                }
                Ok(())
            })
            .unwrap();
        total += tried.get();
    }
    println!("fuzz: {total} altered batch files tried (manifest.json, records.jsonl), no panic, every change refused");
}
