//! 备份与恢复: a copy of the station in a second folder (a USB stick, a second disk), made by
//! SQLite itself (`VACUUM INTO`: one consistent pass, whatever else is writing) into a new
//! 0600 file, checked after writing (it opens, `quick_check` passes, its chain verifies) and
//! only then given its name; the folder keeps the newest [`KEEP`] of this station's backups.
//! `downtime backup --to DIR` makes one; the station makes one by itself after every
//! [`backup_every`](Desk::backup_every) receipts and at every shift close when a folder is set
//! (`backup_dir`). Restore puts a checked backup in place of the station file: never one of
//! another station, never an older one than the file it replaces without confirmation.

use super::{file, Audit, Desk};
use crate::error::{invalid, CoreError, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use std::path::{Path, PathBuf};

/// Backups of one station kept in its backup folder.
pub const KEEP: usize = 20;
/// Receipts between automatic backups, unless an administrator set another number.
pub const DEFAULT_EVERY: i64 = 50;
const SUFFIX: &str = ".downtime-backup";

/// A backup as written and checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Backup {
    pub path: PathBuf,
    pub station_code: String,
    /// Entries of the journal it holds, and its head (the anchor `head_seq:` + 16 digits).
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
    pub bytes: u64,
    /// Older backups of this station removed from the folder to keep [`KEEP`].
    pub rotated: usize,
}

fn backup_failed(dir: &Path, why: &str) -> CoreError {
    invalid!(
        BackupFailed,
        format!(
            "备份到 {} 没有成功（{why}）：请检查 U 盘或备份盘是否插好、是否有空间；工作站的数据没有受影响",
            dir.display()
        ),
        format!(
            "The backup to {} failed ({why}): check that the stick or disk is present and has space; the station's data is unaffected",
            dir.display()
        )
    )
}

impl Desk {
    /// `downtime backup --to DIR` (a supervisor or an administrator: the copy holds every
    /// patient of the outage).
    pub fn backup_to(&self, by: &Actor, dir: &Path) -> Result<Backup> {
        by.require(Permission::ManageOutage)?;
        self.write_backup(dir)
    }

    /// Writes, checks and rotates one backup in `dir`.
    pub(crate) fn write_backup(&self, dir: &Path) -> Result<Backup> {
        let station = self.require_station()?;
        std::fs::create_dir_all(dir).map_err(|e| backup_failed(dir, &e.to_string()))?;
        let head_seq: i64 = self.conn.query_row("SELECT ifnull(max(seq), 0) FROM journal", [], |r| r.get(0))?;
        let stamp = self.clock.now().format("%Y%m%dT%H%M%SZ");
        let name = format!("{}-{stamp}-{head_seq:09}{SUFFIX}", station.code.as_str());
        let target = dir.join(&name);
        let partial = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        file::create_private_file(&partial).map_err(|e| backup_failed(dir, &e.to_string()))?;
        let written = self
            .conn
            .execute("VACUUM INTO ?1", [partial.to_string_lossy()])
            .map_err(|e| backup_failed(dir, &e.to_string()))
            .and_then(|_| check_backup(&partial, &station.id, head_seq));
        let checked = match written {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| backup_failed(dir, &e.to_string()))?;
        std::fs::rename(&partial, &target).map_err(|e| backup_failed(dir, &e.to_string()))?;
        let rotated = rotate(dir, station.code.as_str());
        Ok(Backup {
            bytes: std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0),
            path: target,
            station_code: station.code.as_str().to_string(),
            entries: checked.entries,
            head_seq: checked.head_seq,
            head_hash: checked.head_hash,
            rotated,
        })
    }

    /// The folder automatic backups go to, if one was chosen.
    pub fn backup_dir(&self) -> Result<Option<PathBuf>> {
        Ok(self.setting("backup_dir")?.filter(|d| !d.is_empty()).map(PathBuf::from))
    }

    /// Receipts between automatic backups.
    pub fn backup_every(&self) -> Result<i64> {
        Ok(self
            .setting("backup_every")?
            .and_then(|v| v.parse().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(DEFAULT_EVERY))
    }

    /// 设置备份文件夹 (an administrator): where automatic backups go, and after how many
    /// receipts. A first backup is written at once to prove the folder works.
    pub fn set_backup(&mut self, by: &Actor, dir: &Path, every: Option<i64>) -> Result<Backup> {
        by.require(Permission::ChangeSettings)?;
        if let Some(n) = every.filter(|n| !(1..=10_000).contains(n)) {
            return Err(invalid!(
                BackupEveryInvalid,
                format!("每隔多少张收据备份一次应在 1 到 10000 之间，不能是 {n}"),
                format!("Receipts between backups must be 1 to 10000, not {n}")
            ));
        }
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let own = std::path::absolute(file::folder(self.path())).unwrap_or_default();
        if dir.starts_with(&own) {
            return Err(invalid!(
                BackupSameFolder,
                "备份文件夹不能在工作站数据所在的文件夹里：请选 U 盘或另一块硬盘",
                "The backup folder cannot be inside the station's own folder: choose a stick or another disk"
            ));
        }
        let first = self.write_backup(&dir)?;
        self.set_setting(by, "backup_dir", &dir.to_string_lossy())?;
        if let Some(n) = every {
            self.set_setting(by, "backup_every", &n.to_string())?;
        }
        Ok(first)
    }

    /// The automatic backup, when a folder is set (see `in_write_tx`).
    pub(crate) fn auto_backup_now(&self) -> Result<Option<Backup>> {
        let Some(dir) = self.backup_dir()? else { return Ok(None) };
        self.write_backup(&dir).map(Some)
    }
}

