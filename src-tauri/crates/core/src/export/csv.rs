//! CSV as finance opens it in Excel: UTF-8 with a BOM (so Chinese shows), Chinese headers,
//! CRLF line ends, amounts as plain yuan with two decimals beside an integer `_fen` column,
//! and text cells that cannot run as formulas (a cell beginning with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is written with a leading apostrophe, as OWASP advises).

use super::sink::Hashed;
use crate::batch::FileEntry;
use crate::error::Result;
use std::io::Write;
use std::path::Path;

/// One cell of a row.
pub enum Cell<'a> {
    /// Free text: names, specs, reasons, references. Made formula-safe.
    Text(&'a str),
    /// Text the desk itself made (numbers, codes, stamps, labels): written as it is.
    Plain(&'a str),
    /// The same, made on the spot.
    Owned(String),
    /// Integer fen as yuan with two decimals, signed.
    Yuan(i64),
    Int(i64),
}

pub(crate) struct CsvFile {
    out: Hashed,
    line: String,
}

impl CsvFile {
    pub(crate) fn create(dir: &Path, name: &'static str, headers: &[&str]) -> Result<CsvFile> {
        let mut f = CsvFile {
            out: Hashed::create(dir, name)?,
            line: String::with_capacity(512),
        };
        f.out.write_all("\u{FEFF}".as_bytes())?;
        let cells: Vec<Cell<'_>> = headers.iter().map(|h| Cell::Plain(h)).collect();
        f.row(&cells)?;
        Ok(f)
    }

    pub(crate) fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        self.line.clear();
        line(cells, &mut self.line);
        self.out.write_all(self.line.as_bytes())?;
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<FileEntry> {
        self.out.finish()
    }
}

/// Appends one row, CRLF included, as every CSV for finance writes it (the finance workspace's
/// report too).
pub fn line(cells: &[Cell<'_>], out: &mut String) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match c {
            Cell::Text(t) => {
                let risky = t.starts_with(['=', '+', '-', '@', '\t', '\r']);
                quote(if risky { Some('\'') } else { None }, t, out);
            }
            Cell::Plain(t) => quote(None, t, out),
            Cell::Owned(t) => quote(None, t, out),
            Cell::Yuan(fen) => out.push_str(&yuan(*fen)),
            Cell::Int(n) => out.push_str(itoa::Buffer::new().format(*n)),
        }
    }
    out.push_str("\r\n");
}

fn quote(prefix: Option<char>, t: &str, out: &mut String) {
    let needs = prefix.is_some() || t.contains([',', '"', '\n', '\r']);
    if !needs {
        out.push_str(t);
        return;
    }
    out.push('"');
    if let Some(p) = prefix {
        out.push(p);
    }
    for c in t.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// Signed fen as plain yuan: `-12.50`, `0.00`, `1234.05`.
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_has_two_decimals_and_a_sign() {
        for (fen, text) in [
            (0, "0.00"),
            (5, "0.05"),
            (1250, "12.50"),
            (-1250, "-12.50"),
            (123_456_789, "1234567.89"),
        ] {
            assert_eq!(yuan(fen), text);
        }
    }

    #[test]
    fn text_that_could_be_a_formula_is_written_as_text() {
        let check = |t: &str, expected: &str| {
            let mut out = String::new();
            let risky = t.starts_with(['=', '+', '-', '@', '\t', '\r']);
            quote(risky.then_some('\''), t, &mut out);
            assert_eq!(out, expected, "{t:?}");
        };
        check("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
        check("+1", "\"'+1\"");
        check("-2", "\"'-2\"");
        check("@SUM(A1)", "\"'@SUM(A1)\"");
        check("张三", "张三");
        check("a,b", "\"a,b\"");
        check("说\"明\"", "\"说\"\"明\"\"\"");
    }
}
