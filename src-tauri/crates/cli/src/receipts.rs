//! `downtime receipt …`: a receipt shown, listed, voided, refunded, printed (or its PDF
//! written), the unprinted ones, and a receipt code checked.

use crate::charges::{bad, print_receipt, tender_arg, uuid_arg};
use crate::{print_json, Ctx};
use clap::Subcommand;
use downtime_core::catalog::price::Quantity;
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::Receipt;
use downtime_core::money::signed_yuan;
use downtime_core::report::receipts::receipt_totals;
use downtime_core::time::local_display;
use downtime_core::view::{CodeCheckView, ReceiptView};
use downtime_core::{Approval, CoreError, Fen};
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

#[derive(Subcommand)]
pub enum ReceiptCmd {
    /// 显示收据
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
    /// 列出收据（某班次）：类别、带方向的金额（退款为负）与各类合计
    List {
        #[arg(long)]
        shift: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 作废本班次的收据（需主管）
    Void {
        number: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        supervisor_pin: String,
        #[arg(long)]
        json: bool,
    },
    /// 退费（需主管），输出退费凭证号
    Refund {
        number: String,
        /// 收据上的行号:数量，可重复；不写则整张退
        #[arg(long = "line", value_name = "N:QTY")]
        lines: Vec<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        supervisor_pin: String,
        /// 退款方式:金额[:参考号]，可重复；不写则原路退回（现金不超过所收现金，银行卡、微信、支付宝退回原交易）
        #[arg(long = "pay", value_name = "METHOD:YUAN[:REF]")]
        pays: Vec<String>,
        /// 不按原路退回时的原因（打印在退费凭证上）
        #[arg(long)]
        pay_back_reason: Option<String>,
        /// 退药确认：扫描药房退药单的二维码（DDRT.…：按退药单填入药品行和退药确认人），或药房确认人的姓名
        #[arg(long)]
        drug_return_by: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 重印（副本 COPY），记录在流水中
    Reprint {
        number: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "a5")]
        layout: String,
    },
    /// 打印到设置的打印机（CUPS），随作业送出纸张尺寸；首次为正本，此后均为副本（COPY）
    Print {
        number: String,
        #[arg(long, default_value = "a5")]
        layout: String,
    },
    /// 生成收据 PDF：首次为正本，此后均为副本（COPY），每次记录在流水中
    Pdf {
        number: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "a5")]
        layout: String,
        #[arg(long)]
        copy: bool,
    },
    /// 未打印的单据：最近一次送打印机没有打出（打印机不存在、暂停或拒收）；用 receipt print 重新打印
    Unprinted {
        #[arg(long)]
        json: bool,
    },
    /// 核验扫描到的收据二维码内容
    Check {
        payload: String,
        /// 其他工作站的公钥（十六进制）
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// A receipt as text, headed by what the paper is (退费凭证, 住院病人预交金收据, …).
fn show(r: &Receipt) {
    let mark = if r.voided.is_some() { "（已作废）" } else { "" };
    println!(
        "{} {}{mark}  {}  {} {}",
        r.kind.title(),
        r.receipt_no,
        local_display(r.occurred_at),
        r.patient.name,
        r.patient.downtime_no.clone().unwrap_or_default()
    );
    if let Some(original) = &r.refund_of {
        println!("  原收据 {original}");
    }
    for l in &r.lines {
        println!(
            "  {:>2} {} {} {} {}×¥{} = {}  {}",
            l.line_no,
            l.code,
            l.name,
            l.spec,
            l.qty.text(),
            l.unit_price.yuan_text(),
            l.amount,
            l.category.zh()
        );
    }
    for (c, f) in r.subtotals() {
        println!("  小计 {}：{f}", c.zh());
    }
    println!("  合计 {}（{}）", r.total, r.total.capitals());
    for t in &r.tenders {
        println!("  {} {} {}", t.method.zh(), t.amount, t.reference);
    }
    if r.change > Fen::ZERO {
        println!("  找零 {}", r.change);
    }
    if let Some(d) = r.resettle_due {
        println!("  医保重新结算截止：{}{}", d.date, if d.provisional { "（暂定）" } else { "" });
    }
    if let Some(d) = r.exchange_due {
        println!("  换取电脑发票截止：{}{}", d.date, if d.provisional { "（暂定）" } else { "" });
    }
    if r.refunded > Fen::ZERO {
        println!("  已退费 {}", r.refunded);
    }
}

fn find(ctx: &Ctx, number: &str) -> Result<Receipt, CoreError> {
    ctx.desk.receipt_on_record(number)
}

pub fn receipt(cmd: ReceiptCmd, ctx: &mut Ctx) -> Out {
    match cmd {
        ReceiptCmd::Show { number, json } => {
            ctx.actor()?;
            let r = find(ctx, &number)?;
            if json {
                print_json(&ReceiptView::from(&r))
            } else {
                show(&r)
            }
        }
        ReceiptCmd::List { shift, json } => {
            ctx.actor()?;
            let shift = shift.as_deref().map(|s| uuid_arg(s, "班次")).transpose()?;
            let list = ctx.desk.receipts(shift)?;
            let totals = receipt_totals(&list);
            if json {
                print_json(&serde_json::json!({
                    "receipts": list.iter().map(ReceiptView::from).collect::<Vec<_>>(),
                    "totals": totals,
                }));
            } else {
                for r in &list {
                    let mark = if r.voided.is_some() { "（已作废，不计入）" } else { "" };
                    println!(
                        "{}\t{}\t{}\t{}\t{:>12}{mark}",
                        r.receipt_no,
                        r.kind.zh(),
                        local_display(r.occurred_at),
                        r.patient.name,
                        signed_yuan(r.signed_total())
                    );
                }
                let kinds: Vec<String> = totals
                    .by_kind
                    .iter()
                    .filter(|t| t.count > 0)
                    .map(|t| format!("{} {} 张 {}", t.kind.zh(), t.count, signed_yuan(t.amount_fen)))
                    .collect();
                println!(
                    "合计：{}；作废 {} 张 {}（不计入）；净额 {}",
                    kinds.join("；"),
                    totals.voided.count,
                    signed_yuan(totals.voided.amount_fen),
                    signed_yuan(totals.net_fen)
                );
            }
        }
        ReceiptCmd::Void {
            number,
            reason,
            supervisor: s,
            supervisor_pin,
            json,
        } => {
            let sup = Approval::typed(Some(&s), Some(&supervisor_pin));
            let me = ctx.actor()?;
            let r = ctx.desk.void_receipt(&me, sup, &number, &reason)?;
            if json {
                print_json(&ReceiptView::from(&r))
            } else {
                println!("已作废收据 {}", r.receipt_no)
            }
        }
        ReceiptCmd::Refund {
            number,
            lines,
            reason,
            supervisor: s,
            supervisor_pin,
            pays,
            pay_back_reason,
            drug_return_by,
            json,
        } => {
            let lines = lines
                .iter()
                .map(|l| {
                    let (n, q) = l.split_once(':').ok_or_else(|| {
                        bad(
                            downtime_core::error::ErrorCode::RefundLineInvalid,
                            format!("退费行“{l}”应写成 行号:数量，例如 2:1"),
                            format!("Refund line \"{l}\" must be N:QTY, e.g. 2:1"),
                        )
                    })?;
                    let n: i64 = n.trim().parse().map_err(|_| {
                        bad(
                            downtime_core::error::ErrorCode::RefundLineInvalid,
                            format!("行号“{n}”无效"),
                            format!("Invalid line number \"{n}\""),
                        )
                    })?;
                    Ok((n, Quantity::parse(q)?))
                })
                .collect::<Result<Vec<_>, CoreError>>()?;
            let tenders = pays.iter().map(|p| tender_arg(p)).collect::<Result<Vec<_>, _>>()?;
            let sup = Approval::typed(Some(&s), Some(&supervisor_pin));
            let me = ctx.actor()?;
            let r = ctx.desk.refund_receipt(
                &me,
                sup,
                &RefundInput {
                    id: uuid::Uuid::now_v7(),
                    receipt_no: number,
                    lines,
                    reason,
                    tenders,
                    pay_back_reason,
                    drug_return_by,
                },
            )?;
            if json {
                print_json(&ReceiptView::from(&r))
            } else {
                print_receipt(&r)
            }
        }
        ReceiptCmd::Unprinted { json } => {
            let me = ctx.actor()?;
            let list = ctx.desk.unprinted(&me)?;
            if json {
                let views: Vec<downtime_core::view::UnprintedView> = list.iter().map(Into::into).collect();
                print_json(&views);
            } else if list.is_empty() {
                println!("没有未打印的单据");
            } else {
                for u in &list {
                    let r = &u.receipt;
                    println!(
                        "{}  {}  {}  {}  {}{}  {}（{}）",
                        r.receipt_no,
                        r.kind.zh(),
                        r.patient.name,
                        r.total,
                        downtime_core::time::local_display(r.occurred_at),
                        if u.copy { "  副本" } else { "" },
                        u.problem,
                        downtime_core::time::local_display(u.tried_at),
                    );
                }
                println!("共 {} 张未打印：用 downtime receipt print 收据号 重新打印", list.len());
            }
        }
        ReceiptCmd::Reprint { number, out, layout } => {
            let me = ctx.actor()?;
            ctx.desk.issue_pdf_to(&me, &number, &layout, true, &out)?;
            println!("已重印收据 {number}（副本）：{}", out.display());
        }
        ReceiptCmd::Print { number, layout } => {
            let me = ctx.actor()?;
            let printed = ctx.desk.print_receipt(&me, &number, &layout, false)?;
            let what = if printed.copy { "副本" } else { "正本" };
            match printed.problem {
                None => {
                    println!("已打印收据 {number}（{what}）：{}", printed.pdf_path.display());
                }
                // The document stays issued and its PDF saved; the exit code says it did not print.
                Some((zh, en)) => {
                    eprintln!("{}", if crate::lang() == downtime_core::Lang::En { en } else { zh });
                    println!("{}", printed.pdf_path.display());
                    return Ok(ExitCode::from(2));
                }
            }
        }
        // Every printing is journalled; only the first is the original, later ones are copies.
        ReceiptCmd::Pdf { number, out, layout, copy } => {
            let me = ctx.actor()?;
            let issued = ctx.desk.issue_pdf_to(&me, &number, &layout, copy, &out)?;
            if issued.copy {
                println!("{}（副本，第 {} 次打印）", out.display(), issued.before + 1);
            } else {
                println!("{}", out.display());
            }
        }
        ReceiptCmd::Check { payload, key, json } => {
            ctx.actor()?;
            let key = match key {
                Some(k) => Some(hex::decode(k.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
                    bad(
                        downtime_core::error::ErrorCode::KeyInvalid,
                        "公钥应为 64 位十六进制".into(),
                        "The key must be 64 hex digits".into(),
                    )
                })?),
                None => None,
            };
            let (checked, record) = ctx.desk.check_receipt_code(&payload, key)?;
            use downtime_core::charge::qr;
            let view = CodeCheckView::of(&checked, record.as_ref());
            if json {
                print_json(&view);
            } else {
                // The issuing station knows what the paper is now; a code from before kinds
                // were signed takes its kind from the record when there is one.
                let kind = view.kind;
                println!("{}", qr::kind_verdict(kind).0);
                let amount = if kind.is_some_and(|k| k.pays_back()) {
                    "退款金额"
                } else {
                    "金额"
                };
                println!(
                    "签名有效：工作站 {} 票据 {}，{amount} {}，开具于 {}",
                    checked.station,
                    checked.receipt_no,
                    checked.total,
                    local_display(checked.issued)
                );
                if let Some(a) = &checked.anchor {
                    println!("流水锚点 {a} 与本机流水相符");
                }
                if let Some(r) = record {
                    match qr::state(&r) {
                        "voided" => println!("状态：已作废，不能据此发药、退费或换取发票"),
                        "refunded" => println!("状态：已全额退费（{}），不能据此发药或换取发票", r.refunded),
                        "partly_refunded" => println!(
                            "状态：已部分退费 {}，余 {}",
                            r.refunded,
                            Fen::new(r.total.get() - r.refunded.get()).unwrap_or_default()
                        ),
                        _ => println!("状态：有效"),
                    }
                } else {
                    println!("状态：本工作站没有这张票据的记录，请到开具工作站查询");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
