//! The records a report is derived from, read as they are stored: the shifts in scope, every
//! receipt of those shifts with its tenders, lines, void and refunds, and the admissions a
//! list needs. Nothing is summed here; [`super::derive`] does that.

use crate::catalog::category::FeeCategory;
use crate::error::Result;
use crate::receipt::tender::Method;
use crate::receipt::ReceiptKind;
use crate::store::Desk;
use crate::time::parse_stamp;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;
use uuid::Uuid;

/// How many of one note or coin were counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct Denomination {
    #[ts(type = "number")]
    pub value_fen: i64,
    #[ts(type = "number")]
    pub count: i64,
}

/// A shift with its close, if it has one.
#[derive(Debug, Clone)]
pub(crate) struct ShiftRecord {
    pub id: Uuid,
    pub operator: String,
    pub operator_id: Uuid,
    pub float: i64,
    pub outage_id: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub close: Option<CloseRecord>,
    /// The paper invoice books registered in it, in order.
    pub paper_books: Vec<crate::paper::PaperBook>,
}

#[derive(Debug, Clone)]
pub(crate) struct CloseRecord {
    pub counted: i64,
    pub closed_at: DateTime<Utc>,
    /// By denomination, when counted so.
    pub notes: Option<Vec<Denomination>>,
    pub reason: String,
    pub supervisor: Option<String>,
}

/// One receipt as a report needs it.
#[derive(Debug, Clone)]
pub(crate) struct ReceiptRecord {
    pub seq: i64,
    pub receipt_no: String,
    pub kind: ReceiptKind,
    pub total: i64,
    pub shift_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub paper_no: Option<String>,
    pub insured: bool,
    pub resettle_due: Option<NaiveDate>,
    pub exchange_due: Option<NaiveDate>,
    pub due_provisional: bool,
    pub patient_name: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance: String,
    pub insurance_no: String,
    /// A refund's original receipt.
    pub original_no: Option<String>,
    pub admission_no: Option<String>,
    pub reason: String,
    pub supervisor: Option<String>,
    pub void: Option<VoidRecord>,
    /// What refunds (of any shift) have paid back against this receipt.
    pub refunded: i64,
    pub tenders: Vec<(Method, i64)>,
    /// (category, amount, pays a registration's fee item).
    pub lines: Vec<(FeeCategory, i64, bool)>,
}

#[derive(Debug, Clone)]
pub(crate) struct VoidRecord {
    pub reason: String,
    pub supervisor: String,
    pub at: DateTime<Utc>,
}

/// An admission flagged "convert to insured after recovery" (not cancelled).
#[derive(Debug, Clone)]
pub(crate) struct AdmissionRecord {
    pub inpatient_no: String,
    pub patient_name: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance: String,
    pub insurance_no: String,
    pub admitted_at: DateTime<Utc>,
}

const SHIFT_SELECT: &str = "SELECT s.id, o.name, s.operator_id, s.float_fen, s.outage_id, s.opened_at, c.counted_fen, c.closed_at, \
     k.denominations, k.reason, ks.name \
     FROM shift s JOIN operator o ON o.id = s.operator_id LEFT JOIN shift_close c ON c.shift_id = s.id \
     LEFT JOIN shift_count k ON k.shift_id = s.id LEFT JOIN operator ks ON ks.id = k.supervisor_id";

