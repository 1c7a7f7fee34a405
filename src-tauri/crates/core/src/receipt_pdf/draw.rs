//! Drawing primitives in millimetres from the top-left corner of the page, text fitting
//! (measure, wrap, shrink), the QR code as filled rectangles, and the translation of it all
//! into a printpdf document with the font subset to the glyphs used.

use super::fonts::{Fonts, Which, MM_PER_PT};
use printpdf::{
    Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, TextItem,
    TextMatrix, TextRenderingMode, WindingOrder,
};
use std::borrow::Cow;

/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Where the baseline sits below the top of a line, as a multiple of the font size.
const BASELINE: f32 = 1.0;
pub(crate) const ELLIPSIS: char = '…';

/// Text as it will be printed: control characters (line breaks, tabs) become spaces.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Height of one line of text at `size` points, in mm.
pub(crate) fn line_height(size: f32) -> f32 {
    size * LEADING * MM_PER_PT
}

/// The baseline of the first line below `top`, in mm.
pub(crate) fn baseline(top: f32, size: f32) -> f32 {
    top + size * BASELINE * MM_PER_PT
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ink {
    Regular,
    /// The glyphs filled and stroked: bold without a second font.
    Bold,
    /// Only the outline, for the large 作废 stamp that must not hide what is under it.
    Outline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draw {
    /// `x` is the left end of the text, `y` its baseline; `angle` in degrees, anticlockwise.
    Text {
        x: f32,
        y: f32,
        size: f32,
        ink: Ink,
        angle: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width_pt: f32,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width_pt: f32,
    },
    /// Filled rectangles `[x, y, w, h]`, drawn as one path.
    Fill {
        rects: Vec<[f32; 4]>,
    },
    /// Filled rectangles in a shade of grey (0 black, 1 white): the bars of a chart.
    Shade {
        rects: Vec<[f32; 4]>,
        grey: f32,
    },
}

impl Draw {
    pub(crate) fn shifted(mut self, dx: f32, dy: f32) -> Draw {
        match &mut self {
            Draw::Text { x, y, .. } | Draw::Frame { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Draw::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Draw::Fill { rects } | Draw::Shade { rects, .. } => rects.iter_mut().for_each(|r| {
                r[0] += dx;
                r[1] += dy;
            }),
        }
        self
    }
}

/// One page: its size in mm and what is drawn on it.
pub(crate) struct Page {
    pub w: f32,
    pub h: f32,
    pub draws: Vec<Draw>,
}

impl Fonts {
    /// Splits `text` into lines no wider than `width` mm at `size` pt. Lines break between
    /// two characters where one is CJK or after a space, never inside a run of Latin letters
    /// and digits (a date, an amount, a number) unless the run alone is wider than the line.
    /// Beyond `max_lines` the last line is cut and ends with "…".
    pub(crate) fn wrap(&self, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
        let chars: Vec<char> = printable(text).trim().chars().collect();
        let mut lines: Vec<String> = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            // The longest prefix of what is left that fits (at least one character).
            let mut end = start + 1;
            let mut w = self.width_mm(&chars[start].to_string(), size);
            while end < chars.len() {
                let next = w + self.width_mm(&chars[end].to_string(), size);
                if next > width {
                    break;
                }
                w = next;
                end += 1;
            }
            if end < chars.len() {
                if let Some(b) = (start + 1..=end).rev().find(|i| may_break(chars[i - 1], chars[*i])) {
                    end = b;
                }
            }
            lines.push(chars[start..end].iter().collect::<String>().trim_end().to_string());
            start = end;
            while start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            let last = lines.last_mut().expect("max_lines > 0");
            while !last.is_empty() && self.width_mm(&format!("{last}{ELLIPSIS}"), size) > width {
                last.pop();
            }
            last.push(ELLIPSIS);
        }
        lines
    }

    /// The largest size from `size` down to `min` at which `text` fits `width` mm on one line.
    pub(crate) fn fit_size(&self, text: &str, size: f32, min: f32, width: f32) -> f32 {
        let natural = self.width_mm(text, size);
        if natural <= width {
            size
        } else {
            (size * width / natural * 0.999).max(min)
        }
    }
}

/// Whether a line may break between `a` and `b`: after a space or next to CJK text, but not
/// inside a run of Latin letters and digits, after an opening bracket or before closing
/// punctuation (the basic rules of Chinese line breaking, 避头尾).
fn may_break(a: char, b: char) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || ".,:;-/()%¥*×+'\"".contains(c);
    if "（《“‘([【".contains(a) || "）》”’，。；：、！？)]】…".contains(b) {
        return false;
    }
    a == ' ' || !(word(a) && word(b))
}

/// The smallest module (one square of a QR code) printed, in mm: a little over 3 pixels of a
/// page scanned at 200 dpi and 3 dots of a 203 dpi thermal head. Smaller modules (a long
/// payload in a fixed 24 mm code: under 2 pixels at 200 dpi) decode only some of the time.
pub(crate) const QR_MODULE_MM: f32 = 0.4;

/// A QR code's modules, ready to be drawn at any size.
pub(crate) struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// `None` when the payload does not fit in a QR code (error correction level M).
    pub(crate) fn encode(payload: &str) -> Option<Qr> {
        let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Some(Qr { width: code.width(), dark })
    }

    /// The side of the code on paper, in mm: `base`, grown with the payload so that no module
    /// is smaller than [`QR_MODULE_MM`].
    pub(crate) fn side(&self, base: f32) -> f32 {
        base.max(self.width as f32 * QR_MODULE_MM)
    }

    /// The code `size` mm square with its top-left corner at (`x`, `y`); each run of dark
    /// modules in a row is one rectangle.
    pub(crate) fn draw(&self, x: f32, y: f32, size: f32) -> Draw {
        let m = size / self.width as f32;
        let mut rects = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if !self.dark[row * self.width + col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < self.width && self.dark[row * self.width + col] {
                    col += 1;
                }
                rects.push([x + start as f32 * m, y + row as f32 * m, (col - start) as f32 * m, m]);
            }
        }
        Draw::Fill { rects }
    }
}

