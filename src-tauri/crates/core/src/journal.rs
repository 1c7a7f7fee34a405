//! The journal (流水): one entry per state change, written in the same transaction as the
//! change, chained by SHA-256. The entry's payload carries every row the change inserted, so
//! `verify` can prove both that the chain is whole and that the tables still hold exactly
//! what the chain says. The byte layout of the hash is documented in ARCHITECTURE.md.

use crate::error::Result;
use crate::jcs::{self, canonical};
use crate::store::cached::Cached;
use crate::store::migrations::APPEND_ONLY;
use crate::time::stamp;
use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::ToSql;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tables whose rows travel in journal payloads: everything append-only but the journal
/// itself, the station's secret key, and the bulk rows of catalog items and HIS patients (their
/// version rows carry a digest of them instead).
pub(crate) fn covered_tables() -> impl Iterator<Item = &'static str> {
    APPEND_ONLY
        .iter()
        .copied()
        .filter(|t| !matches!(*t, "journal" | "station_key" | "catalog_item" | "his_patient"))
}

/// One journal entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub id: Uuid,
    pub kind: String,
    pub actor: String,
    pub at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over `DTJ1\n{seq}\n{id}\n{kind}\n{actor}\n{at}\n{prev_hash}\n{payload}`, lowercase hex.
pub fn entry_hash(seq: i64, id: &Uuid, kind: &str, actor: &str, at: &str, prev_hash: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("DTJ1\n{seq}\n{}\n{kind}\n{actor}\n{at}\n{prev_hash}\n", id.hyphenated()).as_bytes());
    h.update(payload.as_bytes());
    hex::encode(h.finalize())
}

/// What a change wrote: the rows it inserted (table, rowid) and any extra facts.
pub struct Change<'a> {
    pub kind: &'a str,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
    pub rows: Vec<(&'static str, i64)>,
    pub extra: Map<String, Value>,
}

/// Appends the entry for `change` inside the caller's transaction.
pub fn append(conn: &Connection, change: Change<'_>) -> Result<Entry> {
    let rows = change
        .rows
        .iter()
        .map(|(table, rowid)| Ok((*table, canonical(&read_row(conn, table, *rowid)?))))
        .collect::<Result<Vec<_>>>()?;
    append_rows(conn, change.kind, change.actor, change.at, rows, change.extra)
}

/// Inserts one row into `table` from its `(column, value)` pairs and returns the row as the
/// journal records it (canonical JSON). Both come from the same bound values, so a change
/// with many rows need not read each one back. Every column of the table must be given: a
/// defaulted column would be missing from the journal, and `verify` would say so.
pub(crate) fn insert_row(conn: &Connection, table: &str, row: &[(&str, &dyn ToSql)]) -> Result<String> {
    let mut sql = format!("INSERT INTO {table} (");
    for (i, (column, _)) in row.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(column);
    }
    sql.push_str(") VALUES (");
    for i in 1..=row.len() {
        if i > 1 {
            sql.push_str(", ");
        }
        sql.push('?');
        sql.push_str(itoa::Buffer::new().format(i));
    }
    sql.push(')');
    let values = row
        .iter()
        .map(|(_, v)| v.to_sql())
        .collect::<rusqlite::Result<Vec<ToSqlOutput<'_>>>>()?;
    conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values.iter()))?;
    let mut order: Vec<usize> = (0..row.len()).collect();
    order.sort_by(|a, b| row[*a].0.cmp(row[*b].0));
    debug_assert!(
        row.iter().all(|(c, _)| c.is_ascii()),
        "column names are ASCII, so byte order is JCS order"
    );
    let mut out = String::with_capacity(64 * row.len());
    out.push('{');
    for (n, i) in order.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        jcs::write_string(row[i].0, &mut out);
        out.push(':');
        let value = match &values[i] {
            ToSqlOutput::Borrowed(v) => *v,
            ToSqlOutput::Owned(v) => ValueRef::from(v),
            _ => unreachable!("the desk binds only plain values"),
        };
        write_column(value, &mut out);
    }
    out.push('}');
    Ok(out)
}

