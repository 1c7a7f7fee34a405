//! The recovery worklists of the emergency plan, as of a date, on the working-day calendar
//! (the shipped State Council years and every year a station imported; a due date in a year
//! not covered is counted Monday to Friday and marked provisional):
//! - insured patients pending re-settlement (医保重新结算), due and overdue, with phone numbers;
//! - manual receipts pending exchange for a computer invoice (换开电脑发票), due, and overdue:
//!   the list the plan enters into the HIS as self-pay (以自费方式输入);
//! - admissions of insured patients pending conversion (转医保).
//!
//! A receipt counts once, on one list: insured on the re-settlement list, others on the
//! exchange list. Voided receipts and those refunded in full are on none. An item is done
//! when an HIS posting shows it (its HIS number) or finance marked it done; both are shown.

use super::records::Records;
use crate::marks::Mark;
use chrono::NaiveDate;
use downtime_core::calendar::Calendar;
use downtime_core::workdays::DUE_WORKING_DAYS;
use serde::Serialize;
use std::collections::HashMap;

/// One item of a worklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub station: String,
    pub record_uuid: String,
    /// The receipt number (re-settlement, exchange) or the inpatient number (conversion).
    pub number: String,
    pub kind: String,
    pub patient: String,
    pub downtime_no: String,
    pub phone: String,
    pub insurance_no: String,
    /// What is left of the receipt after refunds (0 for an admission).
    pub amount_fen: i64,
    /// The day paid (or admitted).
    pub day: String,
    /// The 15th working day after `day`; none for a conversion.
    pub due: Option<String>,
    pub provisional: bool,
}

/// `deadlines` in `reconciliation.json`, as of `as_of`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub as_of: String,
    pub resettle_due: Vec<WorkItem>,
    pub resettle_overdue: Vec<WorkItem>,
    pub exchange_due: Vec<WorkItem>,
    pub exchange_overdue: Vec<WorkItem>,
    pub convert_pending: Vec<WorkItem>,
    /// Items done: shown by an HIS posting, or marked by finance.
    pub done_by_his: i64,
    pub done_by_mark: i64,
}

/// A patient as the worklists show them (after corrections).
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub name: String,
    pub downtime_no: String,
    pub phone: String,
}

/// An admission that may need converting.
#[derive(Debug, Clone)]
pub struct Admission {
    pub id: String,
    pub station: String,
    pub inpatient_no: String,
    pub patient_id: String,
    pub admitted_day: String,
    pub insurance_no: String,
}

pub struct Inputs<'a> {
    pub records: &'a Records,
    pub people: &'a HashMap<String, Person>,
    pub admissions: &'a [Admission],
    pub calendar: &'a Calendar,
    /// By receipt position: shown by an HIS posting.
    pub posted: &'a [bool],
    pub converted: &'a HashMap<String, String>,
    pub marks: &'a HashMap<String, Mark>,
}

pub fn deadlines(x: &Inputs<'_>, as_of: NaiveDate) -> Deadlines {
    let mut out = Deadlines {
        as_of: as_of.to_string(),
        ..Default::default()
    };
    // What refunds gave back of each receipt (negative).
    let mut refunded: HashMap<&str, i64> = HashMap::new();
    let records = x.records;
    for r in records.recs.iter().filter(|r| !r.voided) {
        if let Some(of) = records.refund_of(r) {
            *refunded.entry(of).or_default() += r.total_fen;
        }
    }
    let person = |id: &str| x.people.get(id).cloned().unwrap_or_default();
    for (i, r) in records.recs.iter().enumerate() {
        if r.voided || !matches!(records.kind(r), "charge" | "registration") {
            continue;
        }
        let id = r.id.to_string();
        let left = r.total_fen + refunded.get(id.as_str()).copied().unwrap_or(0);
        if left <= 0 {
            continue;
        }
        if x.posted.get(i).copied().unwrap_or(false) {
            out.done_by_his += 1;
            continue;
        }
        if x.marks.contains_key(&id) {
            out.done_by_mark += 1;
            continue;
        }
        let due = x.calendar.due_after(r.day, DUE_WORKING_DAYS).ok();
        let p = person(records.patient_id(r));
        let item = WorkItem {
            station: records.station(r).to_string(),
            record_uuid: id,
            number: records.receipt_no(r).to_string(),
            kind: records.kind(r).to_string(),
            patient: p.name,
            downtime_no: p.downtime_no,
            phone: p.phone,
            insurance_no: records.insurance_no(r).to_string(),
            amount_fen: left,
            day: r.day.to_string(),
            due: due.map(|d| d.date.to_string()),
            provisional: due.is_some_and(|d| d.provisional),
        };
        let overdue = due.is_some_and(|d| as_of > d.date);
        match (r.insured, overdue) {
            (true, false) => out.resettle_due.push(item),
            (true, true) => out.resettle_overdue.push(item),
            (false, false) => out.exchange_due.push(item),
            (false, true) => out.exchange_overdue.push(item),
        }
    }
    for a in x.admissions {
        if x.converted.contains_key(&a.id) {
            out.done_by_his += 1;
            continue;
        }
        if x.marks.contains_key(&a.id) {
            out.done_by_mark += 1;
            continue;
        }
        let p = person(&a.patient_id);
        out.convert_pending.push(WorkItem {
            station: a.station.clone(),
            record_uuid: a.id.clone(),
            number: a.inpatient_no.clone(),
            kind: "admission".into(),
            patient: p.name,
            downtime_no: p.downtime_no,
            phone: p.phone,
            insurance_no: a.insurance_no.clone(),
            amount_fen: 0,
            day: a.admitted_day.clone(),
            due: None,
            provisional: false,
        });
    }
    out
}
