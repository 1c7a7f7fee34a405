//! 加密现有工作站: a station made before encryption (a plain SQLite file) becomes an
//! encrypted one in place. SQLCipher's `sqlcipher_export` copies it into a new 0600 file with
//! the key; the copy is opened with the key and verified (whole chain, same head as the
//! original) before anything is swapped; then the original is kept under a second name (a hard
//! link: the station's name never points at nothing) and the copy is renamed over the
//! station's name, which is atomic. Refused while the app has the station open (its instance
//! lock), for an already encrypted file, and for anyone but an administrator.

use super::file::{create_private_file, require_existing, sidecar, Found};
use super::{with_key, Audit, Desk, InstanceLock};
use crate::error::{invalid, CoreError, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use std::path::{Path, PathBuf};

/// The shortest key accepted: a passphrase an administrator writes into the key envelope.
pub const MIN_KEY_CHARS: usize = 12;

/// What encrypting did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Encrypted {
    pub path: PathBuf,
    /// The plain original, kept until someone has checked the encrypted station.
    pub plain_kept: PathBuf,
    pub entries: i64,
    pub head_seq: i64,
    pub head_hash: String,
}

/// Encrypts the plain station at `path` with `key`, authorised by an administrator of it.
pub fn encrypt(path: &Path, admin: &str, pin: &str, key: &str, audit: Audit) -> Result<Encrypted> {
    if key.chars().count() < MIN_KEY_CHARS {
        return Err(invalid!(
            DbKeyTooShort,
            format!("密钥太短：至少 {MIN_KEY_CHARS} 个字符（写入密钥信封，与应急预案一起保管）"),
            format!(
                "The key is too short: at least {MIN_KEY_CHARS} characters (write it into the key envelope kept with the emergency plan)"
            )
        ));
    }
    if require_existing(path)? == Found::Opaque {
        return Err(invalid!(
            DbAlreadyEncrypted,
            format!("{} 已经是加密的工作站（或不是工作站），无需再加密", path.display()),
            format!("{} is already an encrypted station (or not a station)", path.display())
        ));
    }
    // Never under an open window: the app would go on writing to the file swapped away.
    let _lock = InstanceLock::acquire(path)?;
    let copy = sidecar(path, ".encrypting");
    let _ = std::fs::remove_file(&copy);
    let plain = with_key(None, || -> Result<_> {
        let mut desk = Desk::open(path)?;
        desk.authenticate(admin, pin)?.require(Permission::ManageOperators)?;
        let before = audit(&desk)?;
        if let Some((zh, en)) = &before.problem {
            return Err(invalid!(
                DbEncryptUnsound,
                format!("工作站流水校验未通过，未加密：{zh}"),
                format!("The station does not verify; not encrypted: {en}")
            ));
        }
        desk.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        create_private_file(&copy)?;
        let exported = (|| -> rusqlite::Result<()> {
            let version: i64 = desk.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let app_id: i64 = desk.conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            desk.conn
                .execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", (copy.to_string_lossy(), key))?;
            desk.conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
            desk.conn.execute_batch(&format!(
                "PRAGMA encrypted.user_version = {version}; PRAGMA encrypted.application_id = {app_id}; DETACH DATABASE encrypted;"
            ))
        })();
        if let Err(e) = exported {
            let _ = std::fs::remove_file(&copy);
            return Err(e.into());
        }
        Ok(before)
    })?;
    // The copy, opened with the key, holds the same chain, whole.
    let checked = with_key(Some(key), || -> Result<_> {
        let desk = Desk::open_read_only(&copy)?;
        audit(&desk)
    });
    let sound = matches!(&checked, Ok(c) if c.problem.is_none() && c.head_seq == plain.head_seq && c.head_hash == plain.head_hash && c.entries == plain.entries);
    if !sound {
        for p in [copy.clone(), sidecar(&copy, "-wal"), sidecar(&copy, "-shm")] {
            let _ = std::fs::remove_file(p);
        }
        return Err(checked.err().unwrap_or_else(|| {
            invalid!(
                DbEncryptUnsound,
                "加密后的副本与原工作站不一致，未替换原文件",
                "The encrypted copy differs from the station; the station was left as it was"
            )
        }));
    }
    std::fs::File::open(&copy)?.sync_all()?;
    // The plain station was closed: its `-wal` is gone (checkpointed, removed on close). One
    // left behind would be read into the encrypted file under the same name.
    for s in ["-wal", "-shm"] {
        let side = sidecar(path, s);
        if std::fs::metadata(&side).is_ok_and(|m| m.len() > 0) && s == "-wal" {
            return Err(CoreError::Busy);
        }
        let _ = std::fs::remove_file(side);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let kept = sidecar(path, &format!(".plain-{stamp}"));
    std::fs::hard_link(path, &kept)?;
    std::fs::rename(&copy, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(Encrypted {
        path: path.to_path_buf(),
        plain_kept: kept,
        entries: plain.entries,
        head_seq: plain.head_seq,
        head_hash: plain.head_hash,
    })
}

impl Desk {
    /// `downtime key remember`: an administrator keeps this station's key (the one it was
    /// opened with) in the system keyring, so that the app opens it without asking.
    pub fn remember_key(&self, by: &Actor) -> Result<()> {
        by.require(Permission::ManageOperators)?;
        let key = super::db_key().ok_or_else(|| {
            invalid!(
                DbNotEncrypted,
                "这个工作站没有加密，没有密钥可记住",
                "This station is not encrypted: there is no key to remember"
            )
        })?;
        super::keyring::remember(&self.path, &key)
    }

    /// `downtime key forget`: an administrator removes this station's key from the keyring
    /// (a PC handed back, a key changed); true when one was there.
    pub fn forget_key(&self, by: &Actor) -> Result<bool> {
        by.require(Permission::ManageOperators)?;
        Ok(super::keyring::forget(&self.path))
    }
}
