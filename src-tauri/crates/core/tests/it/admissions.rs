use crate::Fixture;
use chrono::Duration;
use downtime_core::admission::{DepositInput, DepositRefundInput, NewAdmission};
use downtime_core::charge::tender::{Method, TenderInput};
use downtime_core::charge::ReceiptKind;
use downtime_core::patient::NewPatient;
use downtime_core::{Actor, Fen, Role};
use uuid::Uuid;

struct Office {
    f: Fixture,
    clerk: Actor,
    sup: Actor,
}

fn office() -> Office {
    let mut f = Fixture::new();
    let admin = f.admin.clone();
    let depts = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../assets/departments.csv")).unwrap();
    f.desk.import_departments(&admin, &depts, "departments.csv").unwrap();
    f.desk.start_outage(&admin, "HIS 宕机", None, "").unwrap();
    let clerk = f.operator("赵住院", Role::Admissions);
    let sup = f.operator("陈主管", Role::Supervisor);
    f.desk.open_shift(&clerk, Fen::ZERO).unwrap();
    f.desk
        .add_patient(
            &clerk,
            &NewPatient {
                name: "王五".into(),
                sex: "M".into(),
                insurance: Some("employee".into()),
                insurance_no: Some("E777".into()),
                ..Default::default()
            },
        )
        .unwrap();
    Office { f, clerk, sup }
}

fn yuan(y: &str) -> Fen {
    Fen::parse_yuan(y).unwrap()
}

fn admit_input() -> NewAdmission {
    NewAdmission {
        patient: "DT-MZ01-000001".into(),
        dept: "ZYNK".into(),
        ward: Some("内科一病区".into()),
        bed: Some("12".into()),
        doctor: Some("张明".into()),
        ..Default::default()
    }
}

fn deposit(no: &str, tenders: Vec<TenderInput>) -> DepositInput {
    DepositInput {
        id: Uuid::now_v7(),
        admission_no: no.into(),
        tenders,
        cash_tendered: None,
        payer: None,
        back_entered_at: None,
    }
}

#[test]
fn an_insured_patient_is_admitted_as_self_pay_and_flagged() {
    let mut o = office();
    let clerk = o.clerk.clone();
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    assert_eq!(a.inpatient_no, "ZY-MZ01-000001");
    assert!(a.convert_to_insured);
    assert_eq!(a.insurance_no, "E777");
    assert_eq!(
        o.f.desk.admit(&clerk, &admit_input()).unwrap_err().code(),
        "admission_already_active"
    );
    let second =
        o.f.desk
            .admit(
                &clerk,
                &NewAdmission {
                    confirm_second: true,
                    ..admit_input()
                },
            )
            .unwrap();
    assert_eq!(second.inpatient_no, "ZY-MZ01-000002");
    let cashier = o.f.operator("李收费", Role::Cashier);
    assert_eq!(o.f.desk.admit(&cashier, &admit_input()).unwrap_err().code(), "role_forbidden");
}

