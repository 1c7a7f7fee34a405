//! The receipt's QR code payload: what a pharmacy or finance scans (keyboard-wedge scanners
//! type it in) to check a paper receipt offline against the station's public key.
//!
//! Layout (ASCII, dot-separated), version 4:
//! `DDR4.<kind>.<station>.<receipt_no>.<total_fen>.<issued_unix_seconds>.<anchor_seq>.<anchor_hash16>.<patient>.<lines>.<signature>`
//! where `kind` is the document's kind (`charge`, `registration`, `refund`, `deposit`,
//! `deposit_refund`: a refund voucher can never pass for a receipt to dispense against);
//! `anchor_seq`, `anchor_hash16` are the journal entry just before the document's own entry
//! and the first 16 hex digits of its hash (see `anchor`): the chain position it was issued
//! on, written on paper where no rewrite of the file can reach it; `patient` is the patient's
//! downtime or HIS number; `lines` are the drug lines of a charge (what a pharmacy hands over),
//! `~`-separated, each `<line_no>*<code>*<quantity>[*<short name>]` with the quantity's decimal
//! point written `,` and the short name the item's pinyin initials (ASCII: a wedge scanner types
//! only what a keyboard can), given only while the payload stays within [`NAMES_BUDGET`] bytes;
//! every field is ASCII with `%XX` for any other byte. `signature` is the Ed25519 signature by
//! the station key over the bytes of everything before the last dot, in unpadded base64url
//! (86 characters instead of 128 in hex: a smaller code that still scans at 24 mm).
//! Older papers still verify: `DDR3` (the same without `patient` and `lines`, hex signature),
//! `DDR2.<kind>.<station>.<receipt_no>.<total_fen>.<issued>.<signature>` (no anchor) and
//! `DDR1.<station>.<receipt_no>.<total_fen>.<issued>.<signature>` (no kind either: only the
//! issuing station's records can say what they are).
//! A photocopy carries the same payload, so the paper's COPY mark and the journal's print
//! records (and at a pharmacy, what was already dispensed) tell copies apart; an altered
//! amount, number, kind or drug line fails the signature.

use super::{Receipt, ReceiptKind, ReceiptLine};
use crate::anchor::{self, Anchor};
use crate::catalog::price::Quantity;
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::store::Desk;
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

pub const PREFIX: &str = "DDR4";
/// Papers printed before the drug lines were signed.
const PREFIX_V3: &str = "DDR3";
/// Papers printed before the anchor was signed.
const PREFIX_V2: &str = "DDR2";
/// Papers printed before the kind was signed.
const PREFIX_V1: &str = "DDR1";

/// Short names go into the payload only while it stays this short. Measured (core test
/// `pharmacy::payloads_with_drug_lines_scan_from_rendered_pdfs`, pages rendered at 200 dpi,
/// read by ZBar): payloads up to 720 bytes (60 drug lines) decode from the A5 receipt's 24 mm
/// code and the roll's 30 mm code, 910 bytes (80 lines) do not; names are kept to a little
/// over half of that, leaving margin for real printers and worn paper.
pub const NAMES_BUDGET: usize = 400;
/// At most this many letters of a short name.
const SHORT_NAME_LEN: usize = 6;

/// A drug line as the payload signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLine {
    /// The line's number on the receipt, from 1.
    pub line_no: i64,
    pub code: String,
    pub qty: Quantity,
    /// The item's pinyin initials, when the payload had room for them.
    pub short: Option<String>,
}

impl SignedLine {
    /// The drug lines of a receipt as a payload signs them.
    pub fn of(lines: &[ReceiptLine]) -> Vec<SignedLine> {
        lines
            .iter()
            .filter(|l| l.is_drug)
            .map(|l| SignedLine {
                line_no: l.line_no,
                code: l.code.clone(),
                qty: l.qty,
                short: crate::catalog::lookup::initials(&l.name)
                    .into_iter()
                    .next()
                    .map(|i| {
                        i.chars()
                            .filter(char::is_ascii_alphanumeric)
                            .take(SHORT_NAME_LEN)
                            .collect::<String>()
                    })
                    .filter(|i| !i.is_empty()),
            })
            .collect()
    }
}

