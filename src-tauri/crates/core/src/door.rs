//! 拒之门外 — refuse at the door: whether the logged-in operator may start a counter task at
//! all, decided before its form opens, so that nobody fills in a form only to be refused at
//! confirm. Two checks: the role (the refusal names who may do it) and, for a task that takes
//! or pays back money, an open shift of this operator. The task's own function checks both
//! again when it is confirmed; this only brings the answer forward. A supervisor's approval
//! is not a door: it is asked in place, on the form.

use crate::error::Result;
use crate::ids::Permission;
use crate::operator::Actor;
use crate::store::Desk;
use serde::Serialize;

/// A counter task that a key opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Task {
    /// 新建患者 (F2)
    NewPatient,
    /// 挂号 (F4): takes the registration fee.
    Register,
    /// 收费 (F5): the charge lines; no money yet.
    Charge,
    /// 结算 (F9): the payment.
    Pay,
    /// 退费 / 作废 (F8 on the cashier screen).
    Correct,
    /// 入院 (F6)
    Admit,
    /// 交预交金 (F7)
    Deposit,
    /// 退预交金 (F8 on the admission screen)
    DepositRefund,
    /// 更正患者信息 (Ctrl+U on a pinned patient)
    CorrectPatient,
    /// 合并患者 (Ctrl+M): a supervisor approves on the form.
    MergePatients,
}

impl Task {
    pub const ALL: [Task; 10] = [
        Task::NewPatient,
        Task::Register,
        Task::Charge,
        Task::Pay,
        Task::Correct,
        Task::Admit,
        Task::Deposit,
        Task::DepositRefund,
        Task::CorrectPatient,
        Task::MergePatients,
    ];

    fn permission(self) -> Permission {
        match self {
            Task::NewPatient | Task::Register | Task::Charge | Task::Pay | Task::Correct | Task::CorrectPatient | Task::MergePatients => {
                Permission::Register
            }
            Task::Admit | Task::Deposit | Task::DepositRefund => Permission::Admit,
        }
    }

    /// Money changes hands (or goes back): the operator's open shift must hold it.
    fn takes_money(self) -> bool {
        matches!(
            self,
            Task::Register | Task::Pay | Task::Correct | Task::Deposit | Task::DepositRefund
        )
    }
}

impl Desk {
    /// Whether `by` may start `task` now; the error is the one the task itself would give.
    pub fn door(&self, by: &Actor, task: Task) -> Result<()> {
        by.require(task.permission())?;
        if task.takes_money() {
            self.shift_for_money(by)?;
        }
        Ok(())
    }

    /// Every task with its refusal, if any: what the window needs to refuse at the door.
    pub fn doors(&self, by: &Actor) -> Result<Vec<(Task, Option<crate::CoreError>)>> {
        // The shift is read once; a refusal of the role comes before one of the shift.
        let shift_missing = self.open_shift_of(by)?.is_none();
        Ok(Task::ALL
            .into_iter()
            .map(|task| {
                let refusal = match by.require(task.permission()) {
                    Err(e) => Some(e),
                    Ok(()) if task.takes_money() && shift_missing => self.shift_for_money(by).err(),
                    Ok(()) => None,
                };
                (task, refusal)
            })
            .collect())
    }
}
