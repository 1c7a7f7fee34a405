//! `fhir-bundle.json`: the batch as an HL7 FHIR R4 (4.0.1) transaction Bundle that an HIS
//! interface can post. Contract:
//! - Patient (downtime number, resident ID, HIS ID as identifiers), Encounter (a visit or an
//!   admission), ChargeItem (one per charged line: quantity, price, fee category, catalog
//!   code), Invoice (one per charge or refund receipt, referencing its ChargeItems, status
//!   `balanced` or `cancelled`), Account (one per admission, carrying its deposits).
//! - Every resource's id is its record's UUID (a receipt line and an admission's account,
//!   which have none of their own, get a UUID derived from their receipt or admission) and it
//!   carries that UUID as the identifier `urn:ietf:rfc:3986|urn:uuid:…`. Every entry creates
//!   conditionally on it (`ifNoneExist`), so posting the bundle twice creates nothing twice.
//!   Three things a create cannot express update conditionally instead (`PUT
//!   Type?identifier=…`, just as harmless to repeat): an Account (its deposits grow batch by
//!   batch, so each batch sends the account as it stands at the batch's end), and an
//!   Invoice or Encounter posted in an earlier batch and voided or cancelled in this one.
//! - Records this bundle refers to but an earlier batch created (a returning patient, the
//!   receipt a refund pays back) are included again, conditionally: the bundle stands alone.
//! - A patient appears once, as they stand at the end of the batch: with the newest
//!   correction (更正: a whole corrected record) made up to its last entry, and with
//!   `Patient.link` for each merge (合并) made up to then — `replaced-by` (and `active` false)
//!   on the record merged away, `replaces` on the one it was merged into, both in the bundle.
//!   A corrected or merged patient is sent by conditional update (`PUT`), since an earlier
//!   batch may have created them; later corrections never reach a re-rendering.
//! - Payment tenders, deposit movements and the outage marker go in the extensions named
//!   below (`urn:downtime-desk:fhir:extension:*`, documented in ARCHITECTURE.md).
//! - A record that cannot be mapped (an impossible birth date, a kind of record this build
//!   has no mapping for) is left out with the reason, and so is everything that needs it; the
//!   batch still carries it in `records.jsonl` and the CSVs, and the manifest lists it under
//!   `exceptions`.
//! - The JSON is RFC 8785 canonical, written straight to the file resource by resource
//!   (`json.rs`); decimals (money, quantities) are written as ECMAScript writes numbers
//!   (`12.5`, `12`), which is what JCS requires.
//!
//! This file holds the bundle's frame and the dispatch of each journal row; `patients.rs`
//! the Patient, `encounters.rs` the Encounters, `invoices.rs` an Invoice with its
//! ChargeItems, `accounts.rs` the admissions' Accounts.

mod accounts;
mod encounters;
mod invoices;
mod json;
mod patients;

use super::lookup::{s, Lookup};
use super::sink::Hashed;
use crate::batch::payload::{Payload, Rec};
use crate::batch::{Exception, FileEntry};
use crate::error::Result;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use json::{object, Obj, URN};
use std::io::Write;
use std::path::Path;

pub(crate) use patients::PatientsAsOf;

pub(crate) const NAME: &str = "fhir-bundle.json";

const ID_SYSTEM: &str = "urn:ietf:rfc:3986";
const SYS_DOWNTIME_NO: &str = "urn:downtime-desk:id:downtime-number";
const SYS_RESIDENT_ID: &str = "urn:downtime-desk:id:resident-id";
const SYS_HIS_PATIENT: &str = "urn:downtime-desk:id:his-patient-id";
const SYS_RECEIPT_NO: &str = "urn:downtime-desk:id:receipt-number";
const SYS_INPATIENT_NO: &str = "urn:downtime-desk:id:inpatient-number";
const SYS_CATALOG: &str = "urn:downtime-desk:code:catalog-item";
const SYS_FEE_CATEGORY: &str = "urn:downtime-desk:code:fee-category";
const SYS_METHOD: &str = "urn:downtime-desk:code:tender-method";
const SYS_DEPT: &str = "urn:downtime-desk:code:department";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// Tables whose records have no place in the bundle (they are not patient or money facts).
const NOT_FOR_FHIR: &[&str] = &[
    "station",
    "operator",
    "setting",
    "outage",
    "outage_end",
    "shift",
    "shift_close",
    "catalog_version",
    "patient_snapshot",
    "department",
    "calendar_year",
    "receipt_print",
    "print_outcome",
    // A cashier's paper invoice book: the numbers used travel on the receipts.
    "paper_book",
    "document_print",
    "admission_transfer",
    "export_batch",
    // The hospital's registration types and which price-list version is in force: settings.
    "reg_type",
    "catalog_activation",
];

