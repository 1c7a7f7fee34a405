//! Values parsed once at the door and valid everywhere after: station codes, names, PINs.

use crate::error::{invalid, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A record's id (a UUID) as typed or sent by the window; `what` names the record in the
/// message (收费编号, 班次 …). The one place an unreadable id is refused.
pub fn parse_id(text: &str, what: &str) -> Result<uuid::Uuid> {
    text.trim().parse().map_err(|_| {
        invalid!(
            IdInvalid,
            format!("{what}“{text}”不是有效的编号"),
            format!("Not a valid id: \"{text}\" ({what})")
        )
    })
}

/// 工作站代码: 2 to 6 capital letters and digits, starting with a letter (`MZ01`, `RY01`).
/// It prefixes every number the station issues, so it must never be confused with another
/// station's code or with an HIS number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StationCode(String);

impl StationCode {
    pub fn parse(text: &str) -> Result<StationCode> {
        let t = text.trim().to_ascii_uppercase();
        let ok = (2..=6).contains(&t.len())
            && t.starts_with(|c: char| c.is_ascii_uppercase())
            && t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !ok {
            return Err(invalid!(
                StationCodeInvalid,
                format!("工作站代码“{text}”无效：用 2 到 6 位大写字母和数字，以字母开头，例如 MZ01"),
                format!("Invalid station code \"{text}\": use 2 to 6 capital letters and digits starting with a letter, e.g. MZ01")
            ));
        }
        Ok(StationCode(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Free text that a person typed and that will be printed or journalled: trimmed, not empty,
/// no control characters, at most `max` characters. `what` names the field in both languages.
pub fn clean_text(text: &str, max: usize, what: (&str, &str)) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid!(
            TextEmpty,
            format!("{}不能为空", what.0),
            format!("{} must not be empty", what.1)
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid!(
            TextControlChars,
            format!("{}含有不可见的控制字符，请重新输入", what.0),
            format!("{} contains invisible control characters; type it again", what.1)
        ));
    }
    if t.chars().count() > max {
        return Err(invalid!(
            TextTooLong,
            format!("{}太长（最多 {max} 个字）", what.0),
            format!("{} is too long (at most {max} characters)", what.1)
        ));
    }
    Ok(t.to_string())
}

/// An operator's PIN: 4 to 12 digits.
#[derive(Clone)]
pub struct Pin(String);

impl Pin {
    pub fn parse(text: &str) -> Result<Pin> {
        if text.is_empty() {
            return Err(invalid!(PinEmpty, "PIN 不能为空", "The PIN must not be empty"));
        }
        if !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid!(PinNotDigits, "PIN 只能由数字组成", "The PIN must be digits only"));
        }
        if text.len() < 4 {
            return Err(invalid!(
                PinTooShort,
                "PIN 太短：至少 4 位数字",
                "The PIN is too short: at least 4 digits"
            ));
        }
        if text.len() > 12 {
            return Err(invalid!(
                PinTooLong,
                "PIN 太长：最多 12 位数字",
                "The PIN is too long: at most 12 digits"
            ));
        }
        Ok(Pin(text.to_string()))
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// 角色: what an operator may do. Checked in the core for every action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// 收费员
    Cashier,
    /// 住院处
    Admissions,
    /// 主管
    Supervisor,
    /// 财务
    Finance,
    /// 管理员
    Admin,
    /// 药师: dispenses and confirms drug returns at a pharmacy station.
    Pharmacist,
    /// 药房主管: a pharmacist who also approves a second dispensing against one receipt.
    PharmacistInCharge,
}

/// The actions a role may be allowed to take. Sent to the window as what the signed-in
/// operator may do (`AppStatus::may`): the window offers what is listed, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Permission {
    ManageOperators,
    ManageOutage,
    /// Approve voids, refunds, overrides (主管授权).
    Supervise,
    OpenShift,
    ChangeSettings,
    /// Register patients and outpatient visits (挂号), charge (收费).
    Register,
    /// Admit inpatients, take deposits (住院处).
    Admit,
    /// Export batches for reconciliation (导出批次).
    Export,
    /// Read any operator's handover sheet, the day and outage reports (an operator reads
    /// their own shift's without it).
    ReadReports,
    /// Replace reference data the counter charges and registers by: price lists and the HIS
    /// patient index (主管或管理员).
    ImportReference,
    /// Reconcile batches with the HIS and work the recovery lists (财务对账).
    Reconcile,
    /// Edit the lists the counter registers by: registration types (号别) and departments
    /// (主管或管理员).
    EditLists,
    /// Dispense against a receipt and confirm drug returns (发药、退药确认), at a pharmacy.
    Dispense,
    /// Approve dispensing again against a receipt already dispensed (药房主管).
    SuperviseDispensing,
    /// Trust another station's public key (key card or export batch), and hand this
    /// station's key card out.
    TrustStations,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::ManageOperators,
        Permission::ManageOutage,
        Permission::Supervise,
        Permission::OpenShift,
        Permission::ChangeSettings,
        Permission::Register,
        Permission::Admit,
        Permission::Export,
        Permission::ReadReports,
        Permission::ImportReference,
        Permission::Reconcile,
        Permission::EditLists,
        Permission::Dispense,
        Permission::SuperviseDispensing,
        Permission::TrustStations,
    ];
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Cashier,
        Role::Admissions,
        Role::Supervisor,
        Role::Finance,
        Role::Admin,
        Role::Pharmacist,
        Role::PharmacistInCharge,
    ];

    pub fn parse(text: &str) -> Result<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cashier" | "收费员" => Ok(Role::Cashier),
            "admissions" | "住院处" => Ok(Role::Admissions),
            "supervisor" | "主管" => Ok(Role::Supervisor),
            "finance" | "财务" => Ok(Role::Finance),
            "admin" | "管理员" => Ok(Role::Admin),
            "pharmacist" | "药师" => Ok(Role::Pharmacist),
            "pharmacist_in_charge" | "pharmacist-in-charge" | "药房主管" => Ok(Role::PharmacistInCharge),
            _ => Err(invalid!(
                RoleInvalid,
                format!("没有“{text}”这个角色：可选 cashier（收费员）、admissions（住院处）、supervisor（主管）、finance（财务）、admin（管理员）、pharmacist（药师）、pharmacist-in-charge（药房主管）"),
                format!("There is no role \"{text}\": choose cashier, admissions, supervisor, finance, admin, pharmacist or pharmacist-in-charge")
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Admissions => "admissions",
            Role::Supervisor => "supervisor",
            Role::Finance => "finance",
            Role::Admin => "admin",
            Role::Pharmacist => "pharmacist",
            Role::PharmacistInCharge => "pharmacist_in_charge",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Cashier => "收费员",
            Role::Admissions => "住院处",
            Role::Supervisor => "主管",
            Role::Finance => "财务",
            Role::Admin => "管理员",
            Role::Pharmacist => "药师",
            Role::PharmacistInCharge => "药房主管",
        }
    }

    /// Whether operators of this role have work at a station of `kind`: the roles the
    /// window's add-operator form offers there (`StationView::roles`).
    pub fn works_at(self, kind: StationKind) -> bool {
        match kind {
            StationKind::Counter => !matches!(self, Role::Pharmacist | Role::PharmacistInCharge),
            StationKind::Pharmacy => !matches!(self, Role::Cashier | Role::Admissions),
        }
    }

    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            ManageOperators | ChangeSettings => self == Admin,
            ManageOutage | Supervise => matches!(self, Supervisor | Admin),
            OpenShift => matches!(self, Cashier | Admissions | Supervisor),
            Register => matches!(self, Cashier | Admissions | Supervisor),
            Admit => matches!(self, Admissions | Supervisor),
            Export => matches!(self, Supervisor | Admin | Finance),
            ReadReports => matches!(self, Supervisor | Admin | Finance),
            ImportReference | EditLists => matches!(self, Supervisor | Admin),
            Reconcile => matches!(self, Finance | Admin),
            Dispense => matches!(self, Pharmacist | PharmacistInCharge),
            SuperviseDispensing => self == PharmacistInCharge,
            TrustStations => matches!(self, Admin | Supervisor | PharmacistInCharge),
        }
    }
}

