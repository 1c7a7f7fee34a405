//! 工作日历: the 2026 schedule, due dates counted strictly after the day of payment, and
//! imported years.

use chrono::NaiveDate;
use downtime_core::{Calendar, YearCalendar};

/// Invented, plausible 2027 table: TEST DATA ONLY, not the State Council's schedule.
const TEST_2027: &str = include_str!("data/cn-2027-test.json");

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `from` + `n` working days on the built-in calendar is `due`.
fn check(from: &str, n: u32, due: &str) {
    check_on(&Calendar::builtin(), from, n, due);
}

fn check_on(cal: &Calendar, from: &str, n: u32, due: &str) {
    assert_eq!(cal.add_working_days(day(from), n).unwrap(), day(due), "{from} + {n} working days");
}

fn check_working(date: &str, working: bool) {
    assert_eq!(Calendar::builtin().is_working_day(day(date)), working, "is {date} a working day?");
}

fn with_2027() -> Calendar {
    Calendar::builtin().with_year(Calendar::parse_json(TEST_2027).unwrap())
}

/// The JSON is refused with `calendar_invalid` and an English message containing `says`.
fn check_refused(json: &str, says: &str) {
    let e = Calendar::parse_json(json).unwrap_err();
    assert_eq!(e.code(), "calendar_invalid", "{json}");
    let en = e.message(downtime_core::Lang::En);
    assert!(en.contains(says), "message {en:?} should contain {says:?}");
    assert!(!e.message(downtime_core::Lang::Zh).is_empty());
}

#[test]
fn twenty_twenty_six_has_248_working_days() {
    let cal = Calendar::builtin();
    let year: Vec<&YearCalendar> = cal.years().collect();
    assert_eq!(year.len(), 1);
    assert_eq!(year[0].year(), 2026);
    assert_eq!(year[0].working_days(), 248);
    assert_eq!(year[0].holidays().len(), 7);
    assert!(cal.covers(2026));
    assert!(!cal.covers(2025));
    assert!(!cal.covers(2027));
}

#[test]
fn holidays_weekends_and_make_up_days() {
    for (date, working) in [
        ("2026-01-01", false), // 元旦, Thursday
        ("2026-01-02", false),
        ("2026-01-04", true), // Sunday, 调休
        ("2026-01-05", true),
        ("2026-02-14", true),  // Saturday, 调休
        ("2026-02-16", false), // 春节, Monday
        ("2026-02-23", false),
        ("2026-02-24", true),
        ("2026-02-28", true),  // Saturday, 调休
        ("2026-03-01", false), // ordinary Sunday
        ("2026-04-06", false), // 清明, Monday
        ("2026-05-05", false),
        ("2026-05-09", true),  // Saturday, 调休
        ("2026-06-19", false), // 端午, Friday
        ("2026-09-20", true),  // Sunday, 调休
        ("2026-09-25", false), // 中秋, Friday
        ("2026-10-07", false),
        ("2026-10-10", true), // Saturday, 调休
        ("2026-10-11", false),
        ("2026-11-26", true),
        ("2026-11-28", false), // ordinary Saturday
    ] {
        check_working(date, working);
    }
}

#[test]
fn due_dates_around_national_day() {
    // Friday 18 September, the last ordinary Friday before 中秋 and 国庆.
    check("2026-09-18", 1, "2026-09-20");
    check("2026-09-18", 15, "2026-10-15");
    check("2026-09-30", 1, "2026-10-08");
    check("2026-09-30", 3, "2026-10-10");
    check("2026-09-30", 15, "2026-10-27");
}

#[test]
fn payment_on_a_holiday_counts_from_the_next_working_day() {
    check("2026-10-01", 1, "2026-10-08");
    check("2026-10-01", 15, "2026-10-27");
    check("2026-02-16", 1, "2026-02-24");
    check("2026-09-25", 1, "2026-09-28");
}

#[test]
fn make_up_days_count() {
    check("2026-01-03", 1, "2026-01-04");
    check("2026-02-13", 1, "2026-02-14");
    check("2026-02-27", 1, "2026-02-28");
    check("2026-05-08", 1, "2026-05-09");
    check("2026-09-19", 1, "2026-09-20");
    check("2026-10-09", 1, "2026-10-10");
}

#[test]
fn the_day_of_payment_never_counts() {
    // Paid on a working day (Thursday) …
    check("2026-11-26", 1, "2026-11-27");
    check("2026-11-26", 15, "2026-12-17");
    // … on the following Friday, and on the weekend after it: the same due date.
    check("2026-11-27", 15, "2026-12-18");
    check("2026-11-28", 15, "2026-12-18");
    check("2026-11-29", 15, "2026-12-18");
}

#[test]
fn zero_days_is_the_day_itself() {
    check("2026-11-26", 0, "2026-11-26");
    check("2026-10-01", 0, "2026-10-01");
    // Nothing is counted, so no year needs to be covered.
    check("2031-05-01", 0, "2031-05-01");
}

