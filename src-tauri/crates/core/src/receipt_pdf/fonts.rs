//! The one font receipts are printed in: Noto Sans SC Regular (OFL, `assets/fonts/`), embedded
//! in the binary and parsed once per process. Bold is drawn by stroking the outline of the
//! same glyphs, which saves a second 10 MB font.
//!
//! Contract: what [`Fonts::missing_chars`] reports is exactly what would print as an empty
//! box; the renderer refuses such text (`font_missing_glyph`) instead of printing it.

use printpdf::ParsedFont;
use std::sync::OnceLock;

const NOTO_SANS_SC_REGULAR: &[u8] = include_bytes!("../../../../../assets/fonts/NotoSansSC-Regular.ttf");

pub struct Fonts {
    pub(crate) regular: ParsedFont,
    units_per_em: f32,
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

impl Fonts {
    /// The parsed font, parsed on first use (tens of milliseconds) and kept for the process.
    pub fn get() -> &'static Fonts {
        FONTS.get_or_init(|| {
            let regular =
                ParsedFont::from_bytes(NOTO_SANS_SC_REGULAR, 0, &mut Vec::new()).expect("the embedded Noto Sans SC parses (tested)");
            let units_per_em = f32::from(regular.font_metrics.units_per_em.max(1));
            Fonts { regular, units_per_em }
        })
    }

    /// The characters of `text` the font has no glyph for, each once, in order of appearance.
    /// Control characters are not text and are reported too.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if !self.has_glyph(c) && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }

    fn has_glyph(&self, c: char) -> bool {
        !c.is_control() && matches!(self.regular.lookup_glyph_index(c as u32), Some(g) if g != 0)
    }

    /// Width of `text` set at `size` points, in millimetres.
    pub(crate) fn width_mm(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| self.advance(c)).sum();
        units as f32 / self.units_per_em * size * MM_PER_PT
    }

    fn advance(&self, c: char) -> u32 {
        let gid = self.regular.lookup_glyph_index(c as u32).unwrap_or(0);
        u32::from(self.regular.get_horizontal_advance(gid))
    }
}

pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;
