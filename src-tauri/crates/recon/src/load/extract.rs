//! What finance keeps of a batch, taken from its journal payloads while the core's verifier
//! reads them: receipts with their tenders (signed, as the batch's own totals sign them),
//! voids, patients and their corrections (names and phone numbers for the worklists),
//! admissions and their cancellations, and the working-day years the station imported.
//! Only the records a verified batch holds are ever stored.
//!
//! The texts of the bulk rows (receipts, patients, admissions) are kept one after another in
//! one buffer of the batch ([`Extract::text`] reads a [`Span`] of it) rather than a `String`
//! each: a batch of 10,000 receipts is then a few allocations instead of some 150,000 made on
//! a verifier thread and freed on the writer's.

use downtime_core::batch::payload::{Rec, Row};
use downtime_core::batch::tally::receipt_sign;
use downtime_core::batch::Entry;
use downtime_core::sha_pair::Sha256Pair;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// The tables whose rows finance reads into fields; every other row (receipt lines, mostly) is
/// only skimmed, never parsed into a record.
const KEPT_TABLES: [&str; 8] = [
    "receipt",
    "receipt_void",
    "patient",
    "patient_correction",
    "admission",
    "admission_cancel",
    "calendar_year",
    "dispensing",
];

/// The place a content hash takes in the buffer until it is written: 64 hex digits.
const HASH_ROOM: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A text of a row, in the batch's buffer ([`Extract::text`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub id: Span,
    pub seq: i64,
    pub receipt_no: Span,
    pub kind: Span,
    /// Signed: money paid back is negative.
    pub total_fen: i64,
    /// Signed fen per tender method, methods in byte order, each once: a range of
    /// [`Extract::tenders`].
    pub tenders: Range<usize>,
    pub occurred_at: Span,
    pub patient_id: Span,
    pub admission_id: Option<Span>,
    pub refund_of: Option<Span>,
    pub insured: bool,
    pub insurance: Span,
    pub insurance_no: Span,
    pub content_sha256: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidRow {
    pub receipt_id: String,
    pub reason: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub id: Span,
    pub downtime_no: Span,
    pub name: Span,
    pub phone: Span,
    pub insurance: Span,
    pub insurance_no: Span,
    pub content_sha256: Span,
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
    pub id: Span,
    pub inpatient_no: Span,
    pub patient_id: Span,
    pub dept_name: Span,
    pub admitted_at: Span,
    pub insurance: Span,
    pub insurance_no: Span,
    pub convert_to_insured: bool,
    pub content_sha256: Span,
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
    /// The texts of the receipts, patients and admissions, one after another.
    texts: String,
    /// The receipts' tenders (method, signed fen), each receipt's a range.
    pub tenders: Vec<(Span, i64)>,
    pub receipts: Vec<ReceiptRow>,
    pub voids: Vec<VoidRow>,
    pub patients: Vec<PatientRow>,
    pub corrections: Vec<CorrectionRow>,
    pub admissions: Vec<AdmissionRow>,
    pub cancels: Vec<CancelRow>,
    pub calendar: Vec<CalendarRow>,
    pub pharmacy: Vec<PharmacyRow>,
    /// A row whose content hash waits for the next row's, to be hashed beside it: its text and
    /// where its hash goes ([`Extract::content`]).
    waiting: Option<(String, Span)>,
}

impl Extract {
    /// The text `span` of a row of this batch.
    pub fn text(&self, span: Span) -> &str {
        &self.texts[span.start..span.end]
    }

    fn keep(&mut self, text: &str) -> Span {
        let start = self.texts.len();
        self.texts.push_str(text);
        Span {
            start,
            end: self.texts.len(),
        }
    }

    /// SHA-256 of the row as the station journalled it (canonical JSON): its own text in the
    /// payload the verifier proved, in lowercase hex. The hashes of two rows are computed side by
    /// side (`Sha256Pair`): the first row's text waits, copied, for the second's; its place in
    /// the buffer is kept for it meanwhile, and [`Extract::finish`] hashes a last row alone.
    fn content(&mut self, row: &Row<'_>) -> Span {
        let text = row.text().unwrap_or_default();
        let span = self.keep(HASH_ROOM);
        match self.waiting.take() {
            None => self.waiting = Some((text.to_string(), span)),
            Some((first, first_span)) => {
                let mut pair = Sha256Pair::new();
                pair.update(first.as_bytes(), text.as_bytes());
                let (a, b) = pair.finish();
                self.put_hex(first_span, &a);
                self.put_hex(span, &b);
            }
        }
        span
    }

    /// Writes `digest` in lowercase hex into its place `span` (64 bytes kept for it).
    fn put_hex(&mut self, span: Span, digest: &[u8; 32]) {
        let mut hex = [0u8; 64];
        hex::encode_to_slice(digest, &mut hex).expect("64 hex digits");
        self.texts
            .replace_range(span.start..span.end, std::str::from_utf8(&hex).expect("hex is ASCII"));
    }

