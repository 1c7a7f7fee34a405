//! The receipt's QR code payload: what a pharmacy or finance scans (keyboard-wedge scanners
//! type it in) to check a paper receipt offline against the station's public key.
//!
//! Layout, version 2 (ASCII, dot-separated, fields in this order):
//! `DDR2.<station>.<receipt_no>.<kind>.<total_fen>.<issued_unix_seconds>.<anchor_seq>.<anchor_hash16>.<signature>`
//! - `kind`: the document's kind (`charge`, `registration`, `refund`, `deposit`,
//!   `deposit_refund`, …); later document kinds add values here, not fields;
//! - `anchor_seq`, `anchor_hash16`: the journal entry just before the document's own entry and
//!   the first 16 hex digits of its hash (see `anchor`): the chain position it was issued on,
//!   written on paper where no rewrite of the file can reach it;
//! - `signature`: lowercase hex Ed25519 signature by the station key over the bytes of
//!   everything before the last dot.
//!
//! New fields are appended before the signature under a new version prefix (`DDR3`); a reader
//! accepts every version it knows. Version 1 (`DDR1.<station>.<receipt_no>.<total_fen>.<issued>.<sig>`,
//! no kind, no anchor) is still read. A photocopy carries the same payload, so the paper's
//! COPY mark and the journal's print records tell copies apart; an altered amount or number
//! fails the signature.

use crate::anchor::{self, Anchor};
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::store::Desk;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

pub const PREFIX: &str = "DDR2";
const PREFIX_V1: &str = "DDR1";

/// What a payload carries, before signing.
pub struct Body<'a> {
    pub station: &'a str,
    pub receipt_no: &'a str,
    pub kind: &'a str,
    pub total: Fen,
    pub issued: DateTime<Utc>,
    pub anchor: &'a Anchor,
}

/// Builds and signs the payload.
pub fn payload(key: &ed25519_dalek::SigningKey, b: &Body<'_>) -> String {
    use ed25519_dalek::Signer;
    let body = format!(
        "{PREFIX}.{}.{}.{}.{}.{}.{}.{}",
        b.station,
        b.receipt_no,
        b.kind,
        b.total.get(),
        b.issued.timestamp(),
        b.anchor.seq,
        b.anchor.hash_prefix
    );
    let sig = key.sign(body.as_bytes()).to_bytes();
    format!("{body}.{}", hex::encode(sig))
}

/// What a verified payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub station: String,
    pub receipt_no: String,
    /// None on a version 1 payload.
    pub kind: Option<String>,
    pub total: Fen,
    pub issued: DateTime<Utc>,
    /// The chain position it was issued on; none on a version 1 payload.
    pub anchor: Option<Anchor>,
}

fn unreadable() -> crate::CoreError {
    invalid!(
        "qr_unreadable",
        "扫描内容不是 Downtime Desk 收据二维码",
        "The scanned text is not a Downtime Desk receipt code"
    )
}

/// The anchor written in a payload, read without checking the signature (the chain's own
/// check of the payloads it stores; `check` is for paper).
pub fn anchor_of(text: &str) -> Option<Anchor> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    if parts.len() != 9 || parts[0] != PREFIX {
        return None;
    }
    Anchor::parse(&format!("{}:{}", parts[6], parts[7])).ok()
}

/// Verifies `text` against `public_key`. Refuses a payload that is malformed or whose
/// signature does not match (altered, or issued by another station's key).
pub fn check(text: &str, public_key: &[u8; 32]) -> Result<Checked> {
    let text = text.trim();
    let (body, sig_hex) = text.rsplit_once('.').ok_or_else(unreadable)?;
    let parts: Vec<&str> = body.split('.').collect();
    let (station, receipt_no, kind, total, issued, anchor) = match (parts.first().copied(), parts.len()) {
        (Some(PREFIX), 8) => (
            parts[1],
            parts[2],
            Some(parts[3]),
            parts[4],
            parts[5],
            Some(Anchor::parse(&format!("{}:{}", parts[6], parts[7])).map_err(|_| unreadable())?),
        ),
        (Some(PREFIX_V1), 5) => (parts[1], parts[2], None, parts[3], parts[4], None),
        _ => return Err(unreadable()),
    };
    if kind.is_some_and(|k| k.is_empty() || !k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
        return Err(unreadable());
    }
    let sig: [u8; 64] = hex::decode(sig_hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(unreadable)?;
    let total = total.parse::<i64>().ok().and_then(|f| Fen::new(f).ok()).ok_or_else(unreadable)?;
    let issued = issued
        .parse::<i64>()
        .ok()
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .ok_or_else(unreadable)?;
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| unreadable())?;
    key.verify_strict(body.as_bytes(), &Signature::from_bytes(&sig)).map_err(|_| {
        invalid!(
            "qr_signature_invalid",
            format!("收据 {receipt_no} 的签名不符：这张收据被改动过，或不是由工作站 {station} 开具"),
            format!("The signature of receipt {receipt_no} does not match: it was altered, or not issued by station {station}")
        )
    })?;
    Ok(Checked {
        station: station.to_string(),
        receipt_no: receipt_no.to_string(),
        kind: kind.map(str::to_string),
        total,
        issued,
        anchor,
    })
}

impl Desk {
    /// `downtime receipt check`: verifies a scanned payload with this station's key (or the
    /// key given), says whether this station's records hold the same receipt, and holds the
    /// anchor it carries against this station's chain: a history rewritten or cut off since
    /// the receipt was printed is refused.
    pub fn check_receipt_code(&self, text: &str, public_key: Option<[u8; 32]>) -> Result<(Checked, Option<crate::charge::Receipt>)> {
        let station = self.require_station()?;
        let key = public_key.unwrap_or(station.public_key);
        let checked = check(text, &key)?;
        let ours = checked.station == station.code.as_str() && key == station.public_key;
        if let Some(a) = checked.anchor.as_ref().filter(|_| ours) {
            let found = anchor::check(&self.conn, a)?;
            if found != anchor::Found::Matches {
                let (zh, en) = anchor::broken(a, &found);
                return Err(invalid!(
                    "qr_anchor_mismatch",
                    format!("收据 {} 签名有效，但{zh}", checked.receipt_no),
                    format!("Receipt {}'s signature is valid, but: {en}", checked.receipt_no)
                ));
            }
        }
        let record = if ours { self.receipt(&checked.receipt_no)? } else { None };
        if let Some(r) = &record {
            if r.total != checked.total {
                return Err(invalid!(
                    "qr_mismatch",
                    format!("二维码金额 {} 与收据 {} 的记录 {} 不符", checked.total, r.receipt_no, r.total),
                    format!(
                        "The code's amount {} differs from receipt {}'s record {}",
                        checked.total, r.receipt_no, r.total
                    )
                ));
            }
        }
        Ok((checked, record))
    }
}
