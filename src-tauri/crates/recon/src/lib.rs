//! 财务对账 (finance reconciliation), after the HIS is back: finance collects every counter's
//! export batches, proves that nothing is missing or altered, matches them against what the
//! HIS posted during back-entry, and chases the emergency plan's deadlines (insured patients
//! re-settle, manual receipts are exchanged for computer invoices, insured inpatients are
//! converted). It all happens in a workspace of its own ([`Workspace`]), a SQLite file apart
//! from any counter's.
//!
//! This crate sits beside `downtime-core` and reads batches with the core's own reader and
//! verifier (`downtime_core::batch`), exactly as `downtime export verify` does: nothing of the
//! batch format is written twice. Start reading at [`store`], then [`load`]; the window and the
//! command line come in through [`run`].

pub mod bench;
pub mod clerk;
pub mod his;
pub mod load;
pub mod marks;
pub mod reconcile;
pub mod report;
pub mod run;
pub mod store;
pub mod view;

pub use clerk::Clerk;
pub use store::Workspace;

/// The local calendar day (`2026-12-08`) of a stored UTC stamp: takings are counted per day
/// as the counters lived it. Text that is no stamp stays as it is (never 1970).
pub fn local_day(stamp: &str) -> String {
    match downtime_core::time::parse_stamp(stamp) {
        // A date's own display is `%Y-%m-%d`, without parsing a format each time.
        Ok(t) => t.with_timezone(&chrono::Local).date_naive().to_string(),
        Err(_) => stamp.to_string(),
    }
}

/// [`local_day`] for a run of stamps in time order (a batch's receipts): the day of the last
/// UTC minute asked for is kept, when that whole minute falls on one local day, so that the
/// stamps of one minute are parsed and converted once. The same answers as [`local_day`].
#[derive(Default)]
pub(crate) struct DayCache {
    /// `YYYY-MM-DDTHH:MM` and the local day of every instant of that minute.
    minute: String,
    day: String,
}

impl DayCache {
    pub(crate) fn day(&mut self, stamp: &str) -> String {
        // Only a stamp written as the desk writes it (`2026-12-08T01:13:59.466425Z`): UTC, the
        // minute in its first 16 characters.
        let minute = match stamp.get(..16) {
            Some(m) if stamp.ends_with('Z') && stamp.as_bytes().get(16) == Some(&b':') => m,
            _ => return local_day(stamp),
        };
        if minute == self.minute {
            return self.day.clone();
        }
        let day = local_day(stamp);
        let whole_minute = |sec: &str| local_day(&format!("{minute}:{sec}Z")) == day;
        if whole_minute("00") && whole_minute("59.999999999") {
            self.minute.clear();
            self.minute.push_str(minute);
            self.day.clone_from(&day);
        }
        day
    }
}

/// Hands back to the system the memory a big step (reading the HIS file, loading 30
/// counters' batches on every core) has freed. glibc keeps freed memory in the arena of the
/// thread that used it, where the next step on another thread cannot reuse it: the process
/// would then hold the sum of its steps instead of the largest. Elsewhere a no-op.
pub(crate) fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
