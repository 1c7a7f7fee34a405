//! The journal (流水): one entry per state change, written in the same transaction as the
//! change, chained by SHA-256. The entry's payload carries every row the change inserted, so
//! `verify` can prove both that the chain is whole and that the tables still hold exactly
//! what the chain says. The byte layout of the hash is documented in ARCHITECTURE.md.
//!
//! This file writes entries (`append`, `insert_row`, `append_rows`, `record_one`) and reads the
//! newest back; an entry's hash and a row as recorded are `entry.rs`, verifying the chain and
//! the tables against it `verify.rs`.

mod entry;
mod verify;

pub use entry::*;
pub use verify::*;

use crate::error::Result;
use crate::jcs::{self, canonical};
use crate::store::cached::Cached;
use crate::time::stamp;
use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::ToSql;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use uuid::Uuid;

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

fn read_row(conn: &Connection, table: &str, rowid: i64) -> Result<Value> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE rowid = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut row = stmt.query_row([rowid], |r| row_json(r, &names))?;
    commit_secrets(&mut row);
    Ok(row)
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
