//! The finance screen's wire types: the reconciliation as the window shows it (summary,
//! totals, every exception with what to do, the worklists, the marks in force), flattened into
//! rows it can filter by station, day and status. TypeScript twins are generated into
//! `ui/src/bindings/` by `cargo test -p downtime-recon` (ts-rs). Money crosses as integer
//! fen in fields ending `_fen`; the window never computes it.

use crate::reconcile::deadlines::WorkItem;
use crate::reconcile::his::Sides;
use crate::reconcile::Reconciliation;
use crate::report::labels;
use crate::Workspace;
use downtime_core::error::Result;
use serde::Serialize;
use ts_rs::TS;

/// One line of totals: a station, a day, a tender or the whole.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconTotalView {
    /// The station code, the day, the tender code, or `total`.
    pub key: String,
    /// What the report calls it (a tender's Chinese name; `未知` for what the records cannot place).
    pub label: String,
    #[ts(type = "number")]
    pub downtime_fen: i64,
    #[ts(type = "number")]
    pub his_fen: i64,
    #[ts(type = "number")]
    pub difference_fen: i64,
}

fn total(key: &str, label: String, s: &Sides) -> ReconTotalView {
    ReconTotalView {
        key: key.into(),
        label,
        downtime_fen: s.downtime,
        his_fen: s.his,
        difference_fen: s.difference,
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconStationView {
    pub code: String,
    pub name: String,
    /// The pinned key's fingerprint, to compare with the signed cover sheet.
    pub fingerprint: String,
    #[ts(type = "number[]")]
    pub batches: Vec<i64>,
    #[ts(type = "number[]")]
    pub missing_batches: Vec<i64>,
    #[ts(type = "number")]
    pub receipts: i64,
}

/// One exception with what to do about it (the report's list, one by one).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconExceptionView {
    /// `missing_batch`, `receipt_gap`, `rejected`, `duplicate`, `conflict`, `amount_mismatch`,
    /// `missing_in_his`, `posted_twice`, `unknown_to_downtime`.
    pub list: String,
    pub station: String,
    #[ts(type = "number | null")]
    pub batch_seq: Option<i64>,
    pub number: Option<String>,
    pub record_uuid: Option<String>,
    pub path: Option<String>,
    #[ts(type = "number | null")]
    pub downtime_fen: Option<i64>,
    #[ts(type = "number | null")]
    pub his_fen: Option<i64>,
    pub his_nos: Vec<String>,
    pub day: Option<String>,
    pub what: String,
    pub what_en: String,
    pub todo: String,
    pub todo_en: String,
}

/// One item still on a worklist.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconWorkView {
    /// `resettle_due`, `resettle_overdue`, `exchange_due`, `exchange_overdue`, `convert_pending`.
    pub list: String,
    pub overdue: bool,
    pub station: String,
    pub record_uuid: String,
    /// The receipt number, or the inpatient number of a conversion: what a mark names.
    pub number: String,
    pub kind: String,
    pub patient: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance_no: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub day: String,
    pub due: Option<String>,
    pub provisional: bool,
}

/// A mark in force: an item finance marked done with the HIS invoice number.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconMarkView {
    pub number: String,
    /// `resettle`, `exchange` or `convert`.
    pub list: String,
    pub his_no: String,
    pub note: String,
    pub marked_by: String,
    pub marked_at: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconSummaryView {
    #[ts(type = "number")]
    pub stations: i64,
    #[ts(type = "number")]
    pub batches: i64,
    #[ts(type = "number")]
    pub receipts: i64,
    #[ts(type = "number")]
    pub postings: i64,
    #[ts(type = "number")]
    pub exceptions: i64,
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "number")]
    pub overdue: i64,
    #[ts(type = "number")]
    pub done_by_his: i64,
    #[ts(type = "number")]
    pub done_by_mark: i64,
}

/// The finance screen: the whole reconciliation of the workspace, as of `as_of`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReconView {
    pub workspace: String,
    /// True only when every list is empty, every difference zero and HIS postings imported.
    pub balanced: bool,
    pub his_imported: bool,
    pub his_files: Vec<String>,
    pub as_of: String,
    pub summary: ReconSummaryView,
    pub total: ReconTotalView,
    pub stations: Vec<ReconStationView>,
    /// Totals per station, per day and per tender, both sides.
    pub by_station: Vec<ReconTotalView>,
    pub by_day: Vec<ReconTotalView>,
    pub by_tender: Vec<ReconTotalView>,
    pub exceptions: Vec<ReconExceptionView>,
    pub worklist: Vec<ReconWorkView>,
    pub marks: Vec<ReconMarkView>,
}

