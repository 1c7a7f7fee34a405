//! 手工发票号: the paper invoice numbers written beside receipts (`charge --paper-no`), in
//! order; each registered book of a shift (`crate::paper`) with its numbers used, voided,
//! skipped and unused; numbers skipped between two used in one shift outside any book; and any
//! number used twice.

use super::records::{ReceiptRecord, ShiftRecord};
use super::types::{NumberRange, PaperBookUse, PaperNumbers, PaperRepeat, PaperUse};
use crate::paper::{identity, split, PaperBook};
use std::collections::BTreeMap;

/// Runs of consecutive values as ranges written by `text`.
fn runs(values: impl IntoIterator<Item = u64>, text: impl Fn(u64) -> String) -> Vec<NumberRange> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == v => *last = v,
            _ => out.push((v, v)),
        }
    }
    out.into_iter()
        .map(|(a, b)| NumberRange {
            first: text(a),
            last: text(b),
            count: (b - a + 1) as i64,
        })
        .collect()
}

/// A book on the handover sheet: 张三 票据本 0001–0050（50 张）：已用 12 张（作废 1 张），跳号 2 张，
/// 未用 0013–0050（38 张）.
pub fn book_text(b: &PaperBookUse) -> String {
    let mut s = format!("{} 票据本 {}–{}（{} 张）：已用 {} 张", b.operator, b.first, b.last, b.count, b.used);
    if b.voided > 0 {
        s.push_str(&format!("（作废 {} 张）", b.voided));
    }
    if b.skipped > 0 {
        s.push_str(&format!("，跳号 {} 张", b.skipped));
    }
    match &b.unused {
        Some(u) => s.push_str(&format!("，未用 {}–{}（{} 张）", u.first, u.last, u.count)),
        None => s.push_str("，已用完"),
    }
    s
}

/// One book of `shift`: what its receipts used of it.
fn book_use(shift: &ShiftRecord, book: &PaperBook, receipts: &[(&ReceiptRecord, &str)]) -> (PaperBookUse, Vec<NumberRange>) {
    let mut used: BTreeMap<u64, bool> = BTreeMap::new();
    for (r, p) in receipts.iter().filter(|(r, _)| r.shift_id == shift.id) {
        if let Some(v) = book.value_of(p) {
            *used.entry(v).or_default() |= r.void.is_some();
        }
    }
    let highest = used.keys().next_back().copied();
    let skipped = match highest {
        Some(h) => runs((book.first..h).filter(|v| !used.contains_key(v)), |v| book.text(v)),
        None => Vec::new(),
    };
    let unused_from = highest.map_or(book.first, |h| h + 1);
    let unused = (unused_from <= book.last).then(|| NumberRange {
        first: book.text(unused_from),
        last: book.text(book.last),
        count: (book.last - unused_from + 1) as i64,
    });
    let view = PaperBookUse {
        operator: shift.operator.clone(),
        first: book.text(book.first),
        last: book.text(book.last),
        count: book.size() as i64,
        used: used.len() as i64,
        voided: used.values().filter(|v| **v).count() as i64,
        skipped: skipped.iter().map(|r| r.count).sum(),
        unused,
    };
    (view, skipped)
}

pub(crate) fn numbers(shifts: &[ShiftRecord], receipts: &[ReceiptRecord]) -> PaperNumbers {
    let with_paper: Vec<(&ReceiptRecord, &str)> = receipts.iter().filter_map(|r| r.paper_no.as_deref().map(|p| (r, p))).collect();
    let mut used: Vec<PaperUse> = with_paper
        .iter()
        .map(|(r, p)| PaperUse {
            paper_no: p.to_string(),
            receipt_no: r.receipt_no.clone(),
            voided: r.void.is_some(),
        })
        .collect();
    let order = |p: &str| {
        split(p)
            .map(|(prefix, value, _)| (prefix.to_uppercase(), value))
            .unwrap_or((p.to_uppercase(), 0))
    };
    used.sort_by(|a, b| order(&a.paper_no).cmp(&order(&b.paper_no)).then(a.receipt_no.cmp(&b.receipt_no)));

    let mut skipped = Vec::new();
    let mut books = Vec::new();
    for s in shifts {
        for book in &s.paper_books {
            let (view, gaps) = book_use(s, book, &with_paper);
            books.push(view);
            skipped.extend(gaps);
        }
        let in_a_book = |p: &str| s.paper_books.iter().any(|b| b.value_of(p).is_some());
        // prefix (any case) → (prefix as first written, value → digits as first written)
        let mut by_prefix: BTreeMap<String, (String, BTreeMap<u64, usize>)> = BTreeMap::new();
        for (_, p) in with_paper.iter().filter(|(r, p)| r.shift_id == s.id && !in_a_book(p)) {
            if let Some((prefix, value, digits)) = split(p) {
                let e = by_prefix.entry(prefix.to_uppercase()).or_insert_with(|| (prefix, BTreeMap::new()));
                e.1.entry(value).or_insert(digits);
            }
        }
        for (prefix, values) in by_prefix.into_values() {
            let values: Vec<(u64, usize)> = values.into_iter().collect();
            for pair in values.windows(2) {
                let ((a, width), (b, _)) = (pair[0], pair[1]);
                if b > a + 1 {
                    let text = |v: u64| format!("{prefix}{v:0width$}");
                    skipped.push(NumberRange {
                        first: text(a + 1),
                        last: text(b - 1),
                        count: (b - a - 1) as i64,
                    });
                }
            }
        }
    }

    let mut seen: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (r, p) in &with_paper {
        seen.entry(identity(p)).or_default().push((p, &r.receipt_no));
    }
    let repeated = seen
        .into_values()
        .filter(|uses| uses.len() > 1)
        .map(|uses| PaperRepeat {
            paper_no: uses[0].0.to_string(),
            receipt_nos: uses.iter().map(|(_, no)| no.to_string()).collect(),
        })
        .collect();
    PaperNumbers {
        books,
        used,
        skipped,
        repeated,
    }
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn consecutive_values_make_one_range() {
        let r = runs([1, 2, 3, 7, 9, 10], |v| format!("{v:04}"));
        let got: Vec<(String, String, i64)> = r.into_iter().map(|x| (x.first, x.last, x.count)).collect();
        assert_eq!(
            got,
            [("0001", "0003", 3), ("0007", "0007", 1), ("0009", "0010", 2)].map(|(a, b, c)| (a.to_string(), b.to_string(), c))
        );
    }
}
