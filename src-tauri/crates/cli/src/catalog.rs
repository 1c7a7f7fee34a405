//! `downtime catalog …`: import a month-end price list, search it, list its versions, and
//! generate synthetic lists for tests and benchmarks.

use crate::{print_json, Ctx};
use clap::Subcommand;
use downtime_core::catalog::read::Field;
use downtime_core::catalog::{synth, ImportOptions, ImportReport};
use downtime_core::time::local_display;
use downtime_core::view::{CatalogItemView, CatalogVersionView, ImportReportView};
use downtime_core::CoreError;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CatalogCmd {
    /// 导入价目表（CSV 或 Excel）
    Import {
        file: PathBuf,
        /// 价目表所属月份 YYYY-MM（默认取自文件名，否则为本月）
        #[arg(long)]
        month: Option<String>,
        /// 只检查并报告，不写入
        #[arg(long)]
        dry_run: bool,
        /// 有问题行时仍导入其余正确的行
        #[arg(long)]
        skip_bad: bool,
        /// 文件编码：utf8、gbk、gb18030（默认自动识别）
        #[arg(long)]
        encoding: Option<String>,
        /// Excel 工作表名称（默认第一个）
        #[arg(long)]
        sheet: Option<String>,
        /// 其他表头名的映射，如 --map 收费代码=code --map 标准价=price
        #[arg(long = "map", value_name = "表头=字段")]
        map: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// 查找项目：编码前缀、拼音首字母或名称中的任意字
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// 列出已导入的价目表版本
    Versions {
        #[arg(long)]
        json: bool,
    },
    /// 生成合成价目表（示例数据、测试与基准用）
    Generate {
        #[arg(long, default_value_t = 3000)]
        items: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_map(entries: &[String]) -> Result<Vec<(String, Field)>, CoreError> {
    entries
        .iter()
        .map(|e| {
            let (h, f) = e.split_once('=').ok_or_else(|| {
                CoreError::invalid(
                    "catalog_map_invalid",
                    format!("列映射“{e}”应写成 表头=字段，例如 收费代码=code"),
                    format!("Mapping \"{e}\" must be HEADER=field, e.g. 收费代码=code"),
                )
            })?;
            Ok((h.trim().to_string(), Field::parse(f)?))
        })
        .collect()
}

fn print_report(r: &ImportReport, dry_run: bool) {
    println!(
        "{}：{} 行，可导入 {} 项，问题 {} 行{}（{}，{}{}，月份 {}）",
        r.file_name,
        r.rows_read,
        r.good,
        r.problems.len(),
        if r.duplicates > 0 {
            format!("，重复 {} 行已忽略", r.duplicates)
        } else {
            String::new()
        },
        r.format,
        r.encoding,
        if r.encoding.is_empty() { "" } else { " 编码" },
        r.month
    );
    for p in &r.problems {
        println!(
            "  第 {} 行{}：{}",
            p.row,
            if p.code.is_empty() {
                String::new()
            } else {
                format!("（{}）", p.code)
            },
            p.reason
        );
    }
    for (t, codes) in &r.reg_types_missing {
        println!("  注意：号别 {}（{}）的费用项目 {} 不在这份价目表中，导入后须在设置中修改该号别", t.name, t.key, codes.join("、"));
    }
    let cats: Vec<String> = r.by_category.iter().map(|(c, n)| format!("{} {n}", c.zh())).collect();
    if !cats.is_empty() {
        println!("  按类别：{}", cats.join("，"));
    }
    match (&r.version, r.already_imported, dry_run) {
        (Some(v), true, _) => println!(
            "此文件已于 {} 导入为 {} 月价目表，未重复导入",
            local_display(v.imported_at),
            v.month
        ),
        (Some(v), false, _) => println!("已导入 {} 月价目表：{} 项（版本 {}）", v.month, v.items, v.id),
        (None, _, true) => println!("（试运行：未写入任何内容）"),
        _ => {}
    }
}

pub fn run(cmd: CatalogCmd, ctx: &mut Ctx) -> Result<ExitCode, CoreError> {
    match cmd {
        CatalogCmd::Import {
            file,
            month,
            dry_run,
            skip_bad,
            encoding,
            sheet,
            map,
            json,
        } => {
            let bytes = std::fs::read(&file).map_err(|e| {
                CoreError::invalid(
                    "file_unreadable",
                    format!("无法读取文件 {}：{e}", file.display()),
                    format!("Cannot read the file {}: {e}", file.display()),
                )
            })?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let mut opts = ImportOptions {
                month,
                ..Default::default()
            };
            opts.read.encoding = encoding;
            opts.read.sheet = sheet;
            opts.read.map = parse_map(&map)?;
            let report = if dry_run {
                ctx.desk.catalog_preview(&bytes, &name, &opts)?
            } else {
                let me = ctx.actor()?;
                let shown = !json && bytes.len() > 2_000_000;
                let mut progress = |done: usize, total: usize| {
                    if shown {
                        eprint!("\r导入中 {done}/{total}");
                        let _ = std::io::stderr().flush();
                    }
                };
                let r = ctx.desk.catalog_import(&me, &bytes, &name, &opts, skip_bad, &mut progress);
                if shown {
                    eprintln!();
                }
                match r {
                    Ok(r) => r,
                    Err(e) if e.code() == "catalog_has_bad_rows" => {
                        // Show the rows that stopped the import, then the one-line reason.
                        if let Ok(r) = ctx.desk.catalog_preview(&bytes, &name, &opts) {
                            if json {
                                print_json(&ImportReportView::from(&r))
                            } else {
                                print_report(&r, true)
                            }
                        }
                        return Err(e);
                    }
                    Err(e) => return Err(e),
                }
            };
            if json {
                print_json(&ImportReportView::from(&report));
            } else {
                print_report(&report, dry_run);
            }
        }
        CatalogCmd::Search { query, limit, json } => {
            let items = ctx.desk.catalog_search(&query, limit.clamp(1, 1000))?;
            if json {
                print_json(&items.iter().map(CatalogItemView::from).collect::<Vec<_>>());
            } else if items.is_empty() {
                ctx.desk.require_catalog()?;
                println!("没有找到“{query}”");
            } else {
                for i in items {
                    println!(
                        "{}\t{}\t{}\t{}\t¥{}\t{}",
                        i.code,
                        i.name,
                        i.spec,
                        i.unit,
                        i.price.yuan_text(),
                        i.category.zh()
                    );
                }
            }
        }
        CatalogCmd::Versions { json } => {
            let versions = ctx.desk.catalog_versions()?;
            if json {
                print_json(&versions.iter().map(CatalogVersionView::from).collect::<Vec<_>>());
            } else if versions.is_empty() {
                println!("尚未导入价目表");
            } else {
                let status = ctx.desk.catalog_status()?;
                for (i, v) in versions.iter().enumerate() {
                    let mark = if i == 0 {
                        if status.stale {
                            "（当前，已过期）"
                        } else {
                            "（当前）"
                        }
                    } else {
                        ""
                    };
                    println!(
                        "{}\t{} 项\t{}\t{} 导入\t{}{mark}",
                        v.month,
                        v.items,
                        v.file_name,
                        local_display(v.imported_at),
                        v.imported_by
                    );
                }
            }
        }
        CatalogCmd::Generate { items, seed, out } => return generate(items, seed, &out),
    }
    Ok(ExitCode::SUCCESS)
}

/// Needs no database.
pub fn generate(items: usize, seed: u64, out: &std::path::Path) -> Result<ExitCode, CoreError> {
    std::fs::write(out, synth::price_list_csv(items, seed))?;
    println!("已生成 {} 项合成价目表：{}", items, out.display());
    Ok(ExitCode::SUCCESS)
}