/// What a checked backup holds.
struct Checked {
    station_id: uuid::Uuid,
    station_code: String,
    entries: i64,
    head_seq: i64,
    head_hash: String,
}

/// The check after writing: it opens as this station (`quick_check` of what the station
/// wrote), SQLite's `integrity_check` passes, and its journal ends where the station's did.
/// (The whole chain is verified when it is restored.)
fn check_backup(path: &Path, station: &uuid::Uuid, head_seq: i64) -> Result<Checked> {
    let c = read_backup(path, None)?;
    if c.head_seq != head_seq {
        return Err(backup_failed(file::folder(path).as_path(), "备份中的流水与工作站的不一致"));
    }
    if c.station_id != *station {
        return Err(invalid!(
            BackupOtherStation,
            format!("{} 是另一个工作站（{}）的备份", path.display(), c.station_code),
            format!("{} is a backup of another station ({})", path.display(), c.station_code)
        ));
    }
    Ok(c)
}

/// A backup read back: whole by `audit` when given, else by SQLite's integrity check and its
/// journal's head.
fn read_backup(path: &Path, audit: Option<Audit>) -> Result<Checked> {
    let desk = Desk::open_read_only(path)?;
    let s = desk.require_station()?;
    let report = if let Some(audit) = audit {
        audit(&desk)?
    } else {
        let integrity: String = desk.conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
        let (entries, head_seq, head_hash) = desk.conn.query_row(
            "SELECT count(*), ifnull(max(seq), 0), ifnull((SELECT hash FROM journal ORDER BY seq DESC LIMIT 1), '') FROM journal",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        super::Soundness {
            entries,
            head_seq,
            head_hash,
            problem: (integrity != "ok").then(|| (format!("完整性检查：{integrity}"), format!("integrity check: {integrity}"))),
        }
    };
    if let Some((zh, en)) = report.problem {
        return Err(invalid!(
            BackupUnsound,
            format!("备份 {} 校验不通过：{}", path.display(), zh),
            format!("The backup {} does not verify: {}", path.display(), en)
        ));
    }
    Ok(Checked {
        station_id: s.id,
        station_code: s.code.as_str().to_string(),
        entries: report.entries,
        head_seq: report.head_seq,
        head_hash: report.head_hash,
    })
}

/// Removes the oldest backups of `code` in `dir` beyond [`KEEP`]; how many were removed.
fn rotate(dir: &Path, code: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut ours: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&format!("{code}-")) && n.ends_with(SUFFIX))
        .collect();
    // Names sort by time, then by chain position.
    ours.sort();
    let excess = ours.len().saturating_sub(KEEP);
    ours.iter()
        .take(excess)
        .filter(|n| std::fs::remove_file(dir.join(n)).is_ok())
        .count()
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Restored {
    pub from: PathBuf,
    pub station_code: String,
    pub entries: i64,
    pub head_seq: i64,
    /// Entries the replaced file held beyond the backup (lost by restoring an older copy);
    /// none when the replaced file could not be read.
    pub replaced_entries: Option<i64>,
}

