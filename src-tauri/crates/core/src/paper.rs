//! 手工票据本: the hospital's pre-numbered paper invoices written beside receipts
//! (`--paper-no`). A cashier registers the number range of the book in hand when the shift
//! opens (or when the next book is started). While a shift has a book, a paper number must lie
//! in one of its books and is stored as the book writes it (prefix, zero-padded width); a
//! number is never used twice, voided receipts included (the paper form is voided with them);
//! the next unused number is proposed. The handover sheet (`report::paper`) accounts for every
//! number of each book: used, voided, skipped, unused.
//!
//! A number is read as a prefix and a trailing run of digits (`SG-0012` → `SG-`, 12), so that
//! `0012` and `012` are one paper form; the prefix is compared without regard to case.

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::operator::Actor;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

/// At most this many forms in one registered range (books hold 25 to a few hundred).
pub const MAX_BOOK_SIZE: u64 = 10_000;

/// `(prefix, value, digits)` of a paper number ending in digits.
pub fn split(paper_no: &str) -> Option<(String, u64, usize)> {
    let t = paper_no.trim();
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let (prefix, number) = t.split_at(t.len() - digits);
    Some((prefix.to_string(), number.parse().ok()?, digits))
}

/// The identity two writings of one paper number share.
pub fn identity(paper_no: &str) -> String {
    match split(paper_no) {
        Some((prefix, value, _)) => format!("{}\u{1f}{value}", prefix.to_uppercase()),
        None => paper_no.trim().to_uppercase(),
    }
}

/// A registered range of paper invoice numbers (票据本), `first..=last`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperBook {
    pub id: Uuid,
    pub prefix: String,
    pub first: u64,
    pub last: u64,
    /// The width the numbers are written in (`0001`: 4).
    pub digits: usize,
}

impl PaperBook {
    /// A book typed in a form that may leave it out: none when both numbers are blank.
    pub fn typed(from: Option<&str>, to: Option<&str>) -> Result<Option<PaperBook>> {
        let (from, to) = (from.unwrap_or_default(), to.unwrap_or_default());
        if from.trim().is_empty() && to.trim().is_empty() {
            return Ok(None);
        }
        PaperBook::parse(from, to).map(Some)
    }

    /// The range typed as its first and last numbers (`SG0001`, `SG0050`).
    pub fn parse(from: &str, to: &str) -> Result<PaperBook> {
        let read = |text: &str| {
            let text = clean_text(text, 30, ("手工票据号", "Paper invoice number"))?;
            split(&text).ok_or_else(|| {
                invalid!(
                    PaperRangeInvalid,
                    format!("票据号“{text}”应以数字结尾，例如 0001 或 SG0001"),
                    format!("Paper number \"{text}\" must end in digits, e.g. 0001 or SG0001")
                )
            })
        };
        let (prefix, first, digits) = read(from)?;
        let (to_prefix, last, _) = read(to)?;
        if prefix.to_uppercase() != to_prefix.to_uppercase() {
            return Err(invalid!(
                PaperRangeInvalid,
                format!("票据本的起止号码前缀不同（{from} 与 {to}）：一本票据的号码前缀相同"),
                format!("The first and last numbers of the book have different prefixes ({from}, {to})")
            ));
        }
        if last < first {
            return Err(invalid!(
                PaperRangeInvalid,
                format!("票据本的止号 {to} 小于起号 {from}"),
                format!("The last number {to} is below the first {from}")
            ));
        }
        if last - first + 1 > MAX_BOOK_SIZE {
            return Err(invalid!(
                PaperRangeInvalid,
                format!("票据本 {from}–{to} 超过 {MAX_BOOK_SIZE} 张：请按实际领用的票据本登记"),
                format!("The range {from}–{to} holds more than {MAX_BOOK_SIZE} forms: register the book in hand")
            ));
        }
        Ok(PaperBook {
            id: Uuid::now_v7(),
            prefix,
            first,
            last,
            digits,
        })
    }

    /// A number of this book as the book writes it.
    pub fn text(&self, value: u64) -> String {
        format!("{}{value:0width$}", self.prefix, width = self.digits)
    }

