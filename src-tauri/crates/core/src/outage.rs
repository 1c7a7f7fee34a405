//! 应急: the HIS outage. A supervisor activates it (reason, when the HIS went down, who
//! announced it) and ends it (when the HIS came back). At most one is active; money records
//! made while one is active belong to it.

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, parse_stamp, stamp};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub id: Uuid,
    pub reason: String,
    pub his_down_at: DateTime<Utc>,
    pub announced_by: String,
    pub started_by: String,
    pub recorded_at: DateTime<Utc>,
    pub ended: Option<OutageEnd>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageEnd {
    pub his_up_at: DateTime<Utc>,
    pub ended_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A moment typed by a person may be a little ahead of this PC's clock, not more.
const CLOCK_SLACK_MINUTES: i64 = 5;

impl Desk {
    /// 启动应急预案.
    pub fn start_outage(&mut self, by: &Actor, reason: &str, his_down_at: Option<DateTime<Utc>>, announced_by: &str) -> Result<Outage> {
        by.require(Permission::ManageOutage)?;
        let reason = clean_text(reason, 200, ("停机原因", "Reason"))?;
        let announced = if announced_by.trim().is_empty() {
            by.name().to_string()
        } else {
            clean_text(announced_by, 40, ("通知人", "Announced by"))?
        };
        let now = self.clock.now();
        let down = his_down_at.unwrap_or(now);
        if down > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
            return Err(invalid!(
                TimeInFuture,
                format!("HIS 停机时间 {} 晚于现在，请检查", local_display(down)),
                format!("The HIS down time {} is in the future; check it", local_display(down))
            ));
        }
        // Checked and written in one write transaction: two windows starting an outage at the
        // same moment get one outage and "already active", never the schema's refusal.
        self.in_write_tx(|desk| {
            if let Some(active) = desk.active_outage()? {
                return Err(invalid!(
                    OutageAlreadyActive,
                    format!("应急已经在进行中（自 {} 起），无需再次启动", local_display(active.his_down_at)),
                    format!(
                        "An outage is already active (since {}); no need to start another",
                        local_display(active.his_down_at)
                    )
                ));
            }
            let id = Uuid::now_v7();
            desk.record_one(
                by.name(),
                "outage_started",
                "outage",
                now,
                "INSERT INTO outage (id, reason, his_down_at, announced_by, started_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.to_string(), reason, stamp(down), announced, by.id().to_string(), stamp(now)],
            )
        })?;
        Ok(self.active_outage()?.expect("just started"))
    }

    /// 结束应急: the HIS is back. Refused while shifts are open (naming them), unless the
    /// supervisor ending it confirms ending anyway (`with_open_shifts`); the shifts left open
    /// are then named in the journal entry.
    pub fn end_outage(&mut self, by: &Actor, his_up_at: Option<DateTime<Utc>>, with_open_shifts: bool) -> Result<Outage> {
        by.require(Permission::ManageOutage)?;
        let id = self.in_write_tx(|desk| desk.end_outage_in_tx(by, his_up_at, with_open_shifts))?;
        Ok(self.outage(id)?.expect("exists"))
    }

    fn end_outage_in_tx(&mut self, by: &Actor, his_up_at: Option<DateTime<Utc>>, with_open_shifts: bool) -> Result<Uuid> {
        let Some(active) = self.active_outage()? else {
            return Err(invalid!(
                OutageNotActive,
                "当前没有进行中的应急，无需结束",
                "No outage is active; there is nothing to end"
            ));
        };
        let now = self.clock.now();
        let up = his_up_at.unwrap_or(now);
        if up > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
            return Err(invalid!(
                TimeInFuture,
                format!("HIS 恢复时间 {} 晚于现在，请检查", local_display(up)),
                format!("The HIS recovery time {} is in the future; check it", local_display(up))
            ));
        }
        if up < active.his_down_at {
            return Err(invalid!(
                OutageEndBeforeStart,
                format!("恢复时间 {} 早于停机时间 {}", local_display(up), local_display(active.his_down_at)),
                format!(
                    "The recovery time {} is before the down time {}",
                    local_display(up),
                    local_display(active.his_down_at)
                )
            ));
        }
        let open = self.open_shifts()?;
        if !open.is_empty() && !with_open_shifts {
            let names = |at: &str| {
                open.iter()
                    .map(|s| format!("{}（{} {at}）", s.operator, local_display(s.opened_at)))
                    .collect::<Vec<_>>()
            };
            return Err(invalid!(
                OutageShiftsOpen,
                format!(
                    "还有 {} 个班次未交班：{}。请先交班，或由主管确认仍然结束应急",
                    open.len(),
                    names("开班").join("、")
                ),
                format!(
                    "{} shifts are still open: {}. Close them first, or have a supervisor confirm ending anyway",
                    open.len(),
                    names("opened").join(", ")
                )
            ));
        }
        let mut facts = Map::new();
        if !open.is_empty() {
            let ids: Vec<String> = open.iter().map(|s| s.id.to_string()).collect();
            facts.insert("open_shifts".into(), json!(ids));
        }
        let row = journal::insert_row(
            &self.conn,
            "outage_end",
            &[
                ("outage_id", &active.id.to_string()),
                ("his_up_at", &stamp(up)),
                ("ended_by", &by.id().to_string()),
                ("recorded_at", &stamp(now)),
            ],
        )?;
        journal::append_rows(&self.conn, "outage_ended", by.name(), now, vec![("outage_end", row)], facts)?;
        Ok(active.id)
    }

    pub fn active_outage(&self) -> Result<Option<Outage>> {
        let id: Option<String> = self
            .conn
            .qrow(
                "SELECT id FROM outage o WHERE NOT EXISTS (SELECT 1 FROM outage_end e WHERE e.outage_id = o.id)",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.outage(crate::time::parse_stored_id(&id)?),
            None => Ok(None),
        }
    }

    /// The most recent outage, active or ended.
    pub fn last_outage(&self) -> Result<Option<Outage>> {
        let id: Option<String> = self
            .conn
            .qrow("SELECT id FROM outage ORDER BY rowid DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.outage(crate::time::parse_stored_id(&id)?),
            None => Ok(None),
        }
    }

    pub fn outage(&self, id: Uuid) -> Result<Option<Outage>> {
        Ok(self
            .conn
            .qrow(
                "SELECT o.id, o.reason, o.his_down_at, o.announced_by, so.name, o.recorded_at, \
                        e.his_up_at, eo.name, e.recorded_at \
                 FROM outage o JOIN operator so ON so.id = o.started_by \
                 LEFT JOIN outage_end e ON e.outage_id = o.id LEFT JOIN operator eo ON eo.id = e.ended_by \
                 WHERE o.id = ?1",
                [id.to_string()],
                |r| {
                    let up: Option<String> = r.get(6)?;
                    Ok(Outage {
                        id,
                        reason: r.get(1)?,
                        his_down_at: parse_stamp(&r.get::<_, String>(2)?)?,
                        announced_by: r.get(3)?,
                        started_by: r.get(4)?,
                        recorded_at: parse_stamp(&r.get::<_, String>(5)?)?,
                        ended: match up {
                            Some(up) => Some(OutageEnd {
                                his_up_at: parse_stamp(&up)?,
                                ended_by: r.get(7)?,
                                recorded_at: parse_stamp(&r.get::<_, String>(8)?)?,
                            }),
                            None => None,
                        },
                    })
                },
            )
            .optional()?)
    }
}
