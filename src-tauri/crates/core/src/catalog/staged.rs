//! A price list checked as it is read, whatever its size (issue 19): each row is checked on
//! its own (`read::RowChecker`) and each good item goes straight into a temporary table whose
//! UNIQUE code finds a repeated code, with the same messages as the check in memory
//! (`read::parse_rows`). No row is held in memory: only the bad rows' problems (as before) and
//! a count per category. An import then copies the table into its version in code order,
//! taking the digest as the rows go by; a dry run only reports. The table is in a temporary
//! file under a bounded page cache (`stage` sets both, `Stage::end` drops the table and puts
//! them back), so a list of a million items costs what the cache holds, not the list.

use super::category::FeeCategory;
use super::price::UnitPrice;
use super::read::{self, Checked, ParsedItem, ReadOptions, RowChecker, RowProblem};
use super::stream::{self, Input};
use super::{item_json, lookup, CatalogItem};
use crate::error::Result;
use crate::jcs::canonical;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What reading the file found; its good items are in `temp.catalog_stage`.
pub(super) struct Stage {
    pub format: &'static str,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub good: usize,
    /// Rows identical to an earlier one (same code, name and price): skipped, counted.
    pub duplicates: usize,
    pub problems: Vec<RowProblem>,
    /// Good items per category (`FeeCategory::ALL` order).
    per_category: [usize; FeeCategory::ALL.len()],
    /// The connection's page cache and temporary storage before, put back by `end`.
    cache: i64,
    temp: i64,
}

/// The page cache of the file and of the staged items while a list is read and copied, in KiB
/// each. The staged codes' index (about 30 MB at a million items) mostly fits; the copy
/// appends in code order. Measured (1M items, release, the whole import): 96 MiB each, 240 MB
/// peak in 16.5 s; 32 MiB, 91 MB in 16.7 s.
const STAGE_CACHE_KIB: i64 = 32 * 1024;

const CREATE: &str = "DROP TABLE IF EXISTS temp.catalog_stage; \
    CREATE TEMP TABLE catalog_stage (code TEXT NOT NULL UNIQUE, row INTEGER NOT NULL, name TEXT NOT NULL, \
    spec TEXT NOT NULL, unit TEXT NOT NULL, price_e4 INTEGER NOT NULL, category TEXT NOT NULL, lookup TEXT, \
    wubi TEXT NOT NULL, insurance_class TEXT NOT NULL, is_drug INTEGER NOT NULL, whole INTEGER NOT NULL);";

/// Reads and checks every row of `input`, staging its good items. On success the caller must
/// call `Stage::end` when done with them; on failure nothing is left behind.
pub(super) fn stage(conn: &Connection, input: Input<'_>, file_name: &str, opts: &ReadOptions) -> Result<Stage> {
    let (cache, temp): (i64, i64) = (
        conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?,
        conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?,
    );
    conn.execute_batch(&format!(
        "PRAGMA cache_size = -{kib}; PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -{kib}; {CREATE} SAVEPOINT catalog_stage;",
        kib = STAGE_CACHE_KIB
    ))?;
    let mut st = Stage {
        format: "",
        encoding: "",
        rows_read: 0,
        good: 0,
        duplicates: 0,
        problems: Vec::new(),
        per_category: [0; FeeCategory::ALL.len()],
        cache,
        temp,
    };
    match fill(conn, &mut st, input, file_name, opts) {
        Ok(()) => {
            conn.execute_batch("RELEASE catalog_stage")?;
            Ok(st)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO catalog_stage; RELEASE catalog_stage;");
            st.end(conn);
            Err(e)
        }
    }
}

