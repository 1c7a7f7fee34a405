//! What a charge receipt shows, as blocks at the content width: title and marks, the header
//! fields, the item table, totals in capitals and figures, payments and the closing part with
//! the notice and the QR code (the title and the closing part serve every receipt).

use super::blocks::{cell, para, stack, Block, Cell, Ctx, Para};
use super::draw::{Align, Ink, Qr};
use super::{ChargeLine, Charges, Layout, ReceiptDoc, OUTAGE_MARK};
use crate::money::Fen;

impl Ctx<'_> {
    /// Hospital, title, outage mark, and the COPY / 作废 marks.
    pub(super) fn title_blocks(&self, doc: &ReceiptDoc) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.para(&doc.hospital, p.hospital, Ink::Bold, Align::Center, 2)];
        let mut title = self.para(doc.kind().title(), p.title, Ink::Bold, Align::Center, 2);
        let marks = marks(doc);
        if self.layout == Layout::A5 {
            // The marks flank the title, big and framed: 作废 on the left, COPY on the right.
            for m in &marks {
                let w = self.f.width_mm(m, p.mark);
                let cx = if *m == VOID { w / 2.0 + 2.0 } else { self.w - w / 2.0 - 2.0 };
                let (d, h) = self.framed(m, p.mark, Ink::Bold, cx, 0.0);
                title.draws.extend(d);
                title.h = title.h.max(h);
            }
            blocks.push(title);
        } else {
            blocks.push(title);
            for m in &marks {
                let (d, h) = self.framed(m, p.mark, Ink::Bold, self.w / 2.0, 0.8);
                blocks.push(Block { h: h + 1.6, draws: d });
            }
        }
        let (d, h) = self.framed(OUTAGE_MARK, p.body + 0.5, Ink::Regular, self.w / 2.0, 0.6);
        blocks.push(Block { h: h + 1.8, draws: d });
        blocks
    }

    pub(super) fn charges_head(&self, doc: &ReceiptDoc, c: &Charges, original: Option<&str>) -> Vec<Block> {
        let mut blocks = self.title_blocks(doc);
        let ins = c.insurance.as_ref();
        blocks.extend(self.fields(
            &[
                ("票据号码", Some(&doc.receipt_number)),
                ("开具时间", Some(&doc.issued_at)),
                ("工作站", Some(&doc.station)),
                ("交款人", Some(&c.payer_name)),
                ("性别/年龄", c.sex_age.as_deref()),
                ("身份证号", c.masked_id.as_deref()),
                ("停机号", Some(&c.downtime_number)),
                ("科室", Some(&c.department)),
                ("医生", c.doctor.as_deref()),
                ("医保类型", ins.map(|i| i.kind.as_str())),
                ("医保号", ins.and_then(|i| i.number.as_deref())),
                ("纸质票据号", doc.paper_number.as_deref()),
                ("原票据号码", original),
            ],
            self.p.field_cols,
            self.p.body,
        ));
        blocks
    }

    /// The column header of the item table, between a heavy and a light rule.
    pub(super) fn table_header(&self) -> Block {
        let s = self.p.body;
        let b = match self.layout {
            Layout::A5 => {
                let c = a5_columns();
                let titles = ["序号", "项目名称", "规格", "医保", "数量", "单位", "单价", "金额(元)"];
                let cells: Vec<Cell> = c
                    .iter()
                    .zip(titles)
                    .map(|((x, w, align), t)| Cell {
                        ink: Ink::Bold,
                        ..cell(*x, *w, t, *align, 1)
                    })
                    .collect();
                self.row(s, &cells)
            }
            Layout::Roll80 => self.row(
                s,
                &[
                    Cell {
                        ink: Ink::Bold,
                        ..cell(0.0, self.w - 22.0, "项目名称 / 规格 数量×单价", Align::Left, 1)
                    },
                    Cell {
                        ink: Ink::Bold,
                        ..cell(self.w - 22.0, 22.0, "金额(元)", Align::Right, 1)
                    },
                ],
            ),
        };
        self.ruled(b)
    }

    pub(super) fn item_row(&self, n: usize, l: &ChargeLine) -> Block {
        let s = self.p.body;
        let amount = l.amount.plain();
        match self.layout {
            Layout::A5 => {
                let c = a5_columns();
                let no = n.to_string();
                let quantity = match l.doses {
                    Some(d) => format!("{}×{d}付", l.quantity),
                    None => l.quantity.clone(),
                };
                let texts = [
                    no.as_str(),
                    &l.name,
                    &l.spec,
                    &l.insurance_class,
                    &quantity,
                    &l.unit,
                    &l.unit_price,
                    &amount,
                ];
                // Names wrap onto three lines, specs, insurance classes and units onto two;
                // numbers shrink.
                let lines = [0, 3, 2, 2, 0, 2, 0, 0];
                let cells: Vec<Cell> = c
                    .iter()
                    .zip(texts)
                    .zip(lines)
                    .map(|(((x, w, align), t), m)| cell(*x, *w, t, *align, m))
                    .collect();
                let mut b = self.row(s, &cells);
                b.h += 0.5;
                b
            }
            Layout::Roll80 => {
                let mut b = self.row(
                    s,
                    &[
                        cell(0.0, self.w - 22.0, &l.name, Align::Left, 3),
                        cell(self.w - 22.0, 22.0, &amount, Align::Right, 0),
                    ],
                );
                let class = if l.insurance_class.is_empty() {
                    String::new()
                } else {
                    format!("医保{}", l.insurance_class)
                };
                let quantity = match l.doses {
                    Some(d) => format!("{}{}×{d}付", l.quantity, l.unit),
                    None => format!("{}{}", l.quantity, l.unit),
                };
                let detail = [l.spec.trim(), &format!("{quantity} × {}", l.unit_price), &class]
                    .iter()
                    .filter(|t| !t.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("  ");
                let d = self.row(self.p.small, &[cell(3.0, self.w - 3.0, &detail, Align::Left, 2)]);
                b.draws.extend(d.draws.into_iter().map(|x| x.shifted(0.0, b.h)));
                b.h += d.h + 0.8;
                b
            }
        }
    }

    /// Subtotals, totals in capitals and figures, payments, signatures, notice, QR.
    pub(super) fn charges_tail(&self, doc: &ReceiptDoc, c: &Charges, refund: bool, qr: &Qr) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.gap(1.0)];
        blocks.push(self.para("分类小计", p.body, Ink::Bold, Align::Left, 1));
        let subtotals: Vec<(String, String)> = c.subtotals.iter().map(|s| (s.category.clone(), s.amount.to_string())).collect();
        let pairs: Vec<(&str, Option<&str>)> = subtotals.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
        blocks.extend(self.fields(&pairs, &self.even_cols(p.subtotal_cols), p.body));
        blocks.push(self.rule(2.0, 0.4));

        let (label, figures) = if refund {
            ("退费合计", "退费合计（小写）")
        } else {
            ("合计", "合计（小写）")
        };
        let capitals = format!("{label}（大写）：{}", c.total.capitals());
        let figures = format!("{figures}：{}", c.total);
        blocks.extend(self.amount_in_words_and_figures(&capitals, &figures));
        // During an outage every patient pays as self-pay (个人自费): the fund and the
        // personal account pay nothing, and the insured are re-settled afterwards.
        if !refund {
            let (zero, all) = (Fen::ZERO.to_string(), c.total.to_string());
            let cols = if self.layout == Layout::A5 {
                self.even_cols(3)
            } else {
                self.even_cols(1)
            };
            blocks.extend(self.fields(
                &[
                    ("医保统筹支付", Some(&zero)),
                    ("个人账户支付", Some(&zero)),
                    ("个人现金支付", Some(&all)),
                ],
                &cols,
                p.body,
            ));
        }
        let tenders: Vec<String> = c
            .tenders
            .iter()
            .map(|t| match &t.reference {
                Some(r) => format!("{} {}（{}）", t.method, t.amount, r),
                None => format!("{} {}", t.method, t.amount),
            })
            .collect();
        let (method_label, people_label) = if refund {
            ("退款方式", "经办人")
        } else {
            ("支付方式", "收款人")
        };
        let mut left = vec![para(format!("{method_label}：{}", tenders.join("；")), p.body)];
        // The cash handed over and the change on a line of their own: the tenders say what
        // was applied to this receipt.
        if let Some(handed) = c.cash_tendered.filter(|_| c.change != Fen::ZERO) {
            left.push(para(format!("实收现金：{handed}　找零：{}", c.change), p.body));
        }
        left.push(para(format!("{people_label}：{}", c.cashier), p.body));
        left.push(para(format!("收款单位（盖章）：{}", doc.hospital), p.body));
        left.extend(self.remarks_and_signatures(doc));
        if let Some(note) = &c.due_note {
            left.push(Para {
                ink: Ink::Bold,
                gap: 0.8,
                ..para(note.clone(), p.body + 0.5)
            });
        }
        blocks.extend(self.tail(left, doc, qr));
        blocks
    }

    /// The closing part: on A5 `left` and the notice beside the QR code, on the roll all
    /// stacked and the QR code centred under them with the receipt number.
    pub(super) fn tail(&self, mut paras: Vec<Para>, doc: &ReceiptDoc, qr: &Qr) -> Vec<Block> {
        let p = self.p;
        if !doc.notice.trim().is_empty() {
            paras.push(Para {
                max_lines: 4,
                gap: 1.0,
                ..para(doc.notice.clone(), p.small)
            });
        }
        let side = qr.side(p.qr);
        let text_w = match self.layout {
            Layout::A5 => self.w - side - 4.0,
            Layout::Roll80 => self.w,
        };
        let narrow = Ctx { w: text_w, ..*self };
        let mut text: Vec<Block> = Vec::new();
        for q in paras {
            text.push(self.gap(q.gap));
            text.push(narrow.para(&q.text, q.size, q.ink, Align::Left, q.max_lines));
        }
        match self.layout {
            Layout::A5 => {
                let mut b = stack(text);
                b.draws.push(qr.draw(self.w - side, 1.0, side));
                b.h = b.h.max(side + 2.0);
                vec![self.gap(1.0), b]
            }
            Layout::Roll80 => {
                // The code's quiet zone (four modules) kept clear above and below.
                text.push(self.gap(3.0));
                text.push(Block {
                    h: side + 3.0,
                    draws: vec![qr.draw((self.w - side) / 2.0, 0.0, side)],
                });
                text.push(self.para(&doc.receipt_number, p.small, Ink::Regular, Align::Center, 1));
                text
            }
        }
    }
}

