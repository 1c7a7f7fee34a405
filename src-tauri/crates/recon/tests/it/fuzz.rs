//! Bad input at finance's door (#17): random and mutated HIS postings files (入账文件) fed to
//! `read_postings` and, when it takes them, to `Workspace::import_his` never panic, and a
//! refusal writes nothing to the workspace (its journal is unchanged). `DOWNTIME_FUZZ_CASES`
//! sets the cases (default 48 in CI); the count of inputs tried is printed.

use downtime_recon::his::read_postings;
use downtime_recon::{Clerk, Workspace};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::Cell;

const POSTINGS: &str = "record_uuid,receipt_no,his_no,amount,posted_at,method\r\n,MZ01-000001,H0001,12.50,2026-12-08,微信\r\n,MZ01-000002,H0002,-3.00,2026-12-08 10:15,现金\r\n";

fn cases() -> u32 {
    std::env::var("DOWNTIME_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

/// Random bytes, the valid file with bytes flipped or cut short, or a cell blown up.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12)).prop_map(|flips| {
            let mut b = POSTINGS.as_bytes().to_vec();
            for (at, byte) in flips {
                let n = b.len();
                b[at % n] = byte;
            }
            b
        }),
        any::<usize>().prop_map(|cut| POSTINGS.as_bytes()[..cut % POSTINGS.len()].to_vec()),
        (1usize..5000, any::<char>()).prop_map(|(n, c)| POSTINGS.replacen("H0001", &c.to_string().repeat(n), 1).into_bytes()),
    ]
}

#[test]
fn the_his_postings_reader_never_panics_and_writes_nothing_when_it_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path().join("reconcile.sqlite3")).unwrap();
    let clerk = Clerk::command_line("财务小王").unwrap();
    let entries = |ws: &Workspace| ws.verify().unwrap().entries;
    let (tried, taken) = (Cell::new(0u32), Cell::new(0u32));
    let ws = std::cell::RefCell::new(&mut ws);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&mutated(), |bytes| {
            tried.set(tried.get() + 1);
            let mut ws = ws.borrow_mut();
            let before = entries(&ws);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_postings(&bytes, "his.csv", &[]).and_then(|file| ws.import_his(&clerk, &file).map(drop))
            }))
            .map_err(|_| TestCaseError::fail("the HIS postings reader panicked"))?;
            match outcome {
                Ok(()) => taken.set(taken.get() + 1),
                Err(_) => prop_assert_eq!(entries(&ws), before, "a refused postings file wrote something"),
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(ws.borrow().verify().unwrap().problem, None);
    println!(
        "fuzz: {} HIS postings files tried ({} taken), no panic, no write on refusal",
        tried.get(),
        taken.get()
    );
}
