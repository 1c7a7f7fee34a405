//! The price list in parts (药品, 医疗服务项目, 材料 … kept and changed apart). Every import
//! puts its version in force for its part (`''`, the whole list, when none is named), and
//! `catalog activate` puts an earlier version back; each is a `catalog_activation` row. The
//! price list in force is the newest activated version of each part; activating the whole
//! list puts every other part out of force. A version imported before parts existed counts as
//! the whole list, activated when it was imported.
//!
//! Contract: no code is in two parts in force (an import or activation that would make it so
//! is refused, naming the code and both parts); a version with less than half the items of
//! what it puts out of force needs an explicit confirmation (`--confirm-shrink`).

use super::items::{CatalogVersion, VERSION_SELECT};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::operator::Actor;
use crate::registration::types::RegType;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::OptionalExtension;
use serde_json::{json, Map};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

/// The versions in force as last read, with the generation they were read at.
#[derive(Default)]
struct SetMemo(std::sync::Mutex<Option<((i64, i64), Option<Arc<ActiveSet>>)>>);
impl crate::store::Memo for SetMemo {}

/// The part of a price list as shown: the name, or 整表 for the whole list.
pub fn part_label(part: &str) -> &str {
    if part.is_empty() {
        "整表"
    } else {
        part
    }
}

/// The price list in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSet {
    /// Each part in force and its version, by part name (the whole list first).
    pub parts: Vec<CatalogVersion>,
    /// The version activated last (what a receipt names as its price list).
    pub latest: CatalogVersion,
}

impl ActiveSet {
    pub fn ids(&self) -> Vec<Uuid> {
        self.parts.iter().map(|v| v.id).collect()
    }
    pub fn items(&self) -> i64 {
        self.parts.iter().map(|v| v.items).sum()
    }
}

/// A version put back in force (`catalog_activate`): the version and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activated {
    pub version: CatalogVersion,
    pub change: Change,
}

/// What putting a version in force for its part changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub part: String,
    /// The versions it puts out of force (the part's, or every part for the whole list).
    pub replaces: Vec<CatalogVersion>,
    pub replaced_items: i64,
    /// Fewer than half the items of what it replaces: needs a confirmation.
    pub shrinks: bool,
    /// Codes also in another part in force, with that part (first few).
    pub conflicts: Vec<(String, String)>,
    /// Registration types whose fee codes the price list would then lack.
    pub reg_types_missing: Vec<(RegType, Vec<String>)>,
}

/// How many conflicting codes a refusal or report names.
const CONFLICTS_SHOWN: usize = 5;

/// A part name as typed: empty for the whole list.
pub fn parse_part(text: Option<&str>) -> Result<String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(String::new()),
        Some("整表") => Ok(String::new()),
        Some(t) => clean_text(t, 20, ("价目表部分名称", "Part name")),
    }
}

