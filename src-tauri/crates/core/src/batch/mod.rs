//! 批次 (export batch) as finance receives it: a folder `<STATION>-batch-<NNNNNN>` holding a
//! signed `manifest.json`, the journal range in `records.jsonl`, CSVs for finance, the
//! back-entry list, a FHIR bundle and a cover sheet. This module reads and checks such a
//! folder **without any station store**: it needs no `Desk`, so the finance workspace (and
//! anyone with a copy of the folder) verifies batches with exactly the code the station used
//! to write them. Writing batches is `export`, one floor up.
//!
//! Contract:
//! - Every JSON file of a batch is RFC 8785 canonical; `manifest.json` is signed with the
//!   station's Ed25519 key over its own canonical bytes without the `signature` key.
//! - `records.jsonl` holds one journal entry a line, in order, with everything needed to
//!   recompute its hash ([`crate::journal::entry_hash`]); [`Tally`] derives the manifest's
//!   counts, totals and receipt ranges from those lines alone, for the writer and the checker
//!   alike.
//! - [`verify_batch`] names the first thing wrong (a file, a link, the signature) and never
//!   changes anything.

mod files;
mod line;
pub mod payload;
pub mod tally;
mod verify;

pub use tally::Tally;
pub use verify::{verify_batch, verify_batch_with, BatchCheck, BatchProblem};

use crate::error::{CoreError, Result};
use crate::jcs;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use uuid::Uuid;

/// The `format` of the manifests this build writes and reads.
pub const FORMAT: &str = "downtime-batch/1";
pub const MANIFEST: &str = "manifest.json";
pub const RECORDS: &str = "records.jsonl";
/// The printed cover sheet: outside the manifest's `files`, because it carries the
/// manifest's own SHA-256 (and it is the one file a re-rendering may change). It is signed
/// by the station key instead, over the manifest's SHA-256 and its own bytes
/// ([`cover_signed_bytes`]): the signature is a PDF comment line just before `startxref`,
/// which every PDF reader skips.
pub const COVER: &str = "cover.pdf";
const COVER_SIGNATURE: &[u8] = b"%downtime-cover-signature ";

/// What the station key signs for a cover sheet: a domain tag, the SHA-256 of the manifest it
/// belongs to, and the PDF's bytes without the signature line.
pub fn cover_signed_bytes(manifest_sha256: &str, pdf: &[u8]) -> Vec<u8> {
    let mut out = format!("DTCOVER1\n{manifest_sha256}\n").into_bytes();
    out.extend_from_slice(pdf);
    out
}

/// A cover PDF with its signature line (`signature` in hex) put in before `startxref`.
pub fn cover_with_signature(pdf: &[u8], signature: &str) -> Vec<u8> {
    let at = pdf.windows(10).rposition(|w| w == b"startxref\n").unwrap_or(pdf.len());
    let mut out = Vec::with_capacity(pdf.len() + COVER_SIGNATURE.len() + signature.len() + 1);
    out.extend_from_slice(&pdf[..at]);
    out.extend_from_slice(COVER_SIGNATURE);
    out.extend_from_slice(signature.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&pdf[at..]);
    out
}

/// A signed cover split into the PDF without its signature line and the signature (hex);
/// `None` when it carries none.
pub fn cover_signature(cover: &[u8]) -> Option<(Vec<u8>, &str)> {
    let start = cover.windows(COVER_SIGNATURE.len()).rposition(|w| w == COVER_SIGNATURE)?;
    let len = cover[start..].iter().position(|&b| b == b'\n')?;
    let signature = std::str::from_utf8(&cover[start + COVER_SIGNATURE.len()..start + len]).ok()?;
    let mut pdf = cover[..start].to_vec();
    pdf.extend_from_slice(&cover[start + len + 1..]);
    Some((pdf, signature))
}

/// The folder a batch is written to: `MZ01-batch-000001`.
pub fn folder_name(station_code: &str, batch_seq: i64) -> String {
    format!("{station_code}-batch-{batch_seq:06}")
}

