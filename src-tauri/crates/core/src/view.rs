//! Wire types: the small, serialisable shapes that cross IPC to the UI and are printed by
//! `downtime --json`. Domain types stay free to change; these are the contract. TypeScript
//! twins are generated into `ui/src/bindings/` by `cargo test` (ts-rs) and checked in CI.
//! Money crosses as an integer number of fen in fields ending `_fen`; instants as UTC
//! RFC 3339 text.
//!
//! One module per area, as the shell's `commands/*.rs`: the session, outage, shift and journal
//! here; `catalog`, `patients`, `charges`, `receipts`, `admissions`, `pharmacy` (its inputs) beside it. Every type is re-exported
//! here, so a wire type is always `view::X`.

mod admissions;
mod catalog;
mod charges;
mod patients;
mod pharmacy;
mod receipts;

pub use admissions::*;
pub use catalog::*;
pub use charges::*;
pub use patients::*;
pub use pharmacy::*;
pub use receipts::*;

use crate::catalog::category::FeeCategory;
use crate::catalog::read::RowProblem;
use crate::catalog::{CatalogItem, CatalogStatus, CatalogVersion, ImportReport};
use crate::ids::Role;
use crate::journal::VerifyReport;
use crate::operator::Approval;
use crate::operator::{Actor, Operator};
use crate::outage::Outage;
use crate::shift::Shift;
use crate::station::Station;
use crate::time::{stamp, TypedTime};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StationView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub hospital: String,
    /// SHA-256 fingerprint of the station's Ed25519 public key.
    pub fingerprint: String,
    pub public_key: String,
    pub created_at: String,
    /// `counter` or `pharmacy`.
    pub kind: String,
    /// The roles that have work at this station (`StationKind::roles`): what the add-operator
    /// form offers.
    pub roles: Vec<crate::ids::Role>,
}

