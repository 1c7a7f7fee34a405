//! 价目表: the month-end price list as versioned snapshots inside the station. Each import is
//! a catalog version (file name, SHA-256, month, counts, who, when) of one part of the list
//! (`parts`: 药品, 医疗服务项目 … or the whole list); the same file twice is recognised and
//! creates nothing. Items are never changed: a new month is a new version, and every charge
//! line keeps the price it was charged at. The price list in force is the newest activated
//! version of each part.
//!
//! This file is the import (read, preview, write a version, its month); the versions and
//! items as stored, read back and kept in force are `items.rs` (re-exported here).

pub mod category;
mod index;
mod items;
pub mod lookup;
pub mod parts;
pub mod price;
pub mod read;
pub mod sample;
mod staged;
pub mod stream;
pub mod synth;
pub mod table;

pub use items::*;

use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use category::FeeCategory;
use chrono::{DateTime, Datelike, Local, Utc};
use read::{ReadOptions, RowProblem};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use stream::Input;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub read: ReadOptions,
    /// `YYYY-MM`; taken from the file name, else the current month, when absent.
    pub month: Option<String>,
    /// The part of the price list this file is (`--part`); the whole list when absent.
    pub part: Option<String>,
    /// The file may have less than half the items of what it replaces (`--confirm-shrink`).
    pub confirm_shrink: bool,
}

/// What an import (or a dry run) found and did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub file_name: String,
    pub sha256: String,
    pub month: String,
    pub format: &'static str,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub good: usize,
    pub duplicates: usize,
    pub problems: Vec<RowProblem>,
    /// Items per receipt category among the good rows.
    pub by_category: Vec<(FeeCategory, usize)>,
    /// The version written now, or the one this same file was imported as before.
    pub version: Option<CatalogVersion>,
    pub already_imported: bool,
    /// That earlier version is in force (else `catalog activate` puts it back).
    pub in_force: bool,
    /// The part, what importing puts out of force, codes in another part, and the
    /// registration types whose fee codes the price list would then lack.
    pub change: parts::Change,
}

fn file_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `YYYY-MM` from the option, else from the file name (`价目表2026-10.csv`, `202610.xlsx`),
/// else the current local month.
fn month_of(option: Option<&str>, file_name: &str, now: DateTime<Utc>) -> Result<String> {
    let valid = |y: i32, m: u32| (2000..=2100).contains(&y) && (1..=12).contains(&m);
    if let Some(text) = option {
        let t = text.trim();
        let ok = t.len() == 7
            && t.as_bytes()[4] == b'-'
            && t[..4]
                .parse::<i32>()
                .ok()
                .zip(t[5..].parse::<u32>().ok())
                .is_some_and(|(y, m)| valid(y, m));
        if !ok {
            return Err(invalid!(
                CatalogMonthInvalid,
                format!("月份“{text}”无效：请写成 2026-11"),
                format!("Invalid month \"{text}\": write it as 2026-11")
            ));
        }
        return Ok(t.to_string());
    }
    let digits: Vec<(usize, char)> = file_name.char_indices().collect();
    for (i, _) in digits.iter().enumerate() {
        let rest: String = digits[i..].iter().map(|(_, c)| *c).collect();
        if !rest.starts_with("20") || (i > 0 && digits[i - 1].1.is_ascii_digit()) {
            continue;
        }
        let year: String = rest.chars().take(4).collect();
        let after: String = rest.chars().skip(4).collect();
        let after = after.trim_start_matches(['-', '_', '.', '年']);
        let month: String = after.chars().take_while(|c| c.is_ascii_digit()).take(2).collect();
        if let (Ok(y), Ok(m)) = (year.parse::<i32>(), month.parse::<u32>()) {
            if valid(y, m) {
                return Ok(format!("{y:04}-{m:02}"));
            }
        }
    }
    let local = now.with_timezone(&Local);
    Ok(format!("{:04}-{:02}", local.year(), local.month()))
}

impl Desk {
    /// Reads the file and reports what an import would do, writing nothing (`--dry-run`).
    pub fn catalog_preview(&self, bytes: &[u8], file_name: &str, opts: &ImportOptions) -> Result<ImportReport> {
        self.catalog_preview_from(Input::Bytes(bytes), file_name, opts)
    }

    /// The same for a file read from disk by the core (the app passes the path the person
    /// chose, never the file's bytes).
    pub fn catalog_preview_from(&self, input: Input<'_>, file_name: &str, opts: &ImportOptions) -> Result<ImportReport> {
        let st = staged::stage(&self.conn, input, file_name, &opts.read)?;
        let report = self.catalog_report(&st, input, file_name, opts);
        st.end(&self.conn);
        report
    }

