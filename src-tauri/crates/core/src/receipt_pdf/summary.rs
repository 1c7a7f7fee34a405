//! The deposit summary of an admission (住院预交金明细汇总): every deposit, top-up and refund
//! receipt of the admission in a table, then the totals and the balance in capitals and
//! figures. It is handed to the patient or to finance at discharge; it is not a receipt, so
//! it has no receipt number, QR code or COPY mark, but it carries [`OUTAGE_MARK`].
//!
//! Contract:
//! - A voided movement is listed (its number stays used), marked 作废 and struck through,
//!   and counts in no total.
//! - [`render_deposit_summary`] refuses with `receipt_inconsistent` a movement whose kind is
//!   not 预交, 补交 or 退款, and totals or a balance that the movements not voided do not
//!   give (预交 + 补交 = `total_deposited`, 退款 = `total_refunded`, balance = their
//!   difference); with `font_missing_glyph` a character the font lacks.
//! - A5 continues on numbered pages, the table header repeated; the roll is one page.

use super::blocks::{cell, stack, Block, Cell, Ctx};
use super::check::{inconsistent, texts_printable, yuan, Texts};
use super::draw::{baseline, write_pdf, Align, Draw, Ink};
use super::fonts::MM_PER_PT;
use super::layout::{paginate, roll_page};
use super::{Fonts, Layout, OUTAGE_MARK};
use crate::error::Result;
use crate::money::Fen;

const TITLE: &str = "住院预交金明细汇总";

/// What a movement's `kind` may be: deposits and top-ups add to the balance, refunds take
/// from it.
const DEPOSIT_KINDS: [&str; 2] = ["预交", "补交"];
const REFUND_KIND: &str = "退款";

/// The deposit summary as it is printed.
#[derive(Debug, Clone, PartialEq)]
pub struct DepositSummary {
    /// 医院
    pub hospital: String,
    /// 工作站代码 of the station printing it.
    pub station: String,
    /// 住院号: the temporary inpatient number during an outage.
    pub admission_number: String,
    /// 姓名
    pub patient_name: String,
    /// 停机号: the downtime MRN.
    pub downtime_number: String,
    /// 病区/科室
    pub ward: String,
    /// 入院时间, as it should read.
    pub admitted_at: String,
    /// An insured patient admitted as self-pay during the outage, to be converted afterwards.
    pub convert_to_insured: bool,
    /// Every deposit receipt of the admission, voided ones included, in the order issued.
    pub movements: Vec<Movement>,
    /// 预交合计: deposits and top-ups not voided.
    pub total_deposited: Fen,
    /// 退款合计: refunds not voided.
    pub total_refunded: Fen,
    /// 余额 = `total_deposited` - `total_refunded`.
    pub balance: Fen,
    /// 打印时间
    pub printed_at: String,
    /// 打印人
    pub printed_by: String,
}

/// One deposit receipt of the admission.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// 票据号码
    pub receipt_number: String,
    /// 时间, as it should read.
    pub time: String,
    /// 类别: 预交, 补交 or 退款.
    pub kind: String,
    /// 方式, e.g. 现金, 支票, or several joined.
    pub method: String,
    /// The amount of the receipt, positive for a refund too.
    pub amount: Fen,
    /// 作废: listed, but in no total.
    pub voided: bool,
}

impl Movement {
    fn is_refund(&self) -> bool {
        self.kind == REFUND_KIND
    }
}

/// Lays the summary out for `layout` and returns the PDF file.
pub fn render_deposit_summary(doc: &DepositSummary, layout: Layout) -> Result<Vec<u8>> {
    let fonts = Fonts::get();
    texts_printable(&doc.texts(), fonts)?;
    doc.check()?;
    let cx = Ctx::new(fonts, layout);
    let p = cx.p;
    let head = cx.summary_head(doc);
    let rows: Vec<Block> = if doc.movements.is_empty() {
        let none = cx.para("（无预交金记录）", p.body, Ink::Regular, Align::Center, 1);
        vec![none]
    } else {
        (doc.movements.iter().enumerate()).map(|(i, m)| cx.movement_row(i + 1, m)).collect()
    };
    let tail = cx.summary_tail(doc);
    let pages = match p.page_h {
        Some(page_h) => {
            let cont = |rows_go_on| cx.summary_continuation(doc, rows_go_on);
            let footer = |i, n| format!("住院号 {}  第 {i} 页 / 共 {n} 页", doc.admission_number);
            paginate(&cx, page_h, head, rows, tail, &cont, &footer).0
        }
        None => vec![roll_page(p, stack(head.into_iter().chain(rows).chain(tail).collect()))],
    };
    let title = format!("{TITLE} {}", doc.admission_number);
    Ok(write_pdf(fonts, &title, &pages))
}

