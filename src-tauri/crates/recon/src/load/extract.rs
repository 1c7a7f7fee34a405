//! What finance keeps of a batch, taken from its journal payloads while the core's verifier
//! reads them: receipts with their tenders (signed, as the batch's own totals sign them),
//! voids, patients and their corrections (names and phone numbers for the worklists),
//! admissions and their cancellations, and the working-day years the station imported.
//! Only the records a verified batch holds are ever stored.

use downtime_core::batch::rows::{Int, Row, Str};
use downtime_core::batch::tally::receipt_sign;
use downtime_core::batch::Entry;
use serde::Deserialize;
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

/// Reads a row's fields as `T` declares them (lenient, as `serde_json::Value`'s accessors).
fn read<'a, T: Deserialize<'a> + Default>(row: Row<'a>) -> T {
    row.parse().unwrap_or_default()
}

/// SHA-256 of the row as the station journalled it (canonical JSON).
fn content(row: Row<'_>) -> String {
    hex::encode(Sha256::digest(row.canonical().as_bytes()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReceiptIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    seq: Int,
    #[serde(borrow)]
    receipt_no: Str<'a>,
    #[serde(borrow)]
    kind: Str<'a>,
    total_fen: Int,
    #[serde(borrow)]
    occurred_at: Str<'a>,
    #[serde(borrow)]
    patient_id: Str<'a>,
    #[serde(borrow)]
    admission_id: Str<'a>,
    #[serde(borrow)]
    refund_of: Str<'a>,
    insured: Int,
    #[serde(borrow)]
    insurance: Str<'a>,
    #[serde(borrow)]
    insurance_no: Str<'a>,
    #[serde(borrow)]
    drug_return_by: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VoidIn<'a> {
    #[serde(borrow)]
    receipt_id: Str<'a>,
    #[serde(borrow)]
    reason: Str<'a>,
    #[serde(borrow)]
    at: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PatientIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    downtime_no: Str<'a>,
    #[serde(borrow)]
    name: Str<'a>,
    #[serde(borrow)]
    phone: Str<'a>,
    #[serde(borrow)]
    insurance: Str<'a>,
    #[serde(borrow)]
    insurance_no: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CorrectionIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    patient_id: Str<'a>,
    #[serde(borrow)]
    name: Str<'a>,
    #[serde(borrow)]
    phone: Str<'a>,
    #[serde(borrow)]
    at: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AdmissionIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    inpatient_no: Str<'a>,
    #[serde(borrow)]
    patient_id: Str<'a>,
    #[serde(borrow)]
    dept_name: Str<'a>,
    #[serde(borrow)]
    admitted_at: Str<'a>,
    #[serde(borrow)]
    insurance: Str<'a>,
    #[serde(borrow)]
    insurance_no: Str<'a>,
    convert_to_insured: Int,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CancelIn<'a> {
    #[serde(borrow)]
    admission_id: Str<'a>,
    #[serde(borrow)]
    at: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CalendarIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    year: Int,
    #[serde(borrow)]
    json: Str<'a>,
    #[serde(borrow)]
    imported_at: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DispensingIn<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    kind: Str<'a>,
    #[serde(borrow)]
    issuer_station: Str<'a>,
    #[serde(borrow)]
    receipt_no: Str<'a>,
    #[serde(borrow)]
    slip_no: Str<'a>,
    #[serde(borrow)]
    at: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LineIn<'a> {
    #[serde(borrow)]
    receipt_id: Str<'a>,
    is_drug: Int,
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

impl Extract {
    /// Takes what finance needs from one journal entry.
    pub fn add(&mut self, entry: &Entry<'_>) {
        let first_receipt = self.receipts.len();
        for (table, row) in entry.rows() {
            match table {
                "receipt" => {
                    let r: ReceiptIn = read(row);
                    let kind = r.kind.owned();
                    if kind == "refund" {
                        self.drug_refund(entry, &r);
                    }
                    self.receipts.push(ReceiptRow {
                        id: r.id.owned(),
                        seq: r.seq.0,
                        receipt_no: r.receipt_no.owned(),
                        total_fen: receipt_sign(&kind) * r.total_fen.0,
                        kind,
                        tenders: BTreeMap::new(),
                        occurred_at: r.occurred_at.owned(),
                        patient_id: r.patient_id.owned(),
                        admission_id: r.admission_id.opt(),
                        refund_of: r.refund_of.opt(),
                        insured: r.insured.0 == 1,
                        insurance: r.insurance.owned(),
                        insurance_no: r.insurance_no.owned(),
                        content_sha256: content(row),
                    })
                }
                "receipt_void" => {
                    let v: VoidIn = read(row);
                    self.voids.push(VoidRow {
                        receipt_id: v.receipt_id.owned(),
                        reason: v.reason.owned(),
                        at: v.at.owned(),
                    })
                }
                "patient" => {
                    let p: PatientIn = read(row);
                    self.patients.push(PatientRow {
                        id: p.id.owned(),
                        downtime_no: p.downtime_no.owned(),
                        name: p.name.owned(),
                        phone: p.phone.owned(),
                        insurance: p.insurance.owned(),
                        insurance_no: p.insurance_no.owned(),
                        content_sha256: content(row),
                    })
                }
                "patient_correction" => {
                    let c: CorrectionIn = read(row);
                    self.corrections.push(CorrectionRow {
                        id: c.id.owned(),
                        patient_id: c.patient_id.owned(),
                        name: c.name.owned(),
                        phone: c.phone.owned(),
                        at: c.at.owned(),
                    })
                }
                "admission" => {
                    let a: AdmissionIn = read(row);
                    self.admissions.push(AdmissionRow {
                        id: a.id.owned(),
                        inpatient_no: a.inpatient_no.owned(),
                        patient_id: a.patient_id.owned(),
                        dept_name: a.dept_name.owned(),
                        admitted_at: a.admitted_at.owned(),
                        insurance: a.insurance.owned(),
                        insurance_no: a.insurance_no.owned(),
                        convert_to_insured: a.convert_to_insured.0 == 1,
                        content_sha256: content(row),
                    })
                }
                "admission_cancel" => {
                    let c: CancelIn = read(row);
                    self.cancels.push(CancelRow {
                        admission_id: c.admission_id.owned(),
                        at: c.at.owned(),
                    })
                }
                "calendar_year" => {
                    let y: CalendarIn = read(row);
                    self.calendar.push(CalendarRow {
                        id: y.id.owned(),
                        year: y.year.0,
                        json: y.json.owned(),
                        imported_at: y.imported_at.owned(),
                    })
                }
                "dispensing" => {
                    let d: DispensingIn = read(row);
                    self.pharmacy.push(PharmacyRow {
                        id: d.id.owned(),
                        kind: d.kind.owned(),
                        issuer_station: d.issuer_station.owned(),
                        receipt: d.receipt_no.owned(),
                        slip_no: d.slip_no.opt(),
                        at: d.at.owned(),
                    })
                }
                _ => {}
            }
        }
        // A tender travels in the entry of its receipt, and takes its sign.
        for (table, row) in entry.rows() {
            if table != "tender" {
                continue;
            }
            let t: TenderIn = read(row);
            if let Some(r) = self.receipts[first_receipt..].iter_mut().find(|r| r.id == t.receipt_id.text()) {
                let sign = receipt_sign(&r.kind);
                *r.tenders.entry(t.method.owned()).or_default() += sign * t.amount_fen.0;
            }
        }
    }

    /// A counter's refund that gave drugs back (a line of it is a drug) joins the pharmacy
    /// check, with the return slip its `drug_return_by` names.
    fn drug_refund(&mut self, entry: &Entry<'_>, r: &ReceiptIn<'_>) {
        let id = r.id.text();
        let drugs = entry.rows().any(|(t, l)| {
            t == "receipt_line" && {
                let l: LineIn = read(l);
                l.receipt_id.text() == id && l.is_drug.0 == 1
            }
        });
        if drugs {
            self.pharmacy.push(PharmacyRow {
                id: id.to_string(),
                kind: "drug_refund".into(),
                issuer_station: String::new(),
                receipt: r.refund_of.owned(),
                slip_no: r.drug_return_by.0.as_deref().and_then(slip_named),
                at: r.occurred_at.owned(),
            });
        }
    }
}
