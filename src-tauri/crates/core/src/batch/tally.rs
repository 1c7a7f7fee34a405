//! The manifest's counts, totals and receipt ranges, derived from journal payloads alone.
//! The exporter feeds it every entry it writes, the checker every line it reads: the same
//! code on both sides, so a manifest that disagrees with its records is caught.

use super::{payload_rows, Counts, ReceiptRange, Totals, Voided};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

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
        self.counts.journal_entries += 1;
        // A tender's sign is its receipt's, and both travel in the same entry.
        let mut kinds: HashMap<&str, &str> = HashMap::new();
        for (table, row) in payload_rows(payload) {
            *self.counts.rows.entry(table.to_string()).or_default() += 1;
            if table == "receipt" {
                let kind = text(row, "kind");
                kinds.insert(text(row, "id"), kind);
                *self.counts.receipts.entry(kind.to_string()).or_default() += 1;
                *self.receipts_fen.entry(kind.to_string()).or_default() += receipt_sign(kind) * int(row, "total_fen");
                self.add_to_ranges(int(row, "seq"), text(row, "receipt_no"));
            }
        }
        for (table, row) in payload_rows(payload) {
            if table == "tender" {
                let sign = kinds.get(text(row, "receipt_id")).map_or(1, |k| receipt_sign(k));
                *self.tenders_fen.entry(text(row, "method").to_string()).or_default() += sign * int(row, "amount_fen");
            }
        }
    }

    fn add_to_ranges(&mut self, seq: i64, receipt_no: &str) {
        match (self.last_receipt_seq, self.ranges.last_mut()) {
            (Some(last), Some(range)) if seq == last + 1 => {
                range.last = receipt_no.to_string();
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
