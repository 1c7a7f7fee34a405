//! `downtime export verify DIR [--previous DIR]`: checks a batch folder offline and names the
//! first thing wrong. In order: the manifest (readable, canonical, known format), its
//! signature, the set of files (none missing, none extra), each file's size and SHA-256, the
//! cover sheet (signed by the same key, for this very manifest), the chain inside
//! `records.jsonl` (sequence, links, hashes, ends), the manifest's counts and
//! totals against the records, and, when the previous batch is given, the link to it (same
//! station and key, next sequence number, chain head to chain head, no journal entry skipped).

use super::files::Files;
use super::line::{proven_line, proven_pair, read_lines, Proven, READ_BLOCK};
use super::payload::Payload;
use super::{
    bad_line, cover_signature, cover_signed_bytes, open_records, parse_manifest, parse_record, Entry, Manifest, Tally, COVER, MANIFEST,
    RECORDS,
};
use crate::jcs;
use crate::journal::GENESIS;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What [`verify_batch`] found.
#[derive(Debug, Clone, Serialize)]
pub struct BatchCheck {
    pub folder: String,
    /// The manifest, when it could be read.
    pub manifest: Option<Manifest>,
    /// Fingerprint of the key that signed it: compare it with the cover sheet and the
    /// station's setup screen.
    pub fingerprint: Option<String>,
    /// SHA-256 of `manifest.json` as read: the cover sheet on paper shows it.
    pub manifest_sha256: Option<String>,
    /// `None` when the batch is sound.
    pub problem: Option<BatchProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchProblem {
    /// Stable: `batch_manifest_invalid`, `batch_signature_invalid`, `batch_file_missing`,
    /// `batch_file_extra`, `batch_file_changed`, `batch_cover_missing`, `batch_cover_invalid`,
    /// `batch_chain_broken`, `batch_totals_mismatch`, `batch_previous_invalid`, `batch_previous_other_station`, `batch_gap`, `batch_link_broken`.
    pub code: &'static str,
    /// The file concerned, when there is one.
    pub file: Option<String>,
    pub zh: String,
    pub en: String,
}

fn problem(code: &'static str, file: Option<&str>, zh: String, en: String) -> BatchProblem {
    BatchProblem {
        code,
        file: file.map(str::to_string),
        zh,
        en,
    }
}

/// Checks the batch folder `dir` (and its link to `previous`, when given). Writes nothing.
pub fn verify_batch(dir: &Path, previous: Option<&Path>) -> BatchCheck {
    verify_batch_with(dir, previous, &mut |_| {})
}

/// [`verify_batch`], handing each entry of `records.jsonl` to `visit` as the chain check
/// reads it, so that a reader (the finance workspace) takes what it needs in the same single
/// pass (the file is read once: hashed, parsed and checked together). What `visit` saw counts
/// only when the check finds no problem.
pub fn verify_batch_with(dir: &Path, previous: Option<&Path>, visit: &mut dyn FnMut(&Entry<'_>)) -> BatchCheck {
    let mut check = BatchCheck {
        folder: dir.display().to_string(),
        manifest: None,
        fingerprint: None,
        manifest_sha256: None,
        problem: None,
    };
    let manifest = match manifest_of(dir) {
        Ok(m) => m,
        Err(p) => {
            check.problem = Some(p);
            return check;
        }
    };
    check.fingerprint = manifest.fingerprint();
    check.manifest_sha256 = std::fs::read(dir.join(MANIFEST)).ok().map(|b| hex::encode(Sha256::digest(b)));
    check.problem = check_signature(&manifest)
        .err()
        .or_else(|| check_contents(dir, &manifest, visit).err())
        .or_else(|| previous.and_then(|p| check_previous(&manifest, p).err()));
    check.manifest = Some(manifest);
    check
}

fn manifest_of(dir: &Path) -> Result<Manifest, BatchProblem> {
    if !dir.is_dir() {
        return Err(problem(
            "batch_not_found",
            None,
            format!("找不到批次文件夹 {}", dir.display()),
            format!("There is no batch folder {}", dir.display()),
        ));
    }
    let text = std::fs::read(dir.join(MANIFEST)).map_err(|_| {
        problem(
            "batch_file_missing",
            Some(MANIFEST),
            format!("缺少文件 {MANIFEST}：这不是完整的批次文件夹"),
            format!("{MANIFEST} is missing: this is not a whole batch folder"),
        )
    })?;
    let text = String::from_utf8(text).map_err(|_| {
        problem(
            "batch_manifest_invalid",
            Some(MANIFEST),
            format!("{MANIFEST} 不是 UTF-8 文本：文件被修改或损坏"),
            format!("{MANIFEST} is not UTF-8 text: the file was altered or damaged"),
        )
    })?;
    parse_manifest(&text).map_err(|e| {
        let en = e.message(crate::Lang::En);
        problem("batch_manifest_invalid", Some(MANIFEST), e.to_string(), en)
    })
}

fn check_signature(m: &Manifest) -> Result<(), BatchProblem> {
    let forged = || {
        problem(
            "batch_signature_invalid",
            Some(MANIFEST),
            format!("{MANIFEST} 的签名不符：清单被修改过，或不是这个工作站的密钥签的"),
            format!("The signature of {MANIFEST} does not match: the manifest was altered or not signed by this station's key"),
        )
    };
    let key: [u8; 32] = hex::decode(&m.public_key).ok().and_then(|k| k.try_into().ok()).ok_or_else(forged)?;
    let sig: [u8; 64] = hex::decode(&m.signature).ok().and_then(|s| s.try_into().ok()).ok_or_else(forged)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| forged())?;
    key.verify_strict(&m.signed_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| forged())
}

/// The files, the cover sheet and the chain, each problem named in the order of the module's
/// contract: a file missing or extra, then each file's size and SHA-256 in the manifest's
/// order, the cover, the chain. `records.jsonl` is read once, hashed as it is checked.
fn check_contents(dir: &Path, m: &Manifest, visit: &mut dyn FnMut(&Entry<'_>)) -> Result<(), BatchProblem> {
    check_present(dir, m)?;
    let mut files = Files::new(dir, m);
    let records = check_records(dir, m, visit, &mut files);
    let digests = files.rest();
    for (f, digest) in m.files.iter().zip(digests) {
        let digest = match f.name == RECORDS {
            true => records.digest.clone().ok_or(()),
            false => digest.flatten().ok_or(()),
        };
        let (sha, bytes) = digest.map_err(|()| {
            problem(
                "batch_file_missing",
                Some(&f.name),
                format!("文件 {} 无法读取", f.name),
                format!("{} cannot be read", f.name),
            )
        })?;
        if bytes != f.bytes || sha != f.sha256 {
            return Err(problem(
                "batch_file_changed",
                Some(&f.name),
                format!(
                    "文件 {} 被修改过：{} 字节、SHA-256 {}，清单记录的是 {} 字节、{}",
                    f.name, bytes, sha, f.bytes, f.sha256
                ),
                format!(
                    "{} was altered: {} bytes, SHA-256 {}, where the manifest says {} bytes, {}",
                    f.name, bytes, sha, f.bytes, f.sha256
                ),
            ));
        }
    }
    check_cover(dir, m)?;
    records.chain
}

/// Every file the manifest lists is there, and no other.
fn check_present(dir: &Path, m: &Manifest) -> Result<(), BatchProblem> {
    for f in &m.files {
        let path = dir.join(&f.name);
        if f.name.contains(['/', '\\']) || f.name == MANIFEST || f.name == COVER || !path.is_file() {
            return Err(problem(
                "batch_file_missing",
                Some(&f.name),
                format!("缺少文件 {}：清单列出了它，文件夹里没有", f.name),
                format!("{} is missing: the manifest lists it but the folder does not hold it", f.name),
            ));
        }
    }
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    present.sort();
    for name in present {
        if name != MANIFEST && name != COVER && !m.files.iter().any(|f| f.name == name) {
            return Err(problem(
                "batch_file_extra",
                Some(&name),
                format!("多出文件 {name}：清单中没有它，可能是后来放进去的"),
                format!("{name} is extra: the manifest does not list it; it may have been put there later"),
            ));
        }
    }
    Ok(())
}

/// The cover sheet is signed by the station key over the manifest's SHA-256 and its own
/// bytes: a changed byte, a cover of another batch or one signed by another key fails.
fn check_cover(dir: &Path, m: &Manifest) -> Result<(), BatchProblem> {
    let cover = std::fs::read(dir.join(COVER)).map_err(|_| {
        problem(
            "batch_cover_missing",
            Some(COVER),
            format!("缺少交接单 {COVER}：批次文件夹不完整"),
            format!("The cover sheet {COVER} is missing: the batch folder is not whole"),
        )
    })?;
    let invalid = || {
        problem(
            "batch_cover_invalid",
            Some(COVER),
            format!("交接单 {COVER} 被修改过，或不是这份清单的交接单：它的工作站签名不符"),
            format!("The cover sheet {COVER} was altered or belongs to another manifest: its station signature does not match"),
        )
    };
    let manifest = std::fs::read(dir.join(MANIFEST)).map_err(|_| invalid())?;
    let (pdf, signature) = cover_signature(&cover).ok_or_else(invalid)?;
    let key: [u8; 32] = hex::decode(&m.public_key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(invalid)?;
    let sig: [u8; 64] = hex::decode(signature).ok().and_then(|s| s.try_into().ok()).ok_or_else(invalid)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| invalid())?;
    let signed = cover_signed_bytes(&hex::encode(Sha256::digest(&manifest)), &pdf);
    key.verify_strict(&signed, &Signature::from_bytes(&sig)).map_err(|_| invalid())
}

fn chain(zh: String, en: String) -> BatchProblem {
    problem("batch_chain_broken", Some(RECORDS), zh, en)
}

/// What one reading of `records.jsonl` found: its SHA-256 and size (none when it cannot be read
/// to its end) and the chain check's verdict.
struct RecordsRead {
    digest: Option<(String, u64)>,
    chain: Result<(), BatchProblem>,
}

/// The chain inside `records.jsonl`, entry by entry.
struct Chain<'m> {
    m: &'m Manifest,
    expected_seq: i64,
    prev: String,
    tally: Tally,
}

impl Chain<'_> {
    fn link(&self, seq: i64, prev_hash: &str) -> Result<(), BatchProblem> {
        let expected_seq = self.expected_seq;
        if seq != expected_seq {
            return Err(chain(
                format!("{RECORDS} 中应为流水第 {expected_seq} 条，却是第 {seq} 条：有记录缺失或多出"),
                format!("{RECORDS} should hold journal entry {expected_seq} here but holds {seq}: an entry is missing or extra"),
            ));
        }
        if prev_hash != self.prev {
            return Err(chain(
                format!("流水第 {seq} 条与前一条的链接不符"),
                format!("Journal entry {seq} does not link to the one before it"),
            ));
        }
        Ok(())
    }