impl Desk {
    /// The versions in force, each with its part: recomputed when a version or an activation
    /// was added since (by this window or another program on the same file).
    pub fn active_set(&self) -> Result<Option<Arc<ActiveSet>>> {
        let generation: (i64, i64) = self.conn.qrow(
            "SELECT (SELECT ifnull(max(rowid), 0) FROM catalog_version), (SELECT ifnull(max(rowid), 0) FROM catalog_activation)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let memo = self.memo::<SetMemo>();
        let mut cached = memo.0.lock().expect("catalog set");
        if let Some((g, set)) = cached.as_ref() {
            if *g == generation {
                return Ok(set.clone());
            }
        }
        let set = self.compute_active_set()?.map(Arc::new);
        *cached = Some((generation, set.clone()));
        Ok(set)
    }

    fn compute_active_set(&self) -> Result<Option<ActiveSet>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version_id, part FROM ( \
               SELECT a.version_id, a.part, a.activated_at AS at, 1 AS k, a.rowid AS n FROM catalog_activation a \
               UNION ALL \
               SELECT v.id, '', v.imported_at, 0, v.rowid FROM catalog_version v \
               WHERE NOT EXISTS (SELECT 1 FROM catalog_activation a WHERE a.version_id = v.id)) \
             ORDER BY at, k, n",
        )?;
        let events: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut parts: BTreeMap<String, String> = BTreeMap::new();
        let mut latest = None;
        for (version, part) in events {
            if part.is_empty() {
                parts.clear();
            }
            parts.insert(part, version.clone());
            latest = Some(version);
        }
        let Some(latest) = latest else { return Ok(None) };
        let mut versions = Vec::new();
        for id in parts.values() {
            versions.extend(self.version_by_id(id)?);
        }
        let latest = self.version_by_id(&latest)?.expect("an activated version exists");
        Ok(Some(ActiveSet { parts: versions, latest }))
    }

    fn version_by_id(&self, id: &str) -> Result<Option<CatalogVersion>> {
        Ok(self
            .conn
            .qrow(&format!("{VERSION_SELECT} WHERE v.id = ?1"), [id], super::items::version_from_row)
            .optional()?)
    }

    /// What putting a version of `part` with `count` items in force would change (`has(code)`:
    /// whether it has an item `code`).
    pub(crate) fn plan_activation(
        &self,
        part: &str,
        has: &dyn Fn(&str) -> Result<bool>,
        count: usize,
        version: Option<Uuid>,
    ) -> Result<Change> {
        let set = self.active_set()?;
        let in_force: Vec<CatalogVersion> = set.map(|s| s.parts.clone()).unwrap_or_default();
        let (replaces, kept): (Vec<CatalogVersion>, Vec<CatalogVersion>) = in_force
            .into_iter()
            .filter(|v| Some(v.id) != version)
            .partition(|v| part.is_empty() || v.part == part);
        let replaced_items = replaces.iter().map(|v| v.items).sum::<i64>();
        let mut conflicts = Vec::new();
        let mut kept_codes: HashSet<String> = HashSet::new();
        for v in &kept {
            for item in super::items::load_items(&self.conn, v.id)? {
                if conflicts.len() < CONFLICTS_SHOWN && has(&item.code)? {
                    conflicts.push((item.code.clone(), v.part.clone()));
                }
                kept_codes.insert(item.code);
            }
        }
        let failed = std::cell::RefCell::new(None);
        let reg_types_missing = self.reg_types_missing(|c| {
            kept_codes.contains(c)
                || has(c).unwrap_or_else(|e| {
                    failed.borrow_mut().get_or_insert(e);
                    false
                })
        })?;
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
        Ok(Change {
            part: part.to_string(),
            shrinks: (count as i64) * 2 < replaced_items,
            replaces,
            replaced_items,
            conflicts,
            reg_types_missing,
        })
    }

    /// Refuses a change that would put a code in two parts, or shrink the list unconfirmed.
    pub(crate) fn check_activation(&self, change: &Change, items: usize, confirm_shrink: bool) -> Result<()> {
        if let Some((code, other)) = change.conflicts.first() {
            let codes: Vec<&str> = change.conflicts.iter().map(|(c, _)| c.as_str()).collect();
            return Err(invalid!(
                CatalogCodeInTwoParts,
                format!(
                    "编码 {code} 同时在“{}”和“{}”中（共 {} 个这样的编码，如 {}）：一个编码只能在一个部分中。请从其中一个部分的文件中删去，或改用相同的部分名称导入",
                    part_label(&change.part),
                    part_label(other),
                    change.conflicts.len(),
                    codes.join("、")
                ),
                format!(
                    "Code {code} is in both \"{}\" and \"{}\" (e.g. {}): a code belongs to one part only. Remove it from one part's file, or import under the same part name",
                    part_label(&change.part),
                    part_label(other),
                    codes.join(", ")
                )
            ));
        }
        if change.shrinks && !confirm_shrink {
            return Err(invalid!(
                CatalogShrinkUnconfirmed,
                format!(
                    "新的{}只有 {items} 项，不到现在的 {} 项的一半：是不是选错了文件？确认无误请确认缩减（命令行加 --confirm-shrink）",
                    part_label(&change.part),
                    change.replaced_items
                ),
                format!(
                    "The new {} has only {items} items, less than half of the {} in force: is it the right file? If so, confirm the shrink (--confirm-shrink)",
                    if change.part.is_empty() { "price list" } else { &change.part },
                    change.replaced_items
                )
            ));
        }
        Ok(())
    }

    /// A version by its id, or by a unique beginning or end of it (at least 8 characters).
    pub fn find_catalog_version(&self, text: &str) -> Result<CatalogVersion> {
        let t = text.trim().to_lowercase();
        let all = self.catalog_versions()?;
        let found: Vec<&CatalogVersion> = if t.len() >= 8 {
            all.iter()
                .filter(|v| {
                    let id = v.id.to_string();
                    id == t || id.starts_with(&t) || id.ends_with(&t)
                })
                .collect()
        } else {
            vec![]
        };
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(invalid!(
                CatalogVersionUnknown,
                format!("没有编号为“{text}”的价目表版本：用 downtime catalog versions 查看编号（至少输入 8 位）"),
                format!("No price-list version \"{text}\": see downtime catalog versions (give at least 8 characters)")
            )),
            _ => Err(invalid!(
                CatalogVersionAmbiguous,
                format!("“{text}”对应多个价目表版本：请输入更多位"),
                format!("\"{text}\" matches several versions: give more of the id")
            )),
        }
    }

    /// `downtime catalog activate`: puts an earlier version back in force for its part, and
    /// returns that version with what it changed (all a view of the activation needs).
    pub fn catalog_activate(&mut self, by: &Actor, version: &str, confirm_shrink: bool) -> Result<Activated> {
        by.require(Permission::ImportReference)?;
        let v = self.find_catalog_version(version)?;
        if self.active_set()?.is_some_and(|s| s.parts.iter().any(|p| p.id == v.id)) {
            return Err(invalid!(
                CatalogAlreadyActive,
                format!("价目表版本 {}（{} {}）已在使用中", v.id, part_label(&v.part), v.month),
                format!(
                    "Price-list version {} ({} {}) is already in force",
                    v.id,
                    part_label(&v.part),
                    v.month
                )
            ));
        }
        let items = super::items::load_items(&self.conn, v.id)?;
        let codes: HashSet<&str> = items.iter().map(|i| i.code.as_str()).collect();
        let change = self.plan_activation(&v.part, &|c| Ok(codes.contains(c)), codes.len(), Some(v.id))?;
        self.check_activation(&change, items.len(), confirm_shrink)?;
        let now = self.now();
        let replaced: Vec<String> = change.replaces.iter().map(|r| r.id.to_string()).collect();
        self.in_write_tx(|desk| {
            let row = insert_activation(&desk.conn, v.id, &v.part, &change, by, now)?;
            let mut extra = Map::new();
            extra.insert("replaces".into(), json!(replaced));
            journal::append_rows(
                &desk.conn,
                "catalog_activated",
                by.name(),
                now,
                vec![("catalog_activation", row)],
                extra,
            )?;
            Ok(())
        })?;
        self.forget_items();
        self.ensure_item_index()?;
        Ok(Activated { version: v, change })
    }
}

/// The activation row of `version` for `part` (inside the caller's transaction).
pub(crate) fn insert_activation(
    tx: &rusqlite::Connection,
    version: Uuid,
    part: &str,
    change: &Change,
    by: &Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    let shrink_from = change.shrinks.then_some(change.replaced_items);
    journal::insert_row(
        tx,
        "catalog_activation",
        &[
            ("id", &Uuid::now_v7().to_string()),
            ("version_id", &version.to_string()),
            ("part", &part),
            ("shrink_from", &shrink_from),
            ("activated_by", &by.id().to_string()),
            ("activated_at", &stamp(at)),
        ],
    )
}
