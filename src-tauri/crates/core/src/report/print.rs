//! Printing a report: its PDF is saved in `reports/` beside the database and, when a printer
//! is configured, sent to it (a printer failure is reported, never fatal). A Z report printed
//! after its close is a copy (副本); the close itself prints the original.

use super::pdf;
use super::types::{PeriodReport, PeriodScope, ShiftReport};
use crate::charge::print::Printed;
use crate::error::Result;
use crate::operator::Actor;
use crate::receipt_pdf::SheetLayout;
use crate::store::Desk;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

/// What printing a report did, for the window.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportPrintView {
    pub pdf_path: String,
    pub sent_to_printer: bool,
    pub problem: Option<String>,
    pub problem_en: Option<String>,
    pub copy: bool,
}

impl ReportPrintView {
    fn from(p: Printed, copy: bool) -> ReportPrintView {
        ReportPrintView {
            pdf_path: p.pdf_path.display().to_string(),
            sent_to_printer: p.sent_to_printer,
            problem: p.problem.as_ref().map(|x| x.0.clone()),
            problem_en: p.problem.as_ref().map(|x| x.1.clone()),
            copy,
        }
    }
}

fn layout_name(layout: SheetLayout) -> &'static str {
    match layout {
        SheetLayout::A4 => "A4",
        SheetLayout::Roll80 => "80mm",
    }
}

impl Desk {
    /// The handover sheet of `shift`, or (none) of the operator's open, else last, shift.
    pub fn shift_report_of(&self, by: &Actor, shift: Option<Uuid>) -> Result<ShiftReport> {
        match shift {
            Some(id) => self.shift_report(by, id),
            None => self.current_shift_report(by),
        }
    }

    /// Prints that sheet (a closed shift's is a copy, 副本).
    pub fn print_shift_of(&self, by: &Actor, shift: Option<Uuid>, layout: SheetLayout) -> Result<ReportPrintView> {
        self.print_shift_report(&self.shift_report_of(by, shift)?, layout)
    }

    /// Prints the outage report of `outage` (none: the active or last outage).
    pub fn print_outage_report(&self, by: &Actor, outage: Option<Uuid>, layout: SheetLayout) -> Result<ReportPrintView> {
        self.print_period_report(&self.outage_report(by, outage)?, layout)
    }

    fn save_and_print(&self, bytes: &[u8], name: &str) -> Result<Printed> {
        self.save_and_send(&self.reports_dir(), name, bytes)
    }

    /// Prints `report` as it is (the close passes its original Z report).
    pub fn print_shift_report(&self, report: &ShiftReport, layout: SheetLayout) -> Result<ReportPrintView> {
        let bytes = pdf::shift_pdf(report, layout)?;
        let day = report.opened_at.get(..10).unwrap_or("");
        let kind = if report.closed_at.is_some() { "Z" } else { "X" };
        let copy = if report.copy { "-副本" } else { "" };
        let stamp = report.generated_at.replace([':', '.'], "");
        let name = format!(
            "交班单-{kind}-{}-{day}-{}{copy}-{}-{}.pdf",
            report.operator,
            &report.shift_id[..8],
            layout_name(layout),
            stamp.get(11..17).unwrap_or("")
        );
        Ok(ReportPrintView::from(self.save_and_print(&bytes, &name)?, report.copy))
    }

    pub fn print_period_report(&self, report: &PeriodReport, layout: SheetLayout) -> Result<ReportPrintView> {
        let bytes = pdf::period_pdf(report, layout)?;
        let what = match report.scope {
            PeriodScope::Day => format!("日结-{}", report.date.as_deref().unwrap_or("")),
            PeriodScope::Outage => format!(
                "应急报表-{}",
                report.outage.as_ref().map(|o| o.his_down_at.get(..10).unwrap_or("")).unwrap_or("")
            ),
        };
        let stamp = report.generated_at.replace([':', '.'], "");
        let name = format!("{what}-{}-{}.pdf", layout_name(layout), stamp.get(11..17).unwrap_or(""));
        Ok(ReportPrintView::from(self.save_and_print(&bytes, &name)?, false))
    }
}
