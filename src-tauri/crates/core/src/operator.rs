//! 操作员: who is at the counter. PINs are hashed with Argon2; five wrong PINs in a row lock
//! the operator for five minutes. The lock is derived from the journal (`pin_failed` entries
//! after the operator's last other entry), so it survives restarts and holds for the CLI and
//! the app alike. An [`Actor`] can only be made by checking a PIN: every action that needs a
//! role takes one, and checks the role here, in the core.

use crate::error::{invalid, CoreError, Result};
use crate::ids::StationKind;
use crate::ids::{clean_text, Permission, Pin, Role};
use crate::journal::{self, Change};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::{parse_stamp, stamp};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use serde_json::{json, Map};
use uuid::Uuid;

pub const MAX_FAILED_PINS: usize = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

/// A supervisor's approval (主管授权) as a step receives it: the name and PIN typed on the form
/// or the command line, checked by the core when the step runs ([`Desk::approval`],
/// [`Desk::approver`]), or an operator whose PIN was already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approval {
    Typed { name: String, pin: String },
    Checked(Actor),
}

impl Approval {
    /// The name and PIN as typed (absent: blank).
    pub fn typed(name: Option<&str>, pin: Option<&str>) -> Approval {
        Approval::Typed {
            name: name.unwrap_or_default().to_string(),
            pin: pin.unwrap_or_default().to_string(),
        }
    }
}

impl From<Actor> for Approval {
    fn from(a: Actor) -> Self {
        Approval::Checked(a)
    }
}

impl From<&Actor> for Approval {
    fn from(a: &Actor) -> Self {
        Approval::Checked(a.clone())
    }
}

/// An operator whose PIN was checked just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: Uuid,
    name: String,
    role: Role,
    /// The kind of station the PIN was checked at: a pharmacy refuses the counter's tasks
    /// and a counter the pharmacy's, whatever the role.
    station: StationKind,
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
                ApproverIsActor,
                format!("{} 不能为自己的操作授权：请另一位主管输入姓名和 PIN", self.name),
                format!(
                    "{} cannot approve their own action: another supervisor must enter their name and PIN",
                    self.name
                )
            ));
        }
        Ok(())
    }

    pub fn station_kind(&self) -> StationKind {
        self.station
    }

    /// Whether this operator's role allows `p` at this kind of station (`require` without
    /// the refusal).
    pub fn may(&self, p: Permission) -> bool {
        station_allows(self.station, p).is_ok() && self.role.may(p)
    }

    /// Everything this operator may do here, in `Permission::ALL` order: what the window
    /// offers (`AppStatus::may`).
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|&p| self.may(p)).collect()
    }

    /// Refuses unless this operator's role allows `p` at this kind of station.
    pub fn require(&self, p: Permission) -> Result<()> {
        station_allows(self.station, p)?;
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
            Permission::ImportReference => (
                "导入价目表和 HIS 患者索引需要主管或管理员",
                "importing price lists and the HIS patient index needs a supervisor or an administrator",
            ),
            Permission::ReadReports => (
                "他人的交班单和日结、应急报表只有主管、管理员和财务可以查看",
                "only supervisors, administrators and finance read other operators' sheets and the day and outage reports",
            ),
            Permission::Reconcile => (
                "只有财务和管理员可以对账",
                "only finance and administrators reconcile batches with the HIS",
            ),
            // Said as the approval it was asked as before it had a permission of its own.
            Permission::EditLists => ("这一操作需要主管授权", "this needs a supervisor's approval"),
            Permission::Dispense => (
                "只有药师和药房主管可以发药和确认退药",
                "only pharmacists dispense and confirm drug returns",
            ),
            Permission::SuperviseDispensing => ("再次发药需要药房主管授权", "dispensing again needs the pharmacist-in-charge"),
            Permission::TrustStations => (
                "导出本站密钥卡和信任其他工作站的公钥需要管理员、主管或药房主管",
                "exporting this station's key card and trusting another station's key need an administrator, a supervisor or the pharmacist-in-charge",
            ),
        };
        Err(CoreError::invalid(
            crate::error::ErrorCode::RoleForbidden,
            format!("{}（{}）无权执行：{zh}", self.name, self.role.zh()),
            format!("{} ({}) may not do this: {en}", self.name, self.role.as_str()),
        ))
    }
}

