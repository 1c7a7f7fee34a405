//! `downtime charge`: charging, and the command line's forms of a charge line (`CODE:QTY`,
//! free text) and of a tender (`METHOD:YUAN[:REF]`), which the other commands that take money
//! share. Receipts and their corrections are `receipts.rs`; settings and the working-day
//! calendar `settings.rs`.

use crate::{print_json, Ctx};
use clap::Args;
use downtime_core::catalog::category::FeeCategory;
use downtime_core::catalog::price::{Quantity, UnitPrice};
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::{ChargeInput, LineInput, Receipt};
use downtime_core::view::ReceiptView;
use downtime_core::{Approval, CoreError, Fen};
use std::process::ExitCode;

type Out = Result<ExitCode, CoreError>;

pub(crate) fn bad(code: downtime_core::error::ErrorCode, zh: String, en: String) -> CoreError {
    CoreError::invalid(code, zh, en)
}

/// How the patient pays, as `downtime charge` and `downtime register` take it: the tenders
/// (`--pay METHOD:YUAN[:REF]`), the cash handed over, and insured or self-pay.
#[derive(Args)]
pub struct PayArgs {
    /// 支付：方式:金额[:参考号]，可重复；方式 cash、card、wechat、alipay、cheque、other；无需收费时（如免费号别）不填
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
}

impl PayArgs {
    /// The tenders, the cash handed over and the payer, parsed.
    pub fn parse(self) -> Result<(Vec<TenderInput>, Option<Fen>, downtime_core::charge::Payer), CoreError> {
        Ok((
            tenders(&self.pays)?,
            self.tendered.as_deref().map(Fen::parse_yuan).transpose()?,
            crate::payer(self.insured, self.self_pay),
        ))
    }
}

/// Every `--pay METHOD:YUAN[:REF]` given.
pub(crate) fn tenders(pays: &[String]) -> Result<Vec<TenderInput>, CoreError> {
    pays.iter().map(|p| tender_arg(p)).collect()
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
    #[command(flatten)]
    pay: PayArgs,
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

pub(crate) fn print_receipt(r: &Receipt) {
    println!("{}", r.receipt_no);
}

pub fn charge(a: ChargeArgs, ctx: &mut Ctx) -> Out {
    let mut lines = a.lines.iter().map(|l| parse_line(l)).collect::<Result<Vec<_>, _>>()?;
    lines.extend(a.free.iter().map(|l| parse_free(l)).collect::<Result<Vec<_>, _>>()?);
    let (tenders, cash_tendered, payer) = a.pay.parse()?;
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
        payer,
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
