//! 医保类型: the insurance a patient declares. During an outage every insured patient pays
//! as self-pay; the type and card number are kept for re-settlement after recovery.

use crate::error::{invalid, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Insurance {
    /// 城镇职工基本医疗保险
    Employee,
    /// 城乡居民基本医疗保险 (absorbed 新农合 in 2016)
    Resident,
    /// 公费医疗
    PublicFunded,
    /// 商业保险
    Commercial,
    /// 自费
    SelfPay,
}

impl Insurance {
    pub const ALL: [Insurance; 5] = [
        Insurance::Employee,
        Insurance::Resident,
        Insurance::PublicFunded,
        Insurance::Commercial,
        Insurance::SelfPay,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Insurance::Employee => "employee",
            Insurance::Resident => "resident",
            Insurance::PublicFunded => "public_funded",
            Insurance::Commercial => "commercial",
            Insurance::SelfPay => "self_pay",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Insurance::Employee => "城镇职工基本医疗保险",
            Insurance::Resident => "城乡居民基本医疗保险",
            Insurance::PublicFunded => "公费医疗",
            Insurance::Commercial => "商业保险",
            Insurance::SelfPay => "自费",
        }
    }

    /// Insured patients pay in full now and are re-settled after recovery.
    pub fn is_insured(self) -> bool {
        self != Insurance::SelfPay
    }

    pub fn parse(text: &str) -> Result<Insurance> {
        let t = text.trim().to_lowercase();
        let found = Insurance::ALL
            .into_iter()
            .find(|i| i.key() == t || i.zh() == t)
            .or(match t.as_str() {
                "" | "self" | "selfpay" | "自费" | "无" => Some(Insurance::SelfPay),
                "职工" | "职工医保" | "城镇职工" | "employee_basic" => Some(Insurance::Employee),
                "居民" | "居民医保" | "城乡居民" | "新农合" | "新型农村合作医疗" | "resident_basic" => {
                    Some(Insurance::Resident)
                }
                "公费" | "public" => Some(Insurance::PublicFunded),
                "商保" | "商业" => Some(Insurance::Commercial),
                _ => None,
            });
        found.ok_or_else(|| {
            invalid!(
                InsuranceInvalid,
                format!("没有“{text}”这种医保类型：可选 employee（城镇职工）、resident（城乡居民）、public_funded（公费医疗）、commercial（商业保险）、self_pay（自费）"),
                format!("Unknown insurance type \"{text}\": choose employee, resident, public_funded, commercial or self_pay")
            )
        })
    }
}
