//! `downtime charge`, `downtime receipt …`, `downtime calendar …`: charging, receipts and
//! their corrections, and the working-day calendar the due dates are counted on.

use crate::{print_json, Ctx};
use clap::{Args, Subcommand};
use downtime_core::catalog::category::FeeCategory;
use downtime_core::catalog::price::{Quantity, UnitPrice};
use downtime_core::charge::correction::RefundInput;
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{ChargeInput, LineInput, Receipt};
use downtime_core::money::signed_yuan;
use downtime_core::report::receipts::receipt_totals;
use downtime_core::time::local_display;
use downtime_core::view::{CodeCheckView, ReceiptView};
use downtime_core::{Approval, CoreError, Fen};
use std::path::PathBuf;
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

fn bad(code: downtime_core::error::ErrorCode, zh: String, en: String) -> CoreError {
    CoreError::invalid(code, zh, en)
}

#[derive(Args)]
pub struct ChargeArgs {
    /// 停机号或 HIS 号
    #[arg(long)]
    patient: String,
    /// 挂号记录编号（就诊）
    #[arg(long)]
    visit: Option<String>,
    /// 收费项目：编码:数量，可重复；中药饮片：编码:每付用量:付数
    #[arg(long = "line", value_name = "CODE:QTY")]
    lines: Vec<String>,
    /// 价目表外项目（需主管）：名称:单价:数量:费用类别:原因
    #[arg(long = "free", value_name = "NAME:PRICE:QTY:CATEGORY:REASON")]
    free: Vec<String>,
    /// 支付：方式:金额[:参考号]，可重复；方式 cash、card、wechat、alipay、cheque、other
    #[arg(long = "pay", value_name = "METHOD:YUAN[:REF]")]
    pays: Vec<String>,
    /// 现金实收（找零 = 实收 - 现金应付）
    #[arg(long)]
    tendered: Option<String>,
    /// 按医保患者收费（登记了医保的患者默认如此）：全额自付，恢复后重新结算
    #[arg(long, conflicts_with = "self_pay")]
    insured: bool,
    /// 登记了医保的患者按自费收费，并写明原因
    #[arg(long, value_name = "原因")]
    self_pay: Option<String>,
    /// 同时填写的手工发票号
    #[arg(long)]
    paper_no: Option<String>,
    /// 补录纸质记录：实际收费时间
    #[arg(long)]
    back_entry: Option<String>,
    /// 主管姓名（价目表外项目）
    #[arg(long)]
    supervisor: Option<String>,
    #[arg(long)]
    supervisor_pin: Option<String>,
    /// 这笔收费的编号（UUID；重试时用同一个，不会重复收费）
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    json: bool,
}

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

/// `CODE:QTY`, or for 中药饮片 `CODE:QTY_PER_DOSE:DOSES` (10 g a dose, 7 doses: `C1:10:7`).
fn parse_line(text: &str) -> Result<LineInput, CoreError> {
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    match parts.as_slice() {
        [code, qty] if !code.is_empty() => Ok(LineInput::Item {
            code: code.to_string(),
            qty: Quantity::parse(qty)?,
        }),
        [code, per_dose, doses] if !code.is_empty() => Ok(LineInput::Herbal {
            code: code.to_string(),
            per_dose: Quantity::parse(per_dose)?,
            doses: downtime_core::charge::parse_doses(doses)?,
        }),
        _ => Err(bad(
            downtime_core::error::ErrorCode::LineInvalid,
            format!("项目“{text}”应写成 编码:数量（中药饮片：编码:每付用量:付数），例如 X001:2 或 C1:10:7"),
            format!("Line \"{text}\" must be CODE:QTY (herbal pieces: CODE:PER_DOSE:DOSES), e.g. X001:2 or C1:10:7"),
        )),
    }
}

fn parse_free(text: &str) -> Result<LineInput, CoreError> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 5 {
        return Err(bad(
            downtime_core::error::ErrorCode::FreeLineInvalid,
            format!("价目表外项目“{text}”应写成 名称:单价:数量:费用类别:原因"),
            format!("Free-text line \"{text}\" must be NAME:PRICE:QTY:CATEGORY:REASON"),
        ));
    }
    let category = FeeCategory::parse(parts[3]).ok_or_else(|| {
        bad(
            downtime_core::error::ErrorCode::CategoryInvalid,
            format!("费用类别“{}”无效", parts[3]),
            format!("Unknown category \"{}\"", parts[3]),
        )
    })?;
    Ok(LineInput::FreeText {
        name: parts[0].into(),
        unit: String::new(),
        unit_price: UnitPrice::parse(parts[1])?,
        qty: Quantity::parse(parts[2])?,
        category,
        reason: parts[4].into(),
    })
}

pub(crate) fn uuid_arg(text: &str, what: &str) -> Result<uuid::Uuid, CoreError> {
    downtime_core::ids::parse_id(text, what)
}

/// `--pay METHOD:YUAN[:REF]`: a tender as typed on the command line.
pub(crate) fn tender_arg(text: &str) -> Result<TenderInput, CoreError> {
    let mut parts = text.splitn(3, ':');
    let method = Method::parse(parts.next().unwrap_or(""))?;
    let amount = Fen::parse_yuan(parts.next().ok_or_else(|| {
        bad(
            downtime_core::error::ErrorCode::TenderInvalid,
            format!("支付“{text}”应写成 方式:金额[:参考号]，例如 cash:50"),
            format!("Payment \"{text}\" must be METHOD:YUAN[:REF], e.g. cash:50"),
        )
    })?)?;
    Ok(TenderInput {
        method,
        amount,
        reference: parts.next().unwrap_or("").trim().to_string(),
    })
}

fn print_receipt(r: &Receipt) {
    println!("{}", r.receipt_no);
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

pub fn charge(a: ChargeArgs, ctx: &mut Ctx) -> Out {
    let mut lines = a.lines.iter().map(|l| parse_line(l)).collect::<Result<Vec<_>, _>>()?;
    lines.extend(a.free.iter().map(|l| parse_free(l)).collect::<Result<Vec<_>, _>>()?);
    let tenders = a.pays.iter().map(|p| tender_arg(p)).collect::<Result<Vec<_>, _>>()?;
    let cash_tendered = a.tendered.as_deref().map(Fen::parse_yuan).transpose()?;
    let back = downtime_core::time::TypedTime::parse_opt(a.back_entry.as_deref())?;
    let id = match &a.id {
        Some(i) => uuid_arg(i, "收费编号")?,
        None => uuid::Uuid::now_v7(),
    };
    let visit = a.visit.as_deref().map(|v| uuid_arg(v, "挂号记录")).transpose()?;
    let approver = Some(Approval::typed(a.supervisor.as_deref(), a.supervisor_pin.as_deref()));
    let me = ctx.actor()?;
    let input = ChargeInput {
        id,
        patient: a.patient,
        visit,
        lines,
        tenders,
        cash_tendered,
        payer: crate::payer(a.insured, a.self_pay),
        paper_no: a.paper_no,
        back_entered_at: back,
        approver,
    };
    let r = ctx.desk.pay_charge(&me, &input)?;
    if a.json {
        print_json(&ReceiptView::from(&r));
    } else {
        print_receipt(&r);
    }
    Ok(ExitCode::SUCCESS)
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
                    return Err(bad(
                        downtime_core::error::ErrorCode::PrinterInvalid,
                        "请给出打印机名称，或用 --none 表示只保存 PDF".into(),
                        "Name the printer, or pass --none to save PDFs only".into(),
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
                bad(
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