/// 工作站类型: a counter (收费、挂号、住院处) takes money by its price list; a pharmacy (药房)
/// takes no money and has no price list: it dispenses against the counters' signed receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StationKind {
    #[default]
    Counter,
    Pharmacy,
}

impl StationKind {
    /// The roles that have work at this kind of station, in `Role::ALL` order.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.works_at(self)).collect()
    }

    pub fn key(self) -> &'static str {
        match self {
            StationKind::Counter => "counter",
            StationKind::Pharmacy => "pharmacy",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            StationKind::Counter => "收费窗口",
            StationKind::Pharmacy => "药房",
        }
    }
    pub fn parse(text: &str) -> Result<StationKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "counter" | "收费" | "收费窗口" => Ok(StationKind::Counter),
            "pharmacy" | "药房" => Ok(StationKind::Pharmacy),
            _ => Err(invalid!(
                StationKindInvalid,
                format!("没有“{text}”这种工作站：可选 counter（收费窗口）或 pharmacy（药房）"),
                format!("There is no station kind \"{text}\": choose counter or pharmacy")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Permission, Role, StationKind};

    /// A counter offers no pharmacy roles, a pharmacy no cashier or admissions clerk; both
    /// have an administrator.
    #[test]
    fn each_station_kind_offers_the_roles_that_have_work_there() {
        use Role::*;
        assert_eq!(StationKind::Counter.roles(), vec![Cashier, Admissions, Supervisor, Finance, Admin]);
        assert_eq!(
            StationKind::Pharmacy.roles(),
            vec![Supervisor, Finance, Admin, Pharmacist, PharmacistInCharge]
        );
    }

    /// `Permission::ALL` names every permission once, in declaration order (the match fails to
    /// compile when a permission is added without a place here).
    #[test]
    fn every_permission_is_listed_once() {
        use Permission::*;
        let place = |p: Permission| match p {
            ManageOperators => 0,
            ManageOutage => 1,
            Supervise => 2,
            OpenShift => 3,
            ChangeSettings => 4,
            Register => 5,
            Admit => 6,
            Export => 7,
            ReadReports => 8,
            ImportReference => 9,
            Reconcile => 10,
            EditLists => 11,
            Dispense => 12,
            SuperviseDispensing => 13,
            TrustStations => 14,
        };
        for (i, p) in Permission::ALL.into_iter().enumerate() {
            assert_eq!(place(p), i, "{p:?}");
        }
    }
}
