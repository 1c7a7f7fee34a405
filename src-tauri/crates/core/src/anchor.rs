//! 锚点: a position of the journal written outside the file — on every printed receipt's
//! signed QR code, on the handover sheet, in each export batch. An anchor is the sequence
//! number of an entry and the first 16 hex digits of its hash (`SEQ:HASHPREFIX`). Whoever
//! rewrites or cuts off history and re-hashes the chain after it cannot change the paper: the
//! entry at `SEQ` no longer has that hash, or no longer exists, and `receipt check` and
//! `verify --anchor` say so.

use crate::error::{invalid, Result};
use crate::store::cached::Cached;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// Hex digits of the hash an anchor carries.
pub const PREFIX_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub seq: i64,
    /// Lowercase hex, [`PREFIX_LEN`] digits (at least 8 when typed from paper).
    pub hash_prefix: String,
}

/// One anchor held against the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    pub anchor: Anchor,
    pub found: Found,
}

impl Anchor {
    /// The anchor of entry `seq` with hash `hash`.
    pub fn of(seq: i64, hash: &str) -> Anchor {
        Anchor {
            seq,
            hash_prefix: hash[..PREFIX_LEN.min(hash.len())].to_ascii_lowercase(),
        }
    }

    /// Reads `SEQ:HASHPREFIX` as typed from paper (8 to 64 hex digits).
    pub fn parse(text: &str) -> Result<Anchor> {
        let bad = || {
            invalid!(
                AnchorInvalid,
                format!("锚点“{text}”应写成 流水序号:哈希前缀，例如 1234:9f3a07c1d2e4b5a6"),
                format!("The anchor \"{text}\" must be SEQ:HASHPREFIX, e.g. 1234:9f3a07c1d2e4b5a6")
            )
        };
        let (seq, prefix) = text.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.trim().parse().ok().filter(|s| *s >= 1).ok_or_else(bad)?;
        let prefix = prefix.trim().to_ascii_lowercase();
        if !(8..=64).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Anchor { seq, hash_prefix: prefix })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash_prefix)
    }
}

/// What the chain says of an anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Found {
    /// The entry exists with that hash.
    Matches,
    /// The entry exists with another hash: history up to it was rewritten.
    Differs,
    /// No such entry: history was cut off before it (or the anchor is of another station).
    Missing,
}

/// Looks `anchor` up in the chain (inside the caller's read).
pub fn check(conn: &Connection, anchor: &Anchor) -> Result<Found> {
    let hash: Option<String> = conn
        .qrow("SELECT hash FROM journal WHERE seq = ?1", [anchor.seq], |r| r.get(0))
        .optional()?;
    Ok(match hash {
        Some(h) if h.starts_with(&anchor.hash_prefix) => Found::Matches,
        Some(_) => Found::Differs,
        None => Found::Missing,
    })
}

/// The newest entry as an anchor (inside the caller's transaction: the entry just before the
/// one about to be written).
pub fn head(conn: &Connection) -> Result<Option<Anchor>> {
    Ok(conn
        .qrow("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?
        .map(|(seq, hash)| Anchor::of(seq, &hash)))
}

/// The sentence for an anchor that the chain does not hold.
pub fn broken(anchor: &Anchor, found: &Found) -> (String, String) {
    match found {
        Found::Differs => (
            format!("锚点 {anchor} 与流水不符：第 {} 条及之前的历史被改写过", anchor.seq),
            format!(
                "Anchor {anchor} does not match the journal: history up to entry {} was rewritten",
                anchor.seq
            ),
        ),
        _ => (
            format!("锚点 {anchor} 在流水中不存在：流水被截断过（或锚点来自别的工作站）"),
            format!("Anchor {anchor} is not in the journal: it was cut off (or the anchor is from another station)"),
        ),
    }
}
