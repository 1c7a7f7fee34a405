//! shifts.csv and outage.csv, written at the end of the batch from the shifts and outages
//! its entries opened or closed (they are few, so they are kept until then).

use super::columns::{OUTAGES_COLUMNS, SHIFTS_HEAD_COLUMNS, SHIFTS_TAIL_COLUMNS};
use super::{OUTAGES, SHIFTS};
use crate::batch::FileEntry;
use crate::error::Result;
use crate::export::csv::{Cell, Cell::*, CsvFile};
use crate::export::labels::local;
use crate::export::lookup::{i, s, Lookup, Row};
use crate::operator::Actor;
use crate::store::Desk;
use std::path::Path;

/// shifts.csv: each shift opened or closed in the batch, with the handover sheet's figures
/// (from `report`, the one derivation of them) once it is closed. A shift still open at the
/// end of the batch gets its figures in the batch that holds its close.
pub(super) fn write_shifts(
    dir: &Path,
    lk: &Lookup<'_>,
    desk: &Desk,
    by: &Actor,
    shifts: &[(String, Option<Row>, Option<Row>)],
) -> Result<FileEntry> {
    let mut headers = SHIFTS_HEAD_COLUMNS.to_vec();
    let methods = crate::receipt::tender::Method::ALL;
    let method_headers: Vec<String> = methods.iter().map(|m| format!("{}(元)", m.zh())).collect();
    headers.extend(method_headers.iter().map(String::as_str));
    headers.extend(SHIFTS_TAIL_COLUMNS);
    let mut csv = CsvFile::create(dir, SHIFTS, &headers)?;
    for (id, opened, closed) in shifts {
        let shift = match opened {
            Some(row) => row.clone(),
            None => lk.row("shift", "id", id)?.unwrap_or_default(),
        };
        let float = i(&shift, "float_fen");
        let mut cells: Vec<Cell<'_>> = vec![
            Plain(id),
            Text(lk.operator(s(&shift, "operator_id"))),
            Owned(local(s(&shift, "opened_at"))),
            Yuan(float),
            Int(float),
        ];
        match closed {
            Some(c) => {
                let report = desk.shift_report(by, crate::time::parse_stored_id(id)?)?;
                let f = &report.figures;
                let g = &f.groups;
                let counted = f.counted_cash_fen.unwrap_or_else(|| i(c, "counted_fen"));
                let difference = f.difference_fen.unwrap_or(counted - f.expected_cash_fen);
                cells.extend([
                    Owned(local(s(c, "closed_at"))),
                    Yuan(counted),
                    Int(counted),
                    Yuan(f.expected_cash_fen),
                    Int(f.expected_cash_fen),
                    Yuan(difference),
                    Int(difference),
                    Yuan(g.registration.amount_fen),
                    Yuan(g.outpatient.amount_fen),
                    Yuan(-g.refunds.amount_fen),
                    Yuan(-g.voids.amount_fen),
                    Yuan(g.deposits.amount_fen),
                    Yuan(-g.deposit_refunds.amount_fen),
                    Yuan(f.net_fen),
                    Int(f.net_fen),
                ]);
                cells.extend(methods.iter().map(|m| Yuan(f.totals_by_tender_fen.get(*m))));
                cells.push(Text(lk.operator(s(c, "closed_by"))));
            }
            None => cells.extend((0..16 + methods.len()).map(|_| Plain(""))),
        }
        cells.push(Plain(s(&shift, "outage_id")));
        csv.row(&cells)?;
    }
    csv.finish()
}

pub(super) fn write_outages(dir: &Path, lk: &Lookup<'_>, outages: &[(String, Option<Row>, Option<Row>)]) -> Result<FileEntry> {
    let mut csv = CsvFile::create(dir, OUTAGES, OUTAGES_COLUMNS)?;
    for (id, started, ended) in outages {
        let o = match started {
            Some(row) => row.clone(),
            None => lk.row("outage", "id", id)?.unwrap_or_default(),
        };
        let e = ended.clone().unwrap_or_default();
        csv.row(&[
            Plain(id),
            Text(s(&o, "reason")),
            Plain(&local(s(&o, "his_down_at"))),
            Text(s(&o, "announced_by")),
            Text(lk.operator(s(&o, "started_by"))),
            Plain(&local(s(&o, "recorded_at"))),
            Plain(&local(s(&e, "his_up_at"))),
            Text(lk.operator(s(&e, "ended_by"))),
            Plain(&local(s(&e, "recorded_at"))),
        ])?;
    }
    csv.finish()
}
