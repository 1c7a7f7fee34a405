//! Report sheets (报表): the handover sheet (交班单) and the day and outage reports, on A4 or the
//! 80 mm roll. The caller describes the sheet as plain values ([`Sheet`]: header fields, then
//! sections of tables, label–value pairs, notes and charts); this module decides where they go.
//!
//! Contract:
//! - Every text is checked for glyphs first (`font_missing_glyph`); nothing is computed here
//!   but the geometry: amounts arrive as text, chart values as fen.
//! - A4 continues on numbered pages, each after the first headed by `running_head`; a
//!   section's heading never ends a page on its own. The roll is one page as long as needed.
//! - A table keeps its columns on A4. On the roll a table of more than `ROLL_COLUMNS` columns
//!   is written row by row: the first cell in bold, the others as "title：value" beneath.
//! - Charts are vectors (filled rectangles, lines and text), see `chart.rs`.
//! - The sheet ends with the journal anchor, then the signature lines.

use super::blocks::{cell, stack, Block, Cell, Ctx, A4, ROLL};
use super::check::{texts_printable, Texts};
use super::draw::{write_pdf, Align, Draw, Ink};
use super::layout::{paginate, roll_page};
use super::{Fonts, Layout};
use crate::error::Result;

/// The paper of a report sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetLayout {
    /// A4 portrait, 210 × 297 mm.
    A4,
    /// 80 mm thermal roll (72 mm printable).
    Roll80,
}

/// Most columns a table keeps on the roll.
const ROLL_COLUMNS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub hospital: String,
    /// e.g. 交班单（Z 报表·交班）
    pub title: String,
    /// Framed under the title, e.g. HIS 停机应急期间.
    pub mark: String,
    /// Printed again: 副本 COPY, framed beside the title.
    pub copy: bool,
    /// Header fields (label, value).
    pub fields: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// The journal position and when it was printed.
    pub anchor: String,
    /// Who signs, e.g. 收费员, 接收主管.
    pub signatures: Vec<String>,
    /// Heads every page after the first.
    pub running_head: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub items: Vec<Item>,
    /// On A4, this section and the next share the width, side by side (small ones only:
    /// the pair is never split across pages).
    pub beside_next: bool,
}

