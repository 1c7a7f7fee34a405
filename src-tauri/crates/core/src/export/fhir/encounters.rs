//! The bundle's Encounters: a visit (a registration: ambulatory, or emergency by its
//! department's kind when it was made) and an admission (inpatient), each cancelled when
//! the batch's end says so.

use super::json::{Obj, URN};
use super::{outage_ext, Fhir, ACT_CODE, ID_SYSTEM, SYS_DEPT, SYS_INPATIENT_NO};
use crate::batch::payload::Rec;
use crate::error::Result;
use crate::export::lookup::{s, Lookup};

/// `serviceType`: the department as a coding.
fn service_type(o: &mut Obj<'_>, row: &Rec<'_>) {
    o.obj("serviceType", |o| {
        o.arr("coding", |a| {
            a.obj_kept(|o| {
                o.str("code", s(row, "dept_code"))
                    .str("display", s(row, "dept_name"))
                    .str("system", SYS_DEPT);
            });
        });
    });
}

impl Fhir {
    /// A registration's Encounter; `update` for a visit posted in an earlier batch and
    /// cancelled in this one.
    pub(super) fn encounter_of_visit(&mut self, lk: &Lookup<'_>, reg: &Rec<'_>, seq: i64, update: bool) -> Result<bool> {
        let id = s(reg, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(reg, "patient_id"), seq)? {
            self.dependant_failed("registration", id, seq, why);
            return Ok(false);
        }
        let (class, display) = if lk.dept_kind(reg)? == "emergency" {
            ("EMER", "emergency")
        } else {
            ("AMB", "ambulatory")
        };
        let cancelled = update || self.cancelled.contains(id);
        let reg_type = format!("{}号", lk.reg_type_name(reg)?);
        self.put("Encounter", id, update, |o| {
            o.obj("class", |o| {
                o.str("code", class).str("display", display).str("system", ACT_CODE);
            })
            .arr("extension", |a| outage_ext(a, reg))
            .str("id", id)
            .arr("identifier", |a| {
                a.identifier_kept(ID_SYSTEM, &[URN, id]);
            })
            .obj("period", |o| {
                o.str("start", s(reg, "occurred_at"));
            })
            .str("resourceType", "Encounter");
            service_type(o, reg);
            o.str("status", if cancelled { "cancelled" } else { "arrived" })
                .reference("subject", s(reg, "patient_id"))
                .arr("type", |a| {
                    a.obj_kept(|o| {
                        o.str("text", &reg_type);
                    });
                });
        })?;
        Ok(true)
    }

    /// An admission's Encounter; `update` for one posted in an earlier batch and cancelled
    /// in this one.
    pub(super) fn encounter_of_admission(&mut self, lk: &Lookup<'_>, a: &Rec<'_>, seq: i64, update: bool) -> Result<bool> {
        let id = s(a, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if let Some(why) = self.need_patient(lk, s(a, "patient_id"), seq)? {
            self.dependant_failed("admission", id, seq, why);
            return Ok(false);
        }
        let cancelled = update || self.cancelled.contains(id);
        self.put("Encounter", id, update, |o| {
            o.obj("class", |o| {
                o.str("code", "IMP").str("display", "inpatient encounter").str("system", ACT_CODE);
            })
            .arr("extension", |x| outage_ext(x, a))
            .str("id", id)
            .arr("identifier", |x| {
                x.identifier(ID_SYSTEM, &[URN, id])
                    .identifier(SYS_INPATIENT_NO, &[s(a, "inpatient_no")]);
            })
            .obj("period", |o| {
                o.str("start", s(a, "admitted_at"));
            })
            .str("resourceType", "Encounter");
            service_type(o, a);
            o.str("status", if cancelled { "cancelled" } else { "in-progress" })
                .reference("subject", s(a, "patient_id"));
        })?;
        Ok(true)
    }
}
