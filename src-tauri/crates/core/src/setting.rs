//! 工作站设置: a few station-wide settings, newest row wins. Each change is journalled.

use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

/// Minutes of inactivity before the screen locks, unless an administrator set another value.
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 5;

impl Desk {
    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .qrow("SELECT value FROM setting WHERE key = ?1 ORDER BY rowid DESC LIMIT 1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub(crate) fn set_setting(&mut self, by: &Actor, key: &str, value: &str) -> Result<()> {
        by.require(Permission::ChangeSettings)?;
        let now = self.clock.now();
        self.record_one(
            by.name(),
            "setting_changed",
            "setting",
            now,
            "INSERT INTO setting (id, key, value, set_at, set_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![Uuid::now_v7().to_string(), key, value, stamp(now), by.id().to_string()],
        )?;
        Ok(())
    }

    /// 锁屏时间 (minutes of inactivity before the screen locks).
    pub fn idle_lock_minutes(&self) -> Result<i64> {
        Ok(self
            .setting("idle_lock_minutes")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    pub fn set_idle_lock_minutes(&mut self, by: &Actor, minutes: i64) -> Result<()> {
        if !(1..=120).contains(&minutes) {
            return Err(invalid!(
                IdleLockOutOfRange,
                "锁屏时间应在 1 到 120 分钟之间",
                "The idle lock time must be between 1 and 120 minutes"
            ));
        }
        self.set_setting(by, "idle_lock_minutes", &minutes.to_string())
    }
}

impl Desk {
    /// The CUPS printer receipts go to; none means "save as PDF" only.
    pub fn printer(&self) -> Result<Option<String>> {
        Ok(self.setting("printer")?.filter(|p| !p.is_empty()))
    }

    /// Sets the printer; returns the one now in effect (`None`: save as PDF only).
    pub fn set_printer(&mut self, by: &Actor, name: &str) -> Result<Option<String>> {
        let name = name.trim();
        if name.chars().any(|c| c.is_control() || c.is_whitespace()) || name.len() > 60 {
            return Err(invalid!(
                PrinterInvalid,
                "打印机名称无效（不能含空格或控制字符）",
                "Invalid printer name (no spaces or control characters)"
            ));
        }
        self.set_setting(by, "printer", name)?;
        self.printer()
    }
}
