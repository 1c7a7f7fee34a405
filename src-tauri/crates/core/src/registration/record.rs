//! A registration as stored (挂号记录): its fee items and cancellation, read back by id, by
//! patient or by day (with the type's name as it was when the visit was registered), and the
//! one error for a registration that is not on record.

use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::patient::Patient;
use crate::store::Desk;
use crate::time::parse_stamp;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

/// One fee item of a registration, priced from the catalog version it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FeeItem {
    pub code: String,
    pub name: String,
    #[ts(type = "number")]
    pub unit_price_e4: i64,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub category: String,
}

/// 退号: when, why, who, and the refund voucher of a paid registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by: String,
    /// The refund voucher's number and amount.
    pub refund: Option<(String, Fen)>,
    pub supervisor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub downtime_no: String,
    pub patient_name: String,
    pub dept_code: String,
    pub dept_name: String,
    pub doctor: String,
    /// The type's key, and its name when the visit was registered.
    pub reg_type: String,
    pub reg_type_name: String,
    pub visit_date: NaiveDate,
    pub queue_no: i64,
    pub fee: Fen,
    pub fee_items: Vec<FeeItem>,
    pub catalog_version: Uuid,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    /// The receipt that paid the fee (none for a type without fees).
    pub fee_receipt: Option<String>,
    /// Change given when the fee was paid in cash.
    pub change: Fen,
    pub cancelled: Option<Cancellation>,
}

const REG_SELECT: &str =
    "SELECT r.id, r.patient_id, p.downtime_no, \
     coalesce((SELECT x.name FROM patient_correction x WHERE x.patient_id = p.id AND x.at <= r.recorded_at ORDER BY x.rowid DESC LIMIT 1), p.name), r.dept_code, r.dept_name, r.doctor, r.reg_type, r.visit_date, r.queue_no, \
     r.fee_fen, r.fee_items, r.catalog_version_id, r.shift_id, r.outage_id, r.occurred_at, r.back_entered, c.reason, c.at, \
     f.receipt_no, f.change_fen, x.receipt_no, x.total_fen, co.name, xs.name, r.recorded_at \
     FROM registration r JOIN patient p ON p.id = r.patient_id \
     LEFT JOIN registration_cancel c ON c.registration_id = r.id LEFT JOIN operator co ON co.id = c.cancelled_by \
     LEFT JOIN receipt f ON f.registration_id = r.id AND f.kind = 'registration' \
     LEFT JOIN receipt x ON x.refund_of = f.id LEFT JOIN operator xs ON xs.id = x.supervisor_id";

fn reg_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Registration, String)> {
    let items: String = r.get(11)?;
    let reason: Option<String> = r.get(17)?;
    let refund: Option<String> = r.get(21)?;
    let reg = Registration {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        patient_id: crate::time::parse_stored_id(&r.get::<_, String>(1)?)?,
        downtime_no: r.get(2)?,
        patient_name: r.get(3)?,
        dept_code: r.get(4)?,
        dept_name: r.get(5)?,
        doctor: r.get(6)?,
        reg_type: r.get(7)?,
        reg_type_name: String::new(),
        visit_date: crate::time::parse_stored_date(&r.get::<_, String>(8)?)?,
        queue_no: r.get(9)?,
        fee: Fen::new(r.get(10)?).unwrap_or_default(),
        fee_items: serde_json::from_str::<Vec<serde_json::Value>>(&items)
            .unwrap_or_default()
            .into_iter()
            .map(|v| FeeItem {
                code: v["code"].as_str().unwrap_or_default().into(),
                name: v["name"].as_str().unwrap_or_default().into(),
                unit_price_e4: v["unit_price_e4"].as_i64().unwrap_or(0),
                amount_fen: v["amount_fen"].as_i64().unwrap_or(0),
                category: v["category"].as_str().unwrap_or_default().into(),
            })
            .collect(),
        catalog_version: crate::time::parse_stored_id(&r.get::<_, String>(12)?)?,
        shift_id: crate::time::parse_stored_id(&r.get::<_, String>(13)?)?,
        outage_id: crate::time::parse_stored_id(&r.get::<_, String>(14)?)?,
        occurred_at: parse_stamp(&r.get::<_, String>(15)?)?,
        back_entered: r.get(16)?,
        fee_receipt: r.get(19)?,
        change: Fen::new(r.get::<_, Option<i64>>(20)?.unwrap_or(0)).unwrap_or_default(),
        cancelled: match reason {
            Some(reason) => Some(Cancellation {
                reason,
                at: parse_stamp(&r.get::<_, String>(18)?)?,
                by: r.get(23)?,
                refund: match refund {
                    Some(no) => Some((no, Fen::new(r.get(22)?).unwrap_or_default())),
                    None => None,
                },
                supervisor: r.get(24)?,
            }),
            None => None,
        },
    };
    Ok((reg, r.get(25)?))
}

/// The one error for a registration that is not on record (or an id that names none).
pub fn unknown_registration() -> crate::CoreError {
    invalid!(RegistrationUnknown, "找不到这条挂号记录", "No such registration")
}

/// A registration's id as sent or typed: one that cannot name a registration is refused as
/// [`unknown_registration`].
pub fn registration_id(text: &str) -> Result<Uuid> {
    text.trim().parse().map_err(|_| unknown_registration())
}

impl Desk {
    fn registrations_where(&self, clause: &str, param: &str) -> Result<Vec<Registration>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{REG_SELECT} WHERE {clause} ORDER BY r.rowid DESC"))?;
        let rows: Vec<(Registration, String)> = stmt.query_map([param], reg_from_row)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(mut reg, recorded_at)| {
                reg.reg_type_name = self.reg_type_name_at(&reg.reg_type, &recorded_at)?;
                Ok(reg)
            })
            .collect()
    }

    pub fn registration(&self, id: Uuid) -> Result<Option<Registration>> {
        Ok(self.registrations_where("r.id = ?1", &id.to_string())?.into_iter().next())
    }

    /// Registrations of a patient, newest first.
    pub fn registrations_of(&self, patient: &Patient) -> Result<Vec<Registration>> {
        self.registrations_where("r.patient_id = ?1", &patient.id.to_string())
    }

    /// Today's registrations at this station (today by the desk's clock), newest first.
    pub fn registrations_today(&self) -> Result<Vec<Registration>> {
        self.registrations_on(self.today())
    }

    /// A day's registrations at this station, newest first.
    pub fn registrations_on(&self, day: NaiveDate) -> Result<Vec<Registration>> {
        self.registrations_where("r.visit_date = ?1", &day.to_string())
    }
}
