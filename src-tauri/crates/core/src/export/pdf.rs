//! A small PDF writer for the export's documents (the back-entry list, the cover sheet): text
//! and rules on pages written to the file as soon as each page is done, so a list of fifty
//! thousand documents never sits in memory, and bytes that depend only on what was drawn, so
//! a re-rendered list is identical to the first (printpdf's output is neither streamed nor
//! byte-stable). Text is set in the receipts' Noto Sans SC, embedded as a subset at the end:
//! content streams use the font's own glyph ids as CIDs and a CIDToGIDMap points them at the
//! subset, with a ToUnicode map so that the text can be searched and copied. A character the
//! font lacks is written as `[U+XXXX]`, never as an empty box.

use crate::error::Result;
use crate::receipt_pdf::Fonts;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

pub(crate) const A4_LANDSCAPE: (f32, f32) = (841.89, 595.28);
#[allow(dead_code)]
pub(crate) const A4_PORTRAIT: (f32, f32) = (595.28, 841.89);

/// Objects written at the end, at numbers fixed up front so pages can point at them.
const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT: usize = 3;
const CID_FONT: usize = 4;
const DESCRIPTOR: usize = 5;
const FONT_FILE: usize = 6;
const TO_UNICODE: usize = 7;
const CID_TO_GID: usize = 8;
const INFO: usize = 9;
const FIRST_FREE: usize = 10;

pub(crate) struct Pdf<W: Write> {
    out: W,
    offset: u64,
    /// Byte offset of each object, by number (index 0 unused).
    offsets: Vec<u64>,
    pages: Vec<usize>,
    size: (f32, f32),
    ops: String,
    /// Glyph id (used as CID) → the text it stands for (the first character drawn with it).
    used: BTreeMap<u16, String>,
    /// Whether each glyph id is in `used` yet (asked for every character drawn).
    seen: Vec<bool>,
    /// Each character of the Basic Multilingual Plane met so far, by code point: its glyph id
    /// and advance (in font units) packed as `1 << 32 | gid << 16 | advance`, `MISSING` when the
    /// font lacks it, 0 when not looked up yet. Looking glyphs up in the font is the writer's
    /// costliest step; characters beyond the BMP are looked up each time (they are rare).
    glyphs: std::cell::RefCell<Vec<u64>>,
    fonts: &'static Fonts,
    upem: f32,
}

impl<W: Write> Pdf<W> {
    pub(crate) fn new(mut out: W, size: (f32, f32)) -> Result<Pdf<W>> {
        let header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
        out.write_all(header)?;
        Ok(Pdf {
            out,
            offset: header.len() as u64,
            offsets: vec![0; FIRST_FREE],
            pages: Vec::new(),
            size,
            ops: String::with_capacity(1 << 16),
            used: BTreeMap::new(),
            seen: vec![false; 0x1_0000],
            glyphs: std::cell::RefCell::new(vec![0; 0x1_0000]),
            fonts: Fonts::get(),
            upem: f32::from(Fonts::get().regular.pdf_font_metrics.units_per_em.max(1)),
        })
    }

    fn glyph(&self, c: char) -> Option<(u16, u16)> {
        const MISSING: u64 = 1 << 40;
        let look = || {
            if !self.fonts.missing_from_main(c.encode_utf8(&mut [0; 4])).is_empty() {
                return None;
            }
            let gid = self.fonts.regular.lookup_glyph_index(c as u32).unwrap_or(0);
            Some((gid, self.fonts.regular.get_horizontal_advance(gid)))
        };
        let Some(slot) = usize::try_from(c as u32).ok().filter(|&i| i < 0x1_0000) else {
            return look();
        };
        let cached = self.glyphs.borrow()[slot];
        let packed = if cached != 0 {
            cached
        } else {
            let found = look().map_or(MISSING, |(gid, adv)| 1 << 32 | u64::from(gid) << 16 | u64::from(adv));
            self.glyphs.borrow_mut()[slot] = found;
            found
        };
        (packed != MISSING).then_some(((packed >> 16) as u16, packed as u16))
    }

    /// `text` with every character the font lacks written as `[U+XXXX]`.
    fn printable<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if text.chars().all(|c| self.glyph(c).is_some()) {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            if self.glyph(c).is_some() {
                out.push(c);
            } else if !c.is_control() {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
        }
        std::borrow::Cow::Owned(out)
    }

