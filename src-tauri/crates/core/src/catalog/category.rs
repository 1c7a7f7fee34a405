//! 费用类别: the fee categories of the unified medical receipts (财综〔2019〕29号), in the order
//! a receipt lists them. A price list's own category names are mapped onto these; a name that
//! maps to none is reported, never dropped.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FeeCategory {
    /// 床位费 (inpatient)
    Bed,
    /// 诊察费
    Consultation,
    /// 检查费
    Examination,
    /// 化验费
    Laboratory,
    /// 治疗费
    Treatment,
    /// 手术费
    Surgery,
    /// 护理费 (inpatient)
    Nursing,
    /// 卫生材料费
    Materials,
    /// 西药费
    WesternMedicine,
    /// 中药饮片
    HerbalPieces,
    /// 中成药费
    PatentMedicine,
    /// 一般诊疗费
    GeneralService,
    /// 挂号费
    Registration,
    /// 其他
    Other,
}

impl FeeCategory {
    pub const ALL: [FeeCategory; 14] = [
        FeeCategory::Bed,
        FeeCategory::Consultation,
        FeeCategory::Examination,
        FeeCategory::Laboratory,
        FeeCategory::Treatment,
        FeeCategory::Surgery,
        FeeCategory::Nursing,
        FeeCategory::Materials,
        FeeCategory::WesternMedicine,
        FeeCategory::HerbalPieces,
        FeeCategory::PatentMedicine,
        FeeCategory::GeneralService,
        FeeCategory::Registration,
        FeeCategory::Other,
    ];

    /// The name printed on receipts.
    pub fn zh(self) -> &'static str {
        use FeeCategory::*;
        match self {
            Bed => "床位费",
            Consultation => "诊察费",
            Examination => "检查费",
            Laboratory => "化验费",
            Treatment => "治疗费",
            Surgery => "手术费",
            Nursing => "护理费",
            Materials => "卫生材料费",
            WesternMedicine => "西药费",
            HerbalPieces => "中药饮片",
            PatentMedicine => "中成药费",
            GeneralService => "一般诊疗费",
            Registration => "挂号费",
            Other => "其他",
        }
    }

    pub fn key(self) -> &'static str {
        use FeeCategory::*;
        match self {
            Bed => "bed",
            Consultation => "consultation",
            Examination => "examination",
            Laboratory => "laboratory",
            Treatment => "treatment",
            Surgery => "surgery",
            Nursing => "nursing",
            Materials => "materials",
            WesternMedicine => "western_medicine",
            HerbalPieces => "herbal_pieces",
            PatentMedicine => "patent_medicine",
            GeneralService => "general_service",
            Registration => "registration",
            Other => "other",
        }
    }

    /// Maps a price list's category text (Chinese or English, with or without 费) onto a
    /// receipt category. `None` for text that names no known category.
    pub fn parse(text: &str) -> Option<FeeCategory> {
        use FeeCategory::*;
        let t: String = text
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let t = t.trim_end_matches('类');
        if let Some(c) = FeeCategory::ALL.iter().find(|c| c.key() == t || c.zh() == t) {
            return Some(*c);
        }
        let c = match t {
            "床位" | "床位费用" => Bed,
            "诊查费" | "诊察" | "诊查" | "门诊诊察费" => Consultation,
            "检查" | "影像" | "放射" | "b超" | "超声" | "心电" | "ct" | "mri" | "检查费用" => Examination,
            "化验" | "检验" | "检验费" | "实验室" => Laboratory,
            "治疗" | "处置" | "处置费" | "注射费" | "输液费" => Treatment,
            "手术" => Surgery,
            "护理" => Nursing,
            "材料" | "材料费" | "卫生材料" | "耗材" | "耗材费" | "医用耗材" => Materials,
            "西药" | "西药费用" => WesternMedicine,
            "中药饮片费" | "中草药" | "中草药费" | "草药" | "饮片" | "草药费" => HerbalPieces,
            "中成药" => PatentMedicine,
            "一般诊疗" | "一般诊疗费用" => GeneralService,
            "挂号" => Registration,
            "其他费" | "其他费用" | "其它" | "其它费" | "其他门(急)诊收费" | "其他门（急）诊收费" | "其他住院收费" => {
                Other
            }
            _ => return None,
        };
        Some(c)
    }

    /// Drugs are dispensed by the pharmacy (退药确认 on refunds).
    pub fn is_drug(self) -> bool {
        matches!(
            self,
            FeeCategory::WesternMedicine | FeeCategory::HerbalPieces | FeeCategory::PatentMedicine
        )
    }
}

#[cfg(test)]
mod tests {
    use super::FeeCategory::{self, *};

    fn check(text: &str, expected: Option<FeeCategory>) {
        assert_eq!(FeeCategory::parse(text), expected, "{text:?}");
    }

    #[test]
    fn maps_price_list_names() {
        check("西药费", Some(WesternMedicine));
        check("西药", Some(WesternMedicine));
        check(" 中成药 ", Some(PatentMedicine));
        check("中草药", Some(HerbalPieces));
        check("检验费", Some(Laboratory));
        check("CT", Some(Examination));
        check("卫生材料", Some(Materials));
        check("诊查费", Some(Consultation));
        check("挂号费", Some(Registration));
        check("其他", Some(Other));
        check("western_medicine", Some(WesternMedicine));
        check("床位费", Some(Bed));
        check("麻醉费", None);
        check("", None);
    }

    #[test]
    fn receipt_order_is_the_declared_order() {
        let mut sorted = FeeCategory::ALL;
        sorted.sort();
        assert_eq!(sorted, FeeCategory::ALL);
        assert!(Consultation < WesternMedicine && WesternMedicine < Registration);
    }
}
