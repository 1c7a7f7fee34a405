//! Unit prices and quantities, exactly. A unit price has up to four decimals of a yuan
//! (drugs are priced like 0.0125 元/片) and is kept as an integer number of 1/10000 yuan; a
//! quantity has up to three decimals (herbs by weight) and is kept in thousandths. A line
//! amount is quantity × unit price rounded half-up to the fen; totals are sums of amounts.

use crate::error::{invalid, CoreError, Result};
use crate::money::{Fen, MAX_FEN};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 单价: 1/10000 yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitPrice(i64);

/// 数量: thousandths of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(i64);

/// Highest unit price accepted: 9,999,999.9999 yuan.
const MAX_PRICE_E4: i64 = 99_999_999_999;
/// Highest quantity on one line: 99,999.999.
const MAX_QTY_MILLI: i64 = 99_999_999;

/// Parses an unsigned decimal with at most `scale` decimals into an integer scaled by
/// 10^scale. `None` when it is not such a number.
fn parse_scaled(text: &str, scale: u32) -> std::result::Result<i64, ScaledError> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(ScaledError::Negative);
    }
    let (int_part, frac_part) = t.split_once('.').unwrap_or((t, ""));
    let int_part = int_part.trim_start_matches('+');
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac_part.is_empty() && int_part.is_empty())
    {
        return Err(ScaledError::NotANumber);
    }
    // Trailing zeros beyond the scale are harmless ("12.50000").
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() > scale as usize {
        return Err(ScaledError::TooPrecise);
    }
    let int_digits = int_part.trim_start_matches('0');
    if int_digits.len() > 12 {
        return Err(ScaledError::TooLarge);
    }
    let whole: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| ScaledError::NotANumber)?
    };
    let mut frac: i64 = if frac_trimmed.is_empty() {
        0
    } else {
        frac_trimmed.parse().map_err(|_| ScaledError::NotANumber)?
    };
    frac *= 10i64.pow(scale - frac_trimmed.len() as u32);
    Ok(whole * 10i64.pow(scale) + frac)
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ScaledError {
    NotANumber,
    Negative,
    TooPrecise,
    TooLarge,
}

fn scaled_text(v: i64, scale: u32, min_decimals: usize) -> String {
    let p = 10i64.pow(scale);
    let frac = format!("{:0width$}", v % p, width = scale as usize);
    let trimmed = frac.trim_end_matches('0');
    let shown = if trimmed.len() < min_decimals {
        &frac[..min_decimals]
    } else {
        trimmed
    };
    if shown.is_empty() {
        format!("{}", v / p)
    } else {
        format!("{}.{}", v / p, shown)
    }
}

impl UnitPrice {
    pub fn from_e4(e4: i64) -> Result<UnitPrice> {
        if !(0..=MAX_PRICE_E4).contains(&e4) {
            return Err(invalid!(PriceOutOfRange, "单价超出范围", "Unit price out of range"));
        }
        Ok(UnitPrice(e4))
    }

    /// Parses yuan with up to four decimals: `12`, `0.0125`, `3.50`.
    pub(crate) fn parse_raw(text: &str) -> std::result::Result<UnitPrice, ScaledError> {
        let v = parse_scaled(text, 4)?;
        if v > MAX_PRICE_E4 {
            return Err(ScaledError::TooLarge);
        }
        Ok(UnitPrice(v))
    }

    pub fn parse(text: &str) -> Result<UnitPrice> {
        Self::parse_raw(text).map_err(|e| match e {
            ScaledError::TooPrecise => invalid!(
                PriceTooPrecise,
                format!("单价“{text}”超过 4 位小数"),
                format!("Unit price \"{text}\" has more than 4 decimals")
            ),
            ScaledError::Negative => invalid!(
                PriceNegative,
                format!("单价“{text}”为负数"),
                format!("Unit price \"{text}\" is negative")
            ),
            _ => invalid!(
                PriceInvalid,
                format!("单价“{text}”无法识别"),
                format!("Cannot read the unit price \"{text}\"")
            ),
        })
    }

    pub fn e4(self) -> i64 {
        self.0
    }

    /// Exact decimal text in yuan with at least two decimals: `0.0125`, `12.50`, `3.00`.
    pub fn yuan_text(self) -> String {
        scaled_text(self.0, 4, 2)
    }
}

impl fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", self.yuan_text())
    }
}

impl Quantity {
    pub fn from_milli(m: i64) -> Result<Quantity> {
        if !(1..=MAX_QTY_MILLI).contains(&m) {
            return Err(invalid!(
                QuantityOutOfRange,
                "数量必须大于 0 且不超过 99999.999",
                "The quantity must be above 0 and at most 99999.999"
            ));
        }
        Ok(Quantity(m))
    }