fn shift_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ShiftRecord> {
    let counted: Option<i64> = r.get(6)?;
    Ok(ShiftRecord {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        operator: r.get(1)?,
        operator_id: crate::time::parse_stored_id(&r.get::<_, String>(2)?)?,
        float: r.get(3)?,
        outage_id: r.get::<_, Option<String>>(4)?.and_then(|s| s.parse().ok()),
        opened_at: parse_stamp(&r.get::<_, String>(5)?)?,
        close: match counted {
            Some(counted) => Some(CloseRecord {
                counted,
                closed_at: parse_stamp(&r.get::<_, String>(7)?)?,
                notes: r.get::<_, Option<String>>(8)?.and_then(|n| serde_json::from_str(&n).ok()),
                reason: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                supervisor: r.get(10)?,
            }),
            None => None,
        },
        paper_books: Vec::new(),
    })
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

impl Desk {
    pub(crate) fn shift_record(&self, id: Uuid) -> Result<Option<ShiftRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!("{SHIFT_SELECT} WHERE s.id = ?1"))?;
        let mut rows = stmt.query_map([id.to_string()], shift_from_row)?;
        let Some(mut shift) = rows.next().transpose()? else {
            return Ok(None);
        };
        shift.paper_books = self.paper_books(shift.id)?;
        Ok(Some(shift))
    }

    /// Shifts matching `filter` (SQL over `s` with `params`), oldest first.
    pub(crate) fn shift_records(&self, filter: &str, params: &[&str]) -> Result<Vec<ShiftRecord>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{SHIFT_SELECT} WHERE {filter} ORDER BY s.opened_at, s.rowid"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), shift_from_row)?;
        let mut shifts: Vec<ShiftRecord> = rows.collect::<rusqlite::Result<_>>()?;
        for s in &mut shifts {
            s.paper_books = self.paper_books(s.id)?;
        }
        Ok(shifts)
    }

    /// Every receipt of `shift`, in number order, with its tenders and lines.
    pub(crate) fn receipt_records(&self, shift: Uuid) -> Result<Vec<ReceiptRecord>> {
        let id = shift.to_string();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.seq, r.receipt_no, r.kind, r.total_fen, r.occurred_at, r.paper_no, r.insured, \
                    r.resettle_due, r.exchange_due, r.due_provisional, p.name, p.downtime_no, p.phone, r.insurance, r.insurance_no, \
                    orig.receipt_no, a.inpatient_no, r.reason, s.name, v.reason, vs.name, v.at, \
                    (SELECT ifnull(sum(x.total_fen), 0) FROM receipt x WHERE x.refund_of = r.id), g.fee_items \
             FROM receipt r JOIN patient p ON p.id = r.patient_id \
             LEFT JOIN receipt orig ON orig.id = r.refund_of LEFT JOIN admission a ON a.id = r.admission_id \
             LEFT JOIN operator s ON s.id = r.supervisor_id LEFT JOIN receipt_void v ON v.receipt_id = r.id \
             LEFT JOIN operator vs ON vs.id = v.supervisor_id LEFT JOIN registration g ON g.id = r.registration_id \
             WHERE r.shift_id = ?1 ORDER BY r.seq",
        )?;
        let mut fee_codes: HashMap<String, Vec<String>> = HashMap::new();
        let mut receipts: Vec<(String, ReceiptRecord)> = stmt
            .query_map([&id], |r| {
                let receipt_id: String = r.get(0)?;
                let void_reason: Option<String> = r.get(20)?;
                let fee_items: Option<String> = r.get(24)?;
                Ok((
                    receipt_id,
                    fee_items,
                    ReceiptRecord {
                        seq: r.get(1)?,
                        receipt_no: r.get(2)?,
                        kind: ReceiptKind::parse(&r.get::<_, String>(3)?),
                        total: r.get(4)?,
                        shift_id: shift,
                        occurred_at: parse_stamp(&r.get::<_, String>(5)?)?,
                        paper_no: r.get(6)?,
                        insured: r.get(7)?,
                        resettle_due: date(r.get(8)?),
                        exchange_due: date(r.get(9)?),
                        due_provisional: r.get(10)?,
                        patient_name: r.get(11)?,
                        downtime_no: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
                        phone: r.get(13)?,
                        insurance: r.get(14)?,
                        insurance_no: r.get(15)?,
                        original_no: r.get(16)?,
                        admission_no: r.get(17)?,
                        reason: r.get(18)?,
                        supervisor: r.get(19)?,
                        void: match void_reason {
                            Some(reason) => Some(VoidRecord {
                                reason,
                                supervisor: r.get(21)?,
                                at: parse_stamp(&r.get::<_, String>(22)?)?,
                            }),
                            None => None,
                        },
                        refunded: r.get(23)?,
                        tenders: Vec::new(),
                        lines: Vec::new(),
                    },
                ))
            })?
            .map(|row| {
                row.map(|(receipt_id, fee_items, rec)| {
                    if let Some(items) = fee_items {
                        fee_codes.insert(receipt_id.clone(), registration_fee_codes(&items));
                    }
                    (receipt_id, rec)
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        let index: HashMap<String, usize> = receipts.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.receipt_id, t.method, t.amount_fen FROM tender t JOIN receipt r ON r.id = t.receipt_id \
             WHERE r.shift_id = ?1 ORDER BY t.receipt_id, t.n",
        )?;
        let mut rows = stmt.query([&id])?;
        while let Some(row) = rows.next()? {
            let receipt_id: String = row.get(0)?;
            if let Some(&i) = index.get(&receipt_id) {
                let method = Method::parse(&row.get::<_, String>(1)?).unwrap_or(Method::Other);
                receipts[i].1.tenders.push((method, row.get(2)?));
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.receipt_id, l.code, l.category, l.amount_fen FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id \
             WHERE r.shift_id = ?1 ORDER BY l.receipt_id, l.line_no",
        )?;
        let mut rows = stmt.query([&id])?;
        while let Some(row) = rows.next()? {
            let receipt_id: String = row.get(0)?;
            if let Some(&i) = index.get(&receipt_id) {
                let code: String = row.get(1)?;
                let key: String = row.get(2)?;
                let category = FeeCategory::ALL.into_iter().find(|c| c.key() == key).unwrap_or(FeeCategory::Other);
                let fee = !code.is_empty() && fee_codes.get(&receipt_id).is_some_and(|codes| codes.contains(&code));
                receipts[i].1.lines.push((category, row.get(3)?, fee));
            }
        }
        Ok(receipts.into_iter().map(|(_, r)| r).collect())
    }

    /// Admissions to convert to insured (not cancelled) matching `filter` (SQL over `a`, with
    /// `params`), oldest first.
    pub(crate) fn admission_records(&self, filter: &str, params: &[&str]) -> Result<Vec<AdmissionRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.inpatient_no, p.name, p.downtime_no, p.phone, a.insurance, a.insurance_no, a.admitted_at \
             FROM admission a JOIN patient p ON p.id = a.patient_id \
             WHERE a.convert_to_insured = 1 AND NOT EXISTS (SELECT 1 FROM admission_cancel c WHERE c.admission_id = a.id) \
             AND {filter} ORDER BY a.seq"
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            Ok(AdmissionRecord {
                inpatient_no: r.get(0)?,
                patient_name: r.get(1)?,
                downtime_no: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                phone: r.get(3)?,
                insurance: r.get(4)?,
                insurance_no: r.get(5)?,
                admitted_at: parse_stamp(&r.get::<_, String>(6)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The journal's last entry: its sequence number and hash (0 and empty before the first).
    pub(crate) fn journal_head(&self) -> Result<(i64, String)> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((0, String::new())))
    }
}

/// The price-list codes of a registration's fee items (as stored with the registration).
fn registration_fee_codes(items: &str) -> Vec<String> {
    serde_json::from_str::<Vec<serde_json::Value>>(items)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v["code"].as_str().map(str::to_string))
        .collect()
}
