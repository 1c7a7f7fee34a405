//! 收据列表: receipts with their kind and the direction of their money (money paid back is
//! negative), and the totals per kind. A voided receipt is listed, but counted apart and in
//! no kind's total.

use super::types::Group;
use crate::receipt::{Receipt, ReceiptKind};
use serde::Serialize;
use ts_rs::TS;

/// Count and signed amount of one kind of receipt (voided ones apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KindTotal {
    pub kind: ReceiptKind,
    #[ts(type = "number")]
    pub count: i64,
    /// Negative for refunds and deposit refunds.
    #[ts(type = "number")]
    pub amount_fen: i64,
}

/// The totals under a receipt list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReceiptTotals {
    /// Every kind, in the order charge, registration, refund, deposit, deposit refund.
    pub by_kind: Vec<KindTotal>,
    /// Voided receipts (their amount as issued, positive).
    pub voided: Group,
    /// The sum of the kinds' signed amounts.
    #[ts(type = "number")]
    pub net_fen: i64,
}

const KINDS: [ReceiptKind; 5] = [
    ReceiptKind::Charge,
    ReceiptKind::Registration,
    ReceiptKind::Refund,
    ReceiptKind::Deposit,
    ReceiptKind::DepositRefund,
];

pub fn receipt_totals(receipts: &[Receipt]) -> ReceiptTotals {
    let mut by_kind: Vec<KindTotal> = KINDS
        .iter()
        .map(|k| KindTotal {
            kind: *k,
            count: 0,
            amount_fen: 0,
        })
        .collect();
    let mut voided = Group::default();
    for r in receipts {
        if r.voided.is_some() {
            voided.count += 1;
            voided.amount_fen += r.total.get();
            continue;
        }
        let t = by_kind.iter_mut().find(|t| t.kind == r.kind).expect("every kind is listed");
        t.count += 1;
        t.amount_fen += r.signed_total();
    }
    let net_fen = by_kind.iter().map(|t| t.amount_fen).sum();
    ReceiptTotals { by_kind, voided, net_fen }
}

impl crate::Desk {
    /// The totals under the operator's receipts of the open shift (F8); refused without one.
    pub fn open_shift_totals(&self, by: &crate::Actor) -> crate::Result<ReceiptTotals> {
        let shift = self.shift_for_money(by)?;
        Ok(receipt_totals(&self.receipts(Some(shift.id))?))
    }

    /// The operator's receipts of the open shift, newest first (none without one).
    pub fn open_shift_receipts(&self, by: &crate::Actor) -> crate::Result<Vec<Receipt>> {
        match self.open_shift_of(by)? {
            Some(shift) => self.receipts(Some(shift.id)),
            None => Ok(vec![]),
        }
    }
}