    fn take(&mut self, seq: i64, hash: String, payload: Payload<'_>, visit: &mut dyn FnMut(&Entry<'_>)) {
        self.tally.add_payload(&payload);
        visit(&Entry { seq, payload });
        self.prev = hash;
        self.expected_seq += 1;
    }

    /// Checks line `n` of the file, `proven` what [`proven_line`] gives of it, and hands its
    /// entry on.
    fn step(&mut self, text: &str, proven: Option<Proven<'_>>, n: usize, visit: &mut dyn FnMut(&Entry<'_>)) -> Result<(), BatchProblem> {
        if let Some(line) = proven {
            self.link(line.seq, &line.prev_hash)?;
            self.take(line.seq, line.hash.into_owned(), line.payload, visit);
            return Ok(());
        }
        // A line laid out otherwise: parsed whole, its payload written out canonically and
        // hashed, as it always was.
        let r = parse_record(text).ok_or_else(|| {
            let e = bad_line(n);
            let en = e.message(crate::Lang::En);
            chain(e.to_string(), en)
        })?;
        let seq = r.seq;
        self.link(seq, &r.prev_hash)?;
        let hash_of = |payload: &str| crate::journal::entry_hash(r.seq, &r.id, &r.kind, &r.actor, &r.at, &r.prev_hash, payload);
        let as_written = super::payload_text(&r, text).filter(|payload| hash_of(payload) == r.hash);
        let canonical: String;
        let payload = match as_written {
            Some(payload) => payload,
            None => {
                canonical = jcs::canonical(&r.payload);
                if hash_of(&canonical) != r.hash {
                    return Err(chain(
                        format!("流水第 {seq} 条的内容与其哈希不符：这一条被修改过"),
                        format!("Journal entry {seq} does not match its hash: it was altered"),
                    ));
                }
                &canonical
            }
        };
        let payload = Payload::read(payload).unwrap_or_default();
        self.take(seq, r.hash.clone(), payload, visit);
        Ok(())
    }

    /// Checks line `n` (without its end): its text, `None` when it is not UTF-8, and what
    /// [`proven_line`] gives of it.
    fn check<'t>(
        &mut self,
        text: Option<&'t str>,
        proven: Option<Proven<'t>>,
        n: usize,
        visit: &mut dyn FnMut(&Entry<'_>),
    ) -> Result<(), BatchProblem> {
        match text {
            Some(text) => self.step(text, proven, n, visit),
            None => {
                let e = bad_line(n);
                let en = e.message(crate::Lang::En);
                Err(chain(e.to_string(), en))
            }
        }
    }

    /// The file ended: it must end where the manifest says, and agree with its figures.
    fn finish(&self) -> Result<(), BatchProblem> {
        let m = self.m;
        if self.expected_seq - 1 != m.journal_last_seq || self.prev != m.chain_head {
            return Err(chain(
                format!(
                    "{RECORDS} 结束于流水第 {} 条，清单写的是第 {} 条（链头 {}）",
                    self.expected_seq - 1,
                    m.journal_last_seq,
                    m.chain_head
                ),
                format!(
                    "{RECORDS} ends at journal entry {}, the manifest says {} (chain head {})",
                    self.expected_seq - 1,
                    m.journal_last_seq,
                    m.chain_head
                ),
            ));
        }
        let tally = &self.tally;
        let (counts, totals, ranges) = (tally.counts(), tally.totals(&m.voided), tally.receipt_ranges());
        let mismatch = if counts != m.counts {
            Some(("counts", "笔数"))
        } else if totals != m.totals_fen {
            Some(("totals_fen", "金额合计"))
        } else if ranges != m.receipt_ranges {
            Some(("receipt_ranges", "收据号段"))
        } else {
            None
        };
        match mismatch {
            Some((key, zh)) => Err(problem(
                "batch_totals_mismatch",
                Some(MANIFEST),
                format!("{MANIFEST} 的{zh}（{key}）与 {RECORDS} 中的记录不符"),
                format!("The {key} of {MANIFEST} disagree with the records in {RECORDS}"),
            )),
            None => Ok(()),
        }
    }
}

