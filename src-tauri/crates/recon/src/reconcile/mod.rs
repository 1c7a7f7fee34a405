//! The reconciliation (对账结果): everything the workspace holds, derived afresh each time —
//! nothing of it is stored. Its JSON form is `reconciliation.json`; its field names are the
//! product's public surface (`balanced`, `stations`, `rejected`, `duplicates`, `conflicts`,
//! …): never rename one.

pub mod deadlines;
pub mod exceptions;
pub mod his;
pub mod item;
pub mod matched;
pub mod pharmacy;
pub mod records;
pub mod stations;

use crate::store::Workspace;
use chrono::NaiveDate;
use downtime_core::calendar::Calendar;
use downtime_core::error::Result;
use serde::Serialize;
pub use stations::ReceiptGap;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One station, keyed by its code in [`Reconciliation::stations`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationReport {
    pub name: String,
    pub hospital: String,
    /// The pinned key's fingerprint, to compare with the signed cover sheet.
    pub fingerprint: String,
    /// Batch numbers present (verified and taken in).
    pub batches: Vec<i64>,
    /// Batch numbers that never arrived.
    pub missing_batches: Vec<i64>,
    /// Receipt numbers that never arrived and that no missing or rejected batch explains.
    pub receipt_gaps: Vec<ReceiptGap>,
    /// Receipts in the batches present, voided ones included.
    pub receipts: i64,
    /// Their signed net total (voids taken off), as the batches' manifests state it.
    pub net_fen: i64,
    /// The receipt numbers of the batches not held (missing or rejected).
    #[serde(skip)]
    pub absent: Vec<stations::Absent>,
    /// The highest receipt number known (present or rejected batches).
    #[serde(skip)]
    pub last_receipt: i64,
    /// The highest batch number known (present or rejected).
    #[serde(skip)]
    pub last_batch: i64,
}

/// A batch folder that was not taken in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub path: String,
    /// `tampered_file`, `forged_key` or `broken_chain`.
    pub reason: String,
    /// The first thing wrong, as the verifier names it (`batch_file_changed`, …).
    pub problem: String,
    /// The file concerned, when there is one.
    pub file: Option<String>,
    pub message: String,
    pub message_en: String,
    pub station: Option<String>,
    pub batch_seq: Option<i64>,
    #[serde(skip)]
    pub receipt_first: Option<i64>,
    #[serde(skip)]
    pub receipt_last: Option<i64>,
}

/// A batch copy or a record met twice. `kind` is `batch` (the same batch in a second folder:
/// counted once) or `record` (a record id in two batches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub kind: String,
    pub station: String,
    pub batch_seq: i64,
    /// The folder of the second copy, or of the batch where the record was met again.
    pub path: Option<String>,
    /// The folder the batch (or the record's first batch) was taken in from.
    pub first_path: Option<String>,
    pub record_table: Option<String>,
    pub record_uuid: Option<String>,
    pub receipt_no: Option<String>,
    /// Records counted once (a batch copy's receipts; 1 for a record).
    pub records: i64,
}

/// The figures of the summary strip and page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub stations: i64,
    pub batches: i64,
    /// Receipts in the batches present.
    pub receipts: i64,
    pub postings: i64,
    /// Exceptions, one by one (see [`Reconciliation::exceptions`]).
    pub exceptions: i64,
    /// Items still on a worklist.
    pub pending: i64,
    /// Items overdue (re-settlement and exchange).
    pub overdue: i64,
}

/// `reconciliation.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// True only when every list is empty and every difference zero (and the HIS postings
    /// were imported: without them nothing is proven posted).
    pub balanced: bool,
    pub summary: Summary,
    pub stations: BTreeMap<String, StationReport>,
    pub rejected: Vec<Rejection>,
    pub duplicates: Vec<Duplicate>,
    pub conflicts: Vec<Duplicate>,
    pub his: his::HisReport,
    pub totals_fen: his::Totals,
    pub deadlines: deadlines::Deadlines,
    /// 药房核对: receipts dispensed twice or against no loaded station's receipt, drug
    /// refunds without a pharmacy return.
    pub pharmacy: Vec<pharmacy::PharmacyFinding>,
}

/// What the reconciliation takes from the batches alone — not from the HIS postings nor the
/// marks: a load reads it on a second connection while the HIS postings are imported
/// ([`Workspace::batch_side`]).
pub struct BatchSide {
    rejected: Vec<Rejection>,
    stations: BTreeMap<String, StationReport>,
    duplicates: Vec<Duplicate>,
    conflicts: Vec<Duplicate>,
    records: records::Records,
    pharmacy: Vec<pharmacy::PharmacyFinding>,
    admissions: Vec<deadlines::Admission>,
    /// Admission ids and inpatient numbers → admission id.
    keys: HashMap<String, String>,
    calendar: Calendar,
}

impl Workspace {
    /// Derives the reconciliation from everything the workspace holds, with the worklists as
    /// of `as_of` (today, by the workspace's clock, when not given).
    pub fn reconcile(&self, as_of: Option<NaiveDate>) -> Result<Reconciliation> {
        self.reconcile_with(self.batch_side()?, as_of)
    }

