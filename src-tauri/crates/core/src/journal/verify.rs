//! `verify_tables`: the integrity check, the whole chain re-walked entry by entry, and every
//! covered table compared row by row with what the chain recorded for it; the first thing
//! wrong is named (`Problem`), in both languages. The station's whole audit, which adds the
//! bulk rows, the schema, the arithmetic and the anchors, is `audit.rs`.

use super::entry::{commit_secrets, entry_hash, row_json, GENESIS};
use crate::error::Result;
use crate::jcs::canonical;
use crate::store::cached::Cached;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

fn all_rows(conn: &Connection, table: &str) -> Result<Vec<Value>> {
    // A database opened at an older schema lacks the newer tables: they hold nothing.
    let exists: bool = conn.qrow(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
        [table],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(Vec::new());
    }
    // Insertion order where the table has one; key order for the WITHOUT ROWID table.
    let order = match table {
        "tender" => "receipt_id, n",
        _ => "rowid",
    };
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let rows = stmt.query_map([], |r| row_json(r, &names))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries in the file (counted, whether sound or not).
    pub entries: i64,
    /// The newest entry's sequence number and hash as the file holds them (genesis when
    /// empty), whether sound or not: never zeros for a broken chain.
    pub head_seq: i64,
    pub head_hash: String,
    /// Entries checked good from the first, before any break.
    pub verified_entries: i64,
    /// Receipts whose arithmetic was checked.
    pub receipts_checked: i64,
    /// Anchors read from paper and what the chain says of each.
    pub anchors: Vec<crate::anchor::AnchorCheck>,
    /// `None` when sound.
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The first journal entry that breaks the chain, when one can be named.
    pub seq: Option<i64>,
    pub zh: String,
    pub en: String,
}

fn problem(seq: Option<i64>, zh: String, en: String) -> Option<Problem> {
    Some(Problem { seq, zh, en })
}

/// A row's primary key: every covered table has one of these columns as its key.
fn row_key(row: &Value) -> Value {
    [
        "id",
        "shift_id",
        "outage_id",
        "station_id",
        "registration_id",
        "receipt_id",
        "admission_id",
        "batch_id",
        "code",
    ]
    .iter()
    .find_map(|k| row.get(*k))
    .cloned()
    .unwrap_or(Value::Null)
}

/// A row as `verify` compares it: canonical JSON without its NULL columns. A column added by
/// a later migration is NULL in the rows written before it and absent from their payloads;
/// both read the same. Nothing can hide behind it: a value changed to or from NULL differs.
fn comparable(row: &Value) -> String {
    // Secrets compare by commitment: a table row (the Argon2 text) against an entry that
    // recorded either the text (older entries) or its commitment.
    let mut committed;
    let row = if row.get("pin_hash").is_some() {
        committed = row.clone();
        commit_secrets(&mut committed);
        &committed
    } else {
        row
    };
    match row {
        Value::Object(columns) if columns.values().any(Value::is_null) => {
            let set: Map<String, Value> = columns
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            canonical(&Value::Object(set))
        }
        _ => canonical(row),
    }
}

