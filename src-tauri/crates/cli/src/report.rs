//! `downtime report shift|day|outage`: the handover sheet (交班单) and the day and outage
//! reports, as text, JSON or a PDF on A4 or the 80 mm roll.

use crate::Ctx;
use clap::{Args, Subcommand};
use downtime_core::report::{pdf, text, PeriodReport, ShiftReport};
use downtime_core::CoreError;
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// 交班单：当前班次（班中为 X 报表），或 --shift 指定的班次（已交班为 Z 报表副本）
    Shift {
        /// 班次编号
        #[arg(long, conflicts_with = "current")]
        shift: Option<String>,
        /// 当前操作员的班次（默认）
        #[arg(long)]
        current: bool,
        #[command(flatten)]
        out: OutArgs,
    },
    /// 日结报表：当天开班的全部班次，按收费员和合计
    Day {
        /// 日期 YYYY-MM-DD（默认今天）
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// 应急期间报表：本次（或指定）应急的全部班次，按收费员和合计，含图表
    Outage {
        /// 应急编号（默认进行中的或最近一次）
        #[arg(long)]
        outage: Option<String>,
        #[command(flatten)]
        out: OutArgs,
    },
}

#[derive(Args)]
pub struct OutArgs {
    /// text | json | pdf
    #[arg(long, default_value = "text")]
    format: String,
    /// PDF 版式：a4 | roll80
    #[arg(long, default_value = "a4")]
    layout: String,
    /// 写入文件（PDF 必须指定）
    #[arg(long)]
    out: Option<PathBuf>,
}

enum Format {
    Text,
    Json,
    Pdf(downtime_core::receipt_pdf::SheetLayout),
}

impl OutArgs {
    fn format(&self) -> Result<Format, CoreError> {
        match self.format.trim().to_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "pdf" => {
                if self.out.is_none() {
                    return Err(CoreError::invalid(
                        downtime_core::error::ErrorCode::ReportPdfNeedsOut,
                        "PDF 需要用 --out 指定保存的文件",
                        "A PDF needs --out FILE to be written to",
                    ));
                }
                Ok(Format::Pdf(pdf::parse_layout(&self.layout)?))
            }
            other => Err(CoreError::invalid(
                downtime_core::error::ErrorCode::ReportFormatInvalid,
                format!("报表格式“{other}”无效：可选 text、json 或 pdf"),
                format!("Unknown report format \"{other}\": choose text, json or pdf"),
            )),
        }
    }

    /// Prints or writes `body`.
    fn emit(&self, body: Vec<u8>) -> Out {
        match &self.out {
            Some(path) => {
                downtime_core::store::write_whole(path, &body)?;
                println!("{}", path.display());
            }
            None => {
                use std::io::Write;
                std::io::stdout().write_all(&body)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).expect("serialisable");
    text.push('\n');
    text.into_bytes()
}

fn uuid(text: &str, what: &str) -> Result<uuid::Uuid, CoreError> {
    downtime_core::ids::parse_id(text, what)
}

fn shift(r: &ShiftReport, out: &OutArgs) -> Out {
    let body = match out.format()? {
        Format::Text => text::shift(r).into_bytes(),
        Format::Json => json_bytes(r),
        Format::Pdf(layout) => pdf::shift_pdf(r, layout)?,
    };
    out.emit(body)
}

fn period(r: &PeriodReport, out: &OutArgs) -> Out {
    let body = match out.format()? {
        Format::Text => text::period(r).into_bytes(),
        Format::Json => json_bytes(r),
        Format::Pdf(layout) => pdf::period_pdf(r, layout)?,
    };
    out.emit(body)
}

pub fn run(cmd: ReportCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        ReportCmd::Shift { shift: id, out, .. } => {
            out.format()?;
            let id = id.as_deref().map(|s| uuid(s, "班次")).transpose()?;
            let me = ctx.actor()?;
            shift(&ctx.desk.shift_report_of(&me, id)?, &out)
        }
        ReportCmd::Day { date, out } => {
            out.format()?;
            let day = match date {
                Some(d) => downtime_core::time::parse_date(&d)?,
                None => ctx.desk.today(),
            };
            let me = ctx.actor()?;
            period(&ctx.desk.day_report(&me, day)?, &out)
        }
        ReportCmd::Outage { outage, out } => {
            out.format()?;
            let id = outage.as_deref().map(|s| uuid(s, "应急")).transpose()?;
            let me = ctx.actor()?;
            period(&ctx.desk.outage_report(&me, id)?, &out)
        }
    }
}
