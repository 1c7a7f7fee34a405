//! The bundle's Accounts: one per admission met in the batch, as it stands at the batch's
//! end — every deposit and deposit refund up to the batch's last receipt, each voided or not
//! as of then — sent by conditional update, since it grows batch by batch.

use super::json::URN;
use super::{outage_ext, Fhir, ID_SYSTEM, SYS_INPATIENT_NO};
use crate::batch::tally::receipt_sign;
use crate::error::Result;
use crate::export::lookup::{s, Lookup};
use foldhash::{HashMap, HashMapExt, HashSet};

/// A deposit movement: receipt id, number, kind, total, when.
type Movement = (String, String, String, i64, String);

impl Fhir {
    /// Each admission's Account as it stands at the end of the batch.
    pub(super) fn accounts(&mut self, lk: &Lookup<'_>, seq: i64) -> Result<()> {
        let accounts = std::mem::take(&mut self.accounts);
        // Every movement of these accounts up to the batch's last receipt, read in one pass
        // (receipts are not indexed by admission: one query per account would scan them all
        // each time).
        let wanted: HashSet<&str> = accounts.iter().map(String::as_str).collect();
        let mut by_account: HashMap<String, Vec<Movement>> = HashMap::new();
        let mut stmt = lk.conn.prepare_cached(
            "SELECT r.admission_id, r.id, r.receipt_no, r.kind, r.total_fen, r.occurred_at FROM receipt r \
             WHERE r.admission_id IS NOT NULL AND r.seq <= ?1 ORDER BY r.seq",
        )?;
        let mut rows = stmt.query([self.batch_receipt_seq_last])?;
        while let Some(x) = rows.next()? {
            let admission: String = x.get(0)?;
            if wanted.contains(admission.as_str()) {
                by_account
                    .entry(admission)
                    .or_default()
                    .push((x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?, x.get(5)?));
            }
        }
        drop(rows);
        drop(stmt);
        for admission_id in accounts {
            let Some(a) = lk.row("admission", "id", &admission_id)? else {
                continue;
            };
            if !self.encounter_of_admission(lk, &a, seq, false)? {
                continue;
            }
            let cancelled = self.cancelled.contains(&admission_id);
            let movements: Vec<(Movement, bool)> = by_account
                .remove(&admission_id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| {
                    let voided = self.voided.contains(&m.0);
                    (m, voided)
                })
                .collect();
            let id = super::json::derived_id(&admission_id, "account");
            let name = format!("住院预交金 {}", s(&a, "inpatient_no"));
            self.put("Account", &id, true, |o| {
                o.arr("extension", |x| {
                    for ((_, no, kind, total, at), voided) in &movements {
                        x.ext_complex("deposit-movement", |x| {
                            x.part_str("receipt-number", "valueString", no, true)
                                .part_str("kind", "valueCode", kind, true)
                                .part("amount", |o| {
                                    o.money("valueMoney", receipt_sign(kind) * total);
                                })
                                .part_str("date", "valueDateTime", at, true)
                                .part("voided", |o| {
                                    o.bool("valueBoolean", *voided);
                                });
                        });
                    }
                    outage_ext(x, &a);
                })
                .str("id", &id)
                .arr("identifier", |x| {
                    x.identifier(ID_SYSTEM, &[URN, &id])
                        .identifier(SYS_INPATIENT_NO, &[s(&a, "inpatient_no")]);
                })
                .str("name", &name)
                .str("resourceType", "Account")
                .obj("servicePeriod", |o| {
                    o.str("start", s(&a, "admitted_at"));
                })
                .str("status", if cancelled { "inactive" } else { "active" })
                .arr("subject", |x| {
                    x.obj_kept(|o| {
                        o.concat("reference", &[URN, s(&a, "patient_id")]);
                    });
                })
                .obj("type", |o| {
                    o.str("text", "住院预交金");
                });
            })?;
        }
        Ok(())
    }
}