impl Ctx<'_> {
    /// The document's remarks, bold (what happened to it, why), then its signature lines with
    /// room to sign.
    pub(super) fn remarks_and_signatures(&self, doc: &ReceiptDoc) -> Vec<Para> {
        let p = self.p;
        let mut out: Vec<Para> = doc
            .remarks
            .iter()
            .map(|r| Para {
                ink: Ink::Bold,
                max_lines: 3,
                ..para(r.clone(), p.body)
            })
            .collect();
        let date = if self.layout == Layout::A5 { "　日期：__________" } else { "" };
        out.extend(doc.signatures.iter().map(|s| Para {
            gap: 2.5,
            ..para(format!("{s}：________________{date}"), p.body)
        }));
        out
    }
}

/// The A5 item table: (x, width, alignment) of 序号, 项目名称, 规格, 医保 (类别), 数量, 单位,
/// 单价, 金额.
fn a5_columns() -> [(f32, f32, Align); 8] {
    let widths = [8.0, 37.0, 20.0, 9.0, 12.0, 9.0, 14.0, 19.0];
    let aligns = [
        Align::Center,
        Align::Left,
        Align::Left,
        Align::Center,
        Align::Right,
        Align::Center,
        Align::Right,
        Align::Right,
    ];
    let mut x = 0.0;
    let mut out = [(0.0, 0.0, Align::Left); 8];
    for i in 0..8 {
        out[i] = (x, widths[i], aligns[i]);
        x += widths[i];
    }
    out
}

const COPY: &str = "副本 COPY";
pub(super) const VOID: &str = "作废";

pub(super) fn marks(doc: &ReceiptDoc) -> Vec<&'static str> {
    let mut m = Vec::new();
    if doc.voided {
        m.push(VOID);
    }
    if doc.copy {
        m.push(COPY);
    }
    m
}