pub(crate) struct Fhir {
    out: Hashed,
    /// The Bundle's keys after `entry`, written at the end.
    tail: String,
    /// One entry's text, reused.
    scratch: String,
    entries: usize,
    /// Resources already in the bundle, by id (but ChargeItems: see `put`).
    emitted: HashSet<String>,
    /// Records left out, by id, with the reason (for their dependants).
    failed: HashMap<String, String>,
    /// Admissions whose account the bundle must carry, in the order first met (and as a set,
    /// to ask whether one is there already).
    accounts: Vec<String>,
    accounts_met: HashSet<String>,
    /// Receipts voided, and visits and admissions cancelled, as of the batch's end.
    voided: HashSet<String>,
    cancelled: HashSet<String>,
    pub(crate) exceptions: Vec<Exception>,
    batch_receipt_seq_last: i64,
    patients: PatientsAsOf,
}

impl Fhir {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create(
        dir: &Path,
        batch_id: &str,
        folder: &str,
        created_at: &str,
        voided: HashSet<String>,
        cancelled: HashSet<String>,
        receipt_seq_last: i64,
        patients: PatientsAsOf,
    ) -> Result<Fhir> {
        let mut out = Hashed::create(dir, NAME)?;
        // The Bundle's keys in canonical order: "entry" first, the rest written at the end.
        out.write_all(b"{\"entry\":[")?;
        let mut rest = String::new();
        object(&mut rest, |o| {
            o.str("id", batch_id)
                .obj("identifier", |o| {
                    o.str("system", ID_SYSTEM).concat("value", &[URN, batch_id]);
                })
                .obj("meta", |o| {
                    o.arr("tag", |a| {
                        a.obj_kept(|o| {
                            o.str("code", folder).concat("system", &[json::EXT, "batch"]);
                        });
                    });
                })
                .str("resourceType", "Bundle")
                .str("timestamp", created_at)
                .str("type", "transaction");
        });
        // `{"id":…}` without its opening brace follows `],`.
        let tail = format!("],{}", &rest[1..]);
        Ok(Fhir {
            out,
            tail,
            scratch: String::with_capacity(8192),
            entries: 0,
            emitted: HashSet::new(),
            failed: HashMap::new(),
            accounts: Vec::new(),
            accounts_met: HashSet::new(),
            voided,
            cancelled,
            exceptions: Vec::new(),
            batch_receipt_seq_last: receipt_seq_last,
            patients,
        })
    }

    /// Writes one entry: `resource` fills the resource object (its keys in canonical order);
    /// the entry creates it conditionally, or with `update` updates it conditionally.
    fn put(&mut self, resource_type: &str, id: &str, update: bool, resource: impl FnOnce(&mut Obj<'_>)) -> Result<()> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        if self.entries > 0 {
            text.push(',');
        }
        let query = [resource_type, "?", "identifier=", ID_SYSTEM, "|", URN, id];
        object(&mut text, |o| {
            o.concat("fullUrl", &[URN, id]);
            o.obj("request", |o| {
                if update {
                    o.str("method", "PUT").concat("url", &query);
                } else {
                    o.concat("ifNoneExist", &query[2..]).str("method", "POST").str("url", resource_type);
                }
            });
            o.obj("resource", resource);
        });
        self.out.write_all(text.as_bytes())?;
        self.scratch = text;
        self.entries += 1;
        // A ChargeItem is never looked for again (nothing refers to one but its Invoice,
        // written next): keeping the ids of every line would make memory grow with the batch.
        if resource_type != "ChargeItem" {
            self.emitted.insert(id.to_string());
        }
        Ok(())
    }

    fn exception(&mut self, table: &str, id: &str, seq: i64, zh: String, en: String) {
        self.failed.insert(id.to_string(), zh.clone());
        self.exceptions.push(Exception {
            table: table.to_string(),
            record_id: id.to_string(),
            journal_seq: seq,
            reason: zh,
            reason_en: en,
        });
    }