    /// Parses a typed quantity: positive, at most three decimals.
    pub fn parse(text: &str) -> Result<Quantity> {
        let q = parse_scaled(text, 3).map_err(|e| quantity_error(text, e))?;
        if q == 0 {
            return Err(invalid!(
                QuantityZero,
                format!("数量“{text}”必须大于 0"),
                format!("The quantity \"{text}\" must be above 0")
            ));
        }
        Quantity::from_milli(q)
    }

    pub fn milli(self) -> i64 {
        self.0
    }

    /// `2`, `0.5`, `12.125`.
    pub fn text(self) -> String {
        scaled_text(self.0, 3, 0)
    }
}

fn quantity_error(text: &str, e: ScaledError) -> CoreError {
    match e {
        ScaledError::TooPrecise => invalid!(
            QuantityTooPrecise,
            format!("数量“{text}”最多 3 位小数"),
            format!("The quantity \"{text}\" has more than 3 decimals")
        ),
        ScaledError::Negative => invalid!(
            QuantityZero,
            format!("数量“{text}”必须大于 0"),
            format!("The quantity \"{text}\" must be above 0")
        ),
        _ => invalid!(
            QuantityInvalid,
            format!("数量“{text}”无法识别"),
            format!("Cannot read the quantity \"{text}\"")
        ),
    }
}

/// A percentage in hundredths of a per cent from `text`, which is a percentage (`shift` 0:
/// `10`, `12.5`) or a fraction of one (`shift` 2: `0.1`); at most two decimals of a per cent.
pub(crate) fn parse_percent(text: &str, shift: u32) -> Option<i64> {
    let v = parse_scaled(text, 2 + shift).ok()?;
    Some(v)
}

/// `1000` → `10`, `1250` → `12.5`.
pub(crate) fn percent_text(hundredths: i64) -> String {
    scaled_text(hundredths, 2, 0)
}

/// 金额 = 数量 × 单价, rounded half-up to the fen.
pub fn line_amount(qty: Quantity, price: UnitPrice) -> Result<Fen> {
    // qty is in 1/1000, price in 1/10000 yuan = 1/100 fen: the product is in 1/100000 fen.
    let product = qty.0 as i128 * price.0 as i128;
    let fen = (product + 50_000) / 100_000;
    if fen > MAX_FEN as i128 {
        return Err(invalid!(
            AmountOutOfRange,
            "这一行的金额超出范围",
            "This line's amount is out of range"
        ));
    }
    Fen::new(fen as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(qty: &str, price: &str) -> i64 {
        line_amount(Quantity::parse(qty).unwrap(), UnitPrice::parse(price).unwrap())
            .unwrap()
            .get()
    }

    #[test]
    fn rounds_half_up_to_the_fen() {
        assert_eq!(amount("1", "0.0125"), 1); // 1.25 fen → 1
        assert_eq!(amount("2", "0.0125"), 3); // 2.5 fen → 3
        assert_eq!(amount("3", "0.0125"), 4); // 3.75 → 4
        assert_eq!(amount("10", "0.0125"), 13); // 12.5 → 13
        assert_eq!(amount("0.5", "3.33"), 167); // 166.5 → 167
        assert_eq!(amount("12.5", "0.068"), 85);
        assert_eq!(amount("1", "25"), 2500);
        assert_eq!(amount("0.001", "0.0001"), 0);
    }

    #[test]
    fn prices_keep_four_decimals_exactly() {
        for (text, e4, shown) in [
            ("0.0125", 125, "0.0125"),
            ("12.5", 125000, "12.50"),
            ("3", 30000, "3.00"),
            ("0.10000", 1000, "0.10"),
            ("1234.5678", 12345678, "1234.5678"),
        ] {
            let p = UnitPrice::parse(text).unwrap();
            assert_eq!(p.e4(), e4, "{text}");
            assert_eq!(p.yuan_text(), shown, "{text}");
        }
        for bad in ["", "abc", "-1", "0.00001", "1.2.3", "1e3"] {
            assert!(UnitPrice::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quantities_keep_three_decimals() {
        assert_eq!(Quantity::parse("2").unwrap().milli(), 2000);
        assert_eq!(Quantity::parse("12.125").unwrap().text(), "12.125");
        assert_eq!(Quantity::parse("0.5").unwrap().text(), "0.5");
        assert_eq!(Quantity::parse("1.2345").unwrap_err().code(), "quantity_too_precise");
        assert_eq!(Quantity::parse("0").unwrap_err().code(), "quantity_zero");
        assert_eq!(Quantity::parse("-2").unwrap_err().code(), "quantity_zero");
        assert_eq!(Quantity::parse("x").unwrap_err().code(), "quantity_invalid");
    }
}
