//! 号别: registration types are the hospital's own data, never names in code. A type has a
//! key (what scripts type), a name (what the counter sees: 普通号, 主任医师号 …), whether it is
//! offered, and its fee items by price-list code (挂号费 + 诊查费, or none for 便民门诊). The
//! newest row of a key is in force; types are listed in the order they were first set. A new
//! station starts with the types in `assets/registration-types.csv`, which fit the shipped
//! sample price list; the hospital edits them (settings, `downtime regtype set`).
//!
//! Contract: a fee code is checked against the active price list when a type is set, and
//! again at every registration (the price list may have changed since); a missing code is
//! refused naming it. `missing_fee_codes` lists the types a price list would leave without
//! their fees, for the import report.

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::journal;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The types a new station starts with (UTF-8 CSV: key, name, fee codes separated by spaces).
const SEED: &str = include_str!("../../../../../assets/registration-types.csv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegType {
    pub key: String,
    pub name: String,
    pub active: bool,
    /// Price-list codes, in the order they are charged.
    pub fee_codes: Vec<String>,
}

/// A key as scripts type it: 1 to 20 ASCII letters, digits, `_` or `-`, kept in lower case.
fn parse_key(text: &str) -> Result<String> {
    let key = text.trim().to_ascii_lowercase();
    if key.is_empty() || key.len() > 20 || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(invalid!(
            RegTypeKeyInvalid,
            format!("号别编码“{text}”无效：用 1 到 20 位字母、数字、_ 或 -，例如 ordinary"),
            format!("Invalid registration type key \"{text}\": use 1 to 20 letters, digits, _ or -, e.g. ordinary")
        ));
    }
    Ok(key)
}

fn codes_json(codes: &[String]) -> String {
    canonical(&Value::Array(codes.iter().map(|c| Value::from(c.as_str())).collect()))
}

/// Inserts one type row inside the caller's transaction; returns it as the journal records it.
fn insert(tx: &Connection, t: &RegType, by: Uuid, at: DateTime<Utc>) -> Result<String> {
    let codes = codes_json(&t.fee_codes);
    journal::insert_row(
        tx,
        "reg_type",
        &[
            ("id", &Uuid::now_v7().to_string()),
            ("key", &t.key),
            ("name", &t.name),
            ("active", &t.active),
            ("fee_codes", &codes),
            ("set_by", &by.to_string()),
            ("set_at", &stamp(at)),
        ],
    )
}

/// The shipped types, parsed (the file is part of the build; a test reads it).
pub fn seed_types() -> Vec<RegType> {
    SEED.lines()
        .skip(1)
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut cells = l.splitn(3, ',');
            let key = parse_key(cells.next()?).ok()?;
            let name = cells.next()?.trim().to_string();
            let fee_codes = cells.next().unwrap_or("").split_whitespace().map(String::from).collect();
            Some(RegType {
                key,
                name,
                active: true,
                fee_codes,
            })
        })
        .collect()
}

/// Writes the shipped types for a new station (inside its setup transaction); the rows (by
/// rowid) for the setup's journal entry.
pub(crate) fn seed(tx: &Connection, admin: Uuid, at: DateTime<Utc>) -> Result<Vec<(&'static str, i64)>> {
    seed_types()
        .iter()
        .map(|t| {
            insert(tx, t, admin, at)?;
            Ok(("reg_type", tx.last_insert_rowid()))
        })
        .collect()
}

