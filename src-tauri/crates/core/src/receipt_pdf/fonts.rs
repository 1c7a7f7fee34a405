//! The fonts receipts are printed in: Noto Sans SC Regular (OFL, `assets/fonts/`), and for
//! the rare characters it lacks (生僻字 of CJK Extension B and beyond, such as 𠮷) the fallback
//! HanaMinB (GlyphWiki, OFL). Both are embedded in the binary; Noto is parsed on first use,
//! HanaMinB (30 MB) only when some text needs a character Noto lacks, and each once per
//! process. Bold is drawn by stroking the outline of the same glyphs.
//!
//! Contract: what [`Fonts::missing_chars`] reports is exactly what would print as an empty
//! box (a character neither font has); the renderer refuses such text (`font_missing_glyph`)
//! instead of printing it, and patients are refused such a name when they are added.

use printpdf::ParsedFont;
use std::sync::OnceLock;

const NOTO_SANS_SC_REGULAR: &[u8] = include_bytes!("../../../../../assets/fonts/NotoSansSC-Regular.ttf");
const HANAMIN_B: &[u8] = include_bytes!("../../../../../assets/fonts/HanaMinB.ttf");

/// One parsed font and its design units per em.
pub(crate) struct Face {
    pub(crate) font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    fn parse(bytes: &[u8]) -> Face {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded fonts parse (tested)");
        let units_per_em = f32::from(font.font_metrics.units_per_em.max(1));
        Face { font, units_per_em }
    }

    fn has(&self, c: char) -> bool {
        matches!(self.font.lookup_glyph_index(c as u32), Some(g) if g != 0)
    }

    /// Advance of `c` in em.
    fn advance_em(&self, c: char) -> f32 {
        let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.font.get_horizontal_advance(gid)) / self.units_per_em
    }
}

/// Which font a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    Regular,
    Fallback,
}

pub struct Fonts {
    /// The main font (Noto Sans SC).
    pub(crate) regular: ParsedFont,
    regular_face: FaceMetrics,
    fallback: OnceLock<Face>,
}

/// What measuring the main font needs besides the font.
struct FaceMetrics {
    units_per_em: f32,
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

impl Fonts {
    /// The fonts, the main one parsed on first use (tens of milliseconds) and kept for the
    /// process; the fallback waits until a character needs it.
    pub fn get() -> &'static Fonts {
        FONTS.get_or_init(|| {
            let Face { font, units_per_em } = Face::parse(NOTO_SANS_SC_REGULAR);
            Fonts {
                regular: font,
                regular_face: FaceMetrics { units_per_em },
                fallback: OnceLock::new(),
            }
        })
    }

    /// The fallback font, parsed the first time a character needs it.
    pub(crate) fn fallback(&self) -> &Face {
        self.fallback.get_or_init(|| Face::parse(HANAMIN_B))
    }

    /// Whether the fallback has been parsed in this process (the benchmark reports its cost).
    pub fn fallback_parsed(&self) -> bool {
        self.fallback.get().is_some()
    }

    /// The characters of `text` the main font lacks (for writers that use only it).
    pub fn missing_from_main(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if (c.is_control() || !self.regular_has(c)) && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }

    fn regular_has(&self, c: char) -> bool {
        matches!(self.regular.lookup_glyph_index(c as u32), Some(g) if g != 0)
    }

    /// The characters of `text` no font has a glyph for, each once, in order of appearance.
    /// Control characters are not text and are reported too.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if self.which(c).is_none() && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }

    /// The font that prints `c`: the main one when it can, else the fallback; `None` when
    /// neither can (or `c` is a control character).
    pub(crate) fn which(&self, c: char) -> Option<Which> {
        if c.is_control() {
            None
        } else if self.regular_has(c) {
            Some(Which::Regular)
        } else if self.fallback().has(c) {
            Some(Which::Fallback)
        } else {
            None
        }
    }

    /// `text` cut into runs set in one font each (a run of the main font for a character no
    /// font has: it prints as a box, which the checks refuse before anything is drawn).
    pub(crate) fn runs<'t>(&self, text: &'t str) -> Vec<(Which, &'t str)> {
        let mut runs: Vec<(Which, &'t str)> = Vec::new();
        let mut start = 0;
        let mut current = None;
        for (i, c) in text.char_indices() {
            let w = self.which(c).unwrap_or(Which::Regular);
            if current.is_some_and(|cur| cur != w) {
                runs.push((current.expect("set"), &text[start..i]));
                start = i;
            }
            current = Some(w);
        }
        if let Some(w) = current {
            runs.push((w, &text[start..]));
        }
        runs
    }

    /// Width of `text` set at `size` points, in millimetres.
    pub(crate) fn width_mm(&self, text: &str, size: f32) -> f32 {
        let em: f32 = text.chars().map(|c| self.advance_em(c)).sum();
        em * size * MM_PER_PT
    }

    fn advance_em(&self, c: char) -> f32 {
        match self.which(c) {
            Some(Which::Fallback) => self.fallback().advance_em(c),
            _ => {
                let gid = self.regular.lookup_glyph_index(c as u32).unwrap_or(0);
                f32::from(self.regular.get_horizontal_advance(gid)) / self.regular_face.units_per_em
            }
        }
    }
}

pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;
