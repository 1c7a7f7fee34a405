//! The patients' search index in the station file (see `search_index`): this station's
//! patients first, in downtime-number order, then the active HIS snapshot's, in HIS-ID
//! order (see `LOCAL_BASE`). A snapshot patient already registered here
//! stays in the index and is passed over when found, so each person appears once, as the
//! local record. Kept apart from reading the snapshot's rows.

use super::his_row::{his_from_row, HIS_SELECT};
use super::{patient_from_row, Patient, PATIENT_SELECT};
use crate::catalog::lookup;
use crate::error::Result;
use crate::search_index::{self, Domain, Entry, Writer};
use crate::store::Desk;
use rusqlite::{Connection, OptionalExtension};

/// This station's patient number `seq` is at position `LOCAL_BASE + seq` (negative: before
/// every snapshot patient, who are at 1, 2, … in HIS-ID order). Positions are stored in every
/// key, and SQLite stores an integer between -2^23 and 2^23 in 3 bytes: small positions keep
/// the index small.
const LOCAL_BASE: i64 = -(1 << 23);

/// What the index is built from: the active snapshot's id, or nothing.
fn active_source(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT id FROM patient_snapshot ORDER BY rowid DESC LIMIT 1")?
        .query_row([], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_default())
}

/// The codes a patient is found by: downtime number, HIS ID, ID number, phone.
fn codes(p: &Patient) -> Vec<&str> {
    [
        p.downtime_no.as_deref(),
        p.his_id.as_deref(),
        p.id_number.as_deref(),
        Some(p.phone.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|c| !c.is_empty())
    .collect()
}

/// Adds one patient of this station (inside the caller's transaction).
pub(crate) fn add_local(conn: &Connection, seq: i64, rowid: i64, p: &Patient) -> Result<()> {
    let lookups = lookup::initials(&p.name);
    Writer::new(conn, Domain::Patients)?.add(&Entry {
        pos: LOCAL_BASE + seq,
        row: rowid,
        codes: &codes(p),
        name: &p.name,
        lookups: &lookups,
    })
}

/// Rebuilds the whole index (this station's patients and the active snapshot's) inside the
/// caller's transaction.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    let source = active_source(conn)?;
    rebuild_with(conn, &source, None, &mut |_| {}, &mut |_| {})
}

/// The patient index written from its first entry: cleared, this station's patients added,
/// then the snapshot's patients one by one in HIS-ID order (positions 1, 2, …), as the import
/// reads them or as a rebuild reads them back.
pub(crate) struct HisIndexer<'c> {
    w: Writer<'c>,
    pos: i64,
}