impl Desk {
    /// Every registration type, offered or not, in the order first set.
    pub fn reg_types(&self) -> Result<Vec<RegType>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, name, active, fee_codes FROM reg_type t WHERE rowid = (SELECT max(rowid) FROM reg_type x WHERE x.key = t.key) \
             ORDER BY (SELECT min(rowid) FROM reg_type x WHERE x.key = t.key)",
        )?;
        let rows = stmt.query_map([], |r| {
            let codes: String = r.get(3)?;
            Ok(RegType {
                key: r.get(0)?,
                name: r.get(1)?,
                active: r.get(2)?,
                fee_codes: serde_json::from_str(&codes).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The offered type whose key or name is `text` (`register --type`).
    pub fn reg_type(&self, text: &str) -> Result<RegType> {
        let t = text.trim();
        let all = self.reg_types()?;
        let found = all
            .iter()
            .find(|r| r.key.eq_ignore_ascii_case(t))
            .or_else(|| all.iter().find(|r| r.name == t));
        match found {
            Some(r) if r.active => Ok(r.clone()),
            Some(r) => Err(invalid!(
                RegTypeInactive,
                format!("号别“{}”已停用：请选用其他号别，或在设置（Ctrl+O）中重新启用", r.name),
                format!(
                    "Registration type \"{}\" is not offered: choose another, or offer it again in settings (Ctrl+O)",
                    r.name
                )
            )),
            None => {
                let offered: Vec<String> = all
                    .iter()
                    .filter(|r| r.active)
                    .map(|r| format!("{}（{}）", r.key, r.name))
                    .collect();
                Err(invalid!(
                    RegTypeUnknown,
                    format!(
                        "没有“{t}”这个号别（可选：{}）",
                        if offered.is_empty() {
                            "无，请在设置（Ctrl+O）中添加".into()
                        } else {
                            offered.join("、")
                        }
                    ),
                    format!(
                        "There is no registration type \"{t}\" (offered: {})",
                        if offered.is_empty() {
                            "none; add them in settings (Ctrl+O)".into()
                        } else {
                            offered.join(", ")
                        }
                    )
                ))
            }
        }
    }

    /// Adds or changes a type, the fee codes checked by `in_price_list` (the types stand below
    /// the price list: `Desk::set_reg_type`, in `fees.rs`, passes the list in force); a
    /// supervisor or an administrator sets types.
    pub(crate) fn set_reg_type_with(
        &mut self,
        by: &Actor,
        key: &str,
        name: &str,
        fee_codes: &[String],
        active: bool,
        in_price_list: fn(&mut Desk, &[String]) -> Result<()>,
    ) -> Result<RegType> {
        by.require(Permission::EditLists)?;
        let key = parse_key(key)?;
        let name = clean_text(name, 20, ("号别名称", "Type name"))?;
        let mut codes: Vec<String> = Vec::new();
        for c in fee_codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if codes.iter().any(|x| x == c) {
                return Err(invalid!(
                    RegTypeFeeTwice,
                    format!("费用项目 {c} 写了两次"),
                    format!("Fee item {c} is given twice")
                ));
            }
            codes.push(c.to_string());
        }
        if !codes.is_empty() {
            in_price_list(self, &codes)?;
        }
        if let Some(other) = self.reg_types()?.into_iter().find(|t| t.key != key && t.active && t.name == name) {
            return Err(invalid!(
                RegTypeNameTaken,
                format!("号别名称“{name}”已用于 {}，请换一个名称", other.key),
                format!("The name \"{name}\" is already used by {}; choose another", other.key)
            ));
        }
        let t = RegType {
            key,
            name,
            active,
            fee_codes: codes,
        };
        let now = self.now();
        self.in_write_tx(|desk| {
            let row = insert(&desk.conn, &t, by.id(), now)?;
            journal::append_rows(&desk.conn, "reg_type_set", by.name(), now, vec![("reg_type", row)], Map::new())?;
            Ok(())
        })?;
        Ok(t)
    }

    /// Loads the shipped types into a station that has none (one made before types were
    /// data, or a settings screen's "load the sample types"); refused once any type exists.
    pub fn seed_reg_types(&mut self, by: &Actor) -> Result<Vec<RegType>> {
        by.require(Permission::EditLists)?;
        let now = self.now();
        self.in_write_tx(|desk| {
            if !desk.reg_types()?.is_empty() {
                return Err(invalid!(
                    RegTypesExist,
                    "已有号别：请逐个修改，不能再载入示例号别",
                    "Registration types exist already: edit them one by one instead of loading the samples"
                ));
            }
            let mut rows = Vec::new();
            for t in seed_types() {
                rows.push(("reg_type", insert(&desk.conn, &t, by.id(), now)?));
            }
            journal::append_rows(&desk.conn, "reg_types_seeded", by.name(), now, rows, Map::new())?;
            Ok(())
        })?;
        self.reg_types()
    }

    /// The offered types whose fee codes are not all among `has_code`, with the codes missing
    /// (what a price-list import reports).
    pub fn reg_types_missing(&self, has_code: impl Fn(&str) -> bool) -> Result<Vec<(RegType, Vec<String>)>> {
        Ok(self
            .reg_types()?
            .into_iter()
            .filter(|t| t.active)
            .filter_map(|t| {
                let missing: Vec<String> = t.fee_codes.iter().filter(|c| !has_code(c)).cloned().collect();
                (!missing.is_empty()).then_some((t, missing))
            })
            .collect())
    }

    /// The name a type had when a registration was recorded at `at` (its key when the type
    /// was never set, as for registrations older than types as data).
    pub(crate) fn reg_type_name_at(&self, key: &str, at: &str) -> Result<String> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .qrow(
                "SELECT name FROM reg_type WHERE key = ?1 AND set_at <= ?2 ORDER BY rowid DESC LIMIT 1",
                [key, at],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| key.to_string()))
    }
}