impl Section {
    pub fn new(heading: impl Into<String>, items: Vec<Item>) -> Section {
        Section {
            heading: heading.into(),
            items,
            beside_next: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Table(Table),
    /// Label and value lines; `strong` ones in bold.
    Pairs(Vec<Pair>),
    Note {
        text: String,
        strong: bool,
    },
    /// Money per hour, up and (given back) down: (hour label, taken fen, given back fen).
    HourBars {
        caption: String,
        hours: Vec<(String, i64, i64)>,
    },
    /// Money per method as horizontal bars: (method, fen).
    MethodBars {
        caption: String,
        methods: Vec<(String, i64)>,
    },
    /// Signed amounts (differences) as horizontal bars either side of a zero line: (label, fen).
    SignedBars {
        caption: String,
        rows: Vec<(String, i64)>,
    },
    /// A QR code of `payload`, `size` mm square, centred, with `caption` under it (a return
    /// slip's signed code).
    Qr {
        payload: String,
        size: f32,
        caption: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub label: String,
    pub value: String,
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// The last row is a total: bold, ruled above.
    pub total_row: bool,
    /// Printed instead of an empty table.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    /// Share of the width.
    pub weight: f32,
    /// Numbers are right-aligned and shrink rather than wrap.
    pub numeric: bool,
}

impl Column {
    pub fn text(title: &str, weight: f32) -> Column {
        Column {
            title: title.into(),
            weight,
            numeric: false,
        }
    }
    pub fn number(title: &str, weight: f32) -> Column {
        Column {
            title: title.into(),
            weight,
            numeric: true,
        }
    }
}

/// Lays the sheet out and returns the PDF file.
pub fn render_sheet(sheet: &Sheet, layout: SheetLayout) -> Result<Vec<u8>> {
    let fonts = Fonts::get();
    texts_printable(&sheet.texts(), fonts)?;
    let cx = match layout {
        SheetLayout::A4 => Ctx::on_paper(fonts, &A4, Layout::A5),
        SheetLayout::Roll80 => Ctx::on_paper(fonts, &ROLL, Layout::Roll80),
    };
    let head = cx.sheet_head(sheet);
    let mut body = Vec::new();
    let mut sections = sheet.sections.iter().peekable();
    while let Some(s) = sections.next() {
        match sections.peek() {
            Some(next) if s.beside_next && cx.layout != Layout::Roll80 => {
                body.push(cx.side_by_side(s, next)?);
                sections.next();
            }
            _ => body.extend(cx.section(s)?),
        }
    }
    let tail = cx.sheet_tail(sheet);
    let pages = match cx.p.page_h {
        Some(page_h) => {
            let cont = |_| {
                vec![
                    cx.para(&sheet.running_head, cx.p.body, Ink::Bold, Align::Left, 2),
                    cx.rule(2.0, 0.4),
                ]
            };
            let footer = |i, n| format!("{}  第 {i} 页 / 共 {n} 页", sheet.title);
            paginate(&cx, page_h, head, body, tail, &cont, &footer).0
        }
        None => vec![roll_page(cx.p, stack(head.into_iter().chain(body).chain(tail).collect()))],
    };
    Ok(write_pdf(fonts, &sheet.title, &pages))
}

impl Sheet {
    fn texts(&self) -> Vec<Texts<'_>> {
        let mut t: Vec<Texts> = vec![
            ("医院", "hospital", self.hospital.as_str()),
            ("标题", "title", &self.title),
            ("标记", "mark", &self.mark),
            ("流水位置", "journal anchor", &self.anchor),
            ("页眉", "running head", &self.running_head),
        ];
        for (label, value) in &self.fields {
            t.push(("表头", "header field", label));
            t.push(("表头", "header field", value));
        }
        for s in &self.signatures {
            t.push(("签字", "signature", s));
        }
        for s in &self.sections {
            t.push(("栏目", "section", &s.heading));
            for item in &s.items {
                match item {
                    Item::Table(table) => {
                        t.extend(table.columns.iter().map(|c| ("表格", "table", c.title.as_str())));
                        t.extend(table.rows.iter().flatten().map(|c| ("表格", "table", c.as_str())));
                        t.push(("表格", "table", &table.empty));
                    }
                    Item::Pairs(pairs) => {
                        for p in pairs {
                            t.push(("项目", "item", &p.label));
                            t.push(("项目", "item", &p.value));
                        }
                    }
                    Item::Note { text, .. } => t.push(("说明", "note", text)),
                    Item::HourBars { caption, hours } => {
                        t.push(("图表", "chart", caption));
                        t.extend(hours.iter().map(|h| ("图表", "chart", h.0.as_str())));
                    }
                    Item::MethodBars { caption, methods } => {
                        t.push(("图表", "chart", caption));
                        t.extend(methods.iter().map(|m| ("图表", "chart", m.0.as_str())));
                    }
                    Item::SignedBars { caption, rows } => {
                        t.push(("图表", "chart", caption));
                        t.extend(rows.iter().map(|m| ("图表", "chart", m.0.as_str())));
                    }
                    Item::Qr { caption, .. } => t.push(("二维码", "code", caption)),
                }
            }
        }
        t
    }
}

impl Ctx<'_> {
    fn sheet_head(&self, sheet: &Sheet) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.para(&sheet.hospital, p.hospital, Ink::Bold, Align::Center, 2)];
        let mut title = self.para(&sheet.title, p.title, Ink::Bold, Align::Center, 2);
        if sheet.copy {
            let copy = "副本 COPY";
            if self.layout == Layout::Roll80 {
                blocks.push(title);
                let (d, h) = self.framed(copy, p.mark, Ink::Bold, self.w / 2.0, 0.8);
                title = Block { h: h + 1.6, draws: d };
            } else {
                let w = self.f.width_mm(copy, p.mark);
                let (d, h) = self.framed(copy, p.mark, Ink::Bold, self.w - w / 2.0 - 2.0, 0.0);
                title.draws.extend(d);
                title.h = title.h.max(h);
            }
        }
        blocks.push(title);
        if !sheet.mark.is_empty() {
            let (d, h) = self.framed(&sheet.mark, p.body + 0.5, Ink::Regular, self.w / 2.0, 0.6);
            blocks.push(Block { h: h + 1.8, draws: d });
        }
        let fields: Vec<(&str, Option<&str>)> = sheet.fields.iter().map(|(l, v)| (l.as_str(), Some(v.as_str()))).collect();
        let cols = if self.layout == Layout::Roll80 {
            self.even_cols(1)
        } else {
            self.even_cols(2)
        };
        blocks.extend(self.fields(&fields, &cols, p.body));
        blocks.push(self.gap(1.5));
        blocks
    }

    fn sheet_tail(&self, sheet: &Sheet) -> Vec<Block> {
        let p = self.p;
        let mut blocks = vec![self.rule(3.0, 0.4), self.para(&sheet.anchor, p.small, Ink::Regular, Align::Left, 3)];
        blocks.push(self.gap(if self.layout == Layout::Roll80 { 5.0 } else { 8.0 }));
        let per_row = if self.layout == Layout::Roll80 { 1 } else { 3 };
        for chunk in sheet.signatures.chunks(per_row) {
            let w = self.w / per_row as f32;
            let texts: Vec<String> = chunk.iter().map(|s| format!("{s}签字：")).collect();
            let cells: Vec<Cell> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| cell(i as f32 * w, w, t, Align::Left, 1))
                .collect();
            let mut b = self.row(p.body + 0.5, &cells);
            // The line to sign on, after the label.
            for (i, t) in texts.iter().enumerate() {
                let x = i as f32 * w + self.f.width_mm(t, p.body + 0.5) + 1.5;
                b.draws.push(Draw::Line {
                    x1: x,
                    y1: b.h,
                    x2: (i + 1) as f32 * w - 4.0,
                    y2: b.h,
                    width_pt: 0.5,
                });
            }
            b.h += if self.layout == Layout::Roll80 { 7.0 } else { 4.0 };
            blocks.push(b);
        }
        blocks
    }

    /// The section's blocks; its heading is joined to the first one so that it never ends a
    /// page alone.
    fn section(&self, s: &Section) -> Result<Vec<Block>> {
        let p = self.p;
        let heading = self.para(&s.heading, p.body + 1.5, Ink::Bold, Align::Left, 2);
        let mut blocks = Vec::new();
        for item in &s.items {
            match item {
                Item::Table(t) => blocks.extend(self.table(t)),
                Item::Pairs(pairs) => blocks.extend(self.pairs(pairs)),
                Item::Note { text, strong } => {
                    let ink = if *strong { Ink::Bold } else { Ink::Regular };
                    blocks.push(self.para(text, p.body, ink, Align::Left, 8));
                }
                Item::HourBars { caption, hours } => blocks.push(self.hour_chart(caption, hours)),
                Item::MethodBars { caption, methods } => blocks.push(self.method_chart(caption, methods)),
                Item::SignedBars { caption, rows } => blocks.push(self.signed_chart(caption, rows)),
                Item::Qr { payload, size, caption } => {
                    let qr = super::draw::Qr::encode(payload).ok_or_else(|| {
                        crate::error::invalid!(
                            ReceiptQrTooLong,
                            format!("二维码内容过长（{} 字节），无法生成二维码", payload.len()),
                            format!("The QR payload is too long ({} bytes) for a QR code", payload.len())
                        )
                    })?;
                    // Grown with a long payload (no module under `QR_MODULE_MM`), at most
                    // the width there is; quiet zone above and below.
                    let side = qr.side(*size).min(self.w - 4.0);
                    blocks.push(self.gap(3.0));
                    blocks.push(Block {
                        h: side + 3.0,
                        draws: vec![qr.draw((self.w - side) / 2.0, 0.0, side)],
                    });
                    blocks.push(self.para(caption, p.small, Ink::Regular, Align::Center, 2));
                }
            }
            blocks.push(self.gap(1.0));
        }
        let mut first = stack(vec![self.gap(2.0), heading, self.gap(0.8)]);
        if !blocks.is_empty() {
            let b = blocks.remove(0);
            first = stack(vec![first, b]);
        }
        blocks.insert(0, first);
        Ok(blocks)
    }

    /// Two sections in two columns, as one block.
    fn side_by_side(&self, left: &Section, right: &Section) -> Result<Block> {
        let gap = 8.0;
        let half = Ctx {
            w: (self.w - gap) / 2.0,
            ..*self
        };
        let (l, r) = (stack(half.section(left)?), stack(half.section(right)?));
        let mut draws = l.draws;
        draws.extend(r.draws.into_iter().map(|d| d.shifted(half.w + gap, 0.0)));
        Ok(Block { h: l.h.max(r.h), draws })
    }

    fn pairs(&self, pairs: &[Pair]) -> Vec<Block> {
        let s = self.p.body;
        let (label_w, value_w) = if self.layout == Layout::Roll80 || self.w < 100.0 {
            (self.w - 26.0, 26.0)
        } else {
            (self.w * 0.45, 40.0)
        };
        pairs
            .iter()
            .map(|pair| {
                let ink = if pair.strong { Ink::Bold } else { Ink::Regular };
                let numeric = pair.value.starts_with('¥') || pair.value.starts_with("-¥");
                let (align, lines) = if numeric { (Align::Right, 0) } else { (Align::Left, 4) };
                // Text (a reason, a name) gets the room a number does not need.
                let label_w = if numeric { label_w } else { label_w.min(self.w * 0.4) };
                let value_w = if numeric { value_w } else { self.w - label_w };
                self.row(
                    s,
                    &[
                        Cell {
                            ink,
                            ..cell(0.0, label_w, &pair.label, Align::Left, 3)
                        },
                        Cell {
                            ink,
                            ..cell(label_w, value_w, &pair.value, align, lines)
                        },
                    ],
                )
            })
            .collect()
    }

    fn table(&self, t: &Table) -> Vec<Block> {
        let s = self.p.body;
        if t.rows.is_empty() {
            return vec![self.para(&t.empty, s, Ink::Regular, Align::Left, 2)];
        }
        if self.layout == Layout::Roll80 && t.columns.len() > ROLL_COLUMNS {
            return self.stacked_rows(t);
        }
        let total: f32 = t.columns.iter().map(|c| c.weight).sum();
        let mut x = 0.0;
        let xs: Vec<(f32, f32)> = t
            .columns
            .iter()
            .map(|c| {
                let w = self.w * c.weight / total;
                x += w;
                (x - w, w)
            })
            .collect();
        let cells = |texts: &[String], ink: Ink| -> Block {
            let cells: Vec<Cell> = t
                .columns
                .iter()
                .zip(&xs)
                .zip(texts)
                .map(|((c, (x, w)), text)| {
                    let (align, lines) = if c.numeric { (Align::Right, 0) } else { (Align::Left, 3) };
                    Cell {
                        ink,
                        ..cell(*x, *w, text, align, lines)
                    }
                })
                .collect();
            self.row(s, &cells)
        };
        let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let mut blocks = vec![self.ruled(cells(&titles, Ink::Bold))];
        for (i, r) in t.rows.iter().enumerate() {
            let last = i + 1 == t.rows.len();
            if last && t.total_row {
                let b = cells(r, Ink::Bold);
                let mut draws: Vec<Draw> = b.draws.into_iter().map(|d| d.shifted(0.0, 0.8)).collect();
                draws.push(Draw::Line {
                    x1: 0.0,
                    y1: 0.4,
                    x2: self.w,
                    y2: 0.4,
                    width_pt: 0.4,
                });
                blocks.push(Block { h: b.h + 0.8, draws });
            } else {
                let mut b = cells(r, Ink::Regular);
                b.h += 0.3;
                blocks.push(b);
            }
        }
        // The column titles never end a page without a row under them.
        let first_row = blocks.remove(1);
        let titles = blocks.remove(0);
        blocks.insert(0, stack(vec![titles, first_row]));
        blocks
    }

    /// A wide table on the roll: each row as its first cell in bold and the others beneath.
    fn stacked_rows(&self, t: &Table) -> Vec<Block> {
        let s = self.p.body;
        let mut blocks = vec![self.rule(1.2, 0.6)];
        for (i, r) in t.rows.iter().enumerate() {
            let ink = if t.total_row && i + 1 == t.rows.len() {
                Ink::Bold
            } else {
                Ink::Regular
            };
            let first = r.first().map(String::as_str).unwrap_or("");
            let mut parts = vec![self.para(first, s, Ink::Bold, Align::Left, 3)];
            let rest: Vec<String> = t
                .columns
                .iter()
                .zip(r)
                .skip(1)
                .filter(|(_, v)| !v.is_empty())
                .map(|(c, v)| format!("{}：{v}", c.title))
                .collect();
            let detail = self.row(
                s - 0.5,
                &[Cell {
                    ink,
                    ..cell(3.0, self.w - 3.0, &rest.join("  "), Align::Left, 6)
                }],
            );
            parts.push(detail);
            parts.push(self.rule(1.2, 0.2));
            blocks.push(stack(parts));
        }
        blocks
    }
}