impl<'c> HisIndexer<'c> {
    pub fn begin(conn: &'c Connection) -> Result<HisIndexer<'c>> {
        search_index::clear(conn, Domain::Patients)?;
        {
            // The row's own columns first (as `patient_from_row` reads them), then rowid and seq.
            let mut stmt = conn.prepare(&format!(
                "{} ORDER BY p.seq",
                PATIENT_SELECT.replacen(" FROM patient p ", ", p.rowid, p.seq FROM patient p ", 1)
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let p = patient_from_row(r)?;
                add_local(conn, r.get(15)?, r.get(14)?, &p)?;
            }
        }
        Ok(HisIndexer {
            w: Writer::bulk(conn, Domain::Patients)?,
            pos: 0,
        })
    }

    /// The next snapshot patient in HIS-ID order, stored at `row`.
    pub fn add(&mut self, row: i64, p: &Patient) -> Result<()> {
        let lookups = lookup::initials(&p.name);
        self.add_prepared(row, p, &lookups, &search_index::name_tokens(&p.name))
    }

    /// `add` with the patient's pinyin initials (`lookup::initials`) and name tokens
    /// (`search_index::name_tokens`) already made (an import makes them on its reading thread).
    pub fn add_prepared(&mut self, row: i64, p: &Patient, initials: &[String], tokens: &str) -> Result<()> {
        self.pos += 1;
        self.w.add_with_tokens(
            &Entry {
                pos: self.pos,
                row,
                codes: &codes(p),
                name: &p.name,
                lookups: initials,
            },
            tokens,
        )
    }

    /// How many snapshot patients were added.
    pub fn added(&self) -> i64 {
        self.pos
    }

    /// Writes the sorted keys, merges the name postings, and records what the index was built
    /// from (`snapshot`: the active snapshot's id, or empty).
    pub fn finish(self, conn: &Connection, snapshot: &str) -> Result<()> {
        self.w.finish()?;
        search_index::optimize(conn, Domain::Patients)?;
        search_index::set_built_from(conn, Domain::Patients, snapshot)
    }
}

/// Rebuilds the index over this station's patients and snapshot `snapshot` (empty: none),
/// calling `on_his` with each snapshot patient in HIS-ID order and `progress` with how many
/// were indexed. `in_order`: the snapshot's rows are exactly the rowids from the first to the
/// last, written in HIS-ID order.
pub(crate) fn rebuild_with(
    conn: &Connection,
    snapshot: &str,
    in_order: Option<(i64, i64)>,
    on_his: &mut dyn FnMut(&Patient),
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut ix = HisIndexer::begin(conn)?;
    if !snapshot.is_empty() {
        // Rows written in HIS-ID order (as most HIS exports are) are read in table order,
        // without going through the HIS-ID index.
        let mut stmt = match in_order {
            Some(_) => conn.prepare(&HIS_SELECT.replace(
                " FROM his_patient",
                ", rowid FROM his_patient WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
            ))?,
            None => conn.prepare(&HIS_SELECT.replace(
                " FROM his_patient",
                ", rowid FROM his_patient WHERE snapshot_id = ?1 ORDER BY his_id",
            ))?,
        };
        let mut rows = match in_order {
            Some((first, last)) => stmt.query(rusqlite::params![first, last])?,
            None => stmt.query([snapshot])?,
        };
        while let Some(r) = rows.next()? {
            let p = his_from_row(r)?;
            on_his(&p);
            ix.add(r.get(9)?, &p)?;
            if ix.added() % 8192 == 0 {
                progress(ix.added() as u64);
            }
        }
        progress(ix.added() as u64);
    }
    ix.finish(conn, snapshot)
}

impl Desk {
    /// Rebuilds the patient index if it was built from another snapshot than the active one
    /// (only after an upgrade from a build without it: imports write it).
    pub(crate) fn ensure_patient_index(&mut self) -> Result<()> {
        let active = active_source(&self.conn)?;
        if search_index::built_from(&self.conn, Domain::Patients)?.as_deref() == Some(active.as_str()) {
            return Ok(());
        }
        self.bulk(|d| d.in_write_tx(|d| rebuild(&d.conn)))
    }

    /// Indexes a patient of this station again as corrected (更正) from `before`: found by the
    /// corrected codes and initials as well as the old ones, and by the corrected name
    /// (inside the caller's transaction).
    pub(crate) fn index_corrected(&self, before: &Patient, p: &Patient) -> Result<()> {
        let (rowid, seq): (i64, i64) = self
            .conn
            .prepare_cached("SELECT rowid, seq FROM patient WHERE id = ?1")?
            .query_row([p.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let lookups = lookup::initials(&p.name);
        search_index::amend(
            &self.conn,
            Domain::Patients,
            &Entry {
                pos: LOCAL_BASE + seq,
                row: rowid,
                codes: &codes(p),
                name: &p.name,
                lookups: &lookups,
            },
            &before.name,
        )
    }

    /// 查找患者: by name, pinyin initials, ID number, phone, downtime number or HIS ID; local
    /// and snapshot patients, best match first. A snapshot patient already registered here
    /// appears once, as the local record; a record merged into another (合并) is found as
    /// the patient it became, listed once.
    pub fn find_patients(&mut self, query: &str, limit: usize) -> Result<Vec<Patient>> {
        self.ensure_patient_index()?;
        let desk = &*self;
        let conn = &self.conn;
        let mut found = search_index::search(conn, Domain::Patients, query, limit, |pos, row, lower, check_name| {
            let found = if pos < 0 {
                let local = conn
                    .prepare_cached(&format!("{PATIENT_SELECT} WHERE p.rowid = ?1"))?
                    .query_row([row], patient_from_row)
                    .optional()?
                    .filter(|p| !check_name || p.name.to_lowercase().contains(lower));
                return match local {
                    Some(p) => match desk.merged_into(p.id)? {
                        into if into == p.id => Ok(Some(p)),
                        into => desk.patient(into),
                    },
                    None => Ok(None),
                };
            } else {
                let his = conn
                    .prepare_cached(&format!("{HIS_SELECT} WHERE rowid = ?1"))?
                    .query_row([row], his_from_row)
                    .optional()?;
                match his {
                    Some(h) if !linked(conn, h.his_id.as_deref().unwrap_or(""))? => Some(h),
                    _ => None,
                }
            };
            Ok(found.filter(|p| !check_name || p.name.to_lowercase().contains(lower)))
        })?;
        let mut seen = std::collections::HashSet::new();
        found.retain(|p| seen.insert(p.id));
        Ok(found)
    }
}

/// Whether an HIS patient has been registered here (and is found as the local record).
fn linked(conn: &Connection, his_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM patient WHERE his_id = ?1")?
        .query_row([his_id], |_| Ok(()))
        .optional()?
        .is_some())
}
