//! The manifest's counts, totals and receipt ranges, derived from journal payloads alone.
//! The exporter feeds it every entry it writes, the checker every line it reads: the same
//! code on both sides, so a manifest that disagrees with its records is caught.

use super::payload::{Payload, Rec, Row};
use super::{payload_rows, Counts, ReceiptRange, Totals, Voided};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A row as the tally reads it: a `Value` object, a [`Rec`] or a payload's [`Row`] (read
/// from its text when first asked), each read as the others would be.
pub trait Fields {
    fn text(&self, key: &str) -> &str;
    fn int(&self, key: &str) -> i64;
}

impl Fields for Map<String, Value> {
    fn text(&self, key: &str) -> &str {
        text(self, key)
    }
    fn int(&self, key: &str) -> i64 {
        int(self, key)
    }
}

impl Fields for Rec<'_> {
    fn text(&self, key: &str) -> &str {
        Rec::text(self, key)
    }
    fn int(&self, key: &str) -> i64 {
        Rec::int(self, key)
    }
}

impl Fields for Row<'_> {
    fn text(&self, key: &str) -> &str {
        self.rec().text(key)
    }
    fn int(&self, key: &str) -> i64 {
        self.rec().int(key)
    }
}

/// Counts one more under `key`, allocating the key only the first time it is met.
fn bump(map: &mut BTreeMap<String, i64>, key: &str, by: i64) {
    match map.get_mut(key) {
        Some(n) => *n += by,
        None => {
            map.insert(key.to_string(), by);
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Tally {
    counts: Counts,
    receipts_fen: BTreeMap<String, i64>,
    tenders_fen: BTreeMap<String, i64>,
    ranges: Vec<ReceiptRange>,
    last_receipt_seq: Option<i64>,
}

/// Money paid back is negative in every total and CSV.
pub fn receipt_sign(kind: &str) -> i64 {
    if matches!(kind, "refund" | "deposit_refund") {
        -1
    } else {
        1
    }
}

fn int(row: &Map<String, Value>, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn text<'a>(row: &'a Map<String, Value>, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

impl Tally {
    /// Adds one journal entry's payload.
    pub fn add(&mut self, payload: &Value) {
        self.add_fields(|| payload_rows(payload));
    }

    /// Adds one journal entry's payload, as the exporter and the checker read it (a row kept
    /// as its text is read only if the tally needs its fields: receipts and tenders).
    pub fn add_payload(&mut self, payload: &Payload<'_>) {
        self.add_fields(|| payload.entries());
    }

    fn add_fields<'r, R: Fields + 'r, I: Iterator<Item = (&'r str, &'r R)>>(&mut self, rows: impl Fn() -> I) {
        self.counts.journal_entries += 1;
        // A tender's sign is its receipt's, and both travel in the same entry.
        let mut kinds: HashMap<&str, &str> = HashMap::new();
        // Rows come grouped by table: each run of one table is counted at once.
        let mut run: Option<(&str, i64)> = None;
        for (table, row) in rows() {
            match &mut run {
                Some((t, n)) if *t == table => *n += 1,
                _ => {
                    if let Some((t, n)) = run {
                        bump(&mut self.counts.rows, t, n);
                    }
                    run = Some((table, 1));
                }
            }
            if table == "receipt" {
                let kind = row.text("kind");
                kinds.insert(row.text("id"), kind);
                bump(&mut self.counts.receipts, kind, 1);
                bump(&mut self.receipts_fen, kind, receipt_sign(kind) * row.int("total_fen"));
                self.add_to_ranges(row.int("seq"), row.text("receipt_no"));
            }
        }
        if let Some((t, n)) = run {
            bump(&mut self.counts.rows, t, n);
        }
        for (table, row) in rows() {
            if table == "tender" {
                let sign = kinds.get(row.text("receipt_id")).map_or(1, |k| receipt_sign(k));
                bump(&mut self.tenders_fen, row.text("method"), sign * row.int("amount_fen"));
            }
        }
    }

    fn add_to_ranges(&mut self, seq: i64, receipt_no: &str) {
        match (self.last_receipt_seq, self.ranges.last_mut()) {
            (Some(last), Some(range)) if seq == last + 1 => {
                range.last.clear();
                range.last.push_str(receipt_no);
                range.count += 1;
            }
            _ => self.ranges.push(ReceiptRange {
                first: receipt_no.to_string(),
                last: receipt_no.to_string(),
                count: 1,
            }),
        }
        self.last_receipt_seq = Some(seq);
    }

    pub fn counts(&self) -> Counts {
        self.counts.clone()
    }

    /// The totals, with the receipts voided in the batch (which the exporter lists from the
    /// store, since a voided receipt may belong to an earlier batch).
    pub fn totals(&self, voided: &[Voided]) -> Totals {
        let voided: i64 = voided.iter().map(|v| v.total_fen).sum();
        Totals {
            receipts: self.receipts_fen.clone(),
            tenders: self.tenders_fen.clone(),
            voided,
            net: self.receipts_fen.values().sum::<i64>() - voided,
        }
    }

    pub fn receipt_ranges(&self) -> Vec<ReceiptRange> {
        self.ranges.clone()
    }
}