/// `%XX` for every byte but ASCII letters, digits, `-` and `_`.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn unesc(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub(crate) fn lines_field(lines: &[SignedLine], names: bool) -> String {
    lines
        .iter()
        .map(|l| {
            let mut f = format!("{}*{}*{}", l.line_no, esc(&l.code), l.qty.text().replace('.', ","));
            if let Some(s) = l.short.as_ref().filter(|_| names) {
                f.push('*');
                f.push_str(&esc(s));
            }
            f
        })
        .collect::<Vec<_>>()
        .join("~")
}

pub(crate) fn parse_lines(field: &str) -> Option<Vec<SignedLine>> {
    if field.is_empty() {
        return Some(Vec::new());
    }
    field
        .split('~')
        .map(|l| {
            let parts: Vec<&str> = l.split('*').collect();
            if !(3..=4).contains(&parts.len()) {
                return None;
            }
            Some(SignedLine {
                line_no: parts[0].parse().ok().filter(|n| *n > 0)?,
                code: unesc(parts[1]).filter(|c| !c.is_empty())?,
                qty: Quantity::parse(&parts[2].replace(',', ".")).ok()?,
                short: match parts.get(3) {
                    Some(s) => Some(unesc(s)?),
                    None => None,
                },
            })
        })
        .collect()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(crate) fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = bits << 6 | B64.iter().position(|x| *x == c)? as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    // Leftover bits must be zero, so that one signature has one spelling.
    (bits == 0).then_some(out)
}

/// What a document's payload signs beside its number and amount.
pub struct Contents<'a> {
    pub kind: ReceiptKind,
    pub station: &'a str,
    pub receipt_no: &'a str,
    pub total: Fen,
    pub issued: DateTime<Utc>,
    pub anchor: &'a Anchor,
    /// The patient's downtime or HIS number.
    pub patient: &'a str,
    pub lines: &'a [SignedLine],
}

/// Builds and signs the payload.
pub fn payload(key: &ed25519_dalek::SigningKey, c: &Contents<'_>) -> String {
    use ed25519_dalek::Signer;
    let body = |names: bool| {
        format!(
            "{PREFIX}.{}.{}.{}.{}.{}.{}.{}.{}.{}",
            c.kind.key(),
            c.station,
            c.receipt_no,
            c.total.get(),
            c.issued.timestamp(),
            c.anchor.seq,
            c.anchor.hash_prefix,
            esc(c.patient),
            lines_field(c.lines, names)
        )
    };
    // 87 = the dot and the signature.
    let mut text = body(true);
    if text.len() + 87 > NAMES_BUDGET {
        text = body(false);
    }
    let sig = key.sign(text.as_bytes()).to_bytes();
    format!("{text}.{}", b64(&sig))
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
    /// The patient's number; none on a paper printed before version 4.
    pub patient: Option<String>,
    /// The drug lines as signed; none on a paper printed before version 4.
    pub lines: Option<Vec<SignedLine>>,
}

fn unreadable() -> crate::CoreError {
    invalid!(
        QrUnreadable,
        "扫描内容不是 Downtime Desk 收据二维码",
        "The scanned text is not a Downtime Desk receipt code"
    )
}

/// A payload read but not yet verified: what it says, the signed bytes and the signature.
struct Parsed<'a> {
    checked: Checked,
    body: &'a str,
    sig: [u8; 64],
}

