//! Chinese capital numerals for money (大写金额), as written on receipts and cheques.
//!
//! Contract: [`Fen::capitals`] writes one canonical form for every amount; [`parse_capitals`]
//! reads that form back, and also the other forms the banking rules
//! (《正确填写票据和结算凭证的基本规定》) allow, and nothing else.
//!
//! The canonical form:
//! - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, sections 万 (and 亿 beyond the desk's
//!   range); a ten is always 壹拾 (`10` → 壹拾元整), never a bare 拾;
//! - one 零 for each run of zeros between two non-zero digits (`1005` → 壹仟零伍元); none
//!   when the zeros close the 万 section and the next digit is a 仟 (`101000` → 壹拾万壹仟元);
//! - 整 after 元 when there are no 角 and 分 (`1.00` → 壹元整, `0.00` → 零元整), nothing after
//!   角 or 分 (`1.50` → 壹元伍角);
//! - a 零 after 元 when the 元 digit is zero or the 角 is zero and something follows
//!   (`1000.50` → 壹仟元零伍角, `1.05` → 壹元零伍分, `100000.01` → 壹拾万元零壹分);
//! - below one yuan no 元 part at all (`0.50` → 伍角, `0.05` → 伍分).
//!
//! What the parser also accepts, because the rules allow it: 圆 for 元, 正 for 整, a 整 after
//! 角, no 零 where the 元 digit or the 万 digit is zero (壹仟元伍角, 壹佰万壹仟元整), a
//! 零元 before an amount below one yuan (零元伍角). What it refuses: a bare 拾, a 零 that
//! stands for no zero, two 零 in one run, a missing 整 after 元, a 整 after 分, a missing
//! 零 before 分 when the 角 is zero (壹元伍分), anything over the desk's maximum.

use crate::money::Fen;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// Units inside a four-digit section, by position: ones, tens, hundreds, thousands.
const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

impl Fen {
    /// The amount in capitals, as printed beside the figures: `12345` fen → 壹佰贰拾叁元肆角伍分.
    pub fn capitals(self) -> String {
        let fen = self.get();
        // Never negative on a receipt (refunds are positive amounts), but total, not a panic.
        let sign = if fen < 0 { "负" } else { "" };
        format!("{sign}{}", capitals_of(fen.unsigned_abs()))
    }
}

fn capitals_of(fen: u64) -> String {
    let (yuan, jiao, fen) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut out = String::new();
    if yuan > 0 {
        write_integer(yuan, &mut out);
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) if yuan == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        _ => {
            if yuan > 0 && (yuan % 10 == 0 || jiao == 0) {
                out.push('零');
            }
            if jiao > 0 {
                out.push(DIGITS[jiao]);
                out.push('角');
            }
            if fen > 0 {
                out.push(DIGITS[fen]);
                out.push('分');
            }
        }
    }
    out
}

/// Writes a positive integer: sections of four digits joined by 万 and 亿.
fn write_integer(n: u64, out: &mut String) {
    const YI: u64 = 100_000_000;
    if n >= YI {
        write_integer(n / YI, out);
        out.push('亿');
        let rest = n % YI;
        if rest > 0 {
            if rest < 10_000_000 {
                out.push('零');
            }
            write_below_yi(rest, out);
        }
    } else {
        write_below_yi(n, out);
    }
}

fn write_below_yi(n: u64, out: &mut String) {
    let (high, low) = (n / 10_000, n % 10_000);
    if high > 0 {
        write_section(high, out);
        out.push('万');
        if low > 0 && low < 1000 {
            out.push('零');
        }
    }
    if low > 0 {
        write_section(low, out);
    }
}

/// One section of at most four digits, with one 零 per inner run of zeros.
fn write_section(n: u64, out: &mut String) {
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let first = digits.iter().position(|d| *d != 0).unwrap_or(3);
    let mut zero_run = false;
    for (i, d) in digits.iter().enumerate().skip(first) {
        if *d == 0 {
            zero_run = true;
            continue;
        }
        if zero_run {
            out.push('零');
            zero_run = false;
        }
        out.push(DIGITS[*d as usize]);
        out.push_str(UNITS[3 - i]);
    }
}

