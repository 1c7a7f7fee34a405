//! Where everything goes. A receipt is a column of blocks (header, item rows, totals, tail),
//! each laid out at the content width and never overlapping the next. A5 stacks them on
//! pages of fixed height, starting a new page (with a short header and the table header
//! again) when the next block does not fit; the roll is one page as tall as its blocks.

use super::draw::{baseline, line_height, printable, Align, Draw, Ink, Page, Qr};
use super::fonts::Fonts;
use super::{Charges, Deposit, Layout, ReceiptBody, ReceiptDoc, OUTAGE_MARK};

/// Space between a cell's text and the cell's edge, mm.
const PAD: f32 = 0.8;

/// A horizontal slice of the page, `h` mm tall, drawn relative to its own top-left corner.
pub(crate) struct Block {
    pub h: f32,
    pub draws: Vec<Draw>,
}

/// One cell of a row: its column and how its text is fitted.
#[derive(Clone, Copy)]
struct Cell<'a> {
    x: f32,
    w: f32,
    text: &'a str,
    align: Align,
    ink: Ink,
    /// Lines the text may wrap onto before it is cut with "…"; 0 = one line, shrunk to fit.
    max_lines: usize,
}

fn cell(x: f32, w: f32, text: &str, align: Align, max_lines: usize) -> Cell<'_> {
    Cell {
        x,
        w,
        text,
        align,
        ink: Ink::Regular,
        max_lines,
    }
}

/// A paragraph of the closing part, laid out once its width is known.
struct Para {
    text: String,
    size: f32,
    ink: Ink,
    max_lines: usize,
    /// Space above it, mm.
    gap: f32,
}

fn para(text: String, size: f32) -> Para {
    Para {
        text,
        size,
        ink: Ink::Regular,
        max_lines: 3,
        gap: 0.0,
    }
}

/// Sizes and measures of one kind of paper, in mm and pt.
struct Paper {
    page_w: f32,
    /// `None`: the page grows with the content (roll).
    page_h: Option<f32>,
    margin_x: f32,
    margin_top: f32,
    margin_bottom: f32,
    body: f32,
    small: f32,
    hospital: f32,
    title: f32,
    mark: f32,
    qr: f32,
    /// Widths of the header fields' columns.
    field_cols: &'static [f32],
    subtotal_cols: usize,
}

const A5: Paper = Paper {
    page_w: 148.0,
    page_h: Some(210.0),
    margin_x: 10.0,
    margin_top: 9.0,
    margin_bottom: 12.0,
    body: 8.5,
    small: 7.5,
    hospital: 13.0,
    title: 16.0,
    mark: 13.0,
    qr: 24.0,
    field_cols: &[38.0, 48.0, 42.0],
    subtotal_cols: 3,
};

const ROLL: Paper = Paper {
    page_w: 72.0,
    page_h: None,
    margin_x: 1.5,
    margin_top: 3.0,
    margin_bottom: 8.0,
    body: 8.0,
    small: 7.0,
    hospital: 10.5,
    title: 13.0,
    mark: 13.0,
    qr: 30.0,
    field_cols: &[69.0],
    subtotal_cols: 2,
};

struct Ctx<'a> {
    f: &'a Fonts,
    p: &'static Paper,
    layout: Layout,
    /// Content width.
    w: f32,
}

