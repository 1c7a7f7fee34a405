//! Rows the export needs beside the journal range: the patient of a receipt, the receipt a
//! refund or a void refers to, operators' names. Facts never change, so reading them again
//! at a re-rendering gives what the first rendering read. Rows come back as the journal shows
//! them (column name to JSON value), so the export reads whatever columns the schema has.

use crate::batch::payload::{Rec, Val};
use crate::error::Result;
use foldhash::HashMap;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// A row read from the store, shaped as a journal payload's rows are (`batch::payload`).
pub(crate) type Row = Rec<'static>;

pub(crate) struct Lookup<'a> {
    pub(crate) conn: &'a Connection,
    operators: HashMap<String, String>,
    /// Registration types' names and departments' kinds by key, each key's rows newest first
    /// (`set_at`, then insertion): a hospital has dozens, every registration asks.
    reg_type_names: History,
    dept_kinds: History,
    /// Patients recently looked up: each is asked for by their registration, every receipt
    /// and the back-entry list, close together. Emptied when full, so it stays small.
    patients: RefCell<HashMap<String, Rc<Row>>>,
    /// The column names of each lookup's query, by its SQL.
    columns: RefCell<HashMap<String, Rc<[&'static str]>>>,
}

/// A column name as a `&'static str`, each distinct name allocated once for the process (the
/// schema has a few hundred), so that the rows looked up by the ten thousand do not allocate
/// their keys.
fn column_name(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// How many patients [`Lookup::patient`] keeps (a few MB).
const PATIENTS_KEPT: usize = 4096;

/// Rows of a settings table by key: (set_at, value), newest first.
type History = HashMap<String, Vec<(String, String)>>;

/// `SELECT key, set_at, value … ORDER BY set_at DESC, rowid DESC` grouped by key.
fn history(conn: &Connection, sql: &str) -> Result<History> {
    let mut out = History::default();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?));
    }
    Ok(out)
}

/// The value a key had at `at` (the newest row set up to then), as the store's
/// `WHERE key = ? AND set_at <= ? ORDER BY set_at DESC, rowid DESC LIMIT 1` gives it.
fn as_at<'h>(h: &'h History, key: &str, at: &str) -> Option<&'h str> {
    h.get(key)?
        .iter()
        .find(|(set_at, _)| set_at.as_str() <= at)
        .map(|(_, v)| v.as_str())
}

/// A text column ("" when absent or null).
pub(crate) fn s<'r>(row: &'r Rec<'_>, key: &str) -> &'r str {
    row.text(key)
}

/// An integer column (0 when absent or null).
pub(crate) fn i(row: &Rec<'_>, key: &str) -> i64 {
    row.int(key)
}

/// A 0/1 column.
pub(crate) fn b(row: &Rec<'_>, key: &str) -> bool {
    i(row, key) != 0
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Result<Lookup<'a>> {
        let mut stmt = conn.prepare("SELECT id, name FROM operator")?;
        let operators = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let reg_type_names = history(conn, "SELECT key, set_at, name FROM reg_type ORDER BY set_at DESC, rowid DESC")?;
        let dept_kinds = history(conn, "SELECT code, set_at, kind FROM department ORDER BY set_at DESC, rowid DESC")?;
        Ok(Lookup {
            conn,
            operators,
            reg_type_names,
            dept_kinds,
            patients: RefCell::default(),
            columns: RefCell::default(),
        })
    }

    /// An operator's name by id ("" for none).
    pub(crate) fn operator(&self, id: &str) -> &str {
        self.operators.get(id).map(String::as_str).unwrap_or("")
    }

    /// The row of `table` whose `key` column is `id`.
    pub(crate) fn row(&self, table: &str, key: &str, id: &str) -> Result<Option<Row>> {
        if id.is_empty() {
            return Ok(None);
        }
        let sql = format!("SELECT * FROM {table} WHERE {key} = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let names = {
            let mut known = self.columns.borrow_mut();
            match known.get(&sql) {
                Some(names) => Rc::clone(names),
                None => {
                    let names: Rc<[&'static str]> = stmt.column_names().map(column_name).collect();
                    known.insert(sql, Rc::clone(&names));
                    names
                }
            }
        };
        Ok(stmt
            .query_row([id], |r| {
                let mut row = Rec::with_capacity(names.len());
                for (n, name) in names.iter().enumerate() {
                    let v = match r.get_ref(n)? {
                        ValueRef::Null => Val::Null,
                        ValueRef::Integer(x) => Val::Int(x),
                        ValueRef::Text(t) => Val::Str(Cow::Owned(String::from_utf8_lossy(t).into_owned())),
                        ValueRef::Blob(b) => Val::Str(Cow::Owned(hex::encode(b))),
                        ValueRef::Real(_) => Val::Null,
                    };
                    row.push(Cow::Borrowed(*name), v);
                }
                Ok(row)
            })
            .optional()?)
    }

    /// The name a registration's type (号别) had when the registration was recorded: the
    /// newest `reg_type` row of its key set by then (rows are facts, so a re-rendering reads
    /// the same name); the key itself when there is none.
    pub(crate) fn reg_type_name(&self, registration: &Rec<'_>) -> Result<String> {
        let key = s(registration, "reg_type");
        let name = as_at(&self.reg_type_names, key, s(registration, "recorded_at"));
        Ok(name.unwrap_or(key).to_string())
    }

    /// The kind (outpatient, emergency, inpatient) of a registration's department as it was
    /// when the registration was recorded.
    pub(crate) fn dept_kind(&self, registration: &Rec<'_>) -> Result<String> {
        let kind = as_at(&self.dept_kinds, s(registration, "dept_code"), s(registration, "recorded_at"));
        Ok(kind.unwrap_or_default().to_string())
    }

    /// A patient's row (rendering reads inside one transaction: rows cannot change under
    /// the cache).
    pub(crate) fn patient(&self, id: &str) -> Result<Option<Rc<Row>>> {
        if let Some(p) = self.patients.borrow().get(id) {
            return Ok(Some(Rc::clone(p)));
        }
        let Some(p) = self.row("patient", "id", id)? else {
            return Ok(None);
        };
        let p = Rc::new(p);
        let mut kept = self.patients.borrow_mut();
        if kept.len() >= PATIENTS_KEPT {
            kept.clear();
        }
        kept.insert(id.to_string(), Rc::clone(&p));
        Ok(Some(p))
    }

    pub(crate) fn receipt(&self, id: &str) -> Result<Option<Row>> {
        self.row("receipt", "id", id)
    }
}
