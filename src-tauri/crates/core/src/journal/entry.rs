//! One journal entry and one row as the journal records them: the genesis hash, the entry's
//! hash (its byte layout is documented in ARCHITECTURE.md), the tables whose rows travel in
//! payloads, a row read as JSON, and the commitment that stands for a secret column. Shared
//! by writing (`mod.rs`) and verifying (`verify.rs`).

use crate::store::migrations::APPEND_ONLY;
use rusqlite::types::ValueRef;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tables whose rows travel in journal payloads: everything append-only but the journal
/// itself, the station's secret key, and the bulk rows of catalog items and HIS patients (their
/// version rows carry a digest of them instead).
pub(crate) fn covered_tables() -> impl Iterator<Item = &'static str> {
    APPEND_ONLY
        .iter()
        .copied()
        .filter(|t| !matches!(*t, "journal" | "station_key" | "catalog_item" | "his_patient"))
}

/// One journal entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub id: Uuid,
    pub kind: String,
    pub actor: String,
    pub at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over `DTJ1\n{seq}\n{id}\n{kind}\n{actor}\n{at}\n{prev_hash}\n{payload}`, lowercase hex.
pub fn entry_hash(seq: i64, id: &Uuid, kind: &str, actor: &str, at: &str, prev_hash: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    h.update(entry_head(seq, id, kind, actor, at, prev_hash).as_bytes());
    h.update(payload.as_bytes());
    // The table-driven encoder: checking a batch hashes every entry of it.
    let mut hex = [0u8; 64];
    hex::encode_to_slice(h.finalize(), &mut hex).expect("64 hex digits");
    String::from_utf8_lossy(&hex).into_owned()
}

/// What an entry's hash covers before its payload: `DTJ1\n{seq}\n{id}\n{kind}\n{actor}\n{at}\n{prev_hash}\n`.
pub(crate) fn entry_head(seq: i64, id: &Uuid, kind: &str, actor: &str, at: &str, prev_hash: &str) -> String {
    format!("DTJ1\n{seq}\n{}\n{kind}\n{actor}\n{at}\n{prev_hash}\n", id.hyphenated())
}

/// A row as a JSON object: integers as numbers, text as strings, blobs as lowercase hex.
pub(super) fn row_json(row: &rusqlite::Row<'_>, names: &[String]) -> rusqlite::Result<Value> {
    let mut obj = Map::new();
    for (i, name) in names.iter().enumerate() {
        let v = match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::from(hex::encode(b)),
            ValueRef::Real(_) => unreachable!("no REAL column exists in the schema"),
        };
        obj.insert(name.clone(), v);
    }
    Ok(Value::Object(obj))
}

/// What the journal records of a secret column: not the value but its commitment, so that
/// the journal — exported in every batch's `records.jsonl`, carried on a USB stick — never
/// holds anything to brute-force offline. An operator's `pin_hash` (Argon2 of a 4-6 digit
/// PIN, salt included) is recorded as `sha256:` and the SHA-256 of the stored text: `verify`
/// still proves the table holds exactly what was recorded, and without the salt the
/// commitment says nothing about the PIN. Entries written before this recorded the Argon2
/// text itself; they are compared as they are.
pub const SECRET_COMMITMENT: &str = "sha256:";

pub(super) fn commit_secrets(row: &mut Value) {
    if let Some(Value::String(h)) = row.get_mut("pin_hash") {
        if !h.starts_with(SECRET_COMMITMENT) {
            *h = format!("{SECRET_COMMITMENT}{}", hex::encode(Sha256::digest(h.as_bytes())));
        }
    }
}
