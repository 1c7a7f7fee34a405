//! Wire inputs of the pharmacy screen (`commands/pharmacy.rs`): 发药 and 退药. Its outputs are
//! `pharmacy::view`.

use super::*;
use crate::catalog::price::Quantity;

/// A line handed over or taken back: the receipt's line number and the quantity typed.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct LineQtyInput {
    #[ts(type = "number")]
    pub n: i64,
    pub quantity: String,
}

/// 发药 or 退药 from the pharmacy screen.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[ts(export)]
pub struct PharmacyInput {
    pub payload: String,
    /// Empty: every signed line whole (dispensing only).
    pub lines: Vec<LineQtyInput>,
    /// A second dispensing: the pharmacist-in-charge's name and PIN (checked by the core).
    #[serde(default)]
    #[ts(optional)]
    pub approver: Option<CredentialsInput>,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// 发药/退药 as the core takes it: the lines parsed, a second dispensing's approver carried.
#[derive(Debug, Clone)]
pub struct PharmacyLines {
    pub payload: String,
    pub lines: Vec<(i64, Quantity)>,
    pub again: Option<(Approval, String)>,
}

impl PharmacyLines {
    /// `Desk::dispense`'s `again`.
    pub fn again(&self) -> Option<(&Approval, &str)> {
        self.again.as_ref().map(|(a, r)| (a, r.as_str()))
    }
}

impl TryFrom<PharmacyInput> for PharmacyLines {
    type Error = crate::CoreError;
    fn try_from(i: PharmacyInput) -> crate::Result<Self> {
        Ok(PharmacyLines {
            lines: i
                .lines
                .iter()
                .map(|l| Ok((l.n, Quantity::parse(&l.quantity)?)))
                .collect::<crate::Result<_>>()?,
            payload: i.payload,
            again: i.approver.map(|a| (Approval::from(a), i.reason.unwrap_or_default())),
        })
    }
}