/// The integrity check, the whole chain, and every table of `covered` against the rows the
/// chain recorded for it (a file of another kind, such as the finance workspace, names its own
/// tables). Names the first thing wrong.
pub fn verify_tables<'a>(conn: &Connection, covered: impl Iterator<Item = &'a str>) -> Result<VerifyReport> {
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // The file's own count and head, reported whatever the walk below finds.
    let (entries, head_seq, head_hash): (i64, i64, String) = conn
        .query_row(
            "SELECT count(*), ifnull(max(seq), 0), ifnull((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), ?1) FROM journal",
            [GENESIS],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap_or((0, 0, GENESIS.to_string()));
    let mut report = VerifyReport {
        entries,
        head_seq,
        head_hash,
        verified_entries: 0,
        receipts_checked: 0,
        anchors: Vec::new(),
        problem: None,
    };
    if integrity != ["ok"] {
        // One sentence: the first thing SQLite found, not its pages of findings.
        let detail: String = integrity.first().map(|d| d.chars().take(120).collect()).unwrap_or_default();
        report.problem = problem(
            None,
            format!("数据库文件已损坏（完整性检查：{detail}），请从备份恢复"),
            format!("The database file is damaged (integrity check: {detail}); restore it from a backup"),
        );
        return Ok(report);
    }
    let mut stmt = conn.prepare("SELECT seq, id, kind, actor, at, payload, prev_hash, hash FROM journal ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut claimed: std::collections::HashMap<String, Vec<(Value, i64)>> = Default::default();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let id_text: String = r.get(1)?;
        let kind: String = r.get(2)?;
        let actor: String = r.get(3)?;
        let at: String = r.get(4)?;
        let payload: String = r.get(5)?;
        let prev_hash: String = r.get(6)?;
        let hash: String = r.get(7)?;
        let fail = |zh: &str, en: &str| problem(Some(seq), format!("流水第 {seq} 条{zh}"), format!("Journal entry {seq} {en}"));
        if seq != expected_seq {
            report.problem = problem(
                Some(expected_seq),
                format!("流水第 {expected_seq} 条缺失（下一条是第 {seq} 条）：有记录被删除"),
                format!("Journal entry {expected_seq} is missing (next is {seq}): an entry was removed"),
            );
            return Ok(report);
        }
        if prev_hash != prev {
            report.problem = fail(
                "与上一条的链接不符：前后有记录被插入、删除或修改",
                "does not link to the previous entry: an entry was inserted, removed or altered",
            );
            return Ok(report);
        }
        let Ok(id) = Uuid::parse_str(&id_text) else {
            report.problem = fail("的编号被修改", "has an altered id");
            return Ok(report);
        };
        if entry_hash(seq, &id, &kind, &actor, &at, &prev_hash, &payload) != hash {
            report.problem = fail("的内容与其哈希不符：这一条被修改过", "does not match its hash: it was altered");
            return Ok(report);
        }
        let parsed: Value = match serde_json::from_str(&payload) {
            Ok(v) => v,
            Err(_) => {
                report.problem = fail("的内容不是有效的 JSON", "holds invalid JSON");
                return Ok(report);
            }
        };
        if let Some(Value::Object(tables)) = parsed.get("rows") {
            for (table, rows) in tables {
                for row in rows.as_array().into_iter().flatten() {
                    claimed.entry(table.clone()).or_default().push((row.clone(), seq));
                }
            }
        }
        prev = hash;
        expected_seq += 1;
        report.verified_entries = seq;
    }
    // The tables must hold exactly the rows the chain recorded, byte for byte.
    // A file kept at an older schema (tests of migrations) lacks the newer tables.
    let existing: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in covered.filter(|t| existing.iter().any(|e| e == t)) {
        let mut expected: std::collections::HashMap<String, Vec<(Value, i64)>> = Default::default();
        for (row, seq) in claimed.remove(table).unwrap_or_default() {
            expected.entry(comparable(&row)).or_default().push((row, seq));
        }
        for row in all_rows(conn, table)? {
            let text = comparable(&row);
            if let Some(same) = expected.get_mut(&text) {
                if same.pop().is_some() {
                    if same.is_empty() {
                        expected.remove(&text);
                    }
                    continue;
                }
            }
            let key = row_key(&row);
            let owner = expected
                .values()
                .flatten()
                .filter(|(r, _)| row_key(r) == key)
                .map(|(_, seq)| *seq)
                .min();
            report.problem = match owner {
                Some(seq) => problem(
                    Some(seq),
                    format!("表 {table} 中 {key} 这一行与流水第 {seq} 条记录的不符：数据被修改过"),
                    format!("Row {key} of table {table} differs from what journal entry {seq} recorded: it was altered"),
                ),
                None => problem(
                    None,
                    format!("表 {table} 中 {key} 这一行没有对应的流水记录：数据被插入过"),
                    format!("Row {key} of table {table} has no journal entry: it was inserted behind the journal's back"),
                ),
            };
            return Ok(report);
        }
        if let Some((row, seq)) = expected.values().flatten().min_by_key(|(_, seq)| *seq) {
            let key = row_key(row);
            report.problem = problem(
                Some(*seq),
                format!("流水第 {seq} 条记录的表 {table} 中 {key} 这一行已不在数据库中：数据被删除过"),
                format!("Row {key} of table {table}, recorded by journal entry {seq}, is gone: it was removed"),
            );
            return Ok(report);
        }
    }
    Ok(report)
}