fn fill(conn: &Connection, st: &mut Stage, input: Input<'_>, file_name: &str, opts: &ReadOptions) -> Result<()> {
    let mut checker = RowChecker::new(&opts.map);
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO temp.catalog_stage (code, row, name, spec, unit, price_e4, category, lookup, wubi, insurance_class, is_drug, whole) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut first = conn.prepare_cached("SELECT row, name, price_e4 FROM temp.catalog_stage WHERE code = ?1")?;
    let mut on_item = |st: &mut Stage, item: ParsedItem| -> Result<()> {
        let added = insert.execute(params![
            item.code,
            item.row as i64,
            item.name,
            item.spec,
            item.unit,
            item.price.e4(),
            item.category.key(),
            item.lookup,
            item.wubi,
            item.insurance_class,
            item.is_drug,
            item.whole
        ])?;
        if added == 1 {
            st.good += 1;
            if let Some(i) = FeeCategory::ALL.iter().position(|c| *c == item.category) {
                st.per_category[i] += 1;
            }
            return Ok(());
        }
        let (row, name, price): (i64, String, i64) = first.query_row([&item.code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        match read::repeat_problem(row as usize, name == item.name && price == item.price.e4(), &item) {
            None => st.duplicates += 1,
            Some(p) => st.problems.push(p),
        }
        Ok(())
    };
    let mut on_row = |st: &mut Stage, line: usize, cells: &[String]| -> Result<()> {
        match checker.check(line, cells)? {
            Checked::Skip => Ok(()),
            Checked::Problem(p) => {
                st.problems.push(p);
                Ok(())
            }
            Checked::Item(item) => on_item(st, item),
        }
    };
    let (format, encoding) = match input {
        // Already in memory (an upload, a workbook read whole): its cells, row by row.
        Input::Bytes(bytes) => {
            let (format, encoding, rows) = read::read_table(bytes, file_name, opts, read::not_a_catalog)?;
            for (line, cells) in rows {
                on_row(st, line, &cells)?;
            }
            (format, encoding)
        }
        Input::Path(_) => {
            let mut seen = 0usize;
            stream::stream_table(input, file_name, opts, read::not_a_catalog, &mut |_, _| {}, &mut |line, cells| {
                if seen >= read::MAX_ROWS {
                    return Err(read::too_many_rows());
                }
                seen += 1;
                on_row(st, line, &cells)
            })?
        }
    };
    checker.finish(st.good, st.problems.len())?;
    st.rows_read = checker.rows_read;
    st.format = format;
    st.encoding = encoding;
    Ok(())
}

impl Stage {
    /// Good items per category, as the report lists them.
    pub fn by_category(&self) -> Vec<(FeeCategory, usize)> {
        let mut v: Vec<(FeeCategory, usize)> = FeeCategory::ALL
            .iter()
            .zip(self.per_category)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (*c, n))
            .collect();
        v.sort();
        v
    }

    /// Whether the file has an item `code`.
    pub fn has(conn: &Connection, code: &str) -> Result<bool> {
        Ok(conn
            .prepare_cached("SELECT 1 FROM temp.catalog_stage WHERE code = ?1")?
            .exists([code])?)
    }

    /// Writes the staged items into version `version` (inside the caller's transaction) in
    /// code order; returns their digest (`items_digest`'s: the same bytes, never held whole).
    pub fn copy_into(&self, conn: &Connection, version: Uuid, progress: &mut dyn FnMut(usize, usize)) -> Result<String> {
        let mut read = conn.prepare(
            "SELECT code, name, spec, unit, price_e4, category, lookup, wubi, insurance_class, is_drug, whole \
             FROM temp.catalog_stage ORDER BY code",
        )?;
        let mut insert = conn.prepare(
            "INSERT INTO catalog_item (version_id, code, name, spec, unit, unit_price_e4, category, lookup, wubi, insurance_class, is_drug, whole) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let vid = version.to_string();
        let mut h = Sha256::new();
        let mut rows = read.query([])?;
        let mut n = 0usize;
        while let Some(r) = rows.next()? {
            let (cat, file_lookup): (String, Option<String>) = (r.get(5)?, r.get(6)?);
            let name: String = r.get(1)?;
            let item = CatalogItem {
                version_id: version,
                lookups: match file_lookup {
                    Some(l) => l.split([' ', ',', '/', '|']).filter(|s| !s.is_empty()).map(String::from).collect(),
                    None => lookup::initials(&name),
                },
                code: r.get(0)?,
                name,
                spec: r.get(2)?,
                unit: r.get(3)?,
                price: UnitPrice::from_e4(r.get(4)?)?,
                category: FeeCategory::ALL
                    .into_iter()
                    .find(|c| c.key() == cat)
                    .expect("staged from a category"),
                wubi: r.get(7)?,
                insurance_class: r.get(8)?,
                is_drug: r.get(9)?,
                whole: r.get(10)?,
            };
            h.update(canonical(&item_json(&item)).as_bytes());
            h.update(b"\n");
            insert.execute(params![
                vid,
                item.code,
                item.name,
                item.spec,
                item.unit,
                item.price.e4(),
                item.category.key(),
                item.lookups.join(" "),
                item.wubi,
                item.insurance_class,
                item.is_drug,
                item.whole.then_some(1)
            ])?;
            if n.is_multiple_of(2000) {
                progress(n, self.good);
            }
            n += 1;
        }
        Ok(hex::encode(h.finalize()))
    }

    /// Drops the staged items and puts the connection's page cache and temporary storage back.
    pub fn end(&self, conn: &Connection) {
        let _ = conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS temp.catalog_stage; PRAGMA cache_size = {}; PRAGMA temp_store = {};",
            self.cache, self.temp
        ));
    }
}
