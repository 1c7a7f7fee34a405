//! Receipt PDFs (票据打印): the outpatient receipt (门诊收费票据), the refund receipt (退费凭证),
//! the inpatient deposit receipt (住院病人预交金收据) and its refund (预交金退款凭证), on A5
//! paper or an 80 mm roll; beside them two documents that are not receipts, printed the same
//! way: the deposit summary of an admission ([`render_deposit_summary`]) and the outpatient
//! queue slip ([`render_queue_slip`]).
//!
//! Contract:
//! - The input is [`ReceiptDoc`], plain printable values that the caller maps from its
//!   records; money stays [`Fen`] up to the page, where it is written in figures and in
//!   capitals ([`Fen::capitals`]). This module reads no database and keeps no state but the
//!   parsed font.
//! - Every receipt carries [`OUTAGE_MARK`]: it is not optional, because the desk only ever
//!   issues outage receipts. For the same reason an outpatient receipt states 医保统筹支付
//!   ¥0.00, 个人账户支付 ¥0.00 and 个人现金支付 = the total: during an outage everyone pays
//!   as self-pay and the insured are re-settled later.
//! - [`render`] refuses rather than print something wrong: a character the font lacks
//!   (`font_missing_glyph`, naming it and the field), lines or subtotals or tenders that do
//!   not add up to the total, or refund methods that do not add up to the amount refunded
//!   (`receipt_inconsistent`), a QR payload too long for a QR code (`receipt_qr_too_long`).
//! - Text never overlaps: every cell wraps within its own column. Item names wrap onto at
//!   most three lines and specs onto two; only beyond that is the last line cut and ended
//!   with "…". Amounts and quantities are never cut: they shrink to fit their column.
//! - A5 (148 × 210 mm) continues on further pages when the items do not fit, each page
//!   numbered and carrying the receipt number and marks. The roll is one page 72 mm wide
//!   (the printable width of 80 mm paper) whose height grows with the content.
//! - Report sheets (交班单, 日结, the outage report; `sheet.rs`, charts in `chart.rs`) are laid
//!   out on A4 or the roll from a plain [`Sheet`] of sections, tables and charts.
//! - The deposit summary and the queue slip take their own plain inputs ([`DepositSummary`],
//!   [`QueueSlip`]) and hold to the same rules: the outage mark, glyphs checked, figures that
//!   must agree refused with `receipt_inconsistent`; their modules state the rest.

mod blocks;
mod chart;
mod check;
mod content;
mod deposit;
mod draw;
mod fonts;
mod layout;
mod queue_slip;
mod sample;
mod sheet;
mod summary;

pub use fonts::Fonts;
pub use queue_slip::{render_queue_slip, QueueSlip};
pub use sample::{specimen, specimen_deposit_summary, specimen_queue_slip};
pub use sheet::{render_sheet, Column, Item, Pair, Section, Sheet, SheetLayout, Table};
pub use summary::{render_deposit_summary, DepositSummary, Movement};

use crate::error::{invalid, Result};
use crate::money::Fen;
use std::time::Instant;

/// Printed on every receipt, under its title.
pub const OUTAGE_MARK: &str = "手工票据·系统停机应急开具";

/// The paper the receipt is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A5 portrait, 148 × 210 mm, for laser and dot-matrix counter printers.
    A5,
    /// 80 mm thermal roll: 72 mm printable (576 dots at 203 dpi), height as needed.
    Roll80,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptKind {
    /// 门诊收费票据
    Outpatient,
    /// 退费凭证
    Refund,
    /// 住院病人预交金收据: a deposit is not revenue, so this is an internal receipt.
    Deposit,
    /// 预交金退款凭证: part or all of the deposit balance paid back, with a supervisor.
    DepositRefund,
}

impl ReceiptKind {
    pub fn title(self) -> &'static str {
        match self {
            ReceiptKind::Outpatient => "门诊收费票据",
            ReceiptKind::Refund => "退费凭证",
            ReceiptKind::Deposit => "住院病人预交金收据",
            ReceiptKind::DepositRefund => "预交金退款凭证",
        }
    }
}

