//! The queue slip (候诊条) handed over at outpatient registration: which department, which
//! number, and the registration fee with the receipt that paid it. It is printed on the 80 mm
//! roll only, and kept short (about 90 mm).
//!
//! Contract:
//! - The queue number is the largest thing on the slip (the patient reads it across the
//!   counter and listens for it), the department next; [`OUTAGE_MARK`] is small but always
//!   there. The number shrinks only if it would not fit the width.
//! - "挂号费 ¥x 已收 收据 N" is printed when the fee was paid by receipt N, "挂号费 ¥x 待收费"
//!   when a fee above zero has no receipt (registrations older than register-and-pay), nothing
//!   about fees for a type without fees.
//! - [`render_queue_slip`] refuses a queue number below 1 (`receipt_inconsistent`) and a
//!   character the font lacks (`font_missing_glyph`). It is not a receipt: no receipt number,
//!   QR code or COPY mark.

use super::blocks::{stack, Block, Ctx};
use super::check::{inconsistent, texts_printable, Texts};
use super::draw::{write_pdf, Align, Draw, Ink};
use super::fonts::MM_PER_PT;
use super::layout::roll_page;
use super::{Fonts, Layout, OUTAGE_MARK};
use crate::error::Result;
use crate::money::Fen;

const TITLE: &str = "门诊候诊条";
/// Sizes in pt: the queue number, "号" after it, the department.
const NUMBER: f32 = 72.0;
const NUMBER_SUFFIX: f32 = 22.0;
const DEPARTMENT: f32 = 20.0;

/// A queue slip as it is printed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSlip {
    /// 医院
    pub hospital: String,
    /// 工作站代码
    pub station: String,
    /// 就诊科室
    pub department: String,
    /// 候诊序号, from 1.
    pub queue_number: i64,
    /// 姓名
    pub patient_name: String,
    /// 停机号: the downtime MRN.
    pub downtime_number: String,
    /// 号别, as the hospital names it (普通号, 主任医师号 …).
    pub registration_type: String,
    /// 医生; empty when the registration is not for a named doctor.
    pub doctor: String,
    /// 就诊日期
    pub visit_date: String,
    /// 挂号时间
    pub registered_at: String,
    /// 挂号费 (zero for a type without fees).
    pub fee: Fen,
    /// The receipt that paid the fee.
    pub fee_receipt: Option<String>,
    /// A short notice, e.g. "请在候诊区等候叫号，过号请到分诊台重新排队。".
    pub notice: String,
}

/// Lays the slip out on the 80 mm roll and returns the PDF file.
pub fn render_queue_slip(doc: &QueueSlip) -> Result<Vec<u8>> {
    let fonts = Fonts::get();
    texts_printable(&doc.texts(), fonts)?;
    if doc.queue_number < 1 {
        return Err(inconsistent(
            format!("候诊号 {} 无效：应从 1 开始", doc.queue_number),
            format!("Queue number {} is invalid: numbers start at 1", doc.queue_number),
        ));
    }
    let cx = Ctx::new(fonts, Layout::Roll80);
    let page = roll_page(cx.p, stack(cx.slip_blocks(doc)));
    let title = format!("{TITLE} {} {}", doc.department, doc.queue_number);
    Ok(write_pdf(fonts, &title, &[page]))
}

impl QueueSlip {
    fn texts(&self) -> Vec<Texts<'_>> {
        vec![
            ("医院", "hospital", self.hospital.as_str()),
            ("工作站", "station", &self.station),
            ("科室", "department", &self.department),
            ("姓名", "patient name", &self.patient_name),
            ("停机号", "downtime number", &self.downtime_number),
            ("号别", "registration type", &self.registration_type),
            ("医生", "doctor", &self.doctor),
            ("就诊日期", "visit date", &self.visit_date),
            ("挂号时间", "registration time", &self.registered_at),
            ("提示", "notice", &self.notice),
            ("收据号", "receipt number", self.fee_receipt.as_deref().unwrap_or("")),
        ]
    }
}

impl Ctx<'_> {
    fn slip_blocks(&self, doc: &QueueSlip) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![
            self.para(&doc.hospital, p.body + 1.0, Ink::Bold, Align::Center, 2),
            self.para(TITLE, p.body + 1.0, Ink::Regular, Align::Center, 1),
        ];
        let (d, h) = self.framed(OUTAGE_MARK, p.small - 0.5, Ink::Regular, self.w / 2.0, 0.4);
        blocks.push(Block { h: h + 0.8, draws: d });
        blocks.push(self.rule(2.0, 0.8));
        blocks.push(self.para(&doc.department, DEPARTMENT, Ink::Bold, Align::Center, 2));
        let kind = match doc.doctor.trim() {
            "" => format!("号别：{}", doc.registration_type),
            doctor => format!("号别：{}    医生：{doctor}", doc.registration_type),
        };
        blocks.push(self.para(&kind, p.body + 1.5, Ink::Regular, Align::Center, 2));
        blocks.push(self.gap(1.0));
        blocks.push(self.para("候诊序号", p.small, Ink::Regular, Align::Center, 1));
        blocks.push(self.queue_number(doc.queue_number));
        blocks.push(self.rule(2.0, 0.8));
        blocks.extend(self.fields(
            &[
                ("姓名", Some(&doc.patient_name)),
                ("停机号", Some(&doc.downtime_number)),
                ("就诊日期", Some(&doc.visit_date)),
                ("挂号时间", Some(&doc.registered_at)),
            ],
            &[31.0, 38.0],
            p.body,
        ));
        if doc.fee > Fen::ZERO {
            let fee = match &doc.fee_receipt {
                Some(no) => format!("挂号费 {} 已收 收据 {no}", doc.fee),
                None => format!("挂号费 {} 待收费", doc.fee),
            };
            let (d, h) = self.framed(&fee, p.body + 3.0, Ink::Bold, self.w / 2.0, 1.2);
            blocks.push(Block { h: h + 2.0, draws: d });
        }
        if !doc.notice.trim().is_empty() {
            blocks.push(self.gap(0.8));
            blocks.push(self.para(&doc.notice, p.small, Ink::Regular, Align::Left, 4));
        }
        blocks.push(self.para(&format!("工作站 {}", doc.station), p.small, Ink::Regular, Align::Right, 1));
        blocks
    }

    /// The number very large and "号" after it on the same baseline, centred. The block is
    /// as tall as the digits (not a full line of 72 pt), so the slip stays short.
    fn queue_number(&self, n: i64) -> Block {
        let number = n.to_string();
        let suffix_w = self.f.width_mm("号", NUMBER_SUFFIX);
        let room = self.w - suffix_w - 2.0;
        let size = self.f.fit_size(&number, NUMBER, 18.0, room);
        let number_w = self.f.width_mm(&number, size);
        let x = (self.w - number_w - suffix_w) / 2.0;
        // Digits stand about 0.72 em above the baseline.
        let digits_h = size * 0.74 * MM_PER_PT;
        let y = digits_h + 1.0;
        let draws = vec![
            Draw::Text {
                x,
                y,
                size,
                ink: Ink::Bold,
                angle: 0.0,
                text: number,
            },
            Draw::Text {
                x: x + number_w,
                y,
                size: NUMBER_SUFFIX,
                ink: Ink::Bold,
                angle: 0.0,
                text: "号".to_string(),
            },
        ];
        Block { h: y + 2.0, draws }
    }
}
