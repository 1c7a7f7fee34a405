//! `his.matched`: every receipt the HIS posted once and to the fen — at 30 counters some
//! 300,000 items, the one list of the reconciliation that grows with the records rather than
//! with what is wrong. Kept compact: the record id as 16 bytes, the station and kind as small
//! numbers into a table of names, the day as a date, the receipt and HIS numbers in one shared
//! text; an [`HisItem`] is made only when an item is looked at or written out.
//!
//! Written into `reconciliation.json` exactly as a `Vec<HisItem>` would be (the same objects in
//! the same order); the report's writer streams it item by item instead of building it whole
//! (see `report::json`).

use super::item::HisItem;
use chrono::NaiveDate;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::cell::Cell;
use std::fmt;
use std::ops::Range;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Item {
    id: Uuid,
    day: NaiveDate,
    fen: i64,
    /// The receipt number and the HIS number, in `text`.
    receipt_no: (u32, u32),
    his_no: (u32, u32),
    station: u16,
    kind: u16,
    voided: bool,
}

/// The matched receipts, compact (see the module).
#[derive(Clone, Default)]
pub struct MatchedList {
    names: Vec<String>,
    text: String,
    items: Vec<Item>,
    /// The name met last (stations come in runs).
    last: u16,
}

impl MatchedList {
    fn name(&mut self, name: &str) -> u16 {
        let last = self.last as usize;
        if self.names.get(last).is_some_and(|n| n == name) {
            return last as u16;
        }
        let i = match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        };
        let i = u16::try_from(i).expect("fewer than 65,536 stations and kinds");
        self.last = i;
        i
    }

    fn put(&mut self, text: &str) -> (u32, u32) {
        let start = u32::try_from(self.text.len()).expect("matched numbers under 4 GB");
        self.text.push_str(text);
        (start, text.len() as u32)
    }

    fn get(&self, (start, len): (u32, u32)) -> &str {
        let Range { start, end } = start as usize..(start + len) as usize;
        &self.text[start..end]
    }

    /// Adds a receipt matched by the one posting `his_no`: what the records say the HIS should
    /// hold is what it holds, `fen`.
    #[allow(clippy::too_many_arguments)]
    pub fn push(&mut self, station: &str, id: Uuid, receipt_no: &str, kind: &str, day: NaiveDate, fen: i64, his_no: &str, voided: bool) {
        let item = Item {
            id,
            day,
            fen,
            receipt_no: self.put(receipt_no),
            his_no: self.put(his_no),
            station: self.name(station),
            kind: self.name(kind),
            voided,
        };
        self.items.push(item);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, made one by one.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = HisItem> + '_ {
        self.items.iter().map(|i| HisItem {
            station: self.names[i.station as usize].clone(),
            record_uuid: Some(i.id.to_string()),
            receipt_no: Some(self.get(i.receipt_no).to_string()),
            kind: Some(self.names[i.kind as usize].clone()),
            day: Some(i.day.to_string()),
            downtime_fen: Some(i.fen),
            his_fen: i.fen,
            his_nos: vec![self.get(i.his_no).to_string()],
            voided: i.voided,
        })
    }
}

impl PartialEq for MatchedList {
    fn eq(&self, other: &MatchedList) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for MatchedList {}

impl fmt::Debug for MatchedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for MatchedList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if deferring() {
            return s.serialize_str(DEFERRED);
        }
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

thread_local! {
    static DEFER: Cell<bool> = const { Cell::new(false) };
}

/// What the list serialises as while a writer builds the tree around it (a NUL never comes
/// from data unescaped, and the writer looks for it as a whole field).
pub(crate) const DEFERRED: &str = "\u{0}deferred";

/// Whether the list should stand aside as [`DEFERRED`] (only inside [`deferred`], on this
/// thread).
fn deferring() -> bool {
    DEFER.with(|d| d.get())
}

/// Runs `f` with every matched list standing aside as [`DEFERRED`] on this thread, so that a
/// writer can build the tree around it and stream the list itself (`report::json`).
pub(crate) fn deferred<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            DEFER.with(|d| d.set(false));
        }
    }
    DEFER.with(|d| d.set(true));
    let _reset = Reset;
    f()
}