fn pt(mm: f32) -> Pt {
    Pt(mm / MM_PER_PT)
}

/// One path of filled rectangles.
fn filled(rects: &[[f32; 4]], at: &dyn Fn(f32, f32) -> Point) -> Op {
    Op::DrawPolygon {
        polygon: Polygon {
            rings: rects
                .iter()
                .map(|[x, y, w, h]| PolygonRing {
                    points: [at(*x, *y), at(x + w, *y), at(x + w, y + h), at(*x, y + h)]
                        .into_iter()
                        .map(|p| LinePoint { p, bezier: false })
                        .collect(),
                })
                .collect(),
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    }
}

fn grey_color(grey: f32) -> printpdf::Color {
    printpdf::Color::Greyscale(printpdf::Greyscale {
        percent: grey,
        icc_profile: None,
    })
}

/// The PDF file of `pages`, with the font subset to the glyphs used.
pub(crate) fn write_pdf(fonts: &Fonts, title: &str, pages: &[Page]) -> Vec<u8> {
    let mut doc = PdfDocument::new(title);
    let font = PdfFontHandle::External(doc.add_font(&fonts.regular));
    // The fallback (rare characters) is added only to documents that use it.
    let needs_fallback = pages.iter().flat_map(|p| &p.draws).any(|d| match d {
        Draw::Text { text, .. } => text.chars().any(|c| fonts.which(c) == Some(Which::Fallback)),
        _ => false,
    });
    let fallback = needs_fallback.then(|| PdfFontHandle::External(doc.add_font(&fonts.fallback().font)));
    let pdf_pages = pages
        .iter()
        .map(|page| {
            let mut ops = Vec::new();
            let at = |x: f32, y: f32| Point {
                x: pt(x),
                y: pt(page.h - y),
            };
            for d in &page.draws {
                match d {
                    Draw::Text {
                        x,
                        y,
                        size,
                        ink,
                        angle,
                        text,
                    } => {
                        let mode = match ink {
                            Ink::Regular => TextRenderingMode::Fill,
                            Ink::Bold => TextRenderingMode::FillStroke,
                            Ink::Outline => TextRenderingMode::Stroke,
                        };
                        let stroke = if *ink == Ink::Outline { 0.8 } else { size * 0.035 };
                        // One text section per run of one font, each starting where the
                        // previous one ended (along the text's direction).
                        let (sin, cos) = angle.to_radians().sin_cos();
                        let mut along = 0.0;
                        for (which, run) in fonts.runs(text) {
                            let p = at(x + along * cos, y - along * sin);
                            let face = match (which, &fallback) {
                                (Which::Fallback, Some(f)) => f.clone(),
                                _ => font.clone(),
                            };
                            // The fallback is a Mincho with thin strokes: outlined a little, it
                            // matches the weight of the sans-serif text around it.
                            let (mode, stroke) = match (which, mode) {
                                (Which::Fallback, TextRenderingMode::Fill) => (TextRenderingMode::FillStroke, size * 0.03),
                                _ => (mode, stroke),
                            };
                            ops.extend([
                                Op::SetOutlineThickness { pt: Pt(stroke) },
                                Op::StartTextSection,
                                Op::SetFont {
                                    font: face,
                                    size: Pt(*size),
                                },
                                Op::SetTextRenderingMode { mode },
                                Op::SetTextMatrix {
                                    matrix: if *angle == 0.0 {
                                        TextMatrix::Translate(p.x, p.y)
                                    } else {
                                        TextMatrix::TranslateRotate(p.x, p.y, *angle)
                                    },
                                },
                                Op::ShowText {
                                    items: vec![TextItem::Text(run.to_string())],
                                },
                                Op::EndTextSection,
                            ]);
                            along += fonts.width_mm(run, *size);
                        }
                    }
                    Draw::Line { x1, y1, x2, y2, width_pt } => ops.extend([
                        Op::SetOutlineThickness { pt: Pt(*width_pt) },
                        Op::DrawLine {
                            line: Line {
                                points: [at(*x1, *y1), at(*x2, *y2)]
                                    .into_iter()
                                    .map(|p| LinePoint { p, bezier: false })
                                    .collect(),
                                is_closed: false,
                            },
                        },
                    ]),
                    Draw::Frame { x, y, w, h, width_pt } => ops.extend([
                        Op::SetOutlineThickness { pt: Pt(*width_pt) },
                        Op::DrawLine {
                            line: Line {
                                points: [at(*x, *y), at(x + w, *y), at(x + w, y + h), at(*x, y + h)]
                                    .into_iter()
                                    .map(|p| LinePoint { p, bezier: false })
                                    .collect(),
                                is_closed: true,
                            },
                        },
                    ]),
                    Draw::Fill { rects } => ops.push(filled(rects, &at)),
                    Draw::Shade { rects, grey } => ops.extend([
                        Op::SetFillColor { col: grey_color(*grey) },
                        filled(rects, &at),
                        Op::SetFillColor { col: grey_color(0.0) },
                    ]),
                }
            }
            PdfPage::new(Mm(page.w), Mm(page.h), ops)
        })
        .collect();
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    doc.with_pages(pdf_pages).save(&options, &mut Vec::new())
}
