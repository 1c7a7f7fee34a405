//! What finance keeps of a batch, taken from its journal payloads while the core's verifier
//! reads them: receipts with their tenders (signed, as the batch's own totals sign them),
//! voids, patients and their corrections (names and phone numbers for the worklists),
//! admissions and their cancellations, and the working-day years the station imported.
//! Only the records a verified batch holds are ever stored.

use downtime_core::batch::payload::{Rec, Row};
use downtime_core::batch::tally::receipt_sign;
use downtime_core::batch::Entry;
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

/// SHA-256 of the row as the station journalled it (canonical JSON): its own text in the
/// payload the verifier proved.
fn content(row: &Row<'_>) -> String {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(row.text().unwrap_or_default().as_bytes()), &mut hex).expect("64 hex digits");
    String::from_utf8_lossy(&hex).into_owned()
}

impl Extract {
    /// Takes what finance needs from one journal entry. Only the rows of the tables below are
    /// read into fields; every other row (receipt lines, mostly) is only skimmed.
    pub fn add(&mut self, entry: &Entry<'_>) {
        let first_receipt = self.receipts.len();
        for (table, row) in entry.rows() {
            let owned = |k: &str| row.rec().text(k).to_string();
            let opt = |k: &str| row.rec().text_opt(k).map(str::to_string);
            let int = |k: &str| row.rec().int(k);
            match table {
                "receipt" => {
                    let kind = owned("kind");
                    if kind == "refund" {
                        self.drug_refund(entry, row.rec());
                    }
                    self.receipts.push(ReceiptRow {
                        id: owned("id"),
                        seq: int("seq"),
                        receipt_no: owned("receipt_no"),
                        total_fen: receipt_sign(&kind) * int("total_fen"),
                        kind,
                        tenders: BTreeMap::new(),
                        occurred_at: owned("occurred_at"),
                        patient_id: owned("patient_id"),
                        admission_id: opt("admission_id"),
                        refund_of: opt("refund_of"),
                        insured: int("insured") == 1,
                        insurance: owned("insurance"),
                        insurance_no: owned("insurance_no"),
                        content_sha256: content(row),
                    })
                }
                "receipt_void" => self.voids.push(VoidRow {
                    receipt_id: owned("receipt_id"),
                    reason: owned("reason"),
                    at: owned("at"),
                }),
                "patient" => self.patients.push(PatientRow {
                    id: owned("id"),
                    downtime_no: owned("downtime_no"),
                    name: owned("name"),
                    phone: owned("phone"),
                    insurance: owned("insurance"),
                    insurance_no: owned("insurance_no"),
                    content_sha256: content(row),
                }),
                "patient_correction" => self.corrections.push(CorrectionRow {
                    id: owned("id"),
                    patient_id: owned("patient_id"),
                    name: owned("name"),
                    phone: owned("phone"),
                    at: owned("at"),
                }),
                "admission" => self.admissions.push(AdmissionRow {
                    id: owned("id"),
                    inpatient_no: owned("inpatient_no"),
                    patient_id: owned("patient_id"),
                    dept_name: owned("dept_name"),
                    admitted_at: owned("admitted_at"),
                    insurance: owned("insurance"),
                    insurance_no: owned("insurance_no"),
                    convert_to_insured: int("convert_to_insured") == 1,
                    content_sha256: content(row),
                }),
                "admission_cancel" => self.cancels.push(CancelRow {
                    admission_id: owned("admission_id"),
                    at: owned("at"),
                }),
                "calendar_year" => self.calendar.push(CalendarRow {
                    id: owned("id"),
                    year: int("year"),
                    json: owned("json"),
                    imported_at: owned("imported_at"),
                }),
                "dispensing" => self.pharmacy.push(PharmacyRow {
                    id: owned("id"),
                    kind: owned("kind"),
                    issuer_station: owned("issuer_station"),
                    receipt: owned("receipt_no"),
                    slip_no: opt("slip_no"),
                    at: owned("at"),
                }),
                _ => {}
            }
        }
        // A tender travels in the entry of its receipt, and takes its sign.
        for (table, row) in entry.rows() {
            if table != "tender" {
                continue;
            }
            let t = row.rec();
            if let Some(r) = self.receipts[first_receipt..].iter_mut().find(|r| r.id == t.text("receipt_id")) {
                let sign = receipt_sign(&r.kind);
                *r.tenders.entry(t.text("method").to_string()).or_default() += sign * t.int("amount_fen");
            }
        }
    }

    /// A counter's refund that gave drugs back (a line of it is a drug) joins the pharmacy
    /// check, with the return slip its `drug_return_by` names.
    fn drug_refund(&mut self, entry: &Entry<'_>, r: &Rec<'_>) {
        let id = r.text("id");
        let drugs = entry
            .rows()
            .any(|(t, l)| t == "receipt_line" && l.rec().text("receipt_id") == id && l.rec().int("is_drug") == 1);
        if drugs {
            self.pharmacy.push(PharmacyRow {
                id: id.to_string(),
                kind: "drug_refund".into(),
                issuer_station: String::new(),
                receipt: r.text("refund_of").to_string(),
                slip_no: r.text_opt("drug_return_by").and_then(slip_named),
                at: r.text("occurred_at").to_string(),
            });
        }
    }
}