/// Reads an amount written in capitals; `None` unless it is a well-formed amount within the
/// desk's range (see the module header for what is accepted).
pub fn parse_capitals(text: &str) -> Option<Fen> {
    let chars: Vec<char> = text
        .trim()
        .chars()
        .map(|c| match c {
            '圆' => '元',
            '正' => '整',
            c => c,
        })
        .collect();
    let (yuan, rest) = match chars.iter().position(|c| *c == '元') {
        Some(i) => {
            let int = &chars[..i];
            let yuan = if int == ['零'] { 0 } else { parse_integer(int)? };
            (Some(yuan), &chars[i + 1..])
        }
        None => (None, &chars[..]),
    };
    let (jiao, fen) = parse_fraction(yuan, rest)?;
    let total = (yuan.unwrap_or(0) as i64).checked_mul(100)?.checked_add((jiao * 10 + fen) as i64)?;
    Fen::new(total).ok()
}

/// What follows 元 (or the whole text below one yuan): `整`, `[零]X角[X分|整]`, `[零]X分`.
fn parse_fraction(yuan: Option<u64>, rest: &[char]) -> Option<(u32, u32)> {
    let mut i = 0;
    let zero = rest.first() == Some(&'零');
    if zero {
        i += 1;
    }
    let mut take = |unit: char| -> Option<u32> {
        let d = rest.get(i).and_then(|c| digit(*c)).filter(|d| *d > 0)?;
        (rest.get(i + 1) == Some(&unit)).then(|| {
            i += 2;
            d
        })
    };
    let jiao = take('角');
    let fen = take('分');
    let whole = rest.get(i) == Some(&'整');
    if whole {
        i += 1;
    }
    if i != rest.len() {
        return None;
    }
    let ok = match (yuan, jiao, fen) {
        // 元 alone: 整 is required, and 零元整 is zero.
        (Some(_), None, None) => whole && !zero,
        (None, None, None) => false,
        // After 分 nothing is written.
        (_, _, Some(_)) if whole => false,
        // A 零 stands for a zero 元 digit (or a zero 角 before 分).
        (Some(y), Some(_), _) => !zero || y % 10 == 0,
        // No 角: the 零 before 分 is required when there are yuan.
        (Some(y), None, Some(_)) => zero || y == 0,
        (None, Some(_), _) => !zero,
        (None, None, Some(_)) => !zero && !whole,
    };
    ok.then(|| (jiao.unwrap_or(0), fen.unwrap_or(0)))
}

fn digit(c: char) -> Option<u32> {
    DIGITS.iter().position(|d| *d == c).map(|d| d as u32)
}

/// A positive integer below 亿 (the desk's maximum is 99,999,999.99 yuan). Every non-zero
/// digit has its unit; a 零 must stand for at least one skipped position; skipped positions
/// without a 零 are allowed only where the 万 digit is zero and the 仟 digit follows.
fn parse_integer(chars: &[char]) -> Option<u64> {
    let mut sections = chars.split(|c| *c == '万');
    let (high, low) = match (sections.next(), sections.next(), sections.next()) {
        (Some(low), None, None) => (&[][..], low),
        (Some(high), Some(low), None) if !high.is_empty() && high.last() != Some(&'零') => (high, low),
        _ => return None,
    };
    let mut tokens = section_tokens(high, 4)?;
    tokens.extend(section_tokens(low, 0)?);

    let mut value: u64 = 0;
    let mut last: Option<u32> = None;
    let mut zero = false;
    for token in tokens {
        let Some((d, pos)) = token else {
            if zero || last.is_none() {
                return None;
            }
            zero = true;
            continue;
        };
        if let Some(prev) = last {
            let skipped = prev.checked_sub(pos + 1)?;
            let wan_gap = prev >= 5 && pos == 3;
            if (zero && skipped == 0) || (!zero && skipped > 0 && !wan_gap) {
                return None;
            }
        }
        value += u64::from(d) * 10u64.pow(pos);
        last = Some(pos);
        zero = false;
    }
    (!zero && value > 0).then_some(value)
}

/// The tokens of one section: `Some((digit, position))` or `None` for a 零; positions are
/// offset by `base` (4 for the 万 section).
fn section_tokens(chars: &[char], base: u32) -> Option<Vec<Option<(u32, u32)>>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '零' {
            out.push(None);
            i += 1;
            continue;
        }
        let d = digit(chars[i]).filter(|d| *d > 0)?;
        let unit = match chars.get(i + 1) {
            Some('拾') => 1,
            Some('佰') => 2,
            Some('仟') => 3,
            _ => 0,
        };
        i += if unit > 0 { 2 } else { 1 };
        out.push(Some((d, base + unit)));
    }
    Some(out)
}
