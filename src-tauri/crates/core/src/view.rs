//! Wire types: the small, serialisable shapes that cross IPC to the UI and are printed by
//! `downtime --json`. Domain types stay free to change; these are the contract. TypeScript
//! twins are generated into `ui/src/bindings/` by `cargo test` (ts-rs) and checked in CI.
//! Money crosses as an integer number of fen in fields ending `_fen`; instants as UTC
//! RFC 3339 text.

use crate::ids::Role;
use crate::journal::VerifyReport;
use crate::operator::{Actor, Operator};
use crate::outage::Outage;
use crate::shift::Shift;
use crate::station::Station;
use crate::time::stamp;
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
        OperatorView { id: o.id.to_string(), name: o.name.clone(), role: o.role, locked_until: o.locked_until.map(stamp) }
    }
}

impl From<&Actor> for OperatorView {
    fn from(a: &Actor) -> Self {
        OperatorView { id: a.id().to_string(), name: a.name().to_string(), role: a.role(), locked_until: None }
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
    #[ts(type = "number")]
    pub idle_lock_minutes: i64,
    pub db_path: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VerifyView {
    pub sound: bool,
    #[ts(type = "number")]
    pub entries: i64,
    pub head_hash: String,
    #[ts(type = "number | null")]
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

impl From<&VerifyReport> for VerifyView {
    fn from(r: &VerifyReport) -> Self {
        VerifyView {
            sound: r.problem.is_none(),
            entries: r.entries,
            head_hash: r.head_hash.clone(),
            broken_seq: r.problem.as_ref().and_then(|p| p.seq),
            problem: r.problem.as_ref().map(|p| p.zh.clone()),
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
}

/// A name and PIN: a login, or a supervisor's approval given at someone else's counter.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct Credentials {
    pub name: String,
    pub pin: String,
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
    pub supervisor: Option<Credentials>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct EndOutageInput {
    pub his_up_at: Option<String>,
    pub supervisor: Option<Credentials>,
}

/// The one error shape at the IPC boundary: the UI branches on `code` and shows the message
/// in its language.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    pub message_en: String,
}

impl From<crate::CoreError> for IpcError {
    fn from(e: crate::CoreError) -> Self {
        IpcError {
            code: e.code().to_string(),
            message: e.message(crate::Lang::Zh),
            message_en: e.message(crate::Lang::En),
        }
    }
}