    /// Reads what the reconciliation takes from the batches alone.
    pub fn batch_side(&self) -> Result<BatchSide> {
        let rejected = self.rejections()?;
        let stations = self.station_reports(&rejected)?;
        let duplicates = self.clashes(true)?;
        let conflicts = self.clashes(false)?;
        let records = self.records()?;
        let pharmacy = self.pharmacy_findings(&records)?;
        Ok(BatchSide {
            rejected,
            stations,
            duplicates,
            conflicts,
            records,
            pharmacy,
            admissions: self.admissions_to_convert()?,
            keys: his::admission_keys(self.admission_ids()?),
            calendar: self.calendar()?,
        })
    }

    /// [`Workspace::reconcile`] with the batches' side read already (by this workspace, or by
    /// a reader of it since the last change of its batches).
    pub fn reconcile_with(&self, side: BatchSide, as_of: Option<NaiveDate>) -> Result<Reconciliation> {
        let as_of = as_of.unwrap_or_else(|| self.clock.now().with_timezone(&chrono::Local).date_naive());
        let BatchSide {
            rejected,
            mut stations,
            duplicates,
            conflicts,
            records,
            pharmacy,
            admissions,
            keys,
            calendar,
        } = side;
        let postings = self.postings()?;
        let matched = his::match_postings(&records, &postings, self.his_files()?, &keys, &mut stations);
        // The postings are matched: what the worklists need of them is in `matched`.
        drop(postings);
        // Names and phone numbers only of those a worklist may show: a receipt the HIS has not
        // shown, an admission (300,000 patients need not be held for a few thousand items).
        let wanted: HashSet<&str> = records
            .recs
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.posted[*i])
            .map(|(_, r)| records.patient_id(r))
            .chain(admissions.iter().map(|a| a.patient_id.as_str()))
            .collect();
        let worklists = deadlines::deadlines(
            &deadlines::Inputs {
                records: &records,
                people: &self.people(&wanted)?,
                admissions: &admissions,
                calendar: &calendar,
                posted: &matched.posted,
                converted: &matched.converted,
                marks: &self.marks()?,
            },
            as_of,
        );
        let balanced = rejected.is_empty()
            && duplicates.is_empty()
            && conflicts.is_empty()
            && stations.values().all(|s| s.missing_batches.is_empty() && s.receipt_gaps.is_empty())
            && matched.report.imported
            && matched.report.exceptions() == 0
            && matched.totals.even()
            && pharmacy.is_empty();
        let mut r = Reconciliation {
            balanced,
            summary: Summary::default(),
            stations,
            rejected,
            duplicates,
            conflicts,
            his: matched.report,
            totals_fen: matched.totals,
            deadlines: worklists,
            pharmacy,
        };
        let d = &r.deadlines;
        let overdue = (d.resettle_overdue.len() + d.exchange_overdue.len()) as i64;
        r.summary = Summary {
            stations: r.stations.len() as i64,
            batches: r.stations.values().map(|s| s.batches.len() as i64).sum(),
            receipts: r.stations.values().map(|s| s.receipts).sum(),
            postings: r.his.postings,
            exceptions: r.exceptions().len() as i64,
            pending: overdue + (d.resettle_due.len() + d.exchange_due.len() + d.convert_pending.len()) as i64,
            overdue,
        };
        Ok(r)
    }

    /// The working-day calendar: the shipped years, and the years the stations imported
    /// (as their batches carry them), the newest import of a year winning.
    pub fn calendar(&self) -> Result<Calendar> {
        let mut stmt = self.conn.prepare("SELECT json FROM calendar_year ORDER BY imported_at, rowid")?;
        let jsons: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut cal = Calendar::builtin();
        for j in jsons {
            if let Ok(year) = Calendar::parse_json(&j) {
                cal = cal.with_year(year);
            }
        }
        Ok(cal)
    }

    /// The patients of `wanted` by id, as last corrected.
    fn people(&self, wanted: &HashSet<&str>) -> Result<HashMap<String, deadlines::Person>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id, coalesce(c.name, p.name), p.downtime_no, coalesce(c.phone, p.phone) FROM patient p \
             LEFT JOIN patient_correction c ON c.rowid = (SELECT rowid FROM patient_correction x WHERE x.patient_id = p.id \
                                                          ORDER BY x.at DESC, x.rowid DESC LIMIT 1)",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if !wanted.contains(id) {
                continue;
            }
            let person = deadlines::Person {
                name: r.get(1)?,
                downtime_no: r.get(2)?,
                phone: r.get(3)?,
            };
            out.insert(id.to_string(), person);
        }
        Ok(out)
    }

    /// Admissions of insured patients, not cancelled.
    fn admissions_to_convert(&self) -> Result<Vec<deadlines::Admission>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.station_code, a.inpatient_no, a.patient_id, a.admitted_at, a.insurance_no FROM admission a \
             WHERE a.convert_to_insured = 1 AND NOT EXISTS (SELECT 1 FROM admission_cancel c WHERE c.admission_id = a.id) \
             ORDER BY a.station_code, a.inpatient_no",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(deadlines::Admission {
                id: r.get(0)?,
                station: r.get(1)?,
                inpatient_no: r.get(2)?,
                patient_id: r.get(3)?,
                admitted_day: crate::local_day(r.get_ref(4)?.as_str().unwrap_or("")),
                insurance_no: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn his_files(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT file_name FROM his_import ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn admission_ids(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare("SELECT id, inpatient_no FROM admission")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
