//! `downtime catalog …`: import a month-end price list, search it, list its versions, and
//! generate synthetic lists for tests and benchmarks.

use crate::{print_json, Ctx};
use clap::Subcommand;
use downtime_core::catalog::parts::part_label;
use downtime_core::catalog::read::Field;
use downtime_core::catalog::stream::{ImportStage, Input};
use downtime_core::catalog::{synth, ImportOptions, ImportReport};
use downtime_core::time::local_display;
use downtime_core::view::{ActivationView, CatalogItemView, CatalogVersionView, ImportReportView};
use downtime_core::CoreError;
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
        /// 价目表的部分，如 药品、医疗服务项目（默认：整表，替换现用的全部部分）
        #[arg(long)]
        part: Option<String>,
        /// 新文件的项目不到所替换的一半时，确认仍要导入
        #[arg(long)]
        confirm_shrink: bool,
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
    /// 列出已导入的价目表版本（部分、是否在用）
    Versions {
        #[arg(long)]
        json: bool,
    },
    /// 重新启用一个已导入的版本（替换其所属部分现用的版本）
    Activate {
        /// 版本编号（downtime catalog versions 列出；可只输入开头或结尾至少 8 位）
        version: String,
        /// 这个版本的项目不到所替换的一半时，确认仍要启用
        #[arg(long)]
        confirm_shrink: bool,
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
                    downtime_core::error::ErrorCode::CatalogMapInvalid,
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
    for (t, codes) in &r.change.reg_types_missing {
        println!(
            "  注意：号别 {}（{}）的费用项目 {} 不在这份价目表中，导入后须在设置中修改该号别",
            t.name,
            t.key,
            codes.join("、")
        );
    }
    let cats: Vec<String> = r.by_category.iter().map(|(c, n)| format!("{} {n}", c.zh())).collect();
    if !cats.is_empty() {
        println!("  按类别：{}", cats.join("，"));
    }
    let c = &r.change;
    if !r.already_imported {
        let replaced: Vec<String> = c
            .replaces
            .iter()
            .map(|v| format!("{} {}（{} 项）", part_label(&v.part), v.month, v.items))
            .collect();
        println!(
            "  部分：{}{}",
            part_label(&c.part),
            if replaced.is_empty() {
                String::new()
            } else {
                format!("，替换 {}", replaced.join("、"))
            }
        );
        if c.shrinks {
            println!("  注意：新文件只有 {} 项，不到所替换的 {} 项的一半", r.good, c.replaced_items);
        }
        for (code, part) in &c.conflicts {
            println!("  冲突：编码 {code} 已在现用的“{}”中", part_label(part));
        }
    }
    match (&r.version, r.already_imported, dry_run) {
        (Some(v), true, _) if r.in_force => println!(
            "此文件已于 {} 导入为 {} 月价目表（{}，版本 {}），正在使用，未重复导入",
            local_display(v.imported_at),
            v.month,
            part_label(&v.part),
            v.id
        ),
        (Some(v), true, _) => println!(
            "此文件已于 {} 导入为 {} 月价目表（{}，版本 {}），现在未在使用：要重新启用请用 downtime catalog activate {}",
            local_display(v.imported_at),
            v.month,
            part_label(&v.part),
            v.id,
            v.id
        ),
        (Some(v), false, _) => println!(
            "已导入 {} 月价目表（{}）：{} 项（版本 {}）",
            v.month,
            part_label(&v.part),
            v.items,
            v.id
        ),
        (None, _, true) => println!("（试运行：未写入任何内容）"),
        _ => {}
    }
}

pub fn run(cmd: CatalogCmd, ctx: &mut Ctx) -> Result<ExitCode, CoreError> {
    match cmd {
        CatalogCmd::Import {
            file,
            month,
            part,
            confirm_shrink,
            dry_run,
            skip_bad,
            encoding,
            sheet,
            map,
            json,
        } => {
            // Read as it is imported (the rows are checked as they come, never held); an
            // unreadable file gets its message before anything else.
            drop(std::fs::File::open(&file).map_err(|e| {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::FileUnreadable,
                    format!("无法读取文件 {}：{e}", file.display()),
                    format!("Cannot read the file {}: {e}", file.display()),
                )
            })?);
            let input = Input::Path(&file);
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let mut opts = ImportOptions {
                month,
                part,
                confirm_shrink,
                ..Default::default()
            };
            opts.read.encoding = encoding;
            opts.read.sheet = sheet;
            opts.read.map = parse_map(&map)?;
            let report = if dry_run {
                ctx.desk.catalog_preview_from(input, &name, &opts)?
            } else {
                let me = ctx.actor()?;
                let mut bar = crate::progress::Bar::on_terminal(json);
                let mut progress = |done: usize, total: usize| bar.show(ImportStage::Indexing, done as u64, total as u64);
                let r = ctx.desk.catalog_import_from(&me, input, &name, &opts, skip_bad, &mut progress);
                bar.finish();
                match r {
                    Ok(r) => r,
                    Err(e) if e.code() == "catalog_has_bad_rows" => {
                        // Show the rows that stopped the import, then the one-line reason.
                        if let Ok(r) = ctx.desk.catalog_preview_from(input, &name, &opts) {
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
            let status = ctx.desk.catalog_status()?;
            let in_force = |v: &downtime_core::catalog::CatalogVersion| status.parts.iter().any(|p| p.id == v.id);
            if json {
                let list: Vec<serde_json::Value> = versions
                    .iter()
                    .map(|v| {
                        let mut j = serde_json::to_value(CatalogVersionView::from(v)).expect("serialisable");
                        j["in_force"] = in_force(v).into();
                        j
                    })
                    .collect();
                print_json(&list);
            } else if versions.is_empty() {
                println!("尚未导入价目表");
            } else {
                for v in &versions {
                    let mark = match (in_force(v), status.stale) {
                        (true, true) => "（在用，已过期）",
                        (true, false) => "（在用）",
                        _ => "",
                    };
                    println!(
                        "{}\t{}\t{}\t{} 项\t{}\t{} 导入\t{}{mark}",
                        v.id,
                        part_label(&v.part),
                        v.month,
                        v.items,
                        v.file_name,
                        local_display(v.imported_at),
                        v.imported_by
                    );
                }
            }
        }
        CatalogCmd::Activate {
            version,
            confirm_shrink,
            json,
        } => {
            let me = ctx.actor()?;
            let activated = ctx.desk.catalog_activate(&me, &version, confirm_shrink)?;
            let (v, change) = (&activated.version, &activated.change);
            if json {
                print_json(&ActivationView::from(&activated));
            } else {
                println!(
                    "已重新启用 {} 月价目表（{}，{} 项，版本 {}）",
                    v.month,
                    part_label(&v.part),
                    v.items,
                    v.id
                );
                for r in &change.replaces {
                    println!("  停用：{} {}（{} 项，版本 {}）", part_label(&r.part), r.month, r.items, r.id);
                }
                for (t, codes) in &change.reg_types_missing {
                    println!(
                        "  注意：号别 {}（{}）的费用项目 {} 不在现用价目表中，须在设置中修改该号别",
                        t.name,
                        t.key,
                        codes.join("、")
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
