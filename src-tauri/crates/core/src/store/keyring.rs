//! 系统钥匙串: the key of an encrypted station kept in the operating system's credential
//! store — Windows Credential Manager, the macOS Keychain, the Linux kernel's key retention
//! service (its per-user persistent keyring, which outlives a logout but not a reboot: after
//! one, an administrator types the key once and it is remembered again). One entry per
//! station file, under its canonical path. Where there is no keyring, or the entry is gone,
//! the key comes as before from `DOWNTIME_DB_KEY` or what an administrator types at start-up.
//!
//! Looked up only when an existing file is opaque (encrypted) and no key was given: a plain
//! station never touches the keyring. The key is remembered when an administrator unlocks
//! the station in the app, or with `downtime key remember`; `downtime key forget` removes it
//! (`Desk::remember_key`/`forget_key` in `encrypt.rs`, which check the administrator).

use super::{db_key, set_db_key, Desk};
use crate::error::{invalid, Result};
use std::path::Path;

const SERVICE: &str = "downtime-desk";

fn account(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The kernel's key retention service: the user's persistent keyring (else the user keyring).
#[cfg(target_os = "linux")]
mod os {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};

    fn ring() -> Result<KeyRing, String> {
        KeyRing::get_persistent(KeyRingIdentifier::Process)
            .or_else(|_| KeyRing::from_special_id(KeyRingIdentifier::User, false))
            .map_err(|e| format!("keyutils: {e}"))
    }
    fn description(account: &str) -> String {
        format!("{}:{account}", super::SERVICE)
    }
    pub fn get(account: &str) -> Option<String> {
        let key = ring().ok()?.search(&description(account)).ok()?;
        String::from_utf8(key.read_to_vec().ok()?).ok()
    }
    pub fn set(account: &str, secret: &str) -> Result<(), String> {
        ring()?
            .add_key(&description(account), secret.as_bytes())
            .map(drop)
            .map_err(|e| format!("keyutils: {e}"))
    }
    pub fn delete(account: &str) -> bool {
        let Ok(ring) = ring() else { return false };
        let Ok(key) = ring.search(&description(account)) else {
            return false;
        };
        let invalidated = key.invalidate().is_ok();
        ring.unlink_key(key).is_ok() || invalidated
    }
}

/// Windows Credential Manager, the macOS Keychain.
#[cfg(not(target_os = "linux"))]
mod os {
    fn entry(account: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(super::SERVICE, account).map_err(|e| e.to_string())
    }
    pub fn get(account: &str) -> Option<String> {
        entry(account).ok()?.get_password().ok()
    }
    pub fn set(account: &str, secret: &str) -> Result<(), String> {
        entry(account)?.set_password(secret).map_err(|e| e.to_string())
    }
    pub fn delete(account: &str) -> bool {
        entry(account).is_ok_and(|e| e.delete_credential().is_ok())
    }
}

/// The key remembered for the station at `path`, if the keyring holds one.
pub fn remembered(path: &Path) -> Option<String> {
    os::get(&account(path)).filter(|k| !k.is_empty())
}

/// Makes the remembered key this process's key when none was given.
pub(crate) fn load(path: &Path) {
    if db_key().is_none() {
        if let Some(k) = remembered(path) {
            set_db_key(Some(k));
        }
    }
}

fn unavailable(detail: impl std::fmt::Display) -> crate::CoreError {
    invalid!(
        KeyringUnavailable,
        format!("无法使用本机的系统钥匙串（{detail}）：每次启动时请输入密钥，或使用 DOWNTIME_DB_KEY"),
        format!("The system keyring cannot be used ({detail}): type the key at every start, or use DOWNTIME_DB_KEY")
    )
}

/// Remembers `key` for the station at `path` (after it opened with that key).
pub fn remember(path: &Path, key: &str) -> Result<()> {
    let account = account(path);
    os::set(&account, key).map_err(unavailable)?;
    // Read back: a store that accepts and drops is no keyring.
    match os::get(&account) {
        Some(k) if k == key => Ok(()),
        _ => Err(unavailable("read back failed")),
    }
}

/// Forgets the key remembered for the station at `path`; true when there was one.
pub fn forget(path: &Path) -> bool {
    os::delete(&account(path))
}

impl Desk {
    /// 解锁 at the app's start-up: opens the encrypted station at `path` with the key an
    /// administrator typed, as this process's key. Once it opened, the key is remembered in
    /// the keyring so that the next start opens without asking (where the OS refuses a
    /// keyring, it is asked for again then); a key that does not open it is not kept.
    pub fn open_with_key(path: impl AsRef<Path>, key: &str) -> Result<Desk> {
        let path = path.as_ref();
        set_db_key(Some(key.to_string()));
        match Desk::open(path) {
            Ok(desk) => {
                let _ = remember(path, key);
                Ok(desk)
            }
            Err(e) => {
                set_db_key(None);
                Err(e)
            }
        }
    }
}
