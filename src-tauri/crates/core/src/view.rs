//! Wire types: the small, serialisable shapes that cross IPC to the UI and are printed by
//! `downtime --json`. Domain types stay free to change; these are the contract. TypeScript
//! twins are generated into `ui/src/bindings/` by `cargo test` (ts-rs) and checked in CI.
//! Money crosses as an integer number of fen in fields ending `_fen`; instants as UTC
//! RFC 3339 text.

use crate::catalog::category::FeeCategory;
use crate::catalog::read::RowProblem;
use crate::catalog::{CatalogItem, CatalogStatus, CatalogVersion, ImportReport};
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
    /// `counter` or `pharmacy`.
    pub kind: String,
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
    /// The supervisor confirms ending it while shifts are still open.
    #[serde(default)]
    pub with_open_shifts: bool,
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

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CatalogVersionView {
    pub id: String,
    pub file_name: String,
    pub sha256: String,
    /// `YYYY-MM`
    pub month: String,
    #[ts(type = "number")]
    pub rows_read: i64,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub rejected: i64,
    pub imported_by: String,
    pub imported_at: String,
    /// The part it was imported as; empty for the whole list.
    pub part: String,
}

impl From<&CatalogVersion> for CatalogVersionView {
    fn from(v: &CatalogVersion) -> Self {
        CatalogVersionView {
            id: v.id.to_string(),
            file_name: v.file_name.clone(),
            sha256: v.sha256.clone(),
            month: v.month.clone(),
            rows_read: v.rows_read,
            items: v.items,
            rejected: v.rejected,
            imported_by: v.imported_by.clone(),
            imported_at: stamp(v.imported_at),
            part: v.part.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CatalogItemView {
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    /// Exact decimal text in yuan, up to four decimals: `"0.0125"`.
    pub unit_price: String,
    /// The same price as an integer number of 1/10000 yuan.
    #[ts(type = "number")]
    pub unit_price_e4: i64,
    /// The receipt category's Chinese name, e.g. `西药费`.
    pub category: String,
    pub category_key: FeeCategory,
    pub lookup: String,
    pub insurance_class: String,
    pub is_drug: bool,
    pub version_id: String,
    /// 中药饮片: entered as a quantity per dose and a number of doses (付数).
    pub by_dose: bool,
    /// Counted in whole units only (次, 项 …, or as the price list marks it).
    pub whole: bool,
}

impl From<&CatalogItem> for CatalogItemView {
    fn from(i: &CatalogItem) -> Self {
        CatalogItemView {
            code: i.code.clone(),
            name: i.name.clone(),
            spec: i.spec.clone(),
            unit: i.unit.clone(),
            unit_price: i.price.yuan_text(),
            unit_price_e4: i.price.e4(),
            category: i.category.zh().to_string(),
            category_key: i.category,
            lookup: i.lookups.join(" "),
            insurance_class: i.insurance_class.clone(),
            is_drug: i.is_drug,
            version_id: i.version_id.to_string(),
            by_dose: i.by_dose(),
            whole: i.whole_units(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CategoryCount {
    pub category: String,
    #[ts(type = "number")]
    pub items: u64,
}

/// What an import or a dry run found: counts, each bad row with its number and reason.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportReportView {
    pub file_name: String,
    pub sha256: String,
    pub month: String,
    pub format: String,
    pub encoding: String,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub good: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    pub problems: Vec<RowProblem>,
    pub by_category: Vec<CategoryCount>,
    pub version: Option<CatalogVersionView>,
    pub already_imported: bool,
    /// The version (this file's, imported before) is in force; else `catalog activate` puts it back.
    pub in_force: bool,
    /// The part this file is (empty: the whole list).
    pub part: String,
    /// What importing puts out of force, and how many items that has.
    pub replaces: Vec<CatalogVersionView>,
    #[ts(type = "number")]
    pub replaced_items: i64,
    /// Fewer than half the items of what it replaces: importing needs a confirmation.
    pub shrinks: bool,
    /// Codes of this file that another part in force has (importing is refused).
    pub conflicts: Vec<CodeConflictView>,
    /// Registration types whose fee codes the price list would then lack.
    pub reg_types_missing: Vec<RegTypeMissingView>,
}

/// A code in this file and in another part in force.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodeConflictView {
    pub code: String,
    pub part: String,
}

/// `downtime catalog activate --json`: the version put back in force and what that changed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivationView {
    pub version: CatalogVersionView,
    pub part: String,
    pub replaces: Vec<CatalogVersionView>,
    #[ts(type = "number")]
    pub replaced_items: i64,
    pub reg_types_missing: Vec<RegTypeMissingView>,
}

fn missing_view(change: &crate::catalog::parts::Change) -> Vec<RegTypeMissingView> {
    change
        .reg_types_missing
        .iter()
        .map(|(t, codes)| RegTypeMissingView {
            key: t.key.clone(),
            name: t.name.clone(),
            codes: codes.clone(),
        })
        .collect()
}

impl ActivationView {
    pub fn new(version: &CatalogVersion, change: &crate::catalog::parts::Change) -> Self {
        ActivationView {
            version: CatalogVersionView::from(version),
            part: change.part.clone(),
            replaces: change.replaces.iter().map(CatalogVersionView::from).collect(),
            replaced_items: change.replaced_items,
            reg_types_missing: missing_view(change),
        }
    }
}

/// A registration type a price list would leave without some of its fee items.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegTypeMissingView {
    pub key: String,
    pub name: String,
    pub codes: Vec<String>,
}

impl From<&ImportReport> for ImportReportView {
    fn from(r: &ImportReport) -> Self {
        ImportReportView {
            file_name: r.file_name.clone(),
            sha256: r.sha256.clone(),
            month: r.month.clone(),
            format: r.format.to_string(),
            encoding: r.encoding.to_string(),
            rows_read: r.rows_read as u64,
            good: r.good as u64,
            duplicates: r.duplicates as u64,
            problems: r.problems.clone(),
            by_category: r
                .by_category
                .iter()
                .map(|(c, n)| CategoryCount {
                    category: c.zh().to_string(),
                    items: *n as u64,
                })
                .collect(),
            version: r.version.as_ref().map(CatalogVersionView::from),
            already_imported: r.already_imported,
            in_force: r.in_force,
            part: r.change.part.clone(),
            replaces: r.change.replaces.iter().map(CatalogVersionView::from).collect(),
            replaced_items: r.change.replaced_items,
            shrinks: r.change.shrinks,
            conflicts: r
                .change
                .conflicts
                .iter()
                .map(|(code, part)| CodeConflictView {
                    code: code.clone(),
                    part: part.clone(),
                })
                .collect(),
            reg_types_missing: missing_view(&r.change),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CatalogStatusView {
    /// The version activated last.
    pub active: Option<CatalogVersionView>,
    /// Every part in force (one for a list kept whole).
    pub parts: Vec<CatalogVersionView>,
    /// Items in force, all parts together.
    #[ts(type = "number")]
    pub items: i64,
    /// A part is older than 35 days or from a month before last: the charging screen warns.
    pub stale: bool,
}

impl From<&CatalogStatus> for CatalogStatusView {
    fn from(s: &CatalogStatus) -> Self {
        CatalogStatusView {
            active: s.active.as_ref().map(CatalogVersionView::from),
            parts: s.parts.iter().map(CatalogVersionView::from).collect(),
            items: s.parts.iter().map(|p| p.items).sum(),
            stale: s.stale,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PatientView {
    /// The record's UUID (a snapshot patient's own id until registered here).
    pub id: String,
    pub source: crate::patient::Source,
    /// 停机号, e.g. `DT-MZ01-000123`; null for an HIS patient not yet registered here.
    pub downtime_no: Option<String>,
    pub name: String,
    pub sex: crate::patient::Sex,
    /// `YYYY-MM-DD`
    pub birth: Option<String>,
    #[ts(type = "number | null")]
    pub age: Option<i64>,
    pub id_number: Option<String>,
    pub id_old_style: bool,
    pub phone: String,
    /// 住址, as the form has it (the correction form starts from it).
    pub address: String,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    pub his_id: Option<String>,
}

impl From<&crate::patient::Patient> for PatientView {
    fn from(p: &crate::patient::Patient) -> Self {
        PatientView {
            id: p.id.to_string(),
            source: p.source,
            downtime_no: p.downtime_no.clone(),
            name: p.name.clone(),
            sex: p.sex,
            birth: p.birth.map(|b| b.to_string()),
            age: p.age_on(chrono::Local::now().date_naive()),
            id_number: p.id_number.clone(),
            id_old_style: p.id_old_style,
            phone: p.phone.clone(),
            address: p.address.clone(),
            insurance: p.insurance,
            insurance_no: p.insurance_no.clone(),
            his_id: p.his_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepartmentView {
    pub code: String,
    pub name: String,
    pub kind: crate::registration::DeptKind,
    pub doctors: Vec<String>,
}

impl From<&crate::registration::Department> for DepartmentView {
    fn from(d: &crate::registration::Department) -> Self {
        DepartmentView {
            code: d.code.clone(),
            name: d.name.clone(),
            kind: d.kind,
            doctors: d.doctors.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegistrationView {
    pub id: String,
    pub patient_id: String,
    pub downtime_no: String,
    pub patient_name: String,
    /// Department code.
    pub dept: String,
    pub dept_name: String,
    pub doctor: String,
    /// The registration type's key, and its name when registered.
    pub reg_type: String,
    pub reg_type_name: String,
    pub visit_date: String,
    #[ts(type = "number")]
    pub queue_no: i64,
    /// The fee (0 for a type without fees).
    #[ts(type = "number")]
    pub total_fen: i64,
    pub fee_items: Vec<crate::registration::FeeItem>,
    /// The receipt that paid the fee; null for a type without fees.
    pub receipt_no: Option<String>,
    #[ts(type = "number")]
    pub change_fen: i64,
    pub occurred_at: String,
    pub back_entered: bool,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    /// 退号 of a paid registration: the refund voucher and what it paid back.
    pub refund_receipt_no: Option<String>,
    #[ts(type = "number")]
    pub refund_fen: i64,
}

impl From<&crate::registration::Registration> for RegistrationView {
    fn from(r: &crate::registration::Registration) -> Self {
        let refund = r.cancelled.as_ref().and_then(|c| c.refund.clone());
        RegistrationView {
            id: r.id.to_string(),
            patient_id: r.patient_id.to_string(),
            downtime_no: r.downtime_no.clone(),
            patient_name: r.patient_name.clone(),
            dept: r.dept_code.clone(),
            dept_name: r.dept_name.clone(),
            doctor: r.doctor.clone(),
            reg_type: r.reg_type.clone(),
            reg_type_name: r.reg_type_name.clone(),
            visit_date: r.visit_date.to_string(),
            queue_no: r.queue_no,
            total_fen: r.fee.get(),
            fee_items: r.fee_items.clone(),
            receipt_no: r.fee_receipt.clone(),
            change_fen: r.change.get(),
            occurred_at: stamp(r.occurred_at),
            back_entered: r.back_entered,
            cancelled: r.cancelled.is_some(),
            cancel_reason: r.cancelled.as_ref().map(|c| c.reason.clone()),
            refund_fen: refund.as_ref().map(|(_, f)| f.get()).unwrap_or(0),
            refund_receipt_no: refund.map(|(no, _)| no),
        }
    }
}

/// What `downtime registration cancel --json` prints: the refund voucher (`receipt_no`) and
/// what it paid back, beside the registration as it now stands.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegistrationCancelView {
    pub id: String,
    #[ts(type = "number")]
    pub queue_no: i64,
    /// The refund voucher; null when the registration had no fee.
    pub receipt_no: Option<String>,
    #[ts(type = "number")]
    pub refund_fen: i64,
    pub supervisor: Option<String>,
    pub registration: RegistrationView,
}

impl From<&crate::registration::Registration> for RegistrationCancelView {
    fn from(r: &crate::registration::Registration) -> Self {
        let view = RegistrationView::from(r);
        RegistrationCancelView {
            id: view.id.clone(),
            queue_no: view.queue_no,
            receipt_no: view.refund_receipt_no.clone(),
            refund_fen: view.refund_fen,
            supervisor: r.cancelled.as_ref().and_then(|c| c.supervisor.clone()),
            registration: view,
        }
    }
}

/// One fee item of a registration type, as the active price list prices it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegFeeItemView {
    pub code: String,
    /// Empty when the active price list has no such item.
    pub name: String,
    /// Exact decimal text in yuan; null when the item is missing.
    pub unit_price: Option<String>,
    pub category: Option<String>,
    pub missing: bool,
}

/// A registration type (号别) with its fee items by code.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegTypeView {
    pub key: String,
    pub name: String,
    pub active: bool,
    pub fee_items: Vec<RegFeeItemView>,
    /// The fee; null while a fee item is missing from the active price list.
    #[ts(type = "number | null")]
    pub total_fen: Option<i64>,
    pub missing_codes: Vec<String>,
}

impl From<&crate::registration::fees::RegTypeFees> for RegTypeView {
    fn from(f: &crate::registration::fees::RegTypeFees) -> Self {
        RegTypeView {
            key: f.reg_type.key.clone(),
            name: f.reg_type.name.clone(),
            active: f.reg_type.active,
            fee_items: f
                .items
                .iter()
                .map(|(code, item)| RegFeeItemView {
                    code: code.clone(),
                    name: item.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
                    unit_price: item.as_ref().map(|i| i.price.yuan_text()),
                    category: item.as_ref().map(|i| i.category.zh().to_string()),
                    missing: item.is_none(),
                })
                .collect(),
            total_fen: f.total().map(|t| t.get()),
            missing_codes: f.missing().into_iter().map(String::from).collect(),
        }
    }
}

/// A registration type as edited in settings.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RegTypeInput {
    pub key: String,
    pub name: String,
    pub fee_codes: Vec<String>,
    pub active: bool,
}

/// The new-patient form.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct NewPatientInput {
    pub name: String,
    /// `M`, `F` or `U`
    pub sex: String,
    pub birth: Option<String>,
    #[ts(type = "number | null")]
    pub age: Option<i64>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    pub confirm_duplicate: bool,
    pub confirm_id_mismatch: bool,
}

impl From<NewPatientInput> for crate::patient::NewPatient {
    fn from(i: NewPatientInput) -> Self {
        crate::patient::NewPatient {
            name: i.name,
            sex: i.sex,
            birth: i.birth,
            age: i.age,
            id_number: i.id_number,
            phone: i.phone,
            address: i.address,
            insurance: i.insurance,
            insurance_no: i.insurance_no,
            confirm_duplicate: i.confirm_duplicate,
            confirm_id_mismatch: i.confirm_id_mismatch,
        }
    }
}

/// The registration form with its payment.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RegisterInput {
    /// Made when the form started; a retry with the same id finds the registration made.
    pub id: String,
    /// Downtime number or HIS ID.
    pub patient: String,
    pub dept: String,
    /// The registration type's key.
    pub reg_type: String,
    pub doctor: Option<String>,
    /// Back-entry: when the visit really happened, as typed; absent for now.
    pub back_entered_at: Option<String>,
    /// Empty for a type without fees.
    pub tenders: Vec<TenderInputView>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    /// Charged as insured (the default shown for a patient with insurance on file).
    pub insured: bool,
    /// Why an insured patient pays as self-pay (needed then).
    pub self_pay_reason: Option<String>,
}

/// 退号 from the registration screen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct CancelRegistrationInput {
    pub id: String,
    pub reason: String,
    /// Needed when the fee is refunded.
    pub supervisor: Option<Credentials>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SnapshotReportView {
    pub file_name: String,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub good: u64,
    /// The first bad rows (at most 1000), each with its reason.
    pub problems: Vec<RowProblem>,
    /// Every bad row, counted (more than `problems` holds when the file has over 1000).
    #[ts(type = "number")]
    pub problems_total: u64,
    pub already_imported: bool,
    #[ts(type = "number | null")]
    pub patients: Option<i64>,
}

/// How far an import is (`patients-progress` events): bytes while reading the file, records
/// while writing the search index.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProgressView {
    pub stage: crate::catalog::stream::ImportStage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl From<&crate::patient::snapshot::SnapshotReport> for SnapshotReportView {
    fn from(r: &crate::patient::snapshot::SnapshotReport) -> Self {
        SnapshotReportView {
            file_name: r.file_name.clone(),
            rows_read: r.rows_read as u64,
            good: r.good as u64,
            problems: r.problems.clone(),
            problems_total: r.problems_total as u64,
            already_imported: r.already_imported,
            patients: r.snapshot.as_ref().map(|s| s.patients),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReceiptLineView {
    #[ts(type = "number")]
    pub line_no: i64,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    /// Exact decimal text, up to three decimals: `"2"`, `"0.5"`.
    pub qty: String,
    /// Exact decimal text in yuan, up to four decimals.
    pub unit_price: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub category: String,
    pub is_drug: bool,
    /// A line outside the price list, approved by a supervisor.
    pub free_text: bool,
    pub free_reason: String,
    #[ts(type = "number | null")]
    pub refunds_line: Option<i64>,
    /// 医保类别 as printed (甲, 乙, 丙, 自付10%); empty when the list gave none.
    pub insurance_class: String,
    /// 付数 of a herbal line; `per_dose` is then its quantity per dose (`qty` = per_dose × doses).
    #[ts(type = "number | null")]
    pub doses: Option<i64>,
    pub per_dose: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TenderView {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    #[ts(type = "number | null")]
    pub tendered_fen: Option<i64>,
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SubtotalView {
    pub category: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReceiptView {
    pub id: String,
    pub receipt_no: String,
    pub kind: crate::charge::ReceiptKind,
    pub patient_id: String,
    pub patient_name: String,
    pub downtime_no: Option<String>,
    pub department: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    /// The total with the direction of the money: negative for refunds and deposit refunds.
    #[ts(type = "number")]
    pub signed_total_fen: i64,
    /// 大写: the total in Chinese capital numerals.
    pub total_capitals: String,
    #[ts(type = "number")]
    pub change_fen: i64,
    pub lines: Vec<ReceiptLineView>,
    pub subtotals: Vec<SubtotalView>,
    pub tenders: Vec<TenderView>,
    pub insured: bool,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    /// `YYYY-MM-DD`: re-settlement under insurance due by (insured only).
    pub resettle_due: Option<String>,
    /// `YYYY-MM-DD`: exchange of the manual receipt for a computer invoice due by.
    pub exchange_due: Option<String>,
    /// The due dates were counted Monday to Friday: the year's holiday schedule is missing.
    pub due_provisional: bool,
    pub paper_no: Option<String>,
    pub refund_of: Option<String>,
    #[ts(type = "number")]
    pub refunded_fen: i64,
    pub reason: String,
    pub supervisor: Option<String>,
    pub drug_return_by: Option<String>,
    pub voided: bool,
    pub void_reason: Option<String>,
    pub cashier: String,
    pub occurred_at: String,
    pub back_entered: bool,
    pub qr_payload: String,
    /// 退费 may be offered: a charge receipt, not voided, not wholly refunded.
    pub refundable: bool,
    /// 作废 may be offered: not voided, not a refund, nothing refunded (the shift is checked
    /// on confirm).
    pub voidable: bool,
    /// A refund paid back (some of it) another way than the money came: why.
    pub pay_back_reason: Option<String>,
    /// 交款人 of a deposit paid by a relative.
    pub payer: Option<PayerView>,
}

impl From<&crate::charge::Receipt> for ReceiptView {
    fn from(r: &crate::charge::Receipt) -> Self {
        ReceiptView {
            id: r.id.to_string(),
            receipt_no: r.receipt_no.clone(),
            kind: r.kind,
            patient_id: r.patient.id.to_string(),
            patient_name: r.patient.name.clone(),
            downtime_no: r.patient.downtime_no.clone(),
            department: r.department.clone(),
            total_fen: r.total.get(),
            signed_total_fen: r.signed_total(),
            total_capitals: r.total.capitals(),
            change_fen: r.change.get(),
            lines: r
                .lines
                .iter()
                .map(|l| ReceiptLineView {
                    line_no: l.line_no,
                    code: l.code.clone(),
                    name: l.name.clone(),
                    spec: l.spec.clone(),
                    unit: l.unit.clone(),
                    qty: l.qty.text(),
                    unit_price: l.unit_price.yuan_text(),
                    amount_fen: l.amount.get(),
                    category: l.category.zh().to_string(),
                    is_drug: l.is_drug,
                    free_text: l.free_text,
                    free_reason: l.free_reason.clone(),
                    refunds_line: l.refunds_line,
                    insurance_class: l.insurance_class.clone(),
                    doses: l.doses,
                    per_dose: l.doses.map(|_| l.per_dose().text()),
                })
                .collect(),
            subtotals: r
                .subtotals()
                .into_iter()
                .map(|(c, f)| SubtotalView {
                    category: c.zh().to_string(),
                    amount_fen: f.get(),
                })
                .collect(),
            tenders: r
                .tenders
                .iter()
                .map(|t| TenderView {
                    method: t.method,
                    amount_fen: t.amount.get(),
                    tendered_fen: t.tendered.map(|f| f.get()),
                    reference: t.reference.clone(),
                })
                .collect(),
            insured: r.insured,
            insurance: r.insurance,
            insurance_no: r.insurance_no.clone(),
            resettle_due: r.resettle_due.map(|d| d.date.to_string()),
            exchange_due: r.exchange_due.map(|d| d.date.to_string()),
            due_provisional: r.exchange_due.is_some_and(|d| d.provisional),
            paper_no: r.paper_no.clone(),
            refund_of: r.refund_of.clone(),
            refunded_fen: r.refunded.get(),
            reason: r.reason.clone(),
            supervisor: r.supervisor.clone(),
            drug_return_by: r.drug_return_by.clone(),
            voided: r.voided.is_some(),
            void_reason: r.voided.as_ref().map(|v| v.reason.clone()),
            cashier: r.cashier.clone(),
            occurred_at: stamp(r.occurred_at),
            back_entered: r.back_entered,
            qr_payload: r.qr_payload.clone(),
            refundable: r.kind == crate::charge::ReceiptKind::Charge && r.voided.is_none() && r.refunded < r.total,
            voidable: r.voided.is_none()
                && !matches!(
                    r.kind,
                    crate::charge::ReceiptKind::Refund | crate::charge::ReceiptKind::DepositRefund
                )
                && r.refunded == crate::Fen::ZERO,
            pay_back_reason: r.pay_back_reason.clone(),
            payer: r.payer.as_ref().map(|p| PayerView {
                name: p.name.clone(),
                relation: p.relation.clone(),
                phone: p.phone.clone(),
            }),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AdmissionView {
    pub id: String,
    /// 住院号, e.g. `ZY-RY01-000045`.
    pub inpatient_no: String,
    pub patient_id: String,
    pub patient_name: String,
    pub downtime_no: String,
    pub dept: String,
    pub dept_name: String,
    pub ward: String,
    pub bed: String,
    pub doctor: String,
    pub diagnosis: String,
    pub admitted_at: String,
    pub insurance: crate::patient::Insurance,
    pub insurance_no: String,
    /// Declared insured, admitted as self-pay: to convert after recovery.
    pub convert_to_insured: bool,
    pub back_entered: bool,
    pub cancelled: bool,
    pub clerk: String,
}

impl From<&crate::admission::Admission> for AdmissionView {
    fn from(a: &crate::admission::Admission) -> Self {
        AdmissionView {
            id: a.id.to_string(),
            inpatient_no: a.inpatient_no.clone(),
            patient_id: a.patient_id.to_string(),
            patient_name: a.patient_name.clone(),
            downtime_no: a.downtime_no.clone(),
            dept: a.dept_code.clone(),
            dept_name: a.dept_name.clone(),
            ward: a.ward.clone(),
            bed: a.bed.clone(),
            doctor: a.doctor.clone(),
            diagnosis: a.diagnosis.clone(),
            admitted_at: stamp(a.admitted_at),
            insurance: a.insurance,
            insurance_no: a.insurance_no.clone(),
            convert_to_insured: a.convert_to_insured,
            back_entered: a.back_entered,
            cancelled: a.cancelled.is_some(),
            clerk: a.clerk.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositAccountView {
    pub admission: AdmissionView,
    /// Deposits, top-ups and refunds, oldest first (voided deposits included, marked).
    pub movements: Vec<DepositMovementView>,
    #[ts(type = "number")]
    pub balance_fen: i64,
}

/// One movement of a deposit account: its receipt (whose `signed_total_fen` is the amount
/// with the sign it has on the account, a refund negative) and what it is (预交, 补交, 退款).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositMovementView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub receipt: ReceiptView,
    pub movement: crate::admission::MovementKind,
}

impl From<&crate::admission::DepositAccount> for DepositAccountView {
    fn from(d: &crate::admission::DepositAccount) -> Self {
        DepositAccountView {
            admission: AdmissionView::from(&d.admission),
            movements: d
                .movements
                .iter()
                .zip(d.movement_kinds())
                .map(|(m, movement)| DepositMovementView {
                    receipt: ReceiptView::from(m),
                    movement,
                })
                .collect(),
            balance_fen: d.balance.get(),
        }
    }
}

/// A line of a draft charge as the window holds it: a catalog code and the quantity typed,
/// or an item outside the price list (name, unit price typed in yuan, category, reason).
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DraftLine {
    pub code: Option<String>,
    /// As typed: up to three decimals; for a herbal line, the quantity per dose.
    pub qty: String,
    /// 付数 of a herbal line, as typed.
    pub doses: Option<String>,
    pub free_name: Option<String>,
    pub free_unit: Option<String>,
    /// As typed, in yuan, up to four decimals.
    pub free_unit_price: Option<String>,
    pub free_category: Option<crate::catalog::category::FeeCategory>,
    pub free_reason: Option<String>,
}

impl DraftLine {
    pub fn to_input(&self) -> crate::Result<crate::charge::LineInput> {
        use crate::catalog::price::{Quantity, UnitPrice};
        let qty = Quantity::parse(&self.qty)?;
        let doses = self.doses.as_deref().map(str::trim).filter(|d| !d.is_empty());
        Ok(match (&self.code, &self.free_name) {
            (Some(code), _) if !code.trim().is_empty() => match doses {
                Some(d) => crate::charge::LineInput::Herbal {
                    code: code.clone(),
                    per_dose: qty,
                    doses: parse_doses(d)?,
                },
                None => crate::charge::LineInput::Item { code: code.clone(), qty },
            },
            _ => crate::charge::LineInput::FreeText {
                name: self.free_name.clone().unwrap_or_default(),
                unit: self.free_unit.clone().unwrap_or_default(),
                unit_price: UnitPrice::parse(self.free_unit_price.as_deref().unwrap_or(""))?,
                qty,
                category: self.free_category.unwrap_or(crate::catalog::category::FeeCategory::Other),
                reason: self.free_reason.clone().unwrap_or_default(),
            },
        })
    }
}

/// The payment panel's choice as the core takes it: insured, or self-pay with the reason
/// typed (an insured patient without one is refused by the core).
pub fn payer_of(insured: bool, self_pay_reason: Option<String>) -> crate::charge::Payer {
    if insured {
        crate::charge::Payer::Insured
    } else {
        crate::charge::Payer::SelfPay(self_pay_reason.unwrap_or_default())
    }
}

/// 付数 as typed: a whole number.
pub fn parse_doses(text: &str) -> crate::Result<i64> {
    text.trim().parse::<i64>().ok().filter(|d| *d > 0).ok_or_else(|| {
        crate::error::CoreError::invalid(
            crate::error::ErrorCode::DosesInvalid,
            format!("付数“{text}”无效：应为 1 到 {} 的整数", crate::charge::MAX_DOSES),
            format!(
                "Invalid number of doses \"{text}\": a whole number from 1 to {}",
                crate::charge::MAX_DOSES
            ),
        )
    })
}

/// A tender from the payment panel; money as integer fen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct TenderInputView {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub reference: String,
}

impl TenderInputView {
    pub fn to_input(&self) -> crate::Result<crate::receipt::tender::TenderInput> {
        Ok(crate::receipt::tender::TenderInput {
            method: self.method,
            amount: crate::Fen::new(self.amount_fen)?,
            reference: self.reference.clone(),
        })
    }
}

/// A draft priced by the core: what the charging screen shows while lines are entered.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PricedDraftView {
    pub lines: Vec<ReceiptLineView>,
    pub subtotals: Vec<SubtotalView>,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub total_capitals: String,
    /// The re-settlement / exchange due date if paid today.
    pub due_if_paid_today: Option<String>,
    pub due_provisional: bool,
}

impl From<&crate::charge::PricedDraft> for PricedDraftView {
    fn from(d: &crate::charge::PricedDraft) -> Self {
        let view = ReceiptView::from(&crate::charge::draft_receipt(d.lines.clone(), d.total));
        PricedDraftView {
            lines: view.lines,
            subtotals: view.subtotals,
            total_fen: d.total.get(),
            total_capitals: d.total.capitals(),
            due_if_paid_today: Some(d.due_if_paid_today.date.to_string()),
            due_provisional: d.due_if_paid_today.provisional,
        }
    }
}

/// The payment panel's confirm.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct PayInput {
    /// Made when the draft started; a retry with the same id returns the same receipt.
    pub id: String,
    pub patient: String,
    pub visit: Option<String>,
    pub lines: Vec<DraftLine>,
    pub tenders: Vec<TenderInputView>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    /// Charged as insured (the default shown for a patient with insurance on file).
    pub insured: bool,
    /// Why an insured patient pays as self-pay (needed then).
    pub self_pay_reason: Option<String>,
    pub paper_no: Option<String>,
    pub back_entered_at: Option<String>,
    /// Needed for lines outside the price list.
    pub supervisor: Option<Credentials>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RefundLineInput {
    #[ts(type = "number")]
    pub line_no: i64,
    pub qty: String,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct RefundInputView {
    pub id: String,
    pub receipt_no: String,
    /// Empty: the whole receipt.
    pub lines: Vec<RefundLineInput>,
    pub reason: String,
    /// Empty: back the way the money came (原路退回).
    pub tenders: Vec<TenderInputView>,
    /// Why the money goes back another way (needed then, printed on the voucher).
    pub pay_back_reason: Option<String>,
    pub drug_return_by: Option<String>,
    pub supervisor: Credentials,
}

/// A receipt listed as not printed (未打印): its last printing did not reach the printer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UnprintedView {
    pub receipt_no: String,
    pub kind: crate::charge::ReceiptKind,
    pub patient_name: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub issued_at: String,
    /// The printing that failed was a 副本 (the receipt had been printed before); printed
    /// again it is a copy too. Otherwise it prints as the original.
    pub copy: bool,
    pub printer: String,
    pub problem: String,
    pub tried_at: String,
    /// Printings of it that did not reach the printer.
    #[ts(type = "number")]
    pub attempts: i64,
}

impl From<&crate::charge::printed::Unprinted> for UnprintedView {
    fn from(u: &crate::charge::printed::Unprinted) -> Self {
        UnprintedView {
            receipt_no: u.receipt.receipt_no.clone(),
            kind: u.receipt.kind,
            patient_name: u.receipt.patient.name.clone(),
            total_fen: u.receipt.total.get(),
            issued_at: stamp(u.receipt.occurred_at),
            copy: u.copy,
            printer: u.printer.clone(),
            problem: u.problem.clone(),
            tried_at: stamp(u.tried_at),
            attempts: u.attempts,
        }
    }
}

/// What printing did: the receipt is committed before it prints, so a printer failure loses
/// nothing; the PDF is always saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PrintResultView {
    pub receipt_no: String,
    pub pdf_path: String,
    pub sent_to_printer: bool,
    /// Why it was not printed, in both languages, when it was not.
    pub problem: Option<String>,
    pub problem_en: Option<String>,
    pub copy: bool,
}

impl PrintResultView {
    /// What printing `receipt_no` (empty for a document that is not a receipt) did.
    pub fn of(receipt_no: String, p: &crate::charge::print::Printed) -> PrintResultView {
        PrintResultView {
            receipt_no,
            pdf_path: p.pdf_path.display().to_string(),
            sent_to_printer: p.sent_to_printer,
            problem: p.problem.as_ref().map(|x| x.0.clone()),
            problem_en: p.problem.as_ref().map(|x| x.1.clone()),
            copy: p.copy,
        }
    }
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct AdmitInput {
    pub patient: String,
    pub dept: String,
    pub ward: Option<String>,
    pub bed: Option<String>,
    pub doctor: Option<String>,
    pub diagnosis: Option<String>,
    pub insurance: Option<String>,
    pub insurance_no: Option<String>,
    pub confirm_second: bool,
    pub back_entered_at: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepositInputView {
    pub id: String,
    pub inpatient_no: String,
    pub tenders: Vec<TenderInputView>,
    #[ts(type = "number | null")]
    pub cash_tendered_fen: Option<i64>,
    pub back_entered_at: Option<String>,
    /// 交款人 when a relative pays: name (empty: the patient pays), relationship, phone.
    #[serde(default)]
    pub payer: Option<PayerView>,
}

/// Who paid a deposit for the patient.
#[derive(Debug, Clone, serde::Deserialize, Serialize, TS)]
#[ts(export)]
pub struct PayerView {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepositRefundInputView {
    pub id: String,
    pub inpatient_no: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    /// Empty: back the way the deposits came (原路退回).
    pub tenders: Vec<TenderInputView>,
    pub reason: String,
    /// Why the money goes back another way (needed then, printed on the voucher).
    pub pay_back_reason: Option<String>,
    pub supervisor: Credentials,
}

/// A scanned receipt code, verified.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodeCheckView {
    /// What the paper is: as signed in the code, or from this station's records for a code
    /// printed before kinds were signed; none when neither says.
    pub kind: Option<crate::charge::ReceiptKind>,
    /// The signature checked (a code that fails is an error, never a view).
    pub valid: bool,
    /// The journal position the paper was issued on (`SEQ:HASH16`), held against this
    /// station's chain; none on a paper printed before anchors.
    pub anchor: Option<String>,
    /// On the issuing station: `valid`, `voided`, `partly_refunded` or `refunded`.
    pub state: Option<String>,
    pub station: String,
    pub receipt_no: String,
    #[ts(type = "number")]
    pub total_fen: i64,
    pub issued_at: String,
    pub on_record: bool,
    pub voided: bool,
    #[ts(type = "number")]
    pub refunded_fen: i64,
}

impl CodeCheckView {
    /// What `receipt check` and the window's scan say of a checked code and the record of it.
    pub fn of(checked: &crate::receipt::qr::Checked, record: Option<&crate::charge::Receipt>) -> CodeCheckView {
        CodeCheckView {
            kind: checked.kind.or(record.map(|r| r.kind)),
            valid: true,
            anchor: checked.anchor.as_ref().map(|a| a.to_string()),
            state: record.map(|r| crate::receipt::qr::state(r).to_string()),
            station: checked.station.clone(),
            receipt_no: checked.receipt_no.clone(),
            total_fen: checked.total.get(),
            issued_at: crate::time::stamp(checked.issued),
            on_record: record.is_some(),
            voided: record.is_some_and(|r| r.voided.is_some()),
            refunded_fen: record.map(|r| r.refunded.get()).unwrap_or(0),
        }
    }
}

/// One department as edited on the settings screen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    pub kind: crate::registration::DeptKind,
    pub doctors: Vec<String>,
    pub active: bool,
}

/// 找零, live while the cash handed over is typed: the change, or what is still missing.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CashChangeView {
    #[ts(type = "number | null")]
    pub change_fen: Option<i64>,
    #[ts(type = "number | null")]
    pub short_fen: Option<i64>,
}

impl From<crate::receipt::tender::CashChange> for CashChangeView {
    fn from(c: crate::receipt::tender::CashChange) -> Self {
        use crate::receipt::tender::CashChange::*;
        match c {
            Change(f) => CashChangeView {
                change_fen: Some(f.get()),
                short_fen: None,
            },
            Short(f) => CashChangeView {
                change_fen: None,
                short_fen: Some(f.get()),
            },
        }
    }
}

/// A line of a refund preview: the line as charged, what is left of it, what this refund takes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RefundPreviewLineView {
    #[ts(type = "number")]
    pub line_no: i64,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub is_drug: bool,
    /// Quantity paid on the receipt.
    pub paid_qty: String,
    /// Quantity not yet refunded ("0" when the line is done).
    pub left_qty: String,
    #[ts(type = "number")]
    pub left_fen: i64,
    /// Refunded now; null when the line is not marked.
    pub qty: Option<String>,
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// 退费预览: the refund's lines, total and how it goes back, before it is confirmed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RefundPreviewView {
    pub receipt_no: String,
    pub lines: Vec<RefundPreviewLineView>,
    #[ts(type = "number")]
    pub total_fen: i64,
    /// How the money goes back, each part marked when it is not the way the money came.
    pub pay_back: Vec<PayBackView>,
    /// The ways the money came in, with what is left on each (原支付方式).
    pub channels: Vec<ChannelView>,
}

/// One part of a refund's way back.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PayBackView {
    pub method: crate::receipt::tender::Method,
    #[ts(type = "number")]
    pub amount_fen: i64,
    pub reference: String,
    /// Not the way the money came: the refund needs a reason, printed on the voucher.
    pub other_way: bool,
}

/// One way the money came in (原支付方式): cash together, or one card / transaction.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChannelView {
    pub method: crate::receipt::tender::Method,
    pub reference: String,
    #[ts(type = "number")]
    pub paid_fen: i64,
    /// What may still go back on it.
    #[ts(type = "number")]
    pub left_fen: i64,
}

/// The views of a way back and of the channels it was worked out from.
pub fn pay_back_views(
    way: &crate::charge::payback::PayBack,
    channels: &[crate::charge::payback::Channel],
) -> (Vec<PayBackView>, Vec<ChannelView>) {
    (
        way.tenders
            .iter()
            .enumerate()
            .map(|(i, t)| PayBackView {
                method: t.method,
                amount_fen: t.amount.get(),
                reference: t.reference.clone(),
                other_way: way.other_way.contains(&i),
            })
            .collect(),
        channels
            .iter()
            .map(|c| ChannelView {
                method: c.method,
                reference: c.reference.clone(),
                paid_fen: c.paid.get(),
                left_fen: c.left.get(),
            })
            .collect(),
    )
}

impl From<&crate::charge::correction::RefundPreview> for RefundPreviewView {
    fn from(p: &crate::charge::correction::RefundPreview) -> Self {
        RefundPreviewView {
            receipt_no: p.receipt_no.clone(),
            lines: p
                .lines
                .iter()
                .map(|l| RefundPreviewLineView {
                    line_no: l.left.line.line_no,
                    name: l.left.line.name.clone(),
                    spec: l.left.line.spec.clone(),
                    unit: l.left.line.unit.clone(),
                    is_drug: l.left.line.is_drug,
                    paid_qty: l.left.line.qty.text(),
                    left_qty: crate::catalog::price::Quantity::from_milli(l.left.qty_left)
                        .map(|q| q.text())
                        .unwrap_or_else(|_| "0".into()),
                    left_fen: l.left.amount_left.get(),
                    qty: l.qty.map(|q| q.text()),
                    amount_fen: l.amount.get(),
                })
                .collect(),
            total_fen: p.total.get(),
            pay_back: pay_back_views(&p.pay_back, &p.channels).0,
            channels: pay_back_views(&p.pay_back, &p.channels).1,
        }
    }
}

/// 退预交金预览: the balance now and after the refund being typed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DepositRefundPreviewView {
    #[ts(type = "number")]
    pub balance_fen: i64,
    #[ts(type = "number")]
    pub balance_after_fen: i64,
    /// How the refund goes back (the way the deposits came unless another is chosen).
    pub pay_back: Vec<PayBackView>,
    /// The ways the deposits came in, with what is left on each.
    pub channels: Vec<ChannelView>,
}
