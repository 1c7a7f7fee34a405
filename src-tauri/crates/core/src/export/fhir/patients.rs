//! The bundle's Patient: as the patient stands at the end of the batch (their newest
//! correction up to its last entry applied, `Patient.link` for each merge made up to then),
//! or an exception when the record cannot be one (an impossible birth date).

use super::json::{Obj, URN};
use super::{Fhir, ID_SYSTEM, SYS_DOWNTIME_NO, SYS_HIS_PATIENT, SYS_RESIDENT_ID};
use crate::batch::payload::Rec;
use crate::error::Result;
use crate::export::labels;
use crate::export::lookup::{s, Lookup, Row};
use foldhash::HashMap;
use std::borrow::Cow;

/// Patients as they stand at the end of a batch: the newest correction of each (read from
/// the journal up to the batch's last entry, never after) and the links of the merges made
/// up to then.
#[derive(Default)]
pub(crate) struct PatientsAsOf {
    /// Patient id → their newest correction row.
    pub(crate) corrected: HashMap<String, Row>,
    /// Patient id → (`replaced-by` or `replaces`, the other patient's id), in merge order.
    pub(crate) links: HashMap<String, Vec<(&'static str, String)>>,
}

impl PatientsAsOf {
    /// Takes in one row of a journal entry up to the batch's end (in journal order).
    pub(crate) fn add(&mut self, table: &str, row: &Rec<'_>) {
        match table {
            "patient_correction" => {
                self.corrected.insert(s(row, "patient_id").to_string(), row.to_owned_rec());
            }
            "patient_merge" => {
                let (merged, into) = (s(row, "merged_id").to_string(), s(row, "into_id").to_string());
                self.links.entry(merged.clone()).or_default().push(("replaced-by", into.clone()));
                self.links.entry(into).or_default().push(("replaces", merged));
            }
            _ => {}
        }
    }

    /// The patient row `base` with their newest correction applied.
    fn patient<'r, 'a>(&self, base: &'r Rec<'a>) -> Cow<'r, Rec<'a>> {
        let Some(c) = self.corrected.get(s(base, "id")) else {
            return Cow::Borrowed(base);
        };
        let mut p = base.clone();
        for key in CORRECTED {
            if let Some(v) = c.get(key) {
                p.set(key, v.clone());
            }
        }
        Cow::Owned(p)
    }
}

/// The columns of a patient a correction holds in full.
const CORRECTED: [&str; 10] = [
    "name",
    "sex",
    "birth",
    "age_years",
    "id_number",
    "id_old_style",
    "phone",
    "address",
    "insurance",
    "insurance_no",
];

/// Whether a stored date is one FHIR accepts (and the calendar has).
fn valid_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.len() == 10
}

/// Why a patient row cannot be a FHIR Patient (zh, en), if it cannot.
fn unmappable_patient(p: &Rec<'_>) -> Option<(String, String)> {
    let birth = s(p, "birth");
    (!birth.is_empty() && !valid_date(birth)).then(|| {
        (
            format!("患者 {} 的出生日期“{birth}”不是有效日期", s(p, "downtime_no")),
            format!("Patient {} has an impossible birth date \"{birth}\"", s(p, "downtime_no")),
        )
    })
}

impl Fhir {
    /// The Patient as they stand at the end of the batch (`base` is their row as created),
    /// unless already in the bundle, with the patients a merge links them to; false when it
    /// cannot be mapped.
    pub(super) fn patient(&mut self, lk: &Lookup<'_>, base: &Rec<'_>, seq: i64) -> Result<bool> {
        let id = s(base, "id");
        if self.emitted.contains(id) {
            return Ok(true);
        }
        if self.failed.contains_key(id) {
            return Ok(false);
        }
        let p = self.patients.patient(base);
        if let Some((zh, en)) = unmappable_patient(&p) {
            self.exception("patient", id, seq, zh, en);
            return Ok(false);
        }
        // Links only to patients the bundle can carry too (a reference must resolve in it).
        let mut links = Vec::new();
        for (kind, other) in self.patients.links.get(id).cloned().unwrap_or_default() {
            let mappable = match lk.patient(&other)? {
                Some(o) => !self.failed.contains_key(&other) && unmappable_patient(&self.patients.patient(&o)).is_none(),
                None => false,
            };
            if mappable {
                links.push((kind, other));
            }
        }
        let replaced = links.iter().any(|(kind, _)| *kind == "replaced-by");
        // Created in an earlier batch, perhaps: a changed patient is updated, not created.
        let update = self.patients.corrected.contains_key(id) || self.patients.links.contains_key(id);
        let resource = |o: &mut Obj<'_>| {
            if replaced {
                o.bool("active", false);
            }
            o.arr("address", |a| {
                a.obj(|o| {
                    o.str("text", s(&p, "address"));
                });
            })
            .str("birthDate", s(&p, "birth"))
            .arr("extension", |a| {
                let insurance = s(&p, "insurance");
                if !insurance.is_empty() && insurance != "self_pay" {
                    a.ext_complex("insurance", |a| {
                        a.part_str("type", "valueString", labels::insurance(insurance), false).part_str(
                            "number",
                            "valueString",
                            s(&p, "insurance_no"),
                            false,
                        );
                    });
                }
            })
            .str(
                "gender",
                match s(&p, "sex") {
                    "M" => "male",
                    "F" => "female",
                    _ => "unknown",
                },
            )
            .str("id", id)
            .arr("identifier", |a| {
                a.identifier(ID_SYSTEM, &[URN, id])
                    .identifier(SYS_DOWNTIME_NO, &[s(&p, "downtime_no")])
                    .identifier(SYS_RESIDENT_ID, &[s(&p, "id_number")])
                    .identifier(SYS_HIS_PATIENT, &[s(&p, "his_id")]);
            })
            .arr("link", |a| {
                for (kind, other) in &links {
                    a.obj_kept(|o| {
                        o.reference("other", other).str("type", kind);
                    });
                }
            })
            .arr("name", |a| {
                a.obj_kept(|o| {
                    o.str("text", s(&p, "name"));
                });
            })
            .str("resourceType", "Patient")
            .arr("telecom", |a| {
                let phone = s(&p, "phone");
                if !phone.is_empty() {
                    a.obj(|o| {
                        o.str("system", "phone").str("value", phone);
                    });
                }
            });
        };
        let id = id.to_string();
        self.put("Patient", &id, update, resource)?;
        for (_, other) in links {
            self.need_patient(lk, &other, seq)?;
        }
        Ok(true)
    }

    /// Makes sure the patient `id` is in the bundle (fetching an earlier batch's from the
    /// store); the reason when it cannot be.
    pub(super) fn need_patient(&mut self, lk: &Lookup<'_>, id: &str, seq: i64) -> Result<Option<String>> {
        if self.emitted.contains(id) {
            return Ok(None);
        }
        if let Some(why) = self.failed.get(id) {
            return Ok(Some(why.clone()));
        }
        match lk.patient(id)? {
            Some(p) if self.patient(lk, &p, seq)? => Ok(None),
            Some(_) => Ok(self.failed.get(id).cloned()),
            None => Ok(Some(format!("找不到患者 {id}"))),
        }
    }
}