    pub(crate) fn size(&self) -> (f32, f32) {
        self.size
    }

    /// Width of one character at `size` points (one the font lacks: as its `[U+XXXX]`).
    fn char_width(&self, c: char, size: f32) -> f32 {
        match self.glyph(c) {
            Some((_, adv)) => f32::from(adv) / self.upem * size,
            None => self.width(&c.to_string(), size),
        }
    }

    /// Width of `text` at `size` points, in points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = self
            .printable(text)
            .chars()
            .map(|c| self.glyph(c).map_or(0, |(_, adv)| u32::from(adv)))
            .sum();
        units as f32 / self.upem * size
    }

    /// Draws `text` with its left end at `x` and its baseline `y` points below the top.
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = self.printable(text);
        self.ops.push_str("BT /F1 ");
        fixed(size, &mut self.ops);
        self.ops.push_str(" Tf ");
        fixed(x, &mut self.ops);
        self.ops.push(' ');
        fixed(self.size.1 - y, &mut self.ops);
        self.ops.push_str(" Td <");
        for c in text.chars() {
            let gid = self.glyph(c).map_or(0, |(gid, _)| gid);
            if !self.seen[usize::from(gid)] {
                self.seen[usize::from(gid)] = true;
                self.used.insert(gid, c.to_string());
            }
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            for shift in [12, 8, 4, 0] {
                self.ops.push(char::from(HEX[usize::from((gid >> shift) & 0xF)]));
            }
        }
        self.ops.push_str("> Tj ET\n");
    }

    /// A straight rule from (x1, y1) to (x2, y2), `y` measured from the top.
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let h = self.size.1;
        let _ = writeln!(self.ops, "{width:.2} w {x1:.2} {:.2} m {x2:.2} {:.2} l S", h - y1, h - y2);
    }

    /// An outlined box whose top-left corner is (x, y).
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let _ = writeln!(self.ops, "{width:.2} w {x:.2} {:.2} {w:.2} {h:.2} re S", self.size.1 - y - h);
    }

    fn begin_object(&mut self, n: usize) -> Result<()> {
        if self.offsets.len() <= n {
            self.offsets.resize(n + 1, 0);
        }
        self.offsets[n] = self.offset;
        self.put(format!("{n} 0 obj\n").as_bytes())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    fn object(&mut self, n: usize, body: &str) -> Result<()> {
        self.begin_object(n)?;
        self.put(body.as_bytes())?;
        self.put(b"\nendobj\n")
    }

    fn stream(&mut self, n: usize, dict: &str, data: &[u8]) -> Result<()> {
        let mut z = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::fast());
        z.write_all(data)?;
        let packed = z.finish()?;
        self.begin_object(n)?;
        self.put(format!("<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n", packed.len()).as_bytes())?;
        self.put(&packed)?;
        self.put(b"\nendstream\nendobj\n")
    }

    fn next_number(&self) -> usize {
        self.offsets.len()
    }

    /// Writes the page drawn so far and starts a new one.
    pub(crate) fn end_page(&mut self) -> Result<()> {
        let ops = std::mem::take(&mut self.ops);
        let content = self.next_number();
        self.stream(content, "", ops.as_bytes())?;
        let page = self.next_number();
        let (w, h) = self.size;
        self.object(
            page,
            &format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {w:.2} {h:.2}] /Resources << /Font << /F1 {FONT} 0 R >> >> /Contents {content} 0 R >>"
            ),
        )?;
        self.pages.push(page);
        self.ops = ops;
        self.ops.clear();
        Ok(())
    }

    /// Embeds the font subset, writes the document's tree and cross-references, and gives
    /// back the output. `title` and `created` (a stored UTC stamp) go in the document info.
    pub(crate) fn finish(mut self, title: &str, created: &str) -> Result<W> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.end_page()?;
        }
        let font = &self.fonts.regular;
        let subset = printpdf::subset_font(font, &self.used).map_err(std::io::Error::other)?;
        let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let scale = |v: i16| (f32::from(v) * 1000.0 / upem).round() as i32;
        let m = &font.pdf_font_metrics;
        // A subset tag people can reproduce: six capitals from the glyphs used.
        let tag: String = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for gid in self.used.keys() {
                h.update(gid.to_be_bytes());
            }
            h.finalize().iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
        };
        let name = format!("{tag}+NotoSansSC-Regular");
        let mut widths = String::from("[");
        for gid in self.used.keys() {
            let w = (f32::from(font.get_horizontal_advance(*gid)) * 1000.0 / upem).round() as i32;
            let _ = write!(widths, " {gid} [{w}]");
        }
        widths.push_str(" ]");
        let max_cid = self.used.keys().last().copied().unwrap_or(0) as usize;
        let mut map = vec![0u8; 2 * (max_cid + 1)];
        for (orig, (new, _)) in &subset.glyph_mapping {
            let at = 2 * *orig as usize;
            map[at..at + 2].copy_from_slice(&new.to_be_bytes());
        }
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(&u16, &String)> = self.used.iter().collect();
        for chunk in entries.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
            for (gid, text) in chunk {
                let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
                let _ = writeln!(cmap, "<{gid:04X}> <{utf16}>");
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

        self.stream(FONT_FILE, &format!("/Length1 {}", subset.bytes.len()), &subset.bytes)?;
        self.stream(TO_UNICODE, "", cmap.as_bytes())?;
        self.stream(CID_TO_GID, "", &map)?;
        self.object(
            DESCRIPTOR,
            &format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {FONT_FILE} 0 R >>",
                scale(m.x_min),
                scale(m.y_min),
                scale(m.x_max),
                scale(m.y_max),
                scale(m.ascender),
                scale(m.descender),
                scale(m.ascender)
            ),
        )?;
        self.object(
            CID_FONT,
            &format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {DESCRIPTOR} 0 R /DW 1000 /W {widths} /CIDToGIDMap {CID_TO_GID} 0 R >>"
            ),
        )?;
        self.object(
            FONT,
            &format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{CID_FONT} 0 R] /ToUnicode {TO_UNICODE} 0 R >>"
            ),
        )?;
        let kids: Vec<String> = self.pages.iter().map(|p| format!("{p} 0 R")).collect();
        self.object(
            PAGES,
            &format!("<< /Type /Pages /Count {} /Kids [{}] >>", self.pages.len(), kids.join(" ")),
        )?;
        self.object(CATALOG, &format!("<< /Type /Catalog /Pages {PAGES} 0 R >>"))?;
        let title_hex: String = std::iter::once(0xFEFFu16)
            .chain(title.encode_utf16())
            .map(|u| format!("{u:04X}"))
            .collect();
        let date = created.get(..19).unwrap_or("").replace(['-', 'T', ':'], "");
        self.object(
            INFO,
            &format!("<< /Title <{title_hex}> /Producer (Downtime Desk) /CreationDate (D:{date}Z) >>"),
        )?;
        let xref_at = self.offset;
        let count = self.offsets.len();
        let mut xref = format!("xref\n0 {count}\n0000000000 65535 f \n");
        for off in &self.offsets[1..] {
            let _ = writeln!(xref, "{off:010} 00000 n ");
        }
        let id = {
            use sha2::{Digest, Sha256};
            hex::encode(&Sha256::digest(format!("{title}\n{created}").as_bytes())[..16])
        };
        let _ = write!(
            xref,
            "trailer\n<< /Size {count} /Root {CATALOG} 0 R /Info {INFO} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n"
        );
        self.put(xref.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// `v` with two decimals, written without float formatting (the writer's hottest path).
fn fixed(v: f32, out: &mut String) {
    let hundredths = (v * 100.0).round() as i64;
    if hundredths < 0 {
        out.push('-');
    }
    let a = hundredths.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(a / 100));
    out.push('.');
    let frac = a % 100;
    out.push(char::from(b'0' + (frac / 10) as u8));
    out.push(char::from(b'0' + (frac % 10) as u8));
}

/// Breaks `text` into lines no wider than `width` points at `size`, at most `max` lines (the
/// last one ended with "…" when something is cut).
pub(crate) fn wrap<W: Write>(pdf: &Pdf<W>, text: &str, size: f32, width: f32, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        for c in para.chars() {
            let w = pdf.char_width(c, size);
            if !line.is_empty() && used + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && pdf.width(&format!("{last}…"), size) > width {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}
