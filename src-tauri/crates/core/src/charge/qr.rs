//! The receipt's QR code payload: what a pharmacy or finance scans (keyboard-wedge scanners
//! type it in) to check a paper receipt offline against the station's public key.
//!
//! Layout (ASCII, dot-separated):
//! `DDR1.<station>.<receipt_no>.<total_fen>.<issued_unix_seconds>.<signature>` where
//! `signature` is the lowercase hex Ed25519 signature by the station key over the bytes of
//! everything before the last dot (`DDR1.<station>.<receipt_no>.<total_fen>.<issued>`).
//! A photocopy carries the same payload, so the paper's COPY mark and the journal's print
//! records tell copies apart; an altered amount or number fails the signature.

use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::store::Desk;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

pub const PREFIX: &str = "DDR1";

/// Builds and signs the payload.
pub fn payload(key: &ed25519_dalek::SigningKey, station: &str, receipt_no: &str, total: Fen, issued: DateTime<Utc>) -> String {
    use ed25519_dalek::Signer;
    let body = format!("{PREFIX}.{station}.{receipt_no}.{}.{}", total.get(), issued.timestamp());
    let sig = key.sign(body.as_bytes()).to_bytes();
    format!("{body}.{}", hex::encode(sig))
}

/// What a verified payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub station: String,
    pub receipt_no: String,
    pub total: Fen,
    pub issued: DateTime<Utc>,
}

fn unreadable() -> crate::CoreError {
    invalid!(
        "qr_unreadable",
        "扫描内容不是 Downtime Desk 收据二维码",
        "The scanned text is not a Downtime Desk receipt code"
    )
}

/// Verifies `text` against `public_key`. Refuses a payload that is malformed or whose
/// signature does not match (altered, or issued by another station's key).
pub fn check(text: &str, public_key: &[u8; 32]) -> Result<Checked> {
    let text = text.trim();
    let (body, sig_hex) = text.rsplit_once('.').ok_or_else(unreadable)?;
    let parts: Vec<&str> = body.split('.').collect();
    if parts.len() != 5 || parts[0] != PREFIX {
        return Err(unreadable());
    }
    let sig: [u8; 64] = hex::decode(sig_hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(unreadable)?;
    let total = parts[3].parse::<i64>().ok().and_then(|f| Fen::new(f).ok()).ok_or_else(unreadable)?;
    let issued = parts[4]
        .parse::<i64>()
        .ok()
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .ok_or_else(unreadable)?;
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| unreadable())?;
    key.verify_strict(body.as_bytes(), &Signature::from_bytes(&sig)).map_err(|_| {
        invalid!(
            "qr_signature_invalid",
            format!("收据 {} 的签名不符：这张收据被改动过，或不是由工作站 {} 开具", parts[2], parts[1]),
            format!(
                "The signature of receipt {} does not match: it was altered, or not issued by station {}",
                parts[2], parts[1]
            )
        )
    })?;
    Ok(Checked {
        station: parts[1].to_string(),
        receipt_no: parts[2].to_string(),
        total,
        issued,
    })
}

impl Desk {
    /// `downtime receipt check`: verifies a scanned payload with this station's key (or the
    /// key given), and says whether this station's records hold the same receipt.
    pub fn check_receipt_code(&self, text: &str, public_key: Option<[u8; 32]>) -> Result<(Checked, Option<crate::charge::Receipt>)> {
        let station = self.require_station()?;
        let key = public_key.unwrap_or(station.public_key);
        let checked = check(text, &key)?;
        let record = if checked.station == station.code.as_str() {
            self.receipt(&checked.receipt_no)?
        } else {
            None
        };
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
