//! 号别的费用: a registration type's fee items as the price list in force prices them (what
//! the registration form shows beside each type, and what registering charges). The types
//! themselves, as data, are `types.rs`, below the price list.

use super::types::RegType;
use crate::catalog::price::{line_amount, Quantity};
use crate::catalog::CatalogItem;
use crate::error::{invalid, Result};
use crate::money::Fen;
use crate::operator::Actor;
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
    /// `downtime regtype set` and the settings screen: adds or changes a type. Every fee code
    /// must be in the active price list; a supervisor or an administrator sets types.
    pub fn set_reg_type(&mut self, by: &Actor, key: &str, name: &str, fee_codes: &[String], active: bool) -> Result<RegType> {
        self.set_reg_type_with(by, key, name, fee_codes, active, |desk, codes| {
            let catalog = desk.require_catalog()?;
            for c in codes {
                if desk.active_catalog_item(c)?.is_none() {
                    return Err(invalid!(
                        RegFeeCodeUnknown,
                        format!("当前价目表（{}）中没有编码为“{c}”的项目，不能作为挂号费用", catalog.month),
                        format!(
                            "The active price list ({}) has no item \"{c}\"; it cannot be a registration fee",
                            catalog.month
                        )
                    ));
                }
            }
            Ok(())
        })
    }

    /// `t`'s fee items in the active price list (`None` for a code it lacks).
    /// The settings screen's edit of a type: [`Desk::set_reg_type`], then every type priced
    /// (as `set_department` answers with the departments).
    pub fn edit_reg_type(&mut self, by: &Actor, key: &str, name: &str, fee_codes: &[String], active: bool) -> Result<Vec<RegTypeFees>> {
        self.set_reg_type(by, key, name, fee_codes, active)?;
        self.reg_types_priced()
    }

    /// Every registration type with its fees as the list in force prices them.
    pub fn reg_types_priced(&mut self) -> Result<Vec<RegTypeFees>> {
        let types = self.reg_types()?;
        types.iter().map(|t| self.reg_type_fees(t)).collect()
    }

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
