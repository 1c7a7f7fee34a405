//! A receipt written: its row, lines and tenders with its signed QR payload, inside the
//! caller's transaction (charges, refunds, registrations, deposits and deposit refunds all
//! come through `insert_receipt_rows`), and the station's signer, read once.

use super::qr;
use super::tender::Tender;
use super::{Depositor, ReceiptKind, ReceiptLine};
use crate::error::{invalid, Result};
use crate::journal;
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Patient;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use crate::workdays::Due;
use chrono::{DateTime, Utc};
use serde_json::Map;
use uuid::Uuid;

/// What a receipt row needs besides lines and tenders; shared with refunds and deposits.
pub(crate) struct NewReceipt<'a> {
    pub id: Uuid,
    pub kind: ReceiptKind,
    pub patient: &'a Patient,
    pub registration_id: Option<Uuid>,
    pub admission_id: Option<Uuid>,
    pub department: String,
    pub refund_of: Option<Uuid>,
    pub total: Fen,
    pub change: Fen,
    pub insured: bool,
    pub resettle_due: Option<Due>,
    pub exchange_due: Option<Due>,
    pub paper_no: Option<String>,
    pub reason: String,
    pub supervisor: Option<&'a Actor>,
    pub drug_return_by: Option<String>,
    pub catalog_version: Option<Uuid>,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    pub request_sha256: String,
    pub pay_back_reason: Option<String>,
    pub payer: Option<Depositor>,
}

impl<'a> NewReceipt<'a> {
    /// A receipt of `kind` with every optional fact empty; callers fill in what theirs has.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        kind: ReceiptKind,
        id: Uuid,
        patient: &'a Patient,
        total: Fen,
        shift_id: Uuid,
        outage_id: Uuid,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        NewReceipt {
            id,
            kind,
            patient,
            registration_id: None,
            admission_id: None,
            department: String::new(),
            refund_of: None,
            total,
            change: Fen::ZERO,
            insured: false,
            resettle_due: None,
            exchange_due: None,
            paper_no: None,
            reason: String::new(),
            supervisor: None,
            drug_return_by: None,
            catalog_version: None,
            shift_id,
            outage_id,
            occurred_at,
            back_entered: false,
            request_sha256: String::new(),
            pay_back_reason: None,
            payer: None,
        }
    }
}

/// The station's code and key, read before a receipt's transaction opens.
#[derive(Clone)]
pub(crate) struct Signer {
    station: String,
    key: ed25519_dalek::SigningKey,
}

/// The signer kept on the desk, once read.
#[derive(Default)]
struct SignerMemo(std::sync::Mutex<Option<Signer>>);
impl crate::store::Memo for SignerMemo {}

impl Desk {
    /// The station's code and key; read once (neither ever changes once set up).
    pub(crate) fn signer(&self) -> Result<Signer> {
        let memo = self.memo::<SignerMemo>();
        let mut cached = memo.0.lock().expect("signer cache");
        if let Some(s) = cached.as_ref() {
            return Ok(s.clone());
        }
        let signer = Signer {
            station: self.require_station()?.code.to_string(),
            key: self.signing_key()?,
        };
        *cached = Some(signer.clone());
        Ok(signer)
    }
}

/// Writes a receipt with its lines and tenders and journals it, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_receipt(
    tx: &rusqlite::Connection,
    signer: &Signer,
    by: &Actor,
    r: &NewReceipt<'_>,
    lines: &[ReceiptLine],
    tenders: &[Tender],
    now: DateTime<Utc>,
    kind: &str,
) -> Result<(String, String)> {
    let (receipt_no, qr_payload, rows) = insert_receipt_rows(tx, signer, by, r, lines, tenders, now)?;
    journal::append_rows(tx, kind, by.name(), now, rows, Map::new())?;
    Ok((receipt_no, qr_payload))
}

