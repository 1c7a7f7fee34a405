//! The station's working-day calendar: the shipped years plus every year imported since
//! (`downtime calendar import`), newest import of a year winning. Due dates are counted on it.

use crate::calendar::Calendar;
use crate::error::Result;
use crate::ids::Permission;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use chrono::NaiveDate;
use rusqlite::params;
use uuid::Uuid;

pub use crate::calendar::Due;

/// Working days the outage procedure allows for re-settlement and invoice exchange.
pub const DUE_WORKING_DAYS: u32 = 15;

/// The working-day calendar kept on the desk, with the number of imported years it was built
/// from.
#[derive(Default)]
struct CalendarMemo(std::sync::Mutex<Option<(i64, Calendar)>>);
impl crate::store::Memo for CalendarMemo {}

impl Desk {
    /// The calendar in force, parsed once and again only when a year has been imported since
    /// (by this process or another: the number of imported years is the key).
    pub fn calendar(&self) -> Result<Calendar> {
        let imported: i64 = self.conn.qrow("SELECT count(*) FROM calendar_year", [], |r| r.get(0))?;
        let memo = self.memo::<CalendarMemo>();
        let mut cache = memo.0.lock().expect("calendar cache");
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

    /// `n` working days after `from` (the day itself does not count), on the station's
    /// calendar: see [`Calendar::due_after`].
    pub fn due_after(&self, from: NaiveDate, n: u32) -> Result<Due> {
        self.calendar()?.due_after(from, n)
    }
}
