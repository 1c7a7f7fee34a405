//! 操作员: who is at the counter. PINs are hashed with Argon2; five wrong PINs in a row lock
//! the operator for five minutes. The lock is derived from the journal (`pin_failed` entries
//! after the operator's last other entry), so it survives restarts and holds for the CLI and
//! the app alike. An [`Actor`] can only be made by checking a PIN: every action that needs a
//! role takes one, and checks the role here, in the core.

use crate::error::{invalid, CoreError, Result};
use crate::ids::{clean_text, Permission, Pin, Role};
use crate::journal::{self, Change};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map};
use uuid::Uuid;

pub const MAX_FAILED_PINS: usize = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

/// An operator whose PIN was checked just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: Uuid,
    name: String,
    role: Role,
}

impl Actor {
    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn role(&self) -> Role {
        self.role
    }

    /// Refuses unless this operator may approve what `by` does: a supervisor (or an
    /// administrator) who is not `by`: nobody approves their own action.
    pub fn approve(&self, by: &Actor) -> Result<()> {
        self.require(Permission::Supervise)?;
        if self.id == by.id {
            return Err(crate::error::invalid!(
                "approver_is_actor",
                format!("{} 不能为自己的操作授权：请另一位主管输入姓名和 PIN", self.name),
                format!(
                    "{} cannot approve their own action: another supervisor must enter their name and PIN",
                    self.name
                )
            ));
        }
        Ok(())
    }

    /// Refuses unless this operator's role allows `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.may(p) {
            return Ok(());
        }
        let (zh, en) = match p {
            Permission::ManageOperators => ("管理操作员需要管理员", "managing operators needs an administrator"),
            Permission::ChangeSettings => ("修改工作站设置需要管理员", "changing station settings needs an administrator"),
            Permission::ManageOutage => ("启动或结束应急需要主管", "starting or ending an outage needs a supervisor"),
            Permission::Supervise => ("这一操作需要主管授权", "this needs a supervisor's approval"),
            Permission::OpenShift => (
                "只有收费员、住院处和主管可以开班",
                "only cashiers, admissions clerks and supervisors open shifts",
            ),
            Permission::Register => (
                "只有收费员、住院处和主管可以登记患者和挂号",
                "only cashiers, admissions clerks and supervisors register patients",
            ),
            Permission::Admit => (
                "只有住院处和主管可以办理入院和预交金",
                "only admissions clerks and supervisors admit patients and take deposits",
            ),
            Permission::Export => (
                "只有主管、管理员和财务可以导出批次",
                "only supervisors, administrators and finance export batches",
            ),
            Permission::ReadReports => (
                "他人的交班单和日结、应急报表只有主管、管理员和财务可以查看",
                "only supervisors, administrators and finance read other operators' sheets and the day and outage reports",
            ),
            Permission::Reconcile => (
                "只有财务和管理员可以对账",
                "only finance and administrators reconcile batches with the HIS",
            ),
        };
        Err(CoreError::invalid(
            "role_forbidden",
            format!("{}（{}）无权执行：{zh}", self.name, self.role.zh()),
            format!("{} ({}) may not do this: {en}", self.name, self.role.as_str()),
        ))
    }
}

#[derive(Debug, Clone)]
pub struct Operator {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// Set while five wrong PINs keep the operator locked out.
    pub locked_until: Option<DateTime<Utc>>,
}

pub(crate) fn hash_pin(pin: &Pin) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| std::io::Error::other(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(pin.expose().as_bytes(), &salt)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .to_string())
}