    pub fn size(&self) -> u64 {
        self.last - self.first + 1
    }

    /// The value of `paper_no` when it is a number of this book.
    pub fn value_of(&self, paper_no: &str) -> Option<u64> {
        let (prefix, value, _) = split(paper_no)?;
        (prefix.to_uppercase() == self.prefix.to_uppercase() && (self.first..=self.last).contains(&value)).then_some(value)
    }

    fn overlaps(&self, other: &PaperBook) -> bool {
        self.prefix.to_uppercase() == other.prefix.to_uppercase() && self.first <= other.last && other.first <= self.last
    }

    /// `0001–0050`.
    pub fn range_text(&self) -> String {
        format!("{}–{}", self.text(self.first), self.text(self.last))
    }
}

const BOOK_SELECT: &str = "SELECT id, prefix, first_no, last_no, digits FROM paper_book";

fn book_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaperBook> {
    Ok(PaperBook {
        id: r.get::<_, String>(0)?.parse().unwrap_or_default(),
        prefix: r.get(1)?,
        first: r.get::<_, i64>(2)? as u64,
        last: r.get::<_, i64>(3)? as u64,
        digits: r.get::<_, i64>(4)? as usize,
    })
}

impl Desk {
    /// The books registered in a shift, in the order registered.
    pub fn paper_books(&self, shift: Uuid) -> Result<Vec<PaperBook>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{BOOK_SELECT} WHERE shift_id = ?1 ORDER BY rowid"))?;
        let books = stmt.query_map([shift.to_string()], book_from_row)?;
        Ok(books.collect::<rusqlite::Result<_>>()?)
    }

    /// Every paper number on a receipt, with its receipt number, in issue order.
    fn paper_numbers_used(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT paper_no, receipt_no FROM receipt WHERE paper_no IS NOT NULL ORDER BY seq")?;
        let used = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(used.collect::<rusqlite::Result<_>>()?)
    }

    /// Registers the next paper book (票据本) in the operator's open shift.
    pub fn register_paper_book(&mut self, by: &Actor, book: &PaperBook) -> Result<PaperBook> {
        by.require(Permission::OpenShift)?;
        self.in_write_tx(|d| {
            let shift = d.shift_for_money(by)?;
            d.insert_paper_book(by, shift.id, book)
        })
    }

    /// Checks a new book against the books of every open shift and the numbers already used,
    /// and writes it (inside the caller's transaction).
    pub(crate) fn insert_paper_book(&mut self, by: &Actor, shift: Uuid, book: &PaperBook) -> Result<PaperBook> {
        for open in self.open_shifts()? {
            if let Some(other) = self.paper_books(open.id)?.into_iter().find(|b| b.overlaps(book)) {
                return Err(invalid!(
                    PaperBookOverlap,
                    format!(
                        "票据本 {} 与 {} 本班已登记的 {} 重叠：请核对票据本上的号码",
                        book.range_text(),
                        open.operator,
                        other.range_text()
                    ),
                    format!(
                        "The book {} overlaps {} registered by {} in an open shift: check the numbers on the book",
                        book.range_text(),
                        other.range_text(),
                        open.operator
                    )
                ));
            }
        }
        if let Some((no, receipt)) = self.paper_numbers_used()?.into_iter().find(|(no, _)| book.value_of(no).is_some()) {
            return Err(invalid!(
                PaperBookUsed,
                format!("手工票据 {no} 已用于收据 {receipt}：请从这本票据中还没用过的号码开始登记"),
                format!("Paper number {no} was already used on receipt {receipt}: register the book from its first unused number")
            ));
        }
        let now = self.clock.now();
        self.record_one(
            by.name(),
            "paper_book_registered",
            "paper_book",
            now,
            "INSERT INTO paper_book (id, shift_id, prefix, first_no, last_no, digits, registered_by, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                book.id.to_string(),
                shift.to_string(),
                book.prefix,
                book.first as i64,
                book.last as i64,
                book.digits as i64,
                by.id().to_string(),
                stamp(now)
            ],
        )?;
        Ok(book.clone())
    }

    /// The paper number to propose for the next receipt of `by`'s open shift: after the
    /// highest number used in the current book, else the first of the next book with room.
    /// None without an open shift, a book, or a number left.
    pub fn next_paper_no(&self, by: &Actor) -> Result<Option<String>> {
        let Some(shift) = self.open_shift_of(by)? else { return Ok(None) };
        let books = self.paper_books(shift.id)?;
        if books.is_empty() {
            return Ok(None);
        }
        let used = self.paper_numbers_used()?;
        for book in &books {
            let values: Vec<u64> = used.iter().filter_map(|(no, _)| book.value_of(no)).collect();
            let next = values.iter().max().map_or(book.first, |v| v + 1);
            if let Some(free) = (next..=book.last).find(|v| !values.contains(v)) {
                return Ok(Some(book.text(free)));
            }
        }
        Ok(None)
    }

    /// The paper number typed for a receipt of `shift`, checked: in one of the shift's books
    /// when it has any (and then written as the book writes it), and not used before.
    pub(crate) fn paper_no_for(&self, shift: Uuid, typed: &str) -> Result<String> {
        let typed = clean_text(typed, 30, ("手工发票号", "Paper receipt number"))?;
        let books = self.paper_books(shift)?;
        let paper_no = if books.is_empty() {
            typed
        } else {
            let Some((book, value)) = books.iter().find_map(|b| b.value_of(&typed).map(|v| (b, v))) else {
                let ranges: Vec<String> = books.iter().map(PaperBook::range_text).collect();
                return Err(invalid!(
                    PaperNoOutsideBook,
                    format!(
                        "手工发票号 {typed} 不在本班登记的票据本（{}）内：请核对号码，换新票据本请先登记",
                        ranges.join("、")
                    ),
                    format!(
                        "Paper number {typed} is not in the books registered for this shift ({}): check it, or register the new book first",
                        ranges.join(", ")
                    )
                ));
            };
            book.text(value)
        };
        let exact: Option<String> = self
            .conn
            .prepare_cached("SELECT receipt_no FROM receipt WHERE paper_no = ?1")?
            .query_row([&paper_no], |r| r.get(0))
            .optional()?;
        let same = identity(&paper_no);
        let used = match exact {
            Some(no) => Some(no),
            None => self
                .paper_numbers_used()?
                .into_iter()
                .find(|(p, _)| identity(p) == same)
                .map(|(_, no)| no),
        };
        if let Some(no) = used {
            return Err(invalid!(
                PaperNoUsed,
                format!("手工发票号 {paper_no} 已用于收据 {no}，不能重复使用"),
                format!("Paper receipt number {paper_no} was already used on receipt {no}")
            ));
        }
        Ok(paper_no)
    }
}

