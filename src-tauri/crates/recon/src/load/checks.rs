//! The checks of a batch against what the workspace already holds, moved out of `mod.rs`
//! (which decides and writes each batch): the stations registry (the first batch of a station
//! pins its key; another key, or another station's key, is `forged_key`) and the chain of a
//! station's batches (the one before and the one after, as far as they are loaded; a second
//! batch with the same number is a fork).

use super::Load;
use downtime_core::batch::Manifest;
use downtime_core::error::Result;
use rusqlite::{params, OptionalExtension};

/// A station as the registry holds it.
pub(super) struct Pinned {
    public_key: String,
}

/// A stored batch, as the chain checks need it.
struct Stored {
    manifest_sha256: String,
    journal_first_seq: i64,
    journal_last_seq: i64,
    prev_chain_head: String,
    chain_head: String,
}

impl Load<'_> {
    pub(super) fn pinned(&self, code: &str) -> Result<Option<Pinned>> {
        Ok(self
            .w
            .conn
            .query_row("SELECT public_key FROM station WHERE code = ?1", [code], |r| {
                Ok(Pinned { public_key: r.get(0)? })
            })
            .optional()?)
    }

    pub(super) fn key_problem(&self, m: &Manifest) -> Result<Option<(String, String)>> {
        let fp = m.fingerprint().unwrap_or_default();
        if let Some(p) = self.pinned(&m.station_code)? {
            if p.public_key != m.public_key {
                let pinned_fp = pinned_fingerprint(&p.public_key);
                return Ok(Some((
                    format!(
                        "签名密钥不符：工作站 {} 登记的密钥指纹是 {pinned_fp}，这一批（第 {} 批）由指纹 {fp} 的密钥签名，疑为伪造",
                        m.station_code, m.batch_seq
                    ),
                    format!(
                        "Signed with another key: station {} is registered with key {pinned_fp}, this batch ({}) was signed by key {fp}; it may be forged",
                        m.station_code, m.batch_seq
                    ),
                )));
            }
            return Ok(None);
        }
        let other: Option<String> = self
            .w
            .conn
            .query_row("SELECT code FROM station WHERE public_key = ?1", [&m.public_key], |r| r.get(0))
            .optional()?;
        Ok(other.map(|other| {
            (
                format!(
                    "这一批自称来自工作站 {}，却由工作站 {other} 的密钥（指纹 {fp}）签名，疑为伪造",
                    m.station_code
                ),
                format!(
                    "This batch says it comes from station {} but was signed with station {other}'s key ({fp}); it may be forged",
                    m.station_code
                ),
            )
        }))
    }

    fn stored(&self, code: &str, seq: i64) -> Result<Option<Stored>> {
        Ok(self
            .w
            .conn
            .query_row(
                "SELECT manifest_sha256, journal_first_seq, journal_last_seq, prev_chain_head, chain_head \
                 FROM batch WHERE station_code = ?1 AND seq = ?2",
                params![code, seq],
                |r| {
                    Ok(Stored {
                        manifest_sha256: r.get(0)?,
                        journal_first_seq: r.get(1)?,
                        journal_last_seq: r.get(2)?,
                        prev_chain_head: r.get(3)?,
                        chain_head: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Does `m` continue its station's chain: the batch before it and the one after it, as
    /// far as the workspace holds them?
    pub(super) fn chain_problem(&self, m: &Manifest) -> Result<Option<(String, String)>> {
        let (code, seq) = (&m.station_code, m.batch_seq);
        if let Some(same) = self.stored(code, seq)? {
            debug_assert_ne!(same.manifest_sha256, "", "a stored batch has a manifest digest");
            return Ok(Some((
                format!("工作站 {code} 的第 {seq} 批已经载入过，而这一份内容不同：同一批号出现了两个不同的批次（流水分叉）"),
                format!("Batch {seq} of station {code} is already loaded with other content: two different batches carry the same number (the journal forked)"),
            )));
        }
        if seq == 1 && (m.journal_first_seq != 1 || !m.prev_chain_head.is_empty()) {
            return Ok(Some((
                format!(
                    "工作站 {code} 的第 1 批应从流水第 1 条开始，这一批从第 {} 条开始",
                    m.journal_first_seq
                ),
                format!(
                    "Batch 1 of station {code} should start at journal entry 1; this one starts at {}",
                    m.journal_first_seq
                ),
            )));
        }
        if let Some(prev) = self.stored(code, seq - 1)? {
            if prev.chain_head != m.prev_chain_head || prev.journal_last_seq + 1 != m.journal_first_seq {
                return Ok(Some((
                    format!(
                        "工作站 {code} 的第 {seq} 批接不上第 {} 批：上一批的链头是 {}（流水至第 {} 条），这一批记载的是 {}（从第 {} 条起）",
                        seq - 1,
                        prev.chain_head,
                        prev.journal_last_seq,
                        m.prev_chain_head,
                        m.journal_first_seq
                    ),
                    format!(
                        "Batch {seq} of station {code} does not continue batch {}: that one ends with chain head {} (journal entry {}), this one starts after {} (at entry {})",
                        seq - 1,
                        prev.chain_head,
                        prev.journal_last_seq,
                        m.prev_chain_head,
                        m.journal_first_seq
                    ),
                )));
            }
        }
        if let Some(next) = self.stored(code, seq + 1)? {
            if next.prev_chain_head != m.chain_head || m.journal_last_seq + 1 != next.journal_first_seq {
                return Ok(Some((
                    format!(
                        "工作站 {code} 的第 {seq} 批与已载入的第 {} 批接不上：链头 {} 与下一批记载的 {} 不同",
                        seq + 1,
                        m.chain_head,
                        next.prev_chain_head
                    ),
                    format!(
                        "Batch {seq} of station {code} does not lead into the loaded batch {}: its chain head {} differs from the {} that batch names",
                        seq + 1,
                        m.chain_head,
                        next.prev_chain_head
                    ),
                )));
            }
        }
        Ok(None)
    }
}

fn pinned_fingerprint(public_key: &str) -> String {
    hex::decode(public_key)
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .map(|k| downtime_core::station::fingerprint(&k))
        .unwrap_or_default()
}