    fn dependant_failed(&mut self, table: &str, id: &str, seq: i64, why: String) {
        self.exception(
            table,
            id,
            seq,
            format!("依赖的记录无法转换：{why}"),
            format!("A record it depends on cannot be mapped: {why}"),
        );
    }

    /// Maps the rows of one journal entry.
    pub(crate) fn entry(&mut self, lk: &Lookup<'_>, seq: i64, payload: &Payload<'_>) -> Result<()> {
        for (table, row) in payload.rows() {
            match table {
                "patient" => {
                    self.patient(lk, row, seq)?;
                }
                "patient_correction" => {
                    if let Some(why) = self.need_patient(lk, s(row, "patient_id"), seq)? {
                        self.dependant_failed("patient_correction", s(row, "id"), seq, why);
                    }
                }
                "patient_merge" => {
                    for key in ["merged_id", "into_id"] {
                        if let Some(why) = self.need_patient(lk, s(row, key), seq)? {
                            self.dependant_failed("patient_merge", s(row, "id"), seq, why);
                            break;
                        }
                    }
                }
                "registration" => {
                    self.encounter_of_visit(lk, row, seq, false)?;
                }
                "registration_cancel" => {
                    let id = s(row, "registration_id");
                    if !self.emitted.contains(id) {
                        if let Some(reg) = lk.row("registration", "id", id)? {
                            self.encounter_of_visit(lk, &reg, seq, true)?;
                        }
                    }
                }
                "receipt" => match s(row, "kind") {
                    "deposit" | "deposit_refund" => self.touch_account(s(row, "admission_id")),
                    _ => {
                        self.invoice(lk, row, seq, false, Some(payload))?;
                    }
                },
                "receipt_void" => {
                    let id = s(row, "receipt_id");
                    if let Some(r) = lk.receipt(id)? {
                        match s(&r, "kind") {
                            "deposit" | "deposit_refund" => self.touch_account(s(&r, "admission_id")),
                            _ if !self.emitted.contains(id) => {
                                self.invoice(lk, &r, seq, true, None)?;
                            }
                            _ => {}
                        }
                    }
                }
                "admission" => {
                    self.encounter_of_admission(lk, row, seq, false)?;
                    self.touch_account(s(row, "id"));
                }
                "admission_cancel" => {
                    let id = s(row, "admission_id");
                    if !self.emitted.contains(id) {
                        if let Some(a) = lk.row("admission", "id", id)? {
                            self.encounter_of_admission(lk, &a, seq, true)?;
                        }
                    }
                    self.touch_account(id);
                }
                "receipt_line" | "tender" => {}
                t if NOT_FOR_FHIR.contains(&t) => {}
                other => {
                    let id = ["id", "receipt_id", "patient_id"]
                        .iter()
                        .map(|k| s(row, k))
                        .find(|v| !v.is_empty())
                        .unwrap_or("")
                        .to_string();
                    self.exception(
                        other,
                        &id,
                        seq,
                        format!("本版本没有把“{other}”记录转换为 FHIR 的规则"),
                        format!("This build has no FHIR mapping for records of \"{other}\""),
                    );
                }
            }
        }
        Ok(())
    }

    fn touch_account(&mut self, admission_id: &str) {
        if !admission_id.is_empty() && !self.accounts_met.contains(admission_id) {
            self.accounts_met.insert(admission_id.to_string());
            self.accounts.push(admission_id.to_string());
        }
    }

    pub(crate) fn finish(mut self, lk: &Lookup<'_>, last_seq: i64) -> Result<(FileEntry, Vec<Exception>)> {
        self.accounts(lk, last_seq)?;
        let tail = std::mem::take(&mut self.tail);
        self.out.write_all(tail.as_bytes())?;
        Ok((self.out.finish()?, self.exceptions))
    }
}

/// The outage marker of a record made during an outage (nothing for one made outside).
fn outage_ext(a: &mut json::Arr<'_>, row: &Rec<'_>) {
    let outage = s(row, "outage_id");
    if !outage.is_empty() {
        a.ext_complex("outage", |a| {
            a.part_str("id", "valueString", outage, false);
        });
    }
}