fn pin_matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| Argon2::default().verify_password(pin.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn unknown_operator(name: &str) -> CoreError {
    invalid!(
        "operator_unknown",
        format!("没有名为“{name}”的操作员"),
        format!("There is no operator named \"{name}\"")
    )
}

impl Desk {
    pub fn operators(&self) -> Result<Vec<Operator>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, role, created_at FROM operator ORDER BY rowid")?;
        let rows: Vec<(String, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let now = self.clock.now();
        rows.into_iter()
            .map(|(id, name, role, created)| {
                Ok(Operator {
                    id: id.parse().unwrap_or_default(),
                    locked_until: self.locked_until(&name, now)?,
                    name,
                    role: Role::parse(&role)?,
                    created_at: parse_stamp(&created),
                })
            })
            .collect()
    }

    /// 添加操作员 (an administrator acts).
    pub fn add_operator(&mut self, by: &Actor, name: &str, role: Role, pin: &str) -> Result<Operator> {
        by.require(Permission::ManageOperators)?;
        let name = clean_text(name, 20, ("操作员姓名", "Operator name"))?;
        let pin = Pin::parse(pin)?;
        if self.operator_row(&name)?.is_some() {
            return Err(invalid!(
                "operator_exists",
                format!("操作员“{name}”已经存在"),
                format!("Operator \"{name}\" already exists")
            ));
        }
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let hash = hash_pin(&pin)?;
        self.record_one(
            &by.name,
            "operator_added",
            "operator",
            now,
            "INSERT INTO operator (id, name, role, pin_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.to_string(), name, role.as_str(), hash, stamp(now), by.id.to_string()],
        )?;
        Ok(Operator {
            id,
            name,
            role,
            created_at: now,
            locked_until: None,
        })
    }

    fn operator_row(&self, name: &str) -> Result<Option<(Uuid, Role, String)>> {
        let row: Option<(String, String, String)> = self
            .conn
            .qrow("SELECT id, role, pin_hash FROM operator WHERE name = ?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        row.map(|(id, role, hash)| Ok((id.parse().unwrap_or_default(), Role::parse(&role)?, hash)))
            .transpose()
    }

    /// When the operator's lockout ends, if one is in force at `now`.
    fn locked_until(&self, name: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at FROM journal WHERE actor = ?1 AND kind = 'pin_failed' AND seq > \
             (SELECT ifnull(max(seq), 0) FROM journal WHERE actor = ?1 AND kind <> 'pin_failed') ORDER BY seq",
        )?;
        let fails: Vec<String> = stmt.query_map([name], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut count = 0;
        let mut until = None;
        for at in fails {
            count += 1;
            if count == MAX_FAILED_PINS {
                until = Some(parse_stamp(&at) + Duration::minutes(LOCKOUT_MINUTES));
                count = 0;
            }
        }
        Ok(until.filter(|u| *u > now))
    }

    /// Failed PINs since the last lockout or success, for "N tries left".
    fn recent_failures(&self, name: &str) -> Result<usize> {
        let n: i64 = self.conn.qrow(
            "SELECT count(*) FROM journal WHERE actor = ?1 AND kind = 'pin_failed' AND seq > \
             (SELECT ifnull(max(seq), 0) FROM journal WHERE actor = ?1 AND kind <> 'pin_failed')",
            [name],
            |r| r.get(0),
        )?;
        Ok(n as usize % MAX_FAILED_PINS)
    }

    /// Checks a PIN and returns the acting operator. A wrong PIN is journalled (it counts
    /// toward the lockout), so this is the one check that writes on failure.
    pub fn authenticate(&mut self, name: &str, pin: &str) -> Result<Actor> {
        self.require_station()?;
        let name = name.trim();
        let Some((id, role, hash)) = self.operator_row(name)? else {
            return Err(unknown_operator(name));
        };
        let now = self.clock.now();
        if let Some(until) = self.locked_until(name, now)? {
            let mins = ((until - now).num_seconds() + 59) / 60;
            return Err(invalid!(
                "operator_locked",
                format!("操作员“{name}”因连续输错 PIN 已被锁定，请 {mins} 分钟后再试，或请主管协助"),
                format!("Operator \"{name}\" is locked after too many wrong PINs; try again in {mins} min or ask a supervisor")
            ));
        }
        if pin_matches(pin, &hash) {
            return Ok(Actor {
                id,
                name: name.to_string(),
                role,
            });
        }
        let failures = self.recent_failures(name)? + 1;
        let tx = self.conn.transaction()?;
        let mut extra = Map::new();
        extra.insert("operator_id".into(), json!(id.to_string()));
        extra.insert("failures".into(), json!(failures));
        journal::append(
            &tx,
            Change {
                kind: "pin_failed",
                actor: name,
                at: now,
                rows: vec![],
                extra,
            },
        )?;
        tx.commit()?;
        if failures >= MAX_FAILED_PINS {
            Err(invalid!(
                "operator_locked",
                format!("PIN 连续错误 {MAX_FAILED_PINS} 次，操作员“{name}”已锁定 {LOCKOUT_MINUTES} 分钟"),
                format!("{MAX_FAILED_PINS} wrong PINs in a row: operator \"{name}\" is locked for {LOCKOUT_MINUTES} minutes")
            ))
        } else {
            let left = MAX_FAILED_PINS - failures;
            Err(invalid!(
                "pin_wrong",
                format!("PIN 不正确，还可以再试 {left} 次"),
                format!("Wrong PIN; {left} more tries before the operator is locked")
            ))
        }
    }

    /// 登录: checks the PIN and journals the login.
    pub fn login(&mut self, name: &str, pin: &str) -> Result<Actor> {
        let actor = self.authenticate(name, pin)?;
        self.journal_session(&actor, "login")?;
        Ok(actor)
    }

    /// 退出登录.
    pub fn logout(&mut self, actor: &Actor) -> Result<()> {
        self.journal_session(actor, "logout")
    }

    fn journal_session(&mut self, actor: &Actor, kind: &str) -> Result<()> {
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let mut extra = Map::new();
        extra.insert("operator_id".into(), json!(actor.id.to_string()));
        extra.insert("role".into(), json!(actor.role.as_str()));
        journal::append(
            &tx,
            Change {
                kind,
                actor: &actor.name,
                at: now,
                rows: vec![],
                extra,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
