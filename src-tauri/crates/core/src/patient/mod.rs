//! 患者: patients registered at this station, and the HIS patient index snapshot. Every
//! patient registered here gets a downtime number (`DT-MZ01-000123`) that carries the station
//! code, so it can never clash with an HIS number or another station's. The duplicate guard
//! refuses a second patient with the same ID number and asks for an explicit confirmation
//! when name + birth date + sex, or name + phone, match someone already known.

pub mod correction;
mod his_row;
mod index;
pub mod insurance;
pub mod resident_id;
pub mod snapshot;
pub mod synth;

use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use chrono::{DateTime, Datelike, Local, NaiveDate, Utc};
pub use insurance::Insurance;
use resident_id::ResidentId;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
    /// 未知 (unconscious, not stated)
    #[serde(rename = "U")]
    Unknown,
}

impl Sex {
    pub fn key(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unknown => "U",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
            Sex::Unknown => "未知",
        }
    }
    pub fn parse(text: &str) -> Result<Sex> {
        match text.trim().to_uppercase().as_str() {
            "M" | "男" | "1" | "MALE" => Ok(Sex::Male),
            "F" | "女" | "2" | "FEMALE" => Ok(Sex::Female),
            "U" | "未知" | "0" | "9" | "" => Ok(Sex::Unknown),
            _ => Err(invalid!(
                SexInvalid,
                format!("性别“{text}”无效：请用 M（男）、F（女）或 U（未知）"),
                format!("Invalid sex \"{text}\": use M, F or U")
            )),
        }
    }
}

/// Where a patient record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Source {
    /// Registered at this station (has a downtime number).
    Local,
    /// From the HIS patient index snapshot, not yet registered here.
    His,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: Uuid,
    pub source: Source,
    pub downtime_no: Option<String>,
    pub name: String,
    pub sex: Sex,
    pub birth: Option<NaiveDate>,
    /// When only an age was given (infants, the unconscious): years on `age_recorded_at`.
    pub age_years: Option<i64>,
    pub id_number: Option<String>,
    pub id_old_style: bool,
    pub phone: String,
    pub address: String,
    pub insurance: Insurance,
    pub insurance_no: String,
    pub his_id: Option<String>,
    /// When `age_years` was recorded: the patient's creation, or the correction (更正) in force.
    pub age_recorded_at: Option<DateTime<Utc>>,
}

impl Patient {
    /// Age in whole years on `today`, from the birth date or the recorded age.
    pub fn age_on(&self, today: NaiveDate) -> Option<i64> {
        match (self.birth, self.age_years, self.age_recorded_at) {
            (Some(b), _, _) => {
                let mut years = (today.year() - b.year()) as i64;
                if (today.month(), today.day()) < (b.month(), b.day()) {
                    years -= 1;
                }
                Some(years)
            }
            (None, Some(a), Some(at)) => Some(a + (today.year() - at.with_timezone(&Local).year()) as i64),
            _ => None,
        }
    }
}

/// What the registration form collects.
#[derive(Debug, Clone, Default)]
pub struct NewPatient {
    pub name: String,
    pub sex: String,
    pub birth: Option<String>,
    pub age: Option<i64>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    /// The clerk confirmed a possible duplicate ("same name and birth date, a different person").
    pub confirm_duplicate: bool,
    /// The clerk confirmed that the typed birth date or sex differs from the ID number's.
    pub confirm_id_mismatch: bool,
}

/// A patient's details, checked.
pub(crate) struct Details {
    pub name: String,
    pub sex: Sex,
    pub birth: Option<NaiveDate>,
    pub age: Option<i64>,
    pub id: Option<ResidentId>,
    pub phone: String,
    pub address: String,
    pub insurance: Insurance,
    pub insurance_no: String,
}

/// Oldest age accepted.
const MAX_AGE: i64 = 150;

fn downtime_no(station: &str, seq: i64) -> String {
    format!("DT-{station}-{seq:06}")
}

