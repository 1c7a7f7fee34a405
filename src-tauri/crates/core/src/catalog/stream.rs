//! Reading an import file row by row, so that an import's memory does not grow with the file
//! (a big hospital's patient index is millions of rows). The same rules as `read::read_table`:
//! CSV in UTF-8 (with or without BOM) or GBK/GB18030, detected from the first 64 KiB or
//! forced; the delimiter the first lines use most; row numbers as a spreadsheet shows them.
//! A workbook is read whole, within the limits of `read` (what it may inflate to, rows,
//! columns); a CSV has no row limit here, only the column limit.

use super::read::{NotA, ReadOptions};
use crate::error::{invalid, Result};
use encoding_rs::{Decoder, Encoding, GB18030, UTF_8};
use std::io::Read;

/// What an import is doing, for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportStage {
    /// Reading and checking the file (done and total in bytes).
    Reading,
    /// Writing the search index (done and total in records).
    Indexing,
}

/// How much of the file decides its encoding and delimiter.
const HEAD: usize = 64 * 1024;

/// A file to import: in memory (sent by the window) or on disk (read as it is imported).
#[derive(Clone, Copy)]
pub enum Input<'a> {
    Bytes(&'a [u8]),
    Path(&'a std::path::Path),
}

impl Input<'_> {
    pub fn open(&self) -> Result<Box<dyn Read + '_>> {
        Ok(match self {
            Input::Bytes(b) => Box::new(*b),
            Input::Path(p) => Box::new(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(p)?)),
        })
    }

    /// Its size in bytes.
    pub fn len(&self) -> Result<u64> {
        Ok(match self {
            Input::Bytes(b) => b.len() as u64,
            Input::Path(p) => std::fs::metadata(p)?.len(),
        })
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Lower-case hex SHA-256 of the whole file (one pass; the same file twice is recognised).
    pub fn sha256(&self) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut r = self.open()?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()))
    }
}

/// Counts the bytes read through it (for progress).
struct Counting<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// UTF-8 bytes of a text in another encoding, decoded as they are read. Malformed input is
/// remembered (`malformed`), not replaced silently.
struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    done: bool,
    malformed: std::rc::Rc<std::cell::Cell<bool>>,
    /// Bytes since the last line break, and the line number: a line longer than
    /// `MAX_LINE_BYTES` stops the reading (`too_long` names it) before the CSV reader buffers it.
    line_bytes: usize,
    line: usize,
    too_long: std::rc::Rc<std::cell::Cell<Option<usize>>>,
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() && !self.done {
            let n = self.inner.read(&mut self.raw)?;
            let last = n == 0;
            self.out.clear();
            self.out.resize(self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 4 + 16), 0);
            let (_, _, written, errors) = self.decoder.decode_to_utf8(&self.raw[..n], &mut self.out, last);
            if errors {
                self.malformed.set(true);
            }
            self.out.truncate(written);
            self.at = 0;
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.at);
        let chunk = &self.out[self.at..self.at + n];
        // The line running into this chunk, then the one running out of it (the lines between
        // are shorter than a chunk, which is at most the CSV reader's 64 KiB buffer).
        let first_break = chunk.iter().position(|b| *b == b'\n');
        if self.line_bytes + first_break.unwrap_or(n) > super::read::MAX_LINE_BYTES {
            self.too_long.set(Some(self.line));
            return Err(std::io::Error::other("line too long"));
        }
        match first_break {
            None => self.line_bytes += n,
            Some(_) => {
                self.line += chunk.iter().filter(|b| **b == b'\n').count();
                self.line_bytes = n - 1 - chunk.iter().rposition(|b| *b == b'\n').unwrap_or(0);
            }
        }
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn encoding_of(head: &[u8], forced: Option<&str>, not_a: NotA) -> Result<&'static Encoding> {
    let forced = forced.map(|e| e.trim().to_lowercase().replace('-', ""));
    Ok(match forced.as_deref() {
        Some("utf8") => UTF_8,
        Some("gbk") | Some("gb18030") | Some("gb2312") => GB18030,
        Some(other) => {
            return Err(invalid!(
                CatalogEncodingUnknown,
                format!("不支持的编码“{other}”：可用 utf8、gbk、gb18030"),
                format!("Unsupported encoding \"{other}\": use utf8, gbk or gb18030")
            ))
        }
        None => match std::str::from_utf8(head) {
            Ok(_) => UTF_8,
            // Cut in the middle of a character at the end of the head: still UTF-8.
            Err(e) if e.error_len().is_none() => UTF_8,
            Err(_) => {
                let (_, _, errors) = GB18030.decode(head);
                if errors && head.len() < HEAD {
                    return Err(not_a(
                        "无法识别文件的文字编码（不是 UTF-8，也不是 GBK）",
                        "its text encoding is neither UTF-8 nor GBK",
                    ));
                }
                GB18030
            }
        },
    })
}

