//! Renders a recorded batch into a folder: one pass over the batch's journal range feeds
//! `records.jsonl`, the tally and every other file at once; the manifest is written last,
//! signed by the station key.

use super::back_entry::{BackEntry, Heading};
use super::fhir::{Fhir, PatientsAsOf};
use super::finance::Finance;
use super::lookup::Lookup;
use super::sink::{sync_later, wait_for_syncs, Hashed};
use super::{Batch, Progress};
use crate::batch::payload::Payload;
use crate::batch::{self, Manifest, Tally, Voided};
use crate::error::Result;
use crate::operator::Actor;
use crate::store::Desk;
use foldhash::{HashSet, HashSetExt};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Corrections as they stand at the end of the batch: the receipts voided by its own entries
/// (as the manifest lists them), every receipt voided and every visit or admission
/// cancelled, and every patient corrected or merged, up to its last entry (never after: a
/// re-rendering must not see later ones).
struct AsOf {
    voided_in_batch: Vec<Voided>,
    voided: HashSet<String>,
    cancelled: HashSet<String>,
    patients: PatientsAsOf,
}

fn as_of(desk: &Desk, batch: &Batch) -> Result<AsOf> {
    let mut stmt = desk.conn.prepare(
        "SELECT seq, payload FROM journal WHERE seq <= ?1 \
         AND kind IN ('receipt_voided', 'registration_cancelled', 'admission_cancelled', 'patient_corrected', 'patients_merged') \
         ORDER BY seq",
    )?;
    let entries: Vec<(i64, String)> = stmt
        .query_map([batch.journal_last_seq], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = AsOf {
        voided_in_batch: Vec::new(),
        voided: HashSet::new(),
        cancelled: HashSet::new(),
        patients: PatientsAsOf::default(),
    };
    for (seq, payload) in entries {
        let payload = Payload::parse(&payload);
        for (table, row) in payload.rows() {
            let text = |k: &str| row.text(k).to_string();
            match table {
                "registration_cancel" => {
                    out.cancelled.insert(text("registration_id"));
                }
                "admission_cancel" => {
                    out.cancelled.insert(text("admission_id"));
                }
                "receipt_void" => {
                    let id = text("receipt_id");
                    if seq >= batch.journal_first_seq {
                        let (receipt_no, kind, total): (String, String, i64) =
                            desk.conn
                                .query_row("SELECT receipt_no, kind, total_fen FROM receipt WHERE id = ?1", [&id], |r| {
                                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                                })?;
                        out.voided_in_batch.push(Voided {
                            receipt_id: id.clone(),
                            total_fen: batch::tally::receipt_sign(&kind) * total,
                            receipt_no,
                            kind,
                            reason: text("reason"),
                            journal_seq: seq,
                        });
                    }
                    out.voided.insert(id);
                }
                "patient_correction" | "patient_merge" => out.patients.add(table, row),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// Writes every file of batch `b` into `dir`; `rerender` when it is not the first time (the
/// cover sheet then says when and by whom it was made again).
pub(super) fn render(
    desk: &Desk,
    by: &Actor,
    b: &Batch,
    dir: &Path,
    rerender: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Manifest> {
    // Rendering reads the journal range once in order and looks rows up all over the file:
    // a larger page cache while it runs (32 MB, whatever the batch's size: no memory map,
    // whose pages would count against the process as the file grows). The counter's own
    // setting comes back afterwards, whatever happens.
    //
    // All of it reads inside one read transaction: every file sees the same snapshot, and
    // the tens of thousands of lookups do not each take and drop the file's shared lock.
    let cache: i64 = desk.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    desk.conn.execute_batch("PRAGMA cache_size = -32768;")?;
    let own_tx = desk.conn.is_autocommit();
    if own_tx {
        desk.conn.execute_batch("BEGIN DEFERRED")?;
    }
    let done = render_files(desk, by, b, dir, rerender, progress);
    // Every file on the disk before the caller renames the folder into place (and, when
    // rendering failed, no sync left running for the next rendering to wait for).
    let synced = wait_for_syncs();
    let done = done.and_then(|m| synced.map(|()| m));
    if own_tx {
        // Nothing was written in it: ending it cannot lose anything.
        if desk.conn.execute_batch("COMMIT").is_err() {
            let _ = desk.conn.execute_batch("ROLLBACK");
        }
    }
    desk.conn.execute_batch(&format!("PRAGMA cache_size = {cache};"))?;
    done
}

fn render_files(desk: &Desk, by: &Actor, b: &Batch, dir: &Path, rerender: bool, progress: &mut dyn FnMut(Progress)) -> Result<Manifest> {
    let station = desk.require_station()?;
    let total = (b.journal_last_seq - b.journal_first_seq + 1) as u64;
    let steps = total + 1;
    let AsOf {
        voided_in_batch: voided,
        voided: voided_ids,
        cancelled,
        patients,
    } = as_of(desk, b)?;
    let lookup = Lookup::new(&desk.conn)?;
    let mut fhir = Fhir::create(
        dir,
        &b.id.to_string(),
        &b.folder,
        &b.created_at,
        voided_ids.clone(),
        cancelled,
        b.receipt_seq_last,
        patients,
    )?;
    let mut finance = Finance::create(dir)?;
    let mut back_entry = BackEntry::default();
    let mut records = Hashed::create(dir, batch::RECORDS)?;
    let mut tally = Tally::default();
    let mut stmt = desk
        .conn
        .prepare("SELECT seq, id, kind, actor, at, payload, prev_hash, hash FROM journal WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?;
    let mut rows = stmt.query([b.journal_first_seq, b.journal_last_seq])?;
    let mut line = String::with_capacity(4096);
    let mut done = 0u64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let payload = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
        line.clear();
        batch::write_record_line(
            &mut line,
            seq,
            r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
            r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?,
            r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?,
            r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?,
            payload,
            r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?,
            r.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?,
        );
        line.push('\n');
        records.write_all(line.as_bytes())?;
        let value = Payload::parse(payload);
        tally.add_payload(&value);
        finance.entry(&lookup, seq, &value, &voided_ids)?;
        back_entry.entry(&lookup, seq, &value)?;
        fhir.entry(&lookup, seq, &value)?;
        done += 1;
        if done.is_multiple_of(512) {
            progress(Progress { done, total: steps });
        }
    }
    drop(rows);
    drop(stmt);
    let mut files = vec![records.finish()?];
    files.extend(finance.finish(&lookup, desk, by)?);
    let heading = Heading {
        hospital: station.hospital.clone(),
        station: format!("{} {}", station.code, station.name),
        batch_seq: b.seq,
        created_at: b.created_at.clone(),
    };
    files.extend(back_entry.finish(&lookup, dir, &heading, &voided_ids)?);
    let (bundle, exceptions) = fhir.finish(&lookup, b.journal_last_seq)?;
    files.push(bundle);
    let mut manifest = Manifest {
        format: batch::FORMAT.to_string(),
        hospital: station.hospital.clone(),
        station_code: station.code.to_string(),
        station_name: station.name.clone(),
        batch_seq: b.seq,
        created_at: b.created_at.clone(),
        journal_first_seq: b.journal_first_seq,
        journal_last_seq: b.journal_last_seq,
        prev_chain_head: if b.journal_first_seq == 1 {
            String::new()
        } else {
            b.prev_chain_head.clone()
        },
        chain_head: b.chain_head.clone(),
        counts: tally.counts(),
        totals_fen: tally.totals(&voided),
        receipt_ranges: tally.receipt_ranges(),
        voided,
        exceptions,
        files,
        public_key: hex::encode(station.public_key),
        signature: String::new(),
    };
    manifest.signature = hex::encode(desk.sign(&manifest.signed_bytes())?);
    let text = manifest.to_canonical();
    let mut f = File::create(dir.join(batch::MANIFEST))?;
    f.write_all(text.as_bytes())?;
    sync_later(f);
    let manifest_sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    let now = crate::time::stamp(desk.now());
    super::cover::write(
        dir,
        &manifest,
        &manifest_sha256,
        rerender.then_some((now.as_str(), by.name())),
        |bytes| desk.sign(bytes),
    )?;
    progress(Progress { done: steps, total: steps });
    Ok(manifest)
}
