//! One line of a matching list of the reconciliation (`his.matched`, `amount_mismatch`,
//! `missing_in_his`, `posted_twice`, `unknown_to_downtime`): the station, the record and the
//! amounts on both sides, as `reconciliation.json` and the report show it.

use serde::Serialize;

/// One line of a matching list: the station, the record, and the amounts on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HisItem {
    pub station: String,
    pub record_uuid: Option<String>,
    pub receipt_no: Option<String>,
    /// `charge`, `registration`, `refund`, `deposit`, `deposit_refund`.
    pub kind: Option<String>,
    /// The day the money changed hands (or, for a posting unknown to the records, was posted).
    pub day: Option<String>,
    /// What the downtime records say the HIS should hold (0 for a voided receipt).
    pub downtime_fen: Option<i64>,
    /// What the HIS posted (the sum, when posted more than once).
    pub his_fen: i64,
    pub his_nos: Vec<String>,
    pub voided: bool,
}
