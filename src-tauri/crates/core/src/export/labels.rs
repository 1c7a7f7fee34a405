//! How stored keys read in the export's Chinese columns. A key this build does not know is
//! written as it is stored, never dropped.

use crate::catalog::category::FeeCategory;
use crate::patient::Insurance;
use crate::receipt::tender::Method;
use chrono::{Datelike, Local, Timelike};

pub(crate) fn receipt_kind(kind: &str) -> &str {
    match kind {
        "charge" => "收费",
        "registration" => "挂号",
        "refund" => "退费",
        "deposit" => "预交金",
        "deposit_refund" => "退预交金",
        other => other,
    }
}

pub(crate) fn insurance(key: &str) -> &str {
    Insurance::ALL.into_iter().find(|i| i.key() == key).map_or(key, |i| i.zh())
}

pub(crate) fn method(key: &str) -> &str {
    Method::ALL.into_iter().find(|m| m.key() == key).map_or(key, |m| m.zh())
}

pub(crate) fn category(key: &str) -> &str {
    FeeCategory::ALL.into_iter().find(|c| c.key() == key).map_or(key, |c| c.zh())
}

pub(crate) fn sex(key: &str) -> &str {
    match key {
        "M" => "男",
        "F" => "女",
        "U" => "未知",
        other => other,
    }
}

pub(crate) fn yes(flag: bool) -> &'static str {
    if flag {
        "是"
    } else {
        ""
    }
}

/// A stored UTC stamp in the station's local time with its offset, to the second:
/// `2026-11-26 09:30:05 +08:00` (empty stays empty; text that is no stamp is shown as it is
/// stored, never as 1970).
pub(crate) fn local(stamp: &str) -> String {
    if stamp.is_empty() {
        return String::new();
    }
    let Ok(t) = crate::time::parse_stamp(stamp) else {
        return stamp.to_string();
    };
    let t = t.with_timezone(&Local);
    let offset = t.offset().local_minus_utc();
    if !(0..=9999).contains(&t.year()) || offset % 60 != 0 || t.nanosecond() >= 1_000_000_000 {
        return t.format("%Y-%m-%d %H:%M:%S %:z").to_string();
    }
    // The same text as that format, without parsing the format for every cell (the export
    // writes several stamps for each of tens of thousands of records).
    let (sign, off) = (if offset < 0 { '-' } else { '+' }, offset.unsigned_abs() / 60);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {sign}{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        off / 60,
        off % 60
    )
}

/// Quantity in thousandths, without trailing zeros: `2`, `0.5`, `1.25`.
pub(crate) fn qty(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let (whole, frac) = (m / 1000, m % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let f = format!("{frac:03}");
    format!("{sign}{whole}.{}", f.trim_end_matches('0'))
}

/// Unit price in 1/10000 yuan, without trailing zeros beyond two decimals: `12.50`, `0.0375`.
pub(crate) fn unit_price(e4: i64) -> String {
    let (whole, frac) = (e4 / 10_000, e4 % 10_000);
    let f = format!("{frac:04}");
    let f = f.trim_end_matches('0');
    format!("{whole}.{:0<2}", f)
}

#[cfg(test)]
mod tests {
    #[test]
    fn local_stamps_read_as_chrono_formats_them() {
        for stamp in [
            "2026-11-26T01:30:05.123Z",
            "2026-12-31T16:00:00Z",
            "2024-02-29T23:59:59Z",
            "1999-01-01T00:00:00Z",
        ] {
            let chrono_text = crate::time::parse_stamp(stamp)
                .unwrap()
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string();
            assert_eq!(super::local(stamp), chrono_text, "{stamp}");
        }
        assert_eq!(super::local(""), "");
        assert_eq!(super::local("not a time"), "not a time");
    }
}