/// `manifest.json`. Field names are the batch format's public surface: never rename one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub hospital: String,
    pub station_code: String,
    pub station_name: String,
    pub batch_seq: i64,
    /// When the batch was made (the stamp of its journal entry).
    pub created_at: String,
    pub journal_first_seq: i64,
    pub journal_last_seq: i64,
    /// Hash of the entry before `journal_first_seq`; empty for the station's first batch.
    pub prev_chain_head: String,
    /// Hash of entry `journal_last_seq`.
    pub chain_head: String,
    pub counts: Counts,
    pub totals_fen: Totals,
    pub receipt_ranges: Vec<ReceiptRange>,
    pub voided: Vec<Voided>,
    pub exceptions: Vec<Exception>,
    pub files: Vec<FileEntry>,
    /// The station's Ed25519 public key, lowercase hex.
    pub public_key: String,
    /// Ed25519 signature (hex) over the canonical manifest without this field.
    pub signature: String,
}

/// How many of each kind of record the batch holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub journal_entries: i64,
    /// Rows inserted, per table (`patient`, `receipt`, `receipt_line`, `tender`, …).
    pub rows: BTreeMap<String, i64>,
    /// Receipts per kind (`charge`, `refund`, `deposit`, `deposit_refund`).
    pub receipts: BTreeMap<String, i64>,
}

/// Money in the batch, integer fen. Money paid back (refunds, deposit refunds) is negative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Receipts issued in the batch, signed, per kind (voided ones included).
    pub receipts: BTreeMap<String, i64>,
    /// Their tenders, signed, per payment method.
    pub tenders: BTreeMap<String, i64>,
    /// The signed totals of the receipts voided in the batch (the sum of `voided`).
    pub voided: i64,
    /// `receipts` summed, less `voided`.
    pub net: i64,
}

/// A run of receipt numbers without a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRange {
    pub first: String,
    pub last: String,
    pub count: i64,
}

/// A receipt voided by an entry of this batch (it may have been issued in an earlier one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    pub receipt_id: String,
    pub receipt_no: String,
    pub kind: String,
    /// Its total, signed as in `totals_fen.receipts`.
    pub total_fen: i64,
    pub reason: String,
    pub journal_seq: i64,
}

/// A record exported in `records.jsonl` and the CSVs that the FHIR bundle does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub table: String,
    pub record_id: String,
    pub journal_seq: i64,
    pub reason: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    /// Lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// The canonical bytes the signature is made over: the manifest without `signature`.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).expect("a manifest serialises");
        value.as_object_mut().expect("an object").remove("signature");
        jcs::canonical(&value).into_bytes()
    }

    /// `manifest.json` as written: canonical JSON, no trailing newline.
    pub fn to_canonical(&self) -> String {
        jcs::canonical(&serde_json::to_value(self).expect("a manifest serialises"))
    }

    /// The station key's fingerprint, as printed on the cover sheet and the setup screen.
    pub fn fingerprint(&self) -> Option<String> {
        let key: [u8; 32] = hex::decode(&self.public_key).ok()?.try_into().ok()?;
        Some(crate::station::fingerprint(&key))
    }
}

fn bad_batch(zh: String, en: String) -> CoreError {
    CoreError::invalid(crate::error::ErrorCode::BatchInvalid, zh, en)
}

/// Reads `manifest.json` of the batch folder `dir`. The signature is not checked here
/// ([`verify_batch`] does); the text must be the canonical form of what it holds.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        bad_batch(
            format!("{} 中没有可读的 {MANIFEST}：这不是一个批次文件夹", dir.display()),
            format!("{} has no readable {MANIFEST}: it is not a batch folder", dir.display()),
        )
    })?;
    parse_manifest(&text)
}

pub(crate) fn parse_manifest(text: &str) -> Result<Manifest> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        bad_batch(
            format!("{MANIFEST} 不是有效的 JSON（{e}）：文件被修改或损坏"),
            format!("{MANIFEST} is not valid JSON ({e}): the file was altered or damaged"),
        )
    })?;
    let manifest: Manifest = serde_json::from_value(value.clone()).map_err(|e| {
        bad_batch(
            format!("{MANIFEST} 的内容不符合批次格式（{e}）"),
            format!("{MANIFEST} does not follow the batch format ({e})"),
        )
    })?;
    if manifest.format != FORMAT {
        return Err(bad_batch(
            format!("{MANIFEST} 的格式是“{}”，本程序只认识“{FORMAT}”", manifest.format),
            format!("{MANIFEST} has format \"{}\"; this build reads \"{FORMAT}\"", manifest.format),
        ));
    }
    if value.as_object().map(|o| o.len()) != Some(18) || jcs::canonical(&value) != text {
        return Err(bad_batch(
            format!("{MANIFEST} 不是规范形式（RFC 8785）或含有多余的字段：文件被修改过"),
            format!("{MANIFEST} is not in canonical form (RFC 8785) or has extra fields: it was altered"),
        ));
    }
    Ok(manifest)
}