fn work<'a>(list: &str, overdue: bool, items: &'a [WorkItem]) -> impl Iterator<Item = ReconWorkView> + 'a {
    let list = list.to_string();
    items.iter().map(move |w| ReconWorkView {
        list: list.clone(),
        overdue,
        station: w.station.clone(),
        record_uuid: w.record_uuid.clone(),
        number: w.number.clone(),
        kind: w.kind.clone(),
        patient: w.patient.clone(),
        downtime_no: w.downtime_no.clone(),
        phone: w.phone.clone(),
        insurance_no: w.insurance_no.clone(),
        amount_fen: w.amount_fen,
        day: w.day.clone(),
        due: w.due.clone(),
        provisional: w.provisional,
    })
}

impl ReconView {
    pub fn new(r: &Reconciliation, ws: &Workspace) -> Result<ReconView> {
        let d = &r.deadlines;
        let s = &r.summary;
        let mut worklist: Vec<ReconWorkView> = work("resettle_overdue", true, &d.resettle_overdue)
            .chain(work("exchange_overdue", true, &d.exchange_overdue))
            .chain(work("resettle_due", false, &d.resettle_due))
            .chain(work("exchange_due", false, &d.exchange_due))
            .chain(work("convert_pending", false, &d.convert_pending))
            .collect();
        worklist.sort_by(|a, b| (!a.overdue, &a.due, &a.station, &a.number).cmp(&(!b.overdue, &b.due, &b.station, &b.number)));
        let t = &r.totals_fen;
        Ok(ReconView {
            workspace: ws.path().display().to_string(),
            balanced: r.balanced,
            his_imported: r.his.imported,
            his_files: r.his.files.clone(),
            as_of: d.as_of.clone(),
            summary: ReconSummaryView {
                stations: s.stations,
                batches: s.batches,
                receipts: s.receipts,
                postings: s.postings,
                exceptions: s.exceptions,
                pending: s.pending,
                overdue: s.overdue,
                done_by_his: d.done_by_his,
                done_by_mark: d.done_by_mark,
            },
            total: total("total", "合计".into(), &t.total),
            stations: r
                .stations
                .iter()
                .map(|(code, st)| ReconStationView {
                    code: code.clone(),
                    name: st.name.clone(),
                    fingerprint: st.fingerprint.clone(),
                    batches: st.batches.clone(),
                    missing_batches: st.missing_batches.clone(),
                    receipts: st.receipts,
                })
                .collect(),
            by_station: t.stations.iter().map(|(k, v)| total(k, labels::bucket(k).into(), v)).collect(),
            by_day: t.days.iter().map(|(k, v)| total(k, labels::bucket(k).into(), v)).collect(),
            by_tender: t.tenders.iter().map(|(k, v)| total(k, labels::tender(k), v)).collect(),
            exceptions: r
                .exceptions()
                .into_iter()
                .map(|e| ReconExceptionView {
                    list: e.list,
                    station: e.station,
                    batch_seq: e.batch_seq,
                    number: e.number,
                    record_uuid: e.record_uuid,
                    path: e.path,
                    downtime_fen: e.downtime_fen,
                    his_fen: e.his_fen,
                    his_nos: e.his_nos,
                    day: e.day,
                    what: e.what,
                    what_en: e.what_en,
                    todo: e.todo,
                    todo_en: e.todo_en,
                })
                .collect(),
            worklist,
            marks: ws.marks_shown()?,
        })
    }
}

impl Workspace {
    /// Every mark in force, newest first, with the number it names.
    fn marks_shown(&self) -> Result<Vec<ReconMarkView>> {
        let mut marks: Vec<_> = self.marks()?.into_values().collect();
        marks.sort_by(|a, b| b.marked_at.cmp(&a.marked_at));
        let mut out = Vec::with_capacity(marks.len());
        for m in marks {
            let number: String = self.conn.query_row(
                "SELECT coalesce((SELECT receipt_no FROM receipt WHERE id = ?1), \
                                     (SELECT inpatient_no FROM admission WHERE id = ?1), ?1)",
                [&m.record_id],
                |r| r.get(0),
            )?;
            out.push(ReconMarkView {
                number,
                list: m.list,
                his_no: m.his_no,
                note: m.note,
                marked_by: m.marked_by,
                marked_at: m.marked_at,
            });
        }
        Ok(out)
    }
}
