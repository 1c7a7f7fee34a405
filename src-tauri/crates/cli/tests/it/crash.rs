//! Crash durability (#17): `downtime simulate --ack FILE` is killed with SIGKILL at random
//! moments and restarted on the same database. After every kill the chain verifies, every
//! receipt acknowledged in FILE exists with its lines and tenders, and receipt numbers have no
//! gaps. CI runs `DOWNTIME_CRASH_KILLS` kills (default 200); a longer local run sets more.

use crate::{bin, Station};
use downtime_core::Desk;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn kills_wanted() -> usize {
    std::env::var("DOWNTIME_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// A small xorshift: the kill moments, reproducible from the seed printed.
struct Moments(u64);
impl Moments {
    fn next_ms(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + self.0 % (hi - lo)
    }
}

/// Receipt numbers (`MZ01-000123`) by their sequence.
fn seq_of(no: &str) -> i64 {
    no.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("receipt number {no}"))
}

#[cfg(unix)]
#[test]
fn sigkill_during_simulate_loses_no_acknowledged_receipt() {
    let s = Station::new();
    let ack = s.dir.path().join("ack.txt");
    let wanted = kills_wanted();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash loop: {wanted} kills, seed {seed}");
    let mut moments = Moments(seed);
    // The first run sets the counter up (price list, outage, shifts): let it reach its
    // receipts before the kills begin.
    let started = Instant::now();
    let (mut kills, mut finished, mut checked_total) = (0usize, 0usize, 0usize);
    let mut child_runs = 0u64;
    while kills < wanted {
        child_runs += 1;
        let mut child = Command::new(bin())
            .args(["--db", s.db().to_str().unwrap(), "--as", "王管理", "--pin", "123456"])
            .args([
                "simulate",
                "--patients",
                "40",
                "--seed",
                &child_runs.to_string(),
                "--ack",
                ack.to_str().unwrap(),
            ])
            .env("DOWNTIME_LANG", "zh_CN.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let wait = if child_runs == 1 {
            Duration::from_secs(600)
        } else {
            Duration::from_millis(moments.next_ms(5, 400))
        };
        let deadline = Instant::now() + wait;
        // The first run waits for its first acknowledgement, then is killed at once.
        let acked_before = std::fs::read_to_string(&ack).map(|t| t.lines().count()).unwrap_or(0);
        let exited = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            let first_ack = child_runs == 1 && std::fs::read_to_string(&ack).map(|t| t.lines().count()).unwrap_or(0) > acked_before;
            if Instant::now() >= deadline || first_ack {
                break None;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        match exited {
            Some(status) => {
                let mut err = String::new();
                use std::io::Read;
                child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
                assert!(status.success(), "simulate failed after a kill: {err}");
                finished += 1;
            }
            None => {
                // SAFETY: kill(2) on the child's own pid.
                unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
                child.wait().unwrap();
                kills += 1;
            }
        }
        checked_total += check(&s, &ack, kills);
    }
    println!(
        "crash loop: {kills} SIGKILLs survived ({finished} runs finished), {checked_total} acknowledged receipts checked in all, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// After a kill: the station opens (read-only, as a next command would see it first), its
/// chain verifies, every acknowledged receipt is there whole, numbers are gapless. Returns how
/// many acknowledged receipts were checked.
fn check(s: &Station, ack: &std::path::Path, kills: usize) -> usize {
    let desk = Desk::open(s.db()).unwrap_or_else(|e| panic!("after kill {kills}: the station does not open: {e}"));
    let report = desk.verify().unwrap();
    assert_eq!(report.problem, None, "after kill {kills}: verify fails");
    let acked: BTreeSet<String> = std::fs::read_to_string(ack)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    for no in &acked {
        let r = desk
            .receipt(no)
            .unwrap()
            .unwrap_or_else(|| panic!("after kill {kills}: acknowledged receipt {no} is lost"));
        assert!(!r.tenders.is_empty(), "after kill {kills}: receipt {no} lost its tenders");
        assert!(
            !r.lines.is_empty() || !matches!(r.kind.key(), "charge" | "registration" | "refund"),
            "after kill {kills}: receipt {no} lost its lines"
        );
    }
    let mut seqs: Vec<i64> = desk.receipts(None).unwrap().iter().map(|r| seq_of(&r.receipt_no)).collect();
    seqs.sort_unstable();
    for (i, seq) in seqs.iter().enumerate() {
        assert_eq!(*seq, i as i64 + 1, "after kill {kills}: receipt numbers have a gap");
    }
    acked.len()
}