/// One column value as `row_json` shows it, written canonically.
fn write_column(value: ValueRef<'_>, out: &mut String) {
    match value {
        ValueRef::Null => out.push_str("null"),
        ValueRef::Integer(n) => jcs::write_integer(n, out),
        ValueRef::Text(t) => jcs::write_string(&String::from_utf8_lossy(t), out),
        ValueRef::Blob(b) => jcs::write_string(&hex::encode(b), out),
        ValueRef::Real(_) => unreachable!("no REAL column exists in the schema"),
    }
}

/// Appends the entry for rows already rendered (by `insert_row`, or `canonical` of a row
/// read back), inside the caller's transaction. The payload is the canonical JSON of the
/// extra facts plus `rows`: `{table: [row, ...]}`, each table's rows in insertion order.
pub(crate) fn append_rows(
    conn: &Connection,
    kind: &str,
    actor: &str,
    at: DateTime<Utc>,
    rows: Vec<(&'static str, String)>,
    extra: Map<String, Value>,
) -> Result<Entry> {
    let payload = payload_text(&extra, &rows);
    let last: Option<(i64, String)> = conn
        .qrow("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let id = Uuid::now_v7();
    let at = stamp(at);
    let hash = entry_hash(seq, &id, kind, actor, &at, &prev_hash, &payload);
    conn.exec(
        "INSERT INTO journal (seq, id, kind, actor, at, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, id.to_string(), kind, actor, at, payload, prev_hash, hash],
    )?;
    Ok(Entry {
        seq,
        id,
        kind: kind.to_string(),
        actor: actor.to_string(),
        at,
        payload,
        prev_hash,
        hash,
    })
}

/// The canonical JSON of `extra` with `rows` added under the key "rows" (when there are
/// any): the same text as `canonical` of that object, without building it as a value.
fn payload_text(extra: &Map<String, Value>, rows: &[(&'static str, String)]) -> String {
    let mut keys: Vec<&str> = extra.keys().map(String::as_str).collect();
    assert!(!extra.contains_key("rows"), "\"rows\" is the journal's own key");
    if !rows.is_empty() {
        keys.push("rows");
    }
    jcs::sort_keys(&mut keys);
    let mut out = String::with_capacity(64 + rows.iter().map(|(_, r)| r.len() + 1).sum::<usize>());
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        jcs::write_string(key, &mut out);
        out.push(':');
        if key != "rows" {
            jcs::write_value(&extra[key], &mut out);
            continue;
        }
        let mut tables: Vec<&str> = rows.iter().map(|(t, _)| *t).collect();
        jcs::sort_keys(&mut tables);
        tables.dedup();
        out.push('{');
        for (j, table) in tables.into_iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            jcs::write_string(table, &mut out);
            out.push_str(":[");
            for (k, (_, row)) in rows.iter().filter(|(t, _)| *t == table).enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str(row);
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push('}');
    out
}

/// A row as a JSON object: integers as numbers, text as strings, blobs as lowercase hex.
fn row_json(row: &rusqlite::Row<'_>, names: &[String]) -> rusqlite::Result<Value> {
    let mut obj = Map::new();
    for (i, name) in names.iter().enumerate() {
        let v = match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::from(hex::encode(b)),
            ValueRef::Real(_) => unreachable!("no REAL column exists in the schema"),
        };
        obj.insert(name.clone(), v);
    }
    Ok(Value::Object(obj))
}

fn read_row(conn: &Connection, table: &str, rowid: i64) -> Result<Value> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE rowid = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut row = stmt.query_row([rowid], |r| row_json(r, &names))?;
    commit_secrets(&mut row);
    Ok(row)
}

/// What the journal records of a secret column: not the value but its commitment, so that
/// the journal — exported in every batch's `records.jsonl`, carried on a USB stick — never
/// holds anything to brute-force offline. An operator's `pin_hash` (Argon2 of a 4-6 digit
/// PIN, salt included) is recorded as `sha256:` and the SHA-256 of the stored text: `verify`
/// still proves the table holds exactly what was recorded, and without the salt the
/// commitment says nothing about the PIN. Entries written before this recorded the Argon2
/// text itself; they are compared as they are.
pub const SECRET_COMMITMENT: &str = "sha256:";

fn commit_secrets(row: &mut Value) {
    if let Some(Value::String(h)) = row.get_mut("pin_hash") {
        if !h.starts_with(SECRET_COMMITMENT) {
            *h = format!("{SECRET_COMMITMENT}{}", hex::encode(Sha256::digest(h.as_bytes())));
        }
    }
}

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

impl crate::store::Desk {
    /// The newest `limit` entries, newest first.
    pub fn journal_tail(&self, limit: i64) -> Result<Vec<Entry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, kind, actor, at, payload, prev_hash, hash FROM journal ORDER BY seq DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| {
            Ok(Entry {
                seq: r.get(0)?,
                id: crate::time::parse_stored_id(&r.get::<_, String>(1)?)?,
                kind: r.get(2)?,
                actor: r.get(3)?,
                at: r.get(4)?,
                payload: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl crate::store::Desk {
    /// The common shape of a state change: one fact row inserted by `sql` into `table` and its
    /// journal entry, in one transaction.
    pub(crate) fn record_one<P: rusqlite::Params>(
        &mut self,
        actor: &str,
        kind: &str,
        table: &'static str,
        at: DateTime<Utc>,
        sql: &str,
        params: P,
    ) -> Result<()> {
        use crate::store::cached::Cached;
        // A savepoint: on its own it is the change's transaction; inside `in_write_tx` (a void
        // checked and written in one) it nests.
        let tx = self.conn.savepoint()?;
        tx.exec(sql, params)?;
        let row = tx.last_insert_rowid();
        append(
            &tx,
            Change {
                kind,
                actor,
                at,
                rows: vec![(table, row)],
                extra: Map::new(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_text_is_the_canonical_json_of_the_payload() {
        let mut extra = Map::new();
        extra.insert("zeta".into(), json!({"b": [1, "二"], "a": null}));
        extra.insert("reason".into(), json!("退费\n\"原因\""));
        extra.insert("\u{FF21}".into(), json!(1));
        extra.insert("\u{1F600}".into(), json!(-2));
        let rows = vec![
            ("tender", r#"{"n":1}"#.to_string()),
            ("receipt", r#"{"id":"r"}"#.to_string()),
            ("receipt_line", r#"{"line_no":1}"#.to_string()),
            ("tender", r#"{"n":2}"#.to_string()),
            ("receipt_line", r#"{"line_no":2}"#.to_string()),
        ];
        let mut tables = Map::new();
        for (t, r) in &rows {
            tables
                .entry(t.to_string())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .expect("array")
                .push(serde_json::from_str(r).expect("row"));
        }
        let mut whole = extra.clone();
        whole.insert("rows".into(), Value::Object(tables));
        assert_eq!(payload_text(&extra, &rows), canonical(&Value::Object(whole)));
        assert_eq!(payload_text(&extra, &[]), canonical(&Value::Object(extra.clone())));
        assert_eq!(payload_text(&Map::new(), &[]), "{}");
    }

    #[test]
    fn insert_row_gives_the_row_as_reading_it_back_would() {
        let conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch(
            "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER NOT NULL, note TEXT, b BLOB, z TEXT NOT NULL) STRICT",
        )
        .expect("table");
        let none: Option<String> = None;
        let text = journal_row(
            &conn,
            &[
                ("z", &"收费\t\"x\"\\"),
                ("id", &"a1"),
                ("n", &-42i64),
                ("flag", &true),
                ("note", &none),
                ("b", &vec![0u8, 255]),
            ],
        );
        let rowid = conn.last_insert_rowid();
        assert_eq!(text, canonical(&read_row(&conn, "t", rowid).expect("read back")));
        assert_eq!(text, r#"{"b":"00ff","flag":1,"id":"a1","n":-42,"note":null,"z":"收费\t\"x\"\\"}"#);
    }

    fn journal_row(conn: &Connection, row: &[(&str, &dyn ToSql)]) -> String {
        insert_row(conn, "t", row).expect("insert")
    }
}
