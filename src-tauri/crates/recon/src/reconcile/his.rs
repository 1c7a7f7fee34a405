//! Matching the downtime records with what the HIS posted during back-entry. Every receipt
//! (charge, registration fee, refund, deposit, deposit refund) is found by its record id, else
//! by its receipt number, and is then exactly one of: matched (one posting, to the fen),
//! amount mismatch (one posting, another amount; a voided receipt should not be posted at
//! all), missing in the HIS, or posted twice. A posting that names no known record is
//! unknown to the downtime records — unless its receipt number falls in a batch that is
//! missing or was rejected: it then waits for that batch, and the batch is what is reported
//! (a posting past a station's last known receipt also tells of a batch not yet collected).
//! A posting naming an admission records its conversion to insured (not money).
//!
//! Totals per station, per day (the day the money changed hands) and per tender on both
//! sides, and the difference (downtime − HIS). The HIS side takes its tender from the file's
//! method column when it has one, else from the receipt it matched to the fen.

pub use super::item::HisItem;
use super::matched::MatchedList;
use super::records::{Post, Records};
use super::stations::Absent;
use super::StationReport;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Postings that wait for a batch finance has not got (missing) or could not take in (rejected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Awaiting {
    pub station: String,
    pub batch_seq: i64,
    /// `missing` or `rejected`.
    pub status: String,
    pub postings: i64,
    pub his_fen: i64,
}

/// `his` in `reconciliation.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HisReport {
    /// Whether any HIS postings file has been imported: without one nothing is matched.
    pub imported: bool,
    pub files: Vec<String>,
    pub postings: i64,
    /// Compact: 300,000 items at 30 counters (see [`MatchedList`]).
    pub matched: MatchedList,
    pub amount_mismatch: Vec<HisItem>,
    pub missing_in_his: Vec<HisItem>,
    pub posted_twice: Vec<HisItem>,
    pub unknown_to_downtime: Vec<HisItem>,
    pub awaiting_batch: Vec<Awaiting>,
}

impl HisReport {
    pub fn exceptions(&self) -> usize {
        self.amount_mismatch.len() + self.missing_in_his.len() + self.posted_twice.len() + self.unknown_to_downtime.len()
    }
}

/// Both sides of a total, in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sides {
    pub downtime: i64,
    pub his: i64,
    /// downtime − HIS: what is still to be posted (negative: posted beyond the records).
    pub difference: i64,
}

/// `totals_fen` in `reconciliation.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub total: Sides,
    pub stations: BTreeMap<String, Sides>,
    pub days: BTreeMap<String, Sides>,
    pub tenders: BTreeMap<String, Sides>,
}

impl Totals {
    fn add(&mut self, station: &str, day: &str, tender: &str, downtime: i64, his: i64) {
        // A key is copied only the first time it is met.
        fn at<'m>(map: &'m mut BTreeMap<String, Sides>, key: &str) -> &'m mut Sides {
            if !map.contains_key(key) {
                map.insert(key.to_string(), Sides::default());
            }
            map.get_mut(key).expect("inserted above")
        }
        for side in [
            &mut self.total,
            at(&mut self.stations, station),
            at(&mut self.days, day),
            at(&mut self.tenders, tender),
        ] {
            side.downtime += downtime;
            side.his += his;
            side.difference = side.downtime - side.his;
        }
    }

    /// Every difference is zero.
    pub fn even(&self) -> bool {
        [&self.stations, &self.days, &self.tenders]
            .iter()
            .flat_map(|m| m.values())
            .chain([&self.total])
            .all(|s| s.difference == 0)
    }
}

/// The bucket for a posting the records cannot place (no station, day or tender).
pub const UNKNOWN: &str = "unknown";

/// What matching found, and for each receipt the HIS numbers that show it (for worklists).
pub struct Matched {
    pub report: HisReport,
    pub totals: Totals,
    /// By receipt position: whether a posting with an HIS number shows it.
    pub posted: Vec<bool>,
    /// Admission id → HIS number converting it.
    pub converted: HashMap<String, String>,
}

fn station_of(receipt_no: &str) -> Option<(&str, i64)> {
    let (code, seq) = receipt_no.rsplit_once('-')?;
    Some((code, seq.parse().ok()?))
}