/// What a kind of station is for: a pharmacy takes no money and has no price list (no
/// shift, registration, admission or price-list import), a counter does not dispense.
fn station_allows(kind: StationKind, p: Permission) -> Result<()> {
    use Permission::*;
    match (kind, p) {
        (StationKind::Pharmacy, OpenShift | Register | Admit | ImportReference | EditLists) => Err(crate::error::invalid!(PharmacyStationTask,
            "这是药房工作站：不收费、没有价目表，收费、挂号、入院、开班、导入价目表和编辑号别科室请在收费窗口办理",
            "This is a pharmacy station: it takes no money and has no price list; charge, register, admit, open shifts, import price lists and edit registration types and departments at a counter",
        )),
        (StationKind::Counter, Dispense | SuperviseDispensing) => Err(crate::error::invalid!(CounterStationTask,
            "这是收费窗口：发药和退药确认请在药房工作站办理",
            "This is a counter: dispensing and drug returns are done at a pharmacy station",
        )),
        _ => Ok(()),
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

/// Characters that show nothing or turn the text around: format characters (zero-width
/// space and joiners, soft hyphen, word joiner, byte-order mark, direction marks, embeddings,
/// overrides and isolates), variation selectors, the combining grapheme joiner and the
/// Hangul fillers. Two names that look the same on screen must be the same name.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0x0600..=0x0605 | 0x06DD | 0x070F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// An operator's name as the desk keeps it: typed text checked by `clean_text`, in Unicode
/// NFC, without invisible or direction-changing characters, spaces collapsed to one.
pub(crate) fn operator_name(text: &str, what: (&str, &str)) -> Result<String> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = text.nfc().collect();
    if t.chars().any(invisible) {
        return Err(invalid!(
            NameInvisibleChars,
            format!("{}含有看不见的字符（零宽字符、软连字符或文字方向控制符），请重新输入", what.0),
            format!(
                "{} contains invisible characters (zero-width, soft hyphen or direction controls); type it again",
                what.1
            )
        ));
    }
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    clean_text(&t, 20, what)
}

/// What makes two names the same: compatibility forms (full-width letters), case and
/// composition do not count.
pub(crate) fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

fn unknown_operator(name: &str) -> CoreError {
    invalid!(
        OperatorUnknown,
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
                    id: crate::time::parse_stored_id(&id)?,
                    locked_until: self.locked_until(&name, now)?,
                    name,
                    role: Role::parse(&role)?,
                    created_at: parse_stamp(&created)?,
                })
            })
            .collect()
    }

    /// 添加操作员 (an administrator acts).
    pub fn add_operator(&mut self, by: &Actor, name: &str, role: Role, pin: &str) -> Result<Operator> {
        by.require(Permission::ManageOperators)?;
        let name = operator_name(name, ("操作员姓名", "Operator name"))?;
        let pin = Pin::parse(pin)?;
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let hash = hash_pin(&pin)?;
        // Checked and written in one transaction: two windows adding the same name at once
        // get "already exists", never a constraint error.
        self.in_write_tx(|desk| {
            if let Some((_, existing, _, _)) = desk.operator_row(&name)? {
                return Err(invalid!(
                    OperatorExists,
                    format!("操作员“{existing}”已经存在（姓名只差大小写、全角半角或字形组合的，算同一个人）"),
                    format!("Operator \"{existing}\" already exists (names differing only in case, width or composition are the same)")
                ));
            }
            desk.record_one(
                &by.name,
                "operator_added",
                "operator",
                now,
                "INSERT INTO operator (id, name, role, pin_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.to_string(), name, role.as_str(), hash, stamp(now), by.id.to_string()],
            )
        })?;
        Ok(Operator {
            id,
            name,
            role,
            created_at: now,
            locked_until: None,
        })
    }

    /// The operator whose name is the same as `name` (see `name_key`): id, name as stored,
    /// role, PIN hash.
    fn operator_row(&self, name: &str) -> Result<Option<(Uuid, String, Role, String)>> {
        let key = name_key(name);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, role, pin_hash FROM operator ORDER BY rowid")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let stored: String = r.get(1)?;
            if name_key(&stored) == key {
                let id: String = r.get(0)?;
                let role: String = r.get(2)?;
                return Ok(Some((crate::time::parse_stored_id(&id)?, stored, Role::parse(&role)?, r.get(3)?)));
            }
        }
        Ok(None)
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
                until = Some(parse_stamp(&at)? + Duration::minutes(LOCKOUT_MINUTES));
                count = 0;
            }
        }
        Ok(until.filter(|u| *u > now))
    }

    /// A supervisor's approval as typed on a form or a command line: both name and PIN blank
    /// (or absent) mean no approval; one without the other is refused; else the name and PIN
    /// are checked like a login's. The one rule for every way in: whether the step needs the
    /// approval, and who may give it, is the action's own check.
    pub fn supervisor(&mut self, name: Option<&str>, pin: Option<&str>) -> Result<Option<Actor>> {
        let given = |t: Option<&str>| t.map(str::trim).filter(|t| !t.is_empty()).is_some();
        match (given(name), given(pin)) {
            (false, false) => Ok(None),
            (true, true) => Ok(Some(self.authenticate(name.unwrap_or(""), pin.unwrap_or(""))?)),
            _ => Err(invalid!(
                SupervisorIncomplete,
                "主管授权需要同时填写主管姓名和 PIN",
                "A supervisor's approval needs both the supervisor's name and PIN"
            )),
        }
    }

    /// An approval the step may go without: [`Desk::supervisor`]'s rule for typed ones (both
    /// blank: none).
    pub fn approval(&mut self, approval: Option<&Approval>) -> Result<Option<Actor>> {
        match approval {
            None => Ok(None),
            Some(Approval::Checked(a)) => Ok(Some(a.clone())),
            Some(Approval::Typed { name, pin }) => self.supervisor(Some(name), Some(pin)),
        }
    }

    /// An approval the step needs: a typed name and PIN are checked like a login's.
    pub fn approver(&mut self, approval: &Approval) -> Result<Actor> {
        match approval {
            Approval::Checked(a) => Ok(a.clone()),
            Approval::Typed { name, pin } => self.authenticate(name, pin),
        }
    }

    /// Checks a PIN and returns the acting operator. A wrong PIN is journalled (it counts
    /// toward the lockout), so this is the one check that writes on failure: a step checks
    /// its approval before its transaction, so that a rollback never takes the failure back.
    pub fn authenticate(&mut self, name: &str, pin: &str) -> Result<Actor> {
        let station = self.require_station()?;
        let typed = name.trim();
        let Some((id, stored, role, hash)) = self.operator_row(typed)? else {
            return Err(unknown_operator(typed));
        };
        let name = stored.as_str();
        let now = self.clock.now();
        if let Some(until) = self.locked_until(name, now)? {
            let mins = ((until - now).num_seconds() + 59) / 60;
            return Err(invalid!(
                OperatorLocked,
                format!("操作员“{name}”因连续输错 PIN 已被锁定，请 {mins} 分钟后再试，或请主管协助"),
                format!("Operator \"{name}\" is locked after too many wrong PINs; try again in {mins} min or ask a supervisor")
            ));
        }
        if pin_matches(pin, &hash) {
            return Ok(Actor {
                id,
                name: name.to_string(),
                role,
                station: station.kind,
            });
        }
        // Counted and written in one transaction, so that two windows typing wrong PINs at
        // once count every one. A desk opened to read counts through a connection of its own
        // (on read-only media nothing can be written: the count cannot grow there).
        let failures = if self.is_read_only() {
            match self.side_writer() {
                Some(conn) => crate::store::with_reserve(self.path(), || record_pin_failure(&conn, id, name, now))?,
                None => recent_failures(&self.conn, name)? + 1,
            }
        } else {
            crate::store::with_reserve(self.path(), || record_pin_failure(&self.conn, id, name, now))?
        };
        if failures >= MAX_FAILED_PINS {
            Err(invalid!(
                OperatorLocked,
                format!("PIN 连续错误 {MAX_FAILED_PINS} 次，操作员“{name}”已锁定 {LOCKOUT_MINUTES} 分钟"),
                format!("{MAX_FAILED_PINS} wrong PINs in a row: operator \"{name}\" is locked for {LOCKOUT_MINUTES} minutes")
            ))
        } else {
            let left = MAX_FAILED_PINS - failures;
            Err(invalid!(
                PinWrong,
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

    /// 登录 at a window that may have someone signed in already (`signed_in`): checks the PIN,
    /// journals the login and, when it is someone else, the previous operator's logout (a
    /// window has one session at a time). Returns who is signed in now, for the window to
    /// keep; a refused PIN changes nothing (the previous operator stays signed in).
    pub fn sign_in(&mut self, signed_in: Option<&Actor>, name: &str, pin: &str) -> Result<Actor> {
        let actor = self.login(name, pin)?;
        if let Some(previous) = signed_in.filter(|p| *p != &actor) {
            self.logout(previous)?;
        }
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

/// Failed PINs since the last lockout or success, for "N tries left".
fn recent_failures(conn: &rusqlite::Connection, name: &str) -> Result<usize> {
    let n: i64 = conn.qrow(
        "SELECT count(*) FROM journal WHERE actor = ?1 AND kind = 'pin_failed' AND seq > \
         (SELECT ifnull(max(seq), 0) FROM journal WHERE actor = ?1 AND kind <> 'pin_failed')",
        [name],
        |r| r.get(0),
    )?;
    Ok(n as usize % MAX_FAILED_PINS)
}

/// Journals a wrong PIN (`pin_failed`) and returns how many in a row it makes.
fn record_pin_failure(conn: &rusqlite::Connection, id: Uuid, name: &str, now: DateTime<Utc>) -> Result<usize> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| {
        let failures = recent_failures(conn, name)? + 1;
        let mut extra = Map::new();
        extra.insert("operator_id".into(), json!(id.to_string()));
        extra.insert("failures".into(), json!(failures));
        journal::append(
            conn,
            Change {
                kind: "pin_failed",
                actor: name,
                at: now,
                rows: vec![],
                extra,
            },
        )?;
        conn.execute_batch("COMMIT")?;
        Ok(failures)
    })();
    if done.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    done
}