impl From<&Station> for StationView {
    fn from(s: &Station) -> Self {
        StationView {
            id: s.id.to_string(),
            code: s.code.to_string(),
            name: s.name.clone(),
            hospital: s.hospital.clone(),
            fingerprint: s.fingerprint(),
            public_key: hex::encode(s.public_key),
            kind: s.kind.key().to_string(),
            roles: s.kind.roles(),
            created_at: stamp(s.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OperatorView {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub locked_until: Option<String>,
}

impl From<&Operator> for OperatorView {
    fn from(o: &Operator) -> Self {
        OperatorView {
            id: o.id.to_string(),
            name: o.name.clone(),
            role: o.role,
            locked_until: o.locked_until.map(stamp),
        }
    }
}

impl From<&Actor> for OperatorView {
    fn from(a: &Actor) -> Self {
        OperatorView {
            id: a.id().to_string(),
            name: a.name().to_string(),
            role: a.role(),
            locked_until: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OutageView {
    pub id: String,
    pub active: bool,
    pub reason: String,
    pub his_down_at: String,
    pub announced_by: String,
    pub started_by: String,
    pub recorded_at: String,
    pub his_up_at: Option<String>,
    pub ended_by: Option<String>,
}

impl From<&Outage> for OutageView {
    fn from(o: &Outage) -> Self {
        OutageView {
            id: o.id.to_string(),
            active: o.ended.is_none(),
            reason: o.reason.clone(),
            his_down_at: stamp(o.his_down_at),
            announced_by: o.announced_by.clone(),
            started_by: o.started_by.clone(),
            recorded_at: stamp(o.recorded_at),
            his_up_at: o.ended.as_ref().map(|e| stamp(e.his_up_at)),
            ended_by: o.ended.as_ref().map(|e| e.ended_by.clone()),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShiftView {
    pub id: String,
    pub operator: String,
    #[ts(type = "number")]
    pub float_fen: i64,
    pub outage_id: Option<String>,
    pub opened_at: String,
    #[ts(type = "number | null")]
    pub counted_fen: Option<i64>,
    pub closed_at: Option<String>,
    /// The paper invoice books (票据本) registered in the shift.
    pub paper_books: Vec<PaperBookView>,
    /// The paper invoice number proposed for the next receipt (`Desk::next_paper_no`), when
    /// the shift has a book with a number left.
    pub paper_next: Option<String>,
}

/// A registered paper invoice book: `first`–`last`, `count` forms.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PaperBookView {
    pub first: String,
    pub last: String,
    #[ts(type = "number")]
    pub count: i64,
}

impl From<&crate::paper::PaperBook> for PaperBookView {
    fn from(b: &crate::paper::PaperBook) -> Self {
        PaperBookView {
            first: b.text(b.first),
            last: b.text(b.last),
            count: b.size() as i64,
        }
    }
}

impl ShiftView {
    /// The view of `s` with the paper number to propose next.
    pub fn with_paper_next(s: &Shift, desk: &crate::Desk, by: &crate::Actor) -> crate::Result<ShiftView> {
        let mut v = ShiftView::from(s);
        if s.closed.is_none() {
            v.paper_next = desk.next_paper_no(by)?;
        }
        Ok(v)
    }
}

impl From<&Shift> for ShiftView {
    fn from(s: &Shift) -> Self {
        ShiftView {
            id: s.id.to_string(),
            operator: s.operator.clone(),
            float_fen: s.float.get(),
            outage_id: s.outage_id.map(|u| u.to_string()),
            opened_at: stamp(s.opened_at),
            counted_fen: s.closed.as_ref().map(|c| c.counted.get()),
            closed_at: s.closed.as_ref().map(|c| stamp(c.closed_at)),
            paper_books: s.paper_books.iter().map(PaperBookView::from).collect(),
            paper_next: None,
        }
    }
}

/// Everything the window needs to draw its frame: station, who is logged in, the outage
/// banner, the shift in the status bar.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub station: Option<StationView>,
    pub operator: Option<OperatorView>,
    pub outage: Option<OutageView>,
    pub shift: Option<ShiftView>,
    pub catalog: CatalogStatusView,
    #[ts(type = "number")]
    pub idle_lock_minutes: i64,
    pub db_path: String,
    /// Receipts listed as not printed (未打印): their last printing did not reach the printer.
    #[ts(type = "number")]
    pub unprinted: i64,
    /// Each counter task with the refusal its key meets now (role, open shift): the window
    /// refuses at the door instead of after the form. Empty when nobody is logged in.
    pub doors: Vec<DoorView>,
    /// What the signed-in operator may do at this station (`Actor::permissions`, from
    /// `Role::may`): the window offers a menu, a key or an edit form by this list and never
    /// by the role's name. Empty when nobody is logged in.
    pub may: Vec<crate::ids::Permission>,
}

impl AppStatus {
    /// The first start: no station yet, the setup screen creates it.
    pub fn first_start(db_path: String) -> AppStatus {
        AppStatus {
            station: None,
            operator: None,
            outage: None,
            shift: None,
            catalog: CatalogStatusView {
                active: None,
                parts: vec![],
                items: 0,
                stale: false,
            },
            idle_lock_minutes: crate::setting::DEFAULT_IDLE_LOCK_MINUTES,
            db_path,
            unprinted: 0,
            doors: vec![],
            may: vec![],
        }
    }

    /// The window's frame as `session` (none: nobody signed in) sees the station now.
    pub fn of(desk: &crate::Desk, session: Option<&Actor>, db_path: String) -> crate::Result<AppStatus> {
        let shift = match session {
            Some(a) => desk
                .open_shift_of(a)?
                .map(|s| ShiftView::with_paper_next(&s, desk, a))
                .transpose()?,
            None => None,
        };
        Ok(AppStatus {
            station: desk.station()?.as_ref().map(StationView::from),
            operator: session.map(OperatorView::from),
            outage: desk.active_outage()?.as_ref().map(OutageView::from),
            shift,
            catalog: CatalogStatusView::from(&desk.catalog_status()?),
            idle_lock_minutes: desk.idle_lock_minutes()?,
            db_path,
            unprinted: match session {
                Some(a) => desk.unprinted(a)?.len() as i64,
                None => 0,
            },
            doors: match session {
                Some(a) => DoorView::list(desk.doors(a)?),
                None => vec![],
            },
            may: session.map(Actor::permissions).unwrap_or_default(),
        })
    }
}

/// A counter task and why it cannot be started now (none: it can).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DoorView {
    pub task: crate::door::Task,
    pub refusal: Option<IpcError>,
}

impl DoorView {
    pub fn list(doors: Vec<(crate::door::Task, Option<crate::CoreError>)>) -> Vec<DoorView> {
        doors
            .into_iter()
            .map(|(task, e)| DoorView {
                task,
                refusal: e.map(IpcError::from),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VerifyView {
    pub sound: bool,
    /// Entries in the file, sound or not.
    #[ts(type = "number")]
    pub entries: i64,
    /// The file's newest entry (its anchor is `head_seq:` and the hash's first 16 digits).
    #[ts(type = "number")]
    pub head_seq: i64,
    pub head_hash: String,
    /// Entries checked good from the first, before any break.
    #[ts(type = "number")]
    pub verified_entries: i64,
    #[ts(type = "number")]
    pub receipts_checked: i64,
    /// The first bad entry, where one can be named.
    #[ts(type = "number | null")]
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
    pub problem_en: Option<String>,
    pub anchors: Vec<AnchorCheckView>,
}

/// An anchor read from paper and whether the chain holds it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AnchorCheckView {
    /// `SEQ:HASHPREFIX`
    pub anchor: String,
    /// `matches`, `differs` (history rewritten) or `missing` (history cut off).
    pub found: String,
}

impl From<&VerifyReport> for VerifyView {
    fn from(r: &VerifyReport) -> Self {
        VerifyView {
            sound: r.problem.is_none(),
            entries: r.entries,
            head_seq: r.head_seq,
            head_hash: r.head_hash.clone(),
            verified_entries: r.verified_entries,
            receipts_checked: r.receipts_checked,
            broken_seq: r.problem.as_ref().and_then(|p| p.seq),
            problem: r.problem.as_ref().map(|p| p.zh.clone()),
            problem_en: r.problem.as_ref().map(|p| p.en.clone()),
            anchors: r
                .anchors
                .iter()
                .map(|a| AnchorCheckView {
                    anchor: a.anchor.to_string(),
                    found: match a.found {
                        crate::anchor::Found::Matches => "matches",
                        crate::anchor::Found::Differs => "differs",
                        crate::anchor::Found::Missing => "missing",
                    }
                    .into(),
                })
                .collect(),
        }
    }
}

/// Inputs from the window. Money arrives as integer fen, already parsed from what the person
/// typed by the UI's one yuan parser; the core checks the range.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct SetupInput {
    pub hospital: String,
    pub code: String,
    pub station_name: String,
    pub admin_name: String,
    pub admin_pin: String,
    /// `counter` (the default) or `pharmacy`.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<String>,
}

/// The setup form as `Desk::init_as` takes it: the station and its first administrator, and
/// the kind of station (`counter` when not given).
impl TryFrom<SetupInput> for (crate::station::Setup, crate::station::StationKind) {
    type Error = crate::CoreError;
    fn try_from(i: SetupInput) -> crate::Result<Self> {
        let kind = crate::station::StationKind::parse(i.kind.as_deref().unwrap_or("counter"))?;
        let setup = crate::station::Setup {
            hospital: i.hospital,
            code: i.code,
            station_name: i.station_name,
            admin_name: i.admin_name,
            admin_pin: i.admin_pin,
        };
        Ok((setup, kind))
    }
}

/// A name and PIN: a login, or a supervisor's approval given at someone else's counter.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct CredentialsInput {
    pub name: String,
    pub pin: String,
}

/// A supervisor's name and PIN from a form, carried to the core, which checks them.
impl From<CredentialsInput> for Approval {
    fn from(c: CredentialsInput) -> Self {
        Approval::Typed { name: c.name, pin: c.pin }
    }
}

/// A form's optional supervisor, for the core to check (both blank: none).
pub fn approval(c: Option<CredentialsInput>) -> Option<Approval> {
    c.map(Approval::from)
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct AddOperatorInput {
    pub name: String,
    pub role: Role,
    pub pin: String,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct StartOutageInput {
    pub reason: String,
    /// When the HIS went down, as typed (`2026-11-26 08:30` or `08:30`); empty = now.
    pub his_down_at: Option<String>,
    pub announced_by: String,
    /// Given when the logged-in operator is not a supervisor.
    pub supervisor: Option<CredentialsInput>,
}

impl TryFrom<StartOutageInput> for crate::outage::NewOutage {
    type Error = crate::CoreError;
    fn try_from(i: StartOutageInput) -> crate::Result<Self> {
        Ok(crate::outage::NewOutage {
            reason: i.reason,
            his_down_at: TypedTime::parse_opt(i.his_down_at.as_deref())?,
            announced_by: i.announced_by,
            supervisor: approval(i.supervisor),
        })
    }
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct EndOutageInput {
    pub his_up_at: Option<String>,
    pub supervisor: Option<CredentialsInput>,
    /// The supervisor confirms ending it while shifts are still open.
    #[serde(default)]
    pub with_open_shifts: bool,
}

impl TryFrom<EndOutageInput> for crate::outage::OutageClose {
    type Error = crate::CoreError;
    fn try_from(i: EndOutageInput) -> crate::Result<Self> {
        Ok(crate::outage::OutageClose {
            his_up_at: TypedTime::parse_opt(i.his_up_at.as_deref())?,
            with_open_shifts: i.with_open_shifts,
            supervisor: approval(i.supervisor),
        })
    }
}

/// The one error shape at the IPC boundary: the UI branches on `code` and shows the message
/// in its language.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: crate::error::ErrorCode,
    pub message: String,
    pub message_en: String,
}

impl From<crate::CoreError> for IpcError {
    fn from(e: crate::CoreError) -> Self {
        IpcError {
            code: e.error_code(),
            message: e.message(crate::Lang::Zh),
            message_en: e.message(crate::Lang::En),
        }
    }
}

/// 自动备份 in the settings: the folder automatic backups go to (none chosen yet) and after how
/// many receipts (and at every shift close); `written`, the first backup written when the folder
/// was just set, which proves the folder works.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupSettingView {
    pub folder: Option<String>,
    #[ts(type = "number")]
    pub every: i64,
    pub written: Option<String>,
}

impl BackupSettingView {
    /// The automatic backup setting as the window shows it.
    pub fn of(desk: &crate::store::Desk, written: Option<&crate::store::backup::Backup>) -> crate::error::Result<BackupSettingView> {
        Ok(BackupSettingView {
            folder: desk.backup_dir()?.map(|d| d.display().to_string()),
            every: desk.backup_every()?,
            written: written.map(|b| b.path.display().to_string()),
        })
    }
}
