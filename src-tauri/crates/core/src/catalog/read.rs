//! Reading a price list as HIS exports really come: CSV in UTF-8 (with or without BOM) or
//! GBK/GB18030, comma or tab separated, CRLF, quoted fields, stray spaces; or an Excel
//! workbook (first sheet or a named one). Columns are found by their header, Chinese or
//! English, in any order; `--map` covers other names. Each row becomes an item or a problem
//! with its row number and reason: nothing is dropped silently. The file's cells themselves
//! (decoding, CSV, workbooks, the limits) are read by `table.rs`.

use super::category::FeeCategory;
use super::price::{ScaledError, UnitPrice};
use super::table;
pub(crate) use super::table::{line_too_long, too_many_columns, too_many_rows};
pub use super::table::{NotA, Rows, MAX_COLUMNS, MAX_LINE_BYTES, MAX_ROWS, MAX_XLSX_INFLATED};
use crate::error::{invalid, CoreError, Result};
use serde::Serialize;
use std::collections::HashMap;

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Code,
    Name,
    Spec,
    Unit,
    Price,
    Category,
    Lookup,
    Wubi,
    InsuranceClass,
    IsDrug,
    /// Counted in whole units only (beyond the units that always are: 次, 项 …).
    Whole,
}

impl Field {
    /// Parses a `--map` target: `code`, `name`, `spec`, `unit`, `price`, `category`,
    /// `pinyin`, `wubi`, `insurance`, `drug`, `whole`.
    pub fn parse(text: &str) -> Result<Field> {
        Ok(match text.trim().to_lowercase().as_str() {
            "code" => Field::Code,
            "name" => Field::Name,
            "spec" => Field::Spec,
            "unit" => Field::Unit,
            "price" | "unit_price" => Field::Price,
            "category" => Field::Category,
            "pinyin" | "lookup" => Field::Lookup,
            "wubi" => Field::Wubi,
            "insurance" | "insurance_class" => Field::InsuranceClass,
            "drug" | "is_drug" => Field::IsDrug,
            "whole" => Field::Whole,
            _ => {
                return Err(invalid!(
                    CatalogMapInvalid,
                    format!("列映射目标“{text}”无效：可用 code、name、spec、unit、price、category、pinyin、wubi、insurance、drug"),
                    format!(
                        "Unknown mapping target \"{text}\": use code, name, spec, unit, price, category, pinyin, wubi, insurance or drug"
                    )
                ))
            }
        })
    }

    fn from_header(h: &str) -> Option<Field> {
        let h: String = h
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .collect::<String>()
            .to_lowercase();
        Some(match h.as_str() {
            "编码" | "项目编码" | "药品编码" | "收费编码" | "收费项目编码" | "代码" | "项目代码" | "code" | "item_code" => {
                Field::Code
            }
            "名称" | "项目名称" | "药品名称" | "收费项目" | "收费项目名称" | "name" | "item_name" => Field::Name,
            "规格" | "说明" | "项目说明" | "spec" | "specification" => Field::Spec,
            "单位" | "计价单位" | "计量单位" | "unit" => Field::Unit,
            "单价" | "价格" | "零售价" | "单价(元)" | "单价（元）" | "price" | "unit_price" => Field::Price,
            "费用类别" | "收费类别" | "类别" | "费别" | "category" => Field::Category,
            "拼音码" | "助记码" | "输入码" | "拼音" | "pinyin" | "lookup" => Field::Lookup,
            "五笔码" | "五笔" | "wubi" => Field::Wubi,
            "医保类别" | "医保等级" | "insurance_class" | "insurance" => Field::InsuranceClass,
            "是否药品" | "药品标志" | "is_drug" | "drug" => Field::IsDrug,
            "整数计量" | "按整数" | "整数" | "只收整数" | "whole" => Field::Whole,
            _ => return None,
        })
    }
}

/// How to read the file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `utf8`, `gbk` or `gb18030`; detected when absent.
    pub encoding: Option<String>,
    /// Sheet of a workbook; the first when absent.
    pub sheet: Option<String>,
    /// Extra header names: (header as in the file, field).
    pub map: Vec<(String, Field)>,
}

