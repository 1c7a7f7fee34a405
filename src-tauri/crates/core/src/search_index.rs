//! The search indexes of the price list and of the patients, kept in the station file and
//! written with each import, so that the first search of a fresh process is as fast as the
//! thousandth and memory does not grow with the hospital (issue 19).
//!
//! One index per domain (`item_…`, `patient_…` tables). Every searchable record has a
//! position (`pos`): its rank in the order results are listed in (items by code; patients:
//! this station's by downtime number, then the HIS snapshot's by HIS ID). Three structures:
//! - `<d>_key (key, pos)`, a `WITHOUT ROWID` B-tree of codes (tag `c`, lower case) and pinyin
//!   initials (tag `i`, upper case): an exact code, a code prefix and an initials prefix are
//!   one range scan each, in key order, as cashiers expect them listed;
//! - `<d>_gram`, an FTS5 table (contentless, `detail=none`) whose rowid is the position and
//!   whose tokens are every character and every pair of adjacent characters of the lower-case
//!   name, spelled in hex (`张伟` → `5f20 4f1f 5f20x4f1f`) so that no tokenizer rule decides
//!   what a character is: one or two typed characters are one posting list, read in position
//!   order; longer text is the intersection of its pairs, then checked against the name;
//! - `<d>_slot (pos → row)`, the record's rowid in its own table.
//!
//! The ranking is the one cashiers had before the index moved to disk: exact code, code
//! prefix, initials prefix, name substring; within a tier by key then position.
//! `search_index_state` names what each index was built from (the active catalog versions,
//! the active snapshot); a search that finds it stale rebuilds first (once, after an upgrade).
//! These tables are derived, not facts: they are deleted and rebuilt, never journalled, and
//! they are not part of the numbered migrations: `create_tables` makes them when missing at
//! open (a change of their layout would drop and remake them, and rebuild).

use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A search index in the station file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Domain {
    Items,
    Patients,
}

impl Domain {
    fn name(self) -> &'static str {
        match self {
            Domain::Items => "item",
            Domain::Patients => "patient",
        }
    }
}

const SCHEMA: &str = r#"
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS search_index_state (domain TEXT PRIMARY KEY, source TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS item_key (key TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (key, pos)) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS item_slot (pos INTEGER PRIMARY KEY, row INTEGER NOT NULL) STRICT;
CREATE VIRTUAL TABLE IF NOT EXISTS item_gram USING fts5(tokens, content='', detail=none, columnsize=0, tokenize='ascii');
CREATE TABLE IF NOT EXISTS patient_key (key TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (key, pos)) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS patient_slot (pos INTEGER PRIMARY KEY, row INTEGER NOT NULL) STRICT;
CREATE VIRTUAL TABLE IF NOT EXISTS patient_gram USING fts5(tokens, content='', detail=none, columnsize=0, tokenize='ascii');
COMMIT;
"#;

/// Creates the index tables where they are missing (at open; a file that has them is not
/// written to). Key tables of an older layout (keys as BLOBs) are dropped first; the state
/// then names no build of this layout, so the first search rebuilds.
pub(crate) fn create_tables(conn: &Connection) -> Result<()> {
    let (present, blob_keys): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM sqlite_schema WHERE name IN ('search_index_state', 'item_key', 'item_slot', 'item_gram', 'patient_key', 'patient_slot', 'patient_gram')), \
                (SELECT count(*) FROM pragma_table_info('item_key') WHERE name = 'key' AND type = 'BLOB') \
              + (SELECT count(*) FROM pragma_table_info('patient_key') WHERE name = 'key' AND type = 'BLOB')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if blob_keys > 0 {
        conn.execute_batch(
            "BEGIN IMMEDIATE; DROP TABLE IF EXISTS item_key; DROP TABLE IF EXISTS patient_key; DELETE FROM search_index_state; COMMIT;",
        )?;
    }
    if present < 7 || blob_keys > 0 {
        conn.execute_batch(SCHEMA)?;
    }
    Ok(())
}

const CODE: u8 = b'c';
const INITIALS: u8 = b'i';

/// An index key: its tag, then the text. Keys are TEXT (compared bytewise, as BINARY text
/// is): SQLite's sorter compares TEXT keys directly, where BLOB keys go through its general
/// record comparison (the sort of a big import's keys took about twice as long).
fn tagged(tag: u8, text: &str) -> String {
    let mut k = String::with_capacity(text.len() + 1);
    k.push(tag as char);
    k.push_str(text);
    k
}