#[test]
fn a_year_not_covered_is_refused_not_guessed() {
    let cal = Calendar::builtin();
    let e = cal.add_working_days(day("2026-12-20"), 15).unwrap_err();
    assert_eq!(e.code(), "calendar_year_missing");
    assert!(e.message(downtime_core::Lang::Zh).contains("2027"));
    assert!(e.message(downtime_core::Lang::En).contains("2027"));
    // Within 2026 it is fine …
    check("2026-12-20", 9, "2026-12-31");
    // … and a count starting before a covered year only needs the days it reaches.
    check("2025-12-31", 1, "2026-01-04");
    let e = cal.add_working_days(day("2025-12-30"), 1).unwrap_err();
    assert_eq!(e.code(), "calendar_year_missing");
    assert!(e.message(downtime_core::Lang::En).contains("2025"));
}

#[test]
fn outside_the_calendar_monday_to_friday_is_assumed_and_can_be_told() {
    let cal = Calendar::builtin();
    // 1 January 2030 is a Tuesday: assumed working, though it will surely be a holiday.
    assert!(cal.is_working_day(day("2030-01-01")));
    assert!(!cal.is_working_day(day("2030-01-05")));
    assert!(!cal.covers(2030));
}

#[test]
fn an_imported_year_extends_the_calendar() {
    let y2027 = Calendar::parse_json(TEST_2027).unwrap();
    assert_eq!(y2027.year(), 2027);
    assert!(y2027.source().unwrap().contains("TEST DATA"));
    assert_eq!(y2027.makeup_workdays().count(), 6);
    let cal = with_2027();
    assert!(cal.covers(2026) && cal.covers(2027));
    check_on(&cal, "2026-12-20", 15, "2027-01-11");
    check_on(&cal, "2027-02-04", 1, "2027-02-15");
    check_on(&cal, "2027-01-29", 1, "2027-01-30");
    assert_eq!(cal.years().map(|y| y.year()).collect::<Vec<_>>(), [2026, 2027]);
}

#[test]
fn an_imported_year_replaces_the_same_year() {
    let corrected = r#"{"year": 2026, "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-01"}], "makeup_workdays": []}"#;
    let cal = Calendar::builtin().with_year(Calendar::parse_json(corrected).unwrap());
    assert_eq!(cal.years().count(), 1);
    assert!(cal.is_working_day(day("2026-01-02")));
    assert!(!cal.is_working_day(day("2026-01-04")));
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let ok_holiday = r#"{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}"#;
    for (json, says) in [
        ("not json".to_string(), "not in the expected format"),
        (r#"{"holidays": [], "makeup_workdays": []}"#.to_string(), "missing field `year`"),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}]}}"#),
            "missing field `makeup_workdays`",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workday": []}}"#),
            "unknown field `makeup_workday`",
        ),
        (
            r#"{"year": 2027, "holidays": [], "makeup_workdays": []}"#.to_string(),
            "lists no holidays",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workdays": ["2027/01/09"]}}"#),
            "\"2027/01/09\" is not a date",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workdays": ["2026-01-04"]}}"#),
            "2026-01-04 is not in 2027",
        ),
        (
            r#"{"year": 2027, "holidays": [{"name": "国庆节", "from": "2027-10-07", "to": "2027-10-01"}], "makeup_workdays": []}"#
                .to_string(),
            "ends (2027-10-01) before it starts (2027-10-07)",
        ),
        (
            r#"{"year": 2027, "holidays": [{"name": "元旦", "from": "2026-12-31", "to": "2027-01-01"}], "makeup_workdays": []}"#
                .to_string(),
            "2026-12-31 is not in 2027",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workdays": ["2027-01-02"]}}"#),
            "2027-01-02 is both a day of the holiday \"元旦\" and a make-up working day",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workdays": ["2027-01-06"]}}"#),
            "2027-01-06 is not a Saturday or Sunday",
        ),
        (
            format!(r#"{{"year": 2027, "holidays": [{ok_holiday}], "makeup_workdays": ["2027-01-09", "2027-01-09"]}}"#),
            "listed twice",
        ),
        (
            format!(
                r#"{{"year": 2027, "holidays": [{ok_holiday}, {{"name": "又一个", "from": "2027-01-03", "to": "2027-01-04"}}], "makeup_workdays": []}}"#
            ),
            "2027-01-03 belongs to both holidays",
        ),
        (
            r#"{"year": 2027, "holidays": [{"name": " ", "from": "2027-01-01", "to": "2027-01-01"}], "makeup_workdays": []}"#.to_string(),
            "has no name",
        ),
        (
            r#"{"year": 27, "holidays": [], "makeup_workdays": []}"#.to_string(),
            "not plausible",
        ),
    ] {
        check_refused(&json, says);
    }
}

#[test]
fn a_due_date_reaching_a_year_not_covered_is_counted_monday_to_friday_and_provisional() {
    let cal = Calendar::builtin();
    let due = cal.due_after(day("2026-12-20"), 15).unwrap();
    // 21-25, 28-31 December (9), then 1, 4-8 January 2027 Monday to Friday (6).
    assert_eq!((due.date, due.provisional), (day("2027-01-08"), true));
    let due = with_2027().due_after(day("2026-12-20"), 15).unwrap();
    assert_eq!((due.date, due.provisional), (day("2027-01-11"), false));
    let due = cal.due_after(day("2026-09-18"), 1).unwrap();
    assert_eq!((due.date, due.provisional), (day("2026-09-20"), false));
}
