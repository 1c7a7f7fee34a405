//! Working days (工作日) after the State Council's holiday schedule, with its make-up working
//! days (调休上班): the deadlines of the outage procedure ("within 15 working days the patient
//! brings the invoice back") are counted on it, never on Monday to Friday alone.
//!
//! Contract:
//! - The schedule is data: one [`YearCalendar`] per year, parsed from the JSON format of
//!   `assets/calendar/README.md`. [`Calendar::builtin`] holds the years shipped in
//!   `assets/calendar/`; a newer notice is imported with [`Calendar::parse_json`] and
//!   [`Calendar::with_year`]. This module stores nothing.
//! - [`Calendar::is_working_day`] answers for any date; for a year the calendar does not
//!   cover it assumes Monday to Friday, and [`Calendar::covers`] tells the caller so.
//! - [`Calendar::add_working_days`] never guesses: it refuses (`calendar_year_missing`) when
//!   the count reaches a year the calendar does not cover.
//! - **The day of payment does not count.** The due date of "n working days" is the n-th
//!   working day strictly after `from`, whether `from` is itself a working day or not: paid on
//!   Friday 2026-09-18, "+1" is the make-up Sunday 2026-09-20. `n = 0` returns `from`.

use crate::error::{invalid, CoreError, Result};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The years shipped with the desk, embedded at build time.
const BUILTIN: &[&str] = &[include_str!("../../../../assets/calendar/cn-2026.json")];

/// A holiday (放假) as the notice lists it: both ends included, weekends inside it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One year of the schedule, valid once parsed (see [`Calendar::parse_json`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    year: i32,
    source: Option<String>,
    holidays: Vec<Holiday>,
    makeup_workdays: BTreeSet<NaiveDate>,
    /// Every day off of `holidays`, for the lookup.
    days_off: BTreeSet<NaiveDate>,
}

impl YearCalendar {
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the data was copied from, if the file says.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// 调休上班: the Saturdays and Sundays that are worked.
    pub fn makeup_workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.makeup_workdays.iter().copied()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&date) {
            return true;
        }
        !self.days_off.contains(&date) && !is_weekend(date)
    }

    /// How many working days the year has: the figure to check against the notice
    /// (2026: 248) before importing a new year.
    pub fn working_days(&self) -> u32 {
        let first = NaiveDate::from_ymd_opt(self.year, 1, 1).expect("a parsed year has a 1 January");
        first
            .iter_days()
            .take_while(|d| d.year() == self.year)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

/// A due date, and whether it had to be counted Monday to Friday because the year's holiday
/// schedule was not imported yet (printed as provisional; finance re-checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// The working-day calendar: the years it knows, and Monday to Friday elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl Calendar {
    /// The years shipped in `assets/calendar/` (2026).
    pub fn builtin() -> Calendar {
        BUILTIN.iter().fold(Calendar::default(), |cal, json| {
            let year = Calendar::parse_json(json).expect("the shipped calendar files are valid (tested)");
            cal.with_year(year)
        })
    }

    /// Parses and checks one year in the format of `assets/calendar/README.md`.
    pub fn parse_json(json: &str) -> Result<YearCalendar> {
        let raw: RawYear = serde_json::from_str(json).map_err(|e| {
            invalid!(
                CalendarInvalid,
                format!("工作日历文件格式不正确：{e}"),
                format!("The working-day calendar file is not in the expected format: {e}")
            )
        })?;
        raw.check()
    }

    /// Adds a year, or replaces the one already there (a corrected notice).
    pub fn with_year(mut self, year: YearCalendar) -> Calendar {
        self.years.insert(year.year, year);
        self
    }

    /// Whether the schedule of `year` is known. Where it is not, [`Calendar::is_working_day`]
    /// falls back to Monday to Friday and [`Calendar::add_working_days`] refuses.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years covered, in order.
    pub fn years(&self) -> impl Iterator<Item = &YearCalendar> + '_ {
        self.years.values()
    }

    /// 工作日: per the schedule where the year is covered, Monday to Friday elsewhere.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.years.get(&date.year()) {
            Some(year) => year.is_working_day(date),
            None => !is_weekend(date),
        }
    }

    /// The n-th working day strictly after `from` (the day of payment does not count);
    /// `from` itself when `n` is 0. Refuses with `calendar_year_missing` rather than guess
    /// when the count reaches a year the calendar does not cover.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate> {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().ok_or_else(|| year_missing(from, n, date.year() + 1))?;
            if !self.covers(date.year()) {
                return Err(year_missing(from, n, date.year()));
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// `n` working days after `from` (the day itself does not count). Where the schedule of a
    /// year is missing the date is counted Monday to Friday and marked provisional, so that a
    /// payment is never refused, nor a deadline left out, for want of next year's notice.
    pub fn due_after(&self, from: NaiveDate, n: u32) -> Result<Due> {
        match self.add_working_days(from, n) {
            Ok(date) => Ok(Due { date, provisional: false }),
            Err(e) if e.code() == "calendar_year_missing" => {
                let mut date = from;
                let mut left = n;
                while left > 0 {
                    date = date
                        .succ_opt()
                        .ok_or_else(|| invalid!(DateOutOfRange, "日期超出范围", "Date out of range"))?;
                    if self.is_working_day(date) {
                        left -= 1;
                    }
                }
                Ok(Due { date, provisional: true })
            }
            Err(e) => Err(e),
        }
    }
}

