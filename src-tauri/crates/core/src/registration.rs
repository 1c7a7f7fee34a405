//! 挂号: outpatient registration. A visit is registered for a patient in a department with a
//! registration type whose fee items come from the active price list; it gets a queue number
//! per department per day at this station. The fee is recorded as due (paid later through
//! the charging machinery). A registration is cancelled (退号) by a record of its own.
//! Departments and doctors come from a small editable list.

use crate::catalog::price::{line_amount, Quantity};
use crate::catalog::read::{read_table, ReadOptions};
use crate::error::{invalid, CoreError, Result};
use crate::ids::{clean_text, Permission};
use crate::jcs::canonical;
use crate::journal::{self, Change};
use crate::money::Fen;
use crate::operator::Actor;
use crate::patient::Patient;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{local_display, parse_stamp, stamp};
use chrono::{DateTime, Local, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map};
use uuid::Uuid;

/// 科室类别
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum DeptKind {
    Outpatient,
    Emergency,
    Inpatient,
}

impl DeptKind {
    fn key(self) -> &'static str {
        match self {
            DeptKind::Outpatient => "outpatient",
            DeptKind::Emergency => "emergency",
            DeptKind::Inpatient => "inpatient",
        }
    }
    fn parse(text: &str) -> Option<DeptKind> {
        match text.trim().to_lowercase().as_str() {
            "" | "门诊" | "outpatient" => Some(DeptKind::Outpatient),
            "急诊" | "emergency" => Some(DeptKind::Emergency),
            "住院" | "病区" | "inpatient" => Some(DeptKind::Inpatient),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub kind: DeptKind,
    pub doctors: Vec<String>,
}

/// 挂号类别, with the price-list items whose fees make up the registration fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RegType {
    /// 普通
    Ordinary,
    /// 专家
    Expert,
    /// 急诊
    Emergency,
}

impl RegType {
    pub fn key(self) -> &'static str {
        match self {
            RegType::Ordinary => "ordinary",
            RegType::Expert => "expert",
            RegType::Emergency => "emergency",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            RegType::Ordinary => "普通",
            RegType::Expert => "专家",
            RegType::Emergency => "急诊",
        }
    }
    pub fn parse(text: &str) -> Result<RegType> {
        match text.trim().to_lowercase().as_str() {
            "ordinary" | "普通" | "普通号" => Ok(RegType::Ordinary),
            "expert" | "专家" | "专家号" => Ok(RegType::Expert),
            "emergency" | "急诊" | "急诊号" => Ok(RegType::Emergency),
            _ => Err(invalid!(
                "reg_type_invalid",
                format!("挂号类别“{text}”无效：可选 ordinary（普通）、expert（专家）、emergency（急诊）"),
                format!("Unknown registration type \"{text}\": choose ordinary, expert or emergency")
            )),
        }
    }
    /// The price-list items (by name) charged for this type: 挂号费 plus 诊察费.
    pub fn fee_item_names(self) -> [&'static str; 2] {
        match self {
            RegType::Ordinary => ["普通挂号费", "普通门诊诊察费"],
            RegType::Expert => ["专家挂号费", "主任医师诊察费"],
            RegType::Emergency => ["急诊挂号费", "急诊诊察费"],
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub downtime_no: String,
    pub patient_name: String,
    pub dept_code: String,
    pub dept_name: String,
    pub doctor: String,
    pub reg_type: RegType,
    pub visit_date: NaiveDate,
    pub queue_no: i64,
    pub fee: Fen,
    pub fee_items: Vec<FeeItem>,
    pub catalog_version: Uuid,
    pub shift_id: Uuid,
    pub outage_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub back_entered: bool,
    pub cancelled: Option<(String, DateTime<Utc>)>,
    /// The receipt that paid the registration fee (a charge of this visit, not voided, with
    /// every fee item on it), once there is one.
    pub fee_paid_by: Option<String>,
}

/// What the registration form collects.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    /// Downtime number or HIS ID.
    pub patient: String,
    pub dept: String,
    pub reg_type: RegType,
    pub doctor: Option<String>,
    /// Back-entry (补录) from paper: when the visit really happened.
    pub back_entered_at: Option<DateTime<Utc>>,
}

fn not_a_dept_list(zh: &str, en: &str) -> CoreError {
    invalid!(
        "dept_not_a_list",
        format!("这不是可导入的科室表：{zh}。请使用含“科室编码、科室名称”表头的 CSV 文件"),
        format!("This is not a department list: {en}. Use a CSV with department code and name headers")
    )
}

