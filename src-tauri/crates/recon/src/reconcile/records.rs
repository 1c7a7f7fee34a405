//! The workspace's receipts and HIS postings, read once into memory for matching, totals and
//! worklists. Kept small: 300,000 receipts (30 counters × 10,000) must fit well inside the
//! memory budget (300 MB for the whole reconciliation). A receipt holds its id as 16 bytes,
//! its amounts as integers, its station, kind and tender methods as small numbers into one
//! table of names, and its texts (receipt number, patient, insurance number, refunded receipt)
//! as places in one shared text; the two ways in (by id, by receipt number) are positions
//! sorted by key, searched by halving.

use crate::store::Workspace;
use chrono::NaiveDate;
use downtime_core::error::Result;
use std::collections::HashMap;
use uuid::Uuid;

/// A place in [`Records`]' shared text.
#[derive(Debug, Clone, Copy, Default)]
struct Txt(u32, u32);

/// A receipt as finance needs it; its texts are read through [`Records`].
#[derive(Debug, Clone)]
pub struct Rec {
    pub id: Uuid,
    pub seq: i64,
    /// Signed; money given back is negative.
    pub total_fen: i64,
    /// The local day the money changed hands.
    pub day: NaiveDate,
    pub voided: bool,
    pub insured: bool,
    station: u16,
    kind: u16,
    /// Its signed fen per tender method, a run of [`Records`]' tenders.
    tenders: (u32, u32),
    receipt_no: Txt,
    insurance_no: Txt,
    patient_id: Txt,
    refund_of: Option<Txt>,
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
#[derive(Default)]
pub struct Records {
    pub recs: Vec<Rec>,
    /// Stations, kinds and tender methods.
    names: Vec<String>,
    text: String,
    tenders: Vec<(u16, i64)>,
    /// Positions sorted by id, and by receipt number (a key met twice: the later receipt).
    by_id: Vec<u32>,
    by_no: Vec<u32>,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Builds [`Records`] receipt by receipt.
#[derive(Default)]
struct Builder {
    records: Records,
    names: HashMap<String, u16>,
}

impl Builder {
    fn name(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        let i = u16::try_from(self.records.names.len()).expect("fewer than 65,536 stations, kinds and tenders");
        self.records.names.push(name.to_string());
        self.names.insert(name.to_string(), i);
        i
    }

    fn text(&mut self, text: &str) -> Txt {
        let start = u32::try_from(self.records.text.len()).expect("receipt texts under 4 GB");
        self.records.text.push_str(text);
        Txt(start, text.len() as u32)
    }

    /// `{"cash":1700,"wechat":-300}` as stored by the load, in key order.
    fn tenders(&mut self, text: &str) -> (u32, u32) {
        let start = self.records.tenders.len() as u32;
        let parsed = serde_json::from_str::<std::collections::BTreeMap<String, i64>>(text).unwrap_or_default();
        for (method, fen) in parsed {
            let m = self.name(&method);
            self.records.tenders.push((m, fen));
        }
        (start, self.records.tenders.len() as u32 - start)
    }

    fn finish(mut self) -> Records {
        let r = &mut self.records;
        let positions = || (0..r.recs.len() as u32).collect::<Vec<u32>>();
        let mut by_id = positions();
        by_id.sort_by_key(|&i| r.recs[i as usize].id);
        let mut by_no = positions();
        by_no.sort_by(|&a, &b| r.receipt_no(&r.recs[a as usize]).cmp(r.receipt_no(&r.recs[b as usize])));
        r.by_id = by_id;
        r.by_no = by_no;
        self.records
    }
}

impl Records {
    fn txt(&self, t: Txt) -> &str {
        &self.text[t.0 as usize..(t.0 + t.1) as usize]
    }

    pub fn station(&self, r: &Rec) -> &str {
        &self.names[r.station as usize]
    }

    pub fn kind(&self, r: &Rec) -> &str {
        &self.names[r.kind as usize]
    }

    pub fn receipt_no(&self, r: &Rec) -> &str {
        self.txt(r.receipt_no)
    }

    pub fn insurance_no(&self, r: &Rec) -> &str {
        self.txt(r.insurance_no)
    }

    pub fn patient_id(&self, r: &Rec) -> &str {
        self.txt(r.patient_id)
    }

