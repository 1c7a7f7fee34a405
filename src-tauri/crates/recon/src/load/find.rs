//! Finding and verifying batch folders, moved out of `load/mod.rs` (which decides and writes
//! each batch): every batch folder under the roots a load is given, read with its manifest
//! and put in order, then verified with the core's verifier on two threads at once, handed
//! back in that order.

use super::extract::Extract;
use downtime_core::batch::{self, verify_batch_with, BatchCheck, Manifest};
use downtime_core::error::{CoreError, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Every batch folder under `roots`: a folder holding `manifest.json`, or named like one
/// (`MZ01-batch-000001`) even if its manifest is gone. Refuses a root that is not a readable
/// folder or holds no batch at all, naming it.
pub fn find_batches(roots: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for root in roots {
        if !root.is_dir() {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconFolderMissing,
                format!("找不到文件夹 {}：请指定存放批次的文件夹（例如 U 盘）", root.display()),
                format!(
                    "There is no folder {}: give the folder that holds the batches (a USB stick, say)",
                    root.display()
                ),
            ));
        }
        let before = found.len();
        walk(root, 0, &mut found)?;
        if found.len() == before {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconNoBatches,
                format!(
                    "{} 中没有任何批次文件夹（含 manifest.json 的 <工作站>-batch-<序号> 文件夹）",
                    root.display()
                ),
                format!(
                    "{} holds no batch folder (a <STATION>-batch-<NNNNNN> folder with a manifest.json)",
                    root.display()
                ),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    Ok(found)
}

pub(super) fn looks_like_batch(dir: &Path) -> bool {
    dir.join(batch::MANIFEST).is_file()
        || dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.rsplit_once("-batch-")
                .is_some_and(|(_, seq)| seq.len() == 6 && seq.bytes().all(|b| b.is_ascii_digit()))
        })
}

pub(super) fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<()> {
    if looks_like_batch(dir) {
        found.push(dir.to_path_buf());
        return Ok(());
    }
    if depth >= 8 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CoreError::invalid(
            downtime_core::error::ErrorCode::ReconFolderUnreadable,
            format!("无法读取文件夹 {}（{e}）", dir.display()),
            format!("Cannot read the folder {} ({e})", dir.display()),
        )
    })?;
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        walk(&sub, depth + 1, found)?;
    }
    Ok(())
}

/// A folder to load, with its manifest when one can be read (for the order and the decision).
pub(super) struct Candidate {
    pub(super) folder: PathBuf,
    pub(super) manifest: Option<Manifest>,
    /// SHA-256 of the manifest's canonical text (its file, byte for byte).
    pub(super) manifest_sha256: Option<String>,
}

impl Candidate {
    pub(super) fn read(folder: PathBuf) -> Candidate {
        let manifest = batch::read_manifest(&folder).ok();
        let manifest_sha256 = manifest.as_ref().map(|m| hex::encode(Sha256::digest(m.to_canonical().as_bytes())));
        Candidate {
            folder,
            manifest,
            manifest_sha256,
        }
    }

    pub(super) fn shown(&self) -> String {
        self.folder.display().to_string()
    }

    pub(super) fn order_key(&self) -> (u8, String, i64, PathBuf) {
        match &self.manifest {
            Some(m) => (0, m.station_code.clone(), m.batch_seq, self.folder.clone()),
            None => (1, String::new(), 0, self.folder.clone()),
        }
    }
}

/// The verifier's verdict on a folder and, when sound, what finance keeps of it.
pub(super) struct Verified {
    pub(super) check: BatchCheck,
    pub(super) extract: Extract,
}

pub(super) fn verify(folder: &Path) -> Verified {
    let mut extract = Extract::default();
    let check = verify_batch_with(folder, None, &mut |e| extract.add(e));
    extract.finish();
    if check.problem.is_some() {
        extract = Extract::default();
    }
    Verified { check, extract }
}

