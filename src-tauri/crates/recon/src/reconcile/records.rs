//! The workspace's receipts and HIS postings, read once into memory for matching, totals and
//! worklists. Kept small: a few hundred thousand receipts must fit well inside the memory
//! budget (300 MB for 30 counters × 10,000 receipts).

use crate::store::Workspace;
use chrono::NaiveDate;
use downtime_core::error::Result;
use std::collections::HashMap;
use uuid::Uuid;

/// A receipt as finance needs it.
#[derive(Debug, Clone)]
pub struct Rec {
    pub id: Uuid,
    pub station: String,
    pub seq: i64,
    pub receipt_no: String,
    pub kind: String,
    /// Signed; money given back is negative.
    pub total_fen: i64,
    /// Signed fen per tender method.
    pub tenders: Vec<(String, i64)>,
    /// The local day the money changed hands.
    pub day: NaiveDate,
    pub voided: bool,
    pub insured: bool,
    pub insurance_no: String,
    pub patient_id: String,
    pub refund_of: Option<String>,
}

impl Rec {
    /// What the HIS should have posted: nothing for a voided receipt.
    pub fn expected_fen(&self) -> i64 {
        if self.voided {
            0
        } else {
            self.total_fen
        }
    }
}

/// A posting as stored.
#[derive(Debug, Clone)]
pub struct Post {
    pub record_uuid: Option<Uuid>,
    pub receipt_no: String,
    pub his_no: String,
    pub amount_fen: i64,
    pub day: Option<NaiveDate>,
    pub method: String,
}

/// Every receipt, by position, with its two ways in.
pub struct Records {
    pub recs: Vec<Rec>,
    pub by_id: HashMap<Uuid, usize>,
    pub by_no: HashMap<String, usize>,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `{"cash":1700,"wechat":-300}` as stored by the load.
fn tenders(text: &str) -> Vec<(String, i64)> {
    serde_json::from_str::<std::collections::BTreeMap<String, i64>>(text)
        .map(|m| m.into_iter().collect())
        .unwrap_or_default()
}

impl Workspace {
    pub(crate) fn records(&self) -> Result<Records> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.station_code, r.seq, r.receipt_no, r.kind, r.total_fen, r.tenders, r.day, \
                    v.receipt_id IS NOT NULL, r.insured, r.insurance_no, r.patient_id, r.refund_of \
             FROM receipt r LEFT JOIN receipt_void v ON v.receipt_id = r.id ORDER BY r.station_code, r.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut recs = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            recs.push(Rec {
                id: Uuid::parse_str(&id).unwrap_or_default(),
                station: r.get(1)?,
                seq: r.get(2)?,
                receipt_no: r.get(3)?,
                kind: r.get(4)?,
                total_fen: r.get(5)?,
                tenders: tenders(r.get_ref(6)?.as_str().unwrap_or("{}")),
                day: date(r.get_ref(7)?.as_str().unwrap_or("")).unwrap_or_default(),
                voided: r.get(8)?,
                insured: r.get(9)?,
                insurance_no: r.get(10)?,
                patient_id: r.get(11)?,
                refund_of: r.get(12)?,
            });
        }
        let by_id = recs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let by_no = recs.iter().enumerate().map(|(i, r)| (r.receipt_no.clone(), i)).collect();
        Ok(Records { recs, by_id, by_no })
    }

    /// Every posting the HIS made, in the order they were imported.
    pub(crate) fn postings(&self) -> Result<Vec<Post>> {
        let mut stmt = self
            .conn
            .prepare("SELECT record_uuid, receipt_no, his_no, amount_fen, posted_at, method FROM his_posting ORDER BY rowid")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let uuid = r.get_ref(0)?.as_str().unwrap_or("");
            let posted = r.get_ref(4)?.as_str().unwrap_or("");
            out.push(Post {
                record_uuid: Uuid::parse_str(uuid).ok(),
                receipt_no: r.get(1)?,
                his_no: r.get(2)?,
                amount_fen: r.get(3)?,
                day: (!posted.is_empty()).then(|| date(&crate::local_day(posted))).flatten(),
                method: r.get(5)?,
            });
        }
        Ok(out)
    }
}