/// A receipt as written: its number, its QR payload, and its rows as the journal records them.
pub(crate) type WrittenReceipt = (String, String, Vec<(&'static str, String)>);

/// Writes a receipt with its lines and tenders inside the caller's transaction, and returns
/// its number, its QR payload and its rows for the journal entry of the change it is part of
/// (a registration writes its fee receipt in its own entry).
pub(crate) fn insert_receipt_rows(
    tx: &rusqlite::Connection,
    signer: &Signer,
    by: &Actor,
    r: &NewReceipt<'_>,
    lines: &[ReceiptLine],
    tenders: &[Tender],
    now: DateTime<Utc>,
) -> Result<WrittenReceipt> {
    let seq: i64 = tx.qrow("SELECT ifnull(max(seq), 0) + 1 FROM receipt", [], |row| row.get(0))?;
    let receipt_no = format!("{}-{seq:06}", signer.station);
    // The chain position it is issued on: the entry just before its own (see `anchor`).
    let anchor = crate::anchor::head(tx)?.ok_or(crate::CoreError::NotInitialised)?;
    // A charge signs its drug lines: what a pharmacy may hand over against it.
    let drug_lines = match r.kind {
        ReceiptKind::Charge => qr::SignedLine::of(lines),
        _ => Vec::new(),
    };
    let patient_no = r.patient.downtime_no.as_deref().or(r.patient.his_id.as_deref()).unwrap_or("");
    let qr_payload = qr::payload(
        &signer.key,
        &qr::Contents {
            kind: r.kind,
            station: &signer.station,
            receipt_no: &receipt_no,
            total: r.total,
            issued: r.occurred_at,
            anchor: &anchor,
            patient: patient_no,
            lines: &drug_lines,
        },
    );
    // The signed drug lines must scan from the paper: a prescription too long for the
    // largest code the A5 receipt and the roll hold is refused here, before anything is written.
    if !crate::receipt_pdf::qr_fits_paper(&qr_payload) {
        return Err(invalid!(
            ChargeTooManyDrugLines,
            format!(
                "这张收据有 {} 行药品，签名二维码太大，打印后无法可靠扫描发药：请把处方分成两笔收费",
                drug_lines.len()
            ),
            format!(
                "This receipt has {} drug lines: its signed code would be too large to scan reliably at the pharmacy; split the prescription into two charges",
                drug_lines.len()
            )
        ));
    }
    let provisional = r.exchange_due.is_some_and(|d| d.provisional);
    let id = r.id.to_string();
    let receipt = journal::insert_row(
        tx,
        "receipt",
        &[
            ("id", &id),
            ("seq", &seq),
            ("receipt_no", &receipt_no),
            ("kind", &r.kind.key()),
            ("patient_id", &r.patient.id.to_string()),
            ("registration_id", &r.registration_id.map(|v| v.to_string())),
            ("admission_id", &r.admission_id.map(|v| v.to_string())),
            ("department", &r.department),
            ("refund_of", &r.refund_of.map(|v| v.to_string())),
            ("total_fen", &r.total.get()),
            ("change_fen", &r.change.get()),
            ("insured", &r.insured),
            ("insurance", &r.patient.insurance.key()),
            ("insurance_no", &r.patient.insurance_no),
            ("resettle_due", &r.resettle_due.map(|d| d.date.to_string())),
            ("exchange_due", &r.exchange_due.map(|d| d.date.to_string())),
            ("due_provisional", &provisional),
            ("paper_no", &r.paper_no),
            ("reason", &r.reason),
            ("supervisor_id", &r.supervisor.map(|s| s.id().to_string())),
            ("drug_return_by", &r.drug_return_by),
            ("catalog_version_id", &r.catalog_version.map(|v| v.to_string())),
            ("operator_id", &by.id().to_string()),
            ("shift_id", &r.shift_id.to_string()),
            ("outage_id", &r.outage_id.to_string()),
            ("occurred_at", &stamp(r.occurred_at)),
            ("recorded_at", &stamp(now)),
            ("back_entered", &r.back_entered),
            ("qr_payload", &qr_payload),
            ("request_sha256", &r.request_sha256),
            ("pay_back_reason", &r.pay_back_reason),
            ("payer", &r.payer.as_ref().map(|p| p.name.clone())),
            ("payer_relation", &r.payer.as_ref().map(|p| p.relation.clone())),
            ("payer_phone", &r.payer.as_ref().map(|p| p.phone.clone())),
        ],
    )?;
    let mut rows = Vec::with_capacity(1 + lines.len() + tenders.len());
    rows.push(("receipt", receipt));
    for l in lines {
        let row = journal::insert_row(
            tx,
            "receipt_line",
            &[
                ("receipt_id", &id),
                ("line_no", &l.line_no),
                ("code", &l.code),
                ("name", &l.name),
                ("spec", &l.spec),
                ("unit", &l.unit),
                ("qty_milli", &l.qty.milli()),
                ("unit_price_e4", &l.unit_price.e4()),
                ("amount_fen", &l.amount.get()),
                ("category", &l.category.key()),
                ("is_drug", &l.is_drug),
                ("free_text", &l.free_text),
                ("free_reason", &l.free_reason),
                ("refunds_line", &l.refunds_line),
                ("insurance_class", &l.insurance_class),
                ("doses", &l.doses),
            ],
        )?;
        rows.push(("receipt_line", row));
    }
    for (n, t) in tenders.iter().enumerate() {
        let row = journal::insert_row(
            tx,
            "tender",
            &[
                ("receipt_id", &id),
                ("n", &(n as i64 + 1)),
                ("method", &t.method.key()),
                ("amount_fen", &t.amount.get()),
                ("tendered_fen", &t.tendered.map(Fen::get)),
                ("reference", &t.reference),
            ],
        )?;
        rows.push(("tender", row));
    }
    Ok((receipt_no, qr_payload, rows))
}
