//! `downtime backup --to DIR` and `downtime restore FROM` (#17).

use crate::{print_json, Ctx};

type Out = Result<ExitCode, downtime_core::CoreError>;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct BackupArgs {
    /// 备份到此文件夹（U 盘或另一块硬盘）
    #[arg(long)]
    to: PathBuf,
    /// 同时设为自动备份的文件夹（每隔 --every 张收据和每次交班自动备份；管理员）
    #[arg(long)]
    auto: bool,
    /// 自动备份：每隔多少张收据备份一次
    #[arg(long, requires = "auto")]
    every: Option<i64>,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// 备份文件
    from: PathBuf,
    /// 备份比现在的数据库旧时，确认恢复（之后的记录会丢失）
    #[arg(long)]
    confirm_older: bool,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

/// `backup` without `--auto` only reads the station.
pub fn reads_only(a: &BackupArgs) -> bool {
    !a.auto
}

pub fn backup(a: BackupArgs, ctx: &mut Ctx) -> Out {
    let me = ctx.actor()?;
    let b = if a.auto {
        ctx.desk.set_backup(&me, &a.to, a.every)?
    } else {
        ctx.desk.backup_to(&me, &a.to)?
    };
    if a.json {
        print_json(&b);
    } else {
        println!(
            "已备份并校验：{}（{} 条流水，末条锚点 {}:{}，{} 字节）",
            b.path.display(),
            b.entries,
            b.head_seq,
            &b.head_hash[..16.min(b.head_hash.len())],
            b.bytes
        );
        if b.rotated > 0 {
            println!(
                "文件夹中只保留最近 {} 份备份：删除了 {} 份较早的",
                downtime_core::store::backup::KEEP,
                b.rotated
            );
        }
        if a.auto {
            println!(
                "自动备份已设到 {}：每隔 {} 张收据和每次交班各备份一次",
                a.to.display(),
                ctx.desk.backup_every()?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs before any station is opened: the station file may be the damaged thing.
pub fn restore(a: RestoreArgs, db: &Path, operator: Option<String>, pin: Option<String>) -> Out {
    let name = operator.ok_or_else(crate::operator_required)?;
    let pin = match pin {
        Some(p) => p,
        None => crate::pin_prompt::ask(&format!("{name} 的 PIN：")).ok_or_else(crate::operator_required)?,
    };
    let r = downtime_core::audit::restore_backup(db, &a.from, &name, &pin, a.confirm_older)?;
    if a.json {
        print_json(&r);
    } else {
        println!(
            "已从 {} 恢复工作站 {}：{} 条流水，末条为第 {} 条。请运行 downtime verify 确认",
            r.from.display(),
            r.station_code,
            r.entries,
            r.head_seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct EncryptArgs {
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

/// `downtime encrypt`: the plain station becomes an encrypted one with the key in
/// `DOWNTIME_DB_KEY`; the original is kept beside it, named in the output.
pub fn encrypt(a: EncryptArgs, db: &Path, operator: Option<String>, pin: Option<String>) -> Out {
    let key = std::env::var("DOWNTIME_DB_KEY").ok().filter(|k| !k.is_empty()).ok_or_else(|| {
        downtime_core::CoreError::invalid(
            downtime_core::error::ErrorCode::DbKeyMissing,
            "请在环境变量 DOWNTIME_DB_KEY 中给出新密钥，再运行 downtime encrypt",
            "Give the new key in DOWNTIME_DB_KEY, then run downtime encrypt",
        )
    })?;
    let name = operator.ok_or_else(crate::operator_required)?;
    let pin = match pin {
        Some(p) => p,
        None => crate::pin_prompt::ask(&format!("{name} 的 PIN：")).ok_or_else(crate::operator_required)?,
    };
    let r = downtime_core::audit::encrypt_station(db, &name, &pin, &key)?;
    if a.json {
        print_json(&r);
    } else {
        println!(
            "已加密工作站 {}：{} 条流水，末条锚点 {}:{}。未加密的原文件保留为 {}：确认加密后的工作站无误（downtime verify）后，请删除它或交信息科妥善保管；之前的自动备份也未加密",
            r.path.display(),
            r.entries,
            r.head_seq,
            &r.head_hash[..16.min(r.head_hash.len())],
            r.plain_kept.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `downtime key remember|forget`: the station's key in the system keyring.
#[derive(clap::Subcommand)]
pub enum KeyCmd {
    /// 在系统钥匙串中记住本工作站的密钥（用 DOWNTIME_DB_KEY 或钥匙串打开后），应用启动时不再询问
    Remember,
    /// 从系统钥匙串中删除本工作站的密钥（电脑交还、密钥更换后）
    Forget,
}

pub fn key(k: KeyCmd, ctx: &mut Ctx) -> Out {
    let me = ctx.actor()?;
    match k {
        KeyCmd::Remember => {
            ctx.desk.remember_key(&me)?;
            println!(
                "已在本机的系统钥匙串中记住 {} 的密钥：应用启动时不再询问",
                ctx.desk.path().display()
            );
        }
        KeyCmd::Forget => {
            if ctx.desk.forget_key(&me)? {
                println!("已从系统钥匙串中删除 {} 的密钥", ctx.desk.path().display());
            } else {
                println!("系统钥匙串中没有 {} 的密钥", ctx.desk.path().display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
