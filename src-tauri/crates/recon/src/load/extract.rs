//! What finance keeps of a batch, taken from its journal payloads while the core's verifier
//! reads them: receipts with their tenders (signed, as the batch's own totals sign them),
//! voids, patients and their corrections (names and phone numbers for the worklists),
//! admissions and their cancellations, and the working-day years the station imported.
//! Only the records a verified batch holds are ever stored.

use downtime_core::batch::tally::receipt_sign;
use downtime_core::batch::Record;
use downtime_core::jcs;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub id: String,
    pub seq: i64,
    pub receipt_no: String,
    pub kind: String,
    /// Signed: money paid back is negative.
    pub total_fen: i64,
    /// Signed fen per tender method.
    pub tenders: BTreeMap<String, i64>,
    pub occurred_at: String,
    pub patient_id: String,
    pub admission_id: Option<String>,
    pub refund_of: Option<String>,
    pub insured: bool,
    pub insurance: String,
    pub insurance_no: String,
    pub content_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidRow {
    pub receipt_id: String,
    pub reason: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub id: String,
    pub downtime_no: String,
    pub name: String,
    pub phone: String,
    pub insurance: String,
    pub insurance_no: String,
    pub content_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionRow {
    pub id: String,
    pub patient_id: String,
    pub name: String,
    pub phone: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionRow {
    pub id: String,
    pub inpatient_no: String,
    pub patient_id: String,
    pub dept_name: String,
    pub admitted_at: String,
    pub insurance: String,
    pub insurance_no: String,
    pub convert_to_insured: bool,
    pub content_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelRow {
    pub admission_id: String,
    pub at: String,
}

/// A pharmacy's dispensing or return, or a counter's refund that gave drugs back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PharmacyRow {
    pub id: String,
    /// `dispense`, `return` or `drug_refund`.
    pub kind: String,
    pub issuer_station: String,
    pub receipt: String,
    pub slip_no: Option<String>,
    pub at: String,
}

/// The return slip a refund's `drug_return_by` names (`…退药单 YF01-T000001）`).
fn slip_named(text: &str) -> Option<String> {
    let rest = text.split("退药单 ").nth(1)?;
    Some(rest.trim_end_matches('）').to_string()).filter(|s| !s.is_empty())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRow {
    pub id: String,
    pub year: i64,
    pub json: String,
    pub imported_at: String,
}

/// Everything finance keeps of one batch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Extract {
    pub receipts: Vec<ReceiptRow>,
    pub voids: Vec<VoidRow>,
    pub patients: Vec<PatientRow>,
    pub corrections: Vec<CorrectionRow>,
    pub admissions: Vec<AdmissionRow>,
    pub cancels: Vec<CancelRow>,
    pub calendar: Vec<CalendarRow>,
    pub pharmacy: Vec<PharmacyRow>,
}

fn text(row: &Map<String, Value>, key: &str) -> String {
    row.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn opt_text(row: &Map<String, Value>, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_string)
}

fn int(row: &Map<String, Value>, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// SHA-256 of the row as the station journalled it (canonical JSON).
fn content(row: &Map<String, Value>) -> String {
    hex::encode(Sha256::digest(jcs::canonical_object(row).as_bytes()))
}

impl Extract {
    /// Takes what finance needs from one journal entry.
    pub fn add(&mut self, record: &Record) {
        let first_receipt = self.receipts.len();
        for (table, row) in record.rows() {
            match table {
                "receipt" => {
                    let kind = text(row, "kind");
                    self.receipts.push(ReceiptRow {
                        id: text(row, "id"),
                        seq: int(row, "seq"),
                        receipt_no: text(row, "receipt_no"),
                        total_fen: receipt_sign(&kind) * int(row, "total_fen"),
                        kind,
                        tenders: BTreeMap::new(),
                        occurred_at: text(row, "occurred_at"),
                        patient_id: text(row, "patient_id"),
                        admission_id: opt_text(row, "admission_id"),
                        refund_of: opt_text(row, "refund_of"),
                        insured: int(row, "insured") == 1,
                        insurance: text(row, "insurance"),
                        insurance_no: text(row, "insurance_no"),
                        content_sha256: content(row),
                    })
                }
                "receipt_void" => self.voids.push(VoidRow {
                    receipt_id: text(row, "receipt_id"),
                    reason: text(row, "reason"),
                    at: text(row, "at"),
                }),
                "patient" => self.patients.push(PatientRow {
                    id: text(row, "id"),
                    downtime_no: text(row, "downtime_no"),
                    name: text(row, "name"),
                    phone: text(row, "phone"),
                    insurance: text(row, "insurance"),
                    insurance_no: text(row, "insurance_no"),
                    content_sha256: content(row),
                }),
                "patient_correction" => self.corrections.push(CorrectionRow {
                    id: text(row, "id"),
                    patient_id: text(row, "patient_id"),
                    name: text(row, "name"),
                    phone: text(row, "phone"),
                    at: text(row, "at"),
                }),
                "admission" => self.admissions.push(AdmissionRow {
                    id: text(row, "id"),
                    inpatient_no: text(row, "inpatient_no"),
                    patient_id: text(row, "patient_id"),
                    dept_name: text(row, "dept_name"),
                    admitted_at: text(row, "admitted_at"),
                    insurance: text(row, "insurance"),
                    insurance_no: text(row, "insurance_no"),
                    convert_to_insured: int(row, "convert_to_insured") == 1,
                    content_sha256: content(row),
                }),
                "admission_cancel" => self.cancels.push(CancelRow {
                    admission_id: text(row, "admission_id"),
                    at: text(row, "at"),
                }),
                _ => {}
            }
        }
        for (table, row) in record.rows() {
            match table {
                "calendar_year" => self.calendar.push(CalendarRow {
                    id: text(row, "id"),
                    year: int(row, "year"),
                    json: text(row, "json"),
                    imported_at: text(row, "imported_at"),
                }),
                "dispensing" => self.pharmacy.push(PharmacyRow {
                    id: text(row, "id"),
                    kind: text(row, "kind"),
                    issuer_station: text(row, "issuer_station"),
                    receipt: text(row, "receipt_no"),
                    slip_no: opt_text(row, "slip_no"),
                    at: text(row, "at"),
                }),
                "receipt" if text(row, "kind") == "refund" => {
                    let id = text(row, "id");
                    let drugs = record
                        .rows()
                        .any(|(t, l)| t == "receipt_line" && text(l, "receipt_id") == id && int(l, "is_drug") == 1);
                    if drugs {
                        self.pharmacy.push(PharmacyRow {
                            id: id.clone(),
                            kind: "drug_refund".into(),
                            issuer_station: String::new(),
                            receipt: text(row, "refund_of"),
                            slip_no: opt_text(row, "drug_return_by").as_deref().and_then(slip_named),
                            at: text(row, "occurred_at"),
                        });
                    }
                }
                _ => {}
            }
        }
        // A tender travels in the entry of its receipt, and takes its sign.
        for (table, row) in record.rows() {
            if table != "tender" {
                continue;
            }
            let receipt_id = row.get("receipt_id").and_then(Value::as_str).unwrap_or("");
            if let Some(r) = self.receipts[first_receipt..].iter_mut().find(|r| r.id == receipt_id) {
                let sign = receipt_sign(&r.kind);
                *r.tenders.entry(text(row, "method")).or_default() += sign * int(row, "amount_fen");
            }
        }
    }
}