/// One receipt as it is printed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptDoc {
    /// 收款单位
    pub hospital: String,
    /// 工作站代码, e.g. `MZ01`.
    pub station: String,
    /// 票据号码, e.g. `MZ01-00000123`.
    pub receipt_number: String,
    /// 纸质票据号: the number of the pre-printed paper form, where one is used.
    pub paper_number: Option<String>,
    /// A reprint: prints "副本 COPY".
    pub copy: bool,
    /// A voided receipt: prints "作废", its number stays used.
    pub voided: bool,
    /// 开具时间, as it should read, e.g. `2026-11-26 09:30`.
    pub issued_at: String,
    /// A short notice to the patient fitting the kind, e.g. "请妥善保管本票据…"; empty: none
    /// (a refund voucher asks nothing of the patient).
    pub notice: String,
    /// Lines printed above the closing part, saying what happened to the document or why:
    /// a refund's reason, approver and pharmacy confirmation, money paid back another way,
    /// what was refunded of a receipt and what remains, 补录, 作废 (when, why, who approved).
    pub remarks: Vec<String>,
    /// Signature lines left blank for a person to sign on paper, by label (领款人签字).
    pub signatures: Vec<String>,
    /// What the QR code carries.
    pub qr_payload: String,
    pub body: ReceiptBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptBody {
    Outpatient(Charges),
    /// 退费凭证: what is refunded, in the same form as the receipt it refers to.
    Refund {
        /// 原票据号码
        original_receipt: String,
        charges: Charges,
    },
    Deposit(Deposit),
    DepositRefund(DepositRefund),
}

