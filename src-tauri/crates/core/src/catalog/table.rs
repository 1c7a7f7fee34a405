//! Reading a table file as every importer gets one (price list, HIS patient index,
//! departments, calendars, HIS postings): CSV in UTF-8 (with or without BOM) or GBK/GB18030,
//! comma or tab separated, quoted fields; or an Excel workbook, inflated into nothing first
//! to refuse a zip bomb, then read cell by cell. The limits (line length, columns, rows,
//! inflated size) are refused in one sentence each. What the cells mean is the importer's
//! (`read.rs` for the price list).

use crate::error::{invalid, CoreError, Result};

/// Builds the "this is not a … file" error from a reason in both languages.
pub type NotA = fn(&str, &str) -> CoreError;

/// The cells of a CSV or workbook (`encoding` forced or detected, `sheet` named or the
/// first), with row numbers as a spreadsheet shows them: the format, the encoding, the rows.
pub fn read_cells(
    bytes: &[u8],
    file_name: &str,
    encoding: Option<&str>,
    sheet: Option<&String>,
    not_a: NotA,
) -> Result<(&'static str, &'static str, Rows)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(not_a("文件是空的", "the file is empty"));
    }
    let lower = file_name.to_lowercase();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if is_zip || is_ole || lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        Ok(("xlsx", "", read_workbook(bytes, sheet, not_a)?))
    } else {
        let (text, encoding) = decode(bytes, encoding, not_a)?;
        Ok(("csv", encoding, read_csv(&text, not_a)?))
    }
}

/// Text of a CSV file and the encoding it was in.
fn decode(bytes: &[u8], forced: Option<&str>, not_a: NotA) -> Result<(String, &'static str)> {
    let forced = forced.map(|e| e.trim().to_lowercase().replace('-', ""));
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let gb = |bytes: &[u8]| {
        let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
        (!had_errors).then(|| text.into_owned())
    };
    let text = match forced.as_deref() {
        Some("utf8") => std::str::from_utf8(bytes).ok().map(|s| (s.to_string(), "utf-8")),
        Some("gbk") | Some("gb18030") | Some("gb2312") => gb(bytes).map(|s| (s, "gb18030")),
        Some(other) => {
            return Err(invalid!(
                CatalogEncodingUnknown,
                format!("不支持的编码“{other}”：可用 utf8、gbk、gb18030"),
                format!("Unsupported encoding \"{other}\": use utf8, gbk or gb18030")
            ))
        }
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Some((s.to_string(), "utf-8")),
            Err(_) => gb(bytes).map(|s| (s, "gb18030")),
        },
    };
    let Some((text, enc)) = text else {
        return Err(not_a(
            "无法识别文件的文字编码（不是 UTF-8，也不是 GBK）",
            "its text encoding is neither UTF-8 nor GBK",
        ));
    };
    let control = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).count();
    if control > text.chars().count() / 50 {
        return Err(not_a("文件内容像是二进制数据", "the content looks like binary data"));
    }
    Ok((text, enc))
}

pub type Rows = Vec<(usize, Vec<String>)>;

