//! 候诊条: a registration's queue slip on the 80 mm roll, printed or written to a file through
//! the one printing path (`charge::print`), its printing recorded.

use super::record::unknown_registration;
use crate::error::Result;
use crate::operator::Actor;
use crate::store::Desk;
use crate::time::local_display;
use uuid::Uuid;

impl Desk {
    /// Prints a registration's 候诊条: saves it in the receipts folder, sends it to the
    /// printer when one is set, and records the printing.
    pub fn print_queue_slip(&mut self, by: &Actor, registration: Uuid) -> Result<crate::charge::print::Printed> {
        let bytes = self.queue_slip_pdf(registration)?;
        let r = self.registration(registration)?.ok_or_else(unknown_registration)?;
        let name = format!("候诊条-{}-{}-{}.pdf", r.visit_date, r.dept_code, r.queue_no);
        let doc = crate::charge::print::Document::QueueSlip;
        self.print_document(by, doc, &registration.to_string(), "roll80", &name, &bytes)
    }

    /// `downtime registration slip --out`: the 候诊条 written whole to `out`, its printing
    /// recorded as [`Desk::print_queue_slip`] records it.
    pub fn queue_slip_to(&mut self, by: &Actor, registration: Uuid, out: &std::path::Path) -> Result<()> {
        let bytes = self.queue_slip_pdf(registration)?;
        let doc = crate::charge::print::Document::QueueSlip;
        self.document_to(by, doc, &registration.to_string(), "roll80", &bytes, out)
    }

    /// 候诊条: the small slip with the queue number, on the 80 mm roll.
    pub fn queue_slip_pdf(&self, registration: Uuid) -> Result<Vec<u8>> {
        use crate::receipt_pdf::{render_queue_slip, QueueSlip};
        let station = self.require_station()?;
        let r = self.registration(registration)?.ok_or_else(unknown_registration)?;
        render_queue_slip(&QueueSlip {
            hospital: station.hospital.clone(),
            station: station.code.to_string(),
            department: r.dept_name.clone(),
            queue_number: r.queue_no,
            patient_name: r.patient_name.clone(),
            downtime_number: r.downtime_no.clone(),
            registration_type: r.reg_type_name.clone(),
            doctor: r.doctor.clone(),
            visit_date: r.visit_date.to_string(),
            registered_at: local_display(r.occurred_at),
            fee: r.fee,
            fee_receipt: r.fee_receipt.clone(),
            notice: if r.cancelled.is_some() {
                "本号已退号".into()
            } else {
                "请按号候诊，过号请到分诊台重新排队。".into()
            },
        })
    }
}