/// How many verified batches a worker may hold for the writer: two, so that the workers go on
/// while the calling thread reads the HIS file and opens the workspace (and while it writes a
/// big batch), each holding at most two batches' rows.
const AHEAD: usize = 2;

/// How many threads verify batches while the calling thread writes: the machine has
/// two cores, and each worker holds at most one batch's rows, so memory stays bounded.
const WORKERS: usize = 2;

/// The verdicts on a load's candidates as the verifier threads started by [`verifying`] hand
/// them over, in the candidates' order. Dropping it stops the workers after the batch each is
/// on: nothing more is wanted.
pub(super) struct Verdicts {
    inboxes: Vec<std::sync::mpsc::Receiver<Verified>>,
    next: usize,
}

impl Verdicts {
    /// The next candidate's verdict, or `None` when every one has been handed over. A closed
    /// inbox before that means its worker panicked, which the scope passes on when it joins.
    pub(super) fn next(&mut self) -> Option<Verified> {
        let inbox = self.inboxes.get(self.next % self.inboxes.len().max(1))?;
        let v = inbox.recv().ok()?;
        self.next += 1;
        Some(v)
    }
}

/// Starts verifying `candidates` on [`WORKERS`] threads of `scope`. Worker `w` verifies
/// candidates `w`, `w + WORKERS`, … and hands each over through a channel of its own that
/// holds [`AHEAD`]` - 1` verdicts, so a worker waits once it holds [`AHEAD`] batches the writer
/// has not taken: memory stays bounded, and the workers go on while the writer is busy (or,
/// before it starts, while the HIS file is read and the workspace opened).
/// Which batch goes to which worker and the order of the verdicts never depend on timing.
pub(super) fn verifying<'scope>(scope: &'scope std::thread::Scope<'scope, '_>, candidates: &'scope [Candidate]) -> Verdicts {
    use std::sync::mpsc;
    let workers = WORKERS.min(candidates.len()).max(1);
    let mut inboxes = Vec::with_capacity(workers);
    for w in 0..workers {
        let (tx, rx) = mpsc::sync_channel::<Verified>(AHEAD - 1);
        inboxes.push(rx);
        scope.spawn(move || {
            for c in candidates.iter().skip(w).step_by(workers) {
                if tx.send(verify(&c.folder)).is_err() {
                    break; // the writer stopped: nothing more is wanted
                }
            }
        });
    }
    Verdicts { inboxes, next: 0 }
}

/// Verifies `candidates` on [`WORKERS`] threads (see [`verifying`]), handing each verdict to
/// `each`, on the calling thread, in the candidates' order.
#[cfg(test)]
pub(super) fn verify_in_order(candidates: &[Candidate], each: &mut dyn FnMut(usize, Verified) -> Result<()>) -> Result<()> {
    std::thread::scope(|scope| {
        let mut verdicts = verifying(scope, candidates);
        for i in 0..candidates.len() {
            let Some(v) = verdicts.next() else { break };
            each(i, v)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use downtime_core::error::ErrorCode;

    fn missing(n: usize) -> Vec<Candidate> {
        let dir = tempfile::tempdir().unwrap();
        (0..n)
            .map(|i| Candidate::read(dir.path().join(format!("X{i:02}-batch-000001"))))
            .collect()
    }

    #[test]
    fn verdicts_come_in_the_candidates_order() {
        for n in [1, 2, 5, 8] {
            let candidates = missing(n);
            let mut seen = Vec::new();
            verify_in_order(&candidates, &mut |i, v| {
                assert!(v.check.problem.is_some(), "a folder without files is not sound");
                seen.push(i);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_failing_writer_stops_the_workers() {
        let candidates = missing(7);
        let mut seen = Vec::new();
        let r = verify_in_order(&candidates, &mut |i, _| {
            seen.push(i);
            if i == 2 {
                return Err(CoreError::invalid(ErrorCode::ReconNoBatches, "停", "stop"));
            }
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(seen, vec![0, 1, 2]);
    }
}