fn parse(text: &str) -> Result<Parsed<'_>> {
    let (body, sig_text) = text.rsplit_once('.').ok_or_else(unreadable)?;
    let all: Vec<&str> = body.split('.').collect();
    let kind = |k: &str| ReceiptKind::from_key(k).ok_or_else(unreadable);
    let anchor = |s: &str, h: &str| Anchor::parse(&format!("{s}:{h}")).map_err(|_| unreadable());
    type Fields<'b> = (
        Option<ReceiptKind>,
        &'b [&'b str],
        Option<Anchor>,
        Option<String>,
        Option<Vec<SignedLine>>,
    );
    let (kind, parts, anchor, patient, lines): Fields<'_> = match all.first() {
        Some(&PREFIX) if all.len() == 10 => (
            Some(kind(all[1])?),
            &all[1..6],
            Some(anchor(all[6], all[7])?),
            Some(unesc(all[8]).ok_or_else(unreadable)?),
            Some(parse_lines(all[9]).ok_or_else(unreadable)?),
        ),
        Some(&PREFIX_V3) if all.len() == 8 => (Some(kind(all[1])?), &all[1..6], Some(anchor(all[6], all[7])?), None, None),
        Some(&PREFIX_V2) if all.len() == 6 => (Some(kind(all[1])?), &all[1..], None, None, None),
        Some(&PREFIX_V1) if all.len() == 5 => (None, &all[..], None, None, None),
        _ => return Err(unreadable()),
    };
    let sig = if all[0] == PREFIX {
        unb64(sig_text)
    } else {
        hex::decode(sig_text).ok()
    };
    let sig: [u8; 64] = sig.and_then(|b| b.try_into().ok()).ok_or_else(unreadable)?;
    let total = parts[3].parse::<i64>().ok().and_then(|f| Fen::new(f).ok()).ok_or_else(unreadable)?;
    let issued = parts[4]
        .parse::<i64>()
        .ok()
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .ok_or_else(unreadable)?;
    Ok(Parsed {
        checked: Checked {
            kind,
            station: parts[1].to_string(),
            receipt_no: parts[2].to_string(),
            total,
            issued,
            anchor,
            patient,
            lines,
        },
        body,
        sig,
    })
}

/// What a payload says, read without checking the signature (the chain's own check of the
/// payloads it stores; `check` is for paper). None when it is not a payload.
pub fn read_unverified(text: &str) -> Option<Checked> {
    parse(text.trim()).ok().map(|p| p.checked)
}

/// The anchor written in a payload, read without checking the signature.
pub fn anchor_of(text: &str) -> Option<Anchor> {
    read_unverified(text).and_then(|c| c.anchor)
}

/// The station code a payload names, read without checking the signature (to find the key
/// to check it with).
pub fn station_of(text: &str) -> Option<String> {
    read_unverified(text).map(|c| c.station)
}

/// Verifies `text` against `public_key`. Refuses a payload that is malformed or whose
/// signature does not match (altered, or issued by another station's key).
pub fn check(text: &str, public_key: &[u8; 32]) -> Result<Checked> {
    let Parsed { checked, body, sig } = parse(text.trim())?;
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| unreadable())?;
    key.verify_strict(body.as_bytes(), &Signature::from_bytes(&sig)).map_err(|_| {
        invalid!(
            QrSignatureInvalid,
            format!(
                "收据 {} 的签名不符：这张收据被改动过，或不是由工作站 {} 开具",
                checked.receipt_no, checked.station
            ),
            format!(
                "The signature of receipt {} does not match: it was altered, or not issued by station {}",
                checked.receipt_no, checked.station
            )
        )
    })?;
    Ok(checked)
}

impl Desk {
    /// `downtime receipt check`: verifies a scanned payload with this station's key (or the
    /// key given), says whether this station's records hold the same receipt, and holds the
    /// anchor it carries against this station's chain: a history rewritten or cut off since
    /// the receipt was printed is refused.
    pub fn check_receipt_code(&self, text: &str, public_key: Option<[u8; 32]>) -> Result<(Checked, Option<Receipt>)> {
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