fn year_missing(from: NaiveDate, n: u32, year: i32) -> CoreError {
    invalid!(
        CalendarYearMissing,
        format!("无法计算 {from} 之后第 {n} 个工作日：工作日历中没有 {year} 年的节假日安排。请导入 {year} 年的国务院节假日安排后再试。"),
        format!("Cannot count {n} working days after {from}: the working-day calendar has no holiday schedule for {year}. Import the State Council schedule for {year} and try again.")
    )
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The file as written; `deny_unknown_fields` because a misspelt key would otherwise drop
/// its dates without a word.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    source: Option<String>,
    holidays: Vec<RawHoliday>,
    makeup_workdays: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: String,
    to: String,
}

fn refuse(zh: String, en: String) -> CoreError {
    CoreError::invalid(crate::error::ErrorCode::CalendarInvalid, zh, en)
}

impl RawYear {
    fn check(self) -> Result<YearCalendar> {
        let year = self.year;
        if !(2000..=2200).contains(&year) {
            return Err(refuse(
                format!("工作日历的年份 {year} 不合理"),
                format!("The calendar's year {year} is not plausible"),
            ));
        }
        let date = |text: &str, what_zh: &str, what_en: &str| -> Result<NaiveDate> {
            let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                refuse(
                    format!("{what_zh}的日期“{text}”无效，应写成 YYYY-MM-DD，例如 {year}-10-01"),
                    format!("{what_en}: \"{text}\" is not a date; write YYYY-MM-DD, e.g. {year}-10-01"),
                )
            })?;
            if d.year() != year {
                return Err(refuse(
                    format!("{what_zh}的日期 {d} 不在 {year} 年内"),
                    format!("{what_en}: {d} is not in {year}"),
                ));
            }
            Ok(d)
        };

        if self.holidays.is_empty() {
            return Err(refuse(
                format!("{year} 年的工作日历没有任何节假日，文件可能不完整"),
                format!("The calendar for {year} lists no holidays; the file is probably incomplete"),
            ));
        }
        let mut holidays = Vec::new();
        let mut days_off = BTreeMap::new();
        for h in &self.holidays {
            let name = h.name.trim();
            if name.is_empty() {
                return Err(refuse(
                    format!("{year} 年有一个节假日没有名称"),
                    format!("A holiday of {year} has no name"),
                ));
            }
            let (zh, en) = (format!("节假日“{name}”"), format!("Holiday \"{name}\""));
            let from = date(&h.from, &zh, &en)?;
            let to = date(&h.to, &zh, &en)?;
            if from > to {
                return Err(refuse(
                    format!("{zh}的结束日期 {to} 早于开始日期 {from}"),
                    format!("{en} ends ({to}) before it starts ({from})"),
                ));
            }
            for d in from.iter_days().take_while(|d| *d <= to) {
                if let Some(other) = days_off.insert(d, name.to_string()) {
                    return Err(refuse(
                        format!("{d} 同时属于节假日“{other}”和“{name}”"),
                        format!("{d} belongs to both holidays \"{other}\" and \"{name}\""),
                    ));
                }
            }
            holidays.push(Holiday {
                name: name.to_string(),
                from,
                to,
            });
        }

        let mut makeup_workdays = BTreeSet::new();
        for text in &self.makeup_workdays {
            let d = date(text, "调休上班日", "Make-up working day")?;
            if let Some(name) = days_off.get(&d) {
                return Err(refuse(
                    format!("{d} 既是节假日“{name}”又是调休上班日"),
                    format!("{d} is both a day of the holiday \"{name}\" and a make-up working day"),
                ));
            }
            if !is_weekend(d) {
                return Err(refuse(
                    format!("调休上班日 {d} 不是周六或周日：平日本来就上班"),
                    format!("Make-up working day {d} is not a Saturday or Sunday: weekdays are worked anyway"),
                ));
            }
            if !makeup_workdays.insert(d) {
                return Err(refuse(
                    format!("调休上班日 {d} 重复列出"),
                    format!("Make-up working day {d} is listed twice"),
                ));
            }
        }

        Ok(YearCalendar {
            year,
            source: self.source.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            holidays,
            makeup_workdays,
            days_off: days_off.into_keys().collect(),
        })
    }
}
