//! The receipt's QR code payload: what a pharmacy or finance scans (keyboard-wedge scanners
//! type it in) to check a paper receipt offline against the station's public key.
//!
//! Layout (ASCII, dot-separated), version 3:
//! `DDR3.<kind>.<station>.<receipt_no>.<total_fen>.<issued_unix_seconds>.<anchor_seq>.<anchor_hash16>.<signature>`
//! where `kind` is the document's kind (`charge`, `registration`, `refund`, `deposit`,
//! `deposit_refund`: a refund voucher can never pass for a receipt to dispense against);
//! `anchor_seq`, `anchor_hash16` are the journal entry just before the document's own entry
//! and the first 16 hex digits of its hash (see `anchor`): the chain position it was issued
//! on, written on paper where no rewrite of the file can reach it; and `signature` is the
//! lowercase hex Ed25519 signature by the station key over the bytes of everything before the
//! last dot. Older papers still verify: `DDR2.<kind>.<station>.<receipt_no>.<total_fen>.<issued>.<signature>`
//! (no anchor) and `DDR1.<station>.<receipt_no>.<total_fen>.<issued>.<signature>` (no kind
//! either: only the issuing station's records can say what they are).
//! A photocopy carries the same payload, so the paper's COPY mark and the journal's print
//! records tell copies apart; an altered amount, number or kind fails the signature.

use super::{Receipt, ReceiptKind};
use crate::anchor::{self, Anchor};
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::store::Desk;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

pub const PREFIX: &str = "DDR3";
/// Papers printed before the anchor was signed.
const PREFIX_V2: &str = "DDR2";
/// Papers printed before the kind was signed.
const PREFIX_V1: &str = "DDR1";

/// Builds and signs the payload.
pub fn payload(
    key: &ed25519_dalek::SigningKey,
    kind: ReceiptKind,
    station: &str,
    receipt_no: &str,
    total: Fen,
    issued: DateTime<Utc>,
    anchor: &Anchor,
) -> String {
    use ed25519_dalek::Signer;
    let body = format!(
        "{PREFIX}.{}.{station}.{receipt_no}.{}.{}.{}.{}",
        kind.key(),
        total.get(),
        issued.timestamp(),
        anchor.seq,
        anchor.hash_prefix
    );
    let sig = key.sign(body.as_bytes()).to_bytes();
    format!("{body}.{}", hex::encode(sig))
}

/// What a verified payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// What the document is, as signed; none on a paper printed before kinds were signed.
    pub kind: Option<ReceiptKind>,
    pub station: String,
    pub receipt_no: String,
    pub total: Fen,
    pub issued: DateTime<Utc>,
    /// The chain position it was issued on; none on a paper printed before anchors.
    pub anchor: Option<Anchor>,
}

fn unreadable() -> crate::CoreError {
    invalid!(
        QrUnreadable,
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
    let all: Vec<&str> = body.split('.').collect();
    let (kind, parts, anchor) = match all.first() {
        Some(&PREFIX) if all.len() == 8 => (
            Some(ReceiptKind::from_key(all[1]).ok_or_else(unreadable)?),
            &all[1..6],
            Some(Anchor::parse(&format!("{}:{}", all[6], all[7])).map_err(|_| unreadable())?),
        ),
        Some(&PREFIX_V2) if all.len() == 6 => (Some(ReceiptKind::from_key(all[1]).ok_or_else(unreadable)?), &all[1..], None),
        Some(&PREFIX_V1) if all.len() == 5 => (None, &all[..], None),
        _ => return Err(unreadable()),
    };
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
            QrSignatureInvalid,
            format!("收据 {} 的签名不符：这张收据被改动过，或不是由工作站 {} 开具", parts[2], parts[1]),
            format!(
                "The signature of receipt {} does not match: it was altered, or not issued by station {}",
                parts[2], parts[1]
            )
        )
    })?;
    Ok(Checked {
        kind,
        station: parts[1].to_string(),
        receipt_no: parts[2].to_string(),
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
                    QrAnchorMismatch,
                    format!("收据 {} 签名有效，但{zh}", checked.receipt_no),
                    format!("Receipt {}'s signature is valid, but: {en}", checked.receipt_no)
                ));
            }
        }
        let record = if ours { self.receipt(&checked.receipt_no)? } else { None };
        if let Some(r) = &record {
            if checked.kind.is_some_and(|k| k != r.kind) {
                return Err(invalid!(
                    QrMismatch,
                    format!("二维码所示票据类型与收据 {} 的记录（{}）不符", r.receipt_no, r.kind.title()),
                    format!("The code's kind differs from receipt {}'s record ({})", r.receipt_no, r.kind.key())
                ));
            }
            if r.total != checked.total {
                return Err(invalid!(
                    QrMismatch,
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

/// What a document is now, on the station that issued it: `valid`, `voided`, `partly_refunded`
/// or `refunded` (a charge or registration whose refunds took all of it).
pub fn state(r: &Receipt) -> &'static str {
    if r.voided.is_some() {
        "voided"
    } else if r.kind.pays_back() || r.refunded == Fen::ZERO {
        "valid"
    } else if r.refunded >= r.total {
        "refunded"
    } else {
        "partly_refunded"
    }
}

/// What `receipt check` says first about a document of `kind` (none: a paper printed before
/// kinds were signed), in Chinese and English: what it is and what it may be used for.
pub fn kind_verdict(kind: Option<ReceiptKind>) -> (&'static str, &'static str) {
    match kind {
        Some(ReceiptKind::Charge) => ("门诊收费票据", "Outpatient charge receipt"),
        Some(ReceiptKind::Registration) => ("门诊挂号收费票据", "Registration fee receipt"),
        Some(ReceiptKind::Refund) => (
            "退费凭证：钱已退回患者，不能据此发药、检查或换取发票",
            "Refund voucher: money paid back; never dispense, examine or exchange an invoice against it",
        ),
        Some(ReceiptKind::Deposit) => (
            "住院预交金收据：出院结算时使用，不能据此发药",
            "Inpatient deposit receipt: for settlement at discharge; not for dispensing",
        ),
        Some(ReceiptKind::DepositRefund) => (
            "预交金退款凭证：钱已退回，不能据此发药或结算",
            "Deposit refund voucher: money paid back; never dispense or settle against it",
        ),
        None => (
            "旧版二维码，未标明票据类型：请在开具工作站查询后再使用",
            "Old code without the document's kind: check it on the issuing station before use",
        ),
    }
}