/// One good row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedItem {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub spec: String,
    pub unit: String,
    pub price: UnitPrice,
    pub category: FeeCategory,
    pub lookup: Option<String>,
    pub wubi: String,
    pub insurance_class: String,
    pub is_drug: bool,
    pub whole: bool,
}

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RowProblem {
    /// Row number as a spreadsheet shows it (1 = first line of the file).
    #[ts(type = "number")]
    pub row: u64,
    pub code: String,
    pub reason: String,
    pub reason_en: String,
}

/// What reading found.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: &'static str,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub items: Vec<ParsedItem>,
    pub problems: Vec<RowProblem>,
    /// Rows identical to an earlier one (same code, name and price): skipped, counted.
    pub duplicates: usize,
}

pub(super) fn not_a_catalog(zh: &str, en: &str) -> CoreError {
    invalid!(
        CatalogNotAPriceList,
        format!("这不是可导入的价目表：{zh}。请导出含“编码、名称、单价、费用类别”表头的 CSV 或 Excel 文件"),
        format!(
            "This is not a price list that can be imported: {en}. Export a CSV or Excel file with code, name, price and category headers"
        )
    )
}

/// Reads and checks every row of `bytes` (the file's whole content).
pub fn read(bytes: &[u8], file_name: &str, opts: &ReadOptions) -> Result<Parsed> {
    let (format, encoding, rows) = read_table(bytes, file_name, opts, not_a_catalog)?;
    parse_rows(rows, &opts.map, format, encoding)
}

/// The cells of a CSV or workbook, with row numbers as a spreadsheet shows them. Shared by
/// every importer (price list, patient index, departments); the reading itself is `table.rs`.
pub fn read_table(bytes: &[u8], file_name: &str, opts: &ReadOptions, not_a: NotA) -> Result<(&'static str, &'static str, Rows)> {
    table::read_cells(bytes, file_name, opts.encoding.as_deref(), opts.sheet.as_ref(), not_a)
}

/// 医保类别 as a price list writes it: 甲/乙/丙 (甲类, A …), or the share the patient pays
/// themselves (10%, 0.1, 自付10%), kept as `甲`, `乙`, `丙` or `自付10%`. Empty stays empty;
/// `None` for anything else.
pub fn insurance_class(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let t = t.trim_end_matches('类');
    let class = match t {
        "" => return Some(String::new()),
        "甲" | "A" => "甲",
        "乙" | "B" => "乙",
        "丙" | "C" | "自费" => "丙",
        _ => {
            let ratio = t.trim_start_matches("自付比例").trim_start_matches("自付");
            let percent = match ratio.strip_suffix('%').or_else(|| ratio.strip_suffix('％')) {
                Some(p) => super::price::parse_percent(p, 0)?,
                None => super::price::parse_percent(ratio, 2)?,
            };
            return (percent <= 10_000).then(|| format!("自付{}%", super::price::percent_text(percent)));
        }
    };
    Some(class.to_string())
}

/// Longest cells a price list may carry (characters): what a receipt line prints.
pub const MAX_CODE_CHARS: usize = 32;
pub const MAX_NAME_CHARS: usize = 40;
pub const MAX_SPEC_CHARS: usize = 40;
pub const MAX_UNIT_CHARS: usize = 8;

/// What one row of a price list is.
pub(super) enum Checked {
    Item(ParsedItem),
    Problem(RowProblem),
    /// Above or at the header, or empty.
    Skip,
}

/// Checks a price list's rows one at a time, as they are read: the header is the first row
/// among the first ten that names code, name and price; each row under it becomes an item or
/// a problem. Whether a code repeats an earlier row is the caller's to find (in memory for a
/// small table, `super::staged` for a file read as a stream), so that no row is held here.
pub(super) struct RowChecker<'m> {
    map: &'m [(String, Field)],
    /// Rows seen before the header was found.
    seen: usize,
    columns: Option<HashMap<Field, usize>>,
    /// Non-empty rows under the header.
    pub rows_read: usize,
}

