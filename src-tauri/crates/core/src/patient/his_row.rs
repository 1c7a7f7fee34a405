//! An HIS patient index row (`his_patient`) read as a [`Patient`]: the one row mapper that the
//! snapshot's import and look-ups and the patients' search index share.

use super::{Insurance, Patient, Sex, Source};
use chrono::NaiveDate;

pub(crate) fn his_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Patient> {
    Ok(Patient {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        source: Source::His,
        downtime_no: None,
        his_id: Some(r.get(1)?),
        name: r.get(2)?,
        sex: Sex::parse(&r.get::<_, String>(3)?).unwrap_or(Sex::Unknown),
        birth: r
            .get::<_, Option<String>>(4)?
            .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
        age_years: None,
        id_number: r.get(5)?,
        id_old_style: false,
        phone: r.get(6)?,
        address: String::new(),
        insurance: Insurance::parse(&r.get::<_, Option<String>>(7)?.unwrap_or_default()).unwrap_or(Insurance::SelfPay),
        insurance_no: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        age_recorded_at: None,
    })
}

/// The columns `his_from_row` reads; the index adds the rowid after them (column 9).
pub(crate) const HIS_SELECT: &str = "SELECT id, his_id, name, sex, birth, id_number, phone, insurance, insurance_no FROM his_patient";
