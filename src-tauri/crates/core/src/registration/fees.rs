//! 号别的费用: a registration type's fee items as the price list in force prices them (what
//! the registration form shows beside each type, and what registering charges). The types
//! themselves, as data, are `types.rs`, below the price list.

use super::types::RegType;
use crate::catalog::price::{line_amount, Quantity};
use crate::catalog::CatalogItem;
use crate::error::Result;
use crate::money::Fen;
use crate::store::Desk;

/// A type's fee items as the active price list prices them.
#[derive(Debug, Clone)]
pub struct RegTypeFees {
    pub reg_type: RegType,
    /// Per fee code, the item of the active price list, or `None` when it has none.
    pub items: Vec<(String, Option<CatalogItem>)>,
}

impl RegTypeFees {
    /// The codes the active price list lacks.
    pub fn missing(&self) -> Vec<&str> {
        self.items.iter().filter(|(_, i)| i.is_none()).map(|(c, _)| c.as_str()).collect()
    }

    /// The fee (one of each item), when every item is in the price list.
    pub fn total(&self) -> Option<Fen> {
        let mut sum = Fen::ZERO;
        for (_, item) in &self.items {
            let amount = line_amount(Quantity::from_milli(1000).ok()?, item.as_ref()?.price).ok()?;
            sum = sum.checked_add(amount)?;
        }
        Some(sum)
    }
}

impl Desk {
    /// `t`'s fee items in the active price list (`None` for a code it lacks).
    pub fn reg_type_fees(&mut self, t: &RegType) -> Result<RegTypeFees> {
        let mut items = Vec::with_capacity(t.fee_codes.len());
        for code in &t.fee_codes {
            items.push((code.clone(), self.active_catalog_item(code)?));
        }
        Ok(RegTypeFees {
            reg_type: t.clone(),
            items,
        })
    }
}
