//! The station's working-day calendar: the shipped years plus every year imported since
//! (`downtime calendar import`), newest import of a year winning. Due dates are counted on it.

use crate::calendar::Calendar;
use crate::error::{invalid, Result};
use crate::ids::Permission;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::params;
use uuid::Uuid;

/// A due date, and whether it had to be counted Monday to Friday because the year's holiday
/// schedule was not imported yet (printed as provisional; finance re-checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// Working days the outage procedure allows for re-settlement and invoice exchange.
pub const DUE_WORKING_DAYS: u32 = 15;

impl Desk {
    /// The calendar in force, parsed once and again only when a year has been imported since
    /// (by this process or another: the number of imported years is the key).
    pub fn calendar(&self) -> Result<Calendar> {
        let imported: i64 = self.conn.qrow("SELECT count(*) FROM calendar_year", [], |r| r.get(0))?;
        let mut cache = self.calendar_cache.lock().expect("calendar cache");
        if let Some((n, cal)) = cache.as_ref() {
            if *n == imported {
                return Ok(cal.clone());
            }
        }
        let mut stmt = self.conn.prepare("SELECT json FROM calendar_year ORDER BY rowid")?;
        let jsons: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut cal = Calendar::builtin();
        for j in jsons {
            cal = cal.with_year(Calendar::parse_json(&j)?);
        }
        *cache = Some((imported, cal.clone()));
        Ok(cal)
    }

    /// `downtime calendar import`: a year of the State Council schedule, as data.
    pub fn import_calendar(&mut self, by: &Actor, json: &str) -> Result<i32> {
        by.require(Permission::ChangeSettings)
            .or_else(|_| by.require(Permission::Supervise))?;
        let year = Calendar::parse_json(json)?;
        let now = self.now();
        self.record_one(
            by.name(),
            "calendar_imported",
            "calendar_year",
            now,
            "INSERT INTO calendar_year (id, year, json, imported_by, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![Uuid::now_v7().to_string(), year.year(), json, by.id().to_string(), stamp(now)],
        )?;
        Ok(year.year())
    }

    /// `n` working days after `from` (the day itself does not count). Where the schedule of a
    /// year is missing the date is counted Monday to Friday and marked provisional, so that a
    /// payment is never refused for want of next year's holiday notice.
    pub fn due_after(&self, from: NaiveDate, n: u32) -> Result<Due> {
        let cal = self.calendar()?;
        match cal.add_working_days(from, n) {
            Ok(date) => Ok(Due { date, provisional: false }),
            Err(e) if e.code() == "calendar_year_missing" => {
                let mut date = from;
                let mut left = n;
                while left > 0 {
                    date = date
                        .succ_opt()
                        .ok_or_else(|| invalid!("date_out_of_range", "日期超出范围", "Date out of range"))?;
                    let working = if cal.covers(date.year()) {
                        cal.is_working_day(date)
                    } else {
                        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
                    };
                    if working {
                        left -= 1;
                    }
                }
                Ok(Due { date, provisional: true })
            }
            Err(e) => Err(e),
        }
    }
}