impl DepositSummary {
    fn texts(&self) -> Vec<Texts<'_>> {
        let mut t = vec![
            ("医院", "hospital", self.hospital.as_str()),
            ("工作站", "station", &self.station),
            ("住院号", "admission number", &self.admission_number),
            ("姓名", "patient name", &self.patient_name),
            ("停机号", "downtime number", &self.downtime_number),
            ("病区/科室", "ward", &self.ward),
            ("入院时间", "admission time", &self.admitted_at),
            ("打印时间", "print time", &self.printed_at),
            ("打印人", "printed by", &self.printed_by),
        ];
        for m in &self.movements {
            t.extend([
                ("票据号码", "receipt number", m.receipt_number.as_str()),
                ("时间", "time", &m.time),
                ("类别", "kind", &m.kind),
                ("方式", "method", &m.method),
            ]);
        }
        t
    }

    /// Every kind is known, and the totals and the balance are those of the movements not
    /// voided.
    fn check(&self) -> Result<()> {
        if let Some((i, m)) = (self.movements.iter().enumerate()).find(|(_, m)| !m.is_refund() && !DEPOSIT_KINDS.contains(&m.kind.as_str()))
        {
            return Err(inconsistent(
                format!(
                    "第 {} 笔（{}）的类别“{}”无法识别：应为 预交、补交 或 退款",
                    i + 1,
                    m.receipt_number,
                    m.kind
                ),
                format!(
                    "Movement {} ({}) is of kind \"{}\"; it must be 预交, 补交 or 退款",
                    i + 1,
                    m.receipt_number,
                    m.kind
                ),
            ));
        }
        let sum = |refund: bool| -> i64 {
            (self.movements.iter())
                .filter(|m| !m.voided && m.is_refund() == refund)
                .map(|m| m.amount.get())
                .sum()
        };
        let (deposited, refunded) = (sum(false), sum(true));
        let totals = [
            ("预交合计", "deposits", deposited, self.total_deposited),
            ("退款合计", "refunds", refunded, self.total_refunded),
            ("余额", "balance", deposited - refunded, self.balance),
        ];
        for (zh, en, expected, stated) in totals {
            if expected != stated.get() {
                return Err(inconsistent(
                    format!("{zh} {stated} 与明细不符：未作废的票据得出 {}", yuan(expected)),
                    format!(
                        "The {en} total {stated} does not match the movements: those not voided give {}",
                        yuan(expected)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The A5 table: (x, width, alignment) of 序号, 票据号码, 时间, 类别, 方式, 金额, 状态.
const A5_COLUMNS: [(f32, f32, Align); 7] = [
    (0.0, 8.0, Align::Center),
    (8.0, 29.0, Align::Left),
    (37.0, 27.0, Align::Left),
    (64.0, 11.0, Align::Center),
    (75.0, 19.0, Align::Left),
    (94.0, 20.0, Align::Right),
    (114.0, 14.0, Align::Center),
];
/// Width of the amount column on the roll.
const ROLL_AMOUNT: f32 = 22.0;

impl Ctx<'_> {
    /// Hospital, title, outage mark, the admission's fields, the table header.
    fn summary_head(&self, doc: &DepositSummary) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![
            self.para(&doc.hospital, p.hospital, Ink::Bold, Align::Center, 2),
            self.para(TITLE, p.title, Ink::Bold, Align::Center, 2),
        ];
        let (d, h) = self.framed(OUTAGE_MARK, p.body + 0.5, Ink::Regular, self.w / 2.0, 0.6);
        blocks.push(Block { h: h + 1.8, draws: d });
        blocks.extend(self.fields(
            &[
                ("住院号", Some(&doc.admission_number)),
                ("姓名", Some(&doc.patient_name)),
                ("停机号", Some(&doc.downtime_number)),
                ("病区/科室", Some(&doc.ward)),
                ("入院时间", Some(&doc.admitted_at)),
                ("工作站", Some(&doc.station)),
            ],
            p.field_cols,
            p.body,
        ));
        if doc.convert_to_insured {
            blocks.push(self.gap(0.8));
            let note = "医保患者：停机期间按自费入院，恢复后转医保";
            blocks.push(self.para(note, p.body + 1.0, Ink::Bold, Align::Left, 2));
        }
        blocks.push(self.gap(1.2));
        blocks.push(self.movements_header());
        blocks
    }

    fn movements_header(&self) -> Block {
        let bold = |c: Cell<'static>| Cell { ink: Ink::Bold, ..c };
        let b = match self.layout {
            Layout::A5 => {
                let titles = ["序号", "票据号码", "时间", "类别", "方式", "金额(元)", "状态"];
                let cells: Vec<Cell> = (A5_COLUMNS.iter().zip(titles))
                    .map(|((x, w, align), t)| bold(cell(*x, *w, t, *align, 1)))
                    .collect();
                self.row(self.p.body, &cells)
            }
            Layout::Roll80 => {
                let left = self.w - ROLL_AMOUNT;
                self.row(
                    self.p.body,
                    &[
                        bold(cell(0.0, left, "票据号码 类别 / 时间 方式", Align::Left, 1)),
                        bold(cell(left, ROLL_AMOUNT, "金额(元)", Align::Right, 1)),
                    ],
                )
            }
        };
        self.ruled(b)
    }

    /// One movement; a refund's amount is negative, a voided one is struck through.
    fn movement_row(&self, n: usize, m: &Movement) -> Block {
        let s = self.p.body;
        let amount = if m.is_refund() {
            format!("-{}", m.amount.plain())
        } else {
            m.amount.plain()
        };
        let status = if m.voided { "作废" } else { "" };
        let (mut b, strike) = match self.layout {
            Layout::A5 => {
                let no = n.to_string();
                let texts = [no.as_str(), &m.receipt_number, &m.time, &m.kind, &m.method, &amount, status];
                let lines = [0, 2, 2, 0, 2, 0, 0];
                let mut cells: Vec<Cell> = (A5_COLUMNS.iter().zip(texts).zip(lines))
                    .map(|(((x, w, align), t), l)| cell(*x, *w, t, *align, l))
                    .collect();
                cells[6].ink = Ink::Bold;
                // The strike runs from the receipt number to the amount, sparing 作废.
                let strike = (A5_COLUMNS[1].0, A5_COLUMNS[5].0 + A5_COLUMNS[5].1);
                (self.row(s, &cells), strike)
            }
            Layout::Roll80 => {
                let left = self.w - ROLL_AMOUNT;
                let first = format!("{}. {}  {}", n, m.receipt_number, m.kind);
                let mut b = self.row(
                    s,
                    &[
                        cell(0.0, left, &first, Align::Left, 2),
                        cell(left, ROLL_AMOUNT, &amount, Align::Right, 0),
                    ],
                );
                let mut detail = format!("{}  {}", m.time, m.method);
                if m.voided {
                    detail.push_str("  【作废，不计入合计】");
                }
                let d = self.row(self.p.small, &[cell(3.0, self.w - 3.0, &detail, Align::Left, 2)]);
                b.draws.extend(d.draws.into_iter().map(|x| x.shifted(0.0, b.h)));
                b.h += d.h;
                (b, (0.0, self.w))
            }
        };
        if m.voided {
            // Through the middle of the first line's characters.
            let y = baseline(0.0, s) - s * 0.35 * MM_PER_PT;
            b.draws.push(Draw::Line {
                x1: strike.0,
                y1: y,
                x2: strike.1,
                y2: y,
                width_pt: 0.8,
            });
        }
        b.h += 0.6;
        b
    }

    /// Totals, the balance in capitals and figures, who printed it and when.
    fn summary_tail(&self, doc: &DepositSummary) -> Vec<Block> {
        let p = self.p;
        let voided = doc.movements.iter().filter(|m| m.voided).count();
        let mut blocks = vec![self.rule(2.0, 0.4)];
        let deposited = doc.total_deposited.to_string();
        let refunded = doc.total_refunded.to_string();
        let voided_text = format!("{voided} 笔（不计入合计）");
        let cols = if self.layout == Layout::A5 {
            vec![54.0, 37.0, 37.0]
        } else {
            self.even_cols(1)
        };
        blocks.extend(self.fields(
            &[
                ("预交合计（预交+补交）", Some(&deposited)),
                ("退款合计", Some(&refunded)),
                ("作废", (voided > 0).then_some(voided_text.as_str())),
            ],
            &cols,
            p.body,
        ));
        blocks.push(self.gap(1.0));
        let capitals = format!("余额（大写）：{}", doc.balance.capitals());
        let figures = format!("余额（小写）：{}", doc.balance);
        blocks.extend(self.amount_in_words_and_figures(&capitals, &figures));
        blocks.push(self.rule(2.4, 0.4));
        blocks.extend(self.fields(
            &[("打印时间", Some(&doc.printed_at)), ("打印人", Some(&doc.printed_by))],
            &self.even_cols(if self.layout == Layout::A5 { 2 } else { 1 }),
            p.body,
        ));
        let note = "本明细不是收费票据；标“作废”的票据不计入合计。出院结算时请携带全部预交金收据。";
        blocks.push(self.gap(0.8));
        blocks.push(self.para(note, p.small, Ink::Regular, Align::Left, 3));
        blocks
    }

    /// The short header of a continuation page, with the table header if rows go on.
    fn summary_continuation(&self, doc: &DepositSummary, rows_go_on: bool) -> Vec<Block> {
        let p = self.p;
        let title = format!("{}  {TITLE}（续页）", doc.hospital);
        let who = format!("{OUTAGE_MARK}  住院号：{}  姓名：{}", doc.admission_number, doc.patient_name);
        let mut blocks = vec![
            self.para(&title, p.body + 1.5, Ink::Bold, Align::Center, 2),
            self.para(&who, p.body, Ink::Regular, Align::Center, 2),
            self.gap(1.5),
        ];
        if rows_go_on {
            blocks.push(self.movements_header());
        }
        blocks
    }
}
