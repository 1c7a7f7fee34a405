//! 标记完成: finance marks a worklist item done with the HIS invoice number it got (a patient
//! came back and was re-settled, a manual receipt was exchanged or entered as self-pay, an
//! inpatient was converted). A mark is a journalled record of its own, never an edit of the
//! record it concerns; a wrong mark is withdrawn by a newer record, which the journal keeps too.

use crate::store::Workspace;
use crate::Clerk;
use downtime_core::error::{CoreError, Result};
use downtime_core::ids::clean_text;
use downtime_core::time::{local_display, parse_stamp, stamp};
use rusqlite::{params, OptionalExtension};
use serde_json::Map;
use uuid::Uuid;

/// Which worklist an item is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// 医保重新结算: an insured patient's receipt.
    Resettle,
    /// 手工票据换开电脑发票 (after the deadline, entered as self-pay).
    Exchange,
    /// 住院转医保: an insured inpatient admitted as self-pay.
    Convert,
}

impl List {
    pub fn as_str(self) -> &'static str {
        match self {
            List::Resettle => "resettle",
            List::Exchange => "exchange",
            List::Convert => "convert",
        }
    }
}

/// A mark in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub record_id: String,
    pub list: String,
    pub his_no: String,
    pub note: String,
    pub marked_by: String,
    pub marked_at: String,
}

/// The worklist item a receipt number, inpatient number or record id names.
struct Item {
    record_id: String,
    list: List,
    shown: String,
}

fn not_on_a_list(key: &str) -> CoreError {
    CoreError::invalid(
        downtime_core::error::ErrorCode::ReconItemUnknown,
        format!("工作区中没有“{key}”这一项待办：请输入收费或挂号收据号（如 MZ01-000123）、住院号或记录编号"),
        format!("There is no worklist item \"{key}\" in the workspace: give a charge or registration receipt number (e.g. MZ01-000123), an inpatient number or a record id"),
    )
}

