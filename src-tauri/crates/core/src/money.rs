//! Money (金额): an exact integer number of fen (分). No float ever touches money: amounts
//! typed by people are parsed from decimal text, digit by digit.

use crate::error::{invalid, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen. May be negative only where a rule says so (refunds are
/// separate records with positive amounts, so in practice this is never negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

/// The largest amount the desk accepts in one field: 99,999,999.99 yuan.
pub const MAX_FEN: i64 = 9_999_999_999;

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn new(fen: i64) -> Result<Fen> {
        if !(0..=MAX_FEN).contains(&fen) {
            return Err(invalid!(
                AmountOutOfRange,
                "金额超出范围（0 至 99,999,999.99 元）",
                "Amount out of range (0 to 99,999,999.99 yuan)"
            ));
        }
        Ok(Fen(fen))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).filter(|v| *v <= MAX_FEN).map(Fen)
    }

    /// Parses yuan as people type them: `12`, `12.5`, `12.50`, `1,234.50`, `¥12`.
    /// At most two decimals; no sign, no exponent.
    pub fn parse_yuan(text: &str) -> Result<Fen> {
        let bad = || {
            invalid!(
                AmountInvalid,
                format!("金额“{text}”无效：请输入元，最多两位小数，例如 12.50"),
                format!("Invalid amount \"{text}\": type yuan with at most two decimals, e.g. 12.50")
            )
        };
        let t = text.trim().trim_start_matches(['¥', '￥']).replace(',', "");
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t.as_str(), ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
            || (t.contains('.') && frac_part.is_empty())
        {
            return Err(bad());
        }
        if frac_part.len() > 2 {
            return Err(invalid!(
                AmountTooPrecise,
                format!("金额“{text}”最多只能有两位小数（到分）"),
                format!("Amount \"{text}\" can have at most two decimals (fen)")
            ));
        }
        let int_digits = int_part.trim_start_matches('0');
        if int_digits.len() > 8 {
            return Fen::new(i64::MAX);
        }
        let yuan: i64 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| bad())?
        };
        let mut frac: i64 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().map_err(|_| bad())?
        };
        if frac_part.len() == 1 {
            frac *= 10;
        }
        Fen::new(yuan * 100 + frac)
    }

    /// `1234.50` (no currency sign, no grouping), as written in exports and JSON-free text.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

/// A signed amount (a difference, a net figure, money given back) as `¥1,234.50` or `-¥12.00`.
pub fn signed_yuan(fen: i64) -> String {
    Fen(fen).to_string()
}

/// `¥1,234.50`: the one display format for money (the UI has its twin in `ui/src/format.ts`).
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let yuan = (a / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}¥{grouped}.{:02}", a % 100)
    }
}