impl<'m> RowChecker<'m> {
    pub fn new(map: &'m [(String, Field)]) -> RowChecker<'m> {
        RowChecker {
            map,
            seen: 0,
            columns: None,
            rows_read: 0,
        }
    }

    fn field_of(&self, h: &str) -> Option<Field> {
        self.map
            .iter()
            .find(|(name, _)| name.trim() == h.trim())
            .map(|(_, f)| *f)
            .or_else(|| Field::from_header(h))
    }

    fn no_header() -> CoreError {
        not_a_catalog(
            "找不到含“编码、名称、单价”的表头行",
            "no header row naming code, name and price was found",
        )
    }

    /// The next row of the file.
    pub fn check(&mut self, line: usize, cells: &[String]) -> Result<Checked> {
        let Some(columns) = &self.columns else {
            if self.seen >= 10 {
                return Err(Self::no_header());
            }
            self.seen += 1;
            let fields: Vec<Field> = cells.iter().filter_map(|c| self.field_of(c)).collect();
            if [Field::Code, Field::Name, Field::Price].iter().all(|f| fields.contains(f)) {
                let mut columns: HashMap<Field, usize> = HashMap::new();
                for (i, h) in cells.iter().enumerate() {
                    if let Some(f) = self.field_of(h) {
                        columns.entry(f).or_insert(i);
                    }
                }
                if !columns.contains_key(&Field::Category) {
                    return Err(not_a_catalog(
                        "缺少“费用类别”列（收据需按类别汇总）",
                        "there is no category column (receipts subtotal by category)",
                    ));
                }
                self.columns = Some(columns);
            }
            return Ok(Checked::Skip);
        };
        if cells.iter().all(|c| c.is_empty()) {
            return Ok(Checked::Skip);
        }
        self.rows_read += 1;
        Ok(Self::row(columns, line, cells))
    }

    fn row(columns: &HashMap<Field, usize>, line: usize, cells: &[String]) -> Checked {
        let get = |f: Field| columns.get(&f).and_then(|i| cells.get(*i)).map(|s| s.trim()).unwrap_or("");
        let code = get(Field::Code).to_string();
        let problem = |zh: String, en: String| RowProblem {
            row: line as u64,
            code: code.clone(),
            reason: zh,
            reason_en: en,
        };
        let name = get(Field::Name);
        if code.is_empty() {
            return Checked::Problem(problem("缺少编码".into(), "missing code".into()));
        }
        if name.is_empty() {
            return Checked::Problem(problem("缺少名称".into(), "missing name".into()));
        }
        // As long as a receipt line can print; a longer cell is a wrong column or a broken file.
        if let Some((what, en, max)) = [
            ("编码", "code", MAX_CODE_CHARS, code.as_str()),
            ("名称", "name", MAX_NAME_CHARS, name),
            ("规格", "spec", MAX_SPEC_CHARS, get(Field::Spec)),
            ("单位", "unit", MAX_UNIT_CHARS, get(Field::Unit)),
        ]
        .into_iter()
        .find(|(_, _, max, text)| text.chars().count() > *max)
        .map(|(w, e, m, _)| (w, e, m))
        {
            return Checked::Problem(problem(
                format!("{what}超过 {max} 个字（收据上印不下）"),
                format!("{en} longer than {max} characters (a receipt cannot print it)"),
            ));
        }
        if code.chars().chain(name.chars()).any(char::is_control) {
            return Checked::Problem(problem(
                "编码或名称含有控制字符".into(),
                "code or name contains control characters".into(),
            ));
        }
        let price_text = get(Field::Price).trim_start_matches(['¥', '￥']).replace(',', "");
        let price = match UnitPrice::parse_raw(&price_text) {
            Ok(p) => p,
            Err(e) => {
                let (zh, en) = match e {
                    ScaledError::Negative => (format!("单价为负数（{price_text}）"), format!("negative price ({price_text})")),
                    ScaledError::TooPrecise => (
                        format!("单价超过 4 位小数（{price_text}）"),
                        format!("price has more than 4 decimals ({price_text})"),
                    ),
                    _ if price_text.is_empty() => ("缺少单价".into(), "missing price".into()),
                    _ => (format!("单价无法识别（{price_text}）"), format!("unreadable price ({price_text})")),
                };
                return Checked::Problem(problem(zh, en));
            }
        };
        let cat_text = get(Field::Category);
        let Some(category) = FeeCategory::parse(cat_text) else {
            let (zh, en) = if cat_text.is_empty() {
                ("缺少费用类别".to_string(), "missing category".to_string())
            } else {
                (format!("未知的费用类别“{cat_text}”"), format!("unknown category \"{cat_text}\""))
            };
            return Checked::Problem(problem(zh, en));
        };
        let drug_text = get(Field::IsDrug);
        let is_drug = match drug_text {
            "" => category.is_drug(),
            t => matches!(t.to_lowercase().as_str(), "1" | "是" | "y" | "yes" | "true" | "药品"),
        };
        let class_text = get(Field::InsuranceClass);
        let Some(insurance_class) = insurance_class(class_text) else {
            return Checked::Problem(problem(
                format!("医保类别“{class_text}”无法识别：应为 甲、乙、丙 或自付比例（如 10%）"),
                format!("unreadable insurance class \"{class_text}\": use 甲, 乙, 丙 or a self-pay ratio (e.g. 10%)"),
            ));
        };
        let lookup = get(Field::Lookup);
        let item = ParsedItem {
            row: line,
            code: code.clone(),
            name: name.to_string(),
            spec: get(Field::Spec).to_string(),
            unit: get(Field::Unit).to_string(),
            price,
            category,
            lookup: (!lookup.is_empty()).then(|| lookup.to_uppercase()),
            wubi: get(Field::Wubi).to_uppercase(),
            insurance_class,
            is_drug,
            whole: matches!(
                get(Field::Whole).to_lowercase().as_str(),
                "1" | "是" | "y" | "yes" | "true" | "整数"
            ),
        };
        Checked::Item(item)
    }

    /// After the last row: whether the file had a header and anything under it (`good` items,
    /// `problems` bad rows).
    pub fn finish(&self, good: usize, problems: usize) -> Result<()> {
        if self.columns.is_none() {
            return Err(Self::no_header());
        }
        if good == 0 && problems == 0 {
            return Err(not_a_catalog("表头下面没有任何项目", "there are no items under the header"));
        }
        Ok(())
    }
}

/// The problem of a row whose code repeats the good row `first` with another name or price;
/// `None` when it repeats it exactly (skipped, counted).
pub(super) fn repeat_problem(first_row: usize, same: bool, item: &ParsedItem) -> Option<RowProblem> {
    let code = &item.code;
    (!same).then(|| RowProblem {
        row: item.row as u64,
        code: code.clone(),
        reason: format!("编码 {code} 与第 {first_row} 行重复，但名称或单价不同"),
        reason_en: format!("code {code} repeats row {first_row} with a different name or price"),
    })
}

/// Every row of a table held in memory, checked (`read`).
pub(super) fn parse_rows(rows: Rows, map: &[(String, Field)], format: &'static str, encoding: &'static str) -> Result<Parsed> {
    let mut checker = RowChecker::new(map);
    let mut items: Vec<ParsedItem> = Vec::new();
    let mut problems = Vec::new();
    let mut duplicates = 0;
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        match checker.check(line, &cells)? {
            Checked::Skip => {}
            Checked::Problem(p) => problems.push(p),
            Checked::Item(item) => {
                if let Some(&earlier) = by_code.get(&item.code) {
                    let first = &items[earlier];
                    match repeat_problem(first.row, first.price == item.price && first.name == item.name, &item) {
                        None => duplicates += 1,
                        Some(p) => problems.push(p),
                    }
                    continue;
                }
                by_code.insert(item.code.clone(), items.len());
                items.push(item);
            }
        }
    }
    checker.finish(items.len(), problems.len())?;
    Ok(Parsed {
        format,
        encoding,
        rows_read: checker.rows_read,
        items,
        problems,
        duplicates,
    })
}
