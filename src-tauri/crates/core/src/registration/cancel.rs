//! 退号: a registration cancelled by a record of its own (the queue number stays used). A paid
//! fee goes back on a refund voucher (退费凭证) to the tenders it was paid with, approved by a
//! supervisor who is not the operator; a visit with charges left is refused until they are
//! refunded.

use super::record::{unknown_registration, Registration};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::operator::Actor;
use crate::receipt::tender::{settle, TenderInput};
use crate::receipt::write::{insert_receipt_rows, NewReceipt, Signer};
use crate::receipt::{Receipt, ReceiptKind, ReceiptLine};
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde_json::Map;
use uuid::Uuid;

impl Desk {
    /// 退号: cancels a registration by a record of its own; the queue number stays used. A
    /// paid fee goes back with a refund voucher to the tenders it was paid with, approved by
    /// `supervisor`; a registration without a fee needs no approval.
    pub fn cancel_registration(
        &mut self,
        by: &Actor,
        id: Uuid,
        reason: &str,
        supervisor: Option<&crate::operator::Approval>,
    ) -> Result<Registration> {
        let supervisor = self.approval(supervisor)?;
        let supervisor = supervisor.as_ref();
        by.require(Permission::Register)?;
        let reason = clean_text(reason, 100, ("退号原因", "Reason"))?;
        let signer = self.signer()?;
        self.in_write_tx(|desk| desk.cancel_in_tx(by, id, &reason, supervisor, &signer))?;
        Ok(self.registration(id)?.expect("exists"))
    }

    fn cancel_in_tx(&mut self, by: &Actor, id: Uuid, reason: &str, supervisor: Option<&Actor>, signer: &Signer) -> Result<()> {
        let reg = self.registration(id)?.ok_or_else(unknown_registration)?;
        if reg.cancelled.is_some() {
            return Err(invalid!(
                RegistrationCancelled,
                "这条挂号已经退号",
                "This registration is already cancelled"
            ));
        }
        let charged: Option<String> = self
            .conn
            .qrow(
                "SELECT x.receipt_no FROM receipt x WHERE x.registration_id = ?1 AND x.kind = 'charge' \
                 AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = x.id) \
                 AND x.total_fen > (SELECT ifnull(sum(y.total_fen), 0) FROM receipt y WHERE y.refund_of = x.id) LIMIT 1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(no) = charged {
            return Err(invalid!(
                RegistrationHasCharges,
                format!("这次就诊已有收费（收据 {no}），请先退费再退号"),
                format!("This visit has charges (receipt {no}): refund them before cancelling the registration")
            ));
        }
        let shift = self.shift_for_money(by)?;
        let now = self.now();
        let fee_receipt = match &reg.fee_receipt {
            Some(no) => self.receipt(no)?,
            None => None,
        };
        let mut rows = Vec::new();
        if let Some(paid) = fee_receipt.filter(|r| r.voided.is_none()) {
            let supervisor = supervisor.ok_or_else(|| {
                invalid!(
                    RegCancelNeedsSupervisor,
                    format!("退号将退还挂号费 {}（收据 {}），需要主管授权", paid.total, paid.receipt_no),
                    format!(
                        "Cancelling refunds the fee of {} (receipt {}): a supervisor must approve",
                        paid.total, paid.receipt_no
                    )
                )
            })?;
            supervisor.approve(by)?;
            rows.extend(self.refund_fee_rows(by, supervisor, &paid, reason, shift.id, now, signer)?);
        }
        rows.push((
            "registration_cancel",
            journal::insert_row(
                &self.conn,
                "registration_cancel",
                &[
                    ("registration_id", &id.to_string()),
                    ("reason", &reason),
                    ("cancelled_by", &by.id().to_string()),
                    ("shift_id", &shift.id.to_string()),
                    ("at", &stamp(now)),
                ],
            )?,
        ));
        journal::append_rows(&self.conn, "registration_cancelled", by.name(), now, rows, Map::new())?;
        Ok(())
    }

    /// The refund voucher of a registration's whole fee, back to the tenders it was paid with.
    #[allow(clippy::too_many_arguments)]
    fn refund_fee_rows(
        &self,
        by: &Actor,
        supervisor: &Actor,
        paid: &Receipt,
        reason: &str,
        shift: Uuid,
        now: DateTime<Utc>,
        signer: &Signer,
    ) -> Result<Vec<(&'static str, String)>> {
        let lines: Vec<ReceiptLine> = paid
            .lines
            .iter()
            .map(|l| ReceiptLine {
                refunds_line: Some(l.line_no),
                ..l.clone()
            })
            .collect();
        let back: Vec<TenderInput> = paid
            .tenders
            .iter()
            .map(|t| TenderInput {
                method: t.method,
                amount: t.amount,
                reference: t.reference.clone(),
            })
            .collect();
        let (tenders, _) = settle(&back, paid.total, None, false)?;
        let outage_id = self.active_outage()?.map(|o| o.id).unwrap_or(paid.outage_id);
        let voucher = NewReceipt {
            registration_id: paid.registration_id,
            department: paid.department.clone(),
            refund_of: Some(paid.id),
            insured: paid.insured,
            reason: format!("退号：{reason}"),
            supervisor: Some(supervisor),
            catalog_version: paid.catalog_version,
            ..NewReceipt::new(
                ReceiptKind::Refund,
                Uuid::now_v7(),
                &paid.patient,
                paid.total,
                shift,
                outage_id,
                now,
            )
        };
        let (_, _, rows) = insert_receipt_rows(&self.conn, signer, by, &voucher, &lines, &tenders, now)?;
        Ok(rows)
    }
}
