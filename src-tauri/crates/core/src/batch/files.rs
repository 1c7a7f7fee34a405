//! The files of a batch other than `records.jsonl`, hashed for the check (`verify.rs`) two
//! streams at a time ([`Sha256Pair`]): beside `records.jsonl` as the check reads it, then two
//! files at a time. Every file's SHA-256 and size come back by its place in the manifest; the
//! check compares them in the manifest's order, so the first file wrong is the one named,
//! whichever lane hashed it.

use super::{Manifest, RECORDS};
use crate::sha_pair::Sha256Pair;
use std::io::Read;
use std::path::Path;

/// The files other than `records.jsonl`, largest first (by the manifest's sizes), with their
/// places in the manifest: the largest goes beside `records.jsonl` and the smaller ones beside
/// what is left of it, so that little is hashed alone.
fn by_size(m: &Manifest) -> std::collections::VecDeque<(usize, &str)> {
    let mut files: Vec<(usize, &str, u64)> = m
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name != RECORDS)
        .map(|(i, f)| (i, f.name.as_str(), f.bytes))
        .collect();
    files.sort_by_key(|&(i, _, bytes)| (std::cmp::Reverse(bytes), i));
    files.into_iter().map(|(i, name, _)| (i, name)).collect()
}

/// A file being hashed on a lane: its place in the manifest, and its bytes so far.
struct Reading {
    index: usize,
    file: std::fs::File,
    bytes: u64,
}

/// How much of a file a lane reads at a time: 256 KiB, fewer reads than 64 KiB, still within
/// the core's cache.
const FILE_CHUNK: usize = 1 << 18;

/// The batch's files other than `records.jsonl`, hashed on lane a of a [`Sha256Pair`] while
/// `records.jsonl` goes through lane b as it is read and checked ([`Files::alongside`]); what is
/// left when it ends, two files at a time ([`Files::rest`]). Two streams hash in little more
/// than the time of one (see `sha_pair`), and a batch is mostly bytes to hash.
pub(super) struct Files<'d> {
    dir: &'d Path,
    /// (place in the manifest, name) of the files not yet opened, in the manifest's order.
    queue: std::collections::VecDeque<(usize, &'d str)>,
    pair: Sha256Pair,
    lanes: [Option<Reading>; 2],
    bufs: [Vec<u8>; 2],
    /// SHA-256 (lowercase hex) and size by place in the manifest; `Some(None)` for a file that
    /// could not be read to its end.
    digests: Vec<Option<Option<(String, u64)>>>,
}

impl<'d> Files<'d> {
    pub(super) fn new(dir: &'d Path, m: &'d Manifest) -> Files<'d> {
        Files {
            dir,
            queue: by_size(m),
            pair: Sha256Pair::new(),
            lanes: [None, None],
            bufs: [vec![0; FILE_CHUNK], vec![0; FILE_CHUNK]],
            digests: vec![None; m.files.len()],
        }
    }

    /// Whether `lane` has a file, the next one opened when it has none (one that cannot be
    /// opened is recorded unreadable).
    fn on(&mut self, lane: usize) -> bool {
        while self.lanes[lane].is_none() {
            let Some((index, name)) = self.queue.pop_front() else {
                return false;
            };
            match std::fs::File::open(self.dir.join(name)) {
                Ok(file) => self.lanes[lane] = Some(Reading { index, file, bytes: 0 }),
                Err(_) => self.digests[index] = Some(None),
            }
        }
        true
    }

    /// Reads up to `want` bytes of the file on `lane` into its buffer and says how many. At the
    /// file's end (everything read already hashed) its digest is taken and the lane freed.
    fn read(&mut self, lane: usize, want: usize) -> usize {
        let Some(r) = self.lanes[lane].as_mut() else { return 0 };
        let whole = match r.file.read(&mut self.bufs[lane][..want]) {
            Ok(0) => true,
            Ok(n) => {
                r.bytes += n as u64;
                return n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return 0,
            Err(_) => false,
        };
        let (index, bytes) = (r.index, r.bytes);
        let digest = if lane == 0 { self.pair.finish_a() } else { self.pair.finish_b() };
        self.digests[index] = Some(whole.then(|| (hex::encode(digest), bytes)));
        self.lanes[lane] = None;
        0
    }

    /// Hashes `block`, the next bytes of `records.jsonl`, on lane b, with as many bytes of the
    /// other files on lane a.
    pub(super) fn alongside(&mut self, mut block: &[u8]) {
        while !block.is_empty() {
            if !self.on(0) {
                self.pair.update(&[], block);
                return;
            }
            let n = self.read(0, block.len().min(FILE_CHUNK));
            self.pair.update(&self.bufs[0][..n], &block[..n]);
            block = &block[n..];
        }
    }

    /// The digest of what [`Files::alongside`] was given; lane b is free afterwards.
    pub(super) fn records_digest(&mut self) -> String {
        hex::encode(self.pair.finish_b())
    }

    /// Hashes the files not yet done, two at a time, and gives every file's digest by its place
    /// in the manifest (`records.jsonl`'s place `None`).
    pub(super) fn rest(mut self) -> Vec<Option<Option<(String, u64)>>> {
        while self.on(0) | self.on(1) {
            let a = self.read(0, FILE_CHUNK);
            let b = self.read(1, FILE_CHUNK);
            self.pair.update(&self.bufs[0][..a], &self.bufs[1][..b]);
        }
        self.digests
    }
}