#[cfg(test)]
mod tests {
    use super::{identity, split, PaperBook};

    #[test]
    fn reads_a_prefix_and_trailing_digits() {
        assert_eq!(split("00012345"), Some((String::new(), 12345, 8)));
        assert_eq!(split("a-0012"), Some(("a-".into(), 12, 4)));
        assert_eq!(split("第三本"), None);
        assert_eq!(split(""), None);
        assert_eq!(identity("sg012"), identity("SG0012"));
    }

    #[test]
    fn a_book_is_a_range_with_one_prefix() {
        let b = PaperBook::parse("SG0001", "sg0050").unwrap();
        assert_eq!((b.prefix.as_str(), b.first, b.last, b.digits, b.size()), ("SG", 1, 50, 4, 50));
        assert_eq!(b.value_of("sg12"), Some(12));
        assert_eq!(b.value_of("SG0051"), None);
        assert_eq!(b.value_of("XX0012"), None);
        assert_eq!(b.text(7), "SG0007");
        for (from, to) in [("SG0050", "SG0001"), ("SG0001", "XY0050"), ("第一本", "0050"), ("1", "20000")] {
            assert_eq!(PaperBook::parse(from, to).unwrap_err().code(), "paper_range_invalid", "{from}–{to}");
        }
    }
}