/// One line of `records.jsonl`: a journal entry with its payload as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub seq: i64,
    pub id: Uuid,
    pub kind: String,
    pub actor: String,
    pub at: String,
    pub payload: Value,
    pub prev_hash: String,
    pub hash: String,
}

impl Record {
    /// The hash this entry's fields give (equal to `hash` when nothing was altered).
    pub fn computed_hash(&self) -> String {
        crate::journal::entry_hash(
            self.seq,
            &self.id,
            &self.kind,
            &self.actor,
            &self.at,
            &self.prev_hash,
            &jcs::canonical(&self.payload),
        )
    }

    /// Every row the entry inserted, as `(table, row)`, tables in payload order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &Map<String, Value>)> {
        payload_rows(&self.payload)
    }
}

/// The rows of a journal payload (`{"rows": {table: [row, …]}}`) as `(table, row)`.
pub fn payload_rows(payload: &Value) -> impl Iterator<Item = (&str, &Map<String, Value>)> {
    payload
        .get("rows")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(table, rows)| {
            rows.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(move |row| (table.as_str(), row))
        })
}

/// Writes the `records.jsonl` line of a journal entry (without the newline): canonical JSON
/// with the payload embedded as the object it is (its text is already canonical).
#[allow(clippy::too_many_arguments)]
pub fn write_record_line(
    out: &mut String,
    seq: i64,
    id: &str,
    kind: &str,
    actor: &str,
    at: &str,
    payload: &str,
    prev_hash: &str,
    hash: &str,
) {
    out.push_str("{\"actor\":");
    jcs::write_string(actor, out);
    out.push_str(",\"at\":");
    jcs::write_string(at, out);
    out.push_str(",\"hash\":");
    jcs::write_string(hash, out);
    out.push_str(",\"id\":");
    jcs::write_string(id, out);
    out.push_str(",\"kind\":");
    jcs::write_string(kind, out);
    out.push_str(",\"payload\":");
    out.push_str(payload);
    out.push_str(",\"prev_hash\":");
    jcs::write_string(prev_hash, out);
    out.push_str(",\"seq\":");
    jcs::write_integer(seq, out);
    out.push('}');
}

/// A journal entry of `records.jsonl` as the verifier hands it to a reader
/// ([`verify_batch_with`]): its number and the rows it inserted, read from the line's own
/// payload text once its hash proves it ([`payload::Payload::read`]: each row kept as its
/// text, its fields read when first asked for).
pub struct Entry<'a> {
    pub seq: i64,
    payload: payload::Payload<'a>,
}

impl<'a> Entry<'a> {
    /// Every row the entry inserted, as `(table, row)`, tables in payload order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &payload::Row<'a>)> + Clone + '_ {
        self.payload.entries()
    }

    /// The payload as read.
    pub fn payload(&self) -> &payload::Payload<'a> {
        &self.payload
    }
}

/// The records of a batch, read one line at a time (memory stays flat however large the
/// batch). Each item is a record or the reason line `n` cannot be read.
pub struct BatchRecords<R> {
    lines: std::io::Lines<R>,
    line_no: usize,
}

impl<R: BufRead> BatchRecords<R> {
    pub fn new(reader: R) -> Self {
        BatchRecords {
            lines: reader.lines(),
            line_no: 0,
        }
    }
}

/// Opens `records.jsonl` of the batch folder `dir`.
pub fn records(dir: &Path) -> Result<BatchRecords<std::io::BufReader<std::fs::File>>> {
    Ok(BatchRecords::new(open_records(dir)?))
}

fn open_records(dir: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(dir.join(RECORDS)).map_err(|_| {
        bad_batch(
            format!("{} 中没有 {RECORDS}", dir.display()),
            format!("{} has no {RECORDS}", dir.display()),
        )
    })?;
    Ok(std::io::BufReader::with_capacity(1 << 16, file))
}

/// Line `n` of `records.jsonl` is no record.
fn bad_line(n: usize) -> CoreError {
    bad_batch(
        format!("{RECORDS} 第 {n} 行无法读取：文件被修改或损坏"),
        format!("Line {n} of {RECORDS} cannot be read: the file was altered or damaged"),
    )
}

