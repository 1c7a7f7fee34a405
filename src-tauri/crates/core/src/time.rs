//! Instants and the clock. Times are stored as UTC instants in one fixed text form
//! (`2026-11-26T01:02:03.456789Z`, which sorts as it reads) and shown in the station's local
//! time. The clock is injectable so that tests and the simulator can move time.

use crate::error::{invalid, Result};
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use std::sync::Arc;

/// Source of "now" for the desk.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }
    pub fn from_fn(f: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(f))
    }
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

/// The stored form of an instant.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A stored instant read back. Text that is not one is damage to the file, never 1970: it
/// fails loudly, as an error of the row being read.
pub fn parse_stamp(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad_stored("time", s))
}

/// A stored record id (UUID) read back: text that is not one fails loudly, never the nil id.
pub fn parse_stored_id(s: &str) -> rusqlite::Result<uuid::Uuid> {
    s.parse().map_err(|_| bad_stored("id", s))
}

/// A stored day (`YYYY-MM-DD`) read back: text that is not one fails loudly.
pub fn parse_stored_date(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad_stored("date", s))
}

/// A stored value that does not read as what its column holds.
fn bad_stored(what: &str, text: &str) -> rusqlite::Error {
    let why = format!("the stored {what} \"{text}\" is not valid: the file was changed outside the desk");
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, why.into())
}

/// The instant in the station's local time, as shown to people: `2026-11-26 09:02`.
pub fn local_display(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// A time as a person typed it, read but not yet placed on a day: a whole date and time is
/// an instant already; `08:30` is that time today, by the desk's clock when the step runs
/// ([`TypedTime::at`], `Desk::when`). Wire inputs and the command line parse to this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypedTime {
    At(DateTime<Utc>),
    Today(NaiveTime),
}

impl From<DateTime<Utc>> for TypedTime {
    fn from(t: DateTime<Utc>) -> Self {
        TypedTime::At(t)
    }
}

impl TypedTime {
    /// Reads a time a person typed, in local time unless it says otherwise:
    /// `2026-11-26 08:30`, `2026-11-26T08:30:00`, `08:30` (today), or RFC 3339 with an offset.
    pub fn parse(text: &str) -> Result<TypedTime> {
        let t = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(TypedTime::At(dt.with_timezone(&Utc)));
        }
        if let Some(n) = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        {
            return local_instant(n, text).map(TypedTime::At);
        }
        match ["%H:%M", "%H:%M:%S"].iter().find_map(|f| NaiveTime::parse_from_str(t, f).ok()) {
            Some(time) => Ok(TypedTime::Today(time)),
            None => Err(unreadable_time(text)),
        }
    }

    /// An optional field as typed: blank (or absent) is none.
    pub fn parse_opt(text: Option<&str>) -> Result<Option<TypedTime>> {
        text.map(str::trim).filter(|t| !t.is_empty()).map(TypedTime::parse).transpose()
    }

    /// The instant meant, `now` giving the day of a bare time.
    pub fn at(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        match *self {
            TypedTime::At(t) => Ok(t),
            TypedTime::Today(time) => {
                let n = now.with_timezone(&Local).date_naive().and_time(time);
                local_instant(n, &time.format("%H:%M").to_string())
            }
        }
    }
}

fn local_instant(n: NaiveDateTime, text: &str) -> Result<DateTime<Utc>> {
    Local
        .from_local_datetime(&n)
        .earliest()
        .map(|l| l.with_timezone(&Utc))
        .ok_or_else(|| unreadable_time(text))
}

fn unreadable_time(text: &str) -> crate::CoreError {
    invalid!(
        TimeInvalid,
        format!("时间“{text}”无法识别：请写成 2026-11-26 08:30 或 08:30"),
        format!("Cannot read the time \"{text}\": write it as 2026-11-26 08:30 or 08:30")
    )
}

/// Parses a time a person typed and places it by `now` ([`TypedTime`]).
pub fn parse_local(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    TypedTime::parse(text)?.at(now)
}

/// Parses a calendar date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        invalid!(
            DateInvalid,
            format!("日期“{text}”无效：请写成 2026-11-26"),
            format!("Invalid date \"{text}\": write it as 2026-11-26")
        )
    })
}
