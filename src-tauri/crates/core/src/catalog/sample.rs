//! The sample price list shipped in `assets/catalog/`, in two parts as hospitals keep them:
//! the medical services (医疗服务项目: registration and consultation fees, examinations,
//! laboratory tests, treatments, operations, beds, nursing, materials) and the drugs (药品:
//! western, patent and herbal). Names, specs and prices are sensible for a county hospital;
//! the registration types a new station starts with (`assets/registration-types.csv`) name
//! its fee codes. Importing it is one button at setup and on the price list screen.

use super::{ImportOptions, ImportReport};
use crate::error::Result;
use crate::operator::Actor;
use crate::store::Desk;

/// (part, file name, content) of each shipped part, in the order they are imported.
pub const PARTS: &[(&str, &str, &[u8])] = &[
    (
        "医疗服务项目",
        "示例价目表-医疗服务项目-2026-11.csv",
        include_bytes!("../../../../../assets/catalog/sample-services-2026-11.csv"),
    ),
    (
        "药品",
        "示例价目表-药品-2026-11.csv",
        include_bytes!("../../../../../assets/catalog/sample-drugs-2026-11.csv"),
    ),
];

impl Desk {
    /// Imports every shipped part (a part imported before is reported as such).
    pub fn import_sample_catalog(&mut self, by: &Actor, progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<ImportReport>> {
        let mut reports = Vec::new();
        for (part, name, bytes) in PARTS {
            let opts = ImportOptions {
                part: Some(part.to_string()),
                ..Default::default()
            };
            reports.push(self.catalog_import(by, bytes, name, &opts, false, progress)?);
        }
        Ok(reports)
    }
}
