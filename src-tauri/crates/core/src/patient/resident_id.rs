//! 居民身份证号 (GB 11643-1999): 6-digit area code, birth date YYYYMMDD, 3-digit sequence
//! (odd = male, even = female) and an ISO 7064 MOD 11-2 check character. A valid checksum
//! does not prove the number exists; it catches typing errors, and the birth date and sex it
//! carries are cross-checked with what the clerk typed. Old 15-digit numbers (YYMMDD, no check
//! character) are accepted and flagged.

use crate::error::{invalid, Result};
use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

pub use super::Sex;

/// A resident ID number that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    number: String,
    birth: NaiveDate,
    sex: Sex,
    /// An old 15-digit number: no check character, so weaker against typing errors.
    old_style: bool,
}

/// The check character for the first 17 digits.
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    CHECK[(sum % 11) as usize] as char
}

impl ResidentId {
    /// Parses an ID as typed (spaces ignored, lowercase x accepted); `today` bounds the birth date.
    pub fn parse(text: &str, today: NaiveDate) -> Result<ResidentId> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let shown = &t;
        let (birth_text, seq_digit, old_style) = match t.len() {
            18 => {
                if !t[..17].bytes().all(|b| b.is_ascii_digit()) || !matches!(t.as_bytes()[17], b'0'..=b'9' | b'X') {
                    return Err(invalid!(
                        IdNumberInvalid,
                        format!("身份证号“{shown}”格式不对：前 17 位应为数字，最后一位为数字或 X"),
                        format!("ID number \"{shown}\" is malformed: 17 digits then a digit or X")
                    ));
                }
                let expected = check_char(&t[..17]);
                if t.as_bytes()[17] as char != expected {
                    return Err(invalid!(
                        IdNumberChecksum,
                        format!("身份证号“{shown}”校验位错误：最后一位应为 {expected}，请核对是否输错"),
                        format!(
                            "ID number \"{shown}\" fails its checksum: the last character should be {expected}; check for a typing error"
                        )
                    ));
                }
                (t[6..14].to_string(), t.as_bytes()[16], false)
            }
            15 => {
                if !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid!(
                        IdNumberInvalid,
                        format!("15 位身份证号“{shown}”只能由数字组成"),
                        format!("The 15-digit ID number \"{shown}\" must be digits only")
                    ));
                }
                (format!("19{}", &t[6..12]), t.as_bytes()[14], true)
            }
            n => {
                return Err(invalid!(
                    IdNumberLength,
                    format!("身份证号应为 18 位（旧证 15 位），现在是 {n} 位"),
                    format!("An ID number has 18 characters (15 for old ones); this one has {n}")
                ))
            }
        };
        let birth = NaiveDate::parse_from_str(&birth_text, "%Y%m%d").map_err(|_| {
            invalid!(
                IdNumberDate,
                format!("身份证号“{shown}”中的出生日期 {birth_text} 不是真实的日期"),
                format!("The birth date {birth_text} in ID number \"{shown}\" is not a real date")
            )
        })?;
        if birth > today || birth < NaiveDate::from_ymd_opt(1870, 1, 1).expect("valid") {
            return Err(invalid!(
                IdNumberDate,
                format!("身份证号“{shown}”中的出生日期 {birth} 不可能"),
                format!("The birth date {birth} in ID number \"{shown}\" is impossible")
            ));
        }
        let sex = if (seq_digit - b'0') % 2 == 1 { Sex::Male } else { Sex::Female };
        Ok(ResidentId {
            number: t,
            birth,
            sex,
            old_style,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }
    pub fn birth(&self) -> NaiveDate {
        self.birth
    }
    pub fn sex(&self) -> Sex {
        self.sex
    }
    pub fn old_style(&self) -> bool {
        self.old_style
    }

    /// For receipts: `110101********123X`.
    pub fn masked(&self) -> String {
        mask(&self.number)
    }
}

/// Masks the birth date and sequence of an ID number for printing.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let keep_end = 4;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 6 || i >= chars.len() - keep_end { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn check(text: &str, expected: std::result::Result<(&str, Sex), &str>) {
        match (ResidentId::parse(text, today()), expected) {
            (Ok(id), Ok((birth, sex))) => {
                assert_eq!(id.birth().to_string(), birth, "{text}");
                assert_eq!(id.sex(), sex, "{text}");
            }
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{text}: {e}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn valid_numbers_give_birth_and_sex() {
        // The GB 11643 example number, and numbers made with check_char.
        check("11010519491231002X", Ok(("1949-12-31", Sex::Female)));
        let male = format!("44030419900101231{}", check_char("44030419900101231"));
        check(&male, Ok(("1990-01-01", Sex::Male)));
        check(&male.to_lowercase(), Ok(("1990-01-01", Sex::Male)));
        check(" 1101 0519 4912 3100 2x ", Ok(("1949-12-31", Sex::Female)));
    }

    #[test]
    fn bad_numbers_name_the_problem() {
        check("110105194912310021", Err("id_number_checksum"));
        check("1101051949123100", Err("id_number_length"));
        check("11010519491231002Y", Err("id_number_invalid"));
        let feb30 = format!("11010520000230001{}", check_char("11010520000230001"));
        check(&feb30, Err("id_number_date"));
        let future = format!("11010520300101001{}", check_char("11010520300101001"));
        check(&future, Err("id_number_date"));
    }

    #[test]
    fn old_fifteen_digit_numbers_are_flagged() {
        let id = ResidentId::parse("110105491231002", today()).unwrap();
        assert!(id.old_style());
        assert_eq!(id.birth().to_string(), "1949-12-31");
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn masking_hides_birth_and_sequence() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
    }
}