/// A patient's columns as their newest correction (更正) left them (`c`, joined by the query).
macro_rules! patient_columns {
    () => {
        concat!(
            "SELECT p.id, p.downtime_no, ",
            "CASE WHEN c.id IS NULL THEN p.name ELSE c.name END, CASE WHEN c.id IS NULL THEN p.sex ELSE c.sex END, ",
            "CASE WHEN c.id IS NULL THEN p.birth ELSE c.birth END, CASE WHEN c.id IS NULL THEN p.age_years ELSE c.age_years END, ",
            "CASE WHEN c.id IS NULL THEN p.id_number ELSE c.id_number END, CASE WHEN c.id IS NULL THEN p.id_old_style ELSE c.id_old_style END, ",
            "CASE WHEN c.id IS NULL THEN p.phone ELSE c.phone END, CASE WHEN c.id IS NULL THEN p.address ELSE c.address END, ",
            "CASE WHEN c.id IS NULL THEN p.insurance ELSE c.insurance END, CASE WHEN c.id IS NULL THEN p.insurance_no ELSE c.insurance_no END, ",
            "p.his_id, CASE WHEN c.id IS NULL THEN p.created_at ELSE c.at END FROM patient p "
        )
    };
}
/// A patient as they stand now.
const PATIENT_SELECT: &str = concat!(
    patient_columns!(),
    "LEFT JOIN patient_correction c ON c.rowid = (SELECT max(x.rowid) FROM patient_correction x WHERE x.patient_id = p.id)"
);
/// Patient `?1` as they stood at `?2` (what a document issued then printed).
pub(crate) const PATIENT_AS_OF: &str = concat!(
    patient_columns!(),
    "LEFT JOIN patient_correction c ON c.rowid = (SELECT max(x.rowid) FROM patient_correction x WHERE x.patient_id = p.id AND x.at <= ?2) ",
    "WHERE p.id = ?1"
);

fn patient_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Patient> {
    Ok(Patient {
        id: crate::time::parse_stored_id(&r.get::<_, String>(0)?)?,
        source: Source::Local,
        downtime_no: r.get(1)?,
        name: r.get(2)?,
        sex: Sex::parse(&r.get::<_, String>(3)?).unwrap_or(Sex::Unknown),
        birth: r
            .get::<_, Option<String>>(4)?
            .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
        age_years: r.get(5)?,
        id_number: r.get(6)?,
        id_old_style: r.get(7)?,
        phone: r.get(8)?,
        address: r.get(9)?,
        insurance: Insurance::parse(&r.get::<_, String>(10)?).unwrap_or(Insurance::SelfPay),
        insurance_no: r.get(11)?,
        his_id: r.get(12)?,
        age_recorded_at: Some(parse_stamp(&r.get::<_, String>(13)?)?),
    })
}