/// Reads `input` row by row: `on_row(row number, cells)` for each, trimmed. Returns the
/// format and the encoding. `progress(bytes read, bytes in all)` is called now and then.
pub(crate) fn stream_table(
    input: Input<'_>,
    file_name: &str,
    opts: &ReadOptions,
    not_a: NotA,
    progress: &mut dyn FnMut(u64, u64),
    on_row: &mut dyn FnMut(usize, Vec<String>) -> Result<()>,
) -> Result<(&'static str, &'static str)> {
    let total = input.len()?;
    let counted = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let mut reader = Counting {
        inner: input.open()?,
        read: counted.clone(),
    };
    let mut head = Vec::with_capacity(HEAD);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head)?;
    let lower = file_name.to_lowercase();
    let is_zip = head.starts_with(b"PK\x03\x04");
    let is_ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if is_zip || is_ole || lower.ends_with(".xlsx") || lower.ends_with(".xls") {
        let mut all = head;
        reader.read_to_end(&mut all)?;
        let (format, encoding, rows) = super::read::read_table(&all, file_name, opts, not_a)?;
        drop(all);
        let n = rows.len().max(1);
        for (i, (line, cells)) in rows.into_iter().enumerate() {
            on_row(line, cells)?;
            if i % 4096 == 0 {
                progress(total * i as u64 / n as u64, total);
            }
        }
        progress(total, total);
        return Ok((format, encoding));
    }
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(not_a("文件是空的", "the file is empty"));
    }
    let encoding = encoding_of(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head), opts.encoding.as_deref(), not_a)?;
    let (text, _, _) = encoding.decode(&head);
    let control = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).count();
    if control > text.chars().count() / 50 {
        return Err(not_a("文件内容像是二进制数据", "the content looks like binary data"));
    }
    // The delimiter is the one the first lines use most; a comma unless another wins outright.
    let first: String = text.lines().take(10).collect::<Vec<_>>().join("\n");
    let count = |d: char| first.chars().filter(|c| *c == d).count();
    let delimiter = ['\t', ';']
        .into_iter()
        .filter(|d| count(*d) > count(','))
        .max_by_key(|d| count(*d))
        .unwrap_or(',');
    let malformed = std::rc::Rc::new(std::cell::Cell::new(false));
    let too_long = std::rc::Rc::new(std::cell::Cell::new(None));
    let decoding = Decoding {
        inner: std::io::Cursor::new(head).chain(reader),
        decoder: encoding.new_decoder_with_bom_removal(),
        raw: vec![0u8; 1 << 16],
        out: Vec::new(),
        at: 0,
        done: false,
        malformed: malformed.clone(),
        line_bytes: 0,
        line: 1,
        too_long: too_long.clone(),
    };
    // Records end at LF only: with the default CR/LF/CRLF ending, a record after a CRLF is
    // reported as starting at its LF, one line early (row numbers off by one in every file
    // made on Windows). A CR before the LF is trimmed from the last field like other space.
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .buffer_capacity(1 << 16)
        .from_reader(decoding);
    let mut record = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) if too_long.get().is_some() => return Err(super::read::line_too_long(too_long.get().unwrap_or(0))),
            Err(e) => return Err(not_a(&format!("CSV 格式错误（{e}）"), &format!("malformed CSV ({e})"))),
        }
        if malformed.get() {
            break;
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.len() > super::read::MAX_COLUMNS {
            return Err(super::read::too_many_columns(line));
        }
        on_row(line, record.iter().map(|f| f.trim().to_string()).collect())?;
        n += 1;
        if n % 8192 == 0 {
            progress(counted.get(), total);
        }
    }
    if malformed.get() {
        return Err(not_a(
            "文件中有不符合其文字编码的内容（不是 UTF-8，也不是 GBK）",
            "part of it does not fit its text encoding (neither UTF-8 nor GBK)",
        ));
    }
    progress(total, total);
    Ok(("csv", if encoding == UTF_8 { "utf-8" } else { "gb18030" }))
}