#[test]
fn deposits_top_ups_and_a_refund_agree_to_the_fen() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let mut first = deposit(
        &a.inpatient_no,
        vec![TenderInput {
            method: Method::Cash,
            amount: yuan("2000"),
            reference: String::new(),
        }],
    );
    first.cash_tendered = Some(yuan("2000"));
    let r1 = o.f.desk.take_deposit(&clerk, &first).unwrap();
    assert_eq!(
        (r1.kind, r1.receipt_no.as_str(), r1.total.get()),
        (ReceiptKind::Deposit, "MZ01-000001", 200_000)
    );
    let card = TenderInput {
        method: Method::Card,
        amount: yuan("1500.50"),
        reference: "6222/778899".into(),
    };
    o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![card])).unwrap();
    let cheque = TenderInput {
        method: Method::Cheque,
        amount: yuan("500"),
        reference: "工商银行/10203040".into(),
    };
    o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cheque])).unwrap();
    assert_eq!(o.f.desk.deposit_account(&a.inpatient_no).unwrap().balance, yuan("4000.50"));
    let refund = |amount: &str| DepositRefundInput {
        id: Uuid::now_v7(),
        admission_no: a.inpatient_no.clone(),
        amount: yuan(amount),
        tenders: vec![],
        pay_back_reason: None,
        reason: "出院结算".into(),
    };
    assert_eq!(
        o.f.desk.refund_deposit(&clerk, &clerk, &refund("100")).unwrap_err().code(),
        "role_forbidden"
    );
    assert_eq!(
        o.f.desk.refund_deposit(&clerk, &sup, &refund("4000.51")).unwrap_err().code(),
        "deposit_refund_exceeds_balance"
    );
    let back = o.f.desk.refund_deposit(&clerk, &sup, &refund("1000.25")).unwrap();
    assert_eq!(back.kind, ReceiptKind::DepositRefund);
    let account = o.f.desk.deposit_account(&a.inpatient_no).unwrap();
    assert_eq!(account.balance, yuan("3000.25"));
    assert_eq!(account.movements.len(), 4);
    let sum: i64 = account
        .movements
        .iter()
        .map(|m| {
            if m.kind == ReceiptKind::Deposit {
                m.total.get()
            } else {
                -m.total.get()
            }
        })
        .sum();
    assert_eq!(sum, account.balance.get());
    assert_eq!(o.f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_printed_deposit_refund_says_what_was_paid_back_and_the_balance_left_then() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    for amount in ["2000", "1500.50"] {
        let cash = TenderInput {
            method: Method::Cash,
            amount: yuan(amount),
            reference: String::new(),
        };
        o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash])).unwrap();
    }
    let refund = |amount: &str| DepositRefundInput {
        id: Uuid::now_v7(),
        admission_no: a.inpatient_no.clone(),
        amount: yuan(amount),
        tenders: vec![],
        pay_back_reason: None,
        reason: "出院结算".into(),
    };
    let first = o.f.desk.refund_deposit(&clerk, &sup, &refund("1000.25")).unwrap();
    o.f.advance(Duration::minutes(5));
    let second = o.f.desk.refund_deposit(&clerk, &sup, &refund("500")).unwrap();
    o.f.advance(Duration::minutes(5));
    o.f.desk.void_receipt(&clerk, &sup, "MZ01-000002", "金额录错").unwrap();
    assert_eq!(o.f.desk.deposit_account(&a.inpatient_no).unwrap().balance, yuan("499.75"));
    for (r, left) in [(&first, "¥2,500.25"), (&second, "¥2,000.25")] {
        // A reprint after a later refund and a later void still says what the original said.
        let text = crate::receipt_pdf::text_of(&o.f.desk.receipt_pdf(&r.receipt_no, "a5", true).unwrap());
        for e in [
            "预交金退款凭证",
            "兹退还",
            "王五",
            &r.total.capitals(),
            "退款方式：现金",
            "退款原因：出院结算",
            "审批主管：陈主管",
            "经手人：赵住院",
            &format!("退款后余额：{left}"),
        ] {
            assert!(text.contains(e), "{e:?} missing from {}:\n{text}", r.receipt_no);
        }
        assert!(!text.contains("兹收到"), "{text}");
    }
}

#[test]
fn bad_deposits_are_refused_and_write_nothing() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let before = o.f.entries();
    assert_eq!(
        o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![])).unwrap_err().code(),
        "deposit_zero"
    );
    let zero = TenderInput {
        method: Method::Cash,
        amount: Fen::ZERO,
        reference: String::new(),
    };
    assert_eq!(
        o.f.desk
            .take_deposit(&clerk, &deposit(&a.inpatient_no, vec![zero]))
            .unwrap_err()
            .code(),
        "deposit_zero"
    );
    let no_number = TenderInput {
        method: Method::Cheque,
        amount: yuan("500"),
        reference: "工商银行".into(),
    };
    assert_eq!(
        o.f.desk
            .take_deposit(&clerk, &deposit(&a.inpatient_no, vec![no_number]))
            .unwrap_err()
            .code(),
        "tender_cheque_reference"
    );
    assert_eq!(
        o.f.desk
            .take_deposit(
                &clerk,
                &deposit(
                    "ZY-MZ01-999999",
                    vec![TenderInput {
                        method: Method::Cash,
                        amount: yuan("1"),
                        reference: String::new()
                    }]
                )
            )
            .unwrap_err()
            .code(),
        "admission_unknown"
    );
    let refund = DepositRefundInput {
        id: Uuid::now_v7(),
        admission_no: a.inpatient_no.clone(),
        amount: yuan("1"),
        tenders: vec![],
        pay_back_reason: None,
        reason: "x".into(),
    };
    assert_eq!(
        o.f.desk.refund_deposit(&clerk, &sup, &refund).unwrap_err().code(),
        "deposit_refund_exceeds_balance"
    );
    assert_eq!(o.f.entries(), before);
    // A cancelled admission takes no deposit.
    o.f.desk.cancel_admission(&clerk, &a.inpatient_no, "患者未到").unwrap();
    let cash = TenderInput {
        method: Method::Cash,
        amount: yuan("100"),
        reference: String::new(),
    };
    assert_eq!(
        o.f.desk
            .take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash]))
            .unwrap_err()
            .code(),
        "admission_cancelled"
    );
}

