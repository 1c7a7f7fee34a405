//! 入院与预交金: inpatient admissions (`admit.rs`) and their deposits (`deposit.rs`).

mod admit;
mod deposit;

pub use admit::{Admission, NewAdmission};
pub use deposit::{DepositAccount, DepositInput, DepositRefundInput, DepositRefundPlan, MovementKind};