impl Ctx<'_> {
    /// A row of cells, as tall as its tallest cell.
    fn row(&self, size: f32, cells: &[Cell]) -> Block {
        let lh = line_height(size);
        let mut draws = Vec::new();
        let mut lines_max = 1;
        for c in cells {
            let inner = (c.w - 2.0 * PAD).max(1.0);
            let text = printable(c.text);
            let c = Cell { text: &text, ..*c };
            // Numbers shrink to fit, down to 60 %; text shrinks by up to 15 % before it wraps.
            let nominal = size;
            let (lines, size) = match c.max_lines {
                0 => (
                    vec![c.text.to_string()],
                    self.f.fit_size(c.text, size, size * 0.6, inner),
                ),
                _ => match self.f.fit_size(c.text, size, size * 0.85, inner) {
                    s if self.f.width_mm(c.text, s) <= inner => (vec![c.text.to_string()], s),
                    _ => (self.f.wrap(c.text, size, inner, c.max_lines), size),
                },
            };
            lines_max = lines_max.max(lines.len());
            for (i, text) in lines.into_iter().enumerate() {
                let tw = self.f.width_mm(&text, size);
                let x = match c.align {
                    Align::Left => c.x + PAD,
                    Align::Center => c.x + (c.w - tw) / 2.0,
                    Align::Right => c.x + c.w - PAD - tw,
                };
                // A shrunk line keeps the row's baseline.
                let y = baseline(i as f32 * lh, nominal);
                draws.push(Draw::Text {
                    x,
                    y,
                    size,
                    ink: c.ink,
                    angle: 0.0,
                    text,
                });
            }
        }
        Block {
            h: lines_max as f32 * lh,
            draws,
        }
    }

    /// A paragraph across the whole width.
    fn para(&self, text: &str, size: f32, ink: Ink, align: Align, max_lines: usize) -> Block {
        self.row(
            size,
            &[Cell {
                x: 0.0,
                w: self.w,
                text,
                align,
                ink,
                max_lines,
            }],
        )
    }

    /// "label：value" pairs in the paper's field columns; pairs without a value are left out.
    fn fields(&self, pairs: &[(&str, Option<&str>)], cols: &[f32], size: f32) -> Vec<Block> {
        let texts: Vec<String> = pairs
            .iter()
            .filter_map(|(label, value)| value.map(|v| format!("{label}：{v}")))
            .collect();
        texts
            .chunks(cols.len())
            .map(|chunk| {
                let mut x = 0.0;
                let cells: Vec<Cell> = chunk
                    .iter()
                    .zip(cols)
                    .map(|(t, w)| {
                        let c = cell(x, *w, t, Align::Left, 3);
                        x += w;
                        c
                    })
                    .collect();
                self.row(size, &cells)
            })
            .collect()
    }

    fn even_cols(&self, n: usize) -> Vec<f32> {
        vec![self.w / n as f32; n]
    }

    fn gap(&self, h: f32) -> Block {
        Block {
            h,
            draws: Vec::new(),
        }
    }

    /// A horizontal rule in the middle of a `h` mm block.
    fn rule(&self, h: f32, width_pt: f32) -> Block {
        let y = h / 2.0;
        Block {
            h,
            draws: vec![Draw::Line {
                x1: 0.0,
                y1: y,
                x2: self.w,
                y2: y,
                width_pt,
            }],
        }
    }

    /// Text in a frame, centred at `cx`.
    fn framed(&self, text: &str, size: f32, ink: Ink, cx: f32, top: f32) -> (Vec<Draw>, f32) {
        let tw = self.f.width_mm(text, size);
        let (pad_x, pad_y) = (size * 0.18, size * 0.06);
        let h = line_height(size) + 2.0 * pad_y;
        let x = cx - tw / 2.0;
        let draws = vec![
            Draw::Frame {
                x: x - pad_x,
                y: top,
                w: tw + 2.0 * pad_x,
                h,
                width_pt: if ink == Ink::Bold { 1.2 } else { 0.6 },
            },
            Draw::Text {
                x,
                y: baseline(top + pad_y, size),
                size,
                ink,
                angle: 0.0,
                text: text.to_string(),
            },
        ];
        (draws, h)
    }

    /// Hospital, title, outage mark, and the COPY / 作废 marks.
    fn title_blocks(&self, doc: &ReceiptDoc) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.para(&doc.hospital, p.hospital, Ink::Bold, Align::Center, 2)];
        let mut title = self.para(doc.kind().title(), p.title, Ink::Bold, Align::Center, 2);
        let marks = marks(doc);
        if self.layout == Layout::A5 {
            // The marks flank the title, big and framed.
            for (i, m) in marks.iter().enumerate() {
                let w = self.f.width_mm(m, p.mark);
                let cx = if i == 0 && marks.len() == 2 || m == &VOID {
                    w / 2.0 + 2.0
                } else {
                    self.w - w / 2.0 - 2.0
                };
                let (d, h) = self.framed(m, p.mark, Ink::Bold, cx, 0.0);
                title.draws.extend(d);
                title.h = title.h.max(h);
            }
            blocks.push(title);
        } else {
            blocks.push(title);
            for m in &marks {
                let (d, h) = self.framed(m, p.mark, Ink::Bold, self.w / 2.0, 0.8);
                blocks.push(Block {
                    h: h + 1.6,
                    draws: d,
                });
            }
        }
        let (d, h) = self.framed(OUTAGE_MARK, p.body + 0.5, Ink::Regular, self.w / 2.0, 0.6);
        blocks.push(Block {
            h: h + 1.8,
            draws: d,
        });
        blocks
    }

    fn charges_head(&self, doc: &ReceiptDoc, c: &Charges, original: Option<&str>) -> Vec<Block> {
        let mut blocks = self.title_blocks(doc);
        let ins = c.insurance.as_ref();
        blocks.extend(self.fields(
            &[
                ("票据号码", Some(&doc.receipt_number)),
                ("开具时间", Some(&doc.issued_at)),
                ("工作站", Some(&doc.station)),
                ("交款人", Some(&c.payer_name)),
                ("身份证号", c.masked_id.as_deref()),
                ("停机号", Some(&c.downtime_number)),
                ("科室", Some(&c.department)),
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

    /// The column header of the item table, and a function laying out one item.
    fn table_header(&self) -> Block {
        let s = self.p.body;
        let mut b = match self.layout {
            Layout::A5 => {
                let c = a5_columns();
                let titles = [
                    "序号",
                    "项目名称",
                    "规格",
                    "数量",
                    "单位",
                    "单价",
                    "金额(元)",
                ];
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
                        ..cell(
                            0.0,
                            self.w - 22.0,
                            "项目名称 / 规格 数量×单价",
                            Align::Left,
                            1,
                        )
                    },
                    Cell {
                        ink: Ink::Bold,
                        ..cell(self.w - 22.0, 22.0, "金额(元)", Align::Right, 1)
                    },
                ],
            ),
        };
        b.h += 0.8;
        let y = b.h;
        b.draws.extend([
            Draw::Line {
                x1: 0.0,
                y1: 0.0,
                x2: self.w,
                y2: 0.0,
                width_pt: 0.8,
            },
            Draw::Line {
                x1: 0.0,
                y1: y,
                x2: self.w,
                y2: y,
                width_pt: 0.4,
            },
        ]);
        b.h += 0.6;
        b
    }

    fn item_row(&self, n: usize, l: &super::ChargeLine) -> Block {
        let s = self.p.body;
        let amount = l.amount.plain();
        match self.layout {
            Layout::A5 => {
                let c = a5_columns();
                let no = n.to_string();
                let texts = [
                    no.as_str(),
                    &l.name,
                    &l.spec,
                    &l.quantity,
                    &l.unit,
                    &l.unit_price,
                    &amount,
                ];
                // Names wrap onto three lines, specs and units onto two; numbers shrink.
                let lines = [0, 3, 2, 0, 2, 0, 0];
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
                let detail = [
                    l.spec.trim(),
                    &format!("{}{} × {}", l.quantity, l.unit, l.unit_price),
                ]
                .iter()
                .filter(|t| !t.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("  ");
                let d = self.row(
                    self.p.small,
                    &[cell(3.0, self.w - 3.0, &detail, Align::Left, 2)],
                );
                b.draws
                    .extend(d.draws.into_iter().map(|x| x.shifted(0.0, b.h)));
                b.h += d.h + 0.8;
                b
            }
        }
    }

    /// Subtotals, totals in capitals and figures, payments, signatures, notice, QR.
    fn charges_tail(&self, doc: &ReceiptDoc, c: &Charges, refund: bool, qr: &Qr) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.gap(1.0)];
        blocks.push(self.para("分类小计", p.body, Ink::Bold, Align::Left, 1));
        let subtotals: Vec<(String, String)> = c
            .subtotals
            .iter()
            .map(|s| (s.category.clone(), s.amount.to_string()))
            .collect();
        let pairs: Vec<(&str, Option<&str>)> = subtotals
            .iter()
            .map(|(k, v)| (k.as_str(), Some(v.as_str())))
            .collect();
        blocks.extend(self.fields(&pairs, &self.even_cols(p.subtotal_cols), p.body));
        blocks.push(self.rule(2.0, 0.4));

        let (label, figures) = if refund {
            ("退费合计", "退费合计（小写）")
        } else {
            ("合计", "合计（小写）")
        };
        let capitals = format!("{label}（大写）：{}", c.total.capitals());
        let figures = format!("{figures}：{}", c.total);
        let big = p.body + 1.5;
        match self.layout {
            Layout::A5 => blocks.push(self.row(
                big,
                &[
                    Cell {
                        ink: Ink::Bold,
                        ..cell(0.0, self.w - 48.0, &capitals, Align::Left, 2)
                    },
                    Cell {
                        ink: Ink::Bold,
                        ..cell(self.w - 48.0, 48.0, &figures, Align::Right, 0)
                    },
                ],
            )),
            Layout::Roll80 => {
                blocks.push(self.para(&capitals, p.body + 0.5, Ink::Bold, Align::Left, 3));
                blocks.push(self.para(&figures, big, Ink::Bold, Align::Right, 0));
            }
        }
        if !refund {
            let (zero, all) = (crate::Fen::ZERO.to_string(), c.total.to_string());
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
        let mut left = vec![para(
            format!("{method_label}：{}", tenders.join("；")),
            p.body,
        )];
        if !refund || c.change != crate::Fen::ZERO {
            left.push(para(format!("找零：{}", c.change), p.body));
        }
        left.push(para(format!("{people_label}：{}", c.cashier), p.body));
        left.push(para(format!("收款单位（盖章）：{}", doc.hospital), p.body));
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

    fn deposit_blocks(&self, doc: &ReceiptDoc, d: &Deposit, qr: &Qr) -> Vec<Block> {
        let p = self.p;
        let mut blocks = self.title_blocks(doc);
        blocks.extend(self.fields(
            &[
                ("收据号码", Some(&doc.receipt_number)),
                ("开具时间", Some(&doc.issued_at)),
                ("工作站", Some(&doc.station)),
                ("住院号", Some(&d.admission_number)),
                ("姓名", Some(&d.patient_name)),
                ("病区/科室", Some(&d.ward)),
                ("入院日期", Some(&d.admission_date)),
                ("纸质票据号", doc.paper_number.as_deref()),
            ],
            p.field_cols,
            p.body,
        ));
        blocks.push(self.rule(2.4, 0.8));
        let sentence = format!(
            "兹收到 {} 住院预交金 人民币（大写）{}（小写 {}）",
            d.patient_name,
            d.amount.capitals(),
            d.amount
        );
        blocks.push(self.para(&sentence, p.body + 2.0, Ink::Bold, Align::Left, 4));
        blocks.push(self.gap(1.0));
        let cheque = d.cheque.as_ref();
        let cols = if self.layout == Layout::A5 {
            A5.field_cols.to_vec()
        } else {
            self.even_cols(1)
        };
        blocks.extend(self.fields(
            &[
                ("交款方式", Some(&d.method)),
                ("开户银行", cheque.map(|c| c.bank.as_str())),
                ("支票号码", cheque.map(|c| c.number.as_str())),
            ],
            &cols,
            p.body,
        ));
        blocks.push(self.rule(2.4, 0.4));
        let left = vec![
            para(format!("经手人：{}", d.clerk), p.body),
            para(format!("收款单位（盖章）：{}", doc.hospital), p.body),
        ];
        blocks.extend(self.tail(left, doc, qr));
        blocks
    }

    /// The closing part: on A5 `left` and the notice beside the QR code, on the roll all
    /// stacked and the QR code centred under them with the receipt number.
    fn tail(&self, mut paras: Vec<Para>, doc: &ReceiptDoc, qr: &Qr) -> Vec<Block> {
        let p = self.p;
        paras.push(Para {
            max_lines: 4,
            gap: 1.0,
            ..para(doc.notice.clone(), p.small)
        });
        let text_w = match self.layout {
            Layout::A5 => self.w - p.qr - 4.0,
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
                b.draws.push(qr.draw(self.w - p.qr, 1.0, p.qr));
                b.h = b.h.max(p.qr + 2.0);
                vec![self.gap(1.0), b]
            }
            Layout::Roll80 => {
                text.push(self.gap(2.0));
                text.push(Block {
                    h: p.qr + 0.5,
                    draws: vec![qr.draw((self.w - p.qr) / 2.0, 0.0, p.qr)],
                });
                text.push(self.para(&doc.receipt_number, p.small, Ink::Regular, Align::Center, 1));
                text
            }
        }
    }
}

/// Blocks on top of each other as one block.
fn stack(blocks: Vec<Block>) -> Block {
    let mut out = Block {
        h: 0.0,
        draws: Vec::new(),
    };
    for b in blocks {
        out.draws
            .extend(b.draws.into_iter().map(|d| d.shifted(0.0, out.h)));
        out.h += b.h;
    }
    out
}

/// The A5 item table: (x, width, alignment) of 序号, 项目名称, 规格, 数量, 单位, 单价, 金额.
fn a5_columns() -> [(f32, f32, Align); 7] {
    let widths = [8.0, 42.0, 24.0, 12.0, 9.0, 14.0, 19.0];
    let aligns = [
        Align::Center,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Center,
        Align::Right,
        Align::Right,
    ];
    let mut x = 0.0;
    let mut out = [(0.0, 0.0, Align::Left); 7];
    for i in 0..7 {
        out[i] = (x, widths[i], aligns[i]);
        x += widths[i];
    }
    out
}

const COPY: &str = "副本 COPY";
const VOID: &str = "作废";

fn marks(doc: &ReceiptDoc) -> Vec<&'static str> {
    let mut m = Vec::new();
    if doc.voided {
        m.push(VOID);
    }
    if doc.copy {
        m.push(COPY);
    }
    m
}