#[test]
fn cancel_needs_a_zero_balance_and_transfers_are_records() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let cash = TenderInput {
        method: Method::Cash,
        amount: yuan("300"),
        reference: String::new(),
    };
    o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash])).unwrap();
    assert_eq!(
        o.f.desk.cancel_admission(&clerk, &a.inpatient_no, "弄错患者").unwrap_err().code(),
        "admission_has_balance"
    );
    let moved =
        o.f.desk
            .transfer_admission(&clerk, &a.inpatient_no, "内科二病区", Some("3"), "病情需要")
            .unwrap();
    assert_eq!((moved.ward.as_str(), moved.bed.as_str()), ("内科二病区", "3"));
    o.f.desk
        .refund_deposit(
            &clerk,
            &sup,
            &DepositRefundInput {
                id: Uuid::now_v7(),
                admission_no: a.inpatient_no.clone(),
                amount: yuan("300"),
                tenders: vec![],
                pay_back_reason: None,
                reason: "取消入院".into(),
            },
        )
        .unwrap();
    let cancelled = o.f.desk.cancel_admission(&clerk, &a.inpatient_no, "弄错患者").unwrap();
    assert!(cancelled.cancelled.is_some());
    assert_eq!(o.f.desk.verify().unwrap().problem, None);
}

#[test]
fn a_deposit_is_voided_like_a_receipt_and_leaves_the_balance() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let cash = TenderInput {
        method: Method::Cash,
        amount: yuan("500"),
        reference: String::new(),
    };
    let r = o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash])).unwrap();
    o.f.desk.void_receipt(&clerk, &sup, &r.receipt_no, "金额写错").unwrap();
    assert_eq!(o.f.desk.deposit_account(&a.inpatient_no).unwrap().balance, Fen::ZERO);
}

#[test]
fn the_account_says_what_each_movement_is_and_its_summary_prints_on_record() {
    use downtime_core::admission::MovementKind::{First, Refund, TopUp};
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let cash = |y: &str| TenderInput {
        method: Method::Cash,
        amount: yuan(y),
        reference: String::new(),
    };
    // A first deposit voided does not stand: the next one is the 预交.
    let wrong = o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash("50")])).unwrap();
    o.f.desk.void_receipt(&clerk, &sup, &wrong.receipt_no, "金额写错").unwrap();
    o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash("500")])).unwrap();
    o.f.desk.take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash("300")])).unwrap();
    let back = DepositRefundInput {
        id: Uuid::now_v7(),
        admission_no: a.inpatient_no.clone(),
        amount: yuan("100"),
        tenders: vec![],
        pay_back_reason: None,
        reason: "预交过多".into(),
    };
    o.f.desk.refund_deposit(&clerk, &sup, &back).unwrap();
    let account = o.f.desk.deposit_account(&a.inpatient_no).unwrap();
    assert_eq!(account.movement_kinds(), [TopUp, First, TopUp, Refund]);
    let view = downtime_core::view::DepositAccountView::from(&account);
    let said: Vec<_> = view.movements.iter().map(|m| (m.movement, m.receipt.signed_total_fen)).collect();
    assert_eq!(said, [(TopUp, 5000), (First, 50000), (TopUp, 30000), (Refund, -10000)]);

    // The summary says the same, is saved whole in the receipts folder, and is on record.
    let printed = o.f.desk.print_deposit_summary(&clerk, &a.inpatient_no, "a5").unwrap();
    assert_eq!(printed.pdf_path.parent(), Some(o.f.desk.receipts_dir().as_path()));
    let text = crate::receipt_pdf::text_of(&std::fs::read(&printed.pdf_path).unwrap());
    let kinds: Vec<&str> = ["预交", "补交", "退款"].into_iter().filter(|k| text.contains(k)).collect();
    assert_eq!(kinds, ["预交", "补交", "退款"], "{text}");
    let entry = &o.f.desk.journal_tail(1).unwrap()[0];
    assert_eq!(entry.kind, "document_printed");
    assert!(
        entry.payload.contains("deposit_summary") && entry.payload.contains(&a.inpatient_no),
        "{}",
        entry.payload
    );
    assert_eq!(o.f.desk.verify().unwrap().problem, None);
}

#[test]
fn deposits_outside_an_outage_need_back_entry() {
    let mut o = office();
    let clerk = o.clerk.clone();
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let admin = o.f.admin.clone();
    o.f.advance(Duration::hours(3));
    o.f.desk.end_outage(&admin, None, true).unwrap();
    let cash = || TenderInput {
        method: Method::Cash,
        amount: yuan("100"),
        reference: String::new(),
    };
    assert_eq!(
        o.f.desk
            .take_deposit(&clerk, &deposit(&a.inpatient_no, vec![cash()]))
            .unwrap_err()
            .code(),
        "outage_not_active"
    );
    let mut back = deposit(&a.inpatient_no, vec![cash()]);
    back.back_entered_at = Some((o.f.desk.now() - Duration::hours(1)).into());
    assert!(o.f.desk.take_deposit(&clerk, &back).unwrap().back_entered);
}

