//! The pharmacy's wire types (`--json`, IPC), moved out of `pharmacy/mod.rs`: scans,
//! dispensings, return slips, trusted stations and key cards.
use super::{Dispensing, Scan, Trusted, TrustedStation};
use crate::time::stamp;
use serde::Serialize;
use ts_rs::TS;

/// A scanned receipt as the pharmacy screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanView {
    /// Always `charge`: other kinds are refused.
    pub kind: String,
    pub station: String,
    pub station_name: String,
    pub receipt_no: String,
    /// The patient's downtime or HIS number, as signed.
    pub patient: String,
    pub time: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub lines: Vec<ScanLineView>,
    /// Whether a dispensing exists already (a second one needs the pharmacist-in-charge).
    pub dispensed_before: bool,
    /// What was already dispensed and returned here, oldest first.
    pub already: Vec<DispensingView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScanLineView {
    /// The line number on the receipt (`--line N:QTY`).
    #[ts(type = "number")]
    pub n: i64,
    pub code: String,
    /// Pinyin initials, when the payload had room for them.
    pub short_name: Option<String>,
    /// As signed: `2`, `0.5`.
    pub quantity: String,
    /// Handed over so far.
    pub dispensed: String,
    /// Taken back so far.
    pub returned: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DispensingView {
    /// `dispense` or `return`.
    pub kind: String,
    pub at: String,
    pub by: String,
    pub approver: Option<String>,
    pub reason: String,
    /// A return's slip number and its signed code (退药单).
    pub slip_no: Option<String>,
    pub slip_payload: Option<String>,
    pub lines: Vec<DispensedLineView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DispensedLineView {
    #[ts(type = "number")]
    pub n: i64,
    pub quantity: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TrustedStationView {
    pub station_code: String,
    pub station_name: String,
    pub hospital: String,
    pub fingerprint: String,
    pub source: String,
    pub trusted_by: String,
    pub trusted_at: String,
    /// Trusted by this action (false: it was already, nothing written).
    pub new: bool,
    #[ts(type = "number")]
    pub voids_noted: i64,
}

/// A key card to write, or written: where, and what the trusting station compares.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyCardView {
    pub station_code: String,
    pub station_name: String,
    pub fingerprint: String,
    pub path: String,
}

impl From<&crate::pharmacy::trust::KeyCardExport> for KeyCardView {
    fn from(k: &crate::pharmacy::trust::KeyCardExport) -> Self {
        KeyCardView {
            station_code: k.station_code.clone(),
            station_name: k.station_name.clone(),
            fingerprint: k.fingerprint.clone(),
            path: k.path.display().to_string(),
        }
    }
}

fn milli(m: i64) -> String {
    crate::catalog::price::Quantity::from_milli(m)
        .map(|q| q.text())
        .unwrap_or_else(|_| "0".into())
}

impl From<&Dispensing> for DispensingView {
    fn from(d: &Dispensing) -> Self {
        DispensingView {
            kind: d.kind.key().into(),
            at: stamp(d.at),
            by: d.by.clone(),
            approver: d.approver.clone(),
            reason: d.reason.clone(),
            slip_no: d.slip_no.clone(),
            slip_payload: d.slip_payload.clone(),
            lines: d
                .lines
                .iter()
                .map(|(n, q)| DispensedLineView { n: *n, quantity: q.text() })
                .collect(),
        }
    }
}

impl From<&Scan> for ScanView {
    fn from(s: &Scan) -> Self {
        ScanView {
            kind: s.kind.key().into(),
            station: s.station.clone(),
            station_name: s.station_name.clone(),
            receipt_no: s.receipt_no.clone(),
            patient: s.patient.clone(),
            time: stamp(s.issued),
            total_fen: s.total.get(),
            lines: s
                .lines
                .iter()
                .map(|l| ScanLineView {
                    n: l.line.line_no,
                    code: l.line.code.clone(),
                    short_name: l.line.short.clone(),
                    quantity: l.line.qty.text(),
                    dispensed: milli(l.dispensed_milli),
                    returned: milli(l.returned_milli),
                })
                .collect(),
            dispensed_before: s.dispensed_before(),
            already: s.history.iter().map(DispensingView::from).collect(),
        }
    }
}

/// A scanned return slip (退药单) as the counter's refund form shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReturnSlipView {
    pub slip_no: String,
    pub pharmacy: String,
    pub receipt_no: String,
    pub pharmacist: String,
    /// What the refund records as 退药确认.
    pub drug_return_by: String,
    pub lines: Vec<DispensedLineView>,
}

impl From<&super::slip::Slip> for ReturnSlipView {
    fn from(s: &super::slip::Slip) -> Self {
        ReturnSlipView {
            slip_no: s.slip_no.clone(),
            pharmacy: s.pharmacy.clone(),
            receipt_no: s.receipt_no.clone(),
            pharmacist: s.pharmacist.clone(),
            drug_return_by: s.drug_return_by(),
            lines: s
                .lines
                .iter()
                .map(|l| DispensedLineView {
                    n: l.line_no,
                    quantity: l.qty.text(),
                })
                .collect(),
        }
    }
}

impl TrustedStationView {
    pub fn of(t: &TrustedStation, new: bool, voids_noted: usize) -> Self {
        TrustedStationView {
            station_code: t.station_code.clone(),
            station_name: t.station_name.clone(),
            hospital: t.hospital.clone(),
            fingerprint: t.fingerprint.clone(),
            source: t.source.clone(),
            trusted_by: t.trusted_by.clone(),
            trusted_at: stamp(t.trusted_at),
            new,
            voids_noted: voids_noted as i64,
        }
    }
}

impl From<&Trusted> for TrustedStationView {
    fn from(t: &Trusted) -> Self {
        TrustedStationView::of(&t.station, t.new, t.voids_noted)
    }
}