impl<R: BufRead> BatchRecords<R> {
    /// The next record with the line it was read from (the verifier hashes the payload's own
    /// text when it can, instead of writing it out again).
    pub(crate) fn next_with_line(&mut self) -> Option<Result<(Record, String)>> {
        let line = self.lines.next()?;
        self.line_no += 1;
        let n = self.line_no;
        let bad = || bad_line(n);
        Some(line.map_err(|_| bad()).and_then(|line| match parse_record(&line) {
            Some(r) => Ok((r, line)),
            None => Err(bad()),
        }))
    }
}

impl<R: BufRead> Iterator for BatchRecords<R> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_with_line().map(|r| r.map(|(record, _)| record))
    }
}

/// The text standing for a record's payload within `line`, when every other field of the
/// line is laid out exactly as [`write_record_line`] writes it (otherwise `None`). The text is
/// taken as it stands: only its hash tells whether it is the canonical payload.
pub(crate) fn payload_text<'l>(record: &Record, line: &'l str) -> Option<&'l str> {
    let mut prefix = String::with_capacity(160 + record.actor.len() + record.kind.len());
    prefix.push_str("{\"actor\":");
    jcs::write_string(&record.actor, &mut prefix);
    prefix.push_str(",\"at\":");
    jcs::write_string(&record.at, &mut prefix);
    prefix.push_str(",\"hash\":");
    jcs::write_string(&record.hash, &mut prefix);
    prefix.push_str(",\"id\":");
    jcs::write_string(&record.id.hyphenated().to_string(), &mut prefix);
    prefix.push_str(",\"kind\":");
    jcs::write_string(&record.kind, &mut prefix);
    prefix.push_str(",\"payload\":");
    let mut suffix = String::with_capacity(100);
    suffix.push_str(",\"prev_hash\":");
    jcs::write_string(&record.prev_hash, &mut suffix);
    suffix.push_str(",\"seq\":");
    jcs::write_integer(record.seq, &mut suffix);
    suffix.push('}');
    line.strip_prefix(prefix.as_str())?.strip_suffix(suffix.as_str())
}

fn parse_record(line: &str) -> Option<Record> {
    let mut v: Value = serde_json::from_str(line).ok()?;
    // The payload is taken out of the line, not copied: it is most of the line.
    let payload = v.as_object_mut()?.remove("payload")?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Record {
        seq: v.get("seq")?.as_i64()?,
        id: Uuid::parse_str(v.get("id")?.as_str()?).ok()?,
        kind: text("kind")?,
        actor: text("actor")?,
        at: text("at")?,
        payload,
        prev_hash: text("prev_hash")?,
        hash: text("hash")?,
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_record, payload_text, write_record_line};

    #[test]
    fn the_payload_text_is_found_only_in_a_line_laid_out_as_written() {
        let payload = r#"{"rows":{"receipt":[{"id":"r1","note":"收 \"quoted\"","total_fen":-5}]}}"#;
        let mut line = String::new();
        write_record_line(
            &mut line,
            7,
            "01a24e10-95aa-710e-8350-e122ea43ed30",
            "receipt_issued",
            "收费员 \"甲\"",
            "2026-12-07T01:13:59.466425Z",
            payload,
            &"a".repeat(64),
            &"b".repeat(64),
        );
        let record = parse_record(&line).expect("a written line parses");
        assert_eq!(payload_text(&record, &line), Some(payload));
        // A line whose other fields are laid out otherwise, or in another order, gives none.
        let spaced = line.replacen("\"actor\":", "\"actor\": ", 1);
        let record = parse_record(&spaced).expect("still JSON");
        assert_eq!(payload_text(&record, &spaced), None);
        // A payload laid out otherwise is handed back as it stands: its hash then differs from
        // the canonical text's, and the verifier falls back to writing it out again.
        let spaced = line.replacen("\"payload\":", "\"payload\": ", 1);
        let record = parse_record(&spaced).expect("still JSON");
        assert_eq!(payload_text(&record, &spaced), Some(format!(" {payload}").as_str()));
        assert_eq!(crate::jcs::canonical(&record.payload), payload);
        let reordered = format!("{{\"seq\":7,{}", &line[1..].replacen(",\"seq\":7", "", 1));
        let record = parse_record(&reordered).expect("still JSON");
        assert_eq!(payload_text(&record, &reordered), None);
    }
}