/// `downtime restore FROM`: puts the backup `from` in place of the station at `station`.
/// The backup is verified whole first; an administrator of the backup's station authorises
/// it (`admin`, `pin`: the station file itself may be the damaged thing). Refused: a backup of
/// another station than the file it replaces, and one older than that file unless
/// `confirm_older`. A damaged station file (the usual reason) is replaced when its station
/// cannot be read; a copy of it is kept beside it (`.damaged-<time>`).
pub fn restore(station: &Path, from: &Path, admin: &str, pin: &str, confirm_older: bool, audit: Audit) -> Result<Restored> {
    let backup = read_backup(from, Some(audit))?;
    {
        let mut desk = Desk::open_read_only(from)?;
        let actor = desk.authenticate(admin, pin)?;
        actor.require(Permission::ChangeSettings)?;
    }
    let current = match file::look(station)? {
        file::Found::Missing | file::Found::Empty => None,
        _ => Desk::open_read_only(station).ok().and_then(|d| {
            let s = d.station().ok().flatten()?;
            let entries: i64 = d.conn.query_row("SELECT ifnull(max(seq), 0) FROM journal", [], |r| r.get(0)).ok()?;
            let sound = audit(&d).is_ok_and(|r| r.problem.is_none());
            Some((s.id, s.code.as_str().to_string(), entries, sound))
        }),
    };
    if let Some((id, code, entries, sound)) = &current {
        if *id != backup.station_id {
            let short = |u: &uuid::Uuid| u.simple().to_string()[..8].to_string();
            return Err(invalid!(
                BackupOtherStation,
                format!(
                    "{} 是另一个工作站的备份（{}，站点编号 {}），不能恢复到这个工作站（{code}，站点编号 {}）",
                    from.display(),
                    backup.station_code,
                    short(&backup.station_id),
                    short(id)
                ),
                format!(
                    "{} is a backup of another station ({}, id {}); it cannot replace this station ({code}, id {})",
                    from.display(),
                    backup.station_code,
                    short(&backup.station_id),
                    short(id)
                )
            ));
        }
        // A damaged station is what a restore is for: an older backup replaces it as it is.
        if *sound && *entries > backup.head_seq && !confirm_older {
            return Err(invalid!(
                BackupOlder,
                format!(
                    "这份备份比现在的数据库旧：恢复会丢掉之后的 {} 条流水。确认无误请加 --confirm-older",
                    entries - backup.head_seq
                ),
                format!(
                    "This backup is older than the station: restoring loses the {} entries after it. Add --confirm-older if you are sure",
                    entries - backup.head_seq
                )
            ));
        }
    }
    let dir = file::folder(station);
    file::create_private_folder(&dir)?;
    let staged = dir.join(".downtime-restore.partial");
    let _ = std::fs::remove_file(&staged);
    file::create_private_file(&staged)?;
    std::fs::copy(from, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;
    if file::look(station)? != file::Found::Missing {
        if !current.as_ref().is_some_and(|c| c.3) {
            let keep = dir.join(format!(
                "{}.damaged-{}",
                station.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
            ));
            let _ = std::fs::rename(station, &keep);
        }
        // The old file's WAL must never be replayed onto the restored one.
        for s in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(file::sidecar(station, s));
        }
    }
    std::fs::rename(&staged, station)?;
    Ok(Restored {
        from: from.to_path_buf(),
        station_code: backup.station_code,
        entries: backup.entries,
        head_seq: backup.head_seq,
        replaced_entries: current.filter(|c| c.3).map(|c| c.2),
    })
}
