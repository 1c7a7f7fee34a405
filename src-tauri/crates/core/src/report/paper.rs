//! 手工发票号: the paper invoice numbers written beside receipts (`charge --paper-no`), in
//! order, with the numbers skipped between two used in one shift and any number used twice.
//! A number is read as a prefix and a trailing run of digits (`A-0012` → `A-`, 12), so
//! `0012` and `012` are the same paper form; a number without trailing digits is only listed.

use super::records::{ReceiptRecord, ShiftRecord};
use super::{NumberRange, PaperNumbers, PaperRepeat, PaperUse};
use std::collections::BTreeMap;

/// `(prefix, value, digits)` of a paper number ending in digits.
fn split(paper_no: &str) -> Option<(String, u64, usize)> {
    let t = paper_no.trim();
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let (prefix, number) = t.split_at(t.len() - digits);
    Some((prefix.to_string(), number.parse().ok()?, digits))
}

/// The identity two writings of one paper number share.
fn identity(paper_no: &str) -> String {
    match split(paper_no) {
        Some((prefix, value, _)) => format!("{}\u{1f}{value}", prefix.to_uppercase()),
        None => paper_no.trim().to_uppercase(),
    }
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
    for s in shifts {
        // prefix (any case) → (prefix as first written, value → digits as first written)
        let mut by_prefix: BTreeMap<String, (String, BTreeMap<u64, usize>)> = BTreeMap::new();
        for (_, p) in with_paper.iter().filter(|(r, _)| r.shift_id == s.id) {
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
    PaperNumbers { used, skipped, repeated }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn reads_a_prefix_and_trailing_digits() {
        assert_eq!(split("00012345"), Some((String::new(), 12345, 8)));
        assert_eq!(split("a-0012"), Some(("a-".into(), 12, 4)));
        assert_eq!(split("第三本"), None);
        assert_eq!(split(""), None);
    }
}
