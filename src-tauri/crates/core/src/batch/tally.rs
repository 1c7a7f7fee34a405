//! The manifest's counts, totals and receipt ranges, derived from journal payloads alone.
//! The exporter feeds it every entry it writes, the checker every line it reads: the same
//! code on both sides, so a manifest that disagrees with its records is caught.

use super::rows::{tree_rows, Int, Rows, Str};
use super::{Counts, ReceiptRange, Totals, Voided};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

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

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReceiptIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    kind: Str<'a>,
    total_fen: Int,
    seq: Int,
    #[serde(borrow)]
    receipt_no: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TenderIn<'a> {
    #[serde(borrow)]
    receipt_id: Str<'a>,
    #[serde(borrow)]
    method: Str<'a>,
    amount_fen: Int,
}

impl Tally {
    /// Adds one journal entry's payload.
    pub fn add(&mut self, payload: &Value) {
        self.add_rows(&tree_rows(payload));
    }

    /// Adds one journal entry, given as its rows.
    pub fn add_rows(&mut self, rows: &Rows<'_>) {
        self.counts.journal_entries += 1;
        // A tender's sign is its receipt's, and both travel in the same entry.
        let mut kinds: Vec<(Str, Str)> = Vec::new();
        for (table, row) in rows {
            match self.counts.rows.get_mut(table.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    self.counts.rows.insert(table.to_string(), 1);
                }
            }
            if table == "receipt" {
                let r: ReceiptIn = row.parse().unwrap_or_default();
                let kind = r.kind.text();
                *self.counts.receipts.entry(kind.to_string()).or_default() += 1;
                *self.receipts_fen.entry(kind.to_string()).or_default() += receipt_sign(kind) * r.total_fen.0;
                self.add_to_ranges(r.seq.0, r.receipt_no.text());
                kinds.push((r.id, r.kind));
            }
        }
        for (table, row) in rows {
            if table == "tender" {
                let t: TenderIn = row.parse().unwrap_or_default();
                // The last receipt of that id, as a map of ids would keep it.
                let sign = kinds
                    .iter()
                    .rev()
                    .find(|(id, _)| id.text() == t.receipt_id.text())
                    .map_or(1, |(_, kind)| receipt_sign(kind.text()));
                *self.tenders_fen.entry(t.method.owned()).or_default() += sign * t.amount_fen.0;
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
