//! `downtime export`: the next batch, a re-rendering of batch N, and `export verify`, which
//! checks a batch folder without any station store.

use crate::{print_json, Ctx};
use clap::{Args, Subcommand};
use downtime_core::batch::verify_batch;
use downtime_core::export::view::{BatchCheckView, BatchView, ExportResultView};
use downtime_core::export::{ExportOutcome, Progress};
use downtime_core::time::local_display;
use downtime_core::{CoreError, Fen, Lang};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportArgs {
    #[command(subcommand)]
    command: Option<ExportCmd>,
    /// 写入的文件夹（如 U 盘）；批次写在其中的 <工作站>-batch-<序号> 文件夹里
    #[arg(long)]
    out: Option<PathBuf>,
    /// 重新生成第 N 批（除封面外逐字节相同）
    #[arg(long)]
    batch: Option<i64>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ExportCmd {
    /// 离线校验一个批次文件夹：文件、签名、流水链，以及与上一批的衔接
    Verify {
        /// 批次文件夹
        dir: PathBuf,
        /// 上一批的文件夹：检查两批之间没有缺漏
        #[arg(long)]
        previous: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 列出本工作站导出过的批次
    List {
        #[arg(long)]
        json: bool,
    },
}

/// `export list` only reads.
pub fn is_list(a: &ExportArgs) -> bool {
    matches!(a.command, Some(ExportCmd::List { .. }))
}

/// `export verify` needs no station: it runs before any database is opened.
pub fn is_verify(a: &ExportArgs) -> bool {
    matches!(a.command, Some(ExportCmd::Verify { .. }))
}

pub fn verify(a: ExportArgs) -> Result<ExitCode, CoreError> {
    let Some(ExportCmd::Verify { dir, previous, json }) = a.command else {
        unreachable!("called for verify only")
    };
    let check = verify_batch(&dir, previous.as_deref());
    if json {
        print_json(&BatchCheckView::from(&check));
    }
    match (&check.problem, &check.manifest) {
        (None, Some(m)) => {
            if !json {
                println!(
                    "批次完好：{} 第 {} 批，流水第 {} 至 {} 条，链头 {}",
                    m.station_code, m.batch_seq, m.journal_first_seq, m.journal_last_seq, m.chain_head
                );
                println!("签名密钥指纹: {}", check.fingerprint.clone().unwrap_or_default());
                println!(
                    "交接单 {} 由同一密钥签名，对应清单 SHA-256 {}（与纸质交接单上的核对）",
                    downtime_core::batch::COVER,
                    check.manifest_sha256.clone().unwrap_or_default()
                );
                if previous.is_some() {
                    println!("与上一批衔接无误");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        (Some(p), _) => {
            eprintln!(
                "{}",
                match crate::lang() {
                    Lang::Zh => &p.zh,
                    Lang::En => &p.en,
                }
            );
            Ok(ExitCode::from(3))
        }
        (None, None) => unreachable!("a sound batch has a manifest"),
    }
}

pub fn run(a: ExportArgs, ctx: &mut Ctx) -> Result<ExitCode, CoreError> {
    if let Some(ExportCmd::List { json }) = a.command {
        let batches = ctx.desk.batches()?;
        if json {
            print_json(&batches.iter().map(BatchView::from).collect::<Vec<_>>());
        } else if batches.is_empty() {
            println!("还没有导出过批次");
        } else {
            for b in &batches {
                println!(
                    "第 {} 批  {}  {} 条流水（第 {}-{} 条）  {} 张收据  链头 {}  {}  写入 {}",
                    b.seq,
                    local_display(downtime_core::time::parse_stamp(&b.created_at)?),
                    b.journal_last_seq - b.journal_first_seq + 1,
                    b.journal_first_seq,
                    b.journal_last_seq,
                    b.receipts,
                    &b.chain_head[..16.min(b.chain_head.len())],
                    b.created_by,
                    b.written_to
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = a.out else {
        return Err(CoreError::invalid(
            downtime_core::error::ErrorCode::ExportFolderRequired,
            "请用 --out 指定写入批次的文件夹（例如 U 盘）",
            "Name the folder to write the batch into with --out (a USB stick, say)",
        ));
    };
    let actor = ctx.actor()?;
    let mut quiet = |_: Progress| {};
    let outcome = match a.batch {
        Some(n) => ExportOutcome::Written(Box::new(ctx.desk.rerender_batch(&actor, n, &out, &mut quiet)?)),
        None => ctx.desk.export_batch(&actor, &out, &mut quiet)?,
    };
    if a.json {
        print_json(&ExportResultView::from(&outcome));
        return Ok(ExitCode::SUCCESS);
    }
    match outcome {
        ExportOutcome::NothingNew { last_batch } => match last_batch {
            Some(n) => println!("第 {n} 批之后没有新的记录：没有写入任何文件"),
            None => println!("没有需要导出的记录：没有写入任何文件"),
        },
        ExportOutcome::Written(w) => {
            let m = &w.manifest;
            println!(
                "已写入第 {} 批：{}（流水第 {} 至 {} 条）",
                m.batch_seq,
                w.path.display(),
                m.journal_first_seq,
                m.journal_last_seq
            );
            let receipts: i64 = m.counts.receipts.values().sum();
            println!(
                "收据 {} 张，净额 {}，作废 {} 张，无法转换为 FHIR 的记录 {} 条",
                receipts,
                signed_yuan(m.totals_fen.net),
                m.voided.len(),
                m.exceptions.len()
            );
            println!("链头: {}", m.chain_head);
            println!("签名密钥指纹: {}", m.fingerprint().unwrap_or_default());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn signed_yuan(fen: i64) -> String {
    let shown = Fen::new(fen.abs()).map(|f| f.to_string()).unwrap_or_default();
    if fen < 0 {
        format!("-{shown}")
    } else {
        shown
    }
}