/// The pages of the receipt.
pub(crate) fn lay_out(f: &Fonts, doc: &ReceiptDoc, qr: &Qr, layout: Layout) -> Vec<Page> {
    let p = match layout {
        Layout::A5 => &A5,
        Layout::Roll80 => &ROLL,
    };
    let cx = Ctx {
        f,
        p,
        layout,
        w: p.page_w - 2.0 * p.margin_x,
    };
    // head, then the item rows (which repeat the table header on a new page), then the rest.
    let (head, rows, tail) = match &doc.body {
        ReceiptBody::Outpatient(c) | ReceiptBody::Refund { charges: c, .. } => {
            let (original, refund) = match &doc.body {
                ReceiptBody::Refund {
                    original_receipt, ..
                } => (Some(original_receipt.as_str()), true),
                _ => (None, false),
            };
            let mut head = cx.charges_head(doc, c, original);
            head.push(cx.gap(1.2));
            head.push(cx.table_header());
            let rows = c
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| cx.item_row(i + 1, l))
                .collect();
            (head, rows, cx.charges_tail(doc, c, refund, qr))
        }
        ReceiptBody::Deposit(d) => (cx.deposit_blocks(doc, d, qr), Vec::new(), Vec::new()),
    };
    // Where a 作废 stamp goes on each page: over the item rows, never over the QR code.
    let (mut pages, regions) = match p.page_h {
        Some(page_h) => paginate(&cx, doc, page_h, head, rows, tail),
        None => {
            let (head_h, rows_h): (f32, f32) = (
                head.iter().map(|b| b.h).sum(),
                rows.iter().map(|b| b.h).sum(),
            );
            let all = stack(head.into_iter().chain(rows).chain(tail).collect());
            let h = p.margin_top + all.h + p.margin_bottom;
            let region = if rows_h > 0.0 {
                (p.margin_top + head_h, p.margin_top + head_h + rows_h)
            } else {
                (p.margin_top, h - p.margin_bottom - p.qr - 6.0)
            };
            let draws = all
                .draws
                .into_iter()
                .map(|d| d.shifted(p.margin_x, p.margin_top))
                .collect();
            (
                vec![Page {
                    w: p.page_w,
                    h,
                    draws,
                }],
                vec![region],
            )
        }
    };
    if doc.voided {
        for (page, region) in pages.iter_mut().zip(regions) {
            stamp_void(&cx, page, region);
        }
    }
    pages
}

