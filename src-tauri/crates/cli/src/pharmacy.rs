//! `downtime pharmacy …` (#18): scan, dispense and return at a pharmacy station, and trust
//! the counters whose receipts it dispenses against (key cards or export batches).

use crate::{print_json, Ctx};
use clap::Subcommand;
use downtime_core::catalog::price::Quantity;
use downtime_core::pharmacy::view::{DispensingView, ScanView, TrustedStationView};
use downtime_core::pharmacy::{Dispensing, Scan};
use downtime_core::time::local_display;
use downtime_core::{Approval, CoreError};
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Subcommand)]
pub enum PharmacyCmd {
    /// 扫码核验收据：开具工作站、收据号、患者、时间、签名的药品行，以及本药房已发、已退的记录
    Scan {
        /// 扫码枪输入的二维码内容
        payload: String,
        #[arg(long)]
        json: bool,
    },
    /// 发药：不写 --line 则按收据全部药品行发放；同一收据再次发药需药房主管授权并写明原因
    Dispense {
        payload: String,
        /// 发放的行和数量：行号:数量，可重复，例如 1:2
        #[arg(long = "line", value_name = "N:QTY")]
        lines: Vec<String>,
        /// 再次发药：授权的药房主管姓名（不能是发药本人）
        #[arg(long)]
        approver: Option<String>,
        #[arg(long)]
        approver_pin: Option<String>,
        /// 再次发药的原因
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 退药确认：记录退回的行和数量，开出带签名二维码的退药单（收费窗口凭它退费）
    Return {
        payload: String,
        #[arg(long = "line", value_name = "N:QTY", required = true)]
        lines: Vec<String>,
        /// 退药单 PDF 写到此文件
        #[arg(long)]
        out: Option<PathBuf>,
        /// 版式：a5 或 roll80
        #[arg(long, default_value = "roll80")]
        layout: String,
        #[arg(long)]
        json: bool,
    },
    /// 信任一个工作站：导入它的密钥卡（downtime station key 导出的文件），或它的导出批次文件夹
    Trust {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// 列出信任的工作站及其公钥指纹
    Trusted {
        #[arg(long)]
        json: bool,
    },
}

/// `N:QTY`, as on the receipt.
fn parse_lines(lines: &[String]) -> Result<Vec<(i64, Quantity)>, CoreError> {
    lines
        .iter()
        .map(|l| {
            let bad = || {
                CoreError::invalid(
                    downtime_core::error::ErrorCode::PharmacyLineInvalid,
                    format!("药品行“{l}”应写成 行号:数量，例如 1:2"),
                    format!("Line \"{l}\" must be N:QTY, e.g. 1:2"),
                )
            };
            let (n, q) = l.split_once(':').ok_or_else(bad)?;
            let n: i64 = n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
            Ok((n, Quantity::parse(q.trim())?))
        })
        .collect()
}

fn print_scan(s: &Scan) {
    println!("门诊收费收据 {} · 工作站 {} {} · 签名有效", s.receipt_no, s.station, s.station_name);
    println!("患者 {} · 开具 {} · 合计 {}", s.patient, local_display(s.issued), s.total);
    if s.lines.is_empty() {
        println!("收据上没有药品");
    }
    for l in &s.lines {
        let name = l.line.short.as_deref().map(|n| format!("（{n}）")).unwrap_or_default();
        let q = |m: i64| Quantity::from_milli(m).map(Quantity::text).unwrap_or_else(|_| "0".into());
        println!(
            "  第 {} 行  {}{name}  数量 {}  已发 {}  已退 {}",
            l.line.line_no,
            l.line.code,
            l.line.qty.text(),
            q(l.dispensed_milli),
            q(l.returned_milli)
        );
    }
    for d in &s.history {
        print_dispensing(d);
    }
}

fn print_dispensing(d: &Dispensing) {
    let what = match d.kind {
        downtime_core::pharmacy::DispensingKind::Dispense => "发药",
        downtime_core::pharmacy::DispensingKind::Return => "退药",
    };
    let lines: Vec<String> = d.lines.iter().map(|(n, q)| format!("{n}:{}", q.text())).collect();
    let mut text = format!("{} {what} {} 经手 {}", local_display(d.at), lines.join(" "), d.by);
    if let Some(a) = &d.approver {
        text.push_str(&format!("，{a} 授权（{}）", d.reason));
    }
    if let Some(no) = &d.slip_no {
        text.push_str(&format!("，退药单 {no}"));
    }
    println!("  {text}");
}

pub fn run(c: PharmacyCmd, ctx: &mut Ctx) -> Out {
    match c {
        PharmacyCmd::Scan { payload, json } => {
            let me = ctx.actor()?;
            let s = ctx.desk.pharmacy_scan(&me, &payload)?;
            if json {
                print_json(&ScanView::from(&s));
            } else {
                print_scan(&s);
                if s.dispensed_before() {
                    println!("已发过药：再次发药需药房主管授权");
                }
            }
        }
        PharmacyCmd::Dispense {
            payload,
            lines,
            approver,
            approver_pin,
            reason,
            json,
        } => {
            let lines = parse_lines(&lines)?;
            // One rule for an approval given on the command line: both or neither (the core's).
            let approver = Approval::typed(approver.as_deref(), approver_pin.as_deref());
            let me = ctx.actor()?;
            let again = Some((&approver, reason.as_deref().unwrap_or("")));
            let (d, s) = ctx.desk.dispense(&me, &payload, &lines, again)?;
            if json {
                print_json(&serde_json::json!({ "dispensing": DispensingView::from(&d), "receipt": ScanView::from(&s) }));
            } else {
                println!("已发药：收据 {}", s.receipt_no);
                print_scan(&s);
            }
        }
        PharmacyCmd::Return {
            payload,
            lines,
            out,
            layout,
            json,
        } => {
            let lines = parse_lines(&lines)?;
            let me = ctx.actor()?;
            let (d, s) = ctx.desk.return_drugs(&me, &payload, &lines)?;
            let slip_no = d.slip_no.clone().expect("a return has its slip");
            if let Some(out) = &out {
                ctx.desk.save_return_slip(&me, &slip_no, &layout, out)?;
            }
            if json {
                print_json(&serde_json::json!({ "return": DispensingView::from(&d), "receipt": ScanView::from(&s) }));
            } else {
                println!("已退药：退药单 {slip_no}（收费窗口扫描退药单二维码退费）");
                println!("退药单二维码内容：{}", d.slip_payload.as_deref().unwrap_or(""));
                if let Some(out) = &out {
                    println!("退药单已写出：{}", out.display());
                }
                print_scan(&s);
            }
        }
        PharmacyCmd::Trust { file, json } => {
            let me = ctx.actor()?;
            let t = if file.is_dir() {
                ctx.desk.trust_batch(&me, &file)?
            } else {
                ctx.desk.trust_key_card_file(&me, &file)?
            };
            if json {
                print_json(&TrustedStationView::from(&t));
            } else {
                let s = &t.station;
                let what = if t.new { "已信任" } else { "早已信任（未改动）" };
                println!("{what}工作站 {} {}（{}）", s.station_code, s.station_name, s.hospital);
                println!("公钥指纹: {}（请与该工作站设置界面上的指纹核对）", s.fingerprint);
                if t.voids_noted > 0 {
                    println!("记下该站批次中作废的收据 {} 张：药房将拒绝凭它们发药", t.voids_noted);
                }
            }
        }
        PharmacyCmd::Trusted { json } => {
            let list = ctx.desk.trusted_stations()?;
            if json {
                print_json(&list.iter().map(|t| TrustedStationView::of(t, false, 0)).collect::<Vec<_>>());
            } else if list.is_empty() {
                println!("尚未信任任何工作站：用 downtime pharmacy trust 导入密钥卡或导出批次");
            } else {
                for t in list {
                    println!(
                        "{} {}（{}） 指纹 {} 来源 {}",
                        t.station_code, t.station_name, t.hospital, t.fingerprint, t.source
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