/// A line's text, when it is UTF-8 (the same verdict as `std::str::from_utf8`, checked with the
/// processor's vector units).
fn utf8(line: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(line).ok()
}

/// Reads `records.jsonl` once, line by line: every byte into its SHA-256, every line through
/// the chain check (once the check has failed, the rest is only hashed).
fn check_records(dir: &Path, m: &Manifest, visit: &mut dyn FnMut(&Entry<'_>), files: &mut Files<'_>) -> RecordsRead {
    let reader = match open_records(dir) {
        Ok(r) => r,
        Err(e) => {
            let en = e.message(crate::Lang::En);
            return RecordsRead {
                digest: None,
                chain: Err(chain(e.to_string(), en)),
            };
        }
    };
    let mut state = Chain {
        m,
        expected_seq: m.journal_first_seq,
        prev: if m.prev_chain_head.is_empty() {
            GENESIS.to_string()
        } else {
            m.prev_chain_head.clone()
        },
        tally: Tally::default(),
    };
    let mut verdict = if m.prev_chain_head.is_empty() && m.journal_first_seq != 1 {
        Err(chain(
            format!("清单没有上一批的链头，却从流水第 {} 条开始", m.journal_first_seq),
            format!(
                "The manifest has no previous chain head but starts at journal entry {}",
                m.journal_first_seq
            ),
        ))
    } else {
        Ok(())
    };
    let mut bytes = 0u64;
    let mut n = 0;
    // Lines two at a time, so that their hashes are computed side by side (`proven_pair`): the
    // first of two is copied out of the read buffer until the second comes; the second is
    // checked in place. The bytes are hashed as they are read.
    let (mut first, mut waiting) = (Vec::new(), false);
    let mut line_read = |line: &[u8], verdict: &mut Result<(), BatchProblem>| {
        if verdict.is_err() {
            return;
        }
        // As `BufRead::lines` gives it: without its `\n` or `\r\n`.
        let mut line = line;
        if let Some(l) = line.strip_suffix(b"\n") {
            line = l.strip_suffix(b"\r").unwrap_or(l);
        }
        if !waiting {
            first.clear();
            first.extend_from_slice(line);
            waiting = true;
            return;
        }
        waiting = false;
        let (ta, tb) = (utf8(&first), utf8(line));
        let (pa, pb) = match (ta, tb) {
            (Some(ta), Some(tb)) => proven_pair(ta, tb),
            (ta, tb) => (ta.and_then(proven_line), tb.and_then(proven_line)),
        };
        n += 1;
        *verdict = state.check(ta, pa, n, visit);
        if verdict.is_ok() {
            n += 1;
            *verdict = state.check(tb, pb, n, visit);
        }
    };
    let read = read_lines(
        reader.into_inner(),
        READ_BLOCK,
        &mut |block| {
            files.alongside(block);
            bytes += block.len() as u64;
        },
        &mut |line| line_read(line, &mut verdict),
    );
    // A last line without a second.
    if waiting {
        if verdict.is_ok() {
            n += 1;
            let text = utf8(&first);
            verdict = state.check(text, text.and_then(proven_line), n, visit);
        }
    }
    let digest = files.records_digest();
    if read.is_err() {
        let e = bad_line(n + 1);
        let en = e.message(crate::Lang::En);
        return RecordsRead {
            digest: None,
            chain: verdict.and(Err(chain(e.to_string(), en))),
        };
    }
    RecordsRead {
        digest: Some((digest, bytes)),
        chain: verdict.and_then(|_| state.finish()),
    }
}

fn check_previous(m: &Manifest, previous: &Path) -> Result<(), BatchProblem> {
    let prev_check = verify_batch(previous, None);
    let prev = match (prev_check.problem, prev_check.manifest) {
        (None, Some(p)) => p,
        (Some(p), _) => {
            return Err(problem(
                "batch_previous_invalid",
                None,
                format!("上一批 {} 本身未通过校验：{}", previous.display(), p.zh),
                format!("The previous batch {} fails its own check: {}", previous.display(), p.en),
            ))
        }
        (None, None) => unreachable!("a sound batch has a manifest"),
    };
    if prev.station_code != m.station_code || prev.public_key != m.public_key {
        return Err(problem(
            "batch_previous_other_station",
            None,
            format!(
                "上一批来自工作站 {}（密钥指纹 {}），本批来自 {}（{}）：不是同一个工作站的批次",
                prev.station_code,
                prev.fingerprint().unwrap_or_default(),
                m.station_code,
                m.fingerprint().unwrap_or_default()
            ),
            format!(
                "The previous batch is from station {} (key {}), this one from {} ({}): not the same station",
                prev.station_code,
                prev.fingerprint().unwrap_or_default(),
                m.station_code,
                m.fingerprint().unwrap_or_default()
            ),
        ));
    }
    if prev.batch_seq + 1 != m.batch_seq || prev.journal_last_seq + 1 != m.journal_first_seq {
        return Err(problem(
            "batch_gap",
            None,
            format!(
                "给出的上一批是第 {} 批（流水至第 {} 条），本批是第 {} 批（流水从第 {} 条起）：中间缺少批次",
                prev.batch_seq, prev.journal_last_seq, m.batch_seq, m.journal_first_seq
            ),
            format!(
                "The previous batch given is batch {} (journal up to {}), this is batch {} (journal from {}): a batch is missing between them",
                prev.batch_seq, prev.journal_last_seq, m.batch_seq, m.journal_first_seq
            ),
        ));
    }
    if prev.chain_head != m.prev_chain_head {
        return Err(problem(
            "batch_link_broken",
            None,
            format!(
                "本批的上一链头 {} 与上一批的链头 {} 不符：两批之间的流水对不上",
                m.prev_chain_head, prev.chain_head
            ),
            format!(
                "This batch's previous chain head {} differs from the previous batch's chain head {}: the journal does not join up",
                m.prev_chain_head, prev.chain_head
            ),
        ));
    }
    Ok(())
}