#[test]
fn a_deposit_refund_shows_the_balance_after_it_before_it_is_confirmed() {
    let mut o = office();
    let clerk = o.clerk.clone();
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    o.f.desk
        .take_deposit(
            &clerk,
            &deposit(
                &a.inpatient_no,
                vec![TenderInput {
                    method: Method::Cash,
                    amount: yuan("3000"),
                    reference: String::new(),
                }],
            ),
        )
        .unwrap();
    let before = o.f.entries();
    assert_eq!(
        o.f.desk.deposit_refund_preview(&a.inpatient_no, yuan("1200.5")).unwrap(),
        (yuan("3000"), yuan("1799.5"))
    );
    assert_eq!(o.f.desk.deposit_refund_preview(&a.inpatient_no, yuan("3000")).unwrap().1, Fen::ZERO);
    for (amount, code) in [("3000.01", "deposit_refund_exceeds_balance"), ("0", "deposit_zero")] {
        assert_eq!(
            o.f.desk.deposit_refund_preview(&a.inpatient_no, yuan(amount)).unwrap_err().code(),
            code
        );
    }
    assert_eq!(
        o.f.desk.deposit_refund_preview("ZY-MZ01-999999", yuan("1")).unwrap_err().code(),
        "admission_unknown"
    );
    assert_eq!(o.f.entries(), before);
}

#[test]
fn a_deposit_goes_back_the_way_it_came_and_both_papers_say_what_they_are() {
    let mut o = office();
    let (clerk, sup) = (o.clerk.clone(), o.sup.clone());
    let a = o.f.desk.admit(&clerk, &admit_input()).unwrap();
    let mut by_son = deposit(
        &a.inpatient_no,
        vec![
            TenderInput {
                method: Method::Cash,
                amount: yuan("500"),
                reference: String::new(),
            },
            TenderInput {
                method: Method::Wechat,
                amount: yuan("1500"),
                reference: "4200001234".into(),
            },
        ],
    );
    by_son.payer = Some(downtime_core::charge::Depositor {
        name: "王小明".into(),
        relation: "子女".into(),
        phone: "13800138000".into(),
    });
    let d = o.f.desk.take_deposit(&clerk, &by_son).unwrap();
    let text = crate::receipt_pdf::text_of(&o.f.desk.receipt_pdf(&d.receipt_no, "a5", false).unwrap());
    for needle in [
        "住院病人预交金收据",
        "王小明（子女） 13800138000",
        "12床",
        "现金 ¥500.00",
        "微信支付 ¥1,500.00",
        "本次交款后预交金余额：¥2,000.00",
        "交款人签字",
        "出院结算时凭本收据结算",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains("换取电脑发票"), "{text}");

    let refund = |amount: &str, tenders: Vec<TenderInput>, why: Option<&str>| DepositRefundInput {
        id: Uuid::now_v7(),
        admission_no: a.inpatient_no.clone(),
        amount: yuan(amount),
        tenders,
        reason: "出院结算".into(),
        pay_back_reason: why.map(String::from),
    };
    // The operator cannot approve their own refund.
    let self_approved = o.f.desk.refund_deposit(&sup, &sup, &refund("100", vec![], None));
    assert!(self_approved.is_err());
    // By default the WeChat transaction first, then cash — never more cash than was taken.
    let back = o.f.desk.refund_deposit(&clerk, &sup, &refund("1800", vec![], None)).unwrap();
    let ways: Vec<(Method, i64, &str)> = back
        .tenders
        .iter()
        .map(|t| (t.method, t.amount.get(), t.reference.as_str()))
        .collect();
    assert_eq!(ways, vec![(Method::Wechat, 150_000, "4200001234"), (Method::Cash, 30_000, "")]);
    // What is left (¥200 in cash) cannot go to a card without a reason.
    let card = || {
        vec![TenderInput {
            method: Method::Card,
            amount: yuan("200"),
            reference: "6222/1".into(),
        }]
    };
    let before = o.f.entries();
    assert_eq!(
        o.f.desk
            .refund_deposit(&clerk, &sup, &refund("200", card(), None))
            .unwrap_err()
            .code(),
        "refund_other_way_needs_reason"
    );
    assert_eq!(o.f.entries(), before);
    let last =
        o.f.desk
            .refund_deposit(&clerk, &sup, &refund("200", card(), Some("现金不足")))
            .unwrap();
    let text = crate::receipt_pdf::text_of(&o.f.desk.receipt_pdf(&last.receipt_no, "a5", false).unwrap());
    for needle in ["预交金退款凭证", "非原路退回，原因：现金不足", "领款人签字", "陈主管"] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains("请妥善保管"), "no notice on a refund:\n{text}");
    let (checked, _) = o.f.desk.check_receipt_code(&last.qr_payload, None).unwrap();
    assert_eq!(checked.kind, Some(ReceiptKind::DepositRefund));
}
