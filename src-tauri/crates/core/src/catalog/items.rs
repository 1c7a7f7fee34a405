//! The price list as stored: its versions (one per imported file) and their items, read back
//! by id or code, the versions in force and whether they are stale, the items in force kept on
//! the desk (`ItemsMemo`, for pricing), and each version's item digest that `verify`
//! re-derives. Writing a version is the import's, in `mod.rs`.

use super::category::FeeCategory;
use super::price::UnitPrice;
use crate::error::{invalid, Result};
use crate::jcs::canonical;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::parse_stamp;
use chrono::{DateTime, Datelike, Duration, Local, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use uuid::Uuid;

/// A catalog older than this many days deserves a warning on the charging screen.
pub const STALE_AFTER_DAYS: i64 = 35;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogVersion {
    pub id: Uuid,
    pub file_name: String,
    pub sha256: String,
    pub month: String,
    pub rows_read: i64,
    pub items: i64,
    pub rejected: i64,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
    /// The part it was imported as (empty: the whole list).
    pub part: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    pub version_id: Uuid,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub price: UnitPrice,
    pub category: FeeCategory,
    pub lookups: Vec<String>,
    pub wubi: String,
    pub insurance_class: String,
    pub is_drug: bool,
    /// The price list marks it as counted in whole units only.
    pub whole: bool,
}

/// Units that count visits or tests: a quantity in them is a whole number, whatever the price
/// list says (it can mark further items as whole).
pub const WHOLE_UNITS: &[&str] = &["次", "项", "例", "人次"];

impl CatalogItem {
    /// A quantity of it must be a whole number.
    pub fn whole_units(&self) -> bool {
        self.whole || WHOLE_UNITS.contains(&self.unit.trim())
    }

    /// 中药饮片: charged as a quantity per dose × the number of doses (付数).
    pub fn by_dose(&self) -> bool {
        self.category == FeeCategory::HerbalPieces
    }
}

/// The price list in force and whether it is too old to trust without a second look.
#[derive(Debug, Clone)]
pub struct CatalogStatus {
    /// The version activated last.
    pub active: Option<CatalogVersion>,
    /// Every part in force.
    pub parts: Vec<CatalogVersion>,
    pub stale: bool,
}

/// The items in force (every part's, by code), kept while the same versions stay in force:
/// pricing a draft looks its lines up here. The search index is in the file (`index.rs`).
pub(crate) struct Cache {
    versions: Vec<Uuid>,
    items: Vec<CatalogItem>,
}

/// The items in force kept on the desk, rebuilt when the versions in force change (the search
/// index is in the file).
#[derive(Default)]
pub(crate) struct ItemsMemo(std::sync::Mutex<Option<Arc<Cache>>>);
impl crate::store::Memo for ItemsMemo {}

impl Desk {
    /// Forgets the items in force: the next look-up reads them again.
    pub(crate) fn forget_items(&self) {
        *self.memo::<ItemsMemo>().0.lock().expect("items memo") = None;
    }
}

impl Cache {
    /// Every item in force, by code.
    pub(crate) fn all(&self) -> &[CatalogItem] {
        &self.items
    }

    /// The item `code` in force.
    pub(crate) fn get(&self, code: &str) -> Option<&CatalogItem> {
        self.items
            .binary_search_by(|i| i.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.items[i])
    }
}

pub(super) fn item_json(item: &CatalogItem) -> serde_json::Value {
    let mut v = json!({
        "code": item.code, "name": item.name, "spec": item.spec, "unit": item.unit,
        "unit_price_e4": item.price.e4(), "category": item.category.key(),
        "lookup": item.lookups.join(" "), "wubi": item.wubi,
        "insurance_class": item.insurance_class, "is_drug": item.is_drug,
    });
    // Added later: absent unless set, so that older versions keep the digest taken at import.
    if item.whole {
        v["whole"] = json!(true);
    }
    v
}

/// SHA-256 over the canonical JSON of every item, in code order, one per line: the version
/// row carries it, so `verify` proves the items are exactly those imported.
pub(super) fn items_digest<'a>(items: impl Iterator<Item = &'a CatalogItem>) -> String {
    let mut h = Sha256::new();
    for item in items {
        h.update(canonical(&item_json(item)).as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

pub(crate) fn version_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CatalogVersion> {
    Ok(CatalogVersion {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        file_name: r.get(1)?,
        sha256: r.get(2)?,
        month: r.get(3)?,
        rows_read: r.get(4)?,
        items: r.get(5)?,
        rejected: r.get(6)?,
        imported_by: r.get(7)?,
        imported_at: parse_stamp(&r.get::<_, String>(8)?)?,
        part: r.get(9)?,
    })
}

pub(super) const VERSION_SELECT: &str =
    "SELECT v.id, v.file_name, v.file_sha256, v.month, v.rows_read, v.items, v.rows_rejected, o.name, v.imported_at, \
     ifnull((SELECT a.part FROM catalog_activation a WHERE a.version_id = v.id ORDER BY a.rowid LIMIT 1), '') \
     FROM catalog_version v JOIN operator o ON o.id = v.imported_by";

const ITEM_COLUMNS: &str =
    "version_id, code, name, spec, unit, unit_price_e4, category, lookup, wubi, insurance_class, is_drug, ifnull(whole, 0)";

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CatalogItem> {
    let cat: String = r.get(6)?;
    let lookup: String = r.get(7)?;
    Ok(CatalogItem {
        version_id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        code: r.get(1)?,
        name: r.get(2)?,
        spec: r.get(3)?,
        unit: r.get(4)?,
        price: UnitPrice::from_e4(r.get(5)?).unwrap_or(UnitPrice::from_e4(0).expect("zero")),
        category: FeeCategory::ALL.into_iter().find(|c| c.key() == cat).unwrap_or(FeeCategory::Other),
        lookups: lookup.split(' ').filter(|s| !s.is_empty()).map(String::from).collect(),
        wubi: r.get(8)?,
        insurance_class: r.get(9)?,
        is_drug: r.get(10)?,
        whole: r.get(11)?,
    })
}

pub(crate) fn load_items(conn: &Connection, version: Uuid) -> Result<Vec<CatalogItem>> {
    let mut stmt = conn.prepare(
        "SELECT code, name, spec, unit, unit_price_e4, category, lookup, wubi, insurance_class, is_drug, ifnull(whole, 0) \
         FROM catalog_item WHERE version_id = ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([version.to_string()], |r| {
        let cat: String = r.get(5)?;
        let lookup: String = r.get(6)?;
        Ok(CatalogItem {
            version_id: version,
            code: r.get(0)?,
            name: r.get(1)?,
            spec: r.get(2)?,
            unit: r.get(3)?,
            price: UnitPrice::from_e4(r.get(4)?).unwrap_or(UnitPrice::from_e4(0).expect("zero")),
            category: FeeCategory::ALL.into_iter().find(|c| c.key() == cat).unwrap_or(FeeCategory::Other),
            lookups: lookup.split(' ').filter(|s| !s.is_empty()).map(String::from).collect(),
            wubi: r.get(7)?,
            insurance_class: r.get(8)?,
            is_drug: r.get(9)?,
            whole: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The item stored at `rowid` (the search index points at items by rowid).
pub(crate) fn load_item_at(conn: &Connection, rowid: i64) -> Result<Option<CatalogItem>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM catalog_item WHERE rowid = ?1"))?
        .query_row([rowid], item_from_row)
        .optional()?)
}

/// Re-derives every version's item digest; the first version whose items differ, if any.
pub(crate) fn verify_items(conn: &Connection) -> Result<Option<(Uuid, String)>> {
    let mut stmt = conn.prepare("SELECT id, items_sha256 FROM catalog_version ORDER BY rowid")?;
    let versions: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, digest) in versions {
        let id: Uuid = crate::time::parse_stored_id(&id)?;
        let items = load_items(conn, id)?;
        if items_digest(items.iter()) != digest {
            return Ok(Some((id, digest)));
        }
    }
    let orphans: i64 = conn.qrow(
        "SELECT count(*) FROM catalog_item i WHERE NOT EXISTS (SELECT 1 FROM catalog_version v WHERE v.id = i.version_id)",
        [],
        |r| r.get(0),
    )?;
    Ok((orphans > 0).then(|| (Uuid::nil(), String::new())))
}

impl Desk {
    pub fn catalog_version(&self, id: Uuid) -> Result<Option<CatalogVersion>> {
        Ok(self
            .conn
            .qrow(&format!("{VERSION_SELECT} WHERE v.id = ?1"), [id.to_string()], version_from_row)
            .optional()?)
    }

    /// Every version, newest first.
    pub fn catalog_versions(&self) -> Result<Vec<CatalogVersion>> {
        let mut stmt = self.conn.prepare(&format!("{VERSION_SELECT} ORDER BY v.rowid DESC"))?;
        let rows = stmt.query_map([], version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The version activated last among those in force (what a receipt names as its price
    /// list; every part in force is in `active_set`).
    pub fn active_catalog(&self) -> Result<Option<CatalogVersion>> {
        Ok(self.active_set()?.map(|s| s.latest.clone()))
    }

    pub fn catalog_status(&self) -> Result<CatalogStatus> {
        let set = self.active_set()?;
        let now = self.now();
        let local = now.with_timezone(&Local);
        let this_month = local.year() * 12 + local.month() as i32 - 1;
        let stale_one = |v: &CatalogVersion| {
            let month_index = v.month[..4].parse::<i32>().unwrap_or(0) * 12 + v.month[5..].parse::<i32>().unwrap_or(1) - 1;
            v.imported_at + Duration::days(STALE_AFTER_DAYS) < now || month_index < this_month - 1
        };
        Ok(CatalogStatus {
            active: set.as_ref().map(|s| s.latest.clone()),
            stale: set.as_ref().is_some_and(|s| s.parts.iter().any(stale_one)),
            parts: set.map(|s| s.parts.clone()).unwrap_or_default(),
        })
    }

    /// The active catalog, or the message that tells the cashier how to get one.
    pub fn require_catalog(&self) -> Result<CatalogVersion> {
        self.active_catalog()?.ok_or_else(|| {
            invalid!(
                CatalogMissing,
                "尚未导入价目表，无法收费。请在“价目表”页面（Ctrl+P）导入本月价目表，或用 downtime catalog import 文件",
                "No price list has been imported, so nothing can be charged. Import this month's list on the price list screen (Ctrl+P) or with downtime catalog import FILE"
            )
        })
    }

    fn catalog_cache(&mut self) -> Result<Option<Arc<Cache>>> {
        let Some(set) = self.active_set()? else {
            return Ok(None);
        };
        let versions = set.ids();
        let memo = self.memo::<ItemsMemo>();
        if let Some(c) = memo.0.lock().expect("items memo").as_ref() {
            if c.versions == versions {
                return Ok(Some(c.clone()));
            }
        }
        let mut items = Vec::new();
        for v in &versions {
            items.extend(load_items(&self.conn, *v)?);
        }
        // No code is in two parts in force (refused at import and activation).
        items.sort_by(|a, b| a.code.cmp(&b.code));
        let cache = Arc::new(Cache { versions, items });
        *memo.0.lock().expect("items memo") = Some(cache.clone());
        Ok(Some(cache))
    }

    /// The item `code` of the price list in force, if it has one.
    pub fn active_catalog_item(&mut self, code: &str) -> Result<Option<CatalogItem>> {
        Ok(self.items_in_force()?.and_then(|c| c.get(code.trim()).cloned()))
    }

    /// Every item in force, by code (pricing a draft looks its lines up here, once).
    pub(crate) fn items_in_force(&mut self) -> Result<Option<Arc<Cache>>> {
        self.catalog_cache()
    }

    /// One item of a version by its code, in force or not.
    pub fn catalog_item(&mut self, version: Uuid, code: &str) -> Result<Option<CatalogItem>> {
        if let Some(cache) = self.catalog_cache()?.filter(|c| c.versions.contains(&version)) {
            return Ok(cache
                .items
                .binary_search_by(|i| i.code.as_str().cmp(code))
                .ok()
                .map(|i| cache.items[i].clone())
                .filter(|i| i.version_id == version));
        }
        Ok(load_items(&self.conn, version)?.into_iter().find(|i| i.code == code))
    }
}