impl Desk {
    /// The details a person typed, each checked (and birth and sex taken from the ID number
    /// when not typed): what adding and correcting a patient share.
    pub(crate) fn checked_details(&self, new: &NewPatient, today: NaiveDate) -> Result<Details> {
        let name = clean_text(&new.name, 40, ("姓名", "Name"))?;
        // Refused now, naming the character, rather than at the first receipt.
        self.check_printable(&[&name])?;
        let mut sex = Sex::parse(&new.sex)?;
        let mut birth = match new.birth.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            Some(b) => {
                let d = crate::time::parse_date(b)?;
                if d > today {
                    return Err(invalid!(
                        BirthInFuture,
                        format!("出生日期 {d} 晚于今天"),
                        format!("The birth date {d} is after today")
                    ));
                }
                if today.year() - d.year() > MAX_AGE as i32 {
                    return Err(invalid!(
                        AgeTooHigh,
                        format!("出生日期 {d} 意味着年龄超过 {MAX_AGE} 岁"),
                        format!("The birth date {d} means an age above {MAX_AGE}")
                    ));
                }
                Some(d)
            }
            None => None,
        };
        let age = match new.age {
            Some(a) if !(0..=MAX_AGE).contains(&a) => {
                return Err(invalid!(
                    AgeTooHigh,
                    format!("年龄 {a} 不合理（0 到 {MAX_AGE} 岁）"),
                    format!("Age {a} is not plausible (0 to {MAX_AGE})")
                ))
            }
            Some(_) if birth.is_some() => {
                return Err(invalid!(
                    BirthAndAge,
                    "出生日期和年龄只填一项",
                    "Give either the birth date or the age, not both"
                ))
            }
            a => a,
        };
        let id = match new.id_number.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(ResidentId::parse(t, today)?),
            None => None,
        };
        if let Some(id) = &id {
            // The number carries birth date and sex: fill them in, or cross-check them.
            let typed_birth_differs = birth.is_some_and(|b| b != id.birth());
            let typed_sex_differs = sex != Sex::Unknown && sex != id.sex();
            if (typed_birth_differs || typed_sex_differs) && !new.confirm_id_mismatch {
                return Err(invalid!(
                    IdMismatch,
                    format!(
                        "身份证号显示出生日期 {}、性别{}，与填写的不一致。请核对；确认无误请勾选“确认不一致”",
                        id.birth(),
                        id.sex().zh()
                    ),
                    format!(
                        "The ID number says born {} and {}, which differs from what was typed. Check it; if it is right, confirm the mismatch",
                        id.birth(),
                        if id.sex() == Sex::Male { "male" } else { "female" }
                    )
                ));
            }
            if birth.is_none() && age.is_none() {
                birth = Some(id.birth());
            }
            if sex == Sex::Unknown {
                sex = id.sex();
            }
        }
        let phone = match new.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => {
                if !p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ')) || !(5..=20).contains(&p.len()) {
                    return Err(invalid!(
                        PhoneInvalid,
                        format!("电话“{p}”无效：只能含数字、+、-"),
                        format!("Invalid phone \"{p}\": digits, + and - only")
                    ));
                }
                p.to_string()
            }
            None => String::new(),
        };
        let address = match new.address.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => clean_text(a, 100, ("地址", "Address"))?,
            None => String::new(),
        };
        let insurance = Insurance::parse(new.insurance.as_deref().unwrap_or(""))?;
        let insurance_no = new.insurance_no.as_deref().map(str::trim).unwrap_or("").to_string();
        if insurance.is_insured() && insurance_no.is_empty() {
            return Err(invalid!(
                InsuranceNoMissing,
                format!("{}需要填写医保卡号（停机期间按自费结算，恢复后凭卡号重新结算）", insurance.zh()),
                format!(
                    "{} needs the insurance card number (paid as self-pay now, re-settled with it after recovery)",
                    insurance.key()
                )
            ));
        }
        if !insurance_no.is_empty() {
            clean_text(&insurance_no, 40, ("医保卡号", "Insurance number"))?;
        }
        Ok(Details {
            name,
            sex,
            birth,
            age,
            id,
            phone,
            address,
            insurance,
            insurance_no,
        })
    }

    /// 新建患者: validates everything, guards against duplicates, issues the downtime number.
    pub fn add_patient(&mut self, by: &Actor, new: &NewPatient) -> Result<Patient> {
        by.require(Permission::Register)?;
        let station = self.require_station()?;
        let now = self.now();
        let today = now.with_timezone(&Local).date_naive();
        let Details {
            name,
            sex,
            birth,
            age,
            id,
            phone,
            address,
            insurance,
            insurance_no,
        } = self.checked_details(new, today)?;
        // The duplicate guard.
        if let Some(id) = &id {
            if let Some(existing) = self
                .conn
                .qrow(
                    &format!("{PATIENT_SELECT} WHERE CASE WHEN c.id IS NULL THEN p.id_number ELSE c.id_number END = ?1"),
                    [id.as_str()],
                    patient_from_row,
                )
                .optional()?
            {
                return Err(invalid!(
                    PatientDuplicateId,
                    format!(
                        "身份证号 {} 已登记为 {}（{}），请直接选用该患者",
                        id.masked(),
                        existing.name,
                        existing.downtime_no.clone().unwrap_or_default()
                    ),
                    format!(
                        "ID number {} is already registered as {} ({}); use that patient",
                        id.masked(),
                        existing.name,
                        existing.downtime_no.clone().unwrap_or_default()
                    )
                ));
            }
            if let Some(his) = self.his_patient_by_id_number(id.as_str())? {
                return Err(invalid!(
                    PatientInHis,
                    format!(
                        "身份证号 {} 属于 HIS 患者 {}（HIS 号 {}），请直接选用该患者，不要新建",
                        id.masked(),
                        his.name,
                        his.his_id.clone().unwrap_or_default()
                    ),
                    format!(
                        "ID number {} belongs to HIS patient {} (HIS ID {}); choose that patient instead of creating a new one",
                        id.masked(),
                        his.name,
                        his.his_id.clone().unwrap_or_default()
                    )
                ));
            }
        }
        let similar = self.similar_patients(&name, birth, sex, &phone)?;
        if !similar.is_empty() && !new.confirm_duplicate {
            let who: Vec<String> = similar
                .iter()
                .map(|p| format!("{}（{}）", p.name, p.downtime_no.clone().or(p.his_id.clone()).unwrap_or_default()))
                .collect();
            return Err(invalid!(
                PatientPossibleDuplicate,
                format!("可能重复：已有 {}，姓名与出生日期或电话相同。请先查找确认；确是另一个人请确认后再建", who.join("、")),
                format!("Possible duplicate: {} has the same name and birth date or phone. Check first; if this is someone else, confirm to create", who.join(", "))
            ));
        }
        let outage = self.active_outage()?.map(|o| o.id.to_string());
        let pid = Uuid::now_v7();
        // A savepoint, not a transaction: a charge links its HIS patient inside its own.
        let tx = self.conn.savepoint()?;
        let seq: i64 = tx.qrow("SELECT ifnull(max(seq), 0) + 1 FROM patient", [], |r| r.get(0))?;
        let number = downtime_no(station.code.as_str(), seq);
        let override_ids: Option<String> =
            (!similar.is_empty()).then(|| similar.iter().map(|p| p.id.to_string()).collect::<Vec<_>>().join(","));
        tx.exec(
            "INSERT INTO patient (id, seq, downtime_no, name, sex, birth, age_years, id_number, id_old_style, phone, address, insurance, insurance_no, his_id, duplicate_of, created_by, created_at, outage_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL, ?14, ?15, ?16, ?17)",
            params![
                pid.to_string(), seq, number, name, sex.key(), birth.map(|b| b.to_string()), age,
                id.as_ref().map(|i| i.as_str().to_string()), id.as_ref().is_some_and(|i| i.old_style()), phone, address,
                insurance.key(), insurance_no, override_ids, by.id().to_string(), stamp(now), outage
            ],
        )?;
        let row = tx.last_insert_rowid();
        let mut extra = Map::new();
        if let Some(ids) = &override_ids {
            extra.insert("duplicate_override".into(), json!(ids));
        }
        if new.confirm_id_mismatch && id.is_some() {
            extra.insert("id_mismatch_confirmed".into(), json!(true));
        }
        journal::append(
            &tx,
            Change {
                kind: "patient_added",
                actor: by.name(),
                at: now,
                rows: vec![("patient", row)],
                extra,
            },
        )?;
        let patient = tx.qrow(&format!("{PATIENT_SELECT} WHERE p.rowid = ?1"), [row], patient_from_row)?;
        index::add_local(&tx, seq, row, &patient)?;
        tx.commit()?;
        Ok(patient)
    }

    /// Patients already known with the same name and (birth date and sex, or phone).
    fn similar_patients(&mut self, name: &str, birth: Option<NaiveDate>, sex: Sex, phone: &str) -> Result<Vec<Patient>> {
        let mut found: Vec<Patient> = self
            .find_patients(name, 50)?
            .into_iter()
            .filter(|p| p.name == name)
            .filter(|p| (birth.is_some() && p.birth == birth && p.sex == sex) || (!phone.is_empty() && p.phone == phone))
            .collect();
        found.dedup_by_key(|p| p.id);
        Ok(found)
    }

    pub fn patient(&self, id: Uuid) -> Result<Option<Patient>> {
        Ok(self
            .conn
            .qrow(&format!("{PATIENT_SELECT} WHERE p.id = ?1"), [id.to_string()], patient_from_row)
            .optional()?)
    }

    /// A local patient by downtime number, or by HIS ID — registering an HIS patient from the
    /// snapshot for the first time links them (a local record with the HIS ID, journalled).
    pub fn resolve_patient(&mut self, by: &Actor, key: &str) -> Result<Patient> {
        let key = key.trim();
        // Two lookups, each on its own unique index (an OR would scan the table).
        for column in ["downtime_no", "his_id"] {
            if let Some(p) = self
                .conn
                .qrow(&format!("{PATIENT_SELECT} WHERE p.{column} = ?1"), [key], patient_from_row)
                .optional()?
            {
                // A record merged into another finds that one.
                let into = self.merged_into(p.id)?;
                return if into == p.id {
                    Ok(p)
                } else {
                    Ok(self.patient(into)?.expect("merged into an existing patient"))
                };
            }
        }
        match self.his_patient(key)? {
            Some(his) => self.link_his_patient(by, &his),
            None => Err(invalid!(
                PatientUnknown,
                format!("找不到患者“{key}”：请输入停机号（DT-…）或 HIS 号，或先查找"),
                format!("No patient \"{key}\": give a downtime number (DT-…) or an HIS ID, or search first")
            )),
        }
    }

    fn link_his_patient(&mut self, by: &Actor, his: &Patient) -> Result<Patient> {
        by.require(Permission::Register)?;
        let station = self.require_station()?;
        let now = self.now();
        let outage = self.active_outage()?.map(|o| o.id.to_string());
        let pid = Uuid::now_v7();
        // A savepoint, not a transaction: a charge links its HIS patient inside its own.
        let tx = self.conn.savepoint()?;
        let seq: i64 = tx.qrow("SELECT ifnull(max(seq), 0) + 1 FROM patient", [], |r| r.get(0))?;
        tx.exec(
            "INSERT INTO patient (id, seq, downtime_no, name, sex, birth, age_years, id_number, id_old_style, phone, address, insurance, insurance_no, his_id, duplicate_of, created_by, created_at, outage_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, 0, ?8, '', ?9, ?10, ?11, NULL, ?12, ?13, ?14)",
            params![
                pid.to_string(), seq, downtime_no(station.code.as_str(), seq), his.name, his.sex.key(), his.birth.map(|b| b.to_string()),
                his.id_number, his.phone, his.insurance.key(), his.insurance_no, his.his_id, by.id().to_string(), stamp(now), outage
            ],
        )?;
        let row = tx.last_insert_rowid();
        let mut extra = Map::new();
        extra.insert("his_patient".into(), json!(his.id.to_string()));
        journal::append(
            &tx,
            Change {
                kind: "patient_linked",
                actor: by.name(),
                at: now,
                rows: vec![("patient", row)],
                extra,
            },
        )?;
        let patient = tx.qrow(&format!("{PATIENT_SELECT} WHERE p.rowid = ?1"), [row], patient_from_row)?;
        index::add_local(&tx, seq, row, &patient)?;
        tx.commit()?;
        Ok(patient)
    }
}