const REG_SELECT: &str =
    "SELECT r.id, r.patient_id, p.downtime_no, p.name, r.dept_code, r.dept_name, r.doctor, r.reg_type, r.visit_date, r.queue_no, \
     r.fee_fen, r.fee_items, r.catalog_version_id, r.shift_id, r.outage_id, r.occurred_at, r.back_entered, c.reason, c.at \
     FROM registration r JOIN patient p ON p.id = r.patient_id LEFT JOIN registration_cancel c ON c.registration_id = r.id";

fn reg_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Registration> {
    let items: String = r.get(11)?;
    let reason: Option<String> = r.get(17)?;
    Ok(Registration {
        id: r.get::<_, String>(0)?.parse().unwrap_or_default(),
        patient_id: r.get::<_, String>(1)?.parse().unwrap_or_default(),
        downtime_no: r.get(2)?,
        patient_name: r.get(3)?,
        dept_code: r.get(4)?,
        dept_name: r.get(5)?,
        doctor: r.get(6)?,
        reg_type: RegType::parse(&r.get::<_, String>(7)?).unwrap_or(RegType::Ordinary),
        visit_date: NaiveDate::parse_from_str(&r.get::<_, String>(8)?, "%Y-%m-%d").unwrap_or_default(),
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
        catalog_version: r.get::<_, String>(12)?.parse().unwrap_or_default(),
        shift_id: r.get::<_, String>(13)?.parse().unwrap_or_default(),
        outage_id: r.get::<_, String>(14)?.parse().unwrap_or_default(),
        occurred_at: parse_stamp(&r.get::<_, String>(15)?),
        back_entered: r.get(16)?,
        cancelled: match reason {
            Some(reason) => Some((reason, parse_stamp(&r.get::<_, String>(18)?))),
            None => None,
        },
        fee_paid_by: None,
    })
}