    /// Hashes the row still waiting for a second, if any: call once the batch's last entry is in.
    pub fn finish(&mut self) {
        if let Some((text, span)) = self.waiting.take() {
            self.put_hex(span, &Sha256::digest(text.as_bytes()).into());
        }
    }

    /// Takes what finance needs from one journal entry ([`KEPT_TABLES`]). Only the rows of the tables below are
    /// read into fields; every other row (receipt lines, mostly) is only skimmed.
    pub fn add(&mut self, entry: &Entry<'_>) {
        let first_receipt = self.receipts.len();
        // The bulk rows' texts go into the batch's buffer, the few others are owned.
        for (table, row) in entry.rows() {
            if !KEPT_TABLES.contains(&table) {
                continue;
            }
            let rec = row.rec();
            let owned = |k: &str| rec.text(k).to_string();
            let int = |k: &str| rec.int(k);
            match table {
                "receipt" => {
                    let kind = rec.text("kind");
                    if kind == "refund" {
                        self.drug_refund(entry, rec);
                    }
                    let total_fen = receipt_sign(kind) * int("total_fen");
                    let r = ReceiptRow {
                        id: self.keep(rec.text("id")),
                        seq: int("seq"),
                        receipt_no: self.keep(rec.text("receipt_no")),
                        kind: self.keep(kind),
                        total_fen,
                        tenders: 0..0,
                        occurred_at: self.keep(rec.text("occurred_at")),
                        patient_id: self.keep(rec.text("patient_id")),
                        admission_id: rec.text_opt("admission_id").map(|t| self.keep(t)),
                        refund_of: rec.text_opt("refund_of").map(|t| self.keep(t)),
                        insured: int("insured") == 1,
                        insurance: self.keep(rec.text("insurance")),
                        insurance_no: self.keep(rec.text("insurance_no")),
                        content_sha256: self.content(row),
                    };
                    self.receipts.push(r)
                }
                "receipt_void" => self.voids.push(VoidRow {
                    receipt_id: owned("receipt_id"),
                    reason: owned("reason"),
                    at: owned("at"),
                }),
                "patient" => {
                    let p = PatientRow {
                        id: self.keep(rec.text("id")),
                        downtime_no: self.keep(rec.text("downtime_no")),
                        name: self.keep(rec.text("name")),
                        phone: self.keep(rec.text("phone")),
                        insurance: self.keep(rec.text("insurance")),
                        insurance_no: self.keep(rec.text("insurance_no")),
                        content_sha256: self.content(row),
                    };
                    self.patients.push(p)
                }
                "patient_correction" => self.corrections.push(CorrectionRow {
                    id: owned("id"),
                    patient_id: owned("patient_id"),
                    name: owned("name"),
                    phone: owned("phone"),
                    at: owned("at"),
                }),
                "admission" => {
                    let a = AdmissionRow {
                        id: self.keep(rec.text("id")),
                        inpatient_no: self.keep(rec.text("inpatient_no")),
                        patient_id: self.keep(rec.text("patient_id")),
                        dept_name: self.keep(rec.text("dept_name")),
                        admitted_at: self.keep(rec.text("admitted_at")),
                        insurance: self.keep(rec.text("insurance")),
                        insurance_no: self.keep(rec.text("insurance_no")),
                        convert_to_insured: int("convert_to_insured") == 1,
                        content_sha256: self.content(row),
                    };
                    self.admissions.push(a)
                }
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
                    slip_no: rec.text_opt("slip_no").map(str::to_string),
                    at: owned("at"),
                }),
                _ => {}
            }
        }
        // A tender travels in the entry of its receipt, and takes its sign: summed per method,
        // methods in byte order (as a map of them would hold them).
        let mut methods: Vec<(&str, i64)> = Vec::new();
        for i in first_receipt..self.receipts.len() {
            let (id, sign) = {
                let r = &self.receipts[i];
                (r.id, receipt_sign(self.text(r.kind)))
            };
            methods.clear();
            for (table, row) in entry.rows() {
                if table == "tender" && row.rec().text("receipt_id") == self.text(id) {
                    let t = row.rec();
                    let method = t.text("method");
                    let fen = sign * t.int("amount_fen");
                    match methods.iter_mut().find(|(m, _)| *m == method) {
                        Some((_, sum)) => *sum += fen,
                        None => methods.push((method, fen)),
                    }
                }
            }
            // A tender naming a receipt id twice in one entry goes to the first receipt of
            // that id, as a lookup by id would.
            if self.receipts[first_receipt..i].iter().any(|r| self.text(r.id) == self.text(id)) {
                methods.clear();
            }
            methods.sort_by(|a, b| a.0.cmp(b.0));
            let start = self.tenders.len();
            for &(method, fen) in &methods {
                let m = self.keep(method);
                self.tenders.push((m, fen));
            }
            self.receipts[i].tenders = start..self.tenders.len();
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
