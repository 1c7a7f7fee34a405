//! 科室: the departments registration and admission choose from, an editable list (imported
//! from a CSV or edited one at a time); the newest row of a code is in force. Registrations
//! and admissions keep the name they were made with.

use crate::catalog::read::{read_table, ReadOptions};
use crate::error::{invalid, CoreError, Result};
use crate::ids::{clean_text, Permission};
use crate::journal::{self, Change};
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Map;
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

fn not_a_dept_list(zh: &str, en: &str) -> CoreError {
    invalid!(
        DeptNotAList,
        format!("这不是可导入的科室表：{zh}。请使用含“科室编码、科室名称”表头的 CSV 文件"),
        format!("This is not a department list: {en}. Use a CSV with department code and name headers")
    )
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

    /// The department `code`, or the message naming the departments there are.
    pub(crate) fn department_or_refuse(&self, code: &str) -> Result<Department> {
        if let Some(d) = self.department(code)? {
            return Ok(d);
        }
        let known: Vec<String> = self.departments()?.into_iter().map(|d| format!("{} {}", d.code, d.name)).collect();
        Err(invalid!(
            DeptUnknown,
            format!(
                "没有编码为“{code}”的科室（现有：{}）",
                if known.is_empty() {
                    "无，请先导入科室表".into()
                } else {
                    known.join("、")
                }
            ),
            format!(
                "No department with code \"{code}\" (known: {})",
                if known.is_empty() {
                    "none; import the department list first".into()
                } else {
                    known.join(", ")
                }
            )
        ))
    }

    /// `downtime dept import`: adds or updates departments from a CSV (科室编码, 科室名称,
    /// 类别 门诊/急诊/住院, 医生 separated by 、). Bad rows refuse the whole file.
    pub fn import_departments(&mut self, by: &Actor, bytes: &[u8], file_name: &str) -> Result<Vec<Department>> {
        by.require(Permission::EditLists)?;
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
                    DeptRowInvalid,
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

    /// Adds or changes one department (the newest row of a code is in force); `active: false`
    /// takes it off the list. Registrations keep the name they were made with.
    pub fn set_department(&mut self, by: &Actor, dept: &Department, active: bool) -> Result<Vec<Department>> {
        by.require(Permission::EditLists)?;
        let code = dept.code.trim().to_uppercase();
        if code.is_empty() || code.len() > 10 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid!(
                DeptCodeInvalid,
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