impl Desk {
    /// The departments in force: the newest row of each code that is active.
    pub fn departments(&self) -> Result<Vec<Department>> {
        let mut stmt = self.conn.prepare(
            "SELECT code, name, kind, doctors FROM department d WHERE rowid = (SELECT max(rowid) FROM department x WHERE x.code = d.code) AND active = 1 ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| {
            let doctors: String = r.get(3)?;
            Ok(Department {
                code: r.get(0)?,
                name: r.get(1)?,
                kind: DeptKind::parse(&r.get::<_, String>(2)?).unwrap_or(DeptKind::Outpatient),
                doctors: doctors.split('、').filter(|d| !d.is_empty()).map(String::from).collect(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn department(&self, code: &str) -> Result<Option<Department>> {
        Ok(self.departments()?.into_iter().find(|d| d.code.eq_ignore_ascii_case(code.trim())))
    }

    /// `downtime dept import`: adds or updates departments from a CSV (科室编码, 科室名称,
    /// 类别 门诊/急诊/住院, 医生 separated by 、). Bad rows refuse the whole file.
    pub fn import_departments(&mut self, by: &Actor, bytes: &[u8], file_name: &str) -> Result<Vec<Department>> {
        by.require(Permission::ChangeSettings)
            .or_else(|_| by.require(Permission::Supervise))?;
        let (_, _, rows) = read_table(bytes, file_name, &ReadOptions::default(), not_a_dept_list)?;
        let col = |h: &str| -> Option<usize> {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            Some(match h.as_str() {
                "科室编码" | "编码" | "code" => 0,
                "科室名称" | "名称" | "科室" | "name" => 1,
                "类别" | "科室类别" | "kind" => 2,
                "医生" | "医生名单" | "doctors" => 3,
                _ => return None,
            })
        };
        let Some((hline, header)) = rows.first().cloned() else {
            return Err(not_a_dept_list("文件是空的", "the file is empty"));
        };
        let _ = hline;
        let map: Vec<Option<usize>> = header.iter().map(|h| col(h)).collect();
        if !map.contains(&Some(0)) || !map.contains(&Some(1)) {
            return Err(not_a_dept_list(
                "第一行不是含“科室编码、科室名称”的表头",
                "the first row does not name the code and name columns",
            ));
        }
        let mut depts = Vec::new();
        for (line, cells) in rows.into_iter().skip(1) {
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            let get = |k: usize| {
                map.iter()
                    .position(|m| *m == Some(k))
                    .and_then(|i| cells.get(i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let bad = |zh: &str, en: &str| {
                invalid!(
                    "dept_row_invalid",
                    format!("科室表第 {line} 行：{zh}，未导入任何内容"),
                    format!("Department list row {line}: {en}; nothing was imported")
                )
            };
            let code = get(0);
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad(
                    "科室编码为空或含字母数字以外的字符",
                    "the code is empty or not letters and digits",
                ));
            }
            let name = clean_text(&get(1), 30, ("科室名称", "Department name"))
                .map_err(|_| bad("科室名称为空或无效", "the name is empty or invalid"))?;
            let kind = DeptKind::parse(&get(2)).ok_or_else(|| bad("类别应为 门诊、急诊 或 住院", "the kind must be 门诊, 急诊 or 住院"))?;
            let doctors: Vec<String> = get(3)
                .split(['、', ';', '；', '/'])
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from)
                .collect();
            depts.push(Department {
                code: code.to_uppercase(),
                name,
                kind,
                doctors,
            });
        }
        if depts.is_empty() {
            return Err(not_a_dept_list("表头下面没有任何科室", "there are no departments under the header"));
        }
        let now = self.now();
        let tx = self.conn.transaction()?;
        let mut rows = Vec::new();
        for d in &depts {
            tx.exec(
                "INSERT INTO department (id, code, name, kind, doctors, active, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)",
                params![
                    Uuid::now_v7().to_string(),
                    d.code,
                    d.name,
                    d.kind.key(),
                    d.doctors.join("、"),
                    by.id().to_string(),
                    stamp(now)
                ],
            )?;
            rows.push(("department", tx.last_insert_rowid()));
        }
        journal::append(
            &tx,
            Change {
                kind: "departments_imported",
                actor: by.name(),
                at: now,
                rows,
                extra: Map::new(),
            },
        )?;
        tx.commit()?;
        self.departments()
    }

    /// 挂号: registers an outpatient visit and gives its queue number.
    pub fn register(&mut self, by: &Actor, new: &NewRegistration) -> Result<Registration> {
        by.require(Permission::Register)?;
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let (occurred_at, outage_id) = self.outage_for(new.back_entered_at, now)?;
        let Some(dept) = self.department(&new.dept)? else {
            let known: Vec<String> = self.departments()?.into_iter().map(|d| format!("{} {}", d.code, d.name)).collect();
            return Err(invalid!(
                "dept_unknown",
                format!(
                    "没有编码为“{}”的科室（现有：{}）",
                    new.dept,
                    if known.is_empty() {
                        "无，请先导入科室表".into()
                    } else {
                        known.join("、")
                    }
                ),
                format!(
                    "No department with code \"{}\" (known: {})",
                    new.dept,
                    if known.is_empty() {
                        "none; import the department list first".into()
                    } else {
                        known.join(", ")
                    }
                )
            ));
        };
        if dept.kind == DeptKind::Inpatient {
            return Err(invalid!(
                "dept_not_outpatient",
                format!("{} 是住院科室，门诊挂号请选门诊或急诊科室；住院请用入院登记", dept.name),
                format!("{} is an inpatient ward; register outpatients in an outpatient or emergency department, and use admission for inpatients", dept.name)
            ));
        }
        let doctor = match new.doctor.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => clean_text(d, 20, ("医生", "Doctor"))?,
            None => String::new(),
        };
        let catalog = self.require_catalog()?;
        let mut items = Vec::new();
        for name in new.reg_type.fee_item_names() {
            let found = self.catalog_search(name, 20)?.into_iter().find(|i| i.name == name).ok_or_else(|| {
                invalid!(
                    "reg_fee_item_missing",
                    format!("价目表中没有“{name}”，无法计算{}挂号的费用", new.reg_type.zh()),
                    format!(
                        "The price list has no \"{name}\", so the {} registration fee cannot be computed",
                        new.reg_type.key()
                    )
                )
            })?;
            let amount = line_amount(Quantity::from_milli(1000)?, found.price)?;
            items.push(FeeItem {
                code: found.code,
                name: found.name,
                unit_price_e4: found.price.e4(),
                amount_fen: amount.get(),
                category: found.category.zh().into(),
            });
        }
        let fee = Fen::new(items.iter().map(|i| i.amount_fen).sum())?;
        let patient = self.resolve_patient(by, &new.patient)?;
        let visit_date = occurred_at.with_timezone(&Local).date_naive();
        let id = Uuid::now_v7();
        let items_json = canonical(&serde_json::Value::Array(
            items.iter().map(|i| json!({"code": i.code, "name": i.name, "unit_price_e4": i.unit_price_e4, "amount_fen": i.amount_fen, "category": i.category})).collect(),
        ));
        let tx = self.conn.transaction()?;
        let queue_no: i64 = tx.qrow(
            "SELECT ifnull(max(queue_no), 0) + 1 FROM registration WHERE dept_code = ?1 AND visit_date = ?2",
            params![dept.code, visit_date.to_string()],
            |r| r.get(0),
        )?;
        tx.exec(
            "INSERT INTO registration (id, patient_id, dept_code, dept_name, doctor, reg_type, visit_date, queue_no, fee_fen, fee_items, catalog_version_id, \
             operator_id, shift_id, outage_id, occurred_at, recorded_at, back_entered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                id.to_string(), patient.id.to_string(), dept.code, dept.name, doctor, new.reg_type.key(), visit_date.to_string(), queue_no, fee.get(), items_json,
                catalog.id.to_string(), by.id().to_string(), shift.id.to_string(), outage_id.to_string(), stamp(occurred_at), stamp(now), new.back_entered_at.is_some()
            ],
        )?;
        let row = tx.last_insert_rowid();
        journal::append(
            &tx,
            Change {
                kind: "registered",
                actor: by.name(),
                at: now,
                rows: vec![("registration", row)],
                extra: Map::new(),
            },
        )?;
        tx.commit()?;
        Ok(self.registration(id)?.expect("just registered"))
    }

    /// The outage a money record belongs to: the active one now, or for back-entry the one
    /// whose period holds the moment it really happened.
    pub(crate) fn outage_for(&self, back_entered_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(DateTime<Utc>, Uuid)> {
        match back_entered_at {
            None => match self.active_outage()? {
                Some(o) => Ok((now, o.id)),
                None => Err(invalid!(
                    "outage_not_active",
                    "当前不在应急状态：请在 HIS 中办理。补录停机期间的纸质记录时，请标记为补录并填写实际时间",
                    "No outage is active: use the HIS. To back-enter a paper record from an outage, mark it as back-entry with the real time"
                )),
            },
            Some(t) => {
                if t > now {
                    return Err(invalid!("time_in_future", format!("补录时间 {} 晚于现在", local_display(t)), format!("The back-entry time {} is in the future", local_display(t))));
                }
                let id: Option<String> = self
                    .conn
                    .qrow(
                        "SELECT o.id FROM outage o LEFT JOIN outage_end e ON e.outage_id = o.id WHERE o.his_down_at <= ?1 AND (e.his_up_at IS NULL OR e.his_up_at >= ?1) ORDER BY o.rowid DESC LIMIT 1",
                        [stamp(t)],
                        |r| r.get(0),
                    )
                    .optional()?;
                let id = id.ok_or_else(|| {
                    invalid!(
                        "back_entry_outside_outage",
                        format!("{} 不在任何一次应急期间：补录只用于停机期间的纸质记录", local_display(t)),
                        format!("{} is in no outage: back-entry is only for paper records made during an outage", local_display(t))
                    )
                })?;
                Ok((t, id.parse().unwrap_or_default()))
            }
        }
    }

    pub fn registration(&self, id: Uuid) -> Result<Option<Registration>> {
        let reg = self
            .conn
            .qrow(&format!("{REG_SELECT} WHERE r.id = ?1"), [id.to_string()], reg_from_row)
            .optional()?;
        reg.map(|r| self.with_fee_status(r)).transpose()
    }

    /// Fills in which receipt paid the fee: the registration fee goes through the charging
    /// machinery, on a charge of this visit.
    fn with_fee_status(&self, mut reg: Registration) -> Result<Registration> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.receipt_no, group_concat(l.code, char(31)) FROM receipt x JOIN receipt_line l ON l.receipt_id = x.id \
             WHERE x.registration_id = ?1 AND x.kind = 'charge' AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = x.id) \
             GROUP BY x.id ORDER BY x.seq",
        )?;
        let paid: Vec<(String, String)> = stmt
            .query_map([reg.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        reg.fee_paid_by = paid
            .into_iter()
            .find(|(_, codes)| {
                let codes: Vec<&str> = codes.split('\u{1f}').collect();
                reg.fee_items.iter().all(|f| codes.contains(&f.code.as_str()))
            })
            .map(|(no, _)| no);
        Ok(reg)
    }

    /// Registrations of a patient, newest first.
    pub fn registrations_of(&self, patient: &Patient) -> Result<Vec<Registration>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{REG_SELECT} WHERE r.patient_id = ?1 ORDER BY r.rowid DESC"))?;
        let rows: Vec<Registration> = stmt
            .query_map([patient.id.to_string()], reg_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|r| self.with_fee_status(r)).collect()
    }

    /// Today's registrations at this station, newest first.
    pub fn registrations_on(&self, day: NaiveDate) -> Result<Vec<Registration>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{REG_SELECT} WHERE r.visit_date = ?1 ORDER BY r.rowid DESC"))?;
        let rows: Vec<Registration> = stmt.query_map([day.to_string()], reg_from_row)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|r| self.with_fee_status(r)).collect()
    }