/// `tagged(tag, text in lower or upper case)` written into `buf` (an import writes millions
/// of keys: no new string for each).
fn key_into(buf: &mut String, tag: u8, text: &str, upper: bool) {
    buf.clear();
    buf.push(tag as char);
    if text.is_ascii() {
        buf.extend(
            text.bytes()
                .map(|b| if upper { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() } as char),
        );
    } else {
        buf.push_str(&if upper { text.to_uppercase() } else { text.to_lowercase() });
    }
}

/// The first key after every key that starts with `prefix` (UTF-8 never has a 0xFF byte, so
/// the last byte can always be raised). Not always UTF-8 itself: it is bound as TEXT bytes.
fn after_prefix(prefix: &str) -> TextBytes {
    let mut k = prefix.as_bytes().to_vec();
    match k.last_mut() {
        Some(b) if *b < 0xFF => *b += 1,
        _ => k.push(0xFF),
    }
    TextBytes(k)
}

/// Bytes bound as TEXT (SQLite compares them as they are; see `after_prefix`).
struct TextBytes(Vec<u8>);

impl rusqlite::ToSql for TextBytes {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(&self.0)))
    }
}

fn hex_char(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "{:x}", c as u32);
}

/// FTS tokens of a lower-case name: each character, and each pair of adjacent ones.
pub(crate) fn gram_tokens(lower: &str) -> String {
    let chars: Vec<char> = lower.chars().collect();
    let mut grams: Vec<String> = Vec::with_capacity(chars.len() * 2);
    for (i, c) in chars.iter().enumerate() {
        let mut t = String::new();
        hex_char(&mut t, *c);
        grams.push(t.clone());
        if let Some(next) = chars.get(i + 1) {
            t.push('x');
            hex_char(&mut t, *next);
            grams.push(t);
        }
    }
    grams.sort_unstable();
    grams.dedup();
    grams.join(" ")
}

/// The FTS tokens of a record's name (`gram_tokens` of it in lower case).
pub(crate) fn name_tokens(name: &str) -> String {
    gram_tokens(&name.to_lowercase())
}

/// The FTS query for text typed into a search box (lower case): its only character, or all
/// of its pairs of adjacent characters.
fn gram_query(lower: &str) -> Option<String> {
    let chars: Vec<char> = lower.chars().collect();
    let tokens: Vec<String> = match chars.len() {
        0 => return None,
        1 => {
            let mut t = String::new();
            hex_char(&mut t, chars[0]);
            vec![t]
        }
        _ => chars
            .windows(2)
            .map(|w| {
                let mut t = String::new();
                hex_char(&mut t, w[0]);
                t.push('x');
                hex_char(&mut t, w[1]);
                t
            })
            .collect(),
    };
    Some(tokens.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" AND "))
}

/// What the index keeps of one record.
pub(crate) struct Entry<'a> {
    pub pos: i64,
    /// The record's rowid in its own table.
    pub row: i64,
    /// Matched exactly and by prefix, case-insensitively (item code; downtime number, HIS ID,
    /// ID number and phone of a patient).
    pub codes: &'a [&'a str],
    pub name: &'a str,
    /// Lookup codes from the file, or generated initials.
    pub lookups: &'a [String],
}

/// FTS5's own defaults for the memory of pending postings and for merging segments.
const FTS_HASH: i64 = 1024 * 1024;
const FTS_AUTOMERGE: i64 = 4;
/// The memory of pending postings during a bulk load (part of an import's bounded memory).
const BULK_FTS_HASH: i64 = 32 * 1024 * 1024;

/// The page cache while the staged keys are sorted, in KiB. SQLite's sorter sorts runs of
/// this size in memory as linked lists (then merges them from disk): runs that fit the
/// processor's caches sort faster than runs the size of a bulk import's page cache. Measured
/// (1M patients, release, CPU of the whole import): 96 MiB 17.3 s, 16 MiB 15.8 s, 8 MiB
/// 15.3 s, 4 MiB 15.0 s, 2 MiB 14.6 s (more runs to merge at 5M: 4 MiB kept).
const SORT_RUN_KIB: i64 = 4 * 1024;