/// The A5 pages, and on each the vertical range a 作废 stamp should cover: the item rows
/// placed there, or else everything above the closing block with the QR code.
fn paginate(
    cx: &Ctx,
    doc: &ReceiptDoc,
    page_h: f32,
    head: Vec<Block>,
    rows: Vec<Block>,
    tail: Vec<Block>,
) -> (Vec<Page>, Vec<(f32, f32)>) {
    let p = cx.p;
    let bottom = page_h - p.margin_bottom;
    let top = p.margin_top;
    let first_row = head.len();
    let n_rows = rows.len();
    let blocks: Vec<Block> = head.into_iter().chain(rows).chain(tail).collect();
    let mut pages: Vec<Vec<Draw>> = vec![Vec::new()];
    let mut regions: Vec<(Option<(f32, f32)>, f32)> = vec![(None, top)];
    let mut y = top;
    let place = |pages: &mut Vec<Vec<Draw>>, y: &mut f32, b: Block| {
        let page = pages.last_mut().expect("one page at least");
        page.extend(b.draws.into_iter().map(|d| d.shifted(p.margin_x, *y)));
        *y += b.h;
    };
    let cont_h = continuation_height(cx, doc);
    for (i, b) in blocks.into_iter().enumerate() {
        // A block that does not fit goes to a new page, unless the page holds nothing else.
        if i >= first_row && y + b.h > bottom && y > top + cont_h + 1.0 {
            pages.push(Vec::new());
            regions.push((None, top));
            y = top;
            for c in continuation(cx, doc, i < first_row + n_rows) {
                place(&mut pages, &mut y, c);
            }
        }
        let region = regions.last_mut().expect("one page at least");
        if (first_row..first_row + n_rows).contains(&i) {
            let r = region.0.get_or_insert((y, y));
            r.1 = y + b.h;
        }
        region.1 = y;
        place(&mut pages, &mut y, b);
    }
    let n = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut draws)| {
            let footer = format!("{}  第 {} 页 / 共 {} 页", doc.receipt_number, i + 1, n);
            let b = cx.para(&footer, p.small, Ink::Regular, Align::Center, 1);
            draws.extend(
                b.draws
                    .into_iter()
                    .map(|d| d.shifted(p.margin_x, bottom + 3.0)),
            );
            Page {
                w: p.page_w,
                h: page_h,
                draws,
            }
        })
        .collect();
    let regions = regions
        .into_iter()
        .map(|(rows, last_top)| rows.unwrap_or((top, last_top)))
        .collect();
    (pages, regions)
}