    /// What importing the staged file would do (its good items in `temp.catalog_stage`).
    fn catalog_report(&self, st: &staged::Stage, input: Input<'_>, file_name: &str, opts: &ImportOptions) -> Result<ImportReport> {
        let sha256 = match input {
            Input::Bytes(bytes) => file_sha256(bytes),
            Input::Path(_) => input.sha256()?,
        };
        let existing = self
            .conn
            .qrow(&format!("{VERSION_SELECT} WHERE v.file_sha256 = ?1"), [&sha256], version_from_row)
            .optional()?;
        let month = match &existing {
            Some(v) => v.month.clone(),
            None => month_of(opts.month.as_deref(), file_name, self.now())?,
        };
        let part = match &existing {
            Some(v) => v.part.clone(),
            None => parts::parse_part(opts.part.as_deref())?,
        };
        let change = self.plan_activation(
            &part,
            &|code| staged::Stage::has(&self.conn, code),
            st.good,
            existing.as_ref().map(|v| v.id),
        )?;
        let in_force = match (&existing, self.active_set()?) {
            (Some(v), Some(set)) => set.parts.iter().any(|p| p.id == v.id),
            _ => false,
        };
        Ok(ImportReport {
            file_name: file_name.to_string(),
            sha256,
            month,
            format: st.format,
            encoding: st.encoding,
            rows_read: st.rows_read,
            good: st.good,
            duplicates: st.duplicates,
            problems: st.problems.clone(),
            by_category: st.by_category(),
            already_imported: existing.is_some(),
            version: existing,
            in_force,
            change,
        })
    }

    /// 导入价目表. With bad rows, nothing is written unless `accept_good_rows` says to import
    /// the good ones. The same file again returns its earlier version and writes nothing.
    pub fn catalog_import(
        &mut self,
        by: &Actor,
        bytes: &[u8],
        file_name: &str,
        opts: &ImportOptions,
        accept_good_rows: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.catalog_import_from(by, Input::Bytes(bytes), file_name, opts, accept_good_rows, progress)
    }

    /// The same for a file read from disk by the core. The rows are checked as they are read
    /// and staged (`staged`): memory does not grow with the list.
    pub fn catalog_import_from(
        &mut self,
        by: &Actor,
        input: Input<'_>,
        file_name: &str,
        opts: &ImportOptions,
        accept_good_rows: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        by.require(Permission::ImportReference)?;
        let st = staged::stage(&self.conn, input, file_name, &opts.read)?;
        let written = self.catalog_write(by, &st, input, file_name, opts, accept_good_rows, progress);
        st.end(&self.conn);
        let report = written?;
        if !report.already_imported {
            self.forget_items();
            self.ensure_item_index()?;
        }
        Ok(report)
    }

    /// The import of the staged file, up to its commit.
    #[allow(clippy::too_many_arguments)]
    fn catalog_write(
        &mut self,
        by: &Actor,
        st: &staged::Stage,
        input: Input<'_>,
        file_name: &str,
        opts: &ImportOptions,
        accept_good_rows: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        let mut report = self.catalog_report(st, input, file_name, opts)?;
        if report.already_imported {
            return Ok(report);
        }
        if !report.problems.is_empty() && !accept_good_rows {
            let n = report.problems.len();
            return Err(invalid!(
                CatalogHasBadRows,
                format!(
                    "价目表中有 {n} 行有问题，未导入任何内容。请修正后重新导入，或选择只导入 {} 行正确的项目",
                    report.good
                ),
                format!(
                    "{n} rows of the price list have problems; nothing was imported. Fix them, or choose to import the {} good rows",
                    report.good
                )
            ));
        }
        if report.good == 0 {
            return Err(invalid!(
                CatalogNoGoodRows,
                "价目表中没有一行可以导入",
                "No row of the price list can be imported"
            ));
        }
        self.check_activation(&report.change, report.good, opts.confirm_shrink)?;
        let now = self.now();
        let version_id = Uuid::now_v7();
        let total = report.good;
        let tx = self.conn.transaction()?;
        // The items first, their digest taken as they are written (the table is append-only:
        // the version row is written once, with it); their reference to the version is
        // checked at the commit.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let digest = st.copy_into(&tx, version_id, progress)?;
        tx.exec(
            "INSERT INTO catalog_version (id, file_name, file_sha256, month, rows_read, items, rows_rejected, items_sha256, imported_by, imported_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                version_id.to_string(), file_name, report.sha256, report.month, report.rows_read as i64,
                total as i64, report.problems.len() as i64, digest, by.id().to_string(), stamp(now)
            ],
        )?;
        let version_row = tx.last_insert_rowid();
        parts::insert_activation(&tx, version_id, &report.change.part, &report.change, by, now)?;
        let activation_row = tx.last_insert_rowid();
        let mut extra = Map::new();
        extra.insert("items_sha256".into(), json!(digest));
        journal::append(
            &tx,
            Change {
                kind: "catalog_imported",
                actor: by.name(),
                at: now,
                rows: vec![("catalog_version", version_row), ("catalog_activation", activation_row)],
                extra,
            },
        )?;
        tx.commit()?;
        progress(total, total);
        report.version = self.catalog_version(version_id)?;
        report.in_force = true;
        Ok(report)
    }
}