/// The charged (or refunded) items of an outpatient receipt and how they were paid.
#[derive(Debug, Clone, PartialEq)]
pub struct Charges {
    /// 交款人
    pub payer_name: String,
    /// 性别/年龄, e.g. "男 45岁"; none when unknown.
    pub sex_age: Option<String>,
    /// 身份证号, masked (e.g. `110101********1234`); none for foreigners and infants.
    pub masked_id: Option<String>,
    /// 门诊号 / 停机号: the downtime MRN.
    pub downtime_number: String,
    /// 科室
    pub department: String,
    /// 医生: the doctor of the visit charged for, when known (a charge for a registration).
    pub doctor: Option<String>,
    /// 医保类型 and number, recorded for re-settlement after the outage.
    pub insurance: Option<Insurance>,
    pub lines: Vec<ChargeLine>,
    /// 分类小计, in the order the receipt lists categories.
    pub subtotals: Vec<CategorySubtotal>,
    /// 合计: the sum of the lines.
    pub total: Fen,
    /// 支付方式, each the amount applied to this receipt: they add up to `total`.
    pub tenders: Vec<Tender>,
    /// 实收现金: the cash handed over, when it was more than the cash applied.
    pub cash_tendered: Option<Fen>,
    /// 找零: `cash_tendered` less the cash applied.
    pub change: Fen,
    /// 收款人
    pub cashier: String,
    /// e.g. "医保重新结算/换取电脑发票截止日期：2026-12-17".
    pub due_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insurance {
    /// 医保类型, e.g. 城镇职工基本医疗保险.
    pub kind: String,
    /// 医保号
    pub number: Option<String>,
}

/// One item line (明细): every drug, examination and test is itemised.
#[derive(Debug, Clone, PartialEq)]
pub struct ChargeLine {
    /// 项目名称
    pub name: String,
    /// 规格
    pub spec: String,
    /// 数量, as text (`2`, `0.5`); for a herbal line, the quantity per dose.
    pub quantity: String,
    /// 付数 of a herbal line: printed as quantity per dose × doses (`10×7付`).
    pub doses: Option<i64>,
    /// 单位
    pub unit: String,
    /// 单价, as text: prices can have more decimals than fen.
    pub unit_price: String,
    /// 金额
    pub amount: Fen,
    /// 费用类别, e.g. 西药费: its lines add up to the category's subtotal.
    pub category: String,
    /// 医保类别 as the price list gave it (甲, 乙, 丙, 自付10%), printed beside the item;
    /// empty when the list gave none.
    pub insurance_class: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategorySubtotal {
    pub category: String,
    pub amount: Fen,
}

/// One payment (or refund) of the receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct Tender {
    /// 支付方式, e.g. 现金, 微信, 支票.
    pub method: String,
    pub amount: Fen,
    /// Transaction or cheque number, bank.
    pub reference: Option<String>,
}

/// The body of a 住院病人预交金收据.
#[derive(Debug, Clone, PartialEq)]
pub struct Deposit {
    /// 姓名 (the patient)
    pub patient_name: String,
    /// 住院号: the temporary inpatient number during an outage.
    pub admission_number: String,
    /// 病区/科室
    pub ward: String,
    /// 预交金额
    pub amount: Fen,
    /// 交款方式, e.g. 现金, 支票.
    pub method: String,
    /// 支票: bank and cheque number.
    pub cheque: Option<Cheque>,
    /// 入院日期
    pub admission_date: String,
    /// 经手人
    pub clerk: String,
    /// 交款人 when a relative pays: name, relationship and phone as printed.
    pub payer: Option<String>,
    /// 本次交款后余额: the deposit balance once this deposit was taken.
    pub balance_after: Option<Fen>,
}

/// The body of a 预交金退款凭证: "兹退还…预交金", how it was paid back, why, who approved
/// it, and what is left of the deposit.
#[derive(Debug, Clone, PartialEq)]
pub struct DepositRefund {
    /// 姓名 (the patient)
    pub patient_name: String,
    /// 住院号: the temporary inpatient number during an outage.
    pub admission_number: String,
    /// 病区/科室
    pub ward: String,
    /// 退款金额
    pub amount: Fen,
    /// 退款方式: how the money went back (现金, 原路退回微信 …); they add up to `amount`.
    pub methods: Vec<Tender>,
    /// 入院日期
    pub admission_date: String,
    /// 退款原因
    pub reason: String,
    /// 经手人
    pub clerk: String,
    /// 审批主管: the supervisor who approved the refund.
    pub supervisor: String,
    /// 退款后余额: the deposit balance once this refund is paid.
    pub balance_after: Fen,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cheque {
    /// 开户银行
    pub bank: String,
    /// 支票号码
    pub number: String,
}

impl ReceiptDoc {
    pub fn kind(&self) -> ReceiptKind {
        match self.body {
            ReceiptBody::Outpatient(_) => ReceiptKind::Outpatient,
            ReceiptBody::Refund { .. } => ReceiptKind::Refund,
            ReceiptBody::Deposit(_) => ReceiptKind::Deposit,
            ReceiptBody::DepositRefund(_) => ReceiptKind::DepositRefund,
        }
    }
}

/// Lays the receipt out for `layout` and returns the PDF file.
pub fn render(doc: &ReceiptDoc, layout: Layout) -> Result<Vec<u8>> {
    let fonts = Fonts::get();
    check::printable(doc, fonts)?;
    check::totals(doc)?;
    let qr = draw::Qr::encode(&doc.qr_payload).ok_or_else(|| {
        invalid!(
            ReceiptQrTooLong,
            format!("二维码内容过长（{} 字节），无法生成二维码", doc.qr_payload.len()),
            format!("The QR payload is too long ({} bytes) for a QR code", doc.qr_payload.len())
        )
    })?;
    let pages = layout::lay_out(fonts, doc, &qr, layout);
    let title = format!("{} {}", doc.kind().title(), doc.receipt_number);
    Ok(draw::write_pdf(fonts, &title, &pages))
}

/// Whether `payload` scans from every paper a receipt is printed on: its code, grown so that
/// no module is smaller than `draw::QR_MODULE_MM`, fits within the most the A5 receipt and
/// the roll give it. A charge whose signed drug lines do not is refused when it is issued.
pub fn qr_fits_paper(payload: &str) -> bool {
    draw::Qr::encode(payload).is_some_and(|qr| [&blocks::A5, &blocks::ROLL].iter().all(|p| qr.side(p.qr) <= p.qr_max))
}

/// `downtime bench`: warm render time of the 8-line [`specimen`] on A5, in microseconds
/// (median, 99th percentile over `n` renders), and the size of the file in bytes.
/// Targets: under 10 ms, under 60 KB.
pub fn bench_render(n: usize) -> (u64, u64, usize) {
    let doc = specimen(ReceiptKind::Outpatient, 8);
    let once = || render(&doc, Layout::A5).expect("the specimen renders (tested)").len();
    let mut bytes = once(); // parses the font
    let mut samples = Vec::with_capacity(n.max(1));
    for _ in 0..n.max(1) {
        let t = Instant::now();
        bytes = once();
        samples.push(t.elapsed().as_micros() as u64);
    }
    samples.sort_unstable();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (pick(0.5), pick(0.99), bytes)
}