/// Runs `sql`, a statement that sorts many rows (filling an index in key order), with the
/// page cache of `SORT_RUN_KIB`, then puts the cache back.
pub(crate) fn sorting(conn: &Connection, sql: &str) -> Result<()> {
    with_sort_cache(conn, || Ok(conn.execute_batch(sql)?))
}

/// Runs `f`, which sorts many rows, with the page cache of `SORT_RUN_KIB`, then puts the cache
/// back. (The sorter keeps in memory what the page cache holds before it writes a run out: a
/// query that sorts a million rows under the bulk cache held over 100 MB.)
pub(crate) fn with_sort_cache<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA cache_size = -{SORT_RUN_KIB}"))?;
    let done = f();
    conn.execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
    done
}

/// Writes entries into one domain's index inside the caller's transaction.
pub(crate) struct Writer<'c> {
    conn: &'c Connection,
    domain: Domain,
    /// Keys go to a staging table first, then into the index in key order (`finish`).
    staged: bool,
    /// One key into the index, or into the staging table. (One statement a key: a statement
    /// of several rows needs a statement journal, and each of those makes FTS5 write out the
    /// postings it holds: an import of 1M patients took 27 s of CPU instead of 15.)
    key: rusqlite::CachedStatement<'c>,
    slot: rusqlite::CachedStatement<'c>,
    gram: rusqlite::CachedStatement<'c>,
    /// The keys of the entry being added (`keys[..n]`; the strings are reused).
    keys: Vec<String>,
}

impl<'c> Writer<'c> {
    /// For a few entries: each key goes straight into the index.
    pub fn new(conn: &'c Connection, domain: Domain) -> Result<Writer<'c>> {
        Writer::open(conn, domain, false)
    }

    /// For a whole import: keys are staged in a temporary table and written in key order by
    /// `finish`, so that the index is filled from one end (SQLite's sorter spills to disk, its
    /// memory stays bounded) instead of with one descent of a growing tree per key.
    pub fn bulk(conn: &'c Connection, domain: Domain) -> Result<Writer<'c>> {
        let d = domain.name();
        // FTS5 keeps the postings of the rows just written in memory and writes them out as a
        // segment when they pass `hashsize` (1 MiB by default), merging segments as they
        // pile up (`automerge`): at millions of names that is hundreds of segments merged
        // over and over. For the load: big segments, no merging (`optimize` merges them once
        // at the end); `finish` puts the defaults back.
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.search_key_stage; CREATE TEMP TABLE search_key_stage (key TEXT NOT NULL, pos INTEGER NOT NULL); \
             INSERT INTO {d}_gram ({d}_gram, rank) VALUES ('hashsize', {BULK_FTS_HASH}); \
             INSERT INTO {d}_gram ({d}_gram, rank) VALUES ('automerge', 0);"
        ))?;
        Writer::open(conn, domain, true)
    }