    /// The record id of the receipt a refund gives money back from.
    pub fn refund_of(&self, r: &Rec) -> Option<&str> {
        r.refund_of.map(|t| self.txt(t))
    }

    /// Signed fen per tender method, methods in order.
    pub fn tenders(&self, r: &Rec) -> impl ExactSizeIterator<Item = (&str, i64)> + '_ {
        let (start, len) = r.tenders;
        self.tenders[start as usize..(start + len) as usize]
            .iter()
            .map(|&(m, fen)| (self.names[m as usize].as_str(), fen))
    }

    /// The last of `sorted` (positions ascending among equals) whose key is `key`.
    fn find<'s, K: Ord + ?Sized + 's>(sorted: &[u32], key: &K, of: impl Fn(usize) -> &'s K) -> Option<usize> {
        let end = sorted.partition_point(|&i| of(i as usize) <= key);
        let i = *sorted.get(end.checked_sub(1)?)? as usize;
        (of(i) == key).then_some(i)
    }

    /// The receipt with this record id.
    pub fn by_id(&self, id: &Uuid) -> Option<usize> {
        Records::find(&self.by_id, id, |i| &self.recs[i].id)
    }

    /// The receipt with this receipt number.
    pub fn by_no(&self, receipt_no: &str) -> Option<usize> {
        Records::find(&self.by_no, receipt_no, |i| self.receipt_no(&self.recs[i]))
    }
}

impl Workspace {
    pub(crate) fn records(&self) -> Result<Records> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.station_code, r.seq, r.receipt_no, r.kind, r.total_fen, r.tenders, r.day, \
                    v.receipt_id IS NOT NULL, r.insured, r.insurance_no, r.patient_id, r.refund_of \
             FROM receipt r LEFT JOIN receipt_void v ON v.receipt_id = r.id ORDER BY r.station_code, r.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut b = Builder::default();
        // Text read as a String is read (anything else refused), without a copy of its own.
        fn s<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
            Ok(r.get_ref(i)?.as_str()?)
        }
        fn opt<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
            Ok(r.get_ref(i)?.as_str_or_null()?)
        }
        while let Some(r) = rows.next()? {
            let station = b.name(s(r, 1)?);
            let kind = b.name(s(r, 4)?);
            let tenders = b.tenders(r.get_ref(6)?.as_str().unwrap_or("{}"));
            let receipt_no = b.text(s(r, 3)?);
            let insurance_no = b.text(s(r, 10)?);
            let patient_id = b.text(s(r, 11)?);
            let refund_of = opt(r, 12)?.map(|t| b.text(t));
            b.records.recs.push(Rec {
                id: Uuid::parse_str(s(r, 0)?).unwrap_or_default(),
                seq: r.get(2)?,
                total_fen: r.get(5)?,
                day: date(r.get_ref(7)?.as_str().unwrap_or("")).unwrap_or_default(),
                voided: r.get(8)?,
                insured: r.get(9)?,
                station,
                kind,
                tenders,
                receipt_no,
                insurance_no,
                patient_id,
                refund_of,
            });
        }
        Ok(b.finish())
    }

    /// Every posting the HIS made, in the order they were imported.
    pub(crate) fn postings(&self) -> Result<Vec<Post>> {
        let mut stmt = self
            .conn
            .prepare("SELECT record_uuid, receipt_no, his_no, amount_fen, posted_at, method FROM his_posting ORDER BY rowid")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        // Postings made at the same time follow each other: their day is worked out once.
        let mut last: Option<(String, Option<NaiveDate>)> = None;
        while let Some(r) = rows.next()? {
            let uuid = r.get_ref(0)?.as_str().unwrap_or("");
            let posted = r.get_ref(4)?.as_str().unwrap_or("");
            if last.as_ref().is_none_or(|(text, _)| text != posted) {
                let day = (!posted.is_empty()).then(|| date(&crate::local_day(posted))).flatten();
                last = Some((posted.to_string(), day));
            }
            out.push(Post {
                record_uuid: Uuid::parse_str(uuid).ok(),
                receipt_no: r.get(1)?,
                his_no: r.get(2)?,
                amount_fen: r.get(3)?,
                day: last.as_ref().and_then(|(_, day)| *day),
                method: r.get(5)?,
            });
        }
        Ok(out)
    }
}
