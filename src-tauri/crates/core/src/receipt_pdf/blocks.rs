//! The building blocks of a receipt: horizontal slices (blocks) of the content width, made of
//! cells that wrap or shrink inside their own column, so no text ever runs into its
//! neighbour; and the measures of each kind of paper.

use super::draw::{baseline, line_height, printable, Align, Draw, Ink};
use super::fonts::Fonts;
use super::Layout;

/// Space between a cell's text and the cell's edge, mm.
const PAD: f32 = 0.8;

/// A horizontal slice of the page, `h` mm tall, drawn relative to its own top-left corner.
pub(super) struct Block {
    pub(super) h: f32,
    pub(super) draws: Vec<Draw>,
}

/// One cell of a row: its column and how its text is fitted.
#[derive(Clone, Copy)]
pub(super) struct Cell<'a> {
    pub(super) x: f32,
    pub(super) w: f32,
    pub(super) text: &'a str,
    pub(super) align: Align,
    pub(super) ink: Ink,
    /// Lines the text may wrap onto before it is cut with "…"; 0 = one line, shrunk to fit.
    pub(super) max_lines: usize,
}

pub(super) fn cell(x: f32, w: f32, text: &str, align: Align, max_lines: usize) -> Cell<'_> {
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
pub(super) struct Para {
    pub(super) text: String,
    pub(super) size: f32,
    pub(super) ink: Ink,
    pub(super) max_lines: usize,
    /// Space above it, mm.
    pub(super) gap: f32,
}

pub(super) fn para(text: String, size: f32) -> Para {
    Para {
        text,
        size,
        ink: Ink::Regular,
        max_lines: 3,
        gap: 0.0,
    }
}

/// Sizes and measures of one kind of paper, in mm and pt.
pub(super) struct Paper {
    pub(super) page_w: f32,
    /// `None`: the page grows with the content (roll).
    pub(super) page_h: Option<f32>,
    pub(super) margin_x: f32,
    pub(super) margin_top: f32,
    pub(super) margin_bottom: f32,
    pub(super) body: f32,
    pub(super) small: f32,
    pub(super) hospital: f32,
    pub(super) title: f32,
    pub(super) mark: f32,
    /// The receipt's QR code, in mm: its side for a short payload, and the most it may grow
    /// to for a long one (see [`super::draw::Qr::side`]).
    pub(super) qr: f32,
    pub(super) qr_max: f32,
    /// Widths of the header fields' columns.
    pub(super) field_cols: &'static [f32],
    pub(super) subtotal_cols: usize,
}

pub(super) const A5: Paper = Paper {
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
    // The text beside it keeps 68 mm.
    qr_max: 56.0,
    field_cols: &[38.0, 48.0, 42.0],
    subtotal_cols: 3,
};

pub(super) const ROLL: Paper = Paper {
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
    qr_max: 60.0,
    field_cols: &[69.0],
    subtotal_cols: 2,
};

/// A4 portrait, for report sheets (交班单, 日结, the outage report).
pub(super) const A4: Paper = Paper {
    page_w: 210.0,
    page_h: Some(297.0),
    margin_x: 15.0,
    margin_top: 12.0,
    margin_bottom: 14.0,
    body: 9.5,
    small: 8.0,
    hospital: 14.0,
    title: 17.0,
    mark: 13.0,
    qr: 0.0,
    qr_max: 60.0,
    field_cols: &[90.0, 90.0],
    subtotal_cols: 3,
};

#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    pub(super) f: &'a Fonts,
    pub(super) p: &'static Paper,
    pub(super) layout: Layout,
    /// Content width.
    pub(super) w: f32,
}

impl<'a> Ctx<'a> {
    /// The context of `layout`'s paper: its measures and the width inside its margins.
    pub(super) fn new(f: &'a Fonts, layout: Layout) -> Ctx<'a> {
        let p = match layout {
            Layout::A5 => &A5,
            Layout::Roll80 => &ROLL,
        };
        Ctx {
            f,
            p,
            layout,
            w: p.page_w - 2.0 * p.margin_x,
        }
    }

    /// The context of `paper`, laid out as `layout` lays out its own (a sheet like A5, or a
    /// roll): how report sheets get A4.
    pub(super) fn on_paper(f: &'a Fonts, p: &'static Paper, layout: Layout) -> Ctx<'a> {
        Ctx {
            f,
            p,
            layout,
            w: p.page_w - 2.0 * p.margin_x,
        }
    }

    /// A row of cells, as tall as its tallest cell.
    /// An amount in capitals (大写) and in figures (小写), bold: side by side on A5, one under the
    /// other on the roll.
    pub(super) fn amount_in_words_and_figures(&self, capitals: &str, figures: &str) -> Vec<Block> {
        let p = self.p;
        let big = p.body + 1.5;
        match self.layout {
            Layout::A5 => vec![self.row(
                big,
                &[
                    Cell {
                        ink: Ink::Bold,
                        ..cell(0.0, self.w - 48.0, capitals, Align::Left, 2)
                    },
                    Cell {
                        ink: Ink::Bold,
                        ..cell(self.w - 48.0, 48.0, figures, Align::Right, 0)
                    },
                ],
            )],
            Layout::Roll80 => vec![
                self.para(capitals, p.body + 0.5, Ink::Bold, Align::Left, 3),
                self.para(figures, big, Ink::Bold, Align::Right, 0),
            ],
        }
    }

    pub(super) fn row(&self, size: f32, cells: &[Cell]) -> Block {
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
                0 => (vec![c.text.to_string()], self.f.fit_size(c.text, size, size * 0.6, inner)),
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
    pub(super) fn para(&self, text: &str, size: f32, ink: Ink, align: Align, max_lines: usize) -> Block {
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
    pub(super) fn fields(&self, pairs: &[(&str, Option<&str>)], cols: &[f32], size: f32) -> Vec<Block> {
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

    pub(super) fn even_cols(&self, n: usize) -> Vec<f32> {
        vec![self.w / n as f32; n]
    }

    pub(super) fn gap(&self, h: f32) -> Block {
        Block { h, draws: Vec::new() }
    }

    /// A horizontal rule in the middle of a `h` mm block.
    pub(super) fn rule(&self, h: f32, width_pt: f32) -> Block {
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

    /// A table's column header between a heavy rule above and a light rule below.
    pub(super) fn ruled(&self, mut b: Block) -> Block {
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

    /// Text in a frame, centred at `cx`.
    pub(super) fn framed(&self, text: &str, size: f32, ink: Ink, cx: f32, top: f32) -> (Vec<Draw>, f32) {
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
}

/// Blocks on top of each other as one block.
pub(super) fn stack(blocks: Vec<Block>) -> Block {
    let mut out = Block { h: 0.0, draws: Vec::new() };
    for b in blocks {
        out.draws.extend(b.draws.into_iter().map(|d| d.shifted(0.0, out.h)));
        out.h += b.h;
    }
    out
}