    fn open(conn: &'c Connection, domain: Domain, staged: bool) -> Result<Writer<'c>> {
        let d = domain.name();
        let key = if staged {
            "INSERT INTO temp.search_key_stage (key, pos) VALUES (?1, ?2)".to_string()
        } else {
            format!("INSERT OR IGNORE INTO {d}_key (key, pos) VALUES (?1, ?2)")
        };
        Ok(Writer {
            conn,
            domain,
            staged,
            key: conn.prepare_cached(&key)?,
            slot: conn.prepare_cached(&format!("INSERT INTO {d}_slot (pos, row) VALUES (?1, ?2)"))?,
            gram: conn.prepare_cached(&format!("INSERT INTO {d}_gram (rowid, tokens) VALUES (?1, ?2)"))?,
            keys: Vec::new(),
        })
    }

    pub fn add(&mut self, e: &Entry<'_>) -> Result<()> {
        self.add_with_tokens(e, &name_tokens(e.name))
    }

    /// `add` with the name's tokens already made (`name_tokens(e.name)`).
    pub fn add_with_tokens(&mut self, e: &Entry<'_>, tokens: &str) -> Result<()> {
        self.slot.execute(params![e.pos, e.row])?;
        let mut n = 0;
        let tagged_texts = e
            .codes
            .iter()
            .map(|c| (CODE, *c, false))
            .chain(e.lookups.iter().map(|l| (INITIALS, l.as_str(), true)));
        for (tag, text, upper) in tagged_texts.filter(|(_, t, _)| !t.is_empty()) {
            if self.keys.len() == n {
                self.keys.push(String::new());
            }
            key_into(&mut self.keys[n], tag, text, upper);
            n += 1;
        }
        for k in &self.keys[..n] {
            self.key.execute(params![k, e.pos])?;
        }
        if !tokens.is_empty() {
            self.gram.execute(params![e.pos, tokens])?;
        }
        Ok(())
    }

    /// Writes the staged keys into the index (a bulk writer must end with this).
    pub fn finish(self) -> Result<()> {
        if self.staged {
            let d = self.domain.name();
            let (key, slot, gram, conn) = (self.key, self.slot, self.gram, self.conn);
            drop((key, slot, gram));
            conn.execute_batch(&format!(
                "INSERT INTO {d}_gram ({d}_gram, rank) VALUES ('hashsize', {FTS_HASH}); \
                 INSERT INTO {d}_gram ({d}_gram, rank) VALUES ('automerge', {FTS_AUTOMERGE});"
            ))?;
            sorting(
                conn,
                &format!("INSERT OR IGNORE INTO {d}_key (key, pos) SELECT key, pos FROM temp.search_key_stage ORDER BY key, pos"),
            )?;
            conn.execute_batch("DROP TABLE temp.search_key_stage")?;
        }
        Ok(())
    }
}

/// Indexes entry `e.pos` again as amended (a corrected record, at the same position and row):
/// its codes and initials are added beside the ones it had; its name replaces `old_name`.
pub(crate) fn amend(conn: &Connection, domain: Domain, e: &Entry<'_>, old_name: &str) -> Result<()> {
    let d = domain.name();
    let mut key = conn.prepare_cached(&format!("INSERT OR IGNORE INTO {d}_key (key, pos) VALUES (?1, ?2)"))?;
    for c in e.codes.iter().filter(|c| !c.is_empty()) {
        key.execute(params![tagged(CODE, &c.to_lowercase()), e.pos])?;
    }
    for l in e.lookups.iter().filter(|l| !l.is_empty()) {
        key.execute(params![tagged(INITIALS, &l.to_uppercase()), e.pos])?;
    }
    // A contentless FTS row is deleted by giving the tokens it was written with.
    let old = gram_tokens(&old_name.to_lowercase());
    if !old.is_empty() {
        conn.prepare_cached(&format!("INSERT INTO {d}_gram ({d}_gram, rowid, tokens) VALUES ('delete', ?1, ?2)"))?
            .execute(params![e.pos, old])?;
    }
    let new = gram_tokens(&e.name.to_lowercase());
    if !new.is_empty() {
        conn.prepare_cached(&format!("INSERT INTO {d}_gram (rowid, tokens) VALUES (?1, ?2)"))?
            .execute(params![e.pos, new])?;
    }
    Ok(())
}

/// Empties one domain's index (before a rebuild).
pub(crate) fn clear(conn: &Connection, domain: Domain) -> Result<()> {
    let d = domain.name();
    conn.execute_batch(&format!(
        "DELETE FROM {d}_key; DELETE FROM {d}_slot; INSERT INTO {d}_gram ({d}_gram) VALUES ('delete-all');"
    ))?;
    Ok(())
}

/// Merges the FTS segments written by a bulk load into one (smaller and faster to read).
pub(crate) fn optimize(conn: &Connection, domain: Domain) -> Result<()> {
    let d = domain.name();
    conn.execute_batch(&format!("INSERT INTO {d}_gram ({d}_gram) VALUES ('optimize');"))?;
    Ok(())
}

/// The layout of the index rows; an index written in another layout is rebuilt.
const LAYOUT: &str = "3";

/// What the index of `domain` was built from, if it was built in this build's layout.
pub(crate) fn built_from(conn: &Connection, domain: Domain) -> Result<Option<String>> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT source FROM search_index_state WHERE domain = ?1")?
        .query_row([domain.name()], |r| r.get(0))
        .optional()?;
    Ok(stored.and_then(|s| s.strip_prefix(&format!("{LAYOUT}:")).map(String::from)))
}

pub(crate) fn set_built_from(conn: &Connection, domain: Domain, source: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO search_index_state (domain, source) VALUES (?1, ?2)")?
        .execute([domain.name(), &format!("{LAYOUT}:{source}")])?;
    Ok(())
}

