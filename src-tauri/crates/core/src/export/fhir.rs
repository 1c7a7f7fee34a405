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
//! - The JSON is RFC 8785 canonical; decimals (money, quantities) are written as ECMAScript
//!   writes numbers (`12.5`, `12`), which is what JCS requires.

use super::labels;
use super::lookup::{b, i, s, Lookup, Row};
use super::sink::Hashed;
use crate::batch::tally::receipt_sign;
use crate::batch::{payload_rows, Exception, FileEntry};
use crate::error::Result;
use crate::jcs;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

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
const EXT: &str = "urn:downtime-desk:fhir:extension:";

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

/// A JSON value as the bundle needs it: objects with ASCII keys, and decimals.
enum J {
    S(String),
    I(i64),
    /// A decimal, already in its canonical text.
    D(String),
    B(bool),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
}

impl J {
    fn is_empty(&self) -> bool {
        match self {
            J::S(t) => t.is_empty(),
            J::A(v) => v.is_empty(),
            J::O(v) => v.is_empty(),
            _ => false,
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            J::S(t) => jcs::write_string(t, out),
            J::I(n) => jcs::write_integer(*n, out),
            J::D(d) => out.push_str(d),
            J::B(v) => out.push_str(if *v { "true" } else { "false" }),
            J::A(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::O(fields) => {
                // Keys are in canonical order already (`o` sorts them).
                out.push('{');
                for (n, (key, value)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    jcs::write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// An object, leaving out empty strings, arrays and objects (FHIR allows none), its keys in
/// canonical order (they are ASCII: byte order is RFC 8785's UTF-16 order).
fn o(mut fields: Vec<(&'static str, J)>) -> J {
    fields.retain(|(_, v)| !v.is_empty());
    fields.sort_unstable_by_key(|f| f.0);
    J::O(fields)
}

fn st(t: &str) -> J {
    J::S(t.to_string())
}

/// `units` hundredths (or thousandths, `places` 3) as the number ECMAScript would print.
fn decimal(units: i64, places: u32) -> J {
    let scale = 10i64.pow(places);
    let sign = if units < 0 { "-" } else { "" };
    let a = units.unsigned_abs();
    let (whole, frac) = (a / scale as u64, a % scale as u64);
    if frac == 0 {
        return J::D(format!("{sign}{whole}"));
    }
    let f = format!("{frac:0width$}", width = places as usize);
    J::D(format!("{sign}{whole}.{}", f.trim_end_matches('0')))
}

fn money(fen: i64) -> J {
    o(vec![("currency", st("CNY")), ("value", decimal(fen, 2))])
}

fn urn(id: &str) -> String {
    format!("urn:uuid:{id}")
}

fn reference(id: &str) -> J {
    o(vec![("reference", J::S(urn(id)))])
}

fn identifier(system: &str, value: &str) -> J {
    if value.is_empty() {
        return J::O(vec![]);
    }
    o(vec![("system", st(system)), ("value", st(value))])
}

fn ext(name: &str, value_key: &'static str, value: J) -> J {
    o(vec![("url", J::S(format!("{EXT}{name}"))), (value_key, value)])
}

fn ext_complex(name: &str, parts: Vec<J>) -> J {
    o(vec![("url", J::S(format!("{EXT}{name}"))), ("extension", J::A(parts))])
}

/// A sub-extension of a complex extension: its url is the bare part name.
fn part(name: &'static str, value_key: &'static str, value: J) -> J {
    if value.is_empty() {
        return J::O(vec![]);
    }
    o(vec![("url", st(name)), (value_key, value)])
}

fn non_empty(items: Vec<J>) -> J {
    J::A(items.into_iter().filter(|j| !j.is_empty()).collect())
}

/// A UUID made from a record's UUID and what it names (a receipt line, an account), the
/// same every time: SHA-256 of both, as a version 8 (custom) UUID.
fn derived_id(base: &str, what: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("{base}/{what}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// Whether a stored date is one FHIR accepts (and the calendar has).
fn valid_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.len() == 10
}

/// Patients as they stand at the end of a batch: the newest correction of each (read from
/// the journal up to the batch's last entry, never after) and the links of the merges made
/// up to then.
#[derive(Default)]
pub(crate) struct PatientsAsOf {
    /// Patient id → their newest correction row.
    pub(crate) corrected: HashMap<String, Row>,
    /// Patient id → (`replaced-by` or `replaces`, the other patient's id), in merge order.
    pub(crate) links: HashMap<String, Vec<(&'static str, String)>>,
}

impl PatientsAsOf {
    /// Takes in one row of a journal entry up to the batch's end (in journal order).
    pub(crate) fn add(&mut self, table: &str, row: &Row) {
        match table {
            "patient_correction" => {
                self.corrected.insert(s(row, "patient_id").to_string(), row.clone());
            }
            "patient_merge" => {
                let (merged, into) = (s(row, "merged_id").to_string(), s(row, "into_id").to_string());
                self.links.entry(merged.clone()).or_default().push(("replaced-by", into.clone()));
                self.links.entry(into).or_default().push(("replaces", merged));
            }
            _ => {}
        }
    }

    /// The patient row `base` with their newest correction applied.
    fn patient(&self, base: &Row) -> Row {
        let mut p = base.clone();
        if let Some(c) = self.corrected.get(s(base, "id")) {
            for key in CORRECTED {
                if let Some(v) = c.get(key) {
                    p.insert(key.to_string(), v.clone());
                }
            }
        }
        p
    }
}

/// The columns of a patient a correction holds in full.
const CORRECTED: [&str; 10] = [
    "name",
    "sex",
    "birth",
    "age_years",
    "id_number",
    "id_old_style",
    "phone",
    "address",
    "insurance",
    "insurance_no",
];

/// Why a patient row cannot be a FHIR Patient (zh, en), if it cannot.
fn unmappable_patient(p: &Row) -> Option<(String, String)> {
    let birth = s(p, "birth");
    (!birth.is_empty() && !valid_date(birth)).then(|| {
        (
            format!("患者 {} 的出生日期“{birth}”不是有效日期", s(p, "downtime_no")),
            format!("Patient {} has an impossible birth date \"{birth}\"", s(p, "downtime_no")),
        )
    })
}

pub(crate) struct Fhir {
    out: Hashed,
    buf: String,
    /// One entry's text, reused.
    scratch: String,
    entries: usize,
    /// Resources already in the bundle, by id.
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
        let mut f = Fhir {
            out,
            buf: String::with_capacity(8192),
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
        };
        let mut tail = String::from("],");
        let rest = o(vec![
            ("id", st(batch_id)),
            ("identifier", identifier(ID_SYSTEM, &urn(batch_id))),
            (
                "meta",
                o(vec![(
                    "tag",
                    J::A(vec![o(vec![("system", J::S(format!("{EXT}batch"))), ("code", st(folder))])]),
                )]),
            ),
            ("resourceType", st("Bundle")),
            ("timestamp", st(created_at)),
            ("type", st("transaction")),
        ]);
        rest.write(&mut tail);
        // `{"id":…}` without its opening brace follows `],`.
        f.buf = tail.replacen("],{", "],", 1);
        Ok(f)
    }

    fn put(&mut self, resource_type: &str, id: &str, resource: J, update: bool) -> Result<()> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        if self.entries > 0 {
            text.push(',');
        }
        let query = format!("identifier={ID_SYSTEM}|{}", urn(id));
        let request = if update {
            o(vec![("method", st("PUT")), ("url", J::S(format!("{resource_type}?{query}")))])
        } else {
            o(vec![
                ("method", st("POST")),
                ("url", st(resource_type)),
                ("ifNoneExist", J::S(query)),
            ])
        };
        o(vec![("fullUrl", J::S(urn(id))), ("resource", resource), ("request", request)]).write(&mut text);
        self.out.write_all(text.as_bytes())?;
        self.scratch = text;
        self.entries += 1;
        self.emitted.insert(id.to_string());
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

    /// Maps the rows of one journal entry.
    pub(crate) fn entry(&mut self, lk: &Lookup<'_>, seq: i64, payload: &Value) -> Result<()> {
        for (table, row) in payload_rows(payload) {
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

    /// The Patient as they stand at the end of the batch (`base` is their row as created),
    /// unless already in the bundle, with the patients a merge links them to; false when it
    /// cannot be mapped.
    fn patient(&mut self, lk: &Lookup<'_>, base: &Row, seq: i64) -> Result<bool> {
        let id = s(base, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if self.failed.contains_key(id) {
            return Ok(false);
        }
        let p = self.patients.patient(base);
        if let Some((zh, en)) = unmappable_patient(&p) {
            self.exception("patient", id, seq, zh, en);
            return Ok(false);
        }
        // Links only to patients the bundle can carry too (a reference must resolve in it).
        let mut links = Vec::new();
        for (kind, other) in self.patients.links.get(id).cloned().unwrap_or_default() {
            let mappable = match lk.patient(&other)? {
                Some(o) => !self.failed.contains_key(&other) && unmappable_patient(&self.patients.patient(&o)).is_none(),
                None => false,
            };
            if mappable {
                links.push((kind, other));
            }
        }
        let replaced = links.iter().any(|(kind, _)| *kind == "replaced-by");
        let resource = o(vec![
            ("resourceType", st("Patient")),
            ("id", st(id)),
            (
                "identifier",
                non_empty(vec![
                    identifier(ID_SYSTEM, &urn(id)),
                    identifier(SYS_DOWNTIME_NO, s(&p, "downtime_no")),
                    identifier(SYS_RESIDENT_ID, s(&p, "id_number")),
                    identifier(SYS_HIS_PATIENT, s(&p, "his_id")),
                ]),
            ),
            ("active", if replaced { J::B(false) } else { J::O(vec![]) }),
            ("name", J::A(vec![o(vec![("text", st(s(&p, "name")))])])),
            (
                "gender",
                st(match s(&p, "sex") {
                    "M" => "male",
                    "F" => "female",
                    _ => "unknown",
                }),
            ),
            ("birthDate", st(s(&p, "birth"))),
            (
                "telecom",
                non_empty(vec![if s(&p, "phone").is_empty() {
                    J::O(vec![])
                } else {
                    o(vec![("system", st("phone")), ("value", st(s(&p, "phone")))])
                }]),
            ),
            ("address", non_empty(vec![o(vec![("text", st(s(&p, "address")))])])),
            (
                "link",
                J::A(
                    links
                        .iter()
                        .map(|(kind, other)| o(vec![("other", reference(other)), ("type", st(kind))]))
                        .collect(),
                ),
            ),
            (
                "extension",
                non_empty(vec![if s(&p, "insurance").is_empty() || s(&p, "insurance") == "self_pay" {
                    J::O(vec![])
                } else {
                    ext_complex(
                        "insurance",
                        non_empty_vec(vec![
                            part("type", "valueString", st(labels::insurance(s(&p, "insurance")))),
                            part("number", "valueString", st(s(&p, "insurance_no"))),
                        ]),
                    )
                }]),
            ),
        ]);
        // Created in an earlier batch, perhaps: a changed patient is updated, not created.
        let update = self.patients.corrected.contains_key(id) || self.patients.links.contains_key(id);
        self.put("Patient", id, resource, update)?;
        for (_, other) in links {
            self.need_patient(lk, &other, seq)?;
        }
        Ok(true)
    }

    /// Makes sure the patient `id` is in the bundle (fetching an earlier batch's from the
    /// store); the reason when it cannot be.
    fn need_patient(&mut self, lk: &Lookup<'_>, id: &str, seq: i64) -> Result<Option<String>> {
        if self.emitted.contains(id) {
            return Ok(None);
        }
        if let Some(why) = self.failed.get(id) {
            return Ok(Some(why.clone()));
        }
        match lk.patient(id)? {
            Some(p) if self.patient(lk, &p, seq)? => Ok(None),
            Some(_) => Ok(self.failed.get(id).cloned()),
            None => Ok(Some(format!("找不到患者 {id}"))),
        }
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

    fn outage_ext(row: &Row) -> J {
        if s(row, "outage_id").is_empty() {
            return J::O(vec![]);
        }
        ext_complex("outage", vec![part("id", "valueString", st(s(row, "outage_id")))])
    }

    /// A registration's Encounter; `update` for a visit posted in an earlier batch and
    /// cancelled in this one.
    fn encounter_of_visit(&mut self, lk: &Lookup<'_>, reg: &Row, seq: i64, update: bool) -> Result<bool> {
        let id = s(reg, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(reg, "patient_id"), seq)? {
            self.dependant_failed("registration", id, seq, why);
            return Ok(false);
        }
        let (class, display) = if lk.dept_kind(reg)? == "emergency" {
            ("EMER", "emergency")
        } else {
            ("AMB", "ambulatory")
        };
        let cancelled = update || self.cancelled.contains(id);
        let resource = o(vec![
            ("resourceType", st("Encounter")),
            ("id", st(id)),
            ("identifier", J::A(vec![identifier(ID_SYSTEM, &urn(id))])),
            ("status", st(if cancelled { "cancelled" } else { "arrived" })),
            (
                "class",
                o(vec![("system", st(ACT_CODE)), ("code", st(class)), ("display", st(display))]),
            ),
            ("type", J::A(vec![o(vec![("text", J::S(format!("{}号", lk.reg_type_name(reg)?)))])])),
            (
                "serviceType",
                o(vec![(
                    "coding",
                    J::A(vec![o(vec![
                        ("system", st(SYS_DEPT)),
                        ("code", st(s(reg, "dept_code"))),
                        ("display", st(s(reg, "dept_name"))),
                    ])]),
                )]),
            ),
            ("subject", reference(s(reg, "patient_id"))),
            ("period", o(vec![("start", st(s(reg, "occurred_at")))])),
            ("extension", non_empty(vec![Self::outage_ext(reg)])),
        ]);
        self.put("Encounter", id, resource, update)?;
        Ok(true)
    }

    fn encounter_of_admission(&mut self, lk: &Lookup<'_>, a: &Row, seq: i64, update: bool) -> Result<bool> {
        let id = s(a, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(a, "patient_id"), seq)? {
            self.dependant_failed("admission", id, seq, why);
            return Ok(false);
        }
        let cancelled = update || self.cancelled.contains(id);
        let resource = o(vec![
            ("resourceType", st("Encounter")),
            ("id", st(id)),
            (
                "identifier",
                non_empty(vec![
                    identifier(ID_SYSTEM, &urn(id)),
                    identifier(SYS_INPATIENT_NO, s(a, "inpatient_no")),
                ]),
            ),
            ("status", st(if cancelled { "cancelled" } else { "in-progress" })),
            (
                "class",
                o(vec![
                    ("system", st(ACT_CODE)),
                    ("code", st("IMP")),
                    ("display", st("inpatient encounter")),
                ]),
            ),
            (
                "serviceType",
                o(vec![(
                    "coding",
                    J::A(vec![o(vec![
                        ("system", st(SYS_DEPT)),
                        ("code", st(s(a, "dept_code"))),
                        ("display", st(s(a, "dept_name"))),
                    ])]),
                )]),
            ),
            ("subject", reference(s(a, "patient_id"))),
            ("period", o(vec![("start", st(s(a, "admitted_at")))])),
            ("extension", non_empty(vec![Self::outage_ext(a)])),
        ]);
        self.put("Encounter", id, resource, update)?;
        Ok(true)
    }

    /// A charge or refund receipt's Invoice and ChargeItems; `update` for one posted in an
    /// earlier batch and voided in this one.
    /// Its lines and tenders come from `entry`, the payload of the journal entry that made it,
    /// when that is at hand (or else from the store).
    fn invoice(&mut self, lk: &Lookup<'_>, r: &Row, seq: i64, update: bool, entry: Option<&Value>) -> Result<bool> {
        let id = s(r, "id").to_string();
        if self.emitted.contains(&id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(r, "patient_id"), seq)? {
            self.dependant_failed("receipt", &id, seq, why);
            return Ok(false);
        }
        let visit = s(r, "registration_id");
        if !visit.is_empty() && !self.emitted.contains(visit) {
            if let Some(reg) = lk.row("registration", "id", visit)? {
                self.encounter_of_visit(lk, &reg, seq, false)?;
            }
        }
        let original = s(r, "refund_of");
        if !original.is_empty() && !self.emitted.contains(original) {
            if let Some(o) = lk.receipt(original)? {
                self.invoice(lk, &o, seq, false, None)?;
            }
        }
        let kind = s(r, "kind");
        let sign = receipt_sign(kind);
        let mut items = Vec::new();
        let of_receipt = |table: &str, key: &str| -> Vec<&Row> {
            let mut rows: Vec<&Row> = entry
                .into_iter()
                .flat_map(payload_rows)
                .filter(|(t, x)| *t == table && s(x, "receipt_id") == id)
                .map(|(_, x)| x)
                .collect();
            rows.sort_by_key(|x| i(x, key));
            rows
        };
        let carried = of_receipt("receipt_line", "line_no");
        let carried_tenders = of_receipt("tender", "n");
        let mut stmt = lk.conn.prepare_cached(
            "SELECT line_no, code, name, unit, qty_milli, unit_price_e4, amount_fen, category, free_text, free_reason \
             FROM receipt_line WHERE receipt_id = ?1 ORDER BY line_no",
        )?;
        type Line = (i64, String, String, String, i64, i64, i64, String, bool, String);
        let lines: Vec<Line> = if !carried.is_empty() {
            carried
                .iter()
                .map(|x| {
                    (
                        i(x, "line_no"),
                        s(x, "code").to_string(),
                        s(x, "name").to_string(),
                        s(x, "unit").to_string(),
                        i(x, "qty_milli"),
                        i(x, "unit_price_e4"),
                        i(x, "amount_fen"),
                        s(x, "category").to_string(),
                        b(x, "free_text"),
                        s(x, "free_reason").to_string(),
                    )
                })
                .collect()
        } else {
            stmt.query_map([&id], |x| {
                Ok((
                    x.get(0)?,
                    x.get(1)?,
                    x.get(2)?,
                    x.get(3)?,
                    x.get(4)?,
                    x.get(5)?,
                    x.get(6)?,
                    x.get(7)?,
                    x.get(8)?,
                    x.get(9)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        drop(stmt);
        for (line_no, code, name, unit, qty, price_e4, amount, category, free, free_reason) in lines {
            let item_id = derived_id(&id, &format!("line/{line_no}"));
            let coding = if code.is_empty() {
                J::O(vec![])
            } else {
                o(vec![("system", st(SYS_CATALOG)), ("code", st(&code)), ("display", st(&name))])
            };
            let resource = o(vec![
                ("resourceType", st("ChargeItem")),
                ("id", st(&item_id)),
                ("identifier", J::A(vec![identifier(ID_SYSTEM, &urn(&item_id))])),
                ("status", st("billed")),
                ("code", o(vec![("coding", non_empty(vec![coding])), ("text", st(&name))])),
                ("subject", reference(s(r, "patient_id"))),
                (
                    "context",
                    if visit.is_empty() || !self.emitted.contains(visit) {
                        J::O(vec![])
                    } else {
                        reference(visit)
                    },
                ),
                ("occurrenceDateTime", st(s(r, "occurred_at"))),
                ("enteredDate", st(s(r, "recorded_at"))),
                ("quantity", o(vec![("value", decimal(sign * qty, 3)), ("unit", st(&unit))])),
                ("priceOverride", money(sign * amount)),
                (
                    "extension",
                    non_empty(vec![
                        // Unit price in 1/10000 yuan: hundredths of fen, four decimals of yuan.
                        ext(
                            "unit-price",
                            "valueMoney",
                            o(vec![("currency", st("CNY")), ("value", decimal(price_e4, 4))]),
                        ),
                        ext(
                            "fee-category",
                            "valueCoding",
                            o(vec![
                                ("system", st(SYS_FEE_CATEGORY)),
                                ("code", st(&category)),
                                ("display", st(labels::category(&category))),
                            ]),
                        ),
                        if free {
                            ext("outside-price-list", "valueString", st(&free_reason))
                        } else {
                            J::O(vec![])
                        },
                    ]),
                ),
            ]);
            self.put("ChargeItem", &item_id, resource, false)?;
            items.push(o(vec![("sequence", J::I(line_no)), ("chargeItemReference", reference(&item_id))]));
        }
        let mut stmt = lk
            .conn
            .prepare_cached("SELECT method, amount_fen, tendered_fen, reference FROM tender WHERE receipt_id = ?1 ORDER BY n")?;
        let tender = |method: &str, amount: i64, tendered: Option<i64>, reference: &str| {
            ext_complex(
                "tender",
                non_empty_vec(vec![
                    part(
                        "method",
                        "valueCoding",
                        o(vec![
                            ("system", st(SYS_METHOD)),
                            ("code", st(method)),
                            ("display", st(labels::method(method))),
                        ]),
                    ),
                    part("amount", "valueMoney", money(sign * amount)),
                    tendered.map_or(J::O(vec![]), |t| part("tendered", "valueMoney", money(t))),
                    part("reference", "valueString", st(reference)),
                ]),
            )
        };
        let tenders: Vec<J> = if !carried_tenders.is_empty() {
            carried_tenders
                .iter()
                .map(|x| {
                    tender(
                        s(x, "method"),
                        i(x, "amount_fen"),
                        x.get("tendered_fen").and_then(Value::as_i64),
                        s(x, "reference"),
                    )
                })
                .collect()
        } else {
            stmt.query_map([&id], |x| {
                let (method, amount, tendered, reference): (String, i64, Option<i64>, String) =
                    (x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?);
                Ok(tender(&method, amount, tendered, &reference))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        drop(stmt);
        let voided = update || self.voided.contains(&id);
        let void_reason = if voided {
            lk.row("receipt_void", "receipt_id", &id)?
                .map(|v| s(&v, "reason").to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut extensions = tenders;
        if i(r, "change_fen") > 0 {
            extensions.push(ext("change", "valueMoney", money(i(r, "change_fen"))));
        }
        if !original.is_empty() {
            extensions.push(ext("refund-of", "valueReference", reference(original)));
        }
        if b(r, "insured") {
            extensions.push(ext("resettle-by", "valueDate", st(s(r, "resettle_due"))));
        }
        extensions.push(Self::outage_ext(r));
        let total = sign * i(r, "total_fen");
        let resource = o(vec![
            ("resourceType", st("Invoice")),
            ("id", st(&id)),
            (
                "identifier",
                non_empty(vec![
                    identifier(ID_SYSTEM, &urn(&id)),
                    identifier(SYS_RECEIPT_NO, s(r, "receipt_no")),
                ]),
            ),
            ("status", st(if voided { "cancelled" } else { "balanced" })),
            ("cancelledReason", st(&void_reason)),
            (
                "type",
                o(vec![("text", st(if kind == "refund" { "退费凭证" } else { "门诊收费票据" }))]),
            ),
            ("subject", reference(s(r, "patient_id"))),
            ("date", st(s(r, "occurred_at"))),
            ("lineItem", J::A(items)),
            ("totalNet", money(total)),
            ("totalGross", money(total)),
            ("extension", non_empty(extensions)),
        ]);
        self.put("Invoice", &id, resource, update)?;
        Ok(true)
    }

    /// Each admission's Account as it stands at the end of the batch: its deposits and
    /// deposit refunds up to the batch's last receipt, each voided or not as of then.
    fn accounts(&mut self, lk: &Lookup<'_>, seq: i64) -> Result<()> {
        let accounts = std::mem::take(&mut self.accounts);
        // Every movement of these accounts up to the batch's last receipt, read in one pass
        // (receipts are not indexed by admission: one query per account would scan them all
        // each time).
        let wanted: HashSet<&str> = accounts.iter().map(String::as_str).collect();
        let mut by_account: HashMap<String, Vec<(String, String, String, i64, String)>> = HashMap::new();
        let mut stmt = lk.conn.prepare_cached(
            "SELECT r.admission_id, r.id, r.receipt_no, r.kind, r.total_fen, r.occurred_at FROM receipt r \
             WHERE r.admission_id IS NOT NULL AND r.seq <= ?1 ORDER BY r.seq",
        )?;
        let mut rows = stmt.query([self.batch_receipt_seq_last])?;
        while let Some(x) = rows.next()? {
            let admission: String = x.get(0)?;
            if wanted.contains(admission.as_str()) {
                by_account
                    .entry(admission)
                    .or_default()
                    .push((x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?, x.get(5)?));
            }
        }
        drop(rows);
        drop(stmt);
        for admission_id in accounts {
            let Some(a) = lk.row("admission", "id", &admission_id)? else {
                continue;
            };
            if !self.encounter_of_admission(lk, &a, seq, false)? {
                continue;
            }
            let cancelled = self.cancelled.contains(&admission_id);
            let movements: Vec<J> = by_account
                .remove(&admission_id)
                .unwrap_or_default()
                .into_iter()
                .map(|(receipt_id, no, kind, total, at)| {
                    let voided = self.voided.contains(&receipt_id);
                    ext_complex(
                        "deposit-movement",
                        vec![
                            part("receipt-number", "valueString", st(&no)),
                            part("kind", "valueCode", st(&kind)),
                            part("amount", "valueMoney", money(receipt_sign(&kind) * total)),
                            part("date", "valueDateTime", st(&at)),
                            part("voided", "valueBoolean", J::B(voided)),
                        ],
                    )
                })
                .collect();
            let id = derived_id(&admission_id, "account");
            let mut extensions = movements;
            extensions.push(Self::outage_ext(&a));
            let resource = o(vec![
                ("resourceType", st("Account")),
                ("id", st(&id)),
                (
                    "identifier",
                    non_empty(vec![
                        identifier(ID_SYSTEM, &urn(&id)),
                        identifier(SYS_INPATIENT_NO, s(&a, "inpatient_no")),
                    ]),
                ),
                ("status", st(if cancelled { "inactive" } else { "active" })),
                ("type", o(vec![("text", st("住院预交金"))])),
                ("name", J::S(format!("住院预交金 {}", s(&a, "inpatient_no")))),
                ("subject", J::A(vec![reference(s(&a, "patient_id"))])),
                ("servicePeriod", o(vec![("start", st(s(&a, "admitted_at")))])),
                ("extension", non_empty(extensions)),
            ]);
            self.put("Account", &id, resource, true)?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self, lk: &Lookup<'_>, last_seq: i64) -> Result<(FileEntry, Vec<Exception>)> {
        self.accounts(lk, last_seq)?;
        let tail = std::mem::take(&mut self.buf);
        self.out.write_all(tail.as_bytes())?;
        Ok((self.out.finish()?, self.exceptions))
    }
}

fn non_empty_vec(items: Vec<J>) -> Vec<J> {
    items.into_iter().filter(|j| !j.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(j: &J) -> String {
        let mut out = String::new();
        j.write(&mut out);
        out
    }

    #[test]
    fn decimals_are_written_as_ecmascript_writes_numbers() {
        for (units, places, expected) in [
            (1250, 2, "12.5"),
            (1200, 2, "12"),
            (1205, 2, "12.05"),
            (-1250, 2, "-12.5"),
            (0, 2, "0"),
            (2500, 3, "2.5"),
            (375, 4, "0.0375"),
        ] {
            assert_eq!(text(&decimal(units, places)), expected);
        }
    }

    #[test]
    fn objects_are_canonical_and_drop_empty_values() {
        let j = o(vec![("b", st("x")), ("a", st("")), ("c", J::A(vec![])), ("A", J::I(1))]);
        assert_eq!(text(&j), r#"{"A":1,"b":"x"}"#);
    }

    #[test]
    fn derived_ids_are_stable_uuids() {
        let a = derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/1");
        assert_eq!(a, derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/1"));
        assert_ne!(a, derived_id("01a24bf2-a2cc-77e3-ac1d-813d8e8da3f8", "line/2"));
        let u = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(u.get_version_num(), 8);
    }
}
