//! 药房核对 (#18): what the pharmacies' batches say beside what the counters' batches say. A
//! receipt dispensed against more than once (a photocopy, or a second window — approved or
//! not, finance sees it), a dispensing against a receipt no loaded station issued (a forgery,
//! or a counter whose batches are missing), and a counter's drug refund that no pharmacy
//! return backs (no slip named, or a slip no pharmacy recorded) — checked only once a
//! pharmacy's batches are loaded: without any, a refund's typed 退药确认人 is all there is.

use super::records::Records;
use crate::store::Workspace;
use downtime_core::Result;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// One pharmacy finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PharmacyFinding {
    /// `dispensed_twice`, `dispensed_unknown`, `refund_without_return`.
    pub list: String,
    /// The station whose batch holds it (the pharmacy; the counter for a refund).
    pub station: String,
    /// The receipt concerned (for a refund, the refunded receipt).
    pub receipt_no: String,
    /// The dispensings' or the refund's record ids.
    pub record_ids: Vec<String>,
    /// The slip a refund named, if any.
    pub slip_no: Option<String>,
    pub at: Vec<String>,
}

struct Event {
    id: String,
    station: String,
    kind: String,
    issuer: String,
    receipt: String,
    slip_no: Option<String>,
    at: String,
}

impl Workspace {
    pub(crate) fn pharmacy_findings(&self, records: &Records) -> Result<Vec<PharmacyFinding>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, station, kind, issuer_station, receipt, slip_no, at FROM pharmacy_event ORDER BY at, rowid")?;
        let events: Vec<Event> = stmt
            .query_map([], |r| {
                Ok(Event {
                    id: r.get(0)?,
                    station: r.get(1)?,
                    kind: r.get(2)?,
                    issuer: r.get(3)?,
                    receipt: r.get(4)?,
                    slip_no: r.get(5)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(findings(&events, records))
    }
}

fn findings(events: &[Event], records: &Records) -> Vec<PharmacyFinding> {
    let mut out = Vec::new();
    let mut dispensed: BTreeMap<(String, String), Vec<&Event>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == "dispense") {
        dispensed.entry((e.issuer.clone(), e.receipt.clone())).or_default().push(e);
    }
    for ((issuer, receipt_no), list) in &dispensed {
        let issued = records
            .by_no(receipt_no)
            .map(|i| &records.recs[i])
            .is_some_and(|r| records.station(r) == issuer && records.kind(r) == "charge");
        let finding = |list_code: &str, of: &[&Event]| PharmacyFinding {
            list: list_code.into(),
            station: of[0].station.clone(),
            receipt_no: receipt_no.clone(),
            record_ids: of.iter().map(|e| e.id.clone()).collect(),
            slip_no: None,
            at: of.iter().map(|e| e.at.clone()).collect(),
        };
        if !issued {
            out.push(finding("dispensed_unknown", list));
        }
        if list.len() > 1 {
            out.push(finding("dispensed_twice", list));
        }
    }
    let slips: HashSet<&str> = events
        .iter()
        .filter(|e| e.kind == "return")
        .filter_map(|e| e.slip_no.as_deref())
        .collect();
    let pharmacy_loaded = events.iter().any(|e| e.kind != "drug_refund");
    for e in events.iter().filter(|e| e.kind == "drug_refund" && pharmacy_loaded) {
        if e.slip_no.as_deref().is_some_and(|s| slips.contains(s)) {
            continue;
        }
        let refunded = uuid::Uuid::parse_str(&e.receipt)
            .ok()
            .and_then(|id| records.by_id(&id))
            .map(|i| records.receipt_no(&records.recs[i]).to_string())
            .unwrap_or_else(|| e.receipt.clone());
        out.push(PharmacyFinding {
            list: "refund_without_return".into(),
            station: e.station.clone(),
            receipt_no: refunded,
            record_ids: vec![e.id.clone()],
            slip_no: e.slip_no.clone(),
            at: vec![e.at.clone()],
        });
    }
    out
}