/// The records (position, row) whose code is exactly `code` (compared as the index keeps codes,
/// in lower case), in position order.
pub(crate) fn exact_code(conn: &Connection, domain: Domain, code: &str) -> Result<Vec<(i64, i64)>> {
    let d = domain.name();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k.pos, s.row FROM {d}_key k JOIN {d}_slot s ON s.pos = k.pos WHERE k.key = ?1 ORDER BY k.pos"
    ))?;
    let found = stmt
        .query_map([tagged(CODE, &code.to_lowercase())], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found)
}

/// Up to `limit` records for `query`, best first. `accept(pos, row, lower_query, check_name)`
/// loads a candidate and returns it, or `None` to pass over it (a record that does not
/// qualify, or, with `check_name`, whose lower-case name does not contain the query).
pub(crate) fn search<T>(
    conn: &Connection,
    domain: Domain,
    query: &str,
    limit: usize,
    mut accept: impl FnMut(i64, i64, &str, bool) -> Result<Option<T>>,
) -> Result<Vec<T>> {
    let q = query.trim();
    let mut out: Vec<T> = Vec::with_capacity(limit.min(100));
    if q.is_empty() || limit == 0 {
        return Ok(out);
    }
    let d = domain.name();
    let lower = q.to_lowercase();
    let mut seen: Vec<i64> = Vec::with_capacity(limit);
    let mut take = |out: &mut Vec<T>, seen: &mut Vec<i64>, pos: i64, row: i64, check: bool| -> Result<()> {
        if out.len() < limit && !seen.contains(&pos) {
            if let Some(t) = accept(pos, row, &lower, check)? {
                seen.push(pos);
                out.push(t);
            }
        }
        Ok(())
    };
    // 1 to 3: exact code and code prefix (the exact key sorts first in its range), then
    // initials prefix.
    let mut ranges = vec![tagged(CODE, &lower)];
    if q.chars().all(|c| c.is_ascii_alphanumeric()) {
        ranges.push(tagged(INITIALS, &q.to_uppercase()));
    }
    let mut by_key = conn.prepare_cached(&format!(
        "SELECT k.pos, s.row FROM {d}_key k JOIN {d}_slot s ON s.pos = k.pos \
         WHERE k.key >= ?1 AND k.key < ?2 ORDER BY k.key, k.pos"
    ))?;
    for from in ranges {
        let mut rows = by_key.query(params![from, after_prefix(&from)])?;
        while let Some(r) = rows.next()? {
            if out.len() >= limit {
                return Ok(out);
            }
            take(&mut out, &mut seen, r.get(0)?, r.get(1)?, false)?;
        }
    }
    // 4: name substring, in position order.
    let Some(fts) = gram_query(&lower) else { return Ok(out) };
    let mut by_gram = conn.prepare_cached(&format!(
        "SELECT g.rowid, s.row FROM {d}_gram g JOIN {d}_slot s ON s.pos = g.rowid \
         WHERE {d}_gram MATCH ?1 ORDER BY g.rowid"
    ))?;
    let mut rows = by_gram.query([fts])?;
    while let Some(r) = rows.next()? {
        if out.len() >= limit {
            break;
        }
        take(&mut out, &mut seen, r.get(0)?, r.get(1)?, true)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_characters_and_pairs_in_hex() {
        assert_eq!(gram_tokens("张伟"), "4f1f 5f20 5f20x4f1f");
        assert_eq!(gram_tokens("a(b"), "28 28x62 61 61x28 62");
        assert_eq!(gram_query("张").as_deref(), Some("\"5f20\""));
        assert_eq!(gram_query("欧阳明").as_deref(), Some("\"6b27x9633\" AND \"9633x660e\""));
        assert_eq!(gram_query(""), None);
    }

    #[test]
    fn keys_are_written_as_tagged_would() {
        let mut buf = String::new();
        for (text, upper) in [("AbC-09", false), ("zcf", true), ("ΣΑΣ", false), ("straße", true), ("", false)] {
            key_into(&mut buf, CODE, text, upper);
            let expected = if upper { text.to_uppercase() } else { text.to_lowercase() };
            assert_eq!(buf, tagged(CODE, &expected), "{text}");
        }
    }

    #[test]
    fn a_prefix_range_ends_after_its_last_key() {
        assert_eq!(after_prefix("cab").0, b"cac");
        assert!(tagged(CODE, "ab\u{10FFFF}").as_bytes() < after_prefix(&tagged(CODE, "ab")).0.as_slice());
    }
}
