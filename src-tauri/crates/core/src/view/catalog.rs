//! Wire types of the price list (`commands/catalog.rs`, `downtime catalog`): versions, items,
//! import reports, activations and the list in force.

use super::*;

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

impl From<&crate::catalog::parts::Activated> for ActivationView {
    fn from(a: &crate::catalog::parts::Activated) -> Self {
        let (version, change) = (&a.version, &a.change);
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