    /// 退号: cancels a registration by a record of its own; the queue number stays used.
    pub fn cancel_registration(&mut self, by: &Actor, id: Uuid, reason: &str) -> Result<Registration> {
        by.require(Permission::Register)?;
        let reason = clean_text(reason, 100, ("退号原因", "Reason"))?;
        let reg = self
            .registration(id)?
            .ok_or_else(|| invalid!("registration_unknown", "找不到这条挂号记录", "No such registration"))?;
        if reg.cancelled.is_some() {
            return Err(invalid!(
                "registration_cancelled",
                "这条挂号已经退号",
                "This registration is already cancelled"
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        self.record_one(
            by.name(),
            "registration_cancelled",
            "registration_cancel",
            now,
            "INSERT INTO registration_cancel (registration_id, reason, cancelled_by, shift_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), reason, by.id().to_string(), shift.id.to_string(), stamp(now)],
        )?;
        Ok(self.registration(id)?.expect("exists"))
    }
}

impl Desk {
    /// 候诊条: the small slip with the queue number, on the 80 mm roll.
    pub fn queue_slip_pdf(&self, registration: Uuid) -> Result<Vec<u8>> {
        use crate::receipt_pdf::{render_queue_slip, QueueSlip};
        let station = self.require_station()?;
        let r = self
            .registration(registration)?
            .ok_or_else(|| invalid!("registration_unknown", "找不到这条挂号记录", "No such registration"))?;
        render_queue_slip(&QueueSlip {
            hospital: station.hospital.clone(),
            station: station.code.to_string(),
            department: r.dept_name.clone(),
            queue_number: r.queue_no,
            patient_name: r.patient_name.clone(),
            downtime_number: r.downtime_no.clone(),
            registration_type: r.reg_type.zh().to_string(),
            doctor: r.doctor.clone(),
            visit_date: r.visit_date.to_string(),
            registered_at: local_display(r.occurred_at),
            fee_due: r.fee,
            notice: if r.cancelled.is_some() {
                "本号已退号".into()
            } else {
                "请按号候诊，过号请到分诊台重新排队。".into()
            },
        })
    }
}

impl Desk {
    /// Adds or changes one department (the newest row of a code is in force); `active: false`
    /// takes it off the list. Registrations keep the name they were made with.
    pub fn set_department(&mut self, by: &Actor, dept: &Department, active: bool) -> Result<Vec<Department>> {
        by.require(Permission::ChangeSettings)
            .or_else(|_| by.require(Permission::Supervise))?;
        let code = dept.code.trim().to_uppercase();
        if code.is_empty() || code.len() > 10 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid!(
                "dept_code_invalid",
                "科室编码应为 1 到 10 位字母或数字",
                "A department code is 1 to 10 letters or digits"
            ));
        }
        let name = clean_text(&dept.name, 30, ("科室名称", "Department name"))?;
        let mut doctors = Vec::new();
        for d in &dept.doctors {
            let d = d.trim();
            if !d.is_empty() {
                doctors.push(clean_text(d, 20, ("医生", "Doctor"))?);
            }
        }
        let now = self.now();
        self.record_one(
            by.name(),
            "department_set",
            "department",
            now,
            "INSERT INTO department (id, code, name, kind, doctors, active, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                Uuid::now_v7().to_string(),
                code,
                name,
                dept.kind.key(),
                doctors.join("、"),
                active,
                by.id().to_string(),
                stamp(now)
            ],
        )?;
        self.departments()
    }
}