/// Matches every receipt with the postings. `admissions` maps admission ids and inpatient
/// numbers to admission ids. `stations` gains the missing batches the HIS tells of.
pub fn match_postings(
    records: &Records,
    postings: &[Post],
    files: Vec<String>,
    admissions: &HashMap<String, String>,
    stations: &mut BTreeMap<String, StationReport>,
) -> Matched {
    let mut report = HisReport {
        imported: !files.is_empty(),
        files,
        postings: postings.len() as i64,
        ..Default::default()
    };
    let mut totals = Totals::default();
    // (receipt position, posting position) for every posting that names a receipt.
    let mut of_record: Vec<(u32, u32)> = Vec::new();
    let mut converted = HashMap::new();
    let mut awaiting: BTreeMap<(String, i64), Awaiting> = BTreeMap::new();
    for (n, p) in postings.iter().enumerate() {
        let found = p
            .record_uuid
            .and_then(|id| records.by_id(&id))
            .or_else(|| records.by_no(&p.receipt_no));
        if let Some(i) = found {
            of_record.push((i as u32, n as u32));
            continue;
        }
        let admission = p
            .record_uuid
            .map(|id| id.to_string())
            .and_then(|id| admissions.get(&id))
            .or_else(|| admissions.get(&p.receipt_no));
        if let Some(a) = admission {
            converted.entry(a.clone()).or_insert_with(|| p.his_no.clone());
            continue;
        }
        let day = p.day.map(|d| d.to_string()).unwrap_or_else(|| UNKNOWN.into());
        let tender = if p.method.is_empty() { UNKNOWN } else { p.method.as_str() };
        let place = station_of(&p.receipt_no).and_then(|(code, seq)| {
            let station = stations.get_mut(code)?;
            Some((code.to_string(), absent_for(station, seq)?))
        });
        match place {
            Some((code, absent)) => {
                totals.add(&code, &day, tender, 0, p.amount_fen);
                let a = awaiting.entry((code.clone(), absent.batch_seq)).or_insert_with(|| Awaiting {
                    station: code,
                    batch_seq: absent.batch_seq,
                    status: absent.status.to_string(),
                    postings: 0,
                    his_fen: 0,
                });
                a.postings += 1;
                a.his_fen += p.amount_fen;
            }
            None => {
                let code = station_of(&p.receipt_no).map_or(UNKNOWN.to_string(), |(c, _)| c.to_string());
                totals.add(&code, &day, tender, 0, p.amount_fen);
                report.unknown_to_downtime.push(HisItem {
                    station: code,
                    record_uuid: p.record_uuid.map(|u| u.to_string()),
                    receipt_no: (!p.receipt_no.is_empty()).then(|| p.receipt_no.clone()),
                    kind: None,
                    day: p.day.map(|d| d.to_string()),
                    downtime_fen: None,
                    his_fen: p.amount_fen,
                    his_nos: vec![p.his_no.clone()],
                    voided: false,
                });
            }
        }
    }
    report.awaiting_batch = awaiting.into_values().collect();
    // In receipt order, each receipt's postings in the order they were imported.
    of_record.sort_unstable();
    let mut next = 0;
    let mut posted = vec![false; records.recs.len()];
    for (i, r) in records.recs.iter().enumerate() {
        let first = next;
        while of_record.get(next).is_some_and(|&(at, _)| at as usize == i) {
            next += 1;
        }
        let day = r.day.to_string();
        let station = records.station(r);
        for (method, fen) in records.tenders(r) {
            if !r.voided {
                totals.add(station, &day, method, fen, 0);
            }
        }
        if !report.imported {
            continue;
        }
        let ps: Vec<&Post> = of_record[first..next].iter().map(|&(_, n)| &postings[n as usize]).collect();
        let his_fen: i64 = ps.iter().map(|p| p.amount_fen).sum();
        let item = || HisItem {
            station: station.to_string(),
            record_uuid: Some(r.id.to_string()),
            receipt_no: Some(records.receipt_no(r).to_string()),
            kind: Some(records.kind(r).to_string()),
            day: Some(day.clone()),
            downtime_fen: Some(r.expected_fen()),
            his_fen,
            his_nos: ps.iter().map(|p| p.his_no.clone()).collect(),
            voided: r.voided,
        };
        let whole = ps.len() == 1 && his_fen == r.expected_fen();
        for p in &ps {
            let tenders = records.tenders(r);
            if !p.method.is_empty() {
                totals.add(station, &day, &p.method, 0, p.amount_fen);
            } else if whole {
                for (method, fen) in tenders {
                    totals.add(station, &day, method, 0, fen);
                }
            } else if tenders.len() == 1 {
                let (method, _) = records.tenders(r).next().expect("one tender");
                totals.add(station, &day, method, 0, p.amount_fen);
            } else {
                totals.add(station, &day, UNKNOWN, 0, p.amount_fen);
            }
        }
        posted[i] = ps.iter().any(|p| !p.his_no.is_empty());
        match ps.len() {
            0 if r.voided => {}
            0 => report.missing_in_his.push(item()),
            1 if whole => report.matched.push(
                station,
                r.id,
                records.receipt_no(r),
                records.kind(r),
                r.day,
                his_fen,
                &ps[0].his_no,
                r.voided,
            ),
            1 => report.amount_mismatch.push(item()),
            _ => report.posted_twice.push(item()),
        }
    }
    Matched {
        report,
        totals,
        posted,
        converted,
    }
}

/// The batch a receipt number not among the records belongs to: a rejected batch's range, a
/// missing batch's span, or, past the station's last known receipt, a batch not collected yet
/// (which then joins the station's missing batches).
fn absent_for(station: &mut StationReport, seq: i64) -> Option<Absent> {
    if let Some(a) = station.absent.iter().find(|a| a.covers(seq)) {
        return Some(a.clone());
    }
    if seq > station.last_receipt {
        let next = Absent {
            batch_seq: station.last_batch + 1,
            status: "missing",
            first: station.last_receipt + 1,
            last: None,
        };
        station.missing_batches.push(next.batch_seq);
        station.absent.push(next.clone());
        return Some(next);
    }
    None
}

/// The admissions by id and by inpatient number (what a conversion posting may name).
pub fn admission_keys(rows: Vec<(String, String)>) -> HashMap<String, String> {
    let mut out = HashMap::with_capacity(rows.len() * 2);
    for (id, inpatient_no) in rows {
        out.insert(inpatient_no, id.clone());
        if let Ok(u) = Uuid::parse_str(&id) {
            out.insert(u.to_string(), id.clone());
        }
        out.insert(id.clone(), id);
    }
    out
}