fn read_csv(text: &str, not_a: NotA) -> Result<Rows> {
    if let Some(i) = text.split('\n').position(|l| l.len() > MAX_LINE_BYTES) {
        return Err(line_too_long(i + 1));
    }
    // The delimiter is the one the first lines use most; a comma unless another wins outright.
    let head: String = text.lines().take(10).collect::<Vec<_>>().join("\n");
    let count = |d: u8| head.bytes().filter(|b| *b == d).count();
    let delimiter = [b'\t', b';']
        .into_iter()
        .filter(|d| count(*d) > count(b','))
        .max_by_key(|d| count(*d))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Row numbers as a spreadsheet shows them: 1 + the line breaks before the record.
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        let record = record.map_err(|e| not_a(&format!("CSV 格式错误（{e}）"), &format!("malformed CSV ({e})")))?;
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(counted_to);
        // After a CRLF the reported start is the LF: the record begins past the line break.
        while text.as_bytes().get(start).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            start += 1;
        }
        line += text.as_bytes()[counted_to..start].iter().filter(|b| **b == b'\n').count();
        counted_to = start;
        if rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        if record.len() > MAX_COLUMNS {
            return Err(too_many_columns(line));
        }
        rows.push((line, record.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(rows)
}

/// What an XLSX may inflate to, all its parts together (sheets, shared strings, styles). A
/// price list of a large hospital is a few MB of sheet XML; Excel's own limits (about a million
/// rows) stay under it for the columns an import reads. Beyond it the file is refused before
/// more is inflated: a zip bomb never reaches memory. A bigger table comes as CSV, which
/// streams.
pub const MAX_XLSX_INFLATED: u64 = 200 * 1024 * 1024;
/// Rows of one table (Excel's own maximum): more is refused, whatever the format.
pub const MAX_ROWS: usize = 1_048_576;
/// Columns of one row: an import reads a dozen; more is not a table a person made.
pub const MAX_COLUMNS: usize = 256;
/// Bytes of one line of a CSV: a row a person made is well under 1 KiB; a longer line is
/// refused before it is parsed, so a file of one enormous line costs no more than itself.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

pub(crate) fn line_too_long(line: usize) -> CoreError {
    let kib = MAX_LINE_BYTES / 1024;
    invalid!(
        ImportLineTooLong,
        format!("第 {line} 行超过 {kib} KB，不是可导入的表格：请检查是否选错了文件"),
        format!("Line {line} is longer than {kib} KB, not a table that can be imported: check it is the right file")
    )
}

pub(crate) fn too_many_rows() -> CoreError {
    invalid!(
        ImportTooManyRows,
        format!("文件超过 {MAX_ROWS} 行，无法导入：请分成几个文件，或检查是否选错了文件"),
        format!("The file has more than {MAX_ROWS} rows and cannot be imported: split it, or check it is the right file")
    )
}

pub(crate) fn too_many_columns(row: usize) -> CoreError {
    invalid!(
        ImportTooManyColumns,
        format!("第 {row} 行超过 {MAX_COLUMNS} 列，无法导入：请检查是否选错了文件"),
        format!("Row {row} has more than {MAX_COLUMNS} columns and cannot be imported: check it is the right file")
    )
}

fn too_big_inflated() -> CoreError {
    let mb = MAX_XLSX_INFLATED / (1024 * 1024);
    invalid!(
        ImportXlsxTooBig,
        format!("这个 Excel 文件解压后超过 {mb} MB，为保护本机没有读取：请在 Excel 中另存为 CSV 再导入"),
        format!(
            "This Excel file inflates to more than {mb} MB and was not read, to protect this PC: save it as CSV in Excel and import that"
        )
    )
}

/// Inflates every part of the zip into nothing, counting, and stops as soon as the parts
/// together pass [`MAX_XLSX_INFLATED`] (the sizes the zip declares are not trusted).
fn check_inflated_size(bytes: &[u8], not_a: NotA) -> Result<()> {
    check_inflated_within(bytes, MAX_XLSX_INFLATED, not_a)
}

fn check_inflated_within(bytes: &[u8], limit: u64, not_a: NotA) -> Result<()> {
    let unreadable = |e: &dyn std::fmt::Display| not_a(&format!("无法打开 Excel 文件（{e}）"), &format!("cannot open the workbook ({e})"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut left = limit;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let n = std::io::copy(&mut std::io::Read::take(entry, left + 1), &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        if n > left {
            return Err(too_big_inflated());
        }
        left -= n;
    }
    Ok(())
}

fn read_workbook(bytes: &[u8], sheet: Option<&String>, not_a: NotA) -> Result<Rows> {
    use calamine::Reader;
    let unreadable = |e: &dyn std::fmt::Display| not_a(&format!("无法打开 Excel 文件（{e}）"), &format!("cannot open the workbook ({e})"));
    let pick = |names: Vec<String>| -> Result<String> {
        match sheet {
            Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
                invalid!(
                    CatalogSheetMissing,
                    format!("工作簿中没有名为“{s}”的工作表（有：{}）", names.join("、")),
                    format!("The workbook has no sheet \"{s}\" (it has: {})", names.join(", "))
                )
            }),
            None => names
                .first()
                .cloned()
                .ok_or_else(|| not_a("工作簿中没有工作表", "the workbook has no sheets")),
        }
    };
    if bytes.starts_with(b"PK\x03\x04") {
        // XLSX: measured before it is read, then read cell by cell into the rows that have
        // cells (never a rectangle as large as the sheet's farthest cell).
        check_inflated_size(bytes, not_a)?;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        let sheet = pick(wb.sheet_names())?;
        let mut cells = wb.worksheet_cells_reader(&sheet).map_err(|e| unreadable(&e))?;
        let mut rows: Rows = Vec::new();
        while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
            let (r, c) = cell.get_position();
            let (line, col) = (r as usize + 1, c as usize);
            if line > MAX_ROWS {
                return Err(too_many_rows());
            }
            if col >= MAX_COLUMNS {
                return Err(too_many_columns(line));
            }
            if rows.last().is_none_or(|(l, _)| *l != line) {
                rows.push((line, Vec::new()));
            }
            let row = &mut rows.last_mut().expect("pushed").1;
            if row.len() <= col {
                row.resize(col + 1, String::new());
            }
            row[col] = cell_text(&calamine::Data::from(cell.get_value().clone()));
        }
        return Ok(rows);
    }
    // XLS (the old binary format: at most 65,536 rows of 256 columns).
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(|e| unreadable(&e))?;
    let sheet = pick(wb.sheet_names().to_vec())?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| not_a(&format!("无法读取工作表（{e}）"), &format!("cannot read the sheet ({e})")))?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| (start_row + i + 1, row.iter().map(cell_text).collect()))
        .collect())
}

fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Excel keeps numbers as binary floats; the shortest text that reads back as the same
        // float is what the person typed (0.0125 stays 0.0125).
        Data::Float(f) => format!("{f}"),
        Data::Int(n) => n.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.into(),
        other => other.to_string().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::read::not_a_catalog;

    /// A zip of one part of `size` bytes of sheet-like XML, deflated.
    fn zipped(size: usize) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
        let row = b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
        for _ in 0..size / row.len() + 1 {
            z.write_all(row).unwrap();
        }
        z.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn an_xlsx_is_refused_before_it_inflates_past_the_limit() {
        let bytes = zipped(3 << 20);
        assert!(bytes.len() < (1 << 20) / 10, "a small file: {}", bytes.len());
        let e = check_inflated_within(&bytes, 1 << 20, not_a_catalog).unwrap_err();
        assert_eq!(e.code(), "import_xlsx_too_big");
        assert!(e.to_string().contains("另存为 CSV"), "{e}");
        check_inflated_within(&bytes, 4 << 20, not_a_catalog).unwrap();
        assert_eq!(MAX_XLSX_INFLATED, 200 << 20);
    }
}
