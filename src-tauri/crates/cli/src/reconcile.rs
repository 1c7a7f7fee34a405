//! `downtime reconcile`: finance's reconciliation after recovery, in the workspace given by
//! `--db` (default `reconcile.sqlite3` in the per-user data folder; created on first use, no
//! station and no login needed). Every input is checked before anything is written: a bad
//! invocation or unreadable input exits non-zero with one message and changes nothing. The
//! exit code is 0 whether or not the reconciliation balances.

use clap::{Args, Subcommand};
use downtime_core::time::{local_display, parse_date};
use downtime_core::CoreError;
use downtime_recon::his::HisField;
use downtime_recon::run::{self, HisFile, Load};
use downtime_recon::{report, Clerk, Workspace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReconcileArgs {
    #[command(subcommand)]
    command: Option<ReconcileCmd>,
    /// 批次所在的文件夹（U 盘、文件夹树）；可写多次
    #[arg(long = "batches", value_name = "DIR")]
    batches: Vec<PathBuf>,
    /// HIS 入账文件（CSV 或 Excel，UTF-8 或 GBK）
    #[arg(long, value_name = "FILE")]
    his: Option<PathBuf>,
    /// HIS 文件其他表头名的映射，如 --map 流水号=his_no --map 票号=receipt_no
    #[arg(long = "map", value_name = "表头=字段")]
    map: Vec<String>,
    /// 待办清单的截止日期（默认今天），如 2026-12-31
    #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// 写入 reconciliation.json、.csv、.pdf 的文件夹
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// 同时在标准输出打印 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ReconcileCmd {
    /// 标记待办完成（医保重新结算、换开发票、转医保），写明 HIS 发票号
    Mark {
        /// 收据号、住院号或记录编号
        item: String,
        #[arg(long = "his-no")]
        his_no: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 撤销一条标记（写明原因；原标记仍留在记录中）
    Unmark {
        item: String,
        #[arg(long)]
        reason: String,
    },
    /// 对账基准：若干工作站各若干张收据及同样多的 HIS 入账，载入、验证、匹配的时间与内存峰值
    Bench {
        /// 工作站数（逗号分隔）
        #[arg(long, value_delimiter = ',', default_values_t = [1, 10, 30])]
        stations: Vec<usize>,
        /// 每个工作站的收据数
        #[arg(long, default_value_t = 10_000)]
        receipts: usize,
        /// 保留生成的批次于此文件夹，下次直接使用
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// Who runs it: `--as NAME`, else the login name of the computer, else 财务.
fn clerk(name: Option<String>) -> Result<Clerk, CoreError> {
    let name = name
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "财务".into());
    Clerk::command_line(&name)
}

fn parse_map(entries: &[String]) -> Result<Vec<(String, HisField)>, CoreError> {
    entries
        .iter()
        .map(|e| {
            let (header, field) = e.split_once('=').ok_or_else(|| {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::HisMapInvalid,
                    format!("列映射“{e}”应写成 表头=字段，例如 流水号=his_no"),
                    format!("Mapping \"{e}\" should read HEADER=FIELD, e.g. 流水号=his_no"),
                )
            })?;
            Ok((header.trim().to_string(), HisField::parse(field)?))
        })
        .collect()
}

pub fn run(a: ReconcileArgs, db: PathBuf, operator: Option<String>) -> Out {
    match a.command {
        Some(ReconcileCmd::Mark { item, his_no, note }) => {
            let by = clerk(operator)?;
            let mut ws = Workspace::open(&db)?;
            let m = ws.mark_done(&by, &item, &his_no, &note)?;
            println!(
                "已标记完成：{item}（HIS 发票号 {}），{} {}",
                m.his_no,
                m.marked_by,
                local_display(downtime_core::time::parse_stamp(&m.marked_at)?)
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(ReconcileCmd::Unmark { item, reason }) => {
            let by = clerk(operator)?;
            let mut ws = Workspace::open(&db)?;
            ws.withdraw_mark(&by, &item, &reason)?;
            println!("已撤销 {item} 的完成标记");
            return Ok(ExitCode::SUCCESS);
        }
        Some(ReconcileCmd::Bench {
            stations,
            receipts,
            data,
            json,
        }) => return bench(&stations, receipts, data.as_deref(), json),
        None => {}
    }
    let Some(out) = a.out else {
        return Err(CoreError::invalid(
            downtime_core::error::ErrorCode::ReconOutMissing,
            "请用 --out 指定写入对账报告的文件夹",
            "Give the folder for the report with --out",
        ));
    };
    let input = Load {
        roots: a.batches,
        his: a.his.map(HisFile::Path),
        map: parse_map(&a.map)?,
        as_of: a.as_of.as_deref().map(parse_date).transpose()?,
        report_to: Some(out),
    };
    let loaded = run::load(&db, &clerk(operator)?, input, &mut |_| {})?;
    if let Some(b) = &loaded.batches {
        println!(
            "批次：找到 {} 个，新载入 {} 个，已在工作区 {} 个，重复副本 {} 个，拒收 {} 个",
            b.found,
            b.loaded.len(),
            b.already,
            b.copies,
            b.rejected.len()
        );
    }
    if let Some(imported) = &loaded.his {
        println!(
            "HIS 入账：{} 读入 {} 行，新增 {} 笔",
            imported.file_name, imported.rows_read, imported.added
        );
    }
    let r = &loaded.reconciliation;
    let written = loaded.report.expect("a report was asked for");
    if a.json {
        println!("{}", report::json(r, &written.workspace, &written.generated_at));
    }
    let t = &r.totals_fen.total;
    if r.balanced {
        println!(
            "对账结果：平衡，无缺漏（应急 {}，HIS {}，差额 {}）",
            y(t.downtime),
            y(t.his),
            y(t.difference)
        );
    } else {
        println!(
            "对账结果：不平衡，异常 {} 项（应急 {}，HIS {}，差额 {}）{}",
            r.summary.exceptions,
            y(t.downtime),
            y(t.his),
            y(t.difference),
            if r.his.imported { "" } else { "；尚未导入 HIS 入账文件" }
        );
    }
    println!(
        "待办：{} 项，其中逾期 {} 项（截至 {}）",
        r.summary.pending, r.summary.overdue, r.deadlines.as_of
    );
    for f in &written.files {
        println!("已写入 {}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn y(fen: i64) -> String {
    downtime_core::money::signed_yuan(fen)
}

fn bench(stations: &[usize], receipts: usize, data: Option<&Path>, json: bool) -> Out {
    let stations: Vec<usize> = stations.iter().copied().filter(|n| *n > 0).collect();
    if !json {
        println!("对账基准（每站 {receipts} 张收据，HIS 入账同样多；目标：30 站 < 5000 ms，< 300 MB）");
        println!("本机基线 = 同一次运行中读取并计算 SHA-256 同样的批次文件与入账文件（单线程，及分给两个线程）");
    }
    let figures = downtime_recon::bench::run(&stations, receipts.max(1), data, &mut |f| {
        if json {
            return;
        }
        println!(
            "{:>2} 站 {:>7} 张收据 {:>7} 笔入账：载入验证 {:>8.0} ms + 入账导入 {:>6.0} ms + 匹配 {:>6.0} ms = {:>8.0} ms，CPU {} \
             （基线 单线程 {:>6.0} ms，{:.1}×；双线程 {:>6.0} ms，{:.1}×）内存峰值 {}（各步 {}）{}",
            f.stations,
            f.receipts,
            f.postings,
            f.load_ms,
            f.his_ms,
            f.match_ms,
            f.total_ms,
            f.cpu_s.map(|c| format!("{c:.1} s")).unwrap_or_else(|| "—".into()),
            f.floor_ms,
            f.ratio_to_floor,
            f.floor_two_threads_ms,
            f.ratio_to_floor_two_threads,
            f.peak_mb.map(|m| format!("{m:.0} MB")).unwrap_or_else(|| "—".into()),
            f.step_peaks_mb
                .iter()
                .map(|p| p.map_or_else(|| "—".into(), |m| format!("{m:.0}")))
                .collect::<Vec<_>>()
                .join("/"),
            if f.balanced {
                "，平衡"
            } else {
                "，不平衡（基准数据有误）"
            }
        );
    })?;
    if json {
        crate::print_json(&figures);
    }
    Ok(ExitCode::SUCCESS)
}
