//! 更正 and 合并: a patient's details are corrected by a record of their own (never an edit of
//! the patient row), and two downtime records found to be one person are merged by one.
//!
//! Contract:
//! - A correction holds the whole of the corrected details, checked as when a patient is
//!   added (a character no font prints, an ID number already someone else's, …), with a
//!   reason; the newest is in force. A document issued before it keeps what it printed
//!   (`Desk::patient_as_of`).
//! - A merge needs a supervisor who is not the operator. The record merged away keeps its
//!   number: searching for it or resolving it finds the patient it was merged into. Records
//!   already made for either stay as they were.

use super::{NewPatient, Patient, PATIENT_AS_OF};
use crate::error::{invalid, Result};
use crate::ids::{clean_text, Permission};
use crate::journal;
use crate::operator::Actor;
use crate::store::cached::Cached;
use crate::store::Desk;
use crate::time::stamp;
use chrono::{DateTime, Local, Utc};
use rusqlite::OptionalExtension;
use serde_json::Map;
use uuid::Uuid;

fn not_local(key: &str) -> crate::CoreError {
    invalid!(
        PatientNotLocal,
        format!("“{key}”不是本工作站登记的患者：只有有停机号的患者才能更正或合并"),
        format!("\"{key}\" is not a patient registered here: only patients with a downtime number are corrected or merged")
    )
}

impl Desk {
    /// A patient registered here by downtime number (a merged-away number finds the patient
    /// it was merged into).
    fn local_patient(&mut self, by: &Actor, key: &str) -> Result<Patient> {
        let p = self.resolve_patient(by, key)?;
        if p.downtime_no.is_none() {
            return Err(not_local(key));
        }
        Ok(p)
    }

    /// 更正患者信息: the details as they should be (all of them, as the form shows them) and
    /// why; journalled. Returns the patient as corrected.
    pub fn correct_patient(&mut self, by: &Actor, key: &str, details: &NewPatient, reason: &str) -> Result<Patient> {
        by.require(Permission::Register)?;
        let reason = clean_text(reason, 100, ("更正原因", "Reason"))?;
        let patient = self.local_patient(by, key)?;
        let now = self.now();
        let d = self.checked_details(details, now.with_timezone(&Local).date_naive())?;
        if let Some(id) = &d.id {
            let other = self
                .find_patients(id.as_str(), 5)?
                .into_iter()
                .find(|p| p.id_number.as_deref() == Some(id.as_str()) && p.id != patient.id);
            if let Some(other) = other {
                return Err(invalid!(
                    PatientDuplicateId,
                    format!(
                        "身份证号 {} 已登记为 {}（{}）：如是同一人，请合并这两条记录",
                        id.masked(),
                        other.name,
                        other.downtime_no.clone().or(other.his_id.clone()).unwrap_or_default()
                    ),
                    format!(
                        "ID number {} is already registered as {} ({}); if it is the same person, merge the two records",
                        id.masked(),
                        other.name,
                        other.downtime_no.clone().or(other.his_id.clone()).unwrap_or_default()
                    )
                ));
            }
        }
        let unchanged = d.name == patient.name
            && d.sex == patient.sex
            && d.birth == patient.birth
            && d.age == patient.age_years
            && d.id.as_ref().map(|i| i.as_str()) == patient.id_number.as_deref()
            && d.phone == patient.phone
            && d.address == patient.address
            && d.insurance == patient.insurance
            && d.insurance_no == patient.insurance_no;
        if unchanged {
            return Err(invalid!(
                PatientCorrectionUnchanged,
                "更正后的信息与现在的相同：没有需要更正的内容",
                "The corrected details are the same as the current ones: nothing to correct"
            ));
        }
        self.in_write_tx(|desk| {
            let row = journal::insert_row(
                &desk.conn,
                "patient_correction",
                &[
                    ("id", &Uuid::now_v7().to_string()),
                    ("patient_id", &patient.id.to_string()),
                    ("name", &d.name),
                    ("sex", &d.sex.key()),
                    ("birth", &d.birth.map(|b| b.to_string())),
                    ("age_years", &d.age),
                    ("id_number", &d.id.as_ref().map(|i| i.as_str().to_string())),
                    ("id_old_style", &d.id.as_ref().is_some_and(|i| i.old_style())),
                    ("phone", &d.phone),
                    ("address", &d.address),
                    ("insurance", &d.insurance.key()),
                    ("insurance_no", &d.insurance_no),
                    ("reason", &reason),
                    ("corrected_by", &by.id().to_string()),
                    ("at", &stamp(now)),
                ],
            )?;
            journal::append_rows(
                &desk.conn,
                "patient_corrected",
                by.name(),
                now,
                vec![("patient_correction", row)],
                Map::new(),
            )?;
            // Found by the corrected details too (search maps a hit to the patient as they stand).
            let corrected = desk.patient(patient.id)?.expect("exists");
            desk.index_corrected(&patient, &corrected)
        })?;
        Ok(self.patient(patient.id)?.expect("exists"))
    }

    /// 合并: `merged` and `into` are one person; `merged`'s number then finds `into`.
    pub fn merge_patients(
        &mut self,
        by: &Actor,
        supervisor: impl Into<crate::operator::Approval>,
        merged: &str,
        into: &str,
        reason: &str,
    ) -> Result<Patient> {
        let supervisor = &self.approver(&supervisor.into())?;
        by.require(Permission::Register)?;
        supervisor.approve(by)?;
        let reason = clean_text(reason, 100, ("合并原因", "Reason"))?;
        let from = self.local_patient(by, merged)?;
        let to = self.local_patient(by, into)?;
        if from.id == to.id {
            return Err(invalid!(
                PatientMergeSame,
                format!("{} 和 {} 已经是同一位患者（{}）", merged.trim(), into.trim(), to.name),
                format!("{} and {} are already the same patient ({})", merged.trim(), into.trim(), to.name)
            ));
        }
        let now = self.now();
        self.in_write_tx(|desk| {
            let row = journal::insert_row(
                &desk.conn,
                "patient_merge",
                &[
                    ("id", &Uuid::now_v7().to_string()),
                    ("merged_id", &from.id.to_string()),
                    ("into_id", &to.id.to_string()),
                    ("reason", &reason),
                    ("merged_by", &by.id().to_string()),
                    ("supervisor_id", &supervisor.id().to_string()),
                    ("at", &stamp(now)),
                ],
            )?;
            journal::append_rows(
                &desk.conn,
                "patients_merged",
                by.name(),
                now,
                vec![("patient_merge", row)],
                Map::new(),
            )?;
            Ok(())
        })?;
        // Search finds the record merged away as the patient kept (`find_patients`).
        Ok(self.patient(to.id)?.expect("exists"))
    }

    /// The patient a record was merged into (itself when it was not).
    pub(crate) fn merged_into(&self, id: Uuid) -> Result<Uuid> {
        let mut current = id;
        // Chains are short (a record merged away cannot be merged again): a bound, not a loop.
        for _ in 0..16 {
            let next: Option<String> = self
                .conn
                .qrow(
                    "SELECT into_id FROM patient_merge WHERE merged_id = ?1",
                    [current.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            match next.and_then(|n| n.parse().ok()) {
                Some(n) => current = n,
                None => break,
            }
        }
        Ok(current)
    }

    /// Patient `id` as they stood at `at`: what a document issued then printed.
    pub fn patient_as_of(&self, id: Uuid, at: DateTime<Utc>) -> Result<Option<Patient>> {
        Ok(self
            .conn
            .qrow(PATIENT_AS_OF, [id.to_string(), stamp(at)], super::patient_from_row)
            .optional()?)
    }
}