/// The short header of a continuation page (续页), with the table header if items go on.
fn continuation(cx: &Ctx, doc: &ReceiptDoc, items_go_on: bool) -> Vec<Block> {
    let p = cx.p;
    let mut title = format!("{}  {}（续页）", doc.hospital, doc.kind().title());
    for m in marks(doc) {
        title.push_str(&format!("  【{m}】"));
    }
    let mut blocks = vec![
        cx.para(&title, p.body + 1.5, Ink::Bold, Align::Center, 2),
        cx.para(
            &format!("{OUTAGE_MARK}  票据号码：{}", doc.receipt_number),
            p.body,
            Ink::Regular,
            Align::Center,
            2,
        ),
        cx.gap(1.5),
    ];
    if items_go_on {
        blocks.push(cx.table_header());
    }
    blocks
}

fn continuation_height(cx: &Ctx, doc: &ReceiptDoc) -> f32 {
    continuation(cx, doc, true).iter().map(|b| b.h).sum()
}

/// A large outlined "作废" centred on the range `(from, to)` of the page, repeated every
/// 120 mm down a long range; smaller where the range is short.
fn stamp_void(cx: &Ctx, page: &mut Page, (from, to): (f32, f32)) {
    let full: f32 = if cx.layout == Layout::A5 { 72.0 } else { 40.0 };
    let angle: f32 = 30.0;
    let (sin, cos) = angle.to_radians().sin_cos();
    let span = (to - from).max(20.0);
    // The rotated text's height is about (width · sin + height · cos); keep it inside the range.
    let per_pt = (cx.f.width_mm(VOID, 1.0) * sin + 0.8 * super::fonts::MM_PER_PT * cos).max(0.01);
    let size = full.min(span.min(120.0) * 1.3 / per_pt).max(24.0);
    let w = cx.f.width_mm(VOID, size);
    let h = size * 0.8 * super::fonts::MM_PER_PT;
    let n = (span / 120.0).ceil().max(1.0) as usize;
    for i in 0..n {
        let (cx_, cy) = (
            page.w / 2.0,
            from + span * (2 * i + 1) as f32 / (2 * n) as f32,
        );
        // Start of the baseline so that the rotated text is centred on (cx_, cy).
        let x = cx_ - (w / 2.0 * cos - h / 2.0 * sin);
        let y = cy + (w / 2.0 * sin + h / 2.0 * cos);
        page.draws.push(Draw::Text {
            x,
            y,
            size,
            ink: Ink::Outline,
            angle,
            text: VOID.to_string(),
        });
    }
}
