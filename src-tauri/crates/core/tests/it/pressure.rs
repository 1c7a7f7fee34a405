//! Issue 11, the counter under pressure: a task is refused at the door — before its form
//! opens — for the operator's role (naming who may) or a missing shift, with the same code the
//! task itself gives on confirm.

use crate::Fixture;
use downtime_core::door::Task;
use downtime_core::{Fen, Role};

/// The refusal code of every task for the operator, in `Task::ALL` order ("" = open).
fn codes(f: &Fixture, who: &downtime_core::Actor) -> Vec<(Task, String)> {
    f.desk
        .doors(who)
        .unwrap()
        .into_iter()
        .map(|(t, e)| (t, e.map(|e| e.code().to_string()).unwrap_or_default()))
        .collect()
}

fn check(f: &Fixture, who: &downtime_core::Actor, expected: &[(Task, &str)]) {
    let got = codes(f, who);
    let want: Vec<(Task, String)> = expected.iter().map(|(t, c)| (*t, c.to_string())).collect();
    assert_eq!(got, want, "{}", who.name());
    // `door` says the same as `doors`, task by task.
    for (task, code) in &want {
        let one = f.desk.door(who, *task).err().map(|e| e.code().to_string()).unwrap_or_default();
        assert_eq!(&one, code, "{task:?}");
    }
}

#[test]
fn a_task_is_refused_at_the_door_for_the_role_and_the_shift() {
    use Task::*;
    let mut f = Fixture::new();
    let cashier = f.operator("李收费", Role::Cashier);
    let clerk = f.operator("赵住院", Role::Admissions);
    let finance = f.operator("钱财务", Role::Finance);
    let before = f.entries();
    let no_shift = "shift_required";
    let role = "role_forbidden";
    // Without a shift: what takes money is refused for the shift, what the role cannot do for
    // the role (that comes first).
    check(
        &f,
        &cashier,
        &[
            (NewPatient, ""),
            (Register, no_shift),
            (Charge, ""),
            (Pay, no_shift),
            (Correct, no_shift),
            (Admit, role),
            (Deposit, role),
            (DepositRefund, role),
            (CorrectPatient, ""),
            (MergePatients, ""),
        ],
    );
    check(
        &f,
        &finance,
        &[
            (NewPatient, role),
            (Register, role),
            (Charge, role),
            (Pay, role),
            (Correct, role),
            (Admit, role),
            (Deposit, role),
            (DepositRefund, role),
            (CorrectPatient, role),
            (MergePatients, role),
        ],
    );
    assert_eq!(f.entries(), before, "asking writes nothing");
    f.desk.open_shift(&cashier, Fen::ZERO).unwrap();
    f.desk.open_shift(&clerk, Fen::ZERO).unwrap();
    check(
        &f,
        &cashier,
        &[
            (NewPatient, ""),
            (Register, ""),
            (Charge, ""),
            (Pay, ""),
            (Correct, ""),
            (Admit, role),
            (Deposit, role),
            (DepositRefund, role),
            (CorrectPatient, ""),
            (MergePatients, ""),
        ],
    );
    check(&f, &clerk, &Task::ALL.map(|t| (t, "")));
    // The refusal names who may do it, in both languages.
    let e = f.desk.door(&cashier, Admit).unwrap_err();
    assert!(
        e.message(downtime_core::Lang::Zh).contains("住院处和主管"),
        "{}",
        e.message(downtime_core::Lang::Zh)
    );
    assert!(e.message(downtime_core::Lang::En).contains("admissions clerks and supervisors"));
    let e = f.desk.door(&f.admin, Pay).unwrap_err();
    assert!(e.message(downtime_core::Lang::Zh).contains("收费员、住院处和主管"));
}
