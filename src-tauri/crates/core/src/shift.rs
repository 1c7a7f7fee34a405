//! 班次: an operator's shift. Opened with a float (备用金), closed once with the counted cash
//! (交班, in `report::close`, where the count is held against the figures).
//! Every money record belongs to the open shift of the operator who took it; nothing can
//! land in another operator's shift or in a closed one (the schema allows one open shift per
//! operator and one close per shift).

use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::money::Fen;
use crate::operator::Actor;
use crate::paper::PaperBook;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, parse_stamp, stamp};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: Uuid,
    pub operator: String,
    pub float: Fen,
    pub outage_id: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub closed: Option<ShiftClose>,
    /// The paper invoice books (票据本) registered in it, in order.
    pub paper_books: Vec<PaperBook>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftClose {
    pub counted: Fen,
    pub closed_at: DateTime<Utc>,
}

impl Desk {
    /// 开班.
    pub fn open_shift(&mut self, by: &Actor, float: Fen) -> Result<Shift> {
        self.open_shift_with_paper(by, float, None)
    }

    /// 开班, registering the paper invoice book (手工票据本) in hand, when one is written
    /// alongside: the shift and its book are written together or not at all.
    pub fn open_shift_with_paper(&mut self, by: &Actor, float: Fen, book: Option<&PaperBook>) -> Result<Shift> {
        by.require(Permission::OpenShift)?;
        let id = self.in_write_tx(|d| {
            if let Some(open) = d.open_shift_of(by)? {
                return Err(invalid!(
                    "shift_already_open",
                    format!(
                        "{} 已有一个未交班的班次（{} 开班），请先交班",
                        by.name(),
                        local_display(open.opened_at)
                    ),
                    format!(
                        "{} already has an open shift (opened {}); close it first",
                        by.name(),
                        local_display(open.opened_at)
                    )
                ));
            }
            let outage = d.active_outage()?.map(|o| o.id.to_string());
            let now = d.clock.now();
            let id = Uuid::now_v7();
            d.record_one(
                by.name(),
                "shift_opened",
                "shift",
                now,
                "INSERT INTO shift (id, operator_id, float_fen, outage_id, opened_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id.to_string(), by.id().to_string(), float.get(), outage, stamp(now)],
            )?;
            if let Some(book) = book {
                d.insert_paper_book(by, id, book)?;
            }
            Ok(id)
        })?;
        Ok(self.shift(id)?.expect("just opened"))
    }

    /// Every shift of the station not closed yet, oldest first.
    pub fn open_shifts(&self) -> Result<Vec<Shift>> {
        let ids: Vec<String> = self
            .conn
            .prepare("SELECT id FROM shift s WHERE NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id) ORDER BY opened_at")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .filter_map(|id| self.shift(id.parse().unwrap_or_default()).transpose())
            .collect()
    }

    /// The operator's open shift, if any.
    pub fn open_shift_of(&self, who: &Actor) -> Result<Option<Shift>> {
        let id: Option<String> = self
            .conn
            .qrow(
                "SELECT id FROM shift s WHERE operator_id = ?1 AND NOT EXISTS (SELECT 1 FROM shift_close c WHERE c.shift_id = s.id)",
                [who.id().to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.shift(id.parse().unwrap_or_default()),
            None => Ok(None),
        }
    }

    /// The shift a money record taken by `who` now belongs to: their own open shift, or a
    /// clear refusal.
    pub fn shift_for_money(&self, who: &Actor) -> Result<Shift> {
        self.open_shift_of(who)?.ok_or_else(|| {
            invalid!(
                "shift_required",
                format!("{} 还没有开班：请先开班（F10）再收款", who.name()),
                format!("{} has no open shift: open one (F10) before taking money", who.name())
            )
        })
    }

    pub fn shift(&self, id: Uuid) -> Result<Option<Shift>> {
        Ok(self
            .conn
            .qrow(
                "SELECT o.name, s.float_fen, s.outage_id, s.opened_at, c.counted_fen, c.closed_at \
                 FROM shift s JOIN operator o ON o.id = s.operator_id \
                 LEFT JOIN shift_close c ON c.shift_id = s.id WHERE s.id = ?1",
                [id.to_string()],
                |r| {
                    let counted: Option<i64> = r.get(4)?;
                    Ok(Shift {
                        id,
                        operator: r.get(0)?,
                        float: Fen::new(r.get(1)?).unwrap_or_default(),
                        outage_id: r.get::<_, Option<String>>(2)?.and_then(|s| s.parse().ok()),
                        opened_at: parse_stamp(&r.get::<_, String>(3)?),
                        closed: match counted {
                            Some(c) => Some(ShiftClose {
                                counted: Fen::new(c).unwrap_or_default(),
                                closed_at: parse_stamp(&r.get::<_, String>(5)?),
                            }),
                            None => None,
                        },
                        paper_books: Vec::new(),
                    })
                },
            )
            .optional()?
            .map(|mut s| {
                s.paper_books = self.paper_books(id)?;
                Ok::<_, crate::CoreError>(s)
            })
            .transpose()?)
    }
}