impl Workspace {
    fn item(&self, key: &str) -> Result<Item> {
        let key = key.trim();
        let receipt: Option<(String, String, String, bool)> = self
            .conn
            .query_row(
                "SELECT id, receipt_no, kind, insured FROM receipt WHERE receipt_no = ?1 OR id = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((id, no, kind, insured)) = receipt {
            if !matches!(kind.as_str(), "charge" | "registration") {
                return Err(CoreError::invalid(
                    downtime_core::error::ErrorCode::ReconItemNotOnAList,
                    format!("收据 {no} 不是收费或挂号收据，不在待办清单上（退费和预交金不需换开发票）"),
                    format!("Receipt {no} is not a charge or registration receipt and is on no worklist (refunds and deposits are not exchanged)"),
                ));
            }
            let list = if insured { List::Resettle } else { List::Exchange };
            return Ok(Item {
                record_id: id,
                list,
                shown: no,
            });
        }
        let admission: Option<(String, String, bool)> = self
            .conn
            .query_row(
                "SELECT id, inpatient_no, convert_to_insured FROM admission WHERE inpatient_no = ?1 OR id = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match admission {
            Some((id, no, true)) => Ok(Item {
                record_id: id,
                list: List::Convert,
                shown: no,
            }),
            Some((_, no, false)) => Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconItemNotOnAList,
                format!("住院 {no} 是自费入院，不需转医保"),
                format!("Admission {no} was self-pay and needs no conversion to insured"),
            )),
            None => Err(not_on_a_list(key)),
        }
    }

    /// The mark in force on a record, if any.
    pub fn mark_of(&self, record_id: &str) -> Result<Option<Mark>> {
        let newest: Option<(Mark, bool)> = self
            .conn
            .query_row(
                "SELECT record_id, list, his_no, note, marked_by, marked_at, withdrawn FROM mark WHERE record_id = ?1 \
                 ORDER BY rowid DESC LIMIT 1",
                [record_id],
                |r| {
                    Ok((
                        Mark {
                            record_id: r.get(0)?,
                            list: r.get(1)?,
                            his_no: r.get(2)?,
                            note: r.get(3)?,
                            marked_by: r.get(4)?,
                            marked_at: r.get(5)?,
                        },
                        r.get(6)?,
                    ))
                },
            )
            .optional()?;
        Ok(newest.and_then(|(m, withdrawn)| (!withdrawn).then_some(m)))
    }

    /// Every mark in force, by record id.
    pub(crate) fn marks(&self) -> Result<std::collections::HashMap<String, Mark>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.record_id, m.list, m.his_no, m.note, m.marked_by, m.marked_at FROM mark m \
             WHERE m.rowid = (SELECT max(rowid) FROM mark n WHERE n.record_id = m.record_id) AND m.withdrawn = 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Mark {
                record_id: r.get(0)?,
                list: r.get(1)?,
                his_no: r.get(2)?,
                note: r.get(3)?,
                marked_by: r.get(4)?,
                marked_at: r.get(5)?,
            })
        })?;
        Ok(rows.map(|m| m.map(|m| (m.record_id.clone(), m))).collect::<rusqlite::Result<_>>()?)
    }

    /// Marks the item `key` (receipt number, inpatient number or record id) done with the HIS
    /// invoice number. Marking it again with the same number changes nothing.
    pub fn mark_done(&mut self, by: &Clerk, key: &str, his_no: &str, note: &str) -> Result<Mark> {
        let item = self.item(key)?;
        let his_no = clean_text(his_no, 60, ("HIS 发票号", "The HIS invoice number"))?;
        let note = note.trim();
        if note.chars().any(char::is_control) || note.chars().count() > 200 {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::TextControlChars,
                "备注含有控制字符或太长（最多 200 字）",
                "The note has control characters or is too long (at most 200 characters)",
            ));
        }
        if let Some(m) = self.mark_of(&item.record_id)? {
            if m.his_no == his_no {
                return Ok(m);
            }
            let when = local_display(parse_stamp(&m.marked_at)?);
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconAlreadyMarked,
                format!(
                    "{} 已于 {} 由 {} 标记完成（HIS 发票号 {}）：如标记有误，请先撤销",
                    item.shown, when, m.marked_by, m.his_no
                ),
                format!(
                    "{} was marked done on {} by {} (HIS number {}): withdraw that mark first if it is wrong",
                    item.shown, when, m.marked_by, m.his_no
                ),
            ));
        }
        self.write_mark(by, &item, &his_no, note, false)?;
        Ok(self.mark_of(&item.record_id)?.expect("just written"))
    }

    /// Withdraws the mark in force on `key`, saying why.
    pub fn withdraw_mark(&mut self, by: &Clerk, key: &str, reason: &str) -> Result<()> {
        let item = self.item(key)?;
        let reason = clean_text(reason, 200, ("撤销原因", "The reason"))?;
        let Some(m) = self.mark_of(&item.record_id)? else {
            return Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReconNotMarked,
                format!("{} 没有标记完成，无需撤销", item.shown),
                format!("{} is not marked done: there is nothing to withdraw", item.shown),
            ));
        };
        self.write_mark(by, &item, &m.his_no, &reason, true)
    }

    fn write_mark(&mut self, by: &Clerk, item: &Item, his_no: &str, note: &str, withdrawn: bool) -> Result<()> {
        self.in_write_tx(|w| {
            w.conn.execute(
                "INSERT INTO mark (id, record_id, list, his_no, note, withdrawn, marked_by, marked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    Uuid::now_v7().to_string(),
                    item.record_id,
                    item.list.as_str(),
                    his_no,
                    note,
                    withdrawn,
                    by.name(),
                    stamp(w.clock.now())
                ],
            )?;
            let rowid = w.conn.last_insert_rowid();
            let kind = if withdrawn { "mark_withdrawn" } else { "item_marked_done" };
            w.journal(kind, by.name(), vec![("mark", rowid)], Map::new())
        })
    }
}
