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
