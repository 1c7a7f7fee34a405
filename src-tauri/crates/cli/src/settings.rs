//! `downtime setting …` and `downtime calendar …`: the receipt printer, and the working-day
//! calendar the due dates are counted on.

use crate::Ctx;
use clap::Subcommand;
use downtime_core::CoreError;
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// 导入一年的节假日安排（JSON，格式见 assets/calendar/README.md）
    Import { file: PathBuf },
    /// 计算若干个工作日之后的日期（当天不计）
    Due {
        #[arg(long)]
        from: String,
        #[arg(long)]
        working_days: u32,
    },
}

#[derive(Subcommand)]
pub enum SettingCmd {
    /// 设置收据打印机（CUPS 队列名）；--none 为只保存 PDF
    Printer {
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        none: bool,
    },
}

pub fn setting(cmd: SettingCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        SettingCmd::Printer { name, none } => {
            let me = ctx.actor()?;
            let name = match (name, none) {
                (Some(n), false) => n,
                (None, true) => String::new(),
                _ => {
                    return Err(CoreError::invalid(
                        downtime_core::error::ErrorCode::PrinterInvalid,
                        "请给出打印机名称，或用 --none 表示只保存 PDF",
                        "Name the printer, or pass --none to save PDFs only",
                    ))
                }
            };
            match ctx.desk.set_printer(&me, &name)? {
                Some(p) => println!("收据打印机：{p}"),
                None => println!("未设置打印机：收据只保存为 PDF"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn calendar(cmd: CalendarCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        CalendarCmd::Import { file } => {
            let json = std::fs::read_to_string(&file).map_err(|e| {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::FileUnreadable,
                    format!("无法读取文件 {}：{e}", file.display()),
                    format!("Cannot read the file {}: {e}", file.display()),
                )
            })?;
            let me = ctx.actor()?;
            let year = ctx.desk.import_calendar(&me, &json)?;
            println!("已导入 {year} 年节假日安排");
        }
        CalendarCmd::Due { from, working_days } => {
            let from = downtime_core::time::parse_date(&from)?;
            let cal = ctx.desk.calendar()?;
            println!("{}", cal.add_working_days(from, working_days)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
